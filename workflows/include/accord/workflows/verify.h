#pragma once

// `accord-cli verify FILE` and the studio's Verify panel (docs/CLI.md "verify"): what a file proves
// about itself. On the file alone: the manifest's signature, the binding of the manifest to the
// sound (PCM hash) and the watermark. With a registry: the render the watermark names, whether the
// signer is the holder on record, and the consent state now (revoked or expired grants).

#include "accord/core/provenance.h"
#include "accord/core/registry.h"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace accord::workflows {

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
    // docs/CLI.md "verify": {"signature", "content", "watermark": {"found", "payload", "render"},
    // "lineage", "consent", "problems", ...}
    nlohmann::json toJson() const;
};

// Verifies `path` (any format the studio reads: WAV, FLAC, AIFF, Ogg, MP3). `registry` may be
// null. Throws BadInput naming the file when it cannot be read as audio.
FileVerification verifyFile(const std::string& path, const Registry* registry);

} // namespace accord::workflows
