// The Models panel on a real registry and real recordings: only consented recordings can be
// ticked (the others show why), a tiny real training with its progress bar and loss plot, the
// model's card, cancel and resume, and running a track through a model as an undoable edit that
// the policy engine can refuse. Training is tiny (a 32-wide network, tens to hundreds of steps on
// ~8 s of speech): seconds.

#include "accord/audio/audio_file.h"
#include "accord/core/registry.h"
#include "accord/models/voice_model.h"
#include "accord/ui/common/studio_style.h"
#include "accord/ui/consent/consent_dialogs.h"
#include "accord/ui/models/models_panel.h"
#include "accord/ui/project/project_document.h"
#include "accord/ui/shell/registry_session.h"
#include "studio_test_main.h"

#include "registered_recordings.h"
#include "test_support.h"

#include <QApplication>
#include <QComboBox>
#include <QFileInfo>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QTreeWidget>
#include <QUndoStack>
#include <QtTest>

#include <memory>
#include <string>

using namespace accord;

namespace {

const QString kAdaTake1 = "fillets-cs/barrel/cs/bar-v-krab.ogg";     // low male voice, 7.8 s
const QString kAdaTake2 = "fillets-cs/barrel/cs/bar-v-genofond.ogg"; // 5.5 s
const QString kAdaTake3 = "fillets-cs/barrel/cs/bar-v-lih.ogg";      // 5.4 s
const QString kBobTake = "alsa/Front_Center.wav";

constexpr int kTinySteps = 30;
constexpr int kLongerSteps = 200; // long enough to cancel while it runs
constexpr int kTinyWidth = 32;
constexpr int kTrainingTimeoutMs = accord::test::kSafetyNetMs; // a safety net, not a speed limit

} // namespace

class TestModelsPanel : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;
    std::unique_ptr<ui::RegistrySession> session_;
    std::unique_ptr<ui::ProjectDocument> document_;
    std::unique_ptr<ui::ModelsPanel> panel_;
    Holder ada_, bob_;
    std::string take1_, take2_, take3_, bobTake_;
    std::string trainGrant_, revokedGrant_, generateGrant_;
    QString vocals_, backing_;
    QString model_;

    Registry& registry() { return *session_->registry(); }

    std::string addGrant(Scope scope, std::optional<std::string> asset) {
        NewGrant grant;
        grant.holder = ada_.id;
        grant.scope = scope;
        grant.asset = std::move(asset);
        return registry().addGrant(grant).id;
    }

    QTreeWidgetItem* assetItem(const std::string& id) const {
        QTreeWidget* list = panel_->assetList();
        for (int row = 0; row < list->topLevelItemCount(); ++row)
            if (list->topLevelItem(row)->data(ui::ModelsPanel::AssetName, Qt::UserRole) ==
                QString::fromStdString(id))
                return list->topLevelItem(row);
        return nullptr;
    }

    QTreeWidgetItem* modelItem(const QString& id) const {
        QTreeWidget* list = panel_->modelList();
        for (int row = 0; row < list->topLevelItemCount(); ++row)
            if (list->topLevelItem(row)->data(ui::ModelsPanel::ModelId, Qt::UserRole) == id)
                return list->topLevelItem(row);
        return nullptr;
    }

    void prepare(const char* file, int steps) {
        panel_->outputEdit()->setText(dir_.filePath(file));
        panel_->stepsBox()->setValue(steps);
        panel_->widthBox()->setValue(kTinyWidth);
        panel_->setAssetChecked(QString::fromStdString(take1_), true);
    }

    bool waitForTraining() {
        return QTest::qWaitFor([this] { return !panel_->isTraining(); }, kTrainingTimeoutMs);
    }

    const accord::Track& track(const QString& id) const {
        return *document_->findTrack(id.toStdString());
    }

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(dir_.isValid());
        ACCORD_REQUIRE_MATERIAL(take1, kAdaTake1);
        ACCORD_REQUIRE_MATERIAL(take2, kAdaTake2);
        ACCORD_REQUIRE_MATERIAL(take3, kAdaTake3);
        ACCORD_REQUIRE_MATERIAL(bobTake, kBobTake);

        session_ = std::make_unique<ui::RegistrySession>();
        QVERIFY(session_->open(dir_.filePath("registry.sqlite")));
        ada_ = registry().addHolder("Ada", "");
        bob_ = registry().addHolder("Bob", "");
        take1_ = test::registerRecording(registry(), take1, ada_.id);
        take2_ = test::registerRecording(registry(), take2, ada_.id);
        take3_ = test::registerRecording(registry(), take3, ada_.id);
        bobTake_ = test::registerRecording(registry(), bobTake, bob_.id);
        trainGrant_ = addGrant(Scope::TrainVoice, take1_); // take 2: no grant at all
        revokedGrant_ = addGrant(Scope::TrainVoice, take3_);
        registry().revokeGrant(revokedGrant_, "changed her mind");
        generateGrant_ = addGrant(Scope::Generate, std::nullopt); // all of Ada's recordings
        session_->notifyChanged();

        document_ = std::make_unique<ui::ProjectDocument>();
        vocals_ = QString::fromStdString(document_->addTrack("Vocals"));
        backing_ = QString::fromStdString(document_->addTrack("Backing"));
        panel_ = std::make_unique<ui::ModelsPanel>(session_.get(), document_.get());
        panel_->resize(1200, 800);
        panel_->show();
    }

    void cleanupTestCase() {
        panel_.reset(); // its workers end before the registry session goes
        document_.reset();
        session_.reset();
    }

    // The owner's recordings: consented ones can be ticked, the others are greyed with the
    // policy engine's reason; other holders' recordings are not offered.
    void onlyConsentedRecordingsCanBeTicked() {
        panel_->selectOwner(QString::fromStdString(ada_.id));
        QCOMPARE(panel_->selectedOwner(), QString::fromStdString(ada_.id));
        QCOMPARE(panel_->assetList()->topLevelItemCount(), 3);
        QVERIFY(assetItem(bobTake_) == nullptr);

        QTreeWidgetItem* allowed = assetItem(take1_);
        QVERIFY(allowed != nullptr);
        QVERIFY(allowed->flags() & Qt::ItemIsEnabled);
        QVERIFY(allowed->flags() & Qt::ItemIsUserCheckable);
        QCOMPARE(allowed->text(ui::ModelsPanel::AssetConsent), QStringLiteral("Allowed"));
        QVERIFY2(allowed->toolTip(ui::ModelsPanel::AssetConsent)
                     .contains(QString::fromStdString(trainGrant_)),
                 qPrintable(allowed->toolTip(ui::ModelsPanel::AssetConsent)));
        // Nothing ticked yet: Train says what it needs instead of "0 of 1 steps".
        QVERIFY(!panel_->trainButton()->isEnabled());
        QCOMPARE(panel_->whyTrainingCannotStart(),
                 QStringLiteral("Tick the recordings to learn from."));
        QVERIFY(panel_->trainHintLabel()->isVisibleTo(panel_.get()));
        QVERIFY(!panel_->progressBar()->isVisibleTo(panel_.get()));

        QTreeWidgetItem* noGrant = assetItem(take2_);
        QVERIFY(noGrant != nullptr);
        QVERIFY(!(noGrant->flags() & Qt::ItemIsEnabled));
        QCOMPARE(noGrant->text(ui::ModelsPanel::AssetConsent),
                 QStringLiteral("Not allowed by Ada"));
        const QString why = noGrant->toolTip(ui::ModelsPanel::AssetConsent);
        QVERIFY2(why.contains("no train-voice grant from Ada"), qPrintable(why));

        QTreeWidgetItem* revoked = assetItem(take3_);
        QVERIFY(revoked != nullptr);
        QVERIFY(!(revoked->flags() & Qt::ItemIsEnabled));
        const QString revokedWhy = revoked->toolTip(ui::ModelsPanel::AssetConsent);
        QVERIFY2(revokedWhy.contains(QString::fromStdString(revokedGrant_)) &&
                     revokedWhy.contains("revoked"),
                 qPrintable(revokedWhy));

        // The refusal's fix: the grant dialog for the first refused recording, filled in.
        QVERIFY(panel_->allowTrainingButton()->isVisibleTo(panel_.get()));
        ui::GrantDialog* fix = panel_->allowTraining();
        QVERIFY(fix != nullptr);
        QCOMPARE(fix->holderBox()->currentData().toString(), QString::fromStdString(ada_.id));
        QCOMPARE(fix->assetBox()->currentData().toString(), QString::fromStdString(take2_));
        QCOMPARE(fix->scopeBox()->currentData().toString(), QStringLiteral("train-voice"));
        fix->reject(); // the rest of the suite needs the registry as it is

        // Nothing ticked yet; a refused recording cannot be ticked at all.
        QVERIFY(!panel_->trainButton()->isEnabled());
        panel_->setAssetChecked(QString::fromStdString(take2_), true);
        QVERIFY(panel_->checkedAssets().isEmpty());
        panel_->setAssetChecked(QString::fromStdString(take1_), true);
        QCOMPARE(panel_->checkedAssets(), QStringList{QString::fromStdString(take1_)});
        QVERIFY(panel_->trainButton()->isEnabled());

        // The suggested file is in the user's data folder, named after the owner.
        const QString suggested = panel_->outputEdit()->text();
        QVERIFY2(suggested.contains("/accord/models/Ada voice") &&
                     suggested.endsWith(".accordvoice"),
                 qPrintable(suggested));
    }

    void trainsWithProgressBarAndLossPlot() {
        prepare("ada.accordvoice", kTinySteps);
        QSignalSpy finished(panel_.get(), &ui::ModelsPanel::trainingFinished);
        QSignalSpy steps(panel_.get(), &ui::ModelsPanel::trainingProgress); // the status bar's
        bool shot = false; // for reviewers: the panel while it trains
        QObject watching;
        connect(panel_.get(), &ui::ModelsPanel::trainingProgress, &watching, [&](int step) {
            if (shot || step < 1)
                return;
            shot = true;
            panel_->grab().save(QStringLiteral(ACCORD_SCREENSHOT_DIR "/models_panel_training.png"));
        });
        QTest::mouseClick(panel_->trainButton(), Qt::LeftButton);
        QVERIFY(panel_->isTraining());
        QVERIFY(!panel_->trainButton()->isEnabled());
        QVERIFY(panel_->cancelButton()->isEnabled());
        QVERIFY(waitForTraining());

        QCOMPARE(finished.count(), 1);
        model_ = finished.first().first().toString();
        QVERIFY2(!model_.isEmpty(), qPrintable(panel_->messageLabel()->text()));
        QCOMPARE(panel_->lastTrainedModel(), model_);
        QCOMPARE(panel_->progressBar()->maximum(), kTinySteps);
        QVERIFY(!steps.isEmpty());
        for (const QList<QVariant>& step : steps)
            QCOMPARE(step.at(1).toInt(), kTinySteps);
        QCOMPARE(panel_->progressBar()->value(), kTinySteps);
        QVERIFY2(panel_->messageLabel()->text().contains("Trained and registered “ada”"),
                 qPrintable(panel_->messageLabel()->text()));

        // One point per step, in order; the held-out loss measured at least at the end.
        const QVector<QPointF> loss = panel_->trainingLossPoints();
        QCOMPARE(loss.size(), kTinySteps);
        for (int i = 0; i < loss.size(); ++i) {
            QCOMPARE(loss[i].x(), double(i + 1));
            QVERIFY(loss[i].y() > 0);
        }
        QVERIFY(!panel_->validationLossPoints().isEmpty());
        QCOMPARE(panel_->validationLossPoints().last().x(), double(kTinySteps));

        // The card: in the list, verified from the file, with its lineage and hash.
        QVERIFY(QTest::qWaitFor([this] { return !panel_->isCheckingCards(); },
                                accord::test::kSafetyNetMs));
        QTreeWidgetItem* item = modelItem(model_);
        QVERIFY(item != nullptr);
        const std::optional<Model> registered = registry().model(model_.toStdString());
        QVERIFY(registered.has_value());
        QCOMPARE(item->text(ui::ModelsPanel::ModelOwner), QString("Ada"));
        QCOMPARE(item->text(ui::ModelsPanel::ModelState), QString("Ready"));
        QVERIFY(QString::fromStdString(registered->weightsSha256)
                    .startsWith(item->text(ui::ModelsPanel::ModelWeights)));
        // Names in the list, ids in the tooltips.
        QCOMPARE(item->text(ui::ModelsPanel::ModelId),
                 QFileInfo(QString::fromStdString(registered->file)).completeBaseName());
        QVERIFY(item->toolTip(ui::ModelsPanel::ModelId).contains(model_));
        QVERIFY(
            item->toolTip(ui::ModelsPanel::ModelTraining).contains(QString::fromStdString(take1_)));
        QVERIFY(item->toolTip(ui::ModelsPanel::ModelTraining)
                    .contains(QString::fromStdString(trainGrant_)));
        QVERIFY(item->text(ui::ModelsPanel::ModelMetrics).contains("validation"));
        panel_->selectModel(model_);
        const QString card = panel_->cardView()->toPlainText();
        QVERIFY2(card.contains("verified") &&
                     card.contains(QString::fromStdString(registered->weightsSha256)) &&
                     card.contains(QString::fromStdString(trainGrant_)),
                 qPrintable(card));
    }

    // Cancelled while it runs: the checkpoint stays, nothing is registered, Resume is offered
    // and finishes the schedule, continuing the curve where it stopped.
    void cancelThenResumeCompletes() {
        prepare("ada-resumed.accordvoice", kLongerSteps);
        const QString checkpoint = dir_.filePath("ada-resumed.accordvoice.checkpoint");
        const size_t modelsBefore = registry().models().size();
        QTest::mouseClick(panel_->trainButton(), Qt::LeftButton);
        QVERIFY(QTest::qWaitFor(
            [this] {
                return panel_->progressBar()->maximum() == kLongerSteps &&
                       panel_->progressBar()->value() > 0;
            },
            kTrainingTimeoutMs));
        QTest::mouseClick(panel_->cancelButton(), Qt::LeftButton);
        QVERIFY(!panel_->cancelButton()->isEnabled());
        QVERIFY(waitForTraining());

        const int stoppedAt = panel_->progressBar()->value();
        QVERIFY2(stoppedAt > 0 && stoppedAt < kLongerSteps, qPrintable(QString::number(stoppedAt)));
        QVERIFY(panel_->canResume());
        QVERIFY(panel_->resumeButton()->isEnabled());
        QVERIFY2(panel_->messageLabel()->text().contains("checkpoint"),
                 qPrintable(panel_->messageLabel()->text()));
        QVERIFY(QFileInfo::exists(checkpoint));
        QCOMPARE(registry().models().size(), modelsBefore);
        QCOMPARE(panel_->trainingLossPoints().size(), stoppedAt);

        QSignalSpy finished(panel_.get(), &ui::ModelsPanel::trainingFinished);
        QTest::mouseClick(panel_->resumeButton(), Qt::LeftButton);
        QVERIFY(waitForTraining());
        QCOMPARE(finished.count(), 1);
        const QString resumed = finished.first().first().toString();
        QVERIFY2(!resumed.isEmpty(), qPrintable(panel_->messageLabel()->text()));
        QCOMPARE(panel_->progressBar()->value(), kLongerSteps);
        QVERIFY(!panel_->canResume());
        QVERIFY(!QFileInfo::exists(checkpoint));
        QCOMPARE(registry().models().size(), modelsBefore + 1);
        const QVector<QPointF> loss = panel_->trainingLossPoints();
        QCOMPARE(loss.size(), kLongerSteps);
        for (int i = 0; i < loss.size(); ++i)
            QCOMPARE(loss[i].x(), double(i + 1));
        QVERIFY(QTest::qWaitFor([&] { return modelItem(resumed) != nullptr; },
                                accord::test::kSafetyNetMs));

        // For reviewers: the panel after a resumed run, its curve and the cards.
        QVERIFY(QTest::qWaitFor([this] { return !panel_->isCheckingCards(); },
                                accord::test::kSafetyNetMs));
        panel_->selectModel(resumed);
        const QString shot = QStringLiteral(ACCORD_SCREENSHOT_DIR "/models_panel.png");
        QVERIFY2(panel_->grab().save(shot), qPrintable(shot));
    }

    // Training again into a registered model's file would take its weights away: refused.
    void aRegisteredModelsFileIsNotOverwritten() {
        const QString file = dir_.filePath("ada.accordvoice");
        const QByteArray before = [&] {
            QFile in(file);
            return in.open(QIODevice::ReadOnly) ? in.readAll() : QByteArray();
        }();
        prepare("ada.accordvoice", kTinySteps);
        QTest::mouseClick(panel_->trainButton(), Qt::LeftButton);
        QVERIFY(!panel_->isTraining());
        QVERIFY2(panel_->messageLabel()->text().contains(model_),
                 qPrintable(panel_->messageLabel()->text()));
        QFile after(file);
        QVERIFY(after.open(QIODevice::ReadOnly));
        QCOMPARE(after.readAll(), before);
    }

    // What the models layer refuses comes back in its own words, and nothing is left running.
    void aTrainingErrorIsShownInPlainWords() {
        prepare("no-such-folder/ada.accordvoice", kTinySteps);
        QSignalSpy finished(panel_.get(), &ui::ModelsPanel::trainingFinished);
        QTest::mouseClick(panel_->trainButton(), Qt::LeftButton);
        QVERIFY(waitForTraining());
        QCOMPARE(finished.count(), 1);
        QVERIFY(finished.first().first().toString().isEmpty());
        const QString message = panel_->messageLabel()->text();
        QVERIFY2(message.startsWith("Could not train") && message.contains("does not exist"),
                 qPrintable(message));
        QVERIFY(!panel_->canResume());
        QVERIFY(panel_->trainButton()->isEnabled());
    }

    void appliesAModelToATrackAsAnUndoableEdit() {
        QUndoStack* undo = document_->undoStack();
        const QString file = QString::fromStdString(registry().model(model_.toStdString())->file);
        panel_->selectModel(model_);
        panel_->trackBox()->setCurrentIndex(panel_->trackBox()->findData(vocals_));
        QVERIFY(panel_->applyButton()->isEnabled());
        QVERIFY(!panel_->removeButton()->isEnabled());
        const int before = undo->count();
        QTest::mouseClick(panel_->applyButton(), Qt::LeftButton);
        QCOMPARE(QString::fromStdString(track(vocals_).model), file);
        QCOMPARE(undo->count(), before + 1);
        QVERIFY(undo->undoText().contains("Vocals"));
        QVERIFY(panel_->removeButton()->isEnabled());

        undo->undo();
        QVERIFY(track(vocals_).model.empty());
        QVERIFY(!panel_->removeButton()->isEnabled());
        undo->redo();
        QCOMPARE(QString::fromStdString(track(vocals_).model), file);

        QTest::mouseClick(panel_->removeButton(), Qt::LeftButton);
        QVERIFY(track(vocals_).model.empty());
        undo->undo();
        QCOMPARE(QString::fromStdString(track(vocals_).model), file);
    }

    // A track sung far from the model's voice (a soprano into a low male voice's model): the
    // panel shows both ranges and offers the octave that brings them together, as one undoable
    // edit.
    void offersAnOctaveWhenTheTrackSingsFarFromTheVoice() {
        ACCORD_REQUIRE_MATERIAL(soprano, "npm/audio-lena/lena.flac");
        const std::string asset = test::registerRecording(registry(), soprano, bob_.id);
        accord::Clip clip;
        clip.asset = asset;
        clip.file = soprano.toStdString();
        const AudioIdentity identity = audio::identifyAudioFile(clip.file);
        clip.length = std::int64_t(identity.durationSeconds * document_->project().sampleRate);
        document_->addClip(backing_.toStdString(), clip);
        panel_->selectModel(model_);
        panel_->trackBox()->setCurrentIndex(panel_->trackBox()->findData(backing_));
        QCOMPARE(panel_->transposeBox()->value(), 0);
        QSignalSpy compared(panel_.get(), &ui::ModelsPanel::rangesCompared);
        QVERIFY(panel_->applyModel(model_, backing_));
        QVERIFY(compared.wait(kTrainingTimeoutMs));
        const QString message = panel_->applyMessage()->text();
        QVERIFY2(message.contains("The model's voice sings") &&
                     message.contains("'Backing' sings") && message.contains("far from"),
                 qPrintable(message));
        // Down by whole octaves (the voice sings around 100-150 Hz, the soprano around 400 Hz).
        QVERIFY(panel_->suggestedTransposeButton()->isVisible());
        const QString offer = panel_->suggestedTransposeButton()->text();
        QVERIFY2(offer == "Transpose -12" || offer == "Transpose -24", qPrintable(message));
        const int octaves = offer.section(' ', 1).toInt();

        QUndoStack* undo = document_->undoStack();
        const int before = undo->count();
        QTest::mouseClick(panel_->suggestedTransposeButton(), Qt::LeftButton);
        QCOMPARE(track(backing_).modelTranspose, double(octaves));
        QCOMPARE(panel_->transposeBox()->value(), octaves);
        QCOMPARE(undo->count(), before + 1);
        QVERIFY(!panel_->suggestedTransposeButton()->isVisible());
        undo->undo();
        QCOMPARE(track(backing_).modelTranspose, 0.0);
        QVERIFY(!track(backing_).model.empty());
        undo->undo();
        QVERIFY(track(backing_).model.empty());
    }

    // The list says where each voice sang in training, and so does the line of a track running
    // through it; choosing such a track compares its recordings with the voice and offers the
    // octave, as applying the model does.
    void showsTheVoiceRangeAndComparesAChosenTrack() {
        ACCORD_REQUIRE_MATERIAL(soprano, "npm/audio-lena/lena.flac");
        const std::optional<Model> model = registry().model(model_.toStdString());
        QVERIFY2(model.has_value(), "needs the model the training tests above register");
        const auto range = models::trainedPitchRange(model->metricsJson);
        QVERIFY(range.has_value());
        const QString described = QString::fromStdString(models::describePitchRange(*range));
        QCOMPARE(modelItem(model_)->text(ui::ModelsPanel::ModelRange), described);

        if (track(backing_).clips.empty()) { // unless the test above put the soprano there
            accord::Clip clip;
            clip.asset = test::registerRecording(registry(), soprano, bob_.id);
            clip.file = soprano.toStdString();
            clip.length = std::int64_t(audio::identifyAudioFile(clip.file).durationSeconds *
                                       document_->project().sampleRate);
            document_->addClip(backing_.toStdString(), clip);
        }
        document_->setTrackModel(backing_.toStdString(), QString::fromStdString(model->file), 0);
        panel_->trackBox()->setCurrentIndex(panel_->trackBox()->findData(vocals_));
        QSignalSpy compared(panel_.get(), &ui::ModelsPanel::rangesCompared);
        panel_->trackBox()->setCurrentIndex(panel_->trackBox()->findData(backing_));
        auto* line = panel_->findChild<QLabel*>(QStringLiteral("trackModelLabel"));
        QVERIFY(line != nullptr);
        QVERIFY2(line->text().contains("Its voice sings " + described), qPrintable(line->text()));
        QVERIFY(compared.wait(kTrainingTimeoutMs));
        const QString message = panel_->applyMessage()->text();
        QVERIFY2(message.startsWith("The model's voice sings " + described) &&
                     message.contains("'Backing' sings") && message.contains("far from"),
                 qPrintable(message));
        QVERIFY(panel_->suggestedTransposeButton()->isVisible());
        document_->undoStack()->undo();
        QVERIFY(track(backing_).model.empty());
    }

    // Without an active generate grant the model cannot be put on a track; the refusal names the
    // grant and why, and the project is untouched.
    void applyIsDeniedOnceGenerateIsRevoked() {
        registry().revokeGrant(generateGrant_, "no more generated vocals");
        session_->notifyChanged();
        QTreeWidgetItem* item = modelItem(model_);
        QVERIFY(item != nullptr);
        QCOMPARE(item->text(ui::ModelsPanel::ModelState), QString("No generate grant"));

        QUndoStack* undo = document_->undoStack();
        const int before = undo->count();
        QVERIFY(!panel_->applyModel(model_, backing_));
        QVERIFY(track(backing_).model.empty());
        QCOMPARE(undo->count(), before);
        const QString message = panel_->applyMessage()->text();
        QVERIFY2(message.contains("consent denied") &&
                     message.contains(QString::fromStdString(generateGrant_)) &&
                     message.contains("revoked"),
                 qPrintable(message));
    }

    // Revoking a training grant marks the models trained under it; the list says so plainly.
    void aSourceRevokedModelIsShownAsSuch() {
        registry().revokeGrant(trainGrant_, "withdrawn");
        session_->notifyChanged();
        QTreeWidgetItem* item = modelItem(model_);
        QVERIFY(item != nullptr);
        QCOMPARE(item->text(ui::ModelsPanel::ModelState), QString("Source revoked"));
        // And the recording can no longer be ticked for training.
        QTreeWidgetItem* take = assetItem(take1_);
        QVERIFY(take != nullptr);
        QVERIFY(!(take->flags() & Qt::ItemIsEnabled));
        QVERIFY(!panel_->trainButton()->isEnabled());
    }
};

int main(int argc, char** argv) {
    return accord::test::runStudioTest<TestModelsPanel>(argc, argv);
}

#include "test_models_panel.moc"
