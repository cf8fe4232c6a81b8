#include "accord/ui/main_window.h"

#include "accord/core/registry.h"
#include "accord/ui/about_dialog.h"
#include "accord/ui/audit_panel.h"
#include "accord/ui/consent_panel.h"
#include "accord/ui/errors.h"
#include "accord/ui/registry_session.h"
#include "accord/ui/studio_info.h"

#include <QAction>
#include <QApplication>
#include <QFileDialog>
#include <QFileInfo>
#include <QKeySequence>
#include <QLabel>
#include <QMenuBar>
#include <QMetaMethod>
#include <QStatusBar>
#include <QTabWidget>

namespace accord::ui {

namespace {
constexpr int kStatusMessageMs = 8000;
const QSize kDefaultSize(1280, 800);
} // namespace

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent), session_(new RegistrySession(this)), panels_(new QTabWidget(this)),
      consent_(new ConsentPanel(session_, this)), registryLabel_(new QLabel(this)),
      countsLabel_(new QLabel(this)) {
    setObjectName(QStringLiteral("mainWindow"));
    setWindowIcon(applicationIcon());
    resize(kDefaultSize);

    panels_->setObjectName(QStringLiteral("panels"));
    consent_->setObjectName(QStringLiteral("consentPanel"));
    addPanel(consent_, tr("Consent"));
    setCentralWidget(panels_);

    registryLabel_->setObjectName(QStringLiteral("registryLabel"));
    countsLabel_->setObjectName(QStringLiteral("countsLabel"));
    statusBar()->addPermanentWidget(countsLabel_);
    statusBar()->addPermanentWidget(registryLabel_);

    createActions();
    createMenus();

    connect(session_, &RegistrySession::errorOccurred, this, &MainWindow::showError);
    connect(session_, &RegistrySession::changed, this, [this] {
        updateTitle();
        updateStatus();
    });
    connect(consent_->auditPanel(), &AuditPanel::verified, this, &MainWindow::reportAudit);
    updateTitle();
    updateStatus();
}

MainWindow::~MainWindow() = default;

int MainWindow::addPanel(QWidget* panel, const QString& title) {
    return panels_->addTab(panel, title);
}

void MainWindow::createActions() {
    newProject_ = new QAction(tr("&New Project"), this);
    newProject_->setObjectName(QStringLiteral("actionNewProject"));
    newProject_->setShortcut(QKeySequence::New);
    connect(newProject_, &QAction::triggered, this, &MainWindow::requestNewProject);

    openProject_ = new QAction(tr("&Open…"), this);
    openProject_->setObjectName(QStringLiteral("actionOpenProject"));
    openProject_->setShortcut(QKeySequence::Open);
    connect(openProject_, &QAction::triggered, this, &MainWindow::chooseProject);

    saveProject_ = new QAction(tr("&Save"), this);
    saveProject_->setObjectName(QStringLiteral("actionSaveProject"));
    saveProject_->setShortcut(QKeySequence::Save);
    connect(saveProject_, &QAction::triggered, this, &MainWindow::requestSave);

    quit_ = new QAction(tr("&Quit"), this);
    quit_->setObjectName(QStringLiteral("actionQuit"));
    quit_->setShortcut(QKeySequence::Quit);
    quit_->setMenuRole(QAction::QuitRole);
    connect(quit_, &QAction::triggered, this, &QWidget::close);

    openRegistry_ = new QAction(tr("&Open Registry…"), this);
    openRegistry_->setObjectName(QStringLiteral("actionOpenRegistry"));
    connect(openRegistry_, &QAction::triggered, this, &MainWindow::chooseRegistry);

    reloadRegistry_ = new QAction(tr("&Reload"), this);
    reloadRegistry_->setObjectName(QStringLiteral("actionReloadRegistry"));
    reloadRegistry_->setShortcut(QKeySequence::Refresh);
    connect(reloadRegistry_, &QAction::triggered, session_, &RegistrySession::notifyChanged);

    verifyAudit_ = new QAction(tr("&Verify Audit"), this);
    verifyAudit_->setObjectName(QStringLiteral("actionVerifyAudit"));
    connect(verifyAudit_, &QAction::triggered, this, &MainWindow::verifyAudit);

    about_ = new QAction(tr("&About Accord"), this);
    about_->setObjectName(QStringLiteral("actionAbout"));
    about_->setMenuRole(QAction::AboutRole);
    connect(about_, &QAction::triggered, this, &MainWindow::showAbout);
}

void MainWindow::createMenus() {
    QMenu* file = menuBar()->addMenu(tr("&File"));
    file->setObjectName(QStringLiteral("menuFile"));
    file->addAction(newProject_);
    file->addAction(openProject_);
    file->addAction(saveProject_);
    file->addSeparator();
    file->addAction(quit_);

    QMenu* registry = menuBar()->addMenu(tr("&Registry"));
    registry->setObjectName(QStringLiteral("menuRegistry"));
    registry->addAction(openRegistry_);
    registry->addAction(reloadRegistry_);
    registry->addSeparator();
    registry->addAction(verifyAudit_);

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->setObjectName(QStringLiteral("menuHelp"));
    help->addAction(about_);
}

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

bool MainWindow::projectLayerConnected(const char* signal) const {
    const int index = metaObject()->indexOfSignal(signal);
    return index >= 0 && isSignalConnected(metaObject()->method(index));
}

void MainWindow::requestNewProject() {
    if (!projectLayerConnected("newProjectRequested()")) {
        statusBar()->showMessage(tr("Projects arrive with the arrangement view; this build "
                                    "manages consent only."),
                                 kStatusMessageMs);
        return;
    }
    Q_EMIT newProjectRequested();
}

void MainWindow::chooseProject() {
    const QString path = QFileDialog::getOpenFileName(this, tr("Open Project"), QString(),
                                                      tr("Accord projects (*.accord)"));
    if (!path.isEmpty())
        openProject(path);
}

void MainWindow::openProject(const QString& path) {
    if (!projectLayerConnected("openProjectRequested(QString)")) {
        statusBar()->showMessage(tr("Cannot open %1 yet: projects arrive with the arrangement "
                                    "view; this build manages consent only.")
                                     .arg(QFileInfo(path).fileName()),
                                 kStatusMessageMs);
        return;
    }
    Q_EMIT openProjectRequested(path);
}

void MainWindow::requestSave() {
    if (!projectLayerConnected("saveProjectRequested()")) {
        statusBar()->showMessage(tr("Nothing to save: every registry change is stored at once."),
                                 kStatusMessageMs);
        return;
    }
    Q_EMIT saveProjectRequested();
}

void MainWindow::verifyAudit() {
    panels_->setCurrentWidget(consent_);
    consent_->showAudit();
    consent_->auditPanel()->verify();
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

void MainWindow::showError(const ErrorReport& report) {
    statusBar()->showMessage(report.title, kStatusMessageMs);
    accord::ui::showError(this, report);
}

void MainWindow::reportAudit(const AuditOutcome& outcome) {
    if (!outcome.completed)
        return; // already reported as an error
    statusBar()->showMessage(
        outcome.intact ? tr("Audit log intact")
                       : tr("Audit log TAMPERED: %1 problem(s)").arg(outcome.problems.size()),
        kStatusMessageMs);
}

void MainWindow::updateTitle() {
    const QString registry =
        session_->isOpen() ? QFileInfo(session_->path()).fileName() : tr("no registry");
    setWindowTitle(tr("%1 — %2").arg(registry, applicationName()));
}

void MainWindow::updateStatus() {
    if (!session_->isOpen()) {
        registryLabel_->setText(tr("No registry open"));
        countsLabel_->clear();
        return;
    }
    registryLabel_->setText(tr("Registry: %1").arg(session_->path()));
    try {
        registryLabel_->setToolTip(
            tr("Studio key %1")
                .arg(QString::fromStdString(session_->registry()->studioPublicKey())));
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
    countsLabel_->setText(tr("%1 holders · %2 assets · %3 grants (%4 active)")
                              .arg(holders)
                              .arg(assets)
                              .arg(grants)
                              .arg(active));
}

} // namespace accord::ui
