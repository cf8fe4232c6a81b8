#pragma once

// File > Export… (docs/ARCHITECTURE.md "Studio panels"): the options of an export (folder, stems,
// format, commercial use, the holder exporting) and, live as they change, the consent gate's
// decision in plain words: the split sheet the export will carry when it is allowed, every missing
// grant when it is not.
//
// Threads: judging (accord::workflows::judgeExport) and exporting (exportProject) run on one niced
// worker, each with its own registry connection; the dialog polls the export's progress (an
// atomic) and never blocks. Judgements are debounced and a stale one is dropped, so typing or
// clicking through the options never queues work. Closing while exporting cancels the export
// (nothing is written) and the dialog closes when the worker has stopped.

#include "accord/ui/common/errors.h"

#include <QDialog>

#include <QFutureWatcher>
#include <QString>
#include <QStringList>
#include <QThreadPool>
#include <QTimer>
#include <QVector>
#include <cstdint>

#include <atomic>
#include <memory>
#include <vector>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QProgressBar;
class QPushButton;
class QStackedWidget;
class QTableWidget;

namespace accord::workflows {
struct ExportRequest;
}

namespace accord::ui {

class GrantDialog;
class ProjectDocument;
class RegistrySession;

// A grant the export lacks, with names resolved for display.
struct MissingGrantView {
    QString asset;     // asset id; empty when the problem is a model, not one recording
    QString assetName; // "Front_Center.wav"
    QString owner;     // holder id
    QString ownerName; // "Ada Lovelace"
    QString scope;     // "export", "generate"
    QString why;       // the policy engine's reason
};

struct SplitShareView {
    QString holder;
    QString name;
    int basisPoints = 0; // hundredths of a percent
};

// What a judgement or an export came to, as plain values for the UI thread.
struct ExportGateView {
    enum class Verdict { Allowed, Denied, Silent, Failed };
    Verdict verdict = Verdict::Failed;
    QVector<MissingGrantView> missing;
    QVector<SplitShareView> shares;
    QString method;
    int closureAssets = 0;
    bool commercial = false; // judged for a commercial release
    QString error;           // for Failed: what went wrong, naming the file or value at fault
};

struct ExportRunOutcome {
    bool ok = false;
    bool cancelled = false;
    ExportGateView gate; // the split as written; Denied: consent changed since judged
    QStringList files;   // mix first, then stems
    QStringList sidecars;
    QString splitJson;
    QString splitCsv;
    QString ddex;         // the DDEX release message, when asked for
    QStringList warnings; // e.g. a file that clips (workflows::clippingWarning)
    ErrorReport failure;  // neither ok nor cancelled: why
};

class ExportDialog : public QDialog {
    Q_OBJECT

public:
    ExportDialog(RegistrySession* session, ProjectDocument* document, QWidget* parent = nullptr);
    ~ExportDialog() override;

    QLineEdit* folderEdit() const { return folder_; }
    QCheckBox* stemsBox() const { return stems_; }
    QComboBox* formatBox() const { return format_; }
    QComboBox* bitrateBox() const { return bitrate_; }
    QComboBox* rangeBox() const { return range_; }
    QCheckBox* loudnessBox() const { return loudness_; }
    QDoubleSpinBox* loudnessSpin() const { return lufs_; }
    QDoubleSpinBox* ceilingSpin() const { return ceiling_; }
    QCheckBox* commercialBox() const { return commercial_; }
    QCheckBox* ddexBox() const { return ddex_; }
    QComboBox* actorBox() const { return actor_; }
    QLabel* decisionLabel() const { return decision_; }
    QTableWidget* missingView() const { return missing_; }
    QTableWidget* splitTable() const { return split_; }
    QLabel* splitTotalLabel() const { return splitTotal_; }
    QPushButton* exportButton() const { return exportButton_; }
    QPushButton* cancelButton() const { return cancelButton_; }
    QProgressBar* progressBar() const { return progress_; }
    QLabel* resultLabel() const { return result_; }
    QListWidget* resultList() const { return files_; }
    QPushButton* verifyButton() const { return verifyButton_; }

    // The last judgement shown (Failed before the first one).
    const ExportGateView& gate() const { return gate_; }
    // A judgement is pending or running: what is shown may be about to change.
    bool isJudging() const;
    bool isExporting() const { return exporting_; }
    // How many judgements have started since the dialog was made.
    int judgementsStarted() const { return judgementsStarted_; }
    // The files of the last successful export (mix first), empty otherwise.
    QStringList exportedFiles() const { return exported_; }
    // "<project file's base name>", or "Untitled" for a project never saved.
    QString title() const;

    // Exports as `holderId` (empty: anyone in this studio): the window's "Working as".
    void setActor(const QString& holderId);
    // The window's loop, offered as a range to export ("Loop"); disabled: only the whole
    // project. The choice stays on "Loop" while one is offered.
    void setLoop(bool enabled, std::int64_t start, std::int64_t end);
    // The window's time selection, offered as "Selection" (start >= end: none); a new one is
    // chosen, as the range the user has just marked.
    void setSelection(std::int64_t start, std::int64_t end);

public Q_SLOTS:
    // Judges the current options again (debounced).
    void rejudge();
    void startExport();
    void cancelExport();
    void reject() override;

Q_SIGNALS:
    void exported(const QStringList& files);
    // "Verify" on the result: the main window shows the mix in the Verify panel.
    void verifyRequested(const QString& file);
    // A denial line's "Allow…" opened the grant dialog, filled in for it.
    void fixOpened(accord::ui::GrantDialog* dialog);

protected:
    void showEvent(QShowEvent* event) override;

private:
    void reloadHolders();
    accord::workflows::ExportRequest currentRequest() const;
    // The options the decision depends on, as one comparable value.
    QString decidingOptions() const;
    void judgeNow();
    void showGate(const ExportGateView& gate);
    void showSplit(const ExportGateView& gate);
    void showMissing(const ExportGateView& gate);
    QPushButton* makeFixButton(const MissingGrantView& missing, bool commercial);
    void finishExport(const ExportRunOutcome& outcome);
    void chooseFolder();
    void updateButtons();
    void setOptionsEnabled(bool enabled);

    RegistrySession* session_;
    ProjectDocument* document_;

    QLineEdit* folder_;
    QPushButton* browse_;
    QCheckBox* stems_;
    QComboBox* format_;
    QComboBox* bitrate_;
    QComboBox* range_;
    QCheckBox* loudness_;
    QDoubleSpinBox* lufs_;
    QDoubleSpinBox* ceiling_;
    // Offers a range of the timeline as the range box's `index` ("Loop", "Selection"): named
    // with its times, or "(none set)" and not choosable. A range offered anew is chosen;
    // withdrawn while chosen, the range falls back to another offered one or the whole project.
    void offerRange(int index, const QString& name, std::int64_t start, std::int64_t end);
    struct Span {
        std::int64_t start = 0;
        std::int64_t end = 0; // start == end: not offered
    };
    std::vector<Span> ranges_; // per index of the range box
    QCheckBox* commercial_;
    QCheckBox* ddex_;
    QComboBox* actor_;
    QLabel* decision_;
    QStackedWidget* details_;
    QTableWidget* missing_;
    QTableWidget* split_;
    QLabel* splitTotal_;
    QProgressBar* progress_;
    QPushButton* cancelButton_;
    QLabel* result_;
    QListWidget* files_;
    QPushButton* verifyButton_;
    QPushButton* exportButton_;
    QPushButton* closeButton_;

    QThreadPool pool_;
    QTimer judgeDelay_;
    QTimer poll_;
    QFutureWatcher<ExportGateView> judgeWatcher_;
    QFutureWatcher<ExportRunOutcome> exportWatcher_;
    // Until its result is handled: QFuture::isRunning turns false before the finished signal.
    bool judging_ = false;
    bool judgeAgain_ = false; // options changed while a judgement ran: its answer is stale
    int judgementsStarted_ = 0;
    QString judgingOptions_; // of the judgement running
    QString shownOptions_;   // of the decision shown
    ExportGateView gate_;
    bool exporting_ = false;
    bool closeWhenStopped_ = false;
    std::shared_ptr<std::atomic<bool>> cancel_;
    std::shared_ptr<std::atomic<double>> fraction_;
    QStringList exported_;
};

} // namespace accord::ui
