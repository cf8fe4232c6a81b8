#pragma once

// Changing a grant's terms (docs/CONSENT.md "Changing a grant"): grants are never rewritten, so
// a change is the old grant revoked and a new one given, in one transaction.

#include "accord/core/registry.h"

#include <string>

namespace accord::workflows {

// Replaces the active grant `grantId` by `changed` (same holder): the new grant is added and the
// old one revoked with the reason "changed: replaced by <new id>", both or neither. BadInput for
// an unknown, revoked or expired grant, one given in another studio (it is changed there), or a
// change of holder (a grant is its holder's word). Returns the new grant.
Grant editGrant(Registry& registry, const std::string& grantId, const NewGrant& changed);

} // namespace accord::workflows
