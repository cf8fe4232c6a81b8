// Project files (core/project.h) from arbitrary bytes: a clear accord::Error, or a project that
// saves and loads back the same; never a crash, a hang or another exception.

#include "accord/core/errors.h"
#include "accord/core/project.h"

#include <cstdint>
#include <cstdlib>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    try {
        const accord::Project project = accord::projectFromJson(text, "/fuzz/song.accord");
        const std::string saved = accord::projectToJson(project, "/fuzz/song.accord");
        if (accord::projectToJson(accord::projectFromJson(saved, "/fuzz/song.accord"),
                                  "/fuzz/song.accord") != saved)
            std::abort(); // what it writes, it must read back as the same project
    } catch (const accord::Error&) {
    }
    return 0;
}
