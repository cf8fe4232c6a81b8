#pragma once

// Recording in the studio (docs/STUDIO.md "Recording"). Thread: UI thread; takes are registered
// on a worker with its own registry connection, as imports are.
//
// - A track is armed (R in its header) for a performer, asked once when arming (ArmDialog,
//   starting on the window's "Working as"), and an input: one channel (mono) or a pair (stereo).
//   Its monitor (I) plays the input through the track's fader, off by default. Both are the
//   project's (accord::Track::recordArm, saved with it): reopening a project finds its tracks
//   armed as they were.
// - Record starts the transport with the engine capturing the armed tracks; with punch on and a
//   loop set, only the loop is kept, each pass its own take. Stopping the transport (however it
//   is stopped) ends the recording: the engine's worker finishes the take files in the
//   project's "Recordings" folder, then each take is registered as a *recorded* asset of its
//   performer (workflows::registerRecordedTake; consent starts at the microphone) and every take
//   becomes a take lane of its track at its latency-compensated position, the last pass on top
//   and sounding, all in one undo step (ProjectDocument::addTakes).
// - Problems (no track armed, a full disk, a take that cannot be registered) are reported through
//   failed(); what was recorded before a problem is kept.

#include "accord/core/project.h"
#include "accord/ui/common/errors.h"

#include <QDialog>
#include <QObject>
#include <QString>
#include <QThreadPool>

#include <map>
#include <string>

class QComboBox;
class QPushButton;

namespace accord::ui {

class PlaybackController;
class ProjectDocument;
class RegistrySession;

// "Who performs on this track, from which input?"
class ArmDialog : public QDialog {
    Q_OBJECT

public:
    // `inputChannels`: how many the device has open (the choices are built from them).
    ArmDialog(RegistrySession* session, const QString& trackName, int inputChannels,
              const QString& performer, QWidget* parent = nullptr);
    QString performer() const;
    int firstInput() const;
    int channels() const;
    QComboBox* performerBox() const { return performer_; }
    QComboBox* inputBox() const { return input_; }

private:
    QComboBox* performer_;
    QComboBox* input_;
    QPushButton* ok_ = nullptr;
};

class RecordingManager : public QObject {
    Q_OBJECT

public:
    RecordingManager(RegistrySession* session, ProjectDocument* document,
                     PlaybackController* playback, QWidget* dialogParent = nullptr,
                     QObject* parent = nullptr);
    // Waits for registrations in flight. Destroyed while recording (the window closed), it stops
    // the recording: the take files stay in the take folder, not registered.
    ~RecordingManager() override;

    bool isArmed(const std::string& trackId) const;
    bool isMonitoring(const std::string& trackId) const;
    bool isRecording() const { return recording_; }
    bool isRegistering() const { return registering_ > 0; }
    bool punch() const { return punch_; }
    // The holder the arm dialog starts on.
    void setWorkingAs(const QString& holderId) { workingAs_ = holderId; }
    // Where takes are written: "<project folder>/Recordings", or, for a project never saved, the
    // per-user data folder's "Recordings".
    QString takeFolder() const;
    ArmDialog* armDialog() const { return armDialog_; }

public Q_SLOTS:
    // Arms without asking (the dialog's answer, tests). Disarming: toggleArm.
    void arm(const QString& trackId, const accord::TrackArm& arm);
    // R in a track header: disarms an armed track, or asks who performs and arms it.
    void toggleArm(const QString& trackId);
    void toggleMonitor(const QString& trackId);
    void setPunch(bool punch) { punch_ = punch; }
    // The window's time selection: with punch on, recording keeps what is heard inside it (else
    // inside the loop). `start` >= `end`: none.
    void setPunchRange(qint64 start, qint64 end) {
        punchStart_ = start;
        punchEnd_ = end;
    }
    // Record (R): starts recording the armed tracks from the playhead, or stops it.
    void toggleRecord();

Q_SIGNALS:
    void armsChanged();
    void recordingChanged(bool recording);
    // Takes were registered and placed as take lanes (`tracks`: tracks given takes; `takes`:
    // files registered).
    void takesAdded(int tracks, int takes);
    void failed(const accord::ui::ErrorReport& report);

private:
    // Gives the engine the project's arms when they changed (`force`: always).
    void applyArms(bool force = false);
    void start();
    void finish();

    RegistrySession* session_;
    ProjectDocument* document_;
    PlaybackController* playback_;
    QWidget* dialogParent_;
    QThreadPool pool_;
    // The arms last given to the engine: a rebuild of them (fresh rings) only when they change.
    std::map<std::string, accord::TrackArm> applied_;
    // Who performs on each track armed when the recording started (a track removed meanwhile
    // still has its takes registered as theirs).
    std::map<std::string, std::string> performers_;
    QString workingAs_;
    bool punch_ = false;
    qint64 punchStart_ = 0;
    qint64 punchEnd_ = 0;
    bool recording_ = false;
    int registering_ = 0;
    ArmDialog* armDialog_ = nullptr;
};

} // namespace accord::ui
