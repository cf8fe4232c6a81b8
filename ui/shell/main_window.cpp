#include "accord/ui/shell/main_window.h"

#include "accord/core/project.h"
#include "accord/core/registry.h"
#include "accord/ui/arrangement/arrangement_view.h"
#include "accord/ui/arrangement/take_lanes_view.h"
#include "accord/ui/arrangement/timeline.h"
#include "accord/ui/arrangement/waveform_cache.h"
#include "accord/ui/common/audio_files.h"
#include "accord/ui/common/errors.h"
#include "accord/ui/common/holder_choice.h"
#include "accord/ui/common/icons.h"
#include "accord/ui/common/labels.h"
#include "accord/ui/common/palette.h"
#include "accord/ui/consent/audit_panel.h"
#include "accord/ui/consent/consent_panel.h"
#include "accord/ui/export/export_dialog.h"
#include "accord/ui/identify/identify_panel.h"
#include "accord/ui/import/import_manager.h"
#include "accord/ui/mixer/mixer_panel.h"
#include "accord/ui/mixer/transport_bar.h"
#include "accord/ui/models/models_panel.h"
#include "accord/ui/playback/playback_controller.h"
#include "accord/ui/project/project_document.h"
#include "accord/ui/recording/recording_manager.h"
#include "accord/ui/sharing/pack_import_dialog.h"
#include "accord/ui/shell/about_dialog.h"
#include "accord/ui/shell/help_dialogs.h"
#include "accord/ui/shell/ledger_status.h"
#include "accord/ui/shell/preferences_dialog.h"
#include "accord/ui/shell/registry_session.h"
#include "accord/ui/shell/studio_info.h"
#include "accord/ui/statements/statements_panel.h"
#include "accord/ui/variations/variations_panel.h"
#include "accord/ui/verify/verify_panel.h"
#include "accord/workflows/revocations.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QComboBox>
#include <QCryptographicHash>
#include <QDockWidget>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QInputDialog>
#include <QKeySequence>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QProgressBar>
#include <QPushButton>
#include <QScreen>
#include <QSettings>
#include <QSplitter>
#include <QStatusBar>
#include <QTabWidget>
#include <QToolBar>
#include <QToolButton>
#include <QUndoStack>
#include <QUrl>
#include <QVBoxLayout>

namespace accord::ui {

namespace {
constexpr int kStatusMessageMs = 8000;
const QSize kDefaultSize(1440, 900);
// How the Arrange tab's height is shared at first, arrangement over mixer.
constexpr int kArrangementShare = 640;
constexpr int kMixerShare = 260;
const char* const kRecentKey = "recentProjects";
const char* const kProjectFilter = "Accord projects (*.accord)";

QString withSuffix(QString path) {
    if (!path.isEmpty() && QFileInfo(path).suffix().isEmpty())
        path += QStringLiteral(".accord");
    return path;
}

// The ledger's URL as the user gives it, the last one offered (docs/LEDGER.md); empty when they
// cancel or give none.
QString askLedgerUrl(QWidget* parent, const QString& title) {
    bool ok = false;
    const QString url =
        QInputDialog::getText(parent, title, MainWindow::tr("The ledger's PostgreSQL URL:"),
                              QLineEdit::Normal, LedgerStatus::url(), &ok);
    return ok ? url.trimmed() : QString();
}
} // namespace

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent), session_(new RegistrySession(this)),
      document_(new ProjectDocument(this)),
      playback_(new PlaybackController(document_, session_, this)),
      waveforms_(new WaveformCache(this)),
      imports_(new ImportManager(session_, document_, this, this)),
      recovery_(new RecoveryManager(document_, 0, this)), panels_(new QTabWidget(this)),
      arrangement_(new ArrangementView(document_, waveforms_, this)),
      consent_(new ConsentPanel(session_, this)),
      models_(new ModelsPanel(session_, document_, this)),
      mixer_(new MixerPanel(document_, playback_)), arrangeSplit_(new QSplitter(Qt::Vertical)),
      registryLabel_(new QLabel(this)), countsLabel_(new QLabel(this)) {
    setObjectName(QStringLiteral("mainWindow"));
    setWindowIcon(applicationIcon());
    resize(openingSize());
    setDockOptions(QMainWindow::AnimatedDocks | QMainWindow::AllowTabbedDocks);

    panels_->setObjectName(QStringLiteral("panels"));
    panels_->setDocumentMode(true);
    consent_->setObjectName(QStringLiteral("consentPanel"));
    // The mixer belongs to the arrangement: the other tabs get the whole height.
    arrangeSplit_->setObjectName(QStringLiteral("arrangeSplit"));
    // The selected track's take lanes go right under the arrangement (shown when it has takes).
    auto* arrangeColumn = new QWidget;
    auto* arrangeLayout = new QVBoxLayout(arrangeColumn);
    arrangeLayout->setContentsMargins(0, 0, 0, 0);
    arrangeLayout->setSpacing(0);
    arrangeLayout->addWidget(arrangement_, 1);
    arrangeLayout->addWidget(new TakeLanesView(document_, arrangement_));
    arrangeSplit_->addWidget(arrangeColumn);
    arrangeSplit_->addWidget(mixer_);
    arrangeSplit_->setStretchFactor(0, 1);
    arrangeSplit_->setStretchFactor(1, 0);
    arrangeSplit_->setChildrenCollapsible(false);
    arrangeSplit_->setSizes({kArrangementShare, kMixerShare});
    addPanel(arrangeSplit_, tr("Arrange"));
    addPanel(consent_, tr("Consent"));
    models_->setObjectName(QStringLiteral("modelsPanel"));
    addPanel(models_, tr("Models"));
    variations_ = new VariationsPanel(session_, document_, waveforms_, playback_, this);
    variations_->setObjectName(QStringLiteral("variationsPanel"));
    addPanel(variations_, tr("Variations"));
    statements_ = new StatementsPanel(session_, this);
    statements_->setObjectName(QStringLiteral("statementsPanel"));
    addPanel(statements_, tr("Statements"));
    setAcceptDrops(true); // model packs, and audio to verify (the arrangement imports its own)
    setCentralWidget(panels_);

    // Verify and Identify open on demand (View menu, Export's Verify button) beside whatever tab
    // is shown; drop a file on them to see its proof or whose recordings sound in it.
    const QDockWidget::DockWidgetFeatures dockFeatures = QDockWidget::DockWidgetMovable |
                                                         QDockWidget::DockWidgetClosable |
                                                         QDockWidget::DockWidgetFloatable;
    verify_ = new VerifyPanel(session_, this);
    verifyDock_ = new QDockWidget(tr("Verify"), this);
    verifyDock_->setObjectName(QStringLiteral("verifyDock"));
    verifyDock_->setWidget(verify_);
    verifyDock_->setFeatures(dockFeatures);
    addDockWidget(Qt::RightDockWidgetArea, verifyDock_);
    identify_ = new IdentifyPanel(session_, this);
    identifyDock_ = new QDockWidget(tr("Identify"), this);
    identifyDock_->setObjectName(QStringLiteral("identifyDock"));
    identifyDock_->setWidget(identify_);
    identifyDock_->setFeatures(dockFeatures);
    addDockWidget(Qt::RightDockWidgetArea, identifyDock_);
    tabifyDockWidget(verifyDock_, identifyDock_);
    verifyDock_->hide();
    identifyDock_->hide();

    recorder_ = new RecordingManager(session_, document_, playback_, this, this);
    createActions();
    createMenus();
    createTransport();
    createStatusBar();

    // Errors from every part end in one place.
    connect(session_, &RegistrySession::errorOccurred, this, &MainWindow::showError);
    connect(playback_, &PlaybackController::errorOccurred, this, &MainWindow::showError);
    connect(imports_, &ImportManager::failed, this, &MainWindow::showError);
    connect(recorder_, &RecordingManager::failed, this, &MainWindow::showError);

    connect(session_, &RegistrySession::changed, this, [this] {
        updateTitle();
        updateStatus();
        reloadWorkingAs();
    });
    connect(imports_, &ImportManager::ownerIsWorking, this, [this](const QString& holderId) {
        if (workingAs().isEmpty())
            setWorkingAs(holderId);
    });
    connect(consent_->assetsModel(), &QAbstractItemModel::modelReset, this,
            &MainWindow::updateConsentMarks);
    connect(consent_->auditPanel(), &AuditPanel::verified, this, &MainWindow::reportAudit);

    // The project.
    connect(document_, &ProjectDocument::modifiedChanged, this, &MainWindow::updateTitle);
    connect(document_, &ProjectDocument::pathChanged, this, &MainWindow::updateTitle);
    connect(document_, &ProjectDocument::projectReset, this, [this] {
        learnMediaLengths();
        updateTitle();
    });
    connect(arrangement_, &ArrangementView::filesDropped, this, &MainWindow::importFiles);
    connect(arrangement_, &ArrangementView::selectionChanged, variations_, [this] {
        variations_->setSelectedClip(QString::fromStdString(arrangement_->selectedClip()));
    });

    // Transport: the engine's playhead drives the view and the display.
    connect(playback_, &PlaybackController::tick, arrangement_, &ArrangementView::setPlayhead);
    connect(playback_, &PlaybackController::tick, transport_, &TransportBar::setPosition);
    connect(playback_, &PlaybackController::playingChanged, this, [this](bool playing) {
        play_->setChecked(playing);
        play_->setText(playing ? tr("Pause") : tr("Play"));
    });
    connect(playback_, &PlaybackController::loopChanged, arrangement_, &ArrangementView::setLoop);
    connect(playback_, &PlaybackController::loopChanged, this,
            [this](bool enabled) { loop_->setChecked(enabled); });
    connect(playback_, &PlaybackController::deviceChanged, this,
            [this] { transport_->setDeviceText(playback_->deviceDescription()); });
    connect(arrangement_, &ArrangementView::seekRequested, playback_,
            [this](qint64 sample) { playback_->seek(sample); });
    connect(arrangement_, &ArrangementView::loopRangeRequested, this,
            [this](qint64 start, qint64 end) {
                playback_->setLoopRange(start, end);
                playback_->setLoopEnabled(true);
            });
    connect(arrangement_, &ArrangementView::snapChanged, snap_, &QAction::setChecked);

    // Background work in the status bar.
    connect(imports_, &ImportManager::progressChanged, this, [this] {
        updateTasks();
        updatePendingImports();
    });
    connect(imports_, &ImportManager::busyChanged, this, &MainWindow::updateTasks);
    connect(imports_, &ImportManager::imported, this,
            [this](const QString&, const QString& asset, bool known) {
                statusBar()->showMessage(
                    known ? tr("Imported %1: already registered").arg(describeRecording(asset))
                          : tr("Imported %1").arg(describeRecording(asset)),
                    kStatusMessageMs);
            });
    connect(imports_, &ImportManager::flagged, this, &MainWindow::showFlaggedImport);
    connect(imports_, &ImportManager::cancelled, this, [this] {
        statusBar()->showMessage(tr("Import cancelled: nothing was registered"), kStatusMessageMs);
    });
    connect(waveforms_, &WaveformCache::pendingChanged, this, &MainWindow::updateTasks);
    // Training runs for minutes: its progress shows wherever one is in the window.
    connect(models_, &ModelsPanel::trainingChanged, this, [this] {
        trainingStep_ = 0;
        trainingTotal_ = 0;
        updateTasks();
    });
    connect(models_, &ModelsPanel::trainingProgress, this, [this](int step, int total) {
        trainingStep_ = step;
        trainingTotal_ = total;
        updateTasks();
    });
    connect(playback_, &PlaybackController::mediaLoadingChanged, this, &MainWindow::updateTasks);
    connect(playback_, &PlaybackController::liveModelChanged, this, [this](const QString& trackId) {
        const accord::Track* track = document_->findTrack(trackId.toStdString());
        if (track != nullptr &&
            playback_->liveModelState(trackId) == PlaybackController::LiveModelState::Live)
            statusBar()->showMessage(tr("'%1' runs through %2")
                                         .arg(QString::fromStdString(track->name),
                                              playback_->liveModelDescription(trackId)),
                                     kStatusMessageMs);
    });
    connect(recovery_, &RecoveryManager::autosaveFailed, this, [this](const QString& message) {
        statusBar()->showMessage(tr("Autosave failed: %1").arg(message), kStatusMessageMs);
    });

    restoreLayout();
    transport_->setDeviceText(playback_->deviceDescription());
    updateTitle();
    updateStatus();
    updateTasks();
}

MainWindow::~MainWindow() {
    // Workers first: nothing may call back into a half-destroyed window.
    imports_->cancel();
    waveforms_->cancelAll();
}

QSize MainWindow::openingSize() const {
    // Room for the window's frame and the desktop's panels on a laptop's screen.
    const QSize frame(40, 80);
    const QScreen* shown = screen();
    return shown == nullptr ? kDefaultSize
                            : kDefaultSize.boundedTo(shown->availableGeometry().size() - frame);
}

int MainWindow::addPanel(QWidget* panel, const QString& title) {
    return panels_->addTab(panel, title);
}

// ---- actions and menus ----------------------------------------------------------------------

void MainWindow::createActions() {
    auto make = [this](const QString& text, const char* name, const QKeySequence& shortcut = {}) {
        auto* action = new QAction(text, this);
        action->setObjectName(QString::fromLatin1(name));
        if (!shortcut.isEmpty())
            action->setShortcut(shortcut);
        return action;
    };
    // Shortcuts that are plain keys belong to the arrangement, not to text fields elsewhere.
    auto arrangementOnly = [this](QAction* action) {
        action->setShortcutContext(Qt::WidgetWithChildrenShortcut);
        arrangement_->addAction(action);
    };

    newProject_ = make(tr("&New Project"), "actionNewProject", QKeySequence::New);
    connect(newProject_, &QAction::triggered, this, &MainWindow::newProject);
    openProject_ = make(tr("&Open…"), "actionOpenProject", QKeySequence::Open);
    connect(openProject_, &QAction::triggered, this, &MainWindow::chooseProject);
    saveProject_ = make(tr("&Save"), "actionSaveProject", QKeySequence::Save);
    connect(saveProject_, &QAction::triggered, this, &MainWindow::saveProject);
    saveProjectAs_ = make(tr("Save &As…"), "actionSaveProjectAs", QKeySequence::SaveAs);
    connect(saveProjectAs_, &QAction::triggered, this, [this] { saveProjectAs(); });
    importAudio_ = make(tr("&Import Audio…"), "actionImportAudio", QKeySequence(tr("Ctrl+I")));
    importAudio_->setIcon(icons::icon(icons::Glyph::Import));
    connect(importAudio_, &QAction::triggered, this, &MainWindow::chooseImport);
    export_ = make(tr("&Export…"), "actionExport", QKeySequence(tr("Ctrl+E")));
    connect(export_, &QAction::triggered, this, &MainWindow::showExport);
    preferences_ = make(tr("&Preferences…"), "actionPreferences", QKeySequence(tr("Ctrl+,")));
    preferences_->setMenuRole(QAction::PreferencesRole);
    connect(preferences_, &QAction::triggered, this, &MainWindow::showPreferences);
    quit_ = make(tr("&Quit"), "actionQuit", QKeySequence::Quit);
    quit_->setMenuRole(QAction::QuitRole);
    connect(quit_, &QAction::triggered, this, &QWidget::close);

    undo_ = document_->undoStack()->createUndoAction(this, tr("&Undo"));
    undo_->setObjectName(QStringLiteral("actionUndo"));
    undo_->setShortcut(QKeySequence::Undo);
    redo_ = document_->undoStack()->createRedoAction(this, tr("&Redo"));
    redo_->setObjectName(QStringLiteral("actionRedo"));
    redo_->setShortcuts({QKeySequence(tr("Ctrl+Shift+Z")), QKeySequence(tr("Ctrl+Y"))});

    split_ = make(tr("S&plit at Playhead"), "actionSplit", QKeySequence(tr("S")));
    arrangementOnly(split_);
    connect(split_, &QAction::triggered, arrangement_, &ArrangementView::splitAtPlayhead);
    delete_ = make(tr("&Delete"), "actionDelete", QKeySequence::Delete);
    arrangementOnly(delete_);
    connect(delete_, &QAction::triggered, arrangement_, &ArrangementView::deleteSelection);
    // Clip editing (docs/STUDIO.md "Editing"): the platform's keys for the clipboard and select
    // all, Ctrl+D to duplicate as most DAWs, Alt+Left/Right to nudge as Logic Pro.
    cut_ = make(tr("Cu&t"), "actionCut", QKeySequence::Cut);
    arrangementOnly(cut_);
    connect(cut_, &QAction::triggered, arrangement_, &ArrangementView::cutSelection);
    copy_ = make(tr("&Copy"), "actionCopy", QKeySequence::Copy);
    arrangementOnly(copy_);
    connect(copy_, &QAction::triggered, arrangement_, &ArrangementView::copySelection);
    paste_ = make(tr("&Paste at Playhead"), "actionPaste", QKeySequence::Paste);
    arrangementOnly(paste_);
    connect(paste_, &QAction::triggered, this, [this] {
        const QString refused = arrangement_->model()->paste();
        if (!refused.isEmpty())
            statusBar()->showMessage(refused, kStatusMessageMs);
    });
    duplicate_ = make(tr("D&uplicate"), "actionDuplicate", QKeySequence(tr("Ctrl+D")));
    arrangementOnly(duplicate_);
    connect(duplicate_, &QAction::triggered, arrangement_, &ArrangementView::duplicateSelection);
    selectAll_ = make(tr("Select &All"), "actionSelectAll", QKeySequence::SelectAll);
    arrangementOnly(selectAll_);
    connect(selectAll_, &QAction::triggered, arrangement_, &ArrangementView::selectAll);
    auto nudge = [&](QAction*& action, const QString& text, const char* name,
                     const QKeySequence& keys, int steps, bool fine) {
        action = make(text, name, keys);
        arrangementOnly(action);
        connect(action, &QAction::triggered, this,
                [this, steps, fine] { arrangement_->model()->nudgeSelection(steps, fine); });
    };
    nudge(nudgeLeft_, tr("Nudge &Left"), "actionNudgeLeft", QKeySequence(tr("Alt+Left")), -1,
          false);
    nudge(nudgeRight_, tr("Nudge &Right"), "actionNudgeRight", QKeySequence(tr("Alt+Right")), 1,
          false);
    nudge(nudgeLeftFine_, tr("Nudge Left (Fine)"), "actionNudgeLeftFine",
          QKeySequence(tr("Alt+Shift+Left")), -1, true);
    nudge(nudgeRightFine_, tr("Nudge Right (Fine)"), "actionNudgeRightFine",
          QKeySequence(tr("Alt+Shift+Right")), 1, true);
    clipGain_ = make(tr("Clip &Gain…"), "actionClipGain");
    connect(clipGain_, &QAction::triggered, arrangement_, &ArrangementView::editSelectionGain);
    addTrack_ = make(tr("Add &Track"), "actionAddTrack", QKeySequence(tr("Ctrl+T")));
    addTrack_->setIcon(icons::icon(icons::Glyph::AddTrack));
    connect(addTrack_, &QAction::triggered, this, [this] {
        const int at = document_->trackIndex(arrangement_->selectedTrack());
        arrangement_->selectTrack(document_->addTrack(QString(), at < 0 ? -1 : at + 1));
    });
    removeTrack_ = make(tr("&Remove Track"), "actionRemoveTrack");
    connect(removeTrack_, &QAction::triggered, this, [this] {
        if (!arrangement_->selectedTrack().empty())
            document_->removeTrack(arrangement_->selectedTrack());
    });

    zoomIn_ = make(tr("Zoom &In"), "actionZoomIn", QKeySequence::ZoomIn);
    zoomIn_->setIcon(icons::icon(icons::Glyph::ZoomIn));
    connect(zoomIn_, &QAction::triggered, arrangement_, &ArrangementView::zoomIn);
    zoomOut_ = make(tr("Zoom &Out"), "actionZoomOut", QKeySequence::ZoomOut);
    zoomOut_->setIcon(icons::icon(icons::Glyph::ZoomOut));
    connect(zoomOut_, &QAction::triggered, arrangement_, &ArrangementView::zoomOut);
    zoomFit_ = make(tr("Zoom to &Fit"), "actionZoomFit", QKeySequence(tr("Ctrl+0")));
    zoomFit_->setIcon(icons::icon(icons::Glyph::ZoomFit));
    connect(zoomFit_, &QAction::triggered, arrangement_, &ArrangementView::zoomToFit);
    snap_ = make(tr("&Snap to Grid"), "actionSnap", QKeySequence(tr("G")));
    snap_->setIcon(icons::icon(icons::Glyph::Snap));
    snap_->setCheckable(true);
    snap_->setChecked(arrangement_->snapEnabled());
    snap_->setToolTip(tr("Snap to the tempo grid (G); hold Shift while dragging to bypass it"));
    arrangementOnly(snap_);
    connect(snap_, &QAction::toggled, arrangement_, &ArrangementView::setSnapEnabled);
    follow_ = make(tr("&Follow Playback"), "actionFollow", QKeySequence(tr("F")));
    follow_->setIcon(icons::icon(icons::Glyph::Follow));
    follow_->setCheckable(true);
    follow_->setChecked(arrangement_->followPlayback());
    arrangementOnly(follow_);
    connect(follow_, &QAction::toggled, arrangement_, &ArrangementView::setFollowPlayback);

    showMixer_ = make(tr("&Mixer"), "actionShowMixer", QKeySequence(tr("Ctrl+M")));
    showMixer_->setCheckable(true);
    showMixer_->setChecked(true);
    connect(showMixer_, &QAction::toggled, this, [this](bool shown) {
        mixer_->setVisible(shown);
        if (shown)
            panels_->setCurrentWidget(arrangeSplit_);
    });

    play_ = make(tr("Play"), "actionPlay", QKeySequence(Qt::Key_Space));
    play_->setIcon([] {
        QIcon icon = icons::icon(icons::Glyph::Play, palette::meterNominal);
        for (const QSize& size : icons::icon(icons::Glyph::Stop).availableSizes())
            icon.addPixmap(icons::icon(icons::Glyph::Stop, palette::meterNominal).pixmap(size),
                           QIcon::Normal, QIcon::On);
        return icon;
    }());
    play_->setCheckable(true);
    play_->setToolTip(tr("Play / stop (Space)"));
    connect(play_, &QAction::triggered, this, [this] {
        playback_->togglePlay();
        play_->setChecked(playback_->isPlaying());
    });
    stop_ = make(tr("&Stop"), "actionStop");
    stop_->setIcon(icons::icon(icons::Glyph::Stop));
    stop_->setToolTip(tr("Stop (press again: return to start)"));
    connect(stop_, &QAction::triggered, this, [this] {
        if (playback_->isPlaying())
            playback_->stop();
        else
            playback_->returnToStart();
    });
    returnToStart_ =
        make(tr("&Return to Start"), "actionReturnToStart", QKeySequence(Qt::Key_Home));
    returnToStart_->setIcon(icons::icon(icons::Glyph::ReturnToStart));
    returnToStart_->setToolTip(tr("Return to start (Home)"));
    connect(returnToStart_, &QAction::triggered, playback_, &PlaybackController::returnToStart);
    loop_ = make(tr("&Loop"), "actionLoop", QKeySequence(tr("L")));
    loop_->setIcon(icons::icon(icons::Glyph::Loop));
    loop_->setCheckable(true);
    loop_->setToolTip(tr("Loop (L); Shift+drag in the ruler sets the range"));
    arrangementOnly(loop_);
    connect(loop_, &QAction::toggled, playback_, &PlaybackController::setLoopEnabled);
    createRecordingActions();

    metronome_ = make(tr("&Metronome"), "actionMetronome", QKeySequence(tr("K")));
    metronome_->setIcon(icons::icon(icons::Glyph::Metronome));
    metronome_->setCheckable(true);
    metronome_->setToolTip(tr("Metronome (K): a click on every beat while playing; never in an "
                              "export. Count-in and level: Transport menu"));
    arrangementOnly(metronome_);
    auto group = [this](const char* name) {
        auto* actions = new QActionGroup(this);
        actions->setObjectName(QString::fromLatin1(name));
        actions->setExclusive(true);
        return actions;
    };
    auto choice = [&](QActionGroup* actions, const QString& text, const QVariant& value) {
        QAction* action = make(text, "");
        action->setCheckable(true);
        action->setData(value);
        actions->addAction(action);
        return action;
    };
    countIn_ = group("countInGroup");
    choice(countIn_, tr("Off"), 0);
    choice(countIn_, tr("1 Bar"), 1)->setChecked(true);
    choice(countIn_, tr("2 Bars"), 2);
    countInBeforePlayback_ = make(tr("Count In Before &Playback"), "actionCountInBeforePlayback");
    countInBeforePlayback_->setCheckable(true);
    countInBeforePlayback_->setToolTip(
        tr("Count in before playback too, not only before recording"));
    metronomeLevel_ = group("metronomeLevelGroup");
    for (int db : {0, -6, -12, -18, -24})
        choice(metronomeLevel_, formatDecibels(db), db)->setChecked(db == -12);
    for (QAction* action : QList<QAction*>{metronome_, countInBeforePlayback_} +
                               countIn_->actions() + metronomeLevel_->actions())
        connect(action, &QAction::toggled, this, &MainWindow::applyMetronome);

    openRegistry_ = make(tr("&Open Registry…"), "actionOpenRegistry");
    connect(openRegistry_, &QAction::triggered, this, &MainWindow::chooseRegistry);
    reloadRegistry_ = make(tr("&Reload"), "actionReloadRegistry", QKeySequence::Refresh);
    connect(reloadRegistry_, &QAction::triggered, session_, &RegistrySession::notifyChanged);
    addHolder_ = make(tr("Add &Holder…"), "actionAddHolder");
    connect(addHolder_, &QAction::triggered, this, [this] {
        panels_->setCurrentWidget(consent_);
        consent_->showRights();
        consent_->addHolder();
    });
    addGrant_ = make(tr("Add &Grant…"), "actionAddGrant");
    connect(addGrant_, &QAction::triggered, this, [this] {
        panels_->setCurrentWidget(consent_);
        consent_->showRights();
        consent_->addGrant();
    });
    revokeGrant_ = make(tr("Re&voke Grant…"), "actionRevokeGrant");
    connect(revokeGrant_, &QAction::triggered, this, [this] {
        panels_->setCurrentWidget(consent_);
        consent_->showRights();
        if (consent_->revokeSelectedGrant() == nullptr)
            statusBar()->showMessage(tr("Select the grant to revoke in the Grants table"),
                                     kStatusMessageMs);
    });
    verifyAudit_ = make(tr("&Verify Audit"), "actionVerifyAudit");
    connect(verifyAudit_, &QAction::triggered, this, &MainWindow::verifyAudit);
    importPack_ = make(tr("Import Model &Pack…"), "actionImportPack");
    connect(importPack_, &QAction::triggered, this, [this] {
        const QString path = QFileDialog::getOpenFileName(
            this, tr("Import a Model Pack"), QString(), tr("Model packs (*.accordpack)"));
        if (!path.isEmpty())
            openPack(path);
    });
    importRevocations_ = make(tr("Import &Revocations…"), "actionImportRevocations");
    connect(importRevocations_, &QAction::triggered, this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Import Revocations"), QString(),
                                                          tr("Revocations (*.revocations *.json)"));
        if (!path.isEmpty())
            importRevocationsFrom(path);
    });
    pullLedger_ = make(tr("Pull from &Ledger…"), "actionPullLedger");
    connect(pullLedger_, &QAction::triggered, this, [this] {
        if (const QString url = askLedgerUrl(this, tr("Pull from Ledger")); !url.isEmpty())
            pullFromLedger(url);
    });
    pushLedger_ = make(tr("Pus&h to Ledger…"), "actionPushLedger");
    connect(pushLedger_, &QAction::triggered, this, [this] {
        if (const QString url = askLedgerUrl(this, tr("Push to Ledger")); !url.isEmpty())
            pushToLedger(url);
    });
    exportRevocations_ = make(tr("E&xport Revocations…"), "actionExportRevocations");
    connect(exportRevocations_, &QAction::triggered, this, [this] {
        const QString path = QFileDialog::getSaveFileName(this, tr("Export Revocations"),
                                                          QStringLiteral("revocations.revocations"),
                                                          tr("Revocations (*.revocations)"));
        if (!path.isEmpty())
            exportRevocationsTo(path);
    });
    shortcuts_ = make(tr("&Keyboard Shortcuts"), "actionShortcuts", QKeySequence::HelpContents);
    connect(shortcuts_, &QAction::triggered, this, &MainWindow::showShortcuts);
    walkthrough_ = make(tr("&Getting Started"), "actionGettingStarted");
    connect(walkthrough_, &QAction::triggered, this, &MainWindow::showWalkthrough);
    about_ = make(tr("&About Accord"), "actionAbout");
    about_->setMenuRole(QAction::AboutRole);
    connect(about_, &QAction::triggered, this, &MainWindow::showAbout);
}

void MainWindow::createMenus() {
    QMenu* file = menuBar()->addMenu(tr("&File"));
    file->setObjectName(QStringLiteral("menuFile"));
    file->addAction(newProject_);
    file->addAction(openProject_);
    recentMenu_ = file->addMenu(tr("Open &Recent"));
    recentMenu_->setObjectName(QStringLiteral("menuRecent"));
    connect(recentMenu_, &QMenu::aboutToShow, this, &MainWindow::rebuildRecentMenu);
    rebuildRecentMenu();
    file->addAction(saveProject_);
    file->addAction(saveProjectAs_);
    file->addSeparator();
    file->addAction(importAudio_);
    file->addAction(export_);
    file->addSeparator();
    file->addAction(preferences_);
    file->addSeparator();
    file->addAction(quit_);

    QMenu* edit = menuBar()->addMenu(tr("&Edit"));
    edit->setObjectName(QStringLiteral("menuEdit"));
    edit->addAction(undo_);
    edit->addAction(redo_);
    edit->addSeparator();
    edit->addAction(cut_);
    edit->addAction(copy_);
    edit->addAction(paste_);
    edit->addAction(duplicate_);
    edit->addAction(delete_);
    edit->addAction(selectAll_);
    edit->addSeparator();
    edit->addAction(split_);
    edit->addAction(nudgeLeft_);
    edit->addAction(nudgeRight_);
    edit->addAction(nudgeLeftFine_);
    edit->addAction(nudgeRightFine_);
    edit->addAction(clipGain_);
    edit->addSeparator();
    edit->addAction(addTrack_);
    edit->addAction(removeTrack_);

    QMenu* view = menuBar()->addMenu(tr("&View"));
    view->setObjectName(QStringLiteral("menuView"));
    view->addAction(zoomIn_);
    view->addAction(zoomOut_);
    view->addAction(zoomFit_);
    view->addSeparator();
    view->addAction(snap_);
    view->addAction(follow_);
    view->addSeparator();
    view->addAction(showMixer_);
    QAction* showVerify = verifyDock_->toggleViewAction();
    showVerify->setObjectName(QStringLiteral("actionShowVerify"));
    showVerify->setText(tr("&Verify Panel"));
    view->addAction(showVerify);
    QAction* showIdentify = identifyDock_->toggleViewAction();
    showIdentify->setObjectName(QStringLiteral("actionShowIdentify"));
    showIdentify->setText(tr("&Identify Panel"));
    view->addAction(showIdentify);

    QMenu* transport = menuBar()->addMenu(tr("&Transport"));
    transport->setObjectName(QStringLiteral("menuTransport"));
    transport->addAction(play_);
    transport->addAction(stop_);
    transport->addAction(returnToStart_);
    transport->addAction(loop_);
    transport->addSeparator();
    transport->addAction(metronome_);
    QMenu* countIn = transport->addMenu(tr("Count-&in"));
    countIn->setObjectName(QStringLiteral("menuCountIn"));
    countIn->addActions(countIn_->actions());
    countIn->addSeparator();
    countIn->addAction(countInBeforePlayback_);
    QMenu* level = transport->addMenu(tr("Metronome &Level"));
    level->setObjectName(QStringLiteral("menuMetronomeLevel"));
    level->addActions(metronomeLevel_->actions());
    transport->addSeparator();
    transport->addAction(record_);
    transport->addAction(punch_);

    QMenu* registry = menuBar()->addMenu(tr("&Registry"));
    registry->setObjectName(QStringLiteral("menuRegistry"));
    registry->addAction(openRegistry_);
    registry->addAction(reloadRegistry_);
    registry->addSeparator();
    registry->addAction(addHolder_);
    registry->addAction(addGrant_);
    registry->addAction(revokeGrant_);
    registry->addSeparator();
    registry->addAction(importPack_);
    registry->addAction(importRevocations_);
    registry->addAction(exportRevocations_);
    registry->addAction(pullLedger_);
    registry->addAction(pushLedger_);
    registry->addSeparator();
    registry->addAction(verifyAudit_);

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->setObjectName(QStringLiteral("menuHelp"));
    help->addAction(walkthrough_);
    help->addAction(shortcuts_);
    help->addSeparator();
    help->addAction(about_);
}

void MainWindow::createTransport() {
    TransportActions actions;
    actions.returnToStart = returnToStart_;
    actions.stop = stop_;
    actions.play = play_;
    actions.loop = loop_;
    actions.metronome = metronome_;
    actions.record = record_;
    actions.snap = snap_;
    actions.follow = follow_;
    actions.zoomOut = zoomOut_;
    actions.zoomIn = zoomIn_;
    actions.zoomFit = zoomFit_;
    transport_ = new TransportBar(document_, actions, this);
    connect(playback_, &PlaybackController::countingInChanged, transport_,
            &TransportBar::setCountingIn);
    auto* bar = new QToolBar(tr("Transport"), this);
    bar->setObjectName(QStringLiteral("transportToolBar"));
    bar->setMovable(false);
    bar->setFloatable(false);
    bar->addWidget(transport_);
    addToolBar(Qt::TopToolBarArea, bar);
}

void MainWindow::createStatusBar() {
    registryLabel_->setObjectName(QStringLiteral("registryLabel"));
    countsLabel_->setObjectName(QStringLiteral("countsLabel"));

    tasks_ = new QWidget(this);
    tasks_->setObjectName(QStringLiteral("taskPanel"));
    taskLabel_ = new QLabel(tasks_);
    taskLabel_->setObjectName(QStringLiteral("taskLabel"));
    taskProgress_ = new QProgressBar(tasks_);
    taskProgress_->setObjectName(QStringLiteral("taskProgress"));
    taskProgress_->setFixedWidth(160);
    taskProgress_->setRange(0, 1000);
    taskProgress_->setTextVisible(false);
    taskCancel_ = new QToolButton(tasks_);
    taskCancel_->setObjectName(QStringLiteral("cancelTaskButton"));
    taskCancel_->setIcon(icons::icon(icons::Glyph::Cancel));
    taskCancel_->setToolTip(tr("Cancel"));
    taskCancel_->setAutoRaise(true);
    connect(taskCancel_, &QToolButton::clicked, this, [this] {
        if (imports_->isBusy())
            imports_->cancel();
        else if (playback_->isLoadingMedia())
            playback_->cancelMediaLoading();
        else if (waveforms_->pendingCount() > 0)
            waveforms_->cancelAll();
        else if (models_->isTraining())
            models_->cancel();
    });
    auto* layout = new QHBoxLayout(tasks_);
    layout->setContentsMargins(0, 0, 8, 0);
    layout->setSpacing(6);
    layout->addWidget(taskLabel_);
    layout->addWidget(taskProgress_);
    layout->addWidget(taskCancel_);

    workingAsBox_ = new QComboBox(this);
    workingAsBox_->setObjectName(QStringLiteral("workingAs"));
    workingAsBox_->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    workingAsBox_->setToolTip(tr("Who is working in the studio: grants made to this holder apply "
                                 "to what you do here (as --as does for accord-cli)"));
    connect(workingAsBox_, &QComboBox::currentIndexChanged, this, [this] {
        rememberWorkingAs();
        applyWorkingAs(workingAs());
    });
    auto* workingAs = new QWidget(this);
    auto* workingAsRow = new QHBoxLayout(workingAs);
    workingAsRow->setContentsMargins(0, 0, 8, 0);
    workingAsRow->addWidget(new QLabel(tr("Working as:"), workingAs));
    workingAsRow->addWidget(workingAsBox_);

    statusBar()->addPermanentWidget(workingAs);
    statusBar()->addPermanentWidget(tasks_);
    statusBar()->addPermanentWidget(countsLabel_);
    statusBar()->addPermanentWidget(registryLabel_);

    // The ledger: pulled when a registry opens (the studio's start) and on demand.
    ledgerStatus_ = new LedgerStatus(this);
    statusBar()->addPermanentWidget(ledgerStatus_);
    connect(session_, &RegistrySession::opened, ledgerStatus_, [this](const QString& path) {
        ledgerStatus_->showLastPull(path);
        ledgerStatus_->pull(path);
    });
    connect(ledgerStatus_, &LedgerStatus::pulled, this, [this](bool ok, const QString& summary) {
        if (ok)
            session_->notifyChanged();
        statusBar()->showMessage(ok ? summary : tr("Ledger not reached: %1").arg(summary),
                                 kStatusMessageMs);
    });
    connect(ledgerStatus_, &LedgerStatus::pushed, this, [this](bool, const QString& summary) {
        statusBar()->showMessage(summary, kStatusMessageMs);
    });
}

void MainWindow::pushToLedger(const QString& url) {
    LedgerStatus::setUrl(url);
    ledgerStatus_->push(session_->path());
}

void MainWindow::pullFromLedger(const QString& url) {
    LedgerStatus::setUrl(url);
    ledgerStatus_->pull(session_->path());
}

// ---- registry -------------------------------------------------------------------------------

bool MainWindow::openRegistry(const QString& path) {
    const bool opened = session_->open(path);
    if (opened)
        statusBar()->showMessage(tr("Opened registry %1").arg(session_->path()), kStatusMessageMs);
    return opened;
}

void MainWindow::chooseRegistry() {
    const QString start =
        session_->isOpen() ? QFileInfo(session_->path()).absolutePath() : QString();
    const QString path = QFileDialog::getOpenFileName(
        this, tr("Open Registry"), start, tr("Accord registries (*.sqlite *.db);;All files (*)"));
    if (!path.isEmpty())
        openRegistry(path);
}

void MainWindow::verifyAudit() {
    panels_->setCurrentWidget(consent_);
    consent_->showAudit();
    consent_->auditPanel()->verify();
}

void MainWindow::reportAudit(const AuditOutcome& outcome) {
    if (!outcome.completed)
        return; // already reported as an error
    statusBar()->showMessage(outcome.intact
                                 ? tr("Audit log intact")
                                 : tr("Audit log TAMPERED: %1")
                                       .arg(counted(static_cast<int>(outcome.problems.size()),
                                                    tr("1 problem"), tr("%1 problems"))),
                             kStatusMessageMs);
}

void MainWindow::updateConsentMarks() {
    QSet<QString> missing;
    const AssetsTableModel* assets = consent_->assetsModel();
    for (int row = 0; row < assets->rowCount(); ++row) {
        const QModelIndex index = assets->index(row, 0);
        if (index.data(NotExportableRole).toBool())
            missing.insert(index.data(IdRole).toString());
    }
    arrangement_->setAssetsNotExportable(missing);
}

// ---- project files --------------------------------------------------------------------------

bool MainWindow::maybeSave() {
    if (!document_->isModified())
        return true;
    const auto answer = QMessageBox::warning(
        this, tr("Unsaved Changes"),
        tr("Save the changes to %1 first?").arg(document_->displayName()),
        QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel, QMessageBox::Save);
    if (answer == QMessageBox::Save)
        return saveProject();
    return answer == QMessageBox::Discard;
}

bool MainWindow::newProject() {
    if (!maybeSave())
        return false;
    accord::Project project;
    if (const auto device = playback_->device())
        project.sampleRate = device->sampleRate > 0 ? device->sampleRate : project.sampleRate;
    document_->reset(std::move(project), QString());
    statusBar()->showMessage(tr("New project"), kStatusMessageMs);
    return true;
}

void MainWindow::chooseProject() {
    const QString start =
        document_->path().isEmpty() ? recentProjects().value(0) : document_->path();
    const QString path = QFileDialog::getOpenFileName(
        this, tr("Open Project"), QFileInfo(start).absolutePath(), tr(kProjectFilter));
    if (!path.isEmpty())
        openProject(path);
}

bool MainWindow::openProject(const QString& path) {
    if (!maybeSave())
        return false;
    const QString absolute = QFileInfo(path).absoluteFilePath();
    accord::Project project;
    try {
        project = accord::loadProject(absolute.toStdString());
    } catch (const std::exception& error) {
        showError(describeError(tr("Could not open %1").arg(QFileInfo(path).fileName()), error));
        return false;
    }
    const std::vector<std::string> offline = project.offlineMedia;
    document_->reset(std::move(project), absolute);
    addRecent(absolute);
    arrangement_->zoomToFit();
    statusBar()->showMessage(tr("Opened %1").arg(absolute), kStatusMessageMs);
    if (!offline.empty()) {
        QStringList lines;
        for (const auto& line : offline)
            lines << QString::fromStdString(line);
        showError({tr("Some media of %1 are missing").arg(QFileInfo(path).fileName()),
                   tr("Offline clips"),
                   tr("%1\n\nTheir clips stay in the project, shown as offline, and are not "
                      "played until the files are back.")
                       .arg(lines.join(QLatin1Char('\n')))});
    }
    return true;
}

bool MainWindow::saveProject() {
    if (document_->path().isEmpty())
        return saveProjectAs();
    try {
        document_->save(document_->path());
    } catch (const std::exception& error) {
        showError(describeError(tr("Could not save %1").arg(document_->path()), error));
        return false;
    }
    addRecent(document_->path());
    statusBar()->showMessage(tr("Saved %1").arg(document_->path()), kStatusMessageMs);
    return true;
}

bool MainWindow::saveProjectAs(const QString& given) {
    QString path = given;
    if (path.isEmpty()) {
        const QString start = document_->path().isEmpty()
                                  ? QFileInfo(recentProjects().value(0)).absolutePath()
                                  : document_->path();
        path = QFileDialog::getSaveFileName(this, tr("Save Project As"), start, tr(kProjectFilter));
        if (path.isEmpty())
            return false;
    }
    path = withSuffix(path);
    try {
        document_->save(path);
    } catch (const std::exception& error) {
        showError(describeError(tr("Could not save %1").arg(path), error));
        return false;
    }
    addRecent(document_->path());
    statusBar()->showMessage(tr("Saved %1").arg(document_->path()), kStatusMessageMs);
    return true;
}

QStringList MainWindow::recentProjects() const {
    return QSettings().value(QString::fromLatin1(kRecentKey)).toStringList();
}

void MainWindow::addRecent(const QString& path) {
    QStringList recent = recentProjects();
    recent.removeAll(path);
    recent.prepend(path);
    while (recent.size() > kMaxRecentProjects)
        recent.removeLast();
    QSettings().setValue(QString::fromLatin1(kRecentKey), recent);
    rebuildRecentMenu();
}

void MainWindow::rebuildRecentMenu() {
    recentMenu_->clear();
    const QStringList recent = recentProjects();
    for (int i = 0; i < recent.size(); ++i) {
        const QString path = recent.at(i);
        QAction* action =
            recentMenu_->addAction(tr("&%1 %2").arg(i + 1).arg(QFileInfo(path).completeBaseName()),
                                   this, [this, path] { openProject(path); });
        action->setToolTip(path);
        action->setStatusTip(path);
        action->setEnabled(QFileInfo::exists(path));
    }
    if (recent.isEmpty()) {
        recentMenu_->addAction(tr("No recent projects"))->setEnabled(false);
        return;
    }
    recentMenu_->addSeparator();
    recentMenu_->addAction(tr("Clear List"), this, [this] {
        QSettings().remove(QString::fromLatin1(kRecentKey));
        rebuildRecentMenu();
    });
}

void MainWindow::learnMediaLengths() {
    // Trimming a clip outwards needs the media's length: the registry knows it for assets.
    const Registry* registry = session_->registry();
    if (registry == nullptr)
        return;
    const accord::Project& project = document_->project();
    for (const auto& track : project.tracks)
        for (const auto& clip : track.clips) {
            if (clip.asset.empty() || document_->mediaLength(clip.file))
                continue;
            try {
                if (const auto asset = registry->asset(clip.asset))
                    document_->setMediaLength(clip.file,
                                              project.secondsToSamples(asset->durationSeconds));
            } catch (const std::exception&) {
                // Unknown length: trimming only shortens; the waveform tells it later.
            }
        }
}

// ---- import ---------------------------------------------------------------------------------

void MainWindow::importFiles(const QStringList& files, const QString& trackId, qint64 position) {
    panels_->setCurrentWidget(arrangement_);
    imports_->import(files, trackId, position);
    updatePendingImports();
}

void MainWindow::chooseImport() {
    const QStringList files =
        QFileDialog::getOpenFileNames(this, tr("Import Audio"), QString(), audioFileFilter());
    if (files.isEmpty())
        return;
    // Onto the selected track at the playhead, or onto new tracks.
    importFiles(files, QString::fromStdString(arrangement_->selectedTrack()),
                playback_->playhead());
}

void MainWindow::updatePendingImports() {
    QVector<ArrangementView::PendingImport> pendingImports;
    for (const ImportManager::Pending& pending : imports_->pending())
        pendingImports.push_back({QFileInfo(pending.file).fileName(), pending.track,
                                  pending.position, pending.progress});
    arrangement_->setPendingImports(pendingImports);
}

void MainWindow::updateTasks() {
    QString text;
    double progress = -1;
    if (imports_->isBusy()) {
        const int count = static_cast<int>(imports_->pending().size());
        text = tr("Importing %1").arg(QFileInfo(imports_->currentFile()).fileName());
        if (count > 1)
            text += tr(" (+%1 more)").arg(count - 1);
        progress = imports_->progress();
        taskCancel_->setToolTip(tr("Cancel the import: nothing is registered"));
    } else if (playback_->isLoadingMedia()) {
        text = tr("Loading media for playback");
        progress = playback_->mediaProgress();
        taskCancel_->setToolTip(tr("Stop loading (the new clips stay silent until the next edit)"));
    } else if (waveforms_->pendingCount() > 0) {
        text = tr("Computing %1")
                   .arg(counted(waveforms_->pendingCount(), tr("1 waveform"), tr("%1 waveforms")));
        taskCancel_->setToolTip(tr("Stop computing waveforms"));
    } else if (models_->isTraining()) {
        text =
            trainingTotal_ > 0
                ? tr("Training a voice model: step %1 of %2").arg(trainingStep_).arg(trainingTotal_)
                : tr("Training a voice model: preparing");
        if (trainingTotal_ > 0)
            progress = static_cast<double>(trainingStep_) / trainingTotal_;
        taskCancel_->setToolTip(tr("Stop training (the checkpoint is kept for Resume)"));
    }
    tasks_->setVisible(!text.isEmpty());
    taskLabel_->setText(text);
    if (progress < 0) {
        taskProgress_->setRange(0, 0); // busy, no fraction known
    } else {
        taskProgress_->setRange(0, 1000);
        taskProgress_->setValue(static_cast<int>(progress * 1000));
    }
}

// ---- session ----------------------------------------------------------------------------------

void MainWindow::startSession() {
    recovery_->start();
}

void MainWindow::openAudioDevice() {
    QString error;
    playback_->engine().setRecordingOffset(PreferencesDialog::savedRecordingOffset());
    if (!playback_->openDevice(PreferencesDialog::savedSetup(), error))
        statusBar()->showMessage(tr("No audio device: %1").arg(error), 0);
}

bool MainWindow::offerRecovery() {
    const auto candidate = recovery_->findCandidate();
    if (!candidate)
        return false;
    auto* box = new QMessageBox(QMessageBox::Question, tr("Recover Unsaved Work?"),
                                tr("Accord did not close properly last time."),
                                QMessageBox::NoButton, this);
    box->setObjectName(QStringLiteral("recoveryBox"));
    const QString name = candidate->projectPath.isEmpty()
                             ? tr("an untitled project")
                             : QFileInfo(candidate->projectPath).fileName();
    box->setInformativeText(
        tr("Changes to %1 from %2 were saved automatically but not to the project. Recover "
           "them? You can then save them over the project or elsewhere.")
            .arg(name, QLocale().toString(candidate->savedAt.toLocalTime(), QLocale::ShortFormat)));
    QPushButton* recover = box->addButton(tr("Recover"), QMessageBox::AcceptRole);
    recover->setObjectName(QStringLiteral("recoverButton"));
    box->addButton(tr("Discard"), QMessageBox::DestructiveRole)
        ->setObjectName(QStringLiteral("discardButton"));
    box->setDefaultButton(recover);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setWindowModality(Qt::WindowModal);
    const RecoveryManager::Candidate found = *candidate;
    connect(box, &QMessageBox::buttonClicked, this,
            [this, box, recover, found](QAbstractButton* b) {
                if (b == recover)
                    recoverFrom(found);
                else
                    recovery_->discard(found);
                Q_UNUSED(box);
            });
    box->open();
    return true;
}

bool MainWindow::recoverFrom(const RecoveryManager::Candidate& candidate) {
    accord::Project project;
    try {
        project = accord::loadProject(candidate.recoveryFile.toStdString());
    } catch (const std::exception& error) {
        showError(describeError(tr("Could not recover the project"), error));
        return false;
    }
    document_->reset(std::move(project), candidate.projectPath, true);
    recovery_->discard(candidate);
    recovery_->autosaveNow(); // the recovered state is this session's now
    arrangement_->zoomToFit();
    statusBar()->showMessage(tr("Recovered unsaved work: save it to keep it"), kStatusMessageMs);
    return true;
}

void MainWindow::saveLayout() const {
    QSettings settings;
    settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("window/state"), saveState(kLayoutVersion));
    settings.setValue(QStringLiteral("view/mixer"), showMixer_->isChecked());
    settings.setValue(QStringLiteral("view/arrangeSplit"), arrangeSplit_->saveState());
    settings.setValue(QStringLiteral("view/snap"), arrangement_->snapEnabled());
    settings.setValue(QStringLiteral("view/follow"), arrangement_->followPlayback());
    settings.setValue(QStringLiteral("view/samplesPerPixel"), arrangement_->samplesPerPixel());
    const MetronomeSettings& metronome = playback_->metronome();
    settings.setValue(QStringLiteral("transport/metronome"), metronome.on);
    settings.setValue(QStringLiteral("transport/metronomeLevelDb"), metronome.levelDb);
    settings.setValue(QStringLiteral("transport/countInBars"), metronome.countInBars);
    settings.setValue(QStringLiteral("transport/countInBeforePlayback"),
                      metronome.countInBeforePlayback);
}

QList<QAction*> MainWindow::countInActions() const {
    return countIn_->actions();
}

void MainWindow::applyMetronome() {
    MetronomeSettings metronome;
    metronome.on = metronome_->isChecked();
    if (const QAction* level = metronomeLevel_->checkedAction())
        metronome.levelDb = level->data().toDouble();
    if (const QAction* bars = countIn_->checkedAction())
        metronome.countInBars = bars->data().toInt();
    metronome.countInBeforePlayback = countInBeforePlayback_->isChecked();
    playback_->setMetronome(metronome);
}

void MainWindow::restoreLayout() {
    QSettings settings;
    const QByteArray geometry = settings.value(QStringLiteral("window/geometry")).toByteArray();
    if (!geometry.isEmpty())
        restoreGeometry(geometry);
    const QByteArray state = settings.value(QStringLiteral("window/state")).toByteArray();
    if (!state.isEmpty())
        restoreState(state, kLayoutVersion);
    arrangeSplit_->restoreState(settings.value(QStringLiteral("view/arrangeSplit")).toByteArray());
    showMixer_->setChecked(settings.value(QStringLiteral("view/mixer"), true).toBool());
    snap_->setChecked(settings.value(QStringLiteral("view/snap"), true).toBool());
    follow_->setChecked(settings.value(QStringLiteral("view/follow"), true).toBool());
    metronome_->setChecked(settings.value(QStringLiteral("transport/metronome"), false).toBool());
    const auto check = [](QActionGroup* actions, const QVariant& value) {
        for (QAction* action : actions->actions())
            if (action->data().toInt() == value.toInt())
                action->setChecked(true);
    };
    check(metronomeLevel_, settings.value(QStringLiteral("transport/metronomeLevelDb"), -12));
    check(countIn_, settings.value(QStringLiteral("transport/countInBars"), 1));
    countInBeforePlayback_->setChecked(
        settings.value(QStringLiteral("transport/countInBeforePlayback"), false).toBool());
    const double zoom = settings.value(QStringLiteral("view/samplesPerPixel"), 0.0).toDouble();
    if (zoom > 0)
        arrangement_->setSamplesPerPixel(zoom);
}

void MainWindow::closeEvent(QCloseEvent* event) {
    if (!maybeSave()) {
        event->ignore();
        return;
    }
    imports_->cancel();
    saveLayout();
    recovery_->markCleanExit();
    event->accept();
}

// ---- dialogs and status ---------------------------------------------------------------------

ShortcutsDialog* MainWindow::showShortcuts() {
    auto* dialog = findChild<ShortcutsDialog*>(QString(), Qt::FindDirectChildrenOnly);
    if (dialog == nullptr) {
        dialog = new ShortcutsDialog(menuBar(), this);
        dialog->setAttribute(Qt::WA_DeleteOnClose);
    }
    dialog->show();
    dialog->raise();
    return dialog;
}

WalkthroughDialog* MainWindow::showWalkthrough() {
    if (walkthroughDialog_ == nullptr) {
        walkthroughDialog_ = new WalkthroughDialog(this);
        walkthroughDialog_->setAttribute(Qt::WA_DeleteOnClose);
        connect(walkthroughDialog_, &WalkthroughDialog::stepRequested, this,
                &MainWindow::doWalkthroughStep);
        connect(session_, &RegistrySession::changed, walkthroughDialog_,
                [this] { walkthroughDialog_->setProgress(walkthroughProgress()); });
        connect(verify_, &VerifyPanel::verified, walkthroughDialog_,
                [this] { walkthroughDialog_->setProgress(walkthroughProgress()); });
    }
    walkthroughDialog_->setProgress(walkthroughProgress());
    walkthroughDialog_->show();
    walkthroughDialog_->raise();
    return walkthroughDialog_;
}

bool MainWindow::offerWalkthrough() {
    QSettings settings;
    const QString seen = QStringLiteral("help/walkthroughSeen");
    if (settings.value(seen, false).toBool())
        return false;
    settings.setValue(seen, true);
    showWalkthrough();
    return true;
}

WalkthroughDialog::Progress MainWindow::walkthroughProgress() const {
    WalkthroughDialog::Progress done{};
    done[WalkthroughDialog::VerifyFile] = verify_->hasResult();
    const Registry* registry = session_->registry();
    if (registry == nullptr)
        return done;
    try {
        done[WalkthroughDialog::AddYourself] =
            !registry->holders().empty() && !workingAs().isEmpty();
        done[WalkthroughDialog::ImportTakes] = !registry->assets().empty();
        const auto grants = registry->grants();
        done[WalkthroughDialog::AllowUses] = std::any_of(
            grants.begin(), grants.end(), [](const Grant& grant) { return !grant.revokedAt; });
        done[WalkthroughDialog::TrainVoice] = !registry->models().empty();
        done[WalkthroughDialog::ExportSong] = !registry->exports().empty();
    } catch (const std::exception&) {
        // A registry that cannot be read shows its trouble in the panels; no step is ticked.
    }
    return done;
}

void MainWindow::doWalkthroughStep(WalkthroughDialog::Step step) {
    switch (step) {
    case WalkthroughDialog::AddYourself:
        addHolder_->trigger();
        break;
    case WalkthroughDialog::ImportTakes:
        importAudio_->trigger();
        break;
    case WalkthroughDialog::AllowUses:
        addGrant_->trigger();
        break;
    case WalkthroughDialog::TrainVoice:
        panels_->setCurrentWidget(models_);
        break;
    case WalkthroughDialog::ExportSong:
        showExport();
        break;
    case WalkthroughDialog::VerifyFile:
        verifyDock_->show();
        verifyDock_->raise();
        break;
    case WalkthroughDialog::kSteps:
        break;
    }
}

AboutDialog* MainWindow::showAbout() {
    auto* dialog = findChild<AboutDialog*>(QString(), Qt::FindDirectChildrenOnly);
    if (dialog == nullptr) {
        dialog = new AboutDialog(session_->path(), this);
        dialog->setAttribute(Qt::WA_DeleteOnClose);
    }
    dialog->open();
    dialog->raise();
    return dialog;
}

ExportDialog* MainWindow::showExport() {
    if (exportDialog_ == nullptr) {
        exportDialog_ = new ExportDialog(session_, document_, this);
        exportDialog_->setActor(workingAs());
        connect(exportDialog_, &ExportDialog::exported, this, [this](const QStringList& files) {
            statusBar()->showMessage(tr("Exported %1").arg(files.value(0)), kStatusMessageMs);
        });
        connect(exportDialog_, &ExportDialog::verifyRequested, this, [this](const QString& file) {
            exportDialog_->hide(); // out of the way of the results; File > Export… brings it back
            verifyDock_->show();
            verifyDock_->raise();
            verify_->verify(file);
        });
    }
    exportDialog_->setLoop(playback_->loopEnabled(), playback_->loopStart(), playback_->loopEnd());
    exportDialog_->setSelection(arrangement_->model()->timeSelectionStart(),
                                arrangement_->model()->timeSelectionEnd());
    exportDialog_->show();
    exportDialog_->raise();
    exportDialog_->activateWindow();
    return exportDialog_;
}

PreferencesDialog* MainWindow::showPreferences() {
    auto* dialog = findChild<PreferencesDialog*>(QString(), Qt::FindDirectChildrenOnly);
    if (dialog == nullptr) {
        dialog = new PreferencesDialog(playback_, this);
        dialog->setAttribute(Qt::WA_DeleteOnClose);
    }
    dialog->open();
    dialog->raise();
    return dialog;
}

void MainWindow::showFlaggedImport(const QString& fileName, const QStringList& sentences) {
    auto* box = new QMessageBox(QMessageBox::Warning, tr("Someone Else's Recording"),
                                tr("'%1' holds a recording of another rights holder").arg(fileName),
                                QMessageBox::Ok, this);
    box->setObjectName(QStringLiteral("flaggedImportBox"));
    QStringList lines;
    for (const QString& sentence : sentences)
        lines << QStringLiteral("• It ") + sentence + QLatin1Char('.');
    box->setInformativeText(lines.join(QLatin1Char('\n')) +
                            tr("\n\nIt is in the recording's lineage: exporting anything that "
                               "plays it asks them, and the split sheet credits them."));
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setWindowModality(Qt::WindowModal);
    box->open();
    statusBar()->showMessage(tr("'%1' holds another holder's recording").arg(fileName),
                             kStatusMessageMs);
}

PackImportDialog* MainWindow::openPack(const QString& path) {
    if (!session_->isOpen())
        return nullptr;
    auto* dialog = new PackImportDialog(session_, path, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog] {
        if (dialog->imported())
            statusBar()->showMessage(tr("Imported model pack %1: model %2")
                                         .arg(fromStd(dialog->imported()->pack.id),
                                              fromStd(dialog->imported()->model.id)),
                                     kStatusMessageMs);
    });
    dialog->open();
    return dialog;
}

QString MainWindow::importRevocationsFrom(const QString& path) {
    if (!session_->isOpen())
        return {};
    try {
        const auto applied =
            workflows::importRevocations(*session_->registry(), path.toStdString());
        session_->notifyChanged();
        const QString summary = describeRevocations(applied);
        auto* box = new QMessageBox(QMessageBox::Information, tr("Revocations Imported"), summary,
                                    QMessageBox::Ok, this);
        box->setObjectName(QStringLiteral("revocationsImportedBox"));
        box->setAttribute(Qt::WA_DeleteOnClose);
        box->open();
        return summary;
    } catch (const std::exception& error) {
        session_->reportError(tr("The revocations were not imported"), error);
        return {};
    }
}

bool MainWindow::exportRevocationsTo(const QString& path) {
    if (!session_->isOpen())
        return false;
    try {
        const auto written =
            workflows::exportRevocations(*session_->registry(), path.toStdString());
        statusBar()->showMessage(
            tr("Wrote %1 to %2")
                .arg(counted(static_cast<int>(written.count), tr("1 signed revocation"),
                             tr("%1 signed revocations")),
                     path),
            kStatusMessageMs);
        return true;
    } catch (const std::exception& error) {
        session_->reportError(tr("The revocations were not exported"), error);
        return false;
    }
}

namespace {

QStringList packFiles(const QMimeData* data) {
    QStringList packs;
    for (const QUrl& url : data->urls())
        if (url.isLocalFile() &&
            url.toLocalFile().endsWith(QStringLiteral(".accordpack"), Qt::CaseInsensitive))
            packs << url.toLocalFile();
    return packs;
}

// An audio file dropped outside the arrangement (which imports its drops): the one to verify.
QString fileToVerify(const QMimeData* data) {
    for (const QUrl& url : data->urls())
        if (url.isLocalFile() && isAudioFile(url.toLocalFile()))
            return url.toLocalFile();
    return QString();
}

} // namespace

void MainWindow::dragEnterEvent(QDragEnterEvent* event) {
    if (packFiles(event->mimeData()).isEmpty() && fileToVerify(event->mimeData()).isEmpty())
        return event->ignore();
    event->setDropAction(Qt::CopyAction);
    event->accept();
}

void MainWindow::dropEvent(QDropEvent* event) {
    const QStringList packs = packFiles(event->mimeData());
    const QString verified = fileToVerify(event->mimeData());
    if (packs.isEmpty() && verified.isEmpty())
        return event->ignore();
    event->acceptProposedAction();
    for (const QString& pack : packs)
        openPack(pack);
    if (packs.isEmpty()) {
        verifyDock_->show();
        verifyDock_->raise();
        verify_->verify(verified);
    }
}

void MainWindow::showError(const ErrorReport& report) {
    statusBar()->showMessage(report.title, kStatusMessageMs);
    accord::ui::showError(this, report);
}

void MainWindow::updateTitle() {
    const QString registry =
        session_->isOpen() ? QFileInfo(session_->path()).fileName() : tr("no registry");
    setWindowTitle(
        tr("%1[*] — %2 — %3").arg(document_->displayName(), registry, applicationName()));
    setWindowModified(document_->isModified());
}

void MainWindow::updateStatus() {
    if (!session_->isOpen()) {
        registryLabel_->setText(tr("No registry open"));
        countsLabel_->clear();
        return;
    }
    registryLabel_->setText(tr("Registry: %1").arg(QFileInfo(session_->path()).fileName()));
    try {
        registryLabel_->setToolTip(
            tr("%1\nStudio key %2")
                .arg(session_->path(),
                     QString::fromStdString(session_->registry()->studioPublicKey())));
    } catch (const std::exception&) {
        registryLabel_->setToolTip(QString()); // verifying the audit log tells what is wrong
    }
    const int holders = consent_->holdersModel()->rowCount();
    const int assets = consent_->assetsModel()->rowCount();
    const int grants = consent_->grantsModel()->rowCount();
    int active = 0;
    for (int row = 0; row < grants; ++row)
        if (consent_->grantsModel()->index(row, 0).data(StateRole).toString() ==
            QLatin1String("active"))
            ++active;
    countsLabel_->setText(tr("%1 · %2 · %3 (%4 active)")
                              .arg(counted(holders, tr("1 holder"), tr("%1 holders")),
                                   counted(assets, tr("1 recording"), tr("%1 recordings")),
                                   counted(grants, tr("1 grant"), tr("%1 grants")))
                              .arg(active));
}

QString MainWindow::describeRecording(const QString& assetId) const {
    try {
        const Registry* registry = session_->registry();
        const auto asset = registry ? registry->asset(assetId.toStdString()) : std::nullopt;
        if (!asset)
            return tr("a generated recording"); // a render coming back keeps its lineage
        const auto owner = registry->holder(asset->owner);
        return tr("%1, a recording of %2")
            .arg(assetName(*asset), owner ? QString::fromStdString(owner->name)
                                          : QString::fromStdString(asset->owner));
    } catch (const std::exception&) {
        return assetId;
    }
}

// Recording (docs/STUDIO.md "Recording"): Record (R), punch in/out, and the R and I buttons of
// the track headers.
void MainWindow::createRecordingActions() {
    record_ = new QAction(tr("&Record"), this);
    record_->setObjectName(QStringLiteral("actionRecord"));
    record_->setShortcut(QKeySequence(tr("R")));
    record_->setCheckable(true);
    record_->setIcon(icons::icon(icons::Glyph::Record, palette::recordOn, palette::recordOn));
    record_->setToolTip(tr("Record the armed tracks from the playhead (R); again to stop"));
    // A plain key: the arrangement's, as the other transport keys (createActions).
    record_->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    arrangement_->addAction(record_);
    connect(record_, &QAction::triggered, this, [this] {
        recorder_->toggleRecord();
        record_->setChecked(recorder_->isRecording());
    });
    connect(recorder_, &RecordingManager::recordingChanged, record_, &QAction::setChecked);
    punch_ = new QAction(tr("&Punch In/Out (Selection or Loop)"), this);
    punch_->setObjectName(QStringLiteral("actionPunch"));
    punch_->setCheckable(true);
    punch_->setToolTip(tr("Keep only what is recorded inside the time selection, or else the "
                          "loop, each pass its own take"));
    connect(punch_, &QAction::toggled, recorder_, &RecordingManager::setPunch);
    connect(arrangement_->model(), &ArrangementModel::timeSelectionChanged, recorder_, [this] {
        recorder_->setPunchRange(arrangement_->model()->timeSelectionStart(),
                                 arrangement_->model()->timeSelectionEnd());
    });

    ArrangementModel* lanes = arrangement_->model();
    lanes->setInputState([this](const std::string& trackId) {
        return ArrangementModel::InputState{recorder_->isArmed(trackId),
                                            recorder_->isMonitoring(trackId)};
    });
    connect(lanes, &ArrangementModel::armClicked, recorder_, &RecordingManager::toggleArm);
    connect(lanes, &ArrangementModel::monitorClicked, recorder_, &RecordingManager::toggleMonitor);
    connect(recorder_, &RecordingManager::armsChanged, arrangement_->viewport(),
            qOverload<>(&QWidget::update));
    connect(recorder_, &RecordingManager::takesAdded, this, [this](int tracks, int takes) {
        statusBar()->showMessage(
            tr("Recorded %1 take(s) on %2 track(s), registered as recordings of their performers")
                .arg(takes)
                .arg(tracks),
            kStatusMessageMs);
    });
}

QString MainWindow::workingAs() const {
    return workingAsBox_->currentData().toString();
}

void MainWindow::setWorkingAs(const QString& holderId) {
    const int index = workingAsBox_->findData(holderId);
    workingAsBox_->setCurrentIndex(index < 0 ? 0 : index);
    rememberWorkingAs();
    applyWorkingAs(workingAs());
}

void MainWindow::rememberWorkingAs() {
    if (session_->isOpen())
        QSettings().setValue(workingAsKey(), workingAs());
}

void MainWindow::reloadWorkingAs() {
    const QString current =
        session_->isOpen() ? QSettings().value(workingAsKey()).toString() : QString();
    fillHolderChoice(workingAsBox_, session_->registry(), tr("Nobody in particular"), current);
    // Never chosen here and only one holder: the studio's own artist is the one working.
    if (session_->isOpen() && !QSettings().contains(workingAsKey()) &&
        workingAsBox_->count() == 2) {
        const QSignalBlocker blocker(workingAsBox_);
        workingAsBox_->setCurrentIndex(1);
        rememberWorkingAs(); // it stays when a second holder arrives
    }
    workingAsBox_->setEnabled(session_->isOpen());
    applyWorkingAs(workingAs());
}

void MainWindow::applyWorkingAs(const QString& holderId) {
    if (walkthroughDialog_ != nullptr)
        walkthroughDialog_->setProgress(walkthroughProgress());
    imports_->setWorkingAs(holderId);
    recorder_->setWorkingAs(holderId);
    playback_->setActor(holderId);
    variations_->setActor(holderId);
    models_->setActor(holderId);
    if (exportDialog_ != nullptr)
        exportDialog_->setActor(holderId);
}

QString MainWindow::workingAsKey() const {
    // Per registry: holder ids are a registry's own.
    return QStringLiteral("workingAs/%1")
        .arg(QString::fromLatin1(
            QCryptographicHash::hash(session_->path().toUtf8(), QCryptographicHash::Sha1).toHex()));
}

} // namespace accord::ui
