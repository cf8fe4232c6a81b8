// Voice model quality benchmark (issue 17, "voice model quality"): how well a voice model keeps a
// performance and how close it sings to the voice it learned, measured with tools independent of
// the product's own analysis (tests/support/voice_measures.h: aubio's plain yin, double-precision
// spectra). Prints figures; it is not a test and has no goals to pass.
//
// Material (scripts/fetch-material.sh): the fillets-cs speakers "v" (low male, ~147 Hz), "m"
// (high, ~283 Hz), "hs" (low male, ~137 Hz) and "r" (very low, ~107 Hz; input only), Czech speech
// at 22.05 kHz; npm's audio-lena (sung, 44.1 kHz, input only); alsa's test words (48 kHz, full
// band, joined; input only). Each speaker's files are sorted by path and shuffled by Python's
// random.Random(17), then go to training until it holds 300 s (v, m) or 150 s (hs), then to a
// ~60 s held-out test take: the same recordings every run.
// Full band (docs/ARCHITECTURE.md "Voice model", "Full band"): model A learns alsa's speaker from
// six of its words (48 kHz, content to 13-17 kHz) and re-sings the other two (Side_Left,
// Side_Right); model L learns lena's first 9 s (a 44.1 kHz file whose content stops at 8.8 kHz:
// band-limited whatever its header says) and re-sings the rest. Fillets-cs (22.05 kHz, content
// to ~10.5 kHz) is the third band: V, M and HS.
//
// Models V, M and HS are trained through models::trainVoice (one source per file, the default
// schedule) and written to a scratch folder, or loaded from ACCORD_BENCH_VOICE_MODELS
// (V.accordvoice, M.accordvoice, HS.accordvoice, trained on the same sets: the H1-H2 targets
// come from them) to iterate quickly. Every pair runs offline
// (VoiceModel::convert) and live (LiveVoice at the input's rate in 10-ms blocks, latency removed).
//
// Per pair and mode (input frames; output f0 should be the input's, no transposition):
//   - pitch: median |cents| over frames voiced in both; share of the input's voiced frames whose
//     output f0 is > 50 cents off; share of them unvoiced in the output; median yin confidence;
//   - HBH (harmonic peaks over between-harmonic power below 3 kHz) in and out: noise in voiced
//     frames lowers it;
//   - H1-H2 in, out, and of the model's own voice at the output's semitone (its training set);
//   - levels: loudness correlation; output minus input in the input's quiet frames and in its
//     unvoiced frames, with their spectral centroid; the band edge in and out;
//   - quiet and unvoiced frames against the voice's own (its held-out take, measured alike):
//     the output's level under the input's 95th percentile and its centroid in the input's quiet
//     frames, its centroid in the unvoiced ones, their band shapes (bandShapeDb) against the
//     input's frame by frame and, on average, against the voice's own unvoiced frames; and the
//     unvoiced frames split by the product's own voicing there (splitUnvoicedByDrive);
//   - held-out resynthesis (V<-v, M<-m, HS<-hs): log-spectral distance, full band, below and
//     above 8 kHz, and from 8 kHz to the input's band edge;
//   - speed: x real time of VoiceModel::convert and of LiveVoice on this thread (one
//     thread), and what the band above 8 kHz adds to a conversion (model A with and without it).
//     Time `accord-cli convert` separately: it needs a registry that holds the model.
//
// Knobs (environment): ACCORD_BENCH_VOICE_MODELS (a folder of models to load instead of
// training), ACCORD_BENCH_MODELS ("V,M,HS,A,L": which models and their pairs), ACCORD_BENCH_LIVE
// (1; 0 skips the live node), ACCORD_BENCH_JSON (a file for one JSON object per pair and mode),
// ACCORD_BENCH_STEPS (0 = the default schedule), ACCORD_BENCH_CHANNELS (0 = default),
// ACCORD_BENCH_MINUTES (30 per model), ACCORD_BENCH_THREADS (training; 0: the product's default),
// ACCORD_BENCH_DEBUG (lists the recordings of every set), ACCORD_BENCH_WRITE_AUDIO (1: writes
// every input take and output to the scratch folder, to listen to).

#include "bench_common.h"
#include "model_file_card.h"
#include "voice_measures.h"

#include "accord/audio/audio_io.h"
#include "accord/core/files.h"
#include "accord/dsp/causal_voice_analyser.h"
#include "accord/dsp/pitch.h"
#include "accord/dsp/resample.h"
#include "accord/models/live_voice.h"
#include "accord/models/runtime.h"
#include "accord/models/voice_model.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;
namespace test = accord::test;
using accord::bench::envNumber;
using accord::bench::materialRoot;
using accord::bench::secondsOf;
using accord::models::VoiceModel;

namespace {

// Python's random.Random(seed).shuffle, so the sets are the ones of the issue-17 study (models
// it trained can be loaded and tested on recordings they never heard): the Mersenne Twister
// seeded by init_by_array({seed}), Fisher-Yates from the end, getrandbits with rejection.
class PythonShuffle {
public:
    explicit PythonShuffle(std::uint32_t seed) {
        constexpr int n = 624;
        std::vector<std::uint32_t> mt(n);
        mt[0] = 19650218u;
        for (int i = 1; i < n; ++i)
            mt[i] = 1812433253u * (mt[i - 1] ^ (mt[i - 1] >> 30)) + std::uint32_t(i);
        int i = 1;
        for (int k = n; k > 0; --k) {
            mt[i] = (mt[i] ^ ((mt[i - 1] ^ (mt[i - 1] >> 30)) * 1664525u)) + seed;
            if (++i >= n) {
                mt[0] = mt[n - 1];
                i = 1;
            }
        }
        for (int k = n - 1; k > 0; --k) {
            mt[i] = (mt[i] ^ ((mt[i - 1] ^ (mt[i - 1] >> 30)) * 1566083941u)) - std::uint32_t(i);
            if (++i >= n) {
                mt[0] = mt[n - 1];
                i = 1;
            }
        }
        mt[0] = 0x80000000u;
        std::stringstream
            state; // read back, std::mt19937 twists before its first output, as Python
        for (const std::uint32_t word : mt)
            state << word << ' ';
        state >> engine_;
    }
    void operator()(std::vector<std::string>& items) {
        for (std::size_t i = items.size(); i-- > 1;)
            std::swap(items[i], items[below(i + 1)]);
    }

private:
    std::size_t below(std::size_t n) {
        int bits = 0;
        while ((n >> bits) != 0)
            ++bits;
        std::uint32_t r = std::uint32_t(engine_()) >> (32 - bits);
        while (r >= n)
            r = std::uint32_t(engine_()) >> (32 - bits);
        return r;
    }
    std::mt19937 engine_;
};

struct Take {
    std::string name;
    int rate = 0;
    std::vector<float> samples;
    std::vector<std::string> files;
    double seconds() const { return rate > 0 ? double(samples.size()) / rate : 0; }
};

void append(Take& take, const std::string& file) {
    accord::audio::MonoAudio audio = accord::audio::readMonoAudio(file);
    if (take.rate == 0)
        take.rate = audio.sampleRate;
    if (audio.sampleRate != take.rate)
        audio.samples = accord::dsp::resample(audio.samples, audio.sampleRate, take.rate);
    take.samples.insert(take.samples.end(), audio.samples.begin(), audio.samples.end());
    take.files.push_back(file);
}

// Every "*-<speaker>-*.ogg" of fillets-cs/<level>/cs/, sorted by path.
std::vector<std::string> speakerFiles(const std::string& speaker) {
    std::vector<std::string> files;
    const fs::path root = fs::path(materialRoot()) / "fillets-cs";
    if (!fs::is_directory(root))
        return files;
    for (const auto& level : fs::directory_iterator(root)) {
        const fs::path folder = level.path() / "cs";
        if (!fs::is_directory(folder))
            continue;
        for (const auto& entry : fs::directory_iterator(folder))
            if (entry.path().extension() == ".ogg" &&
                entry.path().filename().string().find("-" + speaker + "-") != std::string::npos)
                files.push_back(entry.path().string());
    }
    std::sort(files.begin(), files.end());
    return files;
}

struct Speaker {
    Take train, test;
};

// Training takes files until it holds `trainSeconds`, the test take until it holds
// `testSeconds`; the rest is not read.
Speaker selectSpeaker(const std::string& name, double trainSeconds, double testSeconds) {
    std::vector<std::string> files = speakerFiles(name);
    PythonShuffle(17)(files);
    Speaker s;
    s.train.name = name + "-train";
    s.test.name = name;
    for (const std::string& file : files) {
        if (s.train.seconds() < trainSeconds)
            append(s.train, file);
        else if (s.test.seconds() < testSeconds)
            append(s.test, file);
        else
            break;
    }
    return s;
}

// The f0 the product drives the synthesis with, per frame of the bench's grid (frame t centred
// on sample t * 128 at 16 kHz), and whether it called the frame voiced.
struct DriveTrack {
    std::vector<float> f0Hz;
    std::vector<std::uint8_t> voiced;
};

// Offline: the product's tracker as VoiceModel::convert runs it.
DriveTrack offlineDrive(const std::vector<float>& x16) {
    accord::dsp::PitchTrack track = accord::dsp::trackPitch(x16);
    return {std::move(track.f0Hz), std::move(track.voiced)};
}

// Live: the causal analyser's frame n is placed 2 ms before sample (n + 1) * 128, so it drives the
// bench's frame n + 1 (as tests/dsp/test_offline_vs_causal.cpp compares them).
DriveTrack liveDrive(const std::vector<float>& x16) {
    DriveTrack track;
    const std::size_t frames = x16.size() / accord::dsp::analysis::kHop + 1;
    track.f0Hz.assign(frames, 0.0f);
    track.voiced.assign(frames, 0);
    accord::dsp::CausalVoiceAnalyser analyser;
    for (const float sample : x16)
        if (analyser.push(sample)) {
            const auto t = static_cast<std::size_t>(analyser.frame().index + 1);
            if (t < frames) {
                track.f0Hz[t] = analyser.frame().f0Hz;
                track.voiced[t] = analyser.frame().voiced;
            }
        }
    return track;
}

// What the measures need of a signal at 16 kHz: yin's track and, on its voiced frames, the
// harmonic measures; for an input, the product's own tracks of it.
struct Analysis {
    std::vector<float> x16;
    test::YinTrack pitch;
    test::HarmonicTrack harmonics;
    DriveTrack offline, live;
};

Analysis analyse(const Take& take) {
    Analysis a;
    a.x16 = accord::dsp::resample(take.samples, take.rate, test::kYinRate);
    a.pitch = test::yinTrack(a.x16);
    a.harmonics = test::harmonicMeasures(a.x16, a.pitch.f0Hz, a.pitch.voiced);
    a.offline = offlineDrive(a.x16);
    a.live = liveDrive(a.x16);
    return a;
}

// Why the input's voiced frames come out more than 50 cents off (shares of the input's voiced
// frames, as PitchKept::off50Share; docs/ARCHITECTURE.md "Voice model", "Every register"):
struct OffCauses {
    double driveUnvoiced = 0;   // the product called the input frame unvoiced (edges, breaks)
    double driveWrong = 0;      // the product's f0 off the input's yin, the input's spectrum
                                // supporting yin (octave, twelfth or subharmonic errors)
    double yinWrongOnInput = 0; // ... the input's spectrum supporting the product: the bench's
                                // yin misread the input (a dominant harmonic), the output is right
    double trackersApart = 0;   // ... the two not a whole ratio apart: the spectrum cannot choose
    double outputAperiodic = 0; // the product agreed with yin, the output reads unvoiced
    double outputMisread = 0;   // ... the output voiced at a whole multiple of the right f0,
                                // its spectrum supporting the right one (yin confused by H1-H2)
    double outputWrong = 0;     // ... the output's spectrum supporting the wrong one
    double outputOther = 0;     // ... off by a ratio that is not whole (a glide, a blur)
};

OffCauses classifyOff(const Analysis& in, const DriveTrack& drive, const test::YinTrack& out,
                      const std::vector<float>& out16) {
    OffCauses causes;
    test::HannSpectrum spectrum(test::kYinBuffer);
    double voiced = 0;
    const std::size_t frames = std::min({in.pitch.frames(), out.frames(), drive.f0Hz.size()});
    for (std::size_t t = 0; t < frames; ++t) {
        if (!in.pitch.voiced[t])
            continue;
        ++voiced;
        const double yinIn = in.pitch.f0Hz[t], yinOut = out.f0Hz[t], sung = drive.f0Hz[t];
        if (test::centsOff(yinOut, yinIn) <= 50)
            continue;
        const auto centre = std::int64_t(t) * test::kYinHop;
        if (!drive.voiced[t]) {
            ++causes.driveUnvoiced;
        } else if (test::centsOff(sung, yinIn) > 50) {
            const double supported =
                test::supportedF0(spectrum.frame(in.x16, centre), test::kYinBuffer, sung, yinIn);
            (supported == 0      ? causes.trackersApart
             : supported == sung ? causes.yinWrongOnInput
                                 : causes.driveWrong) += 1;
        } else if (!out.voiced[t]) {
            ++causes.outputAperiodic;
        } else {
            const double supported =
                test::supportedF0(spectrum.frame(out16, centre), test::kYinBuffer, sung, yinOut);
            (supported == 0                          ? causes.outputOther
             : test::centsOff(supported, sung) <= 50 ? causes.outputMisread
                                                     : causes.outputWrong) += 1;
        }
    }
    for (double* share :
         {&causes.driveUnvoiced, &causes.driveWrong, &causes.yinWrongOnInput, &causes.trackersApart,
          &causes.outputAperiodic, &causes.outputMisread, &causes.outputWrong, &causes.outputOther})
        *share = voiced > 0 ? *share / voiced : test::notMeasured();
    return causes;
}

struct Model {
    std::string name;    // "V"
    std::string speaker; // "v"
    std::string file;
    std::unique_ptr<VoiceModel> model;
    double trainingWallSeconds = -1;  // measured here; -1 when loaded
    std::map<int, double> h1h2Target; // the voice's own H1-H2 by semitone (training set)
    double medianF0 = 0;
    double trainingBandEdgeHz = 0; // bandEdgeHz of the training set, joined
};

std::string trainModel(const std::string& name, const Take& train, const std::string& folder) {
    std::vector<accord::models::VoiceTrainingSource> sources;
    for (const std::string& file : train.files)
        sources.push_back(
            {fs::path(file).filename().string(), file, [file] {
                 accord::audio::MonoAudio a = accord::audio::readMonoAudio(file);
                 return accord::models::VoiceRecording{std::move(a.samples), a.sampleRate};
             }});
    accord::models::VoiceTrainingOptions options;
    options.checkpointFile = folder + "/" + name + ".checkpoint";
    options.owner = "bench";
    options.maxMinutes = envNumber("ACCORD_BENCH_MINUTES", 30);
    options.maxSteps = static_cast<int>(envNumber("ACCORD_BENCH_STEPS", 0));
    options.threads = static_cast<int>(envNumber("ACCORD_BENCH_THREADS", 0));
    options.channels = static_cast<int>(envNumber("ACCORD_BENCH_CHANNELS", 0));
    int printed = -1;
    const accord::models::TrainedVoice trained =
        accord::models::trainVoice(sources, options, [&](const auto& p) {
            using Phase = accord::models::VoiceTrainingProgress::Phase;
            if (p.phase == Phase::Training &&
                (p.step == p.totalSteps || p.step / 250 != printed / 250)) {
                printed = p.step;
                std::printf("    %s step %5d/%d  loss %.4f  validation %.4f  %6.1f s\n",
                            name.c_str(), p.step, p.totalSteps, p.loss, p.validationLoss,
                            p.elapsedSeconds);
                std::fflush(stdout);
            }
        });
    accord::models::VoiceModelOrigin origin;
    origin.owner = "bench";
    origin.ownerName = "fillets-cs \"" + train.name + "\"";
    for (std::size_t i = 0; i < train.files.size(); ++i)
        origin.training.push_back(
            {fs::path(train.files[i]).filename().string(), "", "",
             i < trained.sourceSeconds.size() ? trained.sourceSeconds[i] : 0});
    const std::string file = folder + "/" + name + ".accordvoice";
    accord::models::writeVoiceModel(file, trained, origin);
    fs::remove(options.checkpointFile);
    return file;
}

// The model from ACCORD_BENCH_VOICE_MODELS, or trained on `train` now.
Model obtainModel(const std::string& name, const std::string& speaker, const Take& train,
                  const std::string& scratch) {
    Model m;
    m.name = name;
    m.speaker = speaker;
    const char* folder = std::getenv("ACCORD_BENCH_VOICE_MODELS");
    if (folder && *folder) {
        m.file = std::string(folder) + "/" + name + ".accordvoice";
    } else {
        std::printf("  training %s on %.1f s (%zu files)\n", name.c_str(), train.seconds(),
                    train.files.size());
        m.trainingWallSeconds = secondsOf([&] { m.file = trainModel(name, train, scratch); });
    }
    m.model = std::make_unique<VoiceModel>(VoiceModel::load(m.file));
    const Analysis target = analyse(train);
    m.h1h2Target = test::h1h2BySemitone(target.pitch, target.harmonics);
    m.medianF0 = test::voicedMedianF0(target.pitch);
    m.trainingBandEdgeHz = test::bandEdgeHz(train.samples, train.rate);
    return m;
}

struct Converted {
    std::vector<float> samples;
    double seconds = 0; // wall clock of the conversion
};

Converted convertOffline(const VoiceModel& model, const Take& take) {
    Converted c;
    c.seconds = secondsOf([&] { c.samples = model.convert(take.samples, take.rate); });
    return c;
}

// The live node as the engine runs it, fed 10-ms blocks; the output is moved back by its latency.
Converted convertLive(const VoiceModel& model, const Take& take) {
    Converted c;
    c.seconds = secondsOf([&] {
        accord::models::LiveVoice live(model);
        const int block = take.rate / 100;
        live.prepare(take.rate, block);
        const auto latency = static_cast<std::size_t>(live.latencyFrames());
        std::vector<float> input = take.samples;
        input.resize(input.size() + latency, 0.0f);
        c.samples.assign(input.size(), 0.0f);
        for (std::size_t i = 0; i < input.size(); i += std::size_t(block))
            live.process(input.data() + i, c.samples.data() + i,
                         int(std::min<std::size_t>(std::size_t(block), input.size() - i)));
        c.samples.erase(c.samples.begin(), c.samples.begin() + std::ptrdiff_t(latency));
        c.samples.resize(take.samples.size());
    });
    return c;
}

// The input's unvoiced frames (as test::levelsKept picks them: yin's confidence under 0.5, within
// 30 dB of the 95th percentile) split by the product's own voicing decision there: the ones it
// calls voiced get the network's harmonics and voiced noise (a voiced fricative, or the live
// tracker's mistake), the rest the performance's own noise shape (docs/ARCHITECTURE.md "Voice
// model", "Quiet and unvoiced frames"). Which of the two a centroid gap comes from.
struct UnvoicedByDrive {
    double driveVoicedShare = test::notMeasured();
    double voicedCentroidInHz = test::notMeasured(), voicedCentroidOutHz = test::notMeasured();
    double unvoicedCentroidInHz = test::notMeasured(), unvoicedCentroidOutHz = test::notMeasured();
};

UnvoicedByDrive splitUnvoicedByDrive(const Take& take, const std::vector<float>& out,
                                     const Analysis& in, const DriveTrack& drive) {
    const std::vector<double> levels = test::frameLevelsDb(take.samples, take.rate);
    const double reference = test::percentileValue(levels, 95);
    test::HannSpectrum spectrum(static_cast<int>(0.032 * take.rate));
    const auto hop = static_cast<std::int64_t>(0.008 * take.rate);
    std::vector<double> voicedIn, voicedOut, unvoicedIn, unvoicedOut;
    const std::size_t frames = std::min({levels.size(), in.pitch.frames(), drive.voiced.size()});
    for (std::size_t t = 0; t < frames; ++t) {
        if (!(in.pitch.confidence[t] < 0.5 && levels[t] > reference - 30))
            continue;
        const std::int64_t centre = std::int64_t(t) * hop;
        const double centroidIn = test::centroidHz(spectrum, take.samples, take.rate, centre);
        const double centroidOut = test::centroidHz(spectrum, out, take.rate, centre);
        (drive.voiced[t] ? voicedIn : unvoicedIn).push_back(centroidIn);
        (drive.voiced[t] ? voicedOut : unvoicedOut).push_back(centroidOut);
    }
    UnvoicedByDrive split;
    const std::size_t all = voicedIn.size() + unvoicedIn.size();
    if (all > 0)
        split.driveVoicedShare = double(voicedIn.size()) / double(all);
    split.voicedCentroidInHz = test::medianValue(voicedIn);
    split.voicedCentroidOutHz = test::medianValue(voicedOut);
    split.unvoicedCentroidInHz = test::medianValue(unvoicedIn);
    split.unvoicedCentroidOutHz = test::medianValue(unvoicedOut);
    return split;
}

struct Row {
    std::string model, input, mode;
    double deltaSemitones = 0, inputSeconds = 0, convertSeconds = 0;
    test::PitchKept pitch;
    OffCauses off;
    test::HarmonicsKept harmonics;
    test::LevelsKept levels;
    test::LevelsKept voiceOwn; // the voice's held-out take against itself: its own frames
    UnvoicedByDrive unvoicedByDrive;
    double bandEdgeInHz = 0, bandEdgeOutHz = 0;
    double lsdFullDb = test::notMeasured(), lsdBelow8kDb = test::notMeasured(),
           lsdAbove8kDb = test::notMeasured(), lsdAbove8kToEdgeDb = test::notMeasured();
};

Row measure(const Model& model, const Take& take, const Analysis& in, const std::string& mode,
            const Converted& out, const test::LevelsKept& voiceOwn) {
    constexpr double ratio = 1; // no transposition
    Row r;
    r.model = model.name;
    r.input = take.name;
    r.mode = mode;
    r.deltaSemitones = 12 * std::log2(test::voicedMedianF0(in.pitch) / model.medianF0);
    r.inputSeconds = take.seconds();
    r.convertSeconds = out.seconds;
    const std::vector<float> out16 = accord::dsp::resample(out.samples, take.rate, test::kYinRate);
    const test::YinTrack outPitch = test::yinTrack(out16);
    r.pitch = test::pitchKept(in.pitch, outPitch, ratio);
    r.off = classifyOff(in, mode == "live" ? in.live : in.offline, outPitch, out16);
    r.harmonics = test::harmonicsKept(in.pitch, in.harmonics,
                                      test::guidedHarmonicMeasures(out16, in.pitch, ratio), ratio,
                                      model.h1h2Target);
    r.levels = test::levelsKept(take.samples, out.samples, take.rate, in.pitch, outPitch.frames());
    r.voiceOwn = voiceOwn;
    r.unvoicedByDrive =
        splitUnvoicedByDrive(take, out.samples, in, mode == "live" ? in.live : in.offline);
    r.bandEdgeInHz = test::bandEdgeHz(take.samples, take.rate);
    r.bandEdgeOutHz = test::bandEdgeHz(out.samples, take.rate);
    if (take.name == model.speaker) { // held-out resynthesis of the model's own voice
        r.lsdFullDb = test::bandLogSpectralDistance(take.samples, out.samples, take.rate, 0, 1e9);
        r.lsdBelow8kDb =
            test::bandLogSpectralDistance(take.samples, out.samples, take.rate, 0, 8000);
        if (take.rate > 16000)
            r.lsdAbove8kDb =
                test::bandLogSpectralDistance(take.samples, out.samples, take.rate, 8000, 1e9);
        // Up to the input's own band edge only: above it a band-limited recording holds only its
        // codec's floor, which a model that does not invent a top leaves empty, and the floor
        // relative to the band's mean counts every such bin fully.
        if (r.bandEdgeInHz > 8000)
            r.lsdAbove8kToEdgeDb = test::bandLogSpectralDistance(take.samples, out.samples,
                                                                 take.rate, 8000, r.bandEdgeInHz);
    }
    return r;
}

std::string number(double v, int decimals, bool sign = false) {
    if (std::isnan(v))
        return "-";
    char text[32];
    std::snprintf(text, sizeof text, sign ? "%+.*f" : "%.*f", decimals, v);
    return text;
}

std::string pair(double a, double b, int decimals) {
    return number(a, decimals) + "/" + number(b, decimals);
}

void printHeader() {
    std::printf("\n%-9s %-7s %5s %5s %5s %5s %9s %11s %16s %4s %5s %5s %5s %9s %11s %5s\n", "pair",
                "mode", "dst", "c", ">50c%", "unv%", "conf", "HBH dB", "H1-H2 in/out/tgt", "rng%",
                "corr", "quiet", "unvdB", "centr Hz", "edge Hz", "xRT");
}

void printRow(const Row& r) {
    const std::string name = r.model + "<-" + r.input;
    const std::string quiet =
        number(r.levels.quietOutMinusInDb, 1, true) + (r.levels.quietFrames < 20 ? "*" : "");
    std::printf("%-9s %-7s %5s %5s %5s %5s %9s %11s %16s %4s %5s %5s %5s %9s %11s %5.0f\n",
                name.c_str(), r.mode.c_str(), number(r.deltaSemitones, 1, true).c_str(),
                number(r.pitch.medianCents, 1).c_str(), number(100 * r.pitch.off50Share, 1).c_str(),
                number(100 * r.pitch.outUnvoicedShare, 1).c_str(),
                pair(r.pitch.confidenceIn, r.pitch.confidenceOut, 2).c_str(),
                pair(r.harmonics.hbhInDb, r.harmonics.hbhOutDb, 1).c_str(),
                (pair(r.harmonics.h1h2InDb, r.harmonics.h1h2OutDb, 1) + "/" +
                 number(r.harmonics.h1h2TargetDb, 1))
                    .c_str(),
                number(100 * r.harmonics.insideTargetRange, 0).c_str(),
                number(r.levels.loudnessCorrelation, 3).c_str(), quiet.c_str(),
                number(r.levels.unvoicedOutMinusInDb, 1, true).c_str(),
                pair(r.levels.unvoicedCentroidInHz, r.levels.unvoicedCentroidOutHz, 0).c_str(),
                pair(r.bandEdgeInHz, r.bandEdgeOutHz, 0).c_str(),
                r.inputSeconds / r.convertSeconds);
    std::fflush(stdout);
}

nlohmann::ordered_json toJson(const Row& r) {
    return {{"model", r.model},
            {"input", r.input},
            {"mode", r.mode},
            {"deltaSemitones", r.deltaSemitones},
            {"inputSeconds", r.inputSeconds},
            {"convertSeconds", r.convertSeconds},
            {"xRealTime", r.inputSeconds / r.convertSeconds},
            {"inputVoicedFrames", r.pitch.inputVoicedFrames},
            {"pitchMedianCents", r.pitch.medianCents},
            {"pitchOff50Share", r.pitch.off50Share},
            {"outputUnvoicedShare", r.pitch.outUnvoicedShare},
            {"off50DriveUnvoiced", r.off.driveUnvoiced},
            {"off50DriveWrong", r.off.driveWrong},
            {"off50YinWrongOnInput", r.off.yinWrongOnInput},
            {"off50TrackersApart", r.off.trackersApart},
            {"off50OutputAperiodic", r.off.outputAperiodic},
            {"off50OutputMisread", r.off.outputMisread},
            {"off50OutputWrong", r.off.outputWrong},
            {"off50OutputOther", r.off.outputOther},
            {"yinConfInMedian", r.pitch.confidenceIn},
            {"yinConfOutMedian", r.pitch.confidenceOut},
            {"hbhInDb", r.harmonics.hbhInDb},
            {"hbhOutDb", r.harmonics.hbhOutDb},
            {"h1h2InDb", r.harmonics.h1h2InDb},
            {"h1h2OutDb", r.harmonics.h1h2OutDb},
            {"h1h2TargetSamePitchDb", r.harmonics.h1h2TargetDb},
            {"outFramesInsideTargetRange", r.harmonics.insideTargetRange},
            {"loudnessCorr", r.levels.loudnessCorrelation},
            {"quietFrames", r.levels.quietFrames},
            {"quietOutMinusInDb", r.levels.quietOutMinusInDb},
            {"unvoicedLoudFrames", r.levels.unvoicedFrames},
            {"unvoicedOutMinusInDb", r.levels.unvoicedOutMinusInDb},
            {"unvoicedCentroidInHz", r.levels.unvoicedCentroidInHz},
            {"unvoicedCentroidOutHz", r.levels.unvoicedCentroidOutHz},
            {"quietOutUnderReferenceDb", r.levels.quietOutUnderReferenceDb},
            {"quietCentroidInHz", r.levels.quietCentroidInHz},
            {"quietCentroidOutHz", r.levels.quietCentroidOutHz},
            {"unvoicedShapeDistanceDb", r.levels.unvoicedShapeDistanceDb},
            {"unvoicedDriveVoicedShare", r.unvoicedByDrive.driveVoicedShare},
            {"unvoicedDriveVoicedCentroidInHz", r.unvoicedByDrive.voicedCentroidInHz},
            {"unvoicedDriveVoicedCentroidOutHz", r.unvoicedByDrive.voicedCentroidOutHz},
            {"unvoicedDriveUnvoicedCentroidInHz", r.unvoicedByDrive.unvoicedCentroidInHz},
            {"unvoicedDriveUnvoicedCentroidOutHz", r.unvoicedByDrive.unvoicedCentroidOutHz},
            {"unvoicedShapeOutVsVoiceDb", test::rmsDifference(r.levels.unvoicedMeanShapeOutDb,
                                                              r.voiceOwn.unvoicedMeanShapeInDb)},
            {"voiceQuietUnderReferenceDb", r.voiceOwn.quietOutUnderReferenceDb},
            {"voiceQuietCentroidHz", r.voiceOwn.quietCentroidInHz},
            {"voiceUnvoicedCentroidHz", r.voiceOwn.unvoicedCentroidInHz},
            {"bandEdgeInHz", r.bandEdgeInHz},
            {"bandEdgeOutHz", r.bandEdgeOutHz},
            {"lsdFullDb", r.lsdFullDb},
            {"lsdBelow8kDb", r.lsdBelow8kDb},
            {"lsdAbove8kDb", r.lsdAbove8kDb},
            {"lsdAbove8kToEdgeDb", r.lsdAbove8kToEdgeDb}};
}

// `from`'s model file with its card's high band emptied (a band-limited model's), its container's
// lengths and checksum made to match (models/voice_model.h: the file format).
void writeWithoutBand(const std::string& from, const std::string& to) {
    const std::string bytes = accord::readWholeFile(from);
    nlohmann::json card = nlohmann::json::parse(accord::test::modelFileCard(bytes));
    card["metrics"]["highBand"] = {
        {"bands", 0}, {"voiced", nlohmann::json::array()}, {"unvoiced", nlohmann::json::array()}};
    accord::writeFileAtomically(to, accord::test::modelFileWithCard(bytes, card.dump(2)));
}

bool wanted(const std::string& model) {
    const char* list = std::getenv("ACCORD_BENCH_MODELS");
    if (!list || !*list)
        return true;
    std::stringstream names(list);
    for (std::string name; std::getline(names, name, ',');)
        if (name == model)
            return true;
    return false;
}

} // namespace

int main() {
    const bool runLive = envNumber("ACCORD_BENCH_LIVE", 1) != 0;
    const char* jsonPath = std::getenv("ACCORD_BENCH_JSON");
    const bool writeAudio = envNumber("ACCORD_BENCH_WRITE_AUDIO", 0) != 0;
    const auto benchStart = std::chrono::steady_clock::now();
    std::printf("Voice model quality benchmark (issue 17; %s)\n",
                accord::models::describeRuntime(accord::models::configureRuntime(std::max(
                                                    1, int(envNumber("ACCORD_BENCH_THREADS", 1)))))
                    .c_str());

    // Inputs and training sets.
    std::map<std::string, Speaker> speakers;
    speakers["v"] = selectSpeaker("v", 300, 60);
    speakers["m"] = selectSpeaker("m", 300, 60);
    speakers["hs"] = selectSpeaker("hs", 150, 60);
    speakers["r"] = selectSpeaker("r", 0, 60);
    std::map<std::string, Take> takes;
    for (const auto& [name, s] : speakers)
        takes[name] = s.test;
    takes["lena"].name = "lena";
    const fs::path lena = fs::path(materialRoot()) / "npm/audio-lena/lena.flac";
    if (fs::exists(lena))
        append(takes["lena"], lena.string());
    takes["alsa"].name = "alsa";
    std::vector<std::string> alsa;
    if (fs::is_directory(fs::path(materialRoot()) / "alsa"))
        for (const auto& entry : fs::directory_iterator(fs::path(materialRoot()) / "alsa"))
            if (entry.path().extension() == ".wav")
                alsa.push_back(entry.path().string());
    std::sort(alsa.begin(), alsa.end());
    for (const std::string& file : alsa)
        append(takes["alsa"], file);
    const std::string scratch = accord::bench::scratchFolder("accord-bench-voice-quality");
    // A: alsa's words but its Noise.wav; the last two (sorted) held out.
    std::vector<std::string> alsaWords;
    for (const std::string& file : alsa)
        if (fs::path(file).filename() != "Noise.wav")
            alsaWords.push_back(file);
    Speaker& a = speakers["a"];
    a.train.name = "a-train";
    a.test.name = "a";
    for (std::size_t i = 0; i < alsaWords.size(); ++i)
        append(i + 2 < alsaWords.size() ? a.train : a.test, alsaWords[i]);
    takes["a"] = a.test;
    // L: lena's first 9 s (written to the scratch folder, as training reads files), the rest held
    // out.
    Speaker& l = speakers["l"];
    l.train.name = "l-train";
    l.test.name = "l";
    if (takes["lena"].rate > 0) {
        const Take& whole = takes["lena"];
        const auto cut = std::size_t(9 * whole.rate);
        const std::string trainFile = scratch + "/lena-train.wav";
        accord::audio::writeMonoAudio(
            trainFile,
            std::vector<float>(whole.samples.begin(),
                               whole.samples.begin() +
                                   std::ptrdiff_t(std::min(cut, whole.samples.size()))),
            whole.rate);
        append(l.train, trainFile);
        l.test.rate = whole.rate;
        if (whole.samples.size() > cut)
            l.test.samples.assign(whole.samples.begin() + std::ptrdiff_t(cut), whole.samples.end());
    }
    takes["l"] = l.test;
    for (const auto& [name, take] : takes)
        if (take.seconds() < (name == "a" || name == "l" ? 2 : 5)) {
            std::printf("bench_voice_quality: the material for \"%s\" is missing: run "
                        "scripts/fetch-material.sh\n",
                        name.c_str());
            return 1;
        }
    for (const auto& [name, s] : speakers)
        std::printf("  %-4s training %6.1f s (%3zu files), test take %5.1f s (%2zu files)\n",
                    name.c_str(), s.train.seconds(), s.train.files.size(), s.test.seconds(),
                    s.test.files.size());
    if (writeAudio)
        for (const auto& [name, take] : takes)
            accord::audio::writeMonoAudio(scratch + "/" + name + ".wav", take.samples, take.rate);
    if (std::getenv("ACCORD_BENCH_DEBUG"))
        for (const auto& [name, s] : speakers) {
            for (const std::string& file : s.train.files)
                std::printf("    %s-train %s\n", name.c_str(), file.c_str());
            for (const std::string& file : s.test.files)
                std::printf("    %s-test %s\n", name.c_str(), file.c_str());
        }
    std::printf("  lena %.1f s at %d Hz, alsa %.1f s at %d Hz (%zu files)\n",
                takes["lena"].seconds(), takes["lena"].rate, takes["alsa"].seconds(),
                takes["alsa"].rate, alsa.size());

    // Models.
    std::vector<Model> models;
    for (const auto& [name, speaker] : std::vector<std::pair<std::string, std::string>>{
             {"V", "v"}, {"M", "m"}, {"HS", "hs"}, {"A", "a"}, {"L", "l"}})
        if (wanted(name))
            models.push_back(obtainModel(name, speaker, speakers[speaker].train, scratch));
    accord::models::configureRuntime(1); // conversions on one thread
    for (const Model& m : models) {
        const nlohmann::json metrics = nlohmann::json::parse(m.model->card().metricsJson);
        const std::string wall =
            m.trainingWallSeconds >= 0
                ? number(m.trainingWallSeconds, 1) + " s wall clock here"
                : number(metrics.value("wallSeconds", test::notMeasured()), 1) +
                      " s wall clock (the card's metrics)";
        std::printf("  %-2s %s: voice median f0 %.1f Hz, H1-H2 known on %zu semitones; training "
                    "%s, %d steps, validation LSD %.2f dB; training set's band edge %.0f Hz, the "
                    "card's %s Hz\n",
                    m.name.c_str(), m.file.c_str(), m.medianF0, m.h1h2Target.size(), wall.c_str(),
                    metrics.value("steps", 0), metrics.value("validationLogSpectralDb", 0.0),
                    m.trainingBandEdgeHz,
                    metrics.contains("bandEdgeHz")
                        ? number(metrics["bandEdgeHz"].get<double>(), 0).c_str()
                        : "(none)");
    }

    // Pairs.
    const std::vector<std::pair<std::string, std::vector<std::string>>> pairs = {
        {"V", {"v", "m", "r", "lena", "alsa"}},
        {"M", {"m", "v", "r", "lena", "alsa"}},
        {"HS", {"hs", "m", "lena"}},
        {"A", {"a"}},
        {"L", {"l"}}};
    std::map<std::string, Analysis> inputs;
    std::vector<Row> rows;
    std::ofstream json;
    if (jsonPath && *jsonPath)
        json.open(jsonPath);
    printHeader();
    for (const Model& m : models)
        for (const auto& [modelName, inputNames] : pairs) {
            if (modelName != m.name)
                continue;
            if (!inputs.count(m.speaker))
                inputs[m.speaker] = analyse(takes[m.speaker]);
            const Take& own = takes[m.speaker];
            const test::LevelsKept voiceOwn =
                test::levelsKept(own.samples, own.samples, own.rate, inputs[m.speaker].pitch,
                                 inputs[m.speaker].pitch.frames());
            for (const std::string& inputName : inputNames) {
                const Take& take = takes[inputName];
                if (!inputs.count(inputName))
                    inputs[inputName] = analyse(take);
                std::vector<std::pair<std::string, Converted>> outputs;
                outputs.emplace_back("offline", convertOffline(*m.model, take));
                if (runLive)
                    outputs.emplace_back("live", convertLive(*m.model, take));
                for (const auto& [mode, out] : outputs) {
                    if (writeAudio)
                        accord::audio::writeMonoAudio(scratch + "/" + m.name + "_" + inputName +
                                                          "." + mode + ".wav",
                                                      out.samples, take.rate);
                    rows.push_back(measure(m, take, inputs[inputName], mode, out, voiceOwn));
                    printRow(rows.back());
                    if (json.is_open())
                        json << toJson(rows.back()).dump() << '\n';
                }
            }
        }
    std::printf("  columns: dst = semitones from the voice's median f0; c = median |cents|; conf = "
                "yin confidence in/out; rng%% = output frames at a semitone the voice has; quiet "
                "and unvdB = output - input level (* under 20 frames); xRT = x real time\n");

    std::printf("\nQuiet and unvoiced frames against the voice's own (its held-out take): quiet = "
                "the input's quiet frames, the output's level under the input's 95th percentile "
                "(the voice's own there) and centroids in/out (voice's); unvoiced = centroids "
                "in/out (voice's), band shapes out vs in frame by frame (median RMS dB) and out "
                "vs the voice's own on average; the unvoiced frames the product calls voiced (%% "
                "of them) and centroids in/out of those and of the rest\n");
    std::printf("%-9s %-7s %13s %18s %18s %9s %9s %5s %11s %11s\n", "pair", "mode", "quiet dB",
                "quiet centr Hz", "unv centr Hz", "unv-in dB", "unv-vc dB", "drv%", "drv-voiced",
                "drv-unv");
    for (const Row& r : rows)
        std::printf(
            "%-9s %-7s %13s %18s %18s %9s %9s %5s %11s %11s\n", (r.model + "<-" + r.input).c_str(),
            r.mode.c_str(),
            (number(r.levels.quietOutUnderReferenceDb, 1) + " (" +
             number(r.voiceOwn.quietOutUnderReferenceDb, 1) + ")")
                .c_str(),
            (pair(r.levels.quietCentroidInHz, r.levels.quietCentroidOutHz, 0) + " (" +
             number(r.voiceOwn.quietCentroidInHz, 0) + ")")
                .c_str(),
            (pair(r.levels.unvoicedCentroidInHz, r.levels.unvoicedCentroidOutHz, 0) + " (" +
             number(r.voiceOwn.unvoicedCentroidInHz, 0) + ")")
                .c_str(),
            number(r.levels.unvoicedShapeDistanceDb, 1).c_str(),
            number(test::rmsDifference(r.levels.unvoicedMeanShapeOutDb,
                                       r.voiceOwn.unvoicedMeanShapeInDb),
                   1)
                .c_str(),
            number(100 * r.unvoicedByDrive.driveVoicedShare, 0).c_str(),
            pair(r.unvoicedByDrive.voicedCentroidInHz, r.unvoicedByDrive.voicedCentroidOutHz, 0)
                .c_str(),
            pair(r.unvoicedByDrive.unvoicedCentroidInHz, r.unvoicedByDrive.unvoicedCentroidOutHz, 0)
                .c_str());

    std::printf("\nFrames more than 50 cents off, by cause (%% of the input's voiced frames): the "
                "product's track of the input unvoiced there (unv), off yin's with the input's "
                "spectrum supporting yin (drv) or the product (yin: the bench misread the input), "
                "not a whole ratio apart (apart); the product agreeing with yin, the output "
                "unvoiced (aper), voiced at a multiple its spectrum does not support (misr) or "
                "supports (wrong), or off by another ratio (other)\n");
    std::printf("%-9s %-7s %6s %6s %6s %6s %6s %6s %6s %6s %6s\n", "pair", "mode", ">50c%", "unv",
                "drv", "yin", "apart", "aper", "misr", "wrong", "other");
    for (const Row& r : rows)
        std::printf(
            "%-9s %-7s %6s %6s %6s %6s %6s %6s %6s %6s %6s\n", (r.model + "<-" + r.input).c_str(),
            r.mode.c_str(), number(100 * r.pitch.off50Share, 1).c_str(),
            number(100 * r.off.driveUnvoiced, 1).c_str(), number(100 * r.off.driveWrong, 1).c_str(),
            number(100 * r.off.yinWrongOnInput, 1).c_str(),
            number(100 * r.off.trackersApart, 1).c_str(),
            number(100 * r.off.outputAperiodic, 1).c_str(),
            number(100 * r.off.outputMisread, 1).c_str(),
            number(100 * r.off.outputWrong, 1).c_str(), number(100 * r.off.outputOther, 1).c_str());

    // Held-out resynthesis and speed.
    std::printf("\nHeld-out resynthesis, log-spectral distance (dB): full band / below 8 kHz / "
                "above 8 kHz / 8 kHz to the input's band edge (edge in Hz)\n");
    for (const Row& r : rows)
        if (!std::isnan(r.lsdFullDb))
            std::printf("  %-9s %-7s %5.2f / %5.2f / %5.2f / %5.2f (%.0f)\n",
                        (r.model + "<-" + r.input).c_str(), r.mode.c_str(), r.lsdFullDb,
                        r.lsdBelow8kDb, r.lsdAbove8kDb, r.lsdAbove8kToEdgeDb, r.bandEdgeInHz);
    std::map<std::string, std::pair<double, double>> speed; // mode -> audio, wall clock
    for (const Row& r : rows) {
        speed[r.mode].first += r.inputSeconds;
        speed[r.mode].second += r.convertSeconds;
    }
    std::printf("\nSpeed on this thread (one thread):\n");
    for (const auto& [mode, t] : speed)
        std::printf("  %-7s %.1f s of input in %.2f s: %.0fx real time\n", mode.c_str(), t.first,
                    t.second, t.first / t.second);
    for (const Model& m : models)
        if (m.name == "V" && takes["v"].seconds() > 0) {
            const Take& take = takes["v"];
            const accord::bench::Timing t =
                accord::bench::repeat(3, [&] { (void)m.model->convert(take.samples, take.rate); });
            std::printf("  VoiceModel::convert V<-v (%.2f s), 3 runs: median %.3f s, %.0fx real "
                        "time\n",
                        take.seconds(), t.median, take.seconds() / t.median);
        }
    // What the band above 8 kHz costs: the same model with and without it (its card's "highBand"
    // emptied, as a band-limited model's is), converting the v take at 48 kHz, alternately.
    for (const Model& m : models)
        if (m.name == "A" && takes["v"].seconds() > 0) {
            const std::string without = scratch + "/A-without-band.accordvoice";
            writeWithoutBand(m.file, without);
            const VoiceModel plain = VoiceModel::load(without);
            const Take& v = takes["v"];
            const std::vector<float> take48 = accord::dsp::resample(v.samples, v.rate, 48000);
            // The thread's CPU time, not the wall clock: on a shared machine waiting for a core
            // swamps a difference of a few percent.
            const auto cpuOf = [](const std::function<void()>& work) {
                const double start = accord::bench::threadCpuSeconds();
                work();
                return accord::bench::threadCpuSeconds() - start;
            };
            std::vector<double> withBand, withoutBand;
            for (int run = 0; run < 7; ++run) {
                withBand.push_back(cpuOf([&] { (void)m.model->convert(take48, 48000); }));
                withoutBand.push_back(cpuOf([&] { (void)plain.convert(take48, 48000); }));
            }
            std::sort(withBand.begin(), withBand.end());
            std::sort(withoutBand.begin(), withoutBand.end());
            std::printf("  the band above 8 kHz: VoiceModel::convert A<-v at 48 kHz (%.2f s), 7 "
                        "runs each, alternating, thread CPU: median %.3f s with it, %.3f s "
                        "without (%+.1f%%)\n",
                        v.seconds(), withBand[3], withoutBand[3],
                        100 * (withBand[3] / withoutBand[3] - 1));
            fs::remove(without);
        }
    std::error_code error;
    if (!fs::remove(scratch, error)) // kept when it holds trained models or audio
        std::printf("  scratch folder: %s\n", scratch.c_str());
    std::printf(
        "  bench wall clock: %.1f s\n",
        std::chrono::duration<double>(std::chrono::steady_clock::now() - benchStart).count());
    return 0;
}
