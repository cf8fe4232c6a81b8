#pragma once

#include <string>
#include <sys/types.h>

namespace accord {

// Writes to a temporary file beside `path`, fsyncs it, renames it over `path` and fsyncs the
// folder, so a crash leaves either the old or the new content, never a mix. Throws BadInput
// naming the file (e.g. on a full disk) and leaves any previous content untouched.
void writeFileAtomically(const std::string& path, const std::string& content, mode_t mode = 0644);
// Reads a whole file; throws BadInput naming the file when it is missing or unreadable.
std::string readWholeFile(const std::string& path);
bool fileExists(const std::string& path);
// `path` made absolute against the working folder, with "." and ".." resolved lexically.
std::string absolutePath(const std::string& path);
// Creates a folder and its parents with `mode`; throws BadInput naming it on failure.
void makeDirectories(const std::string& path, mode_t mode = 0755);

} // namespace accord
