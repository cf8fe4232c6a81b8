// The grants table: consents given, revoked (never deleted) and expiring.

#include "registry_impl.h"

#include "accord/core/errors.h"

namespace accord {

using sqlite::Statement;

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

} // namespace

Grant Registry::Impl::grantFrom(const Statement& s) {
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

} // namespace accord
