#pragma once

#include "cli_args.h"

#include <iosfwd>

namespace accord::cli {

// `train voice|style`, `style score` and `vary` (docs/CLI.md). accord-cli hands them, with the same
// arguments, to the companion accord-cli-models, which links LibTorch (see app/CMakeLists.txt).
ExitCode runModelCommand(const Arguments& args, std::ostream& out, std::ostream& err);

} // namespace accord::cli
