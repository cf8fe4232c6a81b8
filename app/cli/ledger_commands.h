#pragma once

#include "cli_args.h"

#include <iosfwd>
#include <string>

namespace accord::cli {

// `ledger push --to URL`, `ledger pull --from URL`, `ledger query --from URL (--asset HASH |
// --holder KEY)` (docs/CLI.md "ledger", docs/LEDGER.md): the shared consent ledger.
ExitCode runLedgerCommand(const std::string& verb, const Arguments& args, std::ostream& out);

} // namespace accord::cli
