// The style model as a capability (models/style_model.h), with no registry and no consent: tiny
// real training on abcmidi's tunes (melodies/abc, made by scripts/fetch-material.sh), determinism,
// cancel and bit-identical resume, model files refused when damaged, scoring, and the
// originality guard checked by brute force over every run.

#include "accord/audio/midi_file.h"
#include "accord/core/errors.h"
#include "accord/core/files.h"
#include "accord/models/style_model.h"
#include "model_file.h"
#include "style_stepper.h"

#include "test_support.h"

#include <QTemporaryDir>
#include <QtTest>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <set>
#include <string>
#include <vector>

using namespace accord;

namespace {

const QString kTunes[] = {"melodies/abc/coleraine8.mid", "melodies/abc/araber47.mid",
                          "melodies/abc/boys3.mid", "melodies/abc/dergasn145.mid"};
constexpr int kSteps = 24;
constexpr int kHidden = 16;

Melody firstLine(const QString& file) {
    return audio::readMidiFile(file.toStdString()).lines.at(0);
}

// The longest run of `a` equal (intervals, inter-onset ratios) to a run of `b`, by brute force.
int bruteForceLongestSharedRun(const Melody& a, const Melody& b) {
    const auto& x = a.notes;
    const auto& y = b.notes;
    const auto same = [&](size_t i, size_t j, size_t length) {
        for (size_t k = 1; k < length; ++k)
            if (x[i + k].pitch - x[i + k - 1].pitch != y[j + k].pitch - y[j + k - 1].pitch)
                return false;
        for (size_t k = 2; k < length; ++k) {
            const double rx =
                (x[i + k].start - x[i + k - 1].start) / (x[i + k - 1].start - x[i + k - 2].start);
            const double ry =
                (y[j + k].start - y[j + k - 1].start) / (y[j + k - 1].start - y[j + k - 2].start);
            if (std::abs(std::log2(rx / ry)) > 1.0 / 192)
                return false;
        }
        return true;
    };
    int longest = 0;
    for (size_t i = 0; i < x.size(); ++i)
        for (size_t j = 0; j < y.size(); ++j) {
            size_t length = 1;
            while (i + length < x.size() && j + length < y.size() && same(i, j, length + 1))
                ++length;
            longest = std::max(longest, static_cast<int>(length));
        }
    return longest;
}

} // namespace

class TestStyleModel : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;

    std::vector<models::StyleSequence> tunes() {
        std::vector<models::StyleSequence> sequences;
        for (const QString& tune : kTunes) {
            const QString path = test::materialFile(tune);
            if (!path.isEmpty())
                sequences.push_back({firstLine(path), tune.toStdString()});
        }
        return sequences;
    }

    models::StyleTrainingOptions options(const char* checkpoint, std::uint64_t seed) const {
        models::StyleTrainingOptions o;
        o.checkpointFile = dir_.filePath(checkpoint).toStdString();
        o.owner = "h-1";
        o.seed = seed;
        o.maxSteps = kSteps;
        o.hidden = kHidden;
        o.threads = 1;
        return o;
    }

private Q_SLOTS:
    // Generation steps the network in plain loops (style_stepper.h); scoring and training run it
    // through LibTorch. Step by step over a tune, both give the same log-probabilities, for the
    // factorised heads and the older single joint head, from a state carried across steps.
    void theStepperMatchesTheNetwork_data() {
        QTest::addColumn<bool>("factorised");
        QTest::newRow("factorised heads") << true;
        QTest::newRow("one joint head") << false;
    }
    void theStepperMatchesTheNetwork() {
        QFETCH(bool, factorised);
        const QString path = test::materialFile(kTunes[0]);
        if (path.isEmpty())
            QSKIP("no abc tunes: run scripts/fetch-material.sh");
        models::style::StyleConfig config;
        config.hidden = kHidden;
        config.embedding = 24;
        config.factorised = factorised;
        const models::style::StyleNetwork network(config, 7);
        const models::style::EncodedMelody encoded = models::style::encodeMelody(firstLine(path));
        const std::vector<std::vector<float>> rows = network.eventLogProbabilities(encoded);
        const models::style::StyleStepper stepper(network);
        std::vector<float> hidden;
        QVERIFY(rows.size() > 20);
        for (std::size_t t = 0; t < rows.size(); ++t) {
            const std::vector<float> stepped = stepper.step(encoded.inputs[t], hidden);
            QCOMPARE(stepped.size(), rows[t].size());
            for (std::size_t e = 0; e < stepped.size(); ++e)
                QVERIFY2(std::abs(stepped[e] - rows[t][e]) < 1e-4f,
                         qPrintable(QString("step %1, event %2: %3 against %4")
                                        .arg(t)
                                        .arg(e)
                                        .arg(stepped[e])
                                        .arg(rows[t][e])));
        }
    }

    void trainsDeterministicallyWritesAndScores() {
        ACCORD_REQUIRE_MATERIAL(tune, kTunes[0]);
        const auto sequences = tunes();
        int reports = 0;
        const models::TrainedStyle a =
            models::trainStyle(sequences, options("a.ckpt", 3), [&](const auto&) { ++reports; });
        const models::TrainedStyle b = models::trainStyle(sequences, options("b.ckpt", 3));
        const models::TrainedStyle c = models::trainStyle(sequences, options("c.ckpt", 4));
        QCOMPARE(a.steps, kSteps);
        QVERIFY(reports >= kSteps);
        QCOMPARE(a.weightsSha256, b.weightsSha256);
        QVERIFY(a.weightsSha256 != c.weightsSha256);
        const auto metrics = nlohmann::json::parse(a.metricsJson);
        QVERIFY(metrics["validationLoss"].get<double>() <
                metrics["untrainedValidationLoss"].get<double>());
        // The kept weights' loss is the best validation's, and the card says where the time went
        // (docs/STYLE.md "Training time"): each phase's CPU seconds add up to the thread's.
        QCOMPARE(metrics["validationLoss"].get<double>(),
                 metrics["bestValidationLoss"].get<double>());
        const nlohmann::json& timing = metrics["timing"];
        QVERIFY(timing["steppingCpuSeconds"].get<double>() > 0);
        QVERIFY(timing["validatingCpuSeconds"].get<double>() > 0);
        QVERIFY(timing["wallSeconds"].get<double>() >=
                timing["preparingSeconds"].get<double>() + timing["steppingSeconds"].get<double>());
        double phasesCpu = 0;
        for (const char* phase : {"preparing", "stepping", "validating", "saving"})
            phasesCpu += timing[std::string(phase) + "CpuSeconds"].get<double>();
        QVERIFY2(std::abs(phasesCpu - timing["cpuSeconds"].get<double>()) < 0.01,
                 qPrintable(QString::number(phasesCpu)));

        const std::string file = dir_.filePath("style.model").toStdString();
        models::writeStyleModel(file, a, {"", "h-1", "Ann", "2025-01-01T00:00:00Z", {}});
        const models::StyleModel model = models::loadStyleModel(file);
        QCOMPARE(model.sources().size(), sequences.size());
        const models::StyleScore score = models::scorePhrase(model, sequences[0].melody);
        QCOMPARE(score.notes, static_cast<int>(sequences[0].melody.notes.size()));
        QVERIFY(score.perNoteLogLikelihood < 0 && std::isfinite(score.perNoteLogLikelihood));
        QVERIFY(score.pitchLogLikelihood < 0 && score.rhythmLogLikelihood < 0);
        QVERIFY(std::abs(score.pitchLogLikelihood + score.rhythmLogLikelihood -
                         score.perNoteLogLikelihood) < 1e-9);

        // The pitch order score: a training tune in its own order beats its pitches shuffled
        // (docs/STYLE.md "Scores"), and the same phrase always scores the same.
        const Melody& line = sequences[0].melody;
        const std::vector<Melody> orders = models::shuffledPitchOrders(line);
        QCOMPARE(orders.size(), std::size_t(models::kPitchOrderShuffles));
        std::vector<int> own, shuffled, another;
        for (std::size_t i = 0; i < line.notes.size(); ++i) {
            QCOMPARE(orders[0].notes[i].start, line.notes[i].start); // the rhythm is kept
            own.push_back(line.notes[i].pitch);
            shuffled.push_back(orders[0].notes[i].pitch);
            another.push_back(orders[1].notes[i].pitch);
        }
        QVERIFY(shuffled != own && another != shuffled);
        std::sort(own.begin(), own.end());
        std::sort(shuffled.begin(), shuffled.end());
        QCOMPARE(shuffled, own); // and the pitches
        const double order = models::scorePitchOrder(model, line);
        QVERIFY2(order > 0, qPrintable(QString::number(order)));
        QCOMPARE(models::scorePitchOrder(model, line), order);
        QVERIFY(models::scorePitchOrder(model, orders[0]) < order);
    }

    // --max-minutes is the whole call's (docs/STYLE.md "Training time"): what the caller spent
    // before training (the workflow reading and transcribing the stems) counts. A call begun
    // 90 s before training, with a minute's budget, trains no step yet ends cleanly: the
    // checkpoint is kept and the card says it was cut; begun now, the same budget trains them all.
    void theBudgetCountsFromTheCallsStart() {
        ACCORD_REQUIRE_MATERIAL(tune, kTunes[0]);
        models::StyleTrainingOptions late = options("late.ckpt", 8);
        late.maxMinutes = 1;
        late.callStarted = std::chrono::steady_clock::now() - std::chrono::seconds(90);
        const models::TrainedStyle cut = models::trainStyle(tunes(), late);
        QVERIFY(cut.stoppedByTimeLimit && !cut.cancelled);
        QCOMPARE(cut.steps, 0);
        QVERIFY(fileExists(late.checkpointFile));
        QVERIFY(nlohmann::json::parse(cut.metricsJson)["stoppedByTimeLimit"].get<bool>());
        const std::string file = dir_.filePath("cut.model").toStdString();
        models::writeStyleModel(file, cut, {});
        QVERIFY(models::loadStyleModel(file).cardJson().find("\"stoppedByTimeLimit\": true") !=
                std::string::npos);

        models::StyleTrainingOptions now = options("now.ckpt", 8);
        now.maxMinutes = 1;
        now.callStarted = std::chrono::steady_clock::now();
        const models::TrainedStyle whole = models::trainStyle(tunes(), now);
        QVERIFY(!whole.stoppedByTimeLimit);
        QCOMPARE(whole.steps, kSteps);
    }

    void cancelsAndResumesBitIdentically() {
        ACCORD_REQUIRE_MATERIAL(tune, kTunes[0]);
        const auto sequences = tunes();
        const models::TrainedStyle straight = models::trainStyle(sequences, options("s.ckpt", 9));
        std::atomic<bool> cancel{false};
        const models::TrainedStyle stopped = models::trainStyle(
            sequences, options("r.ckpt", 9),
            [&](const models::StyleTrainingProgress& p) { cancel = p.step >= 10; }, &cancel);
        QVERIFY(stopped.cancelled);
        QCOMPARE(stopped.steps, 10);
        const models::TrainedStyle resumed = models::trainStyle(sequences, options("r.ckpt", 9));
        QCOMPARE(resumed.resumedFromStep, 10);
        QCOMPARE(resumed.weightsSha256, straight.weightsSha256);
    }

    void refusesDamagedModelFilesNamingThem() {
        ACCORD_REQUIRE_MATERIAL(tune, kTunes[0]);
        const models::TrainedStyle trained = models::trainStyle(tunes(), options("d.ckpt", 1));
        const std::string file = dir_.filePath("good.model").toStdString();
        models::writeStyleModel(file, trained, {});
        const std::string bytes = readWholeFile(file);
        const auto expectBadInput = [&](const std::string& content, const char* name,
                                        const char* problem) {
            const std::string path = dir_.filePath(name).toStdString();
            writeFileAtomically(path, content);
            try {
                models::loadStyleModel(path);
                QFAIL("a damaged model file was loaded");
            } catch (const BadInput& error) {
                const std::string message = error.what();
                QVERIFY2(message.find(path) != std::string::npos, error.what());
                QVERIFY2(message.find(problem) != std::string::npos, error.what());
            }
        };
        expectBadInput(bytes.substr(0, bytes.size() / 2), "cut.model", "truncated");
        std::string flipped = bytes;
        flipped[flipped.size() / 2] = static_cast<char>(flipped[flipped.size() / 2] ^ 0x10);
        expectBadInput(flipped, "flipped.model", "checksum");
        expectBadInput("ACCVOICE" + bytes.substr(8), "voice.model", "not an Accord style model");
        expectBadInput("", "empty.model", "empty");
        QVERIFY_EXCEPTION_THROWN(models::loadStyleModel(dir_.filePath("none").toStdString()),
                                 BadInput);
    }

    // A format-1 file (weights | runs, written before the Markov models: docs/STYLE.md "Model
    // file") loads with the network alone: the same training runs, a score of its own (the
    // network's, not mixed with the Markov counts), and variations that copy no run.
    void loadsAFormatOneFileWithTheNetworkAlone() {
        ACCORD_REQUIRE_MATERIAL(tune, kTunes[0]);
        const auto sequences = tunes();
        const models::TrainedStyle trained = models::trainStyle(sequences, options("f1.ckpt", 5));
        const std::string formatTwo = dir_.filePath("format2.model").toStdString();
        models::writeStyleModel(formatTwo, trained, {});
        const models::Container container =
            models::decodeContainer(readWholeFile(formatTwo), "ACCSTYLE", 2, formatTwo, "style");
        QCOMPARE(container.version, 2);

        // Format 2's blob: u64 weights bytes | weights | u64 runs bytes | runs | Markov block.
        const auto u64At = [&](std::size_t at) {
            std::uint64_t value = 0;
            for (int b = 7; b >= 0; --b)
                value =
                    value << 8 | static_cast<unsigned char>(container.blob[at + std::size_t(b)]);
            return static_cast<std::size_t>(value);
        };
        const std::size_t weightsBytes = u64At(0);
        const std::size_t runsBytes = u64At(8 + weightsBytes);
        const std::string formatOneBlob = container.blob.substr(0, 8 + weightsBytes) +
                                          container.blob.substr(16 + weightsBytes, runsBytes);
        nlohmann::json card = nlohmann::json::parse(container.json);
        card.erase("markovSha256");
        card["formatVersion"] = 1;
        const std::string formatOne = dir_.filePath("format1.model").toStdString();
        writeFileAtomically(formatOne,
                            models::encodeContainer("ACCSTYLE", 1, card.dump(2), formatOneBlob));

        const models::StyleModel withMarkov = models::loadStyleModel(formatTwo);
        const models::StyleModel networkAlone = models::loadStyleModel(formatOne);
        QCOMPARE(networkAlone.sources(), withMarkov.sources());
        const Melody& line = sequences[0].melody;
        const double alone = models::scorePhrase(networkAlone, line).perNoteLogLikelihood;
        QVERIFY(std::isfinite(alone) && alone < 0);
        QVERIFY2(alone != models::scorePhrase(withMarkov, line).perNoteLogLikelihood,
                 "the format-1 file scored as if it held the Markov counts");

        models::VariationRequest request;
        request.phrase = line;
        request.count = 2;
        request.stray = 1;
        const auto variations = models::vary(networkAlone, request, {});
        QCOMPARE(variations.size(), std::size_t(2));
        for (const models::Variation& variation : variations) {
            checkMelody(variation.melody, "variation");
            QVERIFY(variation.longestSharedRun.notes < models::kForbiddenRunNotes);
        }

        // Its runs are still checked against the card.
        std::string damagedRuns = formatOneBlob;
        damagedRuns.back() = static_cast<char>(damagedRuns.back() ^ 0x01);
        const std::string damaged = dir_.filePath("format1-damaged.model").toStdString();
        writeFileAtomically(damaged,
                            models::encodeContainer("ACCSTYLE", 1, card.dump(2), damagedRuns));
        try {
            models::loadStyleModel(damaged);
            QFAIL("a format-1 file whose runs do not match its card was loaded");
        } catch (const BadInput& error) {
            QVERIFY2(std::string(error.what()).find("originality runs") != std::string::npos,
                     error.what());
        }
    }

    void variationsOfItsOwnTrainingMelodyCopyNoRun() {
        ACCORD_REQUIRE_MATERIAL(tune, kTunes[0]);
        const Melody melody = firstLine(tune);
        const models::TrainedStyle trained =
            models::trainStyle({{melody, "a-1"}}, options("g.ckpt", 2));
        const std::string file = dir_.filePath("one.model").toStdString();
        models::writeStyleModel(file, trained, {});
        const models::StyleModel model = models::loadStyleModel(file);

        models::VariationRequest request;
        request.phrase = melody;
        request.count = 3;
        request.stray = 1;
        request.temperature = 0;
        const auto variations = models::vary(model, request, {});
        QCOMPARE(variations.size(), std::size_t(3));
        std::set<int> phrasePitchClasses;
        double phraseEnd = 0;
        for (const Note& note : melody.notes) {
            phrasePitchClasses.insert(note.pitch % 12);
            phraseEnd = std::max(phraseEnd, note.start + note.length);
        }
        for (const models::Variation& variation : variations) {
            const Melody& out = variation.melody;
            checkMelody(out, "variation");
            const int shared = bruteForceLongestSharedRun(out, melody);
            QVERIFY2(shared < models::kForbiddenRunNotes, qPrintable(QString::number(shared)));
            QCOMPARE(variation.longestSharedRun.notes, shared >= 3 ? shared : 0);
            if (shared >= 3)
                QCOMPARE(variation.longestSharedRun.source, std::string("a-1"));
            QCOMPARE(out.beatsPerBar, melody.beatsPerBar);
            QCOMPARE(out.beatUnit, melody.beatUnit);
            QVERIFY(std::abs(out.notes.back().start + out.notes.back().length - phraseEnd) < 1e-6);
            QCOMPARE(out.notes.front().start, melody.notes.front().start);
            int inKey = 0;
            for (const Note& note : out.notes)
                inKey += phrasePitchClasses.count(note.pitch % 12) > 0;
            QVERIFY(inKey >= 0.9 * static_cast<double>(out.notes.size()));
        }
        // Another holder's material is avoided the same way, and the report names it.
        models::OriginalityIndex others;
        others.add(variations[0].melody, "a-other");
        const auto avoiding = models::vary(model, request, others);
        for (const models::Variation& variation : avoiding)
            QVERIFY(bruteForceLongestSharedRun(variation.melody, variations[0].melody) <
                    models::kForbiddenRunNotes);

        // Deterministic for a seed; another seed differs.
        request.temperature = 1;
        request.stray = 0.5;
        const auto first = models::vary(model, request, {});
        const auto again = models::vary(model, request, {});
        request.seed = 2;
        const auto other = models::vary(model, request, {});
        bool differs = false;
        for (size_t v = 0; v < first.size(); ++v) {
            QCOMPARE(first[v].melody.notes.size(), again[v].melody.notes.size());
            for (size_t i = 0; i < first[v].melody.notes.size(); ++i)
                QCOMPARE(first[v].melody.notes[i].pitch, again[v].melody.notes[i].pitch);
            differs = differs || first[v].melody.notes.size() != other[v].melody.notes.size() ||
                      !std::equal(first[v].melody.notes.begin(), first[v].melody.notes.end(),
                                  other[v].melody.notes.begin(), [](const Note& x, const Note& y) {
                                      return x.pitch == y.pitch && x.start == y.start;
                                  });
        }
        QVERIFY(differs);
    }

    // A riff repeated many times: every run of 8 of the phrase (the riff itself) is a training
    // run, so the guard must re-draw kept notes and widen its choices; variations still come.
    void variationsOfARepeatedRiffCopyNoRun() {
        const std::vector<int> riff = {45, 45, 52, 45, 48, 45, 52, 50};
        const auto repeated = [&](int times) {
            Melody melody;
            for (int r = 0; r < times; ++r)
                for (size_t i = 0; i < riff.size(); ++i)
                    melody.notes.push_back(
                        {(r * 8 + static_cast<double>(i)) * 0.5, 0.45, riff[i], 96});
            return melody;
        };
        const Melody training = repeated(24);
        const models::TrainedStyle trained =
            models::trainStyle({{training, "riff"}}, options("riff.ckpt", 2));
        const std::string file = dir_.filePath("riff.model").toStdString();
        models::writeStyleModel(file, trained, {});
        const models::StyleModel model = models::loadStyleModel(file);

        models::VariationRequest request;
        request.phrase = repeated(4);
        request.count = 4;
        for (const double stray : {0.0, 0.3, 1.0})
            for (const bool keepRhythm : {false, true}) {
                request.stray = stray;
                request.keepRhythm = keepRhythm;
                const auto variations = models::vary(model, request, {});
                QCOMPARE(variations.size(), std::size_t(4));
                for (const models::Variation& variation : variations) {
                    checkMelody(variation.melody, "variation");
                    QVERIFY(bruteForceLongestSharedRun(variation.melody, training) <
                            models::kForbiddenRunNotes);
                    QVERIFY(variation.regeneratedNotes > 0);
                }
            }
    }

    // Each steering option does what it says, and its absence does not. Every note is re-generated
    // where the rhythm is kept (its onsets fix the notes); half of them where it is free.
    void steeringOptionsSteer() {
        ACCORD_REQUIRE_MATERIAL(tune, kTunes[0]);
        const models::TrainedStyle trained = models::trainStyle(tunes(), options("t.ckpt", 5));
        const std::string file = dir_.filePath("steer.model").toStdString();
        models::writeStyleModel(file, trained, {});
        const models::StyleModel model = models::loadStyleModel(file);
        Melody phrase = firstLine(tune);
        phrase.notes.resize(32);
        const auto vary = [&](const auto& steer) {
            models::VariationRequest request;
            request.phrase = phrase;
            request.count = 4;
            request.stray = 0.5;
            steer(request);
            return models::vary(model, request, {});
        };
        const auto sign = [](const std::vector<Note>& notes, size_t i) {
            return (notes[i].pitch > notes[i - 1].pitch) - (notes[i].pitch < notes[i - 1].pitch);
        };
        const auto sameRhythm = [&](const Melody& m) {
            return m.notes.size() == phrase.notes.size() &&
                   std::equal(m.notes.begin(), m.notes.end(), phrase.notes.begin(),
                              [](const Note& a, const Note& b) {
                                  return std::abs(a.start - b.start) < 1e-9 &&
                                         std::abs(a.length - b.length) < 1e-9;
                              });
        };
        const auto sameContour = [&](const Melody& m) {
            for (size_t i = 1; i < m.notes.size(); ++i)
                if (sign(m.notes, i) != sign(phrase.notes, i))
                    return false;
            return true;
        };
        const auto meanPitch = [](const Melody& m) {
            double sum = 0;
            for (const Note& n : m.notes)
                sum += n.pitch;
            return sum / static_cast<double>(m.notes.size());
        };
        const auto allInRhythm = [](bool contour, int shift) {
            return [=](models::VariationRequest& r) {
                r.stray = 1;
                r.keepRhythm = true;
                r.keepContour = contour;
                r.registerShift = shift;
            };
        };

        bool freeRhythmDiffers = false, freeContourDiffers = false;
        for (const auto& v : vary([](auto&) {}))
            freeRhythmDiffers = freeRhythmDiffers || !sameRhythm(v.melody);
        for (const auto& v : vary(allInRhythm(false, 0))) {
            QVERIFY(sameRhythm(v.melody));
            freeContourDiffers = freeContourDiffers || !sameContour(v.melody);
        }
        QVERIFY(freeRhythmDiffers && freeContourDiffers);
        for (const auto& v : vary(allInRhythm(true, 0)))
            QVERIFY(sameContour(v.melody));

        for (const int shift : {-7, 7})
            for (const auto& v : vary(allInRhythm(false, shift))) {
                const double moved = meanPitch(v.melody) - meanPitch(phrase);
                QVERIFY2(std::abs(moved - shift) <= 3, qPrintable(QString::number(moved)));
            }

        const auto notesAt = [&](double density) {
            std::size_t notes = 0;
            for (const auto& v : vary([&](models::VariationRequest& r) { r.density = density; }))
                notes += v.melody.notes.size();
            return notes;
        };
        const std::size_t sparse = notesAt(-1), plain = notesAt(0), dense = notesAt(1);
        QVERIFY2(sparse < plain && plain < dense,
                 qPrintable(QString("%1 %2 %3").arg(sparse).arg(plain).arg(dense)));
    }
};

QTEST_GUILESS_MAIN(TestStyleModel)
#include "test_style_model.moc"
