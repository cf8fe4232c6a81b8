#include "media_cache.h"

#include "decoding.h"

#include "accord/core/parallel.h"

#include "accord/core/errors.h"
#include "accord/core/thread_checks.h"

#include <sys/mman.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <set>
#include <vector>

namespace accord::audio {

std::size_t DecodedMedia::bytes() const {
    std::size_t total = 0;
    for (const auto& channel : channels)
        total += channel.capacity() * sizeof(float);
    return total;
}

namespace detail {

namespace {
// Large buffers are mapped with their pages populated in one system call instead of one page
// fault per 4 KiB while decoding. (Transparent huge pages were tried and measured: they made the
// audio callback stall for 1-4 ms now and then, reading media; so ordinary pages.)
constexpr std::size_t kMapThreshold = std::size_t(4) << 20;
constexpr std::size_t kHeader = 64; // keeps the mapping's size, and the samples aligned
} // namespace

void* allocateSamples(std::size_t bytes) {
    if (bytes >= kMapThreshold) {
        const std::size_t total = bytes + kHeader;
        void* mapped = ::mmap(nullptr, total, PROT_READ | PROT_WRITE,
                              MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
        if (mapped == MAP_FAILED)
            throw std::bad_alloc();
        *static_cast<std::size_t*>(mapped) = total;
        return static_cast<char*>(mapped) + kHeader;
    }
    void* memory = std::malloc(kHeader + (bytes == 0 ? 1 : bytes));
    if (memory == nullptr)
        throw std::bad_alloc();
    *static_cast<std::size_t*>(memory) = 0; // not mapped
    return static_cast<char*>(memory) + kHeader;
}

void freeSamples(void* memory) noexcept {
    if (memory == nullptr)
        return;
    char* start = static_cast<char*>(memory) - kHeader;
    const std::size_t mapped = *reinterpret_cast<std::size_t*>(start);
    if (mapped != 0)
        ::munmap(start, mapped);
    else
        std::free(start);
}

FileStamp stampOf(const std::string& path) {
    struct stat info {};
    if (::stat(path.c_str(), &info) != 0) {
        if (errno == ENOENT)
            failFile(path, "no such file");
        failFile(path, std::string("cannot be read: ") + std::strerror(errno));
    }
    FileStamp stamp;
    stamp.size = static_cast<std::uint64_t>(info.st_size);
    stamp.modifiedNs = std::int64_t(info.st_mtim.tv_sec) * 1000000000 + info.st_mtim.tv_nsec;
    return stamp;
}

MediaCache& MediaCache::instance() {
    static MediaCache cache;
    return cache;
}

std::shared_ptr<const DecodedMedia> MediaCache::acquire(const std::string& path, int rate,
                                                        const std::atomic<bool>* cancel) {
    const Key key{absolutePath(path), rate};
    const FileStamp stamp = stampOf(key.first);
    {
        std::unique_lock<std::mutex> lock(mutex_);
        for (;;) {
            auto found = entries_.find(key);
            if (found == entries_.end())
                break;
            if (found->second.loading) {
                loaded_.wait(lock);
                continue;
            }
            if (found->second.stamp == stamp && found->second.media) {
                found->second.lastUse = ++clock_;
                ++hits_;
                return found->second.media;
            }
            bytes_ -= found->second.media ? found->second.media->bytes() : 0;
            entries_.erase(found); // the file changed: decode it again
            break;
        }
        Entry& entry = entries_[key];
        entry.loading = true;
        entry.stamp = stamp;
        ++misses_;
    }
    try {
        DecodeOptions options;
        options.targetRate = rate;
        options.cancel = cancel;
        std::shared_ptr<const DecodedMedia> media = decodeFile(path, options).media;
        std::lock_guard<std::mutex> lock(mutex_);
        Entry& entry = entries_[key];
        entry.loading = false;
        entry.media = media;
        entry.lastUse = ++clock_;
        bytes_ += media->bytes();
        evictLocked();
        loaded_.notify_all();
        return media;
    } catch (...) {
        std::lock_guard<std::mutex> lock(mutex_);
        entries_.erase(key);
        loaded_.notify_all();
        throw;
    }
}

void MediaCache::insert(const std::string& path, int rate, const FileStamp& stamp,
                        std::shared_ptr<const DecodedMedia> media) {
    const Key key{absolutePath(path), rate};
    std::lock_guard<std::mutex> lock(mutex_);
    Entry& entry = entries_[key];
    if (entry.loading)
        return; // someone else is decoding it right now: theirs wins
    if (entry.media)
        bytes_ -= entry.media->bytes();
    entry.stamp = stamp;
    entry.media = std::move(media);
    entry.lastUse = ++clock_;
    bytes_ += entry.media->bytes();
    evictLocked();
}

void MediaCache::evictLocked() {
    while (bytes_ > budget_) {
        auto oldest = entries_.end();
        for (auto it = entries_.begin(); it != entries_.end(); ++it)
            if (!it->second.loading && it->second.media && it->second.media.use_count() == 1 &&
                (oldest == entries_.end() || it->second.lastUse < oldest->second.lastUse))
                oldest = it;
        if (oldest == entries_.end())
            return; // everything left is in use
        bytes_ -= oldest->second.media->bytes();
        entries_.erase(oldest);
    }
}

void MediaCache::prepare(const std::vector<std::string>& paths, int rate,
                         const std::function<void(double)>& progress,
                         const std::atomic<bool>* cancel) {
    // Each file once, and only those not cached yet (a missing file is left to acquire()).
    const std::vector<std::string> unique = [&] {
        std::set<std::string> seen;
        std::vector<std::string> list;
        for (const auto& path : paths) {
            const std::string absolute = absolutePath(path);
            if (!seen.insert(absolute).second)
                continue;
            struct stat info {};
            if (::stat(absolute.c_str(), &info) == 0) {
                const FileStamp stamp = stampOf(absolute);
                std::lock_guard<std::mutex> lock(mutex_);
                auto found = entries_.find({absolute, rate});
                if (found != entries_.end() && !found->second.loading && found->second.media &&
                    found->second.stamp == stamp)
                    continue;
            }
            list.push_back(path);
        }
        return list;
    }();
    if (unique.empty()) {
        if (progress)
            progress(1.0);
        return;
    }
    forEachInParallel(
        unique.size(), parallelWorkersFor(unique.size()),
        [&](std::size_t index, const std::atomic<bool>& stop) {
            acquire(unique[index], rate, &stop);
        },
        cancel, progress);
}

MediaCacheStats MediaCache::stats() {
    std::lock_guard<std::mutex> lock(mutex_);
    MediaCacheStats stats;
    stats.entries = entries_.size();
    stats.bytes = bytes_;
    stats.budgetBytes = budget_;
    stats.hits = hits_;
    stats.misses = misses_;
    return stats;
}

void MediaCache::setBudget(std::size_t bytes) {
    std::lock_guard<std::mutex> lock(mutex_);
    budget_ = bytes;
    evictLocked();
}

void MediaCache::clearUnused() {
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto it = entries_.begin(); it != entries_.end();) {
        if (!it->second.loading && it->second.media && it->second.media.use_count() == 1) {
            bytes_ -= it->second.media->bytes();
            it = entries_.erase(it);
        } else {
            ++it;
        }
    }
}

} // namespace detail

std::shared_ptr<const DecodedMedia> loadMedia(const std::string& path, int sampleRate,
                                              const std::atomic<bool>* cancel) {
    threads::assertNotInAudioCallback("audio::loadMedia");
    return detail::MediaCache::instance().acquire(path, sampleRate, cancel);
}

void prepareProjectMedia(const Project& project, const std::function<void(double)>& progress,
                         const std::atomic<bool>* cancel) {
    std::vector<std::string> files;
    for (const auto& track : project.tracks)
        for (const auto& clip : track.clips)
            if (!clip.offline)
                files.push_back(clip.file);
    detail::MediaCache::instance().prepare(files, project.sampleRate, progress, cancel);
}

MediaCacheStats mediaCacheStats() {
    return detail::MediaCache::instance().stats();
}

void setMediaCacheBudget(std::size_t bytes) {
    detail::MediaCache::instance().setBudget(bytes);
}

void clearMediaCache() {
    detail::MediaCache::instance().clearUnused();
}

} // namespace accord::audio
