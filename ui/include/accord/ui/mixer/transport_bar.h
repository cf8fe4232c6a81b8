#pragma once

// The transport: return to start, stop, play (space bar), loop, the metronome, the position in
// bars and beats and in time, the tempo and time signature, snapping and zoom. Buttons show the
// window's actions, so a shortcut, a menu entry and a button are always the same thing.

#include <QWidget>

#include <cstdint>

class QAction;
class QComboBox;
class QDoubleSpinBox;
class QLabel;

namespace accord::ui {

class ProjectDocument;

struct TransportActions {
    QAction* returnToStart = nullptr;
    QAction* stop = nullptr;
    QAction* play = nullptr;
    QAction* loop = nullptr;
    QAction* metronome = nullptr;
    QAction* record = nullptr; // docs/STUDIO.md "Recording"
    QAction* snap = nullptr;
    QAction* follow = nullptr;
    QAction* zoomOut = nullptr;
    QAction* zoomIn = nullptr;
    QAction* zoomFit = nullptr;
};

class TransportBar : public QWidget {
    Q_OBJECT

public:
    TransportBar(ProjectDocument* document, const TransportActions& actions,
                 QWidget* parent = nullptr);

    QLabel* barsLabel() const { return bars_; }
    QLabel* timeLabel() const { return time_; }
    QDoubleSpinBox* tempoSpin() const { return tempo_; }
    QComboBox* timeSignatureBox() const { return signature_; }

public Q_SLOTS:
    void setPosition(std::int64_t sample);
    void setDeviceText(const QString& text);
    // While a count-in runs the position display says so (the playhead waits).
    void setCountingIn(bool countingIn);

private:
    void refresh();
    void applyTimeSignature(const QString& text);

    ProjectDocument* document_;
    QLabel* bars_;
    QLabel* time_;
    QDoubleSpinBox* tempo_;
    QComboBox* signature_;
    QLabel* rate_;
    QLabel* device_;
    std::int64_t position_ = -1;
    bool countingIn_ = false;
};

} // namespace accord::ui
