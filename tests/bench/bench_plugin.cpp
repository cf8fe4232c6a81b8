// Accord Voice benchmark (issue 21; docs/PLUGIN.md): the built VST3 hosted by JUCE at 48 kHz in
// 128-frame blocks on a real recording (fillets-cs, a low male voice, repeated), with a voice
// model of the default size trained for a few steps (the cost of a frame does not depend on the
// training). Side by side with the alternative, the engine's live node alone (models::LiveVoice
// on one thread, as bench_live_voice runs it):
//   - per block, wall and thread CPU time of the call (mean, p99, worst): LiveVoice::process; the
//   plugin's
//     processBlock in an offline bounce (which waits for the worker, so it carries the node's
//     work) and in real time (what the host's audio thread pays);
//   - CPU per instance: the process's CPU time per second of audio (the plugin's worker runs the
//     node and, with two cores, its standby clone), and so how many instances one core carries;
//   - N instances in real time on one audio thread: CPU % of one core;
//   - the latency reported to the host against the node's own;
//   - the watermark's cost (docs/PLUGIN.md "What it makes is marked"): the live node with the
//     mark (audio::markedStreamProcessor, as the plugin's worker runs it) beside the node alone.
// Knobs: ACCORD_BENCH_SECONDS (20), ACCORD_BENCH_CHANNELS (0: the default width),
// ACCORD_BENCH_INSTANCES (8).

#include "bench_common.h"
#include "plugin_hosting.h"

#include "accord/audio/audio_file.h"
#include "accord/audio/marked_stream.h"
#include "accord/audio/media.h"
#include "accord/core/registry.h"
#include "accord/models/live_voice.h"
#include "accord/models/voice_model.h"
#include "accord/workflows/train.h"

#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <numeric>
#include <string>
#include <thread>
#include <vector>

using namespace accord;
using bench::envNumber;
using bench::processCpuSeconds;
using bench::threadCpuSeconds;

namespace {

constexpr int kRate = 48000;
constexpr int kBlock = 128;
constexpr int kTrainingSteps = 5;

// Per block: the call's wall time and the calling thread's CPU time (on a busy machine the wall
// time also counts the time the thread waited for a core).
struct BlockTimes {
    std::vector<double> wall, cpu;
    template <typename Work> void time(Work&& work) {
        const auto start = std::chrono::steady_clock::now();
        const double cpuStart = threadCpuSeconds();
        work();
        cpu.push_back(threadCpuSeconds() - cpuStart);
        wall.push_back(
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    }
    static void line(const char* what, std::vector<double> sorted) {
        std::sort(sorted.begin(), sorted.end());
        const double mean =
            std::accumulate(sorted.begin(), sorted.end(), 0.0) / double(sorted.size());
        const double p99 = sorted[std::size_t(0.99 * double(sorted.size() - 1))];
        std::printf("  %-44s mean %7.1f us   p99 %7.1f us   worst %8.1f us\n", what, 1e6 * mean,
                    1e6 * p99, 1e6 * sorted.back());
    }
    void report(const char* what) const {
        line((std::string(what) + ", wall").c_str(), wall);
        line((std::string(what) + ", thread CPU").c_str(), cpu);
    }
};

void reportCpu(const char* what, double cpuSeconds, double audioSeconds) {
    const double share = cpuSeconds / audioSeconds;
    std::printf("  %-44s %5.1f%% of one core per instance: %.0f instances per core\n", what,
                100.0 * share, share > 0 ? 1.0 / share : 0.0);
}

// Blocks of the input through the plugin; `paced` waits for each block's time as a real-time
// host does.
void run(std::vector<std::unique_ptr<juce::AudioPluginInstance>>& plugins,
         const std::vector<float>& input, bool paced, BlockTimes& times) {
    juce::AudioBuffer<float> buffer(2, kBlock);
    juce::MidiBuffer midi;
    const auto period = std::chrono::microseconds(1'000'000LL * kBlock / kRate);
    auto due = std::chrono::steady_clock::now();
    for (std::size_t done = 0; done + kBlock <= input.size(); done += kBlock) {
        if (paced) {
            due += period;
            std::this_thread::sleep_until(due);
        }
        times.time([&] {
            for (auto& plugin : plugins) {
                for (int c = 0; c < 2; ++c)
                    buffer.copyFrom(c, 0, input.data() + done, kBlock);
                plugin->processBlock(buffer, midi);
            }
        });
    }
}

} // namespace

int main() {
    const double seconds = envNumber("ACCORD_BENCH_SECONDS", 20);
    const int channels = int(envNumber("ACCORD_BENCH_CHANNELS", 0));
    const int instances = int(envNumber("ACCORD_BENCH_INSTANCES", 8));
    const std::string root = bench::materialRoot() + "/fillets-cs/barrel/cs/";
    const std::string take1 = root + "bar-v-krab.ogg", take2 = root + "bar-v-genofond.ogg";
    if (!std::filesystem::exists(take1) || !std::filesystem::exists(take2)) {
        std::printf("no fillets-cs material under %s: run scripts/fetch-material.sh\n",
                    bench::materialRoot().c_str());
        return 1;
    }
    const juce::ScopedJuceInitialiser_GUI juce;

    // A registry the plugin finds, with a voice model its owner allows to sing.
    const std::string folder = bench::scratchFolder("bench-plugin");
    const std::string registryPath = folder + "/registry.sqlite";
    setenv("ACCORD_REGISTRY", registryPath.c_str(), 1);
    const std::unique_ptr<Registry> registry = Registry::open(registryPath);
    const std::string ada = registry->addHolder("Ada", "").id;
    NewAsset asset;
    asset.owner = ada;
    asset.identity = audio::identifyAudioFile(take1);
    asset.path = take1;
    const std::string take = registry->addAsset(asset).asset.id;
    for (Scope scope : {Scope::TrainVoice, Scope::Generate}) {
        NewGrant grant;
        grant.holder = ada;
        grant.scope = scope;
        registry->addGrant(grant);
    }
    workflows::VoiceTrainingRequest training;
    training.owner = ada;
    training.assets = {take};
    training.outFile = folder + "/ada.accordvoice";
    training.maxSteps = kTrainingSteps;
    training.channels = channels;
    const std::string modelFile = workflows::trainVoiceModel(*registry, training).file;

    const auto media = audio::loadMedia(take2, kRate);
    std::vector<float> input;
    while (double(input.size()) < seconds * kRate)
        input.insert(input.end(), media->channels[0].begin(), media->channels[0].end());
    const double audioSeconds = double(input.size() / kBlock * kBlock) / kRate;
    std::printf("Accord Voice benchmark: %.0f s of a real recording, 48 kHz, %d-frame blocks, "
                "model width %s\n",
                audioSeconds, kBlock, channels > 0 ? std::to_string(channels).c_str() : "default");

    // ---- the alternative: the engine's live node alone, on this thread; and with the mark ----
    const models::VoiceModel model = models::VoiceModel::load(modelFile);
    for (const bool marked : {false, true}) {
        std::shared_ptr<dsp::StreamProcessor> live = std::make_shared<models::LiveVoice>(model);
        if (marked)
            live = audio::markedStreamProcessor(std::move(live), 0x2au);
        live->prepare(kRate, kBlock);
        std::vector<float> out(kBlock);
        BlockTimes times;
        const double cpu = processCpuSeconds();
        for (std::size_t done = 0; done + kBlock <= input.size(); done += kBlock) {
            times.time([&] { live->process(input.data() + done, out.data(), kBlock); });
        }
        std::printf("live node %s (latency %d frames, %.1f ms)\n",
                    marked ? "and the mark (audio::markedStreamProcessor)"
                           : "alone (models::LiveVoice)",
                    live->latencyFrames(), 1000.0 * live->latencyFrames() / kRate);
        times.report(marked ? "LiveVoice and the mark" : "LiveVoice::process");
        reportCpu("CPU", processCpuSeconds() - cpu, audioSeconds);
    }

    // ---- the plugin, hosted ----
    test::PluginHost host;
    const auto loadVoice = [&](bool nonRealtime) {
        auto plugin = host.load("VST3", kRate, kBlock);
        if (!plugin || !test::PluginHost::chooseVoice(*plugin, modelFile)) {
            std::printf("the built VST3 cannot be loaded\n");
            std::exit(1);
        }
        plugin->enableAllBuses();
        plugin->setNonRealtime(nonRealtime);
        plugin->prepareToPlay(kRate, kBlock);
        return plugin;
    };
    {
        std::vector<std::unique_ptr<juce::AudioPluginInstance>> plugins;
        plugins.push_back(loadVoice(true));
        BlockTimes times;
        const double cpu = processCpuSeconds();
        run(plugins, input, false, times);
        const double used = processCpuSeconds() - cpu;
        const int latency = test::PluginHost::reportedLatency(*plugins[0], 10'000);
        std::printf("Accord Voice (VST3), offline bounce (latency reported %d frames, %.1f ms)\n",
                    latency, 1000.0 * latency / kRate);
        times.report("processBlock (waits for the node)");
        reportCpu("CPU (node and standby)", used, audioSeconds);
    }
    {
        std::vector<std::unique_ptr<juce::AudioPluginInstance>> plugins;
        plugins.push_back(loadVoice(false));
        BlockTimes times;
        const double cpu = processCpuSeconds();
        run(plugins, input, true, times);
        std::printf("Accord Voice (VST3), real time\n");
        times.report("processBlock (the audio thread)");
        reportCpu("CPU (node and standby)", processCpuSeconds() - cpu, audioSeconds);
    }
    for (int count = 2; count <= instances; count *= 2) {
        std::vector<std::unique_ptr<juce::AudioPluginInstance>> plugins;
        for (int i = 0; i < count; ++i)
            plugins.push_back(loadVoice(false));
        BlockTimes times;
        const double cpu = processCpuSeconds();
        run(plugins, input, true, times);
        const double share = (processCpuSeconds() - cpu) / audioSeconds;
        std::printf("%d instances, real time: %.0f%% of one core in all, %.0f%% each\n", count,
                    100.0 * share, 100.0 * share / count);
        times.report("all processBlock calls");
    }
    std::filesystem::remove_all(folder);
    return 0;
}
