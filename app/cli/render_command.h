#pragma once

#include "cli_args.h"

#include <iosfwd>

namespace accord::cli {

// `accord-cli render PROJECT --mix OUT [--stems DIR] [--float]`: renders offline through the
// engine's graph, prints loudness and true peak per file, and records each file as a render
// whose inputs are the recordings (and renders) that sound in it.
ExitCode runRenderCommand(const Arguments& args, std::ostream& out);

} // namespace accord::cli
