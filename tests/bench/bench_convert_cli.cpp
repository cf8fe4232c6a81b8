// `accord-cli convert` as a user runs it (issue 17): a new process per command, pinned to one
// core (`taskset -c 0`), re-singing a 60 s take of real speech, beside the same command run by
// `accord-cli-models`, which links LibTorch (what every convert paid before voice models ran in
// plain C++, docs/ARCHITECTURE.md "Startup cost of LibTorch"). The two alternate run by run, so
// they share the machine's load. Reported per binary: wall time of the whole command and real
// time over it (goal >= 100x), the child's CPU time, the conversion inside it (the command's
// `processing_seconds`), and the CPU time of `--version` alone (what loading the binary costs).
//
// Setup through the CLI as well: a registry, a holder, her high voice ("-m-" clips of
// fillets-ng-data-cs, ~30 s, trained for a few steps: the network's size, not its training, sets
// the conversion's cost) and the take (the low voice's "-v-" clips joined to 60 s).
// Knobs: ACCORD_BENCH_RUNS (5 per binary), ACCORD_BENCH_TAKE_SECONDS (60).

#include "bench_common.h"
#include "measured_child.h"

#include "accord/audio/audio_io.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

using accord::test::MeasuredChild;

// Runs `command` as a new process (stdout and stderr to files in `scratch`, read back), timing it
// from spawn to exit; stops the bench when it cannot start.
MeasuredChild run(const std::vector<std::string>& command, const std::string& scratch) {
    MeasuredChild result =
        accord::test::runMeasuredChild(command, scratch + "/stdout.txt", scratch + "/stderr.txt");
    if (result.exitCode == -1 && result.out.empty()) {
        std::fprintf(stderr, "%s\n", result.err.c_str());
        std::exit(1);
    }
    return result;
}

// Runs a setup command and returns its JSON; stops the bench when it fails.
nlohmann::json setup(const std::vector<std::string>& command, const std::string& scratch) {
    const MeasuredChild r = run(command, scratch);
    if (r.exitCode != 0) {
        std::fprintf(stderr, "setup failed (%d): %s\n%s%s\n", r.exitCode, command[4].c_str(),
                     r.out.c_str(), r.err.c_str());
        std::exit(1);
    }
    return nlohmann::json::parse(r.out);
}

// The clips of one fillets-ng-data-cs voice ("-m-" or "-v-" in the name), in a stable order.
std::vector<std::string> clipsOf(const std::string& voice) {
    std::vector<std::string> clips;
    const fs::path root = fs::path(accord::bench::materialRoot()) / "fillets-cs";
    for (const auto& entry : fs::recursive_directory_iterator(root))
        if (entry.path().extension() == ".ogg" &&
            entry.path().filename().string().find(voice) != std::string::npos)
            clips.push_back(entry.path().string());
    std::sort(clips.begin(), clips.end());
    return clips;
}

// The clips joined into one mono file of `seconds`, at their rate (22.05 kHz).
void join(const std::vector<std::string>& clips, double seconds, const std::string& out) {
    std::vector<float> joined;
    int rate = 0;
    for (const std::string& clip : clips) {
        const accord::audio::MonoAudio audio = accord::audio::readMonoAudio(clip);
        rate = audio.sampleRate;
        joined.insert(joined.end(), audio.samples.begin(), audio.samples.end());
        if (double(joined.size()) >= seconds * rate)
            break;
    }
    joined.resize(std::size_t(seconds * rate));
    accord::audio::writeMonoAudio(out, joined, rate);
}

struct Figures {
    std::vector<double> wall, cpu, processing;
};

double median(std::vector<double> values) {
    std::sort(values.begin(), values.end());
    return values[values.size() / 2];
}

} // namespace

int main() {
    const std::vector<std::string> high = clipsOf("-m-");
    const std::vector<std::string> low = clipsOf("-v-");
    if (high.empty() || low.empty()) {
        std::printf("bench_convert_cli: no fillets-cs recordings under %s "
                    "(scripts/fetch-material.sh); skipped\n",
                    accord::bench::materialRoot().c_str());
        return 0;
    }
    const int runs = int(accord::bench::envNumber("ACCORD_BENCH_RUNS", 5));
    const double takeSeconds = accord::bench::envNumber("ACCORD_BENCH_TAKE_SECONDS", 60);
    const std::string scratch = accord::bench::scratchFolder("bench_convert_cli");
    const std::string registry = scratch + "/registry.sqlite";
    const std::string light = ACCORD_CLI, heavy = ACCORD_CLI_MODELS;
    const auto cli = [&](std::vector<std::string> words) {
        words.insert(words.begin(), {light, "--registry", registry, "--json"});
        return words;
    };

    const std::string voice = scratch + "/voice.wav", take = scratch + "/take.wav";
    join(high, 30, voice);
    join(low, takeSeconds, take);
    const std::string ada = setup(cli({"holder", "add", "--name", "Ada"}), scratch)["holder"];
    const std::string voiceAsset =
        setup(cli({"asset", "add", voice, "--owner", ada}), scratch)["asset"];
    setup(cli({"asset", "add", take, "--owner", ada}), scratch);
    setup(cli({"grant", "add", "--holder", ada, "--all-assets", "--scope", "train-voice"}),
          scratch);
    setup(cli({"grant", "add", "--holder", ada, "--all-assets", "--scope", "generate"}), scratch);
    const std::string model = scratch + "/ada.accordvoice";
    setup(cli({"train", "voice", "--owner", ada, "--asset", voiceAsset, "--out", model, "--steps",
               "20"}),
          scratch);

    std::printf("accord-cli convert of a %.0f s take, one core (taskset -c 0), %d runs each, "
                "alternating\n",
                takeSeconds, runs);
    Figures figures[2];
    std::vector<double> startup[2];
    const std::string binaries[2] = {light, heavy};
    for (int i = 0; i < runs; ++i)
        for (int b = 0; b < 2; ++b) {
            const std::string out =
                scratch + "/sung-" + std::to_string(b) + "-" + std::to_string(i) + ".wav";
            const MeasuredChild r = run({"taskset", "-c", "0", binaries[b], "--registry", registry,
                                         "--json", "convert", "--model", model, take, out},
                                        scratch);
            if (r.exitCode != 0) {
                std::fprintf(stderr, "convert failed (%d): %s%s\n", r.exitCode, r.out.c_str(),
                             r.err.c_str());
                return 1;
            }
            figures[b].wall.push_back(r.wallSeconds);
            figures[b].cpu.push_back(r.cpuSeconds);
            figures[b].processing.push_back(
                nlohmann::json::parse(r.out).value("processing_seconds", 0.0));
            startup[b].push_back(
                run({"taskset", "-c", "0", binaries[b], "--version"}, scratch).cpuSeconds);
        }
    const char* names[2] = {"accord-cli (plain C++, no LibTorch)",
                            "accord-cli-models (links LibTorch)"};
    // On a busy machine the wall clock counts the time the command waited for its core; on an
    // idle core wall and CPU agree, so real time over CPU time is what a user's idle core gives.
    std::printf("  %-38s %8s %8s %8s %10s %12s %12s\n", "", "wall s", "x real", "CPU s",
                "x real CPU", "converting s", "--version CPU s");
    for (int b = 0; b < 2; ++b) {
        const double wall = median(figures[b].wall);
        const double cpu = median(figures[b].cpu);
        std::printf("  %-38s %8.3f %8.1f %8.3f %10.1f %12.3f %12.3f\n", names[b], wall,
                    takeSeconds / wall, cpu, takeSeconds / cpu, median(figures[b].processing),
                    median(startup[b]));
    }
    double load[3] = {0, 0, 0};
    if (getloadavg(load, 3) > 0)
        std::printf("  load average at the end: %.2f\n", load[0]);
    std::error_code ignored;
    fs::remove_all(scratch, ignored);
    return 0;
}
