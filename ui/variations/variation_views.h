#pragma once

// The small pictures of a variation in the Variations panel's list: its waveform (from the
// window's WaveformCache) and a piano roll of its notes.

#include "accord/core/melody.h"

#include <QString>
#include <QWidget>

namespace accord::ui {

class WaveformCache;

class WaveformStrip : public QWidget {
    Q_OBJECT

public:
    // Asks `cache` for the overview of `file` and repaints when it arrives.
    WaveformStrip(WaveformCache* cache, const QString& file, QWidget* parent = nullptr);
    QSize sizeHint() const override;

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    WaveformCache* cache_;
    QString file_;
};

class PianoRoll : public QWidget {
    Q_OBJECT

public:
    explicit PianoRoll(accord::Melody melody, QWidget* parent = nullptr);
    QSize sizeHint() const override;
    const accord::Melody& melody() const { return melody_; }

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    accord::Melody melody_;
};

} // namespace accord::ui
