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

// The tempo the notes were played at (docs/NOTES.md "Tempo of a transcribed stem"): the most
// common gap between consecutive onsets (the peak of their histogram in log-time), refined over
// every gap near a whole multiple of it, taken as a beat or a power-of-two subdivision of one,
// whichever lands nearest 120 bpm in log-time (85-170 bpm). A tempo outside that range comes back
// at a power-of-two multiple; a tune moving mostly in triplets at 3/2 or 3/4 of it.
// kUnknownTranscriptionBpm when fewer than kFewestTempoGaps gaps are usable.
double transcriptionTempo(const std::vector<dsp::TranscribedNote>& notes);

// The notes at a constant tempo: beats = seconds * bpm / 60, start and end rounded to the MIDI
// file grid (1/960 beat: what writeMidiFile keeps, ~0.5 ms at 120 bpm) and nothing coarser, so
// the performance's timing (swing, rubato, pushed notes) reaches the style model as played. A
// note shorter than one grid step after rounding is dropped; one that would overlap the next is
// cut where the next starts. One tempo change at beat 0, 4/4. Throws BadInput for a tempo outside
// 1-1000 bpm.
Melody melodyFromTranscription(const std::vector<dsp::TranscribedNote>& notes, double bpm);

} // namespace accord::audio
