#pragma once

#include "accord/core/errors.h"

#include <iosfwd>
#include <optional>
#include <string>

namespace accord::cli {

// `accord-cli demo`: the consent flow on real recordings, in a fresh registry under `outDir`
// (a new temporary folder when none is given). Prints the story; with `json`, a summary.
ExitCode runDemo(const std::optional<std::string>& outDir, bool json, std::ostream& out,
                 std::ostream& err);

} // namespace accord::cli
