#pragma once

// The originality guard's runs (docs/STYLE.md "Never a copy"), plain C++. A run of L notes is
// its L-1 intervals and the L-2 ratios of its consecutive inter-onset gaps (log2, in 1/96
// octave steps): equal under transposition and tempo. Runs are kept as 64-bit FNV-1a hashes.

#include "accord/models/style_model.h"

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

namespace accord::models {

namespace style {
constexpr int kShortestRun = 3;

// The hash of the run of `length` notes of `notes` ending at `last` (inclusive); `length` <=
// last + 1. `onsets` and `pitches` are the notes' starts and pitches.
std::uint64_t runHash(const std::vector<double>& onsets, const std::vector<int>& pitches,
                      std::size_t last, int length);
} // namespace style

struct OriginalityIndex::Impl {
    std::vector<std::string> sources;
    // runs[length - kShortestRun]: hash -> index into `sources` (the first that had it)
    std::vector<std::unordered_map<std::uint64_t, std::uint32_t>> runs =
        std::vector<std::unordered_map<std::uint64_t, std::uint32_t>>(kForbiddenRunNotes -
                                                                      style::kShortestRun + 1);

    // The source index of the run of `length` notes ending at `last`, or -1.
    long long find(const std::vector<double>& onsets, const std::vector<int>& pitches,
                   std::size_t last, int length) const;
    void merge(const Impl& other);

    // "ACCRUNS1" | u32 sources | (u32 bytes | text)... | u32 runs | (u8 length | u64 hash |
    // u32 source)...; decode throws BadInput "<what>: ..." for a malformed block.
    std::string encode() const;
    static Impl decode(const std::string& block, const std::string& what);
};

} // namespace accord::models
