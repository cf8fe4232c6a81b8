// The voice model as a capability (models/voice_model.h), with no registry and no consent: a tiny
// real training run on real recordings, determinism, the model file written and read back, the
// loaded-model cache, and conversion keeping length and rate. The use cases around it (consent,
// lineage, resume) are tested in tests/workflows/test_voice_workflows.cpp.

#include "accord/audio/audio_io.h"
#include "accord/core/errors.h"
#include "accord/core/files.h"
#include "accord/models/voice_model.h"

#include "model_file_card.h"
#include "test_support.h"

#include <QFile>
#include <QTemporaryDir>
#include <QtTest>
#include <nlohmann/json.hpp>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

using namespace accord;

namespace {

const QString kTake1 = "fillets-cs/barrel/cs/bar-v-krab.ogg";     // low male voice, 7.8 s
const QString kTake2 = "fillets-cs/barrel/cs/bar-v-genofond.ogg"; // 5.5 s

constexpr int kSteps = 20;
constexpr int kChannels = 16;

std::vector<models::VoiceTrainingSource> sourcesOf(const QStringList& files) {
    std::vector<models::VoiceTrainingSource> sources;
    for (const QString& file : files) {
        const std::string path = file.toStdString();
        sources.push_back(
            {path, "hash of " + path, [path] {
                 audio::MonoAudio mono = audio::readMonoAudio(path);
                 return models::VoiceRecording{std::move(mono.samples), mono.sampleRate};
             }});
    }
    return sources;
}

} // namespace

class TestVoiceModel : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;

    models::VoiceTrainingOptions options(const char* checkpoint, std::uint64_t seed) const {
        models::VoiceTrainingOptions o;
        o.checkpointFile = dir_.filePath(checkpoint).toStdString();
        o.owner = "h-1";
        o.seed = seed;
        o.maxSteps = kSteps;
        o.channels = kChannels;
        o.threads = 1;
        o.maxMinutes = 5;
        return o;
    }

private Q_SLOTS:
    void trainsWritesAndConvertsWithoutARegistry() {
        ACCORD_REQUIRE_MATERIAL(take1, kTake1);
        ACCORD_REQUIRE_MATERIAL(take2, kTake2);
        const auto sources = sourcesOf({take1, take2});
        int reports = 0;
        const models::TrainedVoice trained = models::trainVoice(sources, options("a.checkpoint", 5),
                                                                [&](const auto&) { ++reports; });
        QVERIFY(!trained.cancelled);
        QCOMPARE(trained.steps, kSteps);
        QVERIFY(reports >= kSteps);
        QCOMPARE(trained.sourceSeconds.size(), std::size_t(2));
        QVERIFY(trained.sourceSeconds[0] > 7 && trained.sourceSeconds[1] > 5);
        QVERIFY(!trained.weights.empty());
        QCOMPARE(trained.weightsSha256.size(), std::size_t(64));
        QVERIFY(QString::fromStdString(trained.runtime).startsWith("LibTorch "));

        // Deterministic: the same recordings, seed and thread count give the same weights.
        const models::TrainedVoice again = models::trainVoice(sources, options("b.checkpoint", 5));
        QCOMPARE(again.weightsSha256, trained.weightsSha256);
        const models::TrainedVoice other = models::trainVoice(sources, options("c.checkpoint", 6));
        QVERIFY(other.weightsSha256 != trained.weightsSha256);

        // The model file says where it came from and loads back.
        const std::string file = dir_.filePath("voice.accordvoice").toStdString();
        models::VoiceModelOrigin origin;
        origin.modelId = "m-7";
        origin.owner = "h-1";
        origin.ownerName = "Ada";
        origin.createdAt = "2026-12-06T00:00:00Z";
        origin.training = {{"a-1", "g-1", "pcm1", trained.sourceSeconds[0]},
                           {"a-2", "g-1", "pcm2", trained.sourceSeconds[1]}};
        models::writeVoiceModel(file, trained, origin);
        const models::VoiceModelCard card = models::readVoiceModelCard(file);
        QCOMPARE(card.modelId, std::string("m-7"));
        QCOMPARE(card.ownerName, std::string("Ada"));
        QCOMPARE(card.weightsSha256, trained.weightsSha256);
        QCOMPARE(card.training.size(), std::size_t(2));
        QCOMPARE(card.training[1].asset, std::string("a-2"));

        // Loaded once while the file is unchanged; a rewritten file is loaded again.
        const auto loaded = models::loadVoiceModelCached(file);
        QCOMPARE(models::loadVoiceModelCached(file), loaded);
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        models::writeVoiceModel(file, other, origin);
        const auto reloaded = models::loadVoiceModelCached(file);
        QVERIFY(reloaded != loaded);
        QCOMPARE(reloaded->card().weightsSha256, other.weightsSha256);

        const audio::MonoAudio performance = audio::readMonoAudio(take2.toStdString());
        const std::vector<float> sung =
            loaded->convert(performance.samples, performance.sampleRate, -3);
        QCOMPARE(sung.size(), performance.samples.size());
    }

    // The recordings are read and analysed one per core: whichever finishes first, the model is
    // the one reading them in order gives. The card says where the time went, part by part
    // (docs/ARCHITECTURE.md "Voice model", training time).
    void recordingsAnalysedInParallelGiveTheSameModelAndTheirTimes() {
        ACCORD_REQUIRE_MATERIAL(take1, kTake1);
        ACCORD_REQUIRE_MATERIAL(take2, kTake2);
        const auto sources = sourcesOf({take1, take2, take1});
        const models::TrainedVoice trained =
            models::trainVoice(sources, options("order.checkpoint", 5));
        auto lateFirst = sources;
        const auto readFirst = lateFirst[0].read;
        lateFirst[0].read = [readFirst] {
            std::this_thread::sleep_for(std::chrono::milliseconds(300));
            return readFirst();
        };
        const models::TrainedVoice late =
            models::trainVoice(lateFirst, options("late.checkpoint", 5));
        QCOMPARE(late.weightsSha256, trained.weightsSha256);
        const auto metrics = nlohmann::json::parse(trained.metricsJson);
        QCOMPARE(nlohmann::json::parse(late.metricsJson)["highBand"], metrics["highBand"]);

        const nlohmann::json& parts = metrics["timing"]["partsCpuSeconds"];
        for (const char* part :
             {"reading", "resampling", "analysing", "frames", "highBand", "dataset", "network",
              "untrainedValidation", "trainingSetEvaluation", "card"})
            QVERIFY2(parts.contains(part) && parts[part].get<double>() >= 0, part);
        QVERIFY(parts["analysing"].get<double>() > 0 && parts["reading"].get<double>() > 0);
    }

    void cancelKeepsTheCheckpointAndResumes() {
        ACCORD_REQUIRE_MATERIAL(take1, kTake1);
        ACCORD_REQUIRE_MATERIAL(take2, kTake2);
        const auto sources = sourcesOf({take1, take2});
        std::atomic<bool> cancel{false};
        const auto stopped = models::trainVoice(
            sources, options("resume.checkpoint", 9),
            [&](const models::VoiceTrainingProgress& p) {
                if (p.step >= kSteps / 2)
                    cancel = true;
            },
            &cancel);
        QVERIFY(stopped.cancelled);
        QVERIFY(QFile::exists(dir_.filePath("resume.checkpoint")));
        const auto resumed = models::trainVoice(sources, options("resume.checkpoint", 9));
        QVERIFY(resumed.resumedFromStep >= kSteps / 2);
        const auto straight = models::trainVoice(sources, options("straight.checkpoint", 9));
        QCOMPARE(resumed.weightsSha256, straight.weightsSha256);
    }

    // A model file is outside input: a card with fields of the wrong type (the checksum made to
    // match) is refused naming the file and the field, never in the JSON library's words.
    void cardsOfTheWrongShapeAreRefusedByName() {
        ACCORD_REQUIRE_MATERIAL(take1, kTake1);
        ACCORD_REQUIRE_MATERIAL(take2, kTake2);
        const auto trained = models::trainVoice(sourcesOf({take1, take2}), options("w.ckpt", 3));
        const std::string good = dir_.filePath("good.accordvoice").toStdString();
        models::writeVoiceModel(good, trained, {"m-1", "h-1", "Ada", "2026-12-06T00:00:00Z", {}});
        const std::string bytes = readWholeFile(good);
        const std::string card = test::modelFileCard(bytes);
        // The same container around another card, its lengths and checksum made to match.
        const auto withCard = [&](const std::string& text) {
            return test::modelFileWithCard(bytes, text);
        };
        QVERIFY_THROWS_NO_EXCEPTION(models::readVoiceModelCard(good));
        const auto replaced = [&](const std::string& key, const std::string& value) {
            nlohmann::json edited = nlohmann::json::parse(card);
            edited[key] = nlohmann::json::parse(value);
            return edited.dump();
        };
        const std::vector<std::pair<std::string, std::string>> cases = {
            {replaced("owner", "5"), "\"owner\" must be text"},
            {replaced("training", "\"a-1\""), "\"training\" must be a list"},
            {replaced("training", "[1, 2]"), "\"training\" must be a list of objects"},
            {replaced("ownerName", "{\"x\": 1}"), "\"ownerName\" must be text"},
            {replaced("metrics", "[]"), "\"metrics\" must be an object"},
            {replaced("config", "7"), "config is not a JSON object"},
            {card.substr(0, card.size() - 1) + ", \"deep\": " + std::string(100000, '[') +
                 std::string(100000, ']') + "}",
             "nested deeper than"},
        };
        for (std::size_t i = 0; i < cases.size(); ++i) {
            const std::string file =
                dir_.filePath(QString("shape%1.accordvoice").arg(i)).toStdString();
            writeFileAtomically(file, withCard(cases[i].first));
            try {
                models::readVoiceModelCard(file);
                QFAIL(qPrintable(QString("accepted: ") + cases[i].second.c_str()));
            } catch (const BadInput& error) {
                const QString message = error.what();
                QVERIFY2(message.startsWith(QString::fromStdString(file)), error.what());
                QVERIFY2(message.contains(QString::fromStdString(cases[i].second)), error.what());
                QVERIFY2(!message.contains("json.exception"), error.what());
            }
        }
    }

    void tooLittleSoundIsBadInput() {
        std::vector<models::VoiceTrainingSource> silent{
            {"silence", "0", [] {
                 return models::VoiceRecording{std::vector<float>(16000), 16000};
             }}};
        QVERIFY_THROWS_EXCEPTION(BadInput, models::trainVoice(silent, options("s.checkpoint", 1)));
    }
};

QTEST_GUILESS_MAIN(TestVoiceModel)
#include "test_voice_model.moc"
