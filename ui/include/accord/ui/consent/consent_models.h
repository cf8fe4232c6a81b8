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
    RegistryTableModel(RegistrySession* session, QStringList headers, QObject* parent);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

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
    Clock clock_;
};

class HoldersTableModel : public RegistryTableModel {
    Q_OBJECT

public:
    enum Column { Name, Ipi, Assets, ActiveGrants, Registered, PublicKey, Id, ColumnCount };
    explicit HoldersTableModel(RegistrySession* session, QObject* parent = nullptr);
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;

protected:
    int rows() const override { return static_cast<int>(rows_.size()); }
    void clearRows() override { rows_.clear(); }
    void loadRows(const accord::Registry& registry) override;

private:
    struct Row {
        accord::Holder holder;
        int assets = 0;
        int activeGrants = 0;
        int grants = 0;
    };
    std::vector<Row> rows_;
};

class AssetsTableModel : public RegistryTableModel {
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
    int rows() const override { return static_cast<int>(rows_.size()); }
    void clearRows() override { rows_.clear(); }
    void loadRows(const accord::Registry& registry) override;

private:
    struct Row {
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
    QString consentText(const Row& row) const;
    QString consentToolTip(const Row& row) const;
    std::vector<Row> rows_;
};

class GrantsTableModel : public RegistryTableModel {
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
    int rows() const override { return static_cast<int>(rows_.size()); }
    void clearRows() override { rows_.clear(); }
    void loadRows(const accord::Registry& registry) override;

private:
    struct Row {
        accord::Grant grant;
        GrantState state = GrantState::Active;
        QString description; // accord::describeGrant
        QString holderName;
        QString appliesTo;
        QString grantee;
    };
    QString stateToolTip(const Row& row) const;
    QString termsToolTip(const Row& row) const;
    std::vector<Row> rows_;
};

class AuditLogModel : public RegistryTableModel {
    Q_OBJECT

public:
    enum Column { Seq, Time, Operation, Table, Row, Hash, ColumnCount };
    explicit AuditLogModel(RegistrySession* session, QObject* parent = nullptr);
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;

protected:
    int rows() const override { return static_cast<int>(rows_.size()); }
    void clearRows() override { rows_.clear(); }
    void loadRows(const accord::Registry& registry) override;

private:
    std::vector<accord::AuditEntry> rows_;
};

} // namespace accord::ui
