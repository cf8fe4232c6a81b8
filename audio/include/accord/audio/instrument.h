#pragma once

// A melody played by a sampled General MIDI instrument (FluidSynth with the FluidR3 GM
// soundfont; docs/NOTES.md "Instrument rendering"): how a style variation is heard, and the
// known audio the transcription is measured on.

#include "accord/core/melody.h"

#include <string>
#include <vector>

namespace accord::audio {

// What follows the last note-off: the instrument's release, rendered so nothing is cut.
constexpr double kInstrumentReleaseSeconds = 1.5;

// The soundfont used: $ACCORD_SOUNDFONT when set, else Debian's fluid-soundfont-gm
// (/usr/share/sounds/sf2/FluidR3_GM.sf2).
std::string instrumentSoundfontPath();

// Renders `melody` (through its tempo map) with General MIDI program `gmProgram` (0-127) at
// `sampleRate`: stereo, planar, secondsAtBeat(end of the last note) + kInstrumentReleaseSeconds
// long. No reverb or chorus: the dry instrument. Deterministic. Throws BadInput when the
// melody fails checkMelody, the program or rate is out of range, or the soundfont is missing or
// unreadable (naming it).
std::vector<std::vector<float>> renderMelodyWithInstrument(const Melody& melody, int gmProgram,
                                                           int sampleRate);

} // namespace accord::audio
