#pragma once

// Inaudible, robust audio watermark carrying a 32-bit payload that identifies a render
// (docs/CONSENT.md "Lineage cannot be laundered"). docs/WATERMARK.md explains the design (tiles
// of the host scaled by a spread pattern, whitened blind detection with list decoding) and what
// was measured. Plain C++ (no JUCE, soxr or Qt types here). Thread-safe: no shared mutable state.

#include <cstdint>
#include <string>
#include <vector>

namespace accord::audio {

constexpr double kWatermarkThreshold = 9.1;
// The lowest sample rate embedWatermark and detectWatermark take.
constexpr int kWatermarkMinimumRate = 16000;

struct WatermarkDetection {
    bool found = false;        // a CRC-matching payload scored above the threshold
    std::uint32_t payload = 0; // valid only when found
    double confidence =
        0; // pattern z-score (docs/WATERMARK.md); found needs >= kWatermarkThreshold
};

// Embeds the mark for `payload` in place, the same mark added to every channel (so a mono
// downmix keeps it). Channels must have equal lengths; sampleRate >= 16000. Deterministic.
// Throws accord::BadInput otherwise.
void embedWatermark(std::vector<std::vector<float>>& channels, int sampleRate,
                    std::uint32_t payload);

// Looks for a mark anywhere in the audio (mono or multichannel, downmixed inside); the longer
// the input, the surer the read (docs/WATERMARK.md "Limits"). Empty, silent or under 1 s: not
// found. Throws accord::BadInput for unequal channel lengths or sampleRate < 16000.
WatermarkDetection detectWatermark(const std::vector<std::vector<float>>& channels, int sampleRate);

// Stable printable form of a payload, "acw1-" and eight lowercase hex digits ("acw1-0000002a"),
// and its parser (accepts either case; throws accord::BadInput for anything else).
std::string watermarkPayloadText(std::uint32_t payload);
std::uint32_t parseWatermarkPayloadText(const std::string& text);

} // namespace accord::audio
