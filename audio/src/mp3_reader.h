#pragma once

// MP3 through libmpg123 as a JUCE reader, so MP3s decode like every other format (CheckedReader,
// decoding.h). JUCE's own MP3 reader reported MPEG-2 and 2.5 files (8 to 24 kHz) twice their
// length and then failed half-way; libmpg123 reads all three MPEG versions, and with gapless
// decoding and a scan of the frames it knows the exact length (the encoder's delay and padding
// removed, as lame --decode and sox give it). Private to the audio library.

#include "source_file.h"

#include <juce_audio_formats/juce_audio_formats.h>

#include <memory>

namespace accord::audio::detail {

// A reader for an MP3 stream in `file` (checkContainer found MP3 frames), or nullptr when
// libmpg123 cannot open it. Reads decode as 32-bit float; a read past what the frames deliver
// fails (returns false).
std::unique_ptr<juce::AudioFormatReader> openMp3Reader(std::shared_ptr<const SourceFile> file);

} // namespace accord::audio::detail
