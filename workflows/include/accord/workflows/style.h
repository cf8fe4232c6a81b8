#pragma once

// The style model's use cases (docs/STYLE.md, docs/CONSENT.md "Training" and "Generating"):
// training on an artist's MIDI files and transcribed stems under `train-style`, scoring phrases,
// and variations of a phrase under `generate`, each a render with lineage, a watermark and a MIDI
// file, never a copy of the training material or of another holder's registered music.

#include "accord/core/registry.h"
#include "accord/models/style_model.h"
#include "accord/workflows/train.h"

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace accord::workflows {

struct StyleTrainingRequest {
    std::string owner;               // holder the model belongs to (their melodic language)
    std::vector<std::string> assets; // registered MIDI files and monophonic stems
    std::string outFile;             // ".accordstyle" usual
    std::string actor;               // holder asking; empty: the owner
    std::uint64_t seed = 1;
    double maxMinutes = 5; // wall-clock budget; <= 0: none
    int maxSteps = 0;      // 0: the default schedule
    int threads = 0;
    int hidden = 0; // network width; 0: default. Small for tests.
};

// The registered model a style model file is: by the id on its card, else by its weights.
std::optional<Model> registeredStyleModel(const Registry& registry,
                                          const models::StyleModel& loaded);

// A registered asset as note sequences, as training reads it: a MIDI file's lines, or a stem
// transcribed at the tempo and metre its notes were played in (audio::transcriptionTiming). Its
// file must still hold the registered content (BadInput).
std::vector<Melody> melodiesOfAsset(const Asset& asset);

// Trains a style model and registers it, as trainVoiceModel does for a voice: `train-style` on
// every asset first (ConsentDenied listing every missing grant, nothing read), again before the
// model is kept; checkpoint, resume, cancel and time budget alike.
TrainedModel
trainStyleModel(Registry& registry, const StyleTrainingRequest& request,
                const std::function<void(const models::StyleTrainingProgress&)>& progress = {},
                const std::atomic<bool>* cancel = nullptr);

// A stretch of a phrase's file, in seconds from its start: the part of its source a clip plays.
struct PhraseRegion {
    double start = 0;
    double end = 0; // > start, at most the file's length
};

// A phrase from a file: a MIDI file's longest line, or an audio file's transcription; with a
// region, only the notes that start inside it, timed from its start (a MIDI note is cut at its
// end). Throws BadInput naming the file for a region outside it.
Melody readPhrase(const std::string& path, const std::optional<PhraseRegion>& region = {});

struct PhraseScore {
    std::string file;
    models::StyleScore score;
    double pitchOrder = 0; // models::scorePitchOrder
};
// How likely each file's phrase is under the style model in `modelFile` (which must be
// registered here). Scoring generates nothing, so it asks no consent.
std::vector<PhraseScore> scorePhrases(const Registry& registry, const std::string& modelFile,
                                      const std::vector<std::string>& files);

struct VariationsRequest {
    std::string modelFile;              // a registered style model
    std::string input;                  // the phrase: a registered MIDI file, stem, or render
    std::optional<PhraseRegion> region; // the stretch of `input` to vary; none: all of it
    std::string outDir;                 // variation-N.wav and variation-N.mid go here
    std::string voiceModelFile;         // re-sing with this voice model; empty: an instrument
    int gmProgram = 0;                  // the instrument (General MIDI program) without a voice
    int sampleRate = 44100;             // of the rendered audio
    std::string actor;                  // who generates; empty: anyone in this studio
    models::VariationRequest variation; // count, seed, temperature, stray, steering (not phrase)
};

struct VariationFile {
    std::string render; // the audio's render id
    std::string file;   // WAV
    std::string midiRender;
    std::string midi; // MIDI file
    std::string watermark;
    models::OriginalityIndex::SharedRun longestSharedRun;
    models::StyleScore score;
};

struct MadeVariations {
    std::vector<VariationFile> variations;
    models::StyleScore phraseScore; // the phrase's own, for the "sounds like you" comparison
    // Plain sentences: another holder's recording the guard could not read (its file is gone or
    // changed), so not covered.
    std::vector<std::string> notes;
};

// `generate` on the style model (and the voice model, when given) for the actor, else
// ConsentDenied listing every missing grant and nothing written. The phrase must be registered
// (by content). The guard's other half is every MIDI asset and every audio take (transcribed
// once, the transcription kept beside the registry) of another holder than the model's owner. Each
// variation's audio carries a watermark and is registered as a "variation" render (inputs: the
// phrase, the style model, the voice model); its MIDI as a "variation-midi" render known by its
// note list. Throws BadInput naming the file for unreadable input. The variations are rendered
// on one thread per core and registered in order afterwards. `progress` 0..1 as variations are
// written (on the calling thread); `cancel`, polled before each variation starts, stops with
// those finished so far (each complete: written and registered).
MadeVariations makeVariations(Registry& registry, const VariationsRequest& request,
                              const std::function<void(double)>& progress = {},
                              const std::atomic<bool>* cancel = nullptr);

} // namespace accord::workflows
