// The structural checks of audio containers (audio/src/container_check.h, MP3 frames included)
// on arbitrary bytes, opened as every audio file is (audio/src/source_file.h):
// accept or refuse with accord::Error; never a crash, a hang or another exception.

#include "container_check.h"
#include "fuzz_input.h"
#include "source_file.h"

#include "accord/core/errors.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string path = accord::fuzz::asFile(data, size, "take.wav");
    try {
        const accord::audio::detail::SourceFile file(path);
        accord::audio::detail::checkContainer(file);
    } catch (const accord::Error&) {
    }
    return 0;
}
