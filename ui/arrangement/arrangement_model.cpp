#include "accord/ui/arrangement/arrangement_model.h"

#include "accord/ui/arrangement/waveform_cache.h"
#include "accord/ui/project/project_document.h"

#include <QUndoStack>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>

namespace accord::ui {

namespace {
constexpr double kTrailingBars = 16; // scrollable room after the last clip
constexpr double kEmptyProjectBars = 8;
constexpr double kFitMargin = 1.04;
constexpr int kFitPadding = 24;
constexpr int kMinFitWidth = 100;
} // namespace

ArrangementModel::ArrangementModel(ProjectDocument* document, const WaveformCache* waveforms,
                                   QObject* parent)
    : QObject(parent), document_(document),
      waveforms_(waveforms), viewport_{[] { return QSize(); }, [] { return QPoint(); }} {
    connect(document_, &ProjectDocument::structureChanged, this,
            &ArrangementModel::onStructureChanged);
    connect(document_, &ProjectDocument::projectReset, this, &ArrangementModel::onProjectReset);
}

TempoGrid ArrangementModel::grid() const {
    return TempoGrid(document_->project());
}

// ---- viewport, zoom, snapping -----------------------------------------------------------------

void ArrangementModel::setViewport(Viewport viewport) {
    viewport_ = std::move(viewport);
}

QSize ArrangementModel::viewportSize() const {
    return viewport_.size();
}

QPoint ArrangementModel::scroll() const {
    return viewport_.scroll();
}

bool ArrangementModel::setSamplesPerPixel(double samplesPerPixel) {
    samplesPerPixel = std::clamp(samplesPerPixel, kMinSamplesPerPixel, kMaxSamplesPerPixel);
    if (samplesPerPixel == samplesPerPixel_)
        return false;
    samplesPerPixel_ = samplesPerPixel;
    return true;
}

double ArrangementModel::samplesPerPixelToFit() const {
    const accord::Project& project = document_->project();
    const double length = project.length() > 0 ? static_cast<double>(project.length())
                                               : grid().samplesPerBar() * kEmptyProjectBars;
    const int width = std::max(kMinFitWidth, viewportSize().width() - laneLeft() - kFitPadding);
    return length * kFitMargin / width;
}

int ArrangementModel::scrollShowing(std::int64_t sample, int x) const {
    return static_cast<int>(std::llround(static_cast<double>(sample) / samplesPerPixel_) -
                            (x - laneLeft()));
}

int ArrangementModel::laneWidth() const {
    return std::max(1, viewportSize().width() - laneLeft());
}

int ArrangementModel::lanesHeight() const {
    return std::max(1, viewportSize().height() - lanesTop());
}

int ArrangementModel::maximumScrollX() const {
    const double trailing = grid().samplesPerBar() * kTrailingBars;
    const double contentSamples =
        std::max(static_cast<double>(document_->project().length()) + trailing, trailing * 2);
    const double contentPixels = contentSamples / samplesPerPixel_;
    return static_cast<int>(
        std::clamp(contentPixels - laneWidth(), 0.0, static_cast<double>(INT32_MAX / 2)));
}

int ArrangementModel::maximumScrollY() const {
    // One empty lane more than there are tracks: room to drop files onto a new track.
    const int contentHeight =
        static_cast<int>(document_->project().tracks.size() + 1) * kTrackHeight;
    return std::max(0, contentHeight - lanesHeight());
}

void ArrangementModel::setSnapEnabled(bool enabled) {
    if (snap_ == enabled)
        return;
    snap_ = enabled;
    Q_EMIT snapChanged(snap_);
}

// ---- geometry ---------------------------------------------------------------------------------

int ArrangementModel::xForSample(std::int64_t sample) const {
    return laneLeft() +
           static_cast<int>(std::llround(static_cast<double>(sample) / samplesPerPixel_)) -
           scroll().x();
}

std::int64_t ArrangementModel::sampleAtX(double x) const {
    return std::llround((x - laneLeft() + scroll().x()) * samplesPerPixel_);
}

int ArrangementModel::trackTop(int index) const {
    return lanesTop() + index * kTrackHeight - scroll().y();
}

std::string ArrangementModel::trackAtY(int y) const {
    if (y < lanesTop())
        return {};
    const int index = (y - lanesTop() + scroll().y()) / kTrackHeight;
    const auto& tracks = document_->project().tracks;
    if (index < 0 || index >= static_cast<int>(tracks.size()))
        return {};
    return tracks[static_cast<std::size_t>(index)].id;
}

QRect ArrangementModel::clipRect(const accord::Clip& clip, int trackIndex) const {
    const int left = xForSample(clip.position);
    const int right = xForSample(clip.position + clip.length);
    return QRect(QPoint(left, trackTop(trackIndex) + 3),
                 QPoint(std::max(left + 2, right) - 1, trackTop(trackIndex) + kTrackHeight - 4));
}

QRect ArrangementModel::clipRect(const std::string& clipId) const {
    std::string trackId;
    const accord::Clip* clip = document_->findClip(clipId, &trackId);
    if (clip == nullptr)
        return {};
    return clipRect(*clip, document_->trackIndex(trackId));
}

QRect ArrangementModel::muteButtonRect(int trackIndex) const {
    return QRect(kHeaderWidth - 58, trackTop(trackIndex) + 10, 22, 18);
}

QRect ArrangementModel::soloButtonRect(int trackIndex) const {
    return QRect(kHeaderWidth - 32, trackTop(trackIndex) + 10, 22, 18);
}

QRect ArrangementModel::armButtonRect(int trackIndex) const {
    return muteButtonRect(trackIndex).translated(0, 22);
}

QRect ArrangementModel::monitorButtonRect(int trackIndex) const {
    return soloButtonRect(trackIndex).translated(0, 22);
}

std::int64_t ArrangementModel::snapped(std::int64_t sample) const {
    if (!snap_)
        return std::max<std::int64_t>(0, sample);
    return grid().snap(sample, samplesPerPixel_);
}

std::optional<std::int64_t> ArrangementModel::mediaFrames(const accord::Clip& clip) const {
    if (auto known = document_->mediaLength(clip.file))
        return known;
    if (waveforms_ == nullptr)
        return std::nullopt;
    const QString key = QString::fromStdString(clip.asset.empty() ? clip.file : clip.asset);
    if (const auto peaks = waveforms_->peaks(key); peaks && peaks->sampleRate > 0)
        return static_cast<std::int64_t>(static_cast<double>(peaks->frames) *
                                         document_->project().sampleRate / peaks->sampleRate);
    return std::nullopt;
}

// ---- hit-testing ------------------------------------------------------------------------------

ArrangementModel::Hit ArrangementModel::hitAt(const QPoint& pos) const {
    Hit hit;
    if (pos.y() < lanesTop()) {
        hit.area = pos.x() < laneLeft() ? Hit::Area::Corner : Hit::Area::Ruler;
        return hit;
    }
    hit.track = trackAtY(pos.y());
    if (pos.x() < laneLeft()) {
        const int index = document_->trackIndex(hit.track);
        hit.area = index >= 0 && muteButtonRect(index).contains(pos)      ? Hit::Area::MuteButton
                   : index >= 0 && soloButtonRect(index).contains(pos)    ? Hit::Area::SoloButton
                   : index >= 0 && armButtonRect(index).contains(pos)     ? Hit::Area::ArmButton
                   : index >= 0 && monitorButtonRect(index).contains(pos) ? Hit::Area::MonitorButton
                                                                          : Hit::Area::Header;
        return hit;
    }
    hit.clip = clipAt(pos);
    if (hit.clip.empty()) {
        hit.area = Hit::Area::Lane;
        return hit;
    }
    hit.area = Hit::Area::Clip;
    hit.zone = zoneAt(hit.clip, pos);
    return hit;
}

std::string ArrangementModel::clipAt(const QPoint& pos) const {
    if (pos.x() < laneLeft() || pos.y() < lanesTop())
        return {};
    const std::string trackId = trackAtY(pos.y());
    const accord::Track* track = document_->findTrack(trackId);
    if (track == nullptr)
        return {};
    const int index = document_->trackIndex(trackId);
    // The last clip drawn is on top: search backwards.
    for (auto clip = track->clips.rbegin(); clip != track->clips.rend(); ++clip)
        if (clipRect(*clip, index).adjusted(-1, 0, 1, 0).contains(pos))
            return clip->id;
    return {};
}

ArrangementModel::ClipZone ArrangementModel::zoneAt(const std::string& clipId,
                                                    const QPoint& pos) const {
    std::string trackId;
    const accord::Clip* clip = document_->findClip(clipId, &trackId);
    if (clip == nullptr)
        return ClipZone::None;
    const QRect rect = clipRect(*clip, document_->trackIndex(trackId));
    const bool top = pos.y() <= rect.top() + kClipTitleHeight;
    const int fadeInX = xForSample(clip->position + clip->fadeIn);
    const int fadeOutX = xForSample(clip->position + clip->length - clip->fadeOut);
    if (top && std::abs(pos.x() - fadeInX) <= kFadeGrip && pos.x() >= rect.left() + 2)
        return ClipZone::FadeIn;
    if (top && std::abs(pos.x() - fadeOutX) <= kFadeGrip && pos.x() <= rect.right() - 2)
        return ClipZone::FadeOut;
    const int grip = std::min(kEdgeGrip, std::max(2, rect.width() / 4));
    if (pos.x() <= rect.left() + grip)
        return ClipZone::TrimLeft;
    if (pos.x() >= rect.right() - grip)
        return ClipZone::TrimRight;
    return ClipZone::Body;
}

ArrangementModel::DropTarget ArrangementModel::dropTargetAt(const QPoint& pos) const {
    return {trackAtY(std::max(pos.y(), lanesTop())),
            snapped(sampleAtX(std::max(pos.x(), laneLeft())))};
}

// ---- selection --------------------------------------------------------------------------------

void ArrangementModel::selectClip(const std::string& clipId) {
    std::string trackId;
    if (!clipId.empty() && document_->findClip(clipId, &trackId) == nullptr)
        return;
    if (clipId == selectedClip_ && (clipId.empty() || trackId == selectedTrack_))
        return;
    selectedClip_ = clipId;
    if (!clipId.empty())
        selectedTrack_ = trackId;
    Q_EMIT selectionChanged();
}

void ArrangementModel::selectTrack(const std::string& trackId) {
    if (trackId == selectedTrack_)
        return;
    selectedTrack_ = trackId;
    Q_EMIT selectionChanged();
}

void ArrangementModel::onStructureChanged() {
    if (!selectedClip_.empty() && document_->findClip(selectedClip_) == nullptr) {
        selectedClip_.clear();
        Q_EMIT selectionChanged();
    }
    if (!selectedTrack_.empty() && document_->findTrack(selectedTrack_) == nullptr) {
        selectedTrack_.clear();
        Q_EMIT selectionChanged();
    }
    if (drag_.gesture != Gesture::None && !drag_.clipId.empty() &&
        document_->findClip(drag_.clipId) == nullptr)
        cancelGesture();
}

void ArrangementModel::onProjectReset() {
    cancelGesture();
    selectedClip_.clear();
    selectedTrack_.clear();
    Q_EMIT selectionChanged();
}

// ---- mouse gestures ---------------------------------------------------------------------------

void ArrangementModel::press(const QPoint& pos, Qt::MouseButton button,
                             Qt::KeyboardModifiers modifiers) {
    const Hit hit = hitAt(pos);
    if (button != Qt::LeftButton) {
        if (button == Qt::RightButton && hit.area == Hit::Area::Clip)
            selectClip(hit.clip);
        return;
    }
    drag_ = Drag{};
    drag_.pressPos = pos;

    switch (hit.area) {
    case Hit::Area::Corner:
        return;
    case Hit::Area::Ruler: {
        // Seek (and scrub), or Shift+drag a loop range.
        const std::int64_t sample = snapped(sampleAtX(pos.x()));
        if (modifiers & Qt::ShiftModifier) {
            drag_.gesture = Gesture::LoopRange;
            drag_.anchorSample = sample;
        } else {
            drag_.gesture = Gesture::Scrub;
            Q_EMIT seekRequested(sample);
        }
        return;
    }
    case Hit::Area::MuteButton:
    case Hit::Area::SoloButton:
    case Hit::Area::ArmButton:
    case Hit::Area::MonitorButton:
    case Hit::Area::Header:
        if (hit.track.empty()) {
            selectTrack({});
            return;
        }
        if (hit.area == Hit::Area::MuteButton)
            toggleMute(hit.track);
        else if (hit.area == Hit::Area::SoloButton)
            toggleSolo(hit.track);
        else if (hit.area == Hit::Area::ArmButton)
            Q_EMIT armClicked(QString::fromStdString(hit.track));
        else if (hit.area == Hit::Area::MonitorButton)
            Q_EMIT monitorClicked(QString::fromStdString(hit.track));
        selectClip({});
        selectTrack(hit.track);
        return;
    case Hit::Area::Lane:
        selectClip({});
        selectTrack(hit.track);
        return;
    case Hit::Area::Clip:
        break;
    }

    selectClip(hit.clip);
    std::string trackId;
    const accord::Clip* clip = document_->findClip(hit.clip, &trackId);
    if (modifiers & Qt::AltModifier) {
        splitClip(hit.clip, (modifiers & Qt::ShiftModifier) ? sampleAtX(pos.x())
                                                            : snapped(sampleAtX(pos.x())));
        return;
    }
    switch (hit.zone) {
    case ClipZone::TrimLeft:
        drag_.gesture = Gesture::TrimLeft;
        break;
    case ClipZone::TrimRight:
        drag_.gesture = Gesture::TrimRight;
        break;
    case ClipZone::FadeIn:
        drag_.gesture = Gesture::FadeIn;
        break;
    case ClipZone::FadeOut:
        drag_.gesture = Gesture::FadeOut;
        break;
    case ClipZone::Body:
        drag_.gesture = Gesture::Move;
        break;
    case ClipZone::None:
        return;
    }
    drag_.clipId = hit.clip;
    drag_.originTrack = trackId;
    drag_.origin = *clip;
    drag_.previewTrack = trackId;
    drag_.preview = *clip;
    drag_.grabOffset = sampleAtX(pos.x()) - clip->position;
}

void ArrangementModel::drag(const QPoint& pos, Qt::KeyboardModifiers modifiers) {
    if (drag_.gesture == Gesture::None)
        return;
    if (!drag_.moved && (pos - drag_.pressPos).manhattanLength() < kDragThreshold)
        return;
    drag_.moved = true;
    const bool snapping = snap_ && !(modifiers & Qt::ShiftModifier);
    auto snapIf = [&](std::int64_t sample) {
        return snapping ? grid().snap(sample, samplesPerPixel_) : std::max<std::int64_t>(0, sample);
    };
    const std::int64_t sample = sampleAtX(pos.x());
    const accord::Clip& origin = drag_.origin;
    accord::Clip& preview = drag_.preview;
    const std::int64_t originEnd = origin.position + origin.length;
    const std::int64_t minimum = ProjectDocument::kMinimumClipLength;

    switch (drag_.gesture) {
    case Gesture::Scrub:
        Q_EMIT seekRequested(snapIf(sample));
        return;
    case Gesture::LoopRange: {
        const std::int64_t end = snapIf(sample);
        if (end != drag_.anchorSample)
            Q_EMIT loopRangeRequested(std::min(drag_.anchorSample, end),
                                      std::max(drag_.anchorSample, end));
        return;
    }
    case Gesture::Move: {
        preview.position = snapIf(sample - drag_.grabOffset);
        const std::string track =
            trackAtY(std::clamp(pos.y(), lanesTop(), viewportSize().height()));
        if (!track.empty())
            drag_.previewTrack = track;
        break;
    }
    case Gesture::TrimLeft: {
        // The left edge may go back as far as the media starts, and forward to near the end.
        const std::int64_t earliest = std::max<std::int64_t>(0, origin.position - origin.offset);
        const std::int64_t left = std::clamp(snapIf(sample), earliest, originEnd - minimum);
        preview.position = left;
        preview.offset = origin.offset + (left - origin.position);
        preview.length = originEnd - left;
        break;
    }
    case Gesture::TrimRight: {
        std::int64_t latest = originEnd; // unknown media length: only shorten
        if (const auto frames = mediaFrames(origin))
            latest = std::max(originEnd, origin.position + (*frames - origin.offset));
        const std::int64_t right = std::clamp(snapIf(sample), origin.position + minimum, latest);
        preview.length = right - origin.position;
        break;
    }
    case Gesture::FadeIn:
        preview.fadeIn =
            std::clamp<std::int64_t>(sample - origin.position, 0, origin.length - origin.fadeOut);
        break;
    case Gesture::FadeOut:
        preview.fadeOut =
            std::clamp<std::int64_t>(originEnd - sample, 0, origin.length - origin.fadeIn);
        break;
    case Gesture::None:
        return;
    }
    preview.fadeIn = std::min(preview.fadeIn, preview.length);
    preview.fadeOut = std::min(preview.fadeOut, preview.length - preview.fadeIn);
    Q_EMIT previewChanged();
}

bool ArrangementModel::release(const QPoint& pos, Qt::MouseButton button,
                               Qt::KeyboardModifiers modifiers) {
    if (button != Qt::LeftButton || drag_.gesture == Gesture::None)
        return false;
    drag(pos, modifiers);
    const Drag ended = drag_;
    drag_ = Drag{};
    Q_EMIT previewChanged();
    if (ended.moved)
        commit(ended);
    return true;
}

void ArrangementModel::commit(const Drag& drag) {
    const accord::Clip& p = drag.preview;
    switch (drag.gesture) {
    case Gesture::Move:
        document_->moveClip(drag.clipId, drag.previewTrack, p.position);
        break;
    case Gesture::TrimLeft:
    case Gesture::TrimRight:
        document_->trimClip(drag.clipId, p.position, p.offset, p.length);
        break;
    case Gesture::FadeIn:
    case Gesture::FadeOut:
        document_->setClipFades(drag.clipId, p.fadeIn, p.fadeOut);
        break;
    case Gesture::Scrub:
    case Gesture::LoopRange:
    case Gesture::None:
        break;
    }
}

void ArrangementModel::cancelGesture() {
    if (drag_.gesture == Gesture::None)
        return;
    drag_ = Drag{};
    Q_EMIT previewChanged();
}

bool ArrangementModel::isPreviewing() const {
    return drag_.gesture != Gesture::None && drag_.moved && !drag_.clipId.empty();
}

std::string ArrangementModel::doubleClick(const QPoint& pos) {
    const Hit hit = hitAt(pos);
    switch (hit.area) {
    case Hit::Area::MuteButton:
        // A quick second click on M or S is another toggle, not a rename.
        toggleMute(hit.track);
        return {};
    case Hit::Area::SoloButton:
        toggleSolo(hit.track);
        return {};
    case Hit::Area::ArmButton:
        Q_EMIT armClicked(QString::fromStdString(hit.track));
        return {};
    case Hit::Area::MonitorButton:
        Q_EMIT monitorClicked(QString::fromStdString(hit.track));
        return {};
    case Hit::Area::Header:
        if (hit.track.empty())
            addTrack();
        return hit.track;
    case Hit::Area::Corner:
    case Hit::Area::Ruler:
    case Hit::Area::Lane:
    case Hit::Area::Clip:
        break;
    }
    return {};
}

// ---- edits ------------------------------------------------------------------------------------

void ArrangementModel::splitClip(const std::string& clipId, std::int64_t at) {
    const std::string right = document_->splitClip(clipId, at);
    if (!right.empty())
        selectClip(right);
}

void ArrangementModel::splitAtPlayhead() {
    if (!selectedClip_.empty()) {
        splitClip(selectedClip_, playhead_);
        return;
    }
    const accord::Track* track = document_->findTrack(selectedTrack_);
    if (track == nullptr)
        return;
    std::vector<std::string> under;
    for (const auto& clip : track->clips)
        if (clip.position < playhead_ && playhead_ < clip.position + clip.length)
            under.push_back(clip.id);
    if (under.size() > 1)
        document_->undoStack()->beginMacro(tr("Split clips at the playhead"));
    for (const auto& id : under)
        document_->splitClip(id, playhead_);
    if (under.size() > 1)
        document_->undoStack()->endMacro();
}

void ArrangementModel::deleteSelection() {
    if (!selectedClip_.empty())
        document_->deleteClip(selectedClip_);
}

void ArrangementModel::deleteClip(const std::string& clipId) {
    document_->deleteClip(clipId);
}

void ArrangementModel::removeFades(const std::string& clipId) {
    document_->setClipFades(clipId, 0, 0);
}

void ArrangementModel::addTrack() {
    document_->addTrack(QString());
}

void ArrangementModel::removeTrack(const std::string& trackId) {
    document_->removeTrack(trackId);
}

void ArrangementModel::renameTrack(const std::string& trackId, const QString& name) {
    if (!name.trimmed().isEmpty())
        document_->renameTrack(trackId, name.trimmed());
}

void ArrangementModel::toggleMute(const std::string& trackId) {
    if (const accord::Track* track = document_->findTrack(trackId))
        document_->setTrackMix(trackId, MixParameter::Mute, track->mute ? 0 : 1);
}

void ArrangementModel::toggleSolo(const std::string& trackId) {
    if (const accord::Track* track = document_->findTrack(trackId))
        document_->setTrackMix(trackId, MixParameter::Solo, track->solo ? 0 : 1);
}

} // namespace accord::ui
