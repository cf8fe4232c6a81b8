#pragma once

#include <stdexcept>

namespace accord::audio {

// Thrown by long audio work (import, decoding, offline render) when its `cancel` flag was set:
// nothing was registered or written.
class Cancelled : public std::runtime_error {
public:
    Cancelled() : std::runtime_error("cancelled") {}
};

} // namespace accord::audio
