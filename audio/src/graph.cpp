#include "graph.h"

#include "reverb_bus.h"

#include "accord/dsp/no_denormals.h"

#include <pthread.h>
#include <sched.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <ctime>

namespace accord::audio::detail {
namespace {

constexpr double kHalfPi = 1.57079632679489661923;
constexpr double kRampSeconds = 0.010; // smoothing of gain, pan, mute and solo changes

bool controlsAudible(const TrackControls& controls, bool anySolo) {
    return trackSounds(controls.mute.load(std::memory_order_relaxed),
                       controls.solo.load(std::memory_order_relaxed), anySolo);
}

// gain(k) of a clip at its frame k, see graph.h.
inline float fadeGain(const ClipNode& clip, std::int64_t k) {
    return clip.gain * float(clipFadeGain(k, clip.length, clip.fadeIn, clip.fadeOut));
}

// Four floats, handled as one (GCC/Clang vector extension: SIMD where the machine has it).
using Float4 = float __attribute__((vector_size(16)));
using Int4 = std::int32_t __attribute__((vector_size(16)));

inline Float4 load4(const float* from) {
    Float4 v;
    std::memcpy(&v, from, sizeof v);
    return v;
}

inline void store4(float* to, Float4 v) {
    std::memcpy(to, &v, sizeof v);
}

// Adds a track's bus, scaled by its audibility (mute and solo: `gains` frame by frame while it
// ramps, else `steady`), to the master bus and raises `peakL`/`peakR` to the peaks of what it
// added (the track's meter). Four frames at a time, each with the same operations as one at a
// time; the peaks are kept per lane and folded at the end (the largest of a set of values does
// not depend on the order they are compared in).
inline void addToMaster(const float* bl, const float* br, float* left, float* right, int frames,
                        const float* gains, float steady, float& peakL, float& peakR) {
    const Int4 magnitude = {0x7fffffff, 0x7fffffff, 0x7fffffff, 0x7fffffff}; // |x|: no sign bit
    const Float4 constant = {steady, steady, steady, steady};
    Float4 lanesL = {};
    Float4 lanesR = {};
    const int whole = frames - frames % 4;
    for (int i = 0; i < whole; i += 4) {
        const Float4 a = gains != nullptr ? load4(gains + i) : constant;
        const Float4 l = a * load4(bl + i);
        const Float4 r = a * load4(br + i);
        store4(left + i, load4(left + i) + l);
        store4(right + i, load4(right + i) + r);
        const Float4 absL = reinterpret_cast<Float4>(reinterpret_cast<Int4>(l) & magnitude);
        const Float4 absR = reinterpret_cast<Float4>(reinterpret_cast<Int4>(r) & magnitude);
        lanesL = lanesL < absL ? absL : lanesL; // std::max(lane, |l|)
        lanesR = lanesR < absR ? absR : lanesR;
    }
    for (int i = whole; i < frames; ++i) {
        const float a = gains != nullptr ? gains[i] : steady;
        const float l = a * bl[i];
        const float r = a * br[i];
        left[i] += l;
        right[i] += r;
        peakL = std::max(peakL, std::abs(l));
        peakR = std::max(peakR, std::abs(r));
    }
    for (int k = 0; k < 4; ++k) {
        peakL = std::max(peakL, lanesL[k]);
        peakR = std::max(peakR, lanesR[k]);
    }
}

constexpr std::int64_t kRingMask = kLiveRingFrames - 1;
constexpr long kWorkerTimeoutNanoseconds = 20'000'000; // a pass even without a wake-up

cpu_set_t usableCoreSet() {
    cpu_set_t allowed;
    CPU_ZERO(&allowed);
    if (sched_getaffinity(0, sizeof allowed, &allowed) != 0)
        CPU_ZERO(&allowed);
    return allowed;
}

// Keeps `thread` on the `nth` core this process may use, when there is one.
void keepOnCore(std::thread& thread, int nth) {
    const cpu_set_t allowed = usableCoreSet();
    if (CPU_COUNT(&allowed) <= nth)
        return;
    for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu)
        if (CPU_ISSET(cpu, &allowed) && nth-- == 0) {
            cpu_set_t one;
            CPU_ZERO(&one);
            CPU_SET(cpu, &one);
            pthread_setaffinity_np(thread.native_handle(), sizeof one, &one);
            return;
        }
}

} // namespace

int usableCores() {
    const cpu_set_t allowed = usableCoreSet();
    return std::max(1, CPU_COUNT(&allowed));
}

// ---- live chains ----------------------------------------------------------------------------

LiveChain::LiveChain(std::shared_ptr<dsp::StreamProcessor> processor,
                     std::shared_ptr<dsp::StreamProcessor> standby, int reserve, int fadeFrames)
    : reserve_(std::max(0, reserve)) {
    if (!processor)
        return; // LiveTrack::dryMarker()
    processorLatency_ = std::max(0, processor->latencyFrames());
    fadeFrames_ = std::clamp(fadeFrames, 1, std::max(1, latency()));
    input_.assign(kLiveRingFrames, 0.0f);
    for (auto& candidate : {std::move(processor), std::move(standby)}) {
        // A standby that would not line up with the processor is no standby.
        if (!candidate || std::max(0, candidate->latencyFrames()) != processorLatency_)
            continue;
        Replica& replica = replicas_[std::size_t(replicaCount_++)];
        replica.processor = candidate;
        replica.output.assign(kLiveRingFrames, 0.0f);
        replica.in.assign(kLiveServeFrames, 0.0f);
        replica.out.assign(kLiveServeFrames, 0.0f);
    }
    fadeIn_.at = processorLatency_;
}

bool LiveChain::serve(int index) noexcept {
    if (index >= replicaCount_)
        return false;
    Replica& replica = replicas_[std::size_t(index)];
    const std::int64_t written = written_.load(std::memory_order_acquire);
    if (written == replica.consumed)
        return false;
    if (written - replica.consumed > kLiveRingFrames) {
        // Stalled so long that the audio thread overwrote input: skip it (its output is
        // silence), staying aligned by index.
        const std::int64_t resume = written - kLiveRingFrames;
        for (std::int64_t i = std::max(replica.consumed, resume - kLiveRingFrames); i < resume; ++i)
            replica.output[std::size_t(i & kRingMask)] = 0.0f;
        replica.consumed = resume;
        replica.skipped.store(true, std::memory_order_release);
        replica.produced.store(replica.consumed, std::memory_order_release);
    }
    while (replica.consumed < written) {
        const std::int64_t from = replica.consumed;
        const int frames = int(std::min<std::int64_t>(kLiveServeFrames, written - from));
        for (int i = 0; i < frames; ++i)
            replica.in[std::size_t(i)] = input_[std::size_t((from + i) & kRingMask)];
        std::atomic_thread_fence(std::memory_order_acquire);
        if (written_.load(std::memory_order_relaxed) - from > kLiveRingFrames) {
            std::fill(replica.in.begin(), replica.in.end(), 0.0f); // overwritten while copied
            replica.skipped.store(true, std::memory_order_release);
        }
        try {
            replica.processor->process(replica.in.data(), replica.out.data(), frames);
        } catch (...) {
            std::fill(replica.out.begin(), replica.out.end(), 0.0f);
        }
        for (int i = 0; i < frames; ++i)
            replica.output[std::size_t((from + i) & kRingMask)] = replica.out[std::size_t(i)];
        replica.consumed = from + frames;
        replica.produced.store(replica.consumed, std::memory_order_release);
    }
    return true;
}

bool LiveChain::caughtUp(int frames) const noexcept {
    const std::int64_t needed = readIndex() + frames;
    bool faithfulLeft = false;
    for (int r = 0; r < replicaCount_; ++r) {
        const Replica& replica = replicas_[std::size_t(r)];
        if (replica.skipped.load(std::memory_order_acquire))
            continue;
        faithfulLeft = true;
        if (replica.produced.load(std::memory_order_acquire) >= needed)
            return true;
    }
    // Every replica skipped (a real-time stall before): the first that has it is all there is.
    if (!faithfulLeft)
        for (int r = 0; r < replicaCount_; ++r)
            if (replicas_[std::size_t(r)].produced.load(std::memory_order_acquire) >= needed)
                return true;
    return replicaCount_ == 0;
}

void LiveChain::restart() noexcept {
    const std::int64_t now = readIndex();
    fadeOut_ = Fade{now, gainAt(now), 0.0f};
    fadeIn_ = Fade{leaving_ ? kNever : writeIndex_ + processorLatency_, 0.0f, 1.0f};
    started_ = true;
}

void LiveChain::push(const float* input, int frames, std::int64_t nextFeedPosition) noexcept {
    for (int i = 0; i < frames; ++i)
        input_[std::size_t((writeIndex_ + i) & kRingMask)] = input[i];
    written_.store(writeIndex_ + frames, std::memory_order_release);
    feedNext_ = nextFeedPosition;
}

bool LiveChain::read(float* wet, int frames, LiveStats& stats) noexcept {
    // Replicas in the order asked: those that never skipped input first (they hold the same
    // samples), then those that did (better than silence in real time).
    std::array<int, kLiveReplicas> order{};
    std::array<std::int64_t, kLiveReplicas> produced{};
    int asked = 0;
    for (const bool skipped : {false, true})
        for (int r = 0; r < replicaCount_; ++r) {
            const Replica& replica = replicas_[std::size_t(r)];
            if (replica.skipped.load(std::memory_order_acquire) != skipped)
                continue;
            order[std::size_t(asked)] = r;
            produced[std::size_t(asked++)] = replica.produced.load(std::memory_order_acquire);
        }
    const std::int64_t first = readIndex();
    bool sounding = false;
    std::uint64_t missing = 0;
    for (int i = 0; i < frames; ++i) {
        const std::int64_t index = first + i;
        const float gain = gainAt(index);
        if (gain == 0.0f)
            continue;
        sounding = true;
        if (index < 0)
            continue; // before the stream: silence
        int from = 0;
        while (from < asked && index >= produced[std::size_t(from)])
            ++from;
        if (from == asked) {
            ++missing; // every worker is late: silence, and the frame is skipped when it comes
            continue;
        }
        const Replica& replica = replicas_[std::size_t(order[std::size_t(from)])];
        wet[i] += gain * replica.output[std::size_t(index & kRingMask)];
    }
    if (missing > 0) {
        stats.underruns.fetch_add(1, std::memory_order_relaxed);
        stats.underrunFrames.fetch_add(missing, std::memory_order_relaxed);
    }
    writeIndex_ += frames;
    return sounding;
}

void LiveChain::leave(int delay) noexcept {
    const std::int64_t now = readIndex();
    fadeOut_ = Fade{now + delay, gainAt(now), 0.0f};
    fadeIn_.at = kNever;
    leaving_ = true;
}

LiveWorker::LiveWorker(int lanes) : laneCount_(std::clamp(lanes, 1, kLiveReplicas)) {
    for (int index = 0; index < laneCount_; ++index) {
        Lane& lane = lanes_[std::size_t(index)];
        sem_init(&lane.wake, 0, 0);
        lane.thread = std::thread([this, index] { run(index); });
        // Below the audio thread (the offline clock asks for min + 10), above everything else,
        // when the system allows it.
        sched_param priority{};
        priority.sched_priority = std::max(1, sched_get_priority_min(SCHED_FIFO) + 5);
        pthread_setschedparam(lane.thread.native_handle(), SCHED_FIFO, &priority);
        // With a standby, each lane on its own core: a stall of one core stalls one lane.
        if (laneCount_ > 1)
            keepOnCore(lane.thread, index);
    }
}

LiveWorker::~LiveWorker() {
    running_ = false;
    for (int index = 0; index < laneCount_; ++index) {
        Lane& lane = lanes_[std::size_t(index)];
        sem_post(&lane.wake);
        lane.thread.join();
        sem_destroy(&lane.wake);
    }
}

void LiveWorker::add(LiveChain* chain) {
    for (int index = 0; index < laneCount_; ++index) {
        Lane& lane = lanes_[std::size_t(index)];
        const std::lock_guard<std::mutex> lock(lane.mutex);
        lane.chains.push_back(chain);
    }
}

void LiveWorker::remove(LiveChain* chain) {
    for (int index = 0; index < laneCount_; ++index) {
        Lane& lane = lanes_[std::size_t(index)];
        const std::lock_guard<std::mutex> lock(lane.mutex);
        lane.chains.erase(std::remove(lane.chains.begin(), lane.chains.end(), chain),
                          lane.chains.end());
    }
}

void LiveWorker::run(int index) {
    const dsp::NoDenormals noDenormals; // as the graph runs: the same results inline and here
    Lane& lane = lanes_[std::size_t(index)];
    while (running_.load()) {
        timespec deadline{};
        clock_gettime(CLOCK_REALTIME, &deadline);
        deadline.tv_nsec += kWorkerTimeoutNanoseconds;
        if (deadline.tv_nsec >= 1'000'000'000) {
            deadline.tv_sec += 1;
            deadline.tv_nsec -= 1'000'000'000;
        }
        sem_timedwait(&lane.wake, &deadline);
        const std::lock_guard<std::mutex> lock(lane.mutex);
        for (bool busy = true; busy && running_.load();) {
            busy = false;
            for (LiveChain* chain : lane.chains)
                busy = chain->serve(index) || busy;
        }
    }
}

std::unique_ptr<LiveChain> makeLiveChain(std::shared_ptr<dsp::StreamProcessor> processor,
                                         const LiveWorker& worker, int sampleRate, int blockSize) {
    processor->prepare(sampleRate, kLiveServeFrames);
    std::shared_ptr<dsp::StreamProcessor> standby =
        worker.lanes() > 1 ? processor->clone() : nullptr;
    if (standby)
        standby->prepare(sampleRate, kLiveServeFrames);
    return std::make_unique<LiveChain>(
        std::move(processor), std::move(standby), liveReserve(blockSize, sampleRate),
        std::max(1, int(std::lround(sampleRate * kLiveFadeSeconds))));
}

std::shared_ptr<LiveWorker> sharedLiveWorker() {
    static std::mutex mutex;
    static std::weak_ptr<LiveWorker> shared;
    const std::lock_guard<std::mutex> lock(mutex);
    std::shared_ptr<LiveWorker> worker = shared.lock();
    if (!worker) {
        // A standby lane needs a second core.
        worker = std::make_shared<LiveWorker>(usableCores() >= 2 ? kLiveReplicas : 1);
        shared = worker;
    }
    return worker;
}

LiveChain* LiveTrack::dryMarker() {
    static LiveChain marker(nullptr, nullptr, 0, 1);
    return &marker;
}

void LiveTrack::publish(LiveChain* chain) {
    if (chain != dryMarker() && worker)
        worker->add(chain);
    LiveChain* unseen = pending.exchange(chain, std::memory_order_acq_rel);
    if (unseen != nullptr && unseen != dryMarker()) {
        if (worker)
            worker->remove(unseen);
        delete unseen;
    }
}

LiveTrack::~LiveTrack() {
    for (LiveChain* chain : {pending.load(), active, leaving})
        if (chain != nullptr && chain != dryMarker()) {
            if (worker)
                worker->remove(chain);
            delete chain;
        }
}

// ---- the graph --------------------------------------------------------------------------------

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

float sendGainOf(const std::optional<double>& sendDb) {
    return sendDb ? decibelsToGain(*sendDb) : 0.0f;
}

void loadMaster(MasterControls& master, const Project& project, bool fresh) {
    master.gain.store(decibelsToGain(project.masterGainDb));
    if (fresh)
        master.ramp.jump(master.gain.load());
}

void loadControls(TrackControls& controls, const Track& track, bool anySolo, bool fresh,
                  int sampleRate) {
    controls.gain.store(decibelsToGain(track.gainDb));
    controls.pan.store(float(track.pan));
    controls.mute.store(track.mute);
    controls.solo.store(track.solo);
    controls.sendGain.store(sendGainOf(track.reverbSendDb));
    if (controls.eq)
        controls.eq->publish(eqTargets(track.eq, sampleRate), sampleRate);
    else
        controls.eq = std::make_unique<TrackEqNode>(eqTargets(track.eq, sampleRate), sampleRate);
    if (fresh) {
        controls.send.jump(sendGainOf(track.reverbSendDb));
        const float gain = decibelsToGain(track.gainDb);
        controls.left.jump(gain * panLeft(float(track.pan)));
        controls.right.jump(gain * panRight(float(track.pan)));
        controls.audible.jump(trackSounds(track.mute, track.solo, anySolo) ? 1.0f : 0.0f);
    }
}

void PlaybackGraph::aimTargets(bool anySolo) noexcept {
    for (TrackNode& track : tracks) {
        TrackControls& c = *track.controls;
        const float gain = c.gain.load(std::memory_order_relaxed);
        const float pan = c.pan.load(std::memory_order_relaxed);
        c.left.aim(gain * panLeft(pan), rampFrames);
        c.right.aim(gain * panRight(pan), rampFrames);
        c.audible.aim(controlsAudible(c, anySolo) ? 1.0f : 0.0f, rampFrames);
        c.send.aim(c.sendGain.load(std::memory_order_relaxed), rampFrames);
    }
    master->ramp.aim(master->gain.load(std::memory_order_relaxed), rampFrames);
}

bool PlaybackGraph::anySolo() const noexcept {
    return std::any_of(tracks.begin(), tracks.end(), [](const TrackNode& track) {
        return track.controls->solo.load(std::memory_order_relaxed);
    });
}

void PlaybackGraph::idle() noexcept {
    // Nothing sounds while stopped: controls take their new values at once.
    const bool anySolo = this->anySolo();
    for (TrackNode& track : tracks) {
        TrackControls& c = *track.controls;
        const float gain = c.gain.load(std::memory_order_relaxed);
        const float pan = c.pan.load(std::memory_order_relaxed);
        c.left.jump(gain * panLeft(pan));
        c.right.jump(gain * panRight(pan));
        c.audible.jump(controlsAudible(c, anySolo) ? 1.0f : 0.0f);
        c.send.jump(c.sendGain.load(std::memory_order_relaxed));
        c.eq->jump();
    }
    master->ramp.jump(master->gain.load(std::memory_order_relaxed));
    if (reverb)
        reverb->jump();
}

void PlaybackGraph::restart() noexcept {
    if (limiter != nullptr) {
        limiter->running = limiter->on.load(std::memory_order_relaxed);
        limiter->limiter.reset();
    }
}

void PlaybackGraph::runLimiter(float* left, float* right, int frames) noexcept {
    MasterLimiterNode& node = *limiter;
    const bool on = node.on.load(std::memory_order_relaxed);
    if (on != node.running) {
        node.running = on;
        node.limiter.reset(); // switched on: nothing from before it in the look-ahead
    }
    if (!on)
        return;
    const float ceiling = node.ceilingDbtp.load(std::memory_order_relaxed);
    if (ceiling != node.applied) {
        node.applied = ceiling;
        node.limiter.setCeiling(ceiling);
    }
    // In place: the limiter reads each input frame before it writes that output frame.
    node.limiter.process(left, right, frames, left, right);
}

bool PlaybackGraph::feedSend(TrackControls& c, const float* bl, const float* br, int frames,
                             const float* audible, float steadyAudible) noexcept {
    if (reverb == nullptr || (c.send.steady() && c.send.current == 0.0f)) {
        c.send.skip(frames);
        return false;
    }
    float* const sl = sendLeft_.data();
    float* const sr = sendRight_.data();
    for (int i = 0; i < frames; ++i) {
        const float level = c.send.next() * (audible != nullptr ? audible[i] : steadyAudible);
        sl[i] += level * bl[i];
        sr[i] += level * br[i];
    }
    return true;
}

bool PlaybackGraph::mixClips(const TrackNode& track, std::int64_t position, int frames,
                             float* outLeft, float* outRight) noexcept {
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

void PlaybackGraph::feedChain(const TrackNode& track, LiveChain& chain, std::int64_t position,
                              int frames, const LoopSpan& loop) noexcept {
    // The input `latency` frames ahead of the playhead, following the loop as playback will.
    const bool looping = loop.on && loop.start < loop.end && position < loop.end;
    std::int64_t at = position + chain.latency();
    if (looping && at >= loop.end)
        at = loop.start + (at - loop.end) % (loop.end - loop.start);
    if (!chain.continues(at))
        chain.restart();
    float* const mono = feedMono_.data();
    for (int done = 0; done < frames;) {
        int count = frames - done;
        if (looping && at < loop.end)
            count = int(std::min<std::int64_t>(count, loop.end - at));
        if (mixClips(track, at, count, feedLeft_.data(), feedRight_.data())) {
            for (int i = 0; i < count; ++i)
                mono[done + i] = 0.5f * (feedLeft_[std::size_t(i)] + feedRight_[std::size_t(i)]);
        } else {
            std::fill_n(mono + done, count, 0.0f);
        }
        at += count;
        done += count;
        if (looping && at == loop.end)
            at = loop.start;
    }
    chain.push(mono, frames, at);
    if (track.live->inlineServe)
        chain.serve(0); // a render: no worker, the same code inline
}

bool PlaybackGraph::processLive(const TrackNode& track, std::int64_t position, int frames,
                                const LoopSpan& loop, bool dryAny) noexcept {
    LiveTrack& live = *track.live;
    float* const bl = busLeft_.data();
    float* const br = busRight_.data();
    const bool jump = live.expected != position;
    const bool looping = loop.on && loop.start < loop.end && position < loop.end;
    live.expected = looping && position + frames == loop.end ? loop.start : position + frames;

    // A new processor (or none) takes over once the old one has faded out completely.
    if (live.leaving == nullptr && live.pending.load(std::memory_order_relaxed) != nullptr) {
        if (LiveChain* next = live.pending.exchange(nullptr, std::memory_order_acq_rel)) {
            LiveChain* incoming = next == LiveTrack::dryMarker() ? nullptr : next;
            // Playing on: the old output (or the dry track) stays until the new one's first
            // output, then they crossfade. After a jump nothing old is worth hearing.
            const int handover = jump || incoming == nullptr ? 0 : incoming->latency();
            if (live.active != nullptr) {
                live.leaving = live.active;
                live.leaving->leave(handover);
            }
            const float dryNow = jump ? 0.0f : live.dry.gain(live.clock, fadeFrames);
            live.dry = Fade{live.clock + handover, dryNow, incoming == nullptr ? 1.0f : 0.0f};
            live.active = incoming;
        }
    }

    // The dry clips, faded.
    bool any = false;
    if (dryAny) {
        const Fade& dry = live.dry;
        const bool before = live.clock + frames <= dry.at;
        const bool after = live.clock >= dry.at + fadeFrames;
        if (before || after) {
            const float gain = before ? dry.from : dry.to;
            any = gain != 0.0f;
            if (any && gain != 1.0f)
                for (int i = 0; i < frames; ++i) {
                    bl[i] *= gain;
                    br[i] *= gain;
                }
        } else {
            any = true;
            for (int i = 0; i < frames; ++i) {
                const float gain = dry.gain(live.clock + i, fadeFrames);
                bl[i] *= gain;
                br[i] *= gain;
            }
        }
    }
    live.clock += frames;

    // The processors' output, mono on both sides.
    if (live.active == nullptr && live.leaving == nullptr)
        return any;
    float* const wet = wet_.data();
    std::fill_n(wet, frames, 0.0f);
    bool wetAny = false;
    for (LiveChain* chain : {live.active, live.leaving})
        if (chain != nullptr) {
            feedChain(track, *chain, position, frames, loop);
            wetAny = chain->read(wet, frames, *live.stats) || wetAny;
        }
    if (live.leaving != nullptr && live.leaving->gone() && live.retired != nullptr &&
        live.retired->hasSpace()) {
        live.retired->push(live.leaving);
        live.leaving = nullptr;
    }
    if (!wetAny)
        return any;
    if (!any) {
        std::fill_n(bl, frames, 0.0f);
        std::fill_n(br, frames, 0.0f);
    }
    for (int i = 0; i < frames; ++i) {
        bl[i] += wet[i];
        br[i] += wet[i];
    }
    return true;
}

void PlaybackGraph::process(std::int64_t position, int frames, float* left, float* right,
                            float* const* stemLeft, float* const* stemRight,
                            const LoopSpan& loop) noexcept {
    const dsp::NoDenormals noDenormals;
    std::fill_n(left, frames, 0.0f);
    std::fill_n(right, frames, 0.0f);
    if (reverb) {
        std::fill_n(sendLeft_.data(), frames, 0.0f);
        std::fill_n(sendRight_.data(), frames, 0.0f);
    }
    bool sent = false;
    const bool anySolo = this->anySolo();
    aimTargets(anySolo);

    for (std::size_t t = 0; t < tracks.size(); ++t) {
        const TrackNode& track = tracks[t];
        TrackControls& c = *track.controls;
        bool any = mixClips(track, position, frames, busLeft_.data(), busRight_.data());
        if (track.live != nullptr)
            any = processLive(track, position, frames, loop, any);
        // EQ: the track's insert, before the fader (a ringing filter sounds on in silence).
        any = c.eq->process(busLeft_.data(), busRight_.data(), frames, !any, rampFrames);
        if (!any) {
            c.left.skip(frames);
            c.right.skip(frames);
            c.audible.skip(frames);
            c.send.skip(frames);
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
        // Mute/solo, meter, master bus; the send after them.
        float peakL = 0.0f;
        float peakR = 0.0f;
        if (!c.audible.steady()) {
            float* const gains = audibleGains_.data();
            for (int i = 0; i < frames; ++i)
                gains[i] = c.audible.next();
            addToMaster(bl, br, left, right, frames, gains, 0.0f, peakL, peakR);
            sent = feedSend(c, bl, br, frames, gains, 0.0f) || sent;
        } else if (c.audible.current == 0.0f) {
            c.send.skip(frames);
            continue; // silent: nothing to add, send or meter
        } else {
            addToMaster(bl, br, left, right, frames, nullptr, c.audible.current, peakL, peakR);
            sent = feedSend(c, bl, br, frames, nullptr, c.audible.current) || sent;
        }
        raisePeak(c.peakLeft, peakL);
        raisePeak(c.peakRight, peakR);
    }

    // The reverb return (it rings on after the sends stop), then the master fader.
    if (reverb && (sent || !reverb->dormant())) {
        reverb->process(sendLeft_.data(), sendRight_.data(), frames, rampFrames);
        for (int i = 0; i < frames; ++i) {
            left[i] += sendLeft_[std::size_t(i)];
            right[i] += sendRight_[std::size_t(i)];
        }
    }
    Ramp& fader = master->ramp;
    if (!fader.steady()) {
        for (int i = 0; i < frames; ++i) {
            const float gain = fader.next();
            left[i] *= gain;
            right[i] *= gain;
        }
    } else if (fader.current != 1.0f) {
        for (int i = 0; i < frames; ++i) {
            left[i] *= fader.current;
            right[i] *= fader.current;
        }
    }
    if (limiter)
        runLimiter(left, right, frames);
}

std::unique_ptr<PlaybackGraph>
buildPlaybackGraph(const Project& project,
                   const std::function<std::shared_ptr<const DecodedMedia>(const Clip&)>& mediaFor,
                   const std::function<std::shared_ptr<TrackControls>(const Track&)>& controlsFor,
                   const std::function<std::shared_ptr<LiveTrack>(const Track&)>& liveFor,
                   std::shared_ptr<MasterControls> master, std::shared_ptr<ReverbBusNode> reverb,
                   std::shared_ptr<MasterLimiterNode> limiter) {
    auto graph = std::make_unique<PlaybackGraph>();
    if (!master) {
        master = std::make_shared<MasterControls>();
        loadMaster(*master, project, true);
    }
    graph->master = std::move(master);
    const bool anySend = std::any_of(project.tracks.begin(), project.tracks.end(),
                                     [](const Track& t) { return t.reverbSendDb.has_value(); });
    if (!reverb && anySend)
        reverb = std::make_shared<ReverbBusNode>(project.reverb, project.sampleRate);
    graph->reverb = std::move(reverb);
    if (!limiter && project.limiter.on)
        limiter = std::make_shared<MasterLimiterNode>(project.limiter, project.sampleRate);
    graph->limiter = std::move(limiter);
    if (graph->reverb) {
        graph->sendLeft_.assign(kMaxChunkFrames, 0.0f);
        graph->sendRight_.assign(kMaxChunkFrames, 0.0f);
    }
    graph->sampleRate = project.sampleRate;
    graph->rampFrames = std::max(1, int(std::lround(project.sampleRate * kRampSeconds)));
    graph->fadeFrames = std::max(1, int(std::lround(project.sampleRate * kLiveFadeSeconds)));
    graph->busLeft_.assign(kMaxChunkFrames, 0.0f);
    graph->busRight_.assign(kMaxChunkFrames, 0.0f);
    graph->audibleGains_.assign(kMaxChunkFrames, 0.0f);
    for (const Track& track : project.tracks) {
        TrackNode node;
        std::shared_ptr<TrackControls> controls = controlsFor(track);
        node.controls = controls.get();
        graph->controls.push_back(std::move(controls));
        if (std::shared_ptr<LiveTrack> live = liveFor ? liveFor(track) : nullptr) {
            node.live = live.get();
            graph->liveTracks.push_back(std::move(live));
        }
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
    if (!graph->liveTracks.empty())
        for (auto* buffer :
             {&graph->feedLeft_, &graph->feedRight_, &graph->feedMono_, &graph->wet_})
            buffer->assign(kMaxChunkFrames, 0.0f);
    return graph;
}

} // namespace accord::audio::detail
