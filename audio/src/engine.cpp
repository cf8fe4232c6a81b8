#include "accord/audio/engine.h"

#include "graph.h"
#include "media_cache.h"
#include "recorder.h"
#include "reverb_bus.h"

#include "accord/core/errors.h"
#include "accord/core/thread_checks.h"

#include <juce_audio_devices/juce_audio_devices.h>

#include <dlfcn.h>
#include <pthread.h>
#include <sched.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <map>
#include <thread>

namespace accord::audio {
namespace {

constexpr int kDefaultLiveBlock = 512;

using detail::kMaxChunkFrames;
using detail::PlaybackGraph;
using detail::TrackControls;

using LoopRange = detail::LoopSpan;
using detail::LiveChain;
using detail::LiveTrack;

// libjack prints every failure to find a server to stderr ("Cannot connect to server socket",
// ...). JUCE dlopen()s libjack itself; we quiet it the same way before JUCE scans: a machine
// without a JACK server is normal, and openDevice's message says what was found.
void quietJack() {
    static const bool done = [] {
        if (void* jack = ::dlopen("libjack.so.0", RTLD_LAZY | RTLD_LOCAL)) {
            using Handler = void (*)(const char*);
            using Setter = void (*)(Handler);
            for (const char* name : {"jack_set_error_function", "jack_set_info_function"})
                if (auto set = reinterpret_cast<Setter>(::dlsym(jack, name)))
                    set([](const char*) {});
        }
        return true;
    }();
    (void)done;
}

std::unique_ptr<juce::AudioDeviceManager> makeDeviceManager() {
    quietJack();
    return std::make_unique<juce::AudioDeviceManager>();
}

std::string joined(const juce::StringArray& names) {
    return names.isEmpty() ? std::string("none") : names.joinIntoString(", ").toStdString();
}

} // namespace

struct Engine::Impl : juce::AudioIODeviceCallback {
    // Declared first, destroyed last: the graphs' live tracks report here until they go.
    detail::LiveStats liveStats;
    detail::RetireQueue<LiveChain> retiredChains;
    std::shared_ptr<detail::LiveWorker> worker; // started with the first processor

    // ---- message thread ----
    threads::ThreadOwner messageThread; // the thread that made the engine
    std::map<std::string, std::shared_ptr<TrackControls>> controls;
    std::map<std::string, std::shared_ptr<LiveTrack>> live;
    // The master fader and the reverb bus outlive graphs (a tail rings on through an edit); the
    // reverb is remade when the rate changes.
    std::shared_ptr<detail::MasterControls> master;
    std::shared_ptr<detail::ReverbBusNode> reverb;
    std::shared_ptr<detail::MasterLimiterNode> limiter;
    int liveBlock = kDefaultLiveBlock;
    std::uint64_t chainsFreed = 0;
    std::unique_ptr<juce::AudioDeviceManager> devices;
    bool deviceOpen = false;
    std::thread clock;
    std::atomic<bool> clockRunning{false};
    // Recording (recorder.h): the armed tracks, the take writer while recording.
    detail::InputPublisher inputs;
    std::shared_ptr<detail::InputRouting> armed;
    std::unique_ptr<detail::TakeWriter> takeWriter;
    int recordingOffset = 0;
    std::optional<int> offlineLoopback;
    int loopbackLatency = 0; // of the running offline clock's loopback

    // ---- shared (lock-free) ----
    std::atomic<PlaybackGraph*> pending{nullptr};
    detail::RetireQueue<PlaybackGraph> retired;
    std::atomic<int> rate{48000};
    std::atomic<bool> playing{false};
    // play() calls that found the transport stopped: each starts it afresh, with its count-in.
    std::atomic<std::uint64_t> transportStarts{0};
    std::atomic<std::int64_t> seekTarget{0};
    std::atomic<std::uint64_t> seekRequests{0};
    std::atomic<std::uint64_t> seeksApplied{0};
    std::atomic<std::int64_t> playheadNow{0};
    std::atomic<std::uint32_t> loopVersion{0}; // seqlock: odd while the writer is in between
    std::atomic<bool> loopOn{false};
    std::atomic<std::int64_t> loopStart{0};
    std::atomic<std::int64_t> loopEnd{0};
    std::atomic<std::uint64_t> callbacks{0};
    std::atomic<std::uint64_t> graphsPublished{0};
    std::atomic<std::uint64_t> graphsAdopted{0};
    std::atomic<std::uint64_t> graphsFreed{0};
    std::atomic<float> masterPeakLeft{0.0f};
    std::atomic<float> masterPeakRight{0.0f};
    std::atomic<bool> metronomeOn{false};
    std::atomic<float> metronomeGain{0.5f};
    std::atomic<int> countInBars{0}; // of the latest start
    std::atomic<bool> countingIn{false};

    // ---- audio thread ----
    std::atomic<detail::LiveWorker*> liveWorker{nullptr}; // set with the first processor
    PlaybackGraph* current = nullptr;
    std::uint64_t transportStartsSeen = 0;
    std::int64_t position = 0;
    std::uint64_t seeksDone = 0;
    // Frames played since the last start or seek, and since the loop last wrapped: the playhead
    // is what is heard, the graph's latency behind `position` (docs/ARCHITECTURE.md "Master
    // limiter").
    std::int64_t sinceJump = 0;
    std::int64_t sinceWrap = detail::kNever;
    std::int64_t countInLeft = 0; // frames of count-in still to play before the playhead moves
    LoopRange loop;
    std::array<float, kMaxChunkFrames> chunkLeft{};
    std::array<float, kMaxChunkFrames> chunkRight{};

    ~Impl() override {
        delete current;
        delete pending.exchange(nullptr);
        while (PlaybackGraph* graph = retired.pop())
            delete graph;
        live.clear();
        freeRetiredChains();
    }

    std::shared_ptr<LiveTrack> newLiveTrack() {
        auto slot = std::make_shared<LiveTrack>(false);
        slot->retired = &retiredChains;
        slot->stats = &liveStats;
        return slot;
    }

    void freeRetiredChains() {
        while (LiveChain* chain = retiredChains.pop()) {
            if (worker)
                worker->remove(chain);
            delete chain;
            ++chainsFreed;
        }
    }

    void collectGarbage() {
        while (PlaybackGraph* graph = retired.pop()) {
            delete graph;
            graphsFreed.fetch_add(1, std::memory_order_relaxed);
        }
        freeRetiredChains();
        inputs.collectGarbage();
    }

    void publish(std::unique_ptr<PlaybackGraph> graph) {
        graphsPublished.fetch_add(1, std::memory_order_relaxed);
        // A graph still pending was never seen by the audio thread: free it here.
        if (PlaybackGraph* unseen = pending.exchange(graph.release(), std::memory_order_acq_rel)) {
            delete unseen;
            graphsFreed.fetch_add(1, std::memory_order_relaxed);
        }
        collectGarbage();
    }

    void writeLoop(const LoopRange& range) {
        const std::uint32_t version = loopVersion.load(std::memory_order_relaxed);
        loopVersion.store(version + 1, std::memory_order_relaxed);
        std::atomic_thread_fence(std::memory_order_release);
        loopOn.store(range.on, std::memory_order_relaxed);
        loopStart.store(range.start, std::memory_order_relaxed);
        loopEnd.store(range.end, std::memory_order_relaxed);
        loopVersion.store(version + 2, std::memory_order_release);
    }

    // Audio thread: takes the latest loop range when the writer is not in between; otherwise
    // keeps the one it had (never waits).
    void readLoop() noexcept {
        const std::uint32_t before = loopVersion.load(std::memory_order_acquire);
        if (before & 1u)
            return;
        LoopRange range;
        range.on = loopOn.load(std::memory_order_relaxed);
        range.start = loopStart.load(std::memory_order_relaxed);
        range.end = loopEnd.load(std::memory_order_relaxed);
        std::atomic_thread_fence(std::memory_order_acquire);
        if (loopVersion.load(std::memory_order_relaxed) == before)
            loop = range;
    }

    void adoptGraph() noexcept {
        if (pending.load(std::memory_order_relaxed) == nullptr || !retired.hasSpace())
            return; // nothing new, or the message thread is behind freeing: try next block
        PlaybackGraph* next = pending.exchange(nullptr, std::memory_order_acq_rel);
        if (next == nullptr)
            return;
        if (current != nullptr)
            retired.push(current);
        current = next;
        graphsAdopted.fetch_add(1, std::memory_order_relaxed);
    }

    void process(const float* const* inputSignals, int inputChannels, float* const* outputs,
                 int channels, int frames) noexcept {
        const threads::AudioCallbackScope audioCallback;
        callbacks.fetch_add(1, std::memory_order_relaxed);
        adoptGraph();
        detail::InputRouting* routing = inputs.adopt();
        const std::uint64_t seeks = seekRequests.load(std::memory_order_acquire);
        if (seeks != seeksDone) {
            position = seekTarget.load(std::memory_order_relaxed);
            seeksDone = seeks;
            sinceJump = 0;
            sinceWrap = detail::kNever;
        }
        readLoop();
        const bool isPlaying = playing.load(std::memory_order_acquire);
        PlaybackGraph* graph = current;
        // Starting: nothing has sounded yet, so controls land and effects forget the last run
        // (a start plays as a render from there would, even with no stopped callback between),
        // and the count-in asked for plays. play() while playing is no start: no count-in.
        // Taken only once playing is seen, which play() sets after counting the start.
        const std::uint64_t transportStartCount = transportStarts.load(std::memory_order_acquire);
        if (isPlaying && transportStartCount != transportStartsSeen && graph != nullptr) {
            graph->idle();
            graph->restart();
            transportStartsSeen = transportStartCount;
            // The graph starts the limiter's look-ahead before the count-in ends, so the music is
            // heard right on its end (docs/ARCHITECTURE.md "Master limiter").
            const int bars = countInBars.load();
            countInLeft =
                bars > 0
                    ? std::max<std::int64_t>(0, graph->clicks.barsFrames(bars) - graph->latency())
                    : 0;
            sinceJump = 0;
            sinceWrap = detail::kNever;
        }
        if (!isPlaying) {
            countInLeft = 0;
            // Stopped: the playhead stays where the sound stopped, and playing resumes there.
            if (sinceJump > 0) {
                position = heardPosition(graph);
                sinceJump = 0;
                sinceWrap = detail::kNever;
            }
        }
        const bool clicking = metronomeOn.load(std::memory_order_relaxed);
        const float clickGain = metronomeGain.load(std::memory_order_relaxed);

        float peakLeft = 0.0f;
        float peakRight = 0.0f;
        for (int done = 0; done < frames;) {
            int count = std::min(frames - done, kMaxChunkFrames);
            const bool counting = countInLeft > 0;
            const bool looping =
                isPlaying && !counting && loop.on && loop.start < loop.end && position < loop.end;
            if (looping)
                count = int(std::min<std::int64_t>(count, loop.end - position));
            if (counting)
                count = int(std::min<std::int64_t>(count, countInLeft));
            if (isPlaying && !counting && graph != nullptr) {
                graph->process(position, count, chunkLeft.data(), chunkRight.data(), nullptr,
                               nullptr, looping ? loop : LoopRange{});
            } else {
                std::fill_n(chunkLeft.data(), count, 0.0f);
                std::fill_n(chunkRight.data(), count, 0.0f);
                if (graph != nullptr && !isPlaying)
                    graph->idle();
            }
            if (routing != nullptr && inputSignals != nullptr && graph != nullptr) {
                routing->monitor(inputSignals, inputChannels, done, count, chunkLeft.data(),
                                 chunkRight.data(), graph->anySolo(), graph->rampFrames);
            }
            // Recording starts with the first block after a count-in (the playhead waits).
            if (routing != nullptr && isPlaying && !counting)
                routing->capture(inputSignals, inputChannels, done, count, position);
            for (int i = 0; i < count; ++i) {
                peakLeft = std::max(peakLeft, std::abs(chunkLeft[std::size_t(i)]));
                peakRight = std::max(peakRight, std::abs(chunkRight[std::size_t(i)]));
            }
            // After the meters: the click is heard, never measured. A count-in runs on the grid
            // before the playhead, so its beats lead straight into the music's; both follow the
            // timeline as heard, the limiter's look-ahead behind the graph.
            if (graph != nullptr && (counting || (isPlaying && clicking)))
                graph->clicks.addClicks(position - countInLeft - graph->latency(), count, clickGain,
                                        chunkLeft.data(), chunkRight.data());
            if (channels == 1) {
                if (float* out = outputs[0])
                    for (int i = 0; i < count; ++i)
                        out[done + i] =
                            0.5f * (chunkLeft[std::size_t(i)] + chunkRight[std::size_t(i)]);
            } else {
                if (channels > 0 && outputs[0] != nullptr)
                    std::copy_n(chunkLeft.data(), count, outputs[0] + done);
                if (channels > 1 && outputs[1] != nullptr)
                    std::copy_n(chunkRight.data(), count, outputs[1] + done);
            }
            if (counting) {
                countInLeft -= count;
            } else if (isPlaying) {
                position += count;
                sinceJump += count;
                sinceWrap = sinceWrap == detail::kNever ? sinceWrap : sinceWrap + count;
                if (looping && position == loop.end) {
                    position = loop.start;
                    sinceWrap = 0;
                }
            }
            done += count;
        }
        for (int c = 2; c < channels; ++c)
            if (outputs[c] != nullptr)
                std::fill_n(outputs[c], frames, 0.0f);
        if (isPlaying && graph != nullptr && !graph->liveTracks.empty())
            if (detail::LiveWorker* w = liveWorker.load(std::memory_order_acquire))
                w->wake(); // input waits in the live tracks' rings
        detail::raisePeak(masterPeakLeft, peakLeft);
        detail::raisePeak(masterPeakRight, peakRight);
        // The playhead first, then the acknowledgement: playhead() never sees a seek as done
        // with the position from before it.
        playheadNow.store(heardPosition(graph), std::memory_order_relaxed);
        countingIn.store(countInLeft > 0, std::memory_order_relaxed);
        seeksApplied.store(seeksDone, std::memory_order_release);
    }

    // Audio thread: the timeline position the output has reached, the graph's latency behind
    // `position` (back across the loop's wrap), never before the last start or seek.
    std::int64_t heardPosition(const PlaybackGraph* graph) const noexcept {
        const std::int64_t behind =
            std::min<std::int64_t>(graph != nullptr ? graph->latency() : 0, sinceJump);
        if (behind > sinceWrap)
            return position - behind + (loop.end - loop.start);
        return position - behind;
    }

    // juce::AudioIODeviceCallback (the device's audio thread)
    void audioDeviceIOCallbackWithContext(const float* const* inputSignals, int numInputs,
                                          float* const* outputs, int numOutputs, int numSamples,
                                          const juce::AudioIODeviceCallbackContext&) override {
        process(inputSignals, numInputs, outputs, numOutputs, numSamples);
    }
    void audioDeviceAboutToStart(juce::AudioIODevice*) override {}
    void audioDeviceStopped() override {}

    void stopClock() {
        if (clock.joinable()) {
            clockRunning = false;
            clock.join();
        }
    }
};

Engine::Engine() : impl_(std::make_unique<Impl>()) {}

Engine::~Engine() {
    closeDevice();
    stopOfflineClock();
}

void Engine::setProject(const Project& project) {
    impl_->messageThread.assertOwner("Engine::setProject");
    if (project.sampleRate <= 0)
        throw BadInput("project sample rate must be positive, not " +
                       std::to_string(project.sampleRate));
    impl_->collectGarbage();
    // Media first (may throw): nothing changes unless every file decodes.
    prepareProjectMedia(project);
    std::map<std::string, std::shared_ptr<const DecodedMedia>> media;
    for (const Track& track : project.tracks)
        for (const Clip& clip : track.clips)
            if (!clip.offline && clip.length > 0 && media.count(clip.file) == 0)
                media[clip.file] = loadMedia(clip.file, project.sampleRate);

    const bool anySolo = std::any_of(project.tracks.begin(), project.tracks.end(),
                                     [](const Track& track) { return track.solo; });
    std::map<std::string, std::shared_ptr<TrackControls>> controls;
    std::map<std::string, std::shared_ptr<LiveTrack>> live;
    const bool rateChanged = project.sampleRate != impl_->rate.load();
    for (const Track& track : project.tracks) {
        auto found = impl_->controls.find(track.id);
        const bool fresh = found == impl_->controls.end();
        auto trackControls = fresh ? std::make_shared<TrackControls>() : found->second;
        detail::loadControls(*trackControls, track, anySolo, fresh, project.sampleRate);
        controls[track.id] = trackControls;
        auto slot = impl_->live.find(track.id);
        live[track.id] = slot != impl_->live.end() ? slot->second : impl_->newLiveTrack();
    }
    const bool freshMaster = !impl_->master;
    if (freshMaster)
        impl_->master = std::make_shared<detail::MasterControls>();
    detail::loadMaster(*impl_->master, project, freshMaster);
    if (!impl_->reverb || rateChanged)
        impl_->reverb = std::make_shared<detail::ReverbBusNode>(project.reverb, project.sampleRate);
    else
        impl_->reverb->set(project.reverb);
    if (!impl_->limiter || rateChanged)
        impl_->limiter =
            std::make_shared<detail::MasterLimiterNode>(project.limiter, project.sampleRate);
    else
        impl_->limiter->set(project.limiter);
    auto graph = detail::buildPlaybackGraph(
        project, [&](const Clip& clip) { return media.at(clip.file); },
        [&](const Track& track) { return controls.at(track.id); },
        [&](const Track& track) { return live.at(track.id); }, impl_->master, impl_->reverb,
        impl_->limiter);
    graph->clicks = detail::ClickTrack(projectMetre(project), project.sampleRate);
    impl_->controls = std::move(controls); // the old graph keeps what it still uses alive
    impl_->live = std::move(live);
    impl_->rate.store(project.sampleRate);
    impl_->publish(std::move(graph));
    // A processor was prepared for the old rate: the tracks play dry until given new ones.
    if (rateChanged)
        for (const auto& [id, slot] : impl_->live)
            if (slot->processor)
                setTrackProcessor(id, nullptr);
}

void Engine::setTrackProcessor(const std::string& trackId,
                               std::shared_ptr<dsp::StreamProcessor> processor) {
    impl_->messageThread.assertOwner("Engine::setTrackProcessor");
    impl_->collectGarbage();
    auto found = impl_->live.find(trackId);
    if (found == impl_->live.end())
        throw BadInput("no track '" + trackId + "' in the engine's project");
    LiveTrack& slot = *found->second;
    if (processor == slot.processor)
        return;
    if (!processor) {
        slot.processor = nullptr;
        slot.latency = 0;
        slot.publish(LiveTrack::dryMarker());
        return;
    }
    if (!impl_->worker) {
        // A standby lane needs a second core.
        const int lanes = detail::usableCores() >= 2 ? detail::kLiveReplicas : 1;
        impl_->worker = std::make_shared<detail::LiveWorker>(lanes);
        impl_->liveWorker.store(impl_->worker.get(), std::memory_order_release);
    }
    slot.worker = impl_->worker;
    auto chain =
        detail::makeLiveChain(processor, *impl_->worker, impl_->rate.load(), impl_->liveBlock);
    slot.latency = chain->latency();
    slot.processor = std::move(processor);
    slot.publish(chain.release());
}

int Engine::trackLatencyFrames(const std::string& trackId) const {
    auto found = impl_->live.find(trackId);
    return found == impl_->live.end() ? 0 : found->second->latency;
}

void Engine::setLiveBlockSize(int frames) {
    impl_->messageThread.assertOwner("Engine::setLiveBlockSize");
    impl_->liveBlock = std::clamp(frames, 1, detail::kLiveRingFrames / 4);
}

int Engine::liveBlockSize() const {
    return impl_->liveBlock;
}

namespace {
TrackControls* findControls(std::map<std::string, std::shared_ptr<TrackControls>>& controls,
                            const std::string& trackId) {
    auto found = controls.find(trackId);
    return found == controls.end() ? nullptr : found->second.get();
}
} // namespace

void Engine::setTrackGain(const std::string& trackId, double gainDb) {
    impl_->messageThread.assertOwner("Engine::setTrackGain");
    if (TrackControls* c = findControls(impl_->controls, trackId))
        c->gain.store(detail::decibelsToGain(gainDb));
}

void Engine::setTrackPan(const std::string& trackId, double pan) {
    impl_->messageThread.assertOwner("Engine::setTrackPan");
    if (TrackControls* c = findControls(impl_->controls, trackId))
        c->pan.store(float(std::clamp(pan, -1.0, 1.0)));
}

void Engine::setTrackMute(const std::string& trackId, bool mute) {
    impl_->messageThread.assertOwner("Engine::setTrackMute");
    if (TrackControls* c = findControls(impl_->controls, trackId))
        c->mute.store(mute);
}

void Engine::setTrackSolo(const std::string& trackId, bool solo) {
    impl_->messageThread.assertOwner("Engine::setTrackSolo");
    if (TrackControls* c = findControls(impl_->controls, trackId))
        c->solo.store(solo);
}

void Engine::setTrackEq(const std::string& trackId, const std::optional<TrackEq>& eq) {
    impl_->messageThread.assertOwner("Engine::setTrackEq");
    if (TrackControls* c = findControls(impl_->controls, trackId))
        c->eq->publish(detail::eqTargets(eq, impl_->rate.load()), impl_->rate.load());
}

void Engine::setTrackReverbSend(const std::string& trackId, std::optional<double> sendDb) {
    impl_->messageThread.assertOwner("Engine::setTrackReverbSend");
    if (TrackControls* c = findControls(impl_->controls, trackId))
        c->sendGain.store(detail::sendGainOf(sendDb));
}

void Engine::setMasterGain(double gainDb) {
    impl_->messageThread.assertOwner("Engine::setMasterGain");
    if (impl_->master)
        impl_->master->gain.store(detail::decibelsToGain(gainDb));
}

void Engine::setMasterLimiter(const MasterLimiter& settings) {
    impl_->messageThread.assertOwner("Engine::setMasterLimiter");
    // Made here when no project was set yet: the next graph takes it (setProject remakes it only
    // for another rate).
    if (!impl_->limiter)
        impl_->limiter = std::make_shared<detail::MasterLimiterNode>(settings, impl_->rate.load());
    impl_->limiter->set(settings);
}

int Engine::masterLatencyFrames() const {
    return PlaybackGraph::latencyOf(impl_->limiter.get());
}

void Engine::setReverb(const ReverbSettings& settings) {
    impl_->messageThread.assertOwner("Engine::setReverb");
    if (impl_->reverb)
        impl_->reverb->set(settings);
}

void Engine::play(int countInBars) {
    impl_->messageThread.assertOwner("Engine::play");
    if (impl_->playing.load(std::memory_order_relaxed))
        return; // already playing: the playhead goes on, no count-in
    impl_->countInBars.store(std::clamp(countInBars, 0, kMaxCountInBars));
    impl_->transportStarts.fetch_add(1, std::memory_order_release);
    impl_->playing.store(true, std::memory_order_release);
}

bool Engine::isCountingIn() const {
    return impl_->countingIn.load(std::memory_order_relaxed);
}

void Engine::setMetronome(bool on, double levelDb) {
    impl_->messageThread.assertOwner("Engine::setMetronome");
    impl_->metronomeGain.store(float(detail::decibelsToGain(std::clamp(levelDb, -60.0, 0.0))));
    impl_->metronomeOn.store(on);
}

void Engine::stop() {
    impl_->messageThread.assertOwner("Engine::stop");
    impl_->playing.store(false, std::memory_order_release);
}

void Engine::seek(std::int64_t sample) {
    impl_->messageThread.assertOwner("Engine::seek");
    impl_->seekTarget.store(std::max<std::int64_t>(0, sample), std::memory_order_relaxed);
    impl_->seekRequests.fetch_add(1, std::memory_order_release);
}

void Engine::setLoop(std::optional<std::pair<std::int64_t, std::int64_t>> range) {
    impl_->messageThread.assertOwner("Engine::setLoop");
    LoopRange loop;
    if (range) {
        if (range->first < 0 || range->second <= range->first)
            throw BadInput("loop [" + std::to_string(range->first) + ", " +
                           std::to_string(range->second) +
                           ") is empty or negative: its end must come after its start");
        loop = {true, range->first, range->second};
    }
    impl_->writeLoop(loop);
}

std::int64_t Engine::playhead() const {
    // A seek the audio thread has not applied yet already counts.
    if (impl_->seekRequests.load(std::memory_order_acquire) !=
        impl_->seeksApplied.load(std::memory_order_acquire))
        return impl_->seekTarget.load(std::memory_order_relaxed);
    return impl_->playheadNow.load(std::memory_order_relaxed);
}

bool Engine::isPlaying() const {
    return impl_->playing.load(std::memory_order_acquire);
}

int Engine::sampleRate() const {
    return impl_->rate.load();
}

MeterReading Engine::trackMeter(const std::string& trackId) {
    impl_->messageThread.assertOwner("Engine::trackMeter");
    impl_->collectGarbage();
    MeterReading reading;
    if (TrackControls* c = findControls(impl_->controls, trackId)) {
        reading.left = c->peakLeft.exchange(0.0f);
        reading.right = c->peakRight.exchange(0.0f);
    }
    return reading;
}

MeterReading Engine::masterMeter() {
    impl_->messageThread.assertOwner("Engine::masterMeter");
    impl_->collectGarbage();
    return {impl_->masterPeakLeft.exchange(0.0f), impl_->masterPeakRight.exchange(0.0f)};
}

void Engine::collectGarbage() {
    impl_->messageThread.assertOwner("Engine::collectGarbage");
    impl_->collectGarbage();
}

EngineStats Engine::stats() const {
    EngineStats stats;
    stats.callbacks = impl_->callbacks.load();
    stats.graphsPublished = impl_->graphsPublished.load();
    stats.graphsAdopted = impl_->graphsAdopted.load();
    stats.graphsFreed = impl_->graphsFreed.load();
    stats.liveUnderruns = impl_->liveStats.underruns.load();
    stats.liveUnderrunFrames = impl_->liveStats.underrunFrames.load();
    stats.liveChainsFreed = impl_->chainsFreed;
    return stats;
}

bool Engine::openDevice(const std::optional<DeviceSetup>& wanted, std::string& error) {
    impl_->messageThread.assertOwner("Engine::openDevice");
    closeDevice();
    try {
        if (!impl_->devices)
            impl_->devices = makeDeviceManager();
        juce::AudioDeviceManager& devices = *impl_->devices;
        const juce::OwnedArray<juce::AudioIODeviceType>& types = devices.getAvailableDeviceTypes();
        std::string scanned;
        for (juce::AudioIODeviceType* type : types) {
            type->scanForDevices();
            scanned += (scanned.empty() ? "" : "; ") + type->getTypeName().toStdString() + ": " +
                       joined(type->getDeviceNames(false));
        }
        if (wanted && !wanted->type.empty()) {
            devices.setCurrentAudioDeviceType(juce::String(wanted->type), true);
            if (devices.getCurrentAudioDeviceType().toStdString() != wanted->type) {
                error = "no audio device type '" + wanted->type + "' (found " + scanned + ")";
                return false;
            }
        }
        juce::AudioDeviceManager::AudioDeviceSetup setup;
        setup.outputDeviceName = wanted ? juce::String(wanted->name) : juce::String();
        setup.useDefaultInputChannels = false;
        setup.useDefaultOutputChannels = true;
        const int inputCount =
            wanted && !wanted->inputName.empty() ? std::max(0, wanted->inputChannels) : 0;
        if (inputCount > 0) {
            setup.inputDeviceName = juce::String(wanted->inputName);
            setup.inputChannels.setRange(0, inputCount, true);
        }
        setup.sampleRate =
            wanted && wanted->sampleRate > 0 ? wanted->sampleRate : impl_->rate.load();
        setup.bufferSize = wanted && wanted->bufferSize > 0 ? wanted->bufferSize : 0;
        const juce::String failure =
            devices.initialise(inputCount, 2, nullptr, false, setup.outputDeviceName, &setup);
        juce::AudioIODevice* device = devices.getCurrentAudioDevice();
        if (failure.isNotEmpty() || device == nullptr) {
            error = "no audio output device could be opened" +
                    (failure.isNotEmpty() ? ": " + failure.toStdString() : std::string()) +
                    " (found " + (scanned.empty() ? std::string("no device types") : scanned) +
                    "); playback runs on the offline clock";
            devices.closeAudioDevice();
            return false;
        }
        const int openedInputs = device->getActiveInputChannels().countNumberOfSetBits();
        if (openedInputs < inputCount) {
            error = "input device '" + wanted->inputName + "' opened " +
                    std::to_string(openedInputs) + " of the " + std::to_string(inputCount) +
                    " input channels asked for";
            devices.closeAudioDevice();
            return false;
        }
        const int deviceRate = int(std::lround(device->getCurrentSampleRate()));
        if (deviceRate != impl_->rate.load()) {
            error = "audio device '" + device->getName().toStdString() + "' runs at " +
                    std::to_string(deviceRate) + " Hz, the project at " +
                    std::to_string(impl_->rate.load()) + " Hz";
            devices.closeAudioDevice();
            return false;
        }
        stopOfflineClock();
        setLiveBlockSize(device->getCurrentBufferSizeSamples());
        devices.addAudioCallback(impl_.get());
        impl_->deviceOpen = true;
        return true;
    } catch (const std::exception& failure) {
        error = std::string("audio device: ") + failure.what();
        return false;
    }
}

void Engine::closeDevice() {
    impl_->messageThread.assertOwner("Engine::closeDevice");
    if (impl_->devices) {
        impl_->devices->removeAudioCallback(impl_.get());
        impl_->devices->closeAudioDevice();
    }
    impl_->deviceOpen = false;
}

std::optional<DeviceSetup> Engine::currentDevice() const {
    if (!impl_->deviceOpen || !impl_->devices)
        return std::nullopt;
    juce::AudioIODevice* device = impl_->devices->getCurrentAudioDevice();
    if (device == nullptr)
        return std::nullopt;
    DeviceSetup setup;
    setup.type = device->getTypeName().toStdString();
    setup.name = device->getName().toStdString();
    setup.sampleRate = int(std::lround(device->getCurrentSampleRate()));
    setup.bufferSize = device->getCurrentBufferSizeSamples();
    setup.inputChannels = device->getActiveInputChannels().countNumberOfSetBits();
    if (setup.inputChannels > 0)
        setup.inputName = impl_->devices->getAudioDeviceSetup().inputDeviceName.toStdString();
    setup.inputLatency = device->getInputLatencyInSamples();
    setup.outputLatency = device->getOutputLatencyInSamples();
    return setup;
}

std::vector<DeviceSetup> Engine::availableDevices() const {
    if (!impl_->devices)
        impl_->devices = makeDeviceManager();
    std::vector<DeviceSetup> found;
    for (juce::AudioIODeviceType* type : impl_->devices->getAvailableDeviceTypes()) {
        type->scanForDevices();
        for (const juce::String& name : type->getDeviceNames(false)) {
            DeviceSetup setup;
            setup.type = type->getTypeName().toStdString();
            setup.name = name.toStdString();
            found.push_back(setup);
        }
    }
    return found;
}

std::vector<DeviceSetup> Engine::availableInputDevices() const {
    if (!impl_->devices)
        impl_->devices = makeDeviceManager();
    std::vector<DeviceSetup> found;
    for (juce::AudioIODeviceType* type : impl_->devices->getAvailableDeviceTypes()) {
        type->scanForDevices();
        for (const juce::String& name : type->getDeviceNames(true)) {
            DeviceSetup setup;
            setup.type = type->getTypeName().toStdString();
            setup.inputName = name.toStdString();
            // The channel count is only known once opened: offer a stereo pair by default.
            setup.inputChannels = 2;
            found.push_back(setup);
        }
    }
    return found;
}

void Engine::startOfflineClock(int blockSize) {
    impl_->messageThread.assertOwner("Engine::startOfflineClock");
    if (impl_->deviceOpen)
        return; // the device drives process()
    stopOfflineClock();
    blockSize = std::clamp(blockSize, 16, 8192);
    setLiveBlockSize(blockSize);
    impl_->clockRunning = true;
    auto loopback =
        impl_->offlineLoopback
            ? std::make_shared<detail::LoopbackDelay>(*impl_->offlineLoopback, blockSize)
            : nullptr;
    impl_->loopbackLatency = loopback ? loopback->latency() : 0;
    impl_->clock = std::thread([this, blockSize, loopback] {
        // Like a device's audio thread: real-time priority when the system allows it.
        sched_param priority{};
        priority.sched_priority = std::max(1, sched_get_priority_min(SCHED_FIFO) + 10);
        pthread_setschedparam(pthread_self(), SCHED_FIFO, &priority);
        std::vector<float> left(static_cast<std::size_t>(blockSize));
        std::vector<float> right(static_cast<std::size_t>(blockSize));
        float* outputs[2] = {left.data(), right.data()};
        std::vector<float> inLeft(static_cast<std::size_t>(blockSize));
        std::vector<float> inRight(static_cast<std::size_t>(blockSize));
        float* inputs[2] = {inLeft.data(), inRight.data()};
        using Clock = std::chrono::steady_clock;
        Clock::time_point next = Clock::now();
        while (impl_->clockRunning.load()) {
            if (loopback) {
                loopback->read(inputs, blockSize);
                process(inputs, 2, outputs, 2, blockSize);
                loopback->write(outputs, blockSize);
            } else {
                process(outputs, 2, blockSize);
            }
            next += std::chrono::duration_cast<Clock::duration>(
                std::chrono::duration<double>(double(blockSize) / impl_->rate.load()));
            const Clock::time_point now = Clock::now();
            if (now - next > std::chrono::seconds(1))
                next = now; // fell far behind (suspended?): do not race to catch up
            std::this_thread::sleep_until(next);
        }
    });
}

void Engine::stopOfflineClock() {
    impl_->messageThread.assertOwner("Engine::stopOfflineClock");
    impl_->stopClock();
}

void Engine::process(float* const* outputs, int channels, int frames) noexcept {
    impl_->process(nullptr, 0, outputs, channels, frames);
}

void Engine::process(const float* const* inputs, int inputChannels, float* const* outputs,
                     int channels, int frames) noexcept {
    impl_->process(inputs, inputChannels, outputs, channels, frames);
}

void Engine::setRecordArms(const std::vector<RecordArm>& arms) {
    impl_->messageThread.assertOwner("Engine::setRecordArms");
    if (impl_->takeWriter)
        throw BadInput("the armed tracks cannot change while recording");
    std::vector<detail::InputRouting::Lane> lanes;
    for (const RecordArm& arm : arms) {
        auto controls = impl_->controls.find(arm.trackId);
        if (controls == impl_->controls.end())
            throw BadInput("no track '" + arm.trackId + "' in the engine's project to arm");
        if (arm.channels != 1 && arm.channels != 2)
            throw BadInput("track '" + arm.trackId + "' records 1 or 2 input channels, not " +
                           std::to_string(arm.channels));
        if (arm.firstInput < 0)
            throw BadInput("track '" + arm.trackId + "': input channel " +
                           std::to_string(arm.firstInput + 1) + " does not exist");
        const bool wasArmed =
            impl_->armed &&
            std::any_of(impl_->armed->lanes.begin(), impl_->armed->lanes.end(),
                        [&](const auto& lane) { return lane.arm.trackId == arm.trackId; });
        controls->second->monitor.store(arm.monitor);
        lanes.push_back({arm, controls->second, nullptr, !wasArmed});
    }
    // A monitored track disarmed keeps a silent lane for its monitoring to fade out (recorder.h).
    if (impl_->armed)
        for (const auto& lane : impl_->armed->lanes)
            if (lane.controls->monitor.load() &&
                std::none_of(arms.begin(), arms.end(), [&](const RecordArm& arm) {
                    return arm.trackId == lane.arm.trackId;
                })) {
                RecordArm fading = lane.arm;
                fading.record = fading.monitor = false;
                lane.controls->monitor.store(false);
                lanes.push_back({fading, lane.controls, nullptr, false});
            }
    impl_->armed = std::make_shared<detail::InputRouting>(std::move(lanes));
    impl_->inputs.publish(impl_->armed);
}

void Engine::setTrackMonitor(const std::string& trackId, bool monitor) {
    impl_->messageThread.assertOwner("Engine::setTrackMonitor");
    if (impl_->armed)
        for (const auto& lane : impl_->armed->lanes)
            if (lane.arm.trackId == trackId && lane.arm.record) {
                lane.controls->monitor.store(monitor);
                return;
            }
    throw BadInput("track '" + trackId + "' is not armed: only an armed track monitors its input");
}

void Engine::startRecording(const std::string& folder, bool punch) {
    impl_->messageThread.assertOwner("Engine::startRecording");
    if (punch && !impl_->loopOn.load())
        throw BadInput("punch in/out records inside the loop: set a loop first");
    startRecording(folder, punch ? std::optional(std::make_pair(impl_->loopStart.load(),
                                                                impl_->loopEnd.load()))
                                 : std::nullopt);
}

void Engine::startRecording(const std::string& folder,
                            std::optional<std::pair<std::int64_t, std::int64_t>> punch) {
    impl_->messageThread.assertOwner("Engine::startRecording");
    if (impl_->takeWriter)
        throw BadInput("already recording");
    if (!impl_->armed || !impl_->armed->recordsAnything())
        throw BadInput("no track is armed to record");
    std::optional<LoopRange> punchRange;
    if (punch) {
        if (punch->first < 0 || punch->second <= punch->first)
            throw BadInput("punch in/out needs a range that ends after it starts");
        punchRange = LoopRange{true, punch->first, punch->second};
    }
    // Fresh rings and counters for this recording.
    std::vector<detail::InputRouting::Lane> lanes;
    for (const auto& lane : impl_->armed->lanes)
        lanes.push_back({lane.arm, lane.controls, nullptr});
    auto routing = std::make_shared<detail::InputRouting>(std::move(lanes));
    impl_->takeWriter = std::make_unique<detail::TakeWriter>(routing, folder, impl_->rate.load(),
                                                             recordingLatencyFrames(), punchRange);
    impl_->armed = std::move(routing);
    impl_->armed->setCapturing(true);
    impl_->inputs.publish(impl_->armed);
}

RecordingResult Engine::stopRecording() {
    impl_->messageThread.assertOwner("Engine::stopRecording");
    if (!impl_->takeWriter)
        return {};
    impl_->armed->setCapturing(false);
    RecordingResult result = impl_->takeWriter->finish();
    impl_->takeWriter.reset();
    return result;
}

bool Engine::isRecording() const {
    return impl_->takeWriter != nullptr;
}

int Engine::recordingLatencyFrames() const {
    int reported = impl_->clockRunning.load() ? impl_->loopbackLatency : 0;
    if (const auto device = currentDevice())
        reported = device->inputLatency + device->outputLatency;
    // What the performer hears also waits in the master limiter's look-ahead.
    return std::max(0, reported + impl_->recordingOffset + masterLatencyFrames());
}

void Engine::setRecordingOffset(int frames) {
    impl_->messageThread.assertOwner("Engine::setRecordingOffset");
    impl_->recordingOffset = frames;
}

void Engine::setOfflineLoopback(std::optional<int> latencyFrames) {
    impl_->messageThread.assertOwner("Engine::setOfflineLoopback");
    impl_->offlineLoopback = latencyFrames;
}

} // namespace accord::audio
