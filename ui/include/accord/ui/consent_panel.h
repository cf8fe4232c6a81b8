#pragma once

// The Consent panel (SPEC §6): who holds rights, what is registered, what they allow, and the
// audit log, all in plain language.

#include "accord/ui/consent_models.h"

#include <QWidget>

class QTabWidget;
class QTableView;

namespace accord::ui {

class AuditPanel;
class RegistrySession;

class ConsentPanel : public QWidget {
    Q_OBJECT

public:
    explicit ConsentPanel(RegistrySession* session, QWidget* parent = nullptr);

    HoldersTableModel* holdersModel() const { return holders_; }
    AssetsTableModel* assetsModel() const { return assets_; }
    GrantsTableModel* grantsModel() const { return grants_; }
    QTableView* holdersView() const { return holdersView_; }
    QTableView* assetsView() const { return assetsView_; }
    QTableView* grantsView() const { return grantsView_; }
    AuditPanel* auditPanel() const { return audit_; }

    // Used by every model of the panel (tests pin it to see grants expire).
    void setClock(const Clock& clock);

public Q_SLOTS:
    void showRights();
    void showAudit();

private:
    QTableView* makeView(RegistryTableModel* model, const QString& objectName);
    QWidget* makeSection(const QString& title, const QString& emptyHint, QTableView* view,
                         RegistryTableModel* model);

    HoldersTableModel* holders_;
    AssetsTableModel* assets_;
    GrantsTableModel* grants_;
    QTableView* holdersView_ = nullptr;
    QTableView* assetsView_ = nullptr;
    QTableView* grantsView_ = nullptr;
    AuditPanel* audit_ = nullptr;
    QTabWidget* pages_ = nullptr;
};

} // namespace accord::ui
