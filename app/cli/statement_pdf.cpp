#include "statement_pdf.h"

#include "accord/ui/statements/statement_document.h"

#include <QGuiApplication>

namespace accord::cli {

// Qt's PDF writer lays text out with real fonts, so it needs a GUI application: offscreen, as a
// command-line tool has no display.
void writeStatementPdfOffscreen(const workflows::RoyaltyStatement& statement,
                                const std::string& path) {
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    // Qt's own notes (a missing runtime folder, fonts) are not the user's concern here; a PDF
    // that was not written is (ui::writeStatementPdf throws naming the file).
    qInstallMessageHandler([](QtMsgType, const QMessageLogContext&, const QString&) {});
    int argc = 1;
    char name[] = "accord-cli";
    char* argv[] = {name, nullptr};
    QGuiApplication app(argc, argv);
    ui::writeStatementPdf(statement, path);
}

} // namespace accord::cli
