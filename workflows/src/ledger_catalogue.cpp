#include "accord/workflows/ledger_catalogue.h"

#include "identify_windows.h"

#include "accord/audio/audio_file.h"
#include "accord/core/crypto.h"
#include "accord/core/errors.h"
#include "accord/dsp/fingerprint.h"
#include "accord/ledger/catalogue.h"

#include <algorithm>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <tuple>

namespace accord::workflows {

namespace {

// A recording's landmarks with `claim` (whose holder, name, studio, PCM hash and lineage are
// set) completed and signed by `sign`; nullopt, with a note, when the file at `path` no longer
// holds the registered sound: its signer would be signing landmarks of other audio.
std::optional<ledger::SignedFingerprints> signedFingerprints(
    const std::string& what, const std::string& path, ledger::FingerprintClaimFields claim,
    const std::function<Bytes(const std::string&)>& sign, std::vector<std::string>& skipped) {
    try {
        if (audio::identifyAudioFile(path).pcmSha256 != claim.pcmSha256) {
            skipped.push_back(what + " not published: " + path +
                              " no longer holds the sound registered");
            return std::nullopt;
        }
        ledger::SignedFingerprints signedOnes;
        signedOnes.landmarks = fingerprintFile(path, &claim.seconds);
        claim.fingerprintVersion = dsp::fingerprint::kVersion;
        claim.landmarks = std::int64_t(signedOnes.landmarks.size());
        claim.landmarksSha256 = sha256Hex(ledger::packLandmarks(signedOnes.landmarks));
        const std::string text = ledger::fingerprintClaimText(claim);
        signedOnes.claim = {text, toHex(sign(text))};
        return signedOnes;
    } catch (const BadInput& e) {
        skipped.push_back(what + " not published: " + e.what());
        return std::nullopt;
    }
}

// What a render was made of, through the renders it was made from: its models and recordings by
// content. A model's training recordings are not listed: its model record names them
// (docs/LEDGER.md "Models, packs and manifests").
RenderLineage renderLineage(const Registry& registry, const Render& render) {
    RenderLineage lineage{render.kind, {}, {}};
    std::set<std::string> seen;
    std::function<void(const Render&)> visit = [&](const Render& r) {
        for (const RenderInput& input : r.inputs) {
            if (!seen.insert(inputKindName(input.kind) + input.id).second)
                continue;
            if (input.kind == InputKind::Render) {
                if (const auto made = registry.render(input.id))
                    visit(*made);
            } else if (input.kind == InputKind::Model) {
                const Model model = *registry.model(input.id);
                const Holder owner = *registry.holder(model.owner);
                lineage.models.push_back(
                    {modelKindName(model.kind), model.weightsSha256, owner.publicKey, owner.name});
            } else if (input.kind == InputKind::Asset) {
                const Asset asset = *registry.asset(input.id);
                const Holder owner = *registry.holder(asset.owner);
                lineage.sources.push_back({asset.pcmSha256, owner.publicKey, owner.name});
            }
        }
    };
    visit(render);
    return lineage;
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
    // What `signer` has not claimed on the server yet, of `hashes`.
    auto unclaimed = [&](const std::string& signer, const std::vector<std::string>& hashes) {
        std::set<std::string> missing(hashes.begin(), hashes.end());
        const std::size_t distinct = missing.size();
        for (const std::string& hash :
             catalogue.claimed(signer, hashes, dsp::fingerprint::kVersion))
            missing.erase(hash);
        pushed.alreadyThere += distinct - missing.size();
        return missing;
    };
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
        const std::set<std::string> missing = unclaimed(owner.publicKey, hashes);
        for (const Asset& asset : assets) {
            if (!missing.count(asset.pcmSha256))
                continue;
            ledger::FingerprintClaimFields claim;
            claim.holder = owner.publicKey;
            claim.holderName = owner.name;
            claim.studio = registry.studioPublicKey();
            claim.pcmSha256 = asset.pcmSha256;
            if (auto fingerprints = signedFingerprints(
                    "asset " + asset.id, asset.path, claim,
                    [&](const std::string& text) { return registry.signAs(owner.id, text); },
                    pushed.skipped))
                pending.push_back(std::move(*fingerprints));
            if (pending.size() >= batch)
                send();
        }
    }
    // Renders: their owner is derived, so no holder signs them in person; the studio that made
    // them signs what it generated and from what (docs/LEDGER.md "Renders in the catalogue").
    std::vector<Render> renders;
    std::vector<std::string> renderHashes;
    for (const Render& render : registry.renders())
        if (hasSound(render)) {
            renders.push_back(render);
            renderHashes.push_back(render.pcmSha256);
        }
    std::set<std::string> missing = unclaimed(registry.studioPublicKey(), renderHashes);
    for (const Render& render : renders) {
        // Two renders of one sound (an export of a single render) make one claim.
        if (!missing.erase(render.pcmSha256))
            continue;
        ledger::FingerprintClaimFields claim;
        claim.holder = registry.studioPublicKey();
        claim.holderName = "studio";
        claim.studio = registry.studioPublicKey();
        claim.pcmSha256 = render.pcmSha256;
        claim.render = renderLineage(registry, render);
        if (auto fingerprints = signedFingerprints(
                "render " + render.id, render.path, claim,
                [&](const std::string& text) { return registry.signAsStudio(text); },
                pushed.skipped)) {
            pending.push_back(std::move(*fingerprints));
            ++pushed.rendersSent;
        }
        if (pending.size() >= batch)
            send();
    }
    if (!pending.empty())
        send();
    return pushed;
}

namespace {

// identifyFileOnLedger's search: the server's rows, then the recordings found verified and
// matched again on their verified landmarks alone, and the near matches looked at again in their
// verified claims' landmarks (the second look, from the catalogue's own rows).
WindowSearch ledgerSearch(ledger::Ledger& ledger) {
    struct Row {
        std::size_t hashIndex;
        std::int64_t recording;
        IndexedLandmark landmark;
    };
    struct Found {
        explicit Found(ledger::Ledger& l) : catalogue(l) {}
        ledger::Catalogue catalogue;
        std::map<std::int64_t, ledger::CatalogueRecording> verified;
        std::map<std::int64_t, std::vector<LandmarkKey>> verifiedLandmarks; // sorted
        // The recording with that number, its claim and landmarks verified once per search.
        const ledger::CatalogueRecording& verifiedRecording(std::int64_t number) {
            auto known = verified.find(number);
            if (known == verified.end())
                known = verified.emplace(number, catalogue.recording(number)).first;
            return known->second;
        }
        // Whether `row` is one of its recording's verified landmarks.
        bool isVerified(const Row& row) {
            auto keys = verifiedLandmarks.find(row.recording);
            if (keys == verifiedLandmarks.end()) {
                keys = verifiedLandmarks.emplace(row.recording, std::vector<LandmarkKey>()).first;
                for (const IndexedLandmark& l : verifiedRecording(row.recording).landmarks)
                    keys->second.push_back(keyOf(l));
                std::sort(keys->second.begin(), keys->second.end());
            }
            return std::binary_search(keys->second.begin(), keys->second.end(),
                                      keyOf(row.landmark));
        }
    };
    // Shared by the matcher and the report, which outlive this call.
    const auto found = std::make_shared<Found>(ledger);
    WindowSearch search;
    search.matchWindow = [found](const std::vector<dsp::Landmark>& query) {
        // First on the server's rows as they come...
        std::vector<Row> rows;
        std::vector<dsp::LandmarkMatch> candidates;
        const auto fromServer = dsp::matchLandmarks(
            query,
            [&](const std::vector<std::uint32_t>& hashes,
                const std::function<void(std::size_t, const dsp::LandmarkHit&)>& hit) {
                found->catalogue.lookup(
                    hashes, dsp::fingerprint::kMaxRowsPerHash, dsp::fingerprint::kVersion,
                    [&](std::size_t i, std::int64_t recording, const IndexedLandmark& l) {
                        rows.push_back({i, recording, l});
                        hit(i, {recording, l.frame, l.span, l.pitchCents});
                    });
            },
            &candidates);
        // ...then, the recordings found verified (their owners' signatures over their
        // landmarks) and their rows checked against those landmarks: a row the server made up or
        // moved counts for nothing (docs/LEDGER.md "Catalogue"). A recording's match depends on
        // its own rows alone, so where every row of it is its own the server's match stands;
        // only a recording with a row that is not is matched again, on its verified rows.
        std::vector<dsp::LandmarkMatch> matches;
        std::set<std::int64_t> matched, toMatchAgain;
        for (const dsp::LandmarkMatch& m : fromServer)
            matched.insert(m.recording);
        for (const Row& row : rows)
            if (matched.count(row.recording) && !found->isVerified(row))
                toMatchAgain.insert(row.recording);
        for (const dsp::LandmarkMatch& m : fromServer)
            if (!toMatchAgain.count(m.recording))
                matches.push_back(m);
        if (!toMatchAgain.empty()) {
            // The same query asks for the same hashes, so the first pass's rows answer it.
            const auto again = dsp::matchLandmarks(
                query, [&](const std::vector<std::uint32_t>&,
                           const std::function<void(std::size_t, const dsp::LandmarkHit&)>& hit) {
                    for (const Row& row : rows)
                        if (toMatchAgain.count(row.recording) && found->isVerified(row))
                            hit(row.hashIndex, {row.recording, row.landmark.frame,
                                                row.landmark.span, row.landmark.pitchCents});
                });
            matches.insert(matches.end(), again.begin(), again.end());
        }
        // The second look: the server dropped the rows of every hash past the stop-list's cap,
        // which are often the few a mix keeps; the claim holds all of the recording's landmarks,
        // signed, so a near match is matched again on the part of them it lines the query up
        // with, as local identify does from the recording's audio (docs/LEDGER.md "Identify on
        // the server"). One claim read per near match, whatever the catalogue's size.
        for (const dsp::LandmarkMatch& near : nearMatchesToLookAt(candidates, matches)) {
            const RecordingPart part = secondLookPart(query, near);
            const double first = part.start / dsp::fingerprint::kFrameSeconds,
                         last = part.end / dsp::fingerprint::kFrameSeconds;
            // (A claim's landmarks are packed in frame order, but that is its signer's word, so
            // the part is picked by a scan, not a search.)
            std::vector<IndexedLandmark> own;
            for (const IndexedLandmark& l : found->verifiedRecording(near.recording).landmarks)
                if (l.frame >= first && l.frame <= last)
                    own.push_back(l);
            if (const auto again = matchInOwnLandmarks(query, near.recording, std::move(own)))
                matches.push_back(*again);
        }
        return matches;
    };
    search.report = [found](const std::vector<dsp::LandmarkMatch>& matches) {
        std::vector<IdentifiedRecording> reported;
        for (const dsp::LandmarkMatch& match : matches) {
            const ledger::CatalogueRecording& recording = found->verified.at(match.recording);
            IdentifiedRecording r = identifiedAs(match, recording.fields.seconds);
            r.kind = recording.fields.render ? IndexedKind::Render : IndexedKind::Asset;
            r.lineage = recording.fields.render;
            r.id = recording.fields.pcmSha256;
            r.owner = recording.fields.holder;
            r.ownerName = recording.fields.holderName;
            reported.push_back(std::move(r));
        }
        return reported;
    };
    return search;
}

} // namespace

std::vector<IdentifiedRecording> identifyFileOnLedger(ledger::Ledger& ledger,
                                                      const std::string& path,
                                                      const std::atomic<bool>* cancel,
                                                      double* fileSeconds) {
    return searchFileInWindows(path, {ledgerSearch(ledger)}, cancel, fileSeconds).front();
}

IdentifiedHereAndOnLedger
identifyFileHereAndOnLedger(const Registry& registry, const FingerprintIndex& index,
                            ledger::Ledger& ledger, const std::string& path,
                            const std::atomic<bool>* cancel, double* fileSeconds) {
    IdentifiedHereAndOnLedger identified;
    // The ledger failing (the connection lost, a claim changed on the server) stops its search,
    // not the local one, which goes on over the same decoding.
    const WindowSearch onLedger = ledgerSearch(ledger);
    WindowSearch untilItFails{[&](const std::vector<dsp::Landmark>& query) {
                                  if (!identified.ledgerProblem.empty())
                                      return std::vector<dsp::LandmarkMatch>{};
                                  try {
                                      return onLedger.matchWindow(query);
                                  } catch (const Error& e) {
                                      identified.ledgerProblem = e.what();
                                      return std::vector<dsp::LandmarkMatch>{};
                                  }
                              },
                              onLedger.report};
    auto reports = searchFileInWindows(path, {localSearch(registry, index), untilItFails}, cancel,
                                       fileSeconds);
    identified.here = std::move(reports[0]);
    if (identified.ledgerProblem.empty())
        identified.onLedger = std::move(reports[1]);
    return identified;
}

} // namespace accord::workflows
