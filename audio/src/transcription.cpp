#include "accord/audio/transcription.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <utility>

namespace accord::audio {
namespace {

constexpr double kGridPerBeat = 960; // writeMidiFile's resolution

// Gaps between consecutive onsets the tempo is read from (docs/NOTES.md "Tempo of a transcribed
// stem"): shorter ones are ornaments or split notes, longer ones rests and held notes.
constexpr double kShortestTempoGapSeconds = 0.06;
constexpr double kLongestTempoGapSeconds = 2;
// Each gap spreads over this much of an octave in the histogram: a transcribed onset moves by a
// frame or two (8-16 ms), 2-4% of a 0.3 s gap.
constexpr double kGapSpreadOctaves = 0.04;
constexpr double kHistogramStepOctaves = 0.005;
// A gap longer than this many of the most common gap, or farther than kMultipleTolerance from a
// whole number of it (a dotted note, a triplet), ends a stretch of the refining line: its count
// of units is unsure.
constexpr double kLongestMultiple = 4;
constexpr double kMultipleTolerance = 0.25;
// The beat is the unit times the power of two nearest this tempo in log-time: preferred tempi
// of listeners and notated music centre near 120 bpm, and a melody alone does not say which
// level of its metre is the beat.
constexpr double kCentralBpm = 120;
// A compound metre's dotted-quarter beat lies nearest this: jigs and slides are felt at a dotted
// quarter of 80-140 (docs/NOTES.md "Tempo of a transcribed stem": 120 read a 6/8 tune at a dotted
// quarter of 80 as 160).
constexpr double kCentralCompoundBpm = 100;
// The grid: the unit divided by 1-4, the coarsest whose fit (share of gaps within this many grid
// steps of a whole number of them, up to kLongestGridGap) beats every coarser one's by kBetterFit.
constexpr double kGridTolerance = 0.15;
constexpr double kLongestGridGap = 16;
constexpr double kBetterFit = 0.1;
constexpr int kFinestGridDivision = 4;
// An onset weighs its gap to the next in grid steps, up to this: long notes mark the beat.
constexpr double kHeaviestOnset = 8;
// Grouping the grid by three wins when its beat's share of the weight, above chance, beats
// grouping by two's by this; grouping a coarser level by three (a compound beat's eighths) by
// kCompoundMargin, and only into a beat of kShortestCompoundBeatSeconds or more.
constexpr double kTripleMargin = 0.1;
constexpr double kCompoundMargin = 0.3;
constexpr double kShortestCompoundBeatSeconds = 0.4;
// No beat of three steps is longer than this (50 bpm): three slower steps are a bar of three.
constexpr double kLongestTernaryBeatSeconds = 1.0;
// The metre is climbed up to levels this long.
constexpr double kHighestLevelSeconds = 3;
// The beat's octave moves off the preferred tempo only where the notes' lengths leave the
// preferred level unmarked (its grouping's excess under kUnmarkedLevel) and mark the level
// beside it (kMarkedLevel or more), and only to a beat of kShortestBeatSeconds to
// kLongestBeatSeconds (240-40 bpm).
constexpr double kUnmarkedLevel = 0.2;
constexpr double kMarkedLevel = 0.75;
constexpr double kShortestBeatSeconds = 0.25;
constexpr double kLongestBeatSeconds = 1.5;
// A swung beat: its middle step holds fewer onsets than this share of the fewer of the other two.
constexpr double kSwingMiddleShare = 0.25;
// The beat's octave from loudness accents (docs/NOTES.md "The beat"): a level is accented when the
// onsets at one of its places are louder than the others (a t statistic, each side at least
// kFewestAccentOnsets onsets, levels up to kLongestAccentSeconds). A simple metre accents every
// other beat (the bar of 2/4, the half bar of 4/4) above the beats between. The beat moves an
// octave when that fits the accents better by kAccentMargin and its two-beat level is accented
// by kClearAccent or more.
constexpr std::size_t kFewestAccentOnsets = 3;
constexpr double kLongestAccentSeconds = 4.5;
constexpr double kAccentMargin = 1.0;
constexpr double kClearAccent = 4.5;
// A beat whose two-beat level has no accent of its own (under kAccentMargin: its accent is only
// that of the level above) is a beat of 4/4 whose bars alone are accented, or half the beat of a
// 2/4 bar; the accents cannot tell which, and the reading nearer this tempo in log-time is taken
// (docs/NOTES.md "The beat's own accent"). Chosen on abcmidi's tunes: the nearer 120 keeps every
// chosen beat (it is the octave nearest 120), and with no centre at all a 4/4 line at 120 whose
// bars alone are accented went to 60.
constexpr double kAmbiguousBarCentreBpm = 100;

double onGrid(double beats) {
    return std::round(beats * kGridPerBeat) / kGridPerBeat;
}

// The most common gap between onsets, refined by a least-squares line through the onsets
// against their count of units (each gap rounded to a whole number of the most common one): the
// onsets' jitter then averages out over the whole take instead of biasing the gaps near the most
// common one. A gap of an unsure count of units starts a new stretch with its own line; an onset
// too soon after the last one (an ornament, a split note) is passed over. 0 when too few gaps.
double unitGapSeconds(const std::vector<dsp::TranscribedNote>& notes) {
    std::vector<double> gapOctaves;
    for (std::size_t i = 1; i < notes.size(); ++i) {
        const double gap = notes[i].onset - notes[i - 1].onset;
        if (gap >= kShortestTempoGapSeconds && gap <= kLongestTempoGapSeconds)
            gapOctaves.push_back(std::log2(gap));
    }
    if (gapOctaves.size() < kFewestTempoGaps)
        return 0;
    // The most common gap: the peak of the gaps' histogram, each gap a Gaussian in log-time.
    double mostCommon = 0, highest = -1;
    for (double octave = std::log2(kShortestTempoGapSeconds);
         octave <= std::log2(kLongestTempoGapSeconds); octave += kHistogramStepOctaves) {
        double density = 0;
        for (double gap : gapOctaves) {
            const double distance = (gap - octave) / kGapSpreadOctaves;
            density += std::exp(-0.5 * distance * distance);
        }
        if (density > highest) {
            highest = density;
            mostCommon = std::exp2(octave);
        }
    }
    double covariance = 0, spread = 0;
    std::vector<std::pair<double, double>> stretch; // (units, seconds) from its first onset
    const auto closeStretch = [&] {
        if (stretch.size() >= 2) {
            double meanUnits = 0, meanSeconds = 0;
            for (const auto& [units, seconds] : stretch) {
                meanUnits += units;
                meanSeconds += seconds;
            }
            meanUnits /= double(stretch.size());
            meanSeconds /= double(stretch.size());
            for (const auto& [units, seconds] : stretch) {
                covariance += (units - meanUnits) * (seconds - meanSeconds);
                spread += (units - meanUnits) * (units - meanUnits);
            }
        }
        stretch.clear();
    };
    double lastOnset = notes.front().onset;
    stretch.emplace_back(0, 0);
    for (std::size_t i = 1; i < notes.size(); ++i) {
        const double gap = notes[i].onset - lastOnset;
        if (gap < kShortestTempoGapSeconds)
            continue;
        const double units = std::round(gap / mostCommon);
        if (units < 1 || units > kLongestMultiple ||
            std::abs(gap / mostCommon - units) > kMultipleTolerance) {
            closeStretch();
            stretch.emplace_back(0, 0);
        } else {
            stretch.emplace_back(stretch.back().first + units, stretch.back().second + gap);
        }
        lastOnset = notes[i].onset;
    }
    closeStretch();
    return spread > 0 ? covariance / spread : mostCommon;
}

// The notes whose onsets the metre is read from: the first, then each at least
// kShortestTempoGapSeconds after the last one kept (quicker ones are ornaments or split notes).
std::vector<const dsp::TranscribedNote*>
spacedNotes(const std::vector<dsp::TranscribedNote>& notes) {
    std::vector<const dsp::TranscribedNote*> spaced = {&notes.front()};
    for (const dsp::TranscribedNote& note : notes)
        if (note.onset - spaced.back()->onset >= kShortestTempoGapSeconds)
            spaced.push_back(&note);
    return spaced;
}

// How many times finer than the unit the grid is: the coarsest division whose share of gaps on
// the grid beats every coarser one's by kBetterFit (a swung tune's most common gap may be the
// long two thirds of its beat; a triplet line's, the whole beat).
int gridDivision(const std::vector<double>& gaps, double unitSeconds) {
    int division = 1;
    double bestFit = -1;
    for (int candidate = 1; candidate <= kFinestGridDivision; ++candidate) {
        const double step = unitSeconds / candidate;
        const double onGridShare =
            double(std::count_if(gaps.begin(), gaps.end(),
                                 [&](double gap) {
                                     const double steps = gap / step;
                                     return steps <= kLongestGridGap &&
                                            std::abs(steps - std::round(steps)) <= kGridTolerance;
                                 })) /
            double(gaps.size());
        if (onGridShare > bestFit + kBetterFit) {
            bestFit = onGridShare;
            division = candidate;
        }
    }
    return division;
}

struct Grouping {
    double excess = 0; // the beat's share of the onsets' weight above chance, 0..1
    long phase = 0;    // grid steps from the first onset to the first beat, in the level's steps
};

// A level of the metre: every `size` grid steps from `phase`. Its beats of `by` steps whose onsets
// carry the most weight (each onset on the level weighs its note's length in the level's steps,
// up to kHeaviestOnset: long notes fall on beats), measured as excess over chance (1 / by).
// Onsets off the level (quicker notes between its steps) are not counted.
Grouping bestGrouping(const std::vector<long>& steps, long phase, long size, int by) {
    std::vector<long> places;
    std::vector<double> weights;
    for (std::size_t i = 0; i < steps.size(); ++i)
        if ((steps[i] - phase) % size == 0) {
            places.push_back((steps[i] - phase) / size);
            weights.push_back(i + 1 < steps.size()
                                  ? std::min(kHeaviestOnset, double(steps[i + 1] - steps[i]) / size)
                                  : 1.0);
        }
    double total = 0;
    for (double weight : weights)
        total += weight;
    Grouping best{-1, 0};
    for (int beatPhase = 0; beatPhase < by; ++beatPhase) {
        double onBeat = 0;
        for (std::size_t i = 0; i < places.size(); ++i)
            if ((places[i] - beatPhase) % by == 0)
                onBeat += weights[i];
        const double chance = 1.0 / by;
        const double excess = (onBeat / total - chance) / (1 - chance);
        if (excess > best.excess)
            best = {excess, beatPhase};
    }
    return best;
}

double octaveNearest(double bpm, double centre) {
    return bpm * std::exp2(std::round(std::log2(centre / bpm)));
}

// How many onsets of the level every `size` grid steps from `phase` fall at each of the `by` places
// of a beat that starts there.
std::vector<int> onsetsAtPlace(const std::vector<long>& steps, long phase, long size, int by) {
    std::vector<int> count(std::size_t(by), 0);
    for (long step : steps)
        if ((step - phase) % size == 0)
            ++count[std::size_t((((step - phase) / size) % by + by) % by)];
    return count;
}

// The velocities' spread (their standard deviation), the scale every accent is measured on.
double spreadOf(const std::vector<double>& velocities) {
    double mean = 0;
    for (double velocity : velocities)
        mean += velocity;
    mean /= double(velocities.size());
    double variance = 0;
    for (double velocity : velocities)
        variance += (velocity - mean) * (velocity - mean);
    return std::sqrt(variance / double(velocities.size()));
}

// How much louder the onsets `isOn` picks are than those `isOff` picks: the difference of their
// mean velocities over its standard error (`spread` the velocities' own). None with fewer than
// kFewestAccentOnsets on either side.
template <typename On, typename Off>
std::optional<double> louderBy(const std::vector<long>& steps,
                               const std::vector<double>& velocities, double spread, On isOn,
                               Off isOff) {
    double onSum = 0, offSum = 0;
    std::size_t on = 0, off = 0;
    for (std::size_t i = 0; i < steps.size(); ++i)
        if (isOn(steps[i])) {
            onSum += velocities[i];
            ++on;
        } else if (isOff(steps[i])) {
            offSum += velocities[i];
            ++off;
        }
    if (on < kFewestAccentOnsets || off < kFewestAccentOnsets)
        return std::nullopt;
    return (onSum / double(on) - offSum / double(off)) /
           (spread * std::sqrt(1.0 / double(on) + 1.0 / double(off)));
}

bool onLevel(long step, long place, long period) {
    return ((step - place) % period + period) % period == 0;
}

struct Accent {
    double t;   // how much louder its onsets are than the others (louderBy)
    long place; // grid steps from the first onset to its first accented place
};

// How much louder the onsets at the best place of a level every `period` grid steps are than the
// others (`spread` the velocities', spreadOf). None for a level of every onset, one longer than
// kLongestAccentSeconds, too few onsets on either side or velocities all equal.
std::optional<Accent> accentOf(const std::vector<long>& steps,
                               const std::vector<double>& velocities, double spread, long period,
                               double stepSeconds) {
    if (period < 2 || stepSeconds * double(period) > kLongestAccentSeconds || spread <= 0)
        return std::nullopt;
    std::optional<Accent> best;
    for (long place = 0; place < period; ++place) {
        const std::optional<double> t = louderBy(
            steps, velocities, spread, [&](long step) { return onLevel(step, place, period); },
            [&](long step) { return !onLevel(step, place, period); });
        if (t && (!best || *t > best->t))
            best = Accent{*t, place};
    }
    return best;
}

// The accent a level every `period` grid steps has of its own, beyond the level twice as long
// that holds every other one of its places: how much louder its onsets between that level's
// accented places are than the onsets off it (docs/NOTES.md "The beat's own accent"). In 4/4 the
// third beat is louder than the second and fourth, so the half bar has an accent of its own;
// when the beats between the half bars are no louder than the notes between the beats, the
// beat level's accent is only the half bar's. None where accentOf has none at twice the period.
std::optional<double> ownAccentOf(const std::vector<long>& steps,
                                  const std::vector<double>& velocities, double spread, long period,
                                  double stepSeconds) {
    const std::optional<Accent> above =
        accentOf(steps, velocities, spread, 2 * period, stepSeconds);
    if (!above)
        return std::nullopt;
    return louderBy(
        steps, velocities, spread,
        [&](long step) { return onLevel(step, above->place + period, 2 * period); },
        [&](long step) { return !onLevel(step, above->place, period); });
}

} // namespace

TranscriptionTiming transcriptionTiming(const std::vector<dsp::TranscribedNote>& notes) {
    const double unitSeconds = unitGapSeconds(notes);
    if (unitSeconds <= 0)
        return {};
    const std::vector<const dsp::TranscribedNote*> spaced = spacedNotes(notes);
    std::vector<double> gaps, velocities = {double(spaced.front()->velocity)};
    for (std::size_t i = 1; i < spaced.size(); ++i) {
        gaps.push_back(spaced[i]->onset - spaced[i - 1]->onset);
        velocities.push_back(spaced[i]->velocity);
    }
    const int division = gridDivision(gaps, unitSeconds);
    const double stepSeconds = unitSeconds / division;
    // Each onset's place on the grid, counted from the first.
    std::vector<long> steps = {0};
    for (double gap : gaps)
        steps.push_back(steps.back() + std::max(1L, std::lround(gap / stepSeconds)));
    // Climb the metre from the grid (docs/NOTES.md "Tempo and metre of a transcribed stem"): each
    // level groups the one below by two, unless its steps group by three into a beat; what each
    // grouping by two weighed is kept to judge the beat's octave below.
    std::map<long, double> twoStepEvidence; // level size in grid steps -> its grouping's excess
    std::map<long, bool> groupsByThree;     // level size -> three beat two there, if by a hair
    long size = 1, phase = 0;
    while (stepSeconds * double(size) < kHighestLevelSeconds) {
        const Grouping byTwo = bestGrouping(steps, phase, size, 2),
                       byThree = bestGrouping(steps, phase, size, 3);
        const double threeStepSeconds = 3 * stepSeconds * double(size);
        // On the grid: a beat of three steps (a unit of three grid steps is a beat with triplets
        // in it, not a compound metre: the line moves mostly in whole beats). Above it: the
        // eighths of a compound beat, a beat's length apart, only when three clearly wins (most
        // simple lines group their eighths by three now and then).
        const bool ternary = size == 1
                                 ? byThree.excess > byTwo.excess + kTripleMargin && division != 3 &&
                                       threeStepSeconds <= kLongestTernaryBeatSeconds
                                 : byThree.excess > byTwo.excess + kCompoundMargin &&
                                       threeStepSeconds >= kShortestCompoundBeatSeconds &&
                                       threeStepSeconds <= kLongestTernaryBeatSeconds;
        if (ternary) {
            const double beatBpm = 60 / threeStepSeconds;
            const std::vector<int> atPlace =
                onsetsAtPlace(steps, phase + byThree.phase * size, size, 3);
            // A swung beat: its middle third mostly empty. Above the grid an empty middle eighth
            // is a jig's quarter-eighth, not swing.
            if (size == 1 && atPlace[1] < kSwingMiddleShare * std::min(atPlace[0], atPlace[2]))
                return {octaveNearest(beatBpm, kCentralBpm), 4, 4};
            // Above the grid the climb has found the eighths and their beat: no octave to guess.
            if (size > 1)
                return {1.5 * beatBpm, 6, 8};
            return {1.5 * octaveNearest(beatBpm, kCentralCompoundBpm), 6, 8};
        }
        twoStepEvidence[2 * size] = byTwo.excess;
        groupsByThree[size] = byThree.excess > byTwo.excess;
        phase += byTwo.phase * size;
        size *= 2;
    }
    // The beat's octave: nearest 120 bpm, unless the notes' lengths mark another level and not
    // that one. A beat no long note falls on, where half of it is strongly marked (and groups
    // by two, not as a compound beat's eighths), is twice as fast; one where twice it is
    // strongly marked, twice as slow.
    // A unit of three grid steps whose steps pair up rather than group by three is a dotted
    // note (a dotted hornpipe's dotted eighth and sixteenth), not a beat with triplets in it: the
    // beat is then a power of two of the steps, not of the unit (docs/NOTES.md "A dotted unit").
    const bool dottedUnit = division == 3 && !groupsByThree[1];
    double bpm = octaveNearest(60 / (dottedUnit ? stepSeconds : unitSeconds), kCentralBpm);
    const long beatSteps = std::lround(60 / bpm / stepSeconds);
    const auto evidenceAt = [&](long levelSize) {
        const auto found = twoStepEvidence.find(levelSize);
        return found == twoStepEvidence.end() ? -1.0 : found->second;
    };
    const double atBeat = evidenceAt(beatSteps);
    if (atBeat >= 0 && atBeat < kUnmarkedLevel) {
        if (beatSteps % 2 == 0 && evidenceAt(beatSteps / 2) >= kMarkedLevel &&
            !groupsByThree[beatSteps / 2] &&
            stepSeconds * double(beatSteps / 2) >= kShortestBeatSeconds)
            bpm *= 2;
        else if (evidenceAt(2 * beatSteps) >= kMarkedLevel &&
                 stepSeconds * double(2 * beatSteps) <= kLongestBeatSeconds)
            bpm /= 2;
    }
    // Then the loudness accents: a beat of B steps fits them as far as its two-beat level is
    // accented above the beats themselves (the downbeat of 2/4, beats 1 and 3 of 4/4). A beat an
    // octave away, within kShortestBeatSeconds to kLongestBeatSeconds, replaces the one chosen
    // above only when it fits clearly better and its two-beat level is clearly accented.
    const double spread = spreadOf(velocities);
    struct AccentFit {
        double fit;      // the two-beat level's accent over the beats'
        double twoBeats; // the two-beat level's accent
    };
    const auto accentFit = [&](long beat) -> std::optional<AccentFit> {
        const std::optional<Accent> twoBeatAccent =
            accentOf(steps, velocities, spread, 2 * beat, stepSeconds);
        if (!twoBeatAccent)
            return std::nullopt;
        const std::optional<Accent> beatAccent =
            accentOf(steps, velocities, spread, beat, stepSeconds);
        return AccentFit{twoBeatAccent->t - (beatAccent ? beatAccent->t : 0), twoBeatAccent->t};
    };
    // A beat shorter than a grid step (a slow line whose most common gap is two of its beats
    // at the preferred tempo) has no accents of its own to weigh: 0 steps, only the beat twice
    // as long, one step, is tried below (docs/NOTES.md "A beat slower than the grid step").
    const long chosenSteps = 60 / bpm < stepSeconds ? 0 : std::lround(60 / bpm / stepSeconds);
    const std::optional<AccentFit> chosen = chosenSteps > 0 ? accentFit(chosenSteps) : std::nullopt;
    // A beat whose own two-beat level is clearly accented already explains the accents: halving
    // its tempo would take a bar accent for a two-beat one (docs/NOTES.md "The beat").
    const bool chosenClearlyAccented = chosen && chosen->twoBeats >= kClearAccent;
    // Unless that two-beat level has no accent of its own: then the slower beat is as good a
    // reading, and taken when it lies nearer kAmbiguousBarCentreBpm.
    const std::optional<double> chosenTwoBeatsOwn =
        chosenSteps > 0 ? ownAccentOf(steps, velocities, spread, 2 * chosenSteps, stepSeconds)
                        : std::nullopt;
    const bool slowerAsGood = chosenTwoBeatsOwn && *chosenTwoBeatsOwn < kAccentMargin &&
                              bpm > kAmbiguousBarCentreBpm * std::sqrt(2.0);
    double bestFit = chosen ? chosen->fit + kAccentMargin : -HUGE_VAL;
    double accentBpm = bpm;
    for (const long beat : {chosenSteps / 2, std::max(1L, 2 * chosenSteps)}) {
        if (beat < 1 || (beat < chosenSteps && chosenSteps % 2 != 0))
            continue;
        const double beatSeconds = stepSeconds * double(beat);
        const std::optional<AccentFit> fit = accentFit(beat);
        const bool slower = beat > chosenSteps;
        if (fit && (fit->fit >= bestFit || (slower && slowerAsGood)) &&
            fit->twoBeats >= kClearAccent && (!slower || !chosenClearlyAccented || slowerAsGood) &&
            beatSeconds >= kShortestBeatSeconds && beatSeconds <= kLongestBeatSeconds) {
            bestFit = fit->fit;
            accentBpm = 60 / beatSeconds;
        }
    }
    // A bar of three beats (3/4): the level of every three beats accented (its downbeat), clearly
    // and by kAccentMargin more than the level of every two, at the beat read, the beat twice as
    // long (a slow 3/4 in eighths is read an octave fast above: its bar is six of those beats,
    // and two or four of them have no accent to weigh) or half as long (a quick waltz in quarters
    // is read at half its tempo above: its bar is a beat and a half). The larger excess decides;
    // within kShortestBeatSeconds to kLongestBeatSeconds (docs/NOTES.md "A bar of three beats").
    TranscriptionTiming timing{accentBpm, 4, 4};
    const long accentBeatSteps = std::max(1L, std::lround(60 / accentBpm / stepSeconds));
    double clearestBar = kAccentMargin;
    long barBeat = 0, barPlace = 0; // the bar of three found: its beat and first downbeat, in steps
    for (const long beat : {accentBeatSteps / 2, accentBeatSteps, 2 * accentBeatSteps}) {
        const double beatSeconds = stepSeconds * double(beat);
        if (beat < 1 || (2 * beat < accentBeatSteps && accentBeatSteps % 2 != 0))
            continue;
        const std::optional<Accent> bar =
            accentOf(steps, velocities, spread, 3 * beat, stepSeconds);
        if (!bar || bar->t < kClearAccent || beatSeconds < kShortestBeatSeconds ||
            beatSeconds > kLongestBeatSeconds)
            continue;
        const std::optional<Accent> twoBeats =
            accentOf(steps, velocities, spread, 2 * beat, stepSeconds);
        const double overTwoBeats = bar->t - (twoBeats ? twoBeats->t : 0);
        if (overTwoBeats >= clearestBar) {
            clearestBar = overTwoBeats;
            timing = {60 / beatSeconds, 3, 4};
            barBeat = beat;
            barPlace = bar->place;
        }
    }
    // A 6/8 bar read as a bar of three (docs/NOTES.md "A 6/8 bar read as a bar of three"). Its
    // two halves are accented, the first more (abc2midi plays 105 and 95): the bar of three found
    // is the whole 6/8 bar in quarters when its middle (half a quarter after the second) is
    // louder than its second and third quarters, which a bar of 3/4 accents, if anything, over
    // the eighth between them. Otherwise it is one half, a dotted quarter of three eighths, when
    // every other one of its downbeats is louder than the rest. Either way the metre is 6/8.
    if (barBeat > 0) {
        const long barSteps = 3 * barBeat;
        const std::optional<Accent> twoBars =
            accentOf(steps, velocities, spread, 2 * barSteps, stepSeconds);
        const std::optional<double> firstHalfOverSecond =
            twoBars ? louderBy(
                          steps, velocities, spread,
                          [&](long step) { return onLevel(step, twoBars->place, 2 * barSteps); },
                          [&](long step) {
                              return onLevel(step, twoBars->place + barSteps, 2 * barSteps);
                          })
                    : std::nullopt;
        const std::optional<double> middleOverBeats =
            barBeat % 2 == 0
                ? louderBy(
                      steps, velocities, spread,
                      [&](long step) { return onLevel(step, barPlace + barSteps / 2, barSteps); },
                      [&](long step) {
                          return onLevel(step, barPlace + barBeat, barSteps) ||
                                 onLevel(step, barPlace + 2 * barBeat, barSteps);
                      })
                : std::nullopt;
        if (middleOverBeats && *middleOverBeats >= kAccentMargin)
            timing = {timing.bpm, 6, 8};
        else if (firstHalfOverSecond && *firstHalfOverSecond >= kAccentMargin)
            timing = {60 / (stepSeconds * double(2 * barBeat)), 6, 8}; // a quarter: two eighths
    }
    return timing;
}

Melody melodyFromTranscription(const std::vector<dsp::TranscribedNote>& notes,
                               const TranscriptionTiming& timing) {
    const double bpm = timing.bpm;
    Melody melody;
    melody.tempo = {{0, bpm}};
    melody.beatsPerBar = timing.beatsPerBar;
    melody.beatUnit = timing.beatUnit;
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
