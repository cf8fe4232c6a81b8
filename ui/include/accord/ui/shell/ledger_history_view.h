#pragma once

// What the shared ledger set in the studio (LedgerStatus::url()) holds about one subject - a
// model, a recording or a holder - one line per record or statement with where it stands now, in
// the words `accord-cli ledger query` prints (docs/LEDGER.md "Query"), read and verified on a
// worker of its own, so a query never waits behind a panel's other work.

#include "accord/workflows/ledger_query.h"

#include <QThreadPool>
#include <QWidget>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

class QLabel;
class QPushButton;
class QTreeWidget;

namespace accord::ui {

class LedgerHistoryView : public QWidget {
    Q_OBJECT

public:
    enum Column { Kind, What, State, ColumnCount };
    // Reads the lines about the subject from the ledger at the URL it is given; throws to say why
    // it could not.
    using Reader = std::function<std::vector<workflows::LedgerQueryLine>(const std::string& url)>;

    // `buttons` head the view, beside its message; `objectPrefix` names its children for tests
    // ("model": modelLedgerMessage, modelLedgerHistory).
    LedgerHistoryView(const QString& objectPrefix, const std::vector<QPushButton*>& buttons,
                      QWidget* parent = nullptr);
    ~LedgerHistoryView() override;

    QLabel* message() const { return message_; }
    QTreeWidget* history() const { return history_; }

    // Lists what `read` finds about `subject` (its name in the messages) on the studio's ledger;
    // shown() once listed, or once the message says why not. Only the newest query is shown.
    void query(const QString& subject, Reader read);

Q_SIGNALS:
    void shown();

private:
    QLabel* message_;
    QTreeWidget* history_;
    QThreadPool pool_;
    std::uint64_t ticket_ = 0;
};

} // namespace accord::ui
