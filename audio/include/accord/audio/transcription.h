#pragma once

// A transcribed stem as a melody in beats (docs/NOTES.md "Transcription", "Tempo of a transcribed
// stem").

#include "accord/core/melody.h"
#include "accord/dsp/transcription.h"

#include <vector>

namespace accord::audio {

// The tempo a transcription is given when its notes say too little (fewer than
// kFewestTempoGaps usable gaps between onsets): the Standard MIDI File default.
constexpr double kUnknownTranscriptionBpm = 120;
constexpr std::size_t kFewestTempoGaps = 8;

// The tempo and metre a transcription's notes were played in.
struct TranscriptionTiming {
    double bpm = kUnknownTranscriptionBpm; // quarter notes per minute
    int beatsPerBar = 4; // 6/8 when the beat divides in three equal parts or the bar's two
                         // halves are accented, 3/4 when its bars of three beats are accented
    int beatUnit = 4;
};

// The timing the notes were played in (docs/NOTES.md "Tempo and metre of a transcribed stem"):
// the most common gap between consecutive onsets (the peak of their histogram in log-time),
// refined over every gap near a whole multiple of it; the finest grid the gaps fit (that gap or a
// half, third or quarter of it); then the metre climbed from the grid, each level grouping the one
// below by two or by three, the grouping whose beats carry the longest notes. Three grid steps
// with the middle one mostly empty: a swung beat, nearest 120 bpm, 4/4. Three steps of the grid
// or, clearly, of a coarser level, the middle used: 6/8, a dotted-quarter beat of three eighths
// nearest 100 bpm, so the quarter at 1.5 times it. Otherwise 4/4, the beat the unit (the grid step
// when the unit is a dotted note of three steps that pair up) times the power of two nearest 120
// bpm in log-time (85-170 bpm), moved an octave where the notes' lengths leave that level unmarked
// and mark the one beside it, or where the loudness accents mark the beat beside it; 3/4 where
// the accents mark a bar of three of those beats (or of beats twice or half as long) clearly above
// two, and 6/8 where that bar is half a 6/8 bar (every other downbeat louder) or a whole one (its
// middle louder than its second and third beats). The default (120 bpm, 4/4) when fewer than
// kFewestTempoGaps gaps are usable.
TranscriptionTiming transcriptionTiming(const std::vector<dsp::TranscribedNote>& notes);

// The notes at a constant tempo: beats = seconds * bpm / 60, start and end rounded to the MIDI
// file grid (1/960 beat: what writeMidiFile keeps, ~0.5 ms at 120 bpm) and nothing coarser, so
// the performance's timing (swing, rubato, pushed notes) reaches the style model as played. A
// note shorter than one grid step after rounding is dropped; one that would overlap the next is
// cut where the next starts. One tempo change at beat 0, the timing's metre. Throws BadInput for a
// tempo outside 1-1000 bpm.
Melody melodyFromTranscription(const std::vector<dsp::TranscribedNote>& notes,
                               const TranscriptionTiming& timing);

} // namespace accord::audio
