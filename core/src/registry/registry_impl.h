#pragma once

// Registry::Impl, shared by the files of core/src/registry/: each owns one table of the consent
// registry, or one concern of all of them (docs/ARCHITECTURE.md, "Consent registry").

#include "accord/core/registry.h"
#include "sqlite_db.h"

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace accord {

// A value to store in one column, typed as SQLite keeps it: TEXT (NULL for an empty optional),
// INTEGER (a bool as 0 or 1) or REAL.
class ColumnValue {
public:
    ColumnValue(std::optional<std::string> text) : value_(std::move(text)) {}
    ColumnValue(const std::string& text) : value_(std::optional<std::string>(text)) {}
    ColumnValue(const char* text) : value_(std::optional<std::string>(text)) {}
    ColumnValue(int integer) : value_(std::int64_t{integer}) {}
    ColumnValue(bool flag) : value_(std::int64_t{flag ? 1 : 0}) {}
    ColumnValue(double real) : value_(real) {}

    void bindTo(sqlite::Statement& statement, int index) const {
        std::visit([&](const auto& value) { statement.bind(index, value); }, value_);
    }

private:
    std::variant<std::optional<std::string>, std::int64_t, double> value_;
};

using Columns = std::initializer_list<std::pair<const char*, ColumnValue>>;

template <typename Row> std::optional<Row> firstOf(std::vector<Row> rows) {
    if (rows.empty())
        return std::nullopt;
    return std::move(rows.front());
}

// `text` as the lower-case hex of an Ed25519 public key; throws BadInput saying what it is not
// (keys.cpp).
std::string publicKeyHex(const std::string& text);

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

    // Every row `sql` yields, converted; `keys` are bound to its `?` in order.
    template <typename Row, typename Convert>
    std::vector<Row> selectAll(const std::string& sql, Convert convert,
                               const std::vector<std::string>& keys = {}) const {
        auto statement = prepare(sql);
        for (std::size_t i = 0; i < keys.size(); ++i)
            statement->bind(static_cast<int>(i + 1), keys[i]);
        std::vector<Row> rows;
        while (statement->step())
            rows.push_back(convert(*statement));
        return rows;
    }

    // ---- every write, logged (audit.cpp) ----

    // Inserts the row `id` of `table` and appends it, as stored, to the audit chain as `op`.
    void insertAndLog(const std::string& op, const std::string& table, const std::string& id,
                      Columns columns);
    // Sets `columns` of the row `id` of `table` and appends the row as it now stands.
    void updateAndLog(const std::string& op, const std::string& table, const std::string& id,
                      Columns columns);
    // Appends the row as it now stands to the audit chain and re-signs the head (the two above).
    void logRow(const std::string& op, const std::string& table, const std::string& id);

    // ---- private keys and the studio row (keys.cpp) ----

    std::string keyFile(const std::string& owner) const;
    void storeSecretKey(const std::string& owner, const Bytes& secretKey) const;
    // Throws IntegrityError when the key file is missing or is not `expectedPublicKey`'s.
    Bytes loadSecretKey(const std::string& owner, const std::string& expectedPublicKey) const;
    std::string studioKey() const;
    const Bytes& studioSecretKey();
    void createStudio();

    // ---- rows as values, one select per table (holders.cpp, assets.cpp, grants.cpp,
    // models.cpp, renders.cpp); `clauses` follow its FROM, `keys` are bound to their `?` ----

    std::vector<Holder> selectHolders(const std::string& clauses,
                                      const std::vector<std::string>& keys = {}) const;
    // The holder `id`; BadInput naming it as `role` when there is none (Registry::knownHolder).
    Holder requireHolder(const std::string& id, const std::string& role) const;

    // Assets with their scans (attachScans).
    std::vector<Asset> selectAssets(const std::string& clauses,
                                    const std::vector<std::string>& keys = {}) const;
    void attachScans(std::vector<Asset>& assets) const;
    // Writes an asset's scan and what it found (inside addAsset's transaction).
    void recordScan(const std::string& assetId, const AssetScan& scan);

    std::vector<Grant> selectGrants(const std::string& clauses,
                                    const std::vector<std::string>& keys = {}) const;
    // The text a grant's holder signs for it, or for its revocation (grant_statements.cpp).
    std::string grantStatementText(const Grant& grant, bool revocation) const;
    void signGrantStatement(const Grant& grant, bool revocation);
    // Stores a statement as signed, here or in another studio.
    void storeGrantStatement(const std::string& grantId, bool revocation, const std::string& text,
                             const std::string& signature);
    bool holderKeyIsHere(const std::string& holderId) const;
    // Each statement matches its grant as it stands and carries its holder's signature; calls
    // `problem` for each that does not (audit verify).
    void checkGrantStatements(const std::function<void(std::string)>& problem) const;

    // Models without their training sources (trainingOf).
    std::vector<Model> selectModels(const std::string& clauses,
                                    const std::vector<std::string>& keys = {}) const;
    std::vector<TrainingSource> trainingOf(const std::string& modelId) const;
    // Marks every active model trained under `grantId` source-revoked; returns their ids.
    std::vector<std::string> markSourceRevoked(const std::string& grantId);

    // Renders (`r`, with their watermark `w`) without their inputs (inputsOf).
    std::vector<Render> selectRenders(const std::string& clauses,
                                      const std::vector<std::string>& keys = {}) const;
    std::vector<RenderInput> inputsOf(const std::string& renderId) const;
    // The first render matching `condition` (one `?` bound to `key`), with its inputs.
    std::optional<Render> renderWhere(const std::string& condition, const std::string& key) const;

    // ---- the trust store (trusted_keys.cpp) ----

    std::vector<TrustedKey> selectTrustedKeys(const std::string& clauses,
                                              const std::vector<std::string>& keys = {}) const;

    // ---- the cached consent graph (consent_graph.cpp) ----

    std::int64_t dataVersion() const;
    void loadGraph() const;
};

} // namespace accord
