#pragma once

// Shared by the fuzz targets (docs/TESTING.md "Fuzzing"): readers that take a path get the input
// as a file in a private temporary folder.

#include <cstddef>
#include <cstdint>
#include <fstream>
#include <string>

#include <unistd.h>

namespace accord::fuzz {

// Writes the input to one file per process (each run overwrites it) and returns its path.
inline std::string asFile(const std::uint8_t* data, std::size_t size, const char* name) {
    static const std::string folder = [] {
        char pattern[] = "/tmp/accord-fuzz-XXXXXX";
        const char* made = ::mkdtemp(pattern);
        return std::string(made ? made : "/tmp");
    }();
    const std::string path = folder + "/" + name;
    std::ofstream(path, std::ios::binary | std::ios::trunc)
        .write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    return path;
}

} // namespace accord::fuzz
