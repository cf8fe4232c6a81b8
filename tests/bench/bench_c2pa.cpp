// The cost of C2PA Content Credentials on an export (docs/C2PA.md): the 3-minute stereo mix of the
// 32-track project (44.1 kHz, 24-bit, what bench_mixdown renders) with the manifest of a 32-part
// export: written without any proof (the copy every embedding makes) and with C2PA (manifest
// store, hard binding hash, Ed25519 claim signature), side by side; `sha256sum` of the same file
// as the floor of the hash; `verify`'s read of it; and the reference reader (c2pa-rs as
// WebAssembly, when tests/cli/test_c2pa has installed it in the build folder) on the same file.

#include "accord/audio/audio_io.h"
#include "accord/audio/embedded_manifest.h"
#include "accord/core/c2pa.h"
#include "accord/core/files.h"
#include "accord/core/registry.h"
#include "bench_common.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <random>

using namespace accord;
using namespace accord::bench;

int main() {
    const std::string folder = scratchFolder("accord-bench-c2pa");
    const int rate = 44100;
    const double seconds = envNumber("ACCORD_BENCH_SECONDS", 180);
    std::printf("C2PA Content Credentials on a %.0f s stereo mix (44.1 kHz, 24-bit)\n", seconds);
    std::vector<std::vector<float>> channels(2, std::vector<float>(std::size_t(seconds * rate)));
    std::mt19937 noise(7);
    std::normal_distribution<float> sample(0.f, 0.1f);
    for (auto& channel : channels)
        for (float& s : channel)
            s = sample(noise);
    const std::string source = folder + "/mix.wav";
    audio::writeAudio(source, channels, rate);

    // A manifest of a 32-part export: 32 recordings in its lineage, a grant each.
    nlohmann::json manifest = {{"format", "accord-manifest"}, {"formatVersion", 1}};
    for (int i = 0; i < 32; ++i) {
        manifest["lineage"]["assets"].push_back({{"asset", "a-" + std::to_string(i)},
                                                 {"owner", "h-1"},
                                                 {"ownerName", "Ada"},
                                                 {"pcmSha256", std::string(64, 'a')},
                                                 {"fileSha256", std::string(64, 'b')}});
        manifest["grants"].push_back({{"grant", "g-" + std::to_string(i)},
                                      {"scope", "export"},
                                      {"holder", "h-1"},
                                      {"licence", "CC-BY-4.0"}});
    }
    const std::string manifestText = manifest.dump();
    auto registry = Registry::open(folder + "/registry.sqlite");
    const c2pa::Signer signer = registry->c2paSigner("");

    const std::string credentials = folder + "/c2pa.wav";
    const Timing signedStore = repeat(5, [&] {
        std::filesystem::copy_file(source, credentials,
                                   std::filesystem::copy_options::overwrite_existing);
        c2pa::ManifestRequest request;
        request.title = "mix.wav";
        request.generatorVersion = "bench";
        request.assertions = {{"io.accord.manifest", c2pa::Assertion::Kind::Json, manifestText}};
        request.signer = signer;
        c2pa::StoreBuilder store(request);
        audio::embedContentCredentials(credentials, store);
    });
    const Timing copyOnly = repeat(5, [&] {
        std::filesystem::copy_file(source, folder + "/copy.wav",
                                   std::filesystem::copy_options::overwrite_existing);
    });
    report("without proof: the file written once more", copyOnly);
    report("with C2PA Content Credentials (copy, hash, sign)", signedStore);
    const Timing sha = repeat(5, [&] {
        if (std::system(("sha256sum " + source + " >/dev/null").c_str()) != 0)
            std::printf("  sha256sum failed\n");
    });
    report("peer: sha256sum of the file (the hard binding's floor)", sha);
    const auto size = [](const std::string& p) {
        return static_cast<double>(std::filesystem::file_size(p));
    };
    std::printf("  file %.1f MiB; the C2PA chunk adds %.1f KiB, of which Accord's manifest %.1f "
                "KiB (the rest: claim, certificates, signature, hard binding)\n",
                size(source) / 1048576, (size(credentials) - size(source)) / 1024,
                manifestText.size() / 1024.0);

    const Timing readC2pa = repeat(5, [&] {
        const auto embedded = audio::readContentCredentials(credentials);
        c2pa::readStore(embedded->store, credentials);
    });
    report("verify's read: C2PA store, claim signature, hard binding hash", readC2pa);

    const char* reader = std::getenv("ACCORD_C2PA_READER_DIR");
    const std::string readerDir = absolutePath(reader && *reader ? reader : "build/c2pa-reader");
    if (fileExists(readerDir + "/node_modules/@contentauth/c2pa-wasm/package.json")) {
        const std::string command = "ACCORD_C2PA_READER_DIR=" + readerDir +
                                    " node tests/c2pa/read_c2pa.mjs " + credentials +
                                    " audio/wav >/dev/null";
        const Timing node = repeat(3, [&] {
            if (std::system(command.c_str()) != 0)
                std::printf("  the reference reader failed\n");
        });
        report("peer: c2pa-rs (WebAssembly, node, incl. start-up) validating it", node);
    } else {
        std::printf("  (no reference reader in %s: run test_c2pa first)\n", readerDir.c_str());
    }
    std::system(("rm -rf " + folder).c_str());
    return 0;
}
