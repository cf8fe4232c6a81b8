#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <sys/types.h>

namespace accord {

// Writes to a temporary file beside `path`, fsyncs it, renames it over `path` and fsyncs the
// folder, so a crash leaves either the old or the new content, never a mix. Throws BadInput
// naming the file (e.g. on a full disk) and leaves any previous content untouched.
void writeFileAtomically(const std::string& path, const std::string& content, mode_t mode = 0644);

// The same, for content written in pieces (a file too large to hold in memory): the pieces go to
// a temporary file beside `path`, and commit() puts it in place as writeFileAtomically does.
// Destroyed without commit() (an error, a cancel), it removes the temporary and `path` keeps
// its previous content. Throws BadInput naming `path`.
class AtomicFileWriter {
public:
    explicit AtomicFileWriter(const std::string& path, mode_t mode = 0644);
    ~AtomicFileWriter();
    AtomicFileWriter(const AtomicFileWriter&) = delete;
    AtomicFileWriter& operator=(const AtomicFileWriter&) = delete;

    void write(const void* data, std::size_t size);
    void write(const std::string& bytes) { write(bytes.data(), bytes.size()); }
    // Overwrites bytes already written, at `offset` (a header settled at the end).
    void writeAt(std::uint64_t offset, const void* data, std::size_t size);
    std::uint64_t written() const { return written_; }
    // Sizes the file to `size` bytes (zeros) and maps it for writing in any order, for content
    // laid out by position rather than appended; commit() flushes the mapping. Only before any
    // write().
    char* mapWhole(std::uint64_t size);
    void commit();

private:
    std::string path_;
    std::string temp_;
    mode_t mode_;
    int fd_ = -1;
    std::uint64_t written_ = 0;
    void* mapped_ = nullptr;
};
// Documents Accord reads whole (projects, manifests, model files, keys) stay far below this.
constexpr std::size_t kMaxWholeFileBytes = std::size_t(256) << 20;
// Reads a whole regular file of at most `maxBytes`; throws BadInput naming the file when it is
// missing, unreadable, not a regular file (a pipe or a device is refused, never waited on) or
// larger.
std::string readWholeFile(const std::string& path, std::size_t maxBytes = kMaxWholeFileBytes);
bool fileExists(const std::string& path);
// `path` made absolute against the working folder, with "." and ".." resolved lexically.
std::string absolutePath(const std::string& path);
// The extension of `path` with its dot, in lower case (".wav"), or "" when it has none.
std::string lowerExtension(const std::string& path);
// The last component of `path` ("take.wav" of "/music/take.wav").
std::string fileNameOf(const std::string& path);
// Temporary files and folders are named "<prefix><pid>..." after the process that made them.
// Removes those in `folder` whose process is gone (killed before it could clean up), so a crash
// leaves nothing behind for good. Ones of live processes (and this one's) are left alone.
void removeStaleTemporaries(const std::string& folder, const std::string& prefix);
// Creates a folder and its parents with `mode`; throws BadInput naming it on failure.
void makeDirectories(const std::string& path, mode_t mode = 0755);

} // namespace accord
