#include "accord/audio/watermark.h"

#include "accord/core/errors.h"
#include "accord/dsp/fft.h"
#include "accord/dsp/resample.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <complex>
#include <cstdio>

namespace accord::audio {
namespace {

using Complex = std::complex<float>;
constexpr double kPi = 3.14159265358979323846;

// ---- the mark's domain (see watermark.h) ----
constexpr int kRate = 16000;
constexpr int kFftSize = 256; // 16 ms
constexpr int kHalf = kFftSize / 2;
constexpr int kBins = kHalf + 1;
constexpr int kSlot = 256;      // one pattern value per band per 16 ms
constexpr int kFirstBin = 6;    // 375 Hz
constexpr int kBinsPerBand = 4; // 250 Hz
constexpr int kBands = 26;      // up to 6.875 kHz
constexpr int kSlotsPerPeriod = 32;
constexpr int kTiles = kSlotsPerPeriod * kBands;
constexpr int kSymbols = 5;      // four payload bytes and their CRC-8
constexpr int kCodeLength = 128; // Walsh rows; with their sign, 256 codewords = 8 bits
constexpr int kSyncTiles = kTiles - kSymbols * kCodeLength;
static_assert(kSyncTiles == 192, "tile budget");
static_assert(kFirstBin + kBands * kBinsPerBand < kHalf, "bands below Nyquist");

// Mark energy at most this far under the frame's energy (dB), depth at most kMaxDepth in any
// band (bandDepths spreads the budget over the bands as E_b^-kDepthExponent).
constexpr double kTargetSnrDb = 29.3;
constexpr double kMaxDepth = 0.35;
constexpr double kDepthExponent = 0.75;

// Detector.
constexpr int kOffsets = 4;            // sub-slot alignments tried, 64 samples apart
constexpr int kNeighbourSlots = 3;     // a tile's prediction: the mean of +-3 slots
constexpr int kVarianceSlots = 96;     // local variance over +-96 slots (1.5 s)
constexpr float kMinSpread = 0.1f;     // log-power units; caps a tile's weight
constexpr float kClip = 3.0f;          // a tile counts at most 3 local standard deviations
constexpr float kPowerFloor = 1e-6f;   // a bin's log floor, over 16-bit quantisation noise
constexpr int kMinSamples = kRate;     // 1 s at 16 kHz
constexpr int kSlotSpan = 1;           // a slot's scale: its mean square over +-1 slots
constexpr float kMinSlotScale = 0.25f; // and at least a quarter of its band's (weight <= 4x)
constexpr int kListSize = 8;           // candidate codewords per payload byte
constexpr double kMinMargin = 0.5;     // over any other payload's score, else no read

// ---- the fixed pattern: which tile carries what ----

// splitmix64: a fixed, portable generator (std::shuffle's algorithm is not specified).
struct SplitMix {
    std::uint64_t state;
    std::uint64_t next() {
        std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }
};

struct Layout {
    // Tile t = slot * kBands + band.
    std::array<int, kSyncTiles> syncTile{};
    std::array<float, kSyncTiles> syncSign{};
    std::array<std::array<int, kCodeLength>, kSymbols> codeTile{};
    std::array<float, kTiles> scramble{};   // per data tile, whitens the Walsh rows
    std::array<float, kFftSize> hann{};     // periodic Hann: detection frames
    std::array<float, kFftSize> hannRoot{}; // its square root: embedding's analysis and synthesis

    Layout() {
        SplitMix random{0x616363776d31ull}; // "accwm1"
        std::array<int, kTiles> order{};
        for (int i = 0; i < kTiles; ++i)
            order[static_cast<size_t>(i)] = i;
        for (int i = kTiles - 1; i > 0; --i)
            std::swap(order[static_cast<size_t>(i)],
                      order[static_cast<size_t>(random.next() % std::uint64_t(i + 1))]);
        for (int i = 0; i < kSyncTiles; ++i) {
            syncTile[static_cast<size_t>(i)] = order[static_cast<size_t>(i)];
            syncSign[static_cast<size_t>(i)] = (random.next() >> 63) ? 1.0f : -1.0f;
        }
        for (int s = 0; s < kSymbols; ++s)
            for (int i = 0; i < kCodeLength; ++i)
                codeTile[static_cast<size_t>(s)][static_cast<size_t>(i)] =
                    order[static_cast<size_t>(kSyncTiles + s * kCodeLength + i)];
        for (float& sign : scramble)
            sign = (random.next() >> 63) ? 1.0f : -1.0f;
        for (int n = 0; n < kFftSize; ++n) {
            hann[static_cast<size_t>(n)] = float(0.5 - 0.5 * std::cos(2.0 * kPi * n / kFftSize));
            hannRoot[static_cast<size_t>(n)] = std::sqrt(hann[static_cast<size_t>(n)]);
        }
    }
};

const Layout& layout() {
    static const Layout instance;
    return instance;
}

std::uint8_t crc8(std::uint32_t payload) {
    std::uint8_t crc = 0;
    for (int byte = 3; byte >= 0; --byte) {
        crc ^= static_cast<std::uint8_t>(payload >> (8 * byte));
        for (int bit = 0; bit < 8; ++bit)
            crc = static_cast<std::uint8_t>((crc & 0x80) ? (crc << 1) ^ 0x07 : crc << 1);
    }
    return crc;
}

std::array<std::uint8_t, kSymbols> symbolsOf(std::uint32_t payload) {
    return {static_cast<std::uint8_t>(payload >> 24), static_cast<std::uint8_t>(payload >> 16),
            static_cast<std::uint8_t>(payload >> 8), static_cast<std::uint8_t>(payload),
            crc8(payload)};
}

int walsh(int row, int column) {
    return (__builtin_popcount(unsigned(row & column)) & 1) ? -1 : 1;
}

// +1 or -1 for every tile of the period.
std::array<float, kTiles> patternOf(std::uint32_t payload) {
    const Layout& l = layout();
    std::array<float, kTiles> w{};
    for (int i = 0; i < kSyncTiles; ++i)
        w[static_cast<size_t>(l.syncTile[static_cast<size_t>(i)])] =
            l.syncSign[static_cast<size_t>(i)];
    const auto symbols = symbolsOf(payload);
    for (int s = 0; s < kSymbols; ++s) {
        const int value = symbols[static_cast<size_t>(s)];
        const int row = value & (kCodeLength - 1);
        const float sign = (value & kCodeLength) ? -1.0f : 1.0f;
        for (int i = 0; i < kCodeLength; ++i) {
            const int tile = l.codeTile[static_cast<size_t>(s)][static_cast<size_t>(i)];
            w[static_cast<size_t>(tile)] =
                sign * float(walsh(row, i)) * l.scramble[static_cast<size_t>(tile)];
        }
    }
    return w;
}

// ---- plumbing ----

void checkInput(const std::vector<std::vector<float>>& channels, int sampleRate, const char* what) {
    if (sampleRate < kRate)
        throw BadInput(std::string(what) + ": sample rate " + std::to_string(sampleRate) +
                       " Hz is below 16000 Hz");
    for (const auto& channel : channels)
        if (channel.size() != channels.front().size())
            throw BadInput(std::string(what) + ": channels have different lengths");
}

std::vector<float> downmix(const std::vector<std::vector<float>>& channels) {
    if (channels.empty())
        return {};
    std::vector<float> mono(channels.front());
    for (size_t c = 1; c < channels.size(); ++c)
        for (size_t i = 0; i < mono.size(); ++i)
            mono[i] += channels[c][i];
    if (channels.size() > 1) {
        const float scale = 1.0f / float(channels.size());
        for (float& x : mono)
            x *= scale;
    }
    return mono;
}

// libsoxr's low quality (16-bit, wide roll-off) is exact enough for a band that ends at 5.5 kHz
// and is several times faster than its high quality.
std::vector<float> resampleTo(const std::vector<float>& samples, double from, double to,
                              size_t length) {
    return dsp::resample(samples, from, to, length, dsp::ResampleQuality::Low);
}

size_t lengthAt(size_t frames, double from, double to) {
    return static_cast<size_t>(std::llround(static_cast<double>(frames) * to / from));
}

int periodSlot(std::int64_t slot) {
    return static_cast<int>(((slot % kSlotsPerPeriod) + kSlotsPerPeriod) % kSlotsPerPeriod);
}

// Depth per band for one frame: a_b = min(kMaxDepth, c E_b^-kDepthExponent), with c the largest
// value whose added energy sum a_b^2 cost_b stays within the budget. The detector's evidence
// from a tile grows with its depth, not with its loudness, so the quieter bands of a frame (under
// the loud ones, which mask them) take deeper marks at little cost; the loudest take less.
std::array<float, kBands> bandDepths(const std::array<double, kBands>& energy,
                                     const std::array<double, kBands>& cost, double budget) {
    std::array<float, kBands> depth{};
    if (!(budget > 0))
        return depth;
    // Bands by falling shape E_b^-kDepthExponent (rising energy): the first ones reach kMaxDepth
    // first. Silent bands cost nothing and take kMaxDepth.
    std::array<int, kBands> order{};
    std::array<double, kBands> shape{};
    int count = 0;
    double unsaturated = 0; // sum of shape^2 cost over the bands not at kMaxDepth
    for (int b = 0; b < kBands; ++b) {
        if (energy[static_cast<size_t>(b)] > 0) {
            order[static_cast<size_t>(count++)] = b;
            shape[static_cast<size_t>(b)] =
                std::pow(energy[static_cast<size_t>(b)], -kDepthExponent);
            unsaturated += shape[static_cast<size_t>(b)] * shape[static_cast<size_t>(b)] *
                           cost[static_cast<size_t>(b)];
        } else {
            depth[static_cast<size_t>(b)] = float(kMaxDepth);
        }
    }
    std::sort(order.begin(), order.begin() + count, [&](int x, int y) {
        return energy[static_cast<size_t>(x)] < energy[static_cast<size_t>(y)];
    });
    const double most = kMaxDepth * kMaxDepth;
    double saturated = 0; // sum of cost over the bands at kMaxDepth
    double c = 0;
    int k = 0;
    for (; k <= count; ++k) {
        // Bands order[0..k) at kMaxDepth, the rest at c / sqrt(E).
        const double left = budget - most * saturated;
        if (left < 0) {
            c = 0; // not reached: the previous step kept the budget
            break;
        }
        c = unsaturated > 0 ? std::sqrt(left / unsaturated) : 1e30;
        if (k == count)
            break;
        const int b = order[static_cast<size_t>(k)];
        const double h = shape[static_cast<size_t>(b)];
        if (c * h < kMaxDepth)
            break; // band b (and all louder ones) stays under kMaxDepth
        saturated += cost[static_cast<size_t>(b)];
        unsaturated -= h * h * cost[static_cast<size_t>(b)];
    }
    for (int i = 0; i < count; ++i) {
        const int b = order[static_cast<size_t>(i)];
        depth[static_cast<size_t>(b)] =
            i < k ? float(kMaxDepth)
                  : float(std::min(kMaxDepth, c * shape[static_cast<size_t>(b)]));
    }
    return depth;
}

} // namespace

// ---- embedding ----

void embedWatermark(std::vector<std::vector<float>>& channels, int sampleRate,
                    std::uint32_t payload) {
    checkInput(channels, sampleRate, "embedWatermark");
    if (channels.empty() || channels.front().empty())
        return;
    const Layout& l = layout();
    const size_t frames = channels.front().size();
    const std::vector<float> mono = downmix(channels);
    const std::vector<float> host =
        resampleTo(mono, sampleRate, kRate, lengthAt(frames, sampleRate, kRate));
    // The budget is the host's whole energy per channel (the mark is added to each), above
    // 8 kHz too: the native samples' mean square over channels per hop of kHalf internal samples
    // (a frame spans two hops).
    const double nativePerInternal = double(sampleRate) / kRate;
    const auto nativeAt = [&](std::int64_t internal) {
        return static_cast<size_t>(std::clamp<std::int64_t>(
            std::llround(double(internal) * nativePerInternal), 0, std::int64_t(frames)));
    };
    const auto hops = static_cast<std::int64_t>(host.size() / kHalf + 2);
    std::vector<double> hopEnergy(static_cast<size_t>(hops), 0.0);
    for (std::int64_t h = 0; h < hops; ++h) {
        const size_t from = nativeAt(h * kHalf), to = nativeAt((h + 1) * kHalf);
        double sum = 0;
        for (const auto& channel : channels) {
            float part = 0; // a few hundred squares: float is exact enough here
            for (size_t n = from; n < to; ++n)
                part += channel[n] * channel[n];
            sum += part;
        }
        hopEnergy[static_cast<size_t>(h)] = sum / double(channels.size()) / nativePerInternal;
    }
    const auto nativeEnergy = [&](std::int64_t start) { // of the frame starting at `start`
        double sum = 0;
        for (std::int64_t h = start / kHalf; h < start / kHalf + 2; ++h)
            if (h >= 0 && h < hops)
                sum += hopEnergy[static_cast<size_t>(h)];
        return sum;
    };
    const auto w = patternOf(payload);
    const double rho = std::pow(10.0, -kTargetSnrDb / 10.0);

    // STFT with sqrt-Hann analysis and synthesis at 50% overlap (their product sums to one).
    // Frame i is centred on sample (N/2) i: odd frames on a slot's centre take its gains, even
    // frames on a boundary the mean of both neighbours', so gains cross-fade between slots.
    const auto& root = l.hannRoot;
    const auto length = static_cast<std::int64_t>(host.size());
    std::vector<float> mark(host.size() + kFftSize, 0.0f); // with room for the last frame
    dsp::RealFft fft(kFftSize);
    float* frame = fft.samples();
    Complex* spectrum = fft.spectrum();
    std::array<float, kBands> gain{};
    const std::int64_t frameCount = length / kHalf + 1;
    for (std::int64_t i = 0; i <= frameCount; ++i) {
        const std::int64_t start = i * kHalf - kHalf;
        fft.loadWindowed(host.data(), length, start, root.data());
        fft.forward();

        // Pattern values of this frame's bands and their energies.
        const int after = periodSlot(
            i / 2); // the slot starting at frame i's centre (even i) or around it (odd i)
        const int before = periodSlot(i / 2 - 1);
        std::array<double, kBands> bandEnergy{};
        std::array<double, kBands> cost{}; // energy a band adds at depth 1
        bool any = false;
        for (int b = 0; b < kBands; ++b) {
            const float g = (i % 2) ? w[static_cast<size_t>(after * kBands + b)]
                                    : 0.5f * (w[static_cast<size_t>(before * kBands + b)] +
                                              w[static_cast<size_t>(after * kBands + b)]);
            gain[static_cast<size_t>(b)] = g;
            double band = 0;
            for (int k = kFirstBin + b * kBinsPerBand; k < kFirstBin + (b + 1) * kBinsPerBand; ++k)
                band += std::norm(spectrum[k]);
            bandEnergy[static_cast<size_t>(b)] = band;
            cost[static_cast<size_t>(b)] = double(g) * g * band;
            any = any || cost[static_cast<size_t>(b)] > 0;
        }
        if (!any)
            continue;
        // Parseval with the sqrt-Hann window (mean square 1/2): the one-sided spectrum's energy
        // is N/4 times the frame's sample energy. The depths spend the frame's budget.
        const double budget = rho * kFftSize / 4.0 * nativeEnergy(start);
        const std::array<float, kBands> depth = bandDepths(bandEnergy, cost, budget);
        for (int b = 0; b < kBands; ++b)
            gain[static_cast<size_t>(b)] *= depth[static_cast<size_t>(b)];
        // The mark's spectrum in place of the host's: its bands scaled, every other bin zero.
        constexpr int kMarkFirst = kFirstBin, kMarkEnd = kFirstBin + kBands * kBinsPerBand;
        std::fill(spectrum, spectrum + kMarkFirst, Complex(0.0f));
        for (int b = 0; b < kBands; ++b)
            for (int k = kFirstBin + b * kBinsPerBand; k < kFirstBin + (b + 1) * kBinsPerBand; ++k)
                spectrum[k] *= gain[static_cast<size_t>(b)];
        std::fill(spectrum + kMarkEnd, spectrum + kBins, Complex(0.0f));
        fft.inverse(); // kFftSize times the mark's frame (a power of two: dividing is exact)
        for (int n = 0; n < kFftSize; ++n) {
            const std::int64_t at = start + n;
            if (at >= 0)
                mark[static_cast<size_t>(at)] += frame[n] / kFftSize * root[static_cast<size_t>(n)];
        }
    }
    mark.resize(host.size());
    const std::vector<float> added = resampleTo(mark, kRate, sampleRate, frames);
    for (auto& channel : channels)
        for (size_t i = 0; i < frames; ++i)
            channel[i] += added[i];
}

// ---- detection ----

namespace {

// Folded, whitened tile statistics of one sub-slot alignment: sum[p * kBands + b] over all
// slots j with j mod period == p. Each FFT bin of a band is whitened on its own and the band's
// bins summed: in a mix, a bin that the marked track dominates (a partial) keeps a steady
// level and a high weight even where the other track dominates the band's other bins.
std::array<float, kTiles> foldedStatistics(dsp::RealFft& fft, const std::vector<float>& audio,
                                           int offset) {
    constexpr int kMarkBins = kBands * kBinsPerBand; // the bands' bins, per slot
    const Layout& l = layout();
    std::array<float, kTiles> folded{};
    const auto slots =
        static_cast<std::int64_t>((static_cast<std::int64_t>(audio.size()) - offset) / kSlot);
    if (slots < 3)
        return folded;
    // Log bin powers.
    std::vector<float> level(static_cast<size_t>(slots * kMarkBins));
    const Complex* spectrum = fft.spectrum();
    for (std::int64_t j = 0; j < slots; ++j) {
        fft.loadWindowed(audio.data(), static_cast<std::int64_t>(audio.size()), offset + j * kSlot,
                         l.hann.data());
        fft.forward();
        for (int c = 0; c < kMarkBins; ++c)
            level[static_cast<size_t>(j * kMarkBins + c)] =
                std::log(std::norm(spectrum[kFirstBin + c]) + kPowerFloor);
    }
    // High-pass in time (minus the mean of the +-kNeighbourSlots neighbours) and across bins
    // (minus the frame's mean): what stays of a steady host is small; onsets and gain changes
    // cancel. Three neighbours each side rather than one: the rest of a host's level is mostly
    // frame-to-frame jitter, which a wider mean predicts with less added noise.
    const std::int64_t first = 1, last = slots - 1; // [first, last); fewer neighbours at the ends
    std::vector<float> detail(level.size(), 0.0f);
    for (std::int64_t j = first; j < last; ++j) {
        float* d = detail.data() + j * kMarkBins;
        const float* now = level.data() + j * kMarkBins;
        const auto span =
            static_cast<int>(std::min<std::int64_t>({kNeighbourSlots, j, slots - 1 - j}));
        float mean = 0;
        for (int c = 0; c < kMarkBins; ++c) {
            float neighbours = 0;
            for (int k = 1; k <= span; ++k)
                neighbours += now[c - k * kMarkBins] + now[c + k * kMarkBins];
            d[c] = now[c] - neighbours / float(2 * span);
            mean += d[c];
        }
        mean /= kMarkBins;
        for (int c = 0; c < kMarkBins; ++c)
            d[c] -= mean;
    }
    // Local variance per bin over +-kVarianceSlots (prefix sums), inverse-variance weights.
    std::vector<double> squares(static_cast<size_t>((slots + 1) * kMarkBins), 0.0);
    for (std::int64_t j = 0; j < slots; ++j)
        for (int c = 0; c < kMarkBins; ++c) {
            const float d = detail[static_cast<size_t>(j * kMarkBins + c)];
            squares[static_cast<size_t>((j + 1) * kMarkBins + c)] =
                squares[static_cast<size_t>(j * kMarkBins + c)] + double(d) * d;
        }
    std::vector<float> spread(detail.size(), 1.0f);
    std::vector<float> loudness(static_cast<size_t>(slots), 0.0f); // mean square of d / spread
    for (std::int64_t j = first; j < last; ++j) {
        const std::int64_t from = std::max<std::int64_t>(first, j - kVarianceSlots);
        const std::int64_t to = std::min<std::int64_t>(last, j + kVarianceSlots + 1);
        float sum2 = 0;
        for (int c = 0; c < kMarkBins; ++c) {
            const double sum = squares[static_cast<size_t>(to * kMarkBins + c)] -
                               squares[static_cast<size_t>(from * kMarkBins + c)];
            const float sp =
                std::max(kMinSpread, float(std::sqrt(std::max(0.0, sum) / double(to - from))));
            spread[static_cast<size_t>(j * kMarkBins + c)] = sp;
            const float u =
                std::clamp(detail[static_cast<size_t>(j * kMarkBins + c)] / sp, -kClip, kClip);
            sum2 += u * u;
        }
        loudness[static_cast<size_t>(j)] = sum2 / kMarkBins;
    }
    for (std::int64_t j = first; j < last; ++j) {
        const int p = periodSlot(j);
        float e = 0;
        int n = 0;
        for (std::int64_t k = std::max<std::int64_t>(first, j - kSlotSpan);
             k <= std::min<std::int64_t>(last - 1, j + kSlotSpan); ++k, ++n)
            e += loudness[static_cast<size_t>(k)];
        const float f = std::sqrt(std::max(kMinSlotScale, e / float(n)));
        for (int c = 0; c < kMarkBins; ++c) {
            const float sp = spread[static_cast<size_t>(j * kMarkBins + c)] * f;
            const float d = detail[static_cast<size_t>(j * kMarkBins + c)];
            folded[static_cast<size_t>(p * kBands + c / kBinsPerBand)] +=
                std::clamp(d / sp, -kClip, kClip) / sp;
        }
    }
    return folded;
}

// A codeword of one symbol and its correlation with the statistics.
struct Candidate {
    std::uint8_t value = 0; // Walsh row | sign bit
    float score = 0;
};

// Fast Walsh-Hadamard transform in place (unnormalised).
void walshTransform(std::array<float, kCodeLength>& v) {
    for (int size = 1; size < kCodeLength; size *= 2)
        for (int start = 0; start < kCodeLength; start += 2 * size)
            for (int i = start; i < start + size; ++i) {
                const float a = v[static_cast<size_t>(i)], b = v[static_cast<size_t>(i + size)];
                v[static_cast<size_t>(i)] = a + b;
                v[static_cast<size_t>(i + size)] = a - b;
            }
}

} // namespace

WatermarkDetection detectWatermark(const std::vector<std::vector<float>>& channels,
                                   int sampleRate) {
    checkInput(channels, sampleRate, "detectWatermark");
    WatermarkDetection result;
    if (channels.empty() || channels.front().empty())
        return result;
    const size_t frames = channels.front().size();
    const std::vector<float> audio =
        resampleTo(downmix(channels), sampleRate, kRate, lengthAt(frames, sampleRate, kRate));
    if (audio.size() < size_t(kMinSamples))
        return result;
    const Layout& l = layout();

    // Every alignment: a sub-slot offset's statistics plus half of each neighbouring offset's
    // (the mark's gains cross-fade over a slot, so the neighbours 64 samples either side still
    // see most of it), at each of the period's cyclic shifts. There every symbol's correlation
    // with all its codewords comes from a Walsh-Hadamard transform, and the payloads built from
    // the kListSize strongest codewords of each payload byte (with the CRC-8 byte they imply)
    // are scored: their whole period's pattern (sync and symbols) correlated with the
    // statistics and normalised by their norm (see watermark.h). The best-scoring payload is
    // read if it clears the threshold and every other payload scored by at least kMinMargin.
    // single[o + 1] holds offset o; single[0] is offset -1 (the last offset one slot earlier)
    // and single[kOffsets + 1] offset kOffsets (offset 0 one slot later).
    std::array<std::array<float, kTiles>, kOffsets + 2> single{};
    dsp::RealFft fft(kFftSize);
    for (int o = 0; o < kOffsets; ++o)
        single[static_cast<size_t>(o + 1)] = foldedStatistics(fft, audio, o * kSlot / kOffsets);
    for (int t = 0; t < kTiles; ++t) {
        single[0][static_cast<size_t>(t)] =
            single[kOffsets][static_cast<size_t>((t + kTiles - kBands) % kTiles)];
        single[kOffsets + 1][static_cast<size_t>(t)] =
            single[1][static_cast<size_t>((t + kBands) % kTiles)];
    }
    double strongest = 0; // over all alignments
    double best = -1;     // the best payload's score
    double runnerUp = -1; // the best score of any other payload
    std::uint32_t bestPayload = 0;
    const auto consider = [&](std::uint32_t payload, double score) {
        if (score > best) {
            if (payload != bestPayload)
                runnerUp = best;
            best = score;
            bestPayload = payload;
        } else if (score > runnerUp && payload != bestPayload) {
            runnerUp = score;
        }
    };
    for (int o = 0; o < kOffsets; ++o) {
        std::array<float, kTiles> folded{};
        double norm = 0;
        for (int t = 0; t < kTiles; ++t) {
            const float a = single[static_cast<size_t>(o + 1)][static_cast<size_t>(t)] +
                            0.5f * (single[static_cast<size_t>(o)][static_cast<size_t>(t)] +
                                    single[static_cast<size_t>(o + 2)][static_cast<size_t>(t)]);
            folded[static_cast<size_t>(t)] = a;
            norm += double(a) * a;
        }
        if (!(norm > 0))
            continue;
        const double scale = 1.0 / std::sqrt(norm);
        for (int shift = 0; shift < kSlotsPerPeriod; ++shift) {
            // Tile (q, b) of the period sits at folded slot (q - shift) mod period.
            const auto at = [&](int tile) {
                const int q = tile / kBands, b = tile % kBands;
                return folded[static_cast<size_t>(periodSlot(q - shift) * kBands + b)];
            };
            double sync = 0;
            for (int i = 0; i < kSyncTiles; ++i)
                sync += double(at(l.syncTile[static_cast<size_t>(i)])) *
                        l.syncSign[static_cast<size_t>(i)];
            // Codeword r | sign of symbol s scores +-spectrum[s][r].
            std::array<std::array<float, kCodeLength>, kSymbols> spectrum{};
            double total = sync; // with the strongest codeword of every symbol
            for (int s = 0; s < kSymbols; ++s) {
                auto& v = spectrum[static_cast<size_t>(s)];
                for (int i = 0; i < kCodeLength; ++i) {
                    const int tile = l.codeTile[static_cast<size_t>(s)][static_cast<size_t>(i)];
                    v[static_cast<size_t>(i)] = at(tile) * l.scramble[static_cast<size_t>(tile)];
                }
                walshTransform(v);
                float top = 0;
                for (float x : v)
                    top = std::max(top, std::abs(x));
                total += top;
            }
            strongest = std::max(strongest, total * scale);
            // No payload scores more here than the strongest codewords: skip the alignments
            // where none could be read or come within the margin of the best one.
            if (total * scale < std::max(kWatermarkThreshold, best) - kMinMargin)
                continue;
            std::array<std::array<Candidate, kListSize>, kSymbols - 1> lists{};
            for (int s = 0; s + 1 < kSymbols; ++s) {
                const auto& v = spectrum[static_cast<size_t>(s)];
                std::array<int, kCodeLength> rows{};
                for (int r = 0; r < kCodeLength; ++r)
                    rows[static_cast<size_t>(r)] = r;
                std::partial_sort(rows.begin(), rows.begin() + kListSize, rows.end(),
                                  [&](int x, int y) {
                                      return std::abs(v[static_cast<size_t>(x)]) >
                                             std::abs(v[static_cast<size_t>(y)]);
                                  });
                for (int k = 0; k < kListSize; ++k) {
                    const int r = rows[static_cast<size_t>(k)];
                    const float x = v[static_cast<size_t>(r)];
                    lists[static_cast<size_t>(s)][static_cast<size_t>(k)] = {
                        static_cast<std::uint8_t>(r | (x < 0 ? kCodeLength : 0)), std::abs(x)};
                }
            }
            // The CRC-8 byte that four candidates imply scores from its own spectrum, whether
            // among its strongest codewords or not (even negative).
            const auto& check = spectrum[kSymbols - 1];
            for (const Candidate& c0 : lists[0])
                for (const Candidate& c1 : lists[1])
                    for (const Candidate& c2 : lists[2])
                        for (const Candidate& c3 : lists[3]) {
                            const std::uint32_t payload = (std::uint32_t(c0.value) << 24) |
                                                          (std::uint32_t(c1.value) << 16) |
                                                          (std::uint32_t(c2.value) << 8) | c3.value;
                            const std::uint8_t crc = crc8(payload);
                            const float x = check[static_cast<size_t>(crc & (kCodeLength - 1))];
                            consider(payload, (sync + c0.score + c1.score + c2.score + c3.score +
                                               ((crc & kCodeLength) ? -x : x)) *
                                                  scale);
                        }
        }
    }
    result.confidence = strongest;
    if (best < kWatermarkThreshold || best - runnerUp < kMinMargin)
        return result;
    result.found = true;
    result.payload = bestPayload;
    return result;
}

// ---- text form ----

std::string watermarkPayloadText(std::uint32_t payload) {
    char text[16];
    std::snprintf(text, sizeof text, "acw1-%08x", payload);
    return text;
}

std::uint32_t parseWatermarkPayloadText(const std::string& text) {
    const auto bad = [&] {
        return BadInput("not a watermark payload: \"" + text + "\" (expected acw1-xxxxxxxx)");
    };
    if (text.size() != 13 || text.compare(0, 5, "acw1-") != 0)
        throw bad();
    std::uint32_t value = 0;
    for (size_t i = 5; i < text.size(); ++i) {
        const char c = text[i];
        int digit;
        if (c >= '0' && c <= '9')
            digit = c - '0';
        else if (c >= 'a' && c <= 'f')
            digit = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F')
            digit = c - 'A' + 10;
        else
            throw bad();
        value = (value << 4) | std::uint32_t(digit);
    }
    return value;
}

} // namespace accord::audio
