#pragma once

// The compiled playback graph (Tracktion's EditNodeBuilder idea): a pure function turns an
// immutable project snapshot into flat, preallocated nodes the audio thread runs without
// locking or allocating. Shared by Engine (real time) and renderProject (offline), so a render
// is sample-for-sample what playback produces.
//
// Per track: clip players (position, source offset, length, clip gain, linear fades) sum into
// a stereo track bus -> EQ (track_eq.h) -> fader (gain and pan) -> mute/solo -> meter -> master
// bus, and from after mute/solo through the send level -> reverb bus (reverb_bus.h), whose
// return joins the master bus -> master fader -> master limiter (when on) -> out. Neither effect
// adds latency; the limiter delays the whole mix by its look-ahead, latency() frames: the mix
// that comes out of process() at `position` is the timeline's at position - latency() (Engine
// moves the playhead back by it, a render runs it that far ahead; docs/ARCHITECTURE.md "Master
// limiter").
//
// Pan law: balance with a sine/cosine curve, 0 dB at the centre: pan p in [-1, 1] gives
// left = (p <= 0 ? 1 : cos(p * pi/2)), right = (p >= 0 ? 1 : cos(-p * pi/2)); hard left
// silences the right side. A mono clip feeds both sides of its track equally, so a centred
// track plays every clip at unity and the mix of centred tracks is their plain sum.
//
// Fades are linear in amplitude: with k the frame index inside the clip (0 .. length-1),
// gain(k) = clipGain * (k < fadeIn ? k / fadeIn : 1) * (k >= length - fadeOut ?
// (length - k) / fadeOut : 1). Media shorter than offset + length is silent past its end.
//
// Audible: a track sounds when it is not muted and either no track is soloed or it is
// soloed (mute wins over solo). Gain, pan, mute and solo come from atomics; a change while
// playing ramps linearly over 10 ms (no zipper noise), a change while stopped applies at once;
// with no change the values are applied exactly.
//
// Live tracks (a StreamProcessor, e.g. a voice model): the track's clip mix (mono: the mean of
// its sides) is fed to the processor `latency` frames ahead of the playhead (following the loop
// when it wraps), so the processor's output, added to the track bus before the fader, lines up
// with the other tracks: latency = the processor's own + `reserve` frames of output kept in hand
// so its worker has time to catch up (liveReserve). The processor runs on a worker thread or
// inline (renderProject); both sides meet in fixed-size lock-free rings addressed by absolute
// frame index (LiveChain), so a late worker costs silence (counted), never alignment. In the
// engine a clone of the processor (StreamProcessor::clone) runs as a standby on a second worker
// with its own output ring, and each frame plays from whichever replica has it: both compute
// the same samples, so a stall of one worker's core (bench_live_voice: hops of 4-20 ms on a
// virtual machine whose host holds a core now and then) is covered by the other without a
// dropout or a seam.
// After a jump (seek, start, loop change) the old stream's output fades out over
// kLiveFadeSeconds, the track is silent until the new stream's first real output, `latency`
// frames later, which fades in likewise. A new processor (or none) takes over with a crossfade
// once its first output is ready; the old chain is retired to the message thread to be freed.

#include "track_eq.h"
#include "true_peak_limiter.h"

#include "accord/audio/media.h"
#include "accord/core/project.h"
#include "accord/dsp/stream_processor.h"
#include "metronome.h"

#include <semaphore.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace accord::audio::detail {

constexpr int kMaxChunkFrames = 1024; // the graph renders at most this many frames per call

// A linear parameter ramp, advanced only by the thread that runs the graph.
struct Ramp {
    float current = 1.0f;
    float target = 1.0f;
    float step = 0.0f;
    int remaining = 0;
    void jump(float value) {
        current = target = value;
        step = 0.0f;
        remaining = 0;
    }
    void aim(float value, int frames) {
        if (value == target)
            return;
        target = value;
        remaining = frames;
        step = (target - current) / float(frames);
    }
    bool steady() const { return remaining == 0; }
    float next() {
        if (remaining == 0)
            return current;
        if (--remaining == 0)
            current = target;
        else
            current += step;
        return current;
    }
    void skip(int frames) {
        if (remaining == 0)
            return;
        if (frames >= remaining) {
            current = target;
            remaining = 0;
        } else {
            current += step * float(frames);
            remaining -= frames;
        }
    }
};

static_assert(std::atomic<float>::is_always_lock_free, "meters and controls need lock-free float");

// One track's controls: written by the message thread, read by the audio thread; meters the
// other way round. Survives graph rebuilds (keyed by track id in Engine).
struct TrackControls {
    std::atomic<float> gain{1.0f}; // linear
    std::atomic<float> pan{0.0f};
    std::atomic<bool> mute{false};
    std::atomic<bool> solo{false};
    std::atomic<float> sendGain{0.0f}; // linear; 0: no send
    std::atomic<bool> monitor{false};  // the input heard through the track (recorder.h)
    std::atomic<float> peakLeft{0.0f}; // since the last read (the reader resets them)
    std::atomic<float> peakRight{0.0f};
    std::unique_ptr<TrackEqNode> eq; // set by loadControls
    // Smoothing state, used only by the thread running the graph; set before first publication.
    Ramp left, right, audible, send;
    Ramp monitorLevel{0.0f, 0.0f}; // the audio thread's, ramped by InputRouting::monitor
};

// The master fader, like a track's: the message thread writes, the graph's thread smooths.
// Survives graph rebuilds (Engine keeps one).
struct MasterControls {
    std::atomic<float> gain{1.0f}; // linear
    Ramp ramp;
};

// The master limiter: the message thread says whether it runs and at which ceiling, the graph's
// thread runs it (and starts it afresh when it is switched on). Survives graph rebuilds (Engine
// keeps one), so a rebuild never cuts what is in its look-ahead.
struct MasterLimiterNode {
    // `gainDb` comes before the limiting: an export's loudness target, 0 dB in playback.
    MasterLimiterNode(const MasterLimiter& settings, int sampleRate, double gainDb = 0.0)
        : on(settings.on), ceilingDbtp(float(settings.ceilingDbtp)),
          limiter(sampleRate, gainDb, settings.ceilingDbtp), applied(float(settings.ceilingDbtp)) {}
    void set(const MasterLimiter& settings) {
        ceilingDbtp.store(float(settings.ceilingDbtp));
        on.store(settings.on);
    }
    std::atomic<bool> on;
    std::atomic<float> ceilingDbtp;
    // The graph's thread only.
    TruePeakLimiter limiter;
    float applied; // the ceiling the limiter has
    bool running = false;
};

class ReverbBusNode; // reverb_bus.h

// Raises `peak` to `value` (lock-free; the reader resets it with exchange(0)).
inline void raisePeak(std::atomic<float>& peak, float value) {
    float seen = peak.load(std::memory_order_relaxed);
    while (value > seen && !peak.compare_exchange_weak(seen, value, std::memory_order_relaxed)) {
    }
}

// Pointers one thread hands to another to free: single producer, single consumer, fixed size,
// lock-free (the audio thread retires, the message thread frees).
template <typename T> class RetireQueue {
public:
    bool hasSpace() const {
        const std::size_t head = head_.load(std::memory_order_relaxed);
        return head - tail_.load(std::memory_order_acquire) < kSize;
    }
    // Producer; call only after hasSpace() returned true.
    void push(T* item) {
        const std::size_t head = head_.load(std::memory_order_relaxed);
        slots_[head % kSize] = item;
        head_.store(head + 1, std::memory_order_release);
    }
    // Consumer.
    T* pop() {
        const std::size_t tail = tail_.load(std::memory_order_relaxed);
        if (tail == head_.load(std::memory_order_acquire))
            return nullptr;
        T* item = slots_[tail % kSize];
        tail_.store(tail + 1, std::memory_order_release);
        return item;
    }

private:
    static constexpr std::size_t kSize = 64;
    std::array<T*, kSize> slots_{};
    std::atomic<std::size_t> head_{0};
    std::atomic<std::size_t> tail_{0};
};

// Live processing (see the top of this file).
constexpr int kLiveRingFrames = 1 << 15; // per ring: 0.68 s at 48 kHz, far more than any reserve
constexpr int kLiveServeFrames = 256;    // frames per dsp::StreamProcessor::process call
constexpr double kLiveFadeSeconds = 0.005;
constexpr int kLiveReplicas = 2; // a processor and its standby clone
int usableCores();               // the cores this process may run on
// The output a live track holds in reserve: a whole block (the worker can only start on a block
// once the audio thread has pushed it) and at least 8 ms, so a worker rides out the scheduling
// delays of a busy system; longer stalls of a whole core are the standby's to cover.
constexpr double kLiveSlackSeconds = 0.008;
inline int liveReserve(int blockSize, int sampleRate) {
    return std::max(blockSize, int(kLiveSlackSeconds * sampleRate + 0.5));
}
constexpr std::int64_t kNever = std::numeric_limits<std::int64_t>::max();

// A linear move from `from` to `to` over `frames` frames from index `at`.
struct Fade {
    std::int64_t at = 0;
    float from = 0.0f;
    float to = 0.0f;
    float gain(std::int64_t index, int frames) const {
        if (index <= at)
            return from;
        if (index >= at + frames)
            return to;
        return from + (to - from) * float(double(index - at) / frames);
    }
};

struct LiveStats {
    std::atomic<std::uint64_t> underruns{0};      // blocks with some output missing
    std::atomic<std::uint64_t> underrunFrames{0}; // output frames missing (played as silence)
};

// One processor (and its standby, if any) and their rings. The input ring holds the mono input
// by absolute frame index (written by the audio thread, read by every replica), each replica's
// output ring its output frame i at index i (written by its worker); `written` and each
// `produced` publish how far they got.
class LiveChain {
public:
    // Message thread: `processor` and `standby` (its clone, or null) already prepared at the
    // project rate.
    LiveChain(std::shared_ptr<dsp::StreamProcessor> processor,
              std::shared_ptr<dsp::StreamProcessor> standby, int reserve, int fadeFrames);
    LiveChain(const LiveChain&) = delete;
    LiveChain& operator=(const LiveChain&) = delete;

    int latency() const { return processorLatency_ + reserve_; }

    // Replica `replica`'s worker (0: the processor, 1: the standby), or the render thread (0):
    // processes all input waiting for that replica. Returns whether it did any.
    bool serve(int replica) noexcept;

    // Thread running the graph, per block: restart() when the input does not continue from the
    // last block (a jump), push() the block's input (`nextFeedPosition`: the timeline position
    // after it), then read() adds gain x output for the block to `wet` and returns whether any
    // gain was > 0.
    bool continues(std::int64_t feedPosition) const {
        return started_ && feedNext_ == feedPosition;
    }
    // After push(): whether a replica that never skipped input has the output the next read() of
    // `frames` plays (a stream that may wait for it rather than play silence: LiveStream offline,
    // which then plays exactly what a worker that keeps up plays).
    bool caughtUp(int frames) const noexcept;
    void restart() noexcept;
    void push(const float* input, int frames, std::int64_t nextFeedPosition) noexcept;
    bool read(float* wet, int frames, LiveStats& stats) noexcept;
    // Fades out `delay` frames from now and never comes back.
    void leave(int delay) noexcept;
    bool gone() const { return leaving_ && readIndex() >= fadeOut_.at + fadeFrames_; }

private:
    std::int64_t readIndex() const { return writeIndex_ - reserve_; }
    float gainAt(std::int64_t index) const {
        return index < fadeIn_.at ? fadeOut_.gain(index, fadeFrames_)
                                  : fadeIn_.gain(index, fadeFrames_);
    }

    struct Replica {
        std::shared_ptr<dsp::StreamProcessor> processor;
        std::vector<float> output;
        std::atomic<std::int64_t> produced{0};
        // Set once its worker skipped input it was too late for: its state, and so its samples,
        // no longer match the other replica's. It then plays only what no faithful one has.
        std::atomic<bool> skipped{false};
        // Its worker's.
        std::int64_t consumed = 0;
        std::vector<float> in, out;
    };

    int processorLatency_ = 0;
    int reserve_ = 0;
    int fadeFrames_ = 1;
    std::vector<float> input_;
    std::atomic<std::int64_t> written_{0};
    std::array<Replica, kLiveReplicas> replicas_;
    int replicaCount_ = 0;
    // Thread running the graph.
    std::int64_t writeIndex_ = 0; // input frames pushed before the current block
    std::int64_t feedNext_ = 0;   // timeline position of the next input frame
    bool started_ = false;
    bool leaving_ = false;
    Fade fadeOut_{0, 0.0f, 0.0f};
    Fade fadeIn_{0, 0.0f, 1.0f};
};

// The engine's inference workers: one thread per lane, lane r serving replica r of every live
// chain whenever the audio thread signals (sem_post: no lock, no allocation) and on a short
// timeout. Each lane has its own lock and list, so a stalled lane never holds up the other.
class LiveWorker {
public:
    // `lanes`: 1, or kLiveReplicas to run standbys (each lane then kept to its own core).
    explicit LiveWorker(int lanes);
    ~LiveWorker();
    LiveWorker(const LiveWorker&) = delete;
    LiveWorker& operator=(const LiveWorker&) = delete;
    int lanes() const { return laneCount_; }
    // Message thread.
    void add(LiveChain* chain);
    void remove(LiveChain* chain); // waits for passes in progress; the chain may then be freed
    // Audio thread.
    void wake() noexcept {
        for (int lane = 0; lane < laneCount_; ++lane)
            sem_post(&lanes_[std::size_t(lane)].wake);
    }

private:
    struct Lane {
        sem_t wake;
        std::mutex mutex; // between this lane's thread and the message thread only
        std::vector<LiveChain*> chains;
        std::thread thread;
    };
    void run(int lane);
    int laneCount_;
    std::array<Lane, kLiveReplicas> lanes_;
    std::atomic<bool> running_{true};
};

// A chain for `processor` (prepared here at `sampleRate`, with a standby clone when `worker` has
// two lanes) holding `liveReserve(blockSize, sampleRate)` frames in reserve. Message thread.
std::unique_ptr<LiveChain> makeLiveChain(std::shared_ptr<dsp::StreamProcessor> processor,
                                         const LiveWorker& worker, int sampleRate, int blockSize);
// The process's inference worker, shared by every chain not in an engine (LiveStream): started
// with the first one, with a standby lane when the process may use two cores. Message thread.
std::shared_ptr<LiveWorker> sharedLiveWorker();

// A track's live state; survives graph rebuilds (keyed by track id in Engine). Owns its chains:
// freed with it on the message thread when no graph uses it any more.
struct LiveTrack {
    explicit LiveTrack(bool serveInline) : inlineServe(serveInline) {}
    const bool inlineServe;                    // a render: no worker, chains served in process()
    std::shared_ptr<LiveWorker> worker;        // message thread only; null when inline
    RetireQueue<LiveChain>* retired = nullptr; // where the audio thread hands chains back
    LiveStats* stats = nullptr;
    std::atomic<LiveChain*> pending{nullptr}; // published by the message thread
    static LiveChain* dryMarker();            // `pending` value: remove the processor

    // Message thread.
    std::shared_ptr<dsp::StreamProcessor> processor;
    int latency = 0;
    void publish(LiveChain* chain); // a new chain, or dryMarker()
    ~LiveTrack();

    // Thread running the graph.
    LiveChain* active = nullptr; // null: dry
    LiveChain* leaving = nullptr;
    Fade dry{0, 1.0f, 1.0f};
    std::int64_t clock = 0;     // frames played, time base of `dry`
    std::int64_t expected = -1; // timeline position the next block continues from
};

// Where the graph's loop is (Engine passes it while playing; a render has none).
struct LoopSpan {
    bool on = false;
    std::int64_t start = 0;
    std::int64_t end = 0;
};

float panLeft(float pan);
float panRight(float pan);
float decibelsToGain(double decibels);

struct ClipNode {
    const float* left = nullptr;
    const float* right = nullptr; // nullptr: mono media, feeds both sides
    std::int64_t mediaFrames = 0;
    std::int64_t position = 0;
    std::int64_t offset = 0;
    std::int64_t length = 0;
    std::int64_t fadeIn = 0;
    std::int64_t fadeOut = 0;
    float gain = 1.0f;
};

struct TrackNode {
    TrackControls* controls = nullptr;
    LiveTrack* live = nullptr;   // null: the track has never had a processor slot
    std::vector<ClipNode> clips; // sorted by position
};

class PlaybackGraph {
public:
    int sampleRate = 0;
    std::int64_t length = 0; // end of the last clip
    int rampFrames = 1;
    std::vector<TrackNode> tracks;
    // Ownership, released on the message thread with the graph.
    std::vector<std::shared_ptr<const DecodedMedia>> media;
    std::vector<std::shared_ptr<TrackControls>> controls;
    std::vector<std::shared_ptr<LiveTrack>> liveTracks;
    std::shared_ptr<MasterControls> master;
    std::shared_ptr<ReverbBusNode> reverb;      // null: no track sends (a render without sends)
    std::shared_ptr<MasterLimiterNode> limiter; // null: never a limiter (a render without one)
    int fadeFrames = 1;                         // kLiveFadeSeconds
    // The metronome of this snapshot's metre: set by the engine, empty in renders (never heard
    // in a file).
    ClickTrack clicks;

    // Renders `frames` (<= kMaxChunkFrames) frames of the timeline from `position` into
    // `left`/`right` (overwritten). `stemLeft`/`stemRight`, when given, get one buffer per track:
    // the track after its EQ and fader, before mute/solo (no send, no reverb). `loop` (when
    // playing with one) lets live
    // tracks read ahead across the loop's end; a block never crosses it. Real-time safe.
    void process(std::int64_t position, int frames, float* left, float* right,
                 float* const* stemLeft = nullptr, float* const* stemRight = nullptr,
                 const LoopSpan& loop = {}) noexcept;
    // Transport stopped: controls jump to their values (nothing sounds, so nothing clicks).
    void idle() noexcept;
    // A transport start: the limiter forgets what it held, so playback from here equals a render
    // from here.
    void restart() noexcept;
    // Frames the mix out of process() lags the timeline: the limiter's look-ahead while it runs
    // (as of the last process() or restart()), else 0. The graph's thread.
    int latency() const noexcept {
        return limiter != nullptr && limiter->running ? limiter->limiter.latency() : 0;
    }
    // The latency the next process() will have, for the message thread.
    static int latencyOf(const MasterLimiterNode* limiter) {
        return limiter != nullptr && limiter->on.load() ? limiter->limiter.latency() : 0;
    }
    // Whether any track is soloed (then only soloed tracks sound).
    bool anySolo() const noexcept;

private:
    friend std::unique_ptr<PlaybackGraph>
    buildPlaybackGraph(const Project&,
                       const std::function<std::shared_ptr<const DecodedMedia>(const Clip&)>&,
                       const std::function<std::shared_ptr<TrackControls>(const Track&)>&,
                       const std::function<std::shared_ptr<LiveTrack>(const Track&)>&,
                       std::shared_ptr<MasterControls>, std::shared_ptr<ReverbBusNode>,
                       std::shared_ptr<MasterLimiterNode>);
    void runLimiter(float* left, float* right, int frames) noexcept;
    bool mixClips(const TrackNode& track, std::int64_t position, int frames, float* outLeft,
                  float* outRight) noexcept;
    bool processLive(const TrackNode& track, std::int64_t position, int frames,
                     const LoopSpan& loop, bool dryAny) noexcept;
    void feedChain(const TrackNode& track, LiveChain& chain, std::int64_t position, int frames,
                   const LoopSpan& loop) noexcept;
    void aimTargets(bool anySolo) noexcept;
    bool feedSend(TrackControls& c, const float* bl, const float* br, int frames,
                  const float* audible, float steadyAudible) noexcept;
    std::vector<float> busLeft_, busRight_;
    std::vector<float> sendLeft_, sendRight_; // the reverb bus, when there is one
    std::vector<float> audibleGains_;         // a ramping mute/solo, frame by frame
    std::vector<float> feedLeft_, feedRight_, feedMono_, wet_;
};

// Builds the graph of `project` (pure: reads only its arguments). `mediaFor` gives the decoded
// media of an online clip at the project rate; `controlsFor` the controls of a track (their
// atomics already hold the track's values); `liveFor` (optional) a track's live state or null.
// `master`, `reverb` and `limiter` (Engine's, which outlive a graph) hold the project's values;
// without them the graph gets fresh ones (a reverb only when some track sends, a limiter only
// when the project's is on).
std::unique_ptr<PlaybackGraph>
buildPlaybackGraph(const Project& project,
                   const std::function<std::shared_ptr<const DecodedMedia>(const Clip&)>& mediaFor,
                   const std::function<std::shared_ptr<TrackControls>(const Track&)>& controlsFor,
                   const std::function<std::shared_ptr<LiveTrack>(const Track&)>& liveFor = {},
                   std::shared_ptr<MasterControls> master = {},
                   std::shared_ptr<ReverbBusNode> reverb = {},
                   std::shared_ptr<MasterLimiterNode> limiter = {});

// Sets the controls' atomics (and EQ coefficients, designed at `sampleRate`) from a track, and
// (for new controls) their smoothing state, so the first block plays the values exactly.
void loadControls(TrackControls& controls, const Track& track, bool anySolo, bool fresh,
                  int sampleRate);
// A send level, linear: 0 without a send.
float sendGainOf(const std::optional<double>& sendDb);
// Sets the master fader from the project; `fresh`: exactly, without a ramp.
void loadMaster(MasterControls& master, const Project& project, bool fresh);

} // namespace accord::audio::detail
