#include "accord/audio/live_stream.h"

#include "graph.h"

#include <algorithm>
#include <atomic>
#include <chrono>
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
    LiveStream* playing = nullptr; // the audio thread's
    detail::RetireQueue<LiveStream> retired;
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
}

void LiveStreamSlot::publish(std::unique_ptr<LiveStream> stream) {
    impl_->freeRetired();
    LiveStream* unseen = impl_->pending.exchange(stream ? stream.release() : noStream());
    if (unseen != noStream())
        delete unseen; // published and replaced before the audio thread took it
}

LiveStream* LiveStreamSlot::current() noexcept {
    Impl& slot = *impl_;
    // Takes a new stream only when the one it leaves can be handed back (never frees here).
    if (slot.pending.load(std::memory_order_relaxed) != nullptr && slot.retired.hasSpace()) {
        LiveStream* next = slot.pending.exchange(nullptr, std::memory_order_acq_rel);
        if (next != nullptr) {
            if (slot.playing != nullptr)
                slot.retired.push(slot.playing);
            slot.playing = next == noStream() ? nullptr : next;
        }
    }
    return slot.playing;
}

} // namespace accord::audio
