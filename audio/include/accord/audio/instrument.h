#pragma once

// A melody played by a sampled General MIDI instrument (FluidSynth with the FluidR3 GM
// soundfont; docs/NOTES.md "Instrument rendering"): how a style variation is heard, and the
// known audio the transcription is measured on.

#include "accord/core/melody.h"

#include <memory>
#include <string>
#include <vector>

namespace accord::audio {

// What follows the last note-off: the instrument's release, rendered so nothing is cut.
constexpr double kInstrumentReleaseSeconds = 1.5;

// The soundfont used: $ACCORD_SOUNDFONT when set, else Debian's fluid-soundfont-gm
// (/usr/share/sounds/sf2/FluidR3_GM.sf2).
std::string instrumentSoundfontPath();

// General MIDI program `gmProgram` (0-127) at `sampleRate`, loaded once and played melody after
// melody: loading the soundfont's samples costs more than playing a short melody (docs/NOTES.md
// "Instrument rendering"). Throws BadInput when the program or rate is out of range, or the
// soundfont is missing or unreadable (naming it). One thread at a time.
class Instrument {
public:
    Instrument(int gmProgram, int sampleRate);
    ~Instrument();
    Instrument(Instrument&&) noexcept;
    Instrument& operator=(Instrument&&) noexcept;

    // `melody` (through its tempo map): stereo, planar, secondsAtBeat(end of the last note) +
    // kInstrumentReleaseSeconds long. No reverb or chorus: the dry instrument. Each melody starts
    // from silence, so the result does not depend on what was played before. Throws BadInput when
    // the melody fails checkMelody.
    std::vector<std::vector<float>> play(const Melody& melody);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// One melody with a freshly loaded Instrument.
std::vector<std::vector<float>> renderMelodyWithInstrument(const Melody& melody, int gmProgram,
                                                           int sampleRate);

} // namespace accord::audio
