// Signed grant statements (docs/CONSENT.md "Signed grants"): each grant and revocation as the
// granting holder signed it, holders named by public key and assets by content, so the statement
// means the same in any studio; and the import of statements signed in another studio
// (docs/CONSENT.md "Model packs", "Revocation travels").

#include "registry_impl.h"

#include "accord/core/crypto.h"
#include "accord/core/errors.h"
#include "accord/core/grant_statement.h"
#include "accord/core/json_input.h"

#include <nlohmann/json.hpp>

namespace accord {

using nlohmann::json;

namespace {

constexpr const char* kGrantFormat = "accord-grant-1";
constexpr const char* kRevocationFormat = "accord-revocation-1";

std::string statementId(const std::string& grantId, bool revocation) {
    return revocation ? grantId + "/revocation" : grantId;
}

std::optional<std::string> optionalText(const json& object, const char* key,
                                        const JsonFields& fields) {
    if (!object.contains(key) || object.at(key).is_null())
        return std::nullopt;
    return fields.text(key);
}

} // namespace

GrantStatementFields readGrantStatement(const std::string& text, const std::string& what) {
    try {
        const json statement = parseJsonInput(text, what);
        if (!statement.is_object())
            throw BadInput(what + ": not a JSON object");
        const JsonFields fields(statement, what);
        GrantStatementFields read;
        const std::string format = fields.text("format");
        if (format != kGrantFormat && format != kRevocationFormat)
            throw BadInput(what + ": \"format\" is '" + format + "', not a grant statement");
        read.revocation = format == kRevocationFormat;
        read.grant = fields.text("grant");
        read.studio = fields.text("studio");
        read.holder = fields.text("holder");
        if (read.revocation) {
            read.grantStatementSha256 = fields.text("grantStatementSha256");
            read.revoked = parseIsoTime(fields.text("revoked"), what + " revocation time");
            read.reason = fields.text("reason", "");
            return read;
        }
        read.scope = parseScope(fields.text("scope"));
        if (!statement.at("asset").is_null()) {
            const JsonFields asset(fields.object("asset", false), what + " asset");
            read.assetPcmSha256 = asset.text("pcmSha256");
            read.assetFileSha256 = asset.text("fileSha256");
        }
        read.to = optionalText(statement, "to", fields);
        read.terms.sharePercent = fields.number("share", 0);
        read.terms.commercial = fields.flag("commercial", false);
        read.terms.licence = fields.text("licence", "");
        read.terms.attribution = fields.text("attribution", "");
        if (const auto expires = optionalText(statement, "expires", fields))
            read.terms.expiresAt = parseIsoTime(*expires, what + " expiry");
        read.created = parseIsoTime(fields.text("created"), what + " creation time");
        return read;
    } catch (const IntegrityError&) {
        throw;
    } catch (const Error& e) {
        throw IntegrityError(std::string(e.what()) + " (a signed statement that cannot be read "
                                                     "was changed)");
    } catch (const json::exception&) {
        throw IntegrityError(what + ": a field is missing or of the wrong type");
    }
}

bool grantStatementIsSigned(const GrantStatementFields& fields, const std::string& text,
                            const std::string& signatureHex) {
    return GrantStatementVerifier().isSigned(fields, text, signatureHex);
}

bool GrantStatementVerifier::isSigned(const GrantStatementFields& fields, const std::string& text,
                                      const std::string& signatureHex) {
    try {
        auto key = validKeys_.find(fields.holder);
        if (key == validKeys_.end()) {
            Bytes bytes = fromHex(fields.holder, "holder key");
            if (!isPublicKey(bytes))
                return false;
            key = validKeys_.emplace(fields.holder, std::move(bytes)).first;
        }
        return verifySignature(key->second, text, fromHex(signatureHex, "signature"));
    } catch (const BadInput&) {
        return false;
    }
}

std::string Registry::Impl::grantStatementText(const Grant& grant, bool revocation) const {
    auto publicKeyOf = [&](const std::string& holderId) {
        const auto found = firstOf(selectHolders("WHERE id = ?", {holderId}));
        if (!found)
            throw IntegrityError(path + ": grant " + grant.id + " names holder " + holderId +
                                 ", who is not on record");
        return found->publicKey;
    };
    // A grant imported from another studio says what it said there.
    json statement = {{"format", revocation ? kRevocationFormat : kGrantFormat},
                      {"grant", grant.origin ? grant.origin->grant : grant.id},
                      {"studio", grant.origin ? grant.origin->studio : studioKey()},
                      {"holder", publicKeyOf(grant.holder)}};
    if (revocation) {
        statement["grantStatementSha256"] = grant.origin
                                                ? grant.origin->statementSha256
                                                : sha256Hex(grantStatementText(grant, false));
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
    storeGrantStatement(grant.id, revocation, text,
                        toHex(sign(loadSecretKey(grant.holder, holder->publicKey), text)));
}

void Registry::Impl::storeGrantStatement(const std::string& grantId, bool revocation,
                                         const std::string& text, const std::string& signature) {
    insertAndLog(revocation ? "grant.revocation.sign" : "grant.sign", "grant_statements",
                 statementId(grantId, revocation),
                 {{"grant_id", grantId},
                  {"kind", revocation ? "revocation" : "grant"},
                  {"statement", text},
                  {"signature", signature}});
}

bool Registry::Impl::holderKeyIsHere(const std::string& holderId) const {
    const auto holder = firstOf(selectHolders("WHERE id = ?", {holderId}));
    try {
        return holder && !loadSecretKey(holderId, holder->publicKey).empty();
    } catch (const IntegrityError&) {
        return false;
    }
}

bool Registry::canSignAs(const std::string& holderId) const {
    return impl_->holderKeyIsHere(holderId);
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

std::vector<GrantStatement> Registry::revocationStatements() const {
    return impl_->selectAll<GrantStatement>(
        "SELECT s.grant_id, s.kind, s.statement, s.signature FROM grant_statements s "
        "WHERE s.kind = 'revocation' AND NOT EXISTS "
        "(SELECT 1 FROM foreign_grants f WHERE f.id = s.grant_id) ORDER BY s.rowid",
        [](const sqlite::Statement& s) {
            return GrantStatement{s.text(0), true, s.text(2), s.text(3)};
        });
}

std::vector<SequencedStatement> Registry::statementsAfter(std::int64_t sequence,
                                                          std::size_t limit) const {
    auto rows = impl_->prepare("SELECT rowid, grant_id, kind, statement, signature "
                               "FROM grant_statements WHERE rowid > ? ORDER BY rowid LIMIT ?");
    rows->bind(1, sequence).bind(2, static_cast<std::int64_t>(limit));
    std::vector<SequencedStatement> found;
    while (rows->step())
        found.push_back(
            {rows->integer(0), GrantStatement{rows->text(1), rows->text(2) == "revocation",
                                              rows->text(3), rows->text(4)}});
    return found;
}

Grant Registry::importGrant(const std::string& statement, const std::string& signatureHex) {
    const std::string what = "grant statement " + sha256Hex(statement).substr(0, 12);
    const GrantStatementFields fields = readGrantStatement(statement, what);
    if (fields.revocation)
        throw IntegrityError(what + " is a revocation, not a grant");
    return impl_->writeTransaction([&] {
        const std::string hash = sha256Hex(statement);
        const auto before = impl_->selectAll<std::string>(
            "SELECT id FROM foreign_grants WHERE statement_sha256 = ?",
            [](const sqlite::Statement& s) { return s.text(0); }, {hash});
        if (!before.empty())
            return *grant(before.front());
        if (fields.studio == impl_->studioKey()) {
            // A statement made here, come back: it is the grant it names, unchanged.
            const auto own = grant(fields.grant);
            if (!own || impl_->grantStatementText(*own, false) != statement)
                throw IntegrityError(what + " names this studio, which never gave it");
            return *own;
        }
        const auto holder = holderByKey(fields.holder);
        if (!holder)
            throw IntegrityError(what + " is signed by key " + fields.holder.substr(0, 16) +
                                 "…, whom this registry does not know");
        if (!grantStatementIsSigned(fields, statement, signatureHex))
            throw IntegrityError(what + " (" + scopeName(fields.scope) + " by " + holder->name +
                                 ") is not signed by " + holder->name + "'s key");
        std::optional<std::string> assetId;
        if (fields.assetPcmSha256) {
            const auto asset = assetByContent(*fields.assetPcmSha256, fields.assetFileSha256);
            if (!asset || asset->pcmSha256 != *fields.assetPcmSha256)
                throw IntegrityError(what + " names a recording that is not on record");
            if (asset->owner != holder->id)
                throw IntegrityError(what + ": " + holder->name + " grants on recording " +
                                     asset->id + ", which is on record as " +
                                     this->holder(asset->owner)->name + "'s");
            assetId = asset->id;
        }
        std::optional<std::string> grantee;
        if (fields.to) {
            const auto to = holderByKey(*fields.to);
            if (!to)
                throw IntegrityError(what + " is given to key " + fields.to->substr(0, 16) +
                                     "…, whom this registry does not know");
            grantee = to->id;
        }
        if (fields.terms.sharePercent < 0 || fields.terms.sharePercent > 100)
            throw IntegrityError(what + ": its share is not a percentage");
        const std::string id = impl_->nextId("grants", "g");
        auto optionalIso = [](const std::optional<UnixTime>& t) {
            return t ? std::optional<std::string>(formatIsoTime(*t)) : std::nullopt;
        };
        impl_->insertAndLog("grant.import", "grants", id,
                            {{"holder", holder->id},
                             {"scope", scopeName(fields.scope)},
                             {"asset", assetId},
                             {"grantee", grantee},
                             {"share_percent", fields.terms.sharePercent},
                             {"attribution", fields.terms.attribution},
                             {"licence", fields.terms.licence},
                             {"commercial", fields.terms.commercial},
                             {"expires_at", optionalIso(fields.terms.expiresAt)},
                             {"created_at", formatIsoTime(fields.created)}});
        impl_->insertAndLog("grant.origin", "foreign_grants", id,
                            {{"origin_studio", fields.studio},
                             {"origin_grant", fields.grant},
                             {"statement_sha256", hash}});
        const Grant imported = *grant(id);
        // Recomputed from the rows, the statement must be the one signed: audit verify checks
        // exactly that later.
        if (impl_->grantStatementText(imported, false) != statement)
            throw IntegrityError(what + " is not in the canonical form Accord signs");
        impl_->storeGrantStatement(id, false, statement, signatureHex);
        return imported;
    });
}

ImportedRevocation Registry::importRevocation(const std::string& statement,
                                              const std::string& signatureHex) {
    const std::string what = "revocation " + sha256Hex(statement).substr(0, 12);
    const GrantStatementFields fields = readGrantStatement(statement, what);
    if (!fields.revocation)
        throw IntegrityError(what + " is a grant, not a revocation");
    if (!grantStatementIsSigned(fields, statement, signatureHex))
        throw IntegrityError(what + " (of grant " + fields.grant +
                             ") is not signed by the key it names");
    return impl_->writeTransaction([&] {
        std::optional<Grant> target;
        const auto foreign = impl_->selectAll<std::string>(
            "SELECT id FROM foreign_grants WHERE statement_sha256 = ?",
            [](const sqlite::Statement& s) { return s.text(0); }, {fields.grantStatementSha256});
        if (!foreign.empty())
            target = grant(foreign.front());
        else if (fields.studio == impl_->studioKey())
            if (const auto own = grant(fields.grant);
                own && !own->origin &&
                sha256Hex(impl_->grantStatementText(*own, false)) == fields.grantStatementSha256)
                target = own;
        ImportedRevocation result;
        if (!target)
            return result; // not a grant this studio knows
        result.grant = target;
        const Holder holder = *this->holder(target->holder);
        if (fields.holder != holder.publicKey)
            throw IntegrityError(what + " of grant " + target->id + " is signed by key " +
                                 fields.holder.substr(0, 16) + "…, but the grant's holder " +
                                 holder.name + " (" + holder.id + ") is on record with key " +
                                 holder.publicKey.substr(0, 16) + "…");
        const std::string originGrant = target->origin ? target->origin->grant : target->id;
        const std::string originStudio =
            target->origin ? target->origin->studio : impl_->studioKey();
        if (fields.grant != originGrant || fields.studio != originStudio)
            throw IntegrityError(what + " names grant " + fields.grant +
                                 " of another studio than the statement it revokes");
        if (target->revokedAt) {
            result.outcome = ImportedRevocation::Outcome::AlreadyRevoked;
            return result;
        }
        impl_->updateAndLog(
            "grant.revoke.import", "grants", target->id,
            {{"revoked_at", formatIsoTime(fields.revoked)}, {"revoke_reason", fields.reason}});
        result.grant = grant(target->id);
        if (impl_->grantStatementText(*result.grant, true) != statement)
            throw IntegrityError(what + " is not in the canonical form Accord signs");
        impl_->storeGrantStatement(target->id, true, statement, signatureHex);
        result.sourceRevoked = impl_->markSourceRevoked(target->id);
        result.outcome = ImportedRevocation::Outcome::Applied;
        return result;
    });
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
