#pragma once

// Voice models (docs/ARCHITECTURE.md, "Voice model"): learn the timbre of one artist's voice or
// instrument from their consented recordings, then re-sing any monophonic performance with it.
// Plain header: no Torch type appears here, so the CLI and the studio include it freely.
//
// Threads: every function here runs on the calling (worker) thread and may take seconds to
// minutes; none touches the UI. The Registry passed in must be one the calling thread may use
// (ARCHITECTURE.md: one connection per thread). LibTorch's thread count is set per call from
// `threads` (0: one thread, measured fastest for this model on 2 cores) for the calling thread.
//
// How it works, briefly (models/src/voice_dsp.h and voice_net.h have the details): the dsp
// library's analysis (accord/dsp/voice_features.h: aubio f0 + periodicity, A-weighted level,
// MFCCs at 125 frames/s) gives per-file normalised, timbre-independent features; a small causal
// convolutional network maps them to the controls of a harmonic-plus-filtered-noise synthesiser
// (spectral envelopes of the harmonics and of the noise); the input's own f0 drives the
// oscillators and its own level sets each frame's gain, so pitch, timing and loudness come from
// the performance and the spectral shape from the model. Training compares the synthesiser's
// expected spectrum with the recording's frame by frame (no audio-rate computation), so it takes
// minutes on a laptop CPU.

#include "accord/core/consent.h"
#include "accord/core/policy.h"
#include "accord/core/registry.h"

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace accord::models {

namespace voice {
class VoiceNetwork;
}

// ---- training ---------------------------------------------------------------------------------

struct VoiceTrainingRequest {
    std::string owner;               // holder the model belongs to (its voice)
    std::vector<std::string> assets; // registered asset ids to learn from
    std::string outFile;             // the model file to write (any name; ".accordvoice" usual)
    std::string actor;               // holder asking for the training; empty: the owner
    std::uint64_t seed = 1;          // same seed + same assets + 1 thread -> identical weights
    double maxMinutes = 10;          // wall-clock budget of the whole call; <= 0: none
    int maxSteps = 0;                // training steps; 0: the default schedule (1500)
    int threads = 0;                 // LibTorch threads; 0: 1 (fastest here, see the .cpp)
    int channels = 0;                // network width; 0: default (128). Small for tests.
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

struct TrainedVoiceModel {
    bool cancelled = false; // stopped by the cancel flag: nothing registered, `checkpoint`
                            // holds the state; calling again with the same request resumes
    std::string file;       // the model file (empty when cancelled)
    std::string modelId;    // registered model id, "m-N" (empty when cancelled)
    std::string weightsSha256;
    std::string metricsJson; // {"steps", "bestStep", "trainLoss", "validationLoss",
                             //  "validationLogSpectralDb", "untrainedValidationLoss",
                             //  "untrainedValidationLogSpectralDb", "wallSeconds", ...}
    std::string checkpoint;  // "<outFile>.checkpoint": removed after a complete schedule,
                             // kept after a cancel or the time limit (a rerun continues)
    int steps = 0;
    int resumedFromStep = 0; // > 0 when this call continued an earlier checkpoint
    bool stoppedByTimeLimit = false;
};

// Trains a voice model on `request.assets` and registers it.
//
// Consent first: the policy engine is asked for `train-voice` on every asset (for the actor);
// if any is refused, nothing is read or trained and accord::ConsentDenied is thrown listing
// every missing grant (asset, owner, scope, why). The grants relied on are recorded in the
// model card and in the registry (model_sources).
// Each asset's file (its registered path) must still hold the registered recording (PCM hash),
// else accord::BadInput. Silence is trimmed; one 2 s block in ten is held out for validation,
// measured every 100 steps: the model keeps the weights that did best there.
// A checkpoint `<outFile>.checkpoint` is written atomically every ~30 s, on cancel and when the
// time budget ends training early; a later call with the same request (same out file, owner,
// assets, seed, steps, size) resumes from it - after a cancel, a crash or a kill - and ends
// with the same weights as an uninterrupted run. When `maxMinutes` runs out, the model trained
// so far is saved and registered (stoppedByTimeLimit) and the checkpoint kept, so running the
// same request again finishes the schedule. Another request's checkpoint, or a damaged one, is
// ignored and replaced.
// `progress` is called from this thread after every step; `cancel` is polled every step.
// Throws accord::BadInput (unknown owner or asset, unreadable file, missing folder, too little
// sound), accord::ConsentDenied.
TrainedVoiceModel
trainVoiceModel(Registry& registry, const VoiceTrainingRequest& request,
                const std::function<void(const VoiceTrainingProgress&)>& progress = {},
                const std::atomic<bool>* cancel = nullptr);

// ---- model files -----------------------------------------------------------------------------

// The model file is data, never code:
//   "ACCVOICE" | u32 format version | u32 0 | u64 card bytes | u64 weights bytes
//   | card (UTF-8 JSON) | weights ("ACCTENS1": named float32 tensors) | SHA-256 of all before
// written atomically. The card (JSON) holds: format, formatVersion, kind, model (registered
// id), owner, ownerName, createdAt, training [{asset, grant, pcmSha256, seconds}], config,
// metrics, weightsSha256 (of the weights block), runtime.
constexpr int kVoiceModelFormatVersion = 1;

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

// A loaded model, for conversion without registry bookkeeping (benchmarks, the live node).
// It does NOT ask for consent: callers must have had `generate` allowed for it (see
// convertWithVoiceModel, which does).
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
    // The network (models/src/voice_net.h): the live node (live_voice.h) copies its weights.
    const voice::VoiceNetwork& network() const;

    // Re-sings `samples` (mono, any rate): the result has the same rate and length, follows the
    // input's f0 (times 2^(transposeSemitones/12)), timing and frame loudness, with the model's
    // spectral envelopes. Deterministic.
    std::vector<float> convert(const std::vector<float>& samples, int sampleRate,
                               double transposeSemitones = 0) const;

private:
    struct Impl;
    explicit VoiceModel(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

// ---- conversion -------------------------------------------------------------------------------

struct VoiceConversion {
    std::string render; // registered render id, "r-N"
    std::string modelId;
    RenderInput input;     // the performance re-sung: a registered asset or an earlier render
    std::string watermark; // the payload embedded in the output ("acw1-...")
    std::string outPath;
    double seconds = 0;           // length of the audio
    double processingSeconds = 0; // wall clock of analysis + model + synthesis
};

// Re-sings `inPath` with the voice model in `modelFile` and writes `outPath` (24-bit WAV for
// ".wav", 24-bit FLAC for ".flac"; IN's sample rate and length, mono) carrying a watermark with
// a new payload, then registers the output as a render of kind "conversion" with inputs {IN's
// asset (or the render IN is), the model} and that payload.
// The model is found in the registry by its weights hash (the card's id is checked against it);
// IN must be a registered asset or render (found by content). The policy engine is asked for
// `generate` on the model for `actor` (empty: anyone); a refusal - also when the model is
// source-revoked - throws accord::ConsentDenied and nothing is written. Throws accord::BadInput for
// a bad model file, an unregistered model or input, an unreadable input or an unsupported output
// name.
VoiceConversion convertWithVoiceModel(Registry& registry, const std::string& modelFile,
                                      const std::string& inPath, const std::string& outPath,
                                      double transposeSemitones = 0, const std::string& actor = {},
                                      int threads = 0);

} // namespace accord::models
