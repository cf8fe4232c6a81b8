#pragma once

#include "cli_args.h"

#include <iosfwd>

namespace accord::cli {

// `accord-cli export PROJECT --out DIR [--stems] [--format wav|flac] [--commercial] [--as H]`:
// the consent gate over the whole lineage (exit 4 listing every missing grant, nothing written),
// then files with signed manifests (embedded and sidecar) and the split sheet.
// Warnings (a file that clips) go to `err`.
ExitCode runExportCommand(const Arguments& args, std::ostream& out, std::ostream& err);

// `accord-cli verify FILE`: signature, content binding, watermark, lineage and (when the
// registry exists) the consent state now. Exit 3 when any integrity check fails.
ExitCode runVerifyCommand(const Arguments& args, std::ostream& out, std::ostream& err);

} // namespace accord::cli
