#include "accord/ui/shell/registry_session.h"

#include "accord/core/registry.h"

#include <QFileInfo>
#include <QFileSystemWatcher>
#include <QTimer>

namespace accord::ui {

namespace {
// Changes from another process (accord-cli) arrive as a burst of file events: reload once.
constexpr int kReloadDelayMs = 250;
} // namespace

RegistrySession::RegistrySession(QObject* parent)
    : QObject(parent), watcher_(new QFileSystemWatcher(this)), reloadTimer_(new QTimer(this)) {
    reloadTimer_->setSingleShot(true);
    reloadTimer_->setInterval(kReloadDelayMs);
    connect(reloadTimer_, &QTimer::timeout, this, [this] {
        watchFiles();
        if (registry_ && QFileInfo::exists(path_) &&
            registry_->othersChangeCount() == seenChangeCount_)
            return; // a file event that changed nothing: the studio's own connections at work
        notifyChanged();
    });
    connect(watcher_, &QFileSystemWatcher::fileChanged, reloadTimer_, qOverload<>(&QTimer::start));
    connect(watcher_, &QFileSystemWatcher::directoryChanged, reloadTimer_,
            qOverload<>(&QTimer::start));
}

RegistrySession::~RegistrySession() = default;

bool RegistrySession::open(const QString& path) {
    std::unique_ptr<accord::Registry> fresh;
    try {
        fresh = accord::Registry::open(QFileInfo(path).absoluteFilePath().toStdString());
    } catch (...) {
        reportError(describeCurrentError(tr("Could not open the registry %1").arg(path)));
        return false;
    }
    registry_ = std::move(fresh);
    path_ = QString::fromStdString(registry_->path());
    seenChangeCount_ = registry_->othersChangeCount();
    watchFiles();
    Q_EMIT opened(path_);
    Q_EMIT changed();
    return true;
}

void RegistrySession::close() {
    if (!registry_)
        return;
    registry_.reset();
    path_.clear();
    watchFiles();
    Q_EMIT closed();
    Q_EMIT changed();
}

void RegistrySession::notifyChanged() {
    if (registry_)
        seenChangeCount_ = registry_->othersChangeCount();
    Q_EMIT changed();
}

void RegistrySession::reportError(const QString& title, const std::exception& error) {
    reportError(describeError(title, error));
}

void RegistrySession::reportError(const ErrorReport& report) {
    Q_EMIT errorOccurred(report);
}

void RegistrySession::watchFiles() {
    const QStringList watched = watcher_->files() + watcher_->directories();
    if (!watched.isEmpty())
        watcher_->removePaths(watched);
    if (path_.isEmpty())
        return;
    // The database and its write-ahead log; the folder tells when the log appears or goes.
    QStringList paths{path_, QFileInfo(path_).absolutePath()};
    const QString wal = path_ + QStringLiteral("-wal");
    if (QFileInfo::exists(wal))
        paths << wal;
    watcher_->addPaths(paths);
}

} // namespace accord::ui
