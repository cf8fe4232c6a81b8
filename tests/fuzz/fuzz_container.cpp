// The structural checks of audio containers (audio/src/container_check.h) on arbitrary bytes:
// accept or refuse with accord::Error; never a crash, a hang or another exception.

#include "container_check.h"
#include "fuzz_input.h"

#include "accord/core/errors.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string path = accord::fuzz::asFile(data, size, "take.wav");
    try {
        accord::audio::detail::checkContainer(path, size);
    } catch (const accord::Error&) {
    }
    return 0;
}
