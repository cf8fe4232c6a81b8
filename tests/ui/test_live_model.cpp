// A track running through a voice model in the studio window, on a real registry, a tiny model
// really trained on a consented recording and a real recording on the track: applying the model
// (the document's undoable edit) loads it on a worker and puts its live node in the engine with
// its latency compensated and shown; playing sounds through it; undo and redo follow; export
// through the dialog renders it; a revoked generate grant takes it off the track and a new
// apply is refused with the policy engine's reason in the window.

#include "accord/core/registry.h"
#include "accord/models/voice_model.h"
#include "accord/ui/common/studio_style.h"
#include "accord/ui/export/export_dialog.h"
#include "accord/ui/mixer/mixer_panel.h"
#include "accord/ui/playback/playback_controller.h"
#include "accord/ui/project/project_document.h"
#include "accord/ui/shell/main_window.h"
#include "accord/ui/shell/registry_session.h"
#include "accord/workflows/train.h"
#include "studio_test_main.h"

#include "registered_recordings.h"
#include "test_support.h"

#include <QApplication>
#include <QFile>
#include <QFileInfo>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QUndoStack>
#include <QtTest>

#include <memory>
#include <string>

using namespace accord;

namespace {

const QString kAdaTake1 = "fillets-cs/barrel/cs/bar-v-krab.ogg";     // low male voice, 7.8 s
const QString kAdaTake2 = "fillets-cs/barrel/cs/bar-v-genofond.ogg"; // 5.5 s
const char* const kTrack = "t-1";
constexpr double kClipSeconds = 3.0; // a short clip keeps the export quick
constexpr int kTinySteps = 30;
constexpr int kTinyWidth = 32;
constexpr int kLoadTimeoutMs = accord::test::kSafetyNetMs;   // a safety net, not a speed limit
constexpr int kJudgeTimeoutMs = accord::test::kSafetyNetMs;  // a safety net, not a speed limit
constexpr int kExportTimeoutMs = accord::test::kSafetyNetMs; // a safety net, not a speed limit
constexpr int kPlayMs = 1000;
constexpr double kMaxLatencyMs = 20.0;
constexpr double kSignalDb = -50.0;
// Blocks of 256 frames in which the worker was late, out of ~190 in a second: a broken exchange
// misses nearly all of them, a machine loaded by other work (load 10 on 2 cores: 18 measured) some.
// How many a free machine misses is bench_live_voice's to measure, not a test's.
constexpr std::uint64_t kMostUnderruns = 95;

using LiveState = ui::PlaybackController::LiveModelState;

} // namespace

class TestLiveModel : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;
    std::unique_ptr<ui::MainWindow> window_;
    std::string ada_, take1_, take2_, generateGrant_;
    QString model_;
    std::string modelId_;

    Registry& registry() { return *window_->session()->registry(); }
    ui::PlaybackController* playback() { return window_->playback(); }
    LiveState state() { return playback()->liveModelState(QString::fromLatin1(kTrack)); }
    int latency() { return playback()->engine().trackLatencyFrames(kTrack); }

    // The edit is applied, its rebuild published and the model's load (if any) finished.
    bool waitForSync() {
        return QTest::qWaitFor(
            [this] {
                playback()->flush();
                return playback()->isSynced();
            },
            kLoadTimeoutMs);
    }

    QMessageBox* errorBox() const { return window_->findChild<QMessageBox*>("errorBox"); }

    void closeErrorBoxes() {
        while (QMessageBox* box = errorBox()) {
            box->setObjectName(QString());
            box->close();
        }
    }

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(dir_.isValid());
        ACCORD_REQUIRE_MATERIAL(take1, kAdaTake1);
        ACCORD_REQUIRE_MATERIAL(take2, kAdaTake2);

        window_ = std::make_unique<ui::MainWindow>();
        QVERIFY(window_->openRegistry(dir_.filePath("registry.sqlite")));
        ada_ = registry().addHolder("Ada", "").id;
        take1_ = test::registerRecording(registry(), take1, ada_);
        take2_ = test::registerRecording(registry(), take2, ada_);
        test::grantAllRecordings(registry(), ada_, Scope::TrainVoice);
        test::grantAllRecordings(registry(), ada_, Scope::Export);
        generateGrant_ = test::grantAllRecordings(registry(), ada_, Scope::Generate);

        workflows::VoiceTrainingRequest training;
        training.owner = ada_;
        training.assets = {take1_};
        training.outFile = dir_.filePath("ada.accordvoice").toStdString();
        training.maxSteps = kTinySteps;
        training.channels = kTinyWidth;
        const workflows::TrainedModel trained = workflows::trainVoiceModel(registry(), training);
        QVERIFY(!trained.modelId.empty());
        model_ = QString::fromStdString(trained.file);
        modelId_ = trained.modelId;
        window_->session()->notifyChanged();

        accord::Project project;
        accord::Track vocals;
        vocals.id = kTrack;
        vocals.name = "Vocals";
        accord::Clip clip;
        clip.id = "c-1";
        clip.asset = take2_;
        clip.file = take2.toStdString();
        clip.length = project.secondsToSamples(kClipSeconds);
        vocals.clips.push_back(clip);
        project.tracks = {vocals};
        window_->document()->reset(project, QString());
        window_->document()->save(dir_.filePath("song.accord"));
        playback()->useOfflineClock();
        window_->show();
        QVERIFY(waitForSync());
        QCOMPARE(state(), LiveState::None);
        QCOMPARE(latency(), 0);
    }

    // The model loads on a worker (the window shows it loading meanwhile), then the engine runs
    // the track through it with its latency compensated, shown on the mixer strip.
    void applyingLoadsTheModelOffTheWindowThread() {
        QList<LiveState> states;
        const auto connection = connect(playback(), &ui::PlaybackController::liveModelChanged, this,
                                        [&](const QString&) { states << state(); });
        window_->document()->setTrackModel(kTrack, model_);
        QVERIFY(waitForSync());
        disconnect(connection);
        QCOMPARE(states, QList<LiveState>({LiveState::Loading, LiveState::Live}));
        QVERIFY(errorBox() == nullptr);

        const double ms = 1000.0 * latency() / window_->document()->project().sampleRate;
        qInfo("live voice latency: %d frames, %.1f ms", latency(), ms);
        QVERIFY(latency() > 0);
        QVERIFY2(ms <= kMaxLatencyMs, qPrintable(QString::number(ms)));

        const QString shown = window_->mixer()->strip(kTrack)->toolTip();
        QVERIFY2(shown.contains("Ada voice") && shown.contains(QString::number(ms, 'f', 1)) &&
                     shown.contains("ms compensated"),
                 qPrintable(shown));
    }

    // The track sounds through the live node, its worker feeding the exchange.
    void playsThroughTheModel() {
        const std::uint64_t underrunsBefore = playback()->engine().stats().liveUnderruns;
        playback()->seek(0);
        playback()->play();
        double peak = ui::LevelMeter::kFloorDb;
        QElapsedTimer clock;
        clock.start();
        while (clock.elapsed() < kPlayMs) {
            QTest::qWait(ui::PlaybackController::kTickIntervalMs);
            peak = std::max(peak, window_->mixer()->strip(kTrack)->meter()->peakDb());
        }
        playback()->stop();
        const std::uint64_t underruns =
            playback()->engine().stats().liveUnderruns - underrunsBefore;
        qInfo("track peak %.1f dB, %llu late blocks", peak,
              static_cast<unsigned long long>(underruns));
        QVERIFY2(peak > kSignalDb, qPrintable(QString::number(peak)));
        QVERIFY(underruns < kMostUnderruns);
    }

    void undoAndRedoFollow() {
        QUndoStack* undo = window_->document()->undoStack();
        undo->undo();
        QVERIFY(waitForSync());
        QCOMPARE(state(), LiveState::None);
        QCOMPARE(latency(), 0);
        QVERIFY(window_->mixer()->strip(kTrack)->toolTip().isEmpty());

        undo->redo();
        QVERIFY(waitForSync());
        QCOMPARE(state(), LiveState::Live);
        QVERIFY(latency() > 0);
    }

    // The Export dialog renders the track through the model on its worker.
    void exportsTheModelTrack() {
        window_->exportAction()->trigger();
        auto* dialog = window_->findChild<ui::ExportDialog*>();
        QVERIFY(dialog != nullptr);
        dialog->folderEdit()->setText(dir_.filePath("out"));
        QVERIFY(QTest::qWaitFor([dialog] { return !dialog->isJudging(); }, kJudgeTimeoutMs));
        QCOMPARE(dialog->gate().verdict, ui::ExportGateView::Verdict::Allowed);
        QVERIFY(dialog->exportButton()->isEnabled());
        QTest::mouseClick(dialog->exportButton(), Qt::LeftButton);
        QVERIFY(QTest::qWaitFor([dialog] { return !dialog->isExporting(); }, kExportTimeoutMs));
        const QStringList files = dialog->exportedFiles();
        QVERIFY2(!files.isEmpty(), qPrintable(dialog->resultLabel()->text()));
        for (const QString& file : files)
            QVERIFY2(QFileInfo(file).size() > 0, qPrintable(file));
        // The mix's proof names the model it was re-sung with.
        QFile sidecar(files.first() + ".accord.json");
        QVERIFY(sidecar.open(QIODevice::ReadOnly));
        QVERIFY(sidecar.readAll().contains(modelId_.c_str()));
        dialog->close();
    }

    // Revoking the generate grant takes the model off the track at once, saying why; applying
    // it again is refused the same way and nothing is loaded.
    void revokedConsentIsNotLoaded() {
        QSignalSpy errors(playback(), &ui::PlaybackController::errorOccurred);
        registry().revokeGrant(generateGrant_, "no more generated vocals");
        window_->session()->notifyChanged();
        QVERIFY(QTest::qWaitFor([this] { return state() == LiveState::Refused; }, kLoadTimeoutMs));
        QCOMPARE(latency(), 0);
        QCOMPARE(errors.count(), 1);
        QVERIFY(errorBox() != nullptr);
        closeErrorBoxes();

        window_->document()->undoStack()->undo();
        QVERIFY(waitForSync());
        QCOMPARE(state(), LiveState::None);

        window_->document()->setTrackModel(kTrack, model_);
        QVERIFY(waitForSync());
        QCOMPARE(state(), LiveState::Refused);
        QCOMPARE(latency(), 0);
        QCOMPARE(errors.count(), 2);
        const auto report = errors.last().at(0).value<ui::ErrorReport>();
        qInfo("%s: %s", qPrintable(report.title), qPrintable(report.message));
        QVERIFY2(report.message.contains(QString::fromStdString(generateGrant_)) &&
                     report.message.contains("revoked"),
                 qPrintable(report.message));
        QMessageBox* box = errorBox();
        QVERIFY(box != nullptr);
        QVERIFY2(box->informativeText().contains(QString::fromStdString(generateGrant_)),
                 qPrintable(box->informativeText()));
        const QString shown = playback()->liveModelDescription(QString::fromLatin1(kTrack));
        QVERIFY2(shown.contains("is not used") && shown.contains("revoked"), qPrintable(shown));
        closeErrorBoxes();
    }

    void cleanupTestCase() { window_.reset(); }
};

int main(int argc, char** argv) {
    return accord::test::runStudioTest<TestLiveModel>(argc, argv);
}

#include "test_live_model.moc"
