#pragma once

// Preferences: the audio device (ALSA or JACK through JUCE's device manager, via Engine),
// its sample rate and buffer size. With no device the dialog says so plainly: playback then runs
// on the offline clock (playhead and meters move, nothing is heard). Applied settings are kept
// in QSettings and reopened at the next start.

#include "accord/audio/engine.h"

#include <QDialog>

#include <optional>
#include <vector>

class QComboBox;
class QLabel;
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

    // The device chosen in the dialog (nullopt: none available).
    std::optional<accord::audio::DeviceSetup> chosenSetup() const;

    // Saved settings, for start-up: nullopt when none were saved.
    static std::optional<accord::audio::DeviceSetup> savedSetup();
    static void saveSetup(const accord::audio::DeviceSetup& setup);

public Q_SLOTS:
    // Opens the chosen device; shows the outcome in the dialog.
    bool apply();

private:
    void showStatus();

    PlaybackController* playback_;
    std::vector<accord::audio::DeviceSetup> devices_;
    QComboBox* device_;
    QComboBox* rate_;
    QComboBox* buffer_;
    QLabel* status_;
    QPushButton* applyButton_ = nullptr;
};

} // namespace accord::ui
