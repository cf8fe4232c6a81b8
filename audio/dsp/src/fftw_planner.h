#pragma once

// FFTW's planner (plan creation and destruction) is not thread-safe; aubio plans on the same
// FFTW library (Debian's aubio links libfftw3f). Everything in this library that makes or frees
// a plan, directly or through aubio, holds this lock.

#include <mutex>

namespace accord::dsp::detail {

std::mutex& fftwPlannerLock();

} // namespace accord::dsp::detail
