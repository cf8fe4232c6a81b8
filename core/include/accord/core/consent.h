#pragma once

#include "accord/core/time.h"

#include <optional>
#include <string>
#include <vector>

namespace accord {

// What a grant allows. The names are those of docs/CONSENT.md and the CLI.
enum class Scope { TrainVoice, TrainStyle, Generate, Export, Share };

const std::vector<Scope>& allScopes();
std::string scopeName(Scope scope);
// Throws BadInput listing the valid scopes when `name` is none of them.
Scope parseScope(const std::string& name);

enum class AssetOrigin { Recorded, Imported, Generated };
std::string originName(AssetOrigin origin);
AssetOrigin parseOrigin(const std::string& name);

// A recording (audio) or a Standard MIDI File (docs/CONSENT.md "Assets").
enum class AssetKind { Audio, Midi };
std::string assetKindName(AssetKind kind);

struct Holder {
    std::string id;
    std::string name;
    std::string ipi;       // empty when unknown
    std::string publicKey; // Ed25519, hex
    std::string createdAt;
};

// A public key the user chose to trust (docs/CLI.md "trust"): `verify` counts what it signs as
// proof, besides what the studio's key and the holders' keys on record sign. Removing it keeps
// the row, with the instant it stopped counting.
struct TrustedKey {
    std::string id;        // k-N
    std::string publicKey; // Ed25519, hex
    std::string name;      // what the user calls the key's owner
    std::string addedAt;
    std::optional<std::string> removedAt; // set once it is trusted no more
};

// What the audio layer measured of a file: its identity by content (audio/audio_file.h,
// audio/midi_file.h).
struct AudioIdentity {
    std::string fileSha256;
    std::string pcmSha256; // for a MIDI file, its canonical note list (sample rate, channels 0)
    double durationSeconds = 0;
    int sampleRate = 0;
    int channels = 0;
};

// LiveInput: a render's input that was played live and never recorded, known only by where it
// came in (the Accord Voice plugin's input, docs/PLUGIN.md "What it makes is marked"); its id
// names that source (kAccordVoiceInput). It has no owner on record: it asks no one's consent.
enum class InputKind { Asset, Model, Render, LiveInput };
std::string inputKindName(InputKind kind);
InputKind parseInputKind(const std::string& name);
inline constexpr const char* kAccordVoiceInput = "accord-voice-plugin";
// A live input in plain words: "live input through the Accord Voice plugin".
std::string liveInputText(const std::string& source);

// A registered recording (an asset or a render) that the identification scan found sounding
// inside a newly registered recording (docs/IDENTIFY.md "Imports are scanned"). It is part of the
// asset's lineage: exporting the asset asks its owner too.
struct ContainedRecording {
    InputKind kind = InputKind::Asset; // Asset or Render
    std::string id;
    double fileOffset = 0;      // seconds into the asset where it starts to sound
    double recordingOffset = 0; // seconds into the contained recording at that point
    double seconds = 0;         // how long it sounds in the asset
    double speed = 1;           // recording seconds per asset second
    double pitchSemitones = 0;
    double confidence = 0; // 0..1
};

// The scan made when an audio asset was registered: which fingerprint and how many indexed
// recordings it was checked against, and what it found.
struct AssetScan {
    int fingerprintVersion = 0;
    int recordingsIndexed = 0;
    std::string scannedAt;
    std::vector<ContainedRecording> found;
};

struct Asset {
    std::string id;
    std::string owner; // holder id
    std::string fileSha256;
    std::string pcmSha256; // for a MIDI file, its canonical note list
    AssetKind kind = AssetKind::Audio;
    std::string isrc; // empty when unknown
    double durationSeconds = 0;
    int sampleRate = 0;
    int channels = 0;
    AssetOrigin origin = AssetOrigin::Recorded;
    std::string path; // where it was registered from (informative only; content is the identity)
    std::string createdAt;
    // Audio registered since scans exist; none for MIDI and for assets registered before.
    std::optional<AssetScan> scan;
    // For a recording known here only by its content, named by another studio's model pack
    // (docs/CONSENT.md "Model packs"): that studio's public key. Its audio is not here. Empty for
    // a recording registered here.
    std::string foreignStudio;
};

struct GrantTerms {
    double sharePercent = 0;
    std::string attribution;
    std::string licence;
    bool commercial = false;
    std::optional<UnixTime> expiresAt; // the grant is active strictly before this instant
};

// Where a grant imported from another studio's signed statement was given (docs/CONSENT.md
// "Model packs").
struct GrantOrigin {
    std::string studio;          // that studio's public key
    std::string grant;           // the grant's id there
    std::string statementSha256; // of the signed statement it was imported from
};

struct Grant {
    std::string id;
    std::string holder; // who grants
    Scope scope = Scope::Export;
    std::optional<std::string> asset;   // nullopt: every asset of `holder`
    std::optional<std::string> grantee; // nullopt: anyone in this studio
    GrantTerms terms;
    UnixTime createdAt = 0;
    std::optional<UnixTime> revokedAt;
    std::string revokeReason;
    std::optional<GrantOrigin> origin; // set for a grant given in another studio
};

// A grant or its revocation as the granting holder signed it (docs/CONSENT.md "Signed grants"):
// canonical JSON naming holders by public key and assets by content, so it means the same in any
// studio.
struct GrantStatement {
    std::string grant; // the grant's id here
    bool revocation = false;
    std::string statement; // the signed text
    std::string signature; // Ed25519 by the granting holder, hex
};

enum class ModelKind { Voice, Style };
std::string modelKindName(ModelKind kind);
ModelKind parseModelKind(const std::string& name);

struct TrainingSource {
    std::string asset;
    std::string grant; // the grant that allowed training on `asset` at training time
};

struct Model {
    std::string id;
    ModelKind kind = ModelKind::Voice;
    std::string owner;
    std::string file;
    std::string weightsSha256;
    std::string configJson = "{}";
    std::string metricsJson = "{}";
    bool sourceRevoked = false;
    std::vector<TrainingSource> training;
    std::string createdAt;
};

struct RenderInput {
    InputKind kind = InputKind::Asset;
    std::string id;
};

struct Render {
    std::string id;
    std::string kind; // conversion, variation, mix, stem
    std::string path;
    std::string pcmSha256;
    std::vector<RenderInput> inputs;
    std::string watermark; // payload of the watermark its audio carries, or empty
    std::string createdAt;
};

// A model pack imported here (docs/CONSENT.md "Model packs"): the model it brought and the pack's
// manifest as its signers signed it.
struct PackRecord {
    std::string id; // p-N
    std::string fileSha256;
    std::string model;
    std::string studioKey;                // the studio that shared it
    std::optional<std::string> recipient; // public key; nullopt: anyone
    std::string manifestJson;
    std::string importedAt;
};

struct ExportRecord {
    std::string id;
    std::string render;
    std::string path;
    std::string manifestJson;
    std::string decisionJson;
    std::string createdAt;
};

} // namespace accord
