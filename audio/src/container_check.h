#pragma once

// What kind of audio file a file is, by its content (never its name), and structural checks of
// the containers that decoders accept too leniently: a WAV or AIFF whose sound data is cut off
// is read with a zero-filled tail, a FLAC whose frames stop early likewise, an MP3 cut short
// ends early. Private to the audio library (no JUCE here either).

#include <cstdint>
#include <string>

namespace accord::audio::detail {

class SourceFile;

// What the container says about itself, for messages when no reader can decode it.
struct ContainerInfo {
    std::string kind;     // "WAV", "AIFF", "FLAC", "Ogg", "MP3", or empty when not recognised
    std::string encoding; // e.g. "IMA ADPCM" or "ulaw", when the container names it
};

// Inspects the file's header and chunks/pages/frames by its content (WAV/RF64, AIFF/AIFC, FLAC,
// Ogg by their magic bytes, MP3 by its frames; other files pass unchecked) and throws
// accord::BadInput, one line naming the file and the problem, when the file holds less than its
// header promises, e.g.
// "take.wav: truncated WAV: header promises 882000 bytes of audio, file holds 441000".
ContainerInfo checkContainer(const SourceFile& file);

} // namespace accord::audio::detail
