// The arrangement's model without a widget: where things are, what is under a point, and which
// edit a mouse gesture makes (docs/ARCHITECTURE.md "Studio (ui/)"). Points are in viewport
// coordinates of a 1000×600 view, the zoom is 480 samples a pixel (100 px a second at 48 kHz,
// 50 px a beat at 120 BPM), so the grid at this zoom is a quarter beat: 6000 samples, 12.5 px.

#include "accord/core/project.h"
#include "accord/ui/arrangement/arrangement_model.h"
#include "accord/ui/project/project_document.h"

#include <QSignalSpy>
#include <QUndoStack>
#include <QtTest>

#include <memory>
#include <set>
#include <string>

using namespace accord;
using Model = ui::ArrangementModel;
using Area = ui::ArrangementModel::Hit::Area;
using Zone = ui::ArrangementModel::ClipZone;
using Gesture = ui::ArrangementModel::Gesture;

namespace {

constexpr int kSecond = 48000;
constexpr int kPixel = 480; // samples
constexpr int kGridStep = 6000;

const Clip* clipOf(const ui::ProjectDocument& document, const std::string& id,
                   std::string* track = nullptr) {
    return document.findClip(id, track);
}

} // namespace

class TestArrangementModel : public QObject {
    Q_OBJECT

private:
    std::unique_ptr<ui::ProjectDocument> document_;
    std::unique_ptr<Model> model_;
    QPoint scroll_;
    std::string vocal_, drums_;
    std::string take_; // on the vocal track: 1 s to 3 s
    std::string loop_; // on the drums track: 0 s to 1 s
    std::string fill_; // on the drums track: 2 s to 3 s
    QRect takeRect_;

    Clip clipAt(std::int64_t position, std::int64_t length, const std::string& file) {
        Clip clip;
        clip.asset = "a-1";
        clip.file = file;
        clip.position = position;
        clip.length = length;
        return clip;
    }

    void gesture(const QPoint& from, const QPoint& to,
                 Qt::KeyboardModifiers modifiers = Qt::NoModifier) {
        model_->press(from, Qt::LeftButton, modifiers);
        for (int step = 1; step <= 4; ++step)
            model_->drag(from + (to - from) * step / 4, modifiers);
        QVERIFY(model_->release(to, Qt::LeftButton, modifiers));
    }

    int undoSteps() const { return document_->undoStack()->count(); }

private Q_SLOTS:
    void init() {
        document_ = std::make_unique<ui::ProjectDocument>();
        vocal_ = document_->addTrack(QStringLiteral("Vocal"));
        drums_ = document_->addTrack(QStringLiteral("Drums"));
        take_ = document_->addClip(vocal_, clipAt(kSecond, 2 * kSecond, "/media/take.wav"));
        loop_ = document_->addClip(drums_, clipAt(0, kSecond, "/media/loop.wav"));
        fill_ = document_->addClip(drums_, clipAt(2 * kSecond, kSecond, "/media/fill.wav"));
        model_ = std::make_unique<Model>(document_.get(), nullptr);
        scroll_ = QPoint();
        model_->setViewport({[] { return QSize(1000, 600); }, [this] { return scroll_; }});
        takeRect_ = model_->clipRect(take_);
    }

    void cleanup() {
        model_.reset();
        document_.reset();
    }

    // ---- geometry ----

    void samplesAndPixelsMapBothWays() {
        QCOMPARE(model_->samplesPerPixel(), double(kPixel));
        QCOMPARE(model_->xForSample(0), Model::kHeaderWidth);
        QCOMPARE(model_->xForSample(kSecond), Model::kHeaderWidth + 100);
        QCOMPARE(model_->sampleAtX(Model::kHeaderWidth + 100), std::int64_t(kSecond));
        scroll_ = QPoint(40, 0);
        QCOMPARE(model_->xForSample(kSecond), Model::kHeaderWidth + 60);
        QCOMPARE(model_->sampleAtX(Model::kHeaderWidth + 60), std::int64_t(kSecond));
        QCOMPARE(model_->scrollShowing(kSecond, Model::kHeaderWidth + 60), 40);
    }

    void tracksAreRowsBelowTheRuler() {
        QCOMPARE(model_->trackTop(0), Model::kRulerHeight);
        QCOMPARE(model_->trackTop(1), Model::kRulerHeight + Model::kTrackHeight);
        QCOMPARE(model_->trackAtY(Model::kRulerHeight - 1), std::string());
        QCOMPARE(model_->trackAtY(Model::kRulerHeight), vocal_);
        QCOMPARE(model_->trackAtY(Model::kRulerHeight + Model::kTrackHeight), drums_);
        QCOMPARE(model_->trackAtY(Model::kRulerHeight + 2 * Model::kTrackHeight), std::string());
        scroll_ = QPoint(0, Model::kTrackHeight);
        QCOMPARE(model_->trackAtY(Model::kRulerHeight), drums_);
        QCOMPARE(model_->trackTop(1), Model::kRulerHeight);
    }

    void clipsSpanTheirTimeInTheirRow() {
        QCOMPARE(takeRect_.left(), model_->xForSample(kSecond));
        QCOMPARE(takeRect_.right(), model_->xForSample(3 * kSecond) - 1);
        QCOMPARE(takeRect_.top(), model_->trackTop(0) + 3);
        QCOMPARE(takeRect_.bottom(), model_->trackTop(0) + Model::kTrackHeight - 4);
        QCOMPARE(model_->clipRect(std::string("no such clip")), QRect());
    }

    void scrollRangesCoverTheProjectAndASpareLane() {
        // A project this short scrolls over 32 bars: 64 s at 120 BPM, 6400 px.
        QCOMPARE(model_->laneWidth(), 1000 - Model::kHeaderWidth);
        QCOMPARE(model_->maximumScrollX(), 6400 - model_->laneWidth());
        QCOMPARE(model_->lanesHeight(), 600 - Model::kRulerHeight);
        QCOMPARE(model_->maximumScrollY(), 0); // three rows fit
        QVERIFY(!model_->setSamplesPerPixel(kPixel));
        QVERIFY(model_->setSamplesPerPixel(1));
        QCOMPARE(model_->samplesPerPixel(), Model::kMinSamplesPerPixel);
        // Fit: the 3 s project with 4% to spare across the lanes less 24 px.
        QCOMPARE(model_->samplesPerPixelToFit(), 3.0 * kSecond * 1.04 / (model_->laneWidth() - 24));
    }

    void snappingFollowsTheGridOfTheZoom() {
        QCOMPARE(model_->snapped(kGridStep / 2 - 1), std::int64_t(0));
        QCOMPARE(model_->snapped(kGridStep / 2 + 1), std::int64_t(kGridStep));
        QSignalSpy changed(model_.get(), &Model::snapChanged);
        model_->setSnapEnabled(false);
        QCOMPARE(changed.count(), 1);
        QCOMPARE(model_->snapped(kGridStep / 2 + 1), std::int64_t(kGridStep / 2 + 1));
        QCOMPARE(model_->snapped(-5), std::int64_t(0));
    }

    // ---- hit-testing ----

    void hitTestingNamesWhatIsUnderAPoint() {
        const int row0 = model_->trackTop(0) + Model::kTrackHeight / 2;
        const int below = model_->trackTop(3);
        QCOMPARE(model_->hitAt({10, 10}).area, Area::Corner);
        QCOMPARE(model_->hitAt({400, 10}).area, Area::Ruler);

        Model::Hit hit = model_->hitAt({20, row0 + 20});
        QCOMPARE(hit.area, Area::Header);
        QCOMPARE(hit.track, vocal_);
        hit = model_->hitAt(model_->muteButtonRect(1).center());
        QCOMPARE(hit.area, Area::MuteButton);
        QCOMPARE(hit.track, drums_);
        QCOMPARE(model_->hitAt(model_->soloButtonRect(0).center()).area, Area::SoloButton);
        hit = model_->hitAt({20, below});
        QCOMPARE(hit.area, Area::Header);
        QCOMPARE(hit.track, std::string());

        hit = model_->hitAt({900, row0});
        QCOMPARE(hit.area, Area::Lane);
        QCOMPARE(hit.track, vocal_);
        QCOMPARE(model_->hitAt({900, below}).track, std::string());

        hit = model_->hitAt(takeRect_.center());
        QCOMPARE(hit.area, Area::Clip);
        QCOMPARE(hit.clip, take_);
        QCOMPARE(hit.track, vocal_);
        QCOMPARE(hit.zone, Zone::Body);
        QCOMPARE(model_->clipAt(takeRect_.center()), take_);
    }

    void clipZonesAreEdgesAndFadeHandles() {
        const int middle = takeRect_.center().y();
        const int title = takeRect_.top() + 6;
        QCOMPARE(model_->zoneAt(take_, {takeRect_.left() + 1, middle}), Zone::TrimLeft);
        QCOMPARE(model_->zoneAt(take_, {takeRect_.right() - 1, middle}), Zone::TrimRight);
        QCOMPARE(model_->zoneAt(take_, {takeRect_.left() + 3, title}), Zone::FadeIn);
        QCOMPARE(model_->zoneAt(take_, {takeRect_.right() - 3, title}), Zone::FadeOut);
        QCOMPARE(model_->zoneAt(take_, {takeRect_.center().x(), title}), Zone::Body);
        QCOMPARE(model_->zoneAt(std::string("no such clip"), takeRect_.center()), Zone::None);
        // The edges' grip shrinks on a narrow clip so its body stays grabbable.
        QVERIFY(model_->setSamplesPerPixel(kSecond / 10.0)); // the clip is 20 px wide
        const QRect narrow = model_->clipRect(take_);
        QCOMPARE(narrow.width(), 20);
        QCOMPARE(model_->zoneAt(take_, {narrow.left() + 5, middle}), Zone::TrimLeft);
        QCOMPARE(model_->zoneAt(take_, {narrow.left() + 6, middle}), Zone::Body);
    }

    void filesDropOnTheRowOrBelowIt() {
        Model::DropTarget target =
            model_->dropTargetAt({model_->xForSample(kSecond) + 2, model_->trackTop(1) + 10});
        QCOMPARE(target.track, drums_);
        QCOMPARE(target.position, std::int64_t(kSecond));
        target = model_->dropTargetAt({20, model_->trackTop(2) + 10});
        QCOMPARE(target.track, std::string());
        QCOMPARE(target.position, std::int64_t(0)); // left of the lanes: at the start
    }

    // ---- gestures and the edits they make ----

    void movingPreviewsThenCommitsOneEdit() {
        const Clip before = *clipOf(*document_, take_);
        const int steps = undoSteps();
        const QPoint from = takeRect_.center();
        model_->press(from, Qt::LeftButton, Qt::NoModifier);
        QCOMPARE(model_->gesture(), Gesture::Move);
        QCOMPARE(model_->selectedClip(), take_);
        QCOMPARE(model_->selectedTrack(), vocal_);
        model_->drag(from + QPoint(2, 0), Qt::NoModifier); // under the drag threshold
        QVERIFY(!model_->isPreviewing());

        QSignalSpy previewed(model_.get(), &Model::previewChanged);
        model_->drag(from + QPoint(37, 0), Qt::NoModifier);
        QVERIFY(model_->isPreviewing());
        QCOMPARE(previewed.count(), 1);
        QCOMPARE(model_->previews().size(), std::size_t(1));
        QCOMPARE(model_->previews()[0].clip.id, take_);
        QVERIFY(model_->isPreviewed(take_));
        const std::int64_t expected = model_->snapped(before.position + 37 * kPixel);
        QCOMPARE(model_->previews()[0].clip.position, expected);
        QCOMPARE(clipOf(*document_, take_)->position, before.position); // not yet

        QVERIFY(model_->release(from + QPoint(37, 0), Qt::LeftButton, Qt::NoModifier));
        QCOMPARE(model_->gesture(), Gesture::None);
        QVERIFY(!model_->isPreviewing());
        QCOMPARE(clipOf(*document_, take_)->position, expected);
        QCOMPARE(clipOf(*document_, take_)->length, before.length);
        QCOMPARE(undoSteps(), steps + 1);
        document_->undoStack()->undo();
        QCOMPARE(clipOf(*document_, take_)->position, before.position);
    }

    void shiftMovesOffTheGrid() {
        const std::int64_t before = clipOf(*document_, take_)->position;
        gesture(takeRect_.center(), takeRect_.center() + QPoint(37, 0), Qt::ShiftModifier);
        QCOMPARE(clipOf(*document_, take_)->position, before + 37 * kPixel);
    }

    void movingAcrossRowsChangesTrack() {
        const QPoint from = takeRect_.center();
        const QPoint to(from.x(), model_->trackTop(1) + 30);
        model_->press(from, Qt::LeftButton, Qt::NoModifier);
        model_->drag(to, Qt::NoModifier);
        QCOMPARE(model_->previews()[0].track, drums_);
        model_->drag({to.x(), 590}, Qt::NoModifier); // below the last row: stays on it
        QCOMPARE(model_->previews()[0].track, drums_);
        QVERIFY(model_->release({to.x(), 590}, Qt::LeftButton, Qt::NoModifier));
        std::string track;
        QVERIFY(clipOf(*document_, take_, &track) != nullptr);
        QCOMPARE(track, drums_);
    }

    void trimmingTheLeftEdgeKeepsTheAudioInPlace() {
        const Clip before = *clipOf(*document_, take_);
        const QPoint from(takeRect_.left() + 1, takeRect_.center().y());
        gesture(from, from + QPoint(30, 0));
        const Clip& after = *clipOf(*document_, take_);
        QCOMPARE(after.position, model_->snapped(model_->sampleAtX(from.x() + 30)));
        QCOMPARE(after.offset, before.offset + (after.position - before.position));
        QCOMPARE(after.position + after.length, before.position + before.length);
    }

    void trimmingTheRightEdgeStopsAtTheMedia() {
        const Clip before = *clipOf(*document_, take_);
        const QPoint from(takeRect_.right() - 1, takeRect_.center().y());
        gesture(from, from + QPoint(-40, 0));
        QCOMPARE(clipOf(*document_, take_)->length,
                 model_->snapped(model_->sampleAtX(from.x() - 40)) - before.position);
        document_->undoStack()->undo();

        // Outwards: only as far as the media goes, and not at all while its length is unknown.
        gesture(from, from + QPoint(300, 0));
        QCOMPARE(clipOf(*document_, take_)->length, before.length);
        document_->setMediaLength(before.file, 2 * kSecond + kSecond / 2);
        gesture(from, from + QPoint(300, 0));
        QCOMPARE(clipOf(*document_, take_)->length, 2 * kSecond + kSecond / 2);
    }

    void fadeHandlesSetFades() {
        const int title = takeRect_.top() + 6;
        gesture({takeRect_.left() + 3, title}, {takeRect_.left() + 23, title});
        // Fades follow the pointer, off the grid.
        QCOMPARE(clipOf(*document_, take_)->fadeIn,
                 model_->sampleAtX(takeRect_.left() + 23) - std::int64_t(kSecond));
        gesture({takeRect_.right() - 3, title}, {takeRect_.right() - 53, title});
        const Clip& clip = *clipOf(*document_, take_);
        QCOMPARE(clip.fadeOut,
                 clip.position + clip.length - model_->sampleAtX(takeRect_.right() - 53));
    }

    void altClickSplitsAndSelectsTheRightPart() {
        const Clip whole = *clipOf(*document_, take_);
        const QPoint at(takeRect_.left() + 73, takeRect_.center().y());
        model_->press(at, Qt::LeftButton, Qt::AltModifier);
        QCOMPARE(model_->gesture(), Gesture::None);
        const auto& clips = document_->project().tracks[0].clips;
        QCOMPARE(clips.size(), std::size_t(2));
        QCOMPARE(clips[0].length, model_->snapped(model_->sampleAtX(at.x())) - whole.position);
        QCOMPARE(model_->selectedClip(), clips[1].id);
        QVERIFY(!model_->release(at, Qt::LeftButton, Qt::AltModifier));

        // With Shift as well: exactly at the pointer.
        const QRect right = model_->clipRect(clips[1].id);
        const QPoint off(right.left() + 31, right.center().y());
        model_->press(off, Qt::LeftButton, Qt::AltModifier | Qt::ShiftModifier);
        QCOMPARE(document_->project().tracks[0].clips[2].position, model_->sampleAtX(off.x()));
    }

    void theRulerSeeksAndShiftDragsALoop() {
        const int steps = undoSteps();
        QSignalSpy seeks(model_.get(), &Model::seekRequested);
        QSignalSpy loops(model_.get(), &Model::loopRangeRequested);
        const QPoint at(model_->xForSample(kSecond) + 3, 10);
        model_->press(at, Qt::LeftButton, Qt::NoModifier);
        QCOMPARE(model_->gesture(), Gesture::Scrub);
        QCOMPARE(seeks.count(), 1);
        QCOMPARE(seeks.at(0).at(0).value<qint64>(), qint64(kSecond));
        model_->drag(at + QPoint(100, 0), Qt::NoModifier);
        QCOMPARE(seeks.count(), 2);
        QCOMPARE(seeks.at(1).at(0).value<qint64>(), qint64(2 * kSecond));
        QVERIFY(model_->release(at + QPoint(100, 0), Qt::LeftButton, Qt::NoModifier));
        QCOMPARE(undoSteps(), steps); // seeking edits nothing

        model_->press(at + QPoint(100, 0), Qt::LeftButton, Qt::ShiftModifier);
        QCOMPARE(model_->gesture(), Gesture::LoopRange);
        model_->drag(at, Qt::ShiftModifier); // Shift held: the end is off the grid
        QCOMPARE(loops.count(), 1);
        QCOMPARE(loops.at(0).at(0).value<qint64>(), qint64(model_->sampleAtX(at.x())));
        QCOMPARE(loops.at(0).at(1).value<qint64>(), qint64(2 * kSecond));
    }

    void headersToggleMuteAndSoloAndSelect() {
        model_->press(model_->muteButtonRect(1).center(), Qt::LeftButton, Qt::NoModifier);
        QVERIFY(document_->findTrack(drums_)->mute);
        QCOMPARE(model_->selectedTrack(), drums_);
        // A quick second click on M is a double-click: another toggle.
        QCOMPARE(model_->doubleClick(model_->muteButtonRect(1).center()), std::string());
        QVERIFY(!document_->findTrack(drums_)->mute);
        model_->press(model_->soloButtonRect(0).center(), Qt::LeftButton, Qt::NoModifier);
        QVERIFY(document_->findTrack(vocal_)->solo);
        QCOMPARE(model_->selectedTrack(), vocal_);

        // Double-click on the name: the track to rename; below the tracks: a new one.
        QCOMPARE(model_->doubleClick({20, model_->trackTop(1) + 60}), drums_);
        QCOMPARE(model_->doubleClick({20, model_->trackTop(2) + 10}), std::string());
        QCOMPARE(document_->project().tracks.size(), std::size_t(3));
        QCOMPARE(model_->doubleClick(takeRect_.center()), std::string());

        model_->renameTrack(drums_, QStringLiteral("  Breaks  "));
        QCOMPARE(document_->findTrack(drums_)->name, std::string("Breaks"));
        model_->renameTrack(drums_, QStringLiteral("   "));
        QCOMPARE(document_->findTrack(drums_)->name, std::string("Breaks"));
    }

    void pressingAnEmptyLaneSelectsItsTrack() {
        model_->selectClip(take_);
        model_->press({900, model_->trackTop(1) + 10}, Qt::LeftButton, Qt::NoModifier);
        QCOMPARE(model_->selectedClip(), std::string());
        QCOMPARE(model_->selectedTrack(), drums_);
        QCOMPARE(model_->gesture(), Gesture::RubberBand);
        QVERIFY(model_->release({900, model_->trackTop(1) + 10}, Qt::LeftButton, Qt::NoModifier));
        QCOMPARE(model_->selectedClip(), std::string());
        QVERIFY(model_->selectedClips().empty());
        // The right button selects the clip under it and starts nothing.
        model_->press(takeRect_.center(), Qt::RightButton, Qt::NoModifier);
        QCOMPARE(model_->selectedClip(), take_);
        QCOMPARE(model_->gesture(), Gesture::None);
    }

    void cancellingLeavesTheProjectAsItWas() {
        const int steps = undoSteps();
        model_->press(takeRect_.center(), Qt::LeftButton, Qt::NoModifier);
        model_->drag(takeRect_.center() + QPoint(80, 0), Qt::NoModifier);
        QVERIFY(model_->isPreviewing());
        model_->cancelGesture();
        QVERIFY(!model_->isPreviewing());
        QVERIFY(
            !model_->release(takeRect_.center() + QPoint(80, 0), Qt::LeftButton, Qt::NoModifier));
        QCOMPARE(undoSteps(), steps);
        QCOMPARE(clipOf(*document_, take_)->position, std::int64_t(kSecond));

        // A clip deleted under the pointer ends the gesture too.
        model_->press(takeRect_.center(), Qt::LeftButton, Qt::NoModifier);
        model_->drag(takeRect_.center() + QPoint(80, 0), Qt::NoModifier);
        document_->deleteClip(take_);
        QCOMPARE(model_->gesture(), Gesture::None);
        QCOMPARE(model_->selectedClip(), std::string());
    }

    // ---- selecting many, and what the selection does ----

    void ctrlAndShiftClicksSelectMany() {
        using Set = std::set<std::string>;
        const std::string middle = document_->addClip(
            drums_, clipAt(kSecond + kSecond / 4, kSecond / 2, "/media/mid.wav"));
        const QPoint loop = model_->clipRect(loop_).center();
        const QPoint fill = model_->clipRect(fill_).center();
        auto click = [&](const QPoint& at, Qt::KeyboardModifiers modifiers) {
            model_->press(at, Qt::LeftButton, modifiers);
            model_->release(at, Qt::LeftButton, modifiers);
        };
        click(loop, Qt::NoModifier);
        QCOMPARE(model_->selectedClips(), Set({loop_}));
        click(takeRect_.center(), Qt::ControlModifier);
        QCOMPARE(model_->selectedClips(), Set({loop_, take_}));
        QCOMPARE(model_->selectedClip(), take_);
        QCOMPARE(model_->selectedTrack(), vocal_);
        click(loop, Qt::ControlModifier); // Ctrl again takes it out
        QCOMPARE(model_->selectedClips(), Set({take_}));

        // Shift on the same track: the range from the clip clicked before, the one between too.
        click(loop, Qt::NoModifier);
        click(fill, Qt::ShiftModifier);
        QCOMPARE(model_->selectedClips(), Set({loop_, middle, fill_}));
        // Shift on another track adds that clip.
        click(takeRect_.center(), Qt::ShiftModifier);
        QCOMPARE(model_->selectedClips(), Set({loop_, middle, fill_, take_}));
        // A plain click on a selected clip keeps it alone once released (a drag would move all).
        model_->press(fill, Qt::LeftButton, Qt::NoModifier);
        QCOMPARE(model_->selectedClips().size(), std::size_t(4));
        model_->release(fill, Qt::LeftButton, Qt::NoModifier);
        QCOMPARE(model_->selectedClips(), Set({fill_}));
        model_->selectAll();
        QCOMPARE(model_->selectedClips(), Set({loop_, middle, fill_, take_}));
        document_->deleteClip(middle); // a clip that goes leaves the selection
        QCOMPARE(model_->selectedClips(), Set({loop_, fill_, take_}));
    }

    void rubberBandSelectsWhatItTouches() {
        using Set = std::set<std::string>;
        // From the empty vocal lane at 0.5 s to the drums lane at 1.5 s: the take (1–3 s) and the
        // loop (0–1 s) are touched, the fill (2–3 s) is not.
        const QPoint from(model_->xForSample(kSecond / 2), model_->trackTop(0) + 40);
        const QPoint to(model_->xForSample(kSecond + kSecond / 2), model_->trackTop(1) + 40);
        model_->press(from, Qt::LeftButton, Qt::NoModifier);
        QCOMPARE(model_->gesture(), Gesture::RubberBand);
        model_->drag(to, Qt::NoModifier);
        QCOMPARE(model_->rubberBand(), QRect(from, to).normalized());
        QCOMPARE(model_->selectedClips(), Set({take_, loop_}));
        QVERIFY(model_->release(to, Qt::LeftButton, Qt::NoModifier));
        QVERIFY(model_->rubberBand().isNull());
        QCOMPARE(model_->selectedClips(), Set({take_, loop_}));
        // With Ctrl a band adds to the selection; without it starts anew.
        const QPoint fillFrom(model_->xForSample(2 * kSecond + kSecond / 2),
                              model_->trackTop(0) + 5);
        gesture(QPoint(fillFrom.x(), model_->trackTop(2) + 20), fillFrom + QPoint(0, 100),
                Qt::ControlModifier);
        QCOMPARE(model_->selectedClips(), Set({take_, loop_, fill_}));
    }

    void movingASelectionMovesEveryClipInOneStep() {
        model_->selectClip(loop_);
        model_->toggleClip(fill_);
        model_->toggleClip(take_);
        const std::string before = accord::projectToJson(document_->project(), "");
        const int steps = undoSteps();
        // Grab the take 100 px right: one second later, each of them.
        gesture(takeRect_.center(), takeRect_.center() + QPoint(100, 0));
        QCOMPARE(clipOf(*document_, take_)->position, std::int64_t(2 * kSecond));
        QCOMPARE(clipOf(*document_, loop_)->position, std::int64_t(kSecond));
        QCOMPARE(clipOf(*document_, fill_)->position, std::int64_t(3 * kSecond));
        QCOMPARE(undoSteps(), steps + 1);
        // Left past the start: the earliest stops at 0, the others keep their distance.
        gesture(model_->clipRect(take_).center(),
                model_->clipRect(take_).center() - QPoint(500, 0));
        QCOMPARE(clipOf(*document_, loop_)->position, std::int64_t(0));
        QCOMPARE(clipOf(*document_, take_)->position, std::int64_t(kSecond));
        // Down a row: the drums clips are on the last row already, so nothing changes row.
        gesture(model_->clipRect(take_).center(),
                {model_->clipRect(take_).center().x(), model_->trackTop(1) + 30});
        std::string track;
        clipOf(*document_, take_, &track);
        QCOMPARE(track, vocal_);
        document_->undoStack()->undo();
        document_->undoStack()->undo();
        QCOMPARE(accord::projectToJson(document_->project(), ""), before);
        document_->undoStack()->redo();
        QCOMPARE(clipOf(*document_, fill_)->position, std::int64_t(3 * kSecond));
        // Delete takes all of them in one step.
        model_->deleteSelection();
        QCOMPARE(document_->project().tracks[1].clips.size(), std::size_t(0));
        document_->undoStack()->undo();
        QCOMPARE(document_->project().tracks[1].clips.size(), std::size_t(2));
        QCOMPARE(document_->project().tracks[1].clips[0].id, loop_); // in their order

        // Undo puts each clip back at its index, also when the clips after them stayed.
        const std::string tail =
            document_->addClip(drums_, clipAt(6 * kSecond, kSecond, "/media/tail.wav"));
        const std::string before2 = accord::projectToJson(document_->project(), "");
        model_->selectClip(loop_);
        model_->toggleClip(fill_);
        model_->deleteSelection();
        QCOMPARE(document_->project().tracks[1].clips[0].id, tail);
        document_->undoStack()->undo();
        QCOMPARE(accord::projectToJson(document_->project(), ""), before2);
    }

    void nudgeAndDuplicateFollowTheGrid() {
        model_->selectClip(loop_);
        model_->toggleClip(take_);
        model_->nudgeSelection(1, false);
        QCOMPARE(clipOf(*document_, loop_)->position, std::int64_t(kGridStep));
        QCOMPARE(clipOf(*document_, take_)->position, std::int64_t(kSecond + kGridStep));
        model_->nudgeSelection(-1, true); // a pixel
        QCOMPARE(clipOf(*document_, loop_)->position, std::int64_t(kGridStep - kPixel));
        model_->nudgeSelection(-20, false); // not before the start
        QCOMPARE(clipOf(*document_, loop_)->position, std::int64_t(0));
        QCOMPARE(clipOf(*document_, take_)->position, std::int64_t(kSecond));

        // Duplicate: copies right after the selection's end (3 s), same tracks, same recordings.
        const int steps = undoSteps();
        model_->duplicateSelection();
        QCOMPARE(undoSteps(), steps + 1);
        QCOMPARE(model_->selectedClips().size(), std::size_t(2));
        for (const auto& id : model_->selectedClips()) {
            std::string track;
            const Clip* copy = clipOf(*document_, id, &track);
            QVERIFY(id != loop_ && id != take_);
            const Clip* original = clipOf(*document_, track == vocal_ ? take_ : loop_);
            QCOMPARE(copy->position, original->position + 3 * kSecond);
            QCOMPARE(copy->asset, original->asset);
            QCOMPARE(copy->file, original->file);
        }
    }

    void gainHandleDragsTheClipGain() {
        const QRect handle = model_->gainHandleRect(takeRect_);
        QVERIFY(!handle.isNull());
        QCOMPARE(model_->hitAt(handle.center()).zone, Zone::Gain);
        const int steps = undoSteps();
        model_->press(handle.center(), Qt::LeftButton, Qt::NoModifier);
        QCOMPARE(model_->gesture(), Gesture::Gain);
        model_->drag(handle.center() - QPoint(0, 24), Qt::NoModifier);
        QCOMPARE(model_->previews()[0].clip.gainDb, 24 * Model::kGainDbPerPixel);
        QCOMPARE(clipOf(*document_, take_)->gainDb, 0.0); // not yet
        QVERIFY(model_->release(handle.center() - QPoint(0, 24), Qt::LeftButton, Qt::NoModifier));
        QCOMPARE(clipOf(*document_, take_)->gainDb, 6.0);
        QCOMPARE(undoSteps(), steps + 1);
        // Down far: no lower than the floor; Shift: a tenth per pixel.
        gesture(handle.center(), handle.center() + QPoint(0, 500));
        QCOMPARE(clipOf(*document_, take_)->gainDb, ui::ProjectDocument::kMinimumClipGainDb);
        document_->undoStack()->undo();
        gesture(handle.center(), handle.center() + QPoint(0, 20), Qt::ShiftModifier);
        QCOMPARE(clipOf(*document_, take_)->gainDb, 5.5);
        document_->undoStack()->undo();
        document_->undoStack()->undo();
        QCOMPARE(clipOf(*document_, take_)->gainDb, 0.0);
    }

    void headerDragReordersTracks() {
        const int steps = undoSteps();
        const QPoint drums(40, model_->trackTop(1) + 60); // clear of M and S
        model_->press(drums, Qt::LeftButton, Qt::NoModifier);
        QCOMPARE(model_->gesture(), Gesture::MoveTrack);
        model_->drag({40, model_->trackTop(0) + 10}, Qt::NoModifier);
        QCOMPARE(model_->trackDropRow(), 0);
        QVERIFY(model_->release({40, model_->trackTop(0) + 10}, Qt::LeftButton, Qt::NoModifier));
        QCOMPARE(document_->project().tracks[0].id, drums_);
        QCOMPARE(document_->project().tracks[1].id, vocal_);
        QCOMPARE(undoSteps(), steps + 1);
        // Below the last row: the first track goes last.
        gesture({40, model_->trackTop(0) + 60}, {40, model_->trackTop(2) + 40});
        QCOMPARE(document_->project().tracks[1].id, drums_);
        document_->undoStack()->undo();
        document_->undoStack()->undo();
        QCOMPARE(document_->project().tracks[0].id, vocal_);
        // A click on a header moves nothing.
        const int index = document_->undoStack()->index();
        gesture(drums, drums);
        QCOMPARE(document_->undoStack()->index(), index);
        QCOMPARE(document_->project().tracks[0].id, vocal_);
    }

    void splittingAtThePlayheadSplitsTheTrackInOneStep() {
        model_->selectTrack(drums_);
        model_->setPlayhead(kSecond / 2); // inside the loop only
        model_->splitAtPlayhead();
        QCOMPARE(document_->project().tracks[1].clips.size(), std::size_t(3));
        // The take and the fill both lie under 2.5 s: one undo step splits both.
        document_->undoStack()->undo();
        const Clip fill = *clipOf(*document_, fill_);
        document_->moveClip(take_, drums_, 4 * kSecond);
        document_->moveClip(loop_, drums_, 2 * kSecond);
        model_->setPlayhead(fill.position + kSecond / 2);
        const int steps = undoSteps();
        model_->splitAtPlayhead();
        QCOMPARE(document_->project().tracks[1].clips.size(), std::size_t(5));
        QCOMPARE(undoSteps(), steps + 1);

        // A selected clip is split alone, and its right part selected.
        model_->selectClip(take_);
        model_->setPlayhead(4 * kSecond + kSecond);
        model_->splitAtPlayhead();
        QVERIFY(model_->selectedClip() != take_);
        QCOMPARE(clipOf(*document_, model_->selectedClip())->position, std::int64_t(5 * kSecond));
    }
};

QTEST_GUILESS_MAIN(TestArrangementModel)
#include "test_arrangement_model.moc"
