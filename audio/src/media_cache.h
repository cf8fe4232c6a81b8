#pragma once

// The process-wide cache of decoded, resampled media (see accord/audio/media.h). Thread-safe;
// never touched by the audio thread (graphs hold shared_ptrs taken on the message thread).

#include "accord/audio/media.h"

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>

namespace accord::audio::detail {

// What identifies a file's version without reading it: size and modification time.
struct FileStamp {
    std::uint64_t size = 0;
    std::int64_t modifiedNs = 0;
    bool operator==(const FileStamp& other) const {
        return size == other.size && modifiedNs == other.modifiedNs;
    }
};
// Throws BadInput naming the file when it cannot be stat()ed.
FileStamp stampOf(const std::string& path);

class MediaCache {
public:
    static MediaCache& instance();

    std::shared_ptr<const DecodedMedia> acquire(const std::string& path, int rate,
                                                const std::atomic<bool>* cancel);
    // Stores media decoded elsewhere (import decodes and identifies in one pass).
    void insert(const std::string& path, int rate, const FileStamp& stamp,
                std::shared_ptr<const DecodedMedia> media);
    // Decodes the files in parallel; progress is the fraction of files done.
    void prepare(const std::vector<std::string>& paths, int rate,
                 const std::function<void(double)>& progress, const std::atomic<bool>* cancel);

    MediaCacheStats stats();
    void setBudget(std::size_t bytes);
    void clearUnused();

private:
    struct Entry {
        FileStamp stamp;
        std::shared_ptr<const DecodedMedia> media;
        bool loading = false;
        std::uint64_t lastUse = 0;
    };
    using Key = std::pair<std::string, int>;
    void evictLocked();

    std::mutex mutex_;
    std::condition_variable loaded_;
    std::map<Key, Entry> entries_;
    std::size_t bytes_ = 0;
    std::size_t budget_ = std::size_t(1) << 30;
    std::uint64_t clock_ = 0;
    std::size_t hits_ = 0;
    std::size_t misses_ = 0;
};

} // namespace accord::audio::detail
