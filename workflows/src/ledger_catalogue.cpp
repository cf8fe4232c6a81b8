#include "accord/workflows/ledger_catalogue.h"

#include "identify_windows.h"

#include "accord/audio/audio_file.h"
#include "accord/core/crypto.h"
#include "accord/core/errors.h"
#include "accord/dsp/fingerprint.h"
#include "accord/ledger/catalogue.h"

#include <map>
#include <set>
#include <tuple>

namespace accord::workflows {

namespace {

// A recording's landmarks, signed by its owner; nullopt (with a note) when its file no longer
// holds the registered sound.
std::optional<ledger::SignedFingerprints> signedFingerprints(const Registry& registry,
                                                             const Asset& asset,
                                                             const Holder& owner,
                                                             std::vector<std::string>& skipped) {
    try {
        if (audio::identifyAudioFile(asset.path).pcmSha256 != asset.pcmSha256) {
            skipped.push_back("asset " + asset.id + " not published: " + asset.path +
                              " no longer holds the sound registered");
            return std::nullopt;
        }
        ledger::SignedFingerprints signedOnes;
        double seconds = 0;
        signedOnes.landmarks = fingerprintFile(asset.path, &seconds);
        ledger::FingerprintClaimFields claim;
        claim.holder = owner.publicKey;
        claim.holderName = owner.name;
        claim.studio = registry.studioPublicKey();
        claim.pcmSha256 = asset.pcmSha256;
        claim.seconds = seconds;
        claim.fingerprintVersion = dsp::fingerprint::kVersion;
        claim.landmarks = std::int64_t(signedOnes.landmarks.size());
        claim.landmarksSha256 = sha256Hex(ledger::packLandmarks(signedOnes.landmarks));
        const std::string text = ledger::fingerprintClaimText(claim);
        signedOnes.claim = {text, toHex(registry.signAs(owner.id, text))};
        return signedOnes;
    } catch (const BadInput& e) {
        skipped.push_back("asset " + asset.id + " not published: " + e.what());
        return std::nullopt;
    }
}

// A landmark as a set key, to check the server's rows against a verified recording.
using LandmarkKey = std::tuple<std::uint32_t, std::uint32_t, std::uint16_t, std::int16_t>;
LandmarkKey keyOf(const IndexedLandmark& l) {
    return {l.hash, l.frame, l.span, l.pitchCents};
}

} // namespace

FingerprintsPushed pushFingerprints(const Registry& registry, ledger::Ledger& ledger,
                                    std::size_t batch) {
    ledger::Catalogue catalogue(ledger);
    FingerprintsPushed pushed;
    // The recordings registered here, by owner, of owners who can sign here.
    std::map<std::string, std::vector<Asset>> byOwner;
    for (const Asset& asset : registry.assets())
        if (asset.kind == AssetKind::Audio && asset.foreignStudio.empty() &&
            registry.canSignAs(asset.owner))
            byOwner[asset.owner].push_back(asset);
    std::vector<ledger::SignedFingerprints> pending;
    auto send = [&] {
        const ledger::Published published = catalogue.publish(pending);
        pushed.sent += pending.size();
        pushed.stored += published.stored;
        pushed.alreadyThere += published.alreadyThere;
        pending.clear();
    };
    for (const auto& [ownerId, assets] : byOwner) {
        const Holder owner = *registry.holder(ownerId);
        std::vector<std::string> hashes;
        for (const Asset& asset : assets)
            hashes.push_back(asset.pcmSha256);
        const auto claimedList =
            catalogue.claimed(owner.publicKey, hashes, dsp::fingerprint::kVersion);
        const std::set<std::string> claimed(claimedList.begin(), claimedList.end());
        for (const Asset& asset : assets) {
            if (claimed.count(asset.pcmSha256)) {
                ++pushed.alreadyThere;
                continue;
            }
            if (auto fingerprints = signedFingerprints(registry, asset, owner, pushed.skipped))
                pending.push_back(std::move(*fingerprints));
            if (pending.size() >= batch)
                send();
        }
    }
    if (!pending.empty())
        send();
    return pushed;
}

std::vector<IdentifiedRecording> identifyFileOnLedger(ledger::Ledger& ledger,
                                                      const std::string& path,
                                                      const std::atomic<bool>* cancel,
                                                      double* fileSeconds) {
    ledger::Catalogue catalogue(ledger);
    std::map<std::int64_t, ledger::CatalogueRecording> verified;
    std::map<std::int64_t, std::set<LandmarkKey>> verifiedLandmarks;
    struct Row {
        std::size_t hashIndex;
        std::int64_t recording;
        IndexedLandmark landmark;
    };
    const auto matches = matchFileInWindows(
        path,
        [&](const std::vector<dsp::Landmark>& query) {
            // First on the server's rows as they come...
            std::vector<Row> rows;
            const auto fromServer = dsp::matchLandmarks(
                query, [&](const std::vector<std::uint32_t>& hashes,
                           const std::function<void(std::size_t, const dsp::LandmarkHit&)>& hit) {
                    catalogue.lookup(
                        hashes, dsp::fingerprint::kMaxRowsPerHash, dsp::fingerprint::kVersion,
                        [&](std::size_t i, std::int64_t recording, const IndexedLandmark& l) {
                            rows.push_back({i, recording, l});
                            hit(i, {recording, l.frame, l.span, l.pitchCents});
                        });
                });
            if (fromServer.empty())
                return fromServer;
            // ...then, the recordings found verified (their owners' signatures over their
            // landmarks), again on the rows those landmarks hold: a row the server made up or
            // moved counts for nothing (docs/LEDGER.md "Catalogue").
            for (const dsp::LandmarkMatch& m : fromServer)
                if (!verified.count(m.recording)) {
                    ledger::CatalogueRecording recording = catalogue.recording(m.recording);
                    auto& keys = verifiedLandmarks[m.recording];
                    for (const IndexedLandmark& l : recording.landmarks)
                        keys.insert(keyOf(l));
                    verified.emplace(m.recording, std::move(recording));
                }
            // The same query asks for the same hashes, so the first pass's rows answer it.
            return dsp::matchLandmarks(
                query, [&](const std::vector<std::uint32_t>&,
                           const std::function<void(std::size_t, const dsp::LandmarkHit&)>& hit) {
                    for (const Row& row : rows) {
                        const auto keys = verifiedLandmarks.find(row.recording);
                        if (keys != verifiedLandmarks.end() &&
                            keys->second.count(keyOf(row.landmark)))
                            hit(row.hashIndex, {row.recording, row.landmark.frame,
                                                row.landmark.span, row.landmark.pitchCents});
                    }
                });
        },
        cancel, fileSeconds);
    std::vector<IdentifiedRecording> found;
    for (const dsp::LandmarkMatch& match : matches) {
        const ledger::CatalogueRecording& recording = verified.at(match.recording);
        IdentifiedRecording r = identifiedAs(match, recording.fields.seconds);
        r.kind = IndexedKind::Asset;
        r.id = recording.fields.pcmSha256;
        r.owner = recording.fields.holder;
        r.ownerName = recording.fields.holderName;
        found.push_back(std::move(r));
    }
    return found;
}

} // namespace accord::workflows
