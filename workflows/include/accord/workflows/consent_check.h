#pragma once

// Asking without acting (docs/CONSENT.md): `accord-cli consent check`, the demo's questions and
// the studio's panels that show what an asset or a model may do. The use cases that act ask
// through their own functions in this folder, at the moment they act.

#include "accord/core/policy.h"
#include "accord/core/registry.h"

#include <string>

namespace accord::workflows {

struct ConsentQuestion {
    Scope scope = Scope::Export;
    Subject subject;
    std::string actor; // the holder who would act; empty: anyone in this studio
    bool commercial = false;
    UnixTime at = 0; // 0: now
};

// The policy engine's answer, with every missing grant named (asset, owner, scope, why).
Decision checkConsent(const Registry& registry, const ConsentQuestion& question);

} // namespace accord::workflows
