#pragma once

// The window's side of the real-time engine (accord::audio::Engine). Thread: UI thread only.
//
// - Structural edits (tracks, clips, tempo) mark the graph dirty; a short single-shot timer
//   batches them into one rebuild: the media of a snapshot of the project are decoded on a worker
//   (accord::audio::prepareProjectMedia), then Engine::setProject publishes the graph (a pointer
//   swap on the audio side), so the window never waits for decoding. Media that cannot be
//   decoded are left out (their clips stay silent) and reported once.
// - Mixer edits (gain, pan, mute, solo) go straight to the engine's atomics: no rebuild.
// - A ~60 Hz timer reads the playhead and the meters (atomics written by the audio thread) and
//   emits tick(); nothing on the audio side ever waits for the window.
// - Voice models: after each publish, every track's live node follows Track::model. Consent
//   (`generate` on the registered model, not source-revoked) is asked on the window's registry;
//   an allowed model is loaded and its LiveVoice built on a worker with its own registry
//   connection (which also checks the file holds the registered weights), then handed to the
//   engine here (Engine::setTrackProcessor prepares it on this thread). A refusal or a failed
//   load leaves the track dry and is reported once (errorOccurred). Registry changes are
//   re-judged: a revoked grant takes the model off the track.

#include "accord/audio/engine.h"
#include "accord/ui/common/errors.h"
#include "accord/ui/project/project_document.h"

#include <QObject>
#include <QSet>
#include <QString>
#include <QThreadPool>
#include <QTimer>

#include <atomic>
#include <memory>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace accord::ui {

class RegistrySession;

// The metronome as the artist set it (kept in the window's settings, not in the project).
struct MetronomeSettings {
    bool on = false;
    double levelDb = -12; // the click's peak
    int countInBars = 1;  // before recording (0: none), at most Engine::kMaxCountInBars
    bool countInBeforePlayback = false;
};

class PlaybackController : public QObject {
    Q_OBJECT

public:
    static constexpr int kTickIntervalMs = 16; // ~60 Hz
    static constexpr int kRebuildDelayMs = 40; // edits within this window make one rebuild

    // `session` (may be null: no voice model is then allowed) is the registry that judges the
    // voice models tracks run through; it must outlive the controller.
    PlaybackController(ProjectDocument* document, RegistrySession* session,
                       QObject* parent = nullptr);
    ~PlaybackController() override;

    accord::audio::Engine& engine() { return *engine_; }

    // Opens an audio device (nullopt: the system default). Without one the offline clock runs,
    // so playback, playhead and meters behave the same, silently.
    bool openDevice(const std::optional<accord::audio::DeviceSetup>& wanted, QString& error);
    void useOfflineClock();
    bool hasDevice() const { return device_.has_value(); }
    std::optional<accord::audio::DeviceSetup> device() const { return device_; }
    // "ALSA · HDA Intel · 48000 Hz · 512" or "No audio device (offline clock)".
    QString deviceDescription() const;

    bool isPlaying() const { return playing_; }
    bool isCountingIn() const { return countingIn_; }
    const MetronomeSettings& metronome() const { return metronome_; }
    std::int64_t playhead() const { return playhead_; }
    bool loopEnabled() const { return loopEnabled_; }
    std::int64_t loopStart() const { return loopStart_; }
    std::int64_t loopEnd() const { return loopEnd_; }

    // Starts the rebuild of pending edits now instead of after the batching delay.
    void flush();
    // True when the engine plays the project as it is now (no edit pending, no media or voice
    // model loading).
    bool isSynced() const { return !dirty_ && !preparing_ && modelLoads_ == 0; }
    bool isLoadingMedia() const { return preparing_; }
    double mediaProgress() const { return prepareProgress_ ? prepareProgress_->load() : 0.0; }

    // Where a track's voice model stands in the engine (None: the track has no model).
    enum class LiveModelState { None, Loading, Live, Refused };
    LiveModelState liveModelState(const QString& trackId) const;
    // For the mixer and the status bar: "Ada voice, +18.9 ms compensated", "Loading Ada
    // voice…", "Ada voice is not used: …"; empty without a model.
    QString liveModelDescription(const QString& trackId) const;
    // Who plays (the window's "Working as"; empty: anyone in this studio): `generate` grants to
    // that holder let a track sing through a model. Tracks are judged again.
    void setActor(const QString& holderId);

public Q_SLOTS:
    // Starts playback, after a count-in when the metronome settings ask for one before playback.
    void play();
    // Starts playback for recording, after the count-in the metronome settings ask for before
    // recording (docs/STUDIO.md "Recording").
    void playForRecording();
    void stop();
    void setMetronome(const MetronomeSettings& settings);
    void togglePlay();
    void returnToStart();
    void seek(std::int64_t sample);
    void setLoopEnabled(bool enabled);
    void setLoopRange(std::int64_t start, std::int64_t end);
    // Stops loading media; the engine keeps playing what it had.
    void cancelMediaLoading();

Q_SIGNALS:
    // ~60 Hz while the window is open: the playhead and whether the transport runs.
    void tick(std::int64_t playhead, bool playing);
    void playingChanged(bool playing);
    // A count-in started (the playhead waits for it) or ended.
    void countingInChanged(bool countingIn);
    void loopChanged(bool enabled, std::int64_t start, std::int64_t end);
    void deviceChanged();
    // The engine now plays the current project.
    void synced();
    void mediaLoadingChanged(bool loading);
    void errorOccurred(const accord::ui::ErrorReport& report);
    // The track's voice model started loading, went live, was refused or removed.
    void liveModelChanged(const QString& trackId);

private:
    void markDirty();
    void rebuild();
    void publish(accord::Project snapshot, const QStringList& problems);
    void applyMix(const QString& trackId, MixParameter parameter);
    void applyAllMix();
    void applyLoop();
    void onTick();

    // A track's voice model as the engine plays it.
    struct LiveModel {
        LiveModelState state = LiveModelState::None;
        std::string file;         // the Track::model this is for
        double transpose = 0;     // and its Track::modelTranspose
        QString voice;            // "Ada voice"
        QString reason;           // Refused: why
        bool loadFailed = false;  // Refused by its file rather than by consent
        std::uint64_t ticket = 0; // Loading: only the newest load's result is used
        int block = 0;            // Live: the engine's live block size when it was set
    };
    // The tracks of the last published project, which the engine's processors follow.
    struct PublishedTrack {
        std::string id;
        std::string name;
        std::string model;
        double transpose = 0;
    };

    void syncModels();
    void startModelLoad(const PublishedTrack& track, const QString& voice);
    void removeModel(const std::string& trackId);
    void refuseModel(const std::string& trackId, const std::string& model, const QString& voice,
                     const ErrorReport& report, bool loadFailed);

    ProjectDocument* document_;
    RegistrySession* session_;
    std::string actor_;
    std::unique_ptr<accord::audio::Engine> engine_;
    QTimer tickTimer_;
    QTimer rebuildTimer_;
    QThreadPool pool_;
    bool dirty_ = false;
    bool preparing_ = false;
    std::shared_ptr<std::atomic<bool>> prepareCancel_;
    std::shared_ptr<std::atomic<double>> prepareProgress_;
    bool offlineClock_ = false;
    std::optional<accord::audio::DeviceSetup> device_;
    bool playing_ = false;
    bool countingIn_ = false;
    MetronomeSettings metronome_;
    std::int64_t playhead_ = 0;
    bool loopEnabled_ = false;
    std::int64_t loopStart_ = 0;
    std::int64_t loopEnd_ = 0;
    QStringList reported_;  // media problems already shown
    QThreadPool modelPool_; // loads voice models; apart from media so neither waits on the other
    int modelLoads_ = 0;    // loads in flight, stale ones included
    std::uint64_t nextTicket_ = 0;
    std::vector<PublishedTrack> published_;
    std::map<std::string, LiveModel> live_; // by track id
};

} // namespace accord::ui
