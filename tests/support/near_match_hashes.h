// The hashes a test keeps so that a clean excerpt is a near match and not a match: those of the
// landmarks anchored at the four onsets with the most landmarks inside the excerpt (fewer onsets
// than the six a match needs, docs/IDENTIFY.md "Matching"). Every other hash of the recording is
// the test's to stop, standing for the hours of other music sharing it.
#pragma once

#include "accord/core/fingerprint_index.h"
#include "accord/dsp/fingerprint.h"

#include <QtTest>

#include <algorithm>
#include <cstdint>
#include <map>
#include <set>
#include <utility>
#include <vector>

namespace accord::test {

// `fromSeconds` and `toSeconds` bound the excerpt inside the recording, its edges left out.
inline std::set<std::uint32_t>
hashesAtFourBusiestOnsets(const std::vector<IndexedLandmark>& landmarks, double fromSeconds,
                          double toSeconds) {
    const auto frameAt = [](double seconds) {
        return std::uint32_t(seconds / dsp::fingerprint::kFrameSeconds);
    };
    std::map<std::uint32_t, int> landmarksAtOnset;
    for (const IndexedLandmark& l : landmarks)
        if (l.frame > frameAt(fromSeconds) && l.frame + l.span < frameAt(toSeconds))
            ++landmarksAtOnset[l.frame];
    std::vector<std::pair<int, std::uint32_t>> onsets; // (landmarks, frame), most first
    for (const auto& [frame, count] : landmarksAtOnset)
        onsets.push_back({count, frame});
    std::sort(onsets.rbegin(), onsets.rend());
    std::set<std::uint32_t> kept;
    if (onsets.size() < 4) {
        QTest::qFail("the excerpt has fewer than four onsets with landmarks", __FILE__, __LINE__);
        return kept;
    }
    for (std::size_t i = 0; i < 4; ++i)
        for (const IndexedLandmark& l : landmarks)
            if (l.frame == onsets[i].second)
                kept.insert(l.hash);
    return kept;
}

} // namespace accord::test
