#pragma once

#include "cli_args.h"

#include <iosfwd>

namespace accord::cli {

// `accord-cli identify FILE` and `accord-cli identify --reindex` (docs/CLI.md "identify"): the
// registered recordings that sound inside FILE, found by fingerprint; exit 0 whether or not any
// was found, 2 when FILE cannot be read as audio.
ExitCode runIdentifyCommand(const Arguments& args, std::ostream& out, std::ostream& err);

} // namespace accord::cli
