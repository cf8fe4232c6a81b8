// Style model training end to end, as `accord-cli train style` runs it
// (workflows::trainStyleModel): the goal is a usable model from 30 minutes of melodies in
// 5 minutes or less on this 2-core machine (issue 13, docs/STYLE.md "Training time"). The
// melodies are abcmidi's tunes and mma's songs (scripts/fetch-material.sh), their lines taken in
// turns (every file's first line, then every file's second) up to ACCORD_BENCH_TRAINING_MINUTES
// (30), each registered as a stem of its own: played by FluidSynth with General MIDI program
// ACCORD_BENCH_PROGRAM (73, flute) and written as a WAV file, or, with ACCORD_BENCH_STEMS=midi, as
// a MIDI file. Printed: the wall and CPU time of the whole call, what the model card says its
// training took (preparing, steps, validation, saving), and the rest (reading and transcribing
// the stems); beside it the peer, aubio's `aubionotes` transcribing the same stems (the reading
// of audio into notes alone). ACCORD_BENCH_STEPS (0: the default schedule), ACCORD_BENCH_RUNS
// (1): trainings of the same request, each from scratch, ACCORD_BENCH_MINUTES (5: `--max-minutes`,
// the whole call's budget).

#include "accord/audio/audio_file.h"
#include "accord/audio/audio_io.h"
#include "accord/audio/instrument.h"
#include "accord/audio/midi_file.h"
#include "accord/core/errors.h"
#include "accord/core/melody.h"
#include "accord/core/registry.h"
#include "accord/workflows/style.h"

#include "bench_common.h"
#include "training_lines.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using namespace accord;

namespace {

constexpr int kRenderRate = 44100;
constexpr std::size_t kMinimumLineNotes = 16; // as bench_style's training lines

// Every melodic line of both sources' MIDI files, in turns, up to `minutes` of music.
std::vector<Melody> linesUpTo(double minutes) {
    std::vector<std::vector<Melody>> files;
    for (const char* source : {"abc", "mma"}) {
        std::vector<fs::path> paths;
        for (const auto& entry :
             fs::directory_iterator(bench::materialRoot() + "/melodies/" + source))
            if (entry.path().extension() == ".mid")
                paths.push_back(entry.path());
        std::sort(paths.begin(), paths.end());
        for (const fs::path& path : paths) {
            std::vector<Melody> lines;
            try {
                for (Melody& line : audio::readMidiFile(path.string()).lines)
                    if (line.notes.size() >= kMinimumLineNotes)
                        lines.push_back(std::move(line));
            } catch (const BadInput&) {
                continue; // drums only: no melody
            }
            if (!lines.empty())
                files.push_back(std::move(lines));
        }
    }
    std::vector<Melody> taken;
    double seconds = 0;
    for (const Melody* line : bench::linesInTurns(files)) {
        if (seconds >= 60 * minutes)
            break;
        seconds += bench::lineSeconds(*line);
        taken.push_back(*line);
    }
    return taken;
}

} // namespace

int main() {
    if (!fs::is_directory(bench::materialRoot() + "/melodies/abc")) {
        std::printf("no melodies under %s (scripts/fetch-material.sh)\n",
                    bench::materialRoot().c_str());
        return 1;
    }
    const bool midiStems = std::getenv("ACCORD_BENCH_STEMS") &&
                           std::string(std::getenv("ACCORD_BENCH_STEMS")) == "midi";
    const int program = int(bench::envNumber("ACCORD_BENCH_PROGRAM", 73));
    const std::vector<Melody> lines =
        linesUpTo(bench::envNumber("ACCORD_BENCH_TRAINING_MINUTES", 30));

    const std::string folder = bench::scratchFolder("bench_style_training");
    auto registry = Registry::open(folder + "/reg.sqlite");
    const Holder ada = registry->addHolder("Ada", "");
    registry->addGrant({ada.id, Scope::TrainStyle, std::nullopt, std::nullopt, {}});
    workflows::StyleTrainingRequest request;
    request.owner = ada.id;
    request.maxSteps = int(bench::envNumber("ACCORD_BENCH_STEPS", 0));
    request.maxMinutes = bench::envNumber("ACCORD_BENCH_MINUTES", request.maxMinutes);
    double musicSeconds = 0;
    std::vector<std::string> stems;
    for (std::size_t i = 0; i < lines.size(); ++i) {
        musicSeconds += bench::lineSeconds(lines[i]);
        NewAsset asset;
        asset.owner = ada.id;
        asset.path = folder + "/line-" + std::to_string(i) + (midiStems ? ".mid" : ".wav");
        if (midiStems) {
            audio::writeMidiFile(asset.path, lines[i]);
            const audio::MidiFileContent midi = audio::readMidiFile(asset.path);
            asset.identity = {midi.fileSha256, midi.notesSha256, midi.durationSeconds, 0, 0};
            asset.kind = AssetKind::Midi;
        } else {
            audio::writeAudio(asset.path,
                              audio::renderMelodyWithInstrument(lines[i], program, kRenderRate),
                              kRenderRate);
            asset.identity = audio::identifyAudioFile(asset.path);
        }
        stems.push_back(asset.path);
        request.assets.push_back(registry->addAsset(asset).asset.id);
    }
    std::printf("%zu stems (%s), %.1f minutes of melodies\n", lines.size(),
                midiStems ? "MIDI files"
                          : ("GM program " + std::to_string(program) + " WAV").c_str(),
                musicSeconds / 60);

    const int runs = int(bench::envNumber("ACCORD_BENCH_RUNS", 1));
    for (int run = 0; run < runs; ++run) {
        request.outFile = folder + "/model-" + std::to_string(run) + ".accordstyle";
        const double cpuBefore = bench::processCpuSeconds();
        workflows::TrainedModel trained;
        const double wall =
            bench::secondsOf([&] { trained = workflows::trainStyleModel(*registry, request); });
        const double cpu = bench::processCpuSeconds() - cpuBefore;
        const nlohmann::json metrics = nlohmann::json::parse(trained.metricsJson);
        const nlohmann::json& timing = metrics["timing"];
        const auto phase = [&](const char* name) {
            return timing[std::string(name) + "Seconds"].get<double>();
        };
        const double training = timing["wallSeconds"].get<double>();
        std::printf(
            "\nrun %d: %d steps (best %d)%s, wall %.1f s, CPU %.1f s (goal: wall <= 300 s)\n"
            "  reading the stems (the rest): %.1f s\n"
            "  training (model card): %.1f s = preparing %.1f + steps %.1f + validation "
            "%.1f + saving %.1f; CPU %.1f s\n",
            run + 1, trained.steps, metrics.value("bestStep", 0),
            trained.stoppedByTimeLimit ? " STOPPED BY THE TIME LIMIT" : "", wall, cpu,
            wall - training, training, phase("preparing"), phase("stepping"), phase("validating"),
            phase("saving"), timing["cpuSeconds"].get<double>());
    }

    if (!midiStems) {
        const double wall = bench::secondsOf([&] {
            for (const std::string& stem : stems) {
                const std::string command = "aubionotes -i '" + stem + "' >/dev/null 2>&1";
                if (std::system(command.c_str()) != 0) {
                    std::fprintf(stderr, "bench_style_training: aubionotes failed\n");
                    std::exit(1);
                }
            }
        });
        std::printf("\npeer: aubionotes over the same %zu stems, one at a time: wall %.1f s\n",
                    stems.size(), wall);
    }
    fs::remove_all(folder);
    return 0;
}
