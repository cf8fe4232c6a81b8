// Variations end to end, as `accord-cli vary` makes them (workflows::makeVariations): 8
// variations of a 16-bar phrase generated, rendered with a FluidSynth instrument, watermarked,
// written as WAV and MIDI and registered; the goal is 2 s or less. Side by side, the same MIDI
// files rendered by the `fluidsynth` command-line synthesiser (the peer for the rendering part),
// and the generation alone (models::vary).
//
// The style model is trained here on abcmidi's tunes (scripts/fetch-material.sh) with the
// default width and a short schedule: its speed, not its quality, is measured (bench_style
// measures quality). Knobs: ACCORD_BENCH_STEPS (150), ACCORD_BENCH_RUNS (3).

#include "accord/audio/instrument.h"
#include "accord/audio/midi_file.h"
#include "accord/core/errors.h"
#include "accord/core/registry.h"
#include "accord/models/style_model.h"
#include "accord/workflows/style.h"

#include "bench_common.h"

#include <filesystem>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using namespace accord;

namespace {

// The first 16 bars of the tune with the longest line: the phrase.
Melody sixteenBars(const std::vector<std::string>& tunes) {
    Melody longest;
    for (const std::string& tune : tunes)
        for (const Melody& line : audio::readMidiFile(tune).lines)
            if (line.notes.size() > longest.notes.size())
                longest = line;
    const double end = 16.0 * longest.beatsPerBar * 4.0 / longest.beatUnit;
    Melody phrase = longest;
    phrase.notes.clear();
    for (const Note& note : longest.notes)
        if (note.start + note.length <= end)
            phrase.notes.push_back(note);
    return phrase;
}

} // namespace

int main() {
    const std::string abc = bench::materialRoot() + "/melodies/abc";
    std::vector<std::string> tunes;
    for (const auto& entry : fs::directory_iterator(abc)) {
        if (entry.path().extension() != ".mid")
            continue;
        try {
            audio::readMidiFile(entry.path().string());
            tunes.push_back(entry.path().string());
        } catch (const BadInput&) {
            // drums only: no melody to learn from
        }
    }
    std::sort(tunes.begin(), tunes.end());
    if (tunes.size() < 8) {
        std::fprintf(stderr,
                     "bench_variations: the abc tunes are missing in %s: run "
                     "scripts/fetch-material.sh\n",
                     abc.c_str());
        return 1;
    }
    const std::string folder = bench::scratchFolder("bench_variations");
    auto registry = Registry::open(folder + "/reg.sqlite");
    const Holder ada = registry->addHolder("Ada", "");
    NewGrant train{ada.id, Scope::TrainStyle, std::nullopt, std::nullopt, {}};
    registry->addGrant(train);
    NewGrant generate{ada.id, Scope::Generate, std::nullopt, std::nullopt, {}};
    registry->addGrant(generate);

    workflows::StyleTrainingRequest training;
    training.owner = ada.id;
    training.outFile = folder + "/ada.accordstyle";
    training.maxSteps = int(bench::envNumber("ACCORD_BENCH_STEPS", 150));
    for (const std::string& tune : tunes) {
        NewAsset asset;
        asset.owner = ada.id;
        const audio::MidiFileContent midi = audio::readMidiFile(tune);
        asset.identity = {midi.fileSha256, midi.notesSha256, midi.durationSeconds, 0, 0};
        asset.kind = AssetKind::Midi;
        asset.path = tune;
        training.assets.push_back(registry->addAsset(asset).asset.id);
    }
    double trainSeconds =
        bench::secondsOf([&] { workflows::trainStyleModel(*registry, training); });

    const Melody phrase = sixteenBars(tunes);
    const std::string phraseFile = folder + "/phrase.mid";
    audio::writeMidiFile(phraseFile, phrase);
    {
        NewAsset asset;
        asset.owner = ada.id;
        const audio::MidiFileContent midi = audio::readMidiFile(phraseFile);
        asset.identity = {midi.fileSha256, midi.notesSha256, midi.durationSeconds, 0, 0};
        asset.kind = AssetKind::Midi;
        asset.path = phraseFile;
        registry->addAsset(asset);
    }

    workflows::VariationsRequest request;
    request.modelFile = training.outFile;
    request.input = phraseFile;
    request.variation.count = 8;
    request.variation.stray = 0.5;
    const int runs = int(bench::envNumber("ACCORD_BENCH_RUNS", 3));
    int run = 0;
    std::vector<workflows::VariationFile> made;
    std::vector<double> cpuSeconds;
    const bench::Timing whole = bench::repeat(runs, [&] {
        request.outDir = folder + "/run-" + std::to_string(run++);
        request.variation.seed = std::uint64_t(run);
        const double cpuBefore = bench::processCpuSeconds();
        made = workflows::makeVariations(*registry, request).variations;
        cpuSeconds.push_back(bench::processCpuSeconds() - cpuBefore);
    });

    const models::StyleModel model = models::loadStyleModel(training.outFile);
    models::VariationRequest alone = request.variation;
    alone.phrase = phrase;
    const bench::Timing generation =
        bench::repeat(runs, [&] { models::vary(model, alone, models::OriginalityIndex()); });

    const std::string soundfont = audio::instrumentSoundfontPath();
    const bench::Timing peer = bench::repeat(runs, [&] {
        for (std::size_t i = 0; i < made.size(); ++i) {
            const std::string command = "fluidsynth -ni -q -r 44100 -F '" + folder + "/peer-" +
                                        std::to_string(i) + ".wav' '" + soundfont + "' '" +
                                        made[i].midi + "' >/dev/null 2>&1";
            if (std::system(command.c_str()) != 0) {
                std::fprintf(stderr, "bench_variations: fluidsynth failed\n");
                std::exit(1);
            }
        }
    });

    std::printf("Variations: 8 of a 16-bar phrase (%zu notes, %.1f s at its tempo), %zu "
                "training tunes, style model trained %d steps in %.1f s\n",
                phrase.notes.size(),
                secondsAtBeat(phrase, phrase.notes.back().start + phrase.notes.back().length),
                tunes.size(), training.maxSteps, trainSeconds);
    bench::report("makeVariations (generate, render, watermark, write, register)", whole, "s", 1);
    bench::report("  its CPU time, all threads", bench::timingOf(cpuSeconds), "s", 1);
    bench::report("  of which models::vary (generation alone)", generation, "s", 1);
    bench::report("peer: fluidsynth CLI rendering the same 8 MIDI files", peer, "s", 1);
    std::printf("  goal: 8 variations generated and rendered in <= 2 s: %s\n",
                whole.median <= 2.0 ? "met" : "NOT met");
    std::error_code ignored;
    fs::remove_all(folder, ignored);
    return 0;
}
