// accord::audio watermark (watermark.h) on real recordings: round trip, excerpts, gain, an MP3
// round trip through lame, sample rates down to 8 kHz, streaming embedding equal to the file's,
// streaming detection equal to detection of the whole, no detection on unmarked audio, the mark's
// SNR, distinct payloads, degenerate input. bench_watermark measures the rates; these are the
// guarantees.

#include "accord/audio/audio_io.h"
#include "accord/audio/media.h"
#include "accord/audio/watermark.h"
#include "accord/core/errors.h"
#include "accord/dsp/resample.h"

#include "test_support.h"

#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <vector>

using namespace accord::audio;
using accord::dsp::resample;
using Channels = std::vector<std::vector<float>>;

namespace {

constexpr int kRate = 44100;

Channels stereo(const QString& path, double fromSeconds, double seconds) {
    const auto media = loadMedia(path.toStdString(), kRate);
    const auto from = static_cast<long>(fromSeconds * kRate);
    const auto count = static_cast<long>(seconds * kRate);
    Channels channels;
    for (const auto& channel : media->channels) {
        const long end = std::min<long>(from + count, static_cast<long>(channel.size()));
        channels.emplace_back(channel.begin() + from, channel.begin() + end);
    }
    return channels;
}

Channels voice(const QString& path) {
    const MonoAudio line = readMonoAudio(path.toStdString());
    return {resample(line.samples, line.sampleRate, kRate)};
}

Channels slice(const Channels& audio, double fromSeconds, double seconds) {
    Channels out;
    for (const auto& channel : audio)
        out.emplace_back(channel.begin() + static_cast<long>(fromSeconds * kRate),
                         channel.begin() + static_cast<long>((fromSeconds + seconds) * kRate));
    return out;
}

double snrDb(const Channels& host, const Channels& marked) {
    double signal = 0, noise = 0;
    for (size_t c = 0; c < host.size(); ++c)
        for (size_t i = 0; i < host[c].size(); ++i) {
            signal += double(host[c][i]) * host[c][i];
            const double d = double(marked[c][i]) - host[c][i];
            noise += d * d;
        }
    return 10 * std::log10(signal / noise);
}

} // namespace

class TestWatermark : public QObject {
    Q_OBJECT

private slots:
    void payloadText() {
        QCOMPARE(QString::fromStdString(watermarkPayloadText(0x2a)), QString("acw1-0000002a"));
        QCOMPARE(parseWatermarkPayloadText("acw1-DEADbeef"), 0xdeadbeefu);
        QCOMPARE(parseWatermarkPayloadText(watermarkPayloadText(0x80000001u)), 0x80000001u);
        QVERIFY_THROWS_EXCEPTION(accord::BadInput, parseWatermarkPayloadText("acw1-123"));
        QVERIFY_THROWS_EXCEPTION(accord::BadInput, parseWatermarkPayloadText("acw2-0000002a"));
        QVERIFY_THROWS_EXCEPTION(accord::BadInput, parseWatermarkPayloadText("acw1-0000002g"));
    }

    void musicRoundTripExcerptAndGain() {
        ACCORD_REQUIRE_MATERIAL(path, "hyperrogue/hr3-crossroads.ogg");
        const Channels host = stereo(path, 10, 12);
        Channels marked = host;
        embedWatermark(marked, kRate, 0xc0ffee01u);
        const double snr = snrDb(host, marked);
        qInfo("music: mark SNR %.1f dB", snr);
        QVERIFY2(snr >= 30, qPrintable(QString("SNR %1 dB").arg(snr)));
        QVERIFY2(snr < 45, "the mark is so weak it cannot be robust");

        const auto whole = detectWatermark(marked, kRate);
        QVERIFY(whole.found);
        QCOMPARE(whole.payload, 0xc0ffee01u);
        QVERIFY(whole.confidence >= kWatermarkThreshold);

        // 5 s from an offset that is not on the mark's grid.
        const auto excerpt = detectWatermark(slice(marked, 3.217, 5), kRate);
        QVERIFY(excerpt.found);
        QCOMPARE(excerpt.payload, 0xc0ffee01u);

        Channels quiet = marked;
        for (auto& channel : quiet)
            for (float& x : channel)
                x *= 0.25f; // -12 dB
        const auto gained = detectWatermark(quiet, kRate);
        QVERIFY(gained.found);
        QCOMPARE(gained.payload, 0xc0ffee01u);

        // The same host without the mark.
        const auto clean = detectWatermark(host, kRate);
        QVERIFY(!clean.found);
        QVERIFY(clean.confidence < kWatermarkThreshold);
    }

    void otherRatesAndMono() {
        ACCORD_REQUIRE_MATERIAL(path, "hyperrogue/hr3-desert.ogg");
        const auto media = loadMedia(path.toStdString(), 48000);
        std::vector<float> mono(media->channels[0].begin() + 48000 * 20,
                                media->channels[0].begin() + 48000 * 26);
        Channels marked{mono};
        embedWatermark(marked, 48000, 7u);
        const auto found = detectWatermark(marked, 48000);
        QVERIFY(found.found);
        QCOMPARE(found.payload, 7u);
        // Resampled to 44.1 kHz: the mark lives in a rate-independent domain.
        const Channels at44{resample(marked[0], 48000, kRate)};
        const auto resampled = detectWatermark(at44, kRate);
        QVERIFY(resampled.found);
        QCOMPARE(resampled.payload, 7u);
    }

    void voiceWithPauses() {
        ACCORD_REQUIRE_MATERIAL(dir, "fillets-cs/city/cs");
        // A few lines of one speaker with silent gaps, as a generated vocal would be.
        std::vector<float> track;
        for (const char* line : {"vit-hs-klid1.ogg", "vit-hs-vodovod0.ogg", "vit-m-nebo.ogg",
                                 "vit-hs-reklama1.ogg", "vit-v-noa.ogg"}) {
            const Channels clip = voice(dir + "/" + line);
            track.insert(track.end(), clip[0].begin(), clip[0].end());
            track.insert(track.end(), kRate, 0.0f); // 1 s of digital silence
        }
        const Channels host{track};
        Channels marked = host;
        embedWatermark(marked, kRate, 0x00abcdefu);
        const double snr = snrDb(host, marked);
        qInfo("voice: mark SNR %.1f dB over %.1f s", snr, double(track.size()) / kRate);
        QVERIFY(snr >= 30);
        // Digital silence stays exactly silent (nothing to mask a mark there).
        size_t silentSamples = 0, touched = 0;
        for (size_t i = 0; i < track.size(); ++i)
            if (track[i] == 0.0f) {
                // away from speech by more than the mark's 32 ms frames
                bool isolated = true;
                for (long d = -2048; d <= 2048 && isolated; d += 64) {
                    const long at = long(i) + d;
                    if (at >= 0 && at < long(track.size()) && track[size_t(at)] != 0.0f)
                        isolated = false;
                }
                if (isolated) {
                    ++silentSamples;
                    touched += std::abs(marked[0][i]) > 1e-6f ? 1 : 0;
                }
            }
        QVERIFY(silentSamples > size_t(kRate));
        QCOMPARE(touched, size_t(0));
        const auto found = detectWatermark(marked, kRate);
        QVERIFY(found.found);
        QCOMPARE(found.payload, 0x00abcdefu);

        // A 10 s excerpt of the vocal, off the mark's grid, and quieter by 12 dB.
        Channels excerpt = slice(marked, 7.31, 10);
        for (float& x : excerpt[0])
            x *= 0.25f;
        const auto part = detectWatermark(excerpt, kRate);
        QVERIFY(part.found);
        QCOMPARE(part.payload, 0x00abcdefu);

        // The whole vocal through MP3 at 128 kbit/s.
        if (QStandardPaths::findExecutable("lame").isEmpty())
            QSKIP("lame is not installed");
        QTemporaryDir folder;
        const QString wav = folder.filePath("vocal.wav"), mp3 = folder.filePath("vocal.mp3"),
                      back = folder.filePath("back.wav");
        writeMonoAudio(wav.toStdString(), marked[0], kRate);
        QVERIFY(accord::test::runTool("lame", {"--quiet", "-b", "128", wav, mp3}));
        QVERIFY(accord::test::runTool("lame", {"--quiet", "--decode", mp3, back}));
        const MonoAudio decoded = readMonoAudio(back.toStdString());
        const auto coded = detectWatermark({decoded.samples}, decoded.sampleRate);
        QVERIFY(coded.found);
        QCOMPARE(coded.payload, 0x00abcdefu);
    }

    void mp3RoundTrip() {
        ACCORD_REQUIRE_MATERIAL(path, "hyperrogue/hr3-jungle.ogg");
        if (QStandardPaths::findExecutable("lame").isEmpty())
            QSKIP("lame is not installed");
        Channels marked = stereo(path, 30, 8);
        embedWatermark(marked, kRate, 0x12345678u);
        QTemporaryDir dir;
        const QString wav = dir.filePath("marked.wav"), mp3 = dir.filePath("marked.mp3"),
                      back = dir.filePath("back.wav");
        std::vector<float> mono(marked[0].size());
        for (size_t i = 0; i < mono.size(); ++i)
            mono[i] = 0.5f * (marked[0][i] + marked[1][i]);
        writeMonoAudio(wav.toStdString(), mono, kRate);
        QVERIFY(accord::test::runTool("lame", {"--quiet", "-b", "64", wav, mp3}));
        QVERIFY(accord::test::runTool("lame", {"--quiet", "--decode", mp3, back}));
        const MonoAudio decoded = readMonoAudio(back.toStdString());
        const auto found = detectWatermark({decoded.samples}, decoded.sampleRate);
        QVERIFY(found.found);
        QCOMPARE(found.payload, 0x12345678u);
    }

    // Resampled below 16 kHz (a laundering attempt): the bands under half the rate still carry
    // the mark, and it is read at that rate, or after resampling up again; the unmarked host is
    // not read at any of them.
    void lowSampleRates() {
        ACCORD_REQUIRE_MATERIAL(music, "hyperrogue/hr3-crossroads.ogg");
        ACCORD_REQUIRE_MATERIAL(dir, "fillets-cs/city/cs");
        std::vector<float> speech;
        for (const char* line :
             {"vit-hs-klid1.ogg", "vit-hs-vodovod0.ogg", "vit-m-nebo.ogg", "vit-hs-reklama1.ogg"}) {
            const Channels clip = voice(dir + "/" + line);
            speech.insert(speech.end(), clip[0].begin(), clip[0].end());
            speech.insert(speech.end(), kRate / 2, 0.0f);
        }
        const std::vector<Channels> hosts = {stereo(music, 30, 15), {speech}};
        std::uint32_t payload = 0x5eed0001u;
        for (const Channels& host : hosts) {
            Channels marked = host;
            embedWatermark(marked, kRate, ++payload);
            for (const int rate : {15000, 12000, 11025, 8000}) {
                Channels low, clean;
                for (size_t c = 0; c < host.size(); ++c) {
                    low.push_back(resample(marked[c], kRate, rate));
                    clean.push_back(resample(host[c], kRate, rate));
                }
                const auto found = detectWatermark(low, rate);
                QVERIFY2(
                    found.found,
                    qPrintable(QString("%1 Hz: confidence %2").arg(rate).arg(found.confidence)));
                QCOMPARE(found.payload, payload);
                QVERIFY(!detectWatermark(clean, rate).found);
            }
        }
        // Marked at 8 kHz itself (a conversion of an 8 kHz take).
        Channels narrow{resample(speech, kRate, 8000)};
        const Channels host = narrow;
        embedWatermark(narrow, 8000, 0x0800u);
        QVERIFY(snrDb(host, narrow) >= 30);
        const auto found = detectWatermark(narrow, 8000);
        QVERIFY(found.found);
        QCOMPARE(found.payload, 0x0800u);
    }

    // Detection in a stream equals detection of the whole, whatever the blocks.
    void streamingEqualsWhole() {
        ACCORD_REQUIRE_MATERIAL(path, "hyperrogue/hr3-desert.ogg");
        Channels marked = stereo(path, 40, 9);
        embedWatermark(marked, kRate, 0xb10cu);
        const Channels low{resample(marked[0], kRate, 11025), resample(marked[1], kRate, 11025)};
        for (const auto& [audio, rate] : {std::pair<const Channels&, int>{marked, kRate},
                                          std::pair<const Channels&, int>{low, 11025}}) {
            const auto whole = detectWatermark(audio, rate);
            QVERIFY(whole.found);
            WatermarkDetector detector(rate, 2);
            const size_t frames = audio[0].size();
            size_t at = 0;
            for (const size_t block : {size_t(1), size_t(7), size_t(1000), size_t(4097)})
                for (int i = 0; i < 40 && at < frames; ++i) {
                    const size_t count = std::min(block, frames - at);
                    const float* planar[2] = {audio[0].data() + at, audio[1].data() + at};
                    detector.add(planar, count);
                    at += count;
                }
            const float* rest[2] = {audio[0].data() + at, audio[1].data() + at};
            detector.add(rest, frames - at);
            const auto streamed = detector.finish();
            QVERIFY(streamed.found);
            QCOMPARE(streamed.payload, whole.payload);
            QVERIFY2(
                std::abs(streamed.confidence - whole.confidence) < 1e-4,
                qPrintable(QString("%1 vs %2").arg(streamed.confidence).arg(whole.confidence)));
        }
    }

    // The plugin's mark (docs/PLUGIN.md): a stream marked as it plays, cut in blocks of any
    // size, is the file marked by embedWatermark, delayed by the reported latency, and it reads
    // as the file's does.
    void streamEmbeddingEqualsFileEmbedding() {
        ACCORD_REQUIRE_MATERIAL(dir, "fillets-cs/city/cs");
        std::vector<float> track;
        for (const char* line : {"vit-hs-klid1.ogg", "vit-hs-vodovod0.ogg", "vit-m-nebo.ogg"}) {
            const Channels clip = voice(dir + "/" + line);
            track.insert(track.end(), clip[0].begin(), clip[0].end());
            track.insert(track.end(), kRate / 2, 0.0f);
        }
        for (const int rate : {kRate, 48000}) {
            const Channels host{rate == kRate ? track : resample(track, kRate, rate)};
            const std::size_t frames = host[0].size();
            Channels filed = host;
            embedWatermark(filed, rate, 0x00c0ffeeu);

            std::vector<std::vector<float>> streams;
            int latency = 0;
            for (const std::size_t block : {std::size_t(1), std::size_t(128), std::size_t(4097)}) {
                WatermarkStreamEmbedder embedder(rate, 0x00c0ffeeu);
                latency = embedder.latencyFrames();
                std::vector<float> in(host[0]);
                in.resize(frames + std::size_t(latency), 0.0f);
                std::vector<float> out(in.size());
                for (std::size_t at = 0; at < in.size(); at += block) {
                    const std::size_t count = std::min(block, in.size() - at);
                    embedder.process(in.data() + at, out.data() + at, count);
                }
                streams.push_back(out);
            }
            // 16 ms of the mark and its resamplers, no more.
            qInfo("%d Hz: stream latency %d frames (%.1f ms)", rate, latency,
                  1000.0 * latency / rate);
            QVERIFY(latency > 0 && latency < rate / 20);
            // The same output however the stream is cut.
            QVERIFY(streams[0] == streams[1]);
            QVERIFY(streams[0] == streams[2]);
            const std::vector<float>& streamed = streams[0];
            for (int i = 0; i < latency; ++i)
                QCOMPARE(streamed[std::size_t(i)], 0.0f);

            // The marks, stream against file, over all but the file's last 100 ms (its end is
            // marked with the end of the file known): identical, the same filters marking the same
            // frames.
            std::size_t different = 0;
            for (std::size_t n = 0; n + std::size_t(rate / 10) < frames; ++n)
                different += streamed[n + std::size_t(latency)] != filed[0][n] ? 1 : 0;
            QCOMPARE(different, std::size_t(0));

            const Channels marked{std::vector<float>(streamed.begin() + latency, streamed.end())};
            const auto byStream = detectWatermark(marked, rate);
            const auto byFile = detectWatermark(filed, rate);
            qInfo("%d Hz: confidence by stream %.2f, by file %.2f", rate, byStream.confidence,
                  byFile.confidence);
            QVERIFY(byFile.found);
            QVERIFY(byStream.found);
            QCOMPARE(byStream.payload, 0x00c0ffeeu);
            QVERIFY(std::abs(byStream.confidence - byFile.confidence) < 0.01 * byFile.confidence);
            // Unmarked, the same voice reads as nothing (the mark is what is found).
            QVERIFY(!detectWatermark(host, rate).found);
        }
    }

    void payloadsAreDistinct() {
        ACCORD_REQUIRE_MATERIAL(path, "hyperrogue/hr-savino-ocean.ogg");
        const Channels host = stereo(path, 15, 6);
        for (const std::uint32_t payload : {0u, 1u, 0x80000000u, 0xffffffffu, 0x5a5a5a5au}) {
            Channels marked = host;
            embedWatermark(marked, kRate, payload);
            const auto found = detectWatermark(marked, kRate);
            QVERIFY(found.found);
            QCOMPARE(found.payload, payload);
        }
        // Deterministic: the same input and payload give the same samples.
        Channels a = host, b = host;
        embedWatermark(a, kRate, 99u);
        embedWatermark(b, kRate, 99u);
        QVERIFY(a == b);
    }

    // A payload the detector scored above the threshold but not clear of every other payload is
    // read only when it is a known one; a clear read needs no knowledge.
    void knownPayloadsAreReadWithoutTheMargin() {
        WatermarkDetection close;
        close.confidence = 10.2;
        close.candidate = 0xd3727ae7u;
        close.candidateScore = 9.97; // another payload scored 9.50: inside the margin
        QVERIFY(!close.found);
        QCOMPARE(readKnownPayload(close, [](std::uint32_t p) { return p == 0xd3727ae7u; }),
                 std::optional<std::uint32_t>(0xd3727ae7u));
        QVERIFY(!readKnownPayload(close, [](std::uint32_t p) { return p == 0x12345678u; }));
        WatermarkDetection weak = close;
        weak.candidateScore = kWatermarkThreshold - 0.1;
        QVERIFY(!readKnownPayload(weak, [](std::uint32_t) { return true; }));
        WatermarkDetection clear;
        clear.found = true;
        clear.payload = 7;
        QCOMPARE(readKnownPayload(clear, [](std::uint32_t) { return false; }),
                 std::optional<std::uint32_t>(7u));
        // A real read reports its payload as the candidate too.
        ACCORD_REQUIRE_MATERIAL(path, "hyperrogue/hr-savino-ocean.ogg");
        Channels marked = stereo(path, 15, 6);
        embedWatermark(marked, kRate, 0xabcdef01u);
        const WatermarkDetection read = detectWatermark(marked, kRate);
        QVERIFY(read.found);
        QCOMPARE(read.candidate, 0xabcdef01u);
        QVERIFY(read.candidateScore >= kWatermarkThreshold);
    }

    void noDetectionOnUnmarkedAudio() {
        ACCORD_REQUIRE_MATERIAL(dir, "hyperrogue");
        int clips = 0;
        for (const QString& name : QDir(dir).entryList({"*.ogg"}, QDir::Files, QDir::Name)) {
            const auto media = loadMedia((dir + "/" + name).toStdString(), kRate);
            const long length = static_cast<long>(media->channels[0].size());
            for (long start = 0; start + 8 * kRate <= length && start < 40L * kRate;
                 start += 8 * kRate) {
                Channels clip;
                for (const auto& channel : media->channels)
                    clip.emplace_back(channel.begin() + start, channel.begin() + start + 8 * kRate);
                const auto d = detectWatermark(clip, kRate);
                QVERIFY2(!d.found, qPrintable(name + QString(" at %1 s").arg(start / kRate)));
                QVERIFY(d.confidence < kWatermarkThreshold);
                // Not even a payload everyone knows would be read from it.
                QVERIFY(!readKnownPayload(d, [](std::uint32_t) { return true; }));
                ++clips;
            }
            clearMediaCache();
        }
        QVERIFY(clips >= 50);
    }

    void degenerateInput() {
        QVERIFY(!detectWatermark({}, kRate).found);
        QVERIFY(!detectWatermark({{}}, kRate).found);
        QVERIFY(!detectWatermark({std::vector<float>(100, 0.1f)}, kRate).found);
        Channels silence{std::vector<float>(10 * kRate, 0.0f), std::vector<float>(10 * kRate)};
        embedWatermark(silence, kRate, 5u);
        for (const auto& channel : silence)
            for (float x : channel)
                QCOMPARE(x, 0.0f);
        QVERIFY(!detectWatermark(silence, kRate).found);
        Channels empty{{}, {}};
        embedWatermark(empty, kRate, 5u);
        QVERIFY(empty[0].empty());
        Channels shortClip{std::vector<float>(300, 0.2f)};
        embedWatermark(shortClip, kRate, 5u);
        QVERIFY(!detectWatermark(shortClip, kRate).found);
        Channels uneven{std::vector<float>(10), std::vector<float>(11)};
        QVERIFY_THROWS_EXCEPTION(accord::BadInput, embedWatermark(uneven, kRate, 1u));
        QVERIFY_THROWS_EXCEPTION(accord::BadInput, detectWatermark(uneven, kRate));
        // Under the lowest rate: refused in plain words (no function names).
        QVERIFY(!detectWatermark({{0.0f}}, kWatermarkMinimumRate).found);
        for (const int rate : {kWatermarkMinimumRate - 1, 1}) {
            QVERIFY_THROWS_EXCEPTION(accord::BadInput, detectWatermark({{0.0f}}, rate));
            try {
                Channels one{{0.5f}};
                embedWatermark(one, rate, 1u);
                QFAIL("embedWatermark accepted a rate under the lowest");
            } catch (const accord::BadInput& error) {
                const QString message = QString::fromUtf8(error.what());
                QVERIFY2(message.contains(QString("%1 Hz").arg(rate)) &&
                             !message.contains("Watermark"),
                         qPrintable(message));
            }
        }
        QVERIFY_THROWS_EXCEPTION(accord::BadInput, WatermarkDetector(kRate, 0));
    }
};

QTEST_GUILESS_MAIN(TestWatermark)
#include "test_watermark.moc"
