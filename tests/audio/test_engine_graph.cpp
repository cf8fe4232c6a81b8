// The playback graph against an independent reference mix (plain loops in double precision over
// the decoded clip buffers), over sample rates and block sizes, random ones included (as
// Tracktion's tests run every graph): clips with offsets, fades, gains, pans, overlaps, media
// shorter than the clip, mute/solo, seeks, loops and control changes. And render == playback,
// also for a comped track.

#include "accord/audio/engine.h"
#include "accord/audio/media.h"
#include "accord/audio/render.h"
#include "accord/core/errors.h"
#include "accord/core/thread_checks.h"

#include "death_test.h"
#include "test_support.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtEndian>
#include <QtTest>

#include <cmath>
#include <map>
#include <memory>
#include <random>
#include <thread>
#include <vector>

namespace {

using accord::audio::DecodedMedia;
using accord::audio::Engine;

const QString kWordsLeft = "alsa/Front_Left.wav";              // 48 kHz mono, spoken, 1.48 s
const QString kWordsRight = "alsa/Front_Right.wav";            // 48 kHz mono, spoken
const QString kWordsCenter = "alsa/Front_Center.wav";          // 48 kHz mono, spoken
const QString kPiano = "npm/piano-velocity10/audio/A1v10.ogg"; // 48 kHz stereo Vorbis, 23 s
const QString kLena = "npm/audio-lena/lena.flac";              // 44.1 kHz mono, singing, 12 s

constexpr double kTolerance = 1e-6;

std::int64_t at(int rate, double seconds) {
    return std::int64_t(std::llround(seconds * rate));
}

// The project under test, in samples at `rate`.
accord::Project makeProject(int rate) {
    const QString root = accord::test::materialRoot() + "/";
    accord::Project project;
    project.sampleRate = rate;
    auto clip = [&](const QString& file, double position, double offset, double length,
                    double gainDb, double fadeIn, double fadeOut) {
        accord::Clip c;
        c.id = project.nextClipId();
        c.file = (root + file).toStdString();
        c.position = at(rate, position);
        c.offset = at(rate, offset);
        c.length = at(rate, length);
        c.gainDb = gainDb;
        c.fadeIn = at(rate, fadeIn);
        c.fadeOut = at(rate, fadeOut);
        return c;
    };
    auto track = [&](const std::string& name, double gainDb, double pan) {
        accord::Track t;
        t.id = project.nextTrackId();
        t.name = name;
        t.gainDb = gainDb;
        t.pan = pan;
        project.tracks.push_back(t);
        return &project.tracks.back();
    };
    accord::Track* words = track("Words", -2.0, 0.0);
    words->clips.push_back(clip(kWordsLeft, 0.10, 0.0, 1.40, -3.0, 0.05, 0.20));
    words->clips.push_back(clip(kWordsRight, 1.20, 0.1, 1.20, 0.0, 0.30, 0.0)); // overlaps
    // Longer than its media (1.4 s): silent past the media's end.
    words->clips.push_back(clip(kWordsCenter, 2.30, 0.0, 2.50, 1.5, 0.0, 0.5));
    accord::Track* piano = track("Piano", -4.0, -0.6);
    piano->clips.push_back(clip(kPiano, 0.30, 0.50, 2.50, 2.0, 0.01, 0.70));
    piano->clips.push_back(clip(kPiano, 3.10, 5.00, 1.20, -6.0, 0.0, 0.0));
    accord::Track* lena = track("Lena", -1.0, 0.8);
    lena->clips.push_back(clip(kLena, 0.0, 1.0, 3.0, 0.0, 0.25, 0.25));
    accord::Track* muted = track("Muted", 0.0, 0.0);
    muted->mute = true;
    muted->clips.push_back(clip(kLena, 0.5, 4.0, 2.0, 0.0, 0.0, 0.0));
    return project;
}

// The project with effects on: EQs on two tracks, sends from three (one of them muted, so it
// sends nothing), a reverb bus and the master fader.
accord::Project withEffects(accord::Project project) {
    accord::TrackEq eq = accord::TrackEq::standard();
    eq.bands[0].gainDb = -4;
    eq.bands[1] = {accord::EqBandType::Peak, 1000, 6, 1.5};
    eq.bands[3].gainDb = 3;
    project.tracks[0].eq = eq;
    accord::TrackEq notch = accord::TrackEq::standard();
    notch.bands[2].gainDb = -8;
    notch.bands[2].q = 4;
    project.tracks[1].eq = notch;
    project.tracks[0].reverbSendDb = -6;
    project.tracks[2].reverbSendDb = -12;
    project.tracks[3].reverbSendDb = 0;
    project.masterGainDb = -3;
    project.reverb = {0.7, 0.4, 0.8, -2};
    return project;
}

// The effects and the master limiter, its ceiling low enough to work on this material.
constexpr double kCeilingDbtp = -14.0;
accord::Project withMasterChain(const accord::Project& project) {
    accord::Project chain = withEffects(project);
    chain.limiter = {true, kCeilingDbtp};
    return chain;
}

double peakOf(const std::vector<float>& samples) {
    float peak = 0;
    for (float sample : samples)
        peak = std::max(peak, std::abs(sample));
    return peak;
}

struct Stereo {
    std::vector<double> left, right;
    std::size_t size() const { return left.size(); }
};

// The reference: every audible track's clips summed with plain loops, in double precision.
Stereo referenceMix(const accord::Project& project) {
    const std::int64_t length = project.length();
    Stereo out{std::vector<double>(std::size_t(length)), std::vector<double>(std::size_t(length))};
    bool anySolo = false;
    for (const auto& track : project.tracks)
        anySolo = anySolo || track.solo;
    for (const auto& track : project.tracks) {
        if (track.mute || (anySolo && !track.solo))
            continue;
        const double gain = std::pow(10.0, track.gainDb / 20.0);
        const double pi = std::acos(-1.0);
        const double panLeft = track.pan <= 0 ? 1.0 : std::cos(track.pan * pi / 2);
        const double panRight = track.pan >= 0 ? 1.0 : std::cos(-track.pan * pi / 2);
        for (const auto& clip : track.clips) {
            const auto media = accord::audio::loadMedia(clip.file, project.sampleRate);
            const double clipGain = std::pow(10.0, clip.gainDb / 20.0);
            for (std::int64_t k = 0; k < clip.length; ++k) {
                const std::int64_t t = clip.position + k;
                const std::int64_t source = clip.offset + k;
                if (t >= length || source >= media->frames)
                    break;
                double g = clipGain;
                if (k < clip.fadeIn)
                    g *= double(k) / double(clip.fadeIn);
                if (k >= clip.length - clip.fadeOut)
                    g *= double(clip.length - k) / double(clip.fadeOut);
                const double l = media->channels[0][std::size_t(source)];
                const double r =
                    media->channels.size() > 1 ? media->channels[1][std::size_t(source)] : l;
                out.left[std::size_t(t)] += gain * panLeft * g * l;
                out.right[std::size_t(t)] += gain * panRight * g * r;
            }
        }
    }
    return out;
}

// Block sizes: a fixed size, or (0) random sizes from 1 to 2048.
class Blocks {
public:
    Blocks(int size, unsigned seed) : size_(size), random_(seed) {}
    int next() { return size_ > 0 ? size_ : std::uniform_int_distribution<int>(1, 2048)(random_); }

private:
    int size_;
    std::mt19937 random_;
};

struct Pulled {
    std::vector<float> left, right;
};

// Pulls exactly `frames` frames through Engine::process as an audio callback would.
void pull(Engine& engine, std::int64_t frames, Blocks& blocks, Pulled& into) {
    std::vector<float> left(2048), right(2048);
    for (std::int64_t done = 0; done < frames;) {
        const int count = int(std::min<std::int64_t>(blocks.next(), frames - done));
        float* outputs[2] = {left.data(), right.data()};
        engine.process(outputs, 2, count);
        into.left.insert(into.left.end(), left.begin(), left.begin() + count);
        into.right.insert(into.right.end(), right.begin(), right.begin() + count);
        done += count;
    }
}

double sampleAt(const std::vector<double>& channel, std::int64_t index) {
    return index >= 0 && index < std::int64_t(channel.size()) ? channel[std::size_t(index)] : 0.0;
}

// Compares pulled frames [from, to) with the reference at timeline positions position(i).
template <typename Position>
bool matches(const Pulled& got, const Stereo& expected, std::size_t from, std::size_t to,
             Position position, QString& why) {
    double worst = 0;
    std::size_t worstAt = 0;
    for (std::size_t i = from; i < to; ++i) {
        const std::int64_t t = position(i);
        const double dl = std::abs(got.left[i] - sampleAt(expected.left, t));
        const double dr = std::abs(got.right[i] - sampleAt(expected.right, t));
        if (std::max(dl, dr) > worst) {
            worst = std::max(dl, dr);
            worstAt = i;
        }
    }
    if (worst <= kTolerance)
        return true;
    why = QString("max |difference| %1 at output frame %2 (timeline %3)")
              .arg(worst)
              .arg(worstAt)
              .arg(position(worstAt));
    return false;
}

double energy(const Stereo& mix) {
    double sum = 0;
    for (std::size_t i = 0; i < mix.size(); ++i)
        sum += mix.left[i] * mix.left[i] + mix.right[i] * mix.right[i];
    return sum;
}

// The samples of a 32-bit float WAV file, read with a minimal RIFF parser of our own (sox
// would convert through 32-bit integers, which is not lossless for floats).
std::vector<float> wavFloats(const QString& path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    const QByteArray bytes = file.readAll();
    if (bytes.size() < 12 || !bytes.startsWith("RIFF") || bytes.mid(8, 4) != "WAVE")
        return {};
    for (qsizetype at = 12; at + 8 <= bytes.size();) {
        const QByteArray id = bytes.mid(at, 4);
        const quint32 size = qFromLittleEndian<quint32>(bytes.constData() + at + 4);
        if (id == "data") {
            std::vector<float> samples(std::size_t(size) / sizeof(float));
            std::memcpy(samples.data(), bytes.constData() + at + 8, samples.size() * sizeof(float));
            return samples;
        }
        at += 8 + qsizetype(size) + (size & 1u);
    }
    return {};
}

// Renders `what` as float WAVs (mix and stems) into `folder` of `scratch`, in blocks of
// `blockSize`, and reads them back in the order the render wrote them.
std::vector<std::vector<float>> renderedFloats(const accord::Project& what,
                                               const QTemporaryDir& scratch, const QString& folder,
                                               int blockSize) {
    QDir(scratch.path()).mkdir(folder);
    accord::audio::RenderRequest request;
    request.mixPath = scratch.filePath(folder + "/mix.wav").toStdString();
    request.stemsDir = scratch.filePath(folder).toStdString();
    request.format = accord::audio::RenderFormat::WavFloat32;
    request.blockSize = blockSize;
    std::vector<std::vector<float>> files;
    for (const auto& file : accord::audio::renderProject(what, request))
        files.push_back(wavFloats(QString::fromStdString(file.path)));
    return files;
}

} // namespace

#define REQUIRE_ALL_MATERIAL()                                                                     \
    for (const QString& relative : {kWordsLeft, kWordsRight, kWordsCenter, kPiano, kLena}) {       \
        ACCORD_REQUIRE_MATERIAL(file, relative);                                                   \
        Q_UNUSED(file);                                                                            \
    }

class TestEngineGraph : public QObject {
    Q_OBJECT

    std::map<int, accord::Project> projects_;

    const accord::Project& project(int rate) {
        auto found = projects_.find(rate);
        if (found == projects_.end())
            found = projects_.emplace(rate, makeProject(rate)).first;
        return found->second;
    }

private slots:
    void graphMatchesReference_data() {
        QTest::addColumn<int>("rate");
        QTest::addColumn<int>("block");
        for (int rate : {44100, 48000, 96000})
            for (int block : {32, 100, 128, 441, 512, 1000, 1024, 2048, 0})
                QTest::newRow(qPrintable(QString("%1 Hz, %2")
                                             .arg(rate)
                                             .arg(block > 0 ? QString("block %1").arg(block)
                                                            : QString("random blocks"))))
                    << rate << block;
    }

    void graphMatchesReference() {
        QFETCH(int, rate);
        QFETCH(int, block);
        REQUIRE_ALL_MATERIAL();
        const accord::Project& base = project(rate);
        const Stereo reference = referenceMix(base);
        const std::int64_t length = base.length();
        QCOMPARE(std::int64_t(reference.size()), length);
        QVERIFY(energy(reference) > 100.0); // real material sounds in it

        Engine engine;
        engine.setProject(base);
        QCOMPARE(engine.sampleRate(), rate);
        Blocks blocks(block, unsigned(rate + block));
        QString why;

        // 1. Play from the start to past the end (silence after it).
        {
            engine.seek(0);
            engine.play();
            Pulled got;
            pull(engine, length + 3000, blocks, got);
            QVERIFY2(matches(
                         got, reference, 0, got.left.size(),
                         [](std::size_t i) { return std::int64_t(i); }, why),
                     qPrintable("play: " + why));
            QCOMPARE(engine.playhead(), length + 3000);
        }
        // 2. Seek while playing: lands exactly at the target on the next callback.
        {
            engine.seek(0);
            const std::int64_t before = length / 3;
            const std::int64_t target = length / 2 + 17;
            Pulled got;
            pull(engine, before, blocks, got);
            engine.seek(target);
            QCOMPARE(engine.playhead(), target); // visible before the audio thread applies it
            pull(engine, length - target, blocks, got);
            QVERIFY2(matches(
                         got, reference, 0, got.left.size(),
                         [&](std::size_t i) {
                             return std::int64_t(i) < before ? std::int64_t(i)
                                                             : target + std::int64_t(i) - before;
                         },
                         why),
                     qPrintable("seek: " + why));
            QCOMPARE(engine.playhead(), length);
        }
        // 3. Loop: the end wraps to the start inside a block, sample-exactly.
        {
            const std::int64_t start = length / 4 + 3;
            const std::int64_t end = length / 2 + 5;
            const std::int64_t from = length / 8;
            engine.setLoop(std::make_pair(start, end));
            engine.seek(from);
            Pulled got;
            const std::int64_t frames = (end - from) + 3 * (end - start) + 123;
            pull(engine, frames, blocks, got);
            QVERIFY2(matches(
                         got, reference, 0, got.left.size(),
                         [&](std::size_t i) {
                             const std::int64_t t = from + std::int64_t(i);
                             return t < end ? t : start + (t - end) % (end - start);
                         },
                         why),
                     qPrintable("loop: " + why));
            QCOMPARE(engine.playhead(), start + 123);
            engine.setLoop(std::nullopt);
        }
        // 4. Mute and solo through the atomics (changed while stopped: they apply at once).
        {
            engine.stop();
            engine.setTrackSolo(base.tracks[1].id, true); // piano
            engine.setTrackSolo(base.tracks[2].id, true); // lena, also muted: mute wins
            engine.setTrackMute(base.tracks[2].id, true);
            engine.setTrackMute(base.tracks[3].id, false); // unmuted but not soloed
            engine.seek(0);
            Pulled ignored;
            pull(engine, 64, blocks, ignored); // a stopped callback outputs silence
            QVERIFY(std::all_of(ignored.left.begin(), ignored.left.end(),
                                [](float x) { return x == 0.0f; }));
            QCOMPARE(engine.playhead(), std::int64_t(0));
            accord::Project soloed = base;
            soloed.tracks[1].solo = soloed.tracks[2].solo = soloed.tracks[2].mute = true;
            soloed.tracks[3].mute = false;
            const Stereo expected = referenceMix(soloed);
            engine.play();
            Pulled got;
            pull(engine, length, blocks, got);
            QVERIFY2(matches(
                         got, expected, 0, got.left.size(),
                         [](std::size_t i) { return std::int64_t(i); }, why),
                     qPrintable("mute/solo: " + why));
            engine.stop();
            for (int t = 0; t < 4; ++t) {
                engine.setTrackSolo(base.tracks[std::size_t(t)].id, false);
                engine.setTrackMute(base.tracks[std::size_t(t)].id,
                                    base.tracks[std::size_t(t)].mute);
            }
        }
        // 5. Gain and pan changed while playing: a 10 ms ramp, then exactly the new values.
        {
            engine.seek(0);
            Pulled ignored;
            pull(engine, 1, blocks, ignored); // stopped: applies the restored controls
            engine.play();
            accord::Project changed = base;
            changed.tracks[0].gainDb = -9.0;
            changed.tracks[0].pan = 0.35;
            changed.tracks[2].gainDb = 3.0;
            changed.tracks[2].pan = -1.0;
            const Stereo before = referenceMix(base);
            const Stereo after = referenceMix(changed);
            Pulled got;
            const std::int64_t switchAt = length / 3;
            pull(engine, switchAt, blocks, got);
            engine.setTrackGain(changed.tracks[0].id, -9.0);
            engine.setTrackPan(changed.tracks[0].id, 0.35);
            engine.setTrackGain(changed.tracks[2].id, 3.0);
            engine.setTrackPan(changed.tracks[2].id, -1.0);
            pull(engine, length - switchAt, blocks, got);
            const auto identity = [](std::size_t i) { return std::int64_t(i); };
            QVERIFY2(matches(got, before, 0, std::size_t(switchAt), identity, why),
                     qPrintable("before the change: " + why));
            const std::size_t ramp = std::size_t(std::lround(rate * 0.010));
            QVERIFY2(
                matches(got, after, std::size_t(switchAt) + ramp, got.left.size(), identity, why),
                qPrintable("after the ramp: " + why));
            // Inside the ramp each sample lies between the old and the new mix.
            for (std::size_t i = std::size_t(switchAt); i < std::size_t(switchAt) + ramp; ++i) {
                const double low = std::min(before.left[i], after.left[i]) - kTolerance;
                const double high = std::max(before.left[i], after.left[i]) + kTolerance;
                QVERIFY2(got.left[i] >= low && got.left[i] <= high,
                         qPrintable(QString("ramp frame %1 outside [%2, %3]: %4")
                                        .arg(i)
                                        .arg(low)
                                        .arg(high)
                                        .arg(got.left[i])));
            }
        }
    }

    // A rebuild with a changed project keeps the transport and plays the new graph.
    void rebuildKeepsTransport() {
        REQUIRE_ALL_MATERIAL();
        const accord::Project& base = project(48000);
        Engine engine;
        engine.setProject(base);
        engine.seek(1000);
        engine.play();
        Blocks blocks(256, 7);
        Pulled got;
        pull(engine, 4000, blocks, got);
        accord::Project moved = base;
        moved.tracks[1].clips[0].position += 4800;
        moved.tracks[2].clips[0].offset += 100;
        engine.setProject(moved);
        QCOMPARE(engine.playhead(), std::int64_t(5000));
        QVERIFY(engine.isPlaying());
        pull(engine, moved.length() - 5000, blocks, got);
        const Stereo before = referenceMix(base);
        const Stereo after = referenceMix(moved);
        QString why;
        QVERIFY2(
            matches(
                got, before, 0, 4000, [](std::size_t i) { return std::int64_t(i) + 1000; }, why),
            qPrintable(why));
        QVERIFY2(matches(
                     got, after, 4000, got.left.size(),
                     [](std::size_t i) { return std::int64_t(i) + 1000; }, why),
                 qPrintable(why));
    }

    void metersAndMonoOutput() {
        REQUIRE_ALL_MATERIAL();
        const accord::Project& base = project(48000);
        const Stereo reference = referenceMix(base);
        Engine engine;
        engine.setProject(base);
        engine.play();
        std::vector<float> mono(base.length());
        float* outputs[1] = {mono.data()};
        engine.process(outputs, 1, int(mono.size()));
        double worst = 0, peakL = 0, peakR = 0;
        for (std::size_t i = 0; i < mono.size(); ++i) {
            worst =
                std::max(worst, std::abs(mono[i] - 0.5 * (reference.left[i] + reference.right[i])));
            peakL = std::max(peakL, std::abs(reference.left[i]));
            peakR = std::max(peakR, std::abs(reference.right[i]));
        }
        QVERIFY2(worst < kTolerance, qPrintable(QString::number(worst)));
        const accord::audio::MeterReading master = engine.masterMeter();
        QVERIFY(std::abs(master.left - peakL) < 1e-6 && std::abs(master.right - peakR) < 1e-6);
        const accord::audio::MeterReading again = engine.masterMeter(); // reading resets
        QCOMPARE(again.left, 0.0f);
        QVERIFY(engine.trackMeter(base.tracks[0].id).left > 0.01f);
        QCOMPARE(engine.trackMeter(base.tracks[3].id).left, 0.0f); // muted
        QCOMPARE(engine.trackMeter("no-such-track").left, 0.0f);
    }

    // The thread table in code (docs/ARCHITECTURE.md "Threads"): the engine's message-thread
    // functions refuse another thread, and decoding refuses the audio callback.
    void threadsMeetWhereTheTableSays() {
#ifndef ACCORD_THREAD_CHECKS
        QSKIP("built without ACCORD_THREAD_CHECKS");
#endif
        const auto otherThread = accord::test::runInChild([] {
            Engine engine;
            std::thread worker([&engine] { engine.setProject(accord::Project{}); });
            worker.join();
        });
        QVERIFY(otherThread.aborted);
        QVERIFY2(otherThread.stderrText.contains("Engine::setProject runs only on the thread"),
                 qPrintable(otherThread.stderrText));

        const auto decodingInCallback = accord::test::runInChild([] {
            const accord::threads::AudioCallbackScope callback;
            accord::audio::loadMedia("/nonexistent.wav", 48000);
        });
        QVERIFY(decodingInCallback.aborted);
        QVERIFY2(decodingInCallback.stderrText.contains(
                     "audio::loadMedia must never run on the audio thread"),
                 qPrintable(decodingInCallback.stderrText));
    }

    void badLoopIsRefused() {
        Engine engine;
        QVERIFY_THROWS_EXCEPTION(accord::BadInput, engine.setLoop(std::make_pair(100, 100)));
        QVERIFY_THROWS_EXCEPTION(accord::BadInput, engine.setLoop(std::make_pair(-5, 100)));
    }

    // Render == playback: renderProject's 32-bit float mix and stems, read back from the files,
    // equal what Engine::process produces in random block sizes, sample for sample.
    void effectsIndependentOfBlockSize_data() {
        QTest::addColumn<int>("rate");
        QTest::addColumn<int>("block");
        for (int rate : {44100, 48000, 96000})
            for (int block : {1, 64, 128, 1000, 0})
                QTest::newRow(qPrintable(QString("%1 Hz, %2")
                                             .arg(rate)
                                             .arg(block > 0 ? QString("block %1").arg(block)
                                                            : QString("random blocks"))))
                    << rate << block;
    }

    // EQ, sends, reverb, master fader and limiter give the same samples whatever the block size,
    // through the end of the clips and the reverb's tail after it.
    void effectsIndependentOfBlockSize() {
        QFETCH(int, rate);
        QFETCH(int, block);
        REQUIRE_ALL_MATERIAL();
        const accord::Project effects = withMasterChain(project(rate));
        const std::int64_t frames = effects.length() + rate;
        Pulled reference, got;
        for (auto [size, into] : {std::pair(1024, &reference), std::pair(block, &got)}) {
            Engine engine;
            engine.setProject(effects);
            engine.play();
            Blocks blocks(size, unsigned(rate));
            pull(engine, frames, blocks, *into);
        }
        std::size_t differing = 0;
        for (std::size_t i = 0; i < got.left.size(); ++i)
            differing += (got.left[i] != reference.left[i]) + (got.right[i] != reference.right[i]);
        QCOMPARE(differing, std::size_t(0));
        // The effects do something: not the plain mix, and a tail after the last clip.
        const Stereo plain = referenceMix(effects);
        double change = 0, tail = 0;
        for (std::size_t i = 0; i < plain.size(); ++i)
            change += std::abs(got.left[i] - plain.left[i]);
        for (std::size_t i = plain.size(); i < got.left.size(); ++i)
            tail += double(got.left[i]) * got.left[i];
        QVERIFY(change > 100.0);
        QVERIFY(tail > 1e-3);
        // The limiter holds the ceiling (its true peak; the sample peak is below it too), which
        // the same chain without it crosses.
        const double ceiling = std::pow(10.0, kCeilingDbtp / 20.0);
        QVERIFY2(peakOf(got.left) <= ceiling && peakOf(got.right) <= ceiling,
                 qPrintable(QString::number(20 * std::log10(peakOf(got.left))) + " dBFS"));
        accord::Project unlimited = effects;
        unlimited.limiter.on = false;
        Engine engine;
        engine.setProject(unlimited);
        engine.play();
        Blocks blocks(block, unsigned(rate));
        Pulled open;
        pull(engine, frames, blocks, open);
        QVERIFY2(peakOf(open.left) > 1.5 * ceiling, qPrintable(QString::number(peakOf(open.left))));
    }

    // With EQ, sends, the master fader and the limiter the mix renders as it plays, bit for bit:
    // playback is the render delayed by the limiter's look-ahead, which the playhead allows for.
    // The stems skip the limiter and line up with the mix.
    void renderEqualsPlaybackWithTheLimiter() {
        REQUIRE_ALL_MATERIAL();
        const accord::Project chain = withMasterChain(project(48000));
        QTemporaryDir scratch;
        auto render = [&](const accord::Project& what, const QString& folder) {
            return renderedFloats(what, scratch, folder, 257);
        };
        const auto limited = render(chain, "limited");

        Engine engine;
        engine.setProject(chain);
        const int latency = engine.masterLatencyFrames();
        QVERIFY(latency > 0);
        qInfo("the master limiter's latency at 48 kHz: %d frames", latency);
        engine.play();
        Blocks blocks(0, 17);
        Pulled got;
        const std::vector<float>& mix = limited[0];
        const std::int64_t frames = std::int64_t(mix.size() / 2); // the reverb tail included
        QVERIFY(frames > chain.length());
        pull(engine, frames + latency, blocks, got);
        QCOMPARE(engine.playhead(), frames);
        std::size_t differing = 0;
        for (std::size_t i = 0; i < std::size_t(latency); ++i)
            differing += (got.left[i] != 0.0f) + (got.right[i] != 0.0f);
        for (std::size_t i = 0; i < mix.size() / 2; ++i)
            differing +=
                (mix[2 * i] != got.left[latency + i]) + (mix[2 * i + 1] != got.right[latency + i]);
        QCOMPARE(differing, std::size_t(0));
        QVERIFY(peakOf(mix) <= std::pow(10.0, kCeilingDbtp / 20.0));

        // Stems: the same as without the limiter, sample for sample in the same place.
        accord::Project open = chain;
        open.limiter.on = false;
        const auto unlimited = render(open, "open");
        QCOMPARE(limited.size(), unlimited.size());
        for (std::size_t t = 1; t < limited.size(); ++t) {
            const std::size_t common = std::min(limited[t].size(), unlimited[t].size());
            QVERIFY2(
                std::equal(limited[t].begin(), limited[t].begin() + common, unlimited[t].begin()),
                qPrintable(QString("stem %1").arg(t)));
        }
        QVERIFY(limited[0] != unlimited[0]);

        // Stopped, the playhead stays where the sound stopped, and playing resumes from there.
        engine.seek(at(48000, 1.0));
        pull(engine, 4096, blocks, got);
        engine.stop();
        pull(engine, 512, blocks, got);
        QCOMPARE(engine.playhead(), at(48000, 1.0) + 4096 - latency);
    }

    // With effects, the mix renders as it plays, bit for bit, reverb tail included: the files go
    // on past the last clip in 4096-frame steps until the next step would be under -90 dBFS. A
    // stem holds its track's EQ but not its send (the same stems without sends), and without
    // sends the mix is the sum of the audible stems through the master fader (and has no tail).
    void renderEqualsPlaybackWithEffects() {
        REQUIRE_ALL_MATERIAL();
        const accord::Project effects = withEffects(project(48000));
        QTemporaryDir scratch;
        auto render = [&](const accord::Project& what, const QString& folder) {
            return renderedFloats(what, scratch, folder, 333);
        };
        const auto withSends = render(effects, "sends");

        const std::vector<float>& mix = withSends[0];
        const std::size_t frames = mix.size() / 2;
        const std::size_t tail = frames - std::size_t(effects.length());
        QVERIFY2(frames > std::size_t(effects.length()), "no reverb tail");
        QCOMPARE(tail % 4096, std::size_t(0));
        Engine engine;
        engine.setProject(effects);
        engine.play();
        Blocks blocks(0, 5);
        Pulled got;
        pull(engine, std::int64_t(frames) + 4096, blocks, got);
        std::size_t differing = 0;
        for (std::size_t i = 0; i < frames; ++i)
            differing += (mix[2 * i] != got.left[i]) + (mix[2 * i + 1] != got.right[i]);
        QCOMPARE(differing, std::size_t(0));
        // The tail's last step sounds above -90 dBFS; the step after it does not.
        const float silence = std::pow(10.0f, -90.0f / 20.0f);
        auto loudest = [&](std::size_t from, std::size_t to) {
            float peak = 0;
            for (std::size_t i = from; i < to; ++i)
                peak = std::max({peak, std::abs(got.left[i]), std::abs(got.right[i])});
            return peak;
        };
        QVERIFY(loudest(frames - 4096, frames) >= silence);
        QVERIFY(loudest(frames, frames + 4096) < silence);

        accord::Project dry = effects;
        for (auto& track : dry.tracks)
            track.reverbSendDb.reset();
        const auto withoutSends = render(dry, "dry");
        QCOMPARE(withoutSends[0].size(), std::size_t(dry.length()) * 2);
        for (std::size_t t = 1; t < withSends.size(); ++t)
            QVERIFY2(
                std::equal(withoutSends[t].begin(), withoutSends[t].end(), withSends[t].begin()),
                qPrintable(QString("stem %1").arg(t)));
        const double master = std::pow(10.0, effects.masterGainDb / 20.0);
        double worst = 0, reverb = 0;
        for (std::size_t i = 0; i < withoutSends[0].size(); ++i) {
            double sum = 0;
            for (std::size_t t = 1; t <= 3; ++t) // the fourth track is muted
                sum += withoutSends[t][i];
            worst = std::max(worst, std::abs(master * sum - withoutSends[0][i]));
            reverb += std::abs(double(mix[i]) - withoutSends[0][i]);
        }
        QVERIFY2(worst < kTolerance, qPrintable(QString::number(worst)));
        QVERIFY(reverb > 10.0); // the sends' return is in the mix
    }

    // Comping (docs/STUDIO.md "Takes and comping") makes ordinary clips: take lanes alone never
    // sound; a track comped from two takes renders as it plays, bit for bit, and outside the
    // comped range plays exactly as before the comp (the cut clip's parts keep its fades).
    void renderEqualsPlaybackComped() {
        REQUIRE_ALL_MATERIAL();
        const int rate = 48000;
        const accord::Project plain = project(rate);
        accord::Project comped = plain;
        accord::Track& lena = comped.tracks[2];
        accord::Clip original = lena.clips.at(0);
        original.id = "take-lena";
        accord::Clip piano = comped.tracks[1].clips.at(0); // another take, the same length
        piano.id = "take-piano";
        piano.position = original.position;
        piano.length = original.length;
        piano.fadeIn = piano.fadeOut = 0;
        lena.takes = {piano, original};
        const auto play = [](const accord::Project& what) {
            Engine engine;
            engine.setProject(what);
            engine.play();
            Blocks blocks(0, 7);
            Pulled got;
            pull(engine, what.length(), blocks, got);
            return got;
        };
        const Pulled before = play(plain);
        QVERIFY(play(comped).left == before.left);

        int made = 0;
        QVERIFY(accord::compTake(lena, piano, rate, 2 * rate, accord::compCrossfadeFrames(rate),
                                 [&made] { return "comp-" + std::to_string(++made); }));
        QCOMPARE(lena.clips.size(), std::size_t(3));
        const Pulled after = play(comped);
        QCOMPARE(after.left.size(), before.left.size());
        std::size_t outside = 0, inside = 0;
        for (std::size_t i = 0; i < after.left.size(); ++i) {
            const bool differs =
                after.left[i] != before.left[i] || after.right[i] != before.right[i];
            (i >= std::size_t(rate) && i < std::size_t(2 * rate) ? inside : outside) += differs;
        }
        QCOMPARE(outside, std::size_t(0));
        QVERIFY2(inside > std::size_t(rate / 2), qPrintable(QString::number(inside)));

        QTemporaryDir scratch;
        accord::audio::RenderRequest request;
        request.mixPath = scratch.filePath("mix.wav").toStdString();
        request.format = accord::audio::RenderFormat::WavFloat32;
        request.blockSize = 555;
        const auto files = accord::audio::renderProject(comped, request);
        const std::vector<float> mix = wavFloats(QString::fromStdString(files.at(0).path));
        QCOMPARE(mix.size(), after.left.size() * 2);
        std::size_t differing = 0;
        for (std::size_t i = 0; i < after.left.size(); ++i)
            differing += (mix[2 * i] != after.left[i]) + (mix[2 * i + 1] != after.right[i]);
        QCOMPARE(differing, std::size_t(0));
    }

    void renderEqualsPlayback() {
        REQUIRE_ALL_MATERIAL();
        accord::Project soloed = project(48000);
        soloed.tracks[3].mute = false; // sounds in the stems, not in the mix (solo below)
        soloed.tracks[0].solo = soloed.tracks[1].solo = soloed.tracks[2].solo = true;
        QTemporaryDir scratch;
        accord::audio::RenderRequest request;
        request.mixPath = scratch.filePath("mix.wav").toStdString();
        request.stemsDir = scratch.path().toStdString();
        request.format = accord::audio::RenderFormat::WavFloat32;
        request.blockSize = 777;
        const auto files = accord::audio::renderProject(soloed, request);
        QCOMPARE(files.size(), std::size_t(5));

        Engine engine;
        engine.setProject(soloed);
        engine.play();
        Blocks blocks(0, 99);
        Pulled got;
        pull(engine, soloed.length(), blocks, got);

        const std::vector<float> mix = wavFloats(QString::fromStdString(files[0].path));
        QCOMPARE(mix.size(), got.left.size() * 2);
        std::size_t differing = 0;
        for (std::size_t i = 0; i < got.left.size(); ++i)
            differing += (mix[2 * i] != got.left[i]) + (mix[2 * i + 1] != got.right[i]);
        QCOMPARE(differing, std::size_t(0));

        // The mix is the sum of the audible tracks' stems; the muted-by-solo track has a stem.
        std::vector<double> sum(mix.size());
        for (std::size_t t = 0; t < 4; ++t) {
            QCOMPARE(files[t + 1].trackId, soloed.tracks[t].id);
            const std::vector<float> stem = wavFloats(QString::fromStdString(files[t + 1].path));
            QCOMPARE(stem.size(), mix.size());
            double stemEnergy = 0;
            for (std::size_t i = 0; i < stem.size(); ++i) {
                stemEnergy += double(stem[i]) * stem[i];
                if (t < 3)
                    sum[i] += stem[i];
            }
            QVERIFY(stemEnergy > 1.0);
        }
        double worst = 0;
        for (std::size_t i = 0; i < mix.size(); ++i)
            worst = std::max(worst, std::abs(sum[i] - mix[i]));
        QVERIFY2(worst < kTolerance, qPrintable(QString::number(worst)));
    }
};

QTEST_GUILESS_MAIN(TestEngineGraph)
#include "test_engine_graph.moc"
