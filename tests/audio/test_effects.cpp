// Track EQ, reverb send and master fader (docs/ARCHITECTURE.md "Signal flow"), measured on the
// engine's output: a peaking band's gain at its centre and far from it on sines, shelves, a
// change while playing that moves smoothly, the reverb's tail after a clip ends, the master
// fader as the last gain of the mix.

#include "accord/audio/audio_io.h"
#include "accord/audio/engine.h"

#include "test_support.h"

#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <vector>

namespace {

using accord::audio::Engine;

const double kPi = std::acos(-1.0);

struct Output {
    std::vector<float> left, right;
};

// Plays `frames` frames from the start in blocks of `block`.
Output play(Engine& engine, std::int64_t frames, int block = 256) {
    Output out;
    std::vector<float> left(static_cast<std::size_t>(block));
    std::vector<float> right(static_cast<std::size_t>(block));
    float* outputs[2] = {left.data(), right.data()};
    engine.seek(0);
    engine.play();
    for (std::int64_t done = 0; done < frames; done += block) {
        engine.process(outputs, 2, block);
        out.left.insert(out.left.end(), left.begin(), left.end());
        out.right.insert(out.right.end(), right.begin(), right.end());
    }
    engine.stop();
    return out;
}

double rmsDb(const std::vector<float>& samples, std::size_t from, std::size_t to) {
    double sum = 0;
    for (std::size_t i = from; i < to; ++i)
        sum += double(samples[i]) * samples[i];
    return 10.0 * std::log10(sum / double(to - from));
}

class Fixture {
public:
    explicit Fixture(int rate) : rate_(rate) {}

    // A 2 s sine file at `frequency` (-6 dBFS) and a project of one centred track playing it.
    accord::Project sineProject(double frequency) {
        const std::string file =
            dir_.filePath(QString("sine-%1-%2.wav").arg(frequency).arg(rate_)).toStdString();
        std::vector<float> samples(std::size_t(2 * rate_));
        for (std::size_t i = 0; i < samples.size(); ++i)
            samples[i] = float(0.5 * std::sin(2.0 * kPi * frequency * double(i) / rate_));
        accord::audio::writeMonoAudio(file, samples, rate_);
        accord::Project project;
        project.sampleRate = rate_;
        accord::Track track;
        track.id = "t-1";
        track.name = "Sine";
        accord::Clip clip;
        clip.id = "c-1";
        clip.file = file;
        clip.length = std::int64_t(samples.size());
        track.clips.push_back(clip);
        project.tracks.push_back(track);
        return project;
    }

    // The level change (dB) `eq` makes on a sine at `frequency`, measured over its last second.
    double gainAt(double frequency, const accord::TrackEq& eq) {
        accord::Project project = sineProject(frequency);
        Engine engine;
        engine.setProject(project);
        const Output dry = play(engine, project.length());
        project.tracks[0].eq = eq;
        engine.setProject(project);
        const Output wet = play(engine, project.length());
        const std::size_t from = std::size_t(rate_), to = std::size_t(2 * rate_) - 256;
        return rmsDb(wet.left, from, to) - rmsDb(dry.left, from, to);
    }

private:
    int rate_;
    QTemporaryDir dir_;
};

accord::TrackEq oneBand(accord::EqBandType type, double frequency, double gainDb, double q) {
    accord::TrackEq eq;
    eq.bands.push_back({type, frequency, gainDb, q});
    return eq;
}

} // namespace

class TestEffects : public QObject {
    Q_OBJECT

private slots:
    void peakingBandMeasured_data() {
        QTest::addColumn<int>("rate");
        for (int rate : {44100, 48000, 96000})
            QTest::newRow(qPrintable(QString("%1 Hz").arg(rate))) << rate;
    }

    // +6 dB at 1 kHz (Q 1): +6 dB +-0.3 at 1 kHz, within 0.3 dB of flat three octaves away; the
    // same band switched off changes nothing.
    void peakingBandMeasured() {
        QFETCH(int, rate);
        Fixture fixture(rate);
        const accord::TrackEq peak = oneBand(accord::EqBandType::Peak, 1000, 6, 1);
        const double centre = fixture.gainAt(1000, peak);
        QVERIFY2(std::abs(centre - 6.0) <= 0.3, qPrintable(QString::number(centre)));
        for (double far : {100.0, 10000.0}) {
            const double gain = fixture.gainAt(far, peak);
            QVERIFY2(std::abs(gain) <= 0.3, qPrintable(QString("%1 Hz: %2").arg(far).arg(gain)));
        }
        accord::TrackEq off = peak;
        off.on = false;
        QCOMPARE(fixture.gainAt(1000, off), 0.0);
    }

    // Shelves: -6 dB below a 200 Hz low shelf, +4 dB above a 4 kHz high shelf, each flat on the
    // other side.
    void shelvesMeasured() {
        Fixture fixture(48000);
        const accord::TrackEq low = oneBand(accord::EqBandType::LowShelf, 200, -6, 0.71);
        const accord::TrackEq high = oneBand(accord::EqBandType::HighShelf, 4000, 4, 0.71);
        const double lowBelow = fixture.gainAt(40, low);
        const double lowAbove = fixture.gainAt(5000, low);
        const double highAbove = fixture.gainAt(16000, high);
        const double highBelow = fixture.gainAt(200, high);
        QVERIFY2(std::abs(lowBelow + 6.0) <= 0.3, qPrintable(QString::number(lowBelow)));
        QVERIFY2(std::abs(lowAbove) <= 0.3, qPrintable(QString::number(lowAbove)));
        QVERIFY2(std::abs(highAbove - 4.0) <= 0.3, qPrintable(QString::number(highAbove)));
        QVERIFY2(std::abs(highBelow) <= 0.3, qPrintable(QString::number(highBelow)));
    }

    // Switching an EQ on or off while playing moves over 10 ms: the level, cycle by cycle, changes
    // gradually (a coefficient jump gets there within a cycle or two: a click). Off glides the
    // shelf's gain down, though "off" has no shelf in it.
    void eqSwitchWhilePlayingIsSmooth_data() {
        QTest::addColumn<bool>("on");
        QTest::newRow("a +12 dB bell on at 1 kHz") << true;
        QTest::newRow("a +12 dB low shelf off at 1 kHz") << false;
    }

    void eqSwitchWhilePlayingIsSmooth() {
        QFETCH(bool, on);
        const int rate = 48000;
        Fixture fixture(rate);
        accord::Project project = fixture.sineProject(1000);
        const accord::TrackEq bell = oneBand(accord::EqBandType::Peak, 1000, 12, 1);
        const accord::TrackEq shelf = oneBand(accord::EqBandType::LowShelf, 4000, 12, 0.71);
        if (!on)
            project.tracks[0].eq = shelf;
        Engine engine;
        engine.setProject(project);
        engine.play();
        std::vector<float> left(64), right(64), out;
        float* outputs[2] = {left.data(), right.data()};
        const int switchBlock = 300; // 0.4 s in
        for (int block = 0; block < 600; ++block) {
            if (block == switchBlock)
                engine.setTrackEq("t-1", on ? std::optional(bell) : std::nullopt);
            engine.process(outputs, 2, 64);
            out.insert(out.end(), left.begin(), left.end());
        }
        const std::size_t cycle = 48; // one period of 1 kHz
        double steepest = 0;
        for (std::size_t from = 4800; from + 2 * cycle <= out.size(); from += cycle)
            steepest = std::max(steepest, std::abs(rmsDb(out, from + cycle, from + 2 * cycle) -
                                                   rmsDb(out, from, from + cycle)));
        QVERIFY2(steepest <= 3.0, qPrintable(QString("moved %1 dB in one cycle").arg(steepest)));
        // And it did get there: 12 dB up or down at the end.
        const std::size_t end = out.size();
        const double gain = rmsDb(out, end - 9600, end) - rmsDb(out, 4800, 14400);
        QVERIFY2(std::abs(gain - (on ? 12.0 : -12.0)) <= 0.3, qPrintable(QString::number(gain)));
    }

    // A send keeps sounding after its clip ends (the reverb's tail); without one the same place
    // is digital silence.
    void reverbTailAfterClipEnds() {
        ACCORD_REQUIRE_MATERIAL(words, "alsa/Front_Left.wav");
        accord::Project project;
        project.sampleRate = 48000;
        accord::Track track;
        track.id = "t-1";
        track.name = "Words";
        accord::Clip clip;
        clip.id = "c-1";
        clip.file = words.toStdString();
        clip.length = 48000; // 1 s of it
        track.clips.push_back(clip);
        project.tracks.push_back(track);
        const std::size_t after = 48000 + 2400, until = 48000 + 24000; // 50 .. 500 ms after
        Engine engine;
        engine.setProject(project);
        const Output dry = play(engine, 96000);
        for (std::size_t i = after; i < until; ++i)
            QCOMPARE(dry.left[i], 0.0f);
        project.tracks[0].reverbSendDb = -6;
        project.reverb.roomSize = 0.8;
        engine.setProject(project);
        const Output wet = play(engine, 96000);
        const double tail = rmsDb(wet.left, after, until);
        QVERIFY2(tail > -60.0, qPrintable(QString("tail at %1 dBFS").arg(tail)));
        QVERIFY(rmsDb(wet.right, after, until) > -60.0);
    }

    // A rebuild (an edit) while the tail rings changes nothing: the EQ and reverb state outlive
    // the graph, so the samples equal those of a run without the rebuild.
    void effectsRingOnThroughARebuild() {
        ACCORD_REQUIRE_MATERIAL(words, "alsa/Front_Left.wav");
        accord::Project project;
        project.sampleRate = 48000;
        accord::Track track;
        track.id = "t-1";
        track.name = "Words";
        track.eq = oneBand(accord::EqBandType::Peak, 300, 9, 8); // rings a while
        track.reverbSendDb = -3;
        accord::Clip clip;
        clip.id = "c-1";
        clip.file = words.toStdString();
        clip.length = 48000;
        track.clips.push_back(clip);
        project.tracks.push_back(track);
        accord::Project edited = project;
        edited.tracks[0].name = "Words (renamed)";
        edited.tracks[0].clips[0].fadeOut = 10; // ends before the rebuild is picked up
        std::vector<Output> runs;
        for (bool rebuild : {false, true}) {
            Engine engine;
            engine.setProject(project);
            engine.play();
            Output out;
            std::vector<float> left(500), right(500);
            float* outputs[2] = {left.data(), right.data()};
            for (int block = 0; block < 200; ++block) {
                if (rebuild && block == 100) // 1.04 s: the clip has ended, the tail rings
                    engine.setProject(edited);
                engine.process(outputs, 2, 500);
                out.left.insert(out.left.end(), left.begin(), left.end());
            }
            runs.push_back(out);
        }
        QVERIFY(rmsDb(runs[0].left, 50000, 60000) > -70.0); // there is a tail to keep
        QVERIFY(runs[0].left == runs[1].left);
    }

    // A project at another rate: the EQ is redesigned for it and the reverb bus remade.
    void rateChangeRedesignsTheEq() {
        Fixture at44(44100), at96(96000);
        const accord::TrackEq peak = oneBand(accord::EqBandType::Peak, 1000, 6, 1);
        accord::Project first = at44.sineProject(1000);
        accord::Project second = at96.sineProject(1000);
        first.tracks[0].eq = second.tracks[0].eq = peak;
        first.tracks[0].reverbSendDb = second.tracks[0].reverbSendDb = -40;
        Engine engine;
        engine.setProject(first);
        play(engine, 44100);
        engine.setProject(second);
        const Output wet = play(engine, second.length());
        second.tracks[0].eq.reset();
        second.tracks[0].reverbSendDb.reset();
        Engine dry;
        dry.setProject(second);
        const Output flat = play(dry, second.length());
        const double gain = rmsDb(wet.left, 96000, 190000) - rmsDb(flat.left, 96000, 190000);
        QVERIFY2(std::abs(gain - 6.0) <= 0.3, qPrintable(QString::number(gain)));
    }

    // The master fader is the mix's last gain: every sample is the 0 dB mix times its gain, and
    // a change while playing lands on the exact new gain after 10 ms.
    void masterFaderScalesTheMix() {
        Fixture fixture(48000);
        accord::Project project = fixture.sineProject(440);
        project.tracks[0].eq = oneBand(accord::EqBandType::Peak, 440, 3, 2);
        Engine engine;
        engine.setProject(project);
        const Output unity = play(engine, 48000);
        project.masterGainDb = -7.5;
        engine.setProject(project);
        const Output quieter = play(engine, 48000);
        const float gain = float(std::pow(10.0, -7.5 / 20.0));
        for (std::size_t i = 0; i < unity.left.size(); ++i)
            QVERIFY2(quieter.left[i] == unity.left[i] * gain,
                     qPrintable(QString("frame %1: %2, not %3")
                                    .arg(i)
                                    .arg(quieter.left[i])
                                    .arg(unity.left[i] * gain)));
        engine.seek(0);
        engine.play();
        engine.setMasterGain(0.0);
        std::vector<float> left(4800), right(4800);
        float* outputs[2] = {left.data(), right.data()};
        engine.process(outputs, 2, 4800); // the 10 ms ramp and more, from 0 s
        for (std::size_t i = 480; i < left.size(); ++i)
            QCOMPARE(left[i], unity.left[i]);
    }
};

QTEST_GUILESS_MAIN(TestEffects)
#include "test_effects.moc"
