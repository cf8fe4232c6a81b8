// Recording in the studio window, driven like a user on a real recording and a real registry
// (docs/STUDIO.md "Recording"): a track is armed with R in its header (the performer asked,
// starting on "Working as"), R records with the offline clock's loopback test input (the output
// fed back 1024 frames later), and the take ends as a clip on the armed track, at the position
// it was heard, holding exactly what played there, registered as a *recorded* asset of the
// performer; one undo removes it. Loop recording with punch gives a take lane per pass, comped
// in the take lanes under the arrangement; recording over a clip, punched on a time selection,
// keeps the clip as a take (docs/STUDIO.md "Takes and comping").

#include "accord/audio/audio_io.h"
#include "accord/core/registry.h"
#include "accord/ui/arrangement/arrangement_model.h"
#include "accord/ui/arrangement/take_lanes_view.h"
#include "accord/ui/recording/recording_manager.h"
#include "accord/ui/shell/preferences_dialog.h"
#include "studio_test_main.h"
#include "studio_test_support.h"

#include <QComboBox>
#include <QLabel>
#include <QMessageBox>
#include <QRegularExpression>
#include <QScrollBar>
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

    // The studio on the test registry with a backing track (imported, Ada's, at 0) and an empty
    // "Vocal" track to sing on; the input is the offline clock's loopback (the output fed back
    // 1024 frames later).
    void openWithBacking(ui::MainWindow& window, const QString& backing, std::string& vocal,
                         std::string& backingTrack) {
        QVERIFY(window.openRegistry(registry_));
        QVERIFY(accord::test::showOnOfflineClock(window, {1400, 900}, 1024));
        QCOMPARE(window.playback()->engine().recordingLatencyFrames(), 1024);
        ui::ArrangementView* view = window.arrangement();
        QVERIFY(dropFiles(view->viewport(), {backing}, QPoint(view->model()->laneLeft() + 2, 60)));
        QVERIFY(answerOwnerDialog(window, ada_));
        QVERIFY(waitForImports(window));
        vocal = window.document()->addTrack(QStringLiteral("Vocal"));
        QVERIFY(waitForIdle(window));
        backingTrack = window.document()->project().tracks[0].id;
        window.document()->moveClip(window.document()->project().tracks[0].clips.at(0).id,
                                    backingTrack, 0);
        QVERIFY(waitForIdle(window));
    }

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
        std::string vocal, backingTrack;
        openWithBacking(window, backing, vocal, backingTrack);
        if (QTest::currentTestFailed())
            return;
        ui::ArrangementView* view = window.arrangement();
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

    // Loop recording with punch: two whole passes and most of a third give a take lane each,
    // newest on top, every one at the loop start holding exactly what played there, each a
    // recorded asset of the performer; the newest sounds. In the take lanes under the
    // arrangement a drag across the oldest take comps that range in, a click makes another take
    // sound whole; every step undoes. The arm and its monitoring are saved with the project.
    void loopRecordingGivesTakeLanesToComp() {
        ACCORD_REQUIRE_MATERIAL(backing, "alsa/Front_Center.wav");
        ui::MainWindow window;
        std::string vocal, backingTrack;
        openWithBacking(window, backing, vocal, backingTrack);
        if (QTest::currentTestFailed())
            return;
        ui::ArrangementView* view = window.arrangement();
        ui::RecordingManager* recorder = window.recorder();
        recorder->arm(QString::fromStdString(vocal), TrackArm{ben_.toStdString(), 0, 1, false});
        QVERIFY(recorder->isArmed(vocal));

        const int rate = window.document()->project().sampleRate;
        const std::int64_t loopStart = rate / 4, loopEnd = loopStart + rate; // inside the backing
        window.playback()->setLoopRange(loopStart, loopEnd);
        window.playback()->setLoopEnabled(true);
        window.findChild<QAction*>(QStringLiteral("actionPunch"))->setChecked(true);
        window.playback()->seek(loopStart);
        const int undoBefore = window.document()->undoStack()->index();
        QAction* record = window.findChild<QAction*>(QStringLiteral("actionRecord"));
        record->trigger();
        QVERIFY(recorder->isRecording());
        // Stopped three quarters into the third pass (polled: a late poll stops in a later
        // pass, which gives one more take).
        int wraps = 0;
        std::int64_t last = window.playback()->playhead();
        QVERIFY(QTest::qWaitFor(
            [&] {
                const std::int64_t now = window.playback()->playhead();
                wraps += now < last ? 1 : 0;
                last = now;
                return wraps >= 2 && now >= loopStart + 3 * (loopEnd - loopStart) / 4;
            },
            test::kSafetyNetMs));
        record->trigger();
        QVERIFY(!recorder->isRecording());
        QTRY_VERIFY_WITH_TIMEOUT(!recorder->isRegistering() &&
                                     !window.document()->findTrack(vocal)->takes.empty(),
                                 test::kSafetyNetMs);

        const Track* track = window.document()->findTrack(vocal);
        const std::vector<Clip> takes = track->takes;
        QCOMPARE(takes.size(), std::size_t(wraps + 1));
        const auto played = audio::readAudio(backing.toStdString());
        QVERIFY(std::int64_t(played.channels.at(0).size()) >= loopEnd);
        const auto reader = Registry::open(registry_.toStdString());
        // Newest on top: the take files are numbered in the order played.
        const auto numberOf = [](const Clip& clip) {
            static const QRegularExpression named(QStringLiteral("Vocal take (\\d+)\\.wav$"));
            return named.match(QString::fromStdString(clip.file)).captured(1).toInt();
        };
        QVERIFY(numberOf(takes.back()) > 0);
        for (std::size_t i = 0; i < takes.size(); ++i) {
            const Clip& take = takes[i];
            const QString number = QString::number(numberOf(take));
            QCOMPARE(numberOf(take), numberOf(takes.back()) + int(takes.size() - 1 - i));
            QCOMPARE(take.position, loopStart);
            if (i > 0) // every pass but the last, cut short by the stop, is the whole loop
                QCOMPARE(take.length, loopEnd - loopStart);
            const auto recorded = audio::readAudio(take.file);
            QCOMPARE(std::int64_t(recorded.channels.at(0).size()), take.length);
            for (std::int64_t k = 0; k < take.length; ++k)
                if (recorded.channels[0][std::size_t(k)] !=
                    played.channels[0][std::size_t(loopStart + k)])
                    QFAIL(qPrintable(QStringLiteral("take %1 differs from what played at %2")
                                         .arg(number)
                                         .arg(loopStart + k)));
            const auto asset = reader->asset(take.asset);
            QVERIFY(asset.has_value());
            QCOMPARE(QString::fromStdString(asset->owner), ben_);
            QVERIFY(asset->origin == AssetOrigin::Recorded);
        }
        // The newest take sounds, whole; the recording is one undo step.
        QCOMPARE(track->clips.size(), std::size_t(1));
        QVERIFY(clipComesFromTake(track->clips[0], takes[0]));
        QCOMPARE(track->clips[0].length, takes[0].length);
        QCOMPARE(window.document()->undoStack()->index(), undoBefore + 1);

        // The take lanes show the selected track's takes under the arrangement.
        view->selectTrack(vocal);
        auto* lanes = window.findChild<ui::TakeLanesView*>(QStringLiteral("takeLanes"));
        QVERIFY(lanes != nullptr);
        QTRY_VERIFY(lanes->isVisible());
        QCOMPARE(lanes->track(), vocal);
        view->setSnapEnabled(false);
        view->setSamplesPerPixel(double(rate) / 400); // the loop is 400 pixels wide
        view->horizontalScrollBar()->setValue(0);
        QTRY_VERIFY(lanes->xForSample(loopEnd) - lanes->xForSample(loopStart) >= 390);

        // A drag across the oldest take: that range of it sounds, the newest around it.
        const int oldest = int(takes.size()) - 1;
        const int y = lanes->laneRect(oldest).center().y();
        const QPoint from(lanes->xForSample(loopStart + rate / 8), y);
        const QPoint to(lanes->xForSample(loopStart + rate / 4), y);
        const std::int64_t compFrom = lanes->sampleAtX(from.x());
        const std::int64_t compTo = lanes->sampleAtX(to.x());
        test::dragMouse(lanes, from, to);
        const auto soundingFrom = [&](const Clip& take) {
            std::vector<std::pair<std::int64_t, std::int64_t>> ranges;
            for (const Clip& clip : window.document()->findTrack(vocal)->clips)
                if (clipComesFromTake(clip, take))
                    ranges.emplace_back(clip.position, clip.position + clip.length);
            std::sort(ranges.begin(), ranges.end());
            return ranges;
        };
        using Ranges = std::vector<std::pair<std::int64_t, std::int64_t>>;
        // The newest take runs on under the comped range for the crossfades at its edges.
        const std::int64_t crossfade = compCrossfadeFrames(rate);
        const Ranges comped = {{compFrom, compTo}};
        const Ranges around = {{loopStart, compFrom + crossfade},
                               {compTo - crossfade, loopStart + takes[0].length}};
        QCOMPARE(soundingFrom(takes[oldest]), comped);
        QCOMPARE(soundingFrom(takes[0]), around);
        QCOMPARE(window.document()->findTrack(vocal)->clips.size(), std::size_t(3));
        window.findChild<QWidget*>(QStringLiteral("arrangeSplit"))
            ->grab()
            .save(QStringLiteral(ACCORD_SCREENSHOT_DIR "/take_lanes.png"));
        window.document()->undoStack()->undo();
        QCOMPARE(soundingFrom(takes[oldest]), Ranges());
        QCOMPARE(soundingFrom(takes[0]), Ranges({{loopStart, loopStart + takes[0].length}}));
        window.document()->undoStack()->redo();
        QCOMPARE(soundingFrom(takes[oldest]), comped);

        // A click on the second take: all of it sounds, nothing else.
        QTest::mouseClick(lanes, Qt::LeftButton, Qt::NoModifier, lanes->laneRect(1).center());
        QCOMPARE(soundingFrom(takes[1]), Ranges({{loopStart, loopEnd}}));
        QCOMPARE(window.document()->findTrack(vocal)->clips.size(), std::size_t(1));

        // The × of the oldest take takes it out of the lanes; what sounds stays; undo.
        QTest::mouseClick(lanes, Qt::LeftButton, Qt::NoModifier,
                          lanes->deleteButtonRect(oldest).center());
        QCOMPARE(window.document()->findTrack(vocal)->takes.size(), takes.size() - 1);
        QCOMPARE(window.document()->findTrack(vocal)->takes.back().id, takes[oldest - 1].id);
        QCOMPARE(soundingFrom(takes[1]), Ranges({{loopStart, loopEnd}}));
        window.document()->undoStack()->undo();
        QCOMPARE(window.document()->findTrack(vocal)->takes.size(), takes.size());

        // Undoing every step back to before the recording leaves neither takes nor clips.
        window.document()->undoStack()->setIndex(undoBefore);
        QVERIFY(window.document()->findTrack(vocal)->takes.empty());
        QVERIFY(window.document()->findTrack(vocal)->clips.empty());
        QTRY_VERIFY(!lanes->isVisible());
        window.document()->undoStack()->setIndex(undoBefore + 1);
        QCOMPARE(window.document()->findTrack(vocal)->takes.size(), takes.size());

        // The arm and monitoring are the project's: saved, and armed again when it is opened.
        recorder->toggleMonitor(QString::fromStdString(vocal));
        QVERIFY(recorder->isMonitoring(vocal));
        QVERIFY(window.document()->isModified());
        const QString file = dir_.filePath(QStringLiteral("takes.accord"));
        QVERIFY(window.saveProjectAs(file));
        const Project saved = loadProject(file.toStdString());
        QCOMPARE(saved.track(vocal).takes.size(), takes.size());
        QVERIFY(saved.track(vocal).recordArm == (TrackArm{ben_.toStdString(), 0, 1, true}));
        QVERIFY(!saved.track(backingTrack).recordArm.has_value());
        recorder->toggleArm(QString::fromStdString(vocal)); // disarm, then load the file again
        QVERIFY(!recorder->isArmed(vocal));
        window.document()->reset(loadProject(file.toStdString()), file);
        QVERIFY(recorder->isArmed(vocal));
        QVERIFY(recorder->isMonitoring(vocal));
    }

    // Recording over a clip, punched on a time selection without a loop (Ctrl+drag on the ruler):
    // the clip stays as the oldest take lane, the take sounds inside the selection and the clip
    // around it; a click on the clip's lane brings all of it back.
    void recordingOverAClipKeepsItAsATake() {
        ACCORD_REQUIRE_MATERIAL(backing, "alsa/Front_Center.wav");
        ui::MainWindow window;
        std::string vocal, backingTrack;
        openWithBacking(window, backing, vocal, backingTrack);
        if (QTest::currentTestFailed())
            return;
        ui::ArrangementView* view = window.arrangement();
        const int rate = window.document()->project().sampleRate;
        Clip sung = window.document()->project().tracks[0].clips.at(0);
        sung.length = rate; // the first second of the backing, on the vocal track
        window.document()->addClip(vocal, sung);
        window.document()->setTrackMix(vocal, ui::MixParameter::Mute, 1); // not fed back
        sung = window.document()->findTrack(vocal)->clips.at(0);
        window.recorder()->arm(QString::fromStdString(vocal),
                               TrackArm{ben_.toStdString(), 0, 1, false});
        view->setSamplesPerPixel(double(rate) / 400);
        view->horizontalScrollBar()->setValue(0);
        view->setSnapEnabled(false);
        const std::int64_t punchIn = rate / 4, punchOut = rate / 2;
        test::dragMouse(view->viewport(), QPoint(view->xForSample(punchIn), 10),
                        QPoint(view->xForSample(punchOut), 10), Qt::ControlModifier);
        const std::int64_t in = view->model()->timeSelectionStart();
        const std::int64_t out = view->model()->timeSelectionEnd();
        QVERIFY(std::abs(in - punchIn) < rate / 100 && std::abs(out - punchOut) < rate / 100);
        window.findChild<QAction*>(QStringLiteral("actionPunch"))->setChecked(true);
        window.playback()->seek(0);
        QAction* record = window.findChild<QAction*>(QStringLiteral("actionRecord"));
        record->trigger();
        QTRY_VERIFY_WITH_TIMEOUT(window.playback()->playhead() > out + rate / 4,
                                 test::kSafetyNetMs);
        record->trigger();
        QTRY_VERIFY_WITH_TIMEOUT(!window.recorder()->isRegistering() &&
                                     !window.document()->findTrack(vocal)->takes.empty(),
                                 test::kSafetyNetMs);

        const Track* track = window.document()->findTrack(vocal);
        QCOMPARE(track->takes.size(), std::size_t(2));
        const Clip take = track->takes[0];
        const Clip kept = track->takes[1]; // the clip that was there, now the oldest take
        QCOMPARE(take.position, in);
        QCOMPARE(take.length, out - in);
        QCOMPARE(kept.file, sung.file);
        QCOMPARE(kept.position, sung.position);
        QCOMPARE(kept.length, sung.length);
        QCOMPARE(track->clips.size(), std::size_t(3));
        std::int64_t fromKept = 0, fromTake = 0;
        for (const Clip& clip : track->clips) {
            fromKept += clipComesFromTake(clip, kept) ? clip.length : 0;
            fromTake += clipComesFromTake(clip, take) ? clip.length : 0;
        }
        QCOMPARE(fromTake, out - in);
        QCOMPARE(fromKept, sung.length - (out - in) + 2 * compCrossfadeFrames(rate));

        // A click on the kept clip's lane: all of it sounds again, as before the recording.
        view->selectTrack(vocal);
        auto* lanes = window.findChild<ui::TakeLanesView*>(QStringLiteral("takeLanes"));
        QTRY_VERIFY(lanes->isVisible());
        QTest::mouseClick(lanes, Qt::LeftButton, Qt::NoModifier, lanes->laneRect(1).center());
        track = window.document()->findTrack(vocal);
        QCOMPARE(track->clips.size(), std::size_t(1));
        QCOMPARE(track->clips[0].position, sung.position);
        QCOMPARE(track->clips[0].length, sung.length);
        QCOMPARE(track->clips[0].asset, sung.asset);
    }
};

int main(int argc, char** argv) {
    return accord::test::runStudioTest<TestRecording>(argc, argv);
}

#include "test_recording.moc"
