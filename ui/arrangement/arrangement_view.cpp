#include "accord/ui/arrangement/arrangement_view.h"

#include "accord/ui/arrangement/timeline.h"
#include "accord/ui/arrangement/waveform_cache.h"
#include "accord/ui/common/audio_files.h"
#include "accord/ui/common/labels.h"
#include "accord/ui/common/palette.h"
#include "accord/ui/project/project_document.h"

#include <QContextMenuEvent>
#include <QFileInfo>
#include <QInputDialog>
#include <QKeyEvent>
#include <QMenu>
#include <QMimeData>
#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>
#include <QScrollBar>
#include <QToolTip>
#include <QUrl>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>

namespace accord::ui {

namespace {

constexpr double kZoomStep = 1.5;
constexpr int kFollowMargin = 48;

using Gesture = ArrangementModel::Gesture;
using ClipZone = ArrangementModel::ClipZone;
using HitArea = ArrangementModel::Hit::Area;

double fadeGain(const accord::Clip& clip, std::int64_t timelineSample) {
    const std::int64_t k = std::clamp<std::int64_t>(timelineSample - clip.position, 0, clip.length);
    return accord::clipFadeGain(k, clip.length, clip.fadeIn, clip.fadeOut);
}

QString clipTitle(const accord::Clip& clip) {
    return QFileInfo(QString::fromStdString(clip.file)).completeBaseName();
}

} // namespace

ArrangementView::ArrangementView(ProjectDocument* document, WaveformCache* waveforms,
                                 QWidget* parent)
    : QAbstractScrollArea(parent), document_(document), waveforms_(waveforms),
      model_(new ArrangementModel(document, waveforms, this)) {
    setObjectName(QStringLiteral("arrangementView"));
    viewport()->setObjectName(QStringLiteral("arrangementCanvas"));
    setFrameShape(QFrame::NoFrame);
    setAcceptDrops(true);
    viewport()->setAcceptDrops(true);
    viewport()->setMouseTracking(true);
    viewport()->setAttribute(Qt::WA_OpaquePaintEvent);
    setFocusPolicy(Qt::StrongFocus);
    setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOn);
    setVerticalScrollBarPolicy(Qt::ScrollBarAsNeeded);
    horizontalScrollBar()->setSingleStep(24);
    verticalScrollBar()->setSingleStep(kTrackHeight / 4);
    setMinimumSize(480, kRulerHeight + kTrackHeight + 24);
    model_->setViewport(
        {[this] { return viewport()->size(); },
         [this] { return QPoint(horizontalScrollBar()->value(), verticalScrollBar()->value()); }});

    connect(model_, &ArrangementModel::selectionChanged, viewport(), qOverload<>(&QWidget::update));
    connect(model_, &ArrangementModel::selectionChanged, this, &ArrangementView::selectionChanged);
    connect(model_, &ArrangementModel::timeSelectionChanged, viewport(),
            qOverload<>(&QWidget::update));
    connect(model_, &ArrangementModel::previewChanged, viewport(), qOverload<>(&QWidget::update));
    connect(model_, &ArrangementModel::snapChanged, viewport(), qOverload<>(&QWidget::update));
    connect(model_, &ArrangementModel::snapChanged, this, &ArrangementView::snapChanged);
    connect(model_, &ArrangementModel::seekRequested, this, &ArrangementView::seekRequested);
    connect(model_, &ArrangementModel::loopRangeRequested, this,
            &ArrangementView::loopRangeRequested);

    connect(document_, &ProjectDocument::structureChanged, this,
            &ArrangementView::onStructureChanged);
    connect(document_, &ProjectDocument::trackMixChanged, viewport(),
            qOverload<>(&QWidget::update));
    connect(document_, &ProjectDocument::tempoChanged, viewport(), qOverload<>(&QWidget::update));
    connect(document_, &ProjectDocument::projectReset, this, [this] {
        horizontalScrollBar()->setValue(0);
        verticalScrollBar()->setValue(0);
    });
    connect(waveforms_, &WaveformCache::ready, viewport(), qOverload<>(&QWidget::update));
    connect(waveforms_, &WaveformCache::failed, viewport(), qOverload<>(&QWidget::update));
    onStructureChanged();
}

ArrangementView::~ArrangementView() = default;

// ---- state ----------------------------------------------------------------------------------

QString ArrangementView::waveformKey(const accord::Clip& clip) const {
    return QString::fromStdString(clip.asset.empty() ? clip.file : clip.asset);
}

void ArrangementView::onStructureChanged() {
    requestWaveforms();
    updateScrollBars();
    viewport()->update();
}

void ArrangementView::requestWaveforms() {
    for (const auto& track : document_->project().tracks)
        for (const auto& clip : track.clips)
            if (!clip.offline)
                waveforms_->request(waveformKey(clip), QString::fromStdString(clip.file));
}

void ArrangementView::updateScrollBars() {
    horizontalScrollBar()->setRange(0, model_->maximumScrollX());
    horizontalScrollBar()->setPageStep(model_->laneWidth());
    verticalScrollBar()->setRange(0, model_->maximumScrollY());
    verticalScrollBar()->setPageStep(model_->lanesHeight());
}

void ArrangementView::setSamplesPerPixel(double samplesPerPixel, int anchorX) {
    if (anchorX < laneLeft())
        anchorX = laneLeft() + std::max(0, viewport()->width() - laneLeft()) / 2;
    const std::int64_t anchor = sampleAtX(anchorX);
    if (!model_->setSamplesPerPixel(samplesPerPixel))
        return;
    updateScrollBars();
    horizontalScrollBar()->setValue(model_->scrollShowing(anchor, anchorX));
    viewport()->update();
    Q_EMIT zoomChanged(model_->samplesPerPixel());
}

void ArrangementView::zoomIn() {
    setSamplesPerPixel(model_->samplesPerPixel() / kZoomStep);
}

void ArrangementView::zoomOut() {
    setSamplesPerPixel(model_->samplesPerPixel() * kZoomStep);
}

void ArrangementView::zoomToFit() {
    setSamplesPerPixel(model_->samplesPerPixelToFit());
    horizontalScrollBar()->setValue(0);
}

void ArrangementView::setFollowPlayback(bool follow) {
    follow_ = follow;
}

void ArrangementView::setAssetsNotExportable(const QSet<QString>& assets) {
    if (assets == notExportable_)
        return;
    notExportable_ = assets;
    viewport()->update();
}

void ArrangementView::setPendingImports(const QVector<PendingImport>& pendingImports) {
    pendingImports_ = pendingImports;
    viewport()->update();
}

void ArrangementView::updatePlayheadArea(std::int64_t sample) {
    const int x = xForSample(sample);
    viewport()->update(QRect(x - 8, 0, 17, viewport()->height()));
}

void ArrangementView::setPlayhead(std::int64_t sample, bool playing) {
    if (sample == model_->playhead() && playing == playing_)
        return;
    const std::int64_t previous = model_->playhead();
    model_->setPlayhead(sample);
    playing_ = playing;
    if (playing && follow_ && model_->gesture() == Gesture::None) {
        const int x = xForSample(sample);
        const int laneWidth = viewport()->width() - laneLeft();
        if (x > viewport()->width() - kFollowMargin || x < laneLeft()) {
            // Page on so that the playhead continues from the left of the view.
            horizontalScrollBar()->setValue(
                static_cast<int>(static_cast<double>(sample) / model_->samplesPerPixel()) -
                laneWidth / 10);
            return; // scrolling repaints everything
        }
    }
    updatePlayheadArea(previous);
    updatePlayheadArea(sample);
}

void ArrangementView::setLoop(bool enabled, std::int64_t start, std::int64_t end) {
    loopEnabled_ = enabled;
    loopStart_ = start;
    loopEnd_ = end;
    viewport()->update();
}

// ---- events ---------------------------------------------------------------------------------

void ArrangementView::resizeEvent(QResizeEvent* event) {
    QAbstractScrollArea::resizeEvent(event);
    updateScrollBars();
}

void ArrangementView::scrollContentsBy(int, int) {
    viewport()->update();
}

bool ArrangementView::viewportEvent(QEvent* event) {
    if (event->type() == QEvent::ToolTip) {
        auto* help = static_cast<QHelpEvent*>(event);
        const std::string clipId = clipAt(help->pos());
        std::string trackId;
        if (const accord::Clip* clip = document_->findClip(clipId, &trackId)) {
            const int rate = document_->project().sampleRate;
            QString text =
                tr("<b>%1</b><br>%2 → %3 (%4)")
                    .arg(clipTitle(*clip).toHtmlEscaped(), formatClockTime(clip->position, rate),
                         formatClockTime(clip->position + clip->length, rate),
                         formatClockTime(clip->length, rate));
            if (clip->offline)
                text += tr("<br><b>Offline</b>: %1 is missing")
                            .arg(QString::fromStdString(clip->file).toHtmlEscaped());
            if (!clip->asset.empty() &&
                notExportable_.contains(QString::fromStdString(clip->asset)))
                text += tr("<br><span style='color:%1'>Plays here, but its owner has not allowed "
                           "export yet (Consent tab).</span>")
                            .arg(palette::warning.name());
            QToolTip::showText(help->globalPos(), text, viewport());
        } else {
            QToolTip::hideText();
        }
        return true;
    }
    return QAbstractScrollArea::viewportEvent(event);
}

void ArrangementView::updateHoverCursor(const QPoint& pos, Qt::KeyboardModifiers modifiers) {
    Qt::CursorShape shape = Qt::ArrowCursor;
    const ArrangementModel::Hit hit = model_->hitAt(pos);
    if (hit.area == HitArea::Ruler) {
        shape = Qt::PointingHandCursor;
    } else if (hit.area == HitArea::Clip) {
        if (modifiers & Qt::AltModifier) {
            shape = Qt::SplitHCursor;
        } else {
            switch (hit.zone) {
            case ClipZone::TrimLeft:
            case ClipZone::TrimRight:
                shape = Qt::SizeHorCursor;
                break;
            case ClipZone::FadeIn:
            case ClipZone::FadeOut:
                shape = Qt::PointingHandCursor;
                break;
            case ClipZone::Gain:
                shape = Qt::SizeVerCursor;
                break;
            case ClipZone::Body:
                shape = Qt::OpenHandCursor;
                break;
            case ClipZone::None:
                break;
            }
        }
    }
    viewport()->setCursor(shape);
}

void ArrangementView::mousePressEvent(QMouseEvent* event) {
    setFocus(Qt::MouseFocusReason);
    model_->press(event->position().toPoint(), event->button(), event->modifiers());
    if (model_->gesture() == Gesture::Move || model_->gesture() == Gesture::MoveTrack)
        viewport()->setCursor(Qt::ClosedHandCursor);
}

void ArrangementView::mouseMoveEvent(QMouseEvent* event) {
    const QPoint pos = event->position().toPoint();
    if (model_->gesture() == Gesture::None)
        updateHoverCursor(pos, event->modifiers());
    else
        model_->drag(pos, event->modifiers());
}

void ArrangementView::mouseReleaseEvent(QMouseEvent* event) {
    const QPoint pos = event->position().toPoint();
    if (model_->release(pos, event->button(), event->modifiers()))
        updateHoverCursor(pos, event->modifiers());
}

void ArrangementView::mouseDoubleClickEvent(QMouseEvent* event) {
    const std::string named = model_->doubleClick(event->position().toPoint());
    if (!named.empty())
        renameTrack(named);
}

void ArrangementView::renameTrack(const std::string& trackId) {
    const accord::Track* track = document_->findTrack(trackId);
    if (track == nullptr)
        return;
    bool ok = false;
    const QString name =
        QInputDialog::getText(this, tr("Rename Track"), tr("Name:"), QLineEdit::Normal,
                              QString::fromStdString(track->name), &ok);
    if (ok)
        model_->renameTrack(trackId, name);
}

void ArrangementView::editSelectionGain() {
    const accord::Clip* clip = document_->findClip(model_->selectedClip());
    if (clip == nullptr && !model_->selectedClips().empty())
        clip = document_->findClip(*model_->selectedClips().begin());
    if (clip == nullptr)
        return;
    bool ok = false;
    const double db = QInputDialog::getDouble(
        this, tr("Clip Gain"),
        model_->selectedClips().size() > 1
            ? tr("Gain of the %1 selected clips (dB):").arg(model_->selectedClips().size())
            : tr("Gain of '%1' (dB):").arg(clipTitle(*clip)),
        clip->gainDb, ProjectDocument::kMinimumClipGainDb, ProjectDocument::kMaximumClipGainDb, 1,
        &ok);
    if (ok)
        model_->setSelectionGain(db);
}

void ArrangementView::wheelEvent(QWheelEvent* event) {
    const QPoint delta = event->angleDelta();
    if (event->modifiers() & Qt::ControlModifier) {
        if (delta.y() == 0)
            return;
        const double factor = std::pow(kZoomStep, -delta.y() / 120.0);
        setSamplesPerPixel(model_->samplesPerPixel() * factor,
                           static_cast<int>(event->position().x()));
        event->accept();
        return;
    }
    if (event->modifiers() & Qt::ShiftModifier) {
        horizontalScrollBar()->setValue(horizontalScrollBar()->value() -
                                        (delta.y() != 0 ? delta.y() : delta.x()));
        event->accept();
        return;
    }
    QAbstractScrollArea::wheelEvent(event);
}

void ArrangementView::keyPressEvent(QKeyEvent* event) {
    switch (event->key()) {
    case Qt::Key_Delete:
    case Qt::Key_Backspace:
        model_->deleteSelection();
        return;
    case Qt::Key_Escape:
        model_->cancelGesture();
        model_->selectClip({});
        model_->setTimeSelection(0, 0);
        return;
    case Qt::Key_Plus:
    case Qt::Key_Equal:
        zoomIn();
        return;
    case Qt::Key_Minus:
        zoomOut();
        return;
    default:
        break;
    }
    QAbstractScrollArea::keyPressEvent(event);
}

void ArrangementView::contextMenuEvent(QContextMenuEvent* event) {
    const QPoint pos = event->pos();
    QMenu menu(this);
    const std::string clipId = clipAt(pos);
    const std::string trackId = trackAtY(pos.y());
    if (!clipId.empty()) {
        // The press before the menu selected the clip (or kept the selection it is in): the
        // commands act on the selection, like the Edit menu's.
        const std::int64_t at = snapped(sampleAtX(pos.x()));
        menu.addAction(tr("Split Here"), this,
                       [this, clipId, at] { model_->splitClip(clipId, at); });
        menu.addAction(tr("Remove Fades"), this, [this, clipId] { model_->removeFades(clipId); });
        menu.addAction(tr("Gain…"), this, &ArrangementView::editSelectionGain);
        menu.addSeparator();
        menu.addAction(tr("Cut"), this, &ArrangementView::cutSelection);
        menu.addAction(tr("Copy"), this, &ArrangementView::copySelection);
        menu.addAction(tr("Duplicate"), this, &ArrangementView::duplicateSelection);
        menu.addAction(tr("Delete"), this, &ArrangementView::deleteSelection);
    } else if (!trackId.empty() && pos.x() < laneLeft()) {
        menu.addAction(tr("Rename Track…"), this, [this, trackId] { renameTrack(trackId); });
        menu.addAction(tr("Remove Track"), this, [this, trackId] { model_->removeTrack(trackId); });
        menu.addSeparator();
        menu.addAction(tr("Add Track"), this, [this] { model_->addTrack(); });
    } else {
        menu.addAction(tr("Add Track"), this, [this] { model_->addTrack(); });
    }
    menu.exec(event->globalPos());
}

// ---- drag and drop of files -----------------------------------------------------------------

QStringList ArrangementView::audioFiles(const QMimeData* mime) const {
    QStringList files;
    if (mime == nullptr || !mime->hasUrls())
        return files;
    for (const QUrl& url : mime->urls())
        if (url.isLocalFile() && isAudioFile(url.toLocalFile()))
            files << url.toLocalFile();
    return files;
}

void ArrangementView::updateDropTarget(const QPoint& pos) {
    dropActive_ = true;
    drop_ = model_->dropTargetAt(pos);
    viewport()->update();
}

void ArrangementView::dragEnterEvent(QDragEnterEvent* event) {
    const QStringList files = audioFiles(event->mimeData());
    if (files.isEmpty()) {
        event->ignore();
        return;
    }
    dropCount_ = static_cast<int>(files.size());
    event->setDropAction(Qt::CopyAction);
    event->accept();
    updateDropTarget(event->position().toPoint());
}

void ArrangementView::dragMoveEvent(QDragMoveEvent* event) {
    if (audioFiles(event->mimeData()).isEmpty()) {
        event->ignore();
        return;
    }
    event->setDropAction(Qt::CopyAction);
    event->accept();
    updateDropTarget(event->position().toPoint());
}

void ArrangementView::dragLeaveEvent(QDragLeaveEvent* event) {
    dropActive_ = false;
    viewport()->update();
    event->accept();
}

void ArrangementView::dropEvent(QDropEvent* event) {
    const QStringList files = audioFiles(event->mimeData());
    dropActive_ = false;
    viewport()->update();
    if (files.isEmpty()) {
        event->ignore();
        return;
    }
    const ArrangementModel::DropTarget target = model_->dropTargetAt(event->position().toPoint());
    event->setDropAction(Qt::CopyAction);
    event->accept();
    Q_EMIT filesDropped(files, QString::fromStdString(target.track),
                        static_cast<qint64>(target.position));
}

// ---- painting -------------------------------------------------------------------------------

void ArrangementView::paintEvent(QPaintEvent* event) {
    QPainter painter(viewport());
    painter.setClipRect(event->rect());
    const QRect all = viewport()->rect();
    painter.fillRect(all, palette::canvas);

    const QRect lanes(QPoint(laneLeft(), lanesTop()), all.bottomRight());
    painter.save();
    painter.setClipRect(lanes.intersected(event->rect()));
    paintLanes(painter, lanes);
    paintGrid(painter, lanes);
    if (loopEnabled_ && loopEnd_ > loopStart_) {
        const QRect loop(QPoint(xForSample(loopStart_), lanes.top()),
                         QPoint(xForSample(loopEnd_), lanes.bottom()));
        painter.fillRect(loop, palette::withAlpha(palette::accent, 18));
    }
    if (model_->hasTimeSelection())
        painter.fillRect(QRect(QPoint(xForSample(model_->timeSelectionStart()), lanes.top()),
                               QPoint(xForSample(model_->timeSelectionEnd()), lanes.bottom())),
                         palette::withAlpha(palette::selectionBorder, 40));
    const auto& tracks = document_->project().tracks;
    for (std::size_t t = 0; t < tracks.size(); ++t) {
        const int top = trackTop(static_cast<int>(t));
        if (top > lanes.bottom() || top + kTrackHeight < lanes.top())
            continue;
        for (const auto& clip : tracks[t].clips) {
            if (model_->isPreviewed(clip.id)) {
                // The original stays as a ghost while the preview follows the mouse.
                painter.setOpacity(0.35);
                paintClip(painter, clip, static_cast<int>(t), false, false);
                painter.setOpacity(1.0);
                continue;
            }
            paintClip(painter, clip, static_cast<int>(t), model_->isClipSelected(clip.id), false);
        }
    }
    if (model_->isPreviewing())
        for (const ClipOnTrack& preview : model_->previews()) {
            const int index = document_->trackIndex(preview.track);
            if (index >= 0)
                paintClip(painter, preview.clip, index, true, true);
        }
    if (const QRect band = model_->rubberBand(); !band.isNull()) {
        painter.setPen(QPen(palette::accent, 1));
        painter.setBrush(palette::withAlpha(palette::accent, 40));
        painter.drawRect(band.adjusted(0, 0, -1, -1));
    }
    paintPendingImports(painter);
    paintDropTarget(painter);
    if (tracks.empty() && pendingImports_.isEmpty()) {
        paintEmptyHint(painter);
    } else if (!dropActive_ && pendingImports_.isEmpty()) {
        const QRect spare(laneLeft(), trackTop(static_cast<int>(tracks.size())),
                          viewport()->width() - laneLeft(), kTrackHeight);
        painter.setPen(palette::faint);
        painter.drawText(spare.adjusted(16, 0, -16, 0), Qt::AlignVCenter | Qt::AlignLeft,
                         tr("Drop audio files here to add tracks"));
    }
    painter.restore();

    paintHeaders(painter);
    paintRuler(painter);
    if (const int row = model_->trackDropRow(); row >= 0) {
        // Where the dragged track would go: a line between two rows, across headers and lanes.
        painter.fillRect(QRect(0, trackTop(row) - 1, all.width(), 3), palette::accent);
    }

    // The playhead over everything but the headers.
    const int x = xForSample(model_->playhead());
    if (x >= laneLeft() && x <= all.right()) {
        painter.setPen(QPen(palette::playhead, 1));
        painter.drawLine(x, lanesTop() - 6, x, all.bottom());
        QPainterPath marker;
        marker.moveTo(x - 6, lanesTop() - 12);
        marker.lineTo(x + 6, lanesTop() - 12);
        marker.lineTo(x, lanesTop() - 4);
        marker.closeSubpath();
        painter.setRenderHint(QPainter::Antialiasing);
        painter.fillPath(marker, palette::playhead);
        painter.setRenderHint(QPainter::Antialiasing, false);
    }
}

void ArrangementView::paintLanes(QPainter& painter, const QRect& lanes) const {
    const auto& tracks = document_->project().tracks;
    for (std::size_t t = 0; t < tracks.size(); ++t) {
        const int top = trackTop(static_cast<int>(t));
        const QRect lane(lanes.left(), top, lanes.width(), kTrackHeight);
        const bool selected = tracks[t].id == model_->selectedTrack();
        painter.fillRect(lane, selected ? palette::laneSelected
                                        : (t % 2 == 0 ? palette::laneEven : palette::laneOdd));
        painter.setPen(palette::separator);
        painter.drawLine(lane.left(), lane.bottom(), lane.right(), lane.bottom());
    }
}

void ArrangementView::paintGrid(QPainter& painter, const QRect& lanes) const {
    const TempoGrid g = model_->grid();
    const double step = g.stepFor(model_->samplesPerPixel());
    const double bar = g.samplesPerBar();
    const double beat = g.samplesPerBeat();
    const std::int64_t first = std::max<std::int64_t>(0, sampleAtX(lanes.left()));
    const std::int64_t last = sampleAtX(lanes.right() + 1);
    const double start = std::floor(static_cast<double>(first) / step) * step;
    const int bottom =
        std::min(lanes.bottom(), trackTop(static_cast<int>(document_->project().tracks.size())));
    for (double s = start; s <= static_cast<double>(last); s += step) {
        const int x = xForSample(std::llround(s));
        const double inBar = std::fmod(s, bar);
        const bool isBar = inBar < 0.5 || bar - inBar < 0.5;
        const double inBeat = std::fmod(s, beat);
        const bool isBeat = inBeat < 0.5 || beat - inBeat < 0.5;
        painter.setPen(isBar ? palette::barLine
                             : (isBeat ? palette::beatLine : palette::beatLine.darker(115)));
        painter.drawLine(x, lanes.top(), x, std::max(lanes.top(), bottom));
    }
}

void ArrangementView::paintClip(QPainter& painter, const accord::Clip& clip, int trackIndex,
                                bool selected, bool dragging) const {
    const QRect rect = model_->clipRect(clip, trackIndex);
    if (!rect.intersects(painter.clipBoundingRect().toAlignedRect()) &&
        !painter.clipBoundingRect().isEmpty())
        return;
    const QColor colour = palette::trackColour(trackIndex);
    const accord::Track& track = document_->project().tracks[static_cast<std::size_t>(trackIndex)];
    const bool muted = track.mute;

    painter.setRenderHint(QPainter::Antialiasing);
    QPainterPath outline;
    outline.addRoundedRect(QRectF(rect).adjusted(0.5, 0.5, -0.5, -0.5), 4, 4);
    QColor body = colour.darker(muted ? 520 : 330);
    body.setAlpha(235);
    painter.fillPath(outline, body);

    if (clip.offline) {
        painter.save();
        painter.setClipPath(outline);
        painter.fillRect(rect, QBrush(palette::withAlpha(palette::denied, 70), Qt::BDiagPattern));
        painter.restore();
    }

    // Title bar.
    const QRect title(rect.left(), rect.top(), rect.width(), kClipTitleHeight);
    painter.save();
    painter.setClipPath(outline);
    QColor titleColour = colour.darker(muted ? 260 : 150);
    painter.fillRect(title, titleColour);
    painter.restore();

    // Waveform.
    const QRect wave = rect.adjusted(1, kClipTitleHeight + 1, -1, -2);
    if (!clip.offline && wave.height() > 4)
        paintWaveform(painter, clip, wave, muted ? colour.darker(200) : colour.lighter(115));

    // Fades: the shaded part above the gain curve, with handles at the top corners.
    const int fadeInX = xForSample(clip.position + clip.fadeIn);
    const int fadeOutX = xForSample(clip.position + clip.length - clip.fadeOut);
    painter.save();
    painter.setClipPath(outline);
    const QColor fadeShade = palette::withAlpha(Qt::black, 110);
    const QColor fadeLine = palette::withAlpha(Qt::white, 170);
    if (clip.fadeIn > 0) {
        QPainterPath shade;
        shade.moveTo(rect.left(), wave.top());
        shade.lineTo(fadeInX, wave.top());
        shade.lineTo(rect.left(), wave.bottom());
        shade.closeSubpath();
        painter.fillPath(shade, fadeShade);
        painter.setPen(QPen(fadeLine, 1.2));
        painter.drawLine(QPointF(rect.left(), wave.bottom()), QPointF(fadeInX, wave.top()));
    }
    if (clip.fadeOut > 0) {
        QPainterPath shade;
        shade.moveTo(fadeOutX, wave.top());
        shade.lineTo(rect.right(), wave.top());
        shade.lineTo(rect.right(), wave.bottom());
        shade.closeSubpath();
        painter.fillPath(shade, fadeShade);
        painter.setPen(QPen(fadeLine, 1.2));
        painter.drawLine(QPointF(fadeOutX, wave.top()), QPointF(rect.right(), wave.bottom()));
    }
    painter.restore();

    // Title text and marks.
    QFont font = painter.font();
    font.setPointSizeF(std::max(7.0, font.pointSizeF() * 0.85));
    font.setBold(true);
    painter.setFont(font);
    int textRight = title.right() - 4;
    if (!clip.asset.empty() && notExportable_.contains(QString::fromStdString(clip.asset)) &&
        rect.width() > 40) {
        const QRectF badge(title.right() - 15, title.top() + 2, 12, 12);
        painter.setBrush(palette::warning);
        painter.setPen(Qt::NoPen);
        painter.drawEllipse(badge);
        painter.setPen(QPen(Qt::white, 1.6, Qt::SolidLine, Qt::RoundCap));
        painter.drawLine(QPointF(badge.left() + 3, badge.center().y()),
                         QPointF(badge.right() - 3, badge.center().y()));
        textRight -= 16;
    }
    painter.setPen(palette::clipTitle);
    QString name = clipTitle(clip);
    if (clip.offline)
        name = tr("%1 — offline: file missing").arg(name);
    const int textLeft = title.left() + (selected || dragging ? 12 : 6); // clear of the handle
    const QRect textRect(QPoint(std::max(textLeft, fadeInX + 6), title.top()),
                         QPoint(std::min(textRight, fadeOutX - 8), title.bottom()));
    if (textRect.width() > 12)
        painter.drawText(textRect, Qt::AlignVCenter | Qt::AlignLeft,
                         painter.fontMetrics().elidedText(name, Qt::ElideRight, textRect.width()));

    // Outline (and the selection), then the fade handles on top.
    painter.setBrush(Qt::NoBrush);
    painter.setPen(QPen(selected ? QColor(Qt::white) : colour.darker(120), selected ? 1.6 : 1.0));
    painter.drawPath(outline);
    if (selected || dragging) {
        // Fade handles: small diamonds where each fade ends, in the title bar.
        painter.setPen(QPen(palette::canvas, 1));
        painter.setBrush(Qt::white);
        const double y = rect.top() + kClipTitleHeight / 2.0;
        for (double x : {fadeInX + (clip.fadeIn == 0 ? 5.0 : 0.0),
                         fadeOutX - (clip.fadeOut == 0 ? 5.0 : 0.0)}) {
            QPainterPath diamond;
            diamond.moveTo(x, y - 4.5);
            diamond.lineTo(x + 4.5, y);
            diamond.lineTo(x, y + 4.5);
            diamond.lineTo(x - 4.5, y);
            diamond.closeSubpath();
            painter.drawPath(diamond);
        }
    }
    paintClipGain(painter, clip, rect, selected, dragging);
    painter.setRenderHint(QPainter::Antialiasing, false);
}

void ArrangementView::paintClipGain(QPainter& painter, const accord::Clip& clip, const QRect& rect,
                                    bool selected, bool dragging) const {
    const QRect handle = model_->gainHandleRect(rect);
    if (handle.isNull())
        return;
    if (selected || dragging) {
        painter.setPen(QPen(palette::canvas, 1));
        painter.setBrush(Qt::white);
        painter.drawRoundedRect(QRectF(handle).adjusted(0.5, 0.5, -0.5, -0.5), 3, 3);
    }
    // The gain in dB beside the handle when it is not 0 dB, and always while it is dragged.
    if (clip.gainDb == 0 && !(dragging && model_->gesture() == Gesture::Gain))
        return;
    QFont font = painter.font();
    font.setBold(true);
    painter.setFont(font);
    const QString text = formatDecibels(clip.gainDb, ProjectDocument::kMinimumClipGainDb);
    const QRect label(handle.right() + 6, handle.top() - 3, 80, handle.height() + 6);
    painter.setPen(palette::text);
    painter.drawText(label, Qt::AlignLeft | Qt::AlignVCenter, text);
}

void ArrangementView::paintWaveform(QPainter& painter, const accord::Clip& clip, const QRect& area,
                                    const QColor& colour) const {
    const auto peaks = waveforms_->peaks(waveformKey(clip));
    const QRect visible = area.intersected(QRect(laneLeft(), 0, viewport()->width(), 1 << 20));
    if (!peaks || peaks->levels.empty() || peaks->sampleRate <= 0) {
        const QString key = waveformKey(clip);
        const QString failure = waveforms_->failure(key);
        painter.setPen(palette::mutedText);
        QFont font = painter.font();
        font.setBold(false);
        painter.setFont(font);
        const QString text =
            !failure.isEmpty() ? tr("No waveform: %1").arg(failure) : tr("Computing waveform…");
        if (visible.width() > 40)
            painter.drawText(
                visible.adjusted(6, 0, -4, 0), Qt::AlignVCenter | Qt::AlignLeft,
                painter.fontMetrics().elidedText(text, Qt::ElideRight, visible.width() - 10));
        return;
    }
    if (visible.isEmpty())
        return;
    const double ratio = static_cast<double>(peaks->sampleRate) / document_->project().sampleRate;
    const double framesPerPixel = model_->samplesPerPixel() * ratio;
    const WaveformPeaks::Level& level = peaks->levelFor(framesPerPixel);
    const auto buckets = static_cast<std::int64_t>(level.minimum.size());
    const double mid = area.center().y() + 0.5;
    const double half = area.height() / 2.0 - 1;
    const double gain = decibelsToGain(clip.gainDb);

    QVector<QLineF> lines;
    lines.reserve(visible.width());
    painter.setPen(palette::withAlpha(colour, 60));
    painter.drawLine(visible.left(), static_cast<int>(mid), visible.right(), static_cast<int>(mid));
    for (int x = visible.left(); x <= visible.right(); ++x) {
        const std::int64_t t0 = sampleAtX(x);
        const std::int64_t t1 = sampleAtX(x + 1);
        if (t1 <= clip.position || t0 >= clip.position + clip.length)
            continue;
        const double f0 = static_cast<double>(clip.offset + (t0 - clip.position)) * ratio;
        const double f1 = static_cast<double>(clip.offset + (t1 - clip.position)) * ratio;
        auto b0 = static_cast<std::int64_t>(std::floor(f0 / level.samplesPerBucket));
        auto b1 = static_cast<std::int64_t>(std::ceil(f1 / level.samplesPerBucket));
        b0 = std::clamp<std::int64_t>(b0, 0, buckets);
        b1 = std::clamp<std::int64_t>(std::max(b1, b0 + 1), 0, buckets);
        if (b0 >= b1)
            continue;
        float low = level.minimum[static_cast<std::size_t>(b0)];
        float high = level.maximum[static_cast<std::size_t>(b0)];
        for (std::int64_t b = b0 + 1; b < b1; ++b) {
            low = std::min(low, level.minimum[static_cast<std::size_t>(b)]);
            high = std::max(high, level.maximum[static_cast<std::size_t>(b)]);
        }
        const double g = gain * fadeGain(clip, t0);
        const double top = mid - std::clamp(high * g, -1.0, 1.0) * half;
        const double bottom = mid - std::clamp(low * g, -1.0, 1.0) * half;
        lines.append(QLineF(x + 0.5, top, x + 0.5, std::max(bottom, top + 1.0)));
    }
    painter.setRenderHint(QPainter::Antialiasing, false);
    painter.setPen(QPen(colour, 1));
    painter.drawLines(lines);
    painter.setRenderHint(QPainter::Antialiasing);
}

void ArrangementView::paintPendingImports(QPainter& painter) const {
    const auto& tracks = document_->project().tracks;
    int newTracks = 0;
    for (const PendingImport& pendingImport : pendingImports_) {
        int index = document_->trackIndex(pendingImport.track);
        if (index < 0)
            index = static_cast<int>(tracks.size()) + newTracks++;
        const int left = xForSample(pendingImport.position);
        const QRect rect(left, trackTop(index) + 3, 220, kTrackHeight - 7);
        painter.setRenderHint(QPainter::Antialiasing);
        painter.setPen(QPen(palette::accent, 1, Qt::DashLine));
        painter.setBrush(palette::withAlpha(palette::accent, 28));
        painter.drawRoundedRect(QRectF(rect).adjusted(0.5, 0.5, -0.5, -0.5), 4, 4);
        QRect bar(rect.left() + 8, rect.bottom() - 14, rect.width() - 16, 5);
        painter.setPen(Qt::NoPen);
        painter.setBrush(palette::withAlpha(Qt::white, 30));
        painter.drawRoundedRect(bar, 2, 2);
        bar.setWidth(static_cast<int>(bar.width() * std::clamp(pendingImport.progress, 0.0, 1.0)));
        painter.setBrush(palette::accent);
        painter.drawRoundedRect(bar, 2, 2);
        painter.setPen(palette::text);
        painter.drawText(rect.adjusted(8, 6, -8, -20), Qt::AlignLeft | Qt::AlignTop,
                         tr("Importing %1…\n%2%")
                             .arg(pendingImport.name)
                             .arg(static_cast<int>(pendingImport.progress * 100)));
    }
    painter.setRenderHint(QPainter::Antialiasing, false);
}

void ArrangementView::paintDropTarget(QPainter& painter) const {
    if (!dropActive_)
        return;
    const auto& tracks = document_->project().tracks;
    const int index =
        drop_.track.empty() ? static_cast<int>(tracks.size()) : document_->trackIndex(drop_.track);
    const int rows = drop_.track.empty() ? std::max(1, dropCount_) : 1;
    const QRect lane(laneLeft(), trackTop(index), viewport()->width() - laneLeft(),
                     kTrackHeight * rows);
    painter.fillRect(lane, palette::withAlpha(palette::accent, 30));
    painter.setPen(QPen(palette::accent, 2));
    const int x = xForSample(drop_.position);
    painter.drawLine(x, lane.top(), x, lane.bottom());
    painter.setPen(palette::text);
    painter.drawText(
        lane.adjusted(x - laneLeft() + 8, 6, 0, 0), Qt::AlignLeft | Qt::AlignTop,
        drop_.track.empty()
            ? tr("Drop to add %1").arg(counted(rows, tr("a new track"), tr("%1 new tracks")))
            : tr("Drop onto this track"));
}

void ArrangementView::paintEmptyHint(QPainter& painter) const {
    const QRect area(laneLeft(), lanesTop(), viewport()->width() - laneLeft(),
                     viewport()->height() - lanesTop());
    painter.setRenderHint(QPainter::Antialiasing);
    const QRect box = QRect(0, 0, 420, 120);
    QRect centred = box;
    centred.moveCenter(area.center());
    painter.setPen(QPen(palette::faint, 1.5, Qt::DashLine));
    painter.setBrush(Qt::NoBrush);
    painter.drawRoundedRect(QRectF(centred).adjusted(0.5, 0.5, -0.5, -0.5), 10, 10);
    painter.setPen(palette::mutedText);
    QFont font = painter.font();
    font.setPointSizeF(font.pointSizeF() * 1.2);
    painter.setFont(font);
    painter.drawText(centred, Qt::AlignCenter,
                     tr("Drop audio files here\nWAV, AIFF, FLAC, Ogg or MP3"));
    painter.setRenderHint(QPainter::Antialiasing, false);
}

void ArrangementView::paintRuler(QPainter& painter) const {
    const QRect ruler(laneLeft(), 0, viewport()->width() - laneLeft(), kRulerHeight);
    painter.fillRect(ruler, palette::mid);
    painter.save();
    painter.setClipRect(ruler);

    if (loopEnd_ > loopStart_) {
        const QRect band(QPoint(xForSample(loopStart_), ruler.bottom() - 7),
                         QPoint(xForSample(loopEnd_), ruler.bottom() - 1));
        painter.fillRect(band, palette::withAlpha(palette::accent, loopEnabled_ ? 200 : 70));
    }
    if (model_->hasTimeSelection()) // the whole ruler's height, under its ticks and numbers
        painter.fillRect(QRect(QPoint(xForSample(model_->timeSelectionStart()), ruler.top()),
                               QPoint(xForSample(model_->timeSelectionEnd()), ruler.bottom() - 8)),
                         palette::selection);

    const TempoGrid g = model_->grid();
    const double bar = g.samplesPerBar();
    const double beat = g.samplesPerBeat();
    // Label every bar, or every 2nd, 4th, ... when bars are narrow.
    int barsPerLabel = 1;
    while (bar * barsPerLabel / model_->samplesPerPixel() < 44 && barsPerLabel < 4096)
        barsPerLabel *= 2;
    const double step = g.stepFor(model_->samplesPerPixel(), 6);
    const std::int64_t first = std::max<std::int64_t>(0, sampleAtX(ruler.left()));
    const std::int64_t last = sampleAtX(ruler.right() + 1);
    QFont font = painter.font();
    font.setPointSizeF(std::max(7.0, font.pointSizeF() * 0.85));
    painter.setFont(font);
    for (double s = std::floor(static_cast<double>(first) / step) * step;
         s <= static_cast<double>(last); s += step) {
        const int x = xForSample(std::llround(s));
        const double barIndex = s / bar;
        const bool isBar = std::abs(barIndex - std::round(barIndex)) * bar < 0.5;
        const bool isBeat = std::abs(s / beat - std::round(s / beat)) * beat < 0.5;
        if (isBar) {
            const auto number = static_cast<long long>(std::llround(barIndex));
            const bool labelled = number % barsPerLabel == 0;
            painter.setPen(labelled ? palette::mutedText : palette::barLine);
            painter.drawLine(x, labelled ? 4 : kRulerHeight - 12, x, kRulerHeight - 1);
            if (labelled) {
                painter.setPen(palette::text);
                painter.drawText(QRect(x + 4, 2, 60, 16), Qt::AlignLeft | Qt::AlignVCenter,
                                 QString::number(number + 1));
            }
        } else {
            painter.setPen(isBeat ? palette::barLine : palette::beatLine);
            painter.drawLine(x, kRulerHeight - (isBeat ? 8 : 5), x, kRulerHeight - 1);
        }
    }
    painter.restore();
    painter.setPen(palette::separator);
    painter.drawLine(0, kRulerHeight - 1, viewport()->width(), kRulerHeight - 1);
}

void ArrangementView::paintHeaders(QPainter& painter) const {
    const QRect column(0, 0, kHeaderWidth, viewport()->height());
    painter.fillRect(column, palette::panel.darker(110));
    painter.save();
    painter.setClipRect(QRect(0, lanesTop(), kHeaderWidth, viewport()->height() - lanesTop()));
    const auto& tracks = document_->project().tracks;
    QFont nameFont = painter.font();
    nameFont.setBold(true);
    QFont smallFont = painter.font();
    smallFont.setPointSizeF(std::max(7.0, smallFont.pointSizeF() * 0.85));
    painter.setRenderHint(QPainter::Antialiasing);
    for (std::size_t t = 0; t < tracks.size(); ++t) {
        const accord::Track& track = tracks[t];
        const int index = static_cast<int>(t);
        const int top = trackTop(index);
        const QRect header(0, top, kHeaderWidth - 1, kTrackHeight);
        painter.fillRect(header, track.id == model_->selectedTrack() ? palette::panelSelected
                                                                     : palette::panel);
        painter.fillRect(QRect(0, top, 5, kTrackHeight - 1), palette::trackColour(index));
        painter.setPen(palette::separator);
        painter.drawLine(0, header.bottom(), kHeaderWidth, header.bottom());

        painter.setFont(nameFont);
        painter.setPen(palette::text);
        const QRect nameRect(14, top + 8, kHeaderWidth - 14 - 64, 22);
        painter.drawText(nameRect, Qt::AlignLeft | Qt::AlignVCenter,
                         painter.fontMetrics().elidedText(QString::fromStdString(track.name),
                                                          Qt::ElideRight, nameRect.width()));
        painter.setFont(smallFont);
        painter.setPen(palette::mutedText);
        painter.drawText(
            QRect(14, top + 32, kHeaderWidth - 14 - 64, 16), Qt::AlignLeft | Qt::AlignVCenter,
            tr("%1 · %2 · %3")
                .arg(formatDecibels(track.gainDb), formatPan(track.pan),
                     counted(static_cast<int>(track.clips.size()), tr("1 clip"), tr("%1 clips"))));
        if (!track.model.empty())
            painter.drawText(QRect(14, top + 50, kHeaderWidth - 24, 16),
                             Qt::AlignLeft | Qt::AlignVCenter,
                             tr("Voice model: %1")
                                 .arg(QFileInfo(QString::fromStdString(track.model)).fileName()));

        auto button = [&](const QRect& rect, const QString& label, bool on,
                          const QColor& onColour) {
            painter.setPen(on ? onColour : palette::faint);
            painter.setBrush(on ? onColour : palette::toggleOff);
            painter.drawRoundedRect(QRectF(rect).adjusted(0.5, 0.5, -0.5, -0.5), 3, 3);
            painter.setPen(on ? palette::textOnLit : palette::mutedText);
            painter.drawText(rect, Qt::AlignCenter, label);
        };
        QFont buttonFont = smallFont;
        buttonFont.setBold(true);
        painter.setFont(buttonFont);
        button(model_->muteButtonRect(index), tr("M"), track.mute, palette::muteOn);
        button(model_->soloButtonRect(index), tr("S"), track.solo, palette::soloOn);
        const ArrangementModel::InputState input = model_->inputState(track.id);
        button(model_->armButtonRect(index), tr("R"), input.armed, palette::recordOn);
        button(model_->monitorButtonRect(index), tr("I"), input.monitor, palette::monitorOn);
    }
    painter.restore();
    painter.setRenderHint(QPainter::Antialiasing, false);

    // The corner above the headers: the project's tempo and the grid in use.
    const QRect corner(0, 0, kHeaderWidth, kRulerHeight);
    painter.fillRect(corner, palette::mid.darker(108));
    painter.setPen(palette::mutedText);
    QFont font = painter.font();
    font.setPointSizeF(std::max(7.0, font.pointSizeF() * 0.85));
    painter.setFont(font);
    const accord::Project& project = document_->project();
    painter.drawText(
        corner.adjusted(12, 0, -8, 0), Qt::AlignVCenter | Qt::AlignLeft,
        tr("%1 BPM · %2 · %3 kHz%4")
            .arg(project.tempo)
            .arg(QString::fromStdString(accord::timeSignatureText(project.timeSignature)))
            .arg(project.sampleRate / 1000.0)
            .arg(model_->snapEnabled() ? tr(" · snap") : QString()));
    painter.setPen(palette::separator);
    painter.drawLine(kHeaderWidth - 1, 0, kHeaderWidth - 1, viewport()->height());
    painter.drawLine(0, kRulerHeight - 1, kHeaderWidth, kRulerHeight - 1);
}

} // namespace accord::ui
