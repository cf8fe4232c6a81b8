#pragma once

// The Identify panel (docs/IDENTIFY.md "In the studio"): drop a file (or choose one) and see
// every registered recording found in it, as `accord-cli identify` finds them: a list (the
// recording, its owner, where it sounds in the file and in the recording, speed, pitch,
// confidence) and a timeline of both files, the file on top with each match's stretch, each
// recording below with the part of it that is used, joined to where it sounds.
//
// With a ledger set (Registry > Ledger, docs/STUDIO.md "Ledger"), the ledger's catalogue is
// searched too (docs/LEDGER.md "Catalogue"), and each match says where it was found: here, on the
// ledger, or both (the same recording claimed by the same key). A ledger that cannot be reached is
// said, and this studio's matches are still shown.
//
// Threads: the index catch-up (fingerprinting recordings registered since the last query), the
// query and the ledger's search run on a niced worker with its own registry connection, with
// progress and Cancel; the newest request wins.

#include "accord/workflows/identify.h"

#include <QString>
#include <QThreadPool>
#include <QTimer>
#include <QWidget>

#include <atomic>
#include <memory>
#include <vector>

class QLabel;
class QProgressBar;
class QPushButton;
class QTreeWidget;

namespace accord::ui {

class RegistrySession;
class IdentifyTimeline;
struct IdentifyOutcome; // what a worker hands back

// Where a match was found.
enum class FoundIn { Here, Ledger, HereAndLedger };

class IdentifyPanel : public QWidget {
    Q_OBJECT

public:
    explicit IdentifyPanel(RegistrySession* session, QWidget* parent = nullptr);
    ~IdentifyPanel() override;

    QString file() const { return file_; }
    bool isIdentifying() const { return running_ != nullptr; }
    const std::vector<workflows::IdentifiedRecording>& matches() const { return matches_; }
    // Where each of matches() was found.
    const std::vector<FoundIn>& foundIn() const { return foundIn_; }
    double fileSeconds() const { return fileSeconds_; }

    QPushButton* chooseButton() const { return choose_; }
    QPushButton* cancelButton() const { return cancel_; }
    QLabel* messageLabel() const { return message_; }
    QTreeWidget* matchesView() const { return list_; }
    IdentifyTimeline* timeline() const { return timeline_; }

public Q_SLOTS:
    void identify(const QString& file);
    void chooseFile();
    void cancel();

Q_SIGNALS:
    void identifyingChanged(bool identifying);

private:
    struct Running {
        std::shared_ptr<std::atomic<bool>> cancel = std::make_shared<std::atomic<bool>>(false);
        std::shared_ptr<std::atomic<int>> indexed = std::make_shared<std::atomic<int>>(0);
        std::shared_ptr<std::atomic<int>> toIndex = std::make_shared<std::atomic<int>>(0);
    };
    void start();
    void finish(const IdentifyOutcome& outcome);
    void showProgress();
    void updateButtons();

    RegistrySession* session_;
    QPushButton* choose_;
    QPushButton* cancel_;
    QLabel* fileLabel_;
    QLabel* message_;
    QProgressBar* progress_;
    QTreeWidget* list_;
    IdentifyTimeline* timeline_;

    QThreadPool pool_;
    QTimer poll_;
    std::unique_ptr<Running> running_;
    bool pending_ = false; // a newer file was asked for while one ran
    QString file_;
    std::vector<workflows::IdentifiedRecording> matches_;
    std::vector<FoundIn> foundIn_;
    double fileSeconds_ = 0;
};

// Both files on one picture: the identified file on top with each match's stretch, each
// recording below (its whole length across the width) with the part used, the two joined.
class IdentifyTimeline : public QWidget {
    Q_OBJECT

public:
    explicit IdentifyTimeline(QWidget* parent = nullptr);
    void setMatches(double fileSeconds, std::vector<workflows::IdentifiedRecording> matches);
    void setSelected(int match);
    int selected() const { return selected_; }
    // Where match `index` is drawn, on the file's bar and on its recording's bar.
    QRectF fileStretch(int index) const;
    QRectF recordingStretch(int index) const;

    QSize sizeHint() const override;

Q_SIGNALS:
    void matchClicked(int index);

protected:
    void paintEvent(QPaintEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;

private:
    QRectF barArea(int row) const; // row 0: the file; row i + 1: match i's recording

    double fileSeconds_ = 0;
    std::vector<workflows::IdentifiedRecording> matches_;
    int selected_ = -1;
};

} // namespace accord::ui
