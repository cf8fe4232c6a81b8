#pragma once

// Generated audio coming back in (docs/CONSENT.md "Lineage cannot be laundered"): the same sound
// as a registered render, or audio carrying an Accord watermark (a re-encode, an excerpt, a mix).
// Every way in (studio import, `asset add`, `project add-clip`) looks here first, so generated
// audio never becomes somebody's recording.

#include "accord/core/registry.h"

#include <optional>
#include <string>
#include <vector>

namespace accord::workflows {

struct GeneratedOrigin {
    std::string render;    // the render it resolves to, or empty (a watermark this registry
                           // does not know)
    std::string watermark; // the payload found, or empty when recognised by its PCM hash
    std::string describe(const std::string& file) const; // one plain sentence naming both
};

// By PCM hash first, then by watermark in `channels` (any rate; below 16 kHz only the hash
// counts). nullopt: nothing suggests generated audio.
std::optional<GeneratedOrigin> findGeneratedOrigin(const Registry& registry,
                                                   const std::string& pcmSha256,
                                                   const std::vector<std::vector<float>>& channels,
                                                   int sampleRate);

} // namespace accord::workflows
