// Transcription of rendered melodies (docs/NOTES.md "Transcription"): the top lines of abcmidi's
// tunes (through abc2midi, scripts/fetch-material.sh) played by FluidSynth with several General
// MIDI instruments, transcribed by transcribeMonophonic and, side by side, by aubionotes
// (aubio-tools) on the same WAV files; scored with mir_eval's note convention
// (tests/audio/note_matching.h). Prints precision, recall and F per instrument and over the
// programs the rules and constants were chosen on ("overall": the first six, chosen on their
// tuning half of the tunes) and over programs only scored ("held-out": the last six). Also prints
// how often the tempo read from the transcription (audio::transcriptionTiming) is the tune's own,
// within 4% or at a power-of-two multiple, beside `aubio tempo` (aubio-tools) on the same files,
// and, by the tune's time signature and by its tempo (below, inside or above 85-170 bpm), how
// often its tempo and metre are right; the same for the played notes of mma's songs' lines (no
// audio) (docs/NOTES.md "Tempo of a transcribed stem").
//
//   bench_transcription [--notes N (64)] [--peer AUBIONOTES_OPTIONS]... [--no-peer]
//                       [--only GM_PROGRAM]... [--keep DIR] [--misses] [--tempo-scale S (1)]
//
// --only measures those instruments alone (for tuning one); --keep writes each take's WAV file,
// its played notes (`.ref`) and its transcription (`.est`, "onset pitch" per line) into DIR;
// --misses prints where each instrument's misses are on the tuning half (MissCount below);
// --tempo-scale plays every tune (and reads every mma line) at S times its own tempo.

#include "accord/audio/audio_io.h"
#include "accord/audio/instrument.h"
#include "accord/audio/midi_file.h"
#include "accord/audio/transcription.h"
#include "accord/core/errors.h"
#include "accord/dsp/transcription.h"

#include "bench_common.h"
#include "line_tempo.h"
#include "note_matching.h"

#include <dirent.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iterator>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

using namespace accord;
using accord::test::NoteScore;
using accord::test::tempoAtFirstNote;
using accord::test::tempoClass;
using accord::test::TimedNote;

namespace {

constexpr int kSampleRate = 44100;

struct Program {
    int number;
    const char* name;
    bool heldOut; // never used to choose a rule or a constant (docs/NOTES.md "Measured")
};
constexpr Program kPrograms[] = {
    {73, "flute", false},    {40, "violin", false},     {56, "trumpet", false},
    {71, "clarinet", false}, {52, "choir aahs", false}, {0, "piano", false},
    {68, "oboe", true},      {41, "viola", true},       {65, "alto sax", true},
    {74, "recorder", true},  {60, "french horn", true}, {53, "voice oohs", true}};

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

// The peer's settings: its defaults, and the best found over its onset methods, thresholds,
// silence gates and minimum inter-onset intervals (docs/NOTES.md "Measured").
const std::string kPeerDefault;
const std::string kPeerBest = "-B 512 -H 128";

struct Take {
    const Program* program;
    std::vector<TimedNote> reference;
    std::string wav;
    double bpm; // the tune's tempo at its first note
};

struct TempoCount {
    int classes[3] = {0, 0, 0};
    void add(double estimate, double bpm) { ++classes[tempoClass(estimate, bpm)]; }
};

// `aubio tempo`'s estimate for `wav` (it prints "BPM bpm"); 0 when it prints none.
double aubioTempoOf(const std::string& wav) {
    const std::string command = "aubio tempo '" + wav + "' 2>/dev/null";
    std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
    double bpm = 0;
    char line[256];
    while (pipe && std::fgets(line, sizeof line, pipe.get()))
        std::sscanf(line, "%lf", &bpm);
    return bpm;
}

// The metre a timing is right in: 6/8 for a compound metre (the file's 6/8, 9/8 or 12/8: its beat
// divides in three), 3/4 for a bar of three quarters, 4/4 for any other (2/4, 2/2 and 3/8 too:
// a bar of two or four beats is not told apart).
bool metreRight(const audio::TranscriptionTiming& timing, const Melody& tune) {
    const bool compound = tune.beatUnit == 8 && tune.beatsPerBar % 3 == 0 && tune.beatsPerBar >= 6;
    if (compound)
        return timing.beatsPerBar == 6 && timing.beatUnit == 8;
    if (tune.beatsPerBar == 3 && tune.beatUnit == 4)
        return timing.beatsPerBar == 3 && timing.beatUnit == 4;
    return timing.beatsPerBar == 4 && timing.beatUnit == 4;
}

// Tunes by time signature: how many, their tempo right (within 4%) or at a power-of-two multiple,
// their metre right.
struct TimingCount {
    int tunes = 0, tempoRight = 0, tempoOctave = 0, metre = 0;
    void add(const audio::TranscriptionTiming& timing, const Melody& tune, double bpm) {
        ++tunes;
        const int tempo = tempoClass(timing.bpm, bpm);
        tempoRight += tempo == 0;
        tempoOctave += tempo == 1;
        metre += metreRight(timing, tune);
    }
};
using TimingCounts = std::map<std::string, TimingCount>; // by "N/D"

std::string timeSignatureOf(const Melody& tune) {
    return std::to_string(tune.beatsPerBar) + "/" + std::to_string(tune.beatUnit);
}

// The tune's tempo range: below the octave nearest 120 bpm the transcription reads by default
// (85-170), inside it, or above.
std::string tempoRangeOf(double bpm) {
    return bpm < 85 ? "<85 bpm" : bpm <= 170 ? "85-170" : ">170 bpm";
}

void printTimingCounts(const char* title, const TimingCounts& counts,
                       const char* groupedBy = "time sig") {
    std::printf("%s\n  %-8s | %5s | %-10s %-10s %-10s\n", title, groupedBy, "tunes", "tempo",
                "x 2^k", "metre");
    TimingCount all;
    for (const auto& [signature, count] : counts) {
        std::printf("  %-8s | %5d | %-10d %-10d %-10d\n", signature.c_str(), count.tunes,
                    count.tempoRight, count.tempoOctave, count.metre);
        all.tunes += count.tunes;
        all.tempoRight += count.tempoRight;
        all.tempoOctave += count.tempoOctave;
        all.metre += count.metre;
    }
    std::printf("  %-8s | %5d | %-10d %-10d %-10d\n", "all", all.tunes, all.tempoRight,
                all.tempoOctave, all.metre);
}

// A melody at `scale` times its tempo (every tempo of its map).
Melody atTempoScale(Melody melody, double scale) {
    for (TempoChange& change : melody.tempo)
        change.bpm *= scale;
    return melody;
}

// The onsets of `melody` as transcribed notes (each 0.1 s long: the tempo reads only onsets).
std::vector<dsp::TranscribedNote> playedNotesOf(const Melody& melody) {
    std::vector<dsp::TranscribedNote> played;
    for (const Note& note : melody.notes) {
        const double onset = secondsAtBeat(melody, note.start);
        played.push_back({onset, onset + 0.1, note.pitch, 100});
    }
    return played;
}

// aubionotes with `settings` (its command-line options); its lines are "pitch onset offset" (a
// lone time first).
std::vector<TimedNote> aubionotesOf(const std::string& wav, const std::string& settings) {
    std::vector<TimedNote> notes;
    const std::string command = "aubionotes " + settings + " -i '" + wav + "' 2>/dev/null";
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

// The take's WAV file and its notes, played and transcribed, beside each other (--keep).
void keepTake(const std::string& stem, const std::vector<float>& mono,
              const std::vector<TimedNote>& reference, const std::vector<TimedNote>& estimated) {
    audio::writeMonoAudio(stem + ".wav", mono, kSampleRate);
    for (const auto& [suffix, notes] : {std::pair{".ref", &reference}, {".est", &estimated}}) {
        std::unique_ptr<FILE, int (*)(FILE*)> file(std::fopen((stem + suffix).c_str(), "w"),
                                                   fclose);
        if (!file) {
            std::printf("bench_transcription: cannot write %s%s\n", stem.c_str(), suffix);
            return;
        }
        for (const TimedNote& note : *notes)
            std::fprintf(file.get(), "%.4f %d\n", note.onset, note.pitch);
    }
}

// Where a transcription's misses are (docs/NOTES.md "six more General MIDI programs"): each played
// note not matched, by what the transcription has at its onset.
struct MissCount {
    std::size_t repeatMerged = 0; // inside a transcribed note of its pitch that started earlier
    std::size_t late = 0;         // its pitch transcribed 50-450 ms after it
    std::size_t changeMissed = 0; // the previous played note's pitch still held there
    std::size_t other = 0;        // a wrong pitch, or nothing
    std::size_t extra = 0;        // transcribed notes matching no played note
    MissCount& operator+=(const MissCount& more) {
        repeatMerged += more.repeatMerged;
        late += more.late;
        changeMissed += more.changeMissed;
        other += more.other;
        extra += more.extra;
        return *this;
    }
};

MissCount missesOf(const std::vector<TimedNote>& reference,
                   const std::vector<TimedNote>& estimated) {
    constexpr double kTolerance = test::kOnsetToleranceSeconds, kLateSeconds = 0.45;
    std::vector<char> matched;
    const NoteScore score = test::scoreNotes(reference, estimated, &matched);
    MissCount count;
    count.extra = score.estimated - score.matched;
    for (std::size_t r = 0; r < reference.size(); ++r) {
        if (matched[r])
            continue;
        const TimedNote& note = reference[r];
        const auto after = std::upper_bound(
            estimated.begin(), estimated.end(), note.onset + kTolerance,
            [](double onset, const TimedNote& other) { return onset < other.onset; });
        const TimedNote* sounding = after == estimated.begin() ? nullptr : &*std::prev(after);
        const bool late = std::any_of(after, estimated.end(), [&](const TimedNote& other) {
            return other.pitch == note.pitch && other.onset <= note.onset + kLateSeconds;
        });
        if (r > 0 && reference[r - 1].pitch == note.pitch && sounding &&
            sounding->pitch == note.pitch)
            ++count.repeatMerged;
        else if (late)
            ++count.late;
        else if (r > 0 && sounding && sounding->pitch == reference[r - 1].pitch)
            ++count.changeMissed;
        else
            ++count.other;
    }
    return count;
}

} // namespace

int main(int argc, char** argv) {
    std::size_t maxNotes = 64;
    bool withPeer = true;
    std::vector<std::string> peerSettings;
    std::vector<int> onlyPrograms;
    std::string keepFolder;
    double tempoScale = 1;
    bool withMisses = false;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--notes" && i + 1 < argc)
            maxNotes = std::stoul(argv[++i]);
        else if (arg == "--peer" && i + 1 < argc)
            peerSettings.push_back(argv[++i]);
        else if (arg == "--no-peer")
            withPeer = false;
        else if (arg == "--only" && i + 1 < argc)
            onlyPrograms.push_back(std::stoi(argv[++i]));
        else if (arg == "--keep" && i + 1 < argc)
            keepFolder = argv[++i];
        else if (arg == "--tempo-scale" && i + 1 < argc && std::stod(argv[i + 1]) > 0)
            tempoScale = std::stod(argv[++i]);
        else if (arg == "--misses")
            withMisses = true;
        else {
            std::printf("usage: bench_transcription [--notes N] [--peer OPTIONS]... [--no-peer] "
                        "[--only GM_PROGRAM]... [--keep DIR] [--misses] [--tempo-scale S]\n");
            return 2;
        }
    }
    if (peerSettings.empty())
        peerSettings = {kPeerDefault, kPeerBest};
    if (!withPeer)
        peerSettings.clear();

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
    if (tunes.empty() || (withPeer && std::system("command -v aubionotes >/dev/null") != 0)) {
        std::printf("bench_transcription: needs %s (scripts/fetch-material.sh) and aubionotes "
                    "(aubio-tools)\n",
                    folder.c_str());
        return 1;
    }
    const std::string scratch = bench::scratchFolder("accord-bench-transcription");
    std::printf("Transcription of %zu abc2midi tunes (first %zu notes of each top line), "
                "rendered by FluidSynth at %d Hz, %.2f times their tempo;\ntuning half: tunes 1, "
                "3, 5... (sorted by name), held-out half: tunes 2, 4, 6...\n",
                tunes.size(), maxNotes, kSampleRate, tempoScale);
    std::printf("  %-12s %5s | %-17s | %-11s\n", "", "", "  Accord", " F by half");
    std::printf("  %-12s %5s | %5s %5s %5s | %5s %5s\n", "instrument", "notes", "P", "R", "F",
                "tune", "held");

    // The played notes' timing depends on the tune alone, not on the instrument.
    TimingCounts timingFromPlayed;
    for (const std::string& tune : tunes) {
        const Melody melody = atTempoScale(melodyOf(tune, maxNotes), tempoScale);
        timingFromPlayed[timeSignatureOf(melody)].add(
            audio::transcriptionTiming(playedNotesOf(melody)), melody, tempoAtFirstNote(melody));
    }
    // mma's songs: every line of at least 16 notes, its first maxNotes, its played notes (their
    // lines are accompaniment and tunes in mma's grooves; no audio, so no transcription).
    TimingCounts timingOfMmaLines;
    const std::string mmaFolder = bench::materialRoot() + "/melodies/mma";
    if (DIR* dir = opendir(mmaFolder.c_str())) {
        std::vector<std::string> songs;
        while (const dirent* entry = readdir(dir)) {
            const std::string name = entry->d_name;
            if (name.size() > 4 && name.substr(name.size() - 4) == ".mid")
                songs.push_back(mmaFolder + "/" + name);
        }
        closedir(dir);
        std::sort(songs.begin(), songs.end());
        for (const std::string& song : songs) {
            std::vector<Melody> lines;
            try {
                lines = audio::readMidiFile(song).lines;
            } catch (const BadInput&) {
                continue; // drums only
            }
            for (Melody& line : lines) {
                if (line.notes.size() < 16)
                    continue;
                if (line.notes.size() > maxNotes)
                    line.notes.resize(maxNotes);
                line = atTempoScale(line, tempoScale);
                timingOfMmaLines[timeSignatureOf(line)].add(
                    audio::transcriptionTiming(playedNotesOf(line)), line, tempoAtFirstNote(line));
            }
        }
    }

    std::vector<Take> takes;
    // Per kind of program (tuned on, held out): all tunes and each half.
    NoteScore allOurs[2], allHalves[2][2];
    MissCount misses[std::size(kPrograms)];
    TempoCount tempoFromTranscription[std::size(kPrograms)], tempoFromPlayed[std::size(kPrograms)];
    TimingCounts timingFromTranscription, timingByTempoRange;
    double audioSeconds = 0, ourSeconds = 0;
    for (const Program& program : kPrograms) {
        if (!onlyPrograms.empty() && std::find(onlyPrograms.begin(), onlyPrograms.end(),
                                               program.number) == onlyPrograms.end())
            continue;
        NoteScore ours, halves[2];

        for (std::size_t index = 0; index < tunes.size(); ++index) {
            const Melody melody = atTempoScale(melodyOf(tunes[index], maxNotes), tempoScale);
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
            Take take{&program, referenceOf(melody), {}, tempoAtFirstNote(melody)};
            const audio::TranscriptionTiming heardTiming = audio::transcriptionTiming(transcribed);
            tempoFromTranscription[&program - kPrograms].add(heardTiming.bpm, take.bpm);
            timingFromTranscription[timeSignatureOf(melody)].add(heardTiming, melody, take.bpm);
            timingByTempoRange[tempoRangeOf(take.bpm)].add(heardTiming, melody, take.bpm);
            tempoFromPlayed[&program - kPrograms].add(
                audio::transcriptionTiming(playedNotesOf(melody)).bpm, take.bpm);
            const NoteScore score = test::scoreNotes(take.reference, estimated);
            ours += score;
            halves[index % 2] += score;
            if (index % 2 == 0)
                misses[&program - kPrograms] += missesOf(take.reference, estimated);
            if (!keepFolder.empty())
                keepTake(keepFolder + "/" + std::to_string(program.number) + "-" +
                             std::to_string(index + 1),
                         mono, take.reference, estimated);
            if (withPeer) {
                take.wav = scratch + "/" + std::to_string(takes.size()) + ".wav";
                audio::writeMonoAudio(take.wav, mono, kSampleRate);
                takes.push_back(std::move(take));
            }
        }
        std::printf("  %-12s %5zu | %5.3f %5.3f %5.3f | %5.3f %5.3f\n", program.name,
                    ours.reference, ours.precision(), ours.recall(), ours.f(), halves[0].f(),
                    halves[1].f());
        allOurs[program.heldOut] += ours;
        allHalves[program.heldOut][0] += halves[0];
        allHalves[program.heldOut][1] += halves[1];
    }
    for (const bool heldOut : {false, true})
        if (allOurs[heldOut].reference > 0)
            std::printf("  %-12s %5zu | %5.3f %5.3f %5.3f | %5.3f %5.3f\n",
                        heldOut ? "held-out" : "overall", allOurs[heldOut].reference,
                        allOurs[heldOut].precision(), allOurs[heldOut].recall(),
                        allOurs[heldOut].f(), allHalves[heldOut][0].f(), allHalves[heldOut][1].f());
    std::printf("  transcription speed: %.1fx real time (%.0f s of audio)\n",
                audioSeconds / ourSeconds, audioSeconds);

    std::printf("Tempo, tunes within 4%% of their own / of a power-of-two multiple / neither\n");
    std::printf("  %-12s | %-14s | %-14s | %-14s\n", "instrument", "transcription", "played notes",
                "aubio tempo");
    TempoCount aubioTempo[std::size(kPrograms)];
    for (const Take& take : takes)
        aubioTempo[take.program - kPrograms].add(aubioTempoOf(take.wav), take.bpm);
    const auto counts = [](const TempoCount& count) {
        return std::to_string(count.classes[0]) + " / " + std::to_string(count.classes[1]) + " / " +
               std::to_string(count.classes[2]);
    };
    for (std::size_t p = 0; p < std::size(kPrograms); ++p)
        if (onlyPrograms.empty() || std::find(onlyPrograms.begin(), onlyPrograms.end(),
                                              kPrograms[p].number) != onlyPrograms.end())
            std::printf("  %-12s | %-14s | %-14s | %-14s\n", kPrograms[p].name,
                        counts(tempoFromTranscription[p]).c_str(),
                        counts(tempoFromPlayed[p]).c_str(),
                        withPeer ? counts(aubioTempo[p]).c_str() : "-");

    printTimingCounts("Tempo and metre by the tune's time signature, transcriptions (all "
                      "instruments measured): right / at a power-of-two multiple / metre right",
                      timingFromTranscription);
    printTimingCounts("The same by the tune's tempo, transcriptions", timingByTempoRange, "tempo");
    printTimingCounts("The same, the tunes' played notes", timingFromPlayed);
    printTimingCounts("The same, mma's song lines (at least 16 notes), played notes",
                      timingOfMmaLines);

    if (withMisses) {
        std::printf("Misses on the tuning half: played notes not matched, by what the "
                    "transcription has at their onset\n");
        std::printf("  %-12s | %8s %8s %8s %8s | %8s\n", "instrument", "repeat", "late", "change",
                    "other", "extra");
        for (std::size_t p = 0; p < std::size(kPrograms); ++p)
            if (onlyPrograms.empty() || std::find(onlyPrograms.begin(), onlyPrograms.end(),
                                                  kPrograms[p].number) != onlyPrograms.end())
                std::printf("  %-12s | %8zu %8zu %8zu %8zu | %8zu\n", kPrograms[p].name,
                            misses[p].repeatMerged, misses[p].late, misses[p].changeMissed,
                            misses[p].other, misses[p].extra);
    }

    for (const std::string& settings : peerSettings) {
        std::printf("aubionotes %s\n", settings.empty() ? "(default settings)" : settings.c_str());
        NoteScore all[2], byProgram[std::size(kPrograms)];
        for (const Take& take : takes) {
            const NoteScore score =
                test::scoreNotes(take.reference, aubionotesOf(take.wav, settings));
            byProgram[take.program - kPrograms] += score;
            all[take.program->heldOut] += score;
        }
        for (std::size_t p = 0; p < std::size(kPrograms); ++p)
            if (byProgram[p].reference > 0)
                std::printf("  %-12s %5zu | %5.3f %5.3f %5.3f\n", kPrograms[p].name,
                            byProgram[p].reference, byProgram[p].precision(), byProgram[p].recall(),
                            byProgram[p].f());
        for (const bool heldOut : {false, true})
            if (all[heldOut].reference > 0)
                std::printf("  %-12s %5zu | %5.3f %5.3f %5.3f\n", heldOut ? "held-out" : "overall",
                            all[heldOut].reference, all[heldOut].precision(), all[heldOut].recall(),
                            all[heldOut].f());
    }

    std::system(("rm -rf '" + scratch + "'").c_str());
    return 0;
}
