#include "voice_high_band.h"

#include "voice_dsp.h"

#include "accord/dsp/fft.h"
#include "accord/dsp/level.h"

#include <algorithm>
#include <cmath>
#include <complex>
#include <limits>
#include <random>

namespace accord::models::voice {
namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr double kEdgeFloorDb = 60;      // the band edge: within this of the long-term peak
constexpr double kEdgeShare = 0.5;       // the model's edge: half of the sound stops under it
constexpr double kMostBrightnessDb = 30; // TypicalBrightness's bound
constexpr double kDarkestDb = -90;       // its histogram's first bin (a voice's sit near -52 dB)
constexpr double kBinsPerDb = 4;
constexpr double kHighestHz = 20000;      // no band above
constexpr double kNarrowestBandHz = 250;  // a band cut by the edge to less is left out
constexpr double kRidge = 1e-3;           // per frame, keeps a fit on few frames bounded
constexpr double kFeatureLimit = 12;      // ln ratios clamped (silent bands)
constexpr std::size_t kFewestFrames = 50; // a voicing class with fewer takes the pooled fit
constexpr int kLoopLength = 1 << 16;      // noise loop per band (1.4 s at 48 kHz)
constexpr int kModulationSteps = 1024;    // the voiced modulation's table over one period
constexpr int kSpan = 1024;               // output samples per inner loop

double bandDensity(const float* power, double loHz, double hiHz) {
    const double binHz = double(an::kSampleRate) / an::kSpectrumSize;
    const int lo = int(std::ceil(loHz / binHz)), hi = int(std::ceil(hiHz / binHz));
    double sum = 0;
    for (int k = lo; k < hi; ++k)
        sum += power[k];
    return sum / std::max(hi - lo, 1) / (dsp::spectrumWindowPower() * an::kSampleRate / 2);
}

double clampedLog(double ratio) {
    return std::clamp(std::log(std::max(ratio, 1e-30)), -kFeatureLimit, kFeatureLimit);
}

// The voiced frames' modulation over one period of the fundamental: (1 + cos) scaled to a mean
// square of 1, so modulating changes the noise's timing, not its level.
const std::vector<float>& modulationTable() {
    static const std::vector<float> table = [] {
        std::vector<float> values(kModulationSteps + 1);
        for (int i = 0; i <= kModulationSteps; ++i)
            values[std::size_t(i)] =
                float((1 + std::cos(2 * kPi * i / kModulationSteps)) / std::sqrt(1.5));
        return values;
    }();
    return table;
}

// Solves the 3x3 system a x = b in place (Gaussian elimination with partial pivoting).
std::array<double, kHighBandFeatures>
solve3(std::array<std::array<double, kHighBandFeatures>, kHighBandFeatures> a,
       std::array<double, kHighBandFeatures> b) {
    constexpr int n = kHighBandFeatures;
    for (int c = 0; c < n; ++c) {
        int pivot = c;
        for (int r = c + 1; r < n; ++r)
            if (std::abs(a[r][c]) > std::abs(a[pivot][c]))
                pivot = r;
        std::swap(a[c], a[pivot]);
        std::swap(b[c], b[pivot]);
        if (std::abs(a[c][c]) < 1e-12)
            return {};
        for (int r = c + 1; r < n; ++r) {
            const double f = a[r][c] / a[c][c];
            for (int k = c; k < n; ++k)
                a[r][k] -= f * a[c][k];
            b[r] -= f * b[c];
        }
    }
    std::array<double, n> x{};
    for (int r = n - 1; r >= 0; --r) {
        double s = b[r];
        for (int k = r + 1; k < n; ++k)
            s -= a[r][k] * x[k];
        x[r] = s / a[r][r];
    }
    return x;
}

} // namespace

double highBandShare(double hz) {
    if (hz <= kCrossoverFromHz)
        return 0;
    if (hz >= kCrossoverToHz)
        return 1;
    const double s =
        std::sin(0.5 * kPi * (hz - kCrossoverFromHz) / (kCrossoverToHz - kCrossoverFromHz));
    return s * s;
}

double measuredBandEdgeHz(const std::vector<float>& samples, int rate) {
    int size = 2;
    while (size < 0.04 * rate)
        size *= 2;
    if (samples.size() < std::size_t(size))
        return 0;
    dsp::RealFft fft(size);
    const std::vector<float> window = dsp::periodicHannWindow(size);
    std::vector<double> mean(std::size_t(fft.bins()), 0.0);
    const auto length = std::int64_t(samples.size());
    for (std::int64_t start = 0; start + size <= length; start += size / 2) {
        fft.loadWindowed(samples.data(), length, start, window.data());
        fft.forward();
        for (int k = 0; k < fft.bins(); ++k)
            mean[std::size_t(k)] += std::norm(fft.spectrum()[k]);
    }
    const double peak = *std::max_element(mean.begin(), mean.end());
    if (!(peak > 0))
        return 0;
    for (int k = fft.bins() - 1; k > 0; --k)
        if (mean[std::size_t(k)] > peak * std::pow(10.0, -kEdgeFloorDb / 10))
            return std::min(kHighestHz, double(k) * rate / size);
    return 0;
}

LowBandShape lowBandShape(const float* power) {
    LowBandShape shape;
    const double mid = bandDensity(power, 3000, 5000);
    shape.referenceDensity = bandDensity(power, 5000, 7000);
    const double all = bandDensity(power, 0, 7000);
    shape.features = {1.0, clampedLog(mid / shape.referenceDensity),
                      clampedLog(shape.referenceDensity / all)};
    const std::vector<float>& weights = dsp::loudnessWeights();
    double weighted = 0;
    for (int k = 0; k < an::kSpectrumBins; ++k)
        weighted += double(weights[std::size_t(k)]) * power[k];
    // Not clamped as the features are: ln ratios of a density to a power sit around -12.
    shape.brightness =
        std::log(std::max(shape.referenceDensity, 1e-30) / std::max(weighted, 1e-30));
    return shape;
}

void TypicalBrightness::add(double brightness) {
    const double db = brightness * 10 / std::log(10.0);
    const int bin = int(std::floor((db - kDarkestDb) * kBinsPerDb));
    ++histogram_[std::size_t(std::clamp(bin, 0, kHistogramBins - 1))];
    ++frames_;
}

double TypicalBrightness::median() const {
    std::uint32_t seen = 0;
    for (int bin = 0; bin < kHistogramBins; ++bin) {
        seen += histogram_[std::size_t(bin)];
        if (frames_ > 0 && 2 * seen >= frames_)
            return (kDarkestDb + (bin + 0.5) / kBinsPerDb) * std::log(10.0) / 10;
    }
    return 0;
}

double TypicalBrightness::deviation(double brightness) const {
    if (frames_ == 0)
        return 0;
    const double most = kMostBrightnessDb * std::log(10.0) / 10;
    return std::clamp(brightness - median(), -most, most);
}

double HighBandModel::bandHighHz(int band) const {
    return std::min(kHighBandEdgesHz[std::size_t(band) + 1], bandEdgeHz);
}

void HighBandModel::predict(const LowBandShape& low, bool voicedFrame, float* densities) const {
    const auto& fits = voicedFrame ? voiced : unvoiced;
    for (int j = 0; j < bands; ++j) {
        double y = 0;
        for (int i = 0; i < kHighBandFeatures; ++i)
            y += double(fits[std::size_t(j)][std::size_t(i)]) * low.features[std::size_t(i)];
        densities[j] = float(low.referenceDensity * std::exp(std::clamp(y, -30.0, 10.0)));
    }
}

double HighBandModel::voicedReference(const LowBandShape& synthesised, double deviation) const {
    if (std::isnan(voicedBrightness))
        return synthesised.referenceDensity;
    // referenceDensity / exp(brightness) is the frame's A-weighted power.
    return synthesised.referenceDensity *
           std::exp(voicedBrightness + deviation - synthesised.brightness);
}

nlohmann::json HighBandModel::toJson() const {
    nlohmann::json voicedFits = nlohmann::json::array(), unvoicedFits = nlohmann::json::array();
    for (int j = 0; j < bands; ++j) {
        voicedFits.push_back(voiced[std::size_t(j)]);
        unvoicedFits.push_back(unvoiced[std::size_t(j)]);
    }
    nlohmann::json json = {{"bands", bands}, {"voiced", voicedFits}, {"unvoiced", unvoicedFits}};
    if (!std::isnan(voicedBrightness))
        json["voicedBrightness"] = voicedBrightness;
    return json;
}

HighBandModel HighBandModel::fromMetrics(const nlohmann::json& metrics) {
    HighBandModel model;
    if (!metrics.is_object() || !metrics.contains("bandEdgeHz") ||
        !metrics["bandEdgeHz"].is_number())
        return model;
    model.bandEdgeHz = metrics["bandEdgeHz"].get<double>();
    const auto fits = metrics.find("highBand");
    if (fits == metrics.end() || !fits->is_object() || !fits->contains("bands") ||
        !(*fits)["bands"].is_number_integer())
        return model;
    const int bands = (*fits)["bands"].get<int>();
    if (bands < 0 || bands > kHighBands)
        return model;
    const auto read = [&](const char* key, auto& into) {
        const auto list = fits->find(key);
        if (list == fits->end() || !list->is_array() || int(list->size()) != bands)
            return false;
        for (int j = 0; j < bands; ++j) {
            const nlohmann::json& row = (*list)[std::size_t(j)];
            if (!row.is_array() || row.size() != kHighBandFeatures)
                return false;
            for (int i = 0; i < kHighBandFeatures; ++i) {
                if (!row[std::size_t(i)].is_number())
                    return false;
                into[std::size_t(j)][std::size_t(i)] = row[std::size_t(i)].get<float>();
            }
        }
        return true;
    };
    if (read("voiced", model.voiced) && read("unvoiced", model.unvoiced))
        model.bands = bands;
    const auto brightness = fits->find("voicedBrightness");
    if (brightness != fits->end() && brightness->is_number() &&
        std::abs(brightness->get<double>()) < 100)
        model.voicedBrightness = brightness->get<double>();
    return model;
}

void HighBandFit::add(const std::vector<float>& samples, int rate,
                      const dsp::VoiceFeatures& features, const std::vector<std::uint8_t>& usable) {
    const double edge = measuredBandEdgeHz(samples, rate);
    edges_.emplace_back(edge, double(samples.size()) / rate);
    if (edge <= kNoHighBandBelowHz || features.power.empty())
        return;
    // Frames of 32 ms at the recording's rate, centred where the 16 kHz analysis centres its own.
    const int size = 2 * int(std::lround(0.016 * rate));
    dsp::RealFft fft(size);
    const std::vector<float> window = dsp::periodicHannWindow(size);
    double windowPower = 0;
    for (const float w : window)
        windowPower += double(w) * w;
    const double toDensity = 1.0 / (windowPower * rate / 2);
    const auto length = std::int64_t(samples.size());
    for (std::int64_t t = 0; t < features.frames; ++t) {
        if (!usable[std::size_t(t)])
            continue;
        Frame frame;
        frame.low = lowBandShape(features.power.data() + t * kBins);
        if (!(frame.low.referenceDensity > 0))
            continue;
        frame.voiced = features.voiced[std::size_t(t)];
        const std::int64_t centre = std::llround(double(t) * an::kHop * rate / an::kSampleRate);
        fft.loadWindowed(samples.data(), length, centre - size / 2, window.data());
        fft.forward();
        for (int j = 0; j < kHighBands; ++j) {
            const double lo = kHighBandEdgesHz[std::size_t(j)];
            const double hi = std::min(kHighBandEdgesHz[std::size_t(j) + 1], edge);
            if (hi - lo < kNarrowestBandHz) {
                frame.target[std::size_t(j)] = std::numeric_limits<float>::quiet_NaN();
                continue;
            }
            const int from = int(std::ceil(lo * size / rate)),
                      to = int(std::ceil(hi * size / rate));
            double sum = 0;
            for (int k = from; k < to; ++k)
                sum += std::norm(fft.spectrum()[k]);
            const double density = sum / std::max(to - from, 1) * toDensity;
            frame.target[std::size_t(j)] =
                float(std::log(std::max(density, 1e-30) / frame.low.referenceDensity));
        }
        frames_.push_back(frame);
    }
}

void HighBandFit::append(const HighBandFit& later) {
    frames_.insert(frames_.end(), later.frames_.begin(), later.frames_.end());
    edges_.insert(edges_.end(), later.edges_.begin(), later.edges_.end());
}

HighBandModel HighBandFit::solve() const {
    HighBandModel model;
    std::vector<std::pair<double, double>> edges = edges_;
    std::sort(edges.begin(), edges.end());
    double total = 0, below = 0;
    for (const auto& [edge, seconds] : edges)
        total += seconds;
    for (const auto& [edge, seconds] : edges) {
        model.bandEdgeHz = edge;
        below += seconds;
        if (below >= kEdgeShare * total)
            break;
    }
    if (model.bandEdgeHz <= kNoHighBandBelowHz)
        return model;
    int bands = 0;
    while (bands < kHighBands &&
           model.bandHighHz(bands) - model.bandLowHz(bands) >= kNarrowestBandHz)
        ++bands;
    TypicalBrightness typical;
    bool anyVoiced = false;
    for (const Frame& frame : frames_)
        if (frame.voiced) {
            typical.add(frame.low.brightness);
            anyVoiced = true;
        }
    if (anyVoiced)
        model.voicedBrightness = typical.median();
    using Matrix = std::array<std::array<double, kHighBandFeatures>, kHighBandFeatures>;
    using Vector = std::array<double, kHighBandFeatures>;
    for (int j = 0; j < bands; ++j) {
        // Ridge least squares of ln(density / reference) on the features, for voiced frames, for
        // unvoiced ones and for all (a class with few frames takes all's).
        std::array<Matrix, 3> a{};
        std::array<Vector, 3> b{};
        std::array<std::size_t, 3> count{};
        for (const Frame& frame : frames_) {
            const float y = frame.target[std::size_t(j)];
            if (std::isnan(y))
                continue;
            for (const int c : {frame.voiced ? 0 : 1, 2}) {
                for (int r = 0; r < kHighBandFeatures; ++r) {
                    for (int k = 0; k < kHighBandFeatures; ++k)
                        a[c][r][k] += frame.low.features[r] * frame.low.features[k];
                    b[c][r] += frame.low.features[r] * y;
                }
                ++count[c];
            }
        }
        std::array<Vector, 3> fit{};
        for (int c = 0; c < 3; ++c) {
            for (int r = 0; r < kHighBandFeatures; ++r)
                a[c][r][r] += kRidge * double(count[c]) + 1e-9;
            fit[c] = solve3(a[c], b[c]);
        }
        // ln-domain fits predict the geometric mean: the mean of exp(residual) puts the power
        // back (without it the band came out 2-4 dB quiet).
        for (int c = 0; c < 3; ++c) {
            double residualPower = 0;
            std::size_t n = 0;
            for (const Frame& frame : frames_) {
                const float y = frame.target[std::size_t(j)];
                if (std::isnan(y) || (c < 2 && frame.voiced != (c == 0)))
                    continue;
                double predicted = 0;
                for (int r = 0; r < kHighBandFeatures; ++r)
                    predicted += fit[c][r] * frame.low.features[r];
                residualPower += std::exp(std::clamp(double(y) - predicted, -30.0, 30.0));
                ++n;
            }
            if (n > 0)
                fit[c][0] += std::log(residualPower / double(n));
        }
        for (int c = 0; c < 2; ++c) {
            const Vector& use = count[c] >= kFewestFrames ? fit[c] : fit[2];
            auto& into = c == 0 ? model.voiced[std::size_t(j)] : model.unvoiced[std::size_t(j)];
            for (int r = 0; r < kHighBandFeatures; ++r)
                into[std::size_t(r)] = float(use[r]);
        }
    }
    model.bands = frames_.empty() ? 0 : bands;
    return model;
}

HighBandVoice::HighBandVoice(const HighBandModel& model, int rate)
    : model_(model), rate_(rate), sum_(kSpan), modulation_(modulationTable()) {
    if (!active())
        return;
    // Per band: noise of power density 1 per Hz over the band (the first rising through the
    // crossover), random phases on a flat magnitude, fixed seeds: the same noise in every process.
    dsp::RealFft inverse(kLoopLength);
    for (int j = 0; j < model_.bands; ++j) {
        std::mt19937_64 random(0x68696768ull + std::uint64_t(j));
        std::uniform_real_distribution<double> angle(0, 2 * kPi);
        std::complex<float>* spectrum = inverse.spectrum();
        double wanted = 0; // the band's variance: its density's integral
        for (int k = 0; k < inverse.bins(); ++k) {
            const double hz = double(k) * rate_ / kLoopLength;
            const double share = hz >= model_.bandLowHz(j) && hz < model_.bandHighHz(j)
                                     ? (j == 0 ? highBandShare(hz) : 1.0)
                                     : 0.0;
            spectrum[k] = share > 0 ? std::polar(float(std::sqrt(share)), float(angle(random)))
                                    : std::complex<float>(0, 0);
            wanted += share * rate_ / kLoopLength;
        }
        inverse.inverse();
        std::vector<float> loop(inverse.samples(), inverse.samples() + kLoopLength);
        double power = 0;
        for (const float x : loop)
            power += double(x) * x;
        power /= kLoopLength;
        // Density d over the band means variance d * width: in these units a density is the
        // variance per Hz of half the rate (as the 16 kHz analysis's densities, voice_high_band.h).
        const auto scale = float(power > 0 ? std::sqrt(wanted / power) : 0.0);
        for (float& x : loop)
            x *= scale;
        loops_.push_back(std::move(loop));
    }
}

void HighBandVoice::pushFrame(std::int64_t instant16, const float* densities, bool voiced,
                              float f0) {
    if (!active())
        return;
    if (framesKept_ == int(frames_.size())) {
        std::rotate(frames_.begin(), frames_.begin() + 1, frames_.end());
        --framesKept_;
    }
    FrameAt& frame = frames_[std::size_t(framesKept_++)];
    frame.position = double(instant16) * rate_ / an::kSampleRate;
    for (int j = 0; j < model_.bands; ++j)
        frame.amplitude[std::size_t(j)] = std::sqrt(std::max(densities[j], 0.0f));
    frame.voicing = voiced ? 1.0f : 0.0f;
    frame.f0 = f0;
}

void HighBandVoice::add(float* out, std::int64_t first, int count) {
    if (!active() || framesKept_ == 0)
        return;
    const std::int64_t end = first + count;
    for (std::int64_t n = first; n < end;) {
        int i = framesKept_ - 1;
        while (i >= 0 && frames_[std::size_t(i)].position > double(n))
            --i;
        std::int64_t spanEnd = std::min(end, n + kSpan);
        const FrameAt* a;
        const FrameAt* b;
        if (i < 0) { // before the first frame: held
            a = b = &frames_[0];
            spanEnd = std::min(spanEnd, std::int64_t(std::ceil(frames_[0].position)));
        } else if (i == framesKept_ - 1) { // past the newest: held
            a = b = &frames_[std::size_t(i)];
        } else {
            a = &frames_[std::size_t(i)];
            b = &frames_[std::size_t(i) + 1];
            spanEnd = std::min(spanEnd, std::int64_t(std::ceil(b->position)));
        }
        addSpan(out + (n - first), n, int(spanEnd - n), *a, *b);
        n = spanEnd;
    }
}

void HighBandVoice::addSpan(float* out, std::int64_t first, int count, const FrameAt& a,
                            const FrameAt& b) {
    const double step = b.position > a.position ? 1.0 / (b.position - a.position) : 0.0;
    const auto x0 = float((double(first) - a.position) * step);
    const auto dx = float(step);
    // The loops are read where the stream is; a span wraps at most once (kSpan < kLoopLength), so
    // each piece is a straight run the compiler vectorises.
    const int start = int(first & (kLoopLength - 1));
    const int straight = std::min(count, kLoopLength - start);
    float* sum = sum_.data();
    std::fill(sum, sum + count, 0.0f);
    for (int j = 0; j < model_.bands; ++j) {
        const float from = a.amplitude[std::size_t(j)];
        const float slope = b.amplitude[std::size_t(j)] - from;
        const float* loop = loops_[std::size_t(j)].data();
        for (int i = 0; i < straight; ++i)
            sum[i] += (from + slope * (x0 + dx * float(i))) * loop[start + i];
        for (int i = straight; i < count; ++i)
            sum[i] += (from + slope * (x0 + dx * float(i))) * loop[i - straight];
    }
    const double perSample = 1.0 / rate_;
    if (a.voicing == 0 && b.voicing == 0) {
        // Unvoiced: no modulation, and the phase moves on by the span's f0 in closed form.
        for (int i = 0; i < count; ++i)
            out[i] += sum[i];
        const double meanX = double(x0) + double(dx) * (count - 1) / 2.0;
        phase_ += (a.f0 + (b.f0 - a.f0) * meanX) * count * perSample;
        phase_ -= std::floor(phase_);
        return;
    }
    for (int i = 0; i < count; ++i) {
        const double x = double(x0) + double(dx) * i;
        phase_ += (a.f0 + (b.f0 - a.f0) * x) * perSample;
        if (phase_ >= 1) // f0 stays under the rate: one step never passes two periods
            phase_ -= 1;
        const float voicing = a.voicing + (b.voicing - a.voicing) * float(x);
        const float g = modulation_[std::size_t(phase_ * kModulationSteps)];
        out[i] += sum[i] * (1 + voicing * (g - 1));
    }
}

} // namespace accord::models::voice
