// Audio files as sample vectors (accord/audio/audio_io.h): the 24-bit WAV/FLAC writer read back,
// its atomicity and its errors.

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
};

QTEST_GUILESS_MAIN(TestAudioIo)
#include "test_audio_io.moc"
