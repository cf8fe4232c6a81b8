#include "accord/ui/import/import_manager.h"

#include "accord/core/registry.h"
#include "accord/ui/common/background.h"
#include "accord/ui/common/palette.h"
#include "accord/ui/project/project_document.h"
#include "accord/ui/shell/registry_session.h"
#include "accord/workflows/import.h"
#include "accord/workflows/own_uses.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QUndoStack>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

namespace accord::ui {

struct ImportOutcome {
    accord::workflows::ImportedRecording recording;
    bool ok = false;
    bool cancelled = false;
    ErrorReport failure;         // when neither ok nor cancelled
    QStringList flagged;         // other holders' recordings found inside, one sentence each
    bool ownUsesAllowed = false; // grants for the owner's own uses were added
};

namespace {

constexpr int kPollIntervalMs = 50;

// Runs on a worker with its own registry connection (the window's is the UI thread's).
ImportOutcome runImport(const QString& registryPath, const QString& file, const QString& owner,
                        bool ownRecording, int projectRate,
                        std::shared_ptr<std::atomic<bool>> cancel,
                        std::shared_ptr<std::atomic<double>> progress) {
    backgroundPriority();
    ImportOutcome outcome;
    try {
        const std::unique_ptr<Registry> registry = Registry::open(registryPath.toStdString());
        outcome.recording = accord::workflows::importRecording(
            *registry, file.toStdString(), owner.toStdString(), projectRate,
            [progress](double fraction) { progress->store(fraction); }, cancel.get());
        // The owner's own uses, allowed in one step; a recording someone else owns (the same
        // content registered before) or generated audio coming back is left as it is.
        if (ownRecording && !outcome.recording.render &&
            outcome.recording.asset.owner == owner.toStdString())
            outcome.ownUsesAllowed =
                !accord::workflows::grantOwnUses(*registry, outcome.recording.asset.owner,
                                                 {outcome.recording.asset.id})
                     .empty();
        for (const auto& inside : outcome.recording.flagged)
            outcome.flagged << QString::fromStdString(inside.describe(*registry));
        outcome.cancelled = cancel->load();
        outcome.ok = !outcome.cancelled;
    } catch (...) {
        outcome.cancelled = cancel->load();
        outcome.failure = describeCurrentError(
            QObject::tr("Could not import %1").arg(QFileInfo(file).fileName()));
    }
    return outcome;
}

QString baseName(const QString& file) {
    return QFileInfo(file).completeBaseName();
}

} // namespace

// ---------------------------------------------------------------------------------------------

OwnerDialog::OwnerDialog(RegistrySession* session, const QStringList& files, QWidget* parent)
    : QDialog(parent), session_(session), list_(new QListWidget(this)),
      newName_(new QLineEdit(this)), addButton_(new QPushButton(tr("Add Holder"), this)),
      ownRecordings_(
          new QCheckBox(tr("These are my own recordings: allow my own uses of them"), this)),
      remember_(new QCheckBox(tr("Use this owner for every import in this session"), this)),
      error_(new QLabel(this)) {
    setObjectName(QStringLiteral("ownerDialog"));
    setWindowTitle(tr("Who Owns These Recordings?"));
    list_->setObjectName(QStringLiteral("ownerList"));
    newName_->setObjectName(QStringLiteral("newHolderName"));
    newName_->setPlaceholderText(tr("Name of a new rights holder"));
    addButton_->setObjectName(QStringLiteral("addHolderButton"));
    remember_->setObjectName(QStringLiteral("rememberOwner"));
    ownRecordings_->setObjectName(QStringLiteral("ownRecordings"));
    ownRecordings_->setToolTip(
        tr("Grants the owner, in one step, training their voice and style models, singing with "
           "them and exporting (commercial release included), for their own use only: ordinary "
           "grants, in the audit log, that can be changed or revoked in the Consent tab"));
    remember_->setChecked(true);
    error_->setObjectName(QStringLiteral("ownerError"));
    error_->setWordWrap(true);
    error_->setStyleSheet(palette::styleSheet(QStringLiteral("color: @denied;")));
    error_->hide();

    QStringList names;
    for (const QString& file : files)
        names << QFileInfo(file).fileName();
    auto* intro = new QLabel(
        tr("Each imported recording is registered in the consent registry as an asset of its "
           "rights holder. Nothing may be trained on, generated from or exported without their "
           "grant.<br><br><b>%1</b>")
            .arg(names.join(QStringLiteral(", ")).toHtmlEscaped()),
        this);
    intro->setWordWrap(true);

    auto* add = new QHBoxLayout;
    add->addWidget(newName_, 1);
    add->addWidget(addButton_);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    okButton_ = buttons->button(QDialogButtonBox::Ok);
    okButton_->setText(tr("Import"));
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(addButton_, &QPushButton::clicked, this, &OwnerDialog::addHolder);
    connect(newName_, &QLineEdit::returnPressed, this, &OwnerDialog::addHolder);
    connect(newName_, &QLineEdit::textChanged, this, &OwnerDialog::updateButtons);
    connect(list_, &QListWidget::itemSelectionChanged, this, &OwnerDialog::updateButtons);
    connect(list_, &QListWidget::itemDoubleClicked, this, &QDialog::accept);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addWidget(new QLabel(tr("Owner:"), this));
    layout->addWidget(list_, 1);
    layout->addLayout(add);
    layout->addWidget(error_);
    layout->addWidget(ownRecordings_);
    layout->addWidget(remember_);
    layout->addWidget(buttons);
    resize(460, 420);
    reload({});
}

void OwnerDialog::reload(const QString& select) {
    list_->clear();
    if (const Registry* registry = session_->registry()) {
        try {
            for (const Holder& holder : registry->holders()) {
                auto* item = new QListWidgetItem(holder.ipi.empty()
                                                     ? QString::fromStdString(holder.name)
                                                     : tr("%1 (IPI %2)")
                                                           .arg(QString::fromStdString(holder.name),
                                                                QString::fromStdString(holder.ipi)),
                                                 list_);
                item->setData(Qt::UserRole, QString::fromStdString(holder.id));
                item->setToolTip(QString::fromStdString(holder.id));
            }
        } catch (const std::exception& error) {
            error_->setText(QString::fromStdString(error.what()));
            error_->show();
        }
    }
    if (!select.isEmpty())
        selectOwner(select);
    else if (list_->count() == 1)
        list_->setCurrentRow(0);
    updateButtons();
}

void OwnerDialog::selectOwner(const QString& holderId) {
    for (int row = 0; row < list_->count(); ++row)
        if (list_->item(row)->data(Qt::UserRole).toString() == holderId)
            list_->setCurrentRow(row);
}

QString OwnerDialog::owner() const {
    const QListWidgetItem* item = list_->currentItem();
    return item != nullptr && item->isSelected() ? item->data(Qt::UserRole).toString() : QString();
}

bool OwnerDialog::ownRecordings() const {
    return ownRecordings_->isChecked();
}

void OwnerDialog::setOwnRecordings(bool own) {
    ownRecordings_->setChecked(own);
}

bool OwnerDialog::remember() const {
    return remember_->isChecked();
}

void OwnerDialog::addHolder() {
    const QString name = newName_->text().trimmed();
    if (name.isEmpty())
        return;
    Registry* registry = session_->registry();
    if (registry == nullptr) {
        error_->setText(tr("No registry is open."));
        error_->show();
        return;
    }
    try {
        const Holder holder = registry->addHolder(name.toStdString(), "");
        newName_->clear();
        error_->hide();
        session_->notifyChanged();
        reload(QString::fromStdString(holder.id));
    } catch (const std::exception& error) {
        error_->setText(tr("Could not add %1: %2").arg(name, QString::fromStdString(error.what())));
        error_->show();
    }
}

void OwnerDialog::updateButtons() {
    addButton_->setEnabled(!newName_->text().trimmed().isEmpty());
    okButton_->setEnabled(!owner().isEmpty());
}

// ---------------------------------------------------------------------------------------------

ImportManager::ImportManager(RegistrySession* session, ProjectDocument* document,
                             QWidget* dialogParent, QObject* parent)
    : QObject(parent), session_(session), document_(document), dialogParent_(dialogParent) {
    // One import at a time: decoding and hashing already keep a core busy.
    pool_.setMaxThreadCount(1);
    pool_.setObjectName(QStringLiteral("imports"));
    poll_.setInterval(kPollIntervalMs);
    connect(&poll_, &QTimer::timeout, this, [this] {
        const double now = progress();
        if (now != lastProgress_) {
            lastProgress_ = now;
            Q_EMIT progressChanged();
        }
    });
    // A different registry means different holders: ask again.
    connect(session_, &RegistrySession::opened, this, [this] {
        sessionOwner_.clear();
        sessionOwnRecordings_ = false;
    });
}

ImportManager::~ImportManager() {
    queue_.clear();
    if (running_)
        running_->cancel->store(true);
    pool_.waitForDone();
}

void ImportManager::import(const QStringList& files, const QString& trackId,
                           std::int64_t position) {
    if (files.isEmpty())
        return;
    Request request{files, trackId, position};
    if (!session_->isOpen()) {
        Q_EMIT failed({tr("Cannot import %1").arg(QFileInfo(files.first()).fileName()),
                       tr("No registry"),
                       tr("Imports register each recording in the consent registry: open or "
                          "create one first (Registry > Open Registry…).")});
        return;
    }
    bool ownerKnown = false;
    try {
        ownerKnown = !sessionOwner_.isEmpty() &&
                     session_->registry()->holder(sessionOwner_.toStdString()).has_value();
    } catch (const std::exception&) {
        ownerKnown = false; // ask: the dialog shows what is wrong with the registry
    }
    if (!ownerKnown) {
        askOwner(request);
        return;
    }
    enqueue(request, sessionOwner_, sessionOwnRecordings_);
}

void ImportManager::askOwner(const Request& request) {
    waitingForOwner_.push_back(request);
    if (ownerDialog_ != nullptr)
        return; // already asking: this request goes with the answer
    ownerDialog_ = new OwnerDialog(session_, request.files, dialogParent_);
    if (!workingAs_.isEmpty()) {
        ownerDialog_->selectOwner(workingAs_);
        ownerDialog_->setOwnRecordings(ownerDialog_->owner() == workingAs_);
    }
    ownerDialog_->setAttribute(Qt::WA_DeleteOnClose);
    ownerDialog_->setWindowModality(Qt::WindowModal);
    connect(ownerDialog_, &QDialog::finished, this, [this](int result) {
        OwnerDialog* dialog = ownerDialog_;
        ownerDialog_ = nullptr;
        std::deque<Request> requests;
        requests.swap(waitingForOwner_);
        const QString owner = dialog->owner();
        if (result != QDialog::Accepted || owner.isEmpty())
            return;
        const bool own = dialog->ownRecordings();
        if (dialog->remember()) {
            sessionOwner_ = owner;
            sessionOwnRecordings_ = own;
        }
        if (own)
            Q_EMIT ownerIsWorking(owner);
        for (const Request& waiting : requests)
            enqueue(waiting, owner, own);
    });
    ownerDialog_->open();
}

void ImportManager::enqueue(const Request& request, const QString& owner, bool ownRecordings) {
    const bool wasBusy = isBusy();
    auto shared = std::make_shared<Batch>();
    shared->track = request.trackId.toStdString();
    shared->newTrackPerFile = request.trackId.isEmpty();
    shared->position = std::max<std::int64_t>(0, request.position);
    for (const QString& file : request.files) {
        Job job;
        job.file = QFileInfo(file).absoluteFilePath();
        job.owner = owner;
        job.ownRecordings = ownRecordings;
        job.batch = shared;
        job.projectRate = document_->project().sampleRate;
        job.cancel = std::make_shared<std::atomic<bool>>(false);
        job.progress = std::make_shared<std::atomic<double>>(0.0);
        queue_.push_back(std::move(job));
    }
    if (!wasBusy)
        Q_EMIT busyChanged(true);
    startNext();
    Q_EMIT progressChanged();
}

void ImportManager::startNext() {
    if (running_ || queue_.empty()) {
        if (!isBusy()) {
            poll_.stop();
            Q_EMIT busyChanged(false);
        }
        return;
    }
    running_ = std::make_unique<Job>(std::move(queue_.front()));
    queue_.pop_front();
    lastProgress_ = -1;
    poll_.start();
    const Job job = *running_;
    auto* watcher = new QFutureWatcher<ImportOutcome>(this);
    connect(watcher, &QFutureWatcher<ImportOutcome>::finished, this, [this, watcher, job] {
        watcher->deleteLater();
        const ImportOutcome outcome = watcher->result();
        running_.reset();
        finish(job, outcome);
        startNext();
        Q_EMIT progressChanged();
    });
    watcher->setFuture(QtConcurrent::run(&pool_, runImport, session_->path(), job.file, job.owner,
                                         job.ownRecordings, job.projectRate, job.cancel,
                                         job.progress));
}

void ImportManager::finish(const Job& job, const ImportOutcome& outcome) {
    if (outcome.cancelled)
        return;
    if (!outcome.ok) {
        Q_EMIT failed(outcome.failure);
        return;
    }
    const accord::workflows::ImportedRecording& recording = outcome.recording;
    const std::string file = recording.file.empty() ? job.file.toStdString() : recording.file;
    document_->setMediaLength(file, recording.lengthAtProjectRate);

    accord::Clip clip;
    if (recording.render) { // generated audio coming back keeps its render's lineage
        clip.render = recording.render->id;
        clip.pcmSha256 = recording.render->pcmSha256;
    } else {
        clip.asset = recording.asset.id;
        clip.pcmSha256 = recording.asset.pcmSha256;
    }
    // The ids are this registry's (docs/PROJECT.md "Content, not ids").
    if (const Registry* registry = session_->registry())
        document_->stampRegistry(registry->studioPublicKey());
    clip.file = file;
    clip.position = job.batch->position;
    clip.offset = 0;
    clip.length = recording.lengthAtProjectRate;
    if (clip.length <= 0) {
        Q_EMIT failed({tr("Could not import %1").arg(QFileInfo(job.file).fileName()),
                       tr("Invalid input"), tr("The recording has no samples.")});
        return;
    }

    std::string clipId;
    const bool needTrack =
        job.batch->newTrackPerFile || document_->findTrack(job.batch->track) == nullptr;
    if (needTrack) {
        document_->undoStack()->beginMacro(tr("Import '%1'").arg(baseName(job.file)));
        const std::string track = document_->addTrack(baseName(job.file));
        clipId = document_->addClip(track, clip);
        document_->undoStack()->endMacro();
        if (!job.batch->newTrackPerFile)
            job.batch->track = track; // the rest of the batch follows on it
    } else {
        clipId = document_->addClip(job.batch->track, clip);
    }
    if (!job.batch->newTrackPerFile)
        job.batch->position = clip.position + clip.length; // the next file follows this one
    session_->notifyChanged();
    if (!outcome.flagged.isEmpty())
        Q_EMIT flagged(QFileInfo(job.file).fileName(), outcome.flagged);
    Q_EMIT imported(
        QString::fromStdString(clipId),
        QString::fromStdString(recording.render ? recording.render->id : recording.asset.id),
        recording.alreadyKnown);
}

void ImportManager::cancel() {
    const bool wasBusy = isBusy();
    queue_.clear();
    if (running_)
        running_->cancel->store(true);
    if (wasBusy)
        Q_EMIT cancelled();
    Q_EMIT progressChanged();
}

QVector<ImportManager::Pending> ImportManager::pending() const {
    QVector<Pending> list;
    auto add = [&](const Job& job, bool running) {
        Pending p;
        p.file = job.file;
        p.track = job.batch->newTrackPerFile ? std::string() : job.batch->track;
        p.position = job.batch->position;
        p.progress = job.progress->load();
        p.running = running;
        list.push_back(p);
    };
    if (running_)
        add(*running_, true);
    for (const Job& job : queue_)
        add(job, false);
    return list;
}

double ImportManager::progress() const {
    return running_ ? running_->progress->load() : 0.0;
}

QString ImportManager::currentFile() const {
    return running_ ? running_->file : QString();
}

} // namespace accord::ui
