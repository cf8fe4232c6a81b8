#pragma once

// Voice models (docs/ARCHITECTURE.md "Voice model"): learn the timbre of one voice or instrument
// from recordings, then re-sing any monophonic performance with it. A capability: it knows no
// registry and asks no consent - the train and convert use cases (workflows/) decide what it may
// learn from and generate, and record what it made. Plain header: no Torch type appears here, so
// the CLI and the studio include it freely.
//
// Threads: every function here runs on the calling (worker) thread and may take seconds to
// minutes; none touches the UI. Training sets LibTorch's thread count per call from `threads` (0:
// kVoiceModelThreads); running a trained model (load, convert, the live node) needs no LibTorch
// (library accord_voice: the network in plain C++, models/src/plain_voice_network.h) and runs on
// one thread.
//
// How it works, briefly (models/src/voice_dsp.h and voice_net.h have the details; the noise
// gate, the voice's range and its source outside it are in docs/ARCHITECTURE.md): the dsp
// library's analysis (accord/dsp/voice_features.h: aubio f0 + periodicity, A-weighted level,
// MFCCs at 125 frames/s) gives per-file normalised, timbre-independent features; a small causal
// convolutional network maps them to the controls of a harmonic-plus-filtered-noise synthesiser
// (spectral envelopes of the harmonics and of the noise); the input's own f0 drives the
// oscillators and its own level sets each frame's gain, so pitch, timing and loudness come from
// the performance and the spectral shape from the model. Training compares the synthesiser's
// expected spectrum with the recording's frame by frame (no audio-rate computation), so it takes
// minutes on a laptop CPU.

#include "accord/core/consent.h"

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace accord::models {

// One LibTorch thread unless asked otherwise: at this model size two threads were slower on a
// 2-core laptop, idle (0.20 vs 0.105 s per training step) and much more so while other work kept
// the cores busy (1.3 s: OpenMP threads spin waiting for each other).
constexpr int kVoiceModelThreads = 1;

// ---- training ---------------------------------------------------------------------------------

// A recording to learn from, read when its turn comes (one at a time: bounded memory).
struct VoiceRecording {
    std::vector<float> samples; // mono
    int sampleRate = 0;
};
struct VoiceTrainingSource {
    std::string id;          // names it in progress messages ("analysing a-3 (1 of 4)")
    std::string contentHash; // its identity: a checkpoint belongs to these exact recordings
    std::function<VoiceRecording()> read;
};

struct VoiceTrainingOptions {
    std::string checkpointFile; // where the state is kept between calls ("<model file>.checkpoint")
    std::string owner;          // whose voice: part of a checkpoint's identity
    std::uint64_t seed = 1;     // same seed + same recordings + 1 thread -> identical weights
    double maxMinutes = 10;     // wall-clock budget of the whole call; <= 0: none
    int maxSteps = 0;           // training steps; 0: the default schedule (800)
    int threads = 0;            // LibTorch threads; 0: kVoiceModelThreads
    int channels = 0;           // network width; 0: default (128). Small for tests.
};

struct VoiceTrainingProgress {
    enum class Phase { Preparing, Training, Saving };
    Phase phase = Phase::Preparing;
    int step = 0; // steps done so far (after a resume: counting the earlier ones)
    int totalSteps = 0;
    double loss = 0;            // training loss (mean of the recent steps)
    double validationLoss = -1; // latest loss on the held-out frames; < 0 before the first
    double elapsedSeconds = 0;  // this call's wall clock
    double etaSeconds = 0;      // estimated seconds to the end (steps or the time budget)
    std::string message;        // e.g. "analysing a-3 (12 of 40)", "resumed at step 1200"
};

struct TrainedVoice {
    bool cancelled = false; // stopped by the cancel flag: the checkpoint holds the state and the
                            // same call again resumes; nothing else is set
    int steps = 0;
    int resumedFromStep = 0;           // > 0 when this call continued an earlier checkpoint
    bool stoppedByTimeLimit = false;   // the checkpoint is kept: the same call later continues
    std::vector<double> sourceSeconds; // the length of each source, in order
    std::string configJson;
    std::string metricsJson; // {"steps", "bestStep", "trainLoss", "validationLoss",
                             //  "validationLogSpectralDb", "untrainedValidationLoss",
                             //  "untrainedValidationLogSpectralDb", "wallSeconds", ...}
    std::string weights;     // the weights block of the model file (best validation weights)
    std::string weightsSha256;
    std::string runtime; // "LibTorch 1.13.1": what trained it, for the model card
};

// Learns a voice from `sources`. Silence is trimmed; one 2 s block in ten is held out for
// validation, measured every 100 steps: the model keeps the weights that did best there.
// The checkpoint is written atomically every ~30 s, on cancel and when the time budget ends
// training early; a later call with the same sources and options (same checkpoint file, owner,
// recordings, seed, steps, size) resumes from it - after a cancel, a crash or a kill - and ends
// with the same weights as an uninterrupted run. Another request's checkpoint, or a damaged one,
// is ignored and replaced. The checkpoint is left in place: the caller removes it once the
// model is kept. `progress` is called from this thread after every step; `cancel` is polled
// every step. Throws accord::BadInput for too little sound (and what `read` throws).
TrainedVoice trainVoice(const std::vector<VoiceTrainingSource>& sources,
                        const VoiceTrainingOptions& options,
                        const std::function<void(const VoiceTrainingProgress&)>& progress = {},
                        const std::atomic<bool>* cancel = nullptr);

// ---- model files -----------------------------------------------------------------------------

// The model file is data, never code:
//   "ACCVOICE" | u32 format version | u32 0 | u64 card bytes | u64 weights bytes
//   | card (UTF-8 JSON) | weights ("ACCTENS1": named float32 tensors) | SHA-256 of all before
// written atomically. The card (JSON) holds: format, formatVersion, kind, model (registered
// id), owner, ownerName, createdAt, training [{asset, grant, pcmSha256, seconds}], config,
// metrics, weightsSha256 (of the weights block), runtime.
// Version 2: the metrics carry "bandEdgeHz" and "highBand", the band above 8 kHz learned from the
// recordings (docs/ARCHITECTURE.md "Voice model", "Full band"); a version 1 model loads and
// converts up to 8 kHz.
constexpr int kVoiceModelFormatVersion = 2;

struct VoiceModelCard {
    int formatVersion = 0;
    std::string modelId;
    std::string owner;
    std::string ownerName;
    std::string createdAt;
    std::string weightsSha256;
    std::vector<TrainingSource> training; // asset + the grant that allowed it
    std::string configJson;
    std::string metricsJson;
    std::string json; // the whole card as stored
};

// Reads and verifies a model file: structure, version, checksum, weights hash, config, tensor
// names and shapes. Throws accord::BadInput naming the file and the problem (missing, truncated,
// corrupt, not a voice model, written by a newer Accord).
VoiceModelCard readVoiceModelCard(const std::string& file);

// What a model file says about where it came from, beside what training measured.
struct VoiceModelOrigin {
    std::string modelId; // the registered id, or empty before it is registered
    std::string owner;
    std::string ownerName;
    std::string createdAt;
    struct Source {
        std::string asset;
        std::string grant; // the grant that allowed training on it
        std::string pcmSha256;
        double seconds = 0;
    };
    std::vector<Source> training; // in the order of the training sources
};

// Writes `trained` as a model file (the format above), atomically. Throws accord::BadInput naming
// the file when it cannot be written.
void writeVoiceModel(const std::string& file, const TrainedVoice& trained,
                     const VoiceModelOrigin& origin);

// The pitch range of a voice: the 5th, 50th and 95th percentiles of its voiced frames' f0.
struct VoicePitchRange {
    double lowHz = 0, medianHz = 0, highHz = 0;
    double voicedSeconds = 0;
};
// The range a model was trained on (its card's metrics, VoiceModelCard::metricsJson or the
// registry's Model::metricsJson: "pitchRange"); none for a model trained before Accord recorded
// it.
std::optional<VoicePitchRange> trainedPitchRange(const std::string& metricsJson);
// The pitch range of recordings (mono samples at their rates), analysed as a performance is.
VoicePitchRange
measurePitchRange(const std::vector<std::pair<const std::vector<float>*, int>>& audio);
// "G2–D4 (98–294 Hz, median C3)": note names for musicians, hertz for engineers.
std::string describePitchRange(const VoicePitchRange& range);
// The transposition by whole octaves (a multiple of 12 semitones, often 0) that brings a
// performance sung `transposeSemitones` away from where it is nearest to the model's median
// pitch, suggested when it lies more than 7 semitones from it: a model re-sings best where the
// voice it learned sang, and an octave keeps the melody.
int suggestedOctaveTranspose(const VoicePitchRange& model, const VoicePitchRange& performance,
                             double transposeSemitones);

// The band a model sings, from its card's metrics (VoiceModelCard::metricsJson or the registry's
// Model::metricsJson).
struct TrainedBand {
    double singsUpToHz = 8000;   // the top of its output
    double recordingsEdgeHz = 0; // where its training recordings stop; 0: not recorded
};
TrainedBand trainedBand(const std::string& metricsJson);
// "up to 13.2 kHz, as its recordings", "up to 8 kHz: its recordings stop at 7.9 kHz"
// (band-limited: it does not invent a top it never heard), or, for a model trained before Accord
// learned the band, "up to 8 kHz (band not recorded: trained by an earlier Accord)".
std::string describeTrainedBand(const std::string& metricsJson);

struct VoiceModelAccess;

// A loaded model. It does NOT ask for consent: callers must have had `generate` allowed for it
// (workflows/convert.h and live_model.h do).
class VoiceModel {
public:
    // Throws accord::BadInput as readVoiceModelCard.
    static VoiceModel load(const std::string& file);
    // A model that has never been trained (flat envelopes), for comparisons; `channels` 0: default.
    static VoiceModel untrained(std::uint64_t seed = 1, int channels = 0);
    ~VoiceModel();
    VoiceModel(VoiceModel&&) noexcept;
    VoiceModel& operator=(VoiceModel&&) noexcept;

    const VoiceModelCard& card() const;

    // Re-sings `samples` (mono, any rate): the result has the same rate and length, follows the
    // input's f0 (times 2^(transposeSemitones/12)), timing and frame loudness, with the model's
    // spectral envelopes, up to the band it learned (describeTrainedBand). Deterministic.
    // `performanceRange`, when given, receives the input's pitch range (before transposing).
    // `atSynthesisRate`, when given, may change the synthesis at its own rate (its second
    // argument, 16 kHz) before it is brought to the output's: the convert workflow marks it there.
    using SynthesisHook = std::function<void(std::vector<float>&, int)>;
    std::vector<float> convert(const std::vector<float>& samples, int sampleRate,
                               double transposeSemitones = 0,
                               VoicePitchRange* performanceRange = nullptr,
                               const SynthesisHook& atSynthesisRate = {}) const;

private:
    friend struct VoiceModelAccess; // the live node copies the network's weights
    struct Impl;
    explicit VoiceModel(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

// The model in `file`, loaded once and kept while the file is unchanged (same size and
// modification time; model files are replaced by atomic rename, which always gives them a new
// one): loading and verifying costs ~9 ms, a quarter of re-singing a 3 s clip. Thread-safe.
// Throws accord::BadInput as readVoiceModelCard.
std::shared_ptr<const VoiceModel> loadVoiceModelCached(const std::string& file);

} // namespace accord::models
