#pragma once

#include "cli_args.h"

#include <iosfwd>
#include <string>

namespace accord {
class Registry;
}

namespace accord::cli {

// `model list [--owner HOLDER]` and `model show MODEL [--against FILE [--transpose SEMITONES]]`
// (docs/CLI.md "model list, model show"): the registered models with where each voice sings, and
// whether a take lies in a voice model's range. They read model cards from the registry and need
// no LibTorch, so they run in accord-cli itself.
ExitCode runModelInfoCommand(const std::string& verb, const Arguments& args, Registry& registry,
                             std::ostream& out);

} // namespace accord::cli
