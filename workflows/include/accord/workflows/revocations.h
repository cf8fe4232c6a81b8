#pragma once

// Revocation that travels (docs/CONSENT.md "Revocation travels"): the signed revocations of grants
// given in this studio, written to a file; and such a file applied in another studio, which then
// refuses what the revoked grants allowed and marks the models trained under them source-revoked.

#include "accord/core/registry.h"

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace accord::workflows {

struct RevocationsWritten {
    std::string path;
    std::size_t count = 0;
};

// Writes every signed revocation of a grant given here (only `holder`'s when set), atomically.
RevocationsWritten exportRevocations(const Registry& registry, const std::string& out,
                                     const std::optional<std::string>& holder = std::nullopt);

struct RevocationsApplied {
    std::size_t read = 0;
    std::vector<Grant> revoked;             // grants revoked here by the file
    std::size_t alreadyRevoked = 0;         // of grants revoked here before
    std::size_t notHere = 0;                // of grants this registry does not know
    std::vector<std::string> sourceRevoked; // models made source-revoked
};

// Applies a revocations file, all of it in one transaction or nothing: a revocation that is not
// signed by the key it names, or whose key is not that of the grant's holder on record, refuses
// the whole file (IntegrityError naming it, exit 3). A file that is not a revocations file is
// BadInput (exit 2).
RevocationsApplied importRevocations(Registry& registry, const std::string& file);

} // namespace accord::workflows
