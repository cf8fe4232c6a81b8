#pragma once

// Inaudible, robust audio watermark carrying a 32-bit payload that identifies a render
// (docs/CONSENT.md "Lineage cannot be laundered"). docs/WATERMARK.md explains the design (tiles
// of the host scaled by a spread pattern, whitened blind detection with list decoding) and what
// was measured. Plain C++ (no JUCE, soxr or Qt types here). Thread-safe: no shared mutable state.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace accord::audio {

constexpr double kWatermarkThreshold = 9.1;
// The lowest sample rate embedWatermark and detection take (the lowest a recording may have,
// audio_file.h): at 8 kHz the mark's bands under 4 kHz remain, and detection reads them
// (docs/WATERMARK.md "Rates").
constexpr int kWatermarkMinimumRate = 8000;

struct WatermarkDetection {
    bool found = false;        // a CRC-matching payload scored above the threshold
    std::uint32_t payload = 0; // valid only when found
    double confidence =
        0; // pattern z-score (docs/WATERMARK.md); found needs >= kWatermarkThreshold
    // The best-scoring payload and its score, also when it was not read because another payload
    // scored within the margin of it (see readKnownPayload).
    std::uint32_t candidate = 0;
    double candidateScore = 0;
};

// The payload a detection read, or else its best candidate when that cleared the threshold and
// `isKnown` says it was issued (a render of this studio, a watermark a manifest lists): the
// margin over other payloads guards against reading a wrong one, and a wrong payload that is also
// a known one is as unlikely as guessing one of a few known values among 2^32
// (docs/WATERMARK.md "Known payloads"). Nothing when neither holds.
std::optional<std::uint32_t> readKnownPayload(const WatermarkDetection& detection,
                                              const std::function<bool(std::uint32_t)>& isKnown);

// Embeds the mark for `payload` in place, the same mark added to every channel (so a mono
// downmix keeps it). Channels must have equal lengths; sampleRate >= kWatermarkMinimumRate (under
// 16 kHz only the bands below half the rate carry it). Deterministic. Throws accord::BadInput
// otherwise.
void embedWatermark(std::vector<std::vector<float>>& channels, int sampleRate,
                    std::uint32_t payload);

// The mark added to a mono stream as it plays (the Accord Voice plugin's output, docs/PLUGIN.md):
// every 16 ms frame is marked by the very arithmetic embedWatermark marks the same samples with,
// on the stream resampled to the mark's rate as it comes, and the mark resampled back, so the
// detection and robustness figures of the file's mark hold for it (docs/WATERMARK.md
// "Streaming embedding"). The output is the input latencyFrames() later with its mark added; the
// output must not depend on how the stream is cut, and does not. Construct on any thread (the
// first of a rate measures the resamplers' delay, a few tens of milliseconds); process() on one
// thread at a time, never the audio thread (it allocates as its buffers grow).
class WatermarkStreamEmbedder {
public:
    // Throws accord::BadInput for sampleRate < kWatermarkMinimumRate.
    WatermarkStreamEmbedder(int sampleRate, std::uint32_t payload);
    ~WatermarkStreamEmbedder();
    WatermarkStreamEmbedder(WatermarkStreamEmbedder&&) noexcept;
    WatermarkStreamEmbedder& operator=(WatermarkStreamEmbedder&&) noexcept;

    // One frame of the mark's rate (16 ms), the rest of its overlap, and the two resamplers'.
    int latencyFrames() const;
    // `frames` mono frames in (`in` may be `out`); the input of latencyFrames() earlier, marked,
    // out (silence before the stream's start).
    void process(const float* in, float* out, std::size_t frames);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// Looks for a mark anywhere in the audio (mono or multichannel, downmixed inside); the longer
// the input, the surer the read (docs/WATERMARK.md "Limits"). Empty, silent or under 1 s: not
// found. Throws accord::BadInput for unequal channel lengths or sampleRate <
// kWatermarkMinimumRate. The same as handing all of it to a WatermarkDetector.
WatermarkDetection detectWatermark(const std::vector<std::vector<float>>& channels, int sampleRate);

// Detection in a stream: the audio handed over in blocks of any size, the verdict at the end,
// the same as detectWatermark's on all of it at once. Memory is bounded whatever the length
// (about 2 MB: the detector folds its evidence modulo the mark's period as it goes,
// docs/WATERMARK.md "Streaming"). One object per thread.
class WatermarkDetector {
public:
    // Throws accord::BadInput for sampleRate < kWatermarkMinimumRate or channels < 1.
    WatermarkDetector(int sampleRate, int channels);
    ~WatermarkDetector();
    WatermarkDetector(WatermarkDetector&&) noexcept;
    WatermarkDetector& operator=(WatermarkDetector&&) noexcept;

    // `frames` frames, one pointer per channel.
    void add(const float* const* planar, std::size_t frames);
    // The verdict on everything added. The detector is spent afterwards.
    WatermarkDetection finish();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// Stable printable form of a payload, "acw1-" and eight lowercase hex digits ("acw1-0000002a"),
// and its parser (accepts either case; throws accord::BadInput for anything else).
std::string watermarkPayloadText(std::uint32_t payload);
std::uint32_t parseWatermarkPayloadText(const std::string& text);

} // namespace accord::audio
