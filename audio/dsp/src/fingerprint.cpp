#include "accord/dsp/fingerprint.h"

#include "accord/core/errors.h"
#include "accord/dsp/fft.h"
#include "accord/dsp/resample.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <deque>
#include <limits>

namespace accord::dsp {
namespace {

using namespace fingerprint;

constexpr int kLowBin = 20;   // 156 Hz
constexpr int kHighBin = 448; // 3.5 kHz: under MP3's low-pass and any rate from 8 kHz
constexpr int kBins = kHighBin - kLowBin + 1;
constexpr int kFreqRadius = 8;      // bins (62 Hz) a peak dominates either side in the index,
constexpr int kQueryFreqRadius = 4; // and in a query: under another track more of a recording's
                                    // peaks stay peaks (docs/IDENTIFY.md "Landmarks": mixes)
constexpr int kTimeRadius = 8;      // frames (128 ms) a peak dominates either side
constexpr int kRingFrames = 2 * kTimeRadius + 1;
constexpr float kFloorLogPower = -7.0f; // ln power: under this a bin is silence
constexpr int kIndexFanOut = 4;         // later peaks each anchor pairs with, in the index
constexpr int kQueryFanOut = 8;         // and in a query (docs/IDENTIFY.md "Landmarks": mixes)
constexpr int kMinSpan = 4;             // frames from the first peak to the third
constexpr int kMaxSpan = 48;            // 0.77 s
constexpr double kTargetCents = 1800;   // later peaks within 1.5 octaves of the anchor
constexpr double kReferenceHz = 100;

// Hash cells (docs/IDENTIFY.md "Landmarks"): the first peak's pitch in whole tones (the lowest
// bits, so the cells a query reaches lie side by side in the lookup file), pitch differences in
// half semitones up to two octaves either way, the time ratio of the middle peak in as many cells
// as the span's octave resolves, the span's octave.
constexpr double kIntervalCell = 50;  // cents
constexpr int kIntervalCells = 97;    // -24..+24 semitones
constexpr double kRegisterCell = 200; // cents
constexpr int kRegisterCells = 32;    // up to 6400 cents above 100 Hz: past kHighBin
// A query looks up every register cell within this of its anchor: a semitone of pitch shift or 5%
// of speed change moves the anchor less, so no landmark is lost to a register edge.
constexpr double kRegisterReach = 110; // cents
constexpr double kEdgeMargin = 0.02;   // of a cell: query its neighbour too
constexpr int kQuantities = 5;
constexpr int kRegister = 0, kRatio = 3, kSpanOctave = 4; // indexes of those quantities
constexpr int kSpanOctaves = 4;
// A query cut at another sample than the recording's frames moves a peak by up to a frame: 1/span
// of the ratio, so a short span resolves fewer cells (4-8 frames: halves; 32-48: twelfths).
constexpr int kRatioCellsOfSpan[kSpanOctaves] = {2, 4, 8, 12};
constexpr int kFieldBits[kQuantities] = {kRegisterBits, 7, 7, 4, 2};
constexpr int kCellCount[kQuantities] = {kRegisterCells, kIntervalCells, kIntervalCells, 12,
                                         kSpanOctaves};
static_assert(kRegisterCells == 1 << kRegisterBits, "the register fills its bits");

// Above the cells' fields: which of the three peaks is the loudest (1..3) and which the quietest
// (1..3); a near tie (within 1 dB) is looked up the other way too.
constexpr int kLoudestShift = 25;
constexpr int kQuietestShift = 27;
constexpr float kStrengthTie = 0.23f; // ln power: 1 dB

struct Peak {
    std::uint32_t frame;
    double cents;   // above kReferenceHz
    float strength; // ln power
};

using Cells = std::array<double, kQuantities>; // in cells, fractional

// The middle peak's time as a fraction of the span, in the cells of the span's octave `octave`.
double ratioCells(double middle, int octave) {
    return middle * kRatioCellsOfSpan[octave];
}

Cells cellsOf(const Peak& a, const Peak& b, const Peak& c, double middle) {
    const double half = (kIntervalCells - 1) / 2.0;
    const double span = double(c.frame - a.frame);
    const double octave = std::log2(span / kMinSpan);
    return {a.cents / kRegisterCell, (b.cents - a.cents) / kIntervalCell + half,
            (c.cents - b.cents) / kIntervalCell + half,
            ratioCells(middle, std::min(kSpanOctaves - 1, int(octave))), octave};
}

std::uint32_t hashOf(const int (&cells)[kQuantities]) {
    std::uint32_t hash = 0;
    for (int q = kQuantities - 1; q >= 0; --q)
        hash = hash << kFieldBits[q] | std::uint32_t(cells[q]);
    return hash;
}

int orderField(std::uint32_t hash, int shift) {
    return int(hash >> shift & 3);
}

int fieldOf(std::uint32_t hash, int quantity) {
    for (int q = 0; q < quantity; ++q)
        hash >>= kFieldBits[q];
    return int(hash & ((1u << kFieldBits[quantity]) - 1));
}

// Two bits: lower edge, upper edge.
int edgeBits(double cell) {
    const double fraction = cell - std::floor(cell);
    return (fraction < kEdgeMargin ? 1 : 0) | (fraction > 1 - kEdgeMargin ? 2 : 0);
}

// Two bits per quantity, in the order of the hash's fields; the ratio's are left to queryHashes
// (its cells depend on the span's octave looked up), and the register has its reach instead.
std::uint16_t edgesOf(const Cells& c) {
    std::uint16_t edges = 0;
    for (int q = 0; q < kQuantities; ++q)
        if (q != kRatio && q != kRegister)
            edges |= std::uint16_t(edgeBits(c[std::size_t(q)]) << (2 * q));
    return edges;
}

bool inRange(const Cells& c) {
    for (int q = 0; q < kQuantities; ++q)
        if (!(c[std::size_t(q)] >= 0 && c[std::size_t(q)] < kCellCount[q]))
            return false;
    return true;
}

const std::vector<float>& hannWindow() {
    static const std::vector<float> window = periodicHannWindow(kFftSize);
    return window;
}

} // namespace

struct Fingerprinter::Impl {
    Impl(double rate, int channelCount, FingerprintSide side, Sink out)
        : inputRate(rate), channels(channelCount),
          fanOut(side == FingerprintSide::Index ? kIndexFanOut : kQueryFanOut),
          freqRadius(side == FingerprintSide::Index ? kFreqRadius : kQueryFreqRadius),
          sink(std::move(out)), fft(kFftSize), logPower(std::size_t(kRingFrames) * kBins),
          freqMax(std::size_t(kRingFrames) * kBins) {
        if (!(rate > 0) || channels < 1)
            throw BadInput("fingerprint: invalid rate or channel count");
        if (rate != kRate)
            resampler = std::make_unique<StreamResampler>(rate, kRate, 1, ResampleQuality::Low);
    }

    double inputRate;
    int channels;
    int fanOut;
    int freqRadius; // bins a peak dominates either side
    Sink sink;
    RealFft fft;
    std::unique_ptr<StreamResampler> resampler;
    std::vector<float> mono;
    std::vector<float> pending; // 8 kHz samples from the next frame's start
    std::vector<float> power;
    std::vector<float> logPower; // ring of kRingFrames frames x kBins
    std::vector<float> freqMax;  // the same, each bin the max over +-freqRadius bins
    std::int64_t framesAnalysed = 0;
    std::int64_t framesPeaked = 0; // frames whose peaks are known
    std::deque<Peak> peaks;        // those that may still anchor or complete a triplet
    std::int64_t inputFrames = 0;

    float* ringRow(std::vector<float>& ring, std::int64_t frame) {
        return ring.data() + std::size_t(frame % kRingFrames) * kBins;
    }

    void addMono(const float* samples, std::size_t count) {
        if (!resampler) {
            analyse(samples, count);
            return;
        }
        const float* planar[1] = {samples};
        resampler->process(planar, count,
                           [this](const float* const* out, std::size_t n) { analyse(out[0], n); });
    }

    void analyse(const float* samples, std::size_t count) {
        pending.insert(pending.end(), samples, samples + count);
        std::size_t start = 0;
        while (pending.size() - start >= std::size_t(kFftSize)) {
            analyseFrame(pending.data() + start);
            start += kHop;
        }
        pending.erase(pending.begin(), pending.begin() + std::ptrdiff_t(start));
    }

    void analyseFrame(const float* samples) {
        fft.loadWindowed(samples, kFftSize, 0, hannWindow().data());
        fft.forward();
        power.resize(std::size_t(fft.bins()));
        powerSpectrum(fft.spectrum(), fft.bins(), power.data());
        float* row = ringRow(logPower, framesAnalysed);
        for (int k = 0; k < kBins; ++k)
            row[k] = std::log(power[std::size_t(kLowBin + k)] + 1e-12f);
        // van Herk / Gil-Werman running max over 2 * freqRadius + 1 bins.
        const int width = 2 * freqRadius + 1;
        float prefix[kBins + 2 * kFreqRadius + 1], suffix[kBins + 2 * kFreqRadius + 1];
        const float low = -std::numeric_limits<float>::infinity();
        auto at = [&](int i) { // padded index i - freqRadius
            const int k = i - freqRadius;
            return k >= 0 && k < kBins ? row[k] : low;
        };
        const int padded = kBins + 2 * freqRadius;
        for (int i = 0; i < padded; ++i)
            prefix[i] = i % width == 0 ? at(i) : std::max(prefix[i - 1], at(i));
        for (int i = padded - 1; i >= 0; --i)
            suffix[i] = (i % width == width - 1 || i == padded - 1)
                            ? at(i)
                            : std::max(suffix[i + 1], at(i));
        float* maxRow = ringRow(freqMax, framesAnalysed);
        for (int k = 0; k < kBins; ++k)
            maxRow[k] = std::max(suffix[k], prefix[k + width - 1]);
        ++framesAnalysed;
        while (framesPeaked + kTimeRadius < framesAnalysed)
            findPeaks(framesPeaked++);
    }

    // Peaks of `frame`: the largest value over +-freqRadius bins and +-kTimeRadius frames (frames
    // not analysed count as silence).
    void findPeaks(std::int64_t frame) {
        const float* row = ringRow(logPower, frame);
        const float* maxRow = ringRow(freqMax, frame);
        for (int k = 1; k < kBins - 1; ++k) {
            const float value = row[k];
            if (value < kFloorLogPower || value != maxRow[k])
                continue;
            bool dominant = true;
            for (std::int64_t t = std::max<std::int64_t>(0, frame - kTimeRadius);
                 dominant && t < std::min(framesAnalysed, frame + kTimeRadius + 1); ++t)
                if (t != frame) {
                    const float other = ringRow(freqMax, t)[k];
                    dominant = t < frame ? other < value : other <= value;
                }
            if (!dominant)
                continue;
            const float left = row[k - 1], right = row[k + 1];
            const float curvature = left - 2 * value + right;
            const double offset = curvature < 0 ? 0.5 * (left - right) / curvature : 0.0;
            const double hz = (kLowBin + k + offset) * kRate / kFftSize;
            addPeak({std::uint32_t(frame), 1200 * std::log2(hz / kReferenceHz), value});
        }
    }

    void addPeak(const Peak& peak) {
        while (!peaks.empty() && peaks.front().frame + kMaxSpan < peak.frame)
            emitTriplets();
        peaks.push_back(peak);
    }

    // The order of the peaks' strengths: kept by speed, pitch and stretch changes and by coding,
    // it splits each hash's rows in about six (docs/IDENTIFY.md "Landmarks").
    static void addLoudness(const Peak& a, const Peak& b, const Peak& c, Landmark& landmark) {
        const float strength[3] = {a.strength, b.strength, c.strength};
        int order[3] = {0, 1, 2};
        std::sort(order, order + 3, [&](int x, int y) { return strength[x] > strength[y]; });
        landmark.hash |= std::uint32_t(order[0] + 1) << kLoudestShift | std::uint32_t(order[2] + 1)
                                                                            << kQuietestShift;
        if (strength[order[0]] - strength[order[1]] < kStrengthTie)
            landmark.nearEdges |= std::uint16_t((order[1] + 1) << (2 * kQuantities));
        if (strength[order[1]] - strength[order[2]] < kStrengthTie)
            landmark.nearEdges |= std::uint16_t((order[1] + 1) << (2 * kQuantities + 2));
    }

    // The triplets anchored at the oldest peak, then drops it.
    void emitTriplets() {
        const Peak anchor = peaks.front();
        peaks.pop_front();
        Peak later[kQueryFanOut];
        int count = 0;
        for (std::size_t i = 0; i < peaks.size() && count < fanOut; ++i)
            if (peaks[i].frame > anchor.frame && peaks[i].frame <= anchor.frame + kMaxSpan &&
                std::abs(peaks[i].cents - anchor.cents) <= kTargetCents)
                later[count++] = peaks[i];
        for (int i = 0; i < count; ++i)
            for (int j = i + 1; j < count; ++j) {
                const Peak& b = later[i];
                const Peak& c = later[j];
                if (c.frame <= b.frame || c.frame - anchor.frame < kMinSpan)
                    continue;
                const double middle = double(b.frame - anchor.frame) / (c.frame - anchor.frame);
                const Cells cells = cellsOf(anchor, b, c, middle);
                if (!inRange(cells))
                    continue;
                Landmark landmark;
                int whole[kQuantities];
                for (int q = 0; q < kQuantities; ++q)
                    whole[q] = int(cells[std::size_t(q)]);
                landmark.hash = hashOf(whole);
                landmark.frame = anchor.frame;
                landmark.span = std::uint16_t(c.frame - anchor.frame);
                landmark.pitchCents = std::int16_t(std::lround(anchor.cents));
                landmark.nearEdges = edgesOf(cells);
                landmark.middle = middle;
                addLoudness(anchor, b, c, landmark);
                sink(landmark);
            }
    }

    void finish() {
        if (resampler)
            resampler->finish(
                [this](const float* const* out, std::size_t n) { analyse(out[0], n); });
        // The last samples as one more frame, zero-padded.
        if (!pending.empty()) {
            pending.resize(std::size_t(kFftSize), 0.0f);
            analyseFrame(pending.data());
            pending.clear();
        }
        while (framesPeaked < framesAnalysed)
            findPeaks(framesPeaked++);
        while (!peaks.empty())
            emitTriplets();
    }
};

Fingerprinter::Fingerprinter(double sampleRate, int channels, FingerprintSide side, Sink sink)
    : impl_(std::make_unique<Impl>(sampleRate, channels, side, std::move(sink))) {}

Fingerprinter::~Fingerprinter() = default;

void Fingerprinter::add(const float* const* planar, std::size_t frames) {
    Impl& d = *impl_;
    d.inputFrames += std::int64_t(frames);
    if (d.channels == 1) {
        d.addMono(planar[0], frames);
        return;
    }
    d.mono.assign(frames, 0.0f);
    const float scale = 1.0f / float(d.channels);
    for (int c = 0; c < d.channels; ++c)
        for (std::size_t i = 0; i < frames; ++i)
            d.mono[i] += planar[c][i] * scale;
    d.addMono(d.mono.data(), frames);
}

void Fingerprinter::finish() {
    impl_->finish();
}

double Fingerprinter::seconds() const {
    return double(impl_->inputFrames) / impl_->inputRate;
}

std::vector<Landmark> fingerprintSamples(const std::vector<float>& mono, double sampleRate,
                                         FingerprintSide side) {
    std::vector<Landmark> landmarks;
    Fingerprinter fingerprinter(sampleRate, 1, side,
                                [&](const Landmark& l) { landmarks.push_back(l); });
    const float* planar[1] = {mono.data()};
    fingerprinter.add(planar, mono.size());
    fingerprinter.finish();
    return landmarks;
}

void queryHashes(const Landmark& landmark, std::vector<std::uint32_t>& out) {
    // The strength orders: (loudest, quietest) and, for a near tie, the middle peak in its place.
    const int loudest = orderField(landmark.hash, kLoudestShift);
    const int quietest = orderField(landmark.hash, kQuietestShift);
    const int loudestTie = landmark.nearEdges >> (2 * kQuantities) & 3;
    const int quietestTie = landmark.nearEdges >> (2 * kQuantities + 2) & 3;
    std::uint32_t orders[4];
    int orderCount = 0;
    for (const int l : {loudest, loudestTie})
        for (const int q : {quietest, quietestTie})
            if (l && q && l != q && (l == loudest || q == quietest))
                orders[orderCount++] = std::uint32_t(l) << kLoudestShift | std::uint32_t(q)
                                                                               << kQuietestShift;
    // The cell and, near an edge, its neighbour.
    auto optionsOf = [](int cell, int edges, int cellCount, int(&options)[3]) {
        int n = 0;
        options[n++] = cell;
        if (edges & 1 && cell > 0)
            options[n++] = cell - 1;
        if (edges & 2 && cell + 1 < cellCount)
            options[n++] = cell + 1;
        return n;
    };
    int options[kQuantities][3];
    int counts[kQuantities];
    for (int q = 0; q < kQuantities; ++q)
        counts[q] = optionsOf(fieldOf(landmark.hash, q), landmark.nearEdges >> (2 * q) & 3,
                              kCellCount[q], options[q]);
    // The register: every cell within kRegisterReach of the anchor, in increasing order (they
    // are neighbours in the lookup file).
    counts[kRegister] = 0;
    for (int cell =
             std::max(0, int(std::floor((landmark.pitchCents - kRegisterReach) / kRegisterCell)));
         cell < kRegisterCells && cell * kRegisterCell <= landmark.pitchCents + kRegisterReach;
         ++cell)
        options[kRegister][counts[kRegister]++] = cell;
    // The ratio's cells for each span octave looked up.
    int ratioOptions[3][3];
    int ratioCounts[3];
    for (int s = 0; s < counts[kSpanOctave]; ++s) {
        const double ratio = ratioCells(landmark.middle, options[kSpanOctave][s]);
        ratioCounts[s] = optionsOf(int(ratio), edgeBits(ratio),
                                   kRatioCellsOfSpan[options[kSpanOctave][s]], ratioOptions[s]);
    }
    // Every combination of the options, one index per quantity.
    int chosen[kQuantities] = {};
    for (;;) {
        counts[kRatio] = ratioCounts[chosen[kSpanOctave]];
        int cells[kQuantities];
        for (int q = 0; q < kQuantities; ++q)
            cells[q] =
                q == kRatio ? ratioOptions[chosen[kSpanOctave]][chosen[q]] : options[q][chosen[q]];
        for (int o = 0; o < orderCount; ++o)
            out.push_back(hashOf(cells) | orders[o]);
        int q = 0;
        while (q < kQuantities && ++chosen[q] == counts[q])
            chosen[q++] = 0;
        if (q == kQuantities)
            return;
    }
}

} // namespace accord::dsp
