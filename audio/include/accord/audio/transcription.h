#pragma once

// A transcribed stem as a melody in beats (docs/NOTES.md "Transcription").

#include "accord/core/melody.h"
#include "accord/dsp/transcription.h"

#include <vector>

namespace accord::audio {

// The notes at a constant tempo: beats = seconds * bpm / 60, start and end rounded to the MIDI
// file grid (1/960 beat: what writeMidiFile keeps, ~0.5 ms at 120 bpm) and nothing coarser, so
// the performance's timing (swing, rubato, pushed notes) reaches the style model as played. A
// note shorter than one grid step after rounding is dropped; one that would overlap the next is
// cut where the next starts. One tempo change at beat 0, 4/4. Throws BadInput for a tempo outside
// 1-1000 bpm.
Melody melodyFromTranscription(const std::vector<dsp::TranscribedNote>& notes, double bpm);

} // namespace accord::audio
