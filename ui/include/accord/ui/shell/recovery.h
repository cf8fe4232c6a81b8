#pragma once

// Autosave and crash recovery. While the window is open, the project is written to a recovery
// file in QStandardPaths::AppDataLocation/recovery/ every 30 s and shortly after each edit
// (on a worker, with the same atomic write as a save), and a marker says the session runs.
// A clean exit removes both. At the next start, a recovery file whose session marker is still
// there, whose session is not running any more, and which is newer than its project file is
// offered for recovery.

#include <QDateTime>
#include <QObject>
#include <QSet>
#include <QString>
#include <QThreadPool>
#include <QTimer>

#include <functional>
#include <optional>

namespace accord::ui {

class ProjectDocument;

class RecoveryManager : public QObject {
    Q_OBJECT

public:
    static constexpr int kPeriodicMs = 30000;
    static constexpr int kAfterEditMs = 2000;

    struct Candidate {
        QString recoveryFile;
        QString projectPath; // empty for a project never saved
        QDateTime savedAt;
        qint64 session = 0;
    };

    // `session` identifies this run (the process id by default).
    RecoveryManager(ProjectDocument* document, qint64 session = 0, QObject* parent = nullptr);
    ~RecoveryManager() override;

    static QString recoveryDirectory();
    // This run's id (before start()): tests simulate another process with it.
    void setSession(qint64 session) { session_ = session; }
    qint64 session() const { return session_; }
    // Whether a session is still running (by default: a live process with that id).
    void setLivenessCheck(std::function<bool(qint64)> alive) { alive_ = std::move(alive); }

    // Writes the session marker and starts the timers.
    void start();
    // A clean exit: removes this session's recovery file and marker.
    void markCleanExit();

    // Writes the recovery file now when the project changed since the last one; waits for the
    // write when `wait` (tests, shutdown). Returns false when nothing needed writing.
    bool autosaveNow(bool wait = false);
    QString recoveryFile() const;
    QDateTime lastAutosave() const { return lastAutosave_; }

    // The newest recovery file left by a session that did not exit cleanly, if any.
    std::optional<Candidate> findCandidate() const;
    // Removes a candidate's files (after recovering it, or when the user declines).
    void discard(const Candidate& candidate) const;

Q_SIGNALS:
    void autosaved(const QString& file);
    void autosaveFailed(const QString& message);

private:
    QString markerFile(qint64 session) const;
    void scheduleAfterEdit();
    void removeWritten();

    ProjectDocument* document_;
    qint64 session_;
    std::function<bool(qint64)> alive_;
    QTimer periodic_;
    QTimer afterEdit_;
    QThreadPool pool_;
    bool started_ = false;
    bool changedSinceAutosave_ = false;
    QDateTime lastAutosave_;
    QSet<QString> written_; // recovery files of this session
};

} // namespace accord::ui
