#pragma once

// Voice quality measures shared by the voice benchmarks and tests (frame features from
// accord/dsp/voice_features.h), so every figure is computed the same way wherever it is printed.
// The second half (issue 17, "voice model quality") measures with tools independent of the
// product's analysis: aubio's plain yin and double-precision FFTW spectra; bench_voice_quality
// prints them (docs/TESTING.md, "Suites"). Only a caller of those functions links aubio and
// FFTW (double).

#include "accord/dsp/voice_features.h"

#include <aubio/aubio.h>
#include <fftw3.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <numeric>
#include <vector>

namespace accord::test {

// Frames within 50 dB of the clip's 95th-percentile level (and above -75 dB): where it sounds.
inline std::vector<std::uint8_t> soundingFrames(const dsp::VoiceFeatures& f) {
    std::vector<float> levels = f.loudnessDb;
    std::sort(levels.begin(), levels.end());
    const double reference =
        levels.empty() ? 0 : levels[static_cast<std::size_t>(0.95 * double(levels.size() - 1))];
    std::vector<std::uint8_t> out(f.loudnessDb.size());
    for (std::size_t t = 0; t < out.size(); ++t)
        out[t] = f.loudnessDb[t] > std::max(reference - 50.0, -75.0);
    return out;
}

// Mean over the reference's sounding frames of the RMS dB difference of the power spectra
// (with a floor 40 dB under each reference frame's mean power, as the training loss).
inline double logSpectralDistance(const dsp::VoiceFeatures& reference,
                                  const dsp::VoiceFeatures& other) {
    namespace an = dsp::analysis;
    const std::vector<std::uint8_t> sounding = soundingFrames(reference);
    double total = 0, frames = 0;
    const auto count = static_cast<std::size_t>(std::min(reference.frames, other.frames));
    for (std::size_t t = 0; t < count; ++t) {
        if (!sounding[t])
            continue;
        const float* a = reference.power.data() + t * an::kSpectrumBins;
        const float* b = other.power.data() + t * an::kSpectrumBins;
        double mean = 0;
        for (int k = 0; k < an::kSpectrumBins; ++k)
            mean += a[k];
        const double floor = mean / an::kSpectrumBins * 1e-4 + 1e-12;
        double sum = 0;
        for (int k = 0; k < an::kSpectrumBins; ++k) {
            const double db = 10 * std::log10((b[k] + floor) / (a[k] + floor));
            sum += db * db;
        }
        total += std::sqrt(sum / an::kSpectrumBins);
        ++frames;
    }
    return frames > 0 ? total / frames : 0;
}

// Pearson correlation of two equally long series.
inline double correlation(const std::vector<double>& x, const std::vector<double>& y) {
    const double n = static_cast<double>(x.size());
    const double mx = std::accumulate(x.begin(), x.end(), 0.0) / n;
    const double my = std::accumulate(y.begin(), y.end(), 0.0) / n;
    double sxy = 0, sxx = 0, syy = 0;
    for (std::size_t i = 0; i < x.size(); ++i) {
        sxy += (x[i] - mx) * (y[i] - my);
        sxx += (x[i] - mx) * (x[i] - mx);
        syy += (y[i] - my) * (y[i] - my);
    }
    return sxy / std::sqrt(sxx * syy);
}

// ---- Issue 17: voice quality, measured independently of the product's analysis -----------------
// The same function measures the input and the output, so a comparison is fair. Frames follow
// numpy's conventions (periodic Hann, frame t centred on sample t * hop, zeros outside the
// signal; medians and percentiles interpolated as numpy does), so figures stay comparable with
// those of a numpy/aubio script run on the same audio.

constexpr int kYinRate = 16000;         // pitch and harmonics are measured at 16 kHz
constexpr int kYinBuffer = 1024;        // 64 ms
constexpr int kYinHop = 128;            // 8 ms
constexpr double kYinTolerance = 0.15;  // aubio's default for yin
constexpr double kHarmonicTopHz = 3000; // HBH and the sieve use the harmonics below this

// Frame-level correlation of two analyses' A-weighted levels where `a` sounds (within 50 dB of
// its loudest frame): does `b` follow `a`'s level.
inline double levelCorrelation(const dsp::VoiceFeatures& a, const dsp::VoiceFeatures& b) {
    const float loudest = *std::max_element(a.loudnessDb.begin(), a.loudnessDb.end());
    std::vector<double> x, y;
    for (std::size_t t = 0; t < std::size_t(std::min(a.frames, b.frames)); ++t)
        if (a.loudnessDb[t] > loudest - 50) {
            x.push_back(a.loudnessDb[t]);
            y.push_back(b.loudnessDb[t]);
        }
    return correlation(x, y);
}

inline double notMeasured() {
    return std::numeric_limits<double>::quiet_NaN();
}

// numpy's median: the mean of the two middle values of an even count; NaN when empty.
inline double medianValue(std::vector<double> v) {
    if (v.empty())
        return notMeasured();
    const auto half = static_cast<std::ptrdiff_t>(v.size() / 2);
    std::nth_element(v.begin(), v.begin() + half, v.end());
    const double upper = v[static_cast<std::size_t>(half)];
    return v.size() % 2 ? upper : 0.5 * (upper + *std::max_element(v.begin(), v.begin() + half));
}

// numpy's percentile (linear between the closest ranks); NaN when empty.
inline double percentileValue(std::vector<double> v, double percent) {
    if (v.empty())
        return notMeasured();
    std::sort(v.begin(), v.end());
    const double rank = percent / 100 * double(v.size() - 1);
    const auto below = static_cast<std::size_t>(rank);
    const std::size_t above = std::min(below + 1, v.size() - 1);
    return v[below] + (rank - double(below)) * (v[above] - v[below]);
}

// The power spectrum of one periodic-Hann frame of any length, in double precision (32 ms at
// 44.1 kHz is 1411 samples: dsp::RealFft takes even sizes only). FFTW's planner is not
// thread-safe: make and destroy these on one thread at a time (it is the double-precision
// planner, not the single-precision one the product locks, accord/dsp/fft.h).
class HannSpectrum {
public:
    explicit HannSpectrum(int window)
        : window_(window), hann_(static_cast<std::size_t>(window)),
          power_(static_cast<std::size_t>(window / 2 + 1)) {
        in_ = fftw_alloc_real(static_cast<std::size_t>(window));
        out_ = fftw_alloc_complex(power_.size());
        plan_ = fftw_plan_dft_r2c_1d(window, in_, out_, FFTW_ESTIMATE);
        for (int n = 0; n < window; ++n)
            hann_[static_cast<std::size_t>(n)] =
                0.5 - 0.5 * std::cos(2 * 3.14159265358979323846 * n / window);
    }
    ~HannSpectrum() {
        fftw_destroy_plan(plan_);
        fftw_free(in_);
        fftw_free(out_);
    }
    HannSpectrum(const HannSpectrum&) = delete;
    HannSpectrum& operator=(const HannSpectrum&) = delete;

    int window() const { return window_; }
    int bins() const { return static_cast<int>(power_.size()); }
    double windowEnergy() const {
        return std::inner_product(hann_.begin(), hann_.end(), hann_.begin(), 0.0);
    }
    // The frame centred on sample `centre` (an odd window starts window - window/2 before it).
    const std::vector<double>& frame(const std::vector<float>& x, std::int64_t centre) {
        const std::int64_t start = centre + window_ / 2 - window_;
        const auto length = static_cast<std::int64_t>(x.size());
        for (int n = 0; n < window_; ++n) {
            const std::int64_t at = start + n;
            in_[n] = at >= 0 && at < length
                         ? double(x[static_cast<std::size_t>(at)]) * hann_[std::size_t(n)]
                         : 0.0;
        }
        fftw_execute(plan_);
        for (std::size_t k = 0; k < power_.size(); ++k)
            power_[k] = out_[k][0] * out_[k][0] + out_[k][1] * out_[k][1];
        return power_;
    }

private:
    int window_;
    std::vector<double> hann_, power_;
    double* in_ = nullptr;
    fftw_complex* out_ = nullptr;
    fftw_plan plan_ = nullptr;
};

// numpy.interp of a spectrum at the fractional bin `bin` (held at both ends).
inline double powerAt(const std::vector<double>& p, double bin) {
    if (bin <= 0)
        return p.front();
    if (bin >= double(p.size() - 1))
        return p.back();
    const auto k = static_cast<std::size_t>(bin);
    return p[k] + (bin - double(k)) * (p[k + 1] - p[k]);
}

// Level per 32-ms frame every 8 ms at the signal's own rate (dB, 0 for a full-scale sine),
// unweighted: the product matches the A-weighted level (accord/dsp/level.h), and this shows what
// that leaves unmatched.
inline std::vector<double> frameLevelsDb(const std::vector<float>& x, int rate) {
    const auto hop = static_cast<std::int64_t>(std::nearbyint(0.008 * rate));
    HannSpectrum spectrum(static_cast<int>(std::nearbyint(0.032 * rate)));
    const double scale = 2 / (spectrum.window() * spectrum.windowEnergy());
    std::vector<double> levels;
    for (std::int64_t centre = 0; centre < static_cast<std::int64_t>(x.size()); centre += hop) {
        const std::vector<double>& p = spectrum.frame(x, centre);
        levels.push_back(10 * std::log10(std::accumulate(p.begin(), p.end(), 0.0) * scale + 1e-12));
    }
    return levels;
}

struct YinTrack {
    std::vector<double> f0Hz, confidence; // per 8-ms frame at 16 kHz
    std::vector<std::uint8_t> voiced;
    std::size_t frames() const { return f0Hz.size(); }
};

// An independent pitch tracker: aubio's plain yin ("aubio pitch -m yin", not the product's
// yinfast tracker of accord/dsp/pitch.h) on 16 kHz audio, 64-ms buffer, frame t centred on sample
// t * 128, tolerance 0.15, silence -90 dB. Voiced: confidence >= 0.85 and 50 <= f0 <= 1100 Hz.
inline YinTrack yinTrack(const std::vector<float>& x16) {
    aubio_pitch_t* pitch = new_aubio_pitch("yin", kYinBuffer, kYinHop, kYinRate);
    aubio_pitch_set_tolerance(pitch, static_cast<smpl_t>(kYinTolerance));
    aubio_pitch_set_unit(pitch, "Hz");
    aubio_pitch_set_silence(pitch, -90);
    fvec_t* in = new_fvec(kYinHop);
    fvec_t* out = new_fvec(1);
    // aubio's buffer holds the last 1024 samples: after the hop ending at sample e it is centred
    // on e - 512. Fed from 512 samples before the start, hop t + 7 is centred on frame t.
    const std::size_t frames = x16.size() / kYinHop;
    const std::size_t delay = kYinBuffer / kYinHop - 1;
    const auto length = static_cast<std::int64_t>(x16.size());
    YinTrack track;
    for (std::size_t hop = 0; hop < frames + delay; ++hop) {
        for (int n = 0; n < kYinHop; ++n) {
            const std::int64_t at = std::int64_t(hop) * kYinHop + n - kYinBuffer / 2;
            in->data[n] = at >= 0 && at < length ? x16[static_cast<std::size_t>(at)] : 0.0f;
        }
        aubio_pitch_do(pitch, in, out);
        if (hop < delay)
            continue;
        const double f0 = out->data[0], confidence = aubio_pitch_get_confidence(pitch);
        track.f0Hz.push_back(f0);
        track.confidence.push_back(confidence);
        track.voiced.push_back(confidence >= 1 - kYinTolerance && f0 >= 50 && f0 <= 1100);
    }
    del_fvec(in);
    del_fvec(out);
    del_aubio_pitch(pitch);
    return track;
}

inline double voicedMedianF0(const YinTrack& track) {
    std::vector<double> f0;
    for (std::size_t t = 0; t < track.frames(); ++t)
        if (track.voiced[t])
            f0.push_back(track.f0Hz[t]);
    return medianValue(f0);
}

// |cents| between an output f0 and the f0 it should have (raw values, voiced or not).
inline double centsOff(double outHz, double wantHz) {
    return std::abs(1200 * std::log2(std::max(outHz, 1e-9) / std::max(wantHz, 1e-9)));
}

struct PitchKept {
    int inputVoicedFrames = 0;
    double medianCents = notMeasured();      // over frames voiced in both
    double off50Share = notMeasured();       // of the input's voiced frames, output > 50 cents off
    double outUnvoicedShare = notMeasured(); // of the input's voiced frames, unvoiced out
    double confidenceIn = notMeasured(), confidenceOut = notMeasured(); // median, periodic-ish
};

// Pitch kept, on the input's frames, against its f0 times the transposition `ratio`. The yin
// confidences are the medians over the input's periodic-ish frames (confidence >= 0.5): a noisy
// output reads less periodic than its input.
inline PitchKept pitchKept(const YinTrack& in, const YinTrack& out, double ratio) {
    const std::size_t n = std::min(in.frames(), out.frames());
    std::vector<double> both, confIn, confOut;
    double voiced = 0, off = 0, unvoiced = 0;
    for (std::size_t t = 0; t < n; ++t) {
        const double cents = centsOff(out.f0Hz[t], in.f0Hz[t] * ratio);
        if (in.voiced[t]) {
            ++voiced;
            off += cents > 50;
            unvoiced += !out.voiced[t];
            if (out.voiced[t])
                both.push_back(cents);
        }
        if (in.confidence[t] >= 0.5) {
            confIn.push_back(in.confidence[t]);
            confOut.push_back(out.confidence[t]);
        }
    }
    PitchKept kept;
    kept.inputVoicedFrames = static_cast<int>(voiced);
    kept.medianCents = medianValue(both);
    kept.off50Share = voiced > 0 ? off / voiced : notMeasured();
    kept.outUnvoicedShare = voiced > 0 ? unvoiced / voiced : notMeasured();
    kept.confidenceIn = medianValue(confIn);
    kept.confidenceOut = medianValue(confOut);
    return kept;
}

// f0 refined within +-3% (25 steps) by a harmonic sieve: the candidate whose harmonics below
// 3 kHz collect the most power. The tracker's f0 and the analysis frame differ in length and
// timing, so this puts the harmonic peaks where this frame has them.
inline double sieveF0(const std::vector<double>& p, int window, double f0) {
    double best = f0, bestPower = -1;
    for (int i = 0; i < 25; ++i) {
        const double g = f0 * (i == 24 ? 1.03 : 0.97 + i * ((1.03 - 0.97) / 24));
        double power = 0;
        for (int h = 1; h <= static_cast<int>(std::floor(kHarmonicTopHz / g)); ++h)
            power += powerAt(p, h * g * window / kYinRate);
        if (power > bestPower) {
            bestPower = power;
            best = g;
        }
    }
    return best;
}

// Which of two f0 candidates a frame's power spectrum `p` (a `window`-sample Hann frame at
// kYinRate) supports when one is a whole multiple k (2, 3 or 4, within 3%) of the other: trackers
// disagree that way when a strong harmonic is taken for the fundamental or a fundamental for a
// harmonic. Prominence: a harmonic's peak over the valleys midway to its neighbours (multiples of
// the lower candidate), the median over harmonics below 3 kHz. The lower candidate is the
// fundamental when the harmonics it has and the higher one lacks (not multiples of k) stand out
// by kOwnHarmonicsDb; else the higher one, but only where the harmonics both have stand out by
// kDecisiveHarmonicsDb (a glide or breath smears a 64 ms spectrum: it cannot choose there).
// Returns the supported f0, or 0 when the spectrum cannot choose or the ratio is not whole.
constexpr double kOwnHarmonicsDb = 6;
constexpr double kDecisiveHarmonicsDb = 10;
inline double supportedF0(const std::vector<double>& p, int window, double a, double b) {
    const double low = std::min(a, b), high = std::max(a, b);
    if (!(low > 0))
        return 0;
    const int k = static_cast<int>(std::nearbyint(high / low));
    if (k < 2 || k > 4 || std::abs(high / low / k - 1) > 0.03)
        return 0;
    const double binsPerHz = double(window) / kYinRate;
    const auto peak = [&](double hz) {
        const double bin = hz * binsPerHz;
        const auto lo = static_cast<std::size_t>(std::max(std::floor(bin - 1), 0.0));
        const auto hi = std::min(static_cast<std::size_t>(std::ceil(bin + 1)), p.size() - 1);
        return *std::max_element(p.begin() + std::ptrdiff_t(lo),
                                 p.begin() + std::ptrdiff_t(hi) + 1);
    };
    std::vector<double> own, shared;
    for (int h = 1; h * low < kHarmonicTopHz; ++h) {
        const double valley = 0.5 * (powerAt(p, (h - 0.5) * low * binsPerHz) +
                                     powerAt(p, (h + 0.5) * low * binsPerHz));
        (h % k != 0 ? own : shared)
            .push_back(10 * std::log10((peak(h * low) + 1e-20) / (valley + 1e-20)));
    }
    if (medianValue(own) >= kOwnHarmonicsDb)
        return low;
    return medianValue(shared) >= kDecisiveHarmonicsDb ? high : 0;
}

struct HarmonicTrack {
    std::vector<double> hbhDb, h1h2Db; // per yin frame; NaN where not measured
};

// Per frame marked in `voiced`: HBH, the power at the harmonic peaks (the maximum within +-1 bin
// of h * f0) over the power midway between them ((h + 1/2) * f0) for the harmonics below 3 kHz,
// which noise between the harmonics lowers; and H1-H2, the glottal source's slope, from the same
// peaks. 64-ms Hann at 16 kHz, f0 from `f0Hz` refined by the sieve. Frames with fewer than three
// harmonics below 3 kHz are not measured.
inline HarmonicTrack harmonicMeasures(const std::vector<float>& x16,
                                      const std::vector<double>& f0Hz,
                                      const std::vector<std::uint8_t>& voiced) {
    HannSpectrum spectrum(kYinBuffer);
    HarmonicTrack out{std::vector<double>(f0Hz.size(), notMeasured()),
                      std::vector<double>(f0Hz.size(), notMeasured())};
    for (std::size_t t = 0; t < f0Hz.size(); ++t) {
        if (!voiced[t])
            continue;
        const std::vector<double>& p = spectrum.frame(x16, std::int64_t(t) * kYinHop);
        const double f0 = sieveF0(p, kYinBuffer, f0Hz[t]);
        const int harmonics = static_cast<int>(std::floor(kHarmonicTopHz / f0));
        if (harmonics < 3)
            continue;
        const auto peak = [&](double hz) {
            const double bin = hz * kYinBuffer / kYinRate;
            const auto lo = static_cast<std::size_t>(std::max(std::floor(bin - 1), 0.0));
            const auto hi = std::min(static_cast<std::size_t>(std::ceil(bin + 1)), p.size() - 1);
            return *std::max_element(p.begin() + std::ptrdiff_t(lo),
                                     p.begin() + std::ptrdiff_t(hi) + 1);
        };
        double atHarmonics = 0, between = 0;
        for (int h = 1; h < harmonics; ++h) {
            atHarmonics += peak(h * f0);
            between += powerAt(p, (h + 0.5) * f0 * kYinBuffer / kYinRate);
        }
        out.hbhDb[t] = 10 * std::log10(atHarmonics / (between + 1e-20) + 1e-20);
        out.h1h2Db[t] = 10 * std::log10((peak(f0) + 1e-20) / (peak(2 * f0) + 1e-20));
    }
    return out;
}

// An output's harmonic measures on the input's voiced frames, starting the sieve from the
// input's f0 times the transposition: what the output should sing there.
inline HarmonicTrack guidedHarmonicMeasures(const std::vector<float>& out16, const YinTrack& in,
                                            double ratio) {
    const std::size_t frames = out16.size() / kYinHop;
    std::vector<double> f0(frames, 0.0);
    std::vector<std::uint8_t> voiced(frames, 0);
    for (std::size_t t = 0; t < std::min(frames, in.frames()); ++t) {
        f0[t] = in.f0Hz[t] * ratio;
        voiced[t] = in.voiced[t];
    }
    return harmonicMeasures(out16, f0, voiced);
}

inline int midiNote(double hz) {
    return static_cast<int>(std::nearbyint(69 + 12 * std::log2(hz / 440)));
}

// A voice's median H1-H2 by semitone of its f0, over semitones with at least 40 measured
// frames: H1-H2 rises with f0, so an output is compared with the voice at the output's pitch.
inline std::map<int, double> h1h2BySemitone(const YinTrack& voice, const HarmonicTrack& harmonics) {
    std::map<int, std::vector<double>> frames;
    for (std::size_t t = 0; t < voice.frames(); ++t)
        if (voice.voiced[t] && !std::isnan(harmonics.h1h2Db[t]))
            frames[midiNote(voice.f0Hz[t])].push_back(harmonics.h1h2Db[t]);
    std::map<int, double> table;
    for (const auto& [note, values] : frames)
        if (values.size() >= 40)
            table[note] = medianValue(values);
    return table;
}

struct HarmonicsKept {
    double hbhInDb = notMeasured(), hbhOutDb = notMeasured();
    double h1h2InDb = notMeasured(), h1h2OutDb = notMeasured();
    double h1h2TargetDb = notMeasured();      // the target voice at the output's pitch
    double insideTargetRange = notMeasured(); // share of frames whose semitone the table has
};

// Medians over the input's voiced frames measured in both. The target at each frame is the
// table's semitone of the output's pitch (the input's f0 times `ratio`), or the nearest one it has.
inline HarmonicsKept harmonicsKept(const YinTrack& in, const HarmonicTrack& hin,
                                   const HarmonicTrack& hout, double ratio,
                                   const std::map<int, double>& target) {
    const std::size_t n = std::min(hin.hbhDb.size(), hout.hbhDb.size());
    std::vector<double> hbhIn, hbhOut, h12In, h12Out, h12Target;
    double inside = 0;
    for (std::size_t t = 0; t < n; ++t) {
        if (!in.voiced[t] || std::isnan(hin.hbhDb[t]) || std::isnan(hout.hbhDb[t]))
            continue;
        hbhIn.push_back(hin.hbhDb[t]);
        hbhOut.push_back(hout.hbhDb[t]);
        h12In.push_back(hin.h1h2Db[t]);
        h12Out.push_back(hout.h1h2Db[t]);
        const int note = midiNote(in.f0Hz[t] * ratio);
        inside += target.count(note) > 0;
        auto nearest = target.begin();
        for (auto it = target.begin(); it != target.end(); ++it)
            if (std::abs(it->first - note) < std::abs(nearest->first - note))
                nearest = it;
        if (nearest != target.end())
            h12Target.push_back(nearest->second);
    }
    HarmonicsKept kept;
    kept.hbhInDb = medianValue(hbhIn);
    kept.hbhOutDb = medianValue(hbhOut);
    kept.h1h2InDb = medianValue(h12In);
    kept.h1h2OutDb = medianValue(h12Out);
    kept.h1h2TargetDb = medianValue(h12Target);
    kept.insideTargetRange = hbhIn.empty() ? notMeasured() : inside / double(hbhIn.size());
    return kept;
}

// Spectral centroid below 8 kHz of a 32-ms frame: breaths and fricatives should keep their
// brightness. (Frame sizes truncated, not rounded, to the sample.)
inline double centroidHz(HannSpectrum& spectrum, const std::vector<float>& x, int rate,
                         std::int64_t centre) {
    const std::vector<double>& p = spectrum.frame(x, centre);
    double moment = 0, power = 0;
    for (std::size_t k = 0; k < p.size(); ++k) {
        const double hz = double(k) * rate / spectrum.window();
        if (hz > 8000)
            break;
        moment += p[k] * hz;
        power += p[k];
    }
    return moment / (power + 1e-20);
}

// A 32-ms frame's levels in kShapeBands bands below 8 kHz, dB relative to their sum: its shape.
constexpr std::array<double, 8> kShapeBandEdgesHz = {0, 500, 1000, 2000, 3000, 4000, 6000, 8000};
constexpr std::size_t kShapeBands = kShapeBandEdgesHz.size() - 1;
inline std::array<double, kShapeBands>
bandShapeDb(HannSpectrum& spectrum, const std::vector<float>& x, int rate, std::int64_t centre) {
    const std::vector<double>& p = spectrum.frame(x, centre);
    std::array<double, kShapeBands> bands{};
    double total = 0;
    for (std::size_t k = 0; k < p.size(); ++k) {
        const double hz = double(k) * rate / spectrum.window();
        for (std::size_t b = 0; b < kShapeBands; ++b)
            if (hz >= kShapeBandEdgesHz[b] && hz < kShapeBandEdgesHz[b + 1]) {
                bands[b] += p[k];
                total += p[k];
            }
    }
    for (double& band : bands)
        band = 10 * std::log10((band + 1e-20) / (total + 1e-20));
    return bands;
}

inline double rmsDifference(const std::array<double, kShapeBands>& a,
                            const std::array<double, kShapeBands>& b) {
    double sum = 0;
    for (std::size_t i = 0; i < kShapeBands; ++i)
        sum += (a[i] - b[i]) * (a[i] - b[i]);
    return std::sqrt(sum / kShapeBands);
}

struct LevelsKept {
    double loudnessCorrelation = notMeasured(); // over the input's sounding frames
    int quietFrames = 0;
    double quietOutMinusInDb = notMeasured(); // median, input 35-80 dB under its 95th percentile
    // There: the output's median level under the input's 95th percentile, and both centroids.
    double quietOutUnderReferenceDb = notMeasured();
    double quietCentroidInHz = notMeasured(), quietCentroidOutHz = notMeasured();
    int unvoicedFrames = 0;
    double unvoicedOutMinusInDb = notMeasured(); // median, aperiodic and within 30 dB
    double unvoicedCentroidInHz = notMeasured(), unvoicedCentroidOutHz = notMeasured();
    // Breaths and sibilants keep their shape: the median over those frames of the RMS difference
    // of the output's and the input's band shapes (bandShapeDb), and the output's mean shape
    // there.
    double unvoicedShapeDistanceDb = notMeasured();
    std::array<double, kShapeBands> unvoicedMeanShapeOutDb{}, unvoicedMeanShapeInDb{};
};

// Levels of input and output (same rate and length) frame by frame against the input's
// 95th-percentile level: correlation where it sounds (within 50 dB), the output's level in the
// input's quiet frames, and level and brightness in its unvoiced frames (yin confidence < 0.5,
// within 30 dB). Both 8-ms grids (8 ms at the native rate, yin's at 16 kHz) match by index.
inline LevelsKept levelsKept(const std::vector<float>& in, const std::vector<float>& out, int rate,
                             const YinTrack& inPitch, std::size_t outPitchFrames) {
    std::vector<double> li = frameLevelsDb(in, rate), lo = frameLevelsDb(out, rate);
    const std::size_t m = std::min(li.size(), lo.size());
    li.resize(m);
    lo.resize(m);
    const double reference = percentileValue(li, 95);
    std::vector<double> soundingIn, soundingOut, quiet, unvoiced, centroidIn, centroidOut;
    std::vector<double> quietUnder, quietCentroidIn, quietCentroidOut, shapeDistance;
    std::array<double, kShapeBands> shapeOut{}, shapeIn{};
    HannSpectrum spectrum(static_cast<int>(0.032 * rate));
    const auto hop = static_cast<std::int64_t>(0.008 * rate);
    const std::size_t pitchFrames = std::min(inPitch.frames(), outPitchFrames);
    for (std::size_t t = 0; t < m; ++t) {
        if (li[t] > reference - 50) {
            soundingIn.push_back(li[t]);
            soundingOut.push_back(lo[t]);
        }
        if (li[t] < reference - 35 && li[t] > reference - 80) {
            quiet.push_back(lo[t] - li[t]);
            quietUnder.push_back(lo[t] - reference);
            quietCentroidIn.push_back(centroidHz(spectrum, in, rate, std::int64_t(t) * hop));
            quietCentroidOut.push_back(centroidHz(spectrum, out, rate, std::int64_t(t) * hop));
        }
        if (t < pitchFrames && inPitch.confidence[t] < 0.5 && li[t] > reference - 30) {
            unvoiced.push_back(lo[t] - li[t]);
            centroidIn.push_back(centroidHz(spectrum, in, rate, std::int64_t(t) * hop));
            centroidOut.push_back(centroidHz(spectrum, out, rate, std::int64_t(t) * hop));
            const auto bandsIn = bandShapeDb(spectrum, in, rate, std::int64_t(t) * hop);
            const auto bandsOut = bandShapeDb(spectrum, out, rate, std::int64_t(t) * hop);
            shapeDistance.push_back(rmsDifference(bandsIn, bandsOut));
            for (std::size_t b = 0; b < kShapeBands; ++b) {
                shapeIn[b] += bandsIn[b];
                shapeOut[b] += bandsOut[b];
            }
        }
    }
    LevelsKept kept;
    kept.loudnessCorrelation = correlation(soundingIn, soundingOut);
    kept.quietFrames = static_cast<int>(quiet.size());
    kept.quietOutMinusInDb = medianValue(quiet);
    kept.unvoicedFrames = static_cast<int>(unvoiced.size());
    kept.unvoicedOutMinusInDb = medianValue(unvoiced);
    kept.unvoicedCentroidInHz = medianValue(centroidIn);
    kept.unvoicedCentroidOutHz = medianValue(centroidOut);
    kept.quietOutUnderReferenceDb = medianValue(quietUnder);
    kept.quietCentroidInHz = medianValue(quietCentroidIn);
    kept.quietCentroidOutHz = medianValue(quietCentroidOut);
    kept.unvoicedShapeDistanceDb = medianValue(shapeDistance);
    for (std::size_t b = 0; b < kShapeBands && !unvoiced.empty(); ++b) {
        kept.unvoicedMeanShapeInDb[b] = shapeIn[b] / double(unvoiced.size());
        kept.unvoicedMeanShapeOutDb[b] = shapeOut[b] / double(unvoiced.size());
    }
    return kept;
}

// The band a signal really fills: the highest frequency within 60 dB of the peak of its
// long-term spectrum (mean power of 2048-point Hann frames every 1024 samples).
inline double bandEdgeHz(const std::vector<float>& x, int rate) {
    HannSpectrum spectrum(2048);
    std::vector<double> mean(static_cast<std::size_t>(spectrum.bins()), 0.0);
    double frames = 0;
    for (std::int64_t centre = 0; centre < static_cast<std::int64_t>(x.size()); centre += 1024) {
        const std::vector<double>& p = spectrum.frame(x, centre);
        for (std::size_t k = 0; k < p.size(); ++k)
            mean[k] += p[k];
        ++frames;
    }
    std::vector<double> db(mean.size());
    for (std::size_t k = 0; k < mean.size(); ++k)
        db[k] = 10 * std::log10(mean[k] / std::max(frames, 1.0) + 1e-30);
    const double peak = *std::max_element(db.begin(), db.end());
    for (std::size_t k = db.size(); k-- > 0;)
        if (db[k] > peak - 60)
            return double(k) * rate / spectrum.window();
    return 0;
}

// Log-spectral distance between a resynthesis and its reference (same rate), within
// [loHz, hiHz]: per 32-ms frame every 8 ms, the RMS dB difference of the power spectra with a
// floor 40 dB under the reference frame's mean power in that band (so a band the output leaves
// empty counts fully, however quiet it is in the reference), averaged over the reference's
// sounding frames (within 50 dB of its 95th-percentile level).
inline double bandLogSpectralDistance(const std::vector<float>& reference,
                                      const std::vector<float>& other, int rate, double loHz,
                                      double hiHz) {
    const std::size_t n = std::min(reference.size(), other.size());
    const std::vector<float> a(reference.begin(), reference.begin() + std::ptrdiff_t(n));
    const std::vector<float> b(other.begin(), other.begin() + std::ptrdiff_t(n));
    const auto hop = static_cast<std::int64_t>(std::nearbyint(0.008 * rate));
    HannSpectrum spectrumA(static_cast<int>(std::nearbyint(0.032 * rate)));
    HannSpectrum spectrumB(spectrumA.window());
    std::vector<double> levels;
    for (std::int64_t centre = 0; centre < std::int64_t(n); centre += hop) {
        const std::vector<double>& p = spectrumA.frame(a, centre);
        levels.push_back(10 * std::log10(std::accumulate(p.begin(), p.end(), 0.0) + 1e-12));
    }
    const double sounding = std::max(percentileValue(levels, 95) - 50,
                                     *std::max_element(levels.begin(), levels.end()) - 200);
    double total = 0, frames = 0;
    for (std::size_t t = 0; t < levels.size(); ++t) {
        if (levels[t] <= sounding)
            continue;
        const std::vector<double>& pa = spectrumA.frame(a, std::int64_t(t) * hop);
        const std::vector<double>& pb = spectrumB.frame(b, std::int64_t(t) * hop);
        std::size_t lo = pa.size(), hi = 0;
        double mean = 0;
        for (std::size_t k = 0; k < pa.size(); ++k) {
            const double hz = double(k) * rate / spectrumA.window();
            if (hz >= loHz && hz <= hiHz) {
                lo = std::min(lo, k);
                hi = k;
                mean += pa[k];
            }
        }
        const double floor = mean / double(hi + 1 - lo) * 1e-4 + 1e-12;
        double sum = 0;
        for (std::size_t k = lo; k <= hi; ++k) {
            const double db = 10 * std::log10((pb[k] + floor) / (pa[k] + floor));
            sum += db * db;
        }
        total += std::sqrt(sum / double(hi + 1 - lo));
        ++frames;
    }
    return frames > 0 ? total / frames : notMeasured();
}

} // namespace accord::test
