#include "voice_dsp.h"

#include "exp_of_each.h"

#include "accord/core/errors.h"
#include "accord/dsp/fft.h"
#include "accord/dsp/level.h"
#include "accord/dsp/mel.h"
#include "accord/dsp/pitch.h"

#include <algorithm>
#include <cmath>
#include <complex>
#include <cstdint>
#include <limits>
#include <map>
#include <numeric>
#include <random>

namespace accord::models::voice {
namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr int kN = an::kSpectrumSize;
constexpr double kRate = an::kSampleRate;
constexpr int kLobeHalfWidth = 6; // bins of the window response kept on each side of a harmonic
constexpr int kLobeSteps = 64;    // table resolution: 1/64 bin
constexpr double kSilentMarginDb = 50;
constexpr double kSilentFloorDb = -75;
constexpr double kDefaultMedianF0 = 150;

// |W(nu)|^2 of the periodic Hann analysis window, nu in bins, 0..kLobeHalfWidth.
const std::vector<float>& lobeTable() {
    static const std::vector<float> table = [] {
        const std::vector<float>& w = dsp::spectrumWindow();
        std::vector<float> values(kLobeHalfWidth * kLobeSteps + 2);
        for (size_t i = 0; i < values.size(); ++i) {
            const double nu = static_cast<double>(i) / kLobeSteps;
            std::complex<double> sum = 0;
            for (int n = 0; n < kN; ++n)
                sum += static_cast<double>(w[static_cast<size_t>(n)]) *
                       std::polar(1.0, -2.0 * kPi * nu * n / kN);
            values[i] = static_cast<float>(std::norm(sum));
        }
        return values;
    }();
    return table;
}

// |W(nu)|^2 at `distanceBins` (within kLobeHalfWidth) from lobeTable(), interpolated linearly.
float lobe(const float* table, double distanceBins) {
    const double x = std::abs(distanceBins) * kLobeSteps;
    const auto i = static_cast<int>(x);
    const double f = x - i;
    return static_cast<float>(table[i] * (1 - f) + table[i + 1] * f);
}

double percentile(std::vector<float> values, double fraction) {
    if (values.empty())
        return 0;
    const auto at = static_cast<size_t>(fraction * static_cast<double>(values.size() - 1));
    std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(at),
                     values.end());
    return values[at];
}

int checkedInt(const nlohmann::json& json, const char* key, int lo, int hi,
               const std::string& what) {
    if (!json.contains(key) || !json[key].is_number_integer())
        throw BadInput(what + ": config field '" + key + "' is missing or not an integer");
    // Read at full width: a huge number must not wrap into the range.
    const std::int64_t value = json[key].is_number_unsigned()
                                   ? std::int64_t(std::min<std::uint64_t>(
                                         json[key].get<std::uint64_t>(), std::uint64_t(INT64_MAX)))
                                   : json[key].get<std::int64_t>();
    if (value < lo || value > hi)
        throw BadInput(what + ": config field '" + key + "' = " + std::to_string(value) +
                       " is outside " + std::to_string(lo) + ".." + std::to_string(hi));
    return static_cast<int>(value);
}

double checkedDouble(const nlohmann::json& json, const char* key, double lo, double hi,
                     const std::string& what) {
    if (!json.contains(key) || !json[key].is_number())
        throw BadInput(what + ": config field '" + key + "' is missing or not a number");
    const double value = json[key].get<double>();
    if (!(value >= lo && value <= hi))
        throw BadInput(what + ": config field '" + key + "' is out of range");
    return value;
}

} // namespace

int VoiceConfig::receptiveField() const {
    return 1 + (kernel - 1) * ((1 << layers) - 1);
}

nlohmann::json VoiceConfig::toJson() const {
    return {{"sampleRate", an::kSampleRate},
            {"hop", an::kHop},
            {"spectrumSize", an::kSpectrumSize},
            {"conditioning", kConditioningSize},
            {"channels", channels},
            {"layers", layers},
            {"kernel", kernel},
            {"envelopeBands", envelopeBands},
            {"noiseBands", noiseBands},
            {"cropFrames", cropFrames},
            {"contextFrames", contextFrames},
            {"batchCrops", batchCrops},
            {"learningRate", learningRate},
            {"finalLearningRate", finalLearningRate},
            {"steps", steps},
            {"validationEvery", validationEvery}};
}

VoiceConfig VoiceConfig::fromJson(const nlohmann::json& json, const std::string& what) {
    if (!json.is_object())
        throw BadInput(what + ": the model config is not a JSON object");
    // The analysis grid is fixed by this build: a model made for another one cannot run here.
    checkedInt(json, "sampleRate", an::kSampleRate, an::kSampleRate, what);
    checkedInt(json, "hop", an::kHop, an::kHop, what);
    checkedInt(json, "spectrumSize", an::kSpectrumSize, an::kSpectrumSize, what);
    checkedInt(json, "conditioning", kConditioningSize, kConditioningSize, what);
    VoiceConfig config;
    config.channels = checkedInt(json, "channels", 4, 1024, what);
    config.layers = checkedInt(json, "layers", 1, 10, what);
    config.kernel = checkedInt(json, "kernel", 1, 7, what);
    config.envelopeBands = checkedInt(json, "envelopeBands", 4, 256, what);
    config.noiseBands = checkedInt(json, "noiseBands", 4, 256, what);
    config.cropFrames = checkedInt(json, "cropFrames", 8, 4096, what);
    config.contextFrames = checkedInt(json, "contextFrames", 2, 4096, what);
    config.batchCrops = checkedInt(json, "batchCrops", 1, 1024, what);
    config.learningRate = checkedDouble(json, "learningRate", 0, 1, what);
    config.finalLearningRate = checkedDouble(json, "finalLearningRate", 0, 1, what);
    config.steps = checkedInt(json, "steps", 1, 10000000, what);
    config.validationEvery = checkedInt(json, "validationEvery", 1, 10000000, what);
    return config;
}

std::vector<double> bandCentres(int bands) {
    std::vector<double> centres(static_cast<size_t>(bands));
    const double top = dsp::hzToMel(kRate / 2);
    for (int j = 0; j < bands; ++j)
        centres[static_cast<size_t>(j)] = dsp::melToHz(top * j / (bands - 1));
    return centres;
}

std::vector<float> bandsToBins(int bands) {
    const std::vector<double> centres = bandCentres(bands);
    std::vector<float> weights(static_cast<size_t>(kBins * bands), 0.0f);
    for (int k = 0; k < kBins; ++k) {
        const double hz = k * kRate / kN;
        const auto upper = std::upper_bound(centres.begin(), centres.end(), hz);
        size_t j = static_cast<size_t>(std::max<std::ptrdiff_t>(upper - centres.begin() - 1, 0));
        j = std::min(j, centres.size() - 2);
        const double x = std::clamp((hz - centres[j]) / (centres[j + 1] - centres[j]), 0.0, 1.0);
        weights[static_cast<size_t>(k * bands) + j] = static_cast<float>(1 - x);
        weights[static_cast<size_t>(k * bands) + j + 1] += static_cast<float>(x);
    }
    return weights;
}

std::vector<std::pair<int, float>> bandsOfBins(int bands) {
    const std::vector<double> centres = bandCentres(bands);
    std::vector<std::pair<int, float>> table(kBins);
    for (int k = 0; k < kBins; ++k) {
        const double hz = k * kRate / kN;
        const auto upper = std::upper_bound(centres.begin(), centres.end(), hz);
        size_t j = static_cast<size_t>(std::max<std::ptrdiff_t>(upper - centres.begin() - 1, 0));
        j = std::min(j, centres.size() - 2);
        table[static_cast<size_t>(k)] = {
            static_cast<int>(j), static_cast<float>(std::clamp(
                                     (hz - centres[j]) / (centres[j + 1] - centres[j]), 0.0, 1.0))};
    }
    return table;
}

namespace {

// Where `hz` falls between the band centres: the band below and the share of the one above.
std::pair<std::size_t, double> bandPosition(const std::vector<double>& centres, double hz) {
    const auto upper = std::upper_bound(centres.begin(), centres.end(), hz);
    size_t j = static_cast<size_t>(std::max<std::ptrdiff_t>(upper - centres.begin() - 1, 0));
    j = std::min(j, centres.size() - 2);
    return {j, std::clamp((hz - centres[j]) / (centres[j + 1] - centres[j]), 0.0, 1.0)};
}

float interpolateAt(const std::pair<std::size_t, double>& position, const float* values) {
    const auto [j, x] = position;
    return static_cast<float>(values[j] * (1 - x) + values[j + 1] * x);
}

} // namespace

float interpolateBands(const std::vector<double>& centres, const float* values, double hz) {
    return interpolateAt(bandPosition(centres, hz), values);
}

const std::array<float, kSmoothTaps>& smoothingKernel() {
    static const std::array<float, kSmoothTaps> kernel = [] {
        const std::vector<float>& w = dsp::spectrumWindow();
        std::array<double, kSmoothTaps> sums{};
        double total = 0;
        for (int s = -2; s <= 2; ++s) {
            double sum = 0;
            for (int n = 0; n < kN; ++n) {
                const double offset = static_cast<double>(n - kN / 2) / an::kHop - s;
                sum += static_cast<double>(w[static_cast<size_t>(n)]) * w[static_cast<size_t>(n)] *
                       std::max(0.0, 1.0 - std::abs(offset));
            }
            sums[static_cast<size_t>(s + 2)] = sum;
            total += sum;
        }
        std::array<float, kSmoothTaps> out{};
        for (size_t i = 0; i < kSmoothTaps; ++i)
            out[i] = static_cast<float>(sums[i] / total);
        return out;
    }();
    return kernel;
}

double harmonicFade(double hz) {
    if (hz <= kFadeHz)
        return 1.0;
    if (hz >= kTopHz)
        return 0.0;
    return 0.5 + 0.5 * std::cos(kPi * (hz - kFadeHz) / (kTopHz - kFadeHz));
}

double harmonicDensity(double f0) {
    return f0 / kDensityReferenceHz;
}

namespace {

// Ascending, distinct STFT bins at which a comb is wanted.
struct BinList {
    std::array<int, kBins> bins{};
    int count = 0;
    void add(int bin) { // in ascending order; a repeat is kept once
        if (count == 0 || bins[std::size_t(count - 1)] != bin)
            bins[std::size_t(count++)] = bin;
    }
};

const BinList& allBins() {
    static const BinList all = [] {
        BinList list;
        for (int k = 0; k < kBins; ++k)
            list.add(k);
        return list;
    }();
    return all;
}

// The harmonic comb of one frame (f0 in Hz; 0 when unvoiced) at every bin from `from` to `to`,
// into comb[bin] (other entries untouched): the analysis window's power response at every
// harmonic (faded towards kTopHz), times the harmonic density, over 4 (a real sinusoid's power
// splits between +-f). Harmonic by harmonic, each lobe onto the bins it reaches (kLobeHalfWidth
// each side): a search for the nearby harmonics of every bin was convert's hottest code. Each
// bin sums its harmonics in ascending order, then their images, whatever the stretch asked, so
// a bin's value does not depend on it. A lobe's bins are one loop the compiler vectorises,
// compiled for AVX2 beside the portable build, the CPU's picked when the program loads (GCC's
// target_clones; no fused multiply-add, so the same values): the comb was still the largest cost
// of a convert (docs/ARCHITECTURE.md "Voice model", convert's speed).
__attribute__((target_clones("avx2", "default"))) void harmonicComb(double f0, int from, int to,
                                                                    double* comb) {
    for (int k = from; k <= to; ++k)
        comb[k] = 0;
    if (!(f0 > 0) || to < from)
        return;
    const float* table = lobeTable().data();
    const double spacing = f0 * kN / kRate;
    for (int h = 1; h * f0 < kTopHz && h * spacing <= to + kLobeHalfWidth; ++h) {
        const double centre = h * spacing;
        const int lowest = std::max(from, int(std::ceil(centre - kLobeHalfWidth)));
        const int highest = std::min(to, int(std::floor(centre + kLobeHalfWidth)));
        const double fade = harmonicFade(h * f0);
        const double weight = fade * fade;
        for (int k = lowest; k <= highest; ++k)
            comb[k] += weight * lobe(table, k - centre);
    }
    // The negative-frequency images reach the lowest bins for low harmonics.
    for (int h = 1; h * spacing < kLobeHalfWidth && h * f0 < kTopHz; ++h) {
        const double fade = harmonicFade(h * f0);
        const double weight = fade * fade;
        for (int k = from; k <= to && k + h * spacing < kLobeHalfWidth; ++k)
            comb[k] += weight * lobe(table, k + h * spacing);
    }
    const double density = harmonicDensity(f0);
    for (int k = from; k <= to; ++k)
        comb[k] = comb[k] / 4.0 * density;
}

} // namespace

HarmonicCombCache::HarmonicCombCache() {
    slots_.resize(kSlots);
    for (Slot& slot : slots_) {
        slot.f0 = std::numeric_limits<double>::quiet_NaN(); // equal to no f0
        slot.values.assign(kBins, 0.0);
    }
}

const double* HarmonicCombCache::at(double f0, const int* bins, int count) {
    auto slot = std::find_if(slots_.begin(), slots_.end(),
                             [&](const Slot& candidate) { return candidate.f0 == f0; });
    if (slot == slots_.end()) {
        slot = slots_.begin() + std::ptrdiff_t(next_);
        next_ = (next_ + 1) % kSlots;
        slot->f0 = f0;
        slot->from = 0;
        slot->to = -1;
    }
    if (count == 0)
        return slot->values.data();
    const int lowest = bins[0], highest = bins[count - 1];
    if (slot->to < slot->from) {
        harmonicComb(f0, lowest, highest, slot->values.data());
        slot->from = lowest;
        slot->to = highest;
        return slot->values.data();
    }
    if (lowest < slot->from) {
        harmonicComb(f0, lowest, slot->from - 1, slot->values.data());
        slot->from = lowest;
    }
    if (highest > slot->to) {
        harmonicComb(f0, slot->to + 1, highest, slot->values.data());
        slot->to = highest;
    }
    return slot->values.data();
}

void addHarmonicComb(double f0, float* comb, double scale) {
    if (!(f0 > 0))
        return;
    std::array<double, kBins> values;
    harmonicComb(f0, 0, kBins - 1, values.data());
    for (int k = 0; k < kBins; ++k)
        comb[k] += float(scale * values[std::size_t(k)]);
}

std::array<float, kGlideFrames> glideAround(const std::vector<float>& f0, std::size_t t) {
    std::array<float, kGlideFrames> glide{};
    for (int i = 0; i < kGlideFrames; ++i) {
        const auto at = std::int64_t(t) + i - kGlideFrames / 2;
        glide[std::size_t(i)] =
            f0[std::size_t(std::clamp<std::int64_t>(at, 0, std::int64_t(f0.size()) - 1))];
    }
    return glide;
}

namespace {

constexpr int kGlideSegments = 8;

// The window's eighths: the share of its energy under each (sums to 1), and the f0 under each
// (interpolated between frame centres, as the synthesiser's oscillators move).
struct GlideSegments {
    std::array<double, kGlideSegments> energy{}, f0{};
};

GlideSegments glideSegments(const std::array<float, kGlideFrames>& glide) {
    constexpr int kSegment = kN / kGlideSegments;
    static const std::array<double, kGlideSegments> energy = [] {
        const std::vector<float>& w = dsp::spectrumWindow();
        std::array<double, kGlideSegments> shares{};
        double total = 0;
        for (int n = 0; n < kN; ++n) {
            const double e = double(w[std::size_t(n)]) * w[std::size_t(n)];
            shares[std::size_t(n / kSegment)] += e;
            total += e;
        }
        for (double& share : shares)
            share /= total;
        return shares;
    }();
    GlideSegments segments;
    segments.energy = energy;
    for (int j = 0; j < kGlideSegments; ++j) {
        // The segment's centre in frames from glide[0] (the window spans t - 2 .. t + 2).
        const double at = kGlideFrames / 2 + ((j + 0.5) * kSegment - kN / 2.0) / an::kHop;
        const auto below = std::min(std::size_t(at), std::size_t(kGlideFrames - 2));
        const double x = at - double(below);
        segments.f0[std::size_t(j)] = glide[below] * (1 - x) + glide[below + 1] * x;
    }
    return segments;
}

// The gliding comb at the listed bins, into comb[bin]: each eighth's comb weighted by its share
// of the energy; the eighths' combs from `cache` when given.
void glidingComb(const GlideSegments& segments, const BinList& list, double* comb,
                 HarmonicCombCache* cache = nullptr) {
    for (int i = 0; i < list.count; ++i)
        comb[list.bins[std::size_t(i)]] = 0;
    std::array<double, kBins> computed;
    for (std::size_t j = 0; j < kGlideSegments; ++j) {
        const double* segment = computed.data();
        if (cache)
            segment = cache->at(segments.f0[j], list.bins.data(), list.count);
        else if (list.count > 0)
            harmonicComb(segments.f0[j], list.bins[0], list.bins[std::size_t(list.count - 1)],
                         computed.data());
        for (int i = 0; i < list.count; ++i) {
            const auto k = std::size_t(list.bins[std::size_t(i)]);
            comb[k] += segments.energy[j] * segment[k];
        }
    }
}

// The bins the noise gate reads (betweenHarmonicExcess, FrameShaper::shape): harmonic h's peak
// and the valley above it, for the harmonics whose next one lies under kGateTopHz.
int gateHarmonics(double f0) {
    int harmonics = 0;
    while (f0 > 0 && (harmonics + 2) * f0 < kGateTopHz)
        ++harmonics;
    return harmonics;
}
int gatePeakBin(double f0, int h) {
    return int(std::lround(h * f0 * kN / kRate));
}
int gateValleyBin(double f0, int h) {
    return int(std::lround((h + 0.5) * f0 * kN / kRate));
}
BinList gateBins(double f0, bool valleys) {
    BinList list;
    const int harmonics = gateHarmonics(f0);
    for (int h = 1; h <= harmonics; ++h) {
        list.add(gatePeakBin(f0, h));
        if (valleys)
            list.add(gateValleyBin(f0, h));
    }
    return list;
}

} // namespace

void addGlidingHarmonicComb(const std::array<float, kGlideFrames>& glide, float* comb) {
    std::array<double, kBins> values;
    glidingComb(glideSegments(glide), allBins(), values.data());
    for (int k = 0; k < kBins; ++k)
        comb[k] += float(values[std::size_t(k)]);
}

namespace {

// betweenHarmonicExcess of a frame whose gliding comb at the gate's bins is `comb` (bin-indexed).
double excessOverComb(const float* power, double f0, const double* comb) {
    double peaks = 0, valleys = 0, combPeaks = 0, combValleys = 0;
    const int harmonics = gateHarmonics(f0);
    for (int h = 1; h <= harmonics; ++h) {
        const int peak = gatePeakBin(f0, h);
        const int valley = gateValleyBin(f0, h);
        peaks += power[peak];
        valleys += power[valley];
        combPeaks += comb[std::size_t(peak)];
        combValleys += comb[std::size_t(valley)];
    }
    if (!(peaks > 0) || !(combPeaks > 0))
        return 0;
    return std::max(0.0, valleys / peaks - combValleys / combPeaks);
}

} // namespace

double betweenHarmonicExcess(const float* power, const std::array<float, kGlideFrames>& glide) {
    const double f0 = glide[kGlideFrames / 2];
    std::array<double, kBins> comb;
    glidingComb(glideSegments(glide), gateBins(f0, true), comb.data());
    return excessOverComb(power, f0, comb.data());
}

double frameGain(const float* envelope, const float* comb, const float* noise, float loudnessDb) {
    const std::vector<float>& weights = dsp::loudnessWeights();
    const double s = dsp::spectrumWindowPower();
    double predicted = 0;
    for (int k = 0; k < kBins; ++k)
        predicted +=
            static_cast<double>(weights[static_cast<size_t>(k)]) *
            (static_cast<double>(envelope[k]) * comb[k] + static_cast<double>(noise[k]) * s);
    return std::pow(10.0, loudnessDb / 10.0) / std::max(predicted, 1e-30);
}

bool trackedAnOctaveHigh(const float* power, double f0) {
    // Odd multiples of f0 / 2 are the real voice's odd harmonics when the tracker reported its
    // second harmonic, and valleys otherwise; quarter points are valleys either way.
    constexpr double kEvidence = 4; // 6 dB over the valleys
    double odd = 0, valleys = 0;
    for (int k = 0; k < 4; ++k) {
        const auto at = [&](double multiple) {
            return double(
                power[std::min<long>(std::lround(multiple * f0 * kN / kRate), kBins - 1)]);
        };
        odd += at(k + 0.5);
        valleys += 0.5 * (at(k + 0.25) + at(k + 0.75));
    }
    return f0 / 4 >= kRate / kN && odd > kEvidence * valleys;
}

VoicePitchRange pitchRangeOf(const std::vector<const dsp::VoiceFeatures*>& recordings) {
    std::vector<float> voicedF0;
    for (const dsp::VoiceFeatures* features : recordings)
        for (std::size_t t = 0; t < std::size_t(features->frames); ++t)
            if (features->voiced[t] &&
                (features->power.empty() ||
                 !trackedAnOctaveHigh(features->power.data() + t * kBins, features->f0Hz[t])))
                voicedF0.push_back(features->f0Hz[t]);
    VoicePitchRange range;
    if (voicedF0.empty())
        return range;
    range.lowHz = percentile(voicedF0, 0.05);
    range.medianHz = percentile(voicedF0, 0.5);
    range.highHz = percentile(voicedF0, 0.95);
    range.voicedSeconds = double(voicedF0.size()) * an::kHop / an::kSampleRate;
    return range;
}

namespace {

constexpr double kSourceLowestF0 = 90;     // Hz: H1 and H2 resolved by the 32 ms window
constexpr std::size_t kSourceFrames = 40;  // frames per semitone for a median
constexpr double kSourceFullSemitones = 3; // outside the range: fully corrected from here

// The strongest bin within one of `hz` (a harmonic's peak in a 32 ms spectrum).
float peakNear(const float* power, double hz) {
    const int centre = int(std::lround(hz * kN / kRate));
    float peak = 0;
    for (int k = std::max(0, centre - 1); k <= std::min(kBins - 1, centre + 1); ++k)
        peak = std::max(peak, power[k]);
    return peak;
}

} // namespace

float SourceShape::h1MinusH2At(double midi) const {
    const auto nearest =
        std::min_element(h1MinusH2.begin(), h1MinusH2.end(), [&](const auto& a, const auto& b) {
            return std::abs(a.first - midi) < std::abs(b.first - midi);
        });
    return nearest == h1MinusH2.end() ? 0.0f : nearest->second;
}

double quietWeight(double belowReferenceDb) {
    return std::clamp((belowReferenceDb - kQuietFromDb) / (kQuietFullDb - kQuietFromDb), 0.0, 1.0);
}

namespace {

constexpr std::size_t kQuietFrames = 50; // 0.4 s: fewer is no mean spectrum

// A power spectrum (kBins) read on band curves interpolated as `bins` gives them (bandsOfBins):
// each band the ln of the weighted mean of the bins its curve reaches.
template <typename Power>
void lnOnBands(const Power* power, const std::vector<std::pair<int, float>>& bins, float* bands,
               int count) {
    std::array<double, kBins> sum{}, weight{};
    for (std::size_t k = 0; k < kBins; ++k) {
        const auto [band, upper] = bins[k];
        sum[std::size_t(band)] += (1 - upper) * double(power[k]);
        weight[std::size_t(band)] += 1 - upper;
        sum[std::size_t(band + 1)] += upper * double(power[k]);
        weight[std::size_t(band + 1)] += upper;
    }
    for (std::size_t b = 0; b < std::size_t(count); ++b)
        bands[b] = float(std::log(std::max(sum[b] / std::max(weight[b], 1e-9), 1e-30)));
}

// The artist's quiet frames' typical spectrum: the mean of their ln spectra, each frame relative
// to its power (so a frame counts by its shape, not its level), read on the noise envelope's
// bands as the synthesiser interpolates them. The ln mean, as training's loss (an L1 of ln
// spectra) would: an arithmetic mean is swayed by a few bright frames and came out brighter than
// the artist's quiet frames read (a median centroid of 511 Hz: 614 against 431), and relative to
// the A-weighted power instead frames of low rumble, which the weighting hardly hears, dominated.
// Bins under kQuietLowestHz take no part: a recording's DC offset (an interface's, -0.008 to -0.013
// on fillets-cs's "hs" speaker) fills them in every quiet frame, and the synthesiser, which keeps
// the A-weighted level the performance asks for, raised that near-inaudible share into a loud
// rumble in the output's silences (docs/ARCHITECTURE.md "Voice model", "Quiet frames").
QuietSpectrum quietSpectrumOf(const std::vector<const dsp::VoiceFeatures*>& recordings,
                              int noiseBands) {
    std::vector<double> mean(kBins, 0.0);
    std::size_t frames = 0;
    for (const dsp::VoiceFeatures* features : recordings) {
        if (features->power.empty() || features->frames == 0)
            continue;
        const double reference = percentile(features->loudnessDb, 0.95);
        for (std::size_t t = 0; t < std::size_t(features->frames); ++t) {
            const double below = reference - features->loudnessDb[t];
            if (below < kQuietFullDb || below > kQuietDeepestDb)
                continue;
            const float* power = features->power.data() + t * kBins;
            const double total = std::accumulate(power + kQuietLowestBin, power + kBins, 0.0);
            if (!(total > 0))
                continue;
            for (std::size_t k = kQuietLowestBin; k < kBins; ++k)
                mean[k] += std::log(std::max(double(power[k]) / total, 1e-30));
            ++frames;
        }
    }
    QuietSpectrum quiet;
    if (frames < kQuietFrames)
        return quiet;
    for (std::size_t k = 0; k < kBins; ++k)
        mean[k] = k < kQuietLowestBin ? 0.0 : std::exp(mean[k] / double(frames));
    std::vector<float> bands(std::size_t(noiseBands), 0.0f);
    lnOnBands(mean.data(), bandsOfBins(noiseBands), bands.data(), noiseBands);
    for (const float ln : bands)
        quiet.noiseBandsDb.push_back(float(ln * 10 / std::log(10.0)));
    return quiet;
}

} // namespace

SourceShape sourceShapeOf(const std::vector<const dsp::VoiceFeatures*>& recordings,
                          int noiseBands) {
    SourceShape shape;
    shape.range = pitchRangeOf(recordings);
    shape.quiet = quietSpectrumOf(recordings, noiseBands);
    std::map<int, std::vector<float>> bySemitone;
    for (const dsp::VoiceFeatures* features : recordings) {
        if (features->power.empty())
            continue;
        for (std::size_t t = 0; t < std::size_t(features->frames); ++t) {
            const double f0 = features->f0Hz[t];
            // Outside the voice's own range its tracked f0 is mostly an octave error, where "H1"
            // is a subharmonic.
            if (!features->voiced[t] || f0 < std::max(kSourceLowestF0, shape.range.lowHz) ||
                f0 > shape.range.highHz)
                continue;
            const float* power = features->power.data() + t * kBins;
            if (trackedAnOctaveHigh(power, f0))
                continue;
            const float h1 = peakNear(power, f0), h2 = peakNear(power, 2 * f0);
            if (h1 > 0 && h2 > 0)
                bySemitone[int(std::lround(dsp::midiOf(f0)))].push_back(
                    float(10 * std::log10(h1 / h2)));
        }
    }
    for (auto& [midi, values] : bySemitone)
        if (values.size() >= kSourceFrames)
            shape.h1MinusH2.emplace_back(midi, float(percentile(values, 0.5)));
    return shape;
}

nlohmann::json sourceShapeJson(const SourceShape& shape) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& [midi, db] : shape.h1MinusH2)
        list.push_back({midi, std::round(db * 10) / 10});
    return list;
}

nlohmann::json quietSpectrumJson(const QuietSpectrum& quiet) {
    nlohmann::json bands = nlohmann::json::array();
    for (const float db : quiet.noiseBandsDb)
        bands.push_back(std::round(db * 10) / 10);
    return {{"fromDbUnderReference", kQuietFullDb}, {"noiseBandsDb", bands}};
}

SourceShape sourceShapeFromMetrics(const nlohmann::json& metrics) {
    SourceShape shape;
    if (!metrics.is_object())
        return shape;
    const auto number = [](const nlohmann::json& object, const char* key) {
        return object.contains(key) && object[key].is_number() ? object[key].get<double>() : 0.0;
    };
    if (metrics.contains("pitchRange") && metrics["pitchRange"].is_object()) {
        const nlohmann::json& range = metrics["pitchRange"];
        shape.range = {number(range, "lowHz"), number(range, "medianHz"), number(range, "highHz"),
                       number(range, "voicedSeconds")};
    }
    if (metrics.contains("h1MinusH2BySemitone") && metrics["h1MinusH2BySemitone"].is_array())
        for (const nlohmann::json& entry : metrics["h1MinusH2BySemitone"])
            if (entry.is_array() && entry.size() == 2 && entry[0].is_number_integer() &&
                entry[1].is_number() && std::abs(entry[1].get<double>()) < 100)
                shape.h1MinusH2.emplace_back(entry[0].get<int>(), entry[1].get<float>());
    std::sort(shape.h1MinusH2.begin(), shape.h1MinusH2.end());
    if (!(shape.range.lowHz > 0 && shape.range.highHz >= shape.range.lowHz))
        shape.h1MinusH2.clear(); // no range to be outside of
    const nlohmann::json quiet = metrics.value("quietSpectrum", nlohmann::json::object());
    if (quiet.is_object() && quiet.contains("noiseBandsDb") && quiet["noiseBandsDb"].is_array()) {
        for (const nlohmann::json& db : quiet["noiseBandsDb"])
            if (db.is_number() && std::abs(db.get<double>()) < 300)
                shape.quiet.noiseBandsDb.push_back(db.get<float>());
            else
                return SourceShape{shape.range, shape.h1MinusH2, {}}; // malformed: none
    }
    return shape;
}

Conditioning conditioning(const dsp::VoiceFeatures& features) {
    Conditioning out;
    const auto frames = static_cast<size_t>(features.frames);
    out.values.assign(frames * kConditioningSize, 0.0f);
    out.active.assign(frames, 0);
    if (frames == 0)
        return out;
    out.referenceDb = percentile(features.loudnessDb, 0.95);
    const double silentBelow = std::max(out.referenceDb - kSilentMarginDb, kSilentFloorDb);
    std::vector<float> voicedF0;
    for (size_t t = 0; t < frames; ++t) {
        out.active[t] = features.loudnessDb[t] > silentBelow;
        if (features.voiced[t])
            voicedF0.push_back(features.f0Hz[t]);
    }
    out.medianF0 = voicedF0.empty() ? kDefaultMedianF0 : percentile(voicedF0, 0.5);

    constexpr int kCepstra = kConditioningSize - 4; // c1..c12
    std::array<double, kCepstra> mean{}, square{};
    size_t counted = 0;
    for (size_t t = 0; t < frames; ++t) {
        if (!out.active[t])
            continue;
        ++counted;
        for (int c = 0; c < kCepstra; ++c) {
            const double v = features.mfcc[t * an::kMfccCount + static_cast<size_t>(c + 1)];
            mean[static_cast<size_t>(c)] += v;
            square[static_cast<size_t>(c)] += v * v;
        }
    }
    std::array<double, kCepstra> scale{};
    for (size_t c = 0; c < kCepstra; ++c) {
        if (counted > 0) {
            mean[c] /= static_cast<double>(counted);
            const double variance = square[c] / static_cast<double>(counted) - mean[c] * mean[c];
            scale[c] = 1.0 / std::sqrt(std::max(variance, 1e-6));
        } else {
            scale[c] = 1.0;
        }
    }
    for (size_t t = 0; t < frames; ++t) {
        float* row = out.values.data() + t * kConditioningSize;
        row[0] = static_cast<float>(
            std::clamp((features.loudnessDb[t] - out.referenceDb) / 20.0, -4.0, 1.0));
        const double f0 = features.f0Hz[t] > 0 ? features.f0Hz[t] : out.medianF0;
        row[1] = static_cast<float>(std::clamp(std::log2(f0 / out.medianF0), -2.0, 2.0));
        row[2] = features.voiced[t] ? 1.0f : 0.0f;
        row[3] = features.periodicity[t];
        for (size_t c = 0; c < kCepstra; ++c) {
            const double v = features.mfcc[t * an::kMfccCount + c + 1];
            row[4 + c] = static_cast<float>(std::clamp((v - mean[c]) * scale[c], -5.0, 5.0));
        }
    }
    return out;
}

FrameShaper::FrameShaper(const VoiceConfig& config, SourceShape source, HighBandModel highBand)
    : config_(config), source_(std::move(source)), highBand_(highBand),
      noiseLowShare_(kNoiseBins, 1.0f), synthesised_(highBand.present() ? kBins : 0),
      harmonicCentres_(bandCentres(config.envelopeBands)),
      noiseCentres_(bandCentres(config.noiseBands)), toBinsH_(bandsOfBins(config.envelopeBands)),
      toBinsN_(bandsOfBins(config.noiseBands)), envelope_(kBins), noise_(kBins), comb_(kBins),
      logEnvelope_(kBins), logNoise_(kBins), noiseBands_(std::size_t(config.noiseBands)),
      scratchBands_(std::size_t(config.noiseBands)), performanceLn_(std::size_t(config.noiseBands)),
      aperiodicShares_(std::size_t(config.noiseBands)),
      aperiodicBands_(std::size_t(config.noiseBands)),
      aperiodicNoise_(std::size_t(config.noiseBands)),
      aperiodicMean_(std::size_t(config.noiseBands)),
      lnScratch_(std::size_t(std::max(maxHarmonics(), kNoiseBins))),
      expScratch_(lnScratch_.size()) {
    for (int k = 0; k < kNoiseBins; ++k)
        noiseBinBands_.push_back(bandPosition(noiseCentres_, k * kRate / kNoiseFrame));
    // Each band's share of the A-weighting over the bins its curve reaches (weightedPower).
    const std::vector<float>& weights = dsp::loudnessWeights();
    bandLoudness_.assign(std::size_t(config.noiseBands), 0.0);
    for (std::size_t k = 0; k < kBins; ++k) {
        const auto [band, upper] = toBinsN_[k];
        bandLoudness_[std::size_t(band)] += (1 - upper) * double(weights[k]);
        bandLoudness_[std::size_t(band + 1)] += upper * double(weights[k]);
    }
    if (highBand_.present())
        for (int k = 0; k < kNoiseBins; ++k)
            noiseLowShare_[std::size_t(k)] = float(1 - highBandShare(k * kRate / kNoiseFrame));
    if (source_.quiet.noiseBandsDb.size() == std::size_t(config.noiseBands)) {
        for (const float db : source_.quiet.noiseBandsDb)
            quietLn_.push_back(float(db * std::log(10.0) / 10));
        quietWeightedLn_ = std::log(weightedPower(quietLn_.data()));
    }
}

double FrameShaper::weightedPower(const float* bands) const {
    double sum = 0;
    for (std::size_t b = 0; b < bandLoudness_.size(); ++b)
        sum += bandLoudness_[b] * std::exp(double(bands[b]));
    return sum;
}

void FrameShaper::moveNoiseTowards(const float* target, double targetWeightedLn, double weight) {
    // The current curve's A-weighted power, taken relative to its peak (exp() range).
    const float peak = *std::max_element(noiseBands_.begin(), noiseBands_.end());
    for (std::size_t b = 0; b < noiseBands_.size(); ++b)
        scratchBands_[b] = noiseBands_[b] - peak;
    const double offset = std::log(weightedPower(scratchBands_.data())) + peak - targetWeightedLn;
    for (std::size_t b = 0; b < noiseBands_.size(); ++b)
        noiseBands_[b] = float((1 - weight) * noiseBands_[b] + weight * (target[b] + offset));
}

const float* FrameShaper::noiseBands(const float* row, double quiet, bool voiced,
                                     const float* performancePower) {
    const float* network = row + config_.envelopeBands;
    const bool keepPerformance = !voiced && performancePower && quiet < 1;
    const bool quieten = quiet > 0 && !quietLn_.empty();
    if (!keepPerformance && !quieten)
        return network;
    std::copy(network, network + config_.noiseBands, noiseBands_.begin());
    if (keepPerformance) {
        lnOnBands(performancePower, toBinsN_, performanceLn_.data(), config_.noiseBands);
        moveNoiseTowards(performanceLn_.data(), std::log(weightedPower(performanceLn_.data())),
                         1 - quiet);
    }
    if (quieten)
        moveNoiseTowards(quietLn_.data(), quietWeightedLn_, quiet);
    return noiseBands_.data();
}

bool FrameShaper::measureAperiodicShares(const float* power,
                                         const std::array<float, kGlideFrames>& glide,
                                         float* shares, HarmonicCombCache* combs) {
    std::fill(shares, shares + config_.noiseBands, 0.0f);
    const double f0 = glide[kGlideFrames / 2];
    if (!(f0 > 0))
        return false;
    const int first = int(std::ceil(kGateTopHz / f0));
    BinList bins;
    int last = first - 1;
    for (int h = first; (h + 0.5) * f0 < kTopHz; last = h++) {
        bins.add(gatePeakBin(f0, h));
        bins.add(gateValleyBin(f0, h));
    }
    if (last < first)
        return false;
    std::array<double, kBins> comb;
    glidingComb(glideSegments(glide), bins, comb.data(), combs);
    std::fill(aperiodicNoise_.begin(), aperiodicNoise_.end(), 0.0);
    std::fill(aperiodicMean_.begin(), aperiodicMean_.end(), 0.0);
    // A harmonic's lobe reaching the valley with more than this share of its peak (a glide
    // smears it) leaves its noise and its harmonic apart unknown: it is left out.
    constexpr double kClearValley = 0.5;
    for (int h = first; h <= last; ++h) {
        const int peak = gatePeakBin(f0, h), valley = gateValleyBin(f0, h);
        const double c = comb[std::size_t(peak)], d = comb[std::size_t(valley)];
        if (!(c > 0) || d > kClearValley * c)
            continue;
        // peak = H c + N, valley = H d + N: the noise N both hold.
        const double p = power[peak], v = power[valley];
        const double noise = std::clamp((v * c - p * d) / (c - d), 0.0, v);
        // The mean power over the harmonic's own stretch, valley to valley.
        const int from = gateValleyBin(f0, h - 1) + 1;
        double mean = 0;
        for (int k = from; k <= valley; ++k)
            mean += power[k];
        mean /= std::max(1, valley - from + 1);
        const auto [band, upper] = toBinsN_[std::size_t(peak)];
        aperiodicNoise_[std::size_t(band)] += (1 - upper) * noise;
        aperiodicMean_[std::size_t(band)] += (1 - upper) * mean;
        aperiodicNoise_[std::size_t(band + 1)] += upper * noise;
        aperiodicMean_[std::size_t(band + 1)] += upper * mean;
    }
    bool any = false;
    for (std::size_t b = 0; b < std::size_t(config_.noiseBands); ++b)
        if (noiseCentres_[b] >= kGateTopHz && aperiodicMean_[b] > 0 && aperiodicNoise_[b] > 0) {
            shares[b] = float(std::min(1.0, aperiodicNoise_[b] / aperiodicMean_[b]));
            any = true;
        }
    return any;
}

void FrameShaper::spreadNoise(const float* bands, std::size_t fromBin) {
    for (std::size_t k = fromBin; k < kBins; ++k) {
        const auto [m, y] = toBinsN_[k];
        logNoise_[k] = bands[m] * (1.0 - y) + bands[m + 1] * double(y);
    }
}

const float* FrameShaper::raiseToAperiodic(const Frame& frame, const float* bands,
                                           double noiseScale, double reference, double& gain) {
    if (!frame.performancePower)
        return bands;
    const float* shares = frame.aperiodicShares;
    if (shares) {
        if (std::none_of(shares, shares + config_.noiseBands, [](float s) { return s > 0; }))
            return bands;
    } else if (!frame.resolvedPerformancePower ||
               !measureAperiodicShares(frame.resolvedPerformancePower, frame.performanceGlide,
                                       aperiodicShares_.data())) {
        return bands;
    } else {
        shares = aperiodicShares_.data();
    }
    // The input's aperiodic power per band relative to its frame's A-weighted power is what the
    // output's noise keeps relative to the output frame's level (the input's, by construction).
    lnOnBands(frame.performancePower, toBinsN_, performanceLn_.data(), config_.noiseBands);
    // A band b is synthesised as the power gain * noiseScale * e^(b - reference) * S.
    const double toBand =
        std::log(std::pow(10.0, (frame.loudnessDb - dsp::levelDb(frame.performancePower)) / 10.0) /
                 (noiseScale * dsp::spectrumWindowPower())) +
        reference;
    // Raising the noise lowers the gain that brings the frame to its level: a second round
    // brings the raised bands to the target at the gain they leave (within a few percent).
    // Only the bins the raised bands reach change (from ~2.7 kHz up): those below keep the noise
    // shape() made from `bands`.
    std::size_t changedFrom = kBins;
    for (int round = 0; round < 2; ++round) {
        std::size_t lowestRaised = aperiodicBands_.size();
        for (std::size_t b = 0; b < aperiodicBands_.size(); ++b) {
            aperiodicBands_[b] = bands[b];
            if (!(shares[b] > 0))
                continue;
            const double target =
                std::log(double(shares[b])) + performanceLn_[b] + toBand - std::log(gain);
            if (target > bands[b]) {
                aperiodicBands_[b] = float(target);
                lowestRaised = std::min(lowestRaised, b);
            }
        }
        if (lowestRaised == aperiodicBands_.size())
            return bands;
        while (changedFrom > 0 && std::size_t(toBinsN_[changedFrom - 1].first) + 1 >= lowestRaised)
            --changedFrom;
        spreadNoise(aperiodicBands_.data(), changedFrom);
        expOfEach(logNoise_.data() + changedFrom, kBins - changedFrom, reference, kMaxLogRatio,
                  noise_.data() + changedFrom);
        for (std::size_t k = changedFrom; k < kBins; ++k)
            noise_[k] = float(noise_[k] * noiseScale);
        gain = frameGain(envelope_.data(), comb_.data(), noise_.data(), frame.loudnessDb);
    }
    return aperiodicBands_.data();
}

int FrameShaper::maxHarmonics() {
    return int(kTopHz / dsp::PitchOptions{}.minF0) + 2;
}

int FrameShaper::shape(const Frame& frame, float* amplitudes, float* noisePsd,
                       float* highBandDensities) {
    const float* row = frame.controls;
    const double quiet = quietWeight(frame.belowReferenceDb);
    const double f0 = frame.glide[kGlideFrames / 2];
    const bool voiced = frame.voiced && f0 > 0;
    const float* noiseRow = noiseBands(row, quiet, voiced, frame.performancePower);
    // As in training: both envelopes relative to the noise's peak (the gain absorbs it).
    for (std::size_t k = 0; k < kBins; ++k) {
        const auto [h, x] = toBinsH_[k];
        logEnvelope_[k] = row[h] * (1.0 - x) + row[h + 1] * double(x);
    }
    spreadNoise(noiseRow);
    const double reference = *std::max_element(logNoise_.begin(), logNoise_.end());
    // The noise is never over its peak: capped alike, it is the same as uncapped.
    expOfEach(logEnvelope_.data(), kBins, reference, kMaxLogRatio, envelope_.data());
    expOfEach(logNoise_.data(), kBins, reference, kMaxLogRatio, noise_.data());
    std::fill(comb_.begin(), comb_.end(), 0.0f);
    double noiseScale = 1;
    const double h1Gain = voiced ? sourceH1Gain(f0, row) : 1.0;
    if (voiced) {
        addHarmonicComb(f0, comb_.data());
        if (frame.performanceExcess >= 0) {
            // The model's own share between the harmonics: its noise there over its harmonics.
            std::array<double, kBins> gliding;
            const double* combAtPeaks = frame.glidingCombAtGatePeaks;
            if (!combAtPeaks)
                glidingComb(glideSegments(frame.glide), gateBins(f0, false), gliding.data());
            const double s = dsp::spectrumWindowPower();
            double harmonicPeaks = 0, noiseValleys = 0;
            const int gated = gateHarmonics(f0);
            for (int h = 1; h <= gated; ++h) {
                const int peak = gatePeakBin(f0, h);
                const int valley = gateValleyBin(f0, h);
                const double comb = combAtPeaks ? combAtPeaks[h - 1] : gliding[std::size_t(peak)];
                harmonicPeaks +=
                    double(envelope_[std::size_t(peak)]) * comb * (h == 1 ? h1Gain * h1Gain : 1.0);
                noiseValleys += double(noise_[std::size_t(valley)]) * s;
            }
            if (noiseValleys > 0 && harmonicPeaks > 0)
                noiseScale = std::clamp(frame.performanceExcess * harmonicPeaks / noiseValleys,
                                        kNoiseGateFloor, 1.0);
            for (float& n : noise_)
                n = float(n * noiseScale);
        }
    }
    double gain = frameGain(envelope_.data(), comb_.data(), noise_.data(), frame.loudnessDb);
    if (voiced)
        noiseRow = raiseToAperiodic(frame, noiseRow, noiseScale, reference, gain);
    int harmonics = 0;
    if (voiced) {
        for (int h = 1; h * f0 < kTopHz && harmonics < maxHarmonics(); ++h)
            lnScratch_[std::size_t(harmonics++)] =
                double(interpolateBands(harmonicCentres_, row, h * f0));
        expOfEach(lnScratch_.data(), std::size_t(harmonics), reference, kMaxLogRatio,
                  expScratch_.data());
        for (int h = 0; h < harmonics; ++h) {
            const double power = gain * harmonicDensity(f0) * expScratch_[std::size_t(h)];
            amplitudes[h] = float(std::sqrt(power) * harmonicFade((h + 1) * f0));
        }
    }
    applyH1Gain(f0, h1Gain, amplitudes, harmonics);
    for (std::size_t k = 0; k < std::size_t(kNoiseBins); ++k)
        lnScratch_[k] = double(interpolateAt(noiseBinBands_[k], noiseRow));
    expOfEach(lnScratch_.data(), std::size_t(kNoiseBins), reference, kMaxLogRatio,
              expScratch_.data());
    for (std::size_t k = 0; k < std::size_t(kNoiseBins); ++k)
        noisePsd[k] = float(gain * noiseScale * noiseLowShare_[k] * expScratch_[k]);
    if (highBand_.present() && highBandDensities) {
        // The spectrum this frame's synthesis gives, P = g (E C + N S) as in training
        // (voice_dsp.h), predicts the band above it.
        const double s = dsp::spectrumWindowPower();
        for (std::size_t k = 0; k < kBins; ++k)
            synthesised_[k] =
                float(gain * (double(envelope_[k]) * comb_[k] + double(noise_[k]) * s));
        LowBandShape low = lowBandShape(synthesised_.data());
        if (voiced)
            low.referenceDensity = highBand_.voicedReference(low, frame.brightnessDeviation);
        highBand_.predict(low, voiced, highBandDensities);
    }
    return harmonics;
}

double FrameShaper::sourceH1Gain(double f0, const float* row) const {
    if (source_.h1MinusH2.empty())
        return 1;
    const double outside = std::max(12 * std::log2(source_.range.lowHz / f0),
                                    12 * std::log2(f0 / source_.range.highHz));
    const double weight = std::clamp(outside / kSourceFullSemitones, 0.0, 1.0);
    if (weight <= 0 || 2 * f0 >= kTopHz)
        return 1;
    // What the envelope gives: a_h^2 = g E(h f0) f0 / 100 Hz faded (the log envelope is natural).
    const auto level = [&](double hz) {
        return double(interpolateBands(harmonicCentres_, row, hz)) * 10 / std::log(10.0) +
               20 * std::log10(std::max(harmonicFade(hz), 1e-9));
    };
    const double predicted = level(f0) - level(2 * f0);
    // Lowered no further than level with H2: a fundamental under its octave above the voice's
    // range makes the pitch ambiguous - trackers, and ears, take the octave (re-singing a high
    // voice with a low one's model whose H1 sits 8 dB under H2: 16% of frames off instead of 8%).
    const double wanted =
        std::max(double(source_.h1MinusH2At(dsp::midiOf(f0))), std::min(predicted, 0.0));
    return std::pow(10.0, weight * (wanted - predicted) / 20);
}

void FrameShaper::applyH1Gain(double f0, double gain, float* amplitudes, int harmonics) {
    if (gain == 1 || harmonics < 1)
        return;
    // Keep the frame's A-weighted harmonic energy, as the level gain made it.
    const std::vector<float>& weights = dsp::loudnessWeights();
    const auto weightAt = [&](double hz) {
        return double(
            weights[std::size_t(std::min<long>(std::lround(hz * kN / kRate), kBins - 1))]);
    };
    double before = 0;
    for (int h = 0; h < harmonics; ++h)
        before += double(amplitudes[h]) * amplitudes[h] * weightAt((h + 1) * f0);
    const double h1 = double(amplitudes[0]) * amplitudes[0] * weightAt(f0);
    const double after = before + h1 * (gain * gain - 1);
    amplitudes[0] = float(amplitudes[0] * gain);
    if (!(after > 0) || !(before > 0))
        return;
    const auto keep = float(std::sqrt(before / after));
    for (int h = 0; h < harmonics; ++h)
        amplitudes[h] *= keep;
}

// Compiled twice, for AVX2 and for the portable build's SSE2, the CPU's picked when the program
// loads (GCC's target_clones): the harmonics' loops run twice as wide, with the same arithmetic
// (no fused multiply-add), so the same samples (docs/ARCHITECTURE.md "Voice model", convert's
// speed).
__attribute__((target_clones("avx2", "default"))) void
HarmonicOscillators::addHop(double fromHz, double toHz, const float* from, int fromCount,
                            const float* to, int toCount, int count, float* out) {
    // The fundamental's phasor by recurrence, not sin and cos of every sample (3.3% of a convert,
    // docs/ARCHITECTURE.md "Voice model"): the phase advances by a step that grows by `slope`
    // each sample, so the phasor turns by `rotation`, which itself turns by `turn`. Started from
    // the exact phase each hop, in double precision: 128 steps stay within float rounding of
    // sin and cos.
    const double step = 2 * kPi * fromHz / kRate;
    const double slope = 2 * kPi * (toHz - fromHz) / (double(an::kHop) * kRate);
    double re = std::cos(phase_), im = std::sin(phase_);
    double rotationRe = std::cos(step), rotationIm = std::sin(step);
    const double turnRe = std::cos(slope), turnIm = std::sin(slope);
    for (int n = 0; n < count; ++n) {
        const double r = re * rotationRe - im * rotationIm;
        im = re * rotationIm + im * rotationRe;
        re = r;
        baseRe_[std::size_t(n)] = float(re);
        baseIm_[std::size_t(n)] = float(im);
        const double turned = rotationRe * turnRe - rotationIm * turnIm;
        rotationIm = rotationRe * turnIm + rotationIm * turnRe;
        rotationRe = turned;
    }
    // Sample n's phase is the start's plus (n + 1) steps and n (n + 1) / 2 slopes.
    phase_ = std::fmod(phase_ + count * step + slope * count * (count - 1) / 2.0, 2 * kPi);

    const int harmonics = std::max(fromCount, toCount);
    if (harmonics == 0)
        return;
    std::copy(baseRe_.begin(), baseRe_.begin() + count, powerRe_.begin());
    std::copy(baseIm_.begin(), baseIm_.begin() + count, powerIm_.begin());
    float* powerRe = powerRe_.data();
    float* powerIm = powerIm_.data();
    const float* baseRe = baseRe_.data();
    const float* baseIm = baseIm_.data();
    for (int h = 0; h < harmonics; ++h) {
        if (h > 0)
            for (int n = 0; n < count; ++n) { // (re + i im) *= (base re + i base im)
                const float r = powerRe[n] * baseRe[n] - powerIm[n] * baseIm[n];
                powerIm[n] = powerRe[n] * baseIm[n] + powerIm[n] * baseRe[n];
                powerRe[n] = r;
            }
        const float a = h < fromCount ? from[h] : 0.0f;
        const float b = h < toCount ? to[h] : 0.0f;
        const float change = (b - a) / an::kHop;
        for (int n = 0; n < count; ++n)
            out[n] += (a + change * static_cast<float>(n)) * powerIm[n];
    }
}

PerformanceGate performanceGate(const dsp::VoiceFeatures& features) {
    const auto frames = std::size_t(features.frames);
    PerformanceGate gate;
    gate.excess.assign(frames, -1.0f);
    gate.f0 = features.f0Hz;
    gate.firstPeak.assign(frames, 0);
    std::array<double, kBins> comb;
    HarmonicCombCache combs;
    for (std::size_t t = 0; t < frames; ++t) {
        if (!features.voiced[t] || !(features.f0Hz[t] > 0))
            continue;
        const std::array<float, kGlideFrames> glide = glideAround(features.f0Hz, t);
        const double f0 = glide[kGlideFrames / 2];
        // The comb at the peaks and valleys: each bin sums the same terms whichever bins are
        // listed, so its peaks are what shape() would compute at the peaks alone.
        glidingComb(glideSegments(glide), gateBins(f0, true), comb.data(), &combs);
        gate.excess[t] = float(excessOverComb(features.power.data() + t * kBins, f0, comb.data()));
        gate.firstPeak[t] = gate.combAtGatePeaks.size();
        for (int h = 1, gated = gateHarmonics(f0); h <= gated; ++h)
            gate.combAtGatePeaks.push_back(comb[std::size_t(gatePeakBin(f0, h))]);
    }
    return gate;
}

std::vector<float> levelsBeforeSpread(const std::vector<float>& analysedDb) {
    // Richardson-Lucy deconvolution by the spread v: multiplicative updates keep the powers
    // positive, and v's response never reaches zero (0.14 at the highest frequency), so a few
    // dozen rounds bring v * levels within a fraction of a dB of the analysed track.
    constexpr int kRounds = 40;
    constexpr double kFloor = 1e-20;
    const std::array<float, kSmoothTaps>& v = smoothingKernel();
    const auto frames = std::int64_t(analysedDb.size());
    std::vector<double> analysed(analysedDb.size()), levels(analysedDb.size()),
        ratio(analysedDb.size());
    for (std::size_t t = 0; t < analysed.size(); ++t)
        analysed[t] = levels[t] = std::max(std::pow(10.0, analysedDb[t] / 10.0), kFloor);
    const auto spread = [&](const std::vector<double>& values, std::int64_t t) {
        double sum = 0;
        for (int s = -2; s <= 2; ++s)
            sum += v[std::size_t(s + 2)] *
                   values[std::size_t(std::clamp<std::int64_t>(t + s, 0, frames - 1))];
        return sum;
    };
    for (int round = 0; round < kRounds; ++round) {
        for (std::int64_t t = 0; t < frames; ++t)
            ratio[std::size_t(t)] = analysed[std::size_t(t)] / std::max(spread(levels, t), kFloor);
        for (std::int64_t t = 0; t < frames; ++t)
            levels[std::size_t(t)] *= spread(ratio, t); // v is symmetric: its own adjoint
    }
    std::vector<float> out(analysedDb.size());
    for (std::size_t t = 0; t < out.size(); ++t)
        out[t] = float(10 * std::log10(std::max(levels[t], kFloor)));
    return out;
}

namespace {

// The aperiodic shares (FrameShaper::measureAperiodicShares) of a take's frames voiced in the
// performance, `bands` per frame, and which frames have them. Measured on every other frame and,
// between two measured ones, their mean: the frame's 32 ms window overlaps each of theirs by
// three quarters, and the gliding comb a measure reads was the largest cost of a convert
// (docs/ARCHITECTURE.md "Voice model", convert's speed).
struct TakeShares {
    std::vector<float> shares;
    std::vector<std::uint8_t> present;
};
TakeShares aperiodicSharesOfTake(FrameShaper& shaper, int bands, const PerformanceGate& gate,
                                 const std::vector<float>& performancePower, std::size_t frames) {
    const auto width = std::size_t(bands);
    TakeShares take{std::vector<float>(frames * width, 0.0f), std::vector<std::uint8_t>(frames, 0)};
    const auto voicedInPerformance = [&](std::size_t t) {
        return gate.excess[t] >= 0 && performancePower.size() >= (t + 1) * kBins;
    };
    HarmonicCombCache combs;
    const auto measure = [&](std::size_t t) {
        shaper.measureAperiodicShares(performancePower.data() + t * kBins, glideAround(gate.f0, t),
                                      take.shares.data() + t * width, &combs);
        take.present[t] = 1;
    };
    for (std::size_t t = 0; t < frames; t += 2)
        if (voicedInPerformance(t))
            measure(t);
    for (std::size_t t = 1; t < frames; t += 2) {
        if (!voicedInPerformance(t))
            continue;
        if (t + 1 < frames && take.present[t - 1] && take.present[t + 1]) {
            const float* before = take.shares.data() + (t - 1) * width;
            const float* after = take.shares.data() + (t + 1) * width;
            float* shares = take.shares.data() + t * width;
            for (std::size_t b = 0; b < width; ++b)
                shares[b] = 0.5f * (before[b] + after[b]);
            take.present[t] = 1;
        } else {
            measure(t);
        }
    }
    return take;
}

} // namespace

std::vector<float>
synthesise(const VoiceConfig& config, const SourceShape& source, const std::vector<float>& controls,
           const std::vector<float>& f0, const std::vector<std::uint8_t>& voiced,
           const std::vector<float>& loudnessDb, double referenceDb, const PerformanceGate& gate,
           const std::vector<float>& performancePower, std::size_t length, std::uint64_t noiseSeed,
           const HighBandModel& highBand, std::vector<float>* highBandDensities) {
    const size_t frames = f0.size();
    std::vector<float> out(length, 0.0f);
    if (frames == 0 || length == 0)
        return out;
    // Per frame: harmonic amplitudes and the noise PSD on the noise FFT's bins.
    FrameShaper shaper(config, source, highBand);
    if (highBandDensities)
        highBandDensities->assign(frames * kHighBands, 0.0f);
    const std::vector<float> levels = levelsBeforeSpread(loudnessDb);
    // The input's voiced frames' brightness against their typical over the take, for the band
    // above 8 kHz (voice_high_band.h).
    std::vector<double> brightness;
    TypicalBrightness typical;
    if (highBand.present() && performancePower.size() >= frames * kBins) {
        brightness.resize(frames);
        for (size_t t = 0; t < frames; ++t)
            if (voiced[t]) {
                brightness[t] = lowBandShape(performancePower.data() + t * kBins).brightness;
                typical.add(brightness[t]);
            }
    }
    const TakeShares aperiodic =
        aperiodicSharesOfTake(shaper, config.noiseBands, gate, performancePower, frames);
    std::vector<std::vector<float>> amplitudes(frames);
    std::vector<float> noisePsd(frames * kNoiseBins);
    std::vector<float> scratch(static_cast<std::size_t>(FrameShaper::maxHarmonics()));
    for (size_t t = 0; t < frames; ++t) {
        FrameShaper::Frame frame;
        frame.controls = controls.data() + t * std::size_t(config.outputs());
        frame.glide = glideAround(f0, t);
        frame.voiced = voiced[t];
        frame.loudnessDb = levels[t];
        frame.belowReferenceDb = float(referenceDb - loudnessDb[t]);
        frame.performanceExcess = gate.excess[t];
        if (!gate.combAtGatePeaks.empty())
            frame.glidingCombAtGatePeaks = gate.combAtGatePeaks.data() + gate.firstPeak[t];
        if (performancePower.size() >= (t + 1) * kBins)
            frame.performancePower = performancePower.data() + t * kBins;
        if (aperiodic.present[t])
            frame.aperiodicShares = aperiodic.shares.data() + t * std::size_t(config.noiseBands);
        if (!brightness.empty() && voiced[t])
            frame.brightnessDeviation = typical.deviation(brightness[t]);
        const int harmonics =
            shaper.shape(frame, scratch.data(), noisePsd.data() + t * kNoiseBins,
                         highBandDensities ? highBandDensities->data() + t * kHighBands : nullptr);
        amplitudes[t].assign(scratch.begin(), scratch.begin() + harmonics);
    }

    // Harmonics: f0 and amplitudes interpolated linearly between frame centres (t * hop).
    constexpr int hop = an::kHop;
    HarmonicOscillators oscillators;
    for (size_t t = 0; t < frames; ++t) {
        const size_t start = t * hop;
        if (start >= length)
            break;
        const size_t next = std::min(t + 1, frames - 1);
        const int count = static_cast<int>(std::min<size_t>(hop, length - start));
        const std::vector<float>& a = amplitudes[t];
        const std::vector<float>& b = amplitudes[next];
        oscillators.addHop(f0[t], f0[next], a.data(), int(a.size()), b.data(), int(b.size()), count,
                           out.data() + start);
    }

    // Noise: one grain per frame, centred on the frame (see makeNoiseGrain).
    const std::vector<float>& table = noiseSpectra();
    const std::vector<float>& synthesisWindow = noiseGrainWindow();
    std::mt19937_64 random(noiseSeed);
    dsp::RealFft inverse(kNoiseFrame);
    const float* grain = inverse.samples();
    for (size_t t = 0; t < frames; ++t) {
        makeNoiseGrain(noisePsd.data() + t * kNoiseBins,
                       table.data() + (random() % kNoiseSpectra) * kNoiseBins * 2, inverse);
        const std::int64_t start = static_cast<std::int64_t>(t) * hop - kNoiseFrame / 2;
        for (int n = 0; n < kNoiseFrame; ++n) {
            const std::int64_t at = start + n;
            if (at < 0 || at >= static_cast<std::int64_t>(length))
                continue;
            out[static_cast<size_t>(at)] +=
                synthesisWindow[static_cast<size_t>(n)] * grain[n] / kNoiseFrame;
        }
    }
    return out;
}

const std::vector<float>& noiseSpectra() {
    static const std::vector<float> table = [] {
        std::mt19937_64 generator(0x6e6f697365);
        std::normal_distribution<float> gauss(0.0f, 1.0f);
        std::vector<float> values(static_cast<size_t>(kNoiseSpectra * kNoiseBins * 2));
        for (float& v : values)
            v = gauss(generator);
        return values;
    }();
    return table;
}

const std::vector<float>& noiseGrainWindow() {
    static const std::vector<float> window = [] {
        std::vector<float> values(kNoiseFrame);
        for (int n = 0; n < kNoiseFrame; ++n)
            values[static_cast<size_t>(n)] =
                static_cast<float>(std::sqrt(0.5 - 0.5 * std::cos(2 * kPi * n / kNoiseFrame)));
        return values;
    }();
    return window;
}

void makeNoiseGrain(const float* psd, const float* draw, dsp::RealFft& fft) {
    std::complex<float>* spectrum = fft.spectrum();
    const float unit = std::sqrt(static_cast<float>(kNoiseFrame) / 2.0f); // E|Z|^2 = L
    for (size_t k = 0; k < static_cast<size_t>(kNoiseBins); ++k) {
        const float scale = std::sqrt(psd[k]) * unit;
        if (k == 0 || k == kNoiseBins - 1)
            spectrum[k] = {draw[2 * k] * std::sqrt(2.0f) * scale, 0.0f};
        else
            spectrum[k] = {draw[2 * k] * scale, draw[2 * k + 1] * scale};
    }
    fft.inverse(); // the real signal of this Hermitian spectrum, kNoiseFrame times
}

void limitPeaks(std::vector<float>& samples, int sampleRate, float ceiling) {
    const size_t n = samples.size();
    const auto half = static_cast<size_t>(std::max(1, sampleRate / 500)); // 2 ms
    const auto isPeak = [&](size_t i) { return std::abs(samples[i]) > ceiling; };
    // Minimum over +-half, then the mean over +-half of that: never above the gain a peak needs
    // (every window averaged at a peak contains the peak), smooth elsewhere, and 1 further than
    // two windows from any peak. So each run of peaks (closer than four windows: their gains
    // overlap) is limited on its own, with arrays as long as the run and the windows it reaches:
    // arrays as long as the take cost a convert 1% (docs/ARCHITECTURE.md "Voice model").
    std::vector<float> needed, lowest;
    std::vector<double> prefix;
    for (size_t first = 0; first < n; ++first) {
        if (!isPeak(first))
            continue;
        size_t last = first;
        for (size_t i = first + 1; i < n && i <= last + 4 * half; ++i)
            if (isPeak(i))
                last = i;
        // Gains under 1 from `from` to `to`; the windows averaged there read `lo` to `hi`.
        const size_t from = first >= 2 * half ? first - 2 * half : 0;
        const size_t to = std::min(n - 1, last + 2 * half);
        const size_t lo = from >= half ? from - half : 0;
        const size_t hi = std::min(n - 1, to + half);
        needed.assign(hi - lo + 1, 1.0f);
        lowest.assign(hi - lo + 1, 1.0f);
        for (size_t i = first; i <= last; ++i)
            if (isPeak(i))
                needed[i - lo] = ceiling / std::abs(samples[i]);
        for (size_t i = first; i <= last; ++i) {
            if (needed[i - lo] >= 1.0f)
                continue;
            const size_t end = std::min(n - 1, i + half);
            for (size_t j = i >= half ? i - half : 0; j <= end; ++j)
                lowest[j - lo] = std::min(lowest[j - lo], needed[i - lo]);
        }
        prefix.assign(hi - lo + 2, 0.0);
        for (size_t j = 0; j <= hi - lo; ++j)
            prefix[j + 1] = prefix[j] + lowest[j];
        for (size_t i = from; i <= to; ++i) {
            const size_t start = i >= half ? i - half : 0;
            const size_t end = std::min(n - 1, i + half);
            const double gain =
                (prefix[end - lo + 1] - prefix[start - lo]) / static_cast<double>(end + 1 - start);
            samples[i] = static_cast<float>(samples[i] *
                                            std::min(gain, static_cast<double>(needed[i - lo])));
        }
        first = to; // the next run starts over four windows after this one's last peak
    }
}

} // namespace accord::models::voice
