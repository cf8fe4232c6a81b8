#pragma once

#include "cli_args.h"

#include <iosfwd>

namespace accord::cli {

// `share`, `pack inspect`, `pack import`, `pack list` (docs/CLI.md "share", "pack"): model packs.
// They read model files, so they run in accord-cli-models.
ExitCode runPackCommand(const Arguments& args, std::ostream& out);

// `revocations export` and `revocations import` (docs/CLI.md "revocations").
ExitCode runRevocationsCommand(const std::string& verb, const Arguments& args, std::ostream& out);

} // namespace accord::cli
