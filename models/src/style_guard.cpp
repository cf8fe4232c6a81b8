#include "style_guard.h"

#include "byte_block.h"

#include "accord/core/errors.h"

#include <algorithm>
#include <cmath>

namespace accord::models {
namespace style {
namespace {

constexpr std::uint64_t kFnvOffset = 1469598103934665603ull;
constexpr std::uint64_t kFnvPrime = 1099511628211ull;
constexpr double kRatioSteps = 96; // per octave

void mix(std::uint64_t& hash, std::int64_t value) {
    for (int i = 0; i < 8; ++i) {
        hash ^= static_cast<std::uint64_t>(value >> (8 * i)) & 0xff;
        hash *= kFnvPrime;
    }
}

} // namespace

std::uint64_t runHash(const std::vector<double>& onsets, const std::vector<int>& pitches,
                      std::size_t last, int length) {
    std::uint64_t hash = kFnvOffset;
    mix(hash, length);
    const std::size_t first = last + 1 - static_cast<std::size_t>(length);
    for (std::size_t i = first + 1; i <= last; ++i)
        mix(hash, pitches[i] - pitches[i - 1]);
    for (std::size_t i = first + 2; i <= last; ++i) {
        const double ratio = (onsets[i] - onsets[i - 1]) / (onsets[i - 1] - onsets[i - 2]);
        mix(hash, std::llround(std::log2(ratio) * kRatioSteps));
    }
    return hash;
}

} // namespace style

namespace {

void melodyArrays(const Melody& melody, std::vector<double>& onsets, std::vector<int>& pitches) {
    onsets.clear();
    pitches.clear();
    for (const Note& note : melody.notes) {
        onsets.push_back(note.start);
        pitches.push_back(note.pitch);
    }
}

constexpr char kRunsMagic[9] = "ACCRUNS1";

} // namespace

long long OriginalityIndex::Impl::find(const std::vector<double>& onsets,
                                       const std::vector<int>& pitches, std::size_t last,
                                       int length) const {
    const auto& table = runs[static_cast<size_t>(length - style::kShortestRun)];
    const auto found = table.find(style::runHash(onsets, pitches, last, length));
    return found == table.end() ? -1 : static_cast<long long>(found->second);
}

void OriginalityIndex::Impl::merge(const Impl& other) {
    const auto offset = static_cast<std::uint32_t>(sources.size());
    sources.insert(sources.end(), other.sources.begin(), other.sources.end());
    for (size_t l = 0; l < runs.size(); ++l)
        for (const auto& [hash, source] : other.runs[l])
            runs[l].emplace(hash, source + offset);
}

std::string OriginalityIndex::Impl::encode() const {
    std::string out(kRunsMagic, 8);
    putU32(out, static_cast<std::uint32_t>(sources.size()));
    for (const std::string& source : sources) {
        putU32(out, static_cast<std::uint32_t>(source.size()));
        out += source;
    }
    // Sorted, so equal indexes give equal bytes (unordered_map order is not specified).
    std::vector<std::tuple<int, std::uint64_t, std::uint32_t>> entries;
    for (size_t l = 0; l < runs.size(); ++l)
        for (const auto& [hash, source] : runs[l])
            entries.emplace_back(static_cast<int>(l) + style::kShortestRun, hash, source);
    std::sort(entries.begin(), entries.end());
    putU32(out, static_cast<std::uint32_t>(entries.size()));
    for (const auto& [length, hash, source] : entries) {
        out.push_back(static_cast<char>(length));
        putU64(out, hash);
        putU32(out, source);
    }
    return out;
}

OriginalityIndex::Impl OriginalityIndex::Impl::decode(const std::string& block,
                                                      const std::string& what) {
    ByteReader in(block, what + ": corrupt originality runs");
    if (in.text(std::min<size_t>(8, block.size())) != std::string(kRunsMagic, 8))
        in.fail("not a runs block");
    Impl impl;
    const std::uint32_t sourceCount = in.u32();
    if (sourceCount > block.size())
        in.fail("impossible source count");
    for (std::uint32_t i = 0; i < sourceCount; ++i)
        impl.sources.push_back(in.text(in.u32()));
    const std::uint32_t count = in.u32();
    if (in.remaining() != size_t{count} * 13)
        in.fail("wrong size");
    for (std::uint32_t i = 0; i < count; ++i) {
        const auto length = static_cast<int>(in.take(1));
        const std::uint64_t hash = in.u64();
        const std::uint32_t source = in.u32();
        if (length < style::kShortestRun || length > kForbiddenRunNotes || source >= sourceCount)
            in.fail("run " + std::to_string(i));
        impl.runs[static_cast<size_t>(length - style::kShortestRun)].emplace(hash, source);
    }
    return impl;
}

OriginalityIndex::OriginalityIndex() : impl_(std::make_unique<Impl>()) {}
OriginalityIndex::OriginalityIndex(Impl impl) : impl_(std::make_unique<Impl>(std::move(impl))) {}
OriginalityIndex::~OriginalityIndex() = default;
OriginalityIndex::OriginalityIndex(const OriginalityIndex& other)
    : impl_(std::make_unique<Impl>(*other.impl_)) {}
OriginalityIndex& OriginalityIndex::operator=(const OriginalityIndex& other) {
    impl_ = std::make_unique<Impl>(*other.impl_);
    return *this;
}
OriginalityIndex::OriginalityIndex(OriginalityIndex&&) noexcept = default;
OriginalityIndex& OriginalityIndex::operator=(OriginalityIndex&&) noexcept = default;

const OriginalityIndex::Impl& OriginalityIndex::impl() const {
    return *impl_;
}

void OriginalityIndex::add(const Melody& melody, const std::string& source) {
    std::vector<double> onsets;
    std::vector<int> pitches;
    melodyArrays(melody, onsets, pitches);
    const auto index = static_cast<std::uint32_t>(impl_->sources.size());
    impl_->sources.push_back(source);
    for (size_t last = 0; last < pitches.size(); ++last)
        for (int length = style::kShortestRun;
             length <= kForbiddenRunNotes && static_cast<size_t>(length) <= last + 1; ++length)
            impl_->runs[static_cast<size_t>(length - style::kShortestRun)].emplace(
                style::runHash(onsets, pitches, last, length), index);
}

std::size_t OriginalityIndex::runCount() const {
    std::size_t count = 0;
    for (const auto& table : impl_->runs)
        count += table.size();
    return count;
}

OriginalityIndex::SharedRun OriginalityIndex::longestSharedRun(const Melody& melody) const {
    std::vector<double> onsets;
    std::vector<int> pitches;
    melodyArrays(melody, onsets, pitches);
    SharedRun longest;
    for (size_t last = 0; last < pitches.size(); ++last)
        for (int length = std::max(style::kShortestRun, longest.notes + 1);
             length <= kForbiddenRunNotes && static_cast<size_t>(length) <= last + 1; ++length) {
            const long long source = impl_->find(onsets, pitches, last, length);
            if (source < 0)
                break; // a longer run ending here contains this one
            longest = {length, impl_->sources[static_cast<size_t>(source)]};
        }
    return longest;
}

} // namespace accord::models
