#include "accord/audio/live_stream.h"

#include "graph.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <thread>

namespace accord::audio {

using detail::LiveChain;
using detail::LiveWorker;

struct LiveStream::Impl {
    std::shared_ptr<LiveWorker> worker;
    std::unique_ptr<LiveChain> chain;
    detail::LiveStats stats; // what read() counts; a late worker plays as silence
    int maxBlock = 0;
    std::int64_t fed = 0; // input frames pushed (the chain's feed position)
};

LiveStream::LiveStream(std::shared_ptr<dsp::StreamProcessor> processor, int sampleRate,
                       int maxBlock)
    : impl_(std::make_unique<Impl>()) {
    impl_->maxBlock = std::clamp(maxBlock, 1, detail::kLiveRingFrames / 4);
    impl_->worker = detail::sharedLiveWorker();
    impl_->chain =
        detail::makeLiveChain(std::move(processor), *impl_->worker, sampleRate, impl_->maxBlock);
    impl_->worker->add(impl_->chain.get());
}

LiveStream::~LiveStream() {
    impl_->worker->remove(impl_->chain.get());
}

int LiveStream::latencyFrames() const {
    return impl_->chain->latency();
}

void LiveStream::process(const float* in, float* out, int frames, bool realtime) noexcept {
    LiveChain& chain = *impl_->chain;
    for (int done = 0; done < frames;) {
        const int count = std::min(frames - done, impl_->maxBlock);
        impl_->fed += count;
        chain.push(in + done, count, impl_->fed);
        impl_->worker->wake();
        // Offline the host waits for us: so does the stream, for the worker.
        while (!realtime && !chain.caughtUp(count))
            std::this_thread::sleep_for(std::chrono::microseconds(100));
        std::fill_n(out + done, count, 0.0f);
        chain.read(out + done, count, impl_->stats);
        done += count;
    }
}

struct LiveStreamSlot::Impl {
    std::atomic<LiveStream*> pending{nullptr};
    detail::RetireQueue<LiveStream> retired;
    int fadeFrames = 1;
    // The audio thread's.
    LiveStream* playing = nullptr;
    LiveStream* leaving = nullptr; // fading out
    int faded = 0;                 // frames of its fade played
    std::vector<float> scratch;    // the leaving stream's output
    void freeRetired() {
        while (LiveStream* stream = retired.pop())
            delete stream;
    }
};

// The value of `pending` that asks for no stream (a real stream is never at this address).
static LiveStream* noStream() {
    static char marker;
    return reinterpret_cast<LiveStream*>(&marker);
}

LiveStreamSlot::LiveStreamSlot() : impl_(std::make_unique<Impl>()) {}

LiveStreamSlot::~LiveStreamSlot() {
    impl_->freeRetired();
    LiveStream* pending = impl_->pending.exchange(nullptr);
    if (pending != noStream())
        delete pending;
    delete impl_->playing;
    delete impl_->leaving;
}

void LiveStreamSlot::prepare(int sampleRate, int maxBlock) {
    impl_->fadeFrames = std::max(1, int(std::lround(sampleRate * detail::kLiveFadeSeconds)));
    impl_->scratch.assign(std::size_t(std::max(1, maxBlock)), 0.0f);
    // A new session starts from nothing: what played before is not faded into it (so a bounce
    // starts as real time does). The audio thread is not playing: free them here.
    impl_->freeRetired();
    delete impl_->playing;
    delete impl_->leaving;
    impl_->playing = impl_->leaving = nullptr;
}

void LiveStreamSlot::publish(std::unique_ptr<LiveStream> stream) {
    impl_->freeRetired();
    LiveStream* unseen = impl_->pending.exchange(stream ? stream.release() : noStream());
    if (unseen != noStream())
        delete unseen; // published and replaced before the audio thread took it
}

bool LiveStreamSlot::process(const float* in, float* out, int frames, bool realtime) noexcept {
    Impl& slot = *impl_;
    // Takes a new stream once the last one left has faded and been handed back (never frees
    // here); a stream published meanwhile waits at most the 5 ms of that fade.
    if (slot.leaving == nullptr && slot.pending.load(std::memory_order_relaxed) != nullptr) {
        LiveStream* next = slot.pending.exchange(nullptr, std::memory_order_acq_rel);
        if (next != nullptr) {
            slot.leaving = slot.playing;
            slot.faded = 0;
            slot.playing = next == noStream() ? nullptr : next;
        }
    }
    if (slot.playing != nullptr)
        slot.playing->process(in, out, frames, realtime);
    else
        std::fill_n(out, frames, 0.0f);
    if (slot.leaving != nullptr) {
        const int chunk = int(slot.scratch.size());
        for (int done = 0; done < frames && slot.faded < slot.fadeFrames && chunk > 0;) {
            const int count = std::min(frames - done, chunk);
            slot.leaving->process(in + done, slot.scratch.data(), count, realtime);
            for (int i = 0; i < count && slot.faded + i < slot.fadeFrames; ++i)
                out[done + i] += (1.0f - float(slot.faded + i + 1) / float(slot.fadeFrames)) *
                                 slot.scratch[std::size_t(i)];
            slot.faded += count;
            done += count;
        }
        if (chunk == 0)
            slot.faded = slot.fadeFrames; // never prepared: no fade, only the hand-back
        if (slot.faded >= slot.fadeFrames && slot.retired.hasSpace()) {
            slot.retired.push(slot.leaving);
            slot.leaving = nullptr;
        }
    }
    return slot.playing != nullptr;
}

} // namespace accord::audio
