#include "accord/ui/consent/audit_panel.h"

#include "accord/core/errors.h"
#include "accord/core/registry.h"
#include "accord/ui/common/labels.h"
#include "accord/ui/common/palette.h"
#include "accord/ui/consent/consent_models.h"
#include "accord/ui/shell/registry_session.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

namespace accord::ui {

namespace {

// Runs on a worker thread with a connection of its own: the UI thread's Registry is not shared.
AuditOutcome verifyRegistryAt(const QString& path) {
    AuditOutcome outcome;
    try {
        const std::unique_ptr<Registry> registry = Registry::open(path.toStdString());
        const AuditReport report = registry->verifyAudit();
        outcome.completed = true;
        outcome.intact = report.intact;
        outcome.entries = static_cast<long long>(report.entries);
        for (const std::string& problem : report.problems)
            outcome.problems << QString::fromStdString(problem);
    } catch (const IntegrityError& error) {
        // The registry would not even open consistently: that is a verification result too.
        outcome.completed = true;
        outcome.intact = false;
        outcome.problems << QString::fromStdString(error.what());
    } catch (...) {
        outcome.failure = describeCurrentError(QObject::tr("Could not verify the audit log"));
    }
    return outcome;
}

const char* const kIntactStyle = "QLabel { color: @grantActive; font-weight: 600; }";
const char* const kTamperedStyle = "QLabel { color: @grantRevoked; font-weight: 600; }";

} // namespace

AuditPanel::AuditPanel(RegistrySession* session, QWidget* parent)
    : QWidget(parent), session_(session), model_(new AuditLogModel(session, this)),
      view_(new QTableView(this)), verifyButton_(new QPushButton(tr("&Verify"), this)),
      result_(new QLabel(this)), problems_(new QListWidget(this)) {
    auto* proxy = new QSortFilterProxyModel(this);
    proxy->setSourceModel(model_);
    proxy->setSortRole(SortRole);
    view_->setObjectName(QStringLiteral("auditView"));
    view_->setModel(proxy);
    view_->setSortingEnabled(true);
    view_->sortByColumn(AuditLogModel::Seq, Qt::AscendingOrder);
    view_->setSelectionBehavior(QAbstractItemView::SelectRows);
    view_->setAlternatingRowColors(true);
    view_->verticalHeader()->hide();
    view_->horizontalHeader()->setStretchLastSection(true);
    connect(model_, &QAbstractItemModel::modelReset, view_, [this] {
        view_->resizeColumnsToContents();
        view_->scrollToBottom();
    });

    verifyButton_->setObjectName(QStringLiteral("auditVerifyButton"));
    verifyButton_->setToolTip(tr("Check the hash chain, its signed head, and that replaying the "
                                 "log rebuilds every row of the registry"));
    result_->setObjectName(QStringLiteral("auditVerifyResult"));
    result_->setWordWrap(true);
    result_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    problems_->setObjectName(QStringLiteral("auditVerifyProblems"));
    problems_->setVisible(false);
    problems_->setMaximumHeight(160);

    auto* intro = new QLabel(tr("Every change to the registry is appended here; each entry's "
                                "hash covers the previous one, so a changed, deleted or "
                                "inserted row is detected."),
                             this);
    intro->setWordWrap(true);

    auto* bar = new QHBoxLayout;
    bar->addWidget(verifyButton_);
    bar->addWidget(result_, 1);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addLayout(bar);
    layout->addWidget(problems_);
    layout->addWidget(view_, 1);

    connect(verifyButton_, &QPushButton::clicked, this, &AuditPanel::verify);
    connect(&watcher_, &QFutureWatcher<AuditOutcome>::finished, this, [this] {
        verifyButton_->setEnabled(true);
        if (runningGeneration_ != generation_)
            return; // another registry was opened meanwhile
        showOutcome(watcher_.result());
    });
    connect(session_, &RegistrySession::opened, this, [this] {
        ++generation_;
        resetResult();
    });
    connect(session_, &RegistrySession::closed, this, [this] {
        ++generation_;
        resetResult();
    });
    resetResult();
}

AuditPanel::~AuditPanel() {
    watcher_.waitForFinished();
}

QString AuditPanel::resultText() const {
    return result_->text();
}

bool AuditPanel::isVerifying() const {
    return watcher_.isRunning();
}

void AuditPanel::resetResult() {
    result_->setStyleSheet(QString());
    problems_->clear();
    problems_->setVisible(false);
    result_->setText(session_->isOpen() ? tr("Not verified yet.") : tr("No registry is open."));
}

void AuditPanel::verify() {
    if (!session_->isOpen()) {
        resetResult();
        return;
    }
    if (watcher_.isRunning())
        return;
    verifyButton_->setEnabled(false);
    result_->setStyleSheet(QString());
    result_->setText(tr("Verifying…"));
    problems_->clear();
    problems_->setVisible(false);
    runningGeneration_ = generation_;
    watcher_.setFuture(QtConcurrent::run(verifyRegistryAt, session_->path()));
}

void AuditPanel::showOutcome(const AuditOutcome& outcome) {
    if (!outcome.completed) {
        result_->setStyleSheet(QString());
        result_->setText(tr("Could not verify: %1").arg(outcome.failure.message));
        session_->reportError(outcome.failure);
        Q_EMIT verified(outcome);
        return;
    }
    if (outcome.intact) {
        result_->setStyleSheet(palette::styleSheet(QString::fromLatin1(kIntactStyle)));
        const QString entries =
            counted(static_cast<int>(outcome.entries), tr("1 entry"), tr("%1 entries"));
        result_->setText(tr("✔ Intact: %1; the hash chain, its signed head and every registry "
                            "row check out.")
                             .arg(entries));
    } else {
        result_->setStyleSheet(palette::styleSheet(QString::fromLatin1(kTamperedStyle)));
        const QString problems =
            counted(static_cast<int>(outcome.problems.size()), tr("1 problem"), tr("%1 problems"));
        result_->setText(tr("✘ Tampered: %1 found. The registry no longer matches its audit "
                            "log.")
                             .arg(problems));
        problems_->addItems(outcome.problems);
        problems_->setVisible(!outcome.problems.isEmpty());
    }
    Q_EMIT verified(outcome);
}

} // namespace accord::ui
