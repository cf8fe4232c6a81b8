// The proof inside an exported WAV or FLAC (audio/embedded_manifest.h), read from and written
// into arbitrary bytes: accord::Error or success; never a crash or another exception. What is
// embedded must read back as it was written.

#include "fuzz_input.h"

#include "accord/audio/embedded_manifest.h"
#include "accord/core/c2pa.h"
#include "accord/core/errors.h"

#include <cstdlib>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string path = accord::fuzz::asFile(data, size, "mix.wav");
    try {
        accord::audio::readEmbeddedManifests(path);
        accord::audio::readContentCredentials(path);
        accord::c2pa::ManifestRequest request;
        request.title = "mix";
        request.generatorVersion = "fuzz";
        request.assertions = {{"io.accord.manifest", accord::c2pa::Assertion::Kind::Json,
                               "{\"format\":\"accord-manifest\"}"}};
        // The container is under test, not the signature: any 64 bytes and certificate do.
        request.signer.certificateChainDer = {"certificate"};
        request.signer.sign = [](const std::string&) { return accord::Bytes(64, 0); };
        accord::c2pa::StoreBuilder store(request);
        accord::audio::embedContentCredentials(path, store);
        const auto embedded = accord::audio::readContentCredentials(path);
        if (!embedded || embedded->store.find("accord-manifest") == std::string::npos)
            std::abort();
    } catch (const accord::Error&) {
    }
    return 0;
}
