#pragma once

// The mixer's effect editors (docs/STUDIO.md "Mixer"): a track's EQ (four bands: frequency,
// gain, Q) and the reverb bus (room size, damping, width, return level). Small non-modal windows;
// every change is an undoable edit, steps of one gesture merging into one undo step, and the
// engine follows through its fast paths without a graph rebuild.

#include "accord/ui/project/project_document.h"

#include <QDialog>
#include <QElapsedTimer>

#include <array>
#include <string>

class QCheckBox;
class QDoubleSpinBox;
class QLabel;
class QPushButton;
class QSlider;

namespace accord::ui {

// Which edits make one undo step: those of one drag, or key and wheel steps within a moment of
// each other.
class GestureTracker {
public:
    void pressed();
    void released();
    int gestureFor(bool dragging);

private:
    int dragGesture_ = -1;
    int keyGesture_ = -1;
    QElapsedTimer keyClock_;
};

class EqEditor : public QDialog {
    Q_OBJECT

public:
    EqEditor(ProjectDocument* document, const std::string& trackId, QWidget* parent = nullptr);

    QCheckBox* onBox() const { return on_; }
    QPushButton* removeButton() const { return remove_; }
    QDoubleSpinBox* frequencyBox(int band) const { return frequency_[std::size_t(band)]; }
    QDoubleSpinBox* gainBox(int band) const { return gain_[std::size_t(band)]; }
    QDoubleSpinBox* qBox(int band) const { return q_[std::size_t(band)]; }

    // Re-reads the track's EQ (after an edit, undo or redo) without emitting edits.
    void refresh();

private:
    void edited();

    ProjectDocument* document_;
    std::string trackId_;
    QCheckBox* on_;
    QPushButton* remove_;
    std::array<QLabel*, kMaxEqBands> kind_{};
    std::array<QDoubleSpinBox*, kMaxEqBands> frequency_{}, gain_{}, q_{};
    accord::TrackEq shown_; // what the boxes show (the track's EQ, or the standard one)
    GestureTracker gestures_;
};

class ReverbEditor : public QDialog {
    Q_OBJECT

public:
    explicit ReverbEditor(ProjectDocument* document, QWidget* parent = nullptr);

    QSlider* roomSlider() const { return room_; }
    QSlider* dampingSlider() const { return damping_; }
    QSlider* widthSlider() const { return width_; }
    QSlider* returnSlider() const { return return_; }

    void refresh();

private:
    void edited(QSlider* slider);

    ProjectDocument* document_;
    QSlider* room_;
    QSlider* damping_;
    QSlider* width_;
    QSlider* return_;
    QLabel* returnLabel_;
    GestureTracker gestures_;
};

} // namespace accord::ui
