// Compiled with -fno-trapping-math (models/CMakeLists.txt says why): the clamps below would stop
// the loop's vectorisation otherwise.

#include "exp_of_each.h"

#include <algorithm>
#include <cstdint>
#include <cstring>

namespace accord::models::voice {
namespace {

// No call and no branch, so the compiler vectorises the loop. e^v = 2^n e^r with |r| <= ln 2 / 2:
// e^r by its Taylor series to degree 10 (relative error under 3e-13, far under a float's rounding,
// 6e-8: as floats the values equal std::exp's but for one within 3e-13 of a rounding midpoint),
// 2^n put in the exponent's bits. v is held over -708, where 2^n stays a normal double (e^-708 is
// 0 as a float anyway).
template <typename Out>
void exponentials(const double* x, std::size_t count, double offset, double cap, Out* out) {
    constexpr double kLog2e = 1.4426950408889634, kLn2 = 0.6931471805599453;
    constexpr double kRound = 6755399441055744.0; // 1.5 * 2^52: adding it rounds to an integer
    for (std::size_t i = 0; i < count; ++i) {
        const double v = std::max(std::min(x[i] - offset, cap), -708.0);
        const double shifted = v * kLog2e + kRound; // n in the low bits of its mantissa
        const double n = shifted - kRound;
        const double r = v - n * kLn2;
        double series = 1.0 / 3628800; // 1/10!, then Horner's rule down to 1/0!
        series = series * r + 1.0 / 362880;
        series = series * r + 1.0 / 40320;
        series = series * r + 1.0 / 5040;
        series = series * r + 1.0 / 720;
        series = series * r + 1.0 / 120;
        series = series * r + 1.0 / 24;
        series = series * r + 1.0 / 6;
        series = series * r + 1.0 / 2;
        series = series * r + 1.0;
        series = series * r + 1.0;
        std::uint64_t bits;
        std::memcpy(&bits, &shifted, sizeof bits);
        const std::uint64_t powerBits = (bits + 1023) << 52; // 2^n: n + 1023 in the exponent
        double power;
        std::memcpy(&power, &powerBits, sizeof power);
        out[i] = Out(series * power);
    }
}

} // namespace

void expOfEach(const double* x, std::size_t count, double offset, double cap, float* out) {
    exponentials(x, count, offset, cap, out);
}

void expOfEach(const double* x, std::size_t count, double offset, double cap, double* out) {
    exponentials(x, count, offset, cap, out);
}

} // namespace accord::models::voice
