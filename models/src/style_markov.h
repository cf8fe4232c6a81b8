#pragma once

// The style model's variable-order Markov half (docs/STYLE.md "Markov models"), plain C++:
// prediction by partial matching (PPM: escape method C, interpolated, orders 0..kMarkovOrder) over
// a melody's events (style_tokens.h) seen two ways, the interval alone and the interval with its
// gap. Long-term counts come from the training sequences and are kept in the model file; short-term
// counts, when scoring, from the melody itself so far (a phrase repeats its own figures; redrawn
// notes break them). With
// the network's p(interval | gap, before) they are mixed geometrically, each weighted by the
// inverse of its relative entropy (IDyOM's combination).

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

namespace accord::models::style {

constexpr int kMarkovOrder = 5;

// Long-term counts: for every context of 0..kMarkovOrder events of each view, what followed it.
class MarkovCounts {
public:
    // One training sequence's events (EncodedMelody::targets).
    void add(const std::vector<int>& events);
    bool empty() const { return contexts_.empty(); }

    // "ACCMARK1" | u32 order | u32 contexts | (u64 context | u32 symbols | (u16 symbol | u32
    // count)...)...; decode throws BadInput "<what>: ..." for a malformed block.
    std::string encode() const;
    static MarkovCounts decode(const std::string& block, const std::string& what);

    struct Follower {
        std::uint16_t symbol = 0;
        std::uint32_t count = 0;
    };
    // What followed a context (contextKey in style_markov.cpp); null when it never occurred.
    const std::vector<Follower>* find(std::uint64_t context) const;

private:
    std::unordered_map<std::uint64_t, std::vector<Follower>> contexts_;
};

// `eventLogProbabilities` (kEventClasses, the network's next event after `history`) becomes log
// p_network(gap) + log p_mixed(interval | gap), p_mixed the entropy-weighted geometric mixture of
// the network's p(interval | gap) and the long- and short-term PPM predictions of both views.
// `history`: the melody's events so far (none before its second note). The short-term models
// (`shortTerm`) are for scoring only: a generator fed its own output makes a figure likelier with
// each repeat, and pulled towards the phrase's own figures its register steering no longer
// holds. Empty counts (a model file from before the Markov models) leave the network's
// prediction as it is.
void mixWithMarkov(std::vector<float>& eventLogProbabilities, const MarkovCounts& counts,
                   const std::vector<int>& history, bool shortTerm);

} // namespace accord::models::style
