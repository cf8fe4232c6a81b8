#pragma once

// Scores a transcription against the notes that were played, by mir_eval's note convention
// (mir_eval.transcription.precision_recall_f1_overlap with offset_ratio=None): a transcribed note
// matches a reference note when its onset is within 50 ms and its pitch within 50 cents (for
// whole MIDI notes: the same note); each note matches at most one other, and the matching is a
// maximum one (as mir_eval's bipartite matching). Offsets are ignored. Shared by
// test_transcription and bench_transcription.

#include <cmath>
#include <cstddef>
#include <functional>
#include <vector>

namespace accord::test {

struct TimedNote {
    double onset = 0; // seconds
    int pitch = 0;    // MIDI
};

struct NoteScore {
    std::size_t reference = 0, estimated = 0, matched = 0;
    double precision() const { return estimated ? double(matched) / estimated : 0; }
    double recall() const { return reference ? double(matched) / reference : 0; }
    double f() const {
        const double p = precision(), r = recall();
        return p + r > 0 ? 2 * p * r / (p + r) : 0;
    }
    NoteScore& operator+=(const NoteScore& other) {
        reference += other.reference;
        estimated += other.estimated;
        matched += other.matched;
        return *this;
    }
};

constexpr double kOnsetToleranceSeconds = 0.05;

// `referenceMatched`, when given, gets one flag per reference note: whether it was matched.
inline NoteScore scoreNotes(const std::vector<TimedNote>& reference,
                            const std::vector<TimedNote>& estimated,
                            std::vector<char>* referenceMatched = nullptr) {
    // Candidate pairs, then a maximum bipartite matching by augmenting paths (Kuhn).
    std::vector<std::vector<std::size_t>> candidates(reference.size());
    for (std::size_t r = 0; r < reference.size(); ++r)
        for (std::size_t e = 0; e < estimated.size(); ++e)
            if (std::abs(reference[r].onset - estimated[e].onset) <=
                    kOnsetToleranceSeconds + 1e-9 &&
                reference[r].pitch == estimated[e].pitch)
                candidates[r].push_back(e);
    std::vector<long> matchOfEstimated(estimated.size(), -1);
    std::vector<char> seen;
    const std::function<bool(std::size_t)> augment = [&](std::size_t r) {
        for (std::size_t e : candidates[r]) {
            if (seen[e])
                continue;
            seen[e] = 1;
            if (matchOfEstimated[e] < 0 || augment(static_cast<std::size_t>(matchOfEstimated[e]))) {
                matchOfEstimated[e] = static_cast<long>(r);
                return true;
            }
        }
        return false;
    };
    NoteScore score;
    score.reference = reference.size();
    score.estimated = estimated.size();
    for (std::size_t r = 0; r < reference.size(); ++r) {
        seen.assign(estimated.size(), 0);
        if (augment(r))
            ++score.matched;
    }
    if (referenceMatched) {
        referenceMatched->assign(reference.size(), 0);
        for (const long r : matchOfEstimated)
            if (r >= 0)
                (*referenceMatched)[static_cast<std::size_t>(r)] = 1;
    }
    return score;
}

} // namespace accord::test
