#pragma once

// Notes from a monophonic recording (one voice or one instrument playing one note at a time;
// docs/NOTES.md "Transcription"): what a stem becomes before the style model reads it.

#include <cstddef>
#include <vector>

namespace accord::dsp {

struct TranscribedNote {
    double onset = 0;  // seconds from the start of the signal
    double offset = 0; // seconds, > onset
    int pitch = 60;    // MIDI note number: the median pitch of the note's voiced frames, rounded
    int velocity = 64; // 1..127, from the note's peak level
};

// The shortest note kept: shorter voiced runs are breath, bow or key noise.
constexpr double kShortestTranscribedNoteSeconds = 0.04;

// Transcribes a mono signal at `sampleRate`: the voice analysis's pitch track (trackPitch through
// analyseVoice, at the analysis rate) gives voiced, loud-enough frames and their pitch; a note
// starts where such frames start, where the pitch moves by more than half a semitone for 24 ms,
// or at an aubio onset (spectral flux) inside a run, which separates repeated notes. Onsets are
// moved to an aubio onset up to 48 ms earlier (yin needs most of its 64 ms window on the note).
// Sorted by onset, not overlapping. Thread-safe.
std::vector<TranscribedNote> transcribeMonophonic(const float* mono, std::size_t frames,
                                                  int sampleRate);

} // namespace accord::dsp
