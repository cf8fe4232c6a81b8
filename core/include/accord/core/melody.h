#pragma once

// Note events: what a MIDI file's lines and a transcribed stem become, what the style model
// learns from and proposes (docs/STYLE.md). Musical time (beats) is primary; a tempo map turns
// it into seconds for rendering.

#include <string>
#include <vector>

namespace accord {

struct Note {
    double start = 0;  // beats (quarter notes) from the melody's start
    double length = 0; // beats, > 0
    int pitch = 60;    // MIDI note number 0..127
    int velocity = 96; // 1..127
};

struct TempoChange {
    double beat = 0; // where this tempo starts
    double bpm = 120;
};

struct Melody {
    std::vector<Note> notes;        // one line: sorted by start, none overlapping the next
    std::vector<TempoChange> tempo; // sorted; the first at beat 0 (120 bpm when empty)
    int beatsPerBar = 4;            // time signature numerator
    int beatUnit = 4;               // time signature denominator
};

// Seconds from the start at `beat`, through the tempo map.
double secondsAtBeat(const Melody& melody, double beat);
// The beat at `seconds`, through the tempo map.
double beatAtSeconds(const Melody& melody, double seconds);

// One line from notes that may overlap (a chord, a held note under a new one): at any moment the
// highest sounding note is kept, a lower one is cut where a higher one starts, and a note that
// starts under a higher one still sounding is dropped. Sorted by start.
std::vector<Note> topLine(std::vector<Note> notes);

// Checks a melody read from outside (a MIDI file, a phrase): every note's pitch, velocity,
// start and length in range, sorted and not overlapping, tempo positive and sorted. Throws
// BadInput naming `where` and the first problem.
void checkMelody(const Melody& melody, const std::string& where);

} // namespace accord
