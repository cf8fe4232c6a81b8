// Variations of a phrase with the originality guard applied while generating (docs/STYLE.md
// "Variations" and "Never a copy"): a depth-first search over the notes, each step choosing among
// the model's candidates that keep the key, the steering and the guard; a step with no candidate
// left takes back the step before it and bans that choice there.

#include "accord/models/style_model.h"

#include "style_guard.h"
#include "style_markov.h"
#include "style_model_impl.h"
#include "style_stepper.h"
#include "style_tokens.h"

#include "accord/core/errors.h"
#include "accord/core/thread_checks.h"
#include "accord/models/runtime.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <set>

namespace accord::models {
namespace {

using namespace style;

constexpr double kEpsilon = 1e-6;
constexpr double kMinGap = 0.125;      // the shortest gap class
constexpr double kRegisterWidth = 4;   // semitones: the register bias's scale (docs/STYLE.md)
constexpr double kDensityWeight = 1.5; // logit per octave of gap at density 1
constexpr int kPitchReach = 7;         // beyond the phrase's range, semitones
constexpr double kLegato = 0.9;        // a new note's length in its gap
constexpr int kDecisionsPerNote = 60;  // backtracking budget
constexpr int kFirstPitchReach = 5;    // a re-drawn first note, around the original
// A step left with no candidate widens its choices before the search takes it back
// (docs/STYLE.md "Never a copy"): out-of-key pitches, then the rhythm (a span may end below the
// phrase's density, a fixed onset may come earlier unless keepRhythm), then an octave more of
// range and interval.
constexpr int kOutOfKey = 1;
constexpr int kFreeRhythm = 2;
constexpr int kOctave = 3;

// The phrase cut into what is kept and what is re-generated.
struct Segment {
    bool kept = true;
    size_t note = 0;           // kept: the phrase's note
    double start = 0, end = 0; // span: from its first note's onset to the next kept onset
    std::vector<size_t> notes; // span: the phrase's notes it replaces
};

struct OutputNote {
    Note note;
    int token = kStartToken;
    bool generated = false;
    long long fromPhrase = -1; // the phrase note whose onset (and length) it keeps
};

struct Cursor {
    size_t segment = 0;
    bool inside = false; // inside a span (its first note placed)
    bool done = false;
};

struct State {
    std::vector<OutputNote> notes;
    std::vector<float> hidden;
    std::vector<float> logProbabilities; // of the next event
    Cursor cursor;
};

struct Candidate {
    long long id = 0;
    double logit = 0;
    bool leave = false; // ends the span (no note)
    OutputNote note;
};

long long candidateId(int interval, int gap) {
    return (interval + 1000) * 100 + gap;
}
constexpr long long kLeaveId = -1;

class Generator {
public:
    Generator(const StyleNetwork& network, const MarkovCounts& markov,
              const VariationRequest& request, const OriginalityIndex::Impl& forbidden)
        : stepper_(network), markov_(markov), request_(request), phrase_(request.phrase.notes),
          context_(contextOf(request.phrase)), forbidden_(forbidden) {
        const std::array<bool, 12> scale = scaleOf(context_.key);
        int low = 127, high = 0;
        double sum = 0;
        for (const Note& n : phrase_) {
            allowedPitchClass_[static_cast<size_t>(((n.pitch % 12) + 12) % 12)] = true;
            low = std::min(low, n.pitch);
            high = std::max(high, n.pitch);
            sum += n.pitch;
            end_ = std::max(end_, n.start + n.length);
        }
        for (size_t pc = 0; pc < 12; ++pc)
            allowedPitchClass_[pc] = allowedPitchClass_[pc] || scale[pc];
        low_ = std::max(0, low - kPitchReach + request.registerShift);
        high_ = std::min(127, high + kPitchReach + request.registerShift);
        centre_ = sum / static_cast<double>(phrase_.size()) + request.registerShift;
    }

    Variation make(std::mt19937_64& random) {
        plan(random);
        std::vector<Frame> stack;
        stack.push_back({State{}, {}, 0});
        int decisions = 0;
        const int budget = kDecisionsPerNote * static_cast<int>(phrase_.size() + 8);
        while (!stack.back().state.cursor.done) {
            if (++decisions > budget)
                throw Error(ExitCode::BadInput,
                            "no variation of this phrase avoids every run of " +
                                std::to_string(kForbiddenRunNotes) +
                                " notes of the training material within the search budget");
            Frame& frame = stack.back();
            std::vector<Candidate> options = candidates(frame.state, frame.widen);
            options.erase(
                std::remove_if(options.begin(), options.end(),
                               [&](const Candidate& c) { return frame.banned.count(c.id); }),
                options.end());
            if (options.empty() && frame.widen < kOctave) {
                ++frame.widen;
                continue;
            }
            if (options.empty()) {
                if (stack.size() == 1)
                    throw Error(ExitCode::BadInput,
                                "no variation of this phrase avoids every run of " +
                                    std::to_string(kForbiddenRunNotes) +
                                    " notes of the training material");
                stack.pop_back();
                stack.back().banned.insert(stack.back().chosen);
                continue;
            }
            const Candidate& pick = choose(options, random);
            frame.chosen = pick.id;
            State next = advance(frame.state, pick);
            if (next.cursor.done && copiesPhrase(next)) { // never the phrase itself
                frame.banned.insert(pick.id);
                continue;
            }
            stack.push_back({std::move(next), {}, 0});
        }
        return finish(stack.back().state);
    }

private:
    struct Frame {
        State state;
        std::set<long long> banned;
        long long chosen = 0;
        int widen = 0; // kOutOfKey, kFreeRhythm, kOctave: how far its choices were widened
    };

    bool copiesPhrase(const State& state) const {
        return state.notes.size() == phrase_.size() &&
               std::equal(state.notes.begin(), state.notes.end(), phrase_.begin(),
                          [](const OutputNote& out, const Note& note) {
                              return out.note.pitch == note.pitch &&
                                     std::abs(out.note.start - note.start) < kEpsilon;
                          });
    }

    void plan(std::mt19937_64& random) {
        const size_t n = phrase_.size();
        std::vector<bool> regenerate(n, false);
        const auto wanted = std::max<size_t>(
            1, static_cast<size_t>(
                   std::lround(std::clamp(request_.stray, 0.0, 1.0) * static_cast<double>(n))));
        size_t marked = 0;
        std::uniform_int_distribution<size_t> pickStart(0, n - 1);
        std::uniform_int_distribution<size_t> pickLength(2, 6);
        while (marked < wanted) {
            const size_t start = pickStart(random);
            const size_t length = pickLength(random);
            for (size_t i = start; i < std::min(n, start + length) && marked < wanted; ++i)
                if (!regenerate[i]) {
                    regenerate[i] = true;
                    ++marked;
                }
        }
        segments_.clear();
        for (size_t i = 0; i < n; ++i) {
            if (!regenerate[i]) {
                Segment kept;
                kept.note = i;
                segments_.push_back(kept);
                continue;
            }
            if (segments_.empty() || segments_.back().kept) {
                Segment span;
                span.kept = false;
                span.start = phrase_[i].start;
                segments_.push_back(span);
            }
            segments_.back().notes.push_back(i);
            segments_.back().end = i + 1 < n ? phrase_[i + 1].start : end_;
        }
    }

    bool pitchAllowed(int pitch, int widen) const {
        const int reach = widen >= kOctave ? 12 : 0;
        return pitch >= std::max(0, low_ - reach) && pitch <= std::min(127, high_ + reach) &&
               (widen >= kOutOfKey ||
                allowedPitchClass_[static_cast<size_t>(((pitch % 12) + 12) % 12)]);
    }

    // Would appending (pitch, onset) complete a forbidden run?
    bool forbidden(const State& state, int pitch, double onset) const {
        const size_t count = state.notes.size() + 1;
        if (count < static_cast<size_t>(kForbiddenRunNotes))
            return false;
        std::vector<double> onsets;
        std::vector<int> pitches;
        for (size_t i = count - kForbiddenRunNotes; i + 1 < count; ++i) {
            onsets.push_back(state.notes[i].note.start);
            pitches.push_back(state.notes[i].note.pitch);
        }
        onsets.push_back(onset);
        pitches.push_back(pitch);
        return forbidden_.find(onsets, pitches, onsets.size() - 1, kForbiddenRunNotes) >= 0;
    }

    // The phrase's direction at `onset`: the sign of its step into the last note starting there
    // or before (0 before its second note).
    int contourAt(double onset) const {
        int sign = 0;
        for (size_t i = 1; i < phrase_.size() && phrase_[i].start <= onset + kEpsilon; ++i)
            sign = (phrase_[i].pitch > phrase_[i - 1].pitch) -
                   (phrase_[i].pitch < phrase_[i - 1].pitch);
        return sign;
    }

    double bias(int pitch, double gap) const {
        const double distance = (pitch - centre_) / kRegisterWidth;
        return -distance * distance - request_.density * kDensityWeight * std::log2(gap);
    }

    // New notes at a fixed onset, or (onset < 0) at any gap that fits before `spanEnd`.
    // From kFreeRhythm on, a fixed onset may come earlier (any gap class before it) unless the
    // rhythm is kept.
    void newNotes(const State& state, double onset, double spanEnd, long long fromPhrase, int widen,
                  std::vector<Candidate>& out) const {
        if (state.notes.empty()) { // the first note: no model step before it
            const int original = phrase_[0].pitch;
            for (int pitch = original - kFirstPitchReach; pitch <= original + kFirstPitchReach;
                 ++pitch)
                if (pitchAllowed(pitch, widen)) {
                    Candidate c;
                    c.id = candidateId(pitch, 0);
                    c.logit =
                        bias(pitch, 1) - 0.5 * std::abs(pitch - original - request_.registerShift);
                    c.note = {
                        {onset, 0, pitch, phrase_[0].velocity}, kStartToken, true, fromPhrase};
                    out.push_back(c);
                }
            return;
        }
        const OutputNote& previous = state.notes.back();
        const double from = previous.note.start;
        const int contour = request_.keepContour ? contourAt(onset >= 0 ? onset : from) : 2;
        for (int gap = 0; gap < kGapClasses; ++gap) {
            double at = onset;
            if (onset < 0) {
                at = from + kGapBeats[static_cast<size_t>(gap)];
                if (at > spanEnd - kMinGap + kEpsilon)
                    continue;
            } else if (widen >= kFreeRhythm && !request_.keepRhythm &&
                       gap != gapClass(onset - from)) {
                at = from + kGapBeats[static_cast<size_t>(gap)];
                if (at > onset - kEpsilon)
                    continue;
            } else if (gap != gapClass(onset - from)) {
                continue;
            }
            const int reach = widen >= kOctave ? 2 * kMaxInterval : kMaxInterval;
            for (int interval = -reach; interval <= reach; ++interval) {
                const int pitch = previous.note.pitch + interval;
                if (!pitchAllowed(pitch, widen))
                    continue;
                if (contour != 2 && (interval > 0) - (interval < 0) != contour)
                    continue;
                if (forbidden(state, pitch, at))
                    continue;
                const int token = eventClass(intervalClass(interval), gap);
                Candidate c;
                c.id = candidateId(interval, gap);
                c.logit =
                    state.logProbabilities[static_cast<size_t>(token)] + bias(pitch, at - from);
                const int velocity =
                    phrase_[static_cast<size_t>(std::max<long long>(0, fromPhrase))].velocity;
                c.note = {{at, 0, pitch, velocity}, token, true, fromPhrase};
                out.push_back(c);
            }
        }
    }

    std::vector<Candidate> candidates(const State& state, int widen) const {
        std::vector<Candidate> out;
        const Cursor& cursor = state.cursor;
        if (cursor.segment >= segments_.size())
            return out;
        const Segment& segment = segments_[cursor.segment];
        if (segment.kept) {
            const Note& original = phrase_[segment.note];
            const auto index = static_cast<long long>(segment.note);
            const bool keep = !forbidden(state, original.pitch, original.start);
            if (keep) {
                Candidate c;
                c.id = std::numeric_limits<long long>::max();
                OutputNote kept{original, kStartToken, false, index};
                if (!state.notes.empty())
                    kept.token =
                        eventClass(intervalClass(original.pitch - state.notes.back().note.pitch),
                                   gapClass(original.start - state.notes.back().note.start));
                c.note = kept;
                out.push_back(c);
                if (widen == 0)
                    return out;
            }
            // Keeping it would copy a run (or led to a dead end): re-draw its pitch at its onset.
            newNotes(state, original.start, original.start, index, keep ? widen - 1 : widen, out);
            return out;
        }
        if (!cursor.inside) {
            newNotes(state, segment.start, segment.end, static_cast<long long>(segment.notes[0]),
                     widen, out);
            return out;
        }
        const double from = state.notes.back().note.start;
        if (request_.keepRhythm) {
            for (const size_t i : segment.notes)
                if (phrase_[i].start > from + kEpsilon) {
                    newNotes(state, phrase_[i].start, segment.end, static_cast<long long>(i), widen,
                             out);
                    return out;
                }
            Candidate leave;
            leave.id = kLeaveId;
            leave.leave = true;
            out.push_back(leave);
            return out;
        }
        newNotes(state, -1, segment.end, -1, widen, out);
        // Leaving the span: its last note lasts to its end, as likely as the likeliest event
        // with that gap; only once it holds half the notes it replaces (the phrase's density
        // within a factor of two; `density` steers inside that).
        const auto placed =
            std::count_if(state.notes.begin(), state.notes.end(), [&](const OutputNote& n) {
                return n.note.start >= segment.start - kEpsilon;
            });
        if (2 * static_cast<size_t>(placed) < segment.notes.size() && widen < kFreeRhythm)
            return out;
        const int gap = gapClass(segment.end - from);
        float likeliest = -std::numeric_limits<float>::infinity();
        for (int interval = 0; interval < kIntervalClasses; ++interval)
            likeliest = std::max(
                likeliest, state.logProbabilities[static_cast<size_t>(eventClass(interval, gap))]);
        Candidate leave;
        leave.id = kLeaveId;
        leave.leave = true;
        leave.logit = likeliest - request_.density * kDensityWeight * std::log2(segment.end - from);
        out.push_back(leave);
        return out;
    }

    const Candidate& choose(const std::vector<Candidate>& options, std::mt19937_64& random) const {
        if (options.size() == 1)
            return options[0];
        size_t best = 0;
        for (size_t i = 1; i < options.size(); ++i)
            if (options[i].logit > options[best].logit)
                best = i;
        if (request_.temperature <= 0)
            return options[best];
        std::vector<double> weights;
        for (const Candidate& c : options)
            weights.push_back(std::exp((c.logit - options[best].logit) / request_.temperature));
        std::discrete_distribution<size_t> pick(weights.begin(), weights.end());
        return options[pick(random)];
    }

    State advance(const State& before, const Candidate& pick) const {
        State state = before;
        Cursor& cursor = state.cursor;
        const bool kept = segments_[cursor.segment].kept;
        if (pick.leave) {
            cursor = {cursor.segment + 1, false, false};
        } else {
            state.notes.push_back(pick.note);
            state.logProbabilities =
                stepper_.step(stepInput(context_, pick.note.token, pick.note.note), state.hidden);
            std::vector<int> history; // the events so far: every note's but the first's
            for (size_t i = 1; i < state.notes.size(); ++i)
                history.push_back(state.notes[i].token);
            mixWithMarkov(state.logProbabilities, markov_, history, false);
            cursor = kept ? Cursor{cursor.segment + 1, false, false}
                          : Cursor{cursor.segment, true, false};
        }
        cursor.done = cursor.segment >= segments_.size();
        return state;
    }

    Variation finish(const State& state) const {
        Variation variation;
        variation.melody = request_.phrase;
        variation.melody.notes.clear();
        for (size_t i = 0; i < state.notes.size(); ++i) {
            const OutputNote& out = state.notes[i];
            Note note = out.note;
            const double next = i + 1 < state.notes.size() ? state.notes[i + 1].note.start : end_;
            const bool sameOnset =
                out.fromPhrase >= 0 && std::abs(phrase_[static_cast<size_t>(out.fromPhrase)].start -
                                                note.start) < kEpsilon;
            note.length = sameOnset
                              ? phrase_[static_cast<size_t>(out.fromPhrase)].length
                              : (i + 1 < state.notes.size() ? kLegato : 1.0) * (next - note.start);
            note.length = std::min(note.length, next - note.start);
            variation.melody.notes.push_back(note);
            variation.regeneratedNotes += out.generated;
        }
        return variation;
    }

    const StyleStepper stepper_;
    const MarkovCounts& markov_;
    const VariationRequest& request_;
    const std::vector<Note>& phrase_;
    NoteContext context_;
    const OriginalityIndex::Impl& forbidden_;
    std::array<bool, 12> allowedPitchClass_{};
    int low_ = 0, high_ = 127;
    double centre_ = 60;
    double end_ = 0;
    std::vector<Segment> segments_;
};

} // namespace

std::vector<Variation> vary(const StyleModel& model, const VariationRequest& request,
                            const OriginalityIndex& others) {
    threads::assertNotInAudioCallback("models::vary");
    checkMelody(request.phrase, "the phrase");
    if (request.phrase.notes.size() < 2)
        throw BadInput("the phrase has " + std::to_string(request.phrase.notes.size()) +
                       " note(s): at least 2 are needed to vary it");
    configureRuntime(request.threads > 0 ? request.threads : kStyleModelThreads);
    OriginalityIndex::Impl forbidden = model.trainingRuns().impl();
    forbidden.merge(others.impl());
    const OriginalityIndex guard{std::move(forbidden)};
    Generator generator(*model.impl().network, model.impl().markov, request, guard.impl());
    std::vector<Variation> variations;
    for (int v = 0; v < request.count; ++v) {
        std::mt19937_64 random(request.seed * 0x9E3779B97F4A7C15ull +
                               static_cast<std::uint64_t>(v));
        Variation variation = generator.make(random);
        variation.longestSharedRun = guard.longestSharedRun(variation.melody);
        variation.score = scorePhrase(model, variation.melody);
        variations.push_back(std::move(variation));
    }
    return variations;
}

} // namespace accord::models
