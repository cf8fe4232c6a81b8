// LiveStream and LiveStreamSlot (live_stream.h; the Accord Voice plugin's, docs/PLUGIN.md) on a
// plain stream processor: the output is the processor's, exactly latencyFrames() later, after a
// 5 ms fade-in; a stream replaced while it plays fades out over 5 ms (no step) while the new one
// starts silent; prepare() starts a session from nothing; an offline run equals a real-time one.

#include "accord/audio/live_stream.h"

#include "delay_gain.h"

#include <QtTest>

#include <algorithm>
#include <cmath>
#include <memory>
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
};

QTEST_GUILESS_MAIN(TestLiveStream)
#include "test_live_stream.moc"
