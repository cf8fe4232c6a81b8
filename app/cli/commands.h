#pragma once

#include "cli_args.h"

#include <iosfwd>
#include <vector>

namespace accord::cli {

const std::vector<CommandSpec>& commandTable();
// Runs the parsed command; results go to `out` (JSON with --json), messages to `err`.
// Returns the exit code; throws accord::Error for failures.
ExitCode runCommand(const Arguments& args, std::ostream& out, std::ostream& err);

} // namespace accord::cli
