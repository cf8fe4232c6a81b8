#include "accord/ledger/ledger.h"

#include "ledger_impl.h"
#include "ledger_schema.h"

#include "accord/core/crypto.h"
#include "accord/core/errors.h"
#include "accord/core/policy.h"

#include <algorithm>
#include <exception>
#include <functional>
#include <map>
#include <thread>

namespace accord::ledger {

namespace detail {

std::string columns(const std::string& alias) {
    std::string list;
    for (const char* column : {"id", "seq", "statement", "signature", "kind", "holder_key",
                               "studio_key", "asset_pcm_sha256", "grantee_key", "revokes"})
        list += (list.empty() ? "" : ", ") + alias + "." + column;
    return list;
}

} // namespace detail

namespace {

using detail::columns;

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

GrantStatementFields verifyWith(GrantStatementVerifier& verifier,
                                const SignedStatement& signedStatement, const std::string& what) {
    const GrantStatementFields fields = readGrantStatement(signedStatement.statement, what);
    if (!verifier.isSigned(fields, signedStatement.statement, signedStatement.signature))
        throw IntegrityError(what + " is not signed by the holder key it names (" +
                             fields.holder.substr(0, 16) + "…)");
    return fields;
}

// Verifies `statements` on every core, each thread with its own verifier (a signature check is
// ~40 µs: docs/LEDGER.md "Measured"); throws the error of the first one, in order, that fails.
std::vector<GrantStatementFields> verifyAll(const std::vector<SignedStatement>& statements,
                                            const std::function<std::string(std::size_t)>& whatOf) {
    const std::size_t n = statements.size();
    std::vector<GrantStatementFields> fields(n);
    std::vector<std::exception_ptr> errors(n);
    const std::size_t threads = std::max<std::size_t>(
        1, std::min<std::size_t>(std::thread::hardware_concurrency(), (n + 255) / 256));
    auto verifyPart = [&](std::size_t part) {
        GrantStatementVerifier verifier;
        for (std::size_t i = n * part / threads; i < n * (part + 1) / threads; ++i) {
            try {
                fields[i] = verifyWith(verifier, statements[i], whatOf(i));
            } catch (...) {
                errors[i] = std::current_exception();
            }
        }
    };
    std::vector<std::thread> helpers;
    for (std::size_t part = 1; part < threads; ++part)
        helpers.emplace_back(verifyPart, part);
    verifyPart(0);
    for (std::thread& helper : helpers)
        helper.join();
    for (const std::exception_ptr& error : errors)
        if (error)
            std::rethrow_exception(error);
    return fields;
}

} // namespace

namespace detail {

std::vector<LedgerEntry> verifiedRows(const pq::Result& rows, const std::string& url) {
    const auto count = static_cast<std::size_t>(rows.rows());
    std::vector<SignedStatement> statements(count);
    std::vector<std::string> ids(count);
    auto whatOf = [&](std::size_t i) { return url + ": statement " + ids[i]; };
    for (std::size_t i = 0; i < count; ++i) {
        const int r = static_cast<int>(i);
        ids[i] = rows.text(r, 0);
        statements[i] = {rows.text(r, 2), rows.text(r, 3)};
        if (statementId(statements[i].statement) != ids[i])
            throw IntegrityError(whatOf(i) + " was changed on the server: its text is not the "
                                             "one its id is the hash of");
    }
    const std::vector<GrantStatementFields> fields = verifyAll(statements, whatOf);
    std::vector<LedgerEntry> entries;
    entries.reserve(count);
    for (std::size_t i = 0; i < count; ++i) {
        const int r = static_cast<int>(i);
        const IndexColumns expected = indexOf(fields[i]);
        if (rows.text(r, 4) != expected.kind || rows.text(r, 5) != expected.holderKey ||
            rows.text(r, 6) != expected.studioKey ||
            rows.optionalText(r, 7) != expected.assetPcmSha256 ||
            rows.optionalText(r, 8) != expected.granteeKey ||
            rows.optionalText(r, 9) != expected.revokes)
            throw IntegrityError(whatOf(i) + ": the server files it under holders, recordings "
                                             "or grants its text does not name");
        entries.push_back(
            {ids[i], std::stoll(rows.text(r, 1)), std::move(statements[i]), fields[i]});
    }
    return entries;
}

std::string keysParam(const std::vector<std::string>& keys) {
    return pq::arrayLiteral(std::vector<pq::Param>(keys.begin(), keys.end()));
}

} // namespace detail

using detail::keysParam;
using detail::verifiedRows;

std::string statementId(const std::string& statement) {
    return sha256Hex(statement);
}

GrantStatementFields verifyStatement(const SignedStatement& signedStatement,
                                     const std::string& what) {
    GrantStatementVerifier verifier;
    return verifyWith(verifier, signedStatement, what);
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

Ledger::Ledger(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Ledger::~Ledger() = default;

std::unique_ptr<Ledger> Ledger::connect(const std::string& url) {
    auto impl = std::make_unique<Impl>(url);
    schema::migrate(impl->connection);
    return std::unique_ptr<Ledger>(new Ledger(std::move(impl)));
}

const std::string& Ledger::url() const {
    return impl_->connection.url();
}

Published Ledger::publish(const std::vector<SignedStatement>& statements) {
    std::vector<pq::Param> holder, id, kind, text, signature, studio, asset, grantee, revokes;
    for (const SignedStatement& s : statements)
        id.push_back(statementId(s.statement));
    const std::vector<GrantStatementFields> fields =
        verifyAll(statements, [&](std::size_t i) { return "statement " + *id[i]; });
    for (std::size_t i = 0; i < statements.size(); ++i) {
        const IndexColumns columns = indexOf(fields[i]);
        holder.push_back(columns.holderKey);
        kind.push_back(columns.kind);
        text.push_back(statements[i].statement);
        signature.push_back(statements[i].signature);
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
        "SELECT " + columns("s") +
            " FROM ledger_statements s WHERE holder_key = ANY($1::text[]) "
            "OR grantee_key = ANY($1::text[]) OR asset_pcm_sha256 = ANY($2::text[]) "
            "OR revokes = ANY($3::text[]) ORDER BY seq",
        {keysParam(interest.holderKeys), keysParam(interest.assetPcmSha256s),
         keysParam(interest.grantStatementIds)});
    return verifiedRows(rows, url());
}

std::vector<LedgerEntry> Ledger::history(Subject subject, const std::string& key) const {
    const std::string about = subject == Subject::Asset
                                  ? "g.asset_pcm_sha256 = $1"
                                  : "(g.holder_key = $1 OR g.grantee_key = $1)";
    // The statements about the subject, then the revocations of those grants: a join the planner
    // runs as index lookups (the revocations' index on `revokes`).
    const auto rows = impl_->connection.exec(
        "SELECT " + columns("g") + " FROM ledger_statements g WHERE " + about + " UNION SELECT " +
            columns("r") +
            " FROM ledger_statements g JOIN ledger_statements r ON r.revokes = g.id WHERE " +
            about + " ORDER BY seq",
        {key});
    return verifiedRows(rows, url());
}

std::int64_t Ledger::statementCount() const {
    return std::stoll(impl_->connection.exec("SELECT count(*) FROM ledger_statements").text(0, 0));
}

} // namespace accord::ledger
