#pragma once

#include "cli_args.h"

#include <iosfwd>
#include <string>

namespace accord::cli {

// `project new|add-track|add-clip|show` (docs/CLI.md), through the same core code as the studio.
ExitCode runProjectCommand(const std::string& verb, const Arguments& args, std::ostream& out);

} // namespace accord::cli
