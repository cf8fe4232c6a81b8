// The manifest embedded in an exported WAV or FLAC (audio/embedded_manifest.h), read from and
// written into arbitrary bytes: accord::Error or success; never a crash or another exception.
// What is embedded must read back as it was written.

#include "fuzz_input.h"

#include "accord/audio/embedded_manifest.h"
#include "accord/core/errors.h"

#include <cstdlib>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string path = accord::fuzz::asFile(data, size, "mix.wav");
    try {
        accord::audio::readEmbeddedManifests(path);
        const std::string manifest = "{\"format\":\"accord-manifest\"}";
        accord::audio::embedManifest(path, manifest);
        if (accord::audio::readEmbeddedManifests(path) != std::vector<std::string>{manifest})
            std::abort();
    } catch (const accord::Error&) {
    }
    return 0;
}
