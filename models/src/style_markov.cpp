#include "style_markov.h"

#include "byte_block.h"

#include "style_tokens.h"

#include "accord/core/errors.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

namespace accord::models::style {
namespace {

constexpr char kMagic[9] = "ACCMARK1";
constexpr int kSymbolBits = 9;
static_assert(kEventClasses < (1 << kSymbolBits) && 4 + kMarkovOrder * kSymbolBits <= 64);

// The two views of an event: its interval alone, and the event itself (interval with gap).
enum class View { Interval, IntervalAndGap };
constexpr std::array<View, 2> kViews = {View::Interval, View::IntervalAndGap};

int alphabetOf(View view) {
    return view == View::Interval ? kIntervalClasses : kEventClasses;
}

std::vector<int> symbolsOf(View view, const std::vector<int>& events) {
    std::vector<int> symbols = events;
    if (view == View::Interval)
        for (int& symbol : symbols)
            symbol /= kGapClasses; // events are interval-major (eventClass)
    return symbols;
}

// The view, the order and the `order` symbols before `end`, packed (unique: the order fixes the
// layout).
std::uint64_t contextKey(View view, const std::vector<int>& symbols, size_t end, int order) {
    std::uint64_t key = static_cast<std::uint64_t>(view) << 3 | static_cast<std::uint64_t>(order);
    for (size_t i = end - static_cast<size_t>(order); i < end; ++i)
        key = key << kSymbolBits | static_cast<std::uint64_t>(symbols[i]);
    return key;
}

// Counts of what followed each order's context, dense over the view's alphabet; orders past the
// first context never seen are left out (a longer one was never seen either).
using OrderCounts = std::vector<std::vector<double>>;

OrderCounts longTermCounts(const MarkovCounts& counts, View view, const std::vector<int>& symbols) {
    OrderCounts orders;
    for (int order = 0; order <= std::min<int>(kMarkovOrder, static_cast<int>(symbols.size()));
         ++order) {
        const auto* followers = counts.find(contextKey(view, symbols, symbols.size(), order));
        if (!followers)
            break;
        std::vector<double>& dense = orders.emplace_back(static_cast<size_t>(alphabetOf(view)));
        for (const MarkovCounts::Follower& f : *followers)
            dense[f.symbol] = f.count;
    }
    return orders;
}

// The same from the melody's own history: each earlier position counts for every order up to the
// length of the context it shares with the end.
OrderCounts shortTermCounts(View view, const std::vector<int>& symbols) {
    const size_t end = symbols.size();
    OrderCounts orders;
    for (size_t j = 0; j < end; ++j) {
        size_t shared = 0;
        while (shared < static_cast<size_t>(kMarkovOrder) && shared < j &&
               symbols[j - 1 - shared] == symbols[end - 1 - shared])
            ++shared;
        while (orders.size() <= shared)
            orders.emplace_back(static_cast<size_t>(alphabetOf(view)));
        for (size_t order = 0; order <= shared; ++order)
            orders[order][static_cast<size_t>(symbols[j])] += 1;
    }
    return orders;
}

// PPM, escape method C, interpolated: from the uniform distribution up through each order,
// p_k(s) = (n_k(s) + d_k p_{k-1}(s)) / (n_k + d_k), d_k the distinct symbols seen there.
std::vector<double> interpolate(const OrderCounts& orders, int alphabet) {
    std::vector<double> p(static_cast<size_t>(alphabet), 1.0 / alphabet);
    for (const std::vector<double>& counts : orders) {
        double total = 0, distinct = 0;
        for (const double n : counts) {
            total += n;
            distinct += n > 0;
        }
        for (size_t s = 0; s < p.size(); ++s)
            p[s] = (counts[s] + distinct * p[s]) / (total + distinct);
    }
    return p;
}

using Conditional = std::array<std::array<double, kIntervalClasses>, kGapClasses>;

// log p(interval | gap) of one PPM prediction of `view`.
Conditional conditionalOf(View view, const std::vector<double>& p) {
    Conditional log{};
    for (int gap = 0; gap < kGapClasses; ++gap) {
        const auto probability = [&](int interval) {
            return p[static_cast<size_t>(view == View::Interval ? interval
                                                                : eventClass(interval, gap))];
        };
        double sum = 0;
        for (int interval = 0; interval < kIntervalClasses; ++interval)
            sum += probability(interval);
        for (int interval = 0; interval < kIntervalClasses; ++interval)
            log[static_cast<size_t>(gap)][static_cast<size_t>(interval)] =
                std::log(probability(interval) / sum);
    }
    return log;
}

} // namespace

void MarkovCounts::add(const std::vector<int>& events) {
    for (const View view : kViews) {
        const std::vector<int> symbols = symbolsOf(view, events);
        for (size_t i = 0; i < symbols.size(); ++i)
            for (int order = 0; order <= std::min<int>(kMarkovOrder, static_cast<int>(i));
                 ++order) {
                std::vector<Follower>& followers = contexts_[contextKey(view, symbols, i, order)];
                const auto symbol = static_cast<std::uint16_t>(symbols[i]);
                const auto found =
                    std::find_if(followers.begin(), followers.end(),
                                 [&](const Follower& f) { return f.symbol == symbol; });
                if (found == followers.end())
                    followers.push_back({symbol, 1});
                else
                    ++found->count;
            }
    }
}

const std::vector<MarkovCounts::Follower>* MarkovCounts::find(std::uint64_t context) const {
    const auto found = contexts_.find(context);
    return found == contexts_.end() ? nullptr : &found->second;
}

std::string MarkovCounts::encode() const {
    std::string out(kMagic, 8);
    putU32(out, kMarkovOrder);
    // Sorted, so equal counts give equal bytes (unordered_map order is not specified).
    std::vector<std::pair<std::uint64_t, std::vector<Follower>>> sorted(contexts_.begin(),
                                                                        contexts_.end());
    std::sort(sorted.begin(), sorted.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    putU32(out, static_cast<std::uint32_t>(sorted.size()));
    for (auto& [context, followers] : sorted) {
        std::sort(followers.begin(), followers.end(),
                  [](const Follower& a, const Follower& b) { return a.symbol < b.symbol; });
        putU64(out, context);
        putU32(out, static_cast<std::uint32_t>(followers.size()));
        for (const Follower& f : followers) {
            putU16(out, f.symbol);
            putU32(out, f.count);
        }
    }
    return out;
}

MarkovCounts MarkovCounts::decode(const std::string& block, const std::string& what) {
    ByteReader in(block, what + ": corrupt Markov counts");
    if (in.text(std::min<size_t>(8, block.size())) != std::string(kMagic, 8))
        in.fail("not a Markov block");
    if (in.u32() != kMarkovOrder)
        in.fail("counts of another order than " + std::to_string(kMarkovOrder));
    MarkovCounts counts;
    const std::uint32_t contexts = in.u32();
    for (std::uint32_t c = 0; c < contexts; ++c) {
        const std::uint64_t context = in.u64();
        const std::uint32_t followers = in.u32();
        if (followers == 0 || followers > kEventClasses)
            in.fail("impossible number of followers");
        std::vector<Follower>& list = counts.contexts_[context];
        for (std::uint32_t f = 0; f < followers; ++f) {
            const std::uint16_t symbol = in.u16();
            const std::uint32_t count = in.u32();
            if (symbol >= kEventClasses || count == 0)
                in.fail("impossible follower");
            list.push_back({symbol, count});
        }
    }
    if (!in.done())
        in.fail("trailing bytes");
    return counts;
}

void mixWithMarkov(std::vector<float>& eventLogProbabilities, const MarkovCounts& counts,
                   const std::vector<int>& history, bool shortTerm) {
    if (counts.empty())
        return; // a format-1 model: the network alone
    std::vector<Conditional> components;
    Conditional network{};
    std::array<double, kGapClasses> gapLog{};
    for (int gap = 0; gap < kGapClasses; ++gap) {
        double high = -std::numeric_limits<double>::infinity();
        for (int interval = 0; interval < kIntervalClasses; ++interval)
            high = std::max<double>(
                high, eventLogProbabilities[static_cast<size_t>(eventClass(interval, gap))]);
        double sum = 0;
        for (int interval = 0; interval < kIntervalClasses; ++interval)
            sum += std::exp(eventLogProbabilities[static_cast<size_t>(eventClass(interval, gap))] -
                            high);
        const size_t g = static_cast<size_t>(gap);
        gapLog[g] = high + std::log(sum);
        for (int interval = 0; interval < kIntervalClasses; ++interval)
            network[g][static_cast<size_t>(interval)] =
                eventLogProbabilities[static_cast<size_t>(eventClass(interval, gap))] - gapLog[g];
    }
    components.push_back(network);
    for (const View view : kViews) {
        const std::vector<int> symbols = symbolsOf(view, history);
        components.push_back(conditionalOf(
            view, interpolate(longTermCounts(counts, view, symbols), alphabetOf(view))));
        if (shortTerm)
            components.push_back(
                conditionalOf(view, interpolate(shortTermCounts(view, symbols), alphabetOf(view))));
    }
    // Weights: the inverse of each prediction's entropy relative to the uniform's, per gap.
    const double maximumEntropy = std::log(static_cast<double>(kIntervalClasses));
    for (size_t g = 0; g < static_cast<size_t>(kGapClasses); ++g) {
        std::array<double, kIntervalClasses> mixed{};
        double weights = 0;
        for (const Conditional& component : components) {
            double entropy = 0;
            for (const double log : component[g])
                if (std::isfinite(log))
                    entropy -= std::exp(log) * log;
            const double weight = maximumEntropy / std::max(entropy, 1e-6);
            weights += weight;
            for (size_t c = 0; c < mixed.size(); ++c)
                mixed[c] += weight * component[g][c];
        }
        double high = -std::numeric_limits<double>::infinity();
        for (double& value : mixed) {
            value /= weights;
            high = std::max(high, value);
        }
        double sum = 0;
        for (const double value : mixed)
            sum += std::exp(value - high);
        const double normaliser = high + std::log(sum);
        for (int interval = 0; interval < kIntervalClasses; ++interval)
            eventLogProbabilities[static_cast<size_t>(eventClass(interval, static_cast<int>(g)))] =
                static_cast<float>(gapLog[g] + mixed[static_cast<size_t>(interval)] - normaliser);
    }
}

} // namespace accord::models::style
