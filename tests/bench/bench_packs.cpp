// Model packs and revocation files (docs/CONSENT.md "Model packs", "Revocation travels"): the size
// of a pack beside its model file, the time to share and to verify + import one, with `zip` and
// `unzip -t` (which only packs / checks CRCs) on the same bytes; and the import of a revocations
// file of 10,000 entries, beside the bare cost of checking its 10,000 Ed25519 signatures.

#include "accord/audio/audio_file.h"
#include "accord/core/crypto.h"
#include "accord/core/files.h"
#include "accord/core/registry.h"
#include "accord/workflows/revocations.h"
#include "accord/workflows/share.h"
#include "accord/workflows/train.h"
#include "bench_common.h"

#include <nlohmann/json.hpp>

using namespace accord;
using namespace accord::bench;

namespace {

void packFigures(const std::string& folder) {
    const std::string material = materialRoot() + "/alsa/";
    auto studioA = Registry::open(folder + "/a.sqlite");
    const Holder ada = studioA->addHolder("Ada", "");
    workflows::VoiceTrainingRequest train;
    train.owner = ada.id;
    for (const char* name : {"Front_Left", "Rear_Center", "Front_Right", "Rear_Left"}) {
        const std::string file = material + name + ".wav";
        if (!fileExists(file)) {
            std::printf("  (no pack figures: %s is missing; run scripts/fetch-material.sh)\n",
                        file.c_str());
            return;
        }
        NewAsset asset;
        asset.owner = ada.id;
        asset.identity = audio::identifyAudioFile(file);
        asset.path = file;
        train.assets.push_back(studioA->addAsset(asset).asset.id);
    }
    for (const Scope scope : {Scope::TrainVoice, Scope::Share}) {
        NewGrant grant;
        grant.holder = ada.id;
        grant.scope = scope;
        grant.terms.sharePercent = 30;
        studioA->addGrant(grant);
    }
    train.outFile = folder + "/ada.accordvoice";
    train.maxSteps = 5; // the default network: the size of a real model file
    const auto trained = workflows::trainVoiceModel(*studioA, train);

    const KeyPair bo = generateKeyPair();
    int shares = 0;
    workflows::ShareRequest request;
    request.modelFile = trained.file;
    request.to = toHex(bo.publicKey);
    const Timing share = repeat(5, [&] {
        request.out = folder + "/pack" + std::to_string(++shares) + ".accordpack";
        workflows::shareModel(*studioA, request);
    });
    const std::string pack = request.out;
    const double modelBytes = static_cast<double>(readWholeFile(trained.file).size());
    const double packBytes = static_cast<double>(readWholeFile(pack).size());
    std::printf("  model file %.0f KiB, pack %.0f KiB (+%.1f KiB: manifest, %zu statements, "
                "signature)\n",
                modelBytes / 1024, packBytes / 1024, (packBytes - modelBytes) / 1024,
                2 * train.assets.size() + 1);
    report("share (consent, 8 grants signed, pack written)", share);
    const Timing zip = repeat(5, [&] {
        const std::string command =
            "cd " + folder + " && rm -f peer.zip && zip -q -0 peer.zip " + "ada.accordvoice";
        if (std::system(command.c_str()) != 0)
            std::printf("  zip failed\n");
    });
    report("peer: zip -0 of the model file alone", zip);
    int imports = 0;
    const Timing import = repeat(5, [&] {
        auto studioB = Registry::open(folder + "/b" + std::to_string(++imports) + ".sqlite");
        studioB->addKnownHolder("Bo", "", toHex(bo.publicKey));
        workflows::importPack(*studioB, pack);
    });
    report("pack import (every hash and signature, then recorded)", import);
    const Timing inspect = repeat(5, [&] {
        auto studioB = Registry::open(folder + "/b1.sqlite");
        workflows::inspectPack(*studioB, pack);
    });
    report("pack inspect (verification alone)", inspect);
    const Timing unzip = repeat(5, [&] {
        if (std::system(("unzip -tqq " + pack + " >/dev/null").c_str()) != 0)
            std::printf("  unzip -t failed\n");
    });
    report("peer: unzip -t (CRC-32 of every entry only)", unzip);
}

void revocationFigures(const std::string& folder, int count) {
    auto studioA = Registry::open(folder + "/ra.sqlite");
    auto studioB = Registry::open(folder + "/rb.sqlite");
    const Holder ada = studioA->addHolder("Ada", "");
    const Holder bo = studioB->addHolder("Bo", "");
    std::vector<std::string> grants;
    const double setup = secondsOf([&] {
        studioA->inOneTransaction([&] {
            studioA->addKnownHolder("Bo", "", bo.publicKey);
            for (int i = 0; i < count; ++i) {
                const std::string take = std::to_string(i);
                NewAsset asset;
                asset.owner = ada.id;
                asset.identity = {sha256Hex("f" + take), sha256Hex("p" + take), 2.0, 44100, 2};
                asset.path = "/t/" + take + ".wav";
                NewGrant grant;
                grant.holder = ada.id;
                grant.scope = Scope::Generate;
                grant.asset = studioA->addAsset(asset).asset.id;
                grant.grantee = studioA->holderByKey(bo.publicKey)->id;
                grants.push_back(studioA->addGrant(grant).id);
            }
        });
        studioB->inOneTransaction([&] {
            studioB->addKnownHolder("Ada", "", ada.publicKey);
            const Holder adaHere = *studioB->holderByKey(ada.publicKey);
            for (const Asset& a : studioA->assets()) {
                NewAsset asset;
                asset.owner = adaHere.id;
                asset.identity = {a.fileSha256, a.pcmSha256, a.durationSeconds, a.sampleRate,
                                  a.channels};
                asset.path = a.path;
                asset.foreignStudio = studioA->studioPublicKey();
                studioB->addAsset(asset);
            }
            for (const auto& id : grants) {
                const GrantStatement s = studioA->grantStatements(id).front();
                studioB->importGrant(s.statement, s.signature);
            }
        });
        studioA->inOneTransaction([&] {
            for (const auto& id : grants)
                studioA->revokeGrant(id, "tour over");
        });
    });
    std::printf("  setup (%d grants given, imported elsewhere, revoked): %.1f s\n", count, setup);
    const std::string file = folder + "/ada.revocations";
    const double written =
        secondsOf([&] { workflows::exportRevocations(*studioA, file, std::nullopt); });
    std::printf("  revocations export of %d: %.3f s, %.1f MiB\n", count, written,
                static_cast<double>(readWholeFile(file).size()) / 1048576.0);
    workflows::RevocationsApplied applied;
    const double imported =
        secondsOf([&] { applied = workflows::importRevocations(*studioB, file); });
    std::printf("  revocations import of %d (%zu applied): %.3f s, %.0f per second\n", count,
                applied.revoked.size(), imported, count / imported);
    // The floor: the signature checks alone, with libsodium, on the same statements.
    const nlohmann::json document = nlohmann::json::parse(readWholeFile(file));
    const double verifyOnly = secondsOf([&] {
        for (const auto& r : document.at("revocations"))
            if (!verifySignature(ada.publicKey.empty() ? Bytes{} : fromHex(ada.publicKey, "key"),
                                 r.at("statement").get<std::string>(),
                                 fromHex(r.at("signature").get<std::string>(), "signature")))
                std::printf("  a signature failed\n");
    });
    std::printf("  peer floor: %d Ed25519 verifications alone (libsodium): %.3f s\n", count,
                verifyOnly);
}

} // namespace

int main() {
    const std::string folder = scratchFolder("accord-bench-packs");
    std::printf("Model packs: share, verify and import; revocations travelling\n");
    packFigures(folder);
    revocationFigures(folder, static_cast<int>(envNumber("ACCORD_BENCH_REVOCATIONS", 10000)));
    std::system(("rm -rf " + folder).c_str());
    return 0;
}
