#pragma once

// The studio window: the transport on top, the arrangement and the Consent panel as
// tabs, the mixer in a dock below, background work (imports, media, waveforms) with progress and
// Cancel in the status bar. It owns the open project (ProjectDocument, with its undo history),
// the engine's controller, the consent registry session, autosave and recovery, and the window
// layout (remembered in QSettings). Later panels are added with addPanel().

#include "accord/ui/shell/help_dialogs.h"
#include "accord/ui/shell/recovery.h"

#include <QMainWindow>
#include <QPointer>
#include <QStringList>

#include <cstdint>

class QAction;
class QActionGroup;
class QComboBox;
class QDockWidget;
class QLabel;
class QMenu;
class QProgressBar;
class QSplitter;
class QTabWidget;
class QToolButton;

namespace accord::ui {

class AboutDialog;
class ArrangementView;
class ConsentPanel;
class ExportDialog;
class IdentifyPanel;
class ImportManager;
class LedgerStatus;
class MixerPanel;
class ModelsPanel;
class PackImportDialog;
class PlaybackController;
class RecordingManager;
class PreferencesDialog;
class ProjectDocument;
class RegistrySession;
class StatementsPanel;
class TransportBar;
class VariationsPanel;
class VerifyPanel;
class WaveformCache;
struct AuditOutcome;
struct ErrorReport;

class MainWindow : public QMainWindow {
    Q_OBJECT

public:
    static constexpr int kMaxRecentProjects = 10;
    static constexpr int kLayoutVersion = 2; // 2: the mixer left the docks

    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    // Opens (or creates) the registry at `path`; on failure shows why and keeps the previous one.
    bool openRegistry(const QString& path);

    RegistrySession* session() const { return session_; }
    ConsentPanel* consentPanel() const { return consent_; }
    ModelsPanel* modelsPanel() const { return models_; }
    VariationsPanel* variationsPanel() const { return variations_; }
    QTabWidget* panels() const { return panels_; }
    int addPanel(QWidget* panel, const QString& title);

    ProjectDocument* document() const { return document_; }
    PlaybackController* playback() const { return playback_; }
    WaveformCache* waveforms() const { return waveforms_; }
    ImportManager* imports() const { return imports_; }
    RecordingManager* recorder() const { return recorder_; }
    RecoveryManager* recovery() const { return recovery_; }
    ArrangementView* arrangement() const { return arrangement_; }
    MixerPanel* mixer() const { return mixer_; }
    // View > Mixer: shows or hides the mixer under the arrangement.
    QAction* showMixerAction() const { return showMixer_; }
    TransportBar* transport() const { return transport_; }
    VerifyPanel* verifyPanel() const { return verify_; }
    QDockWidget* verifyDock() const { return verifyDock_; }
    IdentifyPanel* identifyPanel() const { return identify_; }
    StatementsPanel* statementsPanel() const { return statements_; }
    QDockWidget* identifyDock() const { return identifyDock_; }
    QAction* exportAction() const { return export_; }
    // Who is working (a holder id, empty for nobody in particular): grants to that holder apply
    // to the window's imports, exports and training as `--as` does for accord-cli. Remembered
    // per registry.
    QString workingAs() const;
    void setWorkingAs(const QString& holderId);
    QComboBox* workingAsBox() const { return workingAsBox_; }

    QAction* newProjectAction() const { return newProject_; }
    QAction* openProjectAction() const { return openProject_; }
    QAction* saveProjectAction() const { return saveProject_; }
    QAction* saveProjectAsAction() const { return saveProjectAs_; }
    QAction* undoAction() const { return undo_; }
    QAction* redoAction() const { return redo_; }
    QAction* playAction() const { return play_; }
    QAction* loopAction() const { return loop_; }
    QAction* metronomeAction() const { return metronome_; }
    // Transport > Count-in: "Off", "1 Bar", "2 Bars" (checkable, exclusive), in that order.
    QList<QAction*> countInActions() const;
    QAction* countInBeforePlaybackAction() const { return countInBeforePlayback_; }
    QAction* snapAction() const { return snap_; }
    QMenu* recentMenu() const { return recentMenu_; }

    QStringList recentProjects() const;

    // Starts what only a real session does: the recovery marker and autosave timers.
    void startSession();
    // Opens the audio device of the preferences (or the system's default); without one the
    // engine runs on its offline clock and the status bar says so.
    void openAudioDevice();
    // After a crash: offers the newest recovery file (a window-modal question). Returns whether
    // something was offered.
    bool offerRecovery();
    bool recoverFrom(const RecoveryManager::Candidate& candidate);

    // Remembers and restores the geometry, the docks and toolbars, and the view settings.
    void saveLayout() const;
    void restoreLayout();

public Q_SLOTS:
    bool newProject();
    bool openProject(const QString& path);
    bool saveProject();
    bool saveProjectAs(const QString& path = QString());
    void importFiles(const QStringList& files, const QString& trackId, qint64 position);
    void verifyAudit();
    AboutDialog* showAbout();
    // Help > Keyboard Shortcuts (F1).
    ShortcutsDialog* showShortcuts();
    // Help > Getting Started: the walkthrough, its steps ticked from the registry.
    WalkthroughDialog* showWalkthrough();
    // At the first start only (remembered in the settings): shows the walkthrough. Returns
    // whether it did.
    bool offerWalkthrough();
    PreferencesDialog* showPreferences();
    // File > Export…: one dialog, kept (with its options) for the session; modeless, so its
    // decision follows the edits made meanwhile.
    ExportDialog* showExport();
    void showError(const accord::ui::ErrorReport& report);
    void showFlaggedImport(const QString& fileName, const QStringList& sentences);
    // A model pack dropped on the window or chosen in Registry > Import Model Pack…: verified,
    // described, imported on the user's word (docs/CONSENT.md "Model packs"). Modeless.
    PackImportDialog* openPack(const QString& path);
    // Registry > Import Revocations… / Export Revocations… on a chosen file; the summary shown
    // (and returned), or an error.
    QString importRevocationsFrom(const QString& path);
    bool exportRevocationsTo(const QString& path);
    // Registry > Pull from Ledger…: remembers `url` as the ledger and pulls from it on a worker
    // (docs/STUDIO.md "Ledger"); the status bar says when it last pulled.
    void pullFromLedger(const QString& url);
    // Registry > Push to Ledger…: remembers `url` and pushes this registry's statements and
    // records to it on a worker; the status bar says when it last pushed.
    void pushToLedger(const QString& url);

protected:
    void closeEvent(QCloseEvent* event) override;
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    // The default size, made smaller to fit the screen the window opens on.
    QSize openingSize() const;
    void reloadWorkingAs();
    WalkthroughDialog::Progress walkthroughProgress() const;
    void doWalkthroughStep(WalkthroughDialog::Step step);
    // "take3.wav, a recording of Ada Lovelace", for messages.
    QString describeRecording(const QString& assetId) const;
    void applyWorkingAs(const QString& holderId);
    // The metronome actions' state to the playback controller.
    void applyMetronome();
    void rememberWorkingAs();
    QString workingAsKey() const;
    void createActions();
    void createRecordingActions();
    void createMenus();
    void createTransport();
    void createStatusBar();
    void chooseRegistry();
    void chooseProject();
    void chooseImport();
    void rebuildRecentMenu();
    void addRecent(const QString& path);
    bool maybeSave();
    void updateTitle();
    void updateStatus();
    void updateTasks();
    void updatePendingImports();
    void updateConsentMarks();
    void learnMediaLengths();
    void reportAudit(const AuditOutcome& outcome);

    RegistrySession* session_;
    ProjectDocument* document_;
    PlaybackController* playback_;
    WaveformCache* waveforms_;
    ImportManager* imports_;
    RecordingManager* recorder_ = nullptr;
    RecoveryManager* recovery_;
    QTabWidget* panels_;
    ArrangementView* arrangement_;
    ConsentPanel* consent_;
    ModelsPanel* models_;
    VariationsPanel* variations_ = nullptr;
    MixerPanel* mixer_;
    QSplitter* arrangeSplit_;
    QAction* showMixer_ = nullptr;
    TransportBar* transport_ = nullptr;
    VerifyPanel* verify_ = nullptr;
    QDockWidget* verifyDock_ = nullptr;
    IdentifyPanel* identify_ = nullptr;
    StatementsPanel* statements_ = nullptr;
    QDockWidget* identifyDock_ = nullptr;
    ExportDialog* exportDialog_ = nullptr;
    QComboBox* workingAsBox_ = nullptr;
    QPointer<WalkthroughDialog> walkthroughDialog_; // deletes itself when closed
    int trainingStep_ = 0;                          // the Models panel's run, for the status bar
    int trainingTotal_ = 0;
    QLabel* registryLabel_;
    QLabel* countsLabel_;
    QWidget* tasks_ = nullptr;
    QLabel* taskLabel_ = nullptr;
    QProgressBar* taskProgress_ = nullptr;
    QToolButton* taskCancel_ = nullptr;

    QAction* newProject_ = nullptr;
    QAction* openProject_ = nullptr;
    QAction* saveProject_ = nullptr;
    QAction* saveProjectAs_ = nullptr;
    QAction* importAudio_ = nullptr;
    QAction* export_ = nullptr;
    QAction* preferences_ = nullptr;
    QAction* quit_ = nullptr;
    QAction* undo_ = nullptr;
    QAction* redo_ = nullptr;
    QAction* split_ = nullptr;
    QAction* delete_ = nullptr;
    QAction* cut_ = nullptr;
    QAction* copy_ = nullptr;
    QAction* paste_ = nullptr;
    QAction* duplicate_ = nullptr;
    QAction* selectAll_ = nullptr;
    QAction* nudgeLeft_ = nullptr;
    QAction* nudgeRight_ = nullptr;
    QAction* nudgeLeftFine_ = nullptr;
    QAction* nudgeRightFine_ = nullptr;
    QAction* clipGain_ = nullptr;
    QAction* addTrack_ = nullptr;
    QAction* removeTrack_ = nullptr;
    QAction* zoomIn_ = nullptr;
    QAction* zoomOut_ = nullptr;
    QAction* zoomFit_ = nullptr;
    QAction* snap_ = nullptr;
    QAction* follow_ = nullptr;
    QAction* play_ = nullptr;
    QAction* stop_ = nullptr;
    QAction* returnToStart_ = nullptr;
    QAction* loop_ = nullptr;
    QAction* metronome_ = nullptr;
    QActionGroup* countIn_ = nullptr;
    QAction* countInBeforePlayback_ = nullptr;
    QActionGroup* metronomeLevel_ = nullptr;
    QAction* record_ = nullptr;
    QAction* punch_ = nullptr;
    QAction* openRegistry_ = nullptr;
    QAction* reloadRegistry_ = nullptr;
    QAction* addHolder_ = nullptr;
    QAction* addGrant_ = nullptr;
    QAction* revokeGrant_ = nullptr;
    QAction* verifyAudit_ = nullptr;
    QAction* importPack_ = nullptr;
    QAction* importRevocations_ = nullptr;
    QAction* exportRevocations_ = nullptr;
    QAction* pullLedger_ = nullptr;
    QAction* pushLedger_ = nullptr;
    LedgerStatus* ledgerStatus_ = nullptr;
    QAction* shortcuts_ = nullptr;
    QAction* walkthrough_ = nullptr;
    QAction* about_ = nullptr;
    QMenu* recentMenu_ = nullptr;
};

} // namespace accord::ui
