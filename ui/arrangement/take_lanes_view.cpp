#include "accord/ui/arrangement/take_lanes_view.h"

#include "accord/ui/arrangement/arrangement_view.h"
#include "accord/ui/common/palette.h"
#include "accord/ui/project/project_document.h"

#include <QMouseEvent>
#include <QPainter>
#include <QScrollBar>

#include <algorithm>
#include <cstdlib>

namespace accord::ui {

TakeLanesView::TakeLanesView(ProjectDocument* document, ArrangementView* arrangement,
                             QWidget* parent)
    : QWidget(parent), document_(document), arrangement_(arrangement) {
    setObjectName(QStringLiteral("takeLanes"));
    setMouseTracking(false);
    setToolTip(tr("Takes, newest on top. Drag across a take to use that part of it; click a take "
                  "to use all of it."));
    connect(document_, &ProjectDocument::structureChanged, this, &TakeLanesView::follow);
    connect(document_, &ProjectDocument::projectReset, this, &TakeLanesView::follow);
    connect(arrangement_, &ArrangementView::selectionChanged, this, &TakeLanesView::follow);
    connect(arrangement_, &ArrangementView::zoomChanged, this, qOverload<>(&QWidget::update));
    connect(arrangement_->horizontalScrollBar(), &QScrollBar::valueChanged, this,
            qOverload<>(&QWidget::update));
    follow();
}

void TakeLanesView::follow() {
    const std::string selected = arrangement_->selectedTrack();
    const accord::Track* track = document_->findTrack(selected);
    trackId_ = track != nullptr && !track->takes.empty() ? selected : std::string();
    if (track != nullptr && !track->takes.empty()) {
        setMinimumHeight(kLaneHeight * int(std::min<std::size_t>(track->takes.size(),
                                                                 std::size_t(kMaxLanesShown))));
        updateGeometry();
    }
    setVisible(!trackId_.empty());
    update();
}

QSize TakeLanesView::sizeHint() const {
    const accord::Track* track = document_->findTrack(trackId_);
    const int lanes = track != nullptr ? int(track->takes.size()) : 0;
    return {ArrangementView::kHeaderWidth + 400, kLaneHeight * std::max(1, lanes)};
}

int TakeLanesView::arrangementOffset() const {
    return mapFromGlobal(arrangement_->viewport()->mapToGlobal(QPoint(0, 0))).x();
}

int TakeLanesView::xForSample(std::int64_t sample) const {
    return arrangementOffset() + arrangement_->xForSample(sample);
}

std::int64_t TakeLanesView::sampleAtX(int x) const {
    return std::max<std::int64_t>(0, arrangement_->sampleAtX(x - arrangementOffset()));
}

QRect TakeLanesView::laneRect(int index) const {
    return {0, index * kLaneHeight, width(), kLaneHeight};
}

QRect TakeLanesView::deleteButtonRect(int index) const {
    const int size = kLaneHeight - 10;
    return {arrangementOffset() + ArrangementView::kHeaderWidth - size - 6, index * kLaneHeight + 5,
            size, size};
}

int TakeLanesView::laneAtY(int y) const {
    const accord::Track* track = document_->findTrack(trackId_);
    const int lane = y / kLaneHeight;
    return track != nullptr && y >= 0 && lane < int(track->takes.size()) ? lane : -1;
}

void TakeLanesView::paintEvent(QPaintEvent*) {
    QPainter painter(this);
    painter.fillRect(rect(), palette::canvas);
    const accord::Track* track = document_->findTrack(trackId_);
    if (track == nullptr)
        return;
    const int left = arrangementOffset() + ArrangementView::kHeaderWidth;
    for (std::size_t i = 0; i < track->takes.size(); ++i) {
        const accord::Clip& take = track->takes[i];
        const QRect lane = laneRect(int(i));
        painter.fillRect(lane, i % 2 == 0 ? palette::laneEven : palette::laneOdd);
        painter.setPen(palette::faint);
        painter.drawText(lane.adjusted(8, 0, 0, 0), Qt::AlignVCenter | Qt::AlignLeft,
                         document_->takeName(trackId_, take.id) +
                             (take.offline ? tr(" (missing)") : QString()));
        painter.drawText(deleteButtonRect(int(i)), Qt::AlignCenter, QStringLiteral("×"));
        painter.save();
        painter.setClipRect(QRect(left, lane.top(), width() - left, lane.height()));
        const QRect body(QPoint(xForSample(take.position), lane.top() + 3),
                         QPoint(xForSample(take.position + take.length), lane.bottom() - 3));
        painter.fillRect(body, palette::toggleOff);
        // What of this take sounds: the clips comped from it.
        for (const accord::Clip& clip : track->clips)
            if (accord::clipComesFromTake(clip, take))
                painter.fillRect(
                    QRect(QPoint(xForSample(clip.position), body.top()),
                          QPoint(xForSample(clip.position + clip.length), body.bottom())),
                    palette::accent);
        if (int(i) == pressLane_ && std::abs(dragX_ - pressX_) >= ArrangementModel::kDragThreshold)
            painter.fillRect(QRect(QPoint(std::min(pressX_, dragX_), lane.top()),
                                   QPoint(std::max(pressX_, dragX_), lane.bottom())),
                             palette::withAlpha(palette::selectionBorder, 120));
        painter.restore();
        painter.setPen(palette::separator);
        painter.drawLine(lane.bottomLeft(), lane.bottomRight());
    }
}

void TakeLanesView::mousePressEvent(QMouseEvent* event) {
    pressLane_ = event->button() == Qt::LeftButton ? laneAtY(event->pos().y()) : -1;
    pressX_ = dragX_ = event->pos().x();
    const accord::Track* track = document_->findTrack(trackId_);
    if (pressLane_ >= 0 && track != nullptr &&
        deleteButtonRect(pressLane_).contains(event->pos())) {
        const std::string takeId = track->takes[std::size_t(pressLane_)].id;
        pressLane_ = -1;
        document_->deleteTake(trackId_, takeId);
    }
}

void TakeLanesView::mouseMoveEvent(QMouseEvent* event) {
    if (pressLane_ < 0)
        return;
    dragX_ = event->pos().x();
    update();
}

void TakeLanesView::mouseReleaseEvent(QMouseEvent* event) {
    const int lane = pressLane_;
    pressLane_ = -1;
    const accord::Track* track = document_->findTrack(trackId_);
    if (lane < 0 || track == nullptr || lane >= int(track->takes.size()))
        return;
    const std::string takeId = track->takes[std::size_t(lane)].id;
    dragX_ = event->pos().x();
    if (std::abs(dragX_ - pressX_) < ArrangementModel::kDragThreshold) {
        document_->compTake(trackId_, takeId); // a click: the whole take
    } else {
        const std::int64_t from = arrangement_->snapped(sampleAtX(std::min(pressX_, dragX_)));
        const std::int64_t to = arrangement_->snapped(sampleAtX(std::max(pressX_, dragX_)));
        if (to > from)
            document_->compTake(trackId_, takeId, from, to);
    }
    update();
}

} // namespace accord::ui
