// Offline mixdown: 32 stereo tracks x 3 minutes of real recordings (hyperrogue's music,
// 44.1 kHz stereo, each track looping its recording to 3 minutes), rendered by
// accord::audio::renderProject and, in the same run, by `sox -m` from the same files, both to
// 32-bit float WAV; prints seconds, x real time and the largest difference between the two.
//
// Inputs: the Vorbis files converted once (untimed, cached) to 16-bit FLAC by sox, so both
// mixers read identical PCM (sox decodes Vorbis to 16-bit integers and clips, JUCE to floats).
// Gains: every track at 20*log10(1/32) dB in the project, `-v 0.03125` per input for sox
// (sox -m would otherwise scale by 1/n too; the factor is explicit so the results agree).
//
// Knobs: ACCORD_BENCH_LOAD (0): that many busy processes (plain spinning loops, like `stress`)
// run for the whole measurement, to see the figures on a busy machine; ACCORD_BENCH_SECONDS
// (180) the project's length; ACCORD_BENCH_SOX (1; 0 leaves sox out, e.g. under a profiler).

#include "accord/audio/media.h"
#include "accord/audio/render.h"

#include "bench_common.h"

#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <thread>
#include <vector>

namespace fs = std::filesystem;

namespace {

using accord::bench::envNumber;

constexpr int kTracks = 32;
constexpr int kRate = 44100;
constexpr double kTrackGain = 1.0 / 32.0;

// Busy processes that spin until this one ends them (or ends itself).
class BusyLoad {
public:
    explicit BusyLoad(int count) {
        const pid_t parent = ::getpid();
        for (int i = 0; i < count; ++i) {
            const pid_t child = ::fork();
            if (child == 0) {
                ::prctl(PR_SET_PDEATHSIG, SIGKILL);
                if (::getppid() != parent)
                    ::_exit(0);
                for (volatile unsigned long spin = 0;; spin = spin + 1) {
                }
            }
            if (child > 0)
                children_.push_back(child);
        }
    }
    ~BusyLoad() {
        for (pid_t child : children_)
            ::kill(child, SIGKILL);
        for (pid_t child : children_)
            ::waitpid(child, nullptr, 0);
    }
    BusyLoad(const BusyLoad&) = delete;
    BusyLoad& operator=(const BusyLoad&) = delete;
    std::size_t size() const { return children_.size(); }

private:
    std::vector<pid_t> children_;
};

std::string quoted(const std::string& text) {
    std::string out = "'";
    for (char c : text)
        out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

std::string commandOutput(const std::string& command) {
    std::string out;
    if (FILE* pipe = popen(command.c_str(), "r")) {
        char buffer[256];
        while (fgets(buffer, sizeof buffer, pipe) != nullptr)
            out += buffer;
        pclose(pipe);
    }
    while (!out.empty() && (out.back() == '\n' || out.back() == ' '))
        out.pop_back();
    return out;
}

// The samples of a 32-bit float WAV (minimal RIFF reader).
std::vector<float> wavFloats(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    for (std::size_t at = 12; at + 8 <= bytes.size();) {
        std::uint32_t size = 0;
        std::memcpy(&size, bytes.data() + at + 4, 4);
        if (std::memcmp(bytes.data() + at, "data", 4) == 0) {
            std::vector<float> samples(std::min<std::size_t>(size, bytes.size() - at - 8) / 4);
            std::memcpy(samples.data(), bytes.data() + at + 8, samples.size() * 4);
            return samples;
        }
        at += 8 + size + (size & 1u);
    }
    return {};
}

// CPU seconds used so far by this process (all threads) or by its finished children.
double cpuSeconds(int who) {
    rusage usage{};
    getrusage(who, &usage);
    return double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
           1e-6 * double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec);
}

// Wall and CPU time of `work`: the run with the median wall time of `runs`.
struct Measured {
    double wall = 0, cpu = 0, minWall = 0, maxWall = 0;
};
Measured measure(int runs, int who, const std::function<void()>& work) {
    std::vector<std::pair<double, double>> results;
    for (int i = 0; i < runs; ++i) {
        const double cpu = cpuSeconds(who);
        const double wall = accord::bench::secondsOf(work);
        results.emplace_back(wall, cpuSeconds(who) - cpu);
    }
    std::sort(results.begin(), results.end());
    const auto& median = results[results.size() / 2];
    return {median.first, median.second, results.front().first, results.back().first};
}

} // namespace

int main() {
    // Started first, while this process has one thread (their CPU time is nobody's: they are
    // reaped after the last measurement).
    const BusyLoad load(std::max(0, int(envNumber("ACCORD_BENCH_LOAD", 0))));
    const std::int64_t kLength =
        std::max<std::int64_t>(1, std::llround(envNumber("ACCORD_BENCH_SECONDS", 180) * kRate));
    const bool withSox = envNumber("ACCORD_BENCH_SOX", 1) != 0;
    const fs::path material = accord::bench::materialRoot();
    std::vector<fs::path> oggs;
    if (fs::is_directory(material / "hyperrogue"))
        for (const auto& entry : fs::directory_iterator(material / "hyperrogue"))
            if (entry.path().extension() == ".ogg")
                oggs.push_back(entry.path());
    std::sort(oggs.begin(), oggs.end());
    if (oggs.empty()) {
        std::printf(
            "bench_mixdown: no recordings in %s/hyperrogue: run scripts/fetch-material.sh\n",
            material.c_str());
        return 0; // skipped, like the tests without their material
    }

    // Untimed preparation: 16-bit FLAC copies (cached between runs).
    const char* home = std::getenv("HOME");
    const fs::path cache =
        fs::path(home && *home ? home : "/tmp") / ".cache/accord/bench/hyperrogue-flac";
    fs::create_directories(cache);
    std::vector<fs::path> flacs;
    for (const auto& ogg : oggs) {
        const fs::path flac = cache / (ogg.stem().string() + ".flac");
        if (!fs::exists(flac) || fs::last_write_time(flac) < fs::last_write_time(ogg)) {
            const std::string command = "sox -q " + quoted(ogg.string()) + " -b 16 " +
                                        quoted(flac.string() + ".part.flac") + " && mv " +
                                        quoted(flac.string() + ".part.flac") + " " +
                                        quoted(flac.string());
            if (std::system(command.c_str()) != 0) {
                std::printf("bench_mixdown: sox could not convert %s\n", ogg.c_str());
                return 1;
            }
        }
        flacs.push_back(flac);
    }

    // The project: track i plays recording i % n from (i / n) * 7 s on, looped to 3 minutes.
    accord::Project project;
    project.sampleRate = kRate;
    std::string soxInputs;
    double totalMedia = 0;
    for (int t = 0; t < kTracks; ++t) {
        const fs::path& file = flacs[std::size_t(t) % flacs.size()];
        const std::int64_t frames = std::stoll(commandOutput("soxi -s " + quoted(file.string())));
        if (t < int(flacs.size()))
            totalMedia += double(frames) / kRate;
        const std::int64_t start = std::int64_t(t / int(flacs.size())) * 7 * kRate;
        const std::int64_t loop = frames - start;
        accord::Track track;
        track.id = "t" + std::to_string(t + 1);
        track.name = file.stem().string();
        track.gainDb = 20.0 * std::log10(kTrackGain);
        for (std::int64_t position = 0; position < kLength; position += loop) {
            accord::Clip clip;
            clip.id = project.nextClipId() + "-" + std::to_string(t);
            clip.file = file.string();
            clip.position = position;
            clip.offset = start;
            clip.length = std::min(loop, kLength - position);
            track.clips.push_back(clip);
        }
        project.tracks.push_back(track);
        const long repeats = long((kLength + loop - 1) / loop) - 1;
        soxInputs +=
            " -v 0.03125 " + quoted("|sox " + quoted(file.string()) + " -p trim " +
                                    std::to_string(start) + "s repeat " + std::to_string(repeats) +
                                    " trim 0s " + std::to_string(kLength) + "s");
    }
    const double seconds = double(kLength) / kRate;
    const std::string folder = accord::bench::scratchFolder("accord-bench-mixdown");
    const std::string ours = folder + "/accord-mix.wav";
    const std::string theirs = folder + "/sox-mix.wav";
    accord::audio::RenderRequest request;
    request.mixPath = ours;
    request.format = accord::audio::RenderFormat::WavFloat32;

    std::printf("Offline mixdown: %d stereo tracks x %.0f s at %d Hz (%zu distinct recordings, "
                "%.0f s of media, looped), 32-bit float WAV; %zu busy processes beside it\n",
                kTracks, seconds, kRate, flacs.size(), totalMedia, load.size());

    // Accord, cold media cache: decoding (all cores) + mix + write + loudness/peak/hash.
    accord::audio::clearMediaCache();
    const Measured decode =
        measure(1, RUSAGE_SELF, [&] { accord::audio::prepareProjectMedia(project); });
    std::vector<accord::audio::RenderedFile> coldRendered;
    const Measured renderAfterDecode = measure(
        1, RUSAGE_SELF, [&] { coldRendered = accord::audio::renderProject(project, request); });
    const double cold = decode.wall + renderAfterDecode.wall;
    const double coldCpu = decode.cpu + renderAfterDecode.cpu;
    const std::size_t cacheBytes = accord::audio::mediaCacheStats().bytes;
    // Accord, warm cache (media already decoded, e.g. after import or playback).
    std::vector<accord::audio::RenderedFile> rendered;
    const Measured warm =
        measure(3, RUSAGE_SELF, [&] { rendered = accord::audio::renderProject(project, request); });
    // sox -m, from the same files (its CPU time: its own and its decoding children's).
    Measured sox;
    if (withSox) {
        const std::string soxCommand =
            "sox -D -m" + soxInputs + " -b 32 -e floating-point " + quoted(theirs);
        int soxStatus = 0;
        sox = measure(3, RUSAGE_CHILDREN, [&] { soxStatus = std::system(soxCommand.c_str()); });
        if (soxStatus != 0) {
            std::printf("bench_mixdown: sox -m failed (%d)\n", soxStatus);
            return 1;
        }
    }

    const std::vector<float> a = wavFloats(ours);
    const std::vector<float> b = withSox ? wavFloats(theirs) : a;
    double worst = 0;
    double peak = 0;
    for (std::size_t i = 0; i < std::min(a.size(), b.size()); ++i) {
        worst = std::max(worst, double(std::abs(a[i] - b[i])));
        peak = std::max(peak, double(std::abs(a[i])));
    }

    std::printf("  %-44s %6.2f s wall %6.1fx real time  %6.2f s CPU\n",
                "accord, cold cache (decode + render)", cold, seconds / cold, coldCpu);
    std::printf("  %-44s %6.2f s wall                     %6.2f s CPU  (%zu files, %u cores, "
                "%.0f MiB cached)\n",
                "  of which decoding into the media cache", decode.wall, decode.cpu, flacs.size(),
                std::max(1u, std::thread::hardware_concurrency()), cacheBytes / 1048576.0);
    std::printf("  %-44s %6.2f s wall %6.1fx real time  %6.2f s CPU  (wall min %.2f, max %.2f)\n",
                "accord, warm cache (render only)", warm.wall, seconds / warm.wall, warm.cpu,
                warm.minWall, warm.maxWall);
    if (withSox) {
        std::printf(
            "  %-44s %6.2f s wall %6.1fx real time  %6.2f s CPU  (wall min %.2f, max %.2f)\n",
            "sox -m (same inputs, one decoder per track)", sox.wall, seconds / sox.wall, sox.cpu,
            sox.minWall, sox.maxWall);
        std::printf(
            "  speed-up over sox, wall: %.1fx cold, %.1fx warm; CPU: %.1fx cold, %.1fx warm "
            "(goal >= 2x)\n",
            sox.wall / cold, sox.wall / warm.wall, sox.cpu / coldCpu, sox.cpu / warm.cpu);
        std::printf(
            "  outputs: %zu vs %zu samples, peak %.3f, max |accord - sox| = %.3g (goal <= 1e-4)\n",
            a.size(), b.size(), peak, worst);
    }
    const accord::audio::RenderedFile& mix = rendered.front();
    const bool coldSame = coldRendered.front().pcmSha256 == mix.pcmSha256 &&
                          coldRendered.front().lufs == mix.lufs &&
                          coldRendered.front().truePeakDb == mix.truePeakDb;
    std::printf("  accord's render also measured loudness %.2f LUFS, true peak %.2f dBTP and the "
                "PCM SHA-256 of its output\n",
                mix.lufs, mix.truePeakDb);
    // Exact figures, to compare builds: a faster render must not change any of them.
    std::printf("  exact: PCM SHA-256 %s, %.17g LUFS, %.17g dBTP; cold render %s\n",
                mix.pcmSha256.c_str(), mix.lufs, mix.truePeakDb,
                coldSame ? "the same" : "DIFFERENT");
    // Export delivery (issue 19): the same mix as 24-bit WAV without and with the loudness target
    // (-14 LUFS, -1 dBTP: measuring passes, gain, true-peak limiter), beside the alternative of
    // sox applying a gain to the rendered mix and lame encoding it (with no true-peak control).
    accord::audio::RenderRequest delivery;
    delivery.mixPath = folder + "/delivered.wav";
    std::vector<accord::audio::RenderedFile> plain, targeted;
    const Measured plainTime =
        measure(1, RUSAGE_SELF, [&] { plain = accord::audio::renderProject(project, delivery); });
    delivery.loudnessTarget = accord::audio::LoudnessTarget{-14.0, -1.0};
    const Measured targetTime = measure(
        1, RUSAGE_SELF, [&] { targeted = accord::audio::renderProject(project, delivery); });
    const double soxGain = -14.0 - plain.front().lufs;
    int lameStatus = 0;
    const Measured soxLame = measure(1, RUSAGE_CHILDREN, [&] {
        const std::string command = "sox -D " + quoted(ours) + " -t wav -b 24 - gain " +
                                    std::to_string(soxGain) + " | lame --silent -b 320 - " +
                                    quoted(folder + "/sox-lame.mp3");
        lameStatus = std::system(command.c_str());
    });
    std::printf("  export, 24-bit WAV:%-26s %6.2f s wall %6.1fx real time  %.2f LUFS, %.2f dBTP\n",
                "", plainTime.wall, seconds / plainTime.wall, plain.front().lufs,
                plain.front().truePeakDb);
    std::printf("  export, -14 LUFS / -1 dBTP target:%-11s %6.2f s wall %6.1fx real time  %.2f "
                "LUFS, %.2f dBTP (gain %+.2f dB, limiter %.2f dB)\n",
                "", targetTime.wall, seconds / targetTime.wall, targeted.front().lufs,
                targeted.front().truePeakDb, targeted.front().targetGainDb,
                targeted.front().limiterReductionDb);
    std::printf("  sox gain %+.2f dB | lame -b 320 (status %d):%-3s %6.2f s wall %6.1fx real time  "
                "(no true-peak control)\n",
                soxGain, lameStatus, "", soxLame.wall, seconds / soxLame.wall);
    fs::remove_all(folder);
    return coldSame && a.size() == b.size() && worst <= 1e-4 ? 0 : 1;
}
