#include "accord/dsp/pitch.h"

#include "accord/dsp/biquad.h"

#include "fftw_planner.h"

#include <aubio/aubio.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <memory>
#include <mutex>
#include <stdexcept>

namespace accord::dsp {

using namespace analysis;

namespace {

// aubio objects plan FFTs on FFTW: create and destroy them under the planner's lock.
struct AubioDeleter {
    void operator()(aubio_pitch_t* p) const {
        const std::lock_guard<std::mutex> guard(detail::fftwPlannerLock());
        del_aubio_pitch(p);
    }
    void operator()(fvec_t* p) const { del_fvec(p); }
};
template <typename T> using AubioPtr = std::unique_ptr<T, AubioDeleter>;

// The offset (-0.5..0.5) of the vertex of the parabola through three equally spaced values of a
// difference function from the middle one; 0 when they do not curve upwards.
double parabolicVertexOffset(double left, double middle, double right) {
    const double curvature = left - 2 * middle + right;
    return curvature > 0 ? std::clamp(0.5 * (left - right) / curvature, -0.5, 0.5) : 0.0;
}

// Four doubles, the four interleaved partial sums below: GCC's vector extension, two SSE2
// registers in the portable build and one AVX register in its AVX2 clone, each lane the same
// arithmetic as the scalar code it replaced (no fused multiply-add), so the same sums.
using Doubles4 = double __attribute__((vector_size(32)));
using Floats4 = float __attribute__((vector_size(16)));

// Four floats from `at` as doubles (by reference: a returned 32-byte vector has two ABIs).
inline void loadFour(const float* at, Doubles4& out) {
    Floats4 values;
    std::memcpy(&values, at, sizeof values);
    out = __builtin_convertvector(values, Doubles4);
}

// sum_j (x_j - (lagged_j (1 - fraction) + lagged_{j+1} fraction))^2 over the span, in four
// interleaved partial sums (lane k sums the terms j = k mod 4). Compiled for AVX2 beside the
// portable build, the CPU's picked when the program loads (GCC's target_clones), as the
// synthesiser's oscillators are: pitch tracking's sums were 7% of a convert, scalar
// (docs/ARCHITECTURE.md "Voice model", convert's speed).
constexpr int kDifferenceSpan = kPitchWindow / 2;
__attribute__((target_clones("avx2", "default"))) double
spanDifference(const float* x, const float* lagged, double fraction) {
    static_assert(kDifferenceSpan % 4 == 0, "four partial sums");
    const Doubles4 keep = Doubles4{} + (1 - fraction), take = Doubles4{} + fraction;
    Doubles4 partial{};
    for (int j = 0; j < kDifferenceSpan; j += 4) {
        Doubles4 here, lag, next;
        loadFour(x + j, here);
        loadFour(lagged + j, lag);
        loadFour(lagged + j + 1, next);
        const Doubles4 d = here - (lag * keep + next * take);
        partial += d * d;
    }
    return (partial[0] + partial[1]) + (partial[2] + partial[3]);
}

// yin's raw difference d(tau) = sum_j (x_j - x_{j+tau})^2 over the kPitchWindow / 2 samples from
// `start`; at a fractional lag x_{j+tau} is interpolated linearly. It reads a copy of the signal
// with kPadding zeros either side (every start and lag aubioPitchPoints asks stays inside them),
// not the signal with a bounds test per sample, and sums in four interleaved partial sums rather
// than one that waits on each add: these sums were a tenth of a convert's CPU
// (docs/ARCHITECTURE.md "Voice model", convert's speed).
class RawDifference {
public:
    static constexpr int kSpan = kDifferenceSpan;
    static constexpr int kPadding = 2 * kPitchWindow;
    RawDifference(const std::vector<float>& padded, std::int64_t start)
        : x_(padded.data() + kPadding + start) {}
    // A whole lag interpolates nothing: x_{j+tau} (1 - 0) + x_{j+tau+1} 0 is x_{j+tau} exactly.
    double operator()(int tau) const { return spanDifference(x_, x_ + tau, 0.0); }
    // sum_j x_j^2 + x_{j+tau}^2 at tau = 0: what d(tau) of an unrelated lag is near.
    double scale() const {
        Doubles4 partial{};
        for (int j = 0; j < kSpan; j += 4) {
            Doubles4 x;
            loadFour(x_ + j, x);
            partial += 2.0 * x * x;
        }
        return (partial[0] + partial[1]) + (partial[2] + partial[3]);
    }
    double operator()(double tau) const {
        const auto whole = static_cast<int>(std::floor(tau));
        return spanDifference(x_, x_ + whole, tau - whole);
    }

private:
    const float* x_;
};

// aubio interpolates the minimum of yin's *normalised* difference d'(tau) = d(tau) tau / sum d,
// whose normalisation slopes across the dip when the dip does not reach zero (a periodicity of
// 0.8). The raw difference d(tau) has no such slope (white noise adds a constant), so its
// parabola around yin's period refines the period.
float refinePeriod(const RawDifference& difference, float f0) {
    const int guess = static_cast<int>(std::lround(kSampleRate / static_cast<double>(f0)));
    if (guess < 3 || guess + 2 >= RawDifference::kSpan)
        return f0;
    std::array<double, 5> d{};
    for (int i = 0; i < 5; ++i)
        d[static_cast<size_t>(i)] = difference(guess - 2 + i);
    const auto best = static_cast<int>(std::min_element(d.begin() + 1, d.end() - 1) - d.begin());
    const double period =
        guess - 2 + best +
        parabolicVertexOffset(d[static_cast<size_t>(best - 1)], d[static_cast<size_t>(best)],
                              d[static_cast<size_t>(best + 1)]);
    return static_cast<float>(kSampleRate / period);
}

// yin takes the first lag whose normalised difference dips under its tolerance; a voice whose
// second or third harmonic dominates dips there first, and the track reads an octave or a
// twelfth high for whole syllables, where the octave repair (which compares a frame with its
// neighbours) cannot see it: a low male voice read high on 10% of its voiced frames, a singer
// on 10% (docs/ARCHITECTURE.md "Voice model"). The true period repeats the signal much better
// than its half or third, so the period is doubled or tripled when the raw difference `d(tau)`
// (a callable taking fractional lags) dips near twice or three times the (refined) `period` under
// kSubmultipleEvidence of the one at `period`, and that one is noticeable: over kNoticeableDip of
// `scale` (twice the span's energy, what an unrelated lag gives). A clean tone repeats at every
// multiple of its period, where both differences are near zero and their ratio is noise (a
// trumpet's notes then read an octave low). The dip is searched within kMultipleSearch of the
// multiple, not read at it: a period measured on a strong harmonic is off by the pull of the
// weaker ones (lena's 257 Hz notes read 789 Hz, not 771), and three times that error misses the
// true period's narrow dip (docs/ARCHITECTURE.md "Voice model", "Every register"). Lags up to
// `longestLag` are read. Returns the period: `period`, or the lag of the dip near its multiple.
constexpr double kSubmultipleEvidence = 0.5;
constexpr double kNoticeableDip = 0.03;
constexpr double kMultipleSearch = 0.03; // of the multiple's lag, either side
template <typename Difference>
double fundamentalPeriod(const Difference& d, double scale, double period, double longestLag) {
    if (!(period >= 2) || !(d(period) > kNoticeableDip * scale))
        return period;
    double fundamental = period;
    double best = kSubmultipleEvidence * d(period);
    for (const int candidate : {2, 3}) {
        const double centre = candidate * period;
        const auto first = static_cast<int>(std::ceil(centre * (1 - kMultipleSearch)));
        // One lag short of `longestLag`: the parabola reads the lag after the deepest.
        const auto last =
            static_cast<int>(std::floor(std::min(centre * (1 + kMultipleSearch), longestLag - 1)));
        int deepest = -1;
        double atDeepest = 0;
        for (int lag = first; lag <= last; ++lag) {
            const double here = d(static_cast<double>(lag));
            if (deepest < 0 || here < atDeepest) {
                deepest = lag;
                atDeepest = here;
            }
        }
        if (deepest < 0)
            continue;
        // Whole lags miss a narrow dip by up to half a sample (a dominant 780 Hz harmonic:
        // 0.13 rad, ~1% of `scale`): read it at the parabola's vertex.
        const double vertex =
            deepest + parabolicVertexOffset(d(deepest - 1.0), atDeepest, d(deepest + 1.0));
        const double here = std::min(atDeepest, d(vertex));
        if (here < best) {
            best = here;
            fundamental = vertex;
        }
    }
    return fundamental;
}

// One aubio output: a pitch estimate for the instant `centre` (in samples of the signal).
struct PitchPoint {
    double centre = 0;
    float f0 = 0;
    float confidence = 0;
};

// Runs aubio yinfast over the signal and returns each estimate with the instant it describes.
// aubio's pitch object keeps the last kPitchWindow samples and, for a call that brings samples up
// to position e, analyses [e - N, e). Yin compares x[j] with x[j + T] for j < N/2, so it looks at
// [e - N, e - N/2 + T): its estimate describes the middle of that span, (N/2 + T)/2 after the
// buffer's start. Using that instant (rather than the call time, which lags by ~N - (N/2+T)/2,
// about 45 ms or 5-6 frames here) is what keeps resynthesis in tune (72 vs 7 cents measured;
// tests/dsp/test_voice_features.cpp checks the alignment with a chirp).
std::vector<PitchPoint> aubioPitchPoints(const std::vector<float>& samples,
                                         const PitchOptions& options) {
    constexpr int N = kPitchWindow;
    constexpr int lead = N / 2; // zeros before the signal so the first estimates centre before 0
    AubioPtr<aubio_pitch_t> pitch;
    {
        const std::lock_guard<std::mutex> guard(detail::fftwPlannerLock());
        pitch.reset(new_aubio_pitch("yinfast", N, kPitchHop, kSampleRate));
    }
    if (!pitch)
        throw std::runtime_error("aubio: cannot create a yinfast pitch tracker");
    aubio_pitch_set_unit(pitch.get(), "Hz");
    aubio_pitch_set_silence(pitch.get(), -200.0f); // voicing is decided here, not by aubio
    aubio_pitch_set_tolerance(pitch.get(), static_cast<float>(options.tolerance));
    AubioPtr<fvec_t> block(new_fvec(kPitchHop));
    AubioPtr<fvec_t> out(new_fvec(1));

    const auto length = static_cast<std::int64_t>(samples.size());
    const std::int64_t total = lead + length + N; // trailing zeros flush the last frames
    // RawDifference reads from N + lead before the signal to N after it.
    std::vector<float> padded(samples.size() + 2 * RawDifference::kPadding, 0.0f);
    std::copy(samples.begin(), samples.end(), padded.begin() + RawDifference::kPadding);
    std::vector<PitchPoint> points;
    points.reserve(static_cast<size_t>(total / kPitchHop + 1));
    double previousCentre = -1e18;
    for (std::int64_t end = kPitchHop; end <= total; end += kPitchHop) {
        for (int n = 0; n < kPitchHop; ++n) {
            const std::int64_t at = end - kPitchHop + n - lead;
            block->data[n] = (at >= 0 && at < length) ? samples[static_cast<size_t>(at)] : 0.0f;
        }
        aubio_pitch_do(pitch.get(), block.get(), out.get());
        PitchPoint point;
        point.f0 = out->data[0];
        point.confidence = std::clamp(aubio_pitch_get_confidence(pitch.get()), 0.0f, 1.0f);
        const bool plausible = options.inRange(point.f0);
        if (plausible) {
            const RawDifference difference(padded, end - N - lead);
            point.f0 = refinePeriod(difference, point.f0);
            const double longestLag =
                std::min(RawDifference::kSpan - 3.0, kSampleRate / options.minF0);
            const double yinPeriod = kSampleRate / static_cast<double>(point.f0);
            const double period = fundamentalPeriod([&](double tau) { return difference(tau); },
                                                    difference.scale(), yinPeriod, longestLag);
            point.f0 = static_cast<float>(kSampleRate / period);
        }
        const double period = plausible ? kSampleRate / static_cast<double>(point.f0) : N / 4.0;
        const double start = static_cast<double>(end - N - lead);
        point.centre =
            std::max(start + (N / 2.0 + std::min(period, N / 2.0)) / 2.0, previousCentre + 1.0);
        previousCentre = point.centre;
        points.push_back(point);
    }
    return points;
}

// The offline rule over +-kOctaveRepairFrames around each voiced frame.
void repairOctaveErrors(std::vector<float>& f0, std::vector<std::uint8_t>& voiced) {
    const auto frames = static_cast<std::int64_t>(f0.size());
    const std::vector<float> original = f0;
    const std::vector<std::uint8_t> wasVoiced = voiced;
    std::array<double, 2 * kOctaveRepairFrames + 1> window{};
    for (std::int64_t t = 0; t < frames; ++t) {
        if (!wasVoiced[static_cast<size_t>(t)])
            continue;
        std::size_t count = 0;
        for (std::int64_t u = std::max<std::int64_t>(0, t - kOctaveRepairFrames);
             u <= std::min(frames - 1, t + kOctaveRepairFrames); ++u)
            if (wasVoiced[static_cast<size_t>(u)])
                window[count++] = std::log2(original[static_cast<size_t>(u)]);
        const double factor =
            octaveRepairFactor(std::log2(original[static_cast<size_t>(t)]), window.data(), count);
        if (factor > 0)
            f0[static_cast<size_t>(t)] =
                static_cast<float>(original[static_cast<size_t>(t)] * factor);
        else
            voiced[static_cast<size_t>(t)] = 0;
    }
}

void fillUnvoicedPitch(std::vector<float>& f0, const std::vector<std::uint8_t>& voiced) {
    const auto frames = static_cast<std::int64_t>(f0.size());
    std::int64_t previous = -1;
    for (std::int64_t t = 0; t <= frames; ++t) {
        if (t < frames && !voiced[static_cast<size_t>(t)])
            continue;
        // Frames previous+1 .. t-1 are unvoiced.
        for (std::int64_t u = previous + 1; u < t; ++u) {
            float value = 0;
            if (previous >= 0 && t < frames) {
                const double a = std::log(f0[static_cast<size_t>(previous)]);
                const double b = std::log(f0[static_cast<size_t>(t)]);
                const double x =
                    static_cast<double>(u - previous) / static_cast<double>(t - previous);
                value = static_cast<float>(std::exp(a + (b - a) * x));
            } else if (previous >= 0) {
                value = f0[static_cast<size_t>(previous)];
            } else if (t < frames) {
                value = f0[static_cast<size_t>(t)];
            }
            f0[static_cast<size_t>(u)] = value;
        }
        previous = t;
    }
}

} // namespace

std::vector<float> zeroPhasePitchLowpass(const std::vector<float>& samples) {
    Biquad filter = Biquad::butterworthLowpass(kPitchLowpassHz, kSampleRate);
    std::vector<double> x(samples.begin(), samples.end());
    const auto pass = [&](bool backwards) {
        filter.reset();
        const size_t n = x.size();
        for (size_t i = 0; i < n; ++i) {
            double& v = x[backwards ? n - 1 - i : i];
            v = filter.process(v);
        }
    };
    for (int round = 0; round < 2; ++round) {
        pass(false);
        pass(true);
    }
    return std::vector<float>(x.begin(), x.end());
}

double octaveRepairFactor(double hereLog2, double* window, std::size_t count) {
    if (count < 3)
        return 1;
    std::nth_element(window, window + count / 2, window + count);
    const double median = window[count / 2];
    if (std::abs(hereLog2 - median) <= kOctaveJump)
        return 1;
    double best = 1e9, bestRatio = 1;
    for (const double ratio : {2.0, 3.0, 4.0, 5.0, 0.5, 1.0 / 3.0}) {
        const double distance = std::abs(hereLog2 + std::log2(ratio) - median);
        if (distance < best) {
            best = distance;
            bestRatio = ratio;
        }
    }
    return best <= kOctaveSnap ? bestRatio : 0.0;
}

PitchTrack trackPitch(const std::vector<float>& samples, const PitchOptions& options) {
    const auto frames = static_cast<std::int64_t>((samples.size() + kHop - 1) / kHop);
    const auto count = static_cast<size_t>(frames);
    PitchTrack track;
    track.f0Hz.assign(count, 0.0f);
    track.periodicity.assign(count, 0.0f);
    track.voiced.assign(count, 0);
    if (frames == 0)
        return track;

    // aubio's estimates re-timed onto the frame centres by linear interpolation in time (f0 only
    // between two plausible neighbours within kOctaveJump of each other; otherwise the nearer
    // estimate). Between an estimate and its octave a log interpolation invents a pitch neither
    // read, which the octave repair's whole ratios cannot bring back (lena's 390 Hz notes came
    // out at 250-370 Hz: docs/ARCHITECTURE.md "Voice model", "An octave is not interpolated").
    const std::vector<PitchPoint> points =
        aubioPitchPoints(zeroPhasePitchLowpass(samples), options);
    size_t next = 0;
    for (std::int64_t t = 0; t < frames; ++t) {
        const double at = static_cast<double>(t * kHop);
        while (next < points.size() && points[next].centre < at)
            ++next;
        const PitchPoint& right = points[std::min(next, points.size() - 1)];
        const PitchPoint& left = points[next == 0 ? 0 : next - 1];
        const double span = right.centre - left.centre;
        const double x = span > 0 ? std::clamp((at - left.centre) / span, 0.0, 1.0) : 0.0;
        float f0;
        if (options.inRange(left.f0) && options.inRange(right.f0) &&
            std::abs(std::log2(left.f0 / right.f0)) <= kOctaveJump)
            f0 = static_cast<float>(std::exp(std::log(left.f0) * (1 - x) + std::log(right.f0) * x));
        else
            f0 = x < 0.5 ? left.f0 : right.f0;
        const auto i = static_cast<size_t>(t);
        track.f0Hz[i] = f0;
        track.periodicity[i] = static_cast<float>(left.confidence * (1 - x) + right.confidence * x);
        track.voiced[i] = options.inRange(f0) && track.periodicity[i] >= options.voicingThreshold;
    }
    // Single-frame blips take their neighbours' state.
    for (size_t i = 1; i + 1 < count; ++i)
        if (track.voiced[i - 1] == track.voiced[i + 1] && track.voiced[i] != track.voiced[i - 1])
            track.voiced[i] = track.voiced[i - 1];
    // Octave errors repaired; frames out of range (also ones voiced by the blip rule) unvoiced.
    repairOctaveErrors(track.f0Hz, track.voiced);
    for (size_t i = 0; i < count; ++i)
        if (!options.inRange(track.f0Hz[i]))
            track.voiced[i] = 0;
    fillUnvoicedPitch(track.f0Hz, track.voiced);
    return track;
}

CausalYin::CausalYin(const PitchOptions& options)
    : tolerance_(options.tolerance), minPeriod_(static_cast<int>(kSampleRate / options.maxF0)),
      maxPeriod_(static_cast<int>(kSampleRate / options.minF0)),
      difference_(static_cast<size_t>(maxPeriod_ + 2)),
      normalised_(static_cast<size_t>(maxPeriod_ + 2)) {}

PitchEstimate CausalYin::estimate(const float* history) {
    const float* now = history + historyLength(); // one past the newest sample
    difference_[0] = 0;
    double running = 0;
    for (int tau = 1; tau <= maxPeriod_ + 1; ++tau) {
        double sum = 0;
        for (int j = 1; j <= kSpan; ++j) {
            const double d = static_cast<double>(now[-j]) - now[-j - tau];
            sum += d * d;
        }
        difference_[static_cast<size_t>(tau)] = static_cast<float>(sum);
        running += sum;
        normalised_[static_cast<size_t>(tau)] =
            running > 0 ? static_cast<float>(sum * tau / running) : 1.0f;
    }
    const auto cmnd = [&](int tau) { return normalised_[static_cast<size_t>(tau)]; };
    int best = -1;
    for (int tau = minPeriod_; tau <= maxPeriod_; ++tau)
        if (cmnd(tau) < tolerance_) {
            while (tau + 1 <= maxPeriod_ && cmnd(tau + 1) < cmnd(tau))
                ++tau;
            best = tau;
            break;
        }
    if (best < 0) {
        best = minPeriod_;
        for (int tau = minPeriod_; tau <= maxPeriod_; ++tau)
            if (cmnd(tau) < cmnd(best))
                best = tau;
    }
    PitchEstimate estimate;
    estimate.periodicity = std::clamp(1.0f - cmnd(best), 0.0f, 1.0f);
    double period = refinedLag(best);
    // As offline: a dominant second or third harmonic is not taken for the fundamental.
    const auto difference = [&](double tau) {
        const auto whole = static_cast<int>(std::floor(tau));
        const double fraction = tau - whole;
        double sum = 0;
        for (int j = 1; j <= kSpan; ++j) {
            const double d = static_cast<double>(now[-j]) -
                             (now[-j - whole] * (1 - fraction) + now[-j - whole - 1] * fraction);
            sum += d * d;
        }
        return sum;
    };
    double scale = 0;
    for (int j = 1; j <= kSpan; ++j)
        scale += 2.0 * now[-j] * now[-j];
    period = fundamentalPeriod(difference, scale, period, maxPeriod_);
    estimate.f0Hz = static_cast<float>(kSampleRate / period);
    // The normalised difference at the period over the longer span, the newest samples weighing
    // most (a ramp). 8 ms of a sibilant low-passed at 2 kHz dips under yin's tolerance by chance
    // and was called voiced: the live node sang harmonics under it (docs/ARCHITECTURE.md "Voice
    // model", "Live voicing").
    estimate.sustainedPeriodicity =
        sustainedPeriodicityAt(now, std::min(static_cast<int>(std::lround(period)), maxPeriod_));
    return estimate;
}

double CausalYin::refinedLag(int lag) const {
    return lag > minPeriod_ && lag < maxPeriod_
               ? lag + parabolicVertexOffset(difference_[static_cast<size_t>(lag - 1)],
                                             difference_[static_cast<size_t>(lag)],
                                             difference_[static_cast<size_t>(lag + 1)])
               : double(lag);
}

float CausalYin::sustainedPeriodicityAt(const float* now, int lag) const {
    double cumulative = 0, atLag = 0;
    for (int tau = 1; tau <= lag; ++tau) {
        double sum = 0;
        for (int j = 1; j <= kSustainedSpan; ++j) {
            const double d = static_cast<double>(now[-j]) - now[-j - tau];
            sum += (kSustainedSpan - j + 0.5) * d * d;
        }
        cumulative += sum;
        atLag = sum;
    }
    return cumulative > 0
               ? std::clamp(1.0f - static_cast<float>(atLag * lag / cumulative), 0.0f, 1.0f)
               : 0.0f;
}

PitchEstimate CausalYin::estimateNear(const float* history, double period) const {
    const int first =
        std::max(minPeriod_, static_cast<int>(std::ceil(period * (1 - kHeldPeriodSearch))));
    const int last =
        std::min(maxPeriod_, static_cast<int>(std::floor(period * (1 + kHeldPeriodSearch))));
    int deepest = -1;
    for (int lag = first; lag <= last; ++lag)
        if (deepest < 0 ||
            normalised_[static_cast<size_t>(lag)] < normalised_[static_cast<size_t>(deepest)])
            deepest = lag;
    PitchEstimate estimate;
    // At the search's edge the difference still falls outside it: no period here.
    if (deepest <= first || deepest >= last)
        return estimate;
    estimate.f0Hz = static_cast<float>(kSampleRate / refinedLag(deepest));
    estimate.periodicity = std::clamp(1.0f - normalised_[static_cast<size_t>(deepest)], 0.0f, 1.0f);
    estimate.sustainedPeriodicity = sustainedPeriodicityAt(history + historyLength(), deepest);
    return estimate;
}

void CausalF0Follower::follow(float f0Hz, float periodicity, bool continuing) {
    const double measured = 1200.0 * std::log2(static_cast<double>(f0Hz));
    const double predicted = cents_ + slope_;
    const double residual = measured - predicted;
    if (!continuing ||
        (std::abs(residual) > kF0FollowStepCents && periodicity >= kF0FollowStepPeriodicity)) {
        cents_ = measured;
        slope_ = 0;
        leadSlope_ = 0;
        leadTrust_ = 0;
        return;
    }
    const double periodsInSpan = CausalYin::kSpan * static_cast<double>(f0Hz) / kSampleRate;
    const double floor = std::clamp(kF0FollowFloorGain * periodsInSpan / kF0FollowNoisyPeriods,
                                    kF0FollowFloorGain, 1.0);
    const double trust =
        std::clamp((periodicity - kF0FollowTrustedFrom) / (1.0 - kF0FollowTrustedFrom), 0.0, 1.0);
    const double gain = floor + (1.0 - floor) * trust;
    cents_ = predicted + gain * residual;
    slope_ += kF0FollowSlopeGain * gain * residual;
    leadTrust_ = trust;
    // The lead's slope is smoothed as noisy measurements are: carried a frame ahead, the raw
    // slope's noise made a low voice's f0 jitter more than the follower had taken out.
    leadSlope_ += floor * (slope_ - leadSlope_);
}

float CausalF0Follower::levelHz() const {
    return static_cast<float>(std::exp2(cents_ / 1200.0));
}

float CausalF0Follower::ahead(double frames) const {
    return static_cast<float>(std::exp2((cents_ + frames * leadTrust_ * leadSlope_) / 1200.0));
}

double midiOf(double hz) {
    return 69 + 12 * std::log2(hz / 440.0);
}

double hzOf(double midi) {
    return 440.0 * std::pow(2.0, (midi - 69) / 12);
}

} // namespace accord::dsp
