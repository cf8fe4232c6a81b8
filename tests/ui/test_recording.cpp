// Recording in the studio window, driven like a user on a real recording and a real registry
// (docs/STUDIO.md "Recording"): a track is armed with R in its header (the performer asked,
// starting on "Working as"), R records with the offline clock's loopback test input (the output
// fed back 1024 frames later), and the take ends as a clip on the armed track, at the position
// it was heard, holding exactly what played there, registered as a *recorded* asset of the
// performer; one undo removes it.

#include "accord/audio/audio_io.h"
#include "accord/core/registry.h"
#include "accord/ui/arrangement/arrangement_model.h"
#include "accord/ui/recording/recording_manager.h"
#include "accord/ui/shell/preferences_dialog.h"
#include "studio_test_main.h"
#include "studio_test_support.h"

#include <QComboBox>
#include <QLabel>
#include <QMessageBox>
#include <QSpinBox>
#include <QUndoStack>

using namespace accord;
using accord::test::answerOwnerDialog;
using accord::test::dropFiles;
using accord::test::waitForIdle;
using accord::test::waitForImports;

class TestRecording : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;
    QString registry_;
    QString ada_, ben_;

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(dir_.isValid());
        registry_ = dir_.filePath(QStringLiteral("registry.sqlite"));
        const auto registry = Registry::open(registry_.toStdString());
        ada_ = QString::fromStdString(registry->addHolder("Ada Lovelace", "").id);
        ben_ = QString::fromStdString(registry->addHolder("Ben Okri", "").id);
    }

    void armRecordAndTheTakeIsThePerformersRecording() {
        ACCORD_REQUIRE_MATERIAL(backing, "alsa/Front_Center.wav");
        ui::MainWindow window;
        QVERIFY(window.openRegistry(registry_));
        window.resize(1400, 900);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        window.activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(&window));
        window.playback()->engine().setOfflineLoopback(1024);
        window.playback()->useOfflineClock();
        QCOMPARE(window.playback()->engine().recordingLatencyFrames(), 1024);

        // A backing track (imported, Ada's) and an empty track to sing on.
        ui::ArrangementView* view = window.arrangement();
        QVERIFY(dropFiles(view->viewport(), {backing}, QPoint(view->model()->laneLeft() + 2, 60)));
        QVERIFY(answerOwnerDialog(window, ada_));
        QVERIFY(waitForImports(window));
        const std::string vocal = window.document()->addTrack(QStringLiteral("Vocal"));
        QVERIFY(waitForIdle(window));
        const std::string backingTrack = window.document()->project().tracks[0].id;
        window.document()->moveClip(window.document()->project().tracks[0].clips.at(0).id,
                                    backingTrack, 0);
        QVERIFY(waitForIdle(window));
        window.setWorkingAs(ben_);

        // R with nothing armed: a clear error, nothing recorded.
        window.activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(&window));
        view->setFocus();
        QTest::keyClick(view, Qt::Key_R);
        QMessageBox* error = nullptr;
        QTRY_VERIFY((error = window.findChild<QMessageBox*>(QStringLiteral("errorBox"))) !=
                    nullptr);
        QVERIFY(error->text().contains(QStringLiteral("record")) ||
                error->informativeText().contains(QStringLiteral("Arm")));
        QVERIFY(!window.recorder()->isRecording());
        error->close();

        // R in the Vocal header asks who performs, starting on "Working as" (Ben).
        ui::RecordingManager* recorder = window.recorder();
        const QRect arm = view->model()->armButtonRect(1);
        QTest::mouseClick(view->viewport(), Qt::LeftButton, Qt::NoModifier, arm.center());
        ui::ArmDialog* dialog = nullptr;
        QTRY_VERIFY((dialog = recorder->armDialog()) != nullptr);
        QCOMPARE(dialog->performer(), ben_);
        QCOMPARE(dialog->channels(), 1);
        QTest::mouseClick(dialog->findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok),
                          Qt::LeftButton);
        QTRY_VERIFY(recorder->isArmed(vocal));
        QVERIFY(view->model()->inputState(vocal).armed);
        QVERIFY(!recorder->isMonitoring(vocal)); // monitoring is off until asked for
        QVERIFY(!recorder->isArmed(backingTrack));

        // Record from the start (R), a little over a second, then stop (R again).
        window.playback()->seek(0);
        window.activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(&window));
        view->setFocus();
        QTest::keyClick(view, Qt::Key_R);
        QVERIFY(recorder->isRecording());
        QTRY_VERIFY_WITH_TIMEOUT(window.playback()->playhead() > 60000, test::kSafetyNetMs);
        window.findChild<QAction*>(QStringLiteral("actionRecord"))->trigger();
        QVERIFY(!recorder->isRecording());
        QVERIFY(!window.playback()->isPlaying());
        const int undoBefore = window.document()->undoStack()->index();
        QTRY_VERIFY_WITH_TIMEOUT(!recorder->isRegistering() &&
                                     !window.document()->findTrack(vocal)->clips.empty(),
                                 test::kSafetyNetMs);

        // The take: on the Vocal track where it was heard, exactly what played there.
        const Clip take = window.document()->findTrack(vocal)->clips.at(0);
        QCOMPARE(take.position, std::int64_t(0));
        QVERIFY(take.length > 48000);
        QVERIFY(QString::fromStdString(take.file).startsWith(recorder->takeFolder()));
        QVERIFY(QString::fromStdString(take.file).endsWith(QStringLiteral("Vocal take 1.wav")));
        const auto recorded = audio::readAudio(take.file);
        const auto played = audio::readAudio(backing.toStdString());
        QCOMPARE(std::int64_t(recorded.channels.at(0).size()), take.length);
        for (std::int64_t k = 0; k < take.length && k < std::int64_t(played.channels[0].size());
             ++k)
            if (recorded.channels[0][std::size_t(k)] != played.channels[0][std::size_t(k)])
                QFAIL(qPrintable(
                    QStringLiteral("the take differs from what played at sample %1").arg(k)));

        // Registered as a recorded asset of Ben, the performer.
        const auto reader = Registry::open(registry_.toStdString());
        const auto asset = reader->asset(take.asset);
        QVERIFY(asset.has_value());
        QCOMPARE(QString::fromStdString(asset->owner), ben_);
        QVERIFY(asset->origin == AssetOrigin::Recorded);
        QCOMPARE(asset->pcmSha256, take.pcmSha256);

        // One undo step.
        QCOMPARE(window.document()->undoStack()->index(), undoBefore + 1);
        window.document()->undoStack()->undo();
        QVERIFY(window.document()->findTrack(vocal)->clips.empty());

        // The monitor button toggles on an armed track; R in the header disarms.
        QTest::mouseClick(view->viewport(), Qt::LeftButton, Qt::NoModifier,
                          view->model()->monitorButtonRect(1).center());
        QVERIFY(recorder->isMonitoring(vocal));
        QTest::mouseClick(view->viewport(), Qt::LeftButton, Qt::NoModifier, arm.center());
        QVERIFY(!recorder->isArmed(vocal));

        // Preferences: the input choice, and the latency offset added to what is compensated.
        ui::PreferencesDialog* preferences = window.showPreferences();
        QVERIFY(preferences != nullptr);
        QCOMPARE(preferences->inputBox()->itemText(0), QStringLiteral("No input (playback only)"));
        preferences->latencyOffsetBox()->setValue(100);
        QCOMPARE(window.playback()->engine().recordingLatencyFrames(), 1124);
        QVERIFY(preferences->findChild<QLabel*>(QStringLiteral("latencyLabel"))
                    ->text()
                    .contains(QStringLiteral("1124")));
        preferences->latencyOffsetBox()->setValue(0);
        preferences->close();
    }
};

int main(int argc, char** argv) {
    return accord::test::runStudioTest<TestRecording>(argc, argv);
}

#include "test_recording.moc"
