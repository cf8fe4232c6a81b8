#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace accord {

// The `.accord` project (docs/PROJECT.md). Times are whole samples at the project rate, so edits
// and renders are sample-exact; the CLI and the window convert from and to seconds.
//
// A clip is bound to the content it plays: the PCM hash of its recording or render (the identity
// of audio/audio_file.h). The asset or render id is a hint, valid in the registry the project was
// made in (`Project::registry`); every consent decision resolves the clip by its content in the
// registry at hand (docs/CONSENT.md "Projects").
struct Clip {
    std::string id;
    std::string asset;         // the registered recording, or empty for a render
    std::string render;        // a studio render, or empty for an asset
    std::string pcmSha256;     // the content it plays; empty in projects of format 1
    std::string file;          // absolute path of the media
    std::int64_t position = 0; // where the clip starts on the timeline
    std::int64_t offset = 0;   // where in the media it starts
    std::int64_t length = 0;
    double gainDb = 0;
    std::int64_t fadeIn = 0;
    std::int64_t fadeOut = 0;
    bool offline = false;      // media missing at load time: kept, shown, not played
    std::string unknownFields; // JSON members a newer Accord wrote, kept on save ("" none)
};

// Effects (docs/PROJECT.md "Effects"): a track's EQ and its send to the project's one reverb bus.
enum class EqBandType { LowShelf, Peak, HighShelf };

struct EqBand {
    EqBandType type = EqBandType::Peak;
    double frequencyHz = 1000;
    double gainDb = 0;
    double q = 0.71;
    bool operator==(const EqBand& other) const {
        return type == other.type && frequencyHz == other.frequencyHz && gainDb == other.gainDb &&
               q == other.q;
    }
};

constexpr int kMaxEqBands = 4;

// A band type's name in project files and on the command line: "low_shelf", "peak",
// "high_shelf"; the type of a name, or none for another.
const char* eqBandTypeName(EqBandType type);
std::optional<EqBandType> eqBandTypeNamed(const std::string& name);

struct TrackEq {
    bool on = true;
    std::vector<EqBand> bands; // at most kMaxEqBands, run in order
    bool operator==(const TrackEq& other) const { return on == other.on && bands == other.bands; }
    // The studio's starting EQ: low shelf 100 Hz, bells at 400 Hz and 2.5 kHz, high shelf 8 kHz,
    // all flat.
    static TrackEq standard();
};

// The reverb bus every send feeds; its return goes to the master bus.
struct ReverbSettings {
    double roomSize = 0.5; // 0..1
    double damping = 0.5;  // 0..1
    double width = 1.0;    // 0 (mono) .. 1 (widest)
    double returnDb = 0;   // the return's level, at most +12 dB
    bool operator==(const ReverbSettings& other) const {
        return roomSize == other.roomSize && damping == other.damping && width == other.width &&
               returnDb == other.returnDb;
    }
};

// The true-peak limiter at the end of the master bus, after the fader: playback, renders and
// exports run it alike (docs/PROJECT.md "limiter").
struct MasterLimiter {
    bool on = false;
    double ceilingDbtp = -1.0; // -20..0 dBTP
    bool operator==(const MasterLimiter& other) const {
        return on == other.on && ceilingDbtp == other.ceilingDbtp;
    }
};

// A track armed for recording, saved with the project (docs/PROJECT.md `record_arm`): who
// performs (a holder id of the project's registry) and which device input it listens to.
struct TrackArm {
    std::string performer;
    int firstInput = 0; // 0-based device input channel of the mono or left side
    int channels = 1;   // 1 (mono) or 2 (firstInput and the next)
    bool monitor = false;
    bool operator==(const TrackArm& other) const {
        return performer == other.performer && firstInput == other.firstInput &&
               channels == other.channels && monitor == other.monitor;
    }
};

struct Track {
    std::string id;
    std::string name;
    double gainDb = 0;
    double pan = 0; // -1 left .. +1 right
    bool mute = false;
    bool solo = false;
    std::string model; // a voice model file the track runs through, or empty
    std::vector<Clip> clips;
    std::string unknownFields;
    // The model re-sings the track this many semitones up (negative: down): a performance sung
    // far from the model's voice is best moved by octaves (docs/PROJECT.md).
    double modelTranspose = 0;
    std::optional<TrackEq> eq = std::nullopt; // none: no EQ
    std::optional<double> reverbSendDb =
        std::nullopt; // post-fader, to the reverb bus; none: no send
    // Take lanes, newest first: every recorded pass, kept whole. Only `clips` sound; comping
    // (compTake) places parts of takes there (docs/STUDIO.md "Takes and comping").
    std::vector<Clip> takes = {};
    std::optional<TrackArm> recordArm = std::nullopt; // none: not armed
};

// Comping: makes `take` sound on `track` from `from` to `to` (clamped to the take): the parts of
// the track's clips in that range are cut away (a clip across an edge is split) and that part of
// the take is placed as a clip. At each edge cut inside the range, the clips crossfade linearly
// over `crossfade` frames inside the range (the outgoing clip runs on under the incoming one), so
// a comp does not click and nothing outside the range changes. Each clip made gets its id from
// `newClipId`. Returns false (and changes nothing) when the range holds none of the take.
bool compTake(Track& track, const Clip& take, std::int64_t from, std::int64_t to,
              std::int64_t crossfade, const std::function<std::string()>& newClipId);
// The studio's comp crossfade: 10 ms, short enough to keep a consonant's attack, long enough not
// to click.
constexpr std::int64_t compCrossfadeFrames(int sampleRate) {
    return sampleRate / 100;
}
// Whether `clip` plays `take`'s media at the take's own timing (a comped part of it).
bool clipComesFromTake(const Clip& clip, const Clip& take);

// The longest project Accord handles: positions, offsets and lengths stay within it, so a render
// or an export is bounded (docs/PROJECT.md "Limits").
constexpr std::int64_t kMaxProjectSeconds = 24 * 3600;

// The metre: `beats` notes of value 1/`unit` to the bar (3/4, 6/8, 7/8 ...). Tempo counts
// quarter notes per minute whatever the unit, as Live and Logic do (docs/PROJECT.md).
struct TimeSignature {
    int beats = 4; // 1..32
    int unit = 4;  // 1, 2, 4, 8, 16 or 32
    bool operator==(const TimeSignature& other) const {
        return beats == other.beats && unit == other.unit;
    }
    bool operator!=(const TimeSignature& other) const { return !(*this == other); }
};

struct Project {
    static constexpr int formatVersion = 3;
    int sampleRate = 48000;
    double tempo = 120; // quarter notes per minute
    TimeSignature timeSignature;
    // The studio key of the registry the project was made in (Registry::studioPublicKey), where
    // its clips' ids are valid; empty when unknown (format 1).
    std::string registry;
    std::vector<Track> tracks;
    double masterGainDb = 0; // the master fader, at most +12 dB
    ReverbSettings reverb;
    MasterLimiter limiter;
    std::string unknownFields;
    // Filled on load: one line per clip whose media file is missing ("... not found").
    std::vector<std::string> offlineMedia;

    Track& track(const std::string& id);             // throws BadInput naming the id
    const Track& track(const std::string& id) const; // throws BadInput naming the id
    // A track by its id, else by its name (as a user calls it); BadInput when there is none or
    // the name is two tracks'.
    Track& trackByIdOrName(const std::string& idOrName);
    std::string nextTrackId() const;
    std::string nextClipId() const; // above every clip's and take's id
    std::int64_t secondsToSamples(double seconds) const;
    double samplesToSeconds(std::int64_t samples) const;
    // The end of the last clip, in samples.
    std::int64_t length() const;
};

// Beats and bars in samples at the project rate: the one place musical time is computed (the
// arrangement's grid, the bar display and the metronome all use it).
struct Metre {
    double samplesPerBeat = 24000; // one note of the signature's unit
    int beatsPerBar = 4;
    double samplesPerBar() const { return samplesPerBeat * beatsPerBar; }
    // The first sample of beat `beat` (counted from 0 at sample 0).
    std::int64_t beatStart(std::int64_t beat) const;
    // The beat that `sample` falls in (the last one starting at or before it); negative before 0.
    std::int64_t beatAt(std::int64_t sample) const;
};
Metre projectMetre(int sampleRate, double tempo, const TimeSignature& signature);
Metre projectMetre(const Project& project);
// "3/4"
std::string timeSignatureText(const TimeSignature& signature);
// "3/4" -> {3, 4}; nullopt for text that is not a valid signature.
std::optional<TimeSignature> parseTimeSignature(const std::string& text);
// Whether `signature` is one a project may hold (see TimeSignature).
bool validTimeSignature(const TimeSignature& signature);

// Whether a track sounds in the mix: mute wins; with any track soloed only soloed tracks play.
// The engine, renders, exports and the window all follow this one rule.
constexpr bool trackSounds(bool mute, bool solo, bool anySolo) {
    return !mute && (!anySolo || solo);
}
// trackSounds for a track of `project`.
bool trackAudible(const Project& project, const Track& track);

// The gain of a clip's linear fades at frame k of the clip (0 <= k < length): rising from 0 over
// the first `fadeIn` frames, falling to 0 over the last `fadeOut`. The engine plays it; the window
// draws it.
constexpr double clipFadeGain(std::int64_t k, std::int64_t length, std::int64_t fadeIn,
                              std::int64_t fadeOut) {
    double gain = 1.0;
    if (k < fadeIn)
        gain *= double(k) / double(fadeIn);
    if (k >= length - fadeOut)
        gain *= double(length - k) / double(fadeOut);
    return gain;
}

// Reads a project; throws BadInput naming the file and the problem for broken JSON, a newer or
// unknown format version, or invalid values. Missing media does not fail: clips go offline.
Project loadProject(const std::string& path);
// Loads the project in `path`, applies `edit` and saves it, holding an exclusive lock on the file
// throughout: processes editing one project at once take turns, each seeing the edits before
// it, so none is lost. What `edit` throws leaves the file as it was.
void editProject(const std::string& path, const std::function<void(Project&)>& edit);
// Validates, then writes atomically: a failed save leaves the previous file intact.
void saveProject(const std::string& path, const Project& project);
std::string projectToJson(const Project& project, const std::string& projectPath);
Project projectFromJson(const std::string& json, const std::string& projectPath);

} // namespace accord
