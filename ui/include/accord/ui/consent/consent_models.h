#pragma once

// Table models of the consent registry (docs/ARCHITECTURE.md "Consent registry"): holders, assets,
// grants and the audit log. Each keeps a snapshot of plain values read through accord::Registry and
// re-reads it whenever the session reports a change. Everything is described in plain language.

#include "accord/core/registry.h"

#include <QAbstractTableModel>

#include <QStringList>
#include <algorithm>

#include <functional>
#include <vector>

namespace accord::ui {

class RegistrySession;

// Roles beyond Qt's: stable values for sorting, tests and later panels.
enum ModelRole {
    IdRole = Qt::UserRole + 1, // the row's registry id (holder, asset, grant) or log sequence
    SortRole,                  // a value that sorts naturally (numbers as numbers)
    StateRole,                 // grants: accord::grantStateName of the grant's state
    NotExportableRole,         // assets: true when no active export grant of its owner covers it
};

using Clock = std::function<accord::UnixTime()>;

class RegistryTableModel : public QAbstractTableModel {
    Q_OBJECT

public:
    // `numberColumns` align right, as numbers do in a table.
    RegistryTableModel(RegistrySession* session, QStringList headers, QList<int> numberColumns,
                       QObject* parent);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;
    // What every table shows alike (the number columns' alignment); each table's data() hands
    // the roles it does not answer itself to this.
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;

    // The time that decides whether a grant has expired; accord::currentTime by default.
    void setClock(Clock clock);
    accord::UnixTime now() const { return clock_(); }

public Q_SLOTS:
    // Re-reads the registry (or empties the table when none is open). A read failure is
    // reported through the session and leaves the table empty.
    void reload();

protected:
    virtual int rows() const = 0;
    virtual void clearRows() = 0;
    virtual void loadRows(const accord::Registry& registry) = 0;

    RegistrySession* session() const { return session_; }

private:
    RegistrySession* session_;
    QStringList headers_;
    QList<int> numberColumns_;
    Clock clock_;
};

// A registry table whose rows are a snapshot of `Row` values, filled by loadRows.
template <typename Row> class RegistryRowsModel : public RegistryTableModel {
public:
    using RegistryTableModel::RegistryTableModel;

protected:
    int rows() const override { return static_cast<int>(rows_.size()); }
    void clearRows() override { rows_.clear(); }
    // The row `index` is in, or null when it is in none.
    const Row* rowAt(const QModelIndex& index) const {
        return index.isValid() && index.row() < rows() ? &rows_[static_cast<size_t>(index.row())]
                                                       : nullptr;
    }

    std::vector<Row> rows_;
};

// One row of each table, as read from the registry.
struct HolderRow {
    accord::Holder holder;
    int assets = 0;
    int activeGrants = 0;
    int grants = 0;
};

struct AssetRow {
    accord::Asset asset;
    QString ownerName;
    QString fileName;
    int grants = 0; // of the owner, covering this asset, in any state
    std::vector<accord::Scope> activeScopes;
    // Every grant revoked or expired: the owner said no.
    bool withdrawn() const { return grants > 0 && activeScopes.empty(); }
    bool exportAllowed() const {
        return std::find(activeScopes.begin(), activeScopes.end(), accord::Scope::Export) !=
               activeScopes.end();
    }
};

struct GrantRow {
    accord::Grant grant;
    GrantState state = GrantState::Active;
    QString description; // accord::describeGrant
    QString holderName;
    QString appliesTo;
    QString grantee;
};

class HoldersTableModel : public RegistryRowsModel<HolderRow> {
    Q_OBJECT

public:
    enum Column { Name, Ipi, Assets, ActiveGrants, Registered, PublicKey, Id, ColumnCount };
    explicit HoldersTableModel(RegistrySession* session, QObject* parent = nullptr);
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;

protected:
    void loadRows(const accord::Registry& registry) override;

private:
    using Row = HolderRow;
};

class AssetsTableModel : public RegistryRowsModel<AssetRow> {
    Q_OBJECT

public:
    enum Column {
        Consent,
        File,
        Owner,
        Duration,
        SampleRate,
        Channels,
        Origin,
        Isrc,
        Id,
        ColumnCount
    };
    explicit AssetsTableModel(RegistrySession* session, QObject* parent = nullptr);
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;

protected:
    void loadRows(const accord::Registry& registry) override;

private:
    using Row = AssetRow;
    QString consentText(const Row& row) const;
    QString consentToolTip(const Row& row) const;
};

class GrantsTableModel : public RegistryRowsModel<GrantRow> {
    Q_OBJECT

public:
    enum Column {
        State,
        Description,
        Holder,
        Scope,
        AppliesTo,
        Grantee,
        Share,
        Commercial,
        Expires,
        Id,
        ColumnCount
    };
    explicit GrantsTableModel(RegistrySession* session, QObject* parent = nullptr);
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;

protected:
    void loadRows(const accord::Registry& registry) override;

private:
    using Row = GrantRow;
    QString stateToolTip(const Row& row) const;
    QString termsToolTip(const Row& row) const;
};

class AuditLogModel : public RegistryRowsModel<accord::AuditEntry> {
    Q_OBJECT

public:
    enum Column { Seq, Time, Operation, Table, Row, Hash, ColumnCount };
    explicit AuditLogModel(RegistrySession* session, QObject* parent = nullptr);
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;

protected:
    void loadRows(const accord::Registry& registry) override;
};

} // namespace accord::ui
