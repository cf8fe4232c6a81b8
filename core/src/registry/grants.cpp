// The grants table: consents given, revoked (never deleted) and expiring.

#include "registry_impl.h"

#include "accord/core/errors.h"

namespace accord {

namespace {

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

Grant grantFrom(const sqlite::Statement& s) {
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
    if (const auto studio = s.optionalText(13))
        g.origin = GrantOrigin{*studio, s.text(14), s.text(15)};
    return g;
}

} // namespace

std::vector<Grant> Registry::Impl::selectGrants(const std::string& clauses,
                                                const std::vector<std::string>& keys) const {
    return selectAll<Grant>(
        "SELECT id, holder, scope, asset, grantee, share_percent, "
        "attribution, licence, commercial, expires_at, created_at, "
        "revoked_at, revoke_reason, "
        "(SELECT origin_studio FROM foreign_grants f WHERE f.id = grants.id), "
        "(SELECT origin_grant FROM foreign_grants f WHERE f.id = grants.id), "
        "(SELECT statement_sha256 FROM foreign_grants f WHERE f.id = grants.id) "
        "FROM grants " +
            clauses,
        grantFrom, keys);
}

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
        impl_->insertAndLog("grant.add", "grants", id,
                            {{"holder", input.holder},
                             {"scope", scopeName(input.scope)},
                             {"asset", input.asset},
                             {"grantee", input.grantee},
                             {"share_percent", input.terms.sharePercent},
                             {"attribution", input.terms.attribution},
                             {"licence", input.terms.licence},
                             {"commercial", input.terms.commercial},
                             {"expires_at", optionalIso(input.terms.expiresAt)},
                             {"created_at", formatIsoTime(currentTime())}});
        const Grant given = *grant(id);
        impl_->signGrantStatement(given, false);
        return given;
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
        impl_->updateAndLog(
            "grant.revoke", "grants", grantId,
            {{"revoked_at", formatIsoTime(currentTime())}, {"revoke_reason", reason}});
        const Grant revoked = *grant(grantId);
        // Withdrawing consent never waits for a key: without the holder's key on this machine
        // the revocation holds here, unsigned (docs/CONSENT.md "Signed grants").
        if (impl_->holderKeyIsHere(revoked.holder))
            impl_->signGrantStatement(revoked, true);
        impl_->markSourceRevoked(grantId);
        return revoked;
    });
}

std::optional<Grant> Registry::grant(const std::string& id) const {
    return firstOf(impl_->selectGrants("WHERE id = ?", {id}));
}

std::vector<Grant> Registry::grants(const GrantFilter& filter) const {
    std::string conditions = "WHERE 1";
    std::vector<std::string> keys;
    if (filter.asset) {
        const auto target = asset(*filter.asset);
        if (!target)
            throw BadInput("unknown asset '" + *filter.asset + "'");
        conditions += " AND (asset = ? OR (asset IS NULL AND holder = ?))";
        keys.push_back(target->id);
        keys.push_back(target->owner);
    }
    if (filter.holder) {
        impl_->requireHolder(*filter.holder, "holder");
        conditions += " AND holder = ?";
        keys.push_back(*filter.holder);
    }
    return impl_->selectGrants(conditions + " ORDER BY rowid", keys);
}

} // namespace accord
