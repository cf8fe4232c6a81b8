#pragma once

// The mixer: one strip per track (EQ, reverb send, gain fader, pan, mute, solo, a live stereo
// meter) and the master strip (fader, meter, clip indicator, the reverb bus). Every change is an
// undoable edit (fader drags merge into one step); the engine follows through its atomics, never a
// graph rebuild. Meters are fed by the playback controller's ~60 Hz tick.

#include "accord/ui/mixer/effects_editors.h"
#include "accord/ui/project/project_document.h"

#include <QDoubleSpinBox>
#include <QElapsedTimer>
#include <QFrame>
#include <QWidget>

#include <cstdint>
#include <map>
#include <string>

class QHBoxLayout;
class QLabel;
class QPushButton;
class QSlider;

namespace accord::ui {

class PlaybackController;

// A stereo peak meter with a dB scale: instant attack, ~24 dB/s fall, a 1.5 s peak hold.
class LevelMeter : public QWidget {
    Q_OBJECT

public:
    static constexpr double kFloorDb = -60.0;
    static constexpr double kCeilingDb = 6.0;

    explicit LevelMeter(QWidget* parent = nullptr);
    // Linear peaks since the last call.
    void setLevels(float left, float right);
    double displayedDb(int channel) const { return shown_[channel]; }
    double peakDb() const { return std::max(hold_[0], hold_[1]); }
    void reset();
    // A dB scale to the right of the bars.
    void setShowScale(bool show);
    QSize sizeHint() const override;

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    double shown_[2] = {kFloorDb, kFloorDb};
    double hold_[2] = {kFloorDb, kFloorDb};
    qint64 holdSince_[2] = {0, 0};
    QElapsedTimer clock_;
    qint64 last_ = 0;
    bool scale_ = false;
};

class ChannelStrip : public QFrame {
    Q_OBJECT

public:
    ChannelStrip(ProjectDocument* document, const std::string& trackId, int colourIndex,
                 QWidget* parent = nullptr);

    const std::string& trackId() const { return trackId_; }
    QSlider* fader() const { return fader_; }
    QSlider* panSlider() const { return pan_; }
    QPushButton* muteButton() const { return mute_; }
    QPushButton* soloButton() const { return solo_; }
    LevelMeter* meter() const { return meter_; }
    QLabel* gainLabel() const { return gain_; }
    // Lit while the track's EQ is on; opens its editor.
    QPushButton* eqButton() const { return eqButton_; }
    EqEditor* eqEditor(); // made on first use
    // The reverb send in tenths of a dB; its minimum is no send.
    QSlider* sendSlider() const { return send_; }
    QLabel* sendLabel() const { return sendLabel_; }
    void setColourIndex(int index);

    // Re-reads the track (after an edit, undo or redo) without emitting edits.
    void refresh();

    // Fader positions are tenths of a dB; the bottom is the quietest the format allows here.
    static constexpr int kFaderMin = -600;
    static constexpr int kFaderMax = 60;
    static constexpr int kSendOff = -601; // the send slider's minimum: no send
    static constexpr int kSendMax = 60;

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    ProjectDocument* document_;
    std::string trackId_;
    QLabel* name_;
    QFrame* colour_;
    QSlider* pan_;
    QLabel* panLabel_;
    QPushButton* mute_;
    QPushButton* solo_;
    QSlider* fader_;
    LevelMeter* meter_;
    QLabel* gain_;
    QPushButton* eqButton_;
    QSlider* send_;
    QLabel* sendLabel_;
    EqEditor* eqEditor_ = nullptr;
    GestureTracker gestures_;
};

class MixerPanel : public QWidget {
    Q_OBJECT

public:
    MixerPanel(ProjectDocument* document, PlaybackController* playback, QWidget* parent = nullptr);

    ChannelStrip* strip(const std::string& trackId) const;
    int stripCount() const { return static_cast<int>(strips_.size()); }
    LevelMeter* masterMeter() const { return master_; }
    // The master fader in tenths of a dB (docs/STUDIO.md "Mixer").
    QSlider* masterFader() const { return masterFader_; }
    QLabel* masterGainLabel() const { return masterGain_; }
    QPushButton* reverbButton() const { return reverbButton_; }
    // The master limiter: on/off and its true-peak ceiling in dBTP (docs/STUDIO.md "Mixer").
    QPushButton* limiterButton() const { return limiterButton_; }
    QDoubleSpinBox* limiterCeiling() const { return limiterCeiling_; }
    ReverbEditor* reverbEditor(); // made on first use
    static constexpr int kMasterFaderMin = -600;
    static constexpr int kMasterFaderMax = 120;
    // The master's clip indicator: lit when the mix went over full scale, and it stays lit
    // until clicked, so a clip during a loud bar is seen after it.
    QPushButton* clipIndicator() const { return clip_; }
    bool masterClipped() const { return clipped_; }
    // The master's linear peaks since the last reading (the engine's meter, ~30 Hz).
    void showMasterLevels(float left, float right);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void rebuild();
    void readMeters();
    void setClipped(bool clipped);
    void refreshMaster();

    ProjectDocument* document_;
    PlaybackController* playback_;
    QWidget* stripArea_;
    QHBoxLayout* stripLayout_;
    QLabel* emptyHint_;
    QWidget* scroll_ = nullptr;
    LevelMeter* master_;
    QLabel* masterPeak_;
    QPushButton* clip_;
    QSlider* masterFader_;
    QLabel* masterGain_;
    QPushButton* reverbButton_;
    QPushButton* limiterButton_;
    QDoubleSpinBox* limiterCeiling_;
    ReverbEditor* reverbEditor_ = nullptr;
    GestureTracker masterGestures_;
    bool clipped_ = false;
    std::map<std::string, ChannelStrip*> strips_;
    std::vector<std::string> order_;
};

} // namespace accord::ui
