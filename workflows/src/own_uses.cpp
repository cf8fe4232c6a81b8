#include "accord/workflows/own_uses.h"

#include "accord/core/errors.h"
#include "accord/core/time.h"

#include <algorithm>

namespace accord::workflows {

namespace {

// Whether `grant` already allows `owner` this use of `asset` for a commercial release now.
bool alreadyAllows(const Grant& grant, const std::string& owner, const std::string& asset,
                   Scope scope, UnixTime now) {
    return grant.holder == owner && grant.scope == scope &&
           (!grant.asset || *grant.asset == asset) && (!grant.grantee || *grant.grantee == owner) &&
           grant.terms.commercial && !grant.revokedAt &&
           (!grant.terms.expiresAt || now < *grant.terms.expiresAt) && !grant.origin;
}

} // namespace

const std::vector<Scope>& ownUseScopes() {
    static const std::vector<Scope> scopes{Scope::TrainVoice, Scope::TrainStyle, Scope::Generate,
                                           Scope::Export};
    return scopes;
}

std::vector<Grant> grantOwnUses(Registry& registry, const std::string& owner,
                                const std::vector<std::string>& assets) {
    std::vector<Grant> added;
    registry.inOneTransaction([&] {
        const UnixTime now = currentTime();
        for (const std::string& id : assets) {
            const auto asset = registry.asset(id);
            if (!asset)
                throw BadInput("no asset '" + id + "' in this registry");
            if (asset->owner != owner)
                throw BadInput("asset " + id + " is not a recording of holder " + owner +
                               ": only its owner can allow their own uses of it");
            const std::vector<Grant> existing = registry.grants({id, owner});
            for (const Scope scope : ownUseScopes()) {
                if (std::any_of(existing.begin(), existing.end(), [&](const Grant& grant) {
                        return alreadyAllows(grant, owner, id, scope, now);
                    }))
                    continue;
                NewGrant grant;
                grant.holder = owner;
                grant.scope = scope;
                grant.asset = id;
                grant.grantee = owner;
                grant.terms.commercial = true;
                added.push_back(registry.addGrant(grant));
            }
        }
    });
    return added;
}

} // namespace accord::workflows
