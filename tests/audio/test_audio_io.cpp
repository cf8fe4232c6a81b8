// Audio files as sample vectors (accord/audio/audio_io.h): the 24-bit WAV/FLAC writer read back,
// its atomicity, its errors and the hash it returns.

#include "accord/audio/audio_file.h"
#include "accord/audio/audio_io.h"
#include "accord/core/errors.h"

#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

using namespace accord::audio;

namespace {

constexpr double kPi = 3.14159265358979323846;

} // namespace

class TestAudioIo : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void writesWavAndFlacAtomically() {
        QTemporaryDir dir;
        std::vector<float> s(22050);
        for (size_t n = 0; n < s.size(); ++n)
            s[n] = static_cast<float>(0.5 * std::sin(2 * kPi * 440 * n / 22050.0));
        s[100] = 3.0f; // clipped to full scale
        for (const char* name : {"out.wav", "out.FLAC"}) {
            const std::string path = dir.filePath(name).toStdString();
            writeMonoAudio(path, s, 22050);
            const MonoAudio back = readMonoAudio(path);
            QCOMPARE(back.sampleRate, 22050);
            QCOMPARE(back.channels, 1);
            QCOMPARE(back.samples.size(), s.size());
            double worst = 0;
            for (size_t n = 0; n < s.size(); ++n)
                if (n != 100)
                    worst = std::max(worst, static_cast<double>(std::abs(back.samples[n] - s[n])));
            QVERIFY2(worst < 2.0 / 8388608.0, qPrintable(QString::number(worst))); // 24-bit
            QVERIFY(back.samples[100] > 0.99f);
        }
        const std::string bad = dir.filePath("out.mp3").toStdString();
        try {
            writeMonoAudio(bad, s, 22050);
            QFAIL("an .mp3 output was accepted");
        } catch (const accord::BadInput& error) {
            QVERIFY2(std::string(error.what()).find(bad) != std::string::npos, error.what());
        }
        QVERIFY(!QFile::exists(QString::fromStdString(bad)));
        try {
            readMonoAudio(dir.filePath("missing.wav").toStdString());
            QFAIL("a missing file was read");
        } catch (const accord::BadInput& error) {
            QVERIFY2(std::string(error.what()).find("missing.wav") != std::string::npos,
                     error.what());
        }
    }

    // The writer's hash is what identifyAudioFile reads back (convert registers it without
    // reading its output again), and identifyAudioFile can keep what it decoded: samples half a
    // 24-bit step apart either side of zero, full scale, clipped and NaN samples, in WAV and FLAC,
    // one and two channels.
    void returnsTheHashOfWhatItWrote() {
        QTemporaryDir dir;
        constexpr float kStep = 1.0f / 8388608.0f;
        std::vector<float> left, right;
        for (int k = -300; k <= 300; ++k) {
            left.push_back((float(k) + 0.5f) * kStep);
            right.push_back(float(0.9 * std::sin(0.01 * k)));
        }
        for (float edge : {1.0f, -1.0f, 1.5f, -7.0f, 1.0f - kStep / 2, std::nanf("")}) {
            left.push_back(edge);
            right.push_back(-edge);
        }
        for (const char* name : {"mono.wav", "mono.flac"}) {
            const std::string path = dir.filePath(name).toStdString();
            const std::string written = writeMonoAudio(path, left, 44100);
            QCOMPARE(written, identifyAudioFile(path).pcmSha256);
        }
        for (const char* name : {"stereo.wav", "stereo.flac"}) {
            const std::string path = dir.filePath(name).toStdString();
            const std::string written = writeAudio(path, {left, right}, 48000);
            QCOMPARE(written, identifyAudioFile(path).pcmSha256);
            // Identified and decoded in one reading, as convert reads its performance.
            MultichannelAudio decoded;
            QCOMPARE(identifyAudioFile(path, decoded).pcmSha256, written);
            QCOMPARE(decoded.sampleRate, 48000);
            QVERIFY(decoded.channels == readAudio(path).channels);
        }
    }
};

QTEST_GUILESS_MAIN(TestAudioIo)
#include "test_audio_io.moc"
