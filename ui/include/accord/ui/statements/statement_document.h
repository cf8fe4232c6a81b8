#pragma once

// A royalty statement as a document (docs/STATEMENTS.md): one page per release with its files,
// then the totals. Shared by `accord-cli statement --format pdf` and the studio's Statements panel,
// so both write the same PDF.

#include "accord/workflows/statement.h"

#include <QString>

#include <string>

namespace accord::ui {

QString statementHtml(const workflows::RoyaltyStatement& statement);

// Writes the statement as an A4 landscape PDF, atomically. Needs a QGuiApplication (Qt's PDF
// writer lays text out with real fonts). Throws BadInput naming `path` when it cannot be written.
void writeStatementPdf(const workflows::RoyaltyStatement& statement, const std::string& path);

} // namespace accord::ui
