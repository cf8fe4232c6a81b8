#pragma once

// Style models (docs/STYLE.md): learn an artist's melodic language from their own note sequences
// (MIDI lines, transcribed stems), score how much a phrase sounds like it, and propose variations
// of a phrase that never copy a run of 8 notes from what the model learned from or from other
// holders' material. A capability like the voice model: no registry, no consent (workflows/ asks
// and records). Plain header: no Torch type appears here.
//
// Threads: every function runs on the calling (worker) thread; none touches the UI. LibTorch's
// thread count is set per call from `threads` (0: kStyleModelThreads).

#include "accord/core/melody.h"

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace accord::models {

// One thread, as for the voice model (accord/models/voice_model.h): the network is small.
constexpr int kStyleModelThreads = 1;
// The originality guard's run length: no variation holds this many consecutive notes whose
// intervals and inter-onset ratios equal a run of a training sequence or of the others' material.
constexpr int kForbiddenRunNotes = 8;

// Training holds out every kStyleValidationSequenceEvery-th sequence whole (when there are ten or
// more) and keeps the step whose loss on them is lowest (docs/STYLE.md "Network and training").
constexpr std::size_t kStyleValidationSequenceEvery = 10;
inline bool isStyleValidationSequence(std::size_t index) {
    return index % kStyleValidationSequenceEvery == kStyleValidationSequenceEvery - 1;
}

// A melody to learn from. `source` is opaque (the workflow passes the asset id): it names the
// sequence in originality reports and in the model's identity.
struct StyleSequence {
    Melody melody;
    std::string source;
};

// ---- originality --------------------------------------------------------------------------------

// Hashed runs (3..8 notes: intervals and inter-onset ratios, transposition- and tempo-invariant)
// of sequences, each remembered with the first source it came from. Holds no melody.
class OriginalityIndex {
public:
    OriginalityIndex();
    ~OriginalityIndex();
    OriginalityIndex(const OriginalityIndex&);
    OriginalityIndex& operator=(const OriginalityIndex&);
    OriginalityIndex(OriginalityIndex&&) noexcept;
    OriginalityIndex& operator=(OriginalityIndex&&) noexcept;

    void add(const Melody& melody, const std::string& source);
    std::size_t runCount() const;

    // The longest run (3..kForbiddenRunNotes notes) of `melody` that equals a run in this index,
    // and the source of that run; 0 and "" when no run of 3 notes is shared.
    struct SharedRun {
        int notes = 0;
        std::string source;
    };
    SharedRun longestSharedRun(const Melody& melody) const;

    struct Impl;
    explicit OriginalityIndex(Impl impl);
    const Impl& impl() const;

private:
    std::unique_ptr<Impl> impl_;
};

// ---- training -----------------------------------------------------------------------------------

struct StyleTrainingOptions {
    std::string checkpointFile; // where the state is kept between calls ("<model file>.checkpoint")
    std::string owner;          // whose style: part of a checkpoint's identity
    std::uint64_t seed = 1;     // same seed + same sequences + 1 thread -> identical weights
    double maxMinutes = 5;      // wall-clock budget of the whole call; <= 0: none
    int maxSteps = 0;           // training steps; 0: the default schedule (300)
    int threads = 0;            // LibTorch threads; 0: kStyleModelThreads
    int hidden = 0;             // recurrent width; 0: default (64). Small for tests.
    // When the call began, if before trainStyle (the workflow reads and transcribes the stems
    // first): the budget and the progress's elapsed time count from there. Unset: now.
    std::optional<std::chrono::steady_clock::time_point> callStarted;
};

struct StyleTrainingProgress {
    int step = 0; // steps done so far (after a resume: counting the earlier ones)
    int totalSteps = 0;
    double loss = 0;            // training loss, nats per note (mean of the recent steps)
    double validationLoss = -1; // latest on the held-out windows; < 0 before the first
    double elapsedSeconds = 0;
    std::string message; // "resumed at step 400", "saving"
};

struct TrainedStyle {
    bool cancelled = false; // the checkpoint holds the state; the same call again resumes
    bool stoppedByTimeLimit = false;
    int steps = 0;
    int resumedFromStep = 0;
    std::string configJson;
    std::string metricsJson; // {"steps", "bestStep", "trainLoss", "validationLoss",
                             //  "trainLogLikelihoodPerNote", "validationLogLikelihoodPerNote",
                             //  "untrainedValidationLoss", "notes", "wallSeconds", ...}
    std::string weights;     // the tensor block of the model file (best validation weights)
    std::string weightsSha256;
    std::string runs;   // the originality runs of the training sequences (hashed)
    std::string markov; // the Markov models' counts of the training sequences' events
    std::vector<std::string> sources;
    std::string runtime;
};

// Learns from `sequences` (each checked with checkMelody). One sequence in ten is held out (one
// window of 64 notes in ten when there are fewer than ten sequences); the model keeps the weights
// that did best there. Checkpoints, cancel, time budget and
// resume as trainVoice (accord/models/voice_model.h). Throws BadInput for too few notes.
TrainedStyle trainStyle(const std::vector<StyleSequence>& sequences,
                        const StyleTrainingOptions& options,
                        const std::function<void(const StyleTrainingProgress&)>& progress = {},
                        const std::atomic<bool>* cancel = nullptr);

// ---- model files --------------------------------------------------------------------------------

// "ACCSTYLE" container of models/src/model_file.h: the JSON card (format, formatVersion, kind,
// model, owner, ownerName, createdAt, training [{asset, grant}], config, metrics, weightsSha256,
// runsSha256, markovSha256, runtime) and a blob of u64 weights bytes | tensor block | u64 runs
// bytes | runs block | Markov block. Format 1 (before the Markov models: weights | runs) loads
// with the network alone.
constexpr int kStyleModelFormatVersion = 2;

struct StyleModelOrigin {
    std::string modelId; // empty before it is registered
    std::string owner;
    std::string ownerName;
    std::string createdAt;
    std::vector<std::string> grants; // the grant that allowed each training source, in order
};

// Writes atomically. Throws BadInput naming the file when it cannot be written.
void writeStyleModel(const std::string& file, const TrainedStyle& trained,
                     const StyleModelOrigin& origin);

class StyleModel {
public:
    ~StyleModel();
    StyleModel(StyleModel&&) noexcept;
    StyleModel& operator=(StyleModel&&) noexcept;

    std::string cardJson() const;
    std::vector<std::string> sources() const; // the training sequences' sources, in order
    // The runs of its own training sequences (the guard's first half).
    const OriginalityIndex& trainingRuns() const;

    struct Impl;
    const Impl& impl() const;

private:
    friend StyleModel loadStyleModel(const std::string& file);
    explicit StyleModel(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

// Reads and verifies a model file. Throws BadInput naming the file and the problem (missing,
// truncated, corrupt, not a style model, written by a newer Accord).
StyleModel loadStyleModel(const std::string& file);

// ---- scoring ------------------------------------------------------------------------------------

// Means over each note after the first, natural logs (docs/STYLE.md "Scores"). The joint is
// the pitch part plus the rhythm part.
struct StyleScore {
    double perNoteLogLikelihood = 0; // log p(interval, gap | before): how likely the phrase is
    int notes = 0;
    double pitchLogLikelihood = 0;  // log p(interval | gap, before): its pitches given its rhythm
    double rhythmLogLikelihood = 0; // log p(gap | before): its rhythm alone
};
// How likely `phrase` is under the model ("sounds like you"). Throws BadInput for fewer than 2
// notes.
StyleScore scorePhrase(const StyleModel& model, const Melody& phrase);

// The orderings of a phrase's own pitches on its rhythm that scorePitchOrder compares it with:
// kPitchOrderShuffles shuffles from a fixed seed (the same phrase always gives the same ones).
constexpr int kPitchOrderShuffles = 64;
std::vector<Melody> shuffledPitchOrders(const Melody& phrase);
// How much likelier the phrase's pitches are in their order than shuffled (docs/STYLE.md
// "Scores"): its pitchLogLikelihood minus the mean over shuffledPitchOrders. What the phrase's
// range, pitch set and rhythm make likely or not cancels out, so phrases of different kinds (a
// bass line, a tune) compare on the order of their notes. Throws BadInput as scorePhrase.
double scorePitchOrder(const StyleModel& model, const Melody& phrase);

// ---- variations ---------------------------------------------------------------------------------

struct VariationRequest {
    Melody phrase;
    int count = 4;
    std::uint64_t seed = 1;
    double temperature = 1.0; // 0: always the likeliest allowed note
    double stray = 0.5;       // share of the phrase's notes re-generated, 0..1
    bool keepRhythm = false;  // re-generated notes keep the phrase's onsets and lengths
    bool keepContour = false; // re-generated notes move in the phrase's direction at that time
    double density = 0;       // -1..1: fewer / more notes than the model would choose
    int registerShift = 0;    // semitones: where re-generated notes are centred
    int threads = 0;
};

struct Variation {
    Melody melody;
    int regeneratedNotes = 0; // notes not taken from the phrase
    // The longest run shared with the model's training sequences or `others` (< 8 always).
    OriginalityIndex::SharedRun longestSharedRun;
    StyleScore score;
};

// `count` variations of `request.phrase`: same length (beats) and metre, pitches in the
// phrase's key (its scale and its own pitch classes), deterministic for a seed. The guard is
// applied while generating (docs/STYLE.md "Never a copy"). Throws BadInput for a phrase with
// fewer than 2 notes, and accord::Error when no variation can avoid the forbidden runs.
std::vector<Variation> vary(const StyleModel& model, const VariationRequest& request,
                            const OriginalityIndex& others);

} // namespace accord::models
