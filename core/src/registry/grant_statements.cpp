// Signed grant statements (docs/CONSENT.md "Signed grants"): each grant and revocation as the
// granting holder signed it, holders named by public key and assets by content, so the statement
// means the same in any studio.

#include "registry_impl.h"

#include "accord/core/crypto.h"
#include "accord/core/errors.h"

#include <nlohmann/json.hpp>

namespace accord {

using nlohmann::json;

namespace {

constexpr const char* kGrantFormat = "accord-grant-1";
constexpr const char* kRevocationFormat = "accord-revocation-1";

std::string statementId(const std::string& grantId, bool revocation) {
    return revocation ? grantId + "/revocation" : grantId;
}

} // namespace

std::string Registry::Impl::grantStatementText(const Grant& grant, bool revocation) const {
    auto publicKeyOf = [&](const std::string& holderId) {
        const auto found = firstOf(selectHolders("WHERE id = ?", {holderId}));
        if (!found)
            throw IntegrityError(path + ": grant " + grant.id + " names holder " + holderId +
                                 ", who is not on record");
        return found->publicKey;
    };
    json statement = {{"format", revocation ? kRevocationFormat : kGrantFormat},
                      {"grant", grant.id},
                      {"studio", studioKey()},
                      {"holder", publicKeyOf(grant.holder)}};
    if (revocation) {
        statement["grantStatementSha256"] = sha256Hex(grantStatementText(grant, false));
        statement["revoked"] = grant.revokedAt ? json(formatIsoTime(*grant.revokedAt)) : json();
        statement["reason"] = grant.revokeReason;
        return statement.dump();
    }
    json asset = nullptr; // every asset of the holder
    if (grant.asset) {
        const auto found = firstOf(selectAssets("WHERE a.id = ?", {*grant.asset}));
        if (!found)
            throw IntegrityError(path + ": grant " + grant.id + " names asset " + *grant.asset +
                                 ", which is not on record");
        asset = {{"pcmSha256", found->pcmSha256}, {"fileSha256", found->fileSha256}};
    }
    statement["scope"] = scopeName(grant.scope);
    statement["asset"] = asset;
    statement["to"] = grant.grantee ? json(publicKeyOf(*grant.grantee)) : json(); // null: anyone
    statement["share"] = grant.terms.sharePercent;
    statement["commercial"] = grant.terms.commercial;
    statement["licence"] = grant.terms.licence;
    statement["attribution"] = grant.terms.attribution;
    statement["expires"] =
        grant.terms.expiresAt ? json(formatIsoTime(*grant.terms.expiresAt)) : json();
    statement["created"] = formatIsoTime(grant.createdAt);
    return statement.dump();
}

void Registry::Impl::signGrantStatement(const Grant& grant, bool revocation) {
    const std::string text = grantStatementText(grant, revocation);
    const auto holder = firstOf(selectHolders("WHERE id = ?", {grant.holder}));
    const Bytes signature = sign(loadSecretKey(grant.holder, holder->publicKey), text);
    insertAndLog(revocation ? "grant.revocation.sign" : "grant.sign", "grant_statements",
                 statementId(grant.id, revocation),
                 {{"grant_id", grant.id},
                  {"kind", revocation ? "revocation" : "grant"},
                  {"statement", text},
                  {"signature", toHex(signature)}});
}

bool Registry::Impl::holderKeyIsHere(const std::string& holderId) const {
    const auto holder = firstOf(selectHolders("WHERE id = ?", {holderId}));
    try {
        return holder && !loadSecretKey(holderId, holder->publicKey).empty();
    } catch (const IntegrityError&) {
        return false;
    }
}

std::vector<GrantStatement> Registry::grantStatements(const std::string& grantId) const {
    return impl_->selectAll<GrantStatement>(
        "SELECT grant_id, kind, statement, signature FROM grant_statements WHERE grant_id = ? "
        "ORDER BY rowid",
        [](const sqlite::Statement& s) {
            return GrantStatement{s.text(0), s.text(1) == "revocation", s.text(2), s.text(3)};
        },
        {grantId});
}

void Registry::Impl::checkGrantStatements(const std::function<void(std::string)>& problem) const {
    auto rows = prepare("SELECT grant_id, kind, statement, signature FROM grant_statements "
                        "ORDER BY rowid");
    while (rows->step()) {
        const std::string grantId = rows->text(0);
        const bool revocation = rows->text(1) == "revocation";
        const std::string what = "the signed " +
                                 std::string(revocation ? "revocation" : "statement") +
                                 " of grant " + grantId;
        const auto grant = firstOf(selectGrants("WHERE id = ?", {grantId}));
        if (!grant) {
            problem(what + " names a grant that is not on record");
            continue;
        }
        try {
            if (grantStatementText(*grant, revocation) != rows->text(2))
                problem(what + " does not say what the grant now says: the grant was changed "
                               "after its holder signed it");
            const auto holder = firstOf(selectHolders("WHERE id = ?", {grant->holder}));
            if (!holder || !verifySignature(fromHex(holder->publicKey, "holder key"), rows->text(2),
                                            fromHex(rows->text(3), what)))
                problem(what + " is not signed by its holder's key");
        } catch (const Error& e) {
            problem(what + " cannot be checked: " + e.what());
        }
    }
}

} // namespace accord
