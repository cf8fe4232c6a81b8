#pragma once

#include "accord/core/cancelled.h"

namespace accord::audio {

// Long audio work throws the core's Cancelled, the one forEachInParallel (accord/core/parallel.h)
// knows from a real error.
using accord::Cancelled;

} // namespace accord::audio
