#pragma once

// The arrangement: a ruler with the tempo grid, one lane per track with its clips and their
// waveforms, the playhead and the loop range. Clips are selected by click, Ctrl+click, Shift+click
// or a rubber band; the selection moves together (also across tracks); a clip trims at either
// edge (the media offset follows the left edge), fades (the handles at the top corners), changes
// gain (the handle below the title, up or down) and splits (Alt+click, or the context menu) with
// the mouse; a track header drags its track to another row. Snapping follows the tempo grid at
// the current zoom (Shift bypasses it while dragging). Audio files dropped on a lane import onto
// that track, dropped below the last lane onto new tracks (docs/STUDIO.md "Editing").
//
// This widget paints and forwards input; ArrangementModel knows where everything is and turns
// gestures into edits (a preview while dragging, one undoable edit through ProjectDocument on
// release). The scroll bars, zoom steps, following the playhead and file drops are the view's.

#include "accord/ui/arrangement/arrangement_model.h"

#include <QAbstractScrollArea>
#include <QSet>
#include <QString>
#include <QStringList>
#include <QVector>

#include <cstdint>
#include <string>

class QMimeData;

namespace accord::ui {

class ProjectDocument;
class WaveformCache;

class ArrangementView : public QAbstractScrollArea {
    Q_OBJECT

public:
    static constexpr int kHeaderWidth = ArrangementModel::kHeaderWidth;
    static constexpr int kRulerHeight = ArrangementModel::kRulerHeight;
    static constexpr int kTrackHeight = ArrangementModel::kTrackHeight;
    static constexpr int kClipTitleHeight = ArrangementModel::kClipTitleHeight;

    ArrangementView(ProjectDocument* document, WaveformCache* waveforms, QWidget* parent = nullptr);
    ~ArrangementView() override;

    ArrangementModel* model() const { return model_; }

    // ---- zoom, scroll, snapping ----
    double samplesPerPixel() const { return model_->samplesPerPixel(); }
    void setSamplesPerPixel(double samplesPerPixel, int anchorX = -1);
    bool snapEnabled() const { return model_->snapEnabled(); }
    bool followPlayback() const { return follow_; }

    // ---- geometry, in viewport coordinates (ArrangementModel's) ----
    int xForSample(std::int64_t sample) const { return model_->xForSample(sample); }
    std::int64_t sampleAtX(double x) const { return model_->sampleAtX(x); }
    int trackTop(int index) const { return model_->trackTop(index); }
    // The track under a y coordinate, or empty (ruler, or below the last lane).
    std::string trackAtY(int y) const { return model_->trackAtY(y); }
    QRect clipRect(const std::string& clipId) const { return model_->clipRect(clipId); }
    std::string clipAt(const QPoint& pos) const { return model_->clipAt(pos); }
    QRect gainHandleRect(const std::string& clipId) const {
        return model_->gainHandleRect(clipRect(clipId));
    }
    // Snapped to the grid of the current zoom when snapping is on.
    std::int64_t snapped(std::int64_t sample) const { return model_->snapped(sample); }

    std::int64_t playhead() const { return model_->playhead(); }
    const std::string& selectedClip() const { return model_->selectedClip(); }
    const std::string& selectedTrack() const { return model_->selectedTrack(); }
    void selectClip(const std::string& clipId) { model_->selectClip(clipId); }
    void selectTrack(const std::string& trackId) { model_->selectTrack(trackId); }

    // Assets their owner has not allowed to be exported (yet): their clips carry a mark.
    void setAssetsNotExportable(const QSet<QString>& assets);

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
    void setSnapEnabled(bool enabled) { model_->setSnapEnabled(enabled); }
    void setFollowPlayback(bool follow);
    void zoomIn();
    void zoomOut();
    void zoomToFit();
    void deleteSelection() { model_->deleteSelection(); }
    void copySelection() { model_->copySelection(); }
    void cutSelection() { model_->cutSelection(); }
    void duplicateSelection() { model_->duplicateSelection(); }
    void selectAll() { model_->selectAll(); }
    // Asks for the gain of the selected clips ("Gain…" of a clip's menu).
    void editSelectionGain();
    // Splits the selected clip (or every clip of the selected track) under the playhead.
    void splitAtPlayhead() { model_->splitAtPlayhead(); }

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
    int laneLeft() const { return model_->laneLeft(); }
    int lanesTop() const { return model_->lanesTop(); }
    QString waveformKey(const accord::Clip& clip) const;

    void updateScrollBars();
    void onStructureChanged();
    void requestWaveforms();
    void updateHoverCursor(const QPoint& pos, Qt::KeyboardModifiers modifiers);
    void renameTrack(const std::string& trackId);
    void updatePlayheadArea(std::int64_t sample);
    QStringList audioFiles(const QMimeData* mime) const;
    void updateDropTarget(const QPoint& pos);

    void paintGrid(QPainter& painter, const QRect& lanes) const;
    void paintLanes(QPainter& painter, const QRect& lanes) const;
    void paintClip(QPainter& painter, const accord::Clip& clip, int trackIndex, bool selected,
                   bool dragging) const;
    void paintClipGain(QPainter& painter, const accord::Clip& clip, const QRect& rect,
                       bool selected, bool dragging) const;
    void paintWaveform(QPainter& painter, const accord::Clip& clip, const QRect& area,
                       const QColor& colour) const;
    void paintRuler(QPainter& painter) const;
    void paintHeaders(QPainter& painter) const;
    void paintDropTarget(QPainter& painter) const;
    void paintPendingImports(QPainter& painter) const;
    void paintEmptyHint(QPainter& painter) const;

    ProjectDocument* document_;
    WaveformCache* waveforms_;
    ArrangementModel* model_;
    bool follow_ = true;
    bool playing_ = false;
    bool loopEnabled_ = false;
    std::int64_t loopStart_ = 0;
    std::int64_t loopEnd_ = 0;
    QSet<QString> notExportable_;
    QVector<PendingImport> pendingImports_;
    bool dropActive_ = false;
    ArrangementModel::DropTarget drop_;
    int dropCount_ = 0;
};

} // namespace accord::ui
