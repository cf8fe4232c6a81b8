#pragma once

// Denormal floats (decaying filters and sums in silence) cost hundreds of cycles each: they made
// single live-voice hops 20x slower. Code on the audio thread and the live worker flushes them to
// zero for a scope (as JUCE's ScopedNoDenormals does), restoring the caller's mode after.

#if defined(__SSE__)
#include <xmmintrin.h>
#endif

namespace accord::dsp {

class NoDenormals {
public:
#if defined(__SSE__)
    NoDenormals() : saved_(_mm_getcsr()) {
        _mm_setcsr(saved_ | kFlushToZero | kDenormalsAreZero);
    }
    ~NoDenormals() {
        _mm_setcsr(saved_);
    }
    NoDenormals(const NoDenormals&) = delete;
    NoDenormals& operator=(const NoDenormals&) = delete;

private:
    static constexpr unsigned kFlushToZero = 0x8000;
    static constexpr unsigned kDenormalsAreZero = 0x0040;
    unsigned saved_;
#endif
};

} // namespace accord::dsp
