#include "accord/workflows/grant_edit.h"

#include "accord/core/errors.h"
#include "accord/core/time.h"

namespace accord::workflows {

Grant editGrant(Registry& registry, const std::string& grantId, const NewGrant& changed) {
    Grant added;
    registry.inOneTransaction([&] {
        const auto old = registry.grant(grantId);
        if (!old)
            throw BadInput("no grant '" + grantId + "' in this registry");
        if (old->revokedAt)
            throw BadInput("grant " + grantId + " was revoked: give a new grant instead");
        if (old->terms.expiresAt && *old->terms.expiresAt <= currentTime())
            throw BadInput("grant " + grantId + " has expired: give a new grant instead");
        if (old->origin)
            throw BadInput("grant " + grantId +
                           " was given in another studio: it can only be changed there");
        if (changed.holder != old->holder)
            throw BadInput("a changed grant keeps its holder: grant " + grantId + " is " +
                           old->holder + "'s");
        added = registry.addGrant(changed);
        registry.revokeGrant(grantId, "changed: replaced by " + added.id);
    });
    return added;
}

} // namespace accord::workflows
