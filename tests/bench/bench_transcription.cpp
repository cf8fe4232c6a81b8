// Transcription of rendered melodies (docs/NOTES.md "Transcription"): the top lines of abcmidi's
// tunes (through abc2midi, scripts/fetch-material.sh) played by FluidSynth with several General
// MIDI instruments, transcribed by transcribeMonophonic and, side by side, by aubionotes
// (aubio-tools) on the same WAV files; scored with mir_eval's note convention
// (tests/audio/note_matching.h). Prints precision, recall and F per instrument and overall.
//
//   bench_transcription [MAX_NOTES_PER_TUNE]   (default 64)

#include "accord/audio/audio_io.h"
#include "accord/audio/instrument.h"
#include "accord/audio/midi_file.h"
#include "accord/dsp/transcription.h"

#include "bench_common.h"
#include "note_matching.h"

#include <dirent.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

using namespace accord;
using accord::test::NoteScore;
using accord::test::TimedNote;

namespace {

constexpr int kSampleRate = 44100;

struct Program {
    int number;
    const char* name;
};
constexpr Program kPrograms[] = {{73, "flute"},    {40, "violin"},     {56, "trumpet"},
                                 {71, "clarinet"}, {52, "choir aahs"}, {0, "piano"}};

// The tune's longest line (its melody), cut to its first `maxNotes` notes.
Melody melodyOf(const std::string& path, std::size_t maxNotes) {
    const audio::MidiFileContent content = audio::readMidiFile(path);
    const Melody* longest = &content.lines.front();
    for (const Melody& line : content.lines)
        if (line.notes.size() > longest->notes.size())
            longest = &line;
    Melody melody = *longest;
    if (melody.notes.size() > maxNotes)
        melody.notes.resize(maxNotes);
    return melody;
}

std::vector<TimedNote> referenceOf(const Melody& melody) {
    std::vector<TimedNote> notes;
    for (const Note& note : melody.notes)
        notes.push_back({secondsAtBeat(melody, note.start), note.pitch});
    return notes;
}

// aubionotes' default settings; its lines are "pitch onset offset" (a lone time first).
std::vector<TimedNote> aubionotesOf(const std::string& wav) {
    std::vector<TimedNote> notes;
    const std::string command = "aubionotes -i '" + wav + "' 2>/dev/null";
    std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
    if (!pipe)
        return notes;
    char line[256];
    while (std::fgets(line, sizeof line, pipe.get())) {
        double pitch = 0, onset = 0, offset = 0;
        if (std::sscanf(line, "%lf %lf %lf", &pitch, &onset, &offset) == 3)
            notes.push_back({onset, static_cast<int>(std::lround(pitch))});
    }
    return notes;
}

void printRow(const char* what, const NoteScore& ours, const NoteScore& peer) {
    std::printf("  %-12s %5zu | %5.3f %5.3f %5.3f | %5.3f %5.3f %5.3f\n", what, ours.reference,
                ours.precision(), ours.recall(), ours.f(), peer.precision(), peer.recall(),
                peer.f());
}

} // namespace

int main(int argc, char** argv) {
    const std::size_t maxNotes = argc > 1 ? std::stoul(argv[1]) : 64;
    const std::string folder = bench::materialRoot() + "/melodies/abc";
    std::vector<std::string> tunes;
    if (DIR* dir = opendir(folder.c_str())) {
        while (const dirent* entry = readdir(dir)) {
            const std::string name = entry->d_name;
            // drums: percussion only; temperament and detune: pitches between the semitones.
            if (name.size() > 4 && name.substr(name.size() - 4) == ".mid" &&
                name.rfind("drums", 0) != 0 && name.rfind("temperament", 0) != 0 &&
                name.rfind("detune", 0) != 0)
                tunes.push_back(folder + "/" + name);
        }
        closedir(dir);
    }
    std::sort(tunes.begin(), tunes.end());
    if (tunes.empty() || std::system("command -v aubionotes >/dev/null") != 0) {
        std::printf("bench_transcription: needs %s (scripts/fetch-material.sh) and aubionotes "
                    "(aubio-tools)\n",
                    folder.c_str());
        return 1;
    }
    const std::string scratch = bench::scratchFolder("accord-bench-transcription");
    std::printf("Transcription of %zu abc2midi tunes (first %zu notes of each top line), "
                "rendered by FluidSynth at %d Hz\n",
                tunes.size(), maxNotes, kSampleRate);
    std::printf("  %-12s %5s | %-17s | %-17s\n", "", "", "  Accord", "  aubionotes");
    std::printf("  %-12s %5s | %5s %5s %5s | %5s %5s %5s\n", "instrument", "notes", "P", "R", "F",
                "P", "R", "F");
    NoteScore allOurs, allPeer;
    double audioSeconds = 0, ourSeconds = 0;
    for (const Program& program : kPrograms) {
        NoteScore ours, peer;
        for (const std::string& tune : tunes) {
            const Melody melody = melodyOf(tune, maxNotes);
            const auto stereo =
                audio::renderMelodyWithInstrument(melody, program.number, kSampleRate);
            std::vector<float> mono(stereo[0].size());
            for (std::size_t n = 0; n < mono.size(); ++n)
                mono[n] = 0.5f * (stereo[0][n] + stereo[1][n]);
            std::vector<dsp::TranscribedNote> transcribed;
            ourSeconds += bench::secondsOf([&] {
                transcribed = dsp::transcribeMonophonic(mono.data(), mono.size(), kSampleRate);
            });
            audioSeconds += static_cast<double>(mono.size()) / kSampleRate;
            std::vector<TimedNote> estimated;
            for (const auto& note : transcribed)
                estimated.push_back({note.onset, note.pitch});
            const std::vector<TimedNote> reference = referenceOf(melody);
            ours += test::scoreNotes(reference, estimated);
            const std::string wav = scratch + "/take.wav";
            audio::writeMonoAudio(wav, mono, kSampleRate);
            peer += test::scoreNotes(reference, aubionotesOf(wav));
        }
        printRow(program.name, ours, peer);
        allOurs += ours;
        allPeer += peer;
    }
    printRow("overall", allOurs, allPeer);
    std::printf("  transcription speed: %.1fx real time (%.0f s of audio)\n",
                audioSeconds / ourSeconds, audioSeconds);
    std::system(("rm -rf '" + scratch + "'").c_str());
    return 0;
}
