#include "accord/ui/recording/recording_manager.h"

#include "accord/audio/engine.h"
#include "accord/core/errors.h"
#include "accord/core/registry.h"
#include "accord/ui/common/background.h"
#include "accord/ui/common/holder_choice.h"
#include "accord/ui/playback/playback_controller.h"
#include "accord/ui/project/project_document.h"
#include "accord/ui/shell/registry_session.h"
#include "accord/workflows/import.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileInfo>
#include <QFormLayout>
#include <QFutureWatcher>
#include <QLabel>
#include <QPushButton>
#include <QStandardPaths>
#include <QUndoStack>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <vector>

namespace accord::ui {

namespace {

// A take and who performed it, on its way to the registry.
struct TakeToRegister {
    accord::audio::RecordedTake take;
    std::string performer;
};

struct RegisteredTake {
    accord::audio::RecordedTake take;
    accord::workflows::ImportedRecording recording;
    bool ok = false;
    ErrorReport failure;
};

std::vector<RegisteredTake> registerTakes(const QString& registryPath,
                                          const std::vector<TakeToRegister>& takes,
                                          int projectRate) {
    backgroundPriority();
    std::vector<RegisteredTake> registered;
    std::unique_ptr<Registry> registry;
    for (const TakeToRegister& take : takes) {
        RegisteredTake done;
        done.take = take.take;
        try {
            if (!registry)
                registry = Registry::open(registryPath.toStdString());
            done.recording = accord::workflows::registerRecordedTake(*registry, take.take.file,
                                                                     take.performer, projectRate);
            done.ok = true;
        } catch (...) {
            done.failure = describeCurrentError(
                QObject::tr("Could not register the take %1")
                    .arg(QFileInfo(QString::fromStdString(take.take.file)).fileName()));
        }
        registered.push_back(std::move(done));
    }
    return registered;
}

} // namespace

// ---------------------------------------------------------------------------------------------

ArmDialog::ArmDialog(RegistrySession* session, const QString& trackName, int inputChannels,
                     const QString& performer, QWidget* parent)
    : QDialog(parent), performer_(new QComboBox(this)), input_(new QComboBox(this)) {
    setObjectName(QStringLiteral("armDialog"));
    setWindowTitle(tr("Arm '%1' for Recording").arg(trackName));
    performer_->setObjectName(QStringLiteral("performerBox"));
    input_->setObjectName(QStringLiteral("inputBox"));
    fillHolderChoice(performer_, session->registry(), tr("Choose who performs…"), performer);
    for (int channel = 0; channel < inputChannels; ++channel)
        input_->addItem(tr("Input %1 (mono)").arg(channel + 1), QList<QVariant>{channel, 1});
    for (int channel = 0; channel + 1 < inputChannels; channel += 2)
        input_->addItem(tr("Inputs %1+%2 (stereo)").arg(channel + 1).arg(channel + 2),
                        QList<QVariant>{channel, 2});

    auto* explanation = new QLabel(
        tr("Every take recorded on this track is registered as a recording of the performer: "
           "their consent governs it from the microphone on."),
        this);
    explanation->setWordWrap(true);
    auto* form = new QFormLayout;
    form->addRow(tr("Performer:"), performer_);
    form->addRow(tr("Input:"), input_);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    ok_ = buttons->button(QDialogButtonBox::Ok);
    ok_->setText(tr("Arm"));
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    const auto update = [this] {
        ok_->setEnabled(!this->performer().isEmpty() && input_->count() > 0);
    };
    connect(performer_, &QComboBox::currentIndexChanged, this, update);
    update();
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(explanation);
    layout->addLayout(form);
    layout->addWidget(buttons);
}

QString ArmDialog::performer() const {
    return performer_->currentData().toString();
}

int ArmDialog::firstInput() const {
    return input_->currentData().toList().value(0).toInt();
}

int ArmDialog::channels() const {
    return input_->currentData().toList().value(1, 1).toInt();
}

// ---------------------------------------------------------------------------------------------

RecordingManager::RecordingManager(RegistrySession* session, ProjectDocument* document,
                                   PlaybackController* playback, QWidget* dialogParent,
                                   QObject* parent)
    : QObject(parent), session_(session), document_(document), playback_(playback),
      dialogParent_(dialogParent) {
    pool_.setMaxThreadCount(1);
    // A new graph may bring a track armed before the engine knew it; a project opened, a track
    // removed or brought back by undo changes which tracks are armed.
    connect(playback_, &PlaybackController::synced, this, [this] {
        if (!recording_)
            applyArms();
    });
    connect(document_, &ProjectDocument::structureChanged, this, [this] {
        if (!recording_)
            applyArms();
    });
    connect(playback_, &PlaybackController::playingChanged, this, [this](bool playing) {
        if (!playing && recording_)
            finish();
    });
}

RecordingManager::~RecordingManager() {
    if (recording_)
        playback_->engine().stopRecording();
    pool_.waitForDone();
}

bool RecordingManager::isArmed(const std::string& trackId) const {
    const accord::Track* track = document_->findTrack(trackId);
    return track != nullptr && track->recordArm.has_value();
}

bool RecordingManager::isMonitoring(const std::string& trackId) const {
    const accord::Track* track = document_->findTrack(trackId);
    return track != nullptr && track->recordArm && track->recordArm->monitor;
}

QString RecordingManager::takeFolder() const {
    const QString project = document_->path();
    const QString base = project.isEmpty()
                             ? QStandardPaths::writableLocation(QStandardPaths::AppDataLocation)
                             : QFileInfo(project).absolutePath();
    return QDir(base).filePath(QStringLiteral("Recordings"));
}

void RecordingManager::arm(const QString& trackId, const accord::TrackArm& arm) {
    if (recording_)
        return;
    document_->setTrackArm(trackId.toStdString(), arm);
    applyArms();
}

void RecordingManager::toggleArm(const QString& trackId) {
    if (recording_ || armDialog_ != nullptr)
        return;
    const std::string id = trackId.toStdString();
    const accord::Track* track = document_->findTrack(id);
    if (track == nullptr)
        return;
    if (track->recordArm) {
        document_->setTrackArm(id, std::nullopt);
        applyArms();
        return;
    }
    if (!session_->isOpen()) {
        Q_EMIT failed({tr("Cannot arm '%1'").arg(QString::fromStdString(track->name)),
                       tr("No registry"),
                       tr("Every take is registered as a recording of its performer: open or "
                          "create a registry first (Registry > Open Registry…).")});
        return;
    }
    const auto device = playback_->device();
    // Without a device the offline clock offers a stereo pair (its test input).
    const int inputs = device ? device->inputChannels : 2;
    if (inputs <= 0) {
        Q_EMIT failed({
            tr("Cannot arm '%1'").arg(QString::fromStdString(track->name)),
            tr("No input"),
            tr("The audio device was opened without inputs: choose an input device "
               "in Preferences."),
        });
        return;
    }
    armDialog_ = new ArmDialog(session_, QString::fromStdString(track->name), inputs, workingAs_,
                               dialogParent_);
    armDialog_->setAttribute(Qt::WA_DeleteOnClose);
    armDialog_->setWindowModality(Qt::WindowModal);
    connect(armDialog_, &QDialog::finished, this, [this, trackId](int result) {
        ArmDialog* dialog = armDialog_;
        armDialog_ = nullptr;
        if (result != QDialog::Accepted || dialog->performer().isEmpty())
            return;
        arm(trackId,
            {dialog->performer().toStdString(), dialog->firstInput(), dialog->channels(), false});
    });
    armDialog_->open();
}

void RecordingManager::toggleMonitor(const QString& trackId) {
    const std::string id = trackId.toStdString();
    const accord::Track* track = document_->findTrack(id);
    if (track == nullptr || !track->recordArm)
        return; // only an armed track listens to the input
    accord::TrackArm arm = *track->recordArm;
    arm.monitor = !arm.monitor;
    document_->setTrackArm(id, arm);
    // Recording or not, the engine switches it with a ramp, without rebuilding the arms.
    const auto applied = applied_.find(id);
    if (applied != applied_.end()) {
        try {
            playback_->engine().setTrackMonitor(id, arm.monitor);
            applied->second.monitor = arm.monitor;
        } catch (const accord::BadInput&) {
            // Not armed in the engine yet: applyArms gives it the monitor with the arm.
        }
    }
    if (!recording_)
        applyArms();
    Q_EMIT armsChanged();
}

void RecordingManager::applyArms(bool force) {
    std::map<std::string, accord::TrackArm> wanted;
    std::vector<accord::audio::RecordArm> arms;
    for (const accord::Track& track : document_->project().tracks)
        if (track.recordArm) {
            const accord::TrackArm& arm = *track.recordArm;
            wanted[track.id] = arm;
            arms.push_back({track.id, track.name, arm.firstInput, arm.channels, true, arm.monitor});
        }
    if (wanted == applied_ && !force)
        return;
    try {
        playback_->engine().setRecordArms(arms);
        applied_ = std::move(wanted);
    } catch (const accord::BadInput&) {
        // A track the engine does not play yet: applied again once it does (synced).
    }
    Q_EMIT armsChanged();
}

void RecordingManager::toggleRecord() {
    if (recording_) {
        playback_->stop();
        if (recording_)
            finish();
        return;
    }
    start();
}

void RecordingManager::start() {
    const QString title = tr("Cannot record");
    if (!std::any_of(document_->project().tracks.begin(), document_->project().tracks.end(),
                     [](const accord::Track& track) { return track.recordArm.has_value(); })) {
        Q_EMIT failed({title, tr("No track armed"),
                       tr("Arm a track first: R in its header, choosing who performs.")});
        return;
    }
    if (!session_->isOpen()) {
        Q_EMIT failed({title, tr("No registry"),
                       tr("Every take is registered as a recording of its performer: open or "
                          "create a registry first (Registry > Open Registry…).")});
        return;
    }
    playback_->flush();
    applyArms(true); // take files named after the tracks as they are now
    try {
        if (punch_ && punchEnd_ > punchStart_)
            playback_->engine().startRecording(takeFolder().toStdString(),
                                               std::make_pair(punchStart_, punchEnd_));
        else
            playback_->engine().startRecording(takeFolder().toStdString(),
                                               punch_ && playback_->loopEnabled());
    } catch (const std::exception& error) {
        Q_EMIT failed(describeError(title, error));
        return;
    }
    recording_ = true;
    performers_.clear();
    for (const auto& [trackId, arm] : applied_)
        performers_[trackId] = arm.performer;
    Q_EMIT recordingChanged(true);
    if (!playback_->isPlaying())
        playback_->playForRecording();
}

void RecordingManager::finish() {
    recording_ = false;
    const accord::audio::RecordingResult result = playback_->engine().stopRecording();
    Q_EMIT recordingChanged(false);
    if (!result.errors.empty()) {
        QStringList problems;
        for (const std::string& error : result.errors)
            problems << QString::fromStdString(error);
        Q_EMIT failed({tr("Recording had problems"), tr("Recording"),
                       problems.join(QLatin1Char('\n')) +
                           tr("\nThe takes written before the problem are kept.")});
    }
    std::vector<TakeToRegister> takes;
    for (const auto& take : result.takes)
        takes.push_back({take, performers_.at(take.trackId)});
    if (takes.empty())
        return;
    ++registering_;
    auto* watcher = new QFutureWatcher<std::vector<RegisteredTake>>(this);
    connect(watcher, &QFutureWatcher<std::vector<RegisteredTake>>::finished, this, [this, watcher] {
        watcher->deleteLater();
        --registering_;
        const std::vector<RegisteredTake> registered = watcher->result();
        // Every pass becomes a take lane of its track, in the order played.
        std::map<std::string, std::vector<accord::Clip>> lanes;
        int takesRegistered = 0;
        for (const RegisteredTake& take : registered) {
            if (!take.ok) {
                Q_EMIT failed(take.failure);
                continue;
            }
            ++takesRegistered;
            document_->setMediaLength(take.recording.file, take.recording.lengthAtProjectRate);
            // A track removed while its take was registered: the take stays registered.
            if (document_->findTrack(take.take.trackId) == nullptr)
                continue;
            accord::Clip clip;
            if (take.recording.render) {
                clip.render = take.recording.render->id;
                clip.pcmSha256 = take.recording.render->pcmSha256;
            } else {
                clip.asset = take.recording.asset.id;
                clip.pcmSha256 = take.recording.asset.pcmSha256;
            }
            clip.file = take.recording.file;
            clip.position = take.take.position;
            clip.length = take.recording.lengthAtProjectRate;
            lanes[take.take.trackId].push_back(clip);
        }
        if (const Registry* registry = session_->registry())
            document_->stampRegistry(registry->studioPublicKey());
        if (!lanes.empty())
            document_->undoStack()->beginMacro(tr("Record"));
        for (auto& [trackId, laneClips] : lanes)
            document_->addTakes(trackId, std::move(laneClips));
        if (!lanes.empty())
            document_->undoStack()->endMacro();
        session_->notifyChanged();
        Q_EMIT takesAdded(int(lanes.size()), takesRegistered);
    });
    watcher->setFuture(QtConcurrent::run(&pool_, registerTakes, session_->path(), takes,
                                         document_->project().sampleRate));
}

} // namespace accord::ui
