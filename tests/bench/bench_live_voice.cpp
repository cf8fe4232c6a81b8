// Live voice benchmark (issue 5, "live"): a track of real speech (the high voice of
// fillets-ng-data-cs, "-m-" clips, one after another) runs through a voice model in the engine
// for 60 s of real time at 48 kHz in 128-frame blocks: an audio thread calls Engine::process at
// real-time pace while the engine's worker runs the model (models::LiveVoice). Reports:
//   - the latency the track adds (LiveVoice's own + the engine's reserve), in ms;
//   - underruns (blocks in which every worker was late) in those 60 s;
//   - per replica (the model and its standby clone on a second worker and core), wall and CPU
//     time per model hop (8 ms of audio) as % of real time, and the hops that took longer than
//     the reserve (a stall that one worker alone could not have ridden out);
//   - the same material through LiveVoice on one thread, and VoiceModel::convert (offline), as
//     multiples of real time;
//   - quality against offline conversion on held-out clips: median |f0(out) - f0(in)| in cents
//     and frame-level correlation for live and offline outputs, the log-spectral distance of
//     live to offline, and the time offset of the live output's envelope against the input's.
// Knobs: ACCORD_BENCH_MODEL (a voice model file; default: the untrained model),
// ACCORD_BENCH_SECONDS (60), ACCORD_BENCH_BLOCK (128; also Engine::setLiveBlockSize),
// ACCORD_BENCH_STANDBY (1; 0 runs the model without its standby, for comparison),
// ACCORD_BENCH_CLIPS (12 clips for the quality figures).

#include "bench_common.h"
#include "voice_measures.h"

#include "accord/audio/engine.h"
#include "accord/audio/media.h"
#include "accord/dsp/resample.h"
#include "accord/dsp/voice_features.h"
#include "accord/models/live_voice.h"
#include "accord/models/runtime.h"
#include "accord/models/voice_model.h"

#include <pthread.h>
#include <sched.h>
#include <time.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <numeric>
#include <string>
#include <thread>
#include <vector>

namespace fs = std::filesystem;
namespace an = accord::dsp::analysis;
using Clock = std::chrono::steady_clock;

namespace {

constexpr int kRate = 48000;
constexpr int kHostHop = kRate / an::kSampleRate * an::kHop; // 384: one model frame

using accord::bench::envNumber;
using accord::bench::materialRoot;
using accord::bench::percentile;

std::vector<std::string> highVoiceClips() {
    std::vector<std::string> files;
    const fs::path root = fs::path(materialRoot()) / "fillets-cs";
    if (!fs::is_directory(root))
        return files;
    for (const auto& entry : fs::recursive_directory_iterator(root))
        if (entry.is_regular_file() && entry.path().extension() == ".ogg" &&
            entry.path().filename().string().find("-m-") != std::string::npos)
            files.push_back(entry.path().string());
    std::sort(files.begin(), files.end());
    return files;
}

// Times every process() call of the model on the worker, summed per model hop of input. Its
// clone (the engine's standby, unless `standby` is false) times the inner clone.
class TimedProcessor final : public accord::dsp::StreamProcessor {
public:
    TimedProcessor(std::shared_ptr<accord::dsp::StreamProcessor> inner, bool standby)
        : inner_(std::move(inner)), standby_(standby) {}
    std::shared_ptr<accord::dsp::StreamProcessor> clone() const override {
        if (!standby_)
            return nullptr;
        clone_ = std::make_shared<TimedProcessor>(inner_->clone(), false);
        return clone_;
    }
    const TimedProcessor* standby() const { return clone_.get(); }
    void prepare(int sampleRate, int maxBlock) override {
        inner_->prepare(sampleRate, maxBlock);
        hops_.reserve(1 << 20);
        cpu_.reserve(1 << 20);
    }
    int latencyFrames() const override { return inner_->latencyFrames(); }
    void process(const float* in, float* out, int frames) override {
        const Clock::time_point start = Clock::now();
        const double cpuStart = threadSeconds();
        inner_->process(in, out, frames);
        current_ += std::chrono::duration<double>(Clock::now() - start).count();
        currentCpu_ += threadSeconds() - cpuStart;
        frames_ += frames;
        if (frames_ >= kHostHop && hops_.size() < hops_.capacity()) {
            hops_.push_back(current_);
            cpu_.push_back(currentCpu_);
            current_ = currentCpu_ = 0;
            frames_ -= kHostHop;
        }
    }
    const std::vector<double>& hops() const { return hops_; }
    const std::vector<double>& cpu() const { return cpu_; }

private:
    static double threadSeconds() {
        timespec now{};
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
        return double(now.tv_sec) + 1e-9 * double(now.tv_nsec);
    }
    std::shared_ptr<accord::dsp::StreamProcessor> inner_;
    bool standby_;
    mutable std::shared_ptr<TimedProcessor> clone_;
    std::vector<double> hops_, cpu_;
    double current_ = 0, currentCpu_ = 0;
    int frames_ = 0;
};

std::vector<float> runLive(accord::models::LiveVoice& live, const std::vector<float>& input) {
    constexpr int kChunk = 256;
    std::vector<float> padded = input;
    padded.resize(input.size() + std::size_t(live.latencyFrames()), 0.0f);
    std::vector<float> out(padded.size());
    for (std::size_t done = 0; done < padded.size(); done += kChunk) {
        const int count = int(std::min<std::size_t>(kChunk, padded.size() - done));
        live.process(padded.data() + done, out.data() + done, count);
    }
    out.erase(out.begin(), out.begin() + live.latencyFrames());
    return out;
}

accord::dsp::VoiceFeatures analyse(const std::vector<float>& samples, bool spectrum) {
    accord::dsp::AnalysisOptions options;
    options.keepSpectrum = spectrum;
    return accord::dsp::analyseVoice(accord::dsp::resample(samples, kRate, an::kSampleRate),
                                     options);
}

double levelCorrelation(const accord::dsp::VoiceFeatures& a, const accord::dsp::VoiceFeatures& b) {
    const std::vector<std::uint8_t> on = accord::test::soundingFrames(a);
    std::vector<double> x, y;
    for (std::size_t t = 0; t < std::size_t(std::min(a.frames, b.frames)); ++t)
        if (on[t]) {
            x.push_back(a.loudnessDb[t]);
            y.push_back(b.loudnessDb[t]);
        }
    return accord::test::correlation(x, y);
}

// The shift (ms, positive: `other` later) that best aligns the 1 ms log-energy envelopes.
double envelopeLagMs(const std::vector<float>& reference, const std::vector<float>& other) {
    constexpr int kStep = kRate / 1000;
    const auto envelope = [&](const std::vector<float>& x) {
        std::vector<double> e(x.size() / kStep);
        for (std::size_t i = 0; i < e.size(); ++i) {
            double sum = 1e-10;
            for (int n = 0; n < 2 * kStep && i * kStep + std::size_t(n) < x.size(); ++n)
                sum += double(x[i * kStep + std::size_t(n)]) * x[i * kStep + std::size_t(n)];
            e[i] = std::log(sum);
        }
        return e;
    };
    const std::vector<double> a = envelope(reference), b = envelope(other);
    double best = -1e300;
    int bestLag = 0;
    for (int lag = -20; lag <= 20; ++lag) {
        std::vector<double> x, y;
        for (std::size_t i = 20; i + 20 < std::min(a.size(), b.size()); ++i) {
            x.push_back(a[i]);
            y.push_back(b[std::size_t(std::int64_t(i) + lag)]);
        }
        const double mx = std::accumulate(x.begin(), x.end(), 0.0) / double(x.size());
        const double my = std::accumulate(y.begin(), y.end(), 0.0) / double(y.size());
        double sxy = 0, sxx = 0, syy = 0;
        for (std::size_t i = 0; i < x.size(); ++i) {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
            syy += (y[i] - my) * (y[i] - my);
        }
        const double r = sxy / std::sqrt(sxx * syy);
        if (r > best) {
            best = r;
            bestLag = lag;
        }
    }
    return bestLag;
}

} // namespace

int main() {
    const double seconds = envNumber("ACCORD_BENCH_SECONDS", 60);
    const int block = int(envNumber("ACCORD_BENCH_BLOCK", 128));
    const std::size_t clipCount = std::size_t(envNumber("ACCORD_BENCH_CLIPS", 12));
    const char* modelPath = std::getenv("ACCORD_BENCH_MODEL");
    accord::models::configureRuntime(1);

    const std::vector<std::string> clips = highVoiceClips();
    if (clips.size() < clipCount + 4) {
        std::printf("no fillets-cs material under %s: run scripts/fetch-material.sh\n",
                    materialRoot().c_str());
        return 1;
    }
    const accord::models::VoiceModel model = modelPath && *modelPath
                                                 ? accord::models::VoiceModel::load(modelPath)
                                                 : accord::models::VoiceModel::untrained();
    std::printf("live voice benchmark: model %s, 48 kHz, %d-frame blocks\n",
                modelPath && *modelPath ? modelPath : "(untrained, default size)", block);

    // ---- 60 s of real time through the engine ----
    accord::Project project;
    project.sampleRate = kRate;
    accord::Track sung;
    sung.id = "t1";
    sung.name = "Sung";
    std::int64_t position = 0;
    std::vector<float> timeline; // the track's input, for the offline comparison below
    const std::int64_t wanted = std::int64_t((seconds + 1) * kRate);
    for (std::size_t i = 0; position < wanted; ++i) {
        const std::string& file = clips[i % clips.size()];
        const auto media = accord::audio::loadMedia(file, kRate);
        accord::Clip clip;
        clip.id = "c" + std::to_string(i + 1);
        clip.file = file;
        clip.position = position;
        clip.length = media->frames;
        sung.clips.push_back(clip);
        timeline.resize(std::size_t(position), 0.0f);
        timeline.insert(timeline.end(), media->channels[0].begin(), media->channels[0].end());
        position += media->frames + kRate / 4;
    }
    project.tracks.push_back(sung);

    accord::audio::Engine engine;
    engine.setProject(project);
    engine.setLiveBlockSize(block);
    const bool standby = envNumber("ACCORD_BENCH_STANDBY", 1) != 0;
    auto timed = std::make_shared<TimedProcessor>(
        std::make_shared<accord::models::LiveVoice>(model), standby);
    engine.setTrackProcessor("t1", timed);
    const int latency = engine.trackLatencyFrames("t1");
    const int reserve = latency - timed->latencyFrames();
    engine.play();

    std::atomic<double> worstCallback{0};
    std::atomic<long> lateWakes{0};
    std::thread audio([&] {
        sched_param priority{};
        priority.sched_priority = std::max(1, sched_get_priority_min(SCHED_FIFO) + 10);
        pthread_setschedparam(pthread_self(), SCHED_FIFO, &priority);
        std::vector<float> left(static_cast<std::size_t>(block)),
            right(static_cast<std::size_t>(block));
        float* outputs[2] = {left.data(), right.data()};
        const std::int64_t blocks = std::int64_t(seconds * kRate / block);
        const auto period = std::chrono::duration_cast<Clock::duration>(
            std::chrono::duration<double>(double(block) / kRate));
        Clock::time_point next = Clock::now();
        double worst = 0;
        for (std::int64_t b = 0; b < blocks; ++b) {
            const Clock::time_point start = Clock::now();
            engine.process(outputs, 2, block);
            worst = std::max(worst, std::chrono::duration<double>(Clock::now() - start).count());
            next += period;
            std::this_thread::sleep_until(next);
            // Woken a whole block late, the audio thread itself was stalled (a device would
            // drop out then too): carry on from now instead of rushing blocks out back to back,
            // which no device does.
            const Clock::time_point now = Clock::now();
            if (now - next > period) {
                ++lateWakes;
                next = now;
            }
        }
        worstCallback = worst;
    });
    const Clock::time_point started = Clock::now();
    while (audio.joinable()) {
        std::this_thread::sleep_for(std::chrono::milliseconds(16)); // a UI timer's garbage run
        engine.collectGarbage();
        if (std::chrono::duration<double>(Clock::now() - started).count() > seconds + 0.5)
            break;
    }
    audio.join();
    const accord::audio::EngineStats stats = engine.stats();
    const double hopSeconds = double(kHostHop) / kRate;
    std::printf("\nreal time, %.0f s:\n", seconds);
    std::printf("  added latency               %.2f ms (%d frames: LiveVoice %d + reserve %d)\n",
                1000.0 * latency / kRate, latency, latency - reserve, reserve);
    std::printf("  underruns                   %llu blocks, %llu frames\n",
                static_cast<unsigned long long>(stats.liveUnderruns),
                static_cast<unsigned long long>(stats.liveUnderrunFrames));
    // Per replica: wall and CPU time per model hop, and the hops slower than the reserve (each
    // would have dropped out without the other replica).
    const auto report = [&](const char* name, const TimedProcessor& replica) {
        const std::vector<double>& hops = replica.hops();
        const std::vector<double>& cpu = replica.cpu();
        if (hops.empty())
            return;
        const double reserveSeconds = double(reserve) / kRate;
        std::printf(
            "  %-9s per hop (8 ms)     wall mean %.2f%% p99 %.2f%% max %.1f%%, CPU mean "
            "%.2f%% max %.1f%% of real time; %ld hops over the reserve (%zu hops)\n",
            name,
            100 * std::accumulate(hops.begin(), hops.end(), 0.0) / double(hops.size()) / hopSeconds,
            100 * percentile(hops, 0.99) / hopSeconds,
            100 * *std::max_element(hops.begin(), hops.end()) / hopSeconds,
            100 * std::accumulate(cpu.begin(), cpu.end(), 0.0) / double(cpu.size()) / hopSeconds,
            100 * *std::max_element(cpu.begin(), cpu.end()) / hopSeconds,
            long(std::count_if(hops.begin(), hops.end(),
                               [&](double t) { return t > reserveSeconds; })),
            hops.size());
    };
    std::printf("  standby replica             %s\n",
                timed->standby() ? "on (a clone on a second worker and core)"
                                 : "off (ACCORD_BENCH_STANDBY=0 or one core)");
    report("processor", *timed);
    if (timed->standby())
        report("standby", *timed->standby());
    std::printf("  slowest audio callback      %.3f ms of %.3f ms\n", 1000 * worstCallback.load(),
                1000.0 * block / kRate);
    std::printf("  audio thread woken late     %ld times (by more than a block: the machine "
                "stalled it)\n",
                lateWakes.load());

    // ---- speed on one thread: live node vs offline conversion ----
    std::vector<float> minute(
        timeline.begin(), timeline.begin() + std::ptrdiff_t(std::min<std::size_t>(
                                                 timeline.size(), std::size_t(seconds * kRate))));
    const double audioSeconds = double(minute.size()) / kRate;
    accord::models::LiveVoice single(model);
    single.prepare(kRate, 256);
    const double liveSeconds = accord::bench::secondsOf([&] { runLive(single, minute); });
    const double offlineSeconds = accord::bench::secondsOf([&] { model.convert(minute, kRate); });
    std::printf("\none thread, %.0f s of speech:\n", audioSeconds);
    std::printf("  live node                   %.1fx real time\n", audioSeconds / liveSeconds);
    std::printf("  offline conversion          %.1fx real time\n", audioSeconds / offlineSeconds);

    // ---- quality: live vs offline on held-out clips ----
    std::vector<double> centsLive, centsOffline, corrLive, corrOffline, lsd, lags, lagsOffline;
    for (std::size_t i = 0; i < clipCount; ++i) {
        const std::string& file = clips[clips.size() - 1 - i * (clips.size() / clipCount)];
        const auto media = accord::audio::loadMedia(file, kRate);
        const std::vector<float> input(media->channels[0].begin(), media->channels[0].end());
        accord::models::LiveVoice live(model);
        live.prepare(kRate, 256);
        const std::vector<float> liveOut = runLive(live, input);
        const std::vector<float> offlineOut = model.convert(input, kRate);
        const auto fi = analyse(input, false);
        const auto fl = analyse(liveOut, true);
        const auto fo = analyse(offlineOut, true);
        centsLive.push_back(accord::dsp::medianCentsError(fi, fl));
        centsOffline.push_back(accord::dsp::medianCentsError(fi, fo));
        corrLive.push_back(levelCorrelation(fi, fl));
        corrOffline.push_back(levelCorrelation(fi, fo));
        lsd.push_back(accord::test::logSpectralDistance(fo, fl));
        lags.push_back(envelopeLagMs(input, liveOut));
        lagsOffline.push_back(envelopeLagMs(input, offlineOut));
    }
    const auto mean = [](const std::vector<double>& v) {
        return std::accumulate(v.begin(), v.end(), 0.0) / double(v.size());
    };
    std::printf("\nquality, %zu held-out clips of the high voice (means over clips):\n", clipCount);
    std::printf("  pitch kept, median cents    live %.1f   offline %.1f\n", mean(centsLive),
                mean(centsOffline));
    std::printf("  level correlation           live %.3f   offline %.3f\n", mean(corrLive),
                mean(corrOffline));
    std::printf("  log-spectral distance live to offline  %.2f dB\n", mean(lsd));
    std::printf("  envelope offset vs input    live %+.1f ms   offline %+.1f ms\n", mean(lags),
                mean(lagsOffline));
    return 0;
}
