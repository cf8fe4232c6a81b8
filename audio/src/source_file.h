#pragma once

// An audio file opened for reading, the one way the audio library opens a file it decodes,
// hashes or checks (docs/ARCHITECTURE.md "Audio engine"): what is not a regular file is refused
// at once, and no read goes past the size the file had when it was opened. Private to the audio
// library (no JUCE here).

#include <cstddef>
#include <cstdint>
#include <string>

namespace accord::audio::detail {

class SourceFile {
public:
    // Opens `path` without blocking (a FIFO without a writer must not hang the reader) and
    // refuses at once what cannot be an audio file: missing, a folder, a pipe, a device (a
    // symbolic link to /dev/zero too), unreadable, empty. Throws accord::BadInput naming the
    // file.
    explicit SourceFile(const std::string& path);
    ~SourceFile();
    SourceFile(const SourceFile&) = delete;
    SourceFile& operator=(const SourceFile&) = delete;

    const std::string& path() const { return path_; }
    std::uint64_t size() const { return size_; } // when opened: every read stays within it

    // Up to `count` bytes from `offset`, never past size(); returns how many were read (fewer
    // only at the end), or -1 on a read error (errno set). Thread-safe (positional reads).
    std::int64_t readAt(std::uint64_t offset, void* into, std::size_t count) const;
    // As readAt, but throws accord::BadInput naming the file on a read error.
    std::size_t readAtOrThrow(std::uint64_t offset, void* into, std::size_t count) const;
    // SHA-256 of the bytes, lowercase hex.
    std::string sha256() const;

private:
    std::string path_;
    int fd_ = -1;
    std::uint64_t size_ = 0;
};

} // namespace accord::audio::detail
