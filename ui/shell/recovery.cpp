#include "accord/ui/shell/recovery.h"

#include "accord/core/project.h"
#include "accord/ui/common/background.h"
#include "accord/ui/common/errors.h"
#include "accord/ui/project/project_document.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QDir>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>
#include <QStandardPaths>
#include <QtConcurrent/QtConcurrentRun>

#include <cerrno>
#include <csignal>

namespace accord::ui {

namespace {

bool processAlive(qint64 pid) {
    if (pid <= 0)
        return false;
    return ::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM;
}

QString metaFileFor(const QString& recoveryFile) {
    return recoveryFile + QStringLiteral(".json");
}

struct WriteResult {
    QString error;
};

// Runs on a worker: the project file and, beside it, what it recovers.
WriteResult writeRecovery(const QString& file, const accord::Project& project,
                          const QString& projectPath, qint64 session) {
    backgroundPriority();
    WriteResult result;
    try {
        accord::saveProject(file.toStdString(), project);
        QJsonObject meta{
            {QStringLiteral("project"), projectPath},
            {QStringLiteral("session"), session},
            {QStringLiteral("saved"), QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs)}};
        QSaveFile out(metaFileFor(file));
        if (!out.open(QIODevice::WriteOnly) || out.write(QJsonDocument(meta).toJson()) < 0 ||
            !out.commit())
            result.error = QObject::tr("cannot write %1").arg(metaFileFor(file));
    } catch (...) {
        result.error = describeCurrentError(QString()).message;
    }
    return result;
}

} // namespace

RecoveryManager::RecoveryManager(ProjectDocument* document, qint64 session, QObject* parent)
    : QObject(parent), document_(document),
      session_(session > 0 ? session : QCoreApplication::applicationPid()), alive_(processAlive) {
    pool_.setMaxThreadCount(1);
    pool_.setObjectName(QStringLiteral("autosave"));
    periodic_.setInterval(kPeriodicMs);
    connect(&periodic_, &QTimer::timeout, this, [this] { autosaveNow(); });
    afterEdit_.setSingleShot(true);
    afterEdit_.setInterval(kAfterEditMs);
    connect(&afterEdit_, &QTimer::timeout, this, [this] { autosaveNow(); });
    connect(document_, &ProjectDocument::edited, this, &RecoveryManager::scheduleAfterEdit);
    connect(document_, &ProjectDocument::projectReset, this, [this] {
        // The recovery file belongs to a project: a different one starts afresh.
        changedSinceAutosave_ = document_->isModified();
    });
    connect(document_, &ProjectDocument::modifiedChanged, this, [this](bool modified) {
        if (!modified) {
            // Saved: the project file is the newest state, the recovery files are not needed.
            removeWritten();
            changedSinceAutosave_ = false;
        }
    });
}

RecoveryManager::~RecoveryManager() {
    pool_.waitForDone();
}

QString RecoveryManager::recoveryDirectory() {
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) +
           QStringLiteral("/recovery");
}

QString RecoveryManager::markerFile(qint64 session) const {
    return recoveryDirectory() + QStringLiteral("/session-%1.running").arg(session);
}

QString RecoveryManager::recoveryFile() const {
    // One file per project (and per session for an untitled one).
    const QString key = document_->path().isEmpty() ? QStringLiteral("untitled-%1").arg(session_)
                                                    : document_->path();
    const QString hash = QString::fromLatin1(
        QCryptographicHash::hash(key.toUtf8(), QCryptographicHash::Sha1).toHex().left(16));
    const QString name = document_->path().isEmpty()
                             ? QStringLiteral("Untitled")
                             : QFileInfo(document_->path()).completeBaseName();
    return recoveryDirectory() + QStringLiteral("/%1-%2.accord").arg(name, hash);
}

void RecoveryManager::start() {
    if (started_)
        return;
    started_ = true;
    QDir().mkpath(recoveryDirectory());
    QFile marker(markerFile(session_));
    if (marker.open(QIODevice::WriteOnly))
        marker.write(QByteArray::number(session_));
    periodic_.start();
}

void RecoveryManager::removeWritten() {
    pool_.waitForDone();
    for (const QString& file : std::as_const(written_)) {
        QFile::remove(file);
        QFile::remove(metaFileFor(file));
    }
    written_.clear();
}

void RecoveryManager::markCleanExit() {
    periodic_.stop();
    afterEdit_.stop();
    removeWritten();
    QFile::remove(markerFile(session_));
    started_ = false;
}

void RecoveryManager::scheduleAfterEdit() {
    changedSinceAutosave_ = true;
    if (started_)
        afterEdit_.start();
}

bool RecoveryManager::autosaveNow(bool wait) {
    afterEdit_.stop();
    if (!changedSinceAutosave_ || !document_->isModified())
        return false;
    changedSinceAutosave_ = false;
    QDir().mkpath(recoveryDirectory());
    const QString file = recoveryFile();
    written_.insert(file);
    auto* watcher = new QFutureWatcher<WriteResult>(this);
    connect(watcher, &QFutureWatcher<WriteResult>::finished, this, [this, watcher, file] {
        watcher->deleteLater();
        const WriteResult result = watcher->result();
        if (result.error.isEmpty()) {
            lastAutosave_ = QDateTime::currentDateTimeUtc();
            Q_EMIT autosaved(file);
        } else {
            changedSinceAutosave_ = true; // try again next time
            Q_EMIT autosaveFailed(result.error);
        }
    });
    // A copy of the project: the worker never reads what the UI thread edits.
    watcher->setFuture(QtConcurrent::run(&pool_, writeRecovery, file, document_->project(),
                                         document_->path(), session_));
    if (wait) {
        watcher->waitForFinished();
        QCoreApplication::sendPostedEvents(watcher);
    }
    return true;
}

std::optional<RecoveryManager::Candidate> RecoveryManager::findCandidate() const {
    std::optional<Candidate> best;
    const QDir dir(recoveryDirectory());
    for (const QFileInfo& meta :
         dir.entryInfoList({QStringLiteral("*.accord.json")}, QDir::Files)) {
        QFile in(meta.filePath());
        if (!in.open(QIODevice::ReadOnly))
            continue;
        const QJsonObject object = QJsonDocument::fromJson(in.readAll()).object();
        Candidate candidate;
        candidate.recoveryFile = meta.filePath().chopped(5); // without ".json"
        candidate.projectPath = object.value(QStringLiteral("project")).toString();
        candidate.session = object.value(QStringLiteral("session")).toVariant().toLongLong();
        candidate.savedAt = QDateTime::fromString(object.value(QStringLiteral("saved")).toString(),
                                                  Qt::ISODateWithMs);
        if (!QFileInfo::exists(candidate.recoveryFile) || candidate.session == session_)
            continue;
        // Only sessions that did not exit cleanly and are not running any more.
        if (!QFileInfo::exists(markerFile(candidate.session)) || alive_(candidate.session))
            continue;
        // Only when newer than what was saved.
        if (!candidate.projectPath.isEmpty()) {
            const QFileInfo project(candidate.projectPath);
            if (project.exists() &&
                project.lastModified() >= QFileInfo(candidate.recoveryFile).lastModified())
                continue;
        }
        if (!best || candidate.savedAt > best->savedAt)
            best = candidate;
    }
    return best;
}

void RecoveryManager::discard(const Candidate& candidate) const {
    QFile::remove(candidate.recoveryFile);
    QFile::remove(metaFileFor(candidate.recoveryFile));
    // Its session's marker goes when nothing else of that session remains.
    const QDir dir(recoveryDirectory());
    bool more = false;
    for (const QFileInfo& meta :
         dir.entryInfoList({QStringLiteral("*.accord.json")}, QDir::Files)) {
        QFile in(meta.filePath());
        if (in.open(QIODevice::ReadOnly) && QJsonDocument::fromJson(in.readAll())
                                                    .object()
                                                    .value(QStringLiteral("session"))
                                                    .toVariant()
                                                    .toLongLong() == candidate.session)
            more = true;
    }
    if (!more)
        QFile::remove(markerFile(candidate.session));
}

} // namespace accord::ui
