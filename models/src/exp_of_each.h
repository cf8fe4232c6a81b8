#pragma once

#include <cstddef>

namespace accord::models::voice {

// out[i] = e^min(x[i] - offset, cap) for `count` values, as std::exp would give them to a float's
// rounding and in a fraction of its time (docs/ARCHITECTURE.md "Voice model": one call of glibc's
// exp per bin was 5% of a convert). No allocation, no lock: the live node calls it.
void expOfEach(const double* x, std::size_t count, double offset, double cap, float* out);
void expOfEach(const double* x, std::size_t count, double offset, double cap, double* out);

} // namespace accord::models::voice
