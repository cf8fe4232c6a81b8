#include "accord/ledger/ledger.h"

#include "ledger_schema.h"
#include "postgres.h"

#include "accord/core/crypto.h"
#include "accord/core/errors.h"
#include "accord/core/policy.h"

#include <map>

namespace accord::ledger {

namespace {

constexpr const char* kColumns = "id, seq, statement, signature, kind, holder_key, studio_key, "
                                 "asset_pcm_sha256, grantee_key, revokes";

// What the server indexes a statement under: read from the statement itself, so the index cannot
// say more than the holder signed.
struct IndexColumns {
    std::string kind;
    std::string holderKey;
    std::string studioKey;
    pq::Param assetPcmSha256;
    pq::Param granteeKey;
    pq::Param revokes;
};

IndexColumns indexOf(const GrantStatementFields& fields) {
    IndexColumns columns{fields.revocation ? "revocation" : "grant",
                         fields.holder,
                         fields.studio,
                         std::nullopt,
                         std::nullopt,
                         std::nullopt};
    if (fields.revocation)
        columns.revokes = fields.grantStatementSha256;
    else {
        columns.assetPcmSha256 = fields.assetPcmSha256;
        columns.granteeKey = fields.to;
    }
    return columns;
}

// Reads rows of kColumns, verifying each: its id is its text's hash, its signature is the key it
// names, and the server's index columns say what the text says.
std::vector<LedgerEntry> verifiedRows(const pq::Result& rows, const std::string& url) {
    std::vector<LedgerEntry> entries;
    entries.reserve(static_cast<std::size_t>(rows.rows()));
    for (int r = 0; r < rows.rows(); ++r) {
        LedgerEntry entry;
        entry.id = rows.text(r, 0);
        entry.sequence = std::stoll(rows.text(r, 1));
        entry.signedStatement = {rows.text(r, 2), rows.text(r, 3)};
        const std::string what = url + ": statement " + entry.id;
        if (statementId(entry.signedStatement.statement) != entry.id)
            throw IntegrityError(what + " was changed on the server: its text is not the one "
                                        "its id is the hash of");
        entry.fields = verifyStatement(entry.signedStatement, what);
        const IndexColumns expected = indexOf(entry.fields);
        if (rows.text(r, 4) != expected.kind || rows.text(r, 5) != expected.holderKey ||
            rows.text(r, 6) != expected.studioKey ||
            rows.optionalText(r, 7) != expected.assetPcmSha256 ||
            rows.optionalText(r, 8) != expected.granteeKey ||
            rows.optionalText(r, 9) != expected.revokes)
            throw IntegrityError(what + ": the server files it under holders, recordings or "
                                        "grants its text does not name");
        entries.push_back(std::move(entry));
    }
    return entries;
}

std::string keysParam(const std::vector<std::string>& keys) {
    return pq::arrayLiteral(std::vector<pq::Param>(keys.begin(), keys.end()));
}

} // namespace

std::string statementId(const std::string& statement) {
    return sha256Hex(statement);
}

GrantStatementFields verifyStatement(const SignedStatement& signedStatement,
                                     const std::string& what) {
    const GrantStatementFields fields = readGrantStatement(signedStatement.statement, what);
    if (!grantStatementIsSigned(fields, signedStatement.statement, signedStatement.signature))
        throw IntegrityError(what + " is not signed by the holder key it names (" +
                             fields.holder.substr(0, 16) + "…)");
    return fields;
}

std::vector<Standing> standings(const std::vector<LedgerEntry>& entries, UnixTime now) {
    std::map<std::string, const LedgerEntry*> grants;
    for (const LedgerEntry& e : entries)
        if (!e.fields.revocation)
            grants.emplace(e.id, &e);
    // A revocation counts when the grant's own holder signed it for that very grant.
    std::map<std::string, const LedgerEntry*> revocationOf;
    for (const LedgerEntry& e : entries) {
        if (!e.fields.revocation)
            continue;
        const auto grant = grants.find(e.fields.grantStatementSha256);
        if (grant != grants.end() && grant->second->fields.holder == e.fields.holder &&
            grant->second->fields.grant == e.fields.grant &&
            grant->second->fields.studio == e.fields.studio && !revocationOf.count(grant->first))
            revocationOf.emplace(grant->first, &e);
    }
    std::vector<Standing> result;
    for (const LedgerEntry& e : entries) {
        Standing standing{e, "", std::nullopt};
        if (e.fields.revocation) {
            const auto grant = revocationOf.find(e.fields.grantStatementSha256);
            standing.state = grant != revocationOf.end() && grant->second == &e
                                 ? "in force"
                                 : "revokes nothing here";
        } else {
            Grant grant;
            grant.scope = e.fields.scope;
            grant.terms = e.fields.terms;
            grant.createdAt = e.fields.created;
            if (const auto revoked = revocationOf.find(e.id); revoked != revocationOf.end()) {
                grant.revokedAt = revoked->second->fields.revoked;
                standing.revokedBy = revoked->second->id;
            }
            standing.state = grantStateName(grantState(grant, now));
        }
        result.push_back(std::move(standing));
    }
    return result;
}

struct Ledger::Impl {
    explicit Impl(const std::string& url) : connection(url) {}
    mutable pq::Connection connection;
};

Ledger::Ledger(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Ledger::~Ledger() = default;

std::unique_ptr<Ledger> Ledger::connect(const std::string& url) {
    auto impl = std::make_unique<Impl>(url);
    schema::migrate(impl->connection);
    return std::unique_ptr<Ledger>(new Ledger(std::move(impl)));
}

int Ledger::schemaVersion() {
    return static_cast<int>(schema::migrations().size());
}

const std::string& Ledger::url() const {
    return impl_->connection.url();
}

Published Ledger::publish(const std::vector<SignedStatement>& statements) {
    std::vector<pq::Param> holder, id, kind, text, signature, studio, asset, grantee, revokes;
    for (const SignedStatement& s : statements) {
        const std::string statementHash = statementId(s.statement);
        const IndexColumns columns = indexOf(verifyStatement(s, "statement " + statementHash));
        holder.push_back(columns.holderKey);
        id.push_back(statementHash);
        kind.push_back(columns.kind);
        text.push_back(s.statement);
        signature.push_back(s.signature);
        studio.push_back(columns.studioKey);
        asset.push_back(columns.assetPcmSha256);
        grantee.push_back(columns.granteeKey);
        revokes.push_back(columns.revokes);
    }
    if (statements.empty())
        return {};
    // One statement, so one transaction: all of the batch is stored or none. Content-addressed
    // ids make a resent statement a no-op (docs/LEDGER.md "Push").
    const auto inserted = impl_->connection.exec(
        "INSERT INTO ledger_statements (holder_key, id, kind, statement, signature, studio_key, "
        "asset_pcm_sha256, grantee_key, revokes) "
        "SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], "
        "$6::text[], $7::text[], $8::text[], $9::text[]) "
        "ON CONFLICT (holder_key, id) DO NOTHING",
        {pq::arrayLiteral(holder), pq::arrayLiteral(id), pq::arrayLiteral(kind),
         pq::arrayLiteral(text), pq::arrayLiteral(signature), pq::arrayLiteral(studio),
         pq::arrayLiteral(asset), pq::arrayLiteral(grantee), pq::arrayLiteral(revokes)});
    Published published;
    published.stored = static_cast<std::size_t>(inserted.affected());
    published.alreadyThere = statements.size() - published.stored;
    return published;
}

std::vector<LedgerEntry> Ledger::statementsFor(const Interest& interest) const {
    const auto rows = impl_->connection.exec(
        std::string("SELECT ") + kColumns +
            " FROM ledger_statements WHERE holder_key = ANY($1::text[]) "
            "OR grantee_key = ANY($1::text[]) OR asset_pcm_sha256 = ANY($2::text[]) "
            "OR revokes = ANY($3::text[]) ORDER BY seq",
        {keysParam(interest.holderKeys), keysParam(interest.assetPcmSha256s),
         keysParam(interest.grantStatementIds)});
    return verifiedRows(rows, url());
}

std::vector<LedgerEntry> Ledger::history(Subject subject, const std::string& key) const {
    const std::string about =
        subject == Subject::Asset ? "asset_pcm_sha256 = $1" : "holder_key = $1 OR grantee_key = $1";
    const auto rows = impl_->connection.exec(
        std::string("WITH about AS (SELECT * FROM ledger_statements WHERE ") + about + ") SELECT " +
            kColumns + " FROM about UNION SELECT " + kColumns +
            " FROM ledger_statements WHERE revokes IN (SELECT id FROM about) ORDER BY seq",
        {key});
    return verifiedRows(rows, url());
}

std::int64_t Ledger::statementCount() const {
    return std::stoll(impl_->connection.exec("SELECT count(*) FROM ledger_statements").text(0, 0));
}

} // namespace accord::ledger
