#include "accord/ui/shell/ledger_history_view.h"

#include "accord/ui/common/labels.h"
#include "accord/ui/common/messages.h"
#include "accord/ui/shell/ledger_status.h"

#include <QFutureWatcher>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTreeWidget>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include <exception>

namespace accord::ui {

namespace {

struct LedgerHistoryOutcome {
    std::vector<workflows::LedgerQueryLine> lines;
    QString error; // why it could not be read; empty when read
};

} // namespace

LedgerHistoryView::LedgerHistoryView(const QString& objectPrefix,
                                     const std::vector<QPushButton*>& buttons, QWidget* parent)
    : QWidget(parent), message_(new QLabel(this)), history_(new QTreeWidget(this)) {
    pool_.setMaxThreadCount(1);
    pool_.setObjectName(QStringLiteral("ledger query"));
    message_->setObjectName(objectPrefix + QStringLiteral("LedgerMessage"));
    message_->setWordWrap(true);
    message_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    setMessage(message_, QString());
    history_->setObjectName(objectPrefix + QStringLiteral("LedgerHistory"));
    history_->setHeaderLabels({tr("Kind"), tr("On the ledger"), tr("Stands now")});
    history_->setRootIsDecorated(false);
    history_->setAlternatingRowColors(true);
    history_->setWordWrap(true);
    history_->header()->setStretchLastSection(true);
    history_->hide(); // until a query lists something

    auto* row = new QHBoxLayout;
    for (QPushButton* button : buttons)
        row->addWidget(button);
    row->addWidget(message_, 1);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(row);
    layout->addWidget(history_, 1);
}

LedgerHistoryView::~LedgerHistoryView() {
    pool_.waitForDone();
}

void LedgerHistoryView::query(const QString& subject, Reader read) {
    const QString url = LedgerStatus::url();
    history_->clear();
    history_->hide();
    const std::uint64_t ticket = ++ticket_;
    if (url.isEmpty()) {
        setMessage(message_, tr("No ledger is set: Registry > Pull from Ledger… asks for its URL."),
                   MessageKind::Error);
        Q_EMIT shown();
        return;
    }
    setMessage(message_, tr("Reading the ledger…"));
    auto* watcher = new QFutureWatcher<LedgerHistoryOutcome>(this);
    connect(
        watcher, &QFutureWatcher<LedgerHistoryOutcome>::finished, this,
        [this, watcher, ticket, url, subject] {
            watcher->deleteLater();
            if (ticket != ticket_)
                return; // another query was asked for since
            const LedgerHistoryOutcome outcome = watcher->result();
            if (!outcome.error.isEmpty()) {
                setMessage(message_, tr("Could not read %1: %2").arg(url, outcome.error),
                           MessageKind::Error);
                Q_EMIT shown();
                return;
            }
            for (const workflows::LedgerQueryLine& line : outcome.lines) {
                auto* item = new QTreeWidgetItem(history_);
                item->setText(Kind, fromStd(line.kind));
                item->setText(What, fromStd(line.what));
                item->setText(State, fromStd(line.state));
                item->setData(Kind, Qt::UserRole, fromStd(line.id));
                item->setToolTip(What, fromStd(line.text()));
            }
            history_->setVisible(!outcome.lines.empty());
            setMessage(
                message_,
                outcome.lines.empty()
                    ? tr("The ledger holds nothing about %1 (%2): push it first.").arg(subject, url)
                    : tr("%1 on %2, each verified.")
                          .arg(counted(static_cast<int>(outcome.lines.size()),
                                       tr("1 record or statement"),
                                       tr("%1 records and statements")),
                               url));
            Q_EMIT shown();
        });
    // On the worker: the ledger is read and every row verified there (docs/LEDGER.md "Trust").
    watcher->setFuture(QtConcurrent::run(&pool_, [read = std::move(read), url] {
        try {
            return LedgerHistoryOutcome{read(url.toStdString()), {}};
        } catch (const std::exception& error) {
            return LedgerHistoryOutcome{{}, QString::fromUtf8(error.what())};
        }
    }));
}

} // namespace accord::ui
