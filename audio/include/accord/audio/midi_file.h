#pragma once

// Standard MIDI files in and out (docs/NOTES.md "MIDI files"): the melodic lines a style model
// learns from, and the files a variation is saved as. Read and written through JUCE's MidiFile;
// JUCE stays inside audio/src.

#include "accord/core/melody.h"

#include <string>
#include <vector>

namespace accord::audio {

struct MidiFileContent {
    // One line per track (per channel inside a format-0 track) that has notes other than drums
    // (channel 10): its top line (accord::topLine), with the file's tempo map and its first
    // time signature. In the order of the tracks (and channels) in the file.
    std::vector<Melody> lines;
    std::string fileSha256; // of the file's bytes
    // Of the canonical note list: every non-drum note of every track and channel (start and
    // length rounded to 1/960 beat, pitch, velocity), sorted. A file re-saved with another
    // resolution, track layout or running status has the same value.
    std::string notesSha256;
    double durationSeconds = 0; // to the file's last event, through the tempo map
};

// Reads a standard MIDI file (format 0 or 1, ticks per quarter note). Throws BadInput naming the
// file and the problem: not a regular file, too large, not a MIDI file, truncated or malformed,
// SMPTE time division, no notes other than drums, a tempo out of range.
MidiFileContent readMidiFile(const std::string& path);

// Whether the file starts with the "MThd" magic (by content, not by name). False for a missing,
// unreadable or non-regular file.
bool looksLikeMidi(const std::string& path);

// Writes `melody` as a format-1 MIDI file at 960 ticks per quarter note: a first track with the
// tempo map and time signature, a second with General MIDI program `gmProgram` (0-127) and the
// notes on channel 1. Atomic (writeFileAtomically). Throws BadInput naming the file when the
// melody fails checkMelody or the program is out of range.
void writeMidiFile(const std::string& path, const Melody& melody, int gmProgram = 0);

} // namespace accord::audio
