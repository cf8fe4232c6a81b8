#pragma once

// The registry the studio works on. Panels read through it and observe its signals, so a change
// made anywhere (a panel, or accord-cli in a terminal) is shown everywhere.
// Thread: the UI thread owns it. A worker that needs the registry opens its own connection on
// path() (SQLite in WAL mode serves concurrent readers).

#include "accord/ui/common/errors.h"

#include <QObject>
#include <QString>

#include <cstdint>
#include <exception>
#include <memory>

class QFileSystemWatcher;
class QTimer;

namespace accord {
class Registry;
}

namespace accord::ui {

class RegistrySession : public QObject {
    Q_OBJECT

public:
    explicit RegistrySession(QObject* parent = nullptr);
    ~RegistrySession() override;

    // Opens the registry at `path`, creating it when missing. On failure reports the error
    // (errorOccurred), keeps the registry that was open before and returns false.
    bool open(const QString& path);
    void close();

    bool isOpen() const { return registry_ != nullptr; }
    QString path() const { return path_; }
    // Null when no registry is open.
    accord::Registry* registry() const { return registry_.get(); }

    // Call after writing to the registry; observers reload.
    void notifyChanged();
    // Forwards a failure to whoever shows errors (the main window).
    void reportError(const QString& title, const std::exception& error);
    void reportError(const ErrorReport& report);

Q_SIGNALS:
    void opened(const QString& path);
    void closed();
    // The registry's content may have changed: re-read it.
    void changed();
    void errorOccurred(const accord::ui::ErrorReport& report);

private:
    void watchFiles();

    std::unique_ptr<accord::Registry> registry_;
    QString path_;
    QFileSystemWatcher* watcher_ = nullptr;
    QTimer* reloadTimer_ = nullptr;
    // Registry::othersChangeCount when observers were last told.
    std::int64_t seenChangeCount_ = 0;
};

} // namespace accord::ui
