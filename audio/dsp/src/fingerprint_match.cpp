// matchLandmarks (fingerprint.h): votes over speed and offset, then a fit per recording
// (docs/IDENTIFY.md "Matching").

#include "accord/dsp/fingerprint.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdlib>
#include <optional>

namespace accord::dsp {
namespace {

constexpr double kMaxSpeedChange = 0.2;   // recording seconds per query second: 0.83..1.2
constexpr double kMaxPitchCents = 250;    // either way
constexpr double kSpeedStep = 0.01;       // log-spaced speed cells of 1%
constexpr int kSpeedCells = 20;           // either side of 1
constexpr int kOffsetCell = 8;            // frames
constexpr double kFitToleranceFrames = 3; // an agreeing landmark's distance from the fitted line
constexpr double kPitchToleranceCents = 60;
constexpr int kMinVotes = 4;
constexpr int kMinLandmarks = 10;            // agreeing query landmarks before a match is reported
constexpr int kMinFrames = 6;                // distinct query frames they start in
constexpr double kMinLandmarksPerSecond = 1; // of the matched stretch, past kMinLandmarks seconds
// A 5 s query asks for 19,000-33,000 hashes under version 5 (every register cell within reach):
// two or three batches, each one round trip to a ledger (docs/LEDGER.md).
constexpr std::size_t kHashesPerLookup = 1 << 14;
// The confidence: the probability that a match is right, by logistic regression on ln(onsets) and
// ln(agreeing landmarks) over the bench's candidates (scripts/fit-identify-confidence.py;
// docs/IDENTIFY.md "Confidence").
constexpr double kConfidenceBias = -13.146;
constexpr double kConfidencePerLogOnset = 5.745;
constexpr double kConfidencePerLogLandmark = 2.806;

struct Hit {
    std::int64_t recording;
    std::uint32_t queryIndex;
    double queryFrame, recordingFrame;
    double speed;      // from the spans
    double logSpeed;   // its log, which the range check and the votes both need
    double speedError; // relative, from the spans' quantisation
    double pitchCents; // query minus recording
    double queryEnd;   // query frame of the third peak
};

// Votes per (speed, offset) cell, each query landmark counted once a cell: an open-addressing
// table that keeps the last landmark to vote in each cell, fed one landmark's hits after
// another. Sorting the votes instead (up to 21 a hit) was the largest part of a query's CPU once
// more rows were read (docs/IDENTIFY.md "Matching").
class CellVotes {
public:
    // Empties the table, sized for about `cells` distinct cells (it grows past them).
    void reset(std::size_t cells) {
        for (const std::size_t i : used_)
            slots_[i] = Slot{};
        used_.clear();
        std::size_t size = 16;
        while (size < 2 * cells)
            size *= 2;
        if (slots_.size() < size)
            slots_.assign(size, Slot{});
        mask_ = size - 1;
    }
    void vote(std::uint64_t cell, std::uint32_t queryIndex) {
        if (2 * (used_.size() + 1) > mask_ + 1)
            grow();
        Slot& slot = slots_[find(cell)];
        if (slot.cell == kEmpty) {
            slot = {cell, 1, queryIndex};
            used_.push_back(std::size_t(&slot - slots_.data()));
        } else if (slot.lastQuery != queryIndex) {
            ++slot.votes;
            slot.lastQuery = queryIndex;
        }
    }
    // The cell with the most votes, the lowest of a tie, if it has at least `least`.
    std::optional<std::uint64_t> best(int least) const {
        std::optional<std::uint64_t> best;
        int bestVotes = least - 1;
        for (const std::size_t i : used_) {
            const Slot& slot = slots_[i];
            if (int(slot.votes) > bestVotes ||
                (int(slot.votes) == bestVotes && best && slot.cell < *best)) {
                bestVotes = int(slot.votes);
                best = slot.cell;
            }
        }
        return best;
    }

private:
    static constexpr std::uint64_t kEmpty = ~std::uint64_t(0);
    struct Slot {
        std::uint64_t cell = kEmpty;
        std::uint32_t votes = 0;
        std::uint32_t lastQuery = 0;
    };
    // The slot of `cell`, or the empty one where it goes.
    std::size_t find(std::uint64_t cell) const {
        std::size_t i = std::size_t((cell * 0x9e3779b97f4a7c15ull) >> 32) & mask_;
        while (slots_[i].cell != kEmpty && slots_[i].cell != cell)
            i = (i + 1) & mask_;
        return i;
    }
    void grow() {
        std::vector<Slot> kept;
        for (const std::size_t i : used_) {
            kept.push_back(slots_[i]);
            slots_[i] = Slot{};
        }
        used_.clear();
        if (slots_.size() < 2 * (mask_ + 1))
            slots_.assign(2 * (mask_ + 1), Slot{});
        mask_ = 2 * (mask_ + 1) - 1;
        for (const Slot& slot : kept) {
            const std::size_t i = find(slot.cell);
            slots_[i] = slot;
            used_.push_back(i);
        }
    }
    std::vector<Slot> slots_;
    std::vector<std::size_t> used_;
    std::size_t mask_ = 0;
};

double medianOf(std::vector<double> values) {
    const auto middle = values.begin() + std::ptrdiff_t(values.size() / 2);
    std::nth_element(values.begin(), middle, values.end());
    return *middle;
}

int distinctQueries(const std::vector<const Hit*>& hits) {
    std::vector<std::uint32_t> ids;
    for (const Hit* h : hits)
        ids.push_back(h->queryIndex);
    std::sort(ids.begin(), ids.end());
    return int(std::unique(ids.begin(), ids.end()) - ids.begin());
}

// Query frames the hits' first peaks lie in: a chance match piles its landmarks on one onset.
int distinctFrames(const std::vector<const Hit*>& hits) {
    std::vector<double> frames;
    for (const Hit* h : hits)
        frames.push_back(h->queryFrame);
    std::sort(frames.begin(), frames.end());
    return int(std::unique(frames.begin(), frames.end()) - frames.begin());
}

// The hits of one recording on the line recording = speed * query + offset, in speed and pitch
// agreeing with `pitchCents` (NaN: any).
std::vector<const Hit*> onLine(const std::vector<const Hit*>& hits, double speed, double offset,
                               double tolerance, double pitchCents) {
    std::vector<const Hit*> kept;
    for (const Hit* h : hits) {
        if (std::abs(h->recordingFrame - (speed * h->queryFrame + offset)) > tolerance)
            continue;
        if (std::abs(std::log(h->speed / speed)) > h->speedError)
            continue;
        if (!std::isnan(pitchCents) && std::abs(h->pitchCents - pitchCents) > kPitchToleranceCents)
            continue;
        kept.push_back(h);
    }
    return kept;
}

std::optional<LandmarkMatch> fit(const std::vector<const Hit*>& hits, double speed, double offset) {
    std::vector<const Hit*> kept = onLine(hits, speed, offset, 2 * kOffsetCell, std::nan(""));
    if (int(kept.size()) < kMinVotes)
        return std::nullopt;
    // Least squares over the agreeing hits, then again with the tight tolerance.
    for (int round = 0; round < 2; ++round) {
        double n = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
        for (const Hit* h : kept) {
            n += 1;
            sx += h->queryFrame;
            sy += h->recordingFrame;
            sxx += h->queryFrame * h->queryFrame;
            sxy += h->queryFrame * h->recordingFrame;
        }
        const double spread = sxx - sx * sx / n;
        if (spread > n * 100) { // query frames spread over more than 10 frames
            const double fitted = (sxy - sx * sy / n) / spread;
            if (std::abs(std::log(fitted)) <= kMaxSpeedChange)
                speed = fitted;
        }
        offset = (sy - speed * sx) / n;
        std::vector<double> pitches;
        for (const Hit* h : kept)
            pitches.push_back(h->pitchCents);
        const double pitch = medianOf(pitches);
        kept = onLine(hits, speed, offset, kFitToleranceFrames + (round == 0 ? kOffsetCell : 0),
                      pitch);
        if (int(kept.size()) < kMinVotes)
            return std::nullopt;
    }
    const int agreeing = distinctQueries(kept);
    // Chance agreement: the recording's hits spread over its length, a band of the tolerance's
    // width and a fifth of the pitch range catches this many by chance (docs/IDENTIFY.md).
    double first = hits.front()->recordingFrame, last = first;
    for (const Hit* h : hits) {
        first = std::min(first, h->recordingFrame);
        last = std::max(last, h->recordingFrame);
    }
    const double chance = distinctQueries(hits) * (2 * kFitToleranceFrames + 1) /
                          (last - first + 2 * kFitToleranceFrames + 1) *
                          (2 * kPitchToleranceCents / (2 * kMaxPitchCents));
    double queryStart = kept.front()->queryFrame, queryEnd = kept.front()->queryEnd;
    std::vector<double> pitches;
    for (const Hit* h : kept) {
        queryStart = std::min(queryStart, h->queryFrame);
        queryEnd = std::max(queryEnd, h->queryEnd);
        pitches.push_back(h->pitchCents);
    }
    LandmarkMatch match;
    match.recording = kept.front()->recording;
    match.queryStart = queryStart * fingerprint::kFrameSeconds;
    match.recordingStart = std::max(0.0, speed * queryStart + offset) * fingerprint::kFrameSeconds;
    match.seconds = (queryEnd - queryStart) * fingerprint::kFrameSeconds;
    match.speed = speed;
    match.pitchSemitones = medianOf(pitches) / 100;
    match.landmarks = agreeing;
    match.chanceLandmarks = chance;
    match.onsets = distinctFrames(kept);
    match.confidence =
        1 / (1 + std::exp(-(kConfidenceBias + kConfidencePerLogOnset * std::log(match.onsets) +
                            kConfidencePerLogLandmark * std::log(agreeing))));
    return match;
}

// Enough agreeing landmarks, over enough onsets, well above chance, and as many as one a second
// over a matched stretch longer than kMinLandmarks seconds: a recording used sounds throughout,
// a chance line scatters its few landmarks over a long query (docs/IDENTIFY.md "Matching").
bool isMatch(const LandmarkMatch& m) {
    return m.landmarks >= kMinLandmarks && m.onsets >= kMinFrames &&
           m.landmarks >= m.seconds * kMinLandmarksPerSecond &&
           m.landmarks >= m.chanceLandmarks + 4 * std::sqrt(m.chanceLandmarks + 1);
}

// Whether some band of recording frame minus query frame, as wide as a match's agreeing hits can
// spread over (`bandFrames`), holds hits of at least kMinLandmarks distinct query landmarks: a
// match needs it, and it costs a sort of the hits where the votes cost one of many times as many
// (docs/IDENTIFY.md "Matching"). `countOf` (one per query landmark) is zero before and after.
bool mayMatch(std::vector<const Hit*>& hits, double bandFrames, std::vector<int>& countOf) {
    auto diagonal = [](const Hit* h) { return h->recordingFrame - h->queryFrame; };
    std::sort(hits.begin(), hits.end(),
              [&](const Hit* a, const Hit* b) { return diagonal(a) < diagonal(b); });
    int distinct = 0;
    bool found = false;
    for (std::size_t low = 0, high = 0; high < hits.size() && !found; ++high) {
        distinct += countOf[hits[high]->queryIndex]++ == 0;
        while (diagonal(hits[high]) - diagonal(hits[low]) > bandFrames)
            distinct -= --countOf[hits[low++]->queryIndex] == 0;
        found = distinct >= kMinLandmarks;
    }
    for (const Hit* h : hits)
        countOf[h->queryIndex] = 0;
    return found;
}

struct Cell {
    double speed, offset;
};

// The (speed, offset) cell most distinct query landmarks of one recording's hits vote for: each
// hit for every speed cell its spans allow, at the offset that speed implies.
std::optional<Cell> bestCell(const std::vector<const Hit*>& hits, std::vector<const Hit*>& byQuery,
                             CellVotes& votes) {
    // One query landmark's hits together, so a cell counts each landmark once.
    byQuery.assign(hits.begin(), hits.end());
    std::sort(byQuery.begin(), byQuery.end(),
              [](const Hit* a, const Hit* b) { return a->queryIndex < b->queryIndex; });
    votes.reset(4 * hits.size());
    const double step = std::log1p(kSpeedStep);
    // Each speed cell's speed, computed once rather than once a vote.
    static const std::array<double, 2 * kSpeedCells + 1> speeds = [step] {
        std::array<double, 2 * kSpeedCells + 1> all{};
        for (int cell = -kSpeedCells; cell <= kSpeedCells; ++cell)
            all[std::size_t(cell + kSpeedCells)] = std::exp(cell * step);
        return all;
    }();
    for (const Hit* h : byQuery) {
        const double centre = h->logSpeed / step;
        const double reach = h->speedError / step;
        const int lowest = std::max(-kSpeedCells, int(std::ceil(centre - reach)));
        const int highest = std::min(kSpeedCells, int(std::floor(centre + reach)));
        for (int cell = lowest; cell <= highest; ++cell) {
            const double speed = speeds[std::size_t(cell + kSpeedCells)];
            const double offset = h->recordingFrame - speed * h->queryFrame;
            const auto offsetCell = std::int64_t(std::floor(offset / kOffsetCell)) + (1 << 24);
            votes.vote(std::uint64_t(cell + kSpeedCells) << 32 | std::uint64_t(offsetCell),
                       h->queryIndex);
        }
    }
    const std::optional<std::uint64_t> cell = votes.best(kMinVotes);
    if (!cell)
        return std::nullopt;
    const int speedCell = int(*cell >> 32) - kSpeedCells;
    const double offset =
        (double(std::int64_t(*cell & 0xffffffff) - (1 << 24)) + 0.5) * kOffsetCell;
    return Cell{speeds[std::size_t(speedCell + kSpeedCells)], offset};
}

} // namespace

std::vector<LandmarkMatch> matchLandmarks(const std::vector<Landmark>& query,
                                          const LandmarkLookup& lookup,
                                          std::vector<LandmarkMatch>* candidates) {
    // Looked up a batch of hashes at a time: what a lookup holds per hash then stays bounded
    // however long the query (a two-minute window of a long import), docs/IDENTIFY.md "Long files".
    std::vector<std::uint32_t> hashes;
    std::vector<std::uint32_t> owners; // query landmark of each hash
    std::vector<Hit> hits;
    const auto lookUpBatch = [&] {
        lookup(hashes, [&](std::size_t index, const LandmarkHit& found) {
            const Landmark& q = query[owners[index]];
            const double speed = double(found.span) / q.span;
            const double logSpeed = std::log(speed);
            const double pitch = double(q.pitchCents) - found.pitchCents;
            if (std::abs(logSpeed) > kMaxSpeedChange || std::abs(pitch) > kMaxPitchCents)
                return;
            hits.push_back({found.recording, owners[index], double(q.frame), double(found.frame),
                            speed, logSpeed, std::min(0.1, 1.5 / q.span + kSpeedStep), pitch,
                            double(q.frame) + q.span});
        });
        hashes.clear();
        owners.clear();
    };
    for (std::size_t i = 0; i < query.size(); ++i) {
        queryHashes(query[i], hashes);
        owners.resize(hashes.size(), std::uint32_t(i));
        if (hashes.size() >= kHashesPerLookup || i + 1 == query.size())
            lookUpBatch();
    }

    // Per recording (its hits together: small sorts that stay in cache), skipping a recording
    // hit by fewer distinct query landmarks than a match needs.
    std::sort(hits.begin(), hits.end(),
              [](const Hit& a, const Hit& b) { return a.recording < b.recording; });
    // A match's agreeing hits lie within kFitToleranceFrames of a line whose slope (the speed) is
    // at most kMaxSpeedChange from 1 in log.
    std::uint32_t firstFrame = UINT32_MAX, lastFrame = 0;
    for (const Landmark& l : query) {
        firstFrame = std::min(firstFrame, l.frame);
        lastFrame = std::max(lastFrame, l.frame);
    }
    const double bandFrames =
        query.empty()
            ? 0
            : std::expm1(kMaxSpeedChange) * (lastFrame - firstFrame) + 2 * kFitToleranceFrames;
    std::vector<LandmarkMatch> matches;
    std::vector<std::size_t> seenIn(query.size(), SIZE_MAX); // group that last counted a landmark
    std::vector<int> countOf(query.size(), 0);
    CellVotes votes;
    std::vector<const Hit*> own, byQuery;
    for (std::size_t first = 0, end = 0; first < hits.size(); first = end) {
        int distinct = 0;
        for (end = first; end < hits.size() && hits[end].recording == hits[first].recording; ++end)
            if (seenIn[hits[end].queryIndex] != first) {
                seenIn[hits[end].queryIndex] = first;
                ++distinct;
            }
        if (distinct < kMinLandmarks)
            continue;
        own.clear();
        for (std::size_t h = first; h < end; ++h)
            own.push_back(&hits[h]);
        if (!mayMatch(own, bandFrames, countOf))
            continue;
        const auto best = bestCell(own, byQuery, votes);
        const auto candidate = best ? fit(own, best->speed, best->offset) : std::nullopt;
        if (candidate && candidates)
            candidates->push_back(*candidate);
        if (candidate && isMatch(*candidate))
            matches.push_back(*candidate);
    }
    std::sort(matches.begin(), matches.end(), [](const LandmarkMatch& a, const LandmarkMatch& b) {
        return a.landmarks > b.landmarks;
    });
    return matches;
}

} // namespace accord::dsp
