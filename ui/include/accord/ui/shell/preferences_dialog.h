#pragma once

// Preferences: the audio device (ALSA or JACK through JUCE's device manager, via Engine),
// its sample rate and buffer size, and for recording the input device, how many of its channels
// to open and a manual latency offset (docs/STUDIO.md "Recording"). With no device the dialog says
// so plainly: playback then runs on the offline clock (playhead and meters move, nothing is heard).
// Applied settings are kept in QSettings and reopened at the next start.

#include "accord/audio/engine.h"

#include <QDialog>

#include <optional>
#include <vector>

class QComboBox;
class QLabel;
class QSpinBox;
class QPushButton;

namespace accord::ui {

class PlaybackController;

class PreferencesDialog : public QDialog {
    Q_OBJECT

public:
    explicit PreferencesDialog(PlaybackController* playback, QWidget* parent = nullptr);

    QComboBox* deviceBox() const { return device_; }
    QComboBox* rateBox() const { return rate_; }
    QComboBox* bufferBox() const { return buffer_; }
    QLabel* statusLabel() const { return status_; }
    QComboBox* inputBox() const { return input_; }
    QSpinBox* inputChannelsBox() const { return inputChannels_; }
    QSpinBox* latencyOffsetBox() const { return latencyOffset_; }

    // The device chosen in the dialog (nullopt: none available).
    std::optional<accord::audio::DeviceSetup> chosenSetup() const;

    // Saved settings, for start-up: nullopt when none were saved.
    static std::optional<accord::audio::DeviceSetup> savedSetup();
    static void saveSetup(const accord::audio::DeviceSetup& setup);
    // Frames added to the latency the device reports (hardware that misreports it); 0 unsaved.
    static int savedRecordingOffset();

public Q_SLOTS:
    // Opens the chosen device; shows the outcome in the dialog.
    bool apply();

private:
    void showStatus();
    void showLatency();

    PlaybackController* playback_;
    std::vector<accord::audio::DeviceSetup> devices_;
    QComboBox* device_;
    QComboBox* rate_;
    QComboBox* buffer_;
    QLabel* status_;
    std::vector<accord::audio::DeviceSetup> inputs_;
    QComboBox* input_;
    QSpinBox* inputChannels_;
    QSpinBox* latencyOffset_;
    QLabel* latency_;
    QPushButton* applyButton_ = nullptr;
};

} // namespace accord::ui
