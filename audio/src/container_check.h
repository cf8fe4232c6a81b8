#pragma once

// Structural checks of audio containers that JUCE's readers accept too leniently: a WAV or
// AIFF whose sound data is cut off is read with a zero-filled tail, a FLAC whose frames stop
// early likewise. Private to the audio library (no JUCE here either).

#include <cstdint>
#include <string>

namespace accord::audio::detail {

// What the container says about itself, for messages when no reader can decode it.
struct ContainerInfo {
    std::string kind;     // "WAV", "AIFF", "FLAC", "Ogg", or empty when not recognised
    std::string encoding; // e.g. "IMA ADPCM" or "ulaw", when the container names it
};

// Inspects the file's header and chunks/pages/frames by its magic bytes (WAV/RF64, AIFF/AIFC,
// FLAC, Ogg; other files pass unchecked) and throws accord::BadInput, one line naming `path`
// and the problem, when the file holds less than its header promises, e.g.
// "take.wav: truncated WAV: header promises 882000 bytes of audio, file holds 441000".
ContainerInfo checkContainer(const std::string& path, std::uint64_t fileSize);

} // namespace accord::audio::detail
