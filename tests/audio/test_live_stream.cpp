// LiveStream and LiveStreamSlot (live_stream.h; the Accord Voice plugin's, docs/PLUGIN.md) on a
// plain stream processor: the output is the processor's, exactly latencyFrames() later, after a
// 5 ms fade-in; a stream replaced while it plays fades out over 5 ms (no step) while the new one
// starts silent; prepare() starts a session from nothing; an offline run equals a real-time one;
// offline, a standby that fell so far behind that it skipped input is never heard.

#include "accord/audio/live_stream.h"

#include "delay_gain.h"

#include <sched.h>

#include <QtTest>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <memory>
#include <thread>
#include <vector>

namespace {

constexpr int kRate = 48000;
constexpr int kBlock = 128;
constexpr int kFade = kRate / 200; // 5 ms

using accord::test::DelayGain;

std::unique_ptr<accord::audio::LiveStream> stream(float gain) {
    return std::make_unique<accord::audio::LiveStream>(std::make_shared<DelayGain>(100, gain),
                                                       kRate, kBlock);
}

// `blocks` blocks of a constant 1 through the slot, offline (waiting for the worker).
std::vector<float> play(accord::audio::LiveStreamSlot& slot, int blocks) {
    std::vector<float> in(kBlock, 1.0f), out(std::size_t(blocks) * kBlock);
    for (int b = 0; b < blocks; ++b)
        slot.process(in.data(), out.data() + std::size_t(b) * kBlock, kBlock, false);
    return out;
}

// Stamps each frame with how many frames it has been given (mod 8192, exact in a float), so a
// replica that skipped input plays other values than one that did not. Its standby clone stalls
// early on until the processor is three input rings ahead (so it must skip); after that the
// processor itself stalls a few times, so the standby, ahead then, has frames the processor does
// not have yet.
class FrameStamp final : public accord::dsp::StreamProcessor {
public:
    struct Shared {
        static constexpr int kProcessorStalls = 10; // of 20 ms each
        std::atomic<std::int64_t> processorGiven{0};
        std::atomic<bool> standbyResumed{false};
        std::atomic<int> processorStalls{0};
    };
    FrameStamp(std::shared_ptr<Shared> shared, bool standby)
        : shared_(std::move(shared)), standby_(standby) {}
    void prepare(int, int) override {}
    int latencyFrames() const override { return 0; }
    void process(const float*, float* out, int frames) override {
        if (standby_ && calls_ == 2) {
            while (shared_->processorGiven < 3 * (1 << 15)) // the input ring: 2^15 frames
                std::this_thread::sleep_for(std::chrono::milliseconds(1));
            shared_->standbyResumed = true;
        }
        if (!standby_ && shared_->standbyResumed &&
            shared_->processorStalls < Shared::kProcessorStalls) {
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
            ++shared_->processorStalls;
        }
        ++calls_;
        for (int i = 0; i < frames; ++i)
            out[i] = float((given_ + i) % 8192);
        given_ += frames;
        if (!standby_)
            shared_->processorGiven = given_;
    }
    std::shared_ptr<StreamProcessor> clone() const override {
        return std::make_shared<FrameStamp>(shared_, true);
    }

private:
    std::shared_ptr<Shared> shared_;
    bool standby_;
    int calls_ = 0;
    std::int64_t given_ = 0;
};

} // namespace

class TestLiveStream : public QObject {
    Q_OBJECT

private slots:
    void theOutputIsTheProcessorsAtTheLatency() {
        accord::audio::LiveStreamSlot slot;
        slot.prepare(kRate, kBlock);
        auto first = stream(0.5f);
        const int latency = first->latencyFrames();
        QVERIFY(latency > 100); // the processor's and the worker's reserve
        slot.publish(std::move(first));
        const std::vector<float> out = play(slot, 40);
        for (int i = 0; i < latency; ++i)
            QCOMPARE(out[std::size_t(i)], 0.0f);
        QVERIFY(out[std::size_t(latency + kFade / 2)] > 0.0f);
        QVERIFY(out[std::size_t(latency + kFade / 2)] < 0.5f); // fading in
        for (std::size_t i = std::size_t(latency + kFade); i < out.size(); ++i)
            QCOMPARE(out[i], 0.5f);
    }

    void aReplacedStreamFadesOut() {
        accord::audio::LiveStreamSlot slot;
        slot.prepare(kRate, kBlock);
        slot.publish(stream(0.5f));
        play(slot, 40); // singing steadily
        slot.publish(stream(0.25f));
        const std::vector<float> out = play(slot, 40);
        // The old one's 0.5 falls linearly to nothing over 5 ms; the new one is silent until its
        // latency, then fades in to 0.25.
        for (int i = 0; i < kFade; ++i)
            QVERIFY(std::abs(out[std::size_t(i)] - 0.5f * (1.0f - float(i + 1) / kFade)) < 1e-6f);
        const int latency = stream(0.25f)->latencyFrames();
        for (int i = kFade; i < latency; ++i)
            QCOMPARE(out[std::size_t(i)], 0.0f);
        QCOMPARE(out.back(), 0.25f);

        slot.publish(nullptr); // none: the same fade into silence
        const std::vector<float> silent = play(slot, 4);
        QVERIFY(std::abs(silent[0] - 0.25f * (1.0f - 1.0f / kFade)) < 1e-6f);
        QCOMPARE(silent.back(), 0.0f);
    }

    void prepareStartsFromNothing() {
        accord::audio::LiveStreamSlot slot;
        slot.prepare(kRate, kBlock);
        slot.publish(stream(0.5f));
        play(slot, 40);
        slot.prepare(kRate, kBlock); // a new session (a host's bounce)
        auto next = stream(0.5f);
        const int latency = next->latencyFrames();
        slot.publish(std::move(next));
        const std::vector<float> out = play(slot, 40);
        for (int i = 0; i < latency; ++i)
            QCOMPARE(out[std::size_t(i)], 0.0f); // nothing of the last session fades in here
    }

    // A standby starved of its core (a busy machine) for longer than the input ring holds skips
    // the input it missed: its state is no longer the processor's. An offline bounce then waits
    // for the processor rather than play the standby's frames (the plugin's bounce stays the
    // same samples as real time, docs/PLUGIN.md).
    void offlineNeverPlaysAStandbyThatSkippedInput() {
        cpu_set_t cores;
        if (sched_getaffinity(0, sizeof cores, &cores) != 0 || CPU_COUNT(&cores) < 2)
            QSKIP("a standby needs a second core");
        auto shared = std::make_shared<FrameStamp::Shared>();
        accord::audio::LiveStream live(std::make_shared<FrameStamp>(shared, false), kRate, kBlock);
        const int latency = live.latencyFrames();
        std::vector<float> in(kBlock, 0.0f), out(kBlock);
        // Until the standby has resumed (skipping) and a second of audio after the processor's
        // stalls; an hour of audio is the safety net.
        std::int64_t stallsOverAt = -1;
        for (std::int64_t frame = 0; frame < 3600 * std::int64_t(kRate); frame += kBlock) {
            live.process(in.data(), out.data(), kBlock, false);
            for (int i = 0; i < kBlock; ++i) {
                const std::int64_t stamp = frame + i - latency;
                if (stamp < kFade)
                    continue; // before the stream and its fade-in
                if (out[std::size_t(i)] != float(stamp % 8192))
                    QFAIL(qPrintable(QString("frame %1 is %2, not %3")
                                         .arg(frame + i)
                                         .arg(out[std::size_t(i)])
                                         .arg(stamp % 8192)));
            }
            if (stallsOverAt < 0 && shared->processorStalls == FrameStamp::Shared::kProcessorStalls)
                stallsOverAt = frame;
            if (stallsOverAt >= 0 && frame > stallsOverAt + kRate)
                break;
        }
        QVERIFY(stallsOverAt >= 0);
    }
};

QTEST_GUILESS_MAIN(TestLiveStream)
#include "test_live_stream.moc"
