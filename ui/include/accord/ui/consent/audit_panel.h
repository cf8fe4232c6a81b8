#pragma once

// The audit log (every change to the registry, hash-chained) and its verification. Verifying
// runs on a worker with its own registry connection, so a long log never freezes the window.

#include "accord/ui/common/errors.h"

#include <QFutureWatcher>
#include <QStringList>
#include <QWidget>

class QLabel;
class QListWidget;
class QPushButton;
class QTableView;

namespace accord::ui {

class AuditLogModel;
class RegistrySession;

struct AuditOutcome {
    bool completed = false; // false: verification itself failed (see failure)
    bool intact = false;
    long long entries = 0;
    QStringList problems;
    ErrorReport failure;
};

class AuditPanel : public QWidget {
    Q_OBJECT

public:
    explicit AuditPanel(RegistrySession* session, QWidget* parent = nullptr);
    ~AuditPanel() override;

    AuditLogModel* model() const { return model_; }
    QTableView* view() const { return view_; }
    QString resultText() const;
    bool isVerifying() const;

public Q_SLOTS:
    void verify();

Q_SIGNALS:
    void verified(const accord::ui::AuditOutcome& outcome);

private:
    void showOutcome(const AuditOutcome& outcome);
    void resetResult();

    RegistrySession* session_;
    AuditLogModel* model_;
    QTableView* view_;
    QPushButton* verifyButton_;
    QLabel* result_;
    QListWidget* problems_;
    QFutureWatcher<AuditOutcome> watcher_;
    quint64 generation_ = 0; // bumped when another registry is opened: stale results are dropped
    quint64 runningGeneration_ = 0;
};

} // namespace accord::ui
