#include "accord/core/files.h"

#include "accord/core/errors.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace accord {
namespace {

std::string systemError(const std::string& path, const std::string& doing) {
    return path + ": " + doing + ": " + std::strerror(errno);
}

std::string parentOf(const std::string& path) {
    const auto slash = path.find_last_of('/');
    if (slash == std::string::npos)
        return ".";
    return slash == 0 ? "/" : path.substr(0, slash);
}

} // namespace

void removeStaleTemporaries(const std::string& folder, const std::string& prefix) {
    std::error_code error;
    for (const auto& entry : std::filesystem::directory_iterator(folder, error)) {
        const std::string name = entry.path().filename().string();
        if (name.rfind(prefix, 0) != 0)
            continue;
        const std::string rest = name.substr(prefix.size());
        const std::size_t digits = rest.find_first_not_of("0123456789");
        const std::string number = rest.substr(0, digits);
        if (number.empty() || number.size() > 9)
            continue;
        const pid_t owner = static_cast<pid_t>(std::stol(number));
        if (owner == ::getpid() || ::kill(owner, 0) == 0 || errno != ESRCH)
            continue;
        std::filesystem::remove_all(entry.path(), error);
    }
}

AtomicFileWriter::AtomicFileWriter(const std::string& path, mode_t mode)
    : path_(path), mode_(mode) {
    const std::string name = fileNameOf(path);
    removeStaleTemporaries(parentOf(path), name + ".tmp-");
    temp_ = path + ".tmp-" + std::to_string(::getpid());
    fd_ = ::open(temp_.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, mode); // (read: mapWhole)
    if (fd_ < 0)
        throw BadInput(systemError(path, "cannot create"));
}

AtomicFileWriter::~AtomicFileWriter() {
    if (mapped_)
        ::munmap(mapped_, written_);
    if (fd_ >= 0) {
        ::close(fd_);
        ::unlink(temp_.c_str());
    }
}

void AtomicFileWriter::write(const void* data, std::size_t size) {
    const char* bytes = static_cast<const char*>(data);
    std::size_t done = 0;
    while (done < size) {
        const ssize_t n = ::write(fd_, bytes + done, size - done);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            throw BadInput(systemError(path_, "cannot write"));
        }
        done += static_cast<std::size_t>(n);
    }
    written_ += size;
}

void AtomicFileWriter::writeAt(std::uint64_t offset, const void* data, std::size_t size) {
    if (offset + size > written_)
        throw BadInput(path_ + ": cannot overwrite bytes not written yet");
    const char* bytes = static_cast<const char*>(data);
    std::size_t done = 0;
    while (done < size) {
        const ssize_t n = ::pwrite(fd_, bytes + done, size - done, off_t(offset + done));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            throw BadInput(systemError(path_, "cannot write"));
        done += static_cast<std::size_t>(n);
    }
}

char* AtomicFileWriter::mapWhole(std::uint64_t size) {
    if (written_ != 0 || mapped_)
        throw BadInput(path_ + ": cannot map a file already written");
    // Blocks reserved now (a full disk refuses here), not at the first write through the map,
    // where it would be a fault.
    if (size == 0)
        return nullptr;
    if (const int failed = ::posix_fallocate(fd_, 0, off_t(size))) {
        errno = failed;
        throw BadInput(systemError(path_, "cannot write"));
    }
    void* mapped = ::mmap(nullptr, std::size_t(size), PROT_READ | PROT_WRITE, MAP_SHARED, fd_, 0);
    if (mapped == MAP_FAILED)
        throw BadInput(systemError(path_, "cannot write"));
    mapped_ = mapped;
    written_ = size;
    return static_cast<char*>(mapped);
}

void AtomicFileWriter::commit() {
    if (mapped_) {
        const bool synced = ::msync(mapped_, written_, MS_SYNC) == 0;
        ::munmap(mapped_, written_);
        mapped_ = nullptr;
        if (!synced)
            throw BadInput(systemError(path_, "cannot flush to disk"));
    }
    if (::fchmod(fd_, mode_) != 0 || ::fsync(fd_) != 0)
        throw BadInput(systemError(path_, "cannot flush to disk"));
    ::close(fd_);
    fd_ = -1;
    if (::rename(temp_.c_str(), path_.c_str()) != 0) {
        const std::string message = systemError(path_, "cannot replace");
        ::unlink(temp_.c_str());
        throw BadInput(message);
    }
    const int dir = ::open(parentOf(path_).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir >= 0) {
        ::fsync(dir);
        ::close(dir);
    }
}

void writeFileAtomically(const std::string& path, const std::string& content, mode_t mode) {
    AtomicFileWriter writer(path, mode);
    writer.write(content);
    writer.commit();
}

std::string readWholeFile(const std::string& path, std::size_t maxBytes) {
    // Non-blocking open: a FIFO without a writer must not hang the reader.
    const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        throw BadInput(errno == ENOENT ? path + ": no such file"
                                       : systemError(path, "cannot open the file"));
    struct Closer {
        int fd;
        ~Closer() { ::close(fd); }
    } closer{fd};
    struct stat info {};
    if (::fstat(fd, &info) != 0)
        throw BadInput(systemError(path, "cannot read the file"));
    if (!S_ISREG(info.st_mode))
        throw BadInput(path + ": not a regular file (a device, a pipe or a folder)");
    if (static_cast<std::uint64_t>(info.st_size) > maxBytes)
        throw BadInput(path + ": too large (" + std::to_string(info.st_size) + " bytes; at most " +
                       std::to_string(maxBytes) + " expected here)");
    std::string content(static_cast<std::size_t>(info.st_size), '\0');
    std::size_t done = 0;
    while (done < content.size()) {
        const ssize_t n = ::read(fd, content.data() + done, content.size() - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            throw BadInput(systemError(path, "read error"));
        if (n == 0)
            break; // the file shrank while being read
        done += static_cast<std::size_t>(n);
    }
    content.resize(done);
    return content;
}

bool fileExists(const std::string& path) {
    struct stat info {};
    return ::stat(path.c_str(), &info) == 0;
}

std::string absolutePath(const std::string& path) {
    return std::filesystem::absolute(path).lexically_normal().string();
}

std::string fileNameOf(const std::string& path) {
    return path.substr(path.find_last_of('/') + 1);
}

std::string lowerExtension(const std::string& path) {
    std::string extension = std::filesystem::path(path).extension().string();
    std::transform(extension.begin(), extension.end(), extension.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return extension;
}

void makeDirectories(const std::string& path, mode_t mode) {
    if (path.empty() || fileExists(path))
        return;
    makeDirectories(parentOf(path), 0755);
    if (::mkdir(path.c_str(), mode) != 0 && errno != EEXIST)
        throw BadInput(systemError(path, "cannot create the folder"));
}

} // namespace accord
