// Voice model benchmark on real recordings (fillets-ng-data-cs, Czech speech, 22.05 kHz):
// trains on ~5 minutes of the low male voice ("-v-" files), converts held-out clips of the high
// voice ("-m-") and reports (issue 5):
//   1. pitch kept: median |f0(out) - f0(in)| in cents on frames voiced in both (goal < 20);
//   2. loudness kept: correlation of frame loudness in/out on the input's sounding frames (> 0.9);
//   3. timbre moved: nearest-centroid classifier on MFCC statistics (per clip mean and standard
//      deviation of c1..c12), fitted on other clips of the two real voices, puts converted clips
//      in the low voice (goal >= 90%); controls: the untrained synthesiser's conversions, and a
//      model of the high voice trained the same way (its conversions should be called "high");
//      and held-out resynthesis of the low voice has a lower log-spectral distance than the
//      untrained model;
//   4. speed: wall-clock training time (goal <= 10 min on this 2-core machine) and offline
//      conversion speed on one core (goal >= 100x real time).
// Everything goes through the public API: registry, consent grants, trainVoiceModel,
// convertWithVoiceModel (renders registered), VoiceModel for the resynthesis comparisons.
//
// Knobs (environment, for quick iterations): ACCORD_BENCH_TRAIN_SECONDS (300),
// ACCORD_BENCH_STEPS (0 = default schedule), ACCORD_BENCH_MINUTES (10), ACCORD_BENCH_THREADS (0:
// the product's default, 1),
// ACCORD_BENCH_CHANNELS (0 = default), ACCORD_BENCH_CLIPS (24 converted clips),
// ACCORD_BENCH_CONTROL_SECONDS (120) and ACCORD_BENCH_CONTROL_STEPS (600) for the control model
// of the high voice.

#include "bench_common.h"
#include "voice_measures.h"

#include "accord/audio/audio_file.h"
#include "accord/audio/audio_io.h"
#include "accord/core/registry.h"
#include "accord/dsp/resample.h"
#include "accord/dsp/voice_features.h"
#include "accord/models/runtime.h"
#include "accord/models/voice_model.h"
#include "accord/workflows/convert.h"
#include "accord/workflows/train.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <numeric>
#include <string>
#include <vector>

namespace fs = std::filesystem;
namespace an = accord::dsp::analysis;
using accord::dsp::VoiceFeatures;
using accord::test::correlation;
using accord::test::logSpectralDistance;
using accord::test::soundingFrames;

namespace {

constexpr int kStats = 2 * (an::kMfccCount - 1); // mean and deviation of c1..c12

using accord::bench::envNumber;
using accord::bench::materialRoot;

struct Clip {
    std::string path;
    std::vector<float> samples; // native rate
    int rate = 0;
    double seconds = 0;
};

Clip loadClip(const std::string& path) {
    const accord::audio::MonoAudio audio = accord::audio::readMonoAudio(path);
    Clip clip;
    clip.path = path;
    clip.rate = audio.sampleRate;
    clip.samples = audio.samples;
    clip.seconds = static_cast<double>(audio.samples.size()) / audio.sampleRate;
    return clip;
}

VoiceFeatures analyse(const std::vector<float>& samples, int rate, bool spectrum = false) {
    accord::dsp::AnalysisOptions options;
    options.keepSpectrum = spectrum;
    return accord::dsp::analyseVoice(accord::dsp::resample(samples, rate, an::kSampleRate),
                                     options);
}

// Frames that sound: within 50 dB of the clip's 95th-percentile level.
std::array<double, kStats> mfccStats(const VoiceFeatures& f) {
    const std::vector<std::uint8_t> sounding = soundingFrames(f);
    std::array<double, kStats> stats{};
    const int cepstra = an::kMfccCount - 1;
    double count = 0;
    std::array<double, an::kMfccCount> sum{}, square{};
    for (size_t t = 0; t < sounding.size(); ++t) {
        if (!sounding[t])
            continue;
        ++count;
        for (int c = 1; c < an::kMfccCount; ++c) {
            const double v = f.mfcc[t * an::kMfccCount + static_cast<size_t>(c)];
            sum[static_cast<size_t>(c)] += v;
            square[static_cast<size_t>(c)] += v * v;
        }
    }
    for (int c = 1; c < an::kMfccCount; ++c) {
        const double mean = sum[static_cast<size_t>(c)] / std::max(count, 1.0);
        stats[static_cast<size_t>(c - 1)] = mean;
        stats[static_cast<size_t>(cepstra + c - 1)] = std::sqrt(
            std::max(0.0, square[static_cast<size_t>(c)] / std::max(count, 1.0) - mean * mean));
    }
    return stats;
}

// Nearest centroid on z-scored MFCC statistics.
struct TimbreClassifier {
    std::array<double, kStats> mean{}, scale{}, low{}, high{};

    void fit(const std::vector<std::array<double, kStats>>& lowClips,
             const std::vector<std::array<double, kStats>>& highClips) {
        std::vector<std::array<double, kStats>> all = lowClips;
        all.insert(all.end(), highClips.begin(), highClips.end());
        for (size_t i = 0; i < kStats; ++i) {
            double s = 0, q = 0;
            for (const auto& x : all) {
                s += x[i];
                q += x[i] * x[i];
            }
            mean[i] = s / static_cast<double>(all.size());
            scale[i] =
                1.0 /
                std::sqrt(std::max(q / static_cast<double>(all.size()) - mean[i] * mean[i], 1e-9));
        }
        const auto centroid = [&](const std::vector<std::array<double, kStats>>& clips) {
            std::array<double, kStats> c{};
            for (const auto& x : clips)
                for (size_t i = 0; i < kStats; ++i)
                    c[i] += (x[i] - mean[i]) * scale[i] / static_cast<double>(clips.size());
            return c;
        };
        low = centroid(lowClips);
        high = centroid(highClips);
    }
    // > 0: nearer the low voice.
    double margin(const std::array<double, kStats>& x) const {
        double dl = 0, dh = 0;
        for (size_t i = 0; i < kStats; ++i) {
            const double z = (x[i] - mean[i]) * scale[i];
            dl += (z - low[i]) * (z - low[i]);
            dh += (z - high[i]) * (z - high[i]);
        }
        return std::sqrt(dh) - std::sqrt(dl);
    }
};

double medianOf(std::vector<double> v) {
    if (v.empty())
        return std::nan("");
    std::nth_element(v.begin(), v.begin() + static_cast<long>(v.size() / 2), v.end());
    return v[v.size() / 2];
}

// Every "-v-" / "-m-" clip of the material, in a fixed order (sorted paths).
std::vector<std::string> voiceFiles(const std::string& marker) {
    std::vector<std::string> files;
    const fs::path root = fs::path(materialRoot()) / "fillets-cs";
    for (const auto& entry : fs::recursive_directory_iterator(root))
        if (entry.is_regular_file() && entry.path().extension() == ".ogg" &&
            entry.path().filename().string().find(marker) != std::string::npos)
            files.push_back(entry.path().string());
    std::sort(files.begin(), files.end());
    return files;
}

} // namespace

int main() {
    const double trainSeconds = envNumber("ACCORD_BENCH_TRAIN_SECONDS", 300);
    const int steps = static_cast<int>(envNumber("ACCORD_BENCH_STEPS", 0));
    const double minutes = envNumber("ACCORD_BENCH_MINUTES", 10);
    const int threads = static_cast<int>(envNumber("ACCORD_BENCH_THREADS", 0)); // 0: default
    const int channels = static_cast<int>(envNumber("ACCORD_BENCH_CHANNELS", 0));
    const auto convertedClips = static_cast<size_t>(envNumber("ACCORD_BENCH_CLIPS", 24));
    const double controlSeconds = envNumber("ACCORD_BENCH_CONTROL_SECONDS", 120);
    const int controlSteps = static_cast<int>(envNumber("ACCORD_BENCH_CONTROL_STEPS", 600));
    constexpr size_t kFitClips = 40;   // per voice, for the timbre classifier
    constexpr size_t kHeldOutLow = 12; // low-voice clips never trained on, for resynthesis

    const std::vector<std::string> low = voiceFiles("-v-");
    const std::vector<std::string> high = voiceFiles("-m-");
    if (low.size() < 200 || high.size() < 100) {
        std::printf(
            "bench_voice: the fillets-cs material is missing (%zu low, %zu high clips): run "
            "scripts/fetch-material.sh\n",
            low.size(), high.size());
        return 1;
    }
    std::printf(
        "Voice model benchmark (%s)\n",
        accord::models::describeRuntime(accord::models::configureRuntime(threads > 0 ? threads : 1))
            .c_str());

    // Split the low voice by position in a fixed order: every 3rd clip is a candidate for the
    // classifier / held-out sets, the others are the training pool.
    std::vector<std::string> trainPool, lowOther;
    for (size_t i = 0; i < low.size(); ++i)
        (i % 3 == 2 ? lowOther : trainPool).push_back(low[i]);
    std::vector<std::string> highFit, highTest;
    for (size_t i = 0; i < high.size(); ++i)
        (i % 2 == 1 && highTest.size() < convertedClips ? highTest : highFit).push_back(high[i]);
    // The high-voice clips neither converted nor used by the classifier train the control model.
    const std::vector<std::string> highTrainPool(highFit.begin() + static_cast<long>(kFitClips),
                                                 highFit.end());
    highFit.resize(std::min(highFit.size(), kFitClips));
    std::vector<std::string> lowFit(lowOther.begin(), lowOther.begin() + kFitClips);
    std::vector<std::string> lowHeldOut(lowOther.begin() + kFitClips,
                                        lowOther.begin() + kFitClips + kHeldOutLow);

    // Registry, holders, training assets and grants.
    const std::string folder = accord::bench::scratchFolder("accord-bench-voice");
    auto registry = accord::Registry::open(folder + "/registry.sqlite");
    const accord::Holder lowVoice = registry->addHolder("Low voice (fillets-cs -v-)", "");
    const accord::Holder highVoice = registry->addHolder("High voice (fillets-cs -m-)", "");
    std::vector<std::string> trainAssets;
    double collected = 0;
    for (const std::string& path : trainPool) {
        if (collected >= trainSeconds)
            break;
        accord::NewAsset asset;
        asset.owner = lowVoice.id;
        asset.identity = accord::audio::identifyAudioFile(path);
        asset.path = path;
        trainAssets.push_back(registry->addAsset(asset).asset.id);
        collected += asset.identity.durationSeconds;
    }
    for (const accord::Scope scope : {accord::Scope::TrainVoice, accord::Scope::Generate}) {
        accord::NewGrant grant;
        grant.holder = lowVoice.id;
        grant.scope = scope;
        registry->addGrant(grant);
    }
    std::printf("  training data: %zu low-voice clips, %.1f s of audio\n", trainAssets.size(),
                collected);

    // Train.
    accord::workflows::VoiceTrainingRequest request;
    request.owner = lowVoice.id;
    request.assets = trainAssets;
    request.outFile = folder + "/low-voice.accordvoice";
    request.seed = 1;
    request.maxMinutes = minutes;
    request.maxSteps = steps;
    request.threads = threads;
    request.channels = channels;
    int lastPrinted = -1;
    accord::workflows::TrainedModel trained;
    const double trainingWall = accord::bench::secondsOf([&] {
        trained = accord::workflows::trainVoiceModel(*registry, request, [&](const auto& p) {
            if (std::getenv("ACCORD_BENCH_DEBUG") && !p.message.empty())
                std::printf("    [%6.1f s] %s\n", p.elapsedSeconds, p.message.c_str());
            if (p.phase != accord::models::VoiceTrainingProgress::Phase::Training)
                return;
            if (p.step == p.totalSteps || p.step / 250 != lastPrinted / 250) {
                lastPrinted = p.step;
                std::printf("    step %5d/%d  loss %.4f  validation %.4f  %6.1f s  eta %6.1f s\n",
                            p.step, p.totalSteps, p.loss, p.validationLoss, p.elapsedSeconds,
                            p.etaSeconds);
                std::fflush(stdout);
            }
        });
    });
    std::printf("  trained %s: %d steps in %.1f s wall clock (%s), weights %s\n",
                trained.modelId.c_str(), trained.steps, trainingWall,
                trained.stoppedByTimeLimit ? "stopped by the time limit" : "schedule complete",
                trained.weightsSha256.c_str());
    std::printf("  metrics: %s\n", trained.metricsJson.c_str());
    const int trainedThreads = nlohmann::json::parse(trained.metricsJson).value("threads", 0);
    std::printf("  load average at the end of training: %.2f\n", [] {
        double load[1] = {0};
        return getloadavg(load, 1) == 1 ? load[0] : -1.0;
    }());

    // Timbre classifier on real clips of both voices.
    std::vector<std::array<double, kStats>> lowStats, highStats;
    for (const std::string& path : lowFit) {
        const Clip c = loadClip(path);
        lowStats.push_back(mfccStats(analyse(c.samples, c.rate)));
    }
    for (const std::string& path : highFit) {
        const Clip c = loadClip(path);
        highStats.push_back(mfccStats(analyse(c.samples, c.rate)));
    }
    TimbreClassifier classifier;
    classifier.fit(lowStats, highStats);

    // Conversion of held-out high-voice clips, one core.
    accord::models::configureRuntime(1);
    const accord::models::VoiceModel model = accord::models::VoiceModel::load(trained.file);
    const accord::models::VoiceModel untrained = accord::models::VoiceModel::untrained(1, channels);
    int untrainedAsLow = 0;
    std::vector<double> cents, levelsIn, levelsOut, clipCents, clipCorrelation;
    int movedToLow = 0, realHighAsHigh = 0;
    double audioSeconds = 0, modelSeconds = 0, apiSeconds = 0;
    for (size_t i = 0; i < highTest.size(); ++i) {
        const Clip in = loadClip(highTest[i]);
        accord::NewAsset asset;
        asset.owner = highVoice.id;
        asset.identity = accord::audio::identifyAudioFile(in.path);
        asset.path = in.path;
        registry->addAsset(asset);
        const std::string out = folder + "/converted-" + std::to_string(i) + ".wav";
        accord::workflows::VoiceConversion conversion;
        apiSeconds += accord::bench::secondsOf([&] {
            conversion = accord::workflows::convertWithVoiceModel(*registry, trained.file, in.path,
                                                                  out, 0, "");
        });
        std::vector<float> again;
        modelSeconds +=
            accord::bench::secondsOf([&] { again = model.convert(in.samples, in.rate); });
        audioSeconds += in.seconds;

        const Clip converted = loadClip(out);
        if (converted.rate != in.rate || converted.samples.size() != in.samples.size())
            std::printf("  !! %s: rate/length changed\n", out.c_str());
        const VoiceFeatures fi = analyse(in.samples, in.rate);
        const VoiceFeatures fo = analyse(converted.samples, converted.rate);
        const std::vector<std::uint8_t> sounding = soundingFrames(fi);
        std::vector<double> inLevels, outLevels, errors;
        for (size_t t = 0; t < static_cast<size_t>(std::min(fi.frames, fo.frames)); ++t) {
            if (sounding[t]) {
                inLevels.push_back(fi.loudnessDb[t]);
                outLevels.push_back(fo.loudnessDb[t]);
            }
            if (fi.voiced[t] && fo.voiced[t])
                errors.push_back(
                    std::abs(1200.0 * std::log2(static_cast<double>(fo.f0Hz[t]) / fi.f0Hz[t])));
        }
        cents.insert(cents.end(), errors.begin(), errors.end());
        levelsIn.insert(levelsIn.end(), inLevels.begin(), inLevels.end());
        levelsOut.insert(levelsOut.end(), outLevels.begin(), outLevels.end());
        clipCents.push_back(medianOf(errors));
        clipCorrelation.push_back(correlation(inLevels, outLevels));
        const double margin = classifier.margin(mfccStats(fo));
        movedToLow += margin > 0;
        realHighAsHigh += classifier.margin(mfccStats(fi)) < 0;
        // Control: the same synthesiser untrained (flat envelopes) must not pass for the low voice.
        untrainedAsLow +=
            classifier.margin(mfccStats(analyse(untrained.convert(in.samples, in.rate), in.rate))) >
            0;
    }

    // A longer take (the converted clips joined, ~1 min): file to file, one core.
    double longSeconds = 0, longApiSeconds = 0;
    {
        std::vector<float> joined;
        int rate = 0;
        for (const std::string& path : highTest) {
            const Clip c = loadClip(path);
            rate = c.rate;
            joined.insert(joined.end(), c.samples.begin(), c.samples.end());
            if (joined.size() >= static_cast<size_t>(60 * rate))
                break;
        }
        const std::string take = folder + "/high-voice-take.wav";
        accord::audio::writeMonoAudio(take, joined, rate);
        accord::NewAsset asset;
        asset.owner = highVoice.id;
        asset.identity = accord::audio::identifyAudioFile(take);
        asset.path = take;
        registry->addAsset(asset);
        longSeconds = asset.identity.durationSeconds;
        longApiSeconds = accord::bench::secondsOf([&] {
            accord::workflows::convertWithVoiceModel(
                *registry, trained.file, take, folder + "/high-voice-take-converted.flac", 0, "");
        });
    }

    // Held-out resynthesis of the low voice: trained vs untrained model.
    std::vector<double> lsdTrained, lsdUntrained;
    int resynthAsLow = 0, realLowAsLow = 0;
    for (const std::string& path : lowHeldOut) {
        const Clip c = loadClip(path);
        const VoiceFeatures reference = analyse(c.samples, c.rate, true);
        const std::vector<float> a = model.convert(c.samples, c.rate);
        const std::vector<float> b = untrained.convert(c.samples, c.rate);
        const VoiceFeatures fa = analyse(a, c.rate, true);
        lsdTrained.push_back(logSpectralDistance(reference, fa));
        lsdUntrained.push_back(logSpectralDistance(reference, analyse(b, c.rate, true)));
        resynthAsLow += classifier.margin(mfccStats(fa)) > 0;
        realLowAsLow += classifier.margin(mfccStats(reference)) > 0;
    }

    // Control for the classifier: a model of the HIGH voice (trained the same way on ~2 min of
    // other high-voice clips) re-sings the same inputs. If the classifier only saw the
    // synthesiser, these would be called "low" too; if timbre follows the model, they are "high".
    std::vector<std::string> controlAssets;
    double controlCollected = 0;
    for (const std::string& path : highTrainPool) {
        if (controlCollected >= controlSeconds)
            break;
        accord::NewAsset asset;
        asset.owner = highVoice.id;
        asset.identity = accord::audio::identifyAudioFile(path);
        asset.path = path;
        controlAssets.push_back(registry->addAsset(asset).asset.id);
        controlCollected += asset.identity.durationSeconds;
    }
    {
        accord::NewGrant grant;
        grant.holder = highVoice.id;
        grant.scope = accord::Scope::TrainVoice;
        registry->addGrant(grant);
    }
    accord::workflows::VoiceTrainingRequest control = request;
    control.owner = highVoice.id;
    control.assets = controlAssets;
    control.outFile = folder + "/high-voice.accordvoice";
    control.maxSteps = controlSteps;
    const auto controlTrained = accord::workflows::trainVoiceModel(*registry, control);
    const accord::models::VoiceModel highModel =
        accord::models::VoiceModel::load(controlTrained.file);
    accord::models::configureRuntime(1);
    int highModelHighAsHigh = 0, highModelLowAsHigh = 0;
    for (const std::string& path : highTest) {
        const Clip c = loadClip(path);
        highModelHighAsHigh +=
            classifier.margin(mfccStats(analyse(highModel.convert(c.samples, c.rate), c.rate))) < 0;
    }
    for (const std::string& path : lowHeldOut) {
        const Clip c = loadClip(path);
        highModelLowAsHigh +=
            classifier.margin(mfccStats(analyse(highModel.convert(c.samples, c.rate), c.rate))) < 0;
    }

    const double meanTrained =
        std::accumulate(lsdTrained.begin(), lsdTrained.end(), 0.0) / lsdTrained.size();
    const double meanUntrained =
        std::accumulate(lsdUntrained.begin(), lsdUntrained.end(), 0.0) / lsdUntrained.size();
    const size_t n = highTest.size();
    std::printf(
        "\nResults (%zu converted high-voice clips, %.1f s; %zu held-out low-voice clips)\n", n,
        audioSeconds, lowHeldOut.size());
    std::printf("  1. pitch kept: median |f0 out - f0 in| %.2f cents over %zu voiced frames "
                "(median of clip medians %.2f)   goal < 20\n",
                medianOf(cents), cents.size(), medianOf(clipCents));
    std::printf("  2. loudness kept: correlation of frame loudness %.4f over %zu sounding frames "
                "(median per clip %.4f)   goal > 0.9\n",
                correlation(levelsIn, levelsOut), levelsIn.size(), medianOf(clipCorrelation));
    std::printf("  3. timbre moved: %d of %zu converted clips classified as the low voice (%.0f%%) "
                "  goal >= 90%%\n",
                movedToLow, n, 100.0 * movedToLow / n);
    std::printf(
        "     classifier sanity on real clips: %d/%zu high as high, %d/%zu low as low; "
        "resynthesised low clips as low: %d/%zu; untrained model's conversions as low: %d/%zu\n",
        realHighAsHigh, n, realLowAsLow, lowHeldOut.size(), resynthAsLow, lowHeldOut.size(),
        untrainedAsLow, n);
    std::printf(
        "     control, a model of the high voice (%.0f s, %d steps): re-sung high clips as high "
        "%d/%zu, low clips converted to the high voice as high %d/%zu\n",
        controlCollected, controlTrained.steps, highModelHighAsHigh, n, highModelLowAsHigh,
        lowHeldOut.size());
    std::printf("     held-out low-voice resynthesis, log-spectral distance: trained %.2f dB, "
                "untrained %.2f dB   goal trained < untrained\n",
                meanTrained, meanUntrained);
    std::printf("  4. training: %.1f s wall clock (%.1f min) on %d threads from %.1f min of audio  "
                " goal <= 10 min\n",
                trainingWall, trainingWall / 60, trainedThreads, collected / 60);
    std::printf(
        "     conversion, one core: in memory (resampling, analysis, network, synthesis) %.0fx "
        "real time; file to file (convertWithVoiceModel: + decoding, consent, writing, hashing, "
        "registering) %.0fx   goal >= 100x\n",
        audioSeconds / modelSeconds, audioSeconds / apiSeconds);
    std::printf("     a %.0f s take file to file (FLAC out): %.2f s, %.0fx real time\n",
                longSeconds, longApiSeconds, longSeconds / longApiSeconds);
    std::printf("  scratch folder: %s\n", folder.c_str());
    return 0;
}
