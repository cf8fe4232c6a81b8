#pragma once

// Shared by the fuzz targets (docs/TESTING.md "Fuzzing"): readers that take a path get the input
// as a file in a private temporary folder.

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <system_error>

#include <unistd.h>

namespace accord::fuzz {

// The process's private folder, removed with what it holds when the process exits normally (a
// crash leaves it: libFuzzer keeps the crashing input itself).
class ScratchFolder {
public:
    ScratchFolder() {
        char pattern[] = "/tmp/accord-fuzz-XXXXXX";
        if (const char* made = ::mkdtemp(pattern))
            path_ = made;
    }
    ~ScratchFolder() {
        if (!path_.empty()) {
            std::error_code ignored; // nothing to report to at exit
            std::filesystem::remove_all(path_, ignored);
        }
    }
    ScratchFolder(const ScratchFolder&) = delete;
    ScratchFolder& operator=(const ScratchFolder&) = delete;

    // The folder, or /tmp when none could be made.
    std::string path() const { return path_.empty() ? std::string("/tmp") : path_; }

private:
    std::string path_;
};

// Writes the input to one file per process (each run overwrites it) and returns its path.
inline std::string asFile(const std::uint8_t* data, std::size_t size, const char* name) {
    static const ScratchFolder folder;
    const std::string path = folder.path() + "/" + name;
    std::ofstream(path, std::ios::binary | std::ios::trunc)
        .write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    return path;
}

} // namespace accord::fuzz
