#include "accord/audio/watermark.h"

#include "accord/core/errors.h"
#include "accord/dsp/fft.h"
#include "accord/dsp/resample.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <complex>
#include <cstdio>
#include <map>
#include <mutex>
#include <optional>

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
constexpr int kOffsets = 4;          // sub-slot alignments tried, 64 samples apart
constexpr int kNeighbourSlots = 3;   // a tile's prediction: the mean of +-3 slots
constexpr int kVarianceSlots = 96;   // local variance over +-96 slots (1.5 s)
constexpr float kMinSpread = 0.1f;   // log-power units; caps a tile's weight
constexpr float kClip = 3.0f;        // a tile counts at most 3 local standard deviations
constexpr float kPowerFloor = 1e-6f; // a bin's log floor, over 16-bit quantisation noise
constexpr float kDeadPower = 1e-7f;  // a bin under this near a slot carries no mark there
// Of half the input's rate, when under 16 kHz: bins above it are left out. There the laundering
// resampler rolled off and the detector's own upsampling mirrors the band back: noise, no mark.
constexpr double kBandEdgeShare = 0.95;
// Bins (62.5 Hz) left out under the top of a band that ends early, for the same reason.
constexpr int kEdgeMargin = 8;
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

void checkRate(int sampleRate) {
    if (sampleRate < kWatermarkMinimumRate)
        throw BadInput("audio sampled at " + std::to_string(sampleRate) +
                       " Hz: the watermark needs at least " +
                       std::to_string(kWatermarkMinimumRate) + " Hz");
}

void checkInput(const std::vector<std::vector<float>>& channels, int sampleRate) {
    checkRate(sampleRate);
    for (const auto& channel : channels)
        if (channel.size() != channels.front().size())
            throw BadInput("the audio's channels have different lengths");
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

// The mark of one frame of the host at kRate, the whole of the embedding's arithmetic: whole
// files (embedWatermark) and streams (WatermarkStreamEmbedder) both mark through it, so a streamed
// frame carries the mark a file's frame does for the same samples (docs/WATERMARK.md
// "Streaming").
//
// STFT with sqrt-Hann analysis and synthesis at 50% overlap (their product sums to one). Frame i
// starts at host sample kHalf (i - 1) and is centred on sample kHalf i: odd frames on a slot's
// centre take its gains, even frames on a boundary the mean of both neighbours', so gains
// cross-fade between slots.
class FrameMarker {
public:
    explicit FrameMarker(std::uint32_t payload)
        : w_(patternOf(payload)), rho_(std::pow(10.0, -kTargetSnrDb / 10.0)) {}

    static std::int64_t frameStart(std::int64_t i) { return i * kHalf - kHalf; }

    // Marks frame i of `host` (its samples [hostStart, hostStart + length), zero outside) whose
    // native samples have `nativeEnergy` (per channel, scaled to kRate, over the frame's two
    // hops): the mark's frame is then at frame(), windowed for overlap-add at frameStart(i).
    // False when the frame carries no mark (silence in every band).
    bool mark(const float* host, std::int64_t hostStart, std::int64_t length, std::int64_t i,
              double nativeEnergy) {
        const auto& root = layout().hannRoot;
        fft_.loadWindowed(host, length, frameStart(i) - hostStart, root.data());
        fft_.forward();
        Complex* spectrum = fft_.spectrum();

        // Pattern values of this frame's bands and their energies.
        const int after = periodSlot(
            i / 2); // the slot starting at frame i's centre (even i) or around it (odd i)
        const int before = periodSlot(i / 2 - 1);
        std::array<float, kBands> gain{};
        std::array<double, kBands> bandEnergy{};
        std::array<double, kBands> cost{}; // energy a band adds at depth 1
        bool any = false;
        for (int b = 0; b < kBands; ++b) {
            const float g = (i % 2) ? w_[static_cast<size_t>(after * kBands + b)]
                                    : 0.5f * (w_[static_cast<size_t>(before * kBands + b)] +
                                              w_[static_cast<size_t>(after * kBands + b)]);
            gain[static_cast<size_t>(b)] = g;
            double band = 0;
            for (int k = kFirstBin + b * kBinsPerBand; k < kFirstBin + (b + 1) * kBinsPerBand; ++k)
                band += std::norm(spectrum[k]);
            bandEnergy[static_cast<size_t>(b)] = band;
            cost[static_cast<size_t>(b)] = double(g) * g * band;
            any = any || cost[static_cast<size_t>(b)] > 0;
        }
        if (!any)
            return false;
        // Parseval with the sqrt-Hann window (mean square 1/2): the one-sided spectrum's energy
        // is N/4 times the frame's sample energy. The depths spend the frame's budget.
        const double budget = rho_ * kFftSize / 4.0 * nativeEnergy;
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
        fft_.inverse(); // kFftSize times the mark's frame (a power of two: dividing is exact)
        float* frame = fft_.samples();
        for (int n = 0; n < kFftSize; ++n)
            frame[n] = frame[n] / kFftSize * root[static_cast<size_t>(n)];
        return true;
    }

    const float* frame() { return fft_.samples(); }

private:
    std::array<float, kTiles> w_;
    double rho_;
    dsp::RealFft fft_{kFftSize};
};

// The native samples' energy per hop of kHalf host samples: hop h spans the native samples
// [nativeAt(h kHalf), nativeAt((h + 1) kHalf)), summed over channels, per channel and scaled to
// kRate. The budget is the host's whole energy per channel (the mark is added to each), above
// 8 kHz too.
struct HopClock {
    explicit HopClock(int sampleRate) : nativePerInternal(double(sampleRate) / kRate) {}
    std::int64_t nativeAt(std::int64_t internal) const {
        return std::llround(double(internal) * nativePerInternal);
    }
    double hopEnergy(const std::vector<const float*>& channels, std::int64_t from,
                     std::int64_t to) const {
        double sum = 0;
        for (const float* channel : channels) {
            float part = 0; // a few hundred squares: float is exact enough here
            for (std::int64_t n = from; n < to; ++n)
                part += channel[n] * channel[n];
            sum += part;
        }
        return sum / double(channels.size()) / nativePerInternal;
    }
    // Of frame i: its two hops, i - 1 and i.
    static std::int64_t firstHop(std::int64_t i) { return i - 1; }
    double nativePerInternal;
};

} // namespace

// ---- embedding ----

void embedWatermark(std::vector<std::vector<float>>& channels, int sampleRate,
                    std::uint32_t payload) {
    checkInput(channels, sampleRate);
    if (channels.empty() || channels.front().empty())
        return;
    const size_t frames = channels.front().size();
    const std::vector<float> mono = downmix(channels);
    const std::vector<float> host =
        resampleTo(mono, sampleRate, kRate, lengthAt(frames, sampleRate, kRate));
    const HopClock clock(sampleRate);
    const auto nativeAt = [&](std::int64_t internal) {
        return std::clamp<std::int64_t>(clock.nativeAt(internal), 0, std::int64_t(frames));
    };
    std::vector<const float*> planar;
    for (const auto& channel : channels)
        planar.push_back(channel.data());
    const auto hops = static_cast<std::int64_t>(host.size() / kHalf + 2);
    std::vector<double> hopEnergy(static_cast<size_t>(hops), 0.0);
    for (std::int64_t h = 0; h < hops; ++h)
        hopEnergy[static_cast<size_t>(h)] =
            clock.hopEnergy(planar, nativeAt(h * kHalf), nativeAt((h + 1) * kHalf));
    const auto nativeEnergy = [&](std::int64_t i) { // of frame i
        double sum = 0;
        for (std::int64_t h = HopClock::firstHop(i); h < HopClock::firstHop(i) + 2; ++h)
            if (h >= 0 && h < hops)
                sum += hopEnergy[static_cast<size_t>(h)];
        return sum;
    };

    FrameMarker marker(payload);
    const auto length = static_cast<std::int64_t>(host.size());
    std::vector<float> mark(host.size() + kFftSize, 0.0f); // with room for the last frame
    const std::int64_t frameCount = length / kHalf + 1;
    for (std::int64_t i = 0; i <= frameCount; ++i) {
        if (!marker.mark(host.data(), 0, length, i, nativeEnergy(i)))
            continue;
        const std::int64_t start = FrameMarker::frameStart(i);
        for (int n = 0; n < kFftSize; ++n)
            if (start + n >= 0)
                mark[static_cast<size_t>(start + n)] += marker.frame()[n];
    }
    mark.resize(host.size());
    const std::vector<float> added = resampleTo(mark, kRate, sampleRate, frames);
    for (auto& channel : channels)
        for (size_t i = 0; i < frames; ++i)
            channel[i] += added[i];
}

// ---- streaming embedding ----

struct WatermarkStreamEmbedder::Impl {
    Impl(int rate, std::uint32_t payload) : clock(rate), marker(payload) {
        if (rate != kRate) {
            down.emplace(rate, kRate, 1, dsp::ResampleQuality::Low);
            up.emplace(kRate, rate, 1, dsp::ResampleQuality::Low);
        }
    }

    HopClock clock;
    FrameMarker marker;
    int latency = 0;
    // The same filters as embedWatermark's one-shot resampling (dsp/resample.h), unless the
    // stream is at kRate already.
    std::optional<dsp::StreamResampler> down, up;
    // Each stream is kept from its *Start index (counted from the stream's first sample) to its
    // end: the native input, the host at kRate, the overlap-added mark at kRate (final before
    // frameStart(nextFrame)), and the mark back at the native rate.
    std::vector<float> native, host, mark, markOut;
    std::int64_t nativeStart = 0, hostStart = 0, markStart = 0, markOutStart = 0;
    std::vector<double> hops; // energies of hops [hopStart, hopStart + hops.size())
    std::int64_t hopStart = 0;
    std::int64_t nextFrame = 0;
    std::int64_t resampled = 0; // native frames handed to `down`
    std::int64_t played = 0;    // output frames given
    static constexpr std::int64_t kChunk = 32;
    static constexpr int kProbeSeconds = 4;

    static std::int64_t end(const std::vector<float>& v, std::int64_t start) {
        return start + static_cast<std::int64_t>(v.size());
    }

    void addHost(const float* x, std::size_t count) { host.insert(host.end(), x, x + count); }
    void addMarkOut(const float* x, std::size_t count) {
        markOut.insert(markOut.end(), x, x + count);
    }

    // Marks every frame whose host samples and native hops are in, and hands the mark that no
    // later frame touches to the resampler back.
    void markFrames() {
        const std::int64_t hostEnd = end(host, hostStart);
        const std::int64_t hopEnd = hopStart + static_cast<std::int64_t>(hops.size());
        for (;; ++nextFrame) {
            const std::int64_t i = nextFrame;
            const std::int64_t start = FrameMarker::frameStart(i);
            if (start + kFftSize > hostEnd || HopClock::firstHop(i) + 2 > hopEnd)
                break;
            double energy = 0;
            for (std::int64_t h = std::max<std::int64_t>(0, HopClock::firstHop(i));
                 h < HopClock::firstHop(i) + 2; ++h)
                energy += hops[static_cast<std::size_t>(h - hopStart)];
            mark.resize(static_cast<std::size_t>(start + kFftSize - markStart), 0.0f);
            if (marker.mark(host.data(), hostStart, static_cast<std::int64_t>(host.size()), i,
                            energy))
                for (int n = 0; n < kFftSize; ++n)
                    if (start + n >= markStart)
                        mark[static_cast<std::size_t>(start + n - markStart)] += marker.frame()[n];
            // Frame i + 1 starts at kHalf i: the mark before it is final.
            const auto done = static_cast<std::size_t>(FrameMarker::frameStart(i + 1) - markStart);
            if (done > 0) {
                if (up) {
                    const float* planar[1] = {mark.data()};
                    up->process(planar, done, [this](const float* const* out, std::size_t n) {
                        addMarkOut(out[0], n);
                    });
                } else {
                    addMarkOut(mark.data(), done);
                }
                mark.erase(mark.begin(), mark.begin() + static_cast<std::ptrdiff_t>(done));
                markStart += static_cast<std::int64_t>(done);
            }
        }
    }

    void add(const float* in, std::size_t frames) {
        native.insert(native.end(), in, in + frames);
        const std::int64_t nativeEnd = end(native, nativeStart);
        for (;;) {
            const std::int64_t h = hopStart + static_cast<std::int64_t>(hops.size());
            const std::int64_t to = clock.nativeAt((h + 1) * kHalf);
            if (to > nativeEnd)
                break;
            const std::vector<const float*> channel = {native.data() - nativeStart};
            hops.push_back(clock.hopEnergy(channel, clock.nativeAt(h * kHalf), to));
        }
        // libsoxr's rounding depends on how its input is cut: it gets fixed chunks, so the output
        // does not.
        for (; nativeEnd - resampled >= kChunk; resampled += kChunk) {
            const float* chunk = native.data() + (resampled - nativeStart);
            if (down) {
                const float* planar[1] = {chunk};
                down->process(planar, kChunk, [this](const float* const* out, std::size_t n) {
                    addHost(out[0], n);
                });
            } else {
                addHost(chunk, kChunk);
            }
        }
        markFrames();
    }

    // Forgets what no later call reads, in large steps (erasing moves the rest).
    void trim() {
        const auto drop = [](std::vector<float>& v, std::int64_t& start, std::int64_t keep) {
            if (keep - start >= kDropSamples) {
                v.erase(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(keep - start));
                start = keep;
            }
        };
        const std::int64_t nextOut = played - latency;
        const std::int64_t hopEnd = hopStart + static_cast<std::int64_t>(hops.size());
        drop(native, nativeStart, std::min({nextOut, clock.nativeAt(hopEnd * kHalf), resampled}));
        drop(host, hostStart, FrameMarker::frameStart(nextFrame));
        drop(markOut, markOutStart, nextOut);
        const std::int64_t firstHopNeeded = std::max<std::int64_t>(0, nextFrame - 1);
        if (firstHopNeeded - hopStart >= kDropSamples / kHalf) {
            hops.erase(hops.begin(), hops.begin() + (firstHopNeeded - hopStart));
            hopStart = firstHopNeeded;
        }
    }

    static constexpr std::int64_t kDropSamples = 1 << 14;

    // The most frames the mark back at the native rate lags behind the input, whatever the
    // blocks: fed one frame at a time for kProbeSeconds, the largest gap between the input's end
    // and the end of the mark that has come back, plus one chunk for a phase of the grids
    // (resampler, chunks, hops, frames) the probe did not meet. Measured once per rate (the
    // resamplers' delays are libsoxr's).
    static int lagAt(int sampleRate) {
        static std::mutex lock;
        static std::map<int, int> measured;
        const std::lock_guard<std::mutex> guard(lock);
        const auto found = measured.find(sampleRate);
        if (found != measured.end())
            return found->second;
        Impl probe(sampleRate, 0);
        std::int64_t lag = 0;
        const float silence = 0.0f;
        for (std::int64_t n = 1; n <= kProbeSeconds * sampleRate; ++n) {
            probe.add(&silence, 1);
            lag = std::max(lag, n - end(probe.markOut, probe.markOutStart));
            probe.trim();
        }
        return measured[sampleRate] = static_cast<int>(lag + kChunk);
    }
};

WatermarkStreamEmbedder::WatermarkStreamEmbedder(int sampleRate, std::uint32_t payload) {
    checkRate(sampleRate);
    const int lag = Impl::lagAt(sampleRate);
    impl_ = std::make_unique<Impl>(sampleRate, payload);
    impl_->latency = lag;
}

WatermarkStreamEmbedder::~WatermarkStreamEmbedder() = default;
WatermarkStreamEmbedder::WatermarkStreamEmbedder(WatermarkStreamEmbedder&&) noexcept = default;
WatermarkStreamEmbedder&
WatermarkStreamEmbedder::operator=(WatermarkStreamEmbedder&&) noexcept = default;

int WatermarkStreamEmbedder::latencyFrames() const {
    return impl_->latency;
}

void WatermarkStreamEmbedder::process(const float* in, float* out, std::size_t frames) {
    Impl& e = *impl_;
    e.add(in, frames);
    for (std::size_t k = 0; k < frames; ++k) {
        const std::int64_t s = e.played + static_cast<std::int64_t>(k) - e.latency;
        float value = 0.0f;
        if (s >= 0) {
            value = e.native[static_cast<std::size_t>(s - e.nativeStart)];
            if (s < Impl::end(e.markOut, e.markOutStart)) // always, by the measured latency
                value += e.markOut[static_cast<std::size_t>(s - e.markOutStart)];
        }
        out[k] = value;
    }
    e.played += static_cast<std::int64_t>(frames);
    e.trim();
}

// ---- detection ----

namespace {

constexpr int kMarkBins = kBands * kBinsPerBand; // the bands' bins, per slot

// Folded, whitened tile statistics of one sub-slot alignment: folded[p * kBands + b] sums over
// all slots j with j mod period == p. Each FFT bin of a band is whitened on its own and the
// band's bins summed: in a mix, a bin that the marked track dominates (a partial) keeps a steady
// level and a high weight even where the other track dominates the band's other bins.
//
// The slots come in one at a time (addSlot: a slot's log bin powers) and each is folded as soon
// as its neighbourhood is known: kNeighbourSlots later for its detail, kVarianceSlots more for
// its bins' spreads, kSlotSpan more for its scale. So memory is kRing slots whatever the length,
// and the result is that of the whole input at once (docs/WATERMARK.md "Detection").
class FoldedStatistics {
public:
    FoldedStatistics()
        : level_(std::size_t(kRing) * kMarkBins), detail_(std::size_t(kRing) * kMarkBins, 0.0f),
          spread_(std::size_t(kRing) * kMarkBins, 1.0f), loudness_(kRing, 0.0f),
          live_(std::size_t(kRing) * kMarkBins, 0), edge_(kRing, kMarkBins),
          window_(kMarkBins, 0.0), power_(kMarkBins, 0.0) {}

    // Only the first `bins` bins of the bands count (the input's rate keeps the others empty).
    void useBins(int bins) { bins_ = bins; }

    void addSlot(const float* level) {
        std::copy_n(level, kMarkBins, row(level_, slots_));
        ++slots_;
        // With later slots in, a slot's neighbourhood does not reach the input's end.
        for (; nextDetail_ + kNeighbourSlots < slots_; ++nextDetail_)
            computeDetail(nextDetail_,
                          static_cast<int>(std::min<std::int64_t>(kNeighbourSlots, nextDetail_)));
        for (; nextWeight_ + kVarianceSlots < nextDetail_; ++nextWeight_)
            computeWeights(nextWeight_, nextWeight_ + kVarianceSlots + 1);
        for (; nextFold_ + kSlotSpan < nextWeight_; ++nextFold_)
            fold(nextFold_, nextFold_ + kSlotSpan);
    }

    // The input ended: the remaining slots, with neighbourhoods cut at its ends.
    void finish() {
        if (slots_ < 3)
            return;
        const std::int64_t last = slots_ - 1; // slots [1, last) are analysed
        for (; nextDetail_ < last; ++nextDetail_)
            computeDetail(nextDetail_, static_cast<int>(std::min<std::int64_t>(
                                           {kNeighbourSlots, nextDetail_, last - nextDetail_})));
        for (; nextWeight_ < last; ++nextWeight_)
            computeWeights(nextWeight_,
                           std::min<std::int64_t>(last, nextWeight_ + kVarianceSlots + 1));
        for (; nextFold_ < last; ++nextFold_)
            fold(nextFold_, std::min<std::int64_t>(last - 1, nextFold_ + kSlotSpan));
    }

    const std::array<float, kTiles>& folded() const { return folded_; }

private:
    // Every slot still needed: the spreads' window of details either side of a slot, and more.
    static constexpr int kRing = 256;
    static_assert(kRing > 2 * (kVarianceSlots + kSlotSpan + kNeighbourSlots) + 2, "ring size");

    template <typename T> static T* row(std::vector<T>& ring, std::int64_t slot) {
        return ring.data() + static_cast<std::size_t>(slot % kRing) * kMarkBins;
    }

    // High-pass in time (minus the mean of the +-span neighbours) and across bins (minus the
    // slot's mean over its live bins): what stays of a steady host is small; onsets and gain
    // changes cancel. Three neighbours each side rather than one: the rest of a host's level is
    // mostly frame-to-frame jitter, which a wider mean predicts with less added noise. A bin
    // under kDeadPower all that time (above the rate of audio resampled from below 16 kHz,
    // digital silence, dither), or above the input's band (useBins), carries no mark and stays
    // out: detail 0, not in the slot's mean.
    void computeDetail(std::int64_t j, int span) {
        static const float deadLevel = std::log(kDeadPower + kPowerFloor);
        const float* now = row(level_, j);
        float* d = row(detail_, j);
        std::uint8_t* live = row(live_, j);
        int count = 0;
        float mean = 0;
        for (int c = 0; c < kMarkBins; ++c) {
            float neighbours = 0, loudest = now[c];
            for (int k = 1; k <= span; ++k) {
                const float before = row(level_, j - k)[c], after = row(level_, j + k)[c];
                neighbours += before + after;
                loudest = std::max({loudest, before, after});
            }
            live[c] = loudest > deadLevel && c < bins_ ? 1 : 0;
            if (!live[c]) {
                d[c] = 0;
                continue;
            }
            d[c] = now[c] - neighbours / float(2 * span);
            mean += d[c];
            ++count;
        }
        if (count == 0)
            return;
        mean /= float(count);
        for (int c = 0; c < kMarkBins; ++c)
            if (live[c])
                d[c] -= mean;
    }

    // Each bin's spread: its detail's RMS over the slots [j - kVarianceSlots, to) (a running sum
    // of squares), at least kMinSpread; and the slot's loudness, the mean square over its live
    // bins of detail / spread.
    void computeWeights(std::int64_t j, std::int64_t to) {
        const std::int64_t from = std::max<std::int64_t>(1, j - kVarianceSlots);
        for (; windowEnd_ < to; ++windowEnd_) {
            const float* d = row(detail_, windowEnd_);
            const float* l = row(level_, windowEnd_);
            for (int c = 0; c < kMarkBins; ++c) {
                window_[static_cast<std::size_t>(c)] += double(d[c]) * d[c];
                power_[static_cast<std::size_t>(c)] += std::exp(double(l[c]));
            }
        }
        for (; windowStart_ < from; ++windowStart_) {
            const float* d = row(detail_, windowStart_);
            const float* l = row(level_, windowStart_);
            for (int c = 0; c < kMarkBins; ++c) {
                window_[static_cast<std::size_t>(c)] -= double(d[c]) * d[c];
                power_[static_cast<std::size_t>(c)] -= std::exp(double(l[c]));
            }
        }
        // The band the audio fills here: a top of the bands that stays under kDeadPower all the
        // window long is the edge of an earlier, lower rate (resampled down and up again). Bins
        // within kEdgeMargin of it carry the upsampler's images of the band, not the mark.
        int top = -1;
        for (int c = 0; c < bins_; ++c)
            if (power_[static_cast<std::size_t>(c)] / double(to - from) - kPowerFloor > kDeadPower)
                top = c;
        const int edge = top < 0 || top == bins_ - 1 ? bins_ : std::max(0, top + 1 - kEdgeMargin);
        edge_[static_cast<std::size_t>(j % kRing)] = edge;
        const float* d = row(detail_, j);
        float* spread = row(spread_, j);
        float sum2 = 0;
        int count = 0; // live bins under the edge
        const std::uint8_t* live = row(live_, j);
        for (int c = 0; c < edge; ++c) {
            const float sp = std::max(
                kMinSpread, float(std::sqrt(std::max(0.0, window_[static_cast<std::size_t>(c)]) /
                                            double(to - from))));
            spread[c] = sp;
            const float u = std::clamp(d[c] / sp, -kClip, kClip);
            sum2 += u * u;
            count += live[c];
        }
        loudness_[static_cast<std::size_t>(j % kRing)] = count > 0 ? sum2 / float(count) : 0.0f;
    }

    // Slot j's tiles into the fold, each bin scaled by its spread and the slot's scale (its
    // loudness over +-kSlotSpan slots, up to slot `through`, at least kMinSlotScale).
    void fold(std::int64_t j, std::int64_t through) {
        const int p = periodSlot(j);
        float e = 0;
        int n = 0;
        for (std::int64_t k = std::max<std::int64_t>(1, j - kSlotSpan); k <= through; ++k, ++n)
            e += loudness_[static_cast<std::size_t>(k % kRing)];
        const float f = std::sqrt(std::max(kMinSlotScale, e / float(n)));
        const float* d = row(detail_, j);
        const float* spread = row(spread_, j);
        const int edge = edge_[static_cast<std::size_t>(j % kRing)];
        for (int c = 0; c < edge; ++c) {
            const float sp = spread[c] * f;
            folded_[static_cast<std::size_t>(p * kBands + c / kBinsPerBand)] +=
                std::clamp(d[c] / sp, -kClip, kClip) / sp;
        }
    }

    std::vector<float> level_, detail_, spread_, loudness_; // rings of kRing slots
    std::vector<std::uint8_t> live_; // ring: 1 for a bin that carries a mark (computeDetail)
    std::vector<int> edge_;          // ring: the bins under it count (computeWeights)
    int bins_ = kMarkBins;
    std::vector<double> window_; // per bin: sum of detail^2 over [windowStart_, windowEnd_)
    std::vector<double> power_;  // per bin: sum of power + kPowerFloor over the same slots // per
                                 // bin: sum of detail^2 over [windowStart_, windowEnd_)
    std::int64_t slots_ = 0;     // slots whose levels came in
    std::int64_t nextDetail_ = 1, nextWeight_ = 1, nextFold_ = 1; // slot 0 is not analysed
    std::int64_t windowStart_ = 1, windowEnd_ = 1;
    std::array<float, kTiles> folded_{};
};

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

// Every alignment: a sub-slot offset's statistics plus half of each neighbouring offset's (the
// mark's gains cross-fade over a slot, so the neighbours 64 samples either side still see most
// of it), at each of the period's cyclic shifts. There every symbol's correlation with all its
// codewords comes from a Walsh-Hadamard transform, and the payloads built from the kListSize
// strongest codewords of each payload byte (with the CRC-8 byte they imply) are scored: their
// whole period's pattern (sync and symbols) correlated with the statistics and normalised by
// their norm (see watermark.h). The best-scoring payload is read if it clears the threshold and
// every other payload scored by at least kMinMargin. offsets[o] holds offset o's statistics.
WatermarkDetection readMark(const std::array<std::array<float, kTiles>, kOffsets>& offsets) {
    const Layout& l = layout();
    WatermarkDetection result;
    // single[o + 1] holds offset o; single[0] is offset -1 (the last offset one slot earlier)
    // and single[kOffsets + 1] offset kOffsets (offset 0 one slot later).
    std::array<std::array<float, kTiles>, kOffsets + 2> single{};
    for (int o = 0; o < kOffsets; ++o)
        single[static_cast<size_t>(o + 1)] = offsets[static_cast<size_t>(o)];
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
    result.candidate = bestPayload;
    result.candidateScore = std::max(best, 0.0);
    if (best < kWatermarkThreshold || best - runnerUp < kMinMargin)
        return result;
    result.found = true;
    result.payload = bestPayload;
    return result;
}

} // namespace

std::optional<std::uint32_t> readKnownPayload(const WatermarkDetection& detection,
                                              const std::function<bool(std::uint32_t)>& isKnown) {
    if (detection.found)
        return detection.payload;
    if (detection.candidateScore >= kWatermarkThreshold && isKnown(detection.candidate))
        return detection.candidate;
    return std::nullopt;
}

struct WatermarkDetector::Impl {
    int sampleRate = 0;
    int channels = 0;
    std::optional<dsp::StreamResampler> resampler; // to kRate, unless already there
    std::int64_t inputFrames = 0;
    std::vector<float> mono; // one block's downmix
    // The analysis stream at kRate: samples [start, start + samples.size()) kept, of which those
    // before `usable` may be analysed (no more than the input's length at kRate gives).
    std::vector<float> samples;
    std::int64_t start = 0;
    std::int64_t delivered = 0;
    std::array<FoldedStatistics, kOffsets> statistics;
    std::array<std::int64_t, kOffsets> nextSlot{}; // per offset: the next slot to analyse
    dsp::RealFft fft{kFftSize};
    std::array<float, kMarkBins> level{};

    // The input's length at kRate, as the one-shot resampling of all of it would give.
    std::int64_t lengthAtRate() const {
        return static_cast<std::int64_t>(
            lengthAt(static_cast<size_t>(inputFrames), sampleRate, kRate));
    }

    void deliver(const float* x, std::size_t count) {
        samples.insert(samples.end(), x, x + count);
        delivered += static_cast<std::int64_t>(count);
    }

    // Log bin powers of every slot whose frame lies before `usable`, for each offset.
    void analyse(std::int64_t usable) {
        const Layout& l = layout();
        const Complex* spectrum = fft.spectrum();
        for (int o = 0; o < kOffsets; ++o) {
            const int offset = o * kSlot / kOffsets;
            std::int64_t& j = nextSlot[static_cast<size_t>(o)];
            for (; offset + (j + 1) * kSlot <= usable; ++j) {
                fft.loadWindowed(samples.data(), static_cast<std::int64_t>(samples.size()),
                                 offset + j * kSlot - start, l.hann.data());
                fft.forward();
                for (int c = 0; c < kMarkBins; ++c)
                    level[static_cast<size_t>(c)] =
                        std::log(std::norm(spectrum[kFirstBin + c]) + kPowerFloor);
                statistics[static_cast<size_t>(o)].addSlot(level.data());
            }
        }
        // Drop what every offset has analysed (in large steps: erasing moves the rest).
        std::int64_t needed = usable;
        for (int o = 0; o < kOffsets; ++o)
            needed =
                std::min(needed, o * kSlot / kOffsets + nextSlot[static_cast<size_t>(o)] * kSlot);
        if (needed - start >= kDropSamples) {
            samples.erase(samples.begin(), samples.begin() + (needed - start));
            start = needed;
        }
    }

    static constexpr std::int64_t kDropSamples = 1 << 16;
};

WatermarkDetector::WatermarkDetector(int sampleRate, int channels)
    : impl_(std::make_unique<Impl>()) {
    checkRate(sampleRate);
    if (channels < 1)
        throw BadInput("watermark detection needs at least one audio channel");
    impl_->sampleRate = sampleRate;
    impl_->channels = channels;
    // The bins (from kFirstBin) centred under kBandEdgeShare of half the input's rate.
    const double edge = kBandEdgeShare * sampleRate / 2 / (double(kRate) / kFftSize);
    const int bins = std::clamp(static_cast<int>(std::ceil(edge)) - kFirstBin, 0, kMarkBins);
    for (auto& statistics : impl_->statistics)
        statistics.useBins(bins);
    if (sampleRate != kRate)
        impl_->resampler.emplace(sampleRate, kRate, 1, dsp::ResampleQuality::Low);
}

WatermarkDetector::~WatermarkDetector() = default;
WatermarkDetector::WatermarkDetector(WatermarkDetector&&) noexcept = default;
WatermarkDetector& WatermarkDetector::operator=(WatermarkDetector&&) noexcept = default;

void WatermarkDetector::add(const float* const* planar, std::size_t frames) {
    Impl& d = *impl_;
    constexpr std::size_t kBlock = 1 << 15;
    for (std::size_t done = 0; done < frames;) {
        const std::size_t count = std::min(kBlock, frames - done);
        // The mono downmix: the channels' mean.
        d.mono.assign(planar[0] + done, planar[0] + done + count);
        for (int c = 1; c < d.channels; ++c)
            for (std::size_t i = 0; i < count; ++i)
                d.mono[i] += planar[c][done + i];
        if (d.channels > 1) {
            const float scale = 1.0f / float(d.channels);
            for (float& x : d.mono)
                x *= scale;
        }
        d.inputFrames += static_cast<std::int64_t>(count);
        if (d.resampler) {
            const float* in[1] = {d.mono.data()};
            d.resampler->process(in, count, [&](const float* const* out, std::size_t produced) {
                d.deliver(out[0], produced);
            });
        } else {
            d.deliver(d.mono.data(), count);
        }
        d.analyse(std::min(d.delivered, d.lengthAtRate()));
        done += count;
    }
}

WatermarkDetection WatermarkDetector::finish() {
    Impl& d = *impl_;
    if (d.resampler)
        d.resampler->finish(
            [&](const float* const* out, std::size_t produced) { d.deliver(out[0], produced); });
    // Exactly the input's length at kRate: resampling may deliver a sample more or less.
    const std::int64_t length = d.lengthAtRate();
    if (d.delivered < length)
        d.samples.resize(static_cast<std::size_t>(length - d.start), 0.0f);
    if (length < kMinSamples)
        return {};
    d.analyse(length);
    std::array<std::array<float, kTiles>, kOffsets> folded{};
    for (int o = 0; o < kOffsets; ++o) {
        d.statistics[static_cast<size_t>(o)].finish();
        folded[static_cast<size_t>(o)] = d.statistics[static_cast<size_t>(o)].folded();
    }
    return readMark(folded);
}

WatermarkDetection detectWatermark(const std::vector<std::vector<float>>& channels,
                                   int sampleRate) {
    checkInput(channels, sampleRate);
    if (channels.empty() || channels.front().empty())
        return {};
    WatermarkDetector detector(sampleRate, static_cast<int>(channels.size()));
    std::vector<const float*> planar;
    for (const auto& channel : channels)
        planar.push_back(channel.data());
    detector.add(planar.data(), channels.front().size());
    return detector.finish();
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
