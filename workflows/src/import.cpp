#include "accord/workflows/import.h"

#include "accord/audio/audio_file.h"
#include "accord/audio/media.h"
#include "accord/audio/midi_file.h"
#include "accord/core/cancelled.h"
#include "accord/core/errors.h"
#include "accord/core/files.h"
#include "accord/dsp/fingerprint.h"
#include "accord/workflows/generated_origin.h"
#include "accord/workflows/identify.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>

namespace accord::workflows {

namespace {

// Of an import's progress: decoding, then the scan (indexing what is new, then the query).
constexpr double kDecodingShareOfProgress = 0.6;
constexpr double kScanShareOfProgress = 0.38;

// A file not registered as a recording may be generated audio: by its sound or its watermark.
std::optional<GeneratedOrigin> generatedOriginOfFile(const Registry& registry,
                                                     const std::string& file,
                                                     const AudioIdentity& identity) {
    if (registry.assetByContent(identity.pcmSha256, identity.fileSha256))
        return std::nullopt;
    return findGeneratedOrigin(registry, identity.pcmSha256, file);
}

std::string holderLabel(const Registry& registry, const std::string& id) {
    const auto holder = registry.holder(id);
    return holder ? holder->name + " (" + id + ")" : id;
}

std::string minutesAndSeconds(double seconds) {
    char text[32];
    std::snprintf(text, sizeof text, "%d:%04.1f", int(seconds / 60),
                  std::fmod(std::max(0.0, seconds), 60.0));
    return text;
}

// The flagged part of what `asset`'s scan found: recordings with another holder's export grant
// missing for the asset's owner.
std::vector<RecordingFoundInside> flaggedInside(const Registry& registry, const Asset& asset) {
    std::vector<RecordingFoundInside> flagged;
    for (RecordingFoundInside& found : recordingsFoundInside(registry, asset))
        if (!found.missingForOwner.empty())
            flagged.push_back(std::move(found));
    return flagged;
}

} // namespace

std::string RecordingFoundInside::describe(const Registry& registry) const {
    std::string text = "contains " + inputKindName(recording.kind) + " " + recording.id;
    if (recording.kind == InputKind::Asset)
        if (const auto asset = registry.asset(recording.id))
            text += " '" + fileNameOf(asset->path) + "' of " + holderLabel(registry, asset->owner);
    char where[96];
    std::snprintf(where, sizeof where, " from %s for %.1f s (confidence %.2f)",
                  minutesAndSeconds(recording.fileOffset).c_str(), recording.seconds,
                  recording.confidence);
    text += where;
    if (missingForOwner.empty())
        return text;
    std::set<std::string> owners;
    for (const MissingGrant& missing : missingForOwner)
        owners.insert(holderLabel(registry, missing.owner));
    std::string names;
    for (const std::string& owner : owners)
        names += (names.empty() ? "" : ", ") + owner;
    return text + "; no export grant from " + names +
           " applies to its owner: exporting it will ask for one";
}

std::vector<RecordingFoundInside> recordingsFoundInside(const Registry& registry,
                                                        const Asset& asset) {
    std::vector<RecordingFoundInside> all;
    if (!asset.scan)
        return all;
    for (const ContainedRecording& recording : asset.scan->found) {
        PolicyRequest request;
        request.scope = Scope::Export;
        request.subject = {recording.kind, recording.id};
        request.actor = asset.owner;
        request.at = currentTime();
        RecordingFoundInside found{recording, {}};
        for (MissingGrant& missing : registry.decide(request).missing)
            if (missing.owner != asset.owner)
                found.missingForOwner.push_back(std::move(missing));
        all.push_back(std::move(found));
    }
    std::stable_sort(all.begin(), all.end(), [](const auto& a, const auto& b) {
        return a.recording.confidence > b.recording.confidence;
    });
    return all;
}

AssetScan scanForRecordings(const Registry& registry, const std::string& path,
                            const std::atomic<bool>* cancel,
                            const std::function<void(double)>& progress) {
    const auto index = openFingerprintIndex(registry);
    // The catch-up takes most of it when recordings arrived since the last scan; the query is
    // the last step.
    updateFingerprintIndex(
        registry, *index,
        [&](int done, int total) {
            if (progress)
                progress(0.9 * done / total);
        },
        cancel);
    AssetScan scan;
    scan.fingerprintVersion = dsp::fingerprint::kVersion;
    scan.recordingsIndexed = int(index->recordings().size());
    for (const IdentifiedRecording& r : identifyFile(registry, *index, path, cancel))
        scan.found.push_back({r.kind == IndexedKind::Asset ? InputKind::Asset : InputKind::Render,
                              r.id, r.fileOffset, r.recordingOffset, r.seconds, r.speed,
                              r.pitchSemitones, r.confidence});
    return scan;
}

namespace {

// An import or a recorded take: `origin` is what the file is when it is nobody's render and
// carries no unknown watermark.
ImportedRecording bringIn(Registry& registry, const std::string& path, const std::string& owner,
                          AssetOrigin origin, int projectRate,
                          const std::function<void(double)>& progress,
                          const std::atomic<bool>* cancel) {
    const audio::IdentifiedMedia decoded = audio::decodeForImport(
        path, projectRate,
        [&progress](double done) {
            if (progress)
                progress(kDecodingShareOfProgress * done);
        },
        cancel);
    const audio::DecodedMedia& media = *decoded.media;

    ImportedRecording imported;
    imported.file = media.file;
    const auto generated = findGeneratedOrigin(registry, decoded.identity.pcmSha256, media);
    if (generated)
        imported.notes.push_back(generated->describe(imported.file));
    if (generated && !generated->render.empty()) {
        imported.render = registry.render(generated->render);
        imported.alreadyKnown = true;
    } else {
        NewAsset asset;
        asset.owner = owner;
        asset.identity = decoded.identity;
        asset.origin = generated ? AssetOrigin::Generated : origin;
        asset.path = imported.file;
        if (!registry.assetByContent(decoded.identity.pcmSha256, decoded.identity.fileSha256))
            asset.scan = scanForRecordings(registry, imported.file, cancel, [&](double done) {
                if (progress)
                    progress(kDecodingShareOfProgress + kScanShareOfProgress * done);
            });
        const AddedAsset added = registry.addAsset(asset);
        indexNewRecordings(registry);
        imported.asset = added.asset;
        imported.alreadyKnown = added.alreadyKnown;
        imported.flagged = flaggedInside(registry, added.asset);
    }
    imported.lengthAtProjectRate = media.frames;
    if (media.sourceChannels > 2)
        imported.notes.push_back(std::to_string(media.sourceChannels) +
                                 " channels: the first two play as left and right; the asset's "
                                 "identity covers all of them");
    if (media.sourceRate != projectRate)
        imported.notes.push_back("resampled from " + std::to_string(media.sourceRate) + " Hz to " +
                                 std::to_string(projectRate) + " Hz");
    if (progress)
        progress(1.0);
    return imported;
}

} // namespace

ImportedRecording importRecording(Registry& registry, const std::string& path,
                                  const std::string& owner, int projectRate,
                                  const std::function<void(double)>& progress,
                                  const std::atomic<bool>* cancel) {
    return bringIn(registry, path, owner, AssetOrigin::Imported, projectRate, progress, cancel);
}

ImportedRecording registerRecordedTake(Registry& registry, const std::string& path,
                                       const std::string& performer, int projectRate,
                                       const std::atomic<bool>* cancel) {
    registry.requireHolder(performer, "owner");
    return bringIn(registry, path, performer, AssetOrigin::Recorded, projectRate, {}, cancel);
}

AddedAsset registerRecording(Registry& registry, const std::string& file, const std::string& owner,
                             AssetOrigin origin, const std::string& isrc) {
    if (origin == AssetOrigin::Generated)
        throw BadInput(
            "--origin: 'generated' is set by the studio for its own renders, not by hand");
    registry.requireHolder(owner, "owner");
    NewAsset asset;
    asset.owner = owner;
    if (audio::looksLikeMidi(file)) {
        // A Standard MIDI File: known by its note list; a variation's MIDI (a render of this
        // studio) is generated, never somebody's composition (docs/CONSENT.md "Assets").
        const audio::MidiFileContent midi = audio::readMidiFile(file);
        asset.identity = {midi.fileSha256, midi.notesSha256, midi.durationSeconds, 0, 0};
        asset.kind = AssetKind::Midi;
        if (!registry.assetByContent(midi.notesSha256, midi.fileSha256))
            if (const auto render = registry.renderByContent(midi.notesSha256))
                throw BadInput(file + ": the notes of render " + render->id +
                               " (generated); generated music cannot be registered as "
                               "somebody's composition");
    } else {
        asset.identity = audio::identifyAudioFile(file);
    }
    if (asset.kind == AssetKind::Audio)
        if (const auto generated = generatedOriginOfFile(registry, file, asset.identity))
            throw BadInput(
                generated->describe(file) +
                "; generated audio cannot be registered as a recording" +
                (generated->render.empty()
                     ? std::string()
                     : " (use it as render " + generated->render +
                           ", e.g. accord-cli project add-clip, which keeps its lineage)"));
    asset.isrc = isrc;
    asset.origin = origin;
    asset.path = absolutePath(file); // training reads it later, from whatever folder
    if (asset.kind == AssetKind::Audio &&
        !registry.assetByContent(asset.identity.pcmSha256, asset.identity.fileSha256))
        asset.scan = scanForRecordings(registry, file);
    const AddedAsset added = registry.addAsset(asset);
    if (asset.kind == AssetKind::Audio)
        indexNewRecordings(registry);
    return added;
}

ClipSource resolveClipSource(Registry& registry, const std::string& file,
                             const AudioIdentity& identity,
                             const std::optional<std::string>& owner) {
    ClipSource source;
    std::optional<Asset> asset = registry.assetByContent(identity.pcmSha256, identity.fileSha256);
    if (const auto generated = generatedOriginOfFile(registry, file, identity)) {
        source.note = generated->describe(file);
        if (generated->render.empty())
            throw BadInput(source.note + "; it cannot be registered as a recording");
        source.render = generated->render;
        return source;
    }
    if (owner) {
        registry.requireHolder(*owner, "owner");
        NewAsset added{*owner, identity, "", AssetOrigin::Recorded, absolutePath(file)};
        if (!asset)
            added.scan = scanForRecordings(registry, file);
        asset = registry.addAsset(added).asset;
        indexNewRecordings(registry);
        source.flagged = flaggedInside(registry, *asset);
    } else if (!asset) {
        throw BadInput(file + ": not registered yet; give --owner HOLDER to register it");
    }
    source.asset = asset->id;
    return source;
}

} // namespace accord::workflows
