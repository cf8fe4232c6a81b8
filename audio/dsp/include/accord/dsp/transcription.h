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

// Bumped whenever the notes a recording gives change, or the melody made of them
// (audio::melodyFromTranscription at audio::transcriptionTiming: the tempo since version 7; since
// version 9 the metre and swung or compound tempi, and a repeated note after the old note's release
// starts at the fall into the dip there, docs/NOTES.md "Repeated notes after a release"; since
// version 10 a legato onset is also looked for in the new note's share against the old note's
// harmonics, docs/NOTES.md "Legato onsets under tremolo"; since version 11 a compound metre is read
// above the grid and the beat's octave from the notes' lengths; since version 12 the beat's octave
// also from loudness accents, docs/NOTES.md "The beat"; since version 13 a repeated note is also
// found where its harmonics disagree about the pitch, and a level that swells past where it was is
// no repeat, docs/NOTES.md "Repeated notes: the harmonics' disagreement"; since version 14 a
// dotted unit's beat is a power of two of its grid steps, and a beat slower than the grid step
// is weighed by the accents, docs/NOTES.md "The beat"; since version 15 a dip inside a note's
// attack is no repeat, nor a second restart of one repeat's attack, docs/NOTES.md "A dip inside
// the attack is no repeat"; since version 18 a beat whose two-beat level has no accent of its own
// is also read an octave slower, and a bar of three accented beats is read in 3/4, docs/NOTES.md
// "The beat's own accent", "A bar of three beats"; since version 19 a note after a few unvoiced
// frames still takes the note before as its previous note while that note ended inside its
// look-back, docs/NOTES.md "The previous note across an unvoiced gap"; since version 21 a bar of
// three is also looked for at half the beat, and one that is a 6/8 bar or half of one is read in
// 6/8, docs/NOTES.md "A bar of three beats", "A 6/8 bar read as a bar of three"; since version 22
// the offline pitch track does not interpolate between two estimates an octave apart,
// docs/ARCHITECTURE.md "Voice model", "An octave is not interpolated"; since version 23 a slip
// joins the next note across a short gap, and a repeat split at a re-attack whose state changes
// within yin's window is the next note's attack, docs/NOTES.md "A slip across a gap", "An attack
// before the change"): transcriptions kept from another version are made again.
constexpr int kTranscriptionVersion = 23;

// The shortest note kept: shorter voiced runs are breath, bow or key noise, or yin reading two
// overlapping notes as a third for a few frames (48 ms since version 7, docs/NOTES.md).
constexpr double kShortestTranscribedNoteSeconds = 0.048;

// Transcribes a mono signal at `sampleRate` (docs/NOTES.md "Transcription"): the voice analysis's
// pitch track (analyseVoice at the analysis rate), median-filtered, is decoded into one note state
// per frame (silent or a semitone; Viterbi with a cost per change, so scoops, vibrato and
// wavering pitch stay in one note, and a cost for a semitone whose harmonics are weaker than a
// neighbour's, so overlapping notes go to the one sounding); a run of one state is split at a
// re-attack (a peak of log spectral flux), where the harmonics' instantaneous frequencies part
// ways for a few frames (partials restarted at new phases), or where the level dips and swells
// back no higher than it was (a repeated note), unless the state changes within yin's window after
// a re-attack (then the re-attack starts the next note); a short note an octave or another
// harmonic interval from its neighbour joins it (yin slipping at an attack, also across a short
// gap; below the next, also up to 320 ms: the common period of overlapping notes). Onsets are taken
// back, up to 320 ms before the pitch settled, to the start of the rise into the note of the energy
// in its own harmonics (less those shared with the previous note); for repeated notes (split, or a
// new note of the previous pitch after its release) to the re-attack or the fall into the dip, else
// the last aubio onset or where the level starts rising. Sorted by onset, not overlapping.
// Thread-safe.
std::vector<TranscribedNote> transcribeMonophonic(const float* mono, std::size_t frames,
                                                  int sampleRate);

} // namespace accord::dsp
