#include "accord/ui/arrangement/arrangement_model.h"

#include "accord/core/errors.h"
#include "accord/ui/arrangement/waveform_cache.h"
#include "accord/ui/common/labels.h"
#include "accord/ui/project/project_document.h"

#include <QClipboard>
#include <QGuiApplication>
#include <QMimeData>
#include <QUndoStack>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <iterator>

namespace accord::ui {

namespace {
constexpr double kTrailingBars = 16; // scrollable room after the last clip
constexpr double kEmptyProjectBars = 8;
constexpr double kFitMargin = 1.04;
constexpr int kFitPadding = 24;
constexpr int kMinFitWidth = 100;

QString clipsCount(std::size_t n) {
    return counted(static_cast<int>(n), ArrangementModel::tr("1 clip"),
                   ArrangementModel::tr("%1 clips"));
}
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

QRect ArrangementModel::gainHandleRect(const QRect& clipRect) const {
    if (clipRect.width() < kGainHandleWidth * 2)
        return {};
    return QRect(clipRect.center().x() - kGainHandleWidth / 2,
                 clipRect.top() + kClipTitleHeight + 2, kGainHandleWidth, kGainHandleHeight);
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
    if (gainHandleRect(rect).adjusted(-2, -2, 2, 2).contains(pos))
        return ClipZone::Gain;
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
    if (clipId.empty())
        selectClips({});
    else
        selectClips({clipId}, clipId);
}

void ArrangementModel::selectClips(std::set<std::string> clipIds, const std::string& primary) {
    for (auto id = clipIds.begin(); id != clipIds.end();)
        id = document_->findClip(*id) == nullptr ? clipIds.erase(id) : std::next(id);
    std::string trackId = selectedTrack_;
    const std::string chosen = clipIds.count(primary) > 0 ? primary : std::string();
    if (!chosen.empty())
        document_->findClip(chosen, &trackId);
    if (clipIds == selectedClips_ && chosen == selectedClip_ && trackId == selectedTrack_)
        return;
    selectedClips_ = std::move(clipIds);
    selectedClip_ = chosen;
    selectedTrack_ = trackId;
    Q_EMIT selectionChanged();
}

void ArrangementModel::toggleClip(const std::string& clipId) {
    std::set<std::string> clips = selectedClips_;
    if (clips.erase(clipId) > 0) {
        selectClips(std::move(clips), selectedClip_);
        return;
    }
    clips.insert(clipId);
    selectClips(std::move(clips), clipId);
}

void ArrangementModel::extendSelection(const std::string& clipId) {
    std::string anchorTrack;
    std::string trackId;
    const accord::Clip* anchor = document_->findClip(selectedClip_, &anchorTrack);
    const accord::Clip* clip = document_->findClip(clipId, &trackId);
    if (clip == nullptr)
        return;
    std::set<std::string> clips = selectedClips_;
    clips.insert(clipId);
    if (anchor != nullptr && anchorTrack == trackId) {
        // A range on one track: every clip starting between the two.
        const std::int64_t from = std::min(anchor->position, clip->position);
        const std::int64_t to = std::max(anchor->position, clip->position);
        for (const auto& other : document_->findTrack(trackId)->clips)
            if (other.position >= from && other.position <= to)
                clips.insert(other.id);
    }
    // The anchor stays where it is, so a second Shift+click re-ranges from it.
    selectClips(std::move(clips), anchor != nullptr ? selectedClip_ : clipId);
}

void ArrangementModel::selectAll() {
    std::set<std::string> clips;
    for (const auto& track : document_->project().tracks)
        for (const auto& clip : track.clips)
            clips.insert(clip.id);
    selectClips(std::move(clips), selectedClip_);
}

std::vector<ClipOnTrack> ArrangementModel::selection() const {
    std::vector<ClipOnTrack> clips;
    for (const auto& track : document_->project().tracks)
        for (const auto& clip : track.clips)
            if (isClipSelected(clip.id))
                clips.push_back({track.id, clip});
    return clips;
}

void ArrangementModel::selectTrack(const std::string& trackId) {
    if (trackId == selectedTrack_)
        return;
    selectedTrack_ = trackId;
    Q_EMIT selectionChanged();
}

void ArrangementModel::onStructureChanged() {
    selectClips(selectedClips_, selectedClip_); // forgets clips that went
    if (!selectedTrack_.empty() && document_->findTrack(selectedTrack_) == nullptr) {
        selectedTrack_.clear();
        Q_EMIT selectionChanged();
    }
    const bool clipsWent =
        std::any_of(drag_.origins.begin(), drag_.origins.end(), [&](const ClipOnTrack& origin) {
            return document_->findClip(origin.clip.id) == nullptr;
        });
    if (clipsWent || (!drag_.track.empty() && document_->findTrack(drag_.track) == nullptr))
        cancelGesture();
}

void ArrangementModel::setTimeSelection(std::int64_t start, std::int64_t end) {
    start = std::max<std::int64_t>(0, start);
    if (end <= start)
        start = end = 0;
    if (start == timeSelectionStart_ && end == timeSelectionEnd_)
        return;
    timeSelectionStart_ = start;
    timeSelectionEnd_ = end;
    Q_EMIT timeSelectionChanged();
}

void ArrangementModel::onProjectReset() {
    cancelGesture();
    setTimeSelection(0, 0);
    selectedClip_.clear();
    selectedClips_.clear();
    selectedTrack_.clear();
    Q_EMIT selectionChanged();
}

// ---- mouse gestures ---------------------------------------------------------------------------

void ArrangementModel::press(const QPoint& pos, Qt::MouseButton button,
                             Qt::KeyboardModifiers modifiers) {
    const Hit hit = hitAt(pos);
    if (button != Qt::LeftButton) {
        if (button == Qt::RightButton && hit.area == Hit::Area::Clip && !isClipSelected(hit.clip))
            selectClip(hit.clip);
        return;
    }
    drag_ = Drag{};
    drag_.pressPos = pos;
    const bool adding = modifiers & (Qt::ControlModifier | Qt::ShiftModifier);

    switch (hit.area) {
    case Hit::Area::Corner:
        return;
    case Hit::Area::Ruler: {
        // Seek (and scrub), or Shift+drag a loop range.
        const std::int64_t sample = snapped(sampleAtX(pos.x()));
        if (modifiers & (Qt::ShiftModifier | Qt::ControlModifier)) {
            drag_.gesture =
                (modifiers & Qt::ShiftModifier) ? Gesture::LoopRange : Gesture::TimeSelection;
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
        else {
            drag_.gesture = Gesture::MoveTrack;
            drag_.track = hit.track;
        }
        selectClip({});
        selectTrack(hit.track);
        return;
    case Hit::Area::Lane:
        if (modifiers & Qt::AltModifier) {
            drag_.gesture = Gesture::TimeSelection;
            drag_.anchorSample = snapped(sampleAtX(pos.x()));
            return;
        }
        if (!adding)
            selectClip({});
        selectTrack(hit.track);
        drag_.gesture = Gesture::RubberBand;
        drag_.kept = selectedClips_;
        return;
    case Hit::Area::Clip:
        break;
    }

    if (modifiers & Qt::AltModifier) {
        selectClip(hit.clip);
        splitClip(hit.clip, (modifiers & Qt::ShiftModifier) ? sampleAtX(pos.x())
                                                            : snapped(sampleAtX(pos.x())));
        return;
    }
    if (modifiers & Qt::ControlModifier) {
        toggleClip(hit.clip);
        return;
    }
    // Shift extends the selection and still drags it: Shift while dragging ignores the grid.
    if (modifiers & Qt::ShiftModifier) {
        extendSelection(hit.clip);
    } else if (isClipSelected(hit.clip)) {
        drag_.clickSelectsAlone = selectedClips_.size() > 1;
        selectClips(selectedClips_, hit.clip);
    } else {
        selectClip(hit.clip);
    }
    std::string trackId;
    const accord::Clip* clip = document_->findClip(hit.clip, &trackId);
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
    case ClipZone::Gain:
        drag_.gesture = Gesture::Gain;
        break;
    case ClipZone::Body:
        drag_.gesture = Gesture::Move;
        break;
    case ClipZone::None:
        return;
    }
    drag_.clipId = hit.clip;
    // A move takes the whole selection along; the other gestures change the clip pressed.
    drag_.origins =
        drag_.gesture == Gesture::Move ? selection() : std::vector<ClipOnTrack>{{trackId, *clip}};
    drag_.previews = drag_.origins;
    drag_.grabOffset = sampleAtX(pos.x()) - clip->position;
}

void ArrangementModel::dragClips(const QPoint& pos,
                                 const std::function<std::int64_t(std::int64_t)>& snapIf) {
    // The pressed clip follows the pointer (snapped); the others keep their distance to it, in
    // time and in rows, and none goes before the start or off the tracks.
    const auto grabbed =
        std::find_if(drag_.origins.begin(), drag_.origins.end(),
                     [&](const ClipOnTrack& origin) { return origin.clip.id == drag_.clipId; });
    if (grabbed == drag_.origins.end())
        return;
    std::int64_t shift = snapIf(sampleAtX(pos.x()) - drag_.grabOffset) - grabbed->clip.position;
    int firstRow = INT32_MAX;
    int lastRow = -1;
    for (const auto& origin : drag_.origins) {
        shift = std::max(shift, -origin.clip.position);
        const int row = document_->trackIndex(origin.track);
        firstRow = std::min(firstRow, row);
        lastRow = std::max(lastRow, row);
    }
    const auto& tracks = document_->project().tracks;
    const std::string row = trackAtY(std::clamp(pos.y(), lanesTop(), viewportSize().height()));
    if (!row.empty())
        drag_.rowShift =
            std::clamp(document_->trackIndex(row) - document_->trackIndex(grabbed->track),
                       -firstRow, static_cast<int>(tracks.size()) - 1 - lastRow);
    for (std::size_t i = 0; i < drag_.origins.size(); ++i) {
        const ClipOnTrack& origin = drag_.origins[i];
        ClipOnTrack& preview = drag_.previews[i];
        preview.clip.position = origin.clip.position + shift;
        preview.track =
            tracks[static_cast<std::size_t>(document_->trackIndex(origin.track) + drag_.rowShift)]
                .id;
    }
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
    case Gesture::TimeSelection: {
        const std::int64_t end = snapIf(sample);
        setTimeSelection(std::min(drag_.anchorSample, end), std::max(drag_.anchorSample, end));
        return;
    }
    case Gesture::RubberBand: {
        drag_.band = QRect(drag_.pressPos, pos).normalized();
        std::set<std::string> touched = drag_.kept;
        const auto& tracks = document_->project().tracks;
        for (std::size_t t = 0; t < tracks.size(); ++t)
            for (const auto& clip : tracks[t].clips)
                if (clipRect(clip, static_cast<int>(t)).intersects(drag_.band))
                    touched.insert(clip.id);
        selectClips(std::move(touched), selectedClip_);
        Q_EMIT previewChanged();
        return;
    }
    case Gesture::MoveTrack: {
        const int rows = static_cast<int>(document_->project().tracks.size());
        drag_.dropRow = std::clamp(
            (pos.y() - lanesTop() + scroll().y() + kTrackHeight / 2) / kTrackHeight, 0, rows);
        Q_EMIT previewChanged();
        return;
    }
    case Gesture::Move:
        dragClips(pos, snapIf);
        Q_EMIT previewChanged();
        return;
    default:
        break;
    }

    const accord::Clip& origin = drag_.origins.front().clip;
    accord::Clip& preview = drag_.previews.front().clip;
    const std::int64_t originEnd = origin.position + origin.length;
    switch (drag_.gesture) {
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
    case Gesture::Gain: {
        // Up is louder; steps of 0.1 dB, as the label shows it.
        const double perPixel = kGainDbPerPixel * ((modifiers & Qt::ShiftModifier) ? 0.1 : 1.0);
        const double db = origin.gainDb - (pos.y() - drag_.pressPos.y()) * perPixel;
        preview.gainDb = std::clamp(std::round(db * 10) / 10, ProjectDocument::kMinimumClipGainDb,
                                    ProjectDocument::kMaximumClipGainDb);
        break;
    }
    default:
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
    else if (ended.clickSelectsAlone)
        selectClip(ended.clipId);
    return true;
}

void ArrangementModel::commit(const Drag& drag) {
    if (drag.gesture == Gesture::Move) {
        document_->moveClips(drag.previews);
        return;
    }
    if (drag.gesture == Gesture::MoveTrack) {
        const int from = document_->trackIndex(drag.track);
        if (drag.dropRow >= 0)
            document_->moveTrack(drag.track, drag.dropRow > from ? drag.dropRow - 1 : drag.dropRow);
        return;
    }
    if (drag.previews.empty())
        return;
    const accord::Clip& p = drag.previews.front().clip;
    switch (drag.gesture) {
    case Gesture::TrimLeft:
    case Gesture::TrimRight:
        document_->trimClip(drag.clipId, p.position, p.offset, p.length);
        break;
    case Gesture::FadeIn:
    case Gesture::FadeOut:
        document_->setClipFades(drag.clipId, p.fadeIn, p.fadeOut);
        break;
    case Gesture::Gain:
        document_->setClipGain({drag.clipId}, p.gainDb);
        break;
    default:
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
    return drag_.moved && !drag_.previews.empty();
}

bool ArrangementModel::isPreviewed(const std::string& clipId) const {
    return isPreviewing() &&
           std::any_of(drag_.previews.begin(), drag_.previews.end(),
                       [&](const ClipOnTrack& preview) { return preview.clip.id == clipId; });
}

int ArrangementModel::trackDropRow() const {
    return drag_.gesture == Gesture::MoveTrack && drag_.moved ? drag_.dropRow : -1;
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
    if (selectedClips_.size() == 1) {
        splitClip(*selectedClips_.begin(), playhead_);
        return;
    }
    // Every selected clip under the playhead, or with none selected every clip of the track.
    std::vector<std::string> under;
    for (const auto& track : document_->project().tracks)
        for (const auto& clip : track.clips)
            if ((selectedClips_.empty() ? track.id == selectedTrack_ : isClipSelected(clip.id)) &&
                clip.position < playhead_ && playhead_ < clip.position + clip.length)
                under.push_back(clip.id);
    if (under.size() > 1)
        document_->undoStack()->beginMacro(tr("Split clips at the playhead"));
    for (const auto& id : under)
        document_->splitClip(id, playhead_);
    if (under.size() > 1)
        document_->undoStack()->endMacro();
}

void ArrangementModel::deleteSelection() {
    document_->deleteClips({selectedClips_.begin(), selectedClips_.end()});
}

void ArrangementModel::deleteClip(const std::string& clipId) {
    document_->deleteClip(clipId);
}

void ArrangementModel::copySelection() {
    const std::vector<ClipOnTrack> clips = selection();
    if (clips.empty())
        return;
    // The clipboard holds a project of the copied clips on their tracks (track ids and names
    // kept), so the same format and checks serve a paste into this window or another.
    const accord::Project& project = document_->project();
    accord::Project copied;
    copied.sampleRate = project.sampleRate;
    copied.tempo = project.tempo;
    copied.registry = project.registry;
    for (const auto& [trackId, clip] : clips) {
        if (copied.tracks.empty() || copied.tracks.back().id != trackId) {
            copied.tracks.push_back({});
            copied.tracks.back().id = trackId;
            copied.tracks.back().name = document_->findTrack(trackId)->name;
        }
        copied.tracks.back().clips.push_back(clip);
    }
    auto* mime = new QMimeData;
    mime->setData(QString::fromLatin1(kClipsMimeType),
                  QByteArray::fromStdString(accord::projectToJson(copied, std::string())));
    QGuiApplication::clipboard()->setMimeData(mime);
}

void ArrangementModel::cutSelection() {
    if (selectedClips_.empty())
        return;
    copySelection();
    document_->deleteClips({selectedClips_.begin(), selectedClips_.end()},
                           tr("Cut %1").arg(clipsCount(selectedClips_.size())));
}

QString ArrangementModel::paste() {
    const QMimeData* mime = QGuiApplication::clipboard()->mimeData();
    const QString format = QString::fromLatin1(kClipsMimeType);
    if (mime == nullptr || !mime->hasFormat(format))
        return tr("Nothing to paste: copy clips first");
    accord::Project copied;
    try {
        copied = accord::projectFromJson(mime->data(format).toStdString(), "the clipboard");
    } catch (const accord::BadInput& error) {
        return QString::fromStdString(error.what());
    }
    const accord::Project& project = document_->project();
    if (!copied.registry.empty() && !project.registry.empty() &&
        copied.registry != project.registry)
        return tr("Cannot paste: the clips were copied from a project of another registry, "
                  "where their recordings have other ids");
    if (project.tracks.empty())
        return tr("Cannot paste: add a track first");
    // Onto the same tracks; clips from one track onto the selected one; a track this project
    // does not have (copied in another window) onto the selected or the first track.
    const std::string fallback =
        document_->findTrack(selectedTrack_) != nullptr ? selectedTrack_ : project.tracks[0].id;
    const double rate = static_cast<double>(project.sampleRate) / copied.sampleRate;
    auto atRate = [rate](std::int64_t samples) {
        return static_cast<std::int64_t>(std::llround(static_cast<double>(samples) * rate));
    };
    std::int64_t earliest = INT64_MAX;
    for (const auto& track : copied.tracks)
        for (const auto& clip : track.clips)
            earliest = std::min(earliest, clip.position);
    std::vector<ClipOnTrack> pasted;
    for (const auto& track : copied.tracks)
        for (accord::Clip clip : track.clips) {
            clip.position = playhead_ + atRate(clip.position - earliest);
            clip.offset = atRate(clip.offset);
            clip.length = atRate(clip.length);
            clip.fadeIn = atRate(clip.fadeIn);
            clip.fadeOut = atRate(clip.fadeOut);
            const bool own = copied.tracks.size() > 1 && document_->findTrack(track.id) != nullptr;
            pasted.push_back({own ? track.id : fallback, std::move(clip)});
        }
    const std::vector<std::string> ids =
        document_->addClips(tr("Paste %1").arg(clipsCount(pasted.size())), std::move(pasted));
    selectClips({ids.begin(), ids.end()}, ids.empty() ? std::string() : ids.front());
    return {};
}

void ArrangementModel::duplicateSelection() {
    std::vector<ClipOnTrack> copies = selection();
    if (copies.empty())
        return;
    std::int64_t start = INT64_MAX;
    std::int64_t end = 0;
    for (const auto& copy : copies) {
        start = std::min(start, copy.clip.position);
        end = std::max(end, copy.clip.position + copy.clip.length);
    }
    for (auto& copy : copies)
        copy.clip.position += end - start;
    const std::vector<std::string> ids =
        document_->addClips(tr("Duplicate %1").arg(clipsCount(copies.size())), std::move(copies));
    selectClips({ids.begin(), ids.end()}, ids.front());
}

void ArrangementModel::nudgeSelection(int steps, bool fine) {
    std::vector<ClipOnTrack> moved = selection();
    if (moved.empty() || steps == 0)
        return;
    const double step = fine ? samplesPerPixel_ : grid().stepFor(samplesPerPixel_);
    std::int64_t shift = std::llround(step * steps);
    for (const auto& clip : moved)
        shift = std::max(shift, -clip.clip.position); // none before the start
    if (shift == 0)
        return;
    for (auto& clip : moved)
        clip.clip.position += shift;
    document_->moveClips(moved, tr("Nudge %1").arg(clipsCount(moved.size())));
}

void ArrangementModel::setSelectionGain(double gainDb) {
    document_->setClipGain({selectedClips_.begin(), selectedClips_.end()}, gainDb);
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
