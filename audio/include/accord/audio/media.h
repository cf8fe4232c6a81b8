#pragma once

#include "accord/core/cancelled.h"
#include "accord/core/consent.h"
#include "accord/core/project.h"

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <new>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace accord::audio {

// Peak overview of a recording for drawing waveforms at any zoom: min/max per bucket of
// `samplesPerBucket` frames (mono mix: the mean of all channels) at the file's own rate,
// computed on a worker, cached per file (path, size and modification time). Throws BadInput
// naming the file, or Cancelled.
struct WaveformOverview {
    int sampleRate = 0;
    int samplesPerBucket = 256;
    std::vector<float> minimum;
    std::vector<float> maximum;
};
WaveformOverview computeWaveformOverview(const std::string& path,
                                         const std::atomic<bool>* cancel = nullptr);

// ---- the media cache (shared by Engine, renderProject and importRecording) ----

namespace detail {
void* allocateSamples(std::size_t bytes);
void freeSamples(void* memory) noexcept;
} // namespace detail

// Allocator of decoded samples: elements are not zero-filled on resize (the decoder writes every
// one), and large buffers get their pages in one go, so decoding minutes of audio does not spend
// its time in page faults.
template <typename T> struct SampleAllocator {
    using value_type = T;
    SampleAllocator() = default;
    template <typename U> SampleAllocator(const SampleAllocator<U>&) noexcept {}
    T* allocate(std::size_t count) {
        return static_cast<T*>(detail::allocateSamples(count * sizeof(T)));
    }
    void deallocate(T* memory, std::size_t) noexcept { detail::freeSamples(memory); }
    template <typename U> void construct(U* at) noexcept {
        ::new (static_cast<void*>(at)) U; // default-initialised: no zero fill
    }
    template <typename U, typename... Args> void construct(U* at, Args&&... args) {
        ::new (static_cast<void*>(at)) U(std::forward<Args>(args)...);
    }
    template <typename U> bool operator==(const SampleAllocator<U>&) const noexcept { return true; }
    template <typename U> bool operator!=(const SampleAllocator<U>&) const noexcept {
        return false;
    }
};
using SampleBuffer = std::vector<float, SampleAllocator<float>>;

//
// A recording decoded with JUCE's readers and resampled with libsoxr (SOXR_VHQ, linear phase)
// to a project rate, as float samples. Channel policy: mono stays mono (it feeds both sides of
// its track equally); stereo stays stereo; files with more than two channels play their first
// two (front left and right in WAV, AIFF and FLAC order); nothing is summed, so levels stay as
// recorded. The asset's identity still covers every channel.
struct DecodedMedia {
    std::string file;        // absolute path
    int sampleRate = 0;      // the rate it was resampled to (the project rate)
    int sourceRate = 0;      // the file's own rate
    int sourceChannels = 0;  // the file's own channel count
    std::int64_t frames = 0; // at sampleRate: round(source frames * sampleRate / sourceRate)
    std::vector<SampleBuffer> channels; // 1 or 2 planar buffers of `frames` samples
    std::size_t bytes() const;
};

// The decoded media from the cache, decoding on a miss (blocking: call it on a worker). Keyed by
// absolute path and rate, validated against the file's size and modification time, so an
// edited file is decoded again. Throws BadInput naming the file, or Cancelled.
std::shared_ptr<const DecodedMedia> loadMedia(const std::string& path, int sampleRate,
                                              const std::atomic<bool>* cancel = nullptr);

// ---- decoding for import ----

// A recording decoded once for import: its identity by content (as identifyAudioFile computes
// it) and its media resampled (libsoxr, high quality) to `projectRate`, now in the media cache.
// Runs on a worker thread; `progress` 0..1; `cancel` throws Cancelled. Throws BadInput naming the
// file for unreadable media.
struct IdentifiedMedia {
    AudioIdentity identity;
    std::shared_ptr<const DecodedMedia> media;
};
IdentifiedMedia decodeForImport(const std::string& path, int projectRate,
                                const std::function<void(double)>& progress = {},
                                const std::atomic<bool>* cancel = nullptr);

// Decodes every online clip's media of `project` at its rate into the cache, several files in
// parallel (one worker per core). Call on a worker before Engine::setProject so the message
// thread never waits for decoding. Throws BadInput naming the first bad file, or Cancelled.
void prepareProjectMedia(const Project& project, const std::function<void(double)>& progress = {},
                         const std::atomic<bool>* cancel = nullptr);

// Memory: 4 bytes per sample per kept channel at the project rate (3 min of stereo at 48 kHz is
// 66 MiB). Media used by a live graph are never evicted; unused ones are dropped least recently
// used first once the total exceeds the budget (default 1 GiB).
struct MediaCacheStats {
    std::size_t entries = 0;
    std::size_t bytes = 0;
    std::size_t budgetBytes = 0;
    std::size_t hits = 0;
    std::size_t misses = 0;
};
MediaCacheStats mediaCacheStats();
void setMediaCacheBudget(std::size_t bytes);
// Drops every entry not in use (e.g. to measure a cold cache).
void clearMediaCache();

} // namespace accord::audio
