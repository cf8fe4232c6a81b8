#pragma once

// Inaudible, robust audio watermark carrying a 32-bit payload that identifies a render (SPEC §2.2).
// Plain C++ (no JUCE, soxr or Qt types here). Thread-safe: no shared mutable state.
//
// How it works. The mark lives in a fixed internal domain: the mono downmix resampled to 16 kHz,
// a 256-point STFT (16 ms), 26 bands of 250 Hz from 375 Hz to 6.875 kHz (they survive MP3 at
// 64 kbit/s, which low-passes at 11 kHz, and resampling to 22.05 kHz) and time slots of 16 ms.
// Each band-and-slot tile is scaled by (1 + a * w) with w = +1 or -1: the added signal is the
// host itself, filtered to that band, so it follows the host's spectrum and loudness (a gain
// change keeps the mark at the same relative level) and it is exactly zero where the host is
// digitally silent. In speech pauses it sits as far under the room tone or breath as it sits
// under the voice, so silence stays silence and no hiss appears; pauses simply carry no mark.
//
// Strength: per STFT frame the depths spend a fixed budget, the mark's energy 29.3 dB under
// the frame's energy per channel (all frequencies, also above 8 kHz), with a <= 0.2 (+-1.6 dB)
// in any band. The budget is spread over the bands as a_b = min(0.2, c / sqrt(E_b)) (E_b the
// band's energy in that frame): the detector's evidence from a tile grows with its depth, not
// its loudness, so the quieter bands of a frame, under the loud ones that mask them, take the
// full 0.2 at little cost and the loudest bands (formants, bass lines) take less. Measured over
// whole clips the signal-to-mark ratio is at least 30.3 dB (bench_watermark: median 31.2 dB on
// music, 30.5 dB on voice).
//
// Layout. The pattern repeats every 32 slots (0.51 s): 832 tiles, of which 192 carry a fixed
// pseudo-random sync pattern and 640 carry five 8-bit symbols (the four payload bytes and a
// CRC-8 of them), each spread over 128 tiles as a scrambled bi-orthogonal Walsh code
// (256 codewords). The tiles of every symbol are interleaved over all bands and times, so a
// partial period, a dead band or a pause loses a little of every symbol, not one symbol.
//
// Detection (blind, any offset). The detector takes log band powers on the 16 ms grid at four
// sub-slot offsets, removes the host by subtracting each tile's neighbours in time and the
// frame's mean over bands, and weights every tile by the inverse of its local variance: the
// product of its band's variance over +-0.5 s and its slot's mean square (over +-1 slot and all
// bands, in units of those variances, at least 1/4), so a steady host is a quiet background and
// a busy band or an onset of an interfering track counts less. Everything is folded modulo the
// period, so a longer input only adds evidence. The statistics of two neighbouring offsets are
// summed (the mark lies between them) and searched over the 32 cyclic shifts x 4 offset pairs;
// at each alignment the five symbols are decoded with a fast Walsh-Hadamard transform (the
// strongest codeword each) and the whole period's pattern they make, sync and symbols, is
// correlated with the statistics: 832 tiles of evidence, not only the 192 of the sync. If the
// CRC-8 does not match, the five payloads that read one symbol as its runner-up codeword are
// tried too (those whose CRC-8 then matches); the best-scoring matching payload is reported.
//
// Threshold and false positives. At an alignment, the score of a 32-bit payload is the
// correlation of its whole pattern (sync and the five symbols) with the folded statistics,
// normalised by their norm. For audio without the mark it is a sum of fixed statistics with
// pseudo-random signs, so whatever the audio, P(score >= t) <= exp(-t^2 / 2) (Hoeffding). A mark
// is reported only for a payload whose CRC-8 matches and whose score is >= kWatermarkThreshold:
// 9.1, so at most 128 alignments x 2^32 payloads x exp(-9.1^2 / 2) = 5.7e-7 false detections
// per call whatever the material (a union bound over every payload: it holds however the
// payloads are searched, and takes no credit for the CRC). confidence is the highest score
// over the alignments of the five decoded symbols, CRC matching or not. Measured: 0 of 358
// unmarked real clips, highest confidence 8.0.
//
// Limits (bench_watermark, 20 s clips, 48 music and 24 voice): music and voice read 100% of
// the time unmodified, after MP3 at 128 and 64 kbit/s, resampling and -12 dB, from a 5 s
// excerpt and under pink noise at 20 dB SNR; mixed under other music at equal loudness 98%
// (voice 92%), at +6 dB 83% (voice 83%). No wrong payload was reported. Longer inputs read more
// surely. The mark is not designed to survive time stretching or pitch shifting.

#include <cstdint>
#include <string>
#include <vector>

namespace accord::audio {

constexpr double kWatermarkThreshold = 9.1;

struct WatermarkDetection {
    bool found = false;        // a CRC-matching payload scored above the threshold
    std::uint32_t payload = 0; // valid only when found
    double confidence = 0;     // pattern z-score (see above); found needs >= kWatermarkThreshold
};

// Embeds the mark for `payload` in place, the same mark added to every channel (so a mono
// downmix keeps it). Channels must have equal lengths; sampleRate >= 16000. Deterministic.
// Throws accord::BadInput otherwise.
void embedWatermark(std::vector<std::vector<float>>& channels, int sampleRate,
                    std::uint32_t payload);

// Looks for a mark anywhere in the audio (mono or multichannel, downmixed inside); the longer
// the input, the surer the read (see Limits). Empty, silent or under 1 s: found == false.
// Throws accord::BadInput for unequal channel lengths or sampleRate < 16000.
WatermarkDetection detectWatermark(const std::vector<std::vector<float>>& channels, int sampleRate);

// Stable printable form of a payload, "acw1-" and eight lowercase hex digits ("acw1-0000002a"),
// and its parser (accepts either case; throws accord::BadInput for anything else).
std::string watermarkPayloadText(std::uint32_t payload);
std::uint32_t parseWatermarkPayloadText(const std::string& text);

} // namespace accord::audio
