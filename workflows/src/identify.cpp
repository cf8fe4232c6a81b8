// Identification (accord/workflows/identify.h; docs/IDENTIFY.md).

#include "accord/workflows/identify.h"

#include "identify_windows.h"

#include "accord/audio/audio_file.h"
#include "accord/core/errors.h"
#include "accord/dsp/fingerprint.h"

#include <algorithm>
#include <cmath>
#include <optional>

namespace accord::workflows {
namespace {

struct Recording {
    IndexedKind kind;
    std::string id;
    std::string path;
    std::string pcmSha256;
};

std::vector<Recording> registeredRecordings(const Registry& registry) {
    std::vector<Recording> all;
    for (const Asset& asset : registry.assets())
        if (asset.kind == AssetKind::Audio)
            all.push_back({IndexedKind::Asset, asset.id, asset.path, asset.pcmSha256});
    for (const Render& render : registry.renders())
        if (hasSound(render))
            all.push_back({IndexedKind::Render, render.id, render.path, render.pcmSha256});
    return all;
}

// A render belongs to the holder of its first recording or model (through renders it was made
// from).
std::string renderOwner(const Registry& registry, const std::string& renderId, int depth = 0) {
    const auto render = registry.render(renderId);
    if (!render || depth > 64)
        return "";
    for (const RenderInput& input : render->inputs) {
        if (input.kind == InputKind::Asset)
            if (const auto asset = registry.asset(input.id))
                return asset->owner;
        if (input.kind == InputKind::Model)
            if (const auto model = registry.model(input.id))
                return model->owner;
        if (input.kind == InputKind::Render) {
            const std::string owner = renderOwner(registry, input.id, depth + 1);
            if (!owner.empty())
                return owner;
        }
    }
    return "";
}

constexpr double kIdentifyWindowSeconds = 120;
// Longer than any excerpt must be to be found, so one that straddles two windows lies whole
// inside one of them.
constexpr double kIdentifyOverlapSeconds = 20;
// Two matches of one recording at the same alignment (file time minus recording time, within
// this) that overlap or touch are one use of it.
constexpr double kSameAlignmentSeconds = 0.5;

// Adds `found` to `matches`, merged with a match of the same use of the same recording (seen
// again in the next window's overlap).
void mergeMatch(std::vector<dsp::LandmarkMatch>& matches, const dsp::LandmarkMatch& found) {
    auto alignment = [](const dsp::LandmarkMatch& m) {
        return m.queryStart - m.recordingStart / m.speed;
    };
    for (dsp::LandmarkMatch& m : matches) {
        const double end = m.queryStart + m.seconds, foundEnd = found.queryStart + found.seconds;
        if (m.recording != found.recording ||
            std::abs(alignment(m) - alignment(found)) > kSameAlignmentSeconds ||
            found.queryStart > end + kSameAlignmentSeconds ||
            m.queryStart > foundEnd + kSameAlignmentSeconds)
            continue;
        const dsp::LandmarkMatch stronger = found.confidence > m.confidence ? found : m;
        const double start = std::min(m.queryStart, found.queryStart);
        m = stronger;
        m.recordingStart += (start - stronger.queryStart) * stronger.speed;
        m.queryStart = start;
        m.seconds = std::max(end, foundEnd) - start;
        return;
    }
    matches.push_back(found);
}

// The second look's gate (docs/IDENTIFY.md "Queries").
constexpr int kNearMatchLandmarks = 4; // agreeing query landmarks ...
constexpr int kNearMatchOnsets = 3;    // ... in distinct onsets (a chance line piles on few)
constexpr std::size_t kSecondLooksPerWindow = 3; // the strongest near matches
constexpr double kSecondLookMarginSeconds = 2;   // of the recording around the near match's line

// The file of a registered recording, "" when the registry no longer has it.
std::string recordingPath(const Registry& registry, const IndexedRecording& recording) {
    if (recording.kind == IndexedKind::Asset) {
        const auto asset = registry.asset(recording.registryId);
        return asset ? asset->path : "";
    }
    const auto render = registry.render(recording.registryId);
    return render && hasSound(*render) ? render->path : "";
}

// `query` matched against the landmarks of `path` (recording `recording` of the index) on the part
// the near match `near` lines the query up with, fingerprinted from the file (the index keeps one
// stop row for a stopped hash, so its rows can only come from the audio); none when it does not
// match or cannot be read.
std::optional<dsp::LandmarkMatch> matchInRecordingAudio(const std::string& path,
                                                        std::int64_t recording,
                                                        const std::vector<dsp::Landmark>& query,
                                                        const dsp::LandmarkMatch& near) {
    const RecordingPart part = secondLookPart(query, near);
    std::vector<IndexedLandmark> own;
    std::uint32_t frameOffset = 0;
    try {
        std::optional<dsp::Fingerprinter> fingerprinter;
        audio::readAudioFilePartInBlocks(
            path, part.start, part.end,
            [&](int sampleRate, int channels, std::int64_t firstSample) {
                frameOffset = std::uint32_t(std::lround(double(firstSample) / sampleRate /
                                                        dsp::fingerprint::kFrameSeconds));
                fingerprinter.emplace(
                    sampleRate, channels, dsp::FingerprintSide::Index, [&](const dsp::Landmark& l) {
                        own.push_back({l.hash, l.frame + frameOffset, l.span, l.pitchCents});
                    });
            },
            [&](const float* const* planar, int frames) {
                fingerprinter->add(planar, std::size_t(frames));
            });
        fingerprinter->finish();
    } catch (const BadInput&) {
        return std::nullopt; // (gone or unreadable since it was indexed: the first look stands)
    }
    return matchInOwnLandmarks(query, recording, std::move(own));
}

// The landmarks of the file at `path`, decoded in blocks, handed to `sink`; returns its seconds.
double streamLandmarks(const std::string& path, dsp::FingerprintSide side,
                       const dsp::Fingerprinter::Sink& sink, const std::atomic<bool>* cancel) {
    std::optional<dsp::Fingerprinter> fingerprinter;
    audio::readAudioFileInBlocks(
        path,
        [&](int sampleRate, int channels) {
            fingerprinter.emplace(sampleRate, channels, side, sink);
        },
        [&](const float* const* planar, int frames) {
            fingerprinter->add(planar, std::size_t(frames));
        },
        cancel);
    fingerprinter->finish();
    return fingerprinter->seconds();
}

} // namespace

std::unique_ptr<FingerprintIndex> openFingerprintIndex(const Registry& registry) {
    return FingerprintIndex::open(FingerprintIndex::pathBeside(registry.path()),
                                  dsp::fingerprint::kVersion, dsp::fingerprint::kMaxRowsPerHash,
                                  dsp::fingerprint::kRegisterBits);
}

std::vector<IndexedLandmark> fingerprintFile(const std::string& path, double* seconds,
                                             const std::atomic<bool>* cancel) {
    std::vector<IndexedLandmark> landmarks;
    const double length = streamLandmarks(
        path, dsp::FingerprintSide::Index,
        [&](const dsp::Landmark& l) {
            landmarks.push_back({l.hash, l.frame, l.span, l.pitchCents});
        },
        cancel);
    if (seconds)
        *seconds = length;
    return landmarks;
}

namespace {

// updateFingerprintIndex but for the lookup file.
IndexUpdate indexMissingRecordings(const Registry& registry, FingerprintIndex& index,
                                   const std::function<void(int, int)>& progress,
                                   const std::atomic<bool>* cancel) {
    std::vector<Recording> missing;
    for (Recording& r : registeredRecordings(registry))
        if (!index.recording(r.kind, r.id))
            missing.push_back(std::move(r));
    IndexUpdate update;
    for (std::size_t i = 0; i < missing.size(); ++i) {
        const Recording& r = missing[i];
        try {
            // Streamed into the index: a long recording's landmarks are never all in memory.
            const IndexedRecording added =
                index.add(r.kind, r.id, r.pcmSha256, [&](const auto& sink) {
                    return streamLandmarks(
                        r.path, dsp::FingerprintSide::Index,
                        [&](const dsp::Landmark& l) {
                            sink({l.hash, l.frame, l.span, l.pitchCents});
                        },
                        cancel);
                });
            ++update.indexed;
            update.seconds += added.seconds;
        } catch (const BadInput& e) {
            update.skipped.push_back(indexedKindName(r.kind) + " " + r.id +
                                     " not indexed: " + e.what());
        }
        if (progress)
            progress(int(i) + 1, int(missing.size()));
    }
    return update;
}

} // namespace

IndexUpdate updateFingerprintIndex(const Registry& registry, FingerprintIndex& index,
                                   const std::function<void(int, int)>& progress,
                                   const std::atomic<bool>* cancel) {
    IndexUpdate update = indexMissingRecordings(registry, index, progress, cancel);
    // The indexing path, not the query, renews the lookup file its writes made too old: a
    // one-shot query never waits for one (docs/IDENTIFY.md "The lookup file").
    if (update.indexed > 0)
        index.renewLookupFileIfStale();
    return update;
}

IndexUpdate indexNewRecordings(const Registry& registry) {
    return updateFingerprintIndex(registry, *openFingerprintIndex(registry));
}

IndexUpdate reindexFingerprints(const Registry& registry, FingerprintIndex& index,
                                const std::function<void(int, int)>& progress,
                                const std::atomic<bool>* cancel) {
    index.clear();
    IndexUpdate update = indexMissingRecordings(registry, index, progress, cancel);
    // Every hash changed: the lookup file is made here, in the rebuild's time, rather than asked
    // of the worker by the next query (docs/IDENTIFY.md "The lookup file").
    index.remakeLookupFile();
    return update;
}

std::vector<std::vector<IdentifiedRecording>>
searchFileInWindows(const std::string& path, const std::vector<WindowSearch>& searches,
                    const std::atomic<bool>* cancel, double* fileSeconds) {
    // Long files are matched in overlapping windows, so memory stays bounded whatever their
    // length and a recording used twice is found twice (docs/IDENTIFY.md "Long files").
    const auto windowFrames =
        std::uint32_t(kIdentifyWindowSeconds / dsp::fingerprint::kFrameSeconds);
    const auto overlapFrames =
        std::uint32_t(kIdentifyOverlapSeconds / dsp::fingerprint::kFrameSeconds);
    std::vector<dsp::Landmark> window;
    std::uint32_t windowStart = 0;
    std::vector<std::vector<dsp::LandmarkMatch>> matches(searches.size());
    auto matchWindow = [&] {
        for (std::size_t s = 0; s < searches.size(); ++s)
            for (dsp::LandmarkMatch& m : searches[s].matchWindow(window))
                mergeMatch(matches[s], m);
    };
    const double seconds = streamLandmarks(
        path, dsp::FingerprintSide::Query,
        [&](const dsp::Landmark& l) {
            if (l.frame >= windowStart + windowFrames) {
                matchWindow();
                // After a silence longer than a window, the next window starts at this landmark.
                windowStart = std::max(windowStart + windowFrames - overlapFrames,
                                       l.frame + 1 - windowFrames);
                window.erase(std::remove_if(window.begin(), window.end(),
                                            [&](const dsp::Landmark& kept) {
                                                return kept.frame < windowStart;
                                            }),
                             window.end());
            }
            window.push_back(l);
        },
        cancel);
    matchWindow();
    if (fileSeconds)
        *fileSeconds = seconds;
    std::vector<std::vector<IdentifiedRecording>> reports;
    for (std::size_t s = 0; s < searches.size(); ++s) {
        std::sort(matches[s].begin(), matches[s].end(),
                  [](const auto& a, const auto& b) { return a.confidence > b.confidence; });
        reports.push_back(searches[s].report(matches[s]));
    }
    return reports;
}

bool hasSound(const Render& render) {
    return render.kind != "variation-midi" && !render.path.empty();
}

IdentifiedRecording identifiedAs(const dsp::LandmarkMatch& match, double recordingSeconds) {
    IdentifiedRecording r;
    r.fileOffset = match.queryStart;
    r.recordingOffset = match.recordingStart;
    r.seconds = match.seconds;
    r.speed = match.speed;
    r.pitchSemitones = match.pitchSemitones;
    r.confidence = match.confidence;
    r.recordingSeconds = recordingSeconds;
    return r;
}

std::vector<dsp::LandmarkMatch>
nearMatchesToLookAt(const std::vector<dsp::LandmarkMatch>& candidates,
                    const std::vector<dsp::LandmarkMatch>& matches) {
    std::vector<dsp::LandmarkMatch> near;
    for (const dsp::LandmarkMatch& c : candidates)
        if (c.landmarks >= kNearMatchLandmarks && c.onsets >= kNearMatchOnsets &&
            std::none_of(matches.begin(), matches.end(),
                         [&](const auto& m) { return m.recording == c.recording; }))
            near.push_back(c);
    std::sort(near.begin(), near.end(),
              [](const auto& a, const auto& b) { return a.landmarks > b.landmarks; });
    near.resize(std::min(near.size(), kSecondLooksPerWindow));
    return near;
}

RecordingPart secondLookPart(const std::vector<dsp::Landmark>& query,
                             const dsp::LandmarkMatch& near) {
    std::uint32_t firstFrame = UINT32_MAX, lastFrame = 0;
    for (const dsp::Landmark& l : query) {
        firstFrame = std::min(firstFrame, l.frame);
        lastFrame = std::max(lastFrame, l.frame + l.span);
    }
    auto onRecording = [&](std::uint32_t frame) {
        return near.recordingStart +
               (frame * dsp::fingerprint::kFrameSeconds - near.queryStart) * near.speed;
    };
    return {onRecording(firstFrame) - kSecondLookMarginSeconds,
            onRecording(lastFrame) + kSecondLookMarginSeconds};
}

std::optional<dsp::LandmarkMatch> matchInOwnLandmarks(const std::vector<dsp::Landmark>& query,
                                                      std::int64_t recording,
                                                      std::vector<IndexedLandmark> own) {
    auto byHash = [](const IndexedLandmark& a, const IndexedLandmark& b) {
        return a.hash < b.hash;
    };
    std::sort(own.begin(), own.end(), byHash);
    const auto matches =
        dsp::matchLandmarks(query, [&](const std::vector<std::uint32_t>& hashes, const auto& hit) {
            for (std::size_t i = 0; i < hashes.size(); ++i) {
                const auto rows =
                    std::equal_range(own.begin(), own.end(), IndexedLandmark{hashes[i]}, byHash);
                for (auto l = rows.first; l != rows.second; ++l)
                    hit(i, {recording, l->frame, l->span, l->pitchCents});
            }
        });
    if (matches.empty())
        return std::nullopt;
    return matches.front();
}

WindowSearch localSearch(const Registry& registry, const FingerprintIndex& index) {
    WindowSearch search;
    search.matchWindow = [&registry, &index](const std::vector<dsp::Landmark>& query) {
        std::vector<dsp::LandmarkMatch> candidates;
        std::vector<dsp::LandmarkMatch> matches = dsp::matchLandmarks(
            query,
            [&](const std::vector<std::uint32_t>& hashes,
                const std::function<void(std::size_t, const dsp::LandmarkHit&)>& hit) {
                index.lookup(hashes,
                             [&](std::size_t i, std::int64_t recording, const IndexedLandmark& l) {
                                 hit(i, {recording, l.frame, l.span, l.pitchCents});
                             });
            },
            &candidates);
        // The near matches looked at again in their own audio.
        for (const dsp::LandmarkMatch& c : nearMatchesToLookAt(candidates, matches)) {
            const auto recording = index.recording(c.recording);
            const std::string path = recording ? recordingPath(registry, *recording) : "";
            if (path.empty())
                continue;
            if (const auto again = matchInRecordingAudio(path, c.recording, query, c))
                matches.push_back(*again);
        }
        return matches;
    };
    search.report = [&registry, &index](const std::vector<dsp::LandmarkMatch>& matches) {
        std::vector<IdentifiedRecording> found;
        for (const dsp::LandmarkMatch& match : matches) {
            const auto recording = index.recording(match.recording);
            if (!recording)
                continue;
            IdentifiedRecording r = identifiedAs(match, recording->seconds);
            r.kind = recording->kind;
            r.id = recording->registryId;
            if (r.kind == IndexedKind::Asset) {
                if (const auto asset = registry.asset(r.id))
                    r.owner = asset->owner;
            } else {
                r.owner = renderOwner(registry, r.id);
            }
            if (const auto holder = registry.holder(r.owner))
                r.ownerName = holder->name;
            found.push_back(std::move(r));
        }
        return found;
    };
    return search;
}

std::vector<IdentifiedRecording>
identifyFile(const Registry& registry, const FingerprintIndex& index, const std::string& path,
             const std::atomic<bool>* cancel, double* fileSeconds) {
    return searchFileInWindows(path, {localSearch(registry, index)}, cancel, fileSeconds).front();
}

} // namespace accord::workflows
