// Manifests and sidecars (core/provenance.h) from arbitrary bytes, as `verify` reads them: the
// nesting limit, the shape check, the signature check and the canonical form. A clear
// accord::Error or a verdict; never a crash or another exception.

#include "accord/core/errors.h"
#include "accord/core/json_input.h"
#include "accord/core/provenance.h"

#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    try {
        const nlohmann::json manifest = accord::parseJsonInput(text, "the sidecar");
        accord::requireManifestShape(manifest, "the sidecar");
        std::string problem;
        accord::checkManifestSignature(manifest, problem);
        accord::canonicalJson(manifest);
    } catch (const accord::Error&) {
    }
    return 0;
}
