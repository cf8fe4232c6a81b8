#pragma once

// The studio window: menus, a status bar and a tab per panel. This issue brings the Consent
// panel; the arrangement, mixer, models, variations, export and verify panels are added with
// addPanel() as they arrive.

#include <QMainWindow>

class QAction;
class QLabel;
class QTabWidget;

namespace accord::ui {

class AboutDialog;
class ConsentPanel;
class RegistrySession;
struct AuditOutcome;
struct ErrorReport;

class MainWindow : public QMainWindow {
    Q_OBJECT

public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    // Opens (or creates) the registry at `path`; on failure shows why and keeps the previous one.
    bool openRegistry(const QString& path);

    RegistrySession* session() const { return session_; }
    ConsentPanel* consentPanel() const { return consent_; }
    QTabWidget* panels() const { return panels_; }
    int addPanel(QWidget* panel, const QString& title);

    // Actions by role, for the panels and issues to come.
    QAction* newProjectAction() const { return newProject_; }
    QAction* openProjectAction() const { return openProject_; }
    QAction* saveProjectAction() const { return saveProject_; }

public Q_SLOTS:
    void openProject(const QString& path);
    void verifyAudit();
    AboutDialog* showAbout();
    void showError(const accord::ui::ErrorReport& report);

Q_SIGNALS:
    // Emitted for the project layer (a later issue); until it is connected the window says so.
    void newProjectRequested();
    void openProjectRequested(const QString& path);
    void saveProjectRequested();

private:
    void createActions();
    void createMenus();
    void chooseRegistry();
    void chooseProject();
    void requestNewProject();
    void requestSave();
    void updateTitle();
    void updateStatus();
    void reportAudit(const AuditOutcome& outcome);
    bool projectLayerConnected(const char* signal) const;

    RegistrySession* session_;
    QTabWidget* panels_;
    ConsentPanel* consent_;
    QLabel* registryLabel_;
    QLabel* countsLabel_;

    QAction* newProject_ = nullptr;
    QAction* openProject_ = nullptr;
    QAction* saveProject_ = nullptr;
    QAction* quit_ = nullptr;
    QAction* openRegistry_ = nullptr;
    QAction* reloadRegistry_ = nullptr;
    QAction* verifyAudit_ = nullptr;
    QAction* about_ = nullptr;
};

} // namespace accord::ui
