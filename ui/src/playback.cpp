#include "accord/ui/playback.h"

#include "accord/audio/cancelled.h"
#include "accord/audio/media.h"
#include "accord/ui/errors.h"

#include "background.h"
#include <QFutureWatcher>
#include <QtConcurrent/QtConcurrentRun>

#include <set>

namespace accord::ui {

namespace {
constexpr int kOfflineBlockSize = 512;
} // namespace

PlaybackController::PlaybackController(ProjectDocument* document, QObject* parent)
    : QObject(parent), document_(document), engine_(std::make_unique<accord::audio::Engine>()) {
    tickTimer_.setInterval(kTickIntervalMs);
    tickTimer_.setTimerType(Qt::PreciseTimer);
    connect(&tickTimer_, &QTimer::timeout, this, &PlaybackController::onTick);
    tickTimer_.start();

    pool_.setMaxThreadCount(1);
    pool_.setObjectName(QStringLiteral("media"));
    rebuildTimer_.setSingleShot(true);
    rebuildTimer_.setInterval(kRebuildDelayMs);
    connect(&rebuildTimer_, &QTimer::timeout, this, &PlaybackController::rebuild);

    connect(document_, &ProjectDocument::structureChanged, this, &PlaybackController::markDirty);
    connect(document_, &ProjectDocument::tempoChanged, this, &PlaybackController::markDirty);
    connect(document_, &ProjectDocument::trackMixChanged, this, &PlaybackController::applyMix);
    connect(document_, &ProjectDocument::projectReset, this, [this] {
        stop();
        seek(0);
        loopStart_ = loopEnd_ = 0;
        setLoopEnabled(false);
        reported_.clear();
        markDirty();
        flush();
    });
    markDirty();
}

PlaybackController::~PlaybackController() {
    if (prepareCancel_)
        prepareCancel_->store(true);
    pool_.waitForDone();
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
    } catch (const accord::audio::Cancelled&) {
        prepared.cancelled = true;
    } catch (const std::exception&) {
        std::set<std::string> tried;
        for (const auto& track : snapshot.tracks)
            for (const auto& clip : track.clips) {
                if (clip.offline || !tried.insert(clip.file).second)
                    continue;
                try {
                    accord::audio::loadMedia(clip.file, snapshot.sampleRate, cancel.get());
                } catch (const accord::audio::Cancelled&) {
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

void PlaybackController::applyAllMix() {
    for (const accord::Track& track : document_->project().tracks) {
        engine_->setTrackGain(track.id, track.gainDb);
        engine_->setTrackPan(track.id, track.pan);
        engine_->setTrackMute(track.id, track.mute);
        engine_->setTrackSolo(track.id, track.solo);
    }
}

void PlaybackController::play() {
    flush();
    engine_->play();
    onTick();
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
    Q_EMIT tick(playhead_, playing_);
}

} // namespace accord::ui
