#include "statement_command.h"

#include "output.h"

#include "accord/core/errors.h"
#include "accord/core/files.h"
#include "accord/workflows/statement.h"

#include "accord/ui/statements/statement_document.h"

#include <QGuiApplication>

#include <nlohmann/json.hpp>

#include <ostream>

namespace accord::cli {

using nlohmann::json;

namespace {

// Qt's PDF writer lays text out with real fonts, so it needs a GUI application: offscreen, as a
// command-line tool has no display.
void writePdf(const workflows::RoyaltyStatement& statement, const std::string& path) {
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    // Qt's own notes (a missing runtime folder, fonts) are not the user's concern here; a PDF
    // that was not written is (checked below).
    qInstallMessageHandler([](QtMsgType, const QMessageLogContext&, const QString&) {});
    int argc = 1;
    char name[] = "accord-cli";
    char* argv[] = {name, nullptr};
    QGuiApplication app(argc, argv);
    ui::writeStatementPdf(statement, path);
}

} // namespace

ExitCode runStatementCommand(const Arguments& args, std::ostream& out) {
    const std::string format = args.value("--format").value_or("csv");
    if (format != "csv" && format != "pdf")
        throw BadInput("--format: '" + format + "' (csv or pdf expected)");
    const auto registry = openExistingRegistry(args);
    std::optional<UnixTime> from, to;
    if (const auto value = args.value("--from"))
        from = parseIsoTime(*value, "--from");
    if (const auto value = args.value("--to"))
        to = parseIsoTime(*value, "--to");
    const auto statement =
        workflows::royaltyStatement(*registry, args.required("--holder"), from, to);
    const std::string path = absolutePath(args.required("--out"));
    if (format == "csv")
        writeFileAtomically(path, workflows::royaltyStatementCsv(statement));
    else
        writePdf(statement, path);
    emit(args, out,
         json{{"holder", statement.holder.id},
              {"file", path},
              {"format", format},
              {"exports", statement.lines.size()},
              {"releases", statement.releases},
              {"credited_seconds", statement.creditedSeconds}},
         "Wrote the statement of " + statement.holder.name + " (" +
             std::to_string(statement.lines.size()) + " exported files, " +
             std::to_string(statement.releases) + " releases) to " + path);
    return ExitCode::Ok;
}

} // namespace accord::cli
