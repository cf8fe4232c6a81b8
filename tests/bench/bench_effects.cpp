// Callback cost of effects (docs/ARCHITECTURE.md "Signal flow"): the 64 dense tracks of
// bench_realtime at 48 kHz in 128-frame blocks, each with a 4-band EQ (every band boosting or
// cutting) and a send to the reverb bus, the master fader off 0 dB, against the same 64 tracks
// without effects, and the same effects with the master limiter on (at -6 dBTP, so it works on
// this mix) beside them. The callbacks are paced like a device's; mean, p99.9 and worst per block
// are printed as a share of the 2.67 ms budget, as wall time and as the callback thread's CPU time.
// Beside it, a real alternative: sox applying the same EQ (bass, 2 x equalizer, treble) and a
// reverb to one track's worth of audio, timed per second of audio and scaled to 64 tracks and
// one reverb (sox also decodes and writes files: an upper bound for its DSP).

#include "accord/audio/audio_io.h"
#include "accord/audio/engine.h"
#include "accord/audio/media.h"

#include "bench_common.h"
#include "dense_project.h"

#include <pthread.h>
#include <sched.h>
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

namespace {

using accord::bench::summarise;
using accord::bench::Summary;
using accord::bench::threadCpuSeconds;

constexpr int kTracks = 64;
constexpr int kRate = 48000;
constexpr int kBlock = 128;
constexpr double kBudgetMs = 1000.0 * kBlock / kRate;

void print(const char* what, const Summary& s) {
    std::printf("  %-34s mean %6.4f ms (%5.2f%%)  p99.9 %6.4f ms (%5.2f%%)  worst %6.4f ms "
                "(%5.2f%%)\n",
                what, s.mean, 100 * s.mean / kBudgetMs, s.p999, 100 * s.p999 / kBudgetMs, s.worst,
                100 * s.worst / kBudgetMs);
}

// The callbacks of measure(), on the calling thread.
void pace(accord::audio::Engine& engine, double seconds, std::vector<double>& wall,
          std::vector<double>& cpu) {
    std::vector<float> left(kBlock), right(kBlock);
    float* outputs[2] = {left.data(), right.data()};
    const int blocks = int(seconds * kRate / kBlock);
    using Clock = std::chrono::steady_clock;
    const auto period = std::chrono::duration_cast<Clock::duration>(
        std::chrono::duration<double>(double(kBlock) / kRate));
    Clock::time_point next = Clock::now();
    for (int b = 0; b < blocks; ++b) {
        const Clock::time_point start = Clock::now();
        const double cpuStart = threadCpuSeconds();
        engine.process(outputs, 2, kBlock);
        cpu.push_back(1e3 * (threadCpuSeconds() - cpuStart));
        wall.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
        next += period;
        std::this_thread::sleep_until(next);
    }
}

// Plays `project` for `seconds` in paced 128-frame callbacks on a thread at real-time priority
// when the system allows it (as a device's); wall and CPU ms per callback. Returns whether the
// priority was granted.
bool measure(const accord::Project& project, double seconds, std::vector<double>& wall,
             std::vector<double>& cpu) {
    accord::audio::Engine engine;
    engine.setProject(project);
    engine.play();
    bool realtime = false;
    std::thread audio([&] {
        sched_param param{};
        param.sched_priority = std::min(80, sched_get_priority_max(SCHED_FIFO));
        realtime = pthread_setschedparam(pthread_self(), SCHED_FIFO, &param) == 0;
        pace(engine, seconds, wall, cpu);
    });
    audio.join();
    return realtime;
}

accord::Project withEffects(accord::Project project) {
    for (auto& track : project.tracks) {
        accord::TrackEq eq = accord::TrackEq::standard();
        eq.bands[0].gainDb = -3;
        eq.bands[1].gainDb = 4;
        eq.bands[2].gainDb = -2;
        eq.bands[2].q = 2;
        eq.bands[3].gainDb = 3;
        track.eq = eq;
        track.reverbSendDb = -12;
    }
    project.masterGainDb = -6;
    project.reverb.roomSize = 0.6;
    return project;
}

// sox's time for `effects` on `input`, per second of its audio (best of three runs).
double soxSecondsPerSecond(const std::string& input, const std::string& output,
                           const std::string& effects, double audioSeconds) {
    const std::string command = "sox -D '" + input + "' '" + output + "' " + effects;
    double best = 1e9;
    for (int run = 0; run < 3; ++run)
        best = std::min(best, accord::bench::secondsOf([&] {
                            if (std::system(command.c_str()) != 0)
                                std::printf("  (sox failed: %s)\n", command.c_str());
                        }));
    return best / audioSeconds;
}

} // namespace

int main() {
    const std::vector<std::string> files = accord::bench::denseMaterial();
    if (files.size() < 4) {
        std::printf("bench_effects: recordings missing in %s: run scripts/fetch-material.sh\n",
                    accord::bench::materialRoot().c_str());
        return 0;
    }
    const double seconds = accord::bench::envNumber("ACCORD_BENCH_SECONDS", 15.0);
    const accord::Project plain = accord::bench::denseProject(files, kTracks, kRate, seconds, 0);
    const accord::Project effects = withEffects(plain);
    accord::audio::prepareProjectMedia(plain);

    std::printf("Effects: %d dense tracks, %d Hz, %d-frame blocks (budget %.3f ms), %.0f s each, "
                "paced\n",
                kTracks, kRate, kBlock, kBudgetMs, seconds);
    accord::Project limited = effects;
    limited.limiter = {true, -6.0};
    std::vector<double> plainWall, plainCpu, fxWall, fxCpu, limitedWall, limitedCpu;
    const bool realtime = measure(plain, seconds, plainWall, plainCpu);
    measure(effects, seconds, fxWall, fxCpu);
    measure(limited, seconds, limitedWall, limitedCpu);
    std::printf("  callback thread: %s\n",
                realtime ? "SCHED_FIFO" : "normal priority (SCHED_FIFO not permitted)");
    print("no effects, wall", summarise(plainWall));
    print("no effects, thread CPU", summarise(plainCpu));
    print("4-band EQ + send each, wall", summarise(fxWall));
    print("4-band EQ + send each, thread CPU", summarise(fxCpu));
    print("the same + master limiter, wall", summarise(limitedWall));
    print("the same + master limiter, CPU", summarise(limitedCpu));
    const double added = summarise(fxCpu).mean - summarise(plainCpu).mean;
    std::printf("  effects add %.4f ms per callback (%.2f%% of the budget): %.2f us per track "
                "per block\n",
                added, 100 * added / kBudgetMs, 1e3 * added / kTracks);
    const double limiter = summarise(limitedCpu).mean - summarise(fxCpu).mean;
    std::printf("  the master limiter adds %.4f ms per callback (%.2f%% of the budget)\n", limiter,
                100 * limiter / kBudgetMs);

    // The alternative: sox on one track's worth of real audio (a minute of the material).
    const std::string scratch = accord::bench::scratchFolder("accord-bench-effects");
    std::vector<std::vector<float>> track(2);
    for (std::size_t f = 0; track[0].size() < std::size_t(60 * kRate); ++f) {
        const auto media = accord::audio::loadMedia(files[f % files.size()], kRate);
        for (int c = 0; c < 2; ++c) {
            const auto& channel =
                media->channels[std::min<std::size_t>(std::size_t(c), media->channels.size() - 1)];
            track[std::size_t(c)].insert(track[std::size_t(c)].end(), channel.begin(),
                                         channel.end());
        }
    }
    const double audioSeconds = double(track[0].size()) / kRate;
    const std::string input = scratch + "/track.wav", output = scratch + "/out.wav";
    accord::audio::writeAudio(input, track, kRate);
    const double copy = soxSecondsPerSecond(input, output, "", audioSeconds);
    const double eq = soxSecondsPerSecond(
        input, output,
        "bass -3 100 0.71q equalizer 400 1q 4 equalizer 2500 2q -2 treble 3 8000 0.71q",
        audioSeconds);
    const double reverb = soxSecondsPerSecond(input, output, "reverb 60", audioSeconds);
    std::filesystem::remove_all(scratch);
    const double perBlock = 1e3 * double(kBlock) / kRate; // ms of audio per block
    const double soxEq = std::max(0.0, eq - copy), soxReverb = std::max(0.0, reverb - copy);
    std::printf("  sox, per second of one stereo track: copy %.2f ms, EQ x4 %.2f ms, reverb "
                "%.2f ms\n",
                1e3 * copy, 1e3 * eq, 1e3 * reverb);
    const double soxBlock = perBlock * (kTracks * soxEq + soxReverb);
    std::printf("  sox scaled to 64 EQs + 1 reverb (its file copy subtracted): %.4f ms per "
                "%d-frame block (%.2f%% of the budget), against Accord's added %.4f ms\n",
                soxBlock, kBlock, 100 * soxBlock / kBudgetMs, added);
    return 0;
}
