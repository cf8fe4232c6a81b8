#pragma once

#include <stdexcept>

namespace accord {

// Thrown by long work (import, decoding, offline render, forEachInParallel) when its `cancel`
// flag was set: nothing was registered or written.
class Cancelled : public std::runtime_error {
public:
    Cancelled() : std::runtime_error("cancelled") {}
};

} // namespace accord
