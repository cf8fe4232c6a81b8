#pragma once

// "This is my music" (docs/CONSENT.md "My own recordings"): an artist importing their own
// recordings allows their own uses of them in one step, recorded as ordinary grants.

#include "accord/core/registry.h"

#include <string>
#include <vector>

namespace accord::workflows {

// The scopes an owner's own uses need: training their voice and style models, singing with
// them, exporting. Sharing with others stays a separate choice.
const std::vector<Scope>& ownUseScopes();

// Grants `owner` every own-use scope on each of `assets` (their own recordings), to themselves
// and for commercial use, in one transaction: all land or none. A scope an active grant already
// allows the owner (commercially) is not granted again, so a second import of the same
// recording adds nothing. Throws BadInput naming an asset that is not `owner`'s. Returns the
// grants added.
std::vector<Grant> grantOwnUses(Registry& registry, const std::string& owner,
                                const std::vector<std::string>& assets);

} // namespace accord::workflows
