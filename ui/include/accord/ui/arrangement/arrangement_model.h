#pragma once

// The arrangement without its painting (docs/ARCHITECTURE.md "Studio (ui/)"): where the ruler,
// the track rows and the clips are in the visible area at the current zoom and scroll, what is
// under a point (a clip and which part of it, a track header and its mute and solo buttons, the
// ruler), the selection (one clip or many), and what a mouse gesture or an Edit command does to
// the project: a press seeks or selects, a drag shows a preview of the moved clips, the trimmed,
// faded or gained clip, the rubber band or the moved track, the release commits it as one
// undoable edit through ProjectDocument. ArrangementView paints this and forwards its input; a
// test drives it with points (docs/STUDIO.md "Editing").

#include "accord/core/project.h"
#include "accord/ui/arrangement/timeline.h"
#include "accord/ui/project/project_document.h"

#include <QObject>
#include <QPoint>
#include <QRect>
#include <QSize>
#include <QString>

#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace accord::ui {

class WaveformCache;

class ArrangementModel : public QObject {
    Q_OBJECT

public:
    static constexpr int kHeaderWidth = 196;
    static constexpr int kRulerHeight = 32;
    static constexpr int kTrackHeight = 92;
    static constexpr int kEdgeGrip = 7; // pixels at a clip's edge that trim
    static constexpr int kFadeGrip = 7; // pixels either side of a fade handle
    static constexpr int kClipTitleHeight = 16;
    static constexpr int kGainHandleWidth = 24; // the clip gain handle below the title bar
    static constexpr int kGainHandleHeight = 8;
    static constexpr double kGainDbPerPixel = 0.25; // dragging the gain handle (Shift: a tenth)
    static constexpr int kDragThreshold = 3;        // pixels a press moves before it drags
    static constexpr double kMinSamplesPerPixel = 4;
    static constexpr double kMaxSamplesPerPixel = 250000;

    // The part of a clip under a point: what a press there does.
    enum class ClipZone { None, Body, TrimLeft, TrimRight, FadeIn, FadeOut, Gain };
    // What the held mouse button does.
    enum class Gesture {
        None,
        Move,
        TrimLeft,
        TrimRight,
        FadeIn,
        FadeOut,
        Gain,
        Scrub,
        LoopRange,
        TimeSelection, // Ctrl+drag on the ruler, Alt+drag on empty lane space
        RubberBand,    // from empty lane space: selects the clips the band touches
        MoveTrack,     // from a track header: reorders the tracks
    };

    // The clips' own format on the clipboard: a project holding just the copied clips on their
    // tracks (accord::projectToJson), so another Accord window can paste them.
    static constexpr const char* kClipsMimeType = "application/x-accord-clips+json";

    // What is under a point of the visible area.
    struct Hit {
        enum class Area {
            Corner,        // above the track headers
            Ruler,         // above the lanes
            Header,        // a track header, or the header column below the last track
            MuteButton,    // "M" of a track header
            SoloButton,    // "S" of a track header
            ArmButton,     // "R" of a track header: armed for recording
            MonitorButton, // "I" of a track header: input monitoring
            Lane,          // a lane where no clip is, or the space below the last lane
            Clip,
        };
        Area area = Area::Corner;
        std::string track; // the row's track; empty below the last one (and on the ruler)
        std::string clip;  // Clip: which
        ClipZone zone = ClipZone::None; // Clip: which part
    };

    // Where files dropped at a point land: on a track (empty: on new tracks below the others),
    // from a position.
    struct DropTarget {
        std::string track;
        std::int64_t position = 0;
    };

    // Where the arrangement is shown: the size of the visible area and how far it is scrolled,
    // in pixels. The view answers from its viewport and scroll bars, a test with plain values.
    struct Viewport {
        std::function<QSize()> size;
        std::function<QPoint()> scroll;
    };

    // `waveforms` (may be null) tells the length of media the document does not know yet.
    ArrangementModel(ProjectDocument* document, const WaveformCache* waveforms,
                     QObject* parent = nullptr);

    ProjectDocument* document() const { return document_; }
    TempoGrid grid() const;

    // ---- viewport, zoom, snapping ----
    void setViewport(Viewport viewport);
    double samplesPerPixel() const { return samplesPerPixel_; }
    // Clamped to the zoom range; false when the zoom was that already.
    bool setSamplesPerPixel(double samplesPerPixel);
    // The zoom that shows the whole project (or eight bars of an empty one) across the lanes.
    double samplesPerPixelToFit() const;
    // The horizontal scroll that shows `sample` at `x`.
    int scrollShowing(std::int64_t sample, int x) const;
    // The scroll ranges: the project and 16 bars more, every lane and a spare one to drop onto.
    int maximumScrollX() const;
    int maximumScrollY() const;
    int laneWidth() const;   // the lanes' visible width
    int lanesHeight() const; // the lanes' visible height
    bool snapEnabled() const { return snap_; }
    void setSnapEnabled(bool enabled);

    // ---- geometry, in viewport coordinates ----
    int laneLeft() const { return kHeaderWidth; }
    int lanesTop() const { return kRulerHeight; }
    int xForSample(std::int64_t sample) const;
    std::int64_t sampleAtX(double x) const;
    int trackTop(int index) const;
    // The track under a y coordinate, or empty (ruler, or below the last lane).
    std::string trackAtY(int y) const;
    QRect clipRect(const std::string& clipId) const;
    QRect clipRect(const accord::Clip& clip, int trackIndex) const;
    // The clip's gain handle (null when the clip is too narrow to have one).
    QRect gainHandleRect(const QRect& clipRect) const;
    QRect muteButtonRect(int trackIndex) const;
    QRect soloButtonRect(int trackIndex) const;
    QRect armButtonRect(int trackIndex) const;
    QRect monitorButtonRect(int trackIndex) const;
    // Recording (docs/STUDIO.md "Recording"): what the R and I buttons show, from whoever arms
    // tracks (the window's RecordingManager); both off without one.
    struct InputState {
        bool armed = false;
        bool monitor = false;
    };
    void setInputState(std::function<InputState(const std::string&)> state) {
        inputState_ = std::move(state);
    }
    InputState inputState(const std::string& trackId) const {
        return inputState_ ? inputState_(trackId) : InputState{};
    }
    // Snapped to the grid of the current zoom when snapping is on (never below 0).
    std::int64_t snapped(std::int64_t sample) const;

    // ---- hit-testing ----
    Hit hitAt(const QPoint& pos) const;
    std::string clipAt(const QPoint& pos) const;
    ClipZone zoneAt(const std::string& clipId, const QPoint& pos) const;
    DropTarget dropTargetAt(const QPoint& pos) const;

    // ---- selection and the playhead ----
    // The clip pressed last while it is selected (what single-clip panels show), else empty.
    const std::string& selectedClip() const { return selectedClip_; }
    const std::set<std::string>& selectedClips() const { return selectedClips_; }
    bool isClipSelected(const std::string& clipId) const {
        return selectedClips_.count(clipId) > 0;
    }
    const std::string& selectedTrack() const { return selectedTrack_; }
    // Selects this clip alone (empty: none) and its track.
    void selectClip(const std::string& clipId);
    // Selects these clips; `primary` (one of them) becomes selectedClip() and selects its track.
    void selectClips(std::set<std::string> clipIds, const std::string& primary = {});
    // Ctrl+click: adds the clip or takes it out.
    void toggleClip(const std::string& clipId);
    // Shift+click: on the track of selectedClip(), every clip from it to this one; elsewhere
    // this clip is added.
    void extendSelection(const std::string& clipId);
    void selectAll();
    void selectTrack(const std::string& trackId);
    std::int64_t playhead() const { return playhead_; }
    void setPlayhead(std::int64_t sample) { playhead_ = sample; }
    // The time selection (docs/STUDIO.md "Time selection"): a range of the timeline, shown on
    // the ruler, that File > Export… offers as its range. Empty (start == end) when none.
    std::int64_t timeSelectionStart() const { return timeSelectionStart_; }
    std::int64_t timeSelectionEnd() const { return timeSelectionEnd_; }
    bool hasTimeSelection() const { return timeSelectionEnd_ > timeSelectionStart_; }
    // `start` >= `end` clears it.
    void setTimeSelection(std::int64_t start, std::int64_t end);

    // ---- mouse gestures ----
    // On the ruler: seek there (Shift: start a loop range; Ctrl: a time selection). On a track
    // header: toggle mute or solo on M or S, else select the track and start dragging it to another
    // row. On a clip: with Alt split there (Shift: off the grid); with Ctrl add it to the selection
    // or take it out; with Shift extend the selection to it; else select it (keeping a selection it
    // is part of) and start moving the selection, or trimming, fading or gaining it by the part
    // pressed. Elsewhere in the lanes: select the track of the row and start a rubber band (Ctrl or
    // Shift: adding to the selection; Alt: a time selection instead). The right button only selects
    // the clip under it.
    void press(const QPoint& pos, Qt::MouseButton button, Qt::KeyboardModifiers modifiers);
    // The button is held and the pointer at `pos`: seeks, sets the loop range, or moves the
    // preview once the pointer has left the press by kDragThreshold (Shift: off the grid).
    void drag(const QPoint& pos, Qt::KeyboardModifiers modifiers);
    // Ends the gesture at `pos`: what the preview shows becomes one undoable edit. Returns
    // whether a gesture ended.
    bool release(const QPoint& pos, Qt::MouseButton button, Qt::KeyboardModifiers modifiers);
    // Drops the gesture and its preview; the project stays as it is.
    void cancelGesture();
    // On a track header: M or S toggles again, below the last track adds one. Returns the track
    // whose name was double-clicked (the view asks for the new name), else empty.
    std::string doubleClick(const QPoint& pos);
    Gesture gesture() const { return drag_.gesture; }
    // Clips are being moved, trimmed, faded or gained: the clips as they would be on release, on
    // which track.
    bool isPreviewing() const;
    const std::vector<ClipOnTrack>& previews() const { return drag_.previews; }
    bool isPreviewed(const std::string& clipId) const;
    // RubberBand: the band, in viewport coordinates (null otherwise).
    QRect rubberBand() const { return drag_.band; }
    // MoveTrack: the row boundary (0 above the first track .. count below the last) the track
    // would go to, else -1.
    int trackDropRow() const;

    // ---- edits, each one undoable ----
    // Splits at a timeline position inside the clip and selects the right part.
    void splitClip(const std::string& clipId, std::int64_t at);
    // Splits the selected clip (or every clip of the selected track) under the playhead.
    void splitAtPlayhead();
    void deleteSelection();
    void deleteClip(const std::string& clipId);
    // The selected clips onto the clipboard (kClipsMimeType); cut deletes them in one step.
    void copySelection();
    void cutSelection();
    // The clipboard's clips at the playhead, on their tracks (onto the selected track when they
    // came from one), timing kept, the earliest at the playhead; one step, the pasted clips
    // selected. Returns why nothing was pasted, or empty.
    QString paste();
    // A copy of the selection right after its end, on the same tracks; the copies selected.
    void duplicateSelection();
    // Moves the selection by `steps` grid steps of the current zoom (fine: pixels).
    void nudgeSelection(int steps, bool fine);
    void setSelectionGain(double gainDb);
    void removeFades(const std::string& clipId);
    void addTrack();
    void removeTrack(const std::string& trackId);
    // A blank name is ignored; the name is trimmed.
    void renameTrack(const std::string& trackId, const QString& name);

Q_SIGNALS:
    void selectionChanged();
    void timeSelectionChanged();
    // The preview moved, or the gesture ended: repaint.
    void previewChanged();
    void snapChanged(bool enabled);
    void seekRequested(qint64 sample);
    void loopRangeRequested(qint64 start, qint64 end);
    // R or I of a track header was clicked.
    void armClicked(const QString& trackId);
    void monitorClicked(const QString& trackId);

private:
    std::function<InputState(const std::string&)> inputState_;
    struct Drag {
        Gesture gesture = Gesture::None;
        QPoint pressPos;
        bool moved = false;
        std::string clipId;                // the clip pressed
        std::vector<ClipOnTrack> origins;  // the clips the gesture changes, as they were
        std::vector<ClipOnTrack> previews; // and as they would be on release
        std::int64_t anchorSample = 0;     // LoopRange, TimeSelection: where it started
        std::int64_t grabOffset = 0;       // Move: where in the pressed clip it was grabbed
        int rowShift = 0;                  // Move: rows the clips go down (negative: up)
        bool clickSelectsAlone = false;    // pressed in a selection of many: a click keeps one
        std::set<std::string> kept;        // RubberBand: the selection it adds to
        QRect band;                        // RubberBand
        std::string track;                 // MoveTrack: which
        int dropRow = -1;                  // MoveTrack
    };

    QSize viewportSize() const;
    QPoint scroll() const;
    // The clip's media length at the project rate, when the document or a waveform knows it.
    std::optional<std::int64_t> mediaFrames(const accord::Clip& clip) const;
    void toggleMute(const std::string& trackId);
    void toggleSolo(const std::string& trackId);
    void onStructureChanged();
    void onProjectReset();
    void commit(const Drag& drag);
    // The selected clips with their tracks, in track and timeline order.
    std::vector<ClipOnTrack> selection() const;
    void dragClips(const QPoint& pos, const std::function<std::int64_t(std::int64_t)>& snapIf);

    ProjectDocument* document_;
    const WaveformCache* waveforms_;
    Viewport viewport_;
    double samplesPerPixel_ = 480; // 100 px per second at 48 kHz
    bool snap_ = true;
    std::int64_t playhead_ = 0;
    std::int64_t timeSelectionStart_ = 0;
    std::int64_t timeSelectionEnd_ = 0;
    std::string selectedClip_;
    std::set<std::string> selectedClips_;
    std::string selectedTrack_;
    Drag drag_;
};

} // namespace accord::ui
