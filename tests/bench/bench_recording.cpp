// Recording round trip: how far a take lands from what the performer heard, in samples.
//
// A real recording (alsa/Front_Center.wav, speech) plays on a track; the engine's output comes
// back as its input after a simulated round trip: two device buffers (what a device reports) plus
// a converter delay it does not report (37 frames, a typical ADC+DAC filter delay). The armed
// track records it, and the take's offset from what played at its position is measured by
// cross-correlation over ±(latency + 100) samples, independently of how the engine compensates.
// Side by side, per sample rate and block size:
//   - no compensation (the take placed where it was captured),
//   - the device's reported latency alone (the two buffers),
//   - reported + the manual offset of Preferences (the 37 frames),
// with the time Engine::process took per second recorded (playback + capture into the ring; the
// worker writes the file on its own thread meanwhile).
// No ALSA loopback here (no /dev/snd; snd-aloop cannot be loaded in this container), so the
// device is simulated by driving Engine::process as a device would.

#include "accord/audio/audio_io.h"
#include "accord/audio/engine.h"

#include "bench_common.h"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <vector>

namespace {

constexpr int kHiddenConverterDelay = 37;
constexpr double kSecondsRecorded = 2.0;

// The lag (take against played) with the largest normalised correlation over `window` samples
// from `from`.
int measuredLag(const std::vector<float>& take, const std::vector<float>& played,
                std::int64_t position, int maxLag, std::size_t from, std::size_t window) {
    int best = 0;
    double bestScore = -2.0;
    for (int lag = -maxLag; lag <= maxLag; ++lag) {
        double dot = 0, takeEnergy = 0, playedEnergy = 0;
        for (std::size_t k = from; k < from + window && k < take.size(); ++k) {
            const std::int64_t at = position + std::int64_t(k) - lag;
            const float p =
                at >= 0 && at < std::int64_t(played.size()) ? played[std::size_t(at)] : 0.0f;
            dot += double(take[k]) * p;
            takeEnergy += double(take[k]) * take[k];
            playedEnergy += double(p) * p;
        }
        const double score =
            takeEnergy > 0 && playedEnergy > 0 ? dot / std::sqrt(takeEnergy * playedEnergy) : -1;
        if (score > bestScore) {
            bestScore = score;
            best = lag;
        }
    }
    return best;
}

struct Outcome {
    int lag = 0;
    double engineSecondsPerSecond = 0;
};

// Records `kSecondsRecorded` through a round trip of `trueLatency` frames, compensating
// `compensated` frames; returns the take's measured lag.
Outcome recordOnce(const accord::Project& project, const std::vector<float>& played, int block,
                   int trueLatency, int compensated, const std::string& folder) {
    accord::audio::Engine engine;
    engine.setProject(project);
    engine.setRecordArms({{"vocal", "Vocal", 0, 1, true, false}});
    engine.setRecordingOffset(compensated);
    const std::int64_t start = 6000;
    engine.seek(start);
    engine.play();
    engine.startRecording(folder, false);
    const auto size = static_cast<std::size_t>(block);
    std::vector<float> left(size), right(size), input(size);
    std::vector<float> history;
    float* outputs[2] = {left.data(), right.data()};
    const float* inputs[1] = {input.data()};
    const auto frames = std::int64_t(kSecondsRecorded * project.sampleRate);
    const double seconds = accord::bench::secondsOf([&] {
        for (std::int64_t done = 0; done < frames; done += block) {
            for (int i = 0; i < block; ++i) {
                const std::int64_t at = std::int64_t(history.size()) + i - trueLatency;
                input[std::size_t(i)] = at >= 0 ? history[std::size_t(at)] : 0.0f;
            }
            engine.process(inputs, 1, outputs, 2, block);
            history.insert(history.end(), left.begin(), left.end());
        }
    });
    const accord::audio::RecordingResult result = engine.stopRecording();
    if (result.takes.size() != 1) {
        std::fprintf(stderr, "expected one take, got %zu\n", result.takes.size());
        std::exit(1);
    }
    const auto take = accord::audio::readAudio(result.takes[0].file);
    std::filesystem::remove(result.takes[0].file);
    Outcome outcome;
    outcome.lag = measuredLag(take.channels[0], played, result.takes[0].position, trueLatency + 100,
                              std::size_t(project.sampleRate / 4), 8192);
    outcome.engineSecondsPerSecond = seconds / kSecondsRecorded;
    return outcome;
}

} // namespace

int main() {
    const std::string material = accord::bench::materialRoot() + "/alsa/Front_Center.wav";
    if (!std::filesystem::exists(material)) {
        std::fprintf(stderr, "missing %s: run scripts/fetch-material.sh\n", material.c_str());
        return 1;
    }
    const std::string folder = accord::bench::scratchFolder("bench_recording");
    std::printf("Recording round trip: take offset from what was heard (samples, measured by "
                "cross-correlation)\n");
    std::printf("round trip = 2 buffers (reported) + %d frames (converter delay, unreported)\n\n",
                kHiddenConverterDelay);
    std::printf("  %6s %6s %8s | %10s %14s %16s | %s\n", "rate", "block", "latency", "no comp.",
                "reported only", "reported+offset", "process() per s recorded");
    int worst = 0;
    for (int rate : {44100, 48000, 96000}) {
        accord::Project project;
        project.sampleRate = rate;
        accord::Track backing;
        backing.id = "backing";
        accord::Clip clip;
        clip.id = "c1";
        clip.file = material;
        clip.length = std::int64_t(3.0 * rate);
        backing.clips.push_back(clip);
        accord::Track vocal;
        vocal.id = "vocal";
        project.tracks = {backing, vocal};
        // What the timeline plays: the backing track alone, rendered by the engine itself.
        std::vector<float> played;
        {
            accord::audio::Engine engine;
            engine.setProject(project);
            engine.play();
            std::vector<float> left(1024), right(1024);
            float* outputs[2] = {left.data(), right.data()};
            for (std::int64_t done = 0; done < clip.length + rate; done += 1024) {
                engine.process(outputs, 2, 1024);
                played.insert(played.end(), left.begin(), left.end());
            }
        }
        for (int block : {64, 128, 256, 512, 1024}) {
            const int reported = 2 * block;
            const int latency = reported + kHiddenConverterDelay;
            const Outcome none = recordOnce(project, played, block, latency, 0, folder);
            const Outcome deviceOnly =
                recordOnce(project, played, block, latency, reported, folder);
            const Outcome withOffset = recordOnce(project, played, block, latency, latency, folder);
            worst = std::max(worst, std::abs(withOffset.lag));
            std::printf("  %6d %6d %8d | %10d %14d %16d | %.4f s\n", rate, block, latency, none.lag,
                        deviceOnly.lag, withOffset.lag, withOffset.engineSecondsPerSecond);
        }
    }
    std::filesystem::remove_all(folder);
    std::printf("\nworst error with the offset: %d samples\n", worst);
    return worst == 0 ? 0 : 1;
}
