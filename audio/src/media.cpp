#include "accord/audio/media.h"

#include "decoding.h"
#include "media_cache.h"

#include "accord/core/errors.h"

#include <algorithm>
#include <map>
#include <mutex>

namespace accord::audio {
namespace {

constexpr int kOverviewBucket = 256;
constexpr int kOverviewBlock = kOverviewBucket * 256; // frames read at a time

bool isCancelled(const std::atomic<bool>* cancel) {
    return cancel != nullptr && cancel->load(std::memory_order_relaxed);
}

} // namespace

IdentifiedMedia decodeForImport(const std::string& path, int projectRate,
                                const std::function<void(double)>& progress,
                                const std::atomic<bool>* cancel) {
    const std::string file = detail::absolutePath(path);
    if (isCancelled(cancel))
        throw Cancelled();
    // The stamp is taken before decoding: a file edited meanwhile is decoded again next time.
    const detail::FileStamp stamp = detail::stampOf(path);
    detail::DecodeOptions options;
    options.targetRate = projectRate;
    options.identify = true;
    options.cancel = cancel;
    options.progress = progress;
    detail::DecodeResult decoded = detail::decodeFile(path, options);
    if (isCancelled(cancel))
        throw Cancelled();
    IdentifiedMedia result;
    result.identity = *decoded.identity;
    result.media = decoded.media;
    detail::MediaCache::instance().insert(file, projectRate, stamp, std::move(decoded.media));
    return result;
}

WaveformOverview computeWaveformOverview(const std::string& path, const std::atomic<bool>* cancel) {
    struct Cached {
        detail::FileStamp stamp;
        WaveformOverview overview;
    };
    static std::mutex mutex;
    static std::map<std::string, Cached> cache;

    const std::string file = detail::absolutePath(path);
    const detail::FileStamp stamp = detail::stampOf(path);
    {
        std::lock_guard<std::mutex> lock(mutex);
        auto found = cache.find(file);
        if (found != cache.end() && found->second.stamp == stamp)
            return found->second.overview;
    }

    const detail::CheckedReader source = detail::openCheckedReader(path);
    WaveformOverview overview;
    overview.sampleRate = source.sampleRate;
    overview.samplesPerBucket = kOverviewBucket;
    const std::size_t buckets =
        std::size_t((source.frames + kOverviewBucket - 1) / kOverviewBucket);
    overview.minimum.reserve(buckets);
    overview.maximum.reserve(buckets);
    const float scale = 1.0f / float(source.channels);
    source.readAll(kOverviewBlock, cancel, [&](const float* const* planar, int count) {
        for (int bucket = 0; bucket < count; bucket += kOverviewBucket) {
            float low = 0.0f;
            float high = 0.0f;
            const int end = std::min(count, bucket + kOverviewBucket);
            for (int i = bucket; i < end; ++i) {
                float mono = 0.0f;
                for (int c = 0; c < source.channels; ++c)
                    mono += planar[c][i];
                mono *= scale;
                low = i == bucket ? mono : std::min(low, mono);
                high = i == bucket ? mono : std::max(high, mono);
            }
            overview.minimum.push_back(low);
            overview.maximum.push_back(high);
        }
    });
    std::lock_guard<std::mutex> lock(mutex);
    cache[file] = {stamp, overview};
    return overview;
}

} // namespace accord::audio
