// Style model benchmark on real melodies (issue 13 "Measured", docs/STYLE.md "Measured"). Two
// sources, each a "composer": abcmidi's example tunes through abc2midi (melodies/abc, folk tunes)
// and mma's example songs (melodies/mma, arranged lines). Whole files are held out (every fourth,
// sorted by name); every line is cut into phrases of ACCORD_BENCH_PHRASE_BARS bars. A model is
// trained on the training files of one source (ACCORD_BENCH_COMPOSER, "abc") and measured on its
// held-out phrases, each beside a baseline:
//   1. style fidelity: Jensen-Shannon distance (bits) between the interval and inter-onset
//      histograms of the variations and those of the composer's held-out melodies, and of the
//      other composer's; beside random re-draws of 60% of each phrase's notes (its own pitches);
//   2. learning: AUC of scorePitchOrder, held-out phrases vs the same phrases with 30% of their
//      notes' pitches redrawn from their own pitches (goal >= 0.8); beside the pitch, joint and
//      rhythm scores (the joint is their sum), and an interval bigram (add-one smoothing) fitted on
//      the same training lines, raw and against the same shuffles;
//   3. key kept: share of notes in the phrase's key (Krumhansl-Schmuckler), variations vs phrases;
//   4. novelty: variations with a run of 8+ notes equal to a run of any training line, by brute
//      force (independent of the model's guard); goal 0 over 200 variations;
//   5. diversity: mean pairwise edit distance between the variations of one phrase;
//   6. speed: 8 variations of a 16-bar phrase (generation only); training wall time and seconds
//      per step (goal: <= 5 minutes).
//
// Knobs (environment): ACCORD_BENCH_COMPOSER (abc | mma), ACCORD_BENCH_STEPS (0: the default
// schedule), ACCORD_BENCH_MINUTES (5), ACCORD_BENCH_HIDDEN (0: default), ACCORD_BENCH_THREADS (0:
// the product's default), ACCORD_BENCH_PHRASE_BARS (8), ACCORD_BENCH_VARIATIONS (200),
// ACCORD_BENCH_STRAY (0.6), ACCORD_BENCH_TEMPERATURE (1), ACCORD_BENCH_SEED (1),
// ACCORD_BENCH_TRAINING_MINUTES (30: training lines up to that much music, every file's first line
// before any file's second; ACCORD_BENCH_LINES_IN_TURNS=0: file by file), ACCORD_BENCH_VALIDATION
// (1: for tuning, the held-out files are left out and every fourth training file is held out
// instead), ACCORD_BENCH_TRANSCRIBED_PROGRAM (unset or -1: off; a General MIDI program: the
// composer's training lines are rendered by FluidSynth with that instrument and transcribed, as
// `train style` reads an audio stem, and the model learns from the transcriptions; the held-out
// phrases stay the MIDI notes, docs/STYLE.md "Measured"), ACCORD_BENCH_TRANSCRIPTIONS (a folder:
// each line's transcribed notes are kept there, named by the program, the transcription version
// and the line's notes, and read back on the next run instead of rendering and transcribing it
// again), ACCORD_BENCH_PHRASE_SCORES (1: each held-out phrase's rhythm and pitch scores, and its
// redraw's, one line each).

#include "bench_common.h"

#include "accord/audio/instrument.h"
#include "accord/audio/midi_file.h"
#include "accord/audio/transcription.h"
#include "accord/core/crypto.h"
#include "accord/core/errors.h"
#include "accord/core/files.h"
#include "accord/core/melody.h"
#include "accord/dsp/transcription.h"
#include "accord/models/style_model.h"
#include "accord/workflows/style.h"

#include "line_tempo.h"
#include "note_matching.h"
#include "training_lines.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <map>
#include <numeric>
#include <random>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using accord::Melody;
using accord::Note;
using accord::bench::envNumber;
namespace models = accord::models;

namespace {

constexpr int kMinimumPhraseNotes = 8;
constexpr int kVariationsPerPhrase = 8;
constexpr int kCopiedRun = models::kForbiddenRunNotes;
// Not melodies: abc2midi's demonstrations of drums, temperaments and detuning.
const std::vector<std::string> kNotMelodies = {"drums", "temperament", "detune"};

struct Source {
    std::string name;
    std::vector<Melody> trainingLines;
    std::vector<Melody> heldOutLines;
    std::vector<Melody> heldOutPhrases;
    double trainingSeconds = 0, heldOutSeconds = 0;
};

double barBeats(const Melody& melody) {
    return melody.beatsPerBar * 4.0 / std::max(1, melody.beatUnit);
}

// The line's notes from bar `first` for `bars` bars, moved to start at beat 0 (bar positions kept).
Melody phraseOf(const Melody& line, double first, int bars) {
    Melody phrase = line;
    phrase.notes.clear();
    const double from = first * barBeats(line), to = from + bars * barBeats(line);
    for (const Note& note : line.notes)
        if (note.start >= from && note.start < to) {
            Note moved = note;
            moved.start -= from;
            moved.length = std::min(moved.length, to - note.start);
            phrase.notes.push_back(moved);
        }
    phrase.tempo = {
        {0, 60.0 / (accord::secondsAtBeat(line, from + 1) - accord::secondsAtBeat(line, from))}};
    return phrase;
}

std::vector<Melody> phrasesOf(const Melody& line, int bars) {
    std::vector<Melody> phrases;
    const double lineBars = (line.notes.back().start + line.notes.back().length) / barBeats(line);
    for (int bar = 0; bar < lineBars; bar += bars) {
        Melody phrase = phraseOf(line, bar, bars);
        if (static_cast<int>(phrase.notes.size()) >= kMinimumPhraseNotes)
            phrases.push_back(std::move(phrase));
    }
    return phrases;
}

// Training lines up to `trainingMinutes` of music (the "30 minutes of melodies").
Source loadSource(const std::string& name, int phraseBars, double trainingMinutes,
                  bool validation) {
    Source source;
    source.name = name;
    std::vector<fs::path> files;
    for (const auto& entry :
         fs::directory_iterator(accord::bench::materialRoot() + "/melodies/" + name)) {
        const std::string stem = entry.path().stem().string();
        const bool melodic = std::none_of(kNotMelodies.begin(), kNotMelodies.end(),
                                          [&](const auto& n) { return stem.rfind(n, 0) == 0; });
        if (entry.path().extension() == ".mid" && melodic)
            files.push_back(entry.path());
    }
    std::sort(files.begin(), files.end());
    if (validation) { // the held-out files are left out; every fourth of the others is held out
        std::vector<fs::path> training;
        for (size_t f = 0; f < files.size(); ++f)
            if (f % 4 != 3)
                training.push_back(files[f]);
        files = training;
    }
    std::vector<std::vector<Melody>> linesOfTrainingFiles;
    for (size_t f = 0; f < files.size(); ++f) {
        const bool heldOut = f % 4 == 3;
        std::vector<Melody> lines;
        for (Melody& line : accord::audio::readMidiFile(files[f].string()).lines)
            if (static_cast<int>(line.notes.size()) >= 2 * kMinimumPhraseNotes)
                lines.push_back(std::move(line));
        if (!heldOut) {
            linesOfTrainingFiles.push_back(std::move(lines));
            continue;
        }
        for (const Melody& line : lines) {
            source.heldOutSeconds += accord::bench::lineSeconds(line);
            source.heldOutLines.push_back(line);
            for (Melody& phrase : phrasesOf(line, phraseBars))
                source.heldOutPhrases.push_back(std::move(phrase));
        }
    }
    // Up to the cap, the training files' lines in turns (every file's first line, then every
    // file's second...): the cap then keeps lines of every song, not every line of the first few
    // songs (docs/STYLE.md "Measured"). ACCORD_BENCH_LINES_IN_TURNS=0: file by file, as before.
    std::vector<const Melody*> order;
    if (envNumber("ACCORD_BENCH_LINES_IN_TURNS", 1) != 0) {
        order = accord::bench::linesInTurns(linesOfTrainingFiles);
    } else {
        for (const auto& lines : linesOfTrainingFiles)
            for (const Melody& line : lines)
                order.push_back(&line);
    }
    for (const Melody* line : order) {
        if (source.trainingSeconds >= 60 * trainingMinutes)
            break;
        source.trainingSeconds += accord::bench::lineSeconds(*line);
        source.trainingLines.push_back(*line);
    }
    return source;
}

// ---- transcribed training lines -----------------------------------------------------------------

// `line` played by `gmProgram` and transcribed (its audio's length in `audioSeconds`), or the
// same read back from `cacheFolder` (empty: no cache), where a file is named by the program, the
// transcription version and the line's notes. Rendering and transcribing are deterministic, so
// the notes read back are the notes made.
std::vector<accord::dsp::TranscribedNote> transcriptionOf(const Melody& line, int gmProgram,
                                                          const std::string& cacheFolder,
                                                          double& audioSeconds) {
    constexpr int kRenderRate = 44100;
    nlohmann::json identity = {gmProgram, line.beatsPerBar, line.beatUnit};
    for (const accord::TempoChange& change : line.tempo)
        identity.push_back({change.beat, change.bpm});
    for (const Note& note : line.notes)
        identity.push_back({note.start, note.length, note.pitch, note.velocity});
    const std::string file = cacheFolder + "/p" + std::to_string(gmProgram) + "-t" +
                             std::to_string(accord::dsp::kTranscriptionVersion) + "-" +
                             accord::sha256Hex(identity.dump()).substr(0, 16) + ".json";
    std::vector<accord::dsp::TranscribedNote> notes;
    if (!cacheFolder.empty() && accord::fileExists(file)) {
        const auto kept = nlohmann::json::parse(accord::readWholeFile(file));
        audioSeconds += kept["audioSeconds"].get<double>();
        for (const auto& n : kept["notes"])
            notes.push_back(
                {n[0].get<double>(), n[1].get<double>(), n[2].get<int>(), n[3].get<int>()});
        return notes;
    }
    const auto stereo = accord::audio::renderMelodyWithInstrument(line, gmProgram, kRenderRate);
    std::vector<float> mono(stereo[0].size());
    for (size_t n = 0; n < mono.size(); ++n)
        mono[n] = 0.5f * (stereo[0][n] + stereo[1][n]);
    const double seconds = static_cast<double>(mono.size()) / kRenderRate;
    audioSeconds += seconds;
    notes = accord::dsp::transcribeMonophonic(mono.data(), mono.size(), kRenderRate);
    if (!cacheFolder.empty()) {
        nlohmann::json kept = {{"audioSeconds", seconds}, {"notes", nlohmann::json::array()}};
        for (const auto& n : notes)
            kept["notes"].push_back({n.onset, n.offset, n.pitch, n.velocity});
        accord::makeDirectories(cacheFolder);
        accord::writeFileAtomically(file, kept.dump());
    }
    return notes;
}

// Each line played by `gmProgram` through FluidSynth and transcribed as `train style` reads an
// audio stem (transcribeMonophonic at the file's rate, melodyFromTranscription at the tempo
// and metre transcriptionTiming reads from the notes); prints the transcription's note F against
// the line (tests/audio/ note_matching.h) and the time taken.
std::vector<Melody> transcribedLines(const std::vector<Melody>& lines, int gmProgram) {
    const char* cache = std::getenv("ACCORD_BENCH_TRANSCRIPTIONS");
    accord::test::NoteScore score;
    std::vector<Melody> transcribed;
    struct LineTiming {
        accord::audio::TranscriptionTiming read;
        double bpm;
        int beatsPerBar, beatUnit;
    };
    std::vector<LineTiming> timings;
    double audioSeconds = 0;
    const double wall = accord::bench::secondsOf([&] {
        for (const Melody& line : lines) {
            const auto notes = transcriptionOf(line, gmProgram, cache ? cache : "", audioSeconds);
            std::vector<accord::test::TimedNote> played, heard;
            for (const Note& note : line.notes)
                played.push_back({accord::secondsAtBeat(line, note.start), note.pitch});
            for (const auto& note : notes)
                heard.push_back({note.onset, note.pitch});
            score += accord::test::scoreNotes(played, heard);
            const accord::audio::TranscriptionTiming timing =
                accord::audio::transcriptionTiming(notes);
            timings.push_back(
                {timing, accord::test::tempoAtFirstNote(line), line.beatsPerBar, line.beatUnit});
            transcribed.push_back(accord::audio::melodyFromTranscription(notes, timing));
        }
    });
    std::printf("training lines played by GM program %d and transcribed: %.1f min of audio in "
                "%.1f s; note F %.3f (P %.3f, R %.3f) over %zu notes\n",
                gmProgram, audioSeconds / 60, wall, score.f(), score.precision(), score.recall(),
                score.reference);
    // The timing each line is learned in (docs/NOTES.md "Tempo and metre of a transcribed stem"):
    // a tempo at another octave halves or doubles every duration the model learns from it, a
    // metre read wrong moves its bar positions. With ten lines or more the model validates on
    // every tenth line, whole (docs/STYLE.md "Network and training"), and keeps its best step by
    // their loss.
    std::printf(
        "  their timing read / their file's at the first note (* the style model's validation "
        "lines):\n");
    int atOwnTempo = 0;
    for (size_t i = 0; i < timings.size(); ++i) {
        atOwnTempo += accord::test::tempoClass(timings[i].read.bpm, timings[i].bpm) == 0;
        std::printf("  %c line %2zu: %6.1f bpm %d/%d, file %6.1f bpm %d/%d\n",
                    models::isStyleValidationSequence(i) ? '*' : ' ', i, timings[i].read.bpm,
                    timings[i].read.beatsPerBar, timings[i].read.beatUnit, timings[i].bpm,
                    timings[i].beatsPerBar, timings[i].beatUnit);
    }
    std::printf("  read at their own tempo within 4%%: %d of %zu lines\n", atOwnTempo,
                timings.size());
    return transcribed;
}

// ---- histograms ---------------------------------------------------------------------------------

constexpr int kIntervalBins = 27; // -12..12 and beyond an octave each way
constexpr int kOnsetBins = 13;    // log2 of the inter-onset gap in half octaves, -3..3

struct Histograms {
    std::array<double, kIntervalBins> interval{};
    std::array<double, kOnsetBins> onset{};

    void add(const Melody& melody) {
        for (size_t i = 1; i < melody.notes.size(); ++i) {
            const int step = std::clamp(melody.notes[i].pitch - melody.notes[i - 1].pitch, -13, 13);
            interval[static_cast<size_t>(step + 13)] += 1;
            const double gap = melody.notes[i].start - melody.notes[i - 1].start;
            const long bin = std::lround(2 * std::log2(std::max(gap, 1e-3))) + kOnsetBins / 2;
            onset[static_cast<size_t>(std::clamp<long>(bin, 0, kOnsetBins - 1))] += 1;
        }
    }
};

template <size_t N>
double jensenShannon(const std::array<double, N>& a, const std::array<double, N>& b) {
    const double sa = std::accumulate(a.begin(), a.end(), 0.0);
    const double sb = std::accumulate(b.begin(), b.end(), 0.0);
    double divergence = 0;
    for (size_t i = 0; i < N; ++i) {
        const double p = a[i] / sa, q = b[i] / sb, m = (p + q) / 2;
        if (p > 0)
            divergence += 0.5 * p * std::log2(p / m);
        if (q > 0)
            divergence += 0.5 * q * std::log2(q / m);
    }
    return std::sqrt(std::max(0.0, divergence));
}

Histograms histogramsOf(const std::vector<Melody>& melodies) {
    Histograms h;
    for (const Melody& melody : melodies)
        h.add(melody);
    return h;
}

// ---- baselines ----------------------------------------------------------------------------------

// `share` of the phrase's notes get a pitch drawn from the phrase's other pitches.
Melody redrawPitches(const Melody& phrase, double share, std::mt19937_64& random) {
    Melody out = phrase;
    std::vector<size_t> order(phrase.notes.size());
    std::iota(order.begin(), order.end(), 0);
    std::shuffle(order.begin(), order.end(), random);
    const auto count = static_cast<size_t>(std::lround(share * static_cast<double>(order.size())));
    std::uniform_int_distribution<size_t> pick(0, phrase.notes.size() - 1);
    for (size_t k = 0; k < count; ++k) {
        Note& note = out.notes[order[k]];
        for (int attempt = 0; attempt < 16 && note.pitch == phrase.notes[order[k]].pitch; ++attempt)
            note.pitch = phrase.notes[pick(random)].pitch;
    }
    return out;
}

// P(interval | previous interval), add-one smoothing over kIntervalBins classes.
class IntervalBigram {
public:
    explicit IntervalBigram(const std::vector<Melody>& lines) {
        for (auto& row : counts_)
            row.fill(1);
        for (const Melody& line : lines) {
            int previous = kIntervalBins; // start
            for (size_t i = 1; i < line.notes.size(); ++i) {
                const int c = classOf(line.notes[i].pitch - line.notes[i - 1].pitch);
                counts_[static_cast<size_t>(previous)][static_cast<size_t>(c)] += 1;
                previous = c;
            }
        }
    }
    double perNoteLogLikelihood(const Melody& phrase) const {
        double sum = 0;
        int previous = kIntervalBins;
        for (size_t i = 1; i < phrase.notes.size(); ++i) {
            const int c = classOf(phrase.notes[i].pitch - phrase.notes[i - 1].pitch);
            const auto& row = counts_[static_cast<size_t>(previous)];
            sum += std::log(row[static_cast<size_t>(c)] /
                            std::accumulate(row.begin(), row.end(), 0.0));
            previous = c;
        }
        return sum / static_cast<double>(phrase.notes.size() - 1);
    }

private:
    static int classOf(int interval) { return std::clamp(interval, -13, 13) + 13; }
    std::array<std::array<double, kIntervalBins>, kIntervalBins + 1> counts_{};
};

// Area under the ROC curve: P(positive scores above negative), ties counting half.
double areaUnderCurve(const std::vector<double>& positives, const std::vector<double>& negatives) {
    double wins = 0;
    for (const double p : positives)
        for (const double n : negatives)
            wins += p > n ? 1.0 : p == n ? 0.5 : 0.0;
    return wins / static_cast<double>(positives.size() * negatives.size());
}

// ---- key, copies, diversity ---------------------------------------------------------------------

// Krumhansl-Kessler profiles; the key's diatonic scale (natural minor) as 12 flags.
std::array<bool, 12> keyScaleOf(const Melody& melody) {
    constexpr std::array<double, 12> major = {6.35, 2.23, 3.48, 2.33, 4.38, 4.09,
                                              2.52, 5.19, 2.39, 3.66, 2.29, 2.88};
    constexpr std::array<double, 12> minor = {6.33, 2.68, 3.52, 5.38, 2.60, 3.53,
                                              2.54, 4.75, 3.98, 2.69, 3.34, 3.17};
    std::array<double, 12> histogram{};
    for (const Note& note : melody.notes)
        histogram[static_cast<size_t>(note.pitch % 12)] += note.length;
    double best = -2;
    std::array<bool, 12> scale{};
    for (int tonic = 0; tonic < 12; ++tonic)
        for (const bool isMinor : {false, true}) {
            const auto& profile = isMinor ? minor : major;
            const double mh = std::accumulate(histogram.begin(), histogram.end(), 0.0) / 12;
            const double mp = std::accumulate(profile.begin(), profile.end(), 0.0) / 12;
            double hp = 0, hh = 0, pp = 0;
            for (int i = 0; i < 12; ++i) {
                const double h = histogram[static_cast<size_t>((i + tonic) % 12)] - mh;
                const double p = profile[static_cast<size_t>(i)] - mp;
                hp += h * p;
                hh += h * h;
                pp += p * p;
            }
            const double r = hh > 0 ? hp / std::sqrt(hh * pp) : 0;
            if (r > best) {
                best = r;
                const std::array<int, 7> degrees = isMinor
                                                       ? std::array<int, 7>{0, 2, 3, 5, 7, 8, 10}
                                                       : std::array<int, 7>{0, 2, 4, 5, 7, 9, 11};
                scale.fill(false);
                for (const int d : degrees)
                    scale[static_cast<size_t>((tonic + d) % 12)] = true;
            }
        }
    return scale;
}

double inKeyShare(const Melody& melody, const std::array<bool, 12>& scale) {
    const auto in = std::count_if(melody.notes.begin(), melody.notes.end(), [&](const Note& n) {
        return scale[static_cast<size_t>(n.pitch % 12)];
    });
    return static_cast<double>(in) / static_cast<double>(melody.notes.size());
}

// The longest run of `a` equal (intervals, inter-onset ratios within 1/192 octave) to a run of
// `b`, by brute force (as tests/models/test_style_model.cpp).
int longestSharedRun(const Melody& a, const Melody& b) {
    const auto& x = a.notes;
    const auto& y = b.notes;
    const auto ratio = [](const std::vector<Note>& n, size_t k) {
        return std::log2((n[k].start - n[k - 1].start) / (n[k - 1].start - n[k - 2].start));
    };
    int longest = 0;
    for (size_t i = 0; i < x.size(); ++i)
        for (size_t j = 0; j < y.size(); ++j) {
            size_t length = 1;
            while (
                i + length < x.size() && j + length < y.size() &&
                x[i + length].pitch - x[i + length - 1].pitch ==
                    y[j + length].pitch - y[j + length - 1].pitch &&
                (length < 2 || std::abs(ratio(x, i + length) - ratio(y, j + length)) <= 1.0 / 192))
                ++length;
            longest = std::max(longest, static_cast<int>(length));
        }
    return longest;
}

template <typename T> int editDistance(const std::vector<T>& a, const std::vector<T>& b) {
    std::vector<int> row(b.size() + 1);
    std::iota(row.begin(), row.end(), 0);
    for (size_t i = 1; i <= a.size(); ++i) {
        int diagonal = row[0];
        row[0] = static_cast<int>(i);
        for (size_t j = 1; j <= b.size(); ++j) {
            const int above = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] != b[j - 1])});
            diagonal = above;
        }
    }
    return row[b.size()];
}

std::vector<int> pitchesOf(const Melody& m) {
    std::vector<int> out;
    for (const Note& n : m.notes)
        out.push_back(n.pitch);
    return out;
}

std::vector<int> intervalsOf(const Melody& m) {
    std::vector<int> out;
    for (size_t i = 1; i < m.notes.size(); ++i)
        out.push_back(m.notes[i].pitch - m.notes[i - 1].pitch);
    return out;
}

double mean(const std::vector<double>& values) {
    return values.empty() ? 0
                          : std::accumulate(values.begin(), values.end(), 0.0) /
                                static_cast<double>(values.size());
}

} // namespace

int main() {
    const std::string composer =
        std::getenv("ACCORD_BENCH_COMPOSER") && *std::getenv("ACCORD_BENCH_COMPOSER")
            ? std::getenv("ACCORD_BENCH_COMPOSER")
            : "abc";
    const std::string other = composer == "abc" ? "mma" : "abc";
    const int phraseBars = static_cast<int>(envNumber("ACCORD_BENCH_PHRASE_BARS", 8));
    const int wantedVariations = static_cast<int>(envNumber("ACCORD_BENCH_VARIATIONS", 200));
    const double stray = envNumber("ACCORD_BENCH_STRAY", 0.6);
    const auto seed = static_cast<std::uint64_t>(envNumber("ACCORD_BENCH_SEED", 1));
    if (!fs::is_directory(accord::bench::materialRoot() + "/melodies/" + composer)) {
        std::printf("no melodies under %s (scripts/fetch-material.sh)\n",
                    accord::bench::materialRoot().c_str());
        return 1;
    }
    const double trainingMinutes = envNumber("ACCORD_BENCH_TRAINING_MINUTES", 30);
    const bool validation = envNumber("ACCORD_BENCH_VALIDATION", 0) != 0;
    Source own = loadSource(composer, phraseBars, trainingMinutes, validation);
    const Source rival = loadSource(other, phraseBars, trainingMinutes, validation);
    for (const Source* s : {static_cast<const Source*>(&own), &rival})
        std::printf("%s: %zu training lines (%.1f min), %zu held-out lines (%.1f min), %zu "
                    "held-out phrases of %d bars\n",
                    s->name.c_str(), s->trainingLines.size(), s->trainingSeconds / 60,
                    s->heldOutLines.size(), s->heldOutSeconds / 60, s->heldOutPhrases.size(),
                    phraseBars);

    const auto transcribedProgram =
        static_cast<int>(envNumber("ACCORD_BENCH_TRANSCRIBED_PROGRAM", -1));
    if (transcribedProgram >= 0)
        own.trainingLines = transcribedLines(own.trainingLines, transcribedProgram);

    // ---- training
    std::vector<models::StyleSequence> sequences;
    for (size_t i = 0; i < own.trainingLines.size(); ++i)
        sequences.push_back({own.trainingLines[i], own.name + "-" + std::to_string(i)});
    const std::string folder = accord::bench::scratchFolder("accord-bench-style");
    models::StyleTrainingOptions options;
    options.checkpointFile = folder + "/style.checkpoint";
    options.owner = "bench";
    options.seed = seed;
    options.maxMinutes = envNumber("ACCORD_BENCH_MINUTES", 5);
    options.maxSteps = static_cast<int>(envNumber("ACCORD_BENCH_STEPS", 0));
    options.hidden = static_cast<int>(envNumber("ACCORD_BENCH_HIDDEN", 0));
    options.threads = static_cast<int>(envNumber("ACCORD_BENCH_THREADS", 0));
    models::TrainedStyle trained;
    const double trainingWall =
        accord::bench::secondsOf([&] { trained = models::trainStyle(sequences, options); });
    const std::string modelFile = folder + "/style.model";
    models::writeStyleModel(modelFile, trained, {});
    const models::StyleModel model = models::loadStyleModel(modelFile);
    const auto metrics = nlohmann::json::parse(trained.metricsJson);
    std::printf(
        "\ntraining on %s: %d steps in %.1f s (%.3f s/step; goal <= 300 s)%s, best step %d\n"
        "  validation loss %.3f nats/note (untrained %.3f), training loss %.3f\n",
        own.name.c_str(), trained.steps, trainingWall, trainingWall / std::max(1, trained.steps),
        trained.stoppedByTimeLimit ? " STOPPED BY THE TIME LIMIT" : "",
        metrics.value("bestStep", 0), metrics["validationLoss"].get<double>(),
        metrics["untrainedValidationLoss"].get<double>(), metrics["trainLoss"].get<double>());

    // ---- learning: AUC
    std::mt19937_64 random(seed);
    const IntervalBigram bigram(own.trainingLines);
    // Scores per phrase (docs/STYLE.md "Scores"): the pitch order score is the goal's (the redraw
    // moves pitches only); the pitch score and the joint beside it, and the bigram both raw and
    // against the same shuffles.
    const auto bigramOrder = [&](const Melody& phrase) {
        double shuffled = 0;
        for (const Melody& order : models::shuffledPitchOrders(phrase))
            shuffled += bigram.perNoteLogLikelihood(order);
        return bigram.perNoteLogLikelihood(phrase) - shuffled / models::kPitchOrderShuffles;
    };
    struct Ranked {
        const char* name;
        std::function<double(const Melody&)> score;
        std::vector<double> original, redrawn;
        int pairsWon = 0;
    };
    std::vector<Ranked> ranked = {
        {"style model, pitch order",
         [&](const Melody& m) { return models::scorePitchOrder(model, m); }},
        {"style model, pitch",
         [&](const Melody& m) { return models::scorePhrase(model, m).pitchLogLikelihood; }},
        {"style model, joint",
         [&](const Melody& m) { return models::scorePhrase(model, m).perNoteLogLikelihood; }},
        {"style model, rhythm",
         [&](const Melody& m) { return models::scorePhrase(model, m).rhythmLogLikelihood; }},
        {"interval bigram, order", bigramOrder},
        {"interval bigram (add-one)",
         [&](const Melody& m) { return bigram.perNoteLogLikelihood(m); }}};
    const bool phraseScores = envNumber("ACCORD_BENCH_PHRASE_SCORES", 0) != 0;
    if (phraseScores)
        std::printf("\nper held-out phrase: notes, rhythm / pitch score, the same of its redraw\n");
    for (size_t p = 0; p < own.heldOutPhrases.size(); ++p) {
        const Melody& phrase = own.heldOutPhrases[p];
        const Melody redrawn = redrawPitches(phrase, 0.3, random);
        for (Ranked& r : ranked) {
            r.original.push_back(r.score(phrase));
            r.redrawn.push_back(r.score(redrawn));
            r.pairsWon += r.original.back() > r.redrawn.back();
        }
        if (phraseScores) {
            const models::StyleScore a = models::scorePhrase(model, phrase);
            const models::StyleScore b = models::scorePhrase(model, redrawn);
            std::printf("  phrase %2zu: %3zu notes, %.1f bpm %d/%d  rhythm %7.3f / pitch %7.3f   "
                        "redrawn %7.3f / %7.3f\n",
                        p, phrase.notes.size(), phrase.tempo.front().bpm, phrase.beatsPerBar,
                        phrase.beatUnit, a.rhythmLogLikelihood, a.pitchLogLikelihood,
                        b.rhythmLogLikelihood, b.pitchLogLikelihood);
        }
    }
    const double phrases = static_cast<double>(own.heldOutPhrases.size());
    std::printf("\nlearning: %zu held-out phrases vs the same with 30%% of pitches redrawn\n",
                own.heldOutPhrases.size());
    for (const Ranked& r : ranked)
        std::printf("  %-26s AUC %.3f%-15s pairs ranked right %.3f  mean score %.3f vs %.3f\n",
                    r.name, areaUnderCurve(r.original, r.redrawn),
                    &r == &ranked.front() ? " (goal >= 0.8)" : "", r.pairsWon / phrases,
                    mean(r.original), mean(r.redrawn));

    // ---- variations
    const int phraseCount =
        std::min<int>(static_cast<int>(own.heldOutPhrases.size()),
                      (wantedVariations + kVariationsPerPhrase - 1) / kVariationsPerPhrase);
    std::vector<Melody> variations, redraws;
    std::vector<double> phraseKey, variationKey, redrawKey, pitchDistance, intervalDistance;
    int closerToOwn = 0, redrawCloserToOwn = 0, unvaried = 0;
    const Histograms ownHistograms = histogramsOf(own.heldOutLines);
    const Histograms rivalHistograms = histogramsOf(rival.heldOutLines);
    const auto closer = [&](const std::vector<Melody>& melodies) {
        const Histograms h = histogramsOf(melodies);
        return jensenShannon(h.interval, ownHistograms.interval) +
                   jensenShannon(h.onset, ownHistograms.onset) <
               jensenShannon(h.interval, rivalHistograms.interval) +
                   jensenShannon(h.onset, rivalHistograms.onset);
    };
    double generationSeconds = 0;
    const double stride = static_cast<double>(own.heldOutPhrases.size()) / phraseCount;
    for (int p = 0; p < phraseCount; ++p) {
        const Melody& phrase = own.heldOutPhrases[static_cast<size_t>(p * stride)];
        models::VariationRequest request;
        request.phrase = phrase;
        request.count = kVariationsPerPhrase;
        request.seed = seed + static_cast<std::uint64_t>(p);
        request.stray = stray;
        request.temperature = envNumber("ACCORD_BENCH_TEMPERATURE", 1);
        std::vector<models::Variation> made;
        try {
            generationSeconds +=
                accord::bench::secondsOf([&] { made = models::vary(model, request, {}); });
        } catch (const accord::Error&) {
            ++unvaried;
            continue;
        }
        const std::array<bool, 12> scale = keyScaleOf(phrase);
        phraseKey.push_back(inKeyShare(phrase, scale));
        std::vector<Melody> ofPhrase, redrawsOfPhrase;
        for (const models::Variation& v : made) {
            ofPhrase.push_back(v.melody);
            variationKey.push_back(inKeyShare(v.melody, scale));
            redrawsOfPhrase.push_back(redrawPitches(phrase, 0.6, random));
            redrawKey.push_back(inKeyShare(redrawsOfPhrase.back(), scale));
        }
        for (size_t a = 0; a < ofPhrase.size(); ++a)
            for (size_t b = a + 1; b < ofPhrase.size(); ++b) {
                pitchDistance.push_back(
                    editDistance(pitchesOf(ofPhrase[a]), pitchesOf(ofPhrase[b])));
                intervalDistance.push_back(
                    editDistance(intervalsOf(ofPhrase[a]), intervalsOf(ofPhrase[b])));
            }
        closerToOwn += closer(ofPhrase);
        redrawCloserToOwn += closer(redrawsOfPhrase);
        variations.insert(variations.end(), ofPhrase.begin(), ofPhrase.end());
        redraws.insert(redraws.end(), redrawsOfPhrase.begin(), redrawsOfPhrase.end());
    }

    std::printf("\nstyle fidelity: %zu variations of %d held-out phrases (stray %.2f), "
                "Jensen-Shannon distance (bits) of the histograms\n",
                variations.size(), phraseCount - unvaried, stray);
    if (unvaried > 0)
        std::printf("  %d phrase(s) the guard could not vary within its search budget\n", unvaried);
    std::printf("  %-34s %-22s %-22s %s\n", "", "intervals: own / other",
                "inter-onsets: own / other", "phrases closer to own");
    const auto fidelityRow = [&](const char* what, const std::vector<Melody>& melodies,
                                 const std::string& closerShare) {
        const Histograms h = histogramsOf(melodies);
        std::printf("  %-34s %.3f / %.3f          %.3f / %.3f              %s\n", what,
                    jensenShannon(h.interval, ownHistograms.interval),
                    jensenShannon(h.interval, rivalHistograms.interval),
                    jensenShannon(h.onset, ownHistograms.onset),
                    jensenShannon(h.onset, rivalHistograms.onset), closerShare.c_str());
    };
    const auto share = [&](int count) {
        return std::to_string(count) + "/" + std::to_string(phraseCount - unvaried);
    };
    fidelityRow("style model variations", variations, share(closerToOwn));
    fidelityRow("random 60% re-draws (baseline)", redraws, share(redrawCloserToOwn));
    fidelityRow("composer's training lines", own.trainingLines, "");

    std::printf("\nkey kept: share of notes in the phrase's key (diatonic, Krumhansl-Schmuckler)\n"
                "  phrases %.3f   variations %.3f   random re-draws %.3f\n",
                mean(phraseKey), mean(variationKey), mean(redrawKey));

    int copies = 0, longest = 0;
    for (const Melody& variation : variations) {
        int run = 0;
        for (const Melody& line : own.trainingLines)
            run = std::max(run, longestSharedRun(variation, line));
        copies += run >= kCopiedRun;
        longest = std::max(longest, run);
    }
    std::printf("\nnovelty: %d of %zu variations share a run of %d+ notes with the training lines "
                "(goal 0); longest shared run %d notes\n",
                copies, variations.size(), kCopiedRun, longest);
    std::printf(
        "\ndiversity: mean pairwise edit distance between variations of one phrase: "
        "pitches %.2f, intervals %.2f (phrases of %.1f notes on average)\n",
        mean(pitchDistance), mean(intervalDistance),
        std::accumulate(variations.begin(), variations.end(), 0.0, [](double s, const Melody& m) {
            return s + static_cast<double>(m.notes.size());
        }) / static_cast<double>(variations.size()));

    // ---- speed: 8 variations of 16 bars of the longest held-out line
    const Melody& longestLine = *std::max_element(
        own.heldOutLines.begin(), own.heldOutLines.end(),
        [](const Melody& a, const Melody& b) { return a.notes.size() < b.notes.size(); });
    models::VariationRequest timed;
    timed.phrase = phraseOf(longestLine, 0, 16);
    timed.count = 8;
    timed.stray = stray;
    const accord::bench::Timing timing = accord::bench::repeat(3, [&] {
        try {
            models::vary(model, timed, {});
        } catch (const accord::Error& error) {
            std::printf("  the 16-bar phrase: %s\n", error.what());
        }
    });
    std::printf("\nspeed (generation only; goal for generation and rendering <= 2 s):\n");
    accord::bench::report("8 variations of a 16-bar phrase (" +
                              std::to_string(timed.phrase.notes.size()) + " notes)",
                          timing, "s", 1);
    std::printf("  %-58s %9.3f s\n", "mean per phrase of 8 variations above",
                generationSeconds / (phraseCount - unvaried));
    fs::remove_all(folder);
    return 0;
}
