#include "accord/workflows/import.h"

#include "accord/audio/audio_file.h"
#include "accord/audio/cancelled.h"
#include "accord/audio/media.h"
#include "accord/audio/midi_file.h"
#include "accord/core/errors.h"
#include "accord/core/files.h"
#include "accord/workflows/generated_origin.h"

namespace accord::workflows {

namespace {

constexpr double kDecodingShareOfProgress = 0.95;

// A file not registered as a recording may be generated audio: by its sound or its watermark.
std::optional<GeneratedOrigin> generatedOriginOfFile(const Registry& registry,
                                                     const std::string& file,
                                                     const AudioIdentity& identity) {
    if (registry.assetByContent(identity.pcmSha256, identity.fileSha256))
        return std::nullopt;
    return findGeneratedOrigin(registry, identity.pcmSha256, file);
}

void requireHolder(const Registry& registry, const std::string& owner) {
    if (!registry.holder(owner))
        throw BadInput("unknown owner '" + owner + "' (no such rights holder)");
}

} // namespace

ImportedRecording importRecording(Registry& registry, const std::string& path,
                                  const std::string& owner, int projectRate,
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
        asset.origin = generated ? AssetOrigin::Generated : AssetOrigin::Imported;
        asset.path = imported.file;
        const AddedAsset added = registry.addAsset(asset);
        imported.asset = added.asset;
        imported.alreadyKnown = added.alreadyKnown;
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

AddedAsset registerRecording(Registry& registry, const std::string& file, const std::string& owner,
                             AssetOrigin origin, const std::string& isrc) {
    if (origin == AssetOrigin::Generated)
        throw BadInput(
            "--origin: 'generated' is set by the studio for its own renders, not by hand");
    requireHolder(registry, owner);
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
    return registry.addAsset(asset);
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
        requireHolder(registry, *owner);
        asset = registry.addAsset({*owner, identity, "", AssetOrigin::Recorded, absolutePath(file)})
                    .asset;
    } else if (!asset) {
        throw BadInput(file + ": not registered yet; give --owner HOLDER to register it");
    }
    source.asset = asset->id;
    return source;
}

} // namespace accord::workflows
