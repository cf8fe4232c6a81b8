#pragma once

// Registry::Impl, shared by the files of core/src/registry/: each owns one table of the consent
// registry, or one concern of all of them (docs/ARCHITECTURE.md, "Consent registry").

#include "accord/core/registry.h"
#include "sqlite_db.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace accord {

struct Registry::Impl {
    std::string path;
    sqlite3* db = nullptr;
    std::int64_t localWrites = 0;
    int transactionDepth = 0;
    std::optional<Bytes> studioSecret; // read once per process: every write re-signs the head
    mutable std::optional<std::pair<std::int64_t, std::int64_t>> graphVersion;
    mutable ConsentGraph graph;

    ~Impl();

    // ---- connection, schema, transactions (registry.cpp) ----

    void exec(const std::string& sql) const;
    std::unique_ptr<sqlite::Statement> prepare(const std::string& sql) const;
    int userVersion() const;
    void migrate();

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
    std::string nextId(const std::string& table, const std::string& prefix) const;

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

    // ---- the audit chain (audit.cpp) ----

    nlohmann::json readRow(const std::string& table, const std::string& id) const;
    // Appends the row as it now stands to the audit chain and re-signs the head.
    void logRow(const std::string& op, const std::string& table, const std::string& id);

    // ---- private keys and the studio row (keys.cpp) ----

    std::string keyFile(const std::string& owner) const;
    void storeSecretKey(const std::string& owner, const Bytes& secretKey) const;
    Bytes loadSecretKey(const std::string& owner, const std::string& expectedPublicKey) const;
    std::string studioKey() const;
    void createStudio();

    // ---- reading rows into values (holders.cpp, assets.cpp, grants.cpp, models.cpp,
    // renders.cpp) ----

    static Holder holderFrom(const sqlite::Statement& s);
    static constexpr const char* holderColumns = "id, name, ipi, public_key, created_at";
    void requireHolder(const std::string& id, const std::string& role) const;

    static Asset assetFrom(const sqlite::Statement& s);
    static constexpr const char* assetColumns =
        "id, owner, file_sha256, pcm_sha256, isrc, duration, sample_rate, channels, origin, path, "
        "created_at";

    static Grant grantFrom(const sqlite::Statement& s);
    static constexpr const char* grantColumns =
        "id, holder, scope, asset, grantee, share_percent, attribution, licence, commercial, "
        "expires_at, created_at, revoked_at, revoke_reason";

    static Model modelFrom(const sqlite::Statement& s);
    static constexpr const char* modelColumns =
        "id, kind, owner, file, weights_sha256, config, metrics, status, created_at";
    std::vector<TrainingSource> trainingOf(const std::string& modelId) const;

    static Render renderFrom(const sqlite::Statement& s);
    static constexpr const char* renderSelect =
        "SELECT r.id, r.kind, r.path, r.pcm_sha256, r.created_at, COALESCE(w.payload, '') "
        "FROM renders r LEFT JOIN render_watermarks w ON w.id = r.id";
    std::vector<RenderInput> inputsOf(const std::string& renderId) const;
    // The first render matching `condition` (one `?` bound to `key`), with its inputs.
    std::optional<Render> renderWhere(const std::string& condition, const std::string& key) const;

    // ---- the cached consent graph (consent_graph.cpp) ----

    std::int64_t dataVersion() const;
    void loadGraph() const;
};

} // namespace accord
