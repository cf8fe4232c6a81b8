// The metronome and the count-in (docs/ARCHITECTURE.md "Audio engine"): clicks start exactly on
// the beats of the project's metre (3/4, 7/8 at tempos whose beats are not whole samples), the
// first beat of a bar is the higher click, the output does not depend on the block sizes, the
// meters never see the click, and a count-in holds the playhead for its bars with clicks on the
// grid before it that lead into the music's beat.

#include "accord/audio/engine.h"

#include <QtTest>

#include <random>
#include <vector>

namespace {

using accord::audio::Engine;

struct Click {
    std::int64_t onset = 0; // first frame of the click (its first sample is 0: the attack)
    int crossings = 0;      // zero crossings over its first 20 ms: tells the pitch
};

// Plays `frames` frames of `engine` in blocks of random sizes (1..1024); returns the left side.
std::vector<float> play(Engine& engine, std::int64_t frames, unsigned seed) {
    std::vector<float> left(std::size_t(frames), 0.0f), right(std::size_t(frames), 0.0f);
    std::mt19937 random(seed);
    std::uniform_int_distribution<int> sizes(1, 1024);
    for (std::int64_t done = 0; done < frames;) {
        const int count = int(std::min<std::int64_t>(sizes(random), frames - done));
        float* outputs[2] = {left.data() + done, right.data() + done};
        engine.process(outputs, 2, count);
        done += count;
    }
    if (left != right)
        qFatal("the click is not centred");
    return left;
}

// Clicks found in `signal`: a sound after at least 2 ms of silence.
std::vector<Click> clicks(const std::vector<float>& signal, int rate) {
    std::vector<Click> found;
    std::int64_t silent = rate;
    for (std::size_t i = 0; i < signal.size(); ++i) {
        if (signal[i] == 0.0f) {
            ++silent;
            continue;
        }
        if (silent >= rate / 500) {
            Click click;
            click.onset = std::int64_t(i) - 1;
            for (std::size_t k = i + 1; k < std::min(signal.size(), i + std::size_t(rate / 50));
                 ++k)
                click.crossings += (signal[k - 1] < 0) != (signal[k] < 0);
            found.push_back(click);
        }
        silent = 0;
    }
    return found;
}

accord::Project emptyProject(int rate, double tempo, accord::TimeSignature signature) {
    accord::Project project;
    project.sampleRate = rate;
    project.tempo = tempo;
    project.timeSignature = signature;
    return project;
}

} // namespace

class TestMetronome : public QObject {
    Q_OBJECT

private slots:
    void clicksFallOnTheBeatsOfTheMetre_data() {
        QTest::addColumn<int>("rate");
        QTest::addColumn<double>("tempo");
        QTest::addColumn<int>("beats");
        QTest::addColumn<int>("unit");
        QTest::newRow("3/4 at 120, 48 kHz") << 48000 << 120.0 << 3 << 4;
        QTest::newRow("7/8 at 97.3, 44.1 kHz") << 44100 << 97.3 << 7 << 8;
        QTest::newRow("6/8 at 140, 96 kHz") << 96000 << 140.0 << 6 << 8;
    }
    void clicksFallOnTheBeatsOfTheMetre() {
        QFETCH(int, rate);
        QFETCH(double, tempo);
        QFETCH(int, beats);
        QFETCH(int, unit);
        const accord::Project project = emptyProject(rate, tempo, {beats, unit});
        const accord::Metre metre = accord::projectMetre(project);
        Engine engine;
        engine.setProject(project);
        engine.setMetronome(true, -6.0);
        engine.play();
        const std::int64_t length = metre.beatStart(3 * beats) + rate / 10;
        const std::vector<float> out = play(engine, length, 1);
        const std::vector<Click> found = clicks(out, rate);
        QCOMPARE(int(found.size()), 3 * beats + 1);
        for (int beat = 0; beat <= 3 * beats; ++beat) {
            QCOMPARE(found[std::size_t(beat)].onset, metre.beatStart(beat));
            const bool accent = beat % beats == 0;
            // 1760 Hz against 880 Hz: about 70 against 35 crossings in 20 ms.
            const int crossings = found[std::size_t(beat)].crossings;
            QVERIFY2(accent ? crossings > 60 : (crossings > 28 && crossings < 42),
                     qPrintable(QStringLiteral("beat %1: %2 crossings").arg(beat).arg(crossings)));
        }
        float peak = 0;
        for (float sample : out)
            peak = std::max(peak, std::abs(sample));
        QVERIFY2(std::abs(20 * std::log10(peak) + 6.0) < 0.5, qPrintable(QString::number(peak)));
        // Heard, never metered.
        QCOMPARE(engine.masterMeter().left, 0.0f);

        // The same frames in other blocks: sample for sample the same.
        Engine again;
        again.setProject(project);
        again.setMetronome(true, -6.0);
        again.play();
        QVERIFY(play(again, length, 7) == out);
    }

    void offIsSilent() {
        const accord::Project project = emptyProject(48000, 120, {4, 4});
        Engine engine;
        engine.setProject(project);
        engine.play();
        const std::vector<float> out = play(engine, 96000, 2);
        QVERIFY(std::all_of(out.begin(), out.end(), [](float s) { return s == 0.0f; }));
    }

    // A count-in of one bar from the middle of a beat: the playhead waits a bar, the clicks keep
    // one steady beat from the count-in into the music, the bar's first beat accented.
    void countInLeadsIntoTheBeat() {
        const int rate = 48000;
        const accord::Project project = emptyProject(rate, 120, {4, 4}); // a beat: 24000 frames
        Engine engine;
        engine.setProject(project);
        engine.setMetronome(true, -6.0);
        engine.seek(30000);
        engine.play(1);
        const std::vector<float> during = play(engine, 50000, 3);
        QVERIFY(engine.isCountingIn());
        QCOMPARE(engine.playhead(), std::int64_t(30000));
        const std::vector<float> after = play(engine, 46000 + 60000, 4);
        QVERIFY(!engine.isCountingIn());
        QCOMPARE(engine.playhead(), std::int64_t(30000 + 60000));
        std::vector<float> whole = during;
        whole.insert(whole.end(), after.begin(), after.end());
        const std::vector<Click> found = clicks(whole, rate);
        // The count-in covers the timeline's [-66000, 30000): beats at -48000, -24000, 0 and
        // 24000; then the music's beats at 48000 and 72000.
        const std::vector<std::int64_t> expected = {18000, 42000, 66000, 90000, 114000, 138000};
        QCOMPARE(found.size(), expected.size());
        for (std::size_t i = 0; i < expected.size(); ++i)
            QCOMPARE(found[i].onset, expected[i]);
        QVERIFY(found[2].crossings > 60); // the timeline's beat 0 starts a bar
        QVERIFY(found[1].crossings < 42);
    }

    // With the master limiter on, the music reaches the output its look-ahead late: the count-in
    // still sounds exactly as without it and the playhead, which follows what is heard, lands at
    // the same place. play() while playing never counts in again: the playhead goes on.
    void countInFollowsTheLimiter() {
        const int rate = 48000;
        accord::Project project = emptyProject(rate, 120, {4, 4});
        auto countIn = [&](Engine& engine) {
            engine.setProject(project);
            engine.setMetronome(true, -6.0);
            engine.seek(30000);
            engine.play(1);
            return play(engine, 156000, 3);
        };
        Engine plain;
        const std::vector<float> reference = countIn(plain);
        QCOMPARE(plain.playhead(), std::int64_t(90000));
        project.limiter = {true, -1.0};
        Engine limited;
        const std::vector<float> out = countIn(limited);
        QVERIFY(limited.masterLatencyFrames() > 0);
        QCOMPARE(clicks(out, rate).size(), std::size_t(6));
        QVERIFY(out == reference);
        QCOMPARE(limited.playhead(), std::int64_t(90000));

        limited.play(2);
        play(limited, 1000, 6);
        QVERIFY(!limited.isCountingIn());
        QCOMPARE(limited.playhead(), std::int64_t(91000));
    }

    // A count-in clicks even with the metronome off; the music then plays without clicks.
    void countInClicksWithTheMetronomeOff() {
        const accord::Project project = emptyProject(48000, 120, {3, 4});
        Engine engine;
        engine.setProject(project);
        engine.setMetronome(false, -6.0);
        engine.play(2);
        const std::vector<float> out = play(engine, 6 * 24000 + 48000, 5);
        const std::vector<Click> found = clicks(out, 48000);
        QCOMPARE(found.size(), std::size_t(6));
        QCOMPARE(found.back().onset, std::int64_t(5 * 24000));
        QCOMPARE(engine.playhead(), std::int64_t(48000));
    }
};

QTEST_GUILESS_MAIN(TestMetronome)
#include "test_metronome.moc"
