#include "accord/core/melody.h"

#include "accord/core/errors.h"

#include <algorithm>
#include <cmath>

namespace accord {
namespace {

constexpr TempoChange kDefaultTempo{0, 120};

const std::vector<TempoChange>& tempoOf(const Melody& melody) {
    static const std::vector<TempoChange> fallback{kDefaultTempo};
    return melody.tempo.empty() ? fallback : melody.tempo;
}

} // namespace

double secondsAtBeat(const Melody& melody, double beat) {
    const auto& tempo = tempoOf(melody);
    double seconds = 0;
    for (std::size_t i = 0; i < tempo.size(); ++i) {
        const double from = i == 0 ? 0 : tempo[i].beat;
        const double to = i + 1 < tempo.size() ? tempo[i + 1].beat : beat;
        if (beat <= from)
            break;
        seconds += (std::min(beat, to) - from) * 60.0 / tempo[i].bpm;
    }
    return beat < 0 ? beat * 60.0 / tempo.front().bpm : seconds;
}

double beatAtSeconds(const Melody& melody, double seconds) {
    const auto& tempo = tempoOf(melody);
    if (seconds < 0)
        return seconds * tempo.front().bpm / 60.0;
    double elapsed = 0;
    for (std::size_t i = 0; i < tempo.size(); ++i) {
        const double from = i == 0 ? 0 : tempo[i].beat;
        if (i + 1 == tempo.size())
            return from + (seconds - elapsed) * tempo[i].bpm / 60.0;
        const double span = (tempo[i + 1].beat - from) * 60.0 / tempo[i].bpm;
        if (seconds < elapsed + span)
            return from + (seconds - elapsed) * tempo[i].bpm / 60.0;
        elapsed += span;
    }
    return 0; // not reached: tempoOf is never empty
}

std::vector<Note> topLine(std::vector<Note> notes) {
    std::stable_sort(notes.begin(), notes.end(), [](const Note& a, const Note& b) {
        return a.start != b.start ? a.start < b.start : a.pitch > b.pitch;
    });
    std::vector<Note> line;
    for (const Note& note : notes) {
        if (!line.empty()) {
            Note& last = line.back();
            const double lastEnd = last.start + last.length;
            if (note.start == last.start || (note.start < lastEnd && note.pitch <= last.pitch))
                continue; // under a higher (or the same) note still sounding
            if (note.start < lastEnd)
                last.length = note.start - last.start; // a higher note cuts it
        }
        line.push_back(note);
    }
    return line;
}

void checkMelody(const Melody& melody, const std::string& where) {
    const auto fail = [&](const std::string& problem) { throw BadInput(where + ": " + problem); };
    if (melody.beatsPerBar < 1 || melody.beatsPerBar > 64)
        fail("a time signature of " + std::to_string(melody.beatsPerBar) +
             " beats per bar (1 to 64 expected)");
    if (melody.beatUnit < 1 || melody.beatUnit > 64 || (melody.beatUnit & (melody.beatUnit - 1)))
        fail("a time signature unit of " + std::to_string(melody.beatUnit) +
             " (a power of two up to 64 expected)");
    for (std::size_t i = 0; i < melody.tempo.size(); ++i) {
        const TempoChange& change = melody.tempo[i];
        if (!(change.bpm >= 1 && change.bpm <= 1000))
            fail("a tempo of " + std::to_string(change.bpm) + " bpm (1 to 1000 expected)");
        if (!std::isfinite(change.beat) || change.beat < 0 || (i == 0 && change.beat != 0) ||
            (i > 0 && change.beat <= melody.tempo[i - 1].beat))
            fail("tempo changes out of order");
    }
    for (std::size_t i = 0; i < melody.notes.size(); ++i) {
        const Note& note = melody.notes[i];
        const std::string which = "note " + std::to_string(i + 1) + " ";
        if (note.pitch < 0 || note.pitch > 127)
            fail(which + "has pitch " + std::to_string(note.pitch) + " (0 to 127 expected)");
        if (note.velocity < 1 || note.velocity > 127)
            fail(which + "has velocity " + std::to_string(note.velocity) + " (1 to 127 expected)");
        if (!std::isfinite(note.start) || note.start < 0 || !std::isfinite(note.length) ||
            note.length <= 0)
            fail(which + "has a negative or non-finite start or length");
        if (i > 0 && note.start < melody.notes[i - 1].start + melody.notes[i - 1].length - 1e-9)
            fail(which + "starts before the one before it ends (one line expected)");
    }
}

} // namespace accord
