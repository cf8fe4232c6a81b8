// Re-signs the manifest of an exported file with a key made on the spot, as anyone can
// (tests/cli/test_trust.cpp): the proofs `verify` must not take from a key nobody here trusts.
//
//   resign_manifest FROM TO [--audio FILE] [--holder ID] [--name NAME] [--set POINTER=JSON]...
//
// Reads the manifest embedded in FROM; writes TO as a copy of FROM, or of --audio FILE whose PCM
// hash then becomes the manifest's content hash (audio edited to match); names the new key as
// signer (holder --holder, else none; name --name, else "Mallory"); applies each --set (a JSON
// pointer and a JSON value, in order); signs as an export signs (core/provenance.h); embeds the
// manifest in TO inside C2PA Content Credentials signed by the same key with a certificate
// authority made on the spot, as a forger would, and writes its sidecar. Prints the
// new public key.

#include "accord/audio/audio_file.h"
#include "accord/audio/embedded_manifest.h"
#include "accord/core/crypto.h"
#include "accord/core/errors.h"
#include "accord/core/files.h"
#include "accord/core/json_input.h"
#include "accord/core/provenance.h"
#include "x509.h"

#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

int main(int argc, char** argv) {
    using namespace accord;
    using nlohmann::json;
    if (argc < 3) {
        std::cerr << "usage: resign_manifest FROM TO [--audio FILE] [--holder ID] [--name NAME] "
                     "[--set POINTER=JSON]...\n";
        return 1;
    }
    try {
        const std::string from = argv[1];
        const std::string to = argv[2];
        std::string audio = from, holder, name = "Mallory";
        std::vector<std::string> sets;
        for (int i = 3; i + 1 < argc; i += 2) {
            const std::string option = argv[i];
            if (option == "--audio")
                audio = argv[i + 1];
            else if (option == "--holder")
                holder = argv[i + 1];
            else if (option == "--name")
                name = argv[i + 1];
            else if (option == "--set")
                sets.push_back(argv[i + 1]);
            else
                throw BadInput("unknown option " + option);
        }
        std::vector<std::string> embedded = audio::readEmbeddedManifests(from);
        std::vector<c2pa::Assertion> assertions;
        if (const auto credentials = audio::readContentCredentials(from)) {
            for (const auto& a : c2pa::readStore(credentials->store, from).assertions)
                if (a.label == "io.accord.manifest")
                    embedded.push_back(a.content);
                else if (a.label != "c2pa.hash.data")
                    assertions.push_back(a);
        }
        if (embedded.size() != 1)
            throw BadInput(from + ": not one embedded manifest");
        json manifest = parseJsonInput(embedded.front(), from);
        if (audio != from)
            manifest["content"]["pcmSha256"] = audio::identifyAudioFile(audio).pcmSha256;

        const KeyPair key = generateKeyPair();
        manifest["signer"] = {{"holder", holder.empty() ? json(nullptr) : json(holder)},
                              {"name", name},
                              {"publicKey", toHex(key.publicKey)}};
        for (const std::string& set : sets) {
            const auto equals = set.find('=');
            manifest[json::json_pointer(set.substr(0, equals))] =
                json::parse(set.substr(equals + 1));
        }
        manifest["signature"] = toHex(sign(key.secretKey, manifestSignedMessage(manifest)));

        std::filesystem::copy_file(audio, to, std::filesystem::copy_options::overwrite_existing);
        // The file's C2PA assertions kept (a file from before C2PA gets Accord's alone), its
        // manifest re-signed, all signed again by the same key under a CA made on the spot.
        assertions.push_back(
            {"io.accord.manifest", c2pa::Assertion::Kind::Json, canonicalJson(manifest)});
        const KeyPair authority = generateKeyPair();
        const std::int64_t now = currentTime();
        const std::string ca = x509::makeAuthority(authority.secretKey, "Mallory CA", "Mallory",
                                                   now - 86400, now + 86400 * 365);
        c2pa::ManifestRequest request;
        request.title = std::filesystem::path(to).filename().string();
        request.generatorVersion = "0";
        request.assertions = assertions;
        request.signer.certificateChainDer = {x509::makeSigner(key.publicKey, name, "Mallory", ca,
                                                               authority.secretKey, now - 86400,
                                                               now + 86400 * 365),
                                              ca};
        request.signer.sign = [&](const std::string& message) {
            return sign(key.secretKey, message);
        };
        c2pa::StoreBuilder store(request);
        audio::embedContentCredentials(to, store);
        writeFileAtomically(audio::manifestSidecarPath(to), manifest.dump(2) + "\n");
        std::cout << toHex(key.publicKey) << "\n";
        return 0;
    } catch (const std::exception& e) {
        std::cerr << "resign_manifest: " << e.what() << "\n";
        return 2;
    }
}
