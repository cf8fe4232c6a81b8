#pragma once

// Generated audio coming back in (docs/CONSENT.md "Lineage cannot be laundered"): the same sound
// as a registered render, or audio carrying an Accord watermark (a re-encode, an excerpt, a mix).
// Every way in (studio import, `asset add`, `project add-clip`) looks here first, so generated
// audio never becomes somebody's recording.

#include "accord/audio/media.h"
#include "accord/core/registry.h"

#include <optional>
#include <string>

namespace accord::workflows {

struct GeneratedOrigin {
    std::string render;    // the render it resolves to, or empty (a watermark this registry
                           // does not know)
    std::string watermark; // the payload found, or empty when recognised by its PCM hash
    // The render's live input in plain words (liveInputText) when it was sung live, or empty.
    std::string liveInput;
    std::string describe(const std::string& file) const; // one plain sentence naming both
};

// By PCM hash first, then by the watermark in the file at `path`, read in blocks (bounded memory
// whatever its length; docs/WATERMARK.md "Streaming"). nullopt: nothing suggests generated
// audio. Throws BadInput naming the file when it cannot be decoded.
std::optional<GeneratedOrigin> findGeneratedOrigin(const Registry& registry,
                                                   const std::string& pcmSha256,
                                                   const std::string& path);

// The same for media already decoded (import's, at the project rate), read where they are.
std::optional<GeneratedOrigin> findGeneratedOrigin(const Registry& registry,
                                                   const std::string& pcmSha256,
                                                   const audio::DecodedMedia& media);

} // namespace accord::workflows
