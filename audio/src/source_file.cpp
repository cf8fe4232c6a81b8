#include "source_file.h"

#include "accord/core/crypto.h"
#include "accord/core/errors.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

namespace accord::audio::detail {
namespace {

[[noreturn]] void fail(const std::string& path, const std::string& problem) {
    throw BadInput(path + ": " + problem);
}

} // namespace

SourceFile::SourceFile(const std::string& path) : path_(path) {
    fd_ = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd_ < 0) {
        if (errno == ENOENT || errno == ENOTDIR)
            fail(path, "no such file");
        fail(path, std::string("cannot be read: ") + std::strerror(errno));
    }
    struct stat info {};
    if (::fstat(fd_, &info) != 0) {
        const int error = errno;
        ::close(fd_);
        fail(path, std::string("cannot be read: ") + std::strerror(error));
    }
    const auto refuse = [&](const std::string& problem) {
        ::close(fd_);
        fail(path, problem);
    };
    if (S_ISDIR(info.st_mode))
        refuse("is a directory, not a file");
    if (!S_ISREG(info.st_mode))
        refuse(std::string("is not a regular file (") +
               (S_ISFIFO(info.st_mode)                           ? "a pipe"
                : S_ISCHR(info.st_mode) || S_ISBLK(info.st_mode) ? "a device"
                : S_ISSOCK(info.st_mode)                         ? "a socket"
                                                                 : "not a file") +
               "), no audio read from it");
    if (info.st_size == 0)
        refuse("empty file (0 bytes), no audio");
    size_ = static_cast<std::uint64_t>(info.st_size);
}

SourceFile::~SourceFile() {
    if (fd_ >= 0)
        ::close(fd_);
}

std::int64_t SourceFile::readAt(std::uint64_t offset, void* into, std::size_t count) const {
    if (offset >= size_)
        return 0;
    count = static_cast<std::size_t>(std::min<std::uint64_t>(count, size_ - offset));
    std::size_t done = 0;
    while (done < count) {
        const ssize_t n = ::pread(fd_, static_cast<char*>(into) + done, count - done,
                                  static_cast<off_t>(offset + done));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        if (n == 0)
            break; // the file shrank meanwhile
        done += static_cast<std::size_t>(n);
    }
    return static_cast<std::int64_t>(done);
}

std::size_t SourceFile::readAtOrThrow(std::uint64_t offset, void* into, std::size_t count) const {
    const std::int64_t n = readAt(offset, into, count);
    if (n < 0)
        fail(path_, std::string("read error: ") + std::strerror(errno));
    return static_cast<std::size_t>(n);
}

std::string SourceFile::sha256() const {
    Sha256 hash;
    std::vector<char> buffer(std::size_t(1) << 16);
    for (std::uint64_t offset = 0; offset < size_;) {
        const std::size_t n = readAtOrThrow(offset, buffer.data(), buffer.size());
        if (n == 0)
            break;
        hash.update(buffer.data(), n);
        offset += n;
    }
    return hash.finishHex();
}

} // namespace accord::audio::detail
