// The train and convert use cases (workflows/train.h, convert.h) on real recordings: consent
// before training, a tiny real training run, determinism, cancel and resume, model-file
// integrity, conversion (length, rate, pitch, lineage) and generate refused once a source is
// revoked. Training here is tiny (a 32-channel network, 30 steps on ~13 s of speech): seconds.

#include "accord/audio/audio_file.h"
#include "accord/audio/audio_io.h"
#include "accord/core/errors.h"
#include "accord/core/files.h"
#include "accord/core/policy.h"
#include "accord/core/registry.h"
#include "accord/dsp/resample.h"
#include "accord/dsp/voice_features.h"
#include "accord/models/voice_model.h"
#include "accord/workflows/convert.h"
#include "accord/workflows/train.h"

#include "registered_recordings.h"
#include "test_support.h"

#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <memory>
#include <numeric>
#include <string>
#include <vector>

using namespace accord;
using accord::test::errorOf;
using accord::workflows::VoiceTrainingRequest;

namespace {

const QString kAdaTake1 = "fillets-cs/barrel/cs/bar-v-krab.ogg";     // low male voice, 7.8 s
const QString kAdaTake2 = "fillets-cs/barrel/cs/bar-v-genofond.ogg"; // 5.5 s
const QString kBobTake = "fillets-cs/airplane/cs/let-m-oko.ogg";     // high voice, 5.8 s
const QString kBobOther = "fillets-cs/airplane/cs/let-m-divna.ogg";  // high voice, 2.0 s
const QString kCleoTake1 = "fillets-cs/barrel/cs/bar-v-lih.ogg";     // 5.4 s
const QString kCleoTake2 = "fillets-cs/barrel/cs/bar-v-pld.ogg";     // 6.2 s

constexpr int kSteps = 30;
constexpr int kChannels = 32;

double medianCents(const std::string& a, const std::string& b) {
    const auto analyse = [](const std::string& path) {
        const audio::MonoAudio x = audio::readMonoAudio(path);
        return dsp::analyseVoice(
            dsp::resample(x.samples, x.sampleRate, dsp::analysis::kSampleRate));
    };
    return dsp::medianCentsError(analyse(a), analyse(b));
}

// Correlation of the frame levels (dB) of two files over the first one's sounding frames.
double loudnessCorrelation(const std::string& a, const std::string& b) {
    const auto analyse = [](const std::string& path) {
        const audio::MonoAudio x = audio::readMonoAudio(path);
        return dsp::analyseVoice(
            dsp::resample(x.samples, x.sampleRate, dsp::analysis::kSampleRate));
    };
    const dsp::VoiceFeatures fa = analyse(a), fb = analyse(b);
    const float loudest = *std::max_element(fa.loudnessDb.begin(), fa.loudnessDb.end());
    std::vector<double> x, y;
    for (size_t t = 0; t < static_cast<size_t>(std::min(fa.frames, fb.frames)); ++t)
        if (fa.loudnessDb[t] > loudest - 50) {
            x.push_back(fa.loudnessDb[t]);
            y.push_back(fb.loudnessDb[t]);
        }
    const auto mean = [](const std::vector<double>& v) {
        return std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
    };
    const double mx = mean(x), my = mean(y);
    double sxy = 0, sxx = 0, syy = 0;
    for (size_t i = 0; i < x.size(); ++i) {
        sxy += (x[i] - mx) * (y[i] - my);
        sxx += (x[i] - mx) * (x[i] - mx);
        syy += (y[i] - my) * (y[i] - my);
    }
    return sxy / std::sqrt(sxx * syy);
}

} // namespace

class TestVoiceWorkflows : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;
    std::unique_ptr<Registry> registry_;
    Holder ada_, bob_;
    std::string adaTake1_, adaTake2_, bobTake_, bobOther_;
    std::string trainGrant_;
    std::string modelFile_, modelId_, weightsHash_;

    std::string path(const char* name) const { return dir_.filePath(name).toStdString(); }

    VoiceTrainingRequest request(const char* out, std::uint64_t seed = 7) const {
        VoiceTrainingRequest r;
        r.owner = ada_.id;
        r.assets = {adaTake1_, adaTake2_};
        r.outFile = path(out);
        r.seed = seed;
        r.maxSteps = kSteps;
        r.channels = kChannels;
        r.threads = 1;
        r.maxMinutes = 5;
        return r;
    }

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(dir_.isValid());
        ACCORD_REQUIRE_MATERIAL(take1, kAdaTake1);
        ACCORD_REQUIRE_MATERIAL(take2, kAdaTake2);
        ACCORD_REQUIRE_MATERIAL(bobTake, kBobTake);
        ACCORD_REQUIRE_MATERIAL(bobOther, kBobOther);
        registry_ = Registry::open(path("registry.sqlite"));
        ada_ = registry_->addHolder("Ada", "");
        bob_ = registry_->addHolder("Bob", "");
        adaTake1_ = test::registerRecording(*registry_, take1, ada_.id);
        adaTake2_ = test::registerRecording(*registry_, take2, ada_.id);
        bobTake_ = test::registerRecording(*registry_, bobTake, bob_.id);
        bobOther_ = test::registerRecording(*registry_, bobOther, bob_.id);
        for (const Scope scope : {Scope::TrainVoice, Scope::Generate}) {
            NewGrant grant;
            grant.holder = ada_.id;
            grant.scope = scope;
            const Grant added = registry_->addGrant(grant);
            if (scope == Scope::TrainVoice)
                trainGrant_ = added.id;
        }
    }

    // Bob never allowed training on his take: nothing is read, trained or written, and the
    // refusal names his asset, him and the scope.
    void trainingWithoutConsentIsRefused() {
        VoiceTrainingRequest r = request("refused.accordvoice");
        r.assets.push_back(bobOther_);
        const size_t modelsBefore = registry_->models().size();
        bool progressed = false;
        try {
            workflows::trainVoiceModel(*registry_, r, [&](const auto&) { progressed = true; });
            QFAIL("training on an asset without a train-voice grant was allowed");
        } catch (const ConsentDenied& denied) {
            QCOMPARE(denied.code(), ExitCode::Denied);
            QCOMPARE(denied.decision().missing.size(), size_t{1});
            const MissingGrant& missing = denied.decision().missing.front();
            QCOMPARE(QString::fromStdString(missing.asset), QString::fromStdString(bobOther_));
            QCOMPARE(QString::fromStdString(missing.owner), QString::fromStdString(bob_.id));
            QVERIFY(missing.scope == Scope::TrainVoice);
            QVERIFY(!missing.why.empty());
            QVERIFY2(denied.action().find(bobOther_) != std::string::npos, denied.action().c_str());
        }
        QVERIFY(!progressed);
        QVERIFY(!fileExists(r.outFile));
        QVERIFY(!fileExists(r.outFile + ".checkpoint"));
        QCOMPARE(registry_->models().size(), modelsBefore);
    }

    void tinyTrainingLearnsAndWritesALoadableModel() {
        std::vector<models::VoiceTrainingProgress> reports;
        const workflows::TrainedModel trained = workflows::trainVoiceModel(
            *registry_, request("ada.accordvoice"), [&](const auto& p) { reports.push_back(p); });
        QVERIFY(!trained.cancelled);
        QCOMPARE(trained.steps, kSteps);
        QVERIFY(fileExists(trained.file));
        QVERIFY(!fileExists(trained.checkpoint));
        modelFile_ = trained.file;
        modelId_ = trained.modelId;
        weightsHash_ = trained.weightsSha256;

        // Progress: every step, with losses and an ETA.
        int lastStep = 0;
        for (const auto& p : reports)
            if (p.phase == models::VoiceTrainingProgress::Phase::Training && p.step > 0) {
                QCOMPARE(p.step, lastStep + 1);
                lastStep = p.step;
                QVERIFY(p.loss > 0);
                QCOMPARE(p.totalSteps, kSteps);
            }
        QCOMPARE(lastStep, kSteps);

        // The loss went down on the held-out frames, relative to the untrained model.
        const auto metrics = nlohmann::json::parse(trained.metricsJson);
        const double before = metrics["untrainedValidationLoss"].get<double>();
        const double after = metrics["validationLoss"].get<double>();
        qInfo("validation loss %.3f -> %.3f (log-spectral distance %.1f -> %.1f dB) in %d steps",
              before, after, metrics["untrainedValidationLogSpectralDb"].get<double>(),
              metrics["validationLogSpectralDb"].get<double>(), kSteps);
        QVERIFY2(after < 0.9 * before, qPrintable(QString::fromStdString(trained.metricsJson)));

        // The card and the registry agree: owner, sources with the grant relied on, hash.
        const models::VoiceModelCard card = models::readVoiceModelCard(trained.file);
        QCOMPARE(QString::fromStdString(card.modelId), QString::fromStdString(trained.modelId));
        QCOMPARE(QString::fromStdString(card.owner), QString::fromStdString(ada_.id));
        QCOMPARE(QString::fromStdString(card.weightsSha256),
                 QString::fromStdString(trained.weightsSha256));
        QCOMPARE(card.formatVersion, models::kVoiceModelFormatVersion);
        QCOMPARE(card.training.size(), size_t{2});
        for (const TrainingSource& source : card.training)
            QCOMPARE(QString::fromStdString(source.grant), QString::fromStdString(trainGrant_));
        const std::optional<Model> model = registry_->model(trained.modelId);
        QVERIFY(model.has_value());
        QVERIFY(model->kind == ModelKind::Voice);
        QCOMPARE(QString::fromStdString(model->weightsSha256),
                 QString::fromStdString(trained.weightsSha256));
        QCOMPARE(model->training.size(), size_t{2});
        QCOMPARE(QString::fromStdString(model->training.front().grant),
                 QString::fromStdString(trainGrant_));
        QVERIFY(registry_->verifyAudit().intact);
    }

    void sameSeedSameWeights() {
        QVERIFY(!weightsHash_.empty());
        const auto again = workflows::trainVoiceModel(*registry_, request("again.accordvoice"));
        QCOMPARE(QString::fromStdString(again.weightsSha256), QString::fromStdString(weightsHash_));
        const auto other = workflows::trainVoiceModel(*registry_, request("other.accordvoice", 8));
        QVERIFY(other.weightsSha256 != weightsHash_);
    }

    // Cancelled at step 12: a checkpoint, no model. The same request again resumes at step 12
    // and ends with exactly the weights of the uninterrupted run.
    void resumesFromTheCheckpointAfterCancel() {
        std::atomic<bool> cancel{false};
        const size_t modelsBefore = registry_->models().size();
        const auto stopped = workflows::trainVoiceModel(
            *registry_, request("resumed.accordvoice"),
            [&](const auto& p) {
                if (p.step == 12)
                    cancel = true;
            },
            &cancel);
        QVERIFY(stopped.cancelled);
        QCOMPARE(stopped.steps, 12);
        QVERIFY(stopped.file.empty());
        QVERIFY(fileExists(stopped.checkpoint));
        QVERIFY(!fileExists(path("resumed.accordvoice")));
        QCOMPARE(registry_->models().size(), modelsBefore);

        int firstStep = -1;
        const auto resumed = workflows::trainVoiceModel(
            *registry_, request("resumed.accordvoice"), [&](const auto& p) {
                if (firstStep < 0 && p.phase == models::VoiceTrainingProgress::Phase::Training &&
                    p.step > 12)
                    firstStep = p.step;
            });
        QCOMPARE(resumed.resumedFromStep, 12);
        QCOMPARE(firstStep, 13);
        QCOMPARE(resumed.steps, kSteps);
        QCOMPARE(QString::fromStdString(resumed.weightsSha256),
                 QString::fromStdString(weightsHash_));
        QVERIFY(!fileExists(resumed.checkpoint));
    }

    // A damaged checkpoint (e.g. a disk filled during a crash) is not trusted: training starts
    // over and still succeeds.
    void aDamagedCheckpointIsIgnored() {
        const std::string out = path("damaged.accordvoice");
        writeFileAtomically(out + ".checkpoint", "ACCVCKPT garbage");
        const auto trained = workflows::trainVoiceModel(*registry_, request("damaged.accordvoice"));
        QCOMPARE(trained.resumedFromStep, 0);
        QCOMPARE(QString::fromStdString(trained.weightsSha256),
                 QString::fromStdString(weightsHash_));
    }

    // A time budget ends training early with a usable, registered model; the checkpoint stays
    // so the same request can finish the schedule later.
    void theTimeBudgetIsHonoured() {
        VoiceTrainingRequest r = request("hurried.accordvoice");
        r.maxSteps = 100000;
        r.maxMinutes = 0.06; // 3.6 s for everything
        QElapsedTimer clock;
        clock.start();
        const auto trained = workflows::trainVoiceModel(*registry_, r);
        const double seconds = static_cast<double>(clock.elapsed()) / 1000.0;
        // Without the budget the schedule would run for many minutes; with it the call ends
        // about when the budget does (3.6 s idle; the bound is a loaded machine's safety net).
        QVERIFY2(seconds < 10 * 3.6, qPrintable(QString::number(seconds)));
        QVERIFY(trained.stoppedByTimeLimit);
        QVERIFY(trained.steps > 0 && trained.steps < r.maxSteps);
        QVERIFY(!trained.modelId.empty());
        QCOMPARE(QString::fromStdString(models::readVoiceModelCard(trained.file).modelId),
                 QString::fromStdString(trained.modelId));
        QVERIFY(fileExists(trained.checkpoint));
    }

    // Cleo revokes her grant while her model trains: nothing is registered or left behind.
    void consentRevokedDuringTrainingRegistersNothing() {
        ACCORD_REQUIRE_MATERIAL(take1, kCleoTake1);
        ACCORD_REQUIRE_MATERIAL(take2, kCleoTake2);
        const Holder cleo = registry_->addHolder("Cleo", "");
        VoiceTrainingRequest r = request("cleo.accordvoice");
        r.owner = cleo.id;
        r.assets = {test::registerRecording(*registry_, take1, cleo.id),
                    test::registerRecording(*registry_, take2, cleo.id)};
        NewGrant grant;
        grant.holder = cleo.id;
        grant.scope = Scope::TrainVoice;
        const Grant given = registry_->addGrant(grant);
        const size_t modelsBefore = registry_->models().size();
        try {
            workflows::trainVoiceModel(*registry_, r, [&](const auto& p) {
                if (p.step == 5)
                    registry_->revokeGrant(given.id, "not any more");
            });
            QFAIL("a model was registered although its consent was revoked during training");
        } catch (const ConsentDenied& denied) {
            QVERIFY(!denied.decision().missing.empty());
            QCOMPARE(QString::fromStdString(denied.decision().missing.front().owner),
                     QString::fromStdString(cleo.id));
        }
        QCOMPARE(registry_->models().size(), modelsBefore);
        QVERIFY(!fileExists(r.outFile));
        QVERIFY(!fileExists(r.outFile + ".checkpoint"));
    }

    void brokenModelFilesAreBadInput() {
        QVERIFY(!modelFile_.empty());
        const std::string bytes = readWholeFile(modelFile_);
        struct Case {
            const char* name;
            std::string content;
            const char* expected;
        };
        std::string flippedWeights = bytes;
        flippedWeights[bytes.size() - 100] =
            static_cast<char>(flippedWeights[bytes.size() - 100] ^ 0x40);
        std::string flippedCard = bytes;
        flippedCard[60] = static_cast<char>(flippedCard[60] ^ 0x01);
        std::string newer = bytes;
        newer[8] = 99; // format version 99; the checksum is checked after the version
        const std::vector<Case> cases = {
            {"truncated.accordvoice", bytes.substr(0, bytes.size() / 2), "truncated"},
            {"cut-header.accordvoice", bytes.substr(0, 20), "truncated"},
            {"flipped-weights.accordvoice", flippedWeights, "corrupt"},
            {"flipped-card.accordvoice", flippedCard, "corrupt"},
            {"foreign.accordvoice", readWholeFile(materialPath(kAdaTake1)),
             "not an Accord voice model"},
            {"text.accordvoice", "{\"weights\": [1, 2, 3]}", "not an Accord voice model"},
            {"empty.accordvoice", "", "not an Accord voice model"},
            {"newer.accordvoice", newer, "newer"},
        };
        for (const Case& c : cases) {
            const std::string file = path(c.name);
            writeFileAtomically(file, c.content);
            const QString message = errorOf<BadInput>([&] { models::readVoiceModelCard(file); });
            QVERIFY2(message.contains(QString::fromStdString(file)), qPrintable(message));
            QVERIFY2(message.contains(c.expected), qPrintable(message));
            const QString load = errorOf<BadInput>([&] { models::VoiceModel::load(file); });
            QVERIFY2(load.contains(QString::fromStdString(file)), qPrintable(load));
        }
        const QString missing =
            errorOf<BadInput>([&] { models::readVoiceModelCard(path("missing.accordvoice")); });
        QVERIFY2(missing.contains("missing.accordvoice"), qPrintable(missing));
    }

    // Bob's take re-sung in Ada's voice: same rate and length, same pitch, registered render.
    void conversionKeepsLengthRateAndPitch() {
        QVERIFY(!modelFile_.empty());
        const std::string in = materialPath(kBobTake);
        for (const char* name : {"bob-as-ada.wav", "bob-as-ada.flac"}) {
            const std::string out = path(name);
            const workflows::VoiceConversion done =
                workflows::convertWithVoiceModel(*registry_, modelFile_, in, out, 0, bob_.id);
            const AudioIdentity original = audio::identifyAudioFile(in);
            const AudioIdentity converted = audio::identifyAudioFile(out);
            QCOMPARE(converted.sampleRate, original.sampleRate);
            QCOMPARE(converted.durationSeconds, original.durationSeconds);
            const double cents = medianCents(in, out);
            const double loudness = loudnessCorrelation(in, out);
            QVERIFY2(loudness > 0.9, qPrintable(QString::number(loudness)));
            qInfo("%s: median pitch error %.1f cents, %.0fx real time", name, cents,
                  done.seconds / done.processingSeconds);
            QVERIFY2(cents >= 0 && cents < 50, qPrintable(QString::number(cents)));
            const std::optional<Render> render = registry_->render(done.render);
            QVERIFY(render.has_value());
            QCOMPARE(QString::fromStdString(render->kind), QString("conversion"));
            QCOMPARE(QString::fromStdString(render->pcmSha256),
                     QString::fromStdString(converted.pcmSha256));
            QCOMPARE(render->inputs.size(), size_t{2});
            QVERIFY(render->inputs[0].kind == InputKind::Asset && render->inputs[0].id == bobTake_);
            QVERIFY(render->inputs[1].kind == InputKind::Model && render->inputs[1].id == modelId_);
        }
        // Transposed an octave down: the pitch follows.
        const std::string down = path("bob-down.wav");
        workflows::convertWithVoiceModel(*registry_, modelFile_, in, down, -12, bob_.id);
        const auto analyse = [](const std::string& p) {
            const audio::MonoAudio x = audio::readMonoAudio(p);
            return dsp::analyseVoice(dsp::resample(x.samples, x.sampleRate, 16000));
        };
        dsp::VoiceFeatures original = analyse(in);
        for (float& hz : original.f0Hz)
            hz /= 2;
        const double octave = dsp::medianCentsError(original, analyse(down));
        QVERIFY2(octave >= 0 && octave < 50, qPrintable(QString::number(octave)));
    }

    // Silence, a handful of samples and a low sample rate go through without surprises.
    void edgeInputsConvert() {
        const models::VoiceModel model = models::VoiceModel::untrained(3, kChannels);
        QVERIFY(model.convert({}, 44100).empty());
        const std::vector<float> silence = model.convert(std::vector<float>(48000, 0.0f), 48000);
        QCOMPARE(silence.size(), size_t{48000});
        QVERIFY(*std::max_element(silence.begin(), silence.end()) < 1e-3f);
        QCOMPARE(model.convert(std::vector<float>(10, 0.1f), 22050).size(), size_t{10});
        const audio::MonoAudio bob = audio::readMonoAudio(materialPath(kBobTake));
        const std::vector<float> narrow = dsp::resample(bob.samples, bob.sampleRate, 8000);
        const std::vector<float> sung = model.convert(narrow, 8000);
        QCOMPARE(sung.size(), narrow.size());
        for (const float x : sung)
            QVERIFY(std::isfinite(x) && std::abs(x) <= 1.0f);
    }

    void conversionRefusesUnknownInputsAndOutputs() {
        QTemporaryDir other;
        // An input that is not a registered asset.
        const std::string copy = other.filePath("unregistered.wav").toStdString();
        const audio::MonoAudio bob = audio::readMonoAudio(materialPath(kBobTake));
        std::vector<float> louder = bob.samples;
        for (float& x : louder)
            x *= 0.5f;
        audio::writeMonoAudio(copy, louder, bob.sampleRate);
        QString message = errorOf<BadInput>([&] {
            workflows::convertWithVoiceModel(*registry_, modelFile_, copy, path("x.wav"), 0, "");
        });
        QVERIFY2(message.contains("unregistered.wav") && message.contains("register"),
                 qPrintable(message));
        QVERIFY(!fileExists(path("x.wav")));
        // An output format that is not WAV or FLAC.
        message = errorOf<BadInput>([&] {
            workflows::convertWithVoiceModel(*registry_, modelFile_, materialPath(kBobTake),
                                             path("x.mp3"), 0, "");
        });
        QVERIFY2(message.contains("x.mp3"), qPrintable(message));
        // A model this registry does not know.
        auto elsewhere = Registry::open(other.filePath("other.sqlite").toStdString());
        message = errorOf<BadInput>([&] {
            workflows::convertWithVoiceModel(*elsewhere, modelFile_, materialPath(kBobTake),
                                             path("y.wav"), 0, "");
        });
        QVERIFY2(message.contains("not registered"), qPrintable(message));
    }

    // Ada revokes the training grant: the model becomes source-revoked and cannot generate.
    void generateIsRefusedOnceASourceIsRevoked() {
        QVERIFY(!modelFile_.empty());
        registry_->revokeGrant(trainGrant_, "changed my mind");
        QVERIFY(registry_->model(modelId_)->sourceRevoked);
        const std::string out = path("after-revoke.wav");
        try {
            workflows::convertWithVoiceModel(*registry_, modelFile_, materialPath(kBobTake), out, 0,
                                             bob_.id);
            QFAIL("a source-revoked model generated audio");
        } catch (const ConsentDenied& denied) {
            QVERIFY(!denied.decision().allowed);
            QVERIFY(!denied.decision().missing.empty());
            QVERIFY2(denied.action().find(modelId_) != std::string::npos, denied.action().c_str());
        }
        QVERIFY(!fileExists(out));
    }

private:
    std::string materialPath(const QString& relative) const {
        return accord::test::materialFile(relative).toStdString();
    }
};

QTEST_GUILESS_MAIN(TestVoiceWorkflows)
#include "test_voice_workflows.moc"
