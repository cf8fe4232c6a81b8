#include "accord/ui/statements/statements_panel.h"

#include "accord/core/files.h"
#include "accord/core/registry.h"
#include "accord/ui/common/labels.h"
#include "accord/ui/shell/registry_session.h"
#include "accord/ui/statements/statement_document.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateEdit>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

namespace accord::ui {

namespace {

enum Column { Exported, Release, File, Seconds, Share, Credited, HowMade, Terms, Commercial };

std::optional<UnixTime> dateOf(const QCheckBox* enabled, const QDateEdit* edit) {
    if (!enabled->isChecked())
        return std::nullopt;
    return QDateTime(edit->date(), QTime(0, 0), Qt::UTC).toSecsSinceEpoch();
}

} // namespace

StatementsPanel::StatementsPanel(RegistrySession* session, QWidget* parent)
    : QWidget(parent), session_(session), holder_(new QComboBox(this)),
      fromEnabled_(new QCheckBox(tr("From"), this)), from_(new QDateEdit(this)),
      toEnabled_(new QCheckBox(tr("Until"), this)), to_(new QDateEdit(this)),
      table_(new QTableWidget(0, 9, this)), totals_(new QLabel(this)),
      saveCsv_(new QPushButton(tr("Save CSV…"), this)),
      savePdf_(new QPushButton(tr("Save PDF…"), this)) {
    holder_->setObjectName(QStringLiteral("statementsHolder"));
    fromEnabled_->setObjectName(QStringLiteral("statementsFromEnabled"));
    from_->setObjectName(QStringLiteral("statementsFrom"));
    toEnabled_->setObjectName(QStringLiteral("statementsToEnabled"));
    to_->setObjectName(QStringLiteral("statementsTo"));
    table_->setObjectName(QStringLiteral("statementsTable"));
    totals_->setObjectName(QStringLiteral("statementsTotals"));
    saveCsv_->setObjectName(QStringLiteral("statementsSaveCsv"));
    savePdf_->setObjectName(QStringLiteral("statementsSavePdf"));
    for (QDateEdit* edit : {from_, to_}) {
        edit->setCalendarPopup(true);
        edit->setDisplayFormat(QStringLiteral("yyyy-MM-dd"));
        edit->setDate(QDate::currentDate());
        edit->setEnabled(false);
    }
    from_->setDate(QDate::currentDate().addYears(-1));
    table_->setHorizontalHeaderLabels({tr("Exported"), tr("Release"), tr("File"), tr("Seconds"),
                                       tr("Share"), tr("Credited s"), tr("How it was made"),
                                       tr("Terms"), tr("Commercial")});
    table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table_->setSelectionBehavior(QAbstractItemView::SelectRows);
    table_->verticalHeader()->hide();
    table_->horizontalHeader()->setStretchLastSection(false);
    table_->horizontalHeader()->setSectionResizeMode(HowMade, QHeaderView::Stretch);
    table_->setWordWrap(false);
    totals_->setWordWrap(true);

    auto* filters = new QHBoxLayout;
    filters->addWidget(new QLabel(tr("Rights holder"), this));
    filters->addWidget(holder_, 1);
    filters->addWidget(fromEnabled_);
    filters->addWidget(from_);
    filters->addWidget(toEnabled_);
    filters->addWidget(to_);
    auto* actions = new QHBoxLayout;
    actions->addWidget(totals_, 1);
    actions->addWidget(saveCsv_);
    actions->addWidget(savePdf_);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(filters);
    layout->addWidget(table_, 1);
    layout->addLayout(actions);

    connect(holder_, &QComboBox::currentIndexChanged, this, &StatementsPanel::reloadStatement);
    for (QCheckBox* box : {fromEnabled_, toEnabled_})
        connect(box, &QCheckBox::toggled, this, [this] {
            from_->setEnabled(fromEnabled_->isChecked());
            to_->setEnabled(toEnabled_->isChecked());
            reloadStatement();
        });
    for (QDateEdit* edit : {from_, to_})
        connect(edit, &QDateEdit::dateChanged, this, &StatementsPanel::reloadStatement);
    connect(saveCsv_, &QPushButton::clicked, this, [this] { chooseFileAndSave(false); });
    connect(savePdf_, &QPushButton::clicked, this, [this] { chooseFileAndSave(true); });
    connect(session_, &RegistrySession::opened, this, &StatementsPanel::reloadHolders);
    connect(session_, &RegistrySession::changed, this, &StatementsPanel::reloadHolders);
    connect(session_, &RegistrySession::closed, this, &StatementsPanel::reloadHolders);
    reloadHolders();
}

void StatementsPanel::reloadHolders() {
    const QString chosen = holder_->currentData().toString();
    {
        const QSignalBlocker quiet(holder_);
        holder_->clear();
        if (const Registry* registry = session_->registry())
            for (const Holder& h : registry->holders())
                holder_->addItem(holderLabel(h), fromStd(h.id));
        const int again = holder_->findData(chosen);
        holder_->setCurrentIndex(again >= 0 ? again : (holder_->count() ? 0 : -1));
    }
    reloadStatement();
}

void StatementsPanel::reloadStatement() {
    statement_.reset();
    table_->setRowCount(0);
    const Registry* registry = session_->registry();
    const QString holder = holder_->currentData().toString();
    if (registry && !holder.isEmpty()) {
        try {
            statement_ =
                workflows::royaltyStatement(*registry, holder.toStdString(),
                                            dateOf(fromEnabled_, from_), dateOf(toEnabled_, to_));
        } catch (const std::exception& error) {
            totals_->setText(tr("The statement cannot be read: %1").arg(fromStd(error.what())));
        }
    }
    saveCsv_->setEnabled(statement_.has_value());
    savePdf_->setEnabled(statement_.has_value());
    if (!statement_) {
        if (!registry || holder.isEmpty())
            totals_->setText(tr("Choose a rights holder to see what their exports earn."));
        return;
    }
    table_->setRowCount(static_cast<int>(statement_->lines.size()));
    int row = 0;
    for (const auto& line : statement_->lines) {
        auto set = [&](int column, const QString& text, bool number = false) {
            auto* item = new QTableWidgetItem(text);
            item->setToolTip(text);
            if (number)
                item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
            table_->setItem(row, column, item);
        };
        set(Exported, fromStd(line.exportedAt).left(10));
        set(Release, fromStd(line.title));
        set(File, QStringLiteral("%1 (%2)").arg(fromStd(line.file), fromStd(line.role)));
        set(Seconds, QString::number(line.seconds, 'f', 1), true);
        set(Share, QStringLiteral("%1 %").arg(line.percent, 0, 'f', 2), true);
        set(Credited, QString::number(line.seconds * line.percent / 100, 'f', 1), true);
        set(HowMade, fromStd(line.howMade));
        set(Terms, fromStd(line.terms));
        set(Commercial, line.commercial ? tr("yes") : tr("no"));
        ++row;
    }
    table_->resizeColumnsToContents();
    totals_->setText(
        statement_->lines.empty()
            ? tr("No export names %1 in this period.").arg(fromStd(statement_->holder.name))
            : tr("%1 in %2: %3 credited seconds.")
                  .arg(counted(static_cast<int>(statement_->lines.size()), tr("1 exported file"),
                               tr("%1 exported files")),
                       counted(statement_->releases, tr("1 release"), tr("%1 releases")))
                  .arg(statement_->creditedSeconds, 0, 'f', 1));
}

bool StatementsPanel::saveCsv(const QString& path) {
    if (!statement_)
        return false;
    try {
        writeFileAtomically(path.toStdString(), workflows::royaltyStatementCsv(*statement_));
        return true;
    } catch (const std::exception& error) {
        session_->reportError(tr("The statement was not saved"), error);
        return false;
    }
}

bool StatementsPanel::savePdf(const QString& path) {
    if (!statement_)
        return false;
    try {
        writeStatementPdf(*statement_, path.toStdString());
        return true;
    } catch (const std::exception& error) {
        session_->reportError(tr("The statement was not saved"), error);
        return false;
    }
}

void StatementsPanel::chooseFileAndSave(bool pdf) {
    if (!statement_)
        return;
    const QString suggested = QStringLiteral("statement-%1.%2")
                                  .arg(fromStd(statement_->holder.name).replace(' ', '-'),
                                       pdf ? QStringLiteral("pdf") : QStringLiteral("csv"));
    const QString path = QFileDialog::getSaveFileName(
        this, pdf ? tr("Save the statement as PDF") : tr("Save the statement as CSV"), suggested,
        pdf ? tr("PDF (*.pdf)") : tr("CSV (*.csv)"));
    if (path.isEmpty())
        return;
    pdf ? savePdf(path) : saveCsv(path);
}

} // namespace accord::ui
