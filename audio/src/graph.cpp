#include "graph.h"

#include <algorithm>
#include <cmath>

#if defined(__SSE__)
#include <xmmintrin.h>
#endif

namespace accord::audio::detail {
namespace {

constexpr double kHalfPi = 1.57079632679489661923;
constexpr double kRampSeconds = 0.010; // smoothing of gain, pan, mute and solo changes

bool trackAudible(const TrackControls& controls, bool anySolo) {
    return !controls.mute.load(std::memory_order_relaxed) &&
           (!anySolo || controls.solo.load(std::memory_order_relaxed));
}

// gain(k) of a clip at its frame k, see graph.h.
inline float fadeGain(const ClipNode& clip, std::int64_t k) {
    double gain = 1.0;
    if (k < clip.fadeIn)
        gain *= double(k) / double(clip.fadeIn);
    if (k >= clip.length - clip.fadeOut)
        gain *= double(clip.length - k) / double(clip.fadeOut);
    return clip.gain * float(gain);
}

// Denormal floats cost hundreds of cycles each: flush them to zero while the graph runs (as
// JUCE's ScopedNoDenormals does), restoring the caller's mode after.
class NoDenormals {
public:
#if defined(__SSE__)
    NoDenormals() : saved_(_mm_getcsr()) {
        _mm_setcsr(saved_ | kFlushToZero | kDenormalsAreZero);
    }
    ~NoDenormals() {
        _mm_setcsr(saved_);
    }

private:
    static constexpr unsigned kFlushToZero = 0x8000;
    static constexpr unsigned kDenormalsAreZero = 0x0040;
    unsigned saved_;
#endif
};

} // namespace

float panLeft(float pan) {
    const double p = std::clamp(double(pan), -1.0, 1.0);
    return p <= 0.0 ? 1.0f : float(std::cos(p * kHalfPi));
}

float panRight(float pan) {
    const double p = std::clamp(double(pan), -1.0, 1.0);
    return p >= 0.0 ? 1.0f : float(std::cos(-p * kHalfPi));
}

float decibelsToGain(double decibels) {
    return float(std::pow(10.0, decibels / 20.0));
}

void loadControls(TrackControls& controls, const Track& track, bool anySolo, bool fresh) {
    controls.gain.store(decibelsToGain(track.gainDb));
    controls.pan.store(float(track.pan));
    controls.mute.store(track.mute);
    controls.solo.store(track.solo);
    if (fresh) {
        const float gain = decibelsToGain(track.gainDb);
        controls.left.jump(gain * panLeft(float(track.pan)));
        controls.right.jump(gain * panRight(float(track.pan)));
        controls.audible.jump(!track.mute && (!anySolo || track.solo) ? 1.0f : 0.0f);
    }
}

void PlaybackGraph::aimTargets(bool anySolo) noexcept {
    for (TrackNode& track : tracks) {
        TrackControls& c = *track.controls;
        const float gain = c.gain.load(std::memory_order_relaxed);
        const float pan = c.pan.load(std::memory_order_relaxed);
        c.left.aim(gain * panLeft(pan), rampFrames);
        c.right.aim(gain * panRight(pan), rampFrames);
        c.audible.aim(trackAudible(c, anySolo) ? 1.0f : 0.0f, rampFrames);
    }
}

void PlaybackGraph::idle() noexcept {
    // Nothing sounds while stopped: controls take their new values at once.
    bool anySolo = false;
    for (const TrackNode& track : tracks)
        anySolo = anySolo || track.controls->solo.load(std::memory_order_relaxed);
    for (TrackNode& track : tracks) {
        TrackControls& c = *track.controls;
        const float gain = c.gain.load(std::memory_order_relaxed);
        const float pan = c.pan.load(std::memory_order_relaxed);
        c.left.jump(gain * panLeft(pan));
        c.right.jump(gain * panRight(pan));
        c.audible.jump(trackAudible(c, anySolo) ? 1.0f : 0.0f);
    }
}

bool PlaybackGraph::mixClips(const TrackNode& track, std::int64_t position, int frames) noexcept {
    float* const outLeft = busLeft_.data();
    float* const outRight = busRight_.data();
    bool any = false;
    const std::int64_t end = position + frames;
    for (const ClipNode& clip : track.clips) {
        if (clip.position >= end)
            break; // sorted by position
        const std::int64_t clipEnd = clip.position + clip.length;
        const std::int64_t from = std::max(position, clip.position);
        // Only the part of the clip that has media sounds.
        const std::int64_t mediaEnd = clip.position + (clip.mediaFrames - clip.offset);
        const std::int64_t to = std::min({end, clipEnd, mediaEnd});
        if (from >= to)
            continue;
        if (!any) {
            std::fill_n(outLeft, frames, 0.0f);
            std::fill_n(outRight, frames, 0.0f);
            any = true;
        }
        const int count = int(to - from);
        const std::int64_t k0 = from - clip.position; // frame index inside the clip
        const std::int64_t source = clip.offset + k0;
        float* dl = outLeft + (from - position);
        float* dr = outRight + (from - position);
        const float* sl = clip.left + source;
        const float* sr = clip.right != nullptr ? clip.right + source : sl;
        const bool faded = k0 < clip.fadeIn || k0 + count > clip.length - clip.fadeOut;
        if (!faded) {
            const float g = clip.gain;
            for (int i = 0; i < count; ++i) {
                dl[i] += g * sl[i];
                dr[i] += g * sr[i];
            }
        } else {
            for (int i = 0; i < count; ++i) {
                const float g = fadeGain(clip, k0 + i);
                dl[i] += g * sl[i];
                dr[i] += g * sr[i];
            }
        }
    }
    return any;
}

void PlaybackGraph::process(std::int64_t position, int frames, float* left, float* right,
                            float* const* stemLeft, float* const* stemRight) noexcept {
    const NoDenormals noDenormals;
    std::fill_n(left, frames, 0.0f);
    std::fill_n(right, frames, 0.0f);
    bool anySolo = false;
    for (const TrackNode& track : tracks)
        anySolo = anySolo || track.controls->solo.load(std::memory_order_relaxed);
    aimTargets(anySolo);

    for (std::size_t t = 0; t < tracks.size(); ++t) {
        const TrackNode& track = tracks[t];
        TrackControls& c = *track.controls;
        if (!mixClips(track, position, frames)) {
            c.left.skip(frames);
            c.right.skip(frames);
            c.audible.skip(frames);
            if (stemLeft != nullptr) {
                std::fill_n(stemLeft[t], frames, 0.0f);
                std::fill_n(stemRight[t], frames, 0.0f);
            }
            continue;
        }
        float* const bl = busLeft_.data();
        float* const br = busRight_.data();
        // Fader: gain and pan.
        if (c.left.steady() && c.right.steady()) {
            const float gl = c.left.current;
            const float gr = c.right.current;
            for (int i = 0; i < frames; ++i) {
                bl[i] *= gl;
                br[i] *= gr;
            }
        } else {
            for (int i = 0; i < frames; ++i) {
                bl[i] *= c.left.next();
                br[i] *= c.right.next();
            }
        }
        if (stemLeft != nullptr) {
            std::copy_n(bl, frames, stemLeft[t]);
            std::copy_n(br, frames, stemRight[t]);
        }
        // Mute/solo, meter, master bus.
        float peakL = 0.0f;
        float peakR = 0.0f;
        if (c.audible.steady()) {
            if (c.audible.current == 0.0f)
                continue; // silent: nothing to add or meter
            if (c.audible.current == 1.0f) {
                for (int i = 0; i < frames; ++i) {
                    left[i] += bl[i];
                    right[i] += br[i];
                    peakL = std::max(peakL, std::abs(bl[i]));
                    peakR = std::max(peakR, std::abs(br[i]));
                }
            } else {
                const float a = c.audible.current;
                for (int i = 0; i < frames; ++i) {
                    const float l = a * bl[i];
                    const float r = a * br[i];
                    left[i] += l;
                    right[i] += r;
                    peakL = std::max(peakL, std::abs(l));
                    peakR = std::max(peakR, std::abs(r));
                }
            }
        } else {
            for (int i = 0; i < frames; ++i) {
                const float a = c.audible.next();
                const float l = a * bl[i];
                const float r = a * br[i];
                left[i] += l;
                right[i] += r;
                peakL = std::max(peakL, std::abs(l));
                peakR = std::max(peakR, std::abs(r));
            }
        }
        raisePeak(c.peakLeft, peakL);
        raisePeak(c.peakRight, peakR);
    }
}

std::unique_ptr<PlaybackGraph>
buildPlaybackGraph(const Project& project,
                   const std::function<std::shared_ptr<const DecodedMedia>(const Clip&)>& mediaFor,
                   const std::function<std::shared_ptr<TrackControls>(const Track&)>& controlsFor) {
    auto graph = std::make_unique<PlaybackGraph>();
    graph->sampleRate = project.sampleRate;
    graph->rampFrames = std::max(1, int(std::lround(project.sampleRate * kRampSeconds)));
    graph->busLeft_.assign(kMaxChunkFrames, 0.0f);
    graph->busRight_.assign(kMaxChunkFrames, 0.0f);
    for (const Track& track : project.tracks) {
        TrackNode node;
        std::shared_ptr<TrackControls> controls = controlsFor(track);
        node.controls = controls.get();
        graph->controls.push_back(std::move(controls));
        for (const Clip& clip : track.clips) {
            if (clip.offline || clip.length <= 0)
                continue;
            std::shared_ptr<const DecodedMedia> media = mediaFor(clip);
            if (!media || media->channels.empty())
                continue;
            ClipNode player;
            player.left = media->channels[0].data();
            player.right = media->channels.size() > 1 ? media->channels[1].data() : nullptr;
            player.mediaFrames = media->frames;
            player.position = clip.position;
            player.offset = std::max<std::int64_t>(0, clip.offset);
            player.length = clip.length;
            player.fadeIn = std::clamp<std::int64_t>(clip.fadeIn, 0, clip.length);
            player.fadeOut = std::clamp<std::int64_t>(clip.fadeOut, 0, clip.length);
            player.gain = decibelsToGain(clip.gainDb);
            node.clips.push_back(player);
            graph->length = std::max(graph->length, clip.position + clip.length);
            if (std::find(graph->media.begin(), graph->media.end(), media) == graph->media.end())
                graph->media.push_back(std::move(media));
        }
        std::stable_sort(
            node.clips.begin(), node.clips.end(),
            [](const ClipNode& a, const ClipNode& b) { return a.position < b.position; });
        graph->tracks.push_back(std::move(node));
    }
    return graph;
}

} // namespace accord::audio::detail
