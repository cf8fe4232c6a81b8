#pragma once

#include <cstddef>
#include <string>
#include <sys/types.h>

namespace accord {

// Writes to a temporary file beside `path`, fsyncs it, renames it over `path` and fsyncs the
// folder, so a crash leaves either the old or the new content, never a mix. Throws BadInput
// naming the file (e.g. on a full disk) and leaves any previous content untouched.
void writeFileAtomically(const std::string& path, const std::string& content, mode_t mode = 0644);
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
// Temporary files and folders are named "<prefix><pid>..." after the process that made them.
// Removes those in `folder` whose process is gone (killed before it could clean up), so a crash
// leaves nothing behind for good. Ones of live processes (and this one's) are left alone.
void removeStaleTemporaries(const std::string& folder, const std::string& prefix);
// Creates a folder and its parents with `mode`; throws BadInput naming it on failure.
void makeDirectories(const std::string& path, mode_t mode = 0755);

} // namespace accord
