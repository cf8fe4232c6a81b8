#pragma once

// Imports audio files into the project (drag and drop, File > Import). Each file is identified,
// registered as an asset of its owner and decoded for the engine by
// accord::workflows::importRecording on a worker thread with its own registry connection; the
// window only polls the progress (an atomic) and, when a file is done, adds its clip as one
// undoable edit.
//
// The owner is asked once (OwnerDialog, listing the registry's holders) and remembered for the
// session. Cancelling stops the running file (nothing is registered) and drops the queue.

#include "accord/ui/common/errors.h"

#include <QDialog>
#include <QObject>
#include <QString>
#include <QStringList>
#include <QThreadPool>
#include <QTimer>
#include <QVector>

#include <atomic>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>

class QCheckBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QPushButton;

namespace accord::ui {

class ProjectDocument;
class RegistrySession;
struct ImportOutcome; // what a worker hands back

// "Who owns these recordings?" — the registry's holders, and a field to add one.
class OwnerDialog : public QDialog {
    Q_OBJECT

public:
    OwnerDialog(RegistrySession* session, const QStringList& files, QWidget* parent = nullptr);

    QString owner() const; // the selected holder's id
    bool remember() const;
    // "These are my own recordings": the owner's own uses are allowed in one step
    // (workflows::grantOwnUses).
    bool ownRecordings() const;
    void setOwnRecordings(bool own);
    QCheckBox* ownRecordingsBox() const { return ownRecordings_; }
    QListWidget* holderList() const { return list_; }
    void selectOwner(const QString& holderId);

private:
    void reload(const QString& select);
    void addHolder();
    void updateButtons();

    RegistrySession* session_;
    QListWidget* list_;
    QLineEdit* newName_;
    QPushButton* addButton_;
    QCheckBox* ownRecordings_;
    QCheckBox* remember_;
    QPushButton* okButton_ = nullptr;
    QLabel* error_;
};

class ImportManager : public QObject {
    Q_OBJECT

public:
    struct Pending {
        QString file;
        std::string track; // empty: a new track
        std::int64_t position = 0;
        double progress = 0;
        bool running = false;
    };

    ImportManager(RegistrySession* session, ProjectDocument* document,
                  QWidget* dialogParent = nullptr, QObject* parent = nullptr);
    // Cancels and waits for the worker: nothing outlives the window.
    ~ImportManager() override;

    // Imports `files` onto track `trackId` one after the other from `position`, or, with an
    // empty `trackId`, each onto a new track at `position`. Asks for the owner first if needed.
    void import(const QStringList& files, const QString& trackId, std::int64_t position);

    QString sessionOwner() const { return sessionOwner_; }
    void setSessionOwner(const QString& holderId) { sessionOwner_ = holderId; }
    // Who works in the studio (the window's "Working as"): the owner dialog starts on them, with
    // "these are my own recordings" ticked.
    void setWorkingAs(const QString& holderId) { workingAs_ = holderId; }

    bool isBusy() const { return running_ != nullptr || !queue_.empty(); }
    // What is queued or running, in order (the running one first).
    QVector<Pending> pending() const;
    double progress() const; // of the running file, 0..1
    QString currentFile() const;
    OwnerDialog* ownerDialog() const { return ownerDialog_; }

public Q_SLOTS:
    void cancel();

Q_SIGNALS:
    void busyChanged(bool busy);
    void progressChanged();
    void imported(const QString& clipId, const QString& assetId, bool alreadyKnown);
    // The import holds other holders' recordings that its owner has no export grant for
    // (docs/IDENTIFY.md "Imports are scanned"): one sentence each, naming the holder.
    void flagged(const QString& fileName, const QStringList& sentences);
    void failed(const accord::ui::ErrorReport& report);
    void cancelled();
    // The owner dialog was answered "these are my own recordings" for `holderId`: they are the
    // one working.
    void ownerIsWorking(const QString& holderId);

private:
    struct Batch {
        std::string track; // the target track (filled by the first file for new tracks)
        bool newTrackPerFile = false;
        std::int64_t position = 0; // where the next file lands
    };
    struct Job {
        QString file;
        QString owner;
        bool ownRecordings = false;
        std::shared_ptr<Batch> batch;
        int projectRate = 48000;
        std::shared_ptr<std::atomic<bool>> cancel;
        std::shared_ptr<std::atomic<double>> progress;
    };
    struct Request {
        QStringList files;
        QString trackId;
        std::int64_t position = 0;
    };

    void enqueue(const Request& request, const QString& owner, bool ownRecordings);
    void askOwner(const Request& request);
    void startNext();
    void finish(const Job& job, const ImportOutcome& outcome);

    RegistrySession* session_;
    ProjectDocument* document_;
    QWidget* dialogParent_;
    QThreadPool pool_;
    QTimer poll_;
    QString sessionOwner_;
    bool sessionOwnRecordings_ = false;
    QString workingAs_;
    std::deque<Job> queue_;
    std::unique_ptr<Job> running_;
    std::deque<Request> waitingForOwner_;
    OwnerDialog* ownerDialog_ = nullptr;
    double lastProgress_ = -1;
};

} // namespace accord::ui
