#include "accord/ui/playback/playback_controller.h"

#include "accord/audio/media.h"
#include "accord/core/cancelled.h"
#include "accord/core/policy.h"
#include "accord/core/registry.h"
#include "accord/ui/common/background.h"
#include "accord/ui/common/errors.h"
#include "accord/ui/common/labels.h"
#include "accord/ui/shell/registry_session.h"
#include "accord/workflows/live_model.h"

#include <QFileInfo>
#include <QFutureWatcher>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <set>

namespace accord::ui {

namespace {
// The offline clock stands in for a device: 256 frames (5.3 ms at 48 kHz) keep a live track's
// reserve at its 8 ms floor, so a voice model adds ~19 ms there instead of ~22 ms with 512.
constexpr int kOfflineBlockSize = 256;
} // namespace

PlaybackController::PlaybackController(ProjectDocument* document, RegistrySession* session,
                                       QObject* parent)
    : QObject(parent), document_(document), session_(session),
      engine_(std::make_unique<accord::audio::Engine>()) {
    setMetronome(metronome_);
    tickTimer_.setInterval(kTickIntervalMs);
    tickTimer_.setTimerType(Qt::PreciseTimer);
    connect(&tickTimer_, &QTimer::timeout, this, &PlaybackController::onTick);
    tickTimer_.start();

    pool_.setMaxThreadCount(1);
    pool_.setObjectName(QStringLiteral("media"));
    modelPool_.setMaxThreadCount(1);
    modelPool_.setObjectName(QStringLiteral("voice models"));
    rebuildTimer_.setSingleShot(true);
    rebuildTimer_.setInterval(kRebuildDelayMs);
    connect(&rebuildTimer_, &QTimer::timeout, this, &PlaybackController::rebuild);

    connect(document_, &ProjectDocument::structureChanged, this, &PlaybackController::markDirty);
    connect(document_, &ProjectDocument::tempoChanged, this, &PlaybackController::markDirty);
    connect(document_, &ProjectDocument::trackMixChanged, this, &PlaybackController::applyMix);
    connect(document_, &ProjectDocument::trackEffectsChanged, this,
            &PlaybackController::applyEffects);
    connect(document_, &ProjectDocument::masterBusChanged, this,
            &PlaybackController::applyMasterBus);
    connect(document_, &ProjectDocument::projectReset, this, [this] {
        stop();
        seek(0);
        loopStart_ = loopEnd_ = 0;
        setLoopEnabled(false);
        reported_.clear();
        markDirty();
        flush();
    });
    // Grants change, models are registered or another registry is opened: judge them again.
    if (session_ != nullptr) {
        connect(session_, &RegistrySession::changed, this, &PlaybackController::syncModels);
        connect(session_, &RegistrySession::opened, this, &PlaybackController::syncModels);
        connect(session_, &RegistrySession::closed, this, &PlaybackController::syncModels);
    }
    markDirty();
}

PlaybackController::~PlaybackController() {
    if (prepareCancel_)
        prepareCancel_->store(true);
    pool_.waitForDone();
    modelPool_.waitForDone();
    engine_->stop();
    if (offlineClock_)
        engine_->stopOfflineClock();
    if (device_)
        engine_->closeDevice();
}

bool PlaybackController::openDevice(const std::optional<accord::audio::DeviceSetup>& wanted,
                                    QString& error) {
    std::string message;
    if (offlineClock_) {
        engine_->stopOfflineClock();
        offlineClock_ = false;
    }
    const bool opened = engine_->openDevice(wanted, message);
    if (opened) {
        device_ = engine_->currentDevice();
    } else {
        device_.reset();
        error = QString::fromStdString(message);
        useOfflineClock();
    }
    syncModels(); // another block size: live tracks need another reserve
    Q_EMIT deviceChanged();
    return opened;
}

void PlaybackController::useOfflineClock() {
    if (device_) {
        engine_->closeDevice();
        device_.reset();
    }
    if (!offlineClock_) {
        engine_->startOfflineClock(kOfflineBlockSize);
        offlineClock_ = true;
    }
    syncModels();
    Q_EMIT deviceChanged();
}

QString PlaybackController::deviceDescription() const {
    if (!device_)
        return offlineClock_ ? tr("No audio device (offline clock, silent)")
                             : tr("No audio device");
    return tr("%1 · %2 · %3 Hz · %4 frames")
        .arg(QString::fromStdString(device_->type), QString::fromStdString(device_->name))
        .arg(device_->sampleRate)
        .arg(device_->bufferSize);
}

void PlaybackController::markDirty() {
    dirty_ = true;
    rebuildTimer_.start();
}

void PlaybackController::flush() {
    if (dirty_ && !preparing_)
        rebuild();
}

namespace {

struct Prepared {
    accord::Project snapshot;
    QStringList problems;
    QSet<QString> badFiles;
    bool cancelled = false;
};

// Runs on a worker: decodes every clip's media into the engine's cache. When some file cannot be
// decoded, finds which (each file on its own) so the rest of the project still plays.
Prepared prepareMedia(accord::Project snapshot, std::shared_ptr<std::atomic<bool>> cancel,
                      std::shared_ptr<std::atomic<double>> progress) {
    backgroundPriority();
    Prepared prepared;
    try {
        accord::audio::prepareProjectMedia(
            snapshot, [progress](double fraction) { progress->store(fraction); }, cancel.get());
    } catch (const accord::Cancelled&) {
        prepared.cancelled = true;
    } catch (const std::exception&) {
        std::set<std::string> tried;
        for (const auto& track : snapshot.tracks)
            for (const auto& clip : track.clips) {
                if (clip.offline || !tried.insert(clip.file).second)
                    continue;
                try {
                    accord::audio::loadMedia(clip.file, snapshot.sampleRate, cancel.get());
                } catch (const accord::Cancelled&) {
                    prepared.cancelled = true;
                    break;
                } catch (const std::exception& error) {
                    prepared.badFiles.insert(QString::fromStdString(clip.file));
                    prepared.problems << QString::fromStdString(error.what());
                }
            }
    }
    // What cannot be decoded is left out of the graph (silent), never the whole project.
    for (auto& track : snapshot.tracks)
        for (auto& clip : track.clips)
            if (prepared.badFiles.contains(QString::fromStdString(clip.file)))
                clip.offline = true;
    prepared.snapshot = std::move(snapshot);
    return prepared;
}

} // namespace

void PlaybackController::rebuild() {
    rebuildTimer_.stop();
    if (preparing_)
        return; // dirty_ stays set: the next round starts when this one ends
    dirty_ = false;
    preparing_ = true;
    prepareCancel_ = std::make_shared<std::atomic<bool>>(false);
    prepareProgress_ = std::make_shared<std::atomic<double>>(0.0);
    auto* watcher = new QFutureWatcher<Prepared>(this);
    connect(watcher, &QFutureWatcher<Prepared>::finished, this, [this, watcher] {
        watcher->deleteLater();
        Prepared prepared = watcher->result();
        preparing_ = false;
        if (!prepared.cancelled)
            publish(std::move(prepared.snapshot), prepared.problems);
        if (dirty_ && !prepared.cancelled) {
            rebuild();
            return;
        }
        Q_EMIT mediaLoadingChanged(false);
        if (isSynced())
            Q_EMIT synced();
    });
    watcher->setFuture(QtConcurrent::run(&pool_, prepareMedia, document_->project(), prepareCancel_,
                                         prepareProgress_));
    Q_EMIT mediaLoadingChanged(true);
}

void PlaybackController::cancelMediaLoading() {
    if (prepareCancel_)
        prepareCancel_->store(true);
    dirty_ = false;
    rebuildTimer_.stop();
}

void PlaybackController::publish(accord::Project snapshot, const QStringList& problems) {
    for (const QString& problem : problems) {
        if (reported_.contains(problem))
            continue;
        reported_ << problem;
        Q_EMIT errorOccurred(
            {tr("Some of the project cannot be played"), tr("Invalid input"),
             tr("%1\nIts clips stay in the project but are silent.").arg(problem)});
    }
    try {
        engine_->setProject(snapshot);
    } catch (const std::exception& error) {
        const QString message = QString::fromStdString(error.what());
        if (!reported_.contains(message)) {
            reported_ << message;
            Q_EMIT errorOccurred(describeError(tr("The project cannot be played"), error));
        }
        return;
    }
    applyAllMix();
    applyLoop();
    // A device runs at the project's rate: follow a project with another rate.
    if (device_ && device_->sampleRate != snapshot.sampleRate) {
        accord::audio::DeviceSetup wanted = *device_;
        wanted.sampleRate = snapshot.sampleRate;
        QString error;
        if (!openDevice(wanted, error))
            Q_EMIT errorOccurred({tr("The audio device could not follow the project's rate"),
                                  tr("Audio device"), error});
    }
    published_.clear();
    for (const accord::Track& track : snapshot.tracks)
        published_.push_back({track.id, track.name, track.model, track.modelTranspose});
    syncModels();
}

// ---- voice models ---------------------------------------------------------------------------

void PlaybackController::setActor(const QString& holderId) {
    if (actor_ == holderId.toStdString())
        return;
    actor_ = holderId.toStdString();
    syncModels();
}

namespace {

struct LoadedVoice {
    std::shared_ptr<accord::dsp::StreamProcessor> processor; // null when it failed
    ErrorReport failure;
};

// Runs on a worker with a registry connection of its own (docs/ARCHITECTURE.md "Threads"): reading
// the file and copying its weights into a LiveVoice take longer than a frame of the window.
LoadedVoice loadVoice(const QString& registryPath, const accord::Track& track) {
    backgroundPriority();
    LoadedVoice loaded;
    const QString title =
        QObject::tr("'%1' plays without its voice model").arg(QString::fromStdString(track.name));
    try {
        const std::unique_ptr<Registry> registry = Registry::open(registryPath.toStdString());
        loaded.processor =
            accord::workflows::loadLiveModel(*registry, track.model, track.modelTranspose);
    } catch (...) {
        loaded.failure = describeCurrentError(title);
    }
    return loaded;
}

struct Judgement {
    bool allowed = false;
    QString voice;  // "Ada voice", else the file's name
    QString kind;   // when refused: the class of refusal, as errors.h names them
    QString reason; // when refused
};

// On the window's connection: a policy decision over a few models takes milliseconds.
Judgement judgeModel(const Registry* registry, const std::string& file, const std::string& actor) {
    Judgement judgement;
    judgement.voice = QFileInfo(QString::fromStdString(file)).completeBaseName();
    judgement.kind = QObject::tr("Invalid input");
    if (registry == nullptr) {
        judgement.kind = QObject::tr("Not possible this way");
        judgement.reason = QObject::tr("No registry is open, so its consent cannot be checked.");
        return judgement;
    }
    const accord::workflows::TrackModelJudgement verdict =
        accord::workflows::judgeTrackModel(*registry, file, actor);
    if (!verdict.model) {
        judgement.reason = QObject::tr("%1 is not a voice model registered in this registry.")
                               .arg(QString::fromStdString(file));
        return judgement;
    }
    if (!verdict.ownerName.empty())
        judgement.voice = QObject::tr("%1 voice").arg(QString::fromStdString(verdict.ownerName));
    judgement.allowed = verdict.decision.allowed;
    if (!verdict.decision.allowed) {
        judgement.kind = QObject::tr("Consent denied");
        QStringList reasons;
        for (const QString& why : missingGrantReasons(verdict.decision))
            reasons << QStringLiteral("• ") + why;
        judgement.reason = QObject::tr("%1 (%2) may not generate:\n%3")
                               .arg(judgement.voice, QString::fromStdString(verdict.model->id),
                                    reasons.join(QLatin1Char('\n')));
    }
    return judgement;
}

} // namespace

PlaybackController::LiveModelState
PlaybackController::liveModelState(const QString& trackId) const {
    const auto found = live_.find(trackId.toStdString());
    return found == live_.end() ? LiveModelState::None : found->second.state;
}

QString PlaybackController::liveModelDescription(const QString& trackId) const {
    const auto found = live_.find(trackId.toStdString());
    if (found == live_.end())
        return {};
    const LiveModel& model = found->second;
    switch (model.state) {
    case LiveModelState::Loading:
        return tr("Loading %1…").arg(model.voice);
    case LiveModelState::Live: {
        const double ms =
            1000.0 * engine_->trackLatencyFrames(found->first) / std::max(1, engine_->sampleRate());
        return tr("%1, +%2 ms compensated").arg(model.voice).arg(ms, 0, 'f', 1);
    }
    case LiveModelState::Refused:
        return tr("%1 is not used: %2").arg(model.voice, model.reason);
    case LiveModelState::None:
        break;
    }
    return {};
}

void PlaybackController::syncModels() {
    // A track gone from the engine took its processor with it.
    for (auto it = live_.begin(); it != live_.end();) {
        const std::string id = it->first;
        const bool kept = std::any_of(published_.begin(), published_.end(),
                                      [&](const PublishedTrack& track) { return track.id == id; });
        if (kept) {
            ++it;
            continue;
        }
        it = live_.erase(it);
        Q_EMIT liveModelChanged(QString::fromStdString(id));
    }
    const Registry* registry = session_ != nullptr ? session_->registry() : nullptr;
    for (const PublishedTrack& track : published_) {
        if (track.model.empty()) {
            removeModel(track.id);
            continue;
        }
        Judgement judgement;
        try {
            judgement = judgeModel(registry, track.model, actor_);
        } catch (const std::exception& error) {
            const ErrorReport report = describeError(QString(), error);
            judgement.voice = QFileInfo(QString::fromStdString(track.model)).completeBaseName();
            judgement.kind = report.kind;
            judgement.reason = report.message;
        }
        const auto found = live_.find(track.id);
        const LiveModel* current = found != live_.end() && found->second.file == track.model &&
                                           found->second.transpose == track.transpose
                                       ? &found->second
                                       : nullptr;
        const QString title =
            tr("'%1' plays without its voice model").arg(QString::fromStdString(track.name));
        if (!judgement.allowed) {
            // Told once: the same refusal is not repeated at every edit or registry reload.
            if (current == nullptr || current->state != LiveModelState::Refused ||
                current->reason != judgement.reason)
                refuseModel(track.id, track.model, judgement.voice,
                            {title, judgement.kind, judgement.reason}, false);
            continue;
        }
        if (current != nullptr) {
            const bool loading = current->state == LiveModelState::Loading;
            // The engine drops processors on a change of rate; a new block size needs a new
            // reserve: both take a fresh load.
            const bool playing = current->state == LiveModelState::Live &&
                                 engine_->trackLatencyFrames(track.id) > 0 &&
                                 current->block == engine_->liveBlockSize();
            // A file that failed to load is tried again when the track is given it anew.
            const bool failed = current->state == LiveModelState::Refused && current->loadFailed;
            if (loading || playing || failed)
                continue;
        }
        startModelLoad(track, judgement.voice);
    }
}

void PlaybackController::startModelLoad(const PublishedTrack& track, const QString& voice) {
    LiveModel& entry = live_[track.id];
    entry.state = LiveModelState::Loading;
    entry.file = track.model;
    entry.transpose = track.transpose;
    entry.voice = voice;
    entry.reason.clear();
    entry.loadFailed = false;
    entry.ticket = ++nextTicket_;
    ++modelLoads_;
    accord::Track request;
    request.id = track.id;
    request.name = track.name;
    request.model = track.model;
    request.modelTranspose = track.transpose;
    auto* watcher = new QFutureWatcher<LoadedVoice>(this);
    connect(watcher, &QFutureWatcher<LoadedVoice>::finished, this,
            [this, watcher, id = track.id, ticket = entry.ticket] {
                watcher->deleteLater();
                --modelLoads_;
                LoadedVoice loaded = watcher->result();
                const auto found = live_.find(id);
                // A newer load, a removal or a refusal since it started: its result is dropped.
                if (found != live_.end() && found->second.state == LiveModelState::Loading &&
                    found->second.ticket == ticket) {
                    LiveModel& model = found->second;
                    if (loaded.processor) {
                        try {
                            // Prepares it at the project's rate; the engine's worker runs it.
                            engine_->setTrackProcessor(id, std::move(loaded.processor));
                            model.state = LiveModelState::Live;
                            model.block = engine_->liveBlockSize();
                            Q_EMIT liveModelChanged(QString::fromStdString(id));
                        } catch (const std::exception& error) {
                            loaded.failure = describeError(
                                tr("Could not run a track through %1").arg(model.voice), error);
                        }
                    }
                    if (model.state == LiveModelState::Loading) {
                        const std::string file = model.file; // refuseModel rewrites the entry
                        const QString name = model.voice;
                        refuseModel(id, file, name, loaded.failure, true);
                    }
                }
                if (isSynced())
                    Q_EMIT synced();
            });
    watcher->setFuture(QtConcurrent::run(
        &modelPool_, loadVoice, session_ != nullptr ? session_->path() : QString(), request));
    Q_EMIT liveModelChanged(QString::fromStdString(track.id));
}

void PlaybackController::removeModel(const std::string& trackId) {
    const auto found = live_.find(trackId);
    if (found == live_.end())
        return;
    if (engine_->trackLatencyFrames(trackId) > 0)
        engine_->setTrackProcessor(trackId, nullptr);
    live_.erase(found);
    Q_EMIT liveModelChanged(QString::fromStdString(trackId));
}

void PlaybackController::refuseModel(const std::string& trackId, const std::string& model,
                                     const QString& voice, const ErrorReport& report,
                                     bool loadFailed) {
    // The track plays dry rather than through a model it does not name or may not use.
    if (engine_->trackLatencyFrames(trackId) > 0)
        engine_->setTrackProcessor(trackId, nullptr);
    LiveModel& entry = live_[trackId];
    entry.state = LiveModelState::Refused;
    entry.file = model;
    entry.voice = voice;
    entry.reason = report.message;
    entry.loadFailed = loadFailed;
    Q_EMIT liveModelChanged(QString::fromStdString(trackId));
    Q_EMIT errorOccurred(report);
}

void PlaybackController::applyMix(const QString& trackId, MixParameter parameter) {
    const accord::Track* track = document_->findTrack(trackId.toStdString());
    if (track == nullptr)
        return;
    switch (parameter) {
    case MixParameter::Gain:
        engine_->setTrackGain(track->id, track->gainDb);
        break;
    case MixParameter::Pan:
        engine_->setTrackPan(track->id, track->pan);
        break;
    case MixParameter::Mute:
        engine_->setTrackMute(track->id, track->mute);
        break;
    case MixParameter::Solo:
        engine_->setTrackSolo(track->id, track->solo);
        break;
    }
}

void PlaybackController::applyEffects(const QString& trackId) {
    if (const accord::Track* track = document_->findTrack(trackId.toStdString())) {
        engine_->setTrackEq(track->id, track->eq);
        engine_->setTrackReverbSend(track->id, track->reverbSendDb);
    }
}

void PlaybackController::applyMasterBus() {
    engine_->setMasterGain(document_->project().masterGainDb);
    engine_->setReverb(document_->project().reverb);
    engine_->setMasterLimiter(document_->project().limiter);
}

void PlaybackController::applyAllMix() {
    for (const accord::Track& track : document_->project().tracks) {
        engine_->setTrackGain(track.id, track.gainDb);
        engine_->setTrackPan(track.id, track.pan);
        engine_->setTrackMute(track.id, track.mute);
        engine_->setTrackSolo(track.id, track.solo);
        applyEffects(QString::fromStdString(track.id));
    }
    applyMasterBus();
}

void PlaybackController::play() {
    flush();
    engine_->play(metronome_.countInBeforePlayback ? metronome_.countInBars : 0);
    onTick();
}

void PlaybackController::playForRecording() {
    flush();
    engine_->play(metronome_.countInBars);
    onTick();
}

void PlaybackController::setMetronome(const MetronomeSettings& settings) {
    metronome_ = settings;
    metronome_.countInBars =
        std::clamp(metronome_.countInBars, 0, accord::audio::Engine::kMaxCountInBars);
    engine_->setMetronome(metronome_.on, metronome_.levelDb);
}

void PlaybackController::stop() {
    engine_->stop();
    onTick();
}

void PlaybackController::togglePlay() {
    if (engine_->isPlaying())
        stop();
    else
        play();
}

void PlaybackController::returnToStart() {
    seek(loopEnabled_ && loopEnd_ > loopStart_ ? loopStart_ : 0);
}

void PlaybackController::seek(std::int64_t sample) {
    engine_->seek(std::max<std::int64_t>(0, sample));
    onTick();
}

void PlaybackController::setLoopEnabled(bool enabled) {
    if (enabled && loopEnd_ <= loopStart_) {
        // No range yet: loop the project, or four bars when it is empty.
        const accord::Project& project = document_->project();
        loopStart_ = 0;
        loopEnd_ =
            project.length() > 0
                ? project.length()
                : static_cast<std::int64_t>(4 * 4 * 60.0 * project.sampleRate / project.tempo);
    }
    loopEnabled_ = enabled;
    applyLoop();
    Q_EMIT loopChanged(loopEnabled_, loopStart_, loopEnd_);
}

void PlaybackController::setLoopRange(std::int64_t start, std::int64_t end) {
    if (end < start)
        std::swap(start, end);
    loopStart_ = std::max<std::int64_t>(0, start);
    loopEnd_ = std::max<std::int64_t>(loopStart_, end);
    applyLoop();
    Q_EMIT loopChanged(loopEnabled_, loopStart_, loopEnd_);
}

void PlaybackController::applyLoop() {
    if (loopEnabled_ && loopEnd_ > loopStart_)
        engine_->setLoop(std::make_pair(loopStart_, loopEnd_));
    else
        engine_->setLoop(std::nullopt);
}

void PlaybackController::onTick() {
    engine_->collectGarbage();
    const std::int64_t playhead = engine_->playhead();
    const bool playing = engine_->isPlaying();
    playhead_ = playhead;
    if (playing != playing_) {
        playing_ = playing;
        Q_EMIT playingChanged(playing_);
    }
    const bool countingIn = engine_->isCountingIn();
    if (countingIn != countingIn_) {
        countingIn_ = countingIn;
        Q_EMIT countingInChanged(countingIn_);
    }
    Q_EMIT tick(playhead_, playing_);
}

} // namespace accord::ui
