#pragma once

// The arrangement (SPEC §6): a ruler with the tempo grid, one lane per track with its clips and
// their waveforms, the playhead and the loop range. Clips move (also across tracks), trim at
// either edge (the media offset follows the left edge), fade (the handles at the top corners)
// and split (Alt+click, or the context menu) with the mouse; snapping follows the tempo grid at
// the current zoom (Shift bypasses it while dragging). Audio files dropped on a lane import onto
// that track, dropped below the last lane onto new tracks.
//
// The view never edits the project itself: it shows a preview while dragging and commits one
// undoable edit through ProjectDocument on release.

#include "accord/ui/project/project_document.h"

#include <QAbstractScrollArea>
#include <QSet>
#include <QString>
#include <QStringList>

#include <cstdint>
#include <optional>
#include <string>

class QMimeData;

namespace accord::ui {

class WaveformCache;
class TempoGrid;

class ArrangementView : public QAbstractScrollArea {
    Q_OBJECT

public:
    static constexpr int kHeaderWidth = 196;
    static constexpr int kRulerHeight = 32;
    static constexpr int kTrackHeight = 92;
    static constexpr int kEdgeGrip = 7; // pixels at a clip's edge that trim
    static constexpr int kClipTitleHeight = 16;

    ArrangementView(ProjectDocument* document, WaveformCache* waveforms, QWidget* parent = nullptr);
    ~ArrangementView() override;

    // ---- zoom, scroll, snapping ----
    double samplesPerPixel() const { return samplesPerPixel_; }
    void setSamplesPerPixel(double samplesPerPixel, int anchorX = -1);
    bool snapEnabled() const { return snap_; }
    bool followPlayback() const { return follow_; }

    // ---- geometry, in viewport coordinates ----
    int xForSample(std::int64_t sample) const;
    std::int64_t sampleAtX(double x) const;
    int trackTop(int index) const;
    // The track under a y coordinate, or empty (ruler, or below the last lane).
    std::string trackAtY(int y) const;
    QRect clipRect(const std::string& clipId) const;
    std::string clipAt(const QPoint& pos) const;
    // Snapped to the grid of the current zoom when snapping is on.
    std::int64_t snapped(std::int64_t sample) const;

    std::int64_t playhead() const { return playhead_; }
    const std::string& selectedClip() const { return selectedClip_; }
    const std::string& selectedTrack() const { return selectedTrack_; }
    void selectClip(const std::string& clipId);
    void selectTrack(const std::string& trackId);

    // Assets whose owner gave no active grant: their clips carry a mark.
    void setAssetsWithoutConsent(const QSet<QString>& assets);

    // Files currently importing, drawn as pendingImports where they will land.
    struct PendingImport {
        QString name;
        std::string track; // empty: a new track below the others
        std::int64_t position = 0;
        double progress = 0;
    };
    void setPendingImports(const QVector<PendingImport>& pendingImports);

public Q_SLOTS:
    void setPlayhead(std::int64_t sample, bool playing);
    void setLoop(bool enabled, std::int64_t start, std::int64_t end);
    void setSnapEnabled(bool enabled);
    void setFollowPlayback(bool follow);
    void zoomIn();
    void zoomOut();
    void zoomToFit();
    void deleteSelection();
    // Splits the selected clip (or every clip of the selected track) under the playhead.
    void splitAtPlayhead();

Q_SIGNALS:
    void filesDropped(const QStringList& files, const QString& trackId, qint64 position);
    void seekRequested(qint64 sample);
    void loopRangeRequested(qint64 start, qint64 end);
    void selectionChanged();
    void zoomChanged(double samplesPerPixel);
    void snapChanged(bool enabled);

protected:
    void paintEvent(QPaintEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    void scrollContentsBy(int dx, int dy) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void mouseDoubleClickEvent(QMouseEvent* event) override;
    void wheelEvent(QWheelEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;
    void contextMenuEvent(QContextMenuEvent* event) override;
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dragMoveEvent(QDragMoveEvent* event) override;
    void dragLeaveEvent(QDragLeaveEvent* event) override;
    void dropEvent(QDropEvent* event) override;
    bool viewportEvent(QEvent* event) override;

private:
    enum class DragMode { None, Move, TrimLeft, TrimRight, FadeIn, FadeOut, Scrub, LoopRange };
    enum class Zone { None, Body, TrimLeft, TrimRight, FadeIn, FadeOut };
    struct Drag {
        DragMode mode = DragMode::None;
        QPoint pressPos;
        bool moved = false;
        std::string clipId;
        std::string originTrack;
        accord::Clip origin;
        std::string previewTrack;
        accord::Clip preview;
        std::int64_t anchorSample = 0;
        std::int64_t grabOffset = 0; // where in the clip it was grabbed (samples)
    };

    TempoGrid grid() const;
    int laneLeft() const { return kHeaderWidth; }
    int lanesTop() const { return kRulerHeight; }
    int contentHeight() const;
    Zone zoneAt(const std::string& clipId, const QPoint& pos) const;
    QRect clipRectFor(const accord::Clip& clip, int trackIndex) const;
    QRect muteButtonRect(int trackIndex) const;
    QRect soloButtonRect(int trackIndex) const;
    std::optional<std::int64_t> mediaFrames(const accord::Clip& clip) const;
    QString waveformKey(const accord::Clip& clip) const;

    void updateScrollBars();
    void onStructureChanged();
    void requestWaveforms();
    void updateHoverCursor(const QPoint& pos, Qt::KeyboardModifiers modifiers);
    void updateDrag(const QPoint& pos, Qt::KeyboardModifiers modifiers);
    void commitDrag();
    void cancelDrag();
    void updatePlayheadArea(std::int64_t sample);
    QStringList audioFiles(const QMimeData* mime) const;
    void updateDropTarget(const QPoint& pos);

    void paintGrid(QPainter& painter, const QRect& lanes) const;
    void paintLanes(QPainter& painter, const QRect& lanes) const;
    void paintClip(QPainter& painter, const accord::Clip& clip, int trackIndex, bool selected,
                   bool dragging) const;
    void paintWaveform(QPainter& painter, const accord::Clip& clip, const QRect& area,
                       const QColor& colour) const;
    void paintRuler(QPainter& painter) const;
    void paintHeaders(QPainter& painter) const;
    void paintDropTarget(QPainter& painter) const;
    void paintPendingImports(QPainter& painter) const;
    void paintEmptyHint(QPainter& painter) const;

    ProjectDocument* document_;
    WaveformCache* waveforms_;
    double samplesPerPixel_ = 480; // 100 px per second at 48 kHz
    bool snap_ = true;
    bool follow_ = true;
    std::int64_t playhead_ = 0;
    bool playing_ = false;
    bool loopEnabled_ = false;
    std::int64_t loopStart_ = 0;
    std::int64_t loopEnd_ = 0;
    std::string selectedClip_;
    std::string selectedTrack_;
    Drag drag_;
    QSet<QString> withoutConsent_;
    QVector<PendingImport> pendingImports_;
    bool dropActive_ = false;
    std::string dropTrack_;
    std::int64_t dropSample_ = 0;
    int dropCount_ = 0;
};

} // namespace accord::ui
