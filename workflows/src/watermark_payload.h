#pragma once

#include "accord/core/registry.h"

#include <string>

namespace accord::workflows {

// A watermark payload ("acw1-xxxxxxxx") drawn at random that no render here carries yet: every
// generated render gets its own (docs/ARCHITECTURE.md "Watermark").
std::string newWatermarkPayload(const Registry& registry);

} // namespace accord::workflows
