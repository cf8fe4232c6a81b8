#include "statement_command.h"

#include "output.h"

#include "accord/core/errors.h"
#include "accord/core/files.h"
#include "accord/workflows/statement.h"

#ifdef ACCORD_CLI_WITH_MODELS
#include "statement_pdf.h"
#endif

#include <nlohmann/json.hpp>

#include <ostream>
#include <stdexcept>

namespace accord::cli {

using nlohmann::json;

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
#ifdef ACCORD_CLI_WITH_MODELS
        writeStatementPdfOffscreen(statement, path);
#else
        throw std::logic_error("accord-cli hands PDF statements to accord-cli-models");
#endif
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
