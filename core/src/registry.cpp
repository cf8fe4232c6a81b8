#include "accord/core/registry.h"

#include "accord/core/errors.h"
#include "accord/core/files.h"
#include "schema.h"
#include "sqlite_db.h"

#include <algorithm>
#include <cstdlib>
#include <map>
#include <unordered_map>

namespace accord {

using nlohmann::json;
using sqlite::Statement;

namespace {

const std::string genesisHash(64, '0');
const std::string studioRowId = "studio";

std::string headMessage(std::int64_t seq, const std::string& hash) {
    return "accord-audit-head\n" + std::to_string(seq) + "\n" + hash;
}

std::string entryHash(const AuditEntry& e) {
    return sha256Hex(e.prevHash + "\n" + std::to_string(e.seq) + "\n" + e.at + "\n" + e.op + "\n" +
                     e.table + "\n" + e.rowId + "\n" + e.rowJson);
}

std::optional<UnixTime> optionalTime(const std::optional<std::string>& text,
                                     const std::string& what) {
    if (!text)
        return std::nullopt;
    return parseIsoTime(*text, what);
}

std::optional<std::string> optionalIso(const std::optional<UnixTime>& t) {
    if (!t)
        return std::nullopt;
    return formatIsoTime(*t);
}

std::string keysFolderOf(const std::string& registryPath) {
    return registryPath + ".keys";
}

} // namespace

struct Registry::Impl {
    std::string path;
    sqlite3* db = nullptr;
    std::int64_t localWrites = 0;
    int transactionDepth = 0;
    std::optional<Bytes> studioSecret; // read once per process: every write re-signs the head
    mutable std::optional<std::pair<std::int64_t, std::int64_t>> graphVersion;
    mutable ConsentGraph graph;

    ~Impl() { sqlite3_close_v2(db); }

    void exec(const std::string& sql) const { sqlite::execute(db, sql, path); }
    std::unique_ptr<Statement> prepare(const std::string& sql) const {
        return std::make_unique<Statement>(db, sql, path);
    }

    std::string keyFile(const std::string& owner) const {
        return keysFolderOf(path) + "/" + owner + ".key";
    }

    void storeSecretKey(const std::string& owner, const Bytes& secretKey) const {
        makeDirectories(keysFolderOf(path), 0700);
        writeFileAtomically(keyFile(owner), toHex(secretKey) + "\n", 0600);
    }

    Bytes loadSecretKey(const std::string& owner, const std::string& expectedPublicKey) const {
        const std::string file = keyFile(owner);
        if (!fileExists(file))
            throw IntegrityError(file + ": private key of " + owner +
                                 " is missing (keys never leave the machine they were made on)");
        std::string hex = readWholeFile(file);
        hex.erase(std::remove_if(hex.begin(), hex.end(), ::isspace), hex.end());
        Bytes secret = fromHex(hex, file);
        // An Ed25519 secret key ends with its public key.
        if (secret.size() != 64 || toHex(secret.data() + 32, 32) != expectedPublicKey)
            throw IntegrityError(file + ": private key does not match the public key of " + owner +
                                 " on record");
        return secret;
    }

    std::string studioKey() const {
        auto statement = prepare("SELECT public_key FROM studio WHERE id = ?");
        statement->bind(1, studioRowId);
        if (!statement->step())
            throw IntegrityError(path + ": the studio row is missing");
        return statement->text(0);
    }

    // Nested calls join the outermost transaction, which commits or rolls back all of them.
    template <typename Work> auto writeTransaction(Work work) -> decltype(work()) {
        if (transactionDepth > 0) {
            ++transactionDepth;
            struct Leave {
                int& depth;
                ~Leave() { --depth; }
            } leave{transactionDepth};
            // The cached consent graph must see this write even before the outer commit.
            ++localWrites;
            return work();
        }
        exec("BEGIN IMMEDIATE");
        transactionDepth = 1;
        try {
            auto result = work();
            exec("COMMIT");
            transactionDepth = 0;
            ++localWrites;
            return result;
        } catch (...) {
            sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
            transactionDepth = 0;
            ++localWrites; // rows cached from inside the transaction are gone
            studioSecret.reset();
            throw;
        }
    }

    // Ids are "<prefix>-<n>", n one more than the newest row's.
    std::string nextId(const std::string& table, const std::string& prefix) const {
        auto statement = prepare("SELECT id FROM " + table + " ORDER BY rowid DESC LIMIT 1");
        std::int64_t next = 1;
        if (statement->step()) {
            const std::string last = statement->text(0);
            next = std::strtoll(last.c_str() + prefix.size() + 1, nullptr, 10) + 1;
        }
        return prefix + "-" + std::to_string(next);
    }

    json readRow(const std::string& table, const std::string& id) const {
        auto statement = prepare("SELECT * FROM " + table + " WHERE id = ?");
        statement->bind(1, id);
        if (!statement->step())
            throw IntegrityError(path + ": " + table + " row " + id + " vanished while writing");
        return statement->rowAsJson();
    }

    // Appends the row as it now stands to the audit chain and re-signs the head.
    void logRow(const std::string& op, const std::string& table, const std::string& id) {
        AuditEntry entry;
        auto head = prepare("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1");
        entry.prevHash = genesisHash;
        if (head->step()) {
            entry.seq = head->integer(0) + 1;
            entry.prevHash = head->text(1);
        } else {
            entry.seq = 1;
        }
        entry.at = formatIsoTime(currentTime());
        entry.op = op;
        entry.table = table;
        entry.rowId = id;
        entry.rowJson = readRow(table, id).dump();
        entry.hash = entryHash(entry);
        prepare("INSERT INTO audit_log (seq, at, op, tbl, row_id, row, prev_hash, hash) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
            ->bind(1, entry.seq)
            .bind(2, entry.at)
            .bind(3, entry.op)
            .bind(4, entry.table)
            .bind(5, entry.rowId)
            .bind(6, entry.rowJson)
            .bind(7, entry.prevHash)
            .bind(8, entry.hash)
            .step();
        if (!studioSecret)
            studioSecret = loadSecretKey("studio", studioKey());
        const Bytes signature = sign(*studioSecret, headMessage(entry.seq, entry.hash));
        prepare("INSERT INTO audit_head (id, seq, hash, signature) VALUES (1, ?, ?, ?) "
                "ON CONFLICT(id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash, "
                "signature = excluded.signature")
            ->bind(1, entry.seq)
            .bind(2, entry.hash)
            .bind(3, toHex(signature))
            .step();
    }

    int userVersion() const {
        auto statement = prepare("PRAGMA user_version");
        statement->step();
        return static_cast<int>(statement->integer(0));
    }

    void migrate() {
        const auto& migrations = schema::migrations();
        const int known = static_cast<int>(migrations.size());
        if (userVersion() > known)
            throw BadInput(path + ": written by a newer Accord (registry schema " +
                           std::to_string(userVersion()) + ", this build knows up to " +
                           std::to_string(known) + ")");
        if (userVersion() == known)
            return;
        writeTransaction([&] {
            int version = userVersion(); // another process may have migrated meanwhile
            if (version == 0) {
                auto tables = prepare("SELECT count(*) FROM sqlite_master");
                tables->step();
                if (tables->integer(0) != 0)
                    throw BadInput(path + ": not an Accord registry (it holds other tables)");
            }
            for (; version < known; ++version) {
                exec(migrations[static_cast<std::size_t>(version)]);
                exec("PRAGMA user_version = " + std::to_string(version + 1));
            }
            auto studio = prepare("SELECT count(*) FROM studio");
            studio->step();
            if (studio->integer(0) == 0)
                createStudio();
            return 0;
        });
    }

    void createStudio() {
        const KeyPair keys = generateKeyPair();
        storeSecretKey("studio", keys.secretKey);
        prepare("INSERT INTO studio (id, public_key, created_at) VALUES (?, ?, ?)")
            ->bind(1, studioRowId)
            .bind(2, toHex(keys.publicKey))
            .bind(3, formatIsoTime(currentTime()))
            .step();
        logRow("studio.create", "studio", studioRowId);
    }

    // ---- reading rows into values ----

    static Holder holderFrom(const Statement& s) {
        return {s.text(0), s.text(1), s.text(2), s.text(3), s.text(4)};
    }
    static constexpr const char* holderColumns = "id, name, ipi, public_key, created_at";

    static Asset assetFrom(const Statement& s) {
        Asset a;
        a.id = s.text(0);
        a.owner = s.text(1);
        a.fileSha256 = s.text(2);
        a.pcmSha256 = s.text(3);
        a.isrc = s.text(4);
        a.durationSeconds = s.real(5);
        a.sampleRate = static_cast<int>(s.integer(6));
        a.channels = static_cast<int>(s.integer(7));
        a.origin = parseOrigin(s.text(8));
        a.path = s.text(9);
        a.createdAt = s.text(10);
        return a;
    }
    static constexpr const char* assetColumns =
        "id, owner, file_sha256, pcm_sha256, isrc, duration, sample_rate, channels, origin, path, "
        "created_at";

    static Grant grantFrom(const Statement& s) {
        Grant g;
        g.id = s.text(0);
        g.holder = s.text(1);
        g.scope = parseScope(s.text(2));
        g.asset = s.optionalText(3);
        g.grantee = s.optionalText(4);
        g.terms.sharePercent = s.real(5);
        g.terms.attribution = s.text(6);
        g.terms.licence = s.text(7);
        g.terms.commercial = s.integer(8) != 0;
        g.terms.expiresAt = optionalTime(s.optionalText(9), "grant " + g.id + " expiry");
        g.createdAt = parseIsoTime(s.text(10), "grant " + g.id + " creation time");
        g.revokedAt = optionalTime(s.optionalText(11), "grant " + g.id + " revocation time");
        g.revokeReason = s.text(12);
        return g;
    }
    static constexpr const char* grantColumns =
        "id, holder, scope, asset, grantee, share_percent, attribution, licence, commercial, "
        "expires_at, created_at, revoked_at, revoke_reason";

    static Model modelFrom(const Statement& s) {
        Model m;
        m.id = s.text(0);
        m.kind = parseModelKind(s.text(1));
        m.owner = s.text(2);
        m.file = s.text(3);
        m.weightsSha256 = s.text(4);
        m.configJson = s.text(5);
        m.metricsJson = s.text(6);
        m.sourceRevoked = s.text(7) == "source-revoked";
        m.createdAt = s.text(8);
        return m;
    }
    static constexpr const char* modelColumns =
        "id, kind, owner, file, weights_sha256, config, metrics, status, created_at";

    static Render renderFrom(const Statement& s) {
        Render r;
        r.id = s.text(0);
        r.kind = s.text(1);
        r.path = s.text(2);
        r.pcmSha256 = s.text(3);
        r.createdAt = s.text(4);
        r.watermark = s.text(5);
        return r;
    }
    static constexpr const char* renderSelect =
        "SELECT r.id, r.kind, r.path, r.pcm_sha256, r.created_at, COALESCE(w.payload, '') "
        "FROM renders r LEFT JOIN render_watermarks w ON w.id = r.id";

    template <typename Row, typename Convert>
    std::vector<Row> selectAll(const std::string& sql, Convert convert,
                               const std::optional<std::string>& key = std::nullopt) const {
        auto statement = prepare(sql);
        if (key)
            statement->bind(1, *key);
        std::vector<Row> rows;
        while (statement->step())
            rows.push_back(convert(*statement));
        return rows;
    }

    std::vector<TrainingSource> trainingOf(const std::string& modelId) const {
        return selectAll<TrainingSource>(
            "SELECT asset, grant_id FROM model_sources WHERE model = ? ORDER BY rowid",
            [](const Statement& s) {
                return TrainingSource{s.text(0), s.text(1)};
            },
            modelId);
    }

    // The first render matching `condition` (one `?` bound to `key`), with its inputs.
    std::optional<Render> renderWhere(const std::string& condition, const std::string& key) const {
        auto rows = selectAll<Render>(std::string(renderSelect) + " WHERE " + condition +
                                          " ORDER BY r.rowid LIMIT 1",
                                      renderFrom, key);
        if (rows.empty())
            return std::nullopt;
        rows.front().inputs = inputsOf(rows.front().id);
        return rows.front();
    }

    std::vector<RenderInput> inputsOf(const std::string& renderId) const {
        return selectAll<RenderInput>(
            "SELECT kind, input FROM render_inputs WHERE render = ? ORDER BY rowid",
            [](const Statement& s) {
                return RenderInput{parseInputKind(s.text(0)), s.text(1)};
            },
            renderId);
    }

    void requireHolder(const std::string& id, const std::string& role) const {
        auto statement = prepare("SELECT 1 FROM holders WHERE id = ?");
        statement->bind(1, id);
        if (!statement->step())
            throw BadInput("unknown " + role + " '" + id + "' (no such rights holder)");
    }

    std::int64_t dataVersion() const {
        auto statement = prepare("PRAGMA data_version");
        statement->step();
        return statement->integer(0);
    }

    void loadGraph() const {
        graph = ConsentGraph{};
        for (auto& h : selectAll<Holder>(std::string("SELECT ") + holderColumns + " FROM holders",
                                         holderFrom))
            graph.holders.emplace(h.id, std::move(h));
        for (auto& a :
             selectAll<Asset>(std::string("SELECT ") + assetColumns + " FROM assets", assetFrom))
            graph.assets.emplace(a.id, std::move(a));
        for (auto& g :
             selectAll<Grant>(std::string("SELECT ") + grantColumns + " FROM grants ORDER BY rowid",
                              grantFrom)) {
            if (g.asset)
                graph.grantsByAsset[*g.asset].push_back(g.id);
            else
                graph.allAssetGrantsByHolder[g.holder].push_back(g.id);
            graph.grants.emplace(g.id, std::move(g));
        }
        for (auto& m :
             selectAll<Model>(std::string("SELECT ") + modelColumns + " FROM models", modelFrom))
            graph.models.emplace(m.id, std::move(m));
        auto sources = prepare("SELECT model, asset, grant_id FROM model_sources ORDER BY rowid");
        while (sources->step())
            graph.models.at(sources->text(0))
                .training.push_back({sources->text(1), sources->text(2)});
        for (auto& r : selectAll<Render>(renderSelect, renderFrom))
            graph.renders.emplace(r.id, std::move(r));
        auto inputs = prepare("SELECT render, kind, input FROM render_inputs ORDER BY rowid");
        while (inputs->step())
            graph.renders.at(inputs->text(0))
                .inputs.push_back({parseInputKind(inputs->text(1)), inputs->text(2)});
    }
};

std::string Registry::defaultPath() {
    if (const char* explicitPath = std::getenv("ACCORD_REGISTRY"); explicitPath && *explicitPath)
        return explicitPath;
    std::string dataHome;
    if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg && *xdg)
        dataHome = xdg;
    else if (const char* home = std::getenv("HOME"); home && *home)
        dataHome = std::string(home) + "/.local/share";
    else
        dataHome = ".";
    return dataHome + "/accord/registry.sqlite";
}

int Registry::schemaVersion() {
    return static_cast<int>(schema::migrations().size());
}

std::unique_ptr<Registry> Registry::open(const std::string& path) {
    auto impl = std::make_unique<Impl>();
    impl->path = path;
    const auto slash = path.find_last_of('/');
    if (slash != std::string::npos && slash > 0)
        makeDirectories(path.substr(0, slash));
    if (sqlite3_open_v2(path.c_str(), &impl->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                        nullptr) != SQLITE_OK)
        throw BadInput(path + ": cannot open the registry: " +
                       (impl->db ? sqlite3_errmsg(impl->db) : "out of memory"));
    sqlite3_busy_timeout(impl->db, 15000);
    try {
        impl->exec("PRAGMA journal_mode = WAL");
    } catch (const Error&) {
        throw BadInput(path + ": not an Accord registry (not an SQLite database)");
    }
    impl->exec("PRAGMA foreign_keys = ON");
    impl->exec("PRAGMA synchronous = FULL");
    impl->migrate();
    return std::unique_ptr<Registry>(new Registry(std::move(impl)));
}

Registry::Registry(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Registry::~Registry() = default;

const std::string& Registry::path() const {
    return impl_->path;
}

void Registry::inOneTransaction(const std::function<void()>& work) {
    impl_->writeTransaction([&] {
        work();
        return 0;
    });
}

std::string Registry::studioPublicKey() const {
    return impl_->studioKey();
}

// ---- holders ----

Holder Registry::addHolder(const std::string& name, const std::string& ipi) {
    if (name.empty())
        throw BadInput("holder name: must not be empty");
    return impl_->writeTransaction([&] {
        const std::string id = impl_->nextId("holders", "h");
        const KeyPair keys = generateKeyPair();
        impl_->storeSecretKey(id, keys.secretKey);
        impl_
            ->prepare("INSERT INTO holders (id, name, ipi, public_key, created_at) "
                      "VALUES (?, ?, ?, ?, ?)")
            ->bind(1, id)
            .bind(2, name)
            .bind(3, ipi)
            .bind(4, toHex(keys.publicKey))
            .bind(5, formatIsoTime(currentTime()))
            .step();
        impl_->logRow("holder.add", "holders", id);
        return *holder(id);
    });
}

std::optional<Holder> Registry::holder(const std::string& id) const {
    auto rows = impl_->selectAll<Holder>(std::string("SELECT ") + Impl::holderColumns +
                                             " FROM holders WHERE id = ?",
                                         Impl::holderFrom, id);
    if (rows.empty())
        return std::nullopt;
    return rows.front();
}

std::vector<Holder> Registry::holders() const {
    return impl_->selectAll<Holder>(std::string("SELECT ") + Impl::holderColumns +
                                        " FROM holders ORDER BY rowid",
                                    Impl::holderFrom);
}

Bytes Registry::signAs(const std::string& holderId, const std::string& message) const {
    const auto found = holder(holderId);
    if (!found)
        throw BadInput("unknown holder '" + holderId + "'");
    return sign(impl_->loadSecretKey(holderId, found->publicKey), message);
}

Bytes Registry::signAsStudio(const std::string& message) const {
    if (!impl_->studioSecret)
        impl_->studioSecret = impl_->loadSecretKey("studio", impl_->studioKey());
    return sign(*impl_->studioSecret, message);
}

// ---- assets ----

AddedAsset Registry::addAsset(const NewAsset& input) {
    return impl_->writeTransaction([&] {
        impl_->requireHolder(input.owner, "owner");
        if (auto known = assetByContent(input.identity.pcmSha256, input.identity.fileSha256)) {
            if (known->owner != input.owner)
                throw BadInput(input.path + ": this recording is already registered as " +
                               known->id + ", owned by " + holder(known->owner)->name + " (" +
                               known->owner + ")");
            return AddedAsset{*known, true};
        }
        const std::string id = impl_->nextId("assets", "a");
        impl_
            ->prepare("INSERT INTO assets (id, owner, file_sha256, pcm_sha256, isrc, duration, "
                      "sample_rate, channels, origin, path, created_at) "
                      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
            ->bind(1, id)
            .bind(2, input.owner)
            .bind(3, input.identity.fileSha256)
            .bind(4, input.identity.pcmSha256)
            .bind(5, input.isrc)
            .bind(6, input.identity.durationSeconds)
            .bind(7, input.identity.sampleRate)
            .bind(8, input.identity.channels)
            .bind(9, originName(input.origin))
            .bind(10, input.path)
            .bind(11, formatIsoTime(currentTime()))
            .step();
        impl_->logRow("asset.add", "assets", id);
        return AddedAsset{*asset(id), false};
    });
}

std::optional<Asset> Registry::asset(const std::string& id) const {
    auto rows = impl_->selectAll<Asset>(std::string("SELECT ") + Impl::assetColumns +
                                            " FROM assets WHERE id = ?",
                                        Impl::assetFrom, id);
    if (rows.empty())
        return std::nullopt;
    return rows.front();
}

std::optional<Asset> Registry::assetByContent(const std::string& pcmSha256,
                                              const std::string& fileSha256) const {
    auto statement = impl_->prepare(std::string("SELECT ") + Impl::assetColumns +
                                    " FROM assets WHERE pcm_sha256 = ? OR file_sha256 = ? "
                                    "ORDER BY rowid LIMIT 1");
    statement->bind(1, pcmSha256).bind(2, fileSha256);
    if (!statement->step())
        return std::nullopt;
    return Impl::assetFrom(*statement);
}

std::vector<Asset> Registry::assets() const {
    return impl_->selectAll<Asset>(std::string("SELECT ") + Impl::assetColumns +
                                       " FROM assets ORDER BY rowid",
                                   Impl::assetFrom);
}

// ---- grants ----

Grant Registry::addGrant(const NewGrant& input) {
    if (input.terms.sharePercent < 0 || input.terms.sharePercent > 100)
        throw BadInput("share: " + std::to_string(input.terms.sharePercent) +
                       " is not a percentage between 0 and 100");
    return impl_->writeTransaction([&] {
        impl_->requireHolder(input.holder, "holder");
        if (input.grantee)
            impl_->requireHolder(*input.grantee, "grantee");
        if (input.asset) {
            const auto target = asset(*input.asset);
            if (!target)
                throw BadInput("unknown asset '" + *input.asset + "'");
            if (target->owner != input.holder)
                throw BadInput("asset " + *input.asset + " belongs to " +
                               holder(target->owner)->name + " (" + target->owner +
                               "); only its owner can grant on it");
        }
        const std::string id = impl_->nextId("grants", "g");
        impl_
            ->prepare("INSERT INTO grants (id, holder, scope, asset, grantee, share_percent, "
                      "attribution, licence, commercial, expires_at, created_at) "
                      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
            ->bind(1, id)
            .bind(2, input.holder)
            .bind(3, scopeName(input.scope))
            .bind(4, input.asset)
            .bind(5, input.grantee)
            .bind(6, input.terms.sharePercent)
            .bind(7, input.terms.attribution)
            .bind(8, input.terms.licence)
            .bind(9, input.terms.commercial ? 1 : 0)
            .bind(10, optionalIso(input.terms.expiresAt))
            .bind(11, formatIsoTime(currentTime()))
            .step();
        impl_->logRow("grant.add", "grants", id);
        return *grant(id);
    });
}

Grant Registry::revokeGrant(const std::string& grantId, const std::string& reason) {
    return impl_->writeTransaction([&] {
        const auto existing = grant(grantId);
        if (!existing)
            throw BadInput("unknown grant '" + grantId + "'");
        if (existing->revokedAt)
            throw BadInput("grant " + grantId + " was already revoked on " +
                           formatIsoTime(*existing->revokedAt));
        impl_->prepare("UPDATE grants SET revoked_at = ?, revoke_reason = ? WHERE id = ?")
            ->bind(1, formatIsoTime(currentTime()))
            .bind(2, reason)
            .bind(3, grantId)
            .step();
        impl_->logRow("grant.revoke", "grants", grantId);
        const auto affected = impl_->selectAll<std::string>(
            "SELECT DISTINCT m.id FROM models m JOIN model_sources s ON s.model = m.id "
            "WHERE s.grant_id = ? AND m.status = 'active' ORDER BY m.rowid",
            [](const Statement& s) { return s.text(0); }, grantId);
        for (const auto& modelId : affected) {
            impl_->prepare("UPDATE models SET status = 'source-revoked' WHERE id = ?")
                ->bind(1, modelId)
                .step();
            impl_->logRow("model.source-revoked", "models", modelId);
        }
        return *grant(grantId);
    });
}

std::optional<Grant> Registry::grant(const std::string& id) const {
    auto rows = impl_->selectAll<Grant>(std::string("SELECT ") + Impl::grantColumns +
                                            " FROM grants WHERE id = ?",
                                        Impl::grantFrom, id);
    if (rows.empty())
        return std::nullopt;
    return rows.front();
}

std::vector<Grant> Registry::grants(const GrantFilter& filter) const {
    std::string sql = std::string("SELECT ") + Impl::grantColumns + " FROM grants WHERE 1";
    std::vector<std::string> keys;
    if (filter.asset) {
        const auto target = asset(*filter.asset);
        if (!target)
            throw BadInput("unknown asset '" + *filter.asset + "'");
        sql += " AND (asset = ? OR (asset IS NULL AND holder = ?))";
        keys.push_back(target->id);
        keys.push_back(target->owner);
    }
    if (filter.holder) {
        impl_->requireHolder(*filter.holder, "holder");
        sql += " AND holder = ?";
        keys.push_back(*filter.holder);
    }
    auto statement = impl_->prepare(sql + " ORDER BY rowid");
    for (std::size_t i = 0; i < keys.size(); ++i)
        statement->bind(static_cast<int>(i + 1), keys[i]);
    std::vector<Grant> rows;
    while (statement->step())
        rows.push_back(Impl::grantFrom(*statement));
    return rows;
}

// ---- models, renders, exports ----

Model Registry::addModel(const NewModel& input) {
    return impl_->writeTransaction([&] {
        impl_->requireHolder(input.owner, "owner");
        const std::string id = impl_->nextId("models", "m");
        impl_
            ->prepare("INSERT INTO models (id, kind, owner, file, weights_sha256, config, "
                      "metrics, status, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'active', ?)")
            ->bind(1, id)
            .bind(2, modelKindName(input.kind))
            .bind(3, input.owner)
            .bind(4, input.file)
            .bind(5, input.weightsSha256)
            .bind(6, input.configJson)
            .bind(7, input.metricsJson)
            .bind(8, formatIsoTime(currentTime()))
            .step();
        impl_->logRow("model.add", "models", id);
        for (const auto& source : input.training) {
            if (!asset(source.asset))
                throw BadInput("unknown training asset '" + source.asset + "'");
            if (!grant(source.grant))
                throw BadInput("unknown grant '" + source.grant + "'");
            const std::string sourceId = id + "/" + source.asset;
            impl_
                ->prepare("INSERT INTO model_sources (id, model, asset, grant_id) "
                          "VALUES (?, ?, ?, ?)")
                ->bind(1, sourceId)
                .bind(2, id)
                .bind(3, source.asset)
                .bind(4, source.grant)
                .step();
            impl_->logRow("model.source", "model_sources", sourceId);
        }
        return *model(id);
    });
}

std::optional<Model> Registry::model(const std::string& id) const {
    auto rows = impl_->selectAll<Model>(std::string("SELECT ") + Impl::modelColumns +
                                            " FROM models WHERE id = ?",
                                        Impl::modelFrom, id);
    if (rows.empty())
        return std::nullopt;
    rows.front().training = impl_->trainingOf(id);
    return rows.front();
}

std::vector<Model> Registry::models() const {
    auto rows = impl_->selectAll<Model>(std::string("SELECT ") + Impl::modelColumns +
                                            " FROM models ORDER BY rowid",
                                        Impl::modelFrom);
    for (auto& m : rows)
        m.training = impl_->trainingOf(m.id);
    return rows;
}

Render Registry::addRender(const NewRender& input) {
    return impl_->writeTransaction([&] {
        const std::string id = impl_->nextId("renders", "r");
        impl_
            ->prepare("INSERT INTO renders (id, kind, path, pcm_sha256, created_at) "
                      "VALUES (?, ?, ?, ?, ?)")
            ->bind(1, id)
            .bind(2, input.kind)
            .bind(3, input.path)
            .bind(4, input.pcmSha256)
            .bind(5, formatIsoTime(currentTime()))
            .step();
        impl_->logRow("render.add", "renders", id);
        if (!input.watermark.empty()) {
            if (renderByWatermark(input.watermark))
                throw BadInput("watermark payload " + input.watermark +
                               " is already carried by another render");
            impl_->prepare("INSERT INTO render_watermarks (id, payload) VALUES (?, ?)")
                ->bind(1, id)
                .bind(2, input.watermark)
                .step();
            impl_->logRow("render.watermark", "render_watermarks", id);
        }
        auto insert = impl_->prepare(
            "INSERT INTO render_inputs (id, render, kind, input) VALUES (?, ?, ?, ?)");
        for (std::size_t i = 0; i < input.inputs.size(); ++i) {
            const auto& in = input.inputs[i];
            const bool known = (in.kind == InputKind::Asset && asset(in.id)) ||
                               (in.kind == InputKind::Model && model(in.id)) ||
                               (in.kind == InputKind::Render && render(in.id));
            if (!known)
                throw BadInput("unknown " + inputKindName(in.kind) + " '" + in.id +
                               "' given as input of a render");
            const std::string inputId = id + "/" + std::to_string(i + 1);
            insert->reset();
            insert->bind(1, inputId).bind(2, id).bind(3, inputKindName(in.kind)).bind(4, in.id);
            insert->step();
            impl_->logRow("render.input", "render_inputs", inputId);
        }
        return *render(id);
    });
}

std::optional<Render> Registry::render(const std::string& id) const {
    return impl_->renderWhere("r.id = ?", id);
}

std::optional<Render> Registry::renderByContent(const std::string& pcmSha256) const {
    return impl_->renderWhere("r.pcm_sha256 = ?", pcmSha256);
}

std::optional<Render> Registry::renderByWatermark(const std::string& payload) const {
    return impl_->renderWhere("w.payload = ?", payload);
}

ExportRecord Registry::addExport(const NewExport& input) {
    return impl_->writeTransaction([&] {
        if (!render(input.render))
            throw BadInput("unknown render '" + input.render + "'");
        const std::string id = impl_->nextId("exports", "e");
        const std::string now = formatIsoTime(currentTime());
        impl_
            ->prepare("INSERT INTO exports (id, render, path, manifest, decision, created_at) "
                      "VALUES (?, ?, ?, ?, ?, ?)")
            ->bind(1, id)
            .bind(2, input.render)
            .bind(3, input.path)
            .bind(4, input.manifestJson)
            .bind(5, input.decisionJson)
            .bind(6, now)
            .step();
        impl_->logRow("export.add", "exports", id);
        return ExportRecord{id, input.render, input.path, input.manifestJson, input.decisionJson,
                            now};
    });
}

// ---- policy ----

const ConsentGraph& Registry::consentGraph() const {
    const std::pair<std::int64_t, std::int64_t> version{impl_->dataVersion(), impl_->localWrites};
    if (impl_->graphVersion != version) {
        impl_->loadGraph();
        impl_->graphVersion = version;
    }
    return impl_->graph;
}

Decision Registry::decide(const PolicyRequest& request) const {
    return accord::decide(consentGraph(), request);
}

// ---- audit ----

std::vector<AuditEntry> Registry::auditLog(std::optional<std::int64_t> limit) const {
    auto statement =
        impl_->prepare("SELECT seq, at, op, tbl, row_id, row, prev_hash, hash FROM "
                       "(SELECT * FROM audit_log ORDER BY seq DESC LIMIT ?) ORDER BY seq");
    statement->bind(1, limit ? *limit : std::int64_t{-1});
    std::vector<AuditEntry> entries;
    while (statement->step())
        entries.push_back({statement->integer(0), statement->text(1), statement->text(2),
                           statement->text(3), statement->text(4), statement->text(5),
                           statement->text(6), statement->text(7)});
    return entries;
}

AuditReport Registry::verifyAudit() const {
    AuditReport report;
    auto problem = [&](std::string text) {
        report.intact = false;
        report.problems.push_back(std::move(text));
    };

    // 1. The chain: contiguous, linked, each entry's hash over its content.
    struct Logged {
        json row;
        std::int64_t seq;
    };
    std::map<std::string, std::unordered_map<std::string, Logged>> expected;
    auto entries = impl_->prepare(
        "SELECT seq, at, op, tbl, row_id, row, prev_hash, hash FROM audit_log ORDER BY seq");
    std::string previous = genesisHash;
    std::int64_t expectedSeq = 1;
    while (entries->step()) {
        AuditEntry e{entries->integer(0), entries->text(1), entries->text(2), entries->text(3),
                     entries->text(4),    entries->text(5), entries->text(6), entries->text(7)};
        ++report.entries;
        const std::string label =
            "audit log entry " + std::to_string(e.seq) + " (" + e.op + " " + e.rowId + ")";
        if (e.seq != expectedSeq)
            problem("audit log entries " + std::to_string(expectedSeq) + ".." +
                    std::to_string(e.seq - 1) + " are missing (deleted from the log)");
        if (entryHash(e) != e.hash)
            problem(label + " was altered: its hash does not match its content");
        else if (e.prevHash != previous)
            problem(label + " does not follow the entry before it: an entry was inserted, "
                            "removed or rewritten");
        previous = e.hash;
        expectedSeq = e.seq + 1;
        try {
            expected[e.table][e.rowId] = {json::parse(e.rowJson), e.seq};
        } catch (const json::exception&) {
            problem(label + " holds a row that is not valid JSON");
        }
    }

    // 2. The signed head: nothing was cut from the end and the chain is the studio's.
    auto head = impl_->prepare("SELECT seq, hash, signature FROM audit_head WHERE id = 1");
    if (!head->step()) {
        problem("the signed audit head is missing");
    } else {
        const std::int64_t headSeq = head->integer(0);
        const std::string headHash = head->text(1);
        bool signatureOk = false;
        try {
            std::string studioKey = impl_->studioKey();
            const std::string keyFile = impl_->keyFile("studio");
            if (fileExists(keyFile)) // the key on this machine outranks the copy in the file
                studioKey = toHex(impl_->loadSecretKey("studio", studioKey).data() + 32, 32);
            signatureOk =
                verifySignature(fromHex(studioKey, "studio key"), headMessage(headSeq, headHash),
                                fromHex(head->text(2), "audit head signature"));
        } catch (const Error& e) {
            problem(std::string("the studio key cannot check the audit head: ") + e.what());
        }
        if (!signatureOk)
            problem("the audit head's signature is not the studio's: the head was rewritten");
        if (headSeq != report.entries || headHash != previous)
            problem("the signed audit head covers " + std::to_string(headSeq) +
                    " entries but the log holds " + std::to_string(report.entries) +
                    (headSeq > report.entries ? ": entries were removed from the end"
                                              : ": entries were added without the studio key"));
    }

    // 3. Replaying the log must rebuild every row of every registry table exactly.
    for (const auto& table : schema::auditedTables()) {
        auto& logged = expected[table];
        auto rows = impl_->prepare("SELECT * FROM " + table + " ORDER BY rowid");
        while (rows->step()) {
            json actual = rows->rowAsJson();
            const std::string id = actual.value("id", std::string());
            const auto found = logged.find(id);
            if (found == logged.end()) {
                problem(table + " row " + id +
                        " is not in the audit log: it was inserted outside Accord");
                continue;
            }
            std::vector<std::string> changed;
            for (const auto& [column, value] : actual.items())
                if (!found->second.row.contains(column) || found->second.row[column] != value)
                    changed.push_back(column + " is " + value.dump() + ", the log says " +
                                      found->second.row.value(column, json()).dump());
            if (!changed.empty()) {
                std::string text = table + " row " + id + " was changed outside Accord: ";
                for (std::size_t i = 0; i < changed.size(); ++i)
                    text += (i ? "; " : "") + changed[i];
                problem(text);
            }
            logged.erase(found);
        }
        std::vector<std::pair<std::int64_t, std::string>> missing;
        for (const auto& [id, entry] : logged)
            missing.emplace_back(entry.seq, id);
        std::sort(missing.begin(), missing.end());
        for (const auto& [seq, id] : missing)
            problem(table + " row " + id + " was deleted (logged by audit entry " +
                    std::to_string(seq) + ")");
    }
    return report;
}

} // namespace accord
