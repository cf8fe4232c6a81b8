#pragma once

// The Consent panel (docs/ARCHITECTURE.md "Consent registry"): who holds rights, what is
// registered, what they allow, and the audit log, all in plain language.

#include "accord/ui/consent/consent_models.h"

#include <QWidget>

#include <vector>

class QPushButton;
class QTabWidget;
class QTableView;

namespace accord::ui {

class AuditPanel;
class GrantDialog;
class HolderDialog;
class LedgerHistoryView;
class RegistrySession;
class RevokeDialog;

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
    QPushButton* addHolderButton() const { return addHolderButton_; }
    QPushButton* addGrantButton() const { return addGrantButton_; }
    QPushButton* revokeButton() const { return revokeButton_; }
    QPushButton* holderLedgerButton() const { return holderLedgerButton_; }
    QPushButton* assetLedgerButton() const { return assetLedgerButton_; }
    LedgerHistoryView* ledgerView() const { return ledgerView_; }

    // The registry ids of the rows selected in each table (empty when none).
    QString selectedHolder() const;
    QString selectedAsset() const;
    QString selectedGrant() const;

    // Used by every model of the panel (tests pin it to see grants expire).
    void setClock(const Clock& clock);

public Q_SLOTS:
    void showRights();
    void showAudit();
    // Open (window-modal, not blocking) the dialogs that change the registry; each returns the
    // dialog (deleted when closed), or null when no registry is open.
    HolderDialog* addHolder();
    GrantDialog* addGrant();
    RevokeDialog* revokeSelectedGrant();
    // "Change Grant…": the grant dialog in edit mode for the selected active grant.
    GrantDialog* editSelectedGrant();
    QPushButton* editButton() const { return editButton_; }
    // What the studio's ledger (LedgerStatus::url()) holds about the selected holder (grants by or
    // to them) or recording (grants on it), and the revocations of those, read on a worker.
    void showHolderOnLedger();
    void showAssetOnLedger();

private:
    // `detailColumns` start hidden; a right-click on the header shows or hides any column.
    QTableView* makeView(RegistryTableModel* model, const QString& objectName,
                         const std::vector<int>& detailColumns);
    QString selectedId(const QTableView* view) const;
    void updateButtons();
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
    RegistrySession* session_;
    QPushButton* addHolderButton_ = nullptr;
    QPushButton* addGrantButton_ = nullptr;
    QPushButton* revokeButton_ = nullptr;
    QPushButton* editButton_ = nullptr;
    QPushButton* holderLedgerButton_ = nullptr;
    QPushButton* assetLedgerButton_ = nullptr;
    LedgerHistoryView* ledgerView_ = nullptr;
};

} // namespace accord::ui
