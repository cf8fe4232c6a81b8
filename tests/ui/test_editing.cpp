// Editing in the arrangement driven like a user, with real mouse and keyboard events on the studio
// window and real recordings (docs/STUDIO.md "Editing"): rubber band, Ctrl/Shift+click, copy,
// cut and paste at the playhead (also into another window), duplicate, nudge by the grid (and
// the metre), clip gain by its handle and by the Gain… dialog, track reorder by dragging a
// header (the mixer follows), each one undo step, and the saved project read back. A time
// selection from the ruler or the lanes is the Export dialog's range.
//
// The view shows 100 px a second (480 samples a pixel at 48 kHz); at 120 BPM the grid there is a
// quarter beat, 6000 samples. The project: Vocal: take 1–2 s; Drums: loop 0–1 s, fill 2–3 s;
// Bass: bass 0.5–1.5 s.

#include "accord/core/project.h"
#include "accord/ui/arrangement/arrangement_view.h"
#include "accord/ui/common/palette.h"
#include "accord/ui/export/export_dialog.h"
#include "accord/ui/mixer/mixer_panel.h"
#include "accord/ui/playback/playback_controller.h"
#include "accord/ui/project/project_document.h"
#include "accord/ui/shell/main_window.h"
#include "studio_test_main.h"
#include "studio_test_support.h"
#include "test_support.h"

#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QInputDialog>
#include <QLayout>
#include <QScrollBar>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QTimer>
#include <QUndoStack>

#include <memory>
#include <set>
#include <string>

using namespace accord;
using accord::test::dragMouse;
using Set = std::set<std::string>;

namespace {

constexpr int kSecond = 48000;
constexpr double kSamplesPerPixel = 480;
constexpr std::int64_t kGridStep = 6000;

Clip clipOf(const std::string& id, const QString& file, const std::string& asset,
            std::int64_t position, std::int64_t length) {
    Clip clip;
    clip.id = id;
    clip.asset = asset;
    clip.pcmSha256 = "pcm-of-" + asset;
    clip.file = file.toStdString();
    clip.position = position;
    clip.length = length;
    return clip;
}

Track trackOf(const std::string& id, const std::string& name, std::vector<Clip> clips) {
    Track track;
    track.id = id;
    track.name = name;
    track.clips = std::move(clips);
    return track;
}

} // namespace

class TestEditing : public QObject {
    Q_OBJECT

private:
    QTemporaryDir dir_;
    std::unique_ptr<ui::MainWindow> window_;

    ui::ArrangementView* view() const { return window_->arrangement(); }
    QWidget* canvas() const { return view()->viewport(); }
    ui::ProjectDocument* document() const { return window_->document(); }
    const Clip* clip(const std::string& id, std::string* track = nullptr) const {
        return document()->findClip(id, track);
    }
    std::string json() const { return projectToJson(document()->project(), ""); }
    int undoIndex() const { return document()->undoStack()->index(); }

    QPoint centreOf(const std::string& id) const { return view()->clipRect(id).center(); }
    void click(const std::string& id, Qt::KeyboardModifiers modifiers = Qt::NoModifier) {
        QTest::mouseClick(canvas(), Qt::LeftButton, modifiers, centreOf(id));
    }
    void keys(Qt::Key key, Qt::KeyboardModifiers modifiers = Qt::NoModifier) {
        QTest::keyClick(canvas(), key, modifiers);
    }
    Set selected() const { return view()->model()->selectedClips(); }
    // A click on the ruler seeks there (snapped); the playhead follows the engine's tick.
    bool seekTo(std::int64_t sample) {
        QTest::mouseClick(
            canvas(), Qt::LeftButton, Qt::NoModifier,
            QPoint(view()->xForSample(sample), ui::ArrangementView::kRulerHeight / 2));
        return QTest::qWaitFor([&] { return view()->playhead() == sample; },
                               accord::test::kSafetyNetMs);
    }
    // The clips of a track that are not the ones named, in order.
    std::vector<const Clip*> newClips(std::size_t track, const Set& old) const {
        std::vector<const Clip*> found;
        for (const auto& c : document()->project().tracks[track].clips)
            if (old.count(c.id) == 0)
                found.push_back(&c);
        return found;
    }

private Q_SLOTS:
    void initTestCase() { QVERIFY(dir_.isValid()); }

    void init() {
        ACCORD_REQUIRE_MATERIAL(voice, "alsa/Front_Center.wav");
        ACCORD_REQUIRE_MATERIAL(beat, "alsa/Front_Left.wav");
        ACCORD_REQUIRE_MATERIAL(low, "alsa/Rear_Center.wav");
        window_ = std::make_unique<ui::MainWindow>();
        QVERIFY(window_->openRegistry(dir_.filePath(QStringLiteral("registry.sqlite"))));
        Project project;
        project.tracks = {
            trackOf("t-1", "Vocal", {clipOf("c-1", voice, "a-voice", kSecond, kSecond)}),
            trackOf("t-2", "Drums",
                    {clipOf("c-2", beat, "a-beat", 0, kSecond),
                     clipOf("c-3", beat, "a-beat", 2 * kSecond, kSecond)}),
            trackOf("t-3", "Bass", {clipOf("c-4", low, "a-low", kSecond / 2, kSecond)})};
        document()->reset(project, QString());
        QVERIFY(accord::test::showOnOfflineClock(*window_, {1366, 768}));
        view()->setSamplesPerPixel(kSamplesPerPixel);
        view()->horizontalScrollBar()->setValue(0);
        view()->verticalScrollBar()->setValue(0);
        view()->setFocus();
        QVERIFY(accord::test::waitForIdle(*window_));
    }

    void cleanup() {
        if (window_ != nullptr)
            document()->undoStack()->setClean(); // close without asking to save
        window_.reset();
    }

    void rubberBandSelectsExactlyTheClipsItTouches() {
        // From the empty vocal lane at 0.5 s to the drums lane at 1.5 s.
        const QPoint from(view()->xForSample(kSecond / 2), view()->trackTop(0) + 40);
        const QPoint to(view()->xForSample(kSecond + kSecond / 2), view()->trackTop(1) + 40);
        QVERIFY(view()->clipAt(from).empty());
        QTest::mousePress(canvas(), Qt::LeftButton, Qt::NoModifier, from);
        QMouseEvent move(QEvent::MouseMove, QPointF(to), canvas()->mapToGlobal(QPointF(to)),
                         Qt::NoButton, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(canvas(), &move);
        QCOMPARE(selected(), Set({"c-1", "c-2"})); // while the band is drawn
        canvas()->grab().save(QStringLiteral(ACCORD_SCREENSHOT_DIR "/editing_rubber_band.png"));
        QTest::mouseRelease(canvas(), Qt::LeftButton, Qt::NoModifier, to);
        QCOMPARE(selected(), Set({"c-1", "c-2"}));
        // Ctrl adds a band over the bass; a band without it starts anew.
        const QPoint bass = centreOf("c-4");
        dragMouse(canvas(), QPoint(bass.x(), view()->trackTop(3) + 20), bass, Qt::ControlModifier);
        QCOMPARE(selected(), Set({"c-1", "c-2", "c-4"}));
        dragMouse(canvas(), QPoint(view()->xForSample(4 * kSecond), view()->trackTop(1) + 40),
                  QPoint(view()->xForSample(2 * kSecond + 10 * 480), view()->trackTop(1) + 50));
        QCOMPARE(selected(), Set({"c-3"}));
        keys(Qt::Key_Escape);
        QVERIFY(selected().empty());
        keys(Qt::Key_A, Qt::ControlModifier);
        QCOMPARE(selected(), Set({"c-1", "c-2", "c-3", "c-4"}));
    }

    // A time selection (docs/STUDIO.md "Time selection"): Ctrl+drag on the ruler, or Alt+drag on
    // empty lane space (no rubber band, no clip selected), snapped to the grid; shown on the
    // ruler; Esc clears it; File > Export… offers it as its range, chosen.
    void timeSelectionOnTheRulerIsTheExportRange() {
        ui::ArrangementModel* model = view()->model();
        dragMouse(canvas(), QPoint(view()->xForSample(kSecond / 2) + 2, 10),
                  QPoint(view()->xForSample(kSecond + kSecond / 2) + 2, 10), Qt::ControlModifier);
        QCOMPARE(model->timeSelectionStart(), std::int64_t(kSecond / 2));
        QCOMPARE(model->timeSelectionEnd(), std::int64_t(kSecond + kSecond / 2));
        // Shown on the ruler: the selection's colour between its edges, not outside them.
        const QImage shown = canvas()->grab().toImage();
        const auto rulerColour = [&](std::int64_t sample) {
            return shown.pixelColor(view()->xForSample(sample), 6);
        };
        QCOMPARE(rulerColour(kSecond), ui::palette::selection);
        QVERIFY(rulerColour(kSecond * 2) != ui::palette::selection);
        QCOMPARE(undoIndex(), 0); // selecting edits nothing

        // Alt+drag on empty lane space, right to left: a time selection, not a rubber band.
        dragMouse(
            canvas(), QPoint(view()->xForSample(3 * kSecond / 4) + 2, view()->trackTop(0) + 40),
            QPoint(view()->xForSample(kSecond / 4) + 2, view()->trackTop(0) + 40), Qt::AltModifier);
        QCOMPARE(model->timeSelectionStart(), std::int64_t(kSecond / 4));
        QCOMPARE(model->timeSelectionEnd(), std::int64_t(3 * kSecond / 4));
        QVERIFY(selected().empty());

        ui::ExportDialog* dialog = window_->showExport();
        QCOMPARE(dialog->rangeBox()->currentText(), QString("Selection (0.25 s to 0.75 s)"));
        dialog->hide();
        view()->setFocus();
        keys(Qt::Key_Escape);
        QVERIFY(!model->hasTimeSelection());
        dialog = window_->showExport();
        QCOMPARE(dialog->rangeBox()->currentIndex(), 0); // the whole project
        QCOMPARE(dialog->rangeBox()->itemText(2), QString("Selection (none set)"));
        dialog->hide();
    }

    void ctrlAndShiftClicksAndMovingManyInOneStep() {
        click("c-2");
        QCOMPARE(selected(), Set({"c-2"}));
        click("c-4", Qt::ControlModifier);
        click("c-1", Qt::ControlModifier);
        QCOMPARE(selected(), Set({"c-1", "c-2", "c-4"}));
        click("c-4", Qt::ControlModifier);
        QCOMPARE(selected(), Set({"c-1", "c-2"}));
        click("c-2");
        click("c-3", Qt::ShiftModifier); // a range on the drums track
        QCOMPARE(selected(), Set({"c-2", "c-3"}));
        click("c-1", Qt::ShiftModifier); // another track: added
        QCOMPARE(selected(), Set({"c-1", "c-2", "c-3"}));

        // Drag the take 1 s right and a row down: all three go, the take onto the drums, the
        // drums' clips onto the bass, in one step.
        const int before = undoIndex();
        const std::string original = json();
        dragMouse(canvas(), centreOf("c-1"),
                  centreOf("c-1") + QPoint(100, ui::ArrangementView::kTrackHeight));
        QCOMPARE(undoIndex(), before + 1);
        std::string track;
        QCOMPARE(clip("c-1", &track)->position, std::int64_t(2 * kSecond));
        QCOMPARE(track, std::string("t-2"));
        QCOMPARE(clip("c-2", &track)->position, std::int64_t(kSecond));
        QCOMPARE(track, std::string("t-3"));
        QCOMPARE(clip("c-3", &track)->position, std::int64_t(3 * kSecond));
        QCOMPARE(track, std::string("t-3"));
        QVERIFY(window_->isWindowModified());
        // Delete removes all selected in one step; undo brings them back, undo again the move.
        keys(Qt::Key_Delete);
        QVERIFY(clip("c-1") == nullptr && clip("c-2") == nullptr && clip("c-3") == nullptr);
        QCOMPARE(undoIndex(), before + 2);
        keys(Qt::Key_Z, Qt::ControlModifier);
        keys(Qt::Key_Z, Qt::ControlModifier);
        QCOMPARE(json(), original);
        keys(Qt::Key_Z, Qt::ControlModifier | Qt::ShiftModifier);
        QCOMPARE(clip("c-1")->position, std::int64_t(2 * kSecond));
    }

    void copyAndPasteAtThePlayhead() {
        click("c-1");
        click("c-4", Qt::ControlModifier);
        keys(Qt::Key_C, Qt::ControlModifier);
        QVERIFY(seekTo(4 * kSecond));
        const int before = undoIndex();
        keys(Qt::Key_V, Qt::ControlModifier);
        QCOMPARE(undoIndex(), before + 1);
        // The earliest (the bass at 0.5 s) lands at the playhead, the take 0.5 s after it, each
        // on its own track; the same recordings, new ids, and the copies are selected.
        const auto vocal = newClips(0, {"c-1"});
        const auto bass = newClips(2, {"c-4"});
        QCOMPARE(vocal.size(), std::size_t(1));
        QCOMPARE(bass.size(), std::size_t(1));
        QCOMPARE(bass[0]->position, std::int64_t(4 * kSecond));
        QCOMPARE(vocal[0]->position, std::int64_t(4 * kSecond + kSecond / 2));
        for (const auto& [copy, original] :
             {std::pair{vocal[0], clip("c-1")}, {bass[0], clip("c-4")}}) {
            QVERIFY(copy->id != original->id);
            QCOMPARE(copy->asset, original->asset);
            QCOMPARE(copy->pcmSha256, original->pcmSha256);
            QCOMPARE(copy->file, original->file);
            QCOMPARE(copy->length, original->length);
        }
        QCOMPARE(selected(), Set({vocal[0]->id, bass[0]->id}));
        const std::string pastedBass = bass[0]->id; // the pointers last only until the next edit

        // Clips from one track paste onto the selected track: the loop onto the bass.
        click("c-2");
        keys(Qt::Key_C, Qt::ControlModifier);
        QTest::mouseClick(canvas(), Qt::LeftButton, Qt::NoModifier,
                          QPoint(40, view()->trackTop(2) + 60)); // the bass header
        QCOMPARE(view()->selectedTrack(), std::string("t-3"));
        QVERIFY(seekTo(6 * kSecond));
        keys(Qt::Key_V, Qt::ControlModifier);
        const auto loop = newClips(2, {"c-4", pastedBass});
        QCOMPARE(loop.size(), std::size_t(1));
        QCOMPARE(loop[0]->position, std::int64_t(6 * kSecond));
        QCOMPARE(loop[0]->asset, std::string("a-beat"));

        // Saved and read back: what the window shows.
        const QString path = dir_.filePath(QStringLiteral("pasted.accord"));
        QVERIFY(window_->saveProjectAs(path));
        const Project reloaded = loadProject(path.toStdString());
        QCOMPARE(reloaded.tracks[2].clips.size(), std::size_t(3));
        QCOMPARE(reloaded.tracks[2].clips[1].position, std::int64_t(4 * kSecond));
        QCOMPARE(reloaded.tracks[2].clips[2].position, std::int64_t(6 * kSecond));
        QCOMPARE(reloaded.tracks[0].clips[1].pcmSha256, std::string("pcm-of-a-voice"));
        QCOMPARE(projectToJson(reloaded, ""), json());
    }

    // Clips copied in a project of another registry name other recordings there: refused, and
    // the status bar says why.
    void pasteFromAnotherRegistryIsRefused() {
        document()->stampRegistry("studio-a");
        click("c-1");
        keys(Qt::Key_C, Qt::ControlModifier);
        Project other = document()->project();
        other.registry = "studio-b";
        document()->reset(other, QString());
        const std::string before = json();
        keys(Qt::Key_V, Qt::ControlModifier);
        QCOMPARE(json(), before);
        QCOMPARE(document()->undoStack()->count(), 0);
        QVERIFY2(window_->statusBar()->currentMessage().contains("another registry"),
                 qPrintable(window_->statusBar()->currentMessage()));
    }

    // Another window (here a second one in this process; the system clipboard carries the
    // clips between processes the same way): its project runs at 44.1 kHz and has none of the
    // clips' tracks, so they land on its selected track, timing converted to its rate.
    void pastesIntoAnotherWindow() {
        click("c-2");
        click("c-4", Qt::ControlModifier);
        keys(Qt::Key_C, Qt::ControlModifier);

        ui::MainWindow other;
        QVERIFY(other.openRegistry(dir_.filePath(QStringLiteral("registry.sqlite"))));
        Project project;
        project.sampleRate = 44100;
        project.tracks = {trackOf("t-9", "Lead", {})};
        other.document()->reset(project, QString());
        other.show();
        QVERIFY(QTest::qWaitForWindowExposed(&other));
        other.activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(&other));
        other.arrangement()->setFocus();
        QTest::keyClick(other.arrangement()->viewport(), Qt::Key_V, Qt::ControlModifier);
        const auto& clips = other.document()->project().tracks[0].clips;
        QCOMPARE(clips.size(), std::size_t(2));
        QCOMPARE(clips[0].asset, std::string("a-beat"));
        QCOMPARE(clips[0].position, std::int64_t(0));
        QCOMPARE(clips[0].length, std::int64_t(44100));
        QCOMPARE(clips[1].asset, std::string("a-low"));
        QCOMPARE(clips[1].position, std::int64_t(22050));
        QCOMPARE(clips[1].pcmSha256, std::string("pcm-of-a-low"));
        other.document()->undoStack()->setClean();
    }

    void duplicateCutAndUndo() {
        click("c-2");
        click("c-3", Qt::ControlModifier);
        const std::string original = json();
        const int before = undoIndex();
        keys(Qt::Key_D, Qt::ControlModifier);
        QCOMPARE(undoIndex(), before + 1);
        // Right after the selection's end (3 s), timing kept: the loop at 3 s, the fill at 5 s.
        const auto copies = newClips(1, {"c-2", "c-3"});
        QCOMPARE(copies.size(), std::size_t(2));
        QCOMPARE(copies[0]->position, std::int64_t(3 * kSecond));
        QCOMPARE(copies[1]->position, std::int64_t(5 * kSecond));
        QCOMPARE(selected(), Set({copies[0]->id, copies[1]->id}));
        const std::string duplicated = json();

        // Cut the copies, paste them back at 8 s; undo both, then the duplicate.
        keys(Qt::Key_X, Qt::ControlModifier);
        QCOMPARE(json(), original);
        QVERIFY(seekTo(8 * kSecond));
        keys(Qt::Key_V, Qt::ControlModifier);
        const auto pasted = newClips(1, {"c-2", "c-3"});
        QCOMPARE(pasted.size(), std::size_t(2));
        QCOMPARE(pasted[0]->position, std::int64_t(8 * kSecond));
        QCOMPARE(pasted[1]->position, std::int64_t(10 * kSecond));
        keys(Qt::Key_Z, Qt::ControlModifier);
        QCOMPARE(json(), original);
        keys(Qt::Key_Z, Qt::ControlModifier);
        QCOMPARE(json(), duplicated);
        keys(Qt::Key_Z, Qt::ControlModifier);
        QCOMPARE(json(), original);
        QVERIFY(!window_->isWindowModified());
    }

    void nudgeMovesByOneGridStep() {
        QCOMPARE(view()->model()->grid().stepFor(view()->samplesPerPixel()), double(kGridStep));
        click("c-4");
        click("c-1", Qt::ControlModifier);
        keys(Qt::Key_Right, Qt::AltModifier);
        QCOMPARE(clip("c-4")->position, kSecond / 2 + kGridStep);
        QCOMPARE(clip("c-1")->position, kSecond + kGridStep);
        keys(Qt::Key_Right, Qt::AltModifier | Qt::ShiftModifier); // fine: a pixel
        QCOMPARE(clip("c-4")->position, kSecond / 2 + kGridStep + 480);
        keys(Qt::Key_Left, Qt::AltModifier);
        keys(Qt::Key_Left, Qt::AltModifier | Qt::ShiftModifier);
        QCOMPARE(clip("c-4")->position, std::int64_t(kSecond / 2));
        QCOMPARE(clip("c-1")->position, std::int64_t(kSecond));
        QCOMPARE(document()->undoStack()->count(), 4);
        // Zoomed in, the grid is finer and so is the step.
        view()->setSamplesPerPixel(kSamplesPerPixel / 4);
        const auto step =
            static_cast<std::int64_t>(view()->model()->grid().stepFor(view()->samplesPerPixel()));
        QVERIFY(step < kGridStep);
        keys(Qt::Key_Right, Qt::AltModifier);
        QCOMPARE(clip("c-4")->position, kSecond / 2 + step);
        // Zoomed out in 7/8 the step is a bar of seven eighths: 7 × 12000 samples at 120 BPM.
        document()->setTimeSignature({7, 8});
        view()->setSamplesPerPixel(2000);
        keys(Qt::Key_Right, Qt::AltModifier);
        QCOMPARE(clip("c-4")->position, kSecond / 2 + step + 7 * 12000);
    }

    void clipGainByItsHandleAndByTheDialog() {
        click("c-1");
        const QRect handle = view()->gainHandleRect("c-1");
        QVERIFY(!handle.isNull());
        // While dragging the handle up, the preview carries the gain the label shows.
        const QPoint from = handle.center();
        QTest::mousePress(canvas(), Qt::LeftButton, Qt::NoModifier, from);
        for (int dy = 4; dy <= 24; dy += 4) {
            QMouseEvent move(QEvent::MouseMove, QPointF(from - QPoint(0, dy)),
                             canvas()->mapToGlobal(QPointF(from - QPoint(0, dy))), Qt::NoButton,
                             Qt::LeftButton, Qt::NoModifier);
            QApplication::sendEvent(canvas(), &move);
        }
        QCOMPARE(view()->model()->previews().at(0).clip.gainDb, 6.0);
        QCOMPARE(clip("c-1")->gainDb, 0.0);
        // For reviewers: the selection, the handle and the dB shown while dragging.
        canvas()->grab().save(QStringLiteral(ACCORD_SCREENSHOT_DIR "/editing_gain_drag.png"));
        QTest::mouseRelease(canvas(), Qt::LeftButton, Qt::NoModifier, from - QPoint(0, 24));
        QCOMPARE(clip("c-1")->gainDb, 6.0);
        QCOMPARE(document()->undoStack()->count(), 1);
        keys(Qt::Key_Z, Qt::ControlModifier);
        QCOMPARE(clip("c-1")->gainDb, 0.0);

        // Edit > Clip Gain… sets it for every selected clip.
        click("c-4", Qt::ControlModifier);
        QTimer::singleShot(0, this, [] {
            auto* dialog = qobject_cast<QInputDialog*>(QApplication::activeModalWidget());
            QVERIFY(dialog != nullptr);
            dialog->setDoubleValue(-7.5);
            dialog->accept();
        });
        window_->findChild<QAction*>(QStringLiteral("actionClipGain"))->trigger();
        QCOMPARE(clip("c-1")->gainDb, -7.5);
        QCOMPARE(clip("c-4")->gainDb, -7.5);
        QCOMPARE(undoIndex(), 1);
        const QString path = dir_.filePath(QStringLiteral("gain.accord"));
        QVERIFY(window_->saveProjectAs(path));
        QCOMPARE(loadProject(path.toStdString()).tracks[2].clips[0].gainDb, -7.5);
    }

    void trackReorderByDraggingTheHeader() {
        auto stripOrder = [&] {
            std::vector<std::string> order(3);
            for (const auto& id : {"t-1", "t-2", "t-3"}) {
                QWidget* strip = window_->mixer()->strip(id);
                const int at = strip->parentWidget()->layout()->indexOf(strip);
                if (at >= 0 && at < 3)
                    order[static_cast<std::size_t>(at)] = id;
            }
            return order;
        };
        auto trackOrder = [&] {
            std::vector<std::string> order;
            for (const auto& track : document()->project().tracks)
                order.push_back(track.id);
            return order;
        };
        const std::vector<std::string> original{"t-1", "t-2", "t-3"};
        QCOMPARE(stripOrder(), original);
        // The bass header dragged above the vocal's: first.
        dragMouse(canvas(), QPoint(40, view()->trackTop(2) + 60),
                  QPoint(40, view()->trackTop(0) + 8));
        const std::vector<std::string> moved{"t-3", "t-1", "t-2"};
        QCOMPARE(trackOrder(), moved);
        QCOMPARE(stripOrder(), moved);
        QCOMPARE(undoIndex(), 1);
        const QString path = dir_.filePath(QStringLiteral("order.accord"));
        QVERIFY(window_->saveProjectAs(path));
        const Project reloaded = loadProject(path.toStdString());
        QCOMPARE(reloaded.tracks[0].id, std::string("t-3"));
        QCOMPARE(reloaded.tracks[0].clips[0].id, std::string("c-4"));
        keys(Qt::Key_Z, Qt::ControlModifier);
        QCOMPARE(trackOrder(), original);
        QCOMPARE(stripOrder(), original);
    }
};

int main(int argc, char** argv) {
    return accord::test::runStudioTest<TestEditing>(argc, argv);
}

#include "test_editing.moc"
