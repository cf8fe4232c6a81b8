#include "accord/audio/transcription.h"

#include <cmath>

namespace accord::audio {
namespace {

constexpr double kGridPerBeat = 960; // writeMidiFile's resolution

double onGrid(double beats) {
    return std::round(beats * kGridPerBeat) / kGridPerBeat;
}

} // namespace

Melody melodyFromTranscription(const std::vector<dsp::TranscribedNote>& notes, double bpm) {
    Melody melody;
    melody.tempo = {{0, bpm}};
    checkMelody(melody, "the transcription's tempo");
    for (const dsp::TranscribedNote& transcribed : notes) {
        const double start = onGrid(transcribed.onset * bpm / 60);
        const double end = onGrid(transcribed.offset * bpm / 60);
        if (!melody.notes.empty()) {
            Note& previous = melody.notes.back();
            if (start < previous.start + previous.length)
                previous.length = start - previous.start;
            if (previous.length <= 0)
                melody.notes.pop_back();
        }
        if (end > start)
            melody.notes.push_back({start, end - start, transcribed.pitch, transcribed.velocity});
    }
    return melody;
}

} // namespace accord::audio
