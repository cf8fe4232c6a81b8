#pragma once

#include "cli_args.h"

#include <iosfwd>
#include <string>

namespace accord {
class Registry;
}

namespace accord::cli {

// `trust add KEY --name NAME`, `trust list`, `trust remove KEY` (docs/CLI.md "trust"): the keys
// whose signatures `verify` counts besides the studio's and the holders' on record.
ExitCode runTrustCommand(const std::string& verb, const Arguments& args, Registry& registry,
                         std::ostream& out);

} // namespace accord::cli
