// Training lines for the style benches (bench_style, bench_style_training): how long a line lasts
// and the order lines are taken in up to a cap of minutes (docs/STYLE.md "Measured").
#pragma once

#include "accord/core/melody.h"

#include <vector>

namespace accord::bench {

// The line's length in seconds, first note-on to last note-off, through its tempo map.
inline double lineSeconds(const Melody& line) {
    const Note& last = line.notes.back();
    return secondsAtBeat(line, last.start + last.length) -
           secondsAtBeat(line, line.notes.front().start);
}

// Every file's first line, then every file's second, and so on: a cap then keeps lines of every
// song, not every line of the first few songs.
inline std::vector<const Melody*> linesInTurns(const std::vector<std::vector<Melody>>& files) {
    std::vector<const Melody*> order;
    for (std::size_t turn = 0, added = 1; added > 0; ++turn) {
        added = 0;
        for (const std::vector<Melody>& lines : files)
            if (turn < lines.size()) {
                order.push_back(&lines[turn]);
                ++added;
            }
    }
    return order;
}

} // namespace accord::bench
