#pragma once

#include "cli_args.h"

#include <iosfwd>

namespace accord::cli {

// `accord-cli convert IN OUT --model FILE [--transpose N] [--as HOLDER]` (docs/CLI.md): re-sings
// a registered recording with a voice model. In the light accord-cli: running a trained voice
// model needs no LibTorch.
ExitCode runConvertCommand(const Arguments& args, std::ostream& out);

} // namespace accord::cli
