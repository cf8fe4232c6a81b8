#pragma once

// The Statements panel (docs/STATEMENTS.md): a rights holder's royalty statement, every export
// whose split sheet names them with their share, between two dates; saved as CSV or as the PDF
// `accord-cli statement` writes. Reads only.
// Thread: the UI thread; reading the manifests of a registry's exports takes milliseconds.

#include "accord/workflows/statement.h"

#include <QWidget>

#include <optional>

class QCheckBox;
class QComboBox;
class QDateEdit;
class QLabel;
class QPushButton;
class QTableWidget;

namespace accord::ui {

class RegistrySession;

class StatementsPanel : public QWidget {
    Q_OBJECT

public:
    explicit StatementsPanel(RegistrySession* session, QWidget* parent = nullptr);

    // The statement shown; nullopt when no holder is chosen or it could not be read.
    const std::optional<workflows::RoyaltyStatement>& statement() const { return statement_; }
    // Write the statement shown; false (the error reported) when it cannot be written.
    bool saveCsv(const QString& path);
    bool savePdf(const QString& path);

private:
    void reloadHolders();
    void reloadStatement();
    void chooseFileAndSave(bool pdf);

    RegistrySession* session_;
    QComboBox* holder_;
    QCheckBox* fromEnabled_;
    QDateEdit* from_;
    QCheckBox* toEnabled_;
    QDateEdit* to_;
    QTableWidget* table_;
    QLabel* totals_;
    QPushButton* saveCsv_;
    QPushButton* savePdf_;
    std::optional<workflows::RoyaltyStatement> statement_;
};

} // namespace accord::ui
