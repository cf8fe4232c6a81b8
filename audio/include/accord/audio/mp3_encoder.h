#pragma once

// MP3 export (docs/ARCHITECTURE.md "Export with proof", "MP3"): a render encoded with libmp3lame.

#include "accord/audio/render.h"
#include "accord/core/cancelled.h"

#include <atomic>
#include <string>

namespace accord::audio {

// 320 kbit/s constant bitrate: the most MPEG-1 layer III carries, so the least the encoder takes
// away from what was proven and watermarked, and a size known in advance (docs/CLI.md "export").
constexpr int kDefaultMp3BitrateKbps = 320;

// True for the MPEG-1 layer III bitrates from 96 kbit/s up (96, 112, 128, 160, 192, 224, 256,
// 320): below that the watermark is not promised to survive (docs/WATERMARK.md).
bool isMp3ExportBitrate(int kbps);

// True for the rates MPEG-1 layer III holds (32, 44.1, 48 kHz): an MP3 of a project at another
// rate would be resampled, and it would no longer be the render that was proven.
bool isMp3SampleRate(int sampleRate);

// Encodes the WAV or FLAC at `from` (a render: stereo, at an MP3 rate) into an MP3 at `to` with
// libmp3lame at `bitrateKbps`, constant bitrate, joint stereo, LAME's highest quality search.
// The file starts with the LAME "Info" frame giving the encoder delay and padding, so a gapless
// decoder (libmpg123, as Accord reads MP3) returns exactly as many frames as the render; it has
// no ID3 tag. Written atomically. The result describes the MP3 as a reader decodes it: its PCM
// hash (identifyAudioFile's), integrated loudness and true peak. The decoded samples differ
// from the encoded ones (MP3 is lossy), so the proof of an MP3 binds the decoded PCM (docs/C2PA.md
// "MP3"). Throws BadInput naming the file (another rate or bitrate, a full disk); Cancelled.
RenderedFile encodeMp3(const std::string& from, const std::string& to, int bitrateKbps,
                       const std::atomic<bool>* cancel = nullptr);

} // namespace accord::audio
