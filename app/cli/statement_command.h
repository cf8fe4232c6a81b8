#pragma once

#include "cli_args.h"

#include <iosfwd>

namespace accord::cli {

// `accord-cli statement --holder H [--from D] [--to D] --format csv|pdf --out FILE`
// (docs/CLI.md "statement"): the holder's royalty statement, from the exports' manifests.
ExitCode runStatementCommand(const Arguments& args, std::ostream& out);

} // namespace accord::cli
