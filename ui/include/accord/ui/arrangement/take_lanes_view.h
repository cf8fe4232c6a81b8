#pragma once

// Take lanes (docs/STUDIO.md "Takes and comping"): the selected track's takes, newest on top,
// drawn on the arrangement's time scale right under it, so a take lines up with what it plays
// against. The parts of each take that sound are lit. A drag across a lane makes that range of
// the take sound (comping: the clips there are cut and the take's part placed, snapped to the
// arrangement's grid); a click makes the whole take sound. Each is one undo step
// (ProjectDocument::compTake). The × beside a take's name takes it out of the lanes (undoable).
// Hidden while the selected track has no takes.

#include <QWidget>

#include <cstdint>
#include <string>

namespace accord::ui {

class ArrangementView;
class ProjectDocument;

class TakeLanesView : public QWidget {
    Q_OBJECT

public:
    static constexpr int kLaneHeight = 26;
    static constexpr int kMaxLanesShown = 6; // more scroll with the window's splitter

    TakeLanesView(ProjectDocument* document, ArrangementView* arrangement,
                  QWidget* parent = nullptr);

    // The track whose takes are shown (the arrangement's selected track), or empty.
    const std::string& track() const { return trackId_; }
    // Lane `index` (0: the newest take) in this widget's coordinates.
    QRect laneRect(int index) const;
    // Its delete button (×), at the end of its name.
    QRect deleteButtonRect(int index) const;
    // The arrangement's time scale, in this widget's x coordinates.
    int xForSample(std::int64_t sample) const;
    std::int64_t sampleAtX(int x) const;
    QSize sizeHint() const override;

protected:
    void paintEvent(QPaintEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;

private:
    void follow(); // the selected track; shown only with takes
    int laneAtY(int y) const;
    // Where the arrangement's viewport starts, in this widget's x coordinates.
    int arrangementOffset() const;

    ProjectDocument* document_;
    ArrangementView* arrangement_;
    std::string trackId_;
    int pressLane_ = -1;
    int pressX_ = 0;
    int dragX_ = 0;
};

} // namespace accord::ui
