#pragma once

// `accord-cli verify FILE` and the studio's Verify panel (SPEC §5): what a file proves about
// itself. On the file alone: the manifest's signature, the binding of the manifest to the sound
// (PCM hash) and the watermark. With a registry: the render the watermark names, whether the
// signer is the holder on record, and the consent state now (revoked or expired grants).

#include "accord/core/provenance.h"
#include "accord/core/registry.h"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace accord::audio {

struct FileVerification {
    std::string file;
    SignatureState signature = SignatureState::Absent;
    std::string content = "absent"; // "match", "mismatch", "absent" (no manifest)
    bool watermarkFound = false;
    std::string watermarkPayload; // printable payload, when found
    std::string watermarkRender;  // the render it names (registry, else the manifest), or empty
    double watermarkConfidence = 0;
    nlohmann::json manifest; // the embedded manifest (else the sidecar's), or null
    nlohmann::json lineage;  // the manifest's, else the registry's for a known render, or null
    std::string consent = "unknown";   // "ok", "revoked", "unknown" (no registry or no grants)
    std::vector<std::string> problems; // integrity failures: each says what failed
    std::vector<std::string> notes;    // everything else worth saying, in plain words

    bool intact() const { return problems.empty(); }
    // SPEC §5: {"signature", "content", "watermark": {"found", "payload", "render"}, "lineage",
    // "consent", "problems", ...}
    nlohmann::json toJson() const;
};

// Generated audio coming back in (SPEC issue 6, "lineage cannot be laundered"): the same sound as
// a registered render, or audio carrying a watermark (a re-encode, an excerpt, a mix).
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

// Verifies `path` (any format the studio reads: WAV, FLAC, AIFF, Ogg, MP3). `registry` may be
// null. Throws BadInput naming the file when it cannot be read as audio.
FileVerification verifyFile(const std::string& path, const Registry* registry);

} // namespace accord::audio
