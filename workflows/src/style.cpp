#include "accord/workflows/style.h"

#include "accord/audio/audio_file.h"
#include "accord/audio/audio_io.h"
#include "accord/audio/instrument.h"
#include "accord/audio/midi_file.h"
#include "accord/audio/transcription.h"
#include "accord/audio/watermark.h"
#include "accord/core/cancelled.h"
#include "accord/core/errors.h"
#include "accord/core/files.h"
#include "accord/core/parallel.h"
#include "accord/core/time.h"
#include "accord/dsp/transcription.h"
#include "accord/models/runtime.h"
#include "accord/workflows/identify.h"
#include "accord/workflows/live_model.h"
#include "training.h"
#include "watermark_payload.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>

namespace accord::workflows {

namespace {

// The instrument a voice model re-sings a variation from: a clean, steady tone its pitch
// analysis follows (General MIDI 73, flute).
constexpr int kGuideProgram = 73;
constexpr double kGuardGridPerMedianGap = 4;

// The region's samples: [first, end) of `frames`. BadInput naming `path` when it lies outside.
std::pair<std::size_t, std::size_t> regionFrames(const std::string& path,
                                                 const std::optional<PhraseRegion>& region,
                                                 double seconds, double rate) {
    if (!region)
        return {0, std::size_t(std::llround(seconds * rate))};
    if (!(region->start >= 0 && region->end > region->start && region->end <= seconds + 1e-3))
        throw BadInput(path + ": the stretch " + std::to_string(region->start) + "-" +
                       std::to_string(region->end) + " s is not inside its " +
                       std::to_string(seconds) + " s");
    return {std::size_t(std::llround(region->start * rate)),
            std::size_t(std::llround(std::min(region->end, seconds) * rate))};
}

Melody transcribeAudio(const std::string& path, const std::optional<PhraseRegion>& region = {}) {
    const audio::MonoAudio mono = audio::readMonoAudio(path);
    const auto [first, end] =
        regionFrames(path, region, double(mono.samples.size()) / mono.sampleRate, mono.sampleRate);
    const std::vector<dsp::TranscribedNote> notes = dsp::transcribeMonophonic(
        mono.samples.data() + first, std::min(end, mono.samples.size()) - first, mono.sampleRate);
    return audio::melodyFromTranscription(notes, audio::transcriptionTiming(notes));
}

// The notes of `line` that start inside `region`, from its start: the tempo then in force
// becomes the first tempo, notes are cut at the region's end.
Melody melodyInRegion(const Melody& line, const PhraseRegion& region, const std::string& path) {
    const double seconds =
        line.notes.empty()
            ? 0
            : secondsAtBeat(line, line.notes.back().start + line.notes.back().length);
    regionFrames(path, region, seconds, 1);
    const double from = beatAtSeconds(line, region.start), to = beatAtSeconds(line, region.end);
    Melody part = line;
    part.notes.clear();
    for (Note note : line.notes)
        if (note.start >= from && note.start < to) {
            note.length = std::min(note.length, to - note.start);
            note.start -= from;
            part.notes.push_back(note);
        }
    part.tempo.clear();
    for (const TempoChange& change : line.tempo) {
        if (change.beat <= from)
            part.tempo = {{0, change.bpm}};
        else if (change.beat < to)
            part.tempo.push_back({change.beat - from, change.bpm});
    }
    return part;
}

// The line of a MIDI file with the most notes: the tune, in a file that also has accompaniment.
Melody longestLine(const audio::MidiFileContent& midi, const std::string& path) {
    const auto longest = std::max_element(
        midi.lines.begin(), midi.lines.end(),
        [](const Melody& a, const Melody& b) { return a.notes.size() < b.notes.size(); });
    if (longest == midi.lines.end())
        throw BadInput(path + ": no melodic line (only drums?)");
    return *longest;
}

Model requireRegisteredStyleModel(const Registry& registry, const std::string& file,
                                  const models::StyleModel& loaded) {
    const std::optional<Model> model = registeredStyleModel(registry, loaded);
    if (!model)
        throw BadInput(file + ": this style model is not registered in " + registry.path());
    return *model;
}

// The phrase's place in the lineage: a registered asset or a render of this studio, by content.
RenderInput registeredPhrase(const Registry& registry, const std::string& path) {
    AudioIdentity identity;
    if (audio::looksLikeMidi(path)) {
        const audio::MidiFileContent midi = audio::readMidiFile(path);
        identity.fileSha256 = midi.fileSha256;
        identity.pcmSha256 = midi.notesSha256;
    } else {
        identity = audio::identifyAudioFile(path);
    }
    if (const auto asset = registry.assetByContent(identity.pcmSha256, identity.fileSha256))
        return {InputKind::Asset, asset->id};
    if (const auto render = registry.renderByContent(identity.pcmSha256))
        return {InputKind::Render, render->id};
    throw BadInput(path + ": not registered; register the phrase first "
                          "(accord-cli asset add FILE --owner HOLDER)");
}

// A take's transcription, kept beside the registry (`<registry>.melodies/`): derived data like
// the fingerprint index, named by the recording's content and the transcription's version, so
// each take is transcribed once and a better transcription starts afresh. A take without notes
// leaves an empty marker file.
std::vector<Melody> cachedTranscription(const Registry& registry, const Asset& asset) {
    const std::string stem = registry.path() + ".melodies/" + asset.pcmSha256 + "-t" +
                             std::to_string(dsp::kTranscriptionVersion);
    if (fileExists(stem + ".none"))
        return {};
    if (fileExists(stem + ".mid")) {
        try {
            return audio::readMidiFile(stem + ".mid").lines;
        } catch (const BadInput&) {
            // A damaged cache file is made again below.
        }
    }
    std::vector<Melody> melodies = melodiesOfAsset(asset);
    makeDirectories(registry.path() + ".melodies");
    if (melodies.front().notes.empty())
        writeFileAtomically(stem + ".none", "");
    else
        audio::writeMidiFile(stem + ".mid", melodies.front(), 0);
    return melodies;
}

// A performed take's onsets on a grid of a quarter of its median inter-onset interval, for the
// guard: the guard compares inter-onset ratios exactly (docs/STYLE.md "Never a copy"), and a
// take's onsets jitter by milliseconds, so its ratios would never equal the exact ones a
// variation has. Snapped, a played 2:1 is 2:1 again (triplets against a duple grid are lost).
Melody onGuardGrid(Melody take) {
    std::vector<double> gaps;
    for (std::size_t i = 1; i < take.notes.size(); ++i)
        gaps.push_back(take.notes[i].start - take.notes[i - 1].start);
    if (gaps.empty())
        return take;
    std::nth_element(gaps.begin(), gaps.begin() + long(gaps.size() / 2), gaps.end());
    const double unit = gaps[gaps.size() / 2] / kGuardGridPerMedianGap;
    if (!(unit > 0))
        return take;
    std::vector<double> onsets = {take.notes.front().start};
    for (std::size_t i = 1; i < take.notes.size(); ++i)
        onsets.push_back(
            onsets.back() +
            unit *
                std::max(1.0, std::round((take.notes[i].start - take.notes[i - 1].start) / unit)));
    for (std::size_t i = 0; i < take.notes.size(); ++i) {
        take.notes[i].start = onsets[i];
        if (i + 1 < take.notes.size())
            take.notes[i].length = std::min(take.notes[i].length, onsets[i + 1] - onsets[i]);
    }
    return take;
}

// The guard's other half: every MIDI file and every audio take (not generated audio) that another
// holder than `owner` registered. A take that cannot be read is left out with a note.
models::OriginalityIndex othersMusic(const Registry& registry, const std::string& owner,
                                     std::vector<std::string>& notes,
                                     const std::atomic<bool>* cancel) {
    models::OriginalityIndex index;
    for (const Asset& asset : registry.assets()) {
        if (asset.owner == owner || asset.origin == AssetOrigin::Generated)
            continue;
        if (cancel && cancel->load())
            throw Cancelled();
        try {
            if (asset.kind == AssetKind::Midi)
                for (const Melody& line : melodiesOfAsset(asset))
                    index.add(line, asset.id);
            else
                for (const Melody& take : cachedTranscription(registry, asset))
                    index.add(onGuardGrid(take), asset.id);
        } catch (const BadInput& e) {
            notes.push_back(std::string(e.what()) + ": not covered by the originality guard");
        }
    }
    return index;
}

// `instrument` plays request.gmProgram, or kGuideProgram when a voice re-sings the melody.
std::vector<std::vector<float>> renderVariation(const Melody& melody,
                                                const VariationsRequest& request,
                                                audio::Instrument& instrument,
                                                const models::VoiceModel* voice) {
    if (!voice)
        return instrument.play(melody);
    const auto guide = instrument.play(melody);
    std::vector<float> mono(guide.front().size());
    for (const auto& channel : guide)
        for (std::size_t i = 0; i < mono.size(); ++i)
            mono[i] += channel[i] / float(guide.size());
    return {voice->convert(mono, request.sampleRate, 0)};
}

} // namespace

std::optional<Model> registeredStyleModel(const Registry& registry,
                                          const models::StyleModel& loaded) {
    const nlohmann::json card = nlohmann::json::parse(loaded.cardJson());
    const std::string weights = card.value("weightsSha256", "");
    const std::string id = card.value("model", "");
    if (!id.empty())
        if (std::optional<Model> byId = registry.model(id);
            byId && byId->kind == ModelKind::Style && byId->weightsSha256 == weights)
            return byId;
    for (const Model& candidate : registry.models())
        if (candidate.kind == ModelKind::Style && candidate.weightsSha256 == weights)
            return candidate;
    return std::nullopt;
}

std::vector<Melody> melodiesOfAsset(const Asset& asset) {
    if (asset.path.empty() || !fileExists(asset.path))
        throw BadInput("asset " + asset.id + ": its file is not at '" + asset.path +
                       "' any more; register the file again");
    if (asset.kind == AssetKind::Midi) {
        const audio::MidiFileContent midi = audio::readMidiFile(asset.path);
        if (midi.notesSha256 != asset.pcmSha256)
            throw BadInput("asset " + asset.id + ": " + asset.path +
                           " no longer holds the registered notes");
        return midi.lines;
    }
    if (audio::identifyAudioFile(asset.path).pcmSha256 != asset.pcmSha256)
        throw BadInput("asset " + asset.id + ": " + asset.path +
                       " no longer holds the registered recording (its audio differs)");
    return {transcribeAudio(asset.path)};
}

TrainedModel
trainStyleModel(Registry& registry, const StyleTrainingRequest& request,
                const std::function<void(const models::StyleTrainingProgress&)>& progress,
                const std::atomic<bool>* cancel) {
    // --max-minutes is the whole call's, reading the stems included (docs/STYLE.md "Training
    // time"): a budget the reading alone uses up still ends with a saved checkpoint and a card
    // that says it was cut.
    const auto called = std::chrono::steady_clock::now();
    const detail::TrainingSubject subject =
        detail::prepareTraining(registry, Scope::TrainStyle, request.owner, request.assets,
                                request.outFile, request.actor, "style model");
    // The stems are read (and transcribed) one per core: near idle that halves what reading 30
    // minutes of stems costs (docs/STYLE.md "Training time").
    std::vector<std::vector<Melody>> read(subject.assets.size());
    forEachInParallel(read.size(), parallelWorkersFor(read.size()),
                      [&](std::size_t i, const std::atomic<bool>&) {
                          read[i] = melodiesOfAsset(subject.assets[i]);
                      });
    std::vector<models::StyleSequence> sequences;
    for (std::size_t i = 0; i < read.size(); ++i)
        for (Melody& melody : read[i])
            if (melody.notes.size() >= 2)
                sequences.push_back({std::move(melody), subject.assets[i].id});

    auto options =
        detail::trainingOptionsOf<StyleTrainingRequest, models::StyleTrainingOptions>(request);
    options.hidden = request.hidden;
    options.callStarted = called;
    const models::TrainedStyle trained = models::trainStyle(sequences, options, progress, cancel);

    auto origin = detail::originOf<models::StyleModelOrigin>(subject);
    return detail::keepTrainedModel(
        registry, Scope::TrainStyle, ModelKind::Style, subject, request.outFile,
        options.checkpointFile, "style model", trained,
        [&](const std::string& file, const std::string& modelId, const Decision& consent) {
            origin.modelId = modelId;
            origin.grants.clear();
            for (const std::string& source : trained.sources)
                origin.grants.push_back(detail::grantFor(consent, source));
            models::writeStyleModel(file, trained, origin);
        });
}

Melody readPhrase(const std::string& path, const std::optional<PhraseRegion>& region) {
    if (!audio::looksLikeMidi(path))
        return transcribeAudio(path, region);
    const Melody line = longestLine(audio::readMidiFile(path), path);
    return region ? melodyInRegion(line, *region, path) : line;
}

std::vector<PhraseScore> scorePhrases(const Registry& registry, const std::string& modelFile,
                                      const std::vector<std::string>& files) {
    const models::StyleModel model = models::loadStyleModel(modelFile);
    requireRegisteredStyleModel(registry, modelFile, model);
    std::vector<PhraseScore> scores;
    for (const std::string& file : files) {
        const Melody phrase = readPhrase(file);
        if (phrase.notes.size() < 2)
            throw BadInput(file + ": fewer than two notes to score");
        scores.push_back(
            {file, models::scorePhrase(model, phrase), models::scorePitchOrder(model, phrase)});
    }
    return scores;
}

MadeVariations makeVariations(Registry& registry, const VariationsRequest& request,
                              const std::function<void(double)>& progress,
                              const std::atomic<bool>* cancel) {
    models::configureRuntime();
    const models::StyleModel style = models::loadStyleModel(request.modelFile);
    const Model styleModel = requireRegisteredStyleModel(registry, request.modelFile, style);
    std::shared_ptr<const models::VoiceModel> voice;
    std::optional<Model> voiceModel;
    if (!request.voiceModelFile.empty()) {
        voice = models::loadVoiceModelCached(request.voiceModelFile);
        voiceModel = registeredVoiceModel(registry, voice->card());
        if (!voiceModel)
            throw BadInput(request.voiceModelFile + ": this voice model is not registered in " +
                           registry.path());
    }
    const RenderInput phrase = registeredPhrase(registry, request.input);

    // Consent before anything is generated: every model asked, every missing grant listed.
    Decision decision = judgeGenerate(registry, styleModel.id, request.actor);
    if (voiceModel) {
        const Decision voiceDecision = judgeGenerate(registry, voiceModel->id, request.actor);
        decision.allowed = decision.allowed && voiceDecision.allowed;
        decision.missing.insert(decision.missing.end(), voiceDecision.missing.begin(),
                                voiceDecision.missing.end());
    }
    if (!decision.allowed)
        throw ConsentDenied("generate variations with style model " + styleModel.id +
                                (voiceModel ? " and voice model " + voiceModel->id : ""),
                            decision);

    models::VariationRequest variation = request.variation;
    variation.phrase = readPhrase(request.input, request.region);
    if (variation.phrase.notes.size() < 2)
        throw BadInput(request.input + ": fewer than two notes to vary" +
                       (request.region ? " in the chosen stretch" : ""));
    MadeVariations result;
    result.phraseScore = models::scorePhrase(style, variation.phrase);
    const std::vector<models::Variation> made = models::vary(
        style, variation, othersMusic(registry, styleModel.owner, result.notes, cancel));

    makeDirectories(request.outDir);
    std::vector<RenderInput> lineage = {phrase, {InputKind::Model, styleModel.id}};
    if (voiceModel)
        lineage.push_back({InputKind::Model, voiceModel->id});
    // Each variation's watermark is chosen here, on the registry's thread, and differs from the
    // others' (the registry only knows a payload once its render is registered).
    std::vector<std::string> watermarks;
    while (watermarks.size() < made.size())
        if (std::string payload = newWatermarkPayload(registry);
            std::find(watermarks.begin(), watermarks.end(), payload) == watermarks.end())
            watermarks.push_back(std::move(payload));

    // Rendered and written on one thread per core (docs/STYLE.md "Variations"); a thread borrows
    // an instrument of its own, since a FluidSynth synthesiser and its soundfont are not shared
    // between threads. Registered afterwards, in order, on this thread.
    struct Written {
        VariationFile file;
        std::string midiNotesSha256;
        std::string pcmSha256;
    };
    std::vector<std::optional<Written>> written(made.size());
    std::mutex instrumentsMutex;
    std::vector<std::unique_ptr<audio::Instrument>> idleInstruments;
    const int program = voice ? kGuideProgram : request.gmProgram;
    forEachInParallel(
        made.size(), parallelWorkersFor(made.size()),
        [&](std::size_t i, const std::atomic<bool>&) {
            if (cancel && cancel->load())
                return;
            std::unique_ptr<audio::Instrument> instrument;
            {
                std::lock_guard<std::mutex> lock(instrumentsMutex);
                if (!idleInstruments.empty()) {
                    instrument = std::move(idleInstruments.back());
                    idleInstruments.pop_back();
                }
            }
            if (!instrument)
                instrument = std::make_unique<audio::Instrument>(program, request.sampleRate);

            const std::string stem = request.outDir + "/variation-" + std::to_string(i + 1);
            Written out;
            out.file.midi = absolutePath(stem + ".mid");
            out.file.file = absolutePath(stem + ".wav");
            out.file.longestSharedRun = made[i].longestSharedRun;
            out.file.score = made[i].score;
            out.file.watermark = watermarks[i];
            audio::writeMidiFile(out.file.midi, made[i].melody, request.gmProgram);
            out.midiNotesSha256 = audio::readMidiFile(out.file.midi).notesSha256;
            // Generated audio carries a watermark naming its render (docs/WATERMARK.md).
            std::vector<std::vector<float>> audio =
                renderVariation(made[i].melody, request, *instrument, voice.get());
            audio::embedWatermark(audio, request.sampleRate,
                                  audio::parseWatermarkPayloadText(out.file.watermark));
            out.pcmSha256 = audio::writeAudio(out.file.file, audio, request.sampleRate);
            written[i] = std::move(out);

            std::lock_guard<std::mutex> lock(instrumentsMutex);
            idleInstruments.push_back(std::move(instrument));
        },
        nullptr, progress);

    for (std::optional<Written>& out : written) {
        if (!out)
            continue; // cancelled before it started
        VariationFile& file = out->file;
        file.midiRender =
            registry.addRender({"variation-midi", file.midi, out->midiNotesSha256, lineage, ""}).id;
        file.render =
            registry.addRender({"variation", file.file, out->pcmSha256, lineage, file.watermark})
                .id;
        result.variations.push_back(std::move(file));
    }
    indexNewRecordings(registry);
    return result;
}

} // namespace accord::workflows
