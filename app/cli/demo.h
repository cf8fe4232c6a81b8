#pragma once

#include "accord/core/errors.h"

#include <iosfwd>
#include <optional>
#include <string>

namespace accord::cli {

// `accord-cli demo`: the whole flow on real recordings, in a fresh registry under `outDir` (a
// new temporary folder when none is given): holders, recordings, grants, a voice model trained,
// a performance re-sung and watermarked, laundering refused, a song exported with signed
// manifests and split sheet, verified, then a grant revoked and the same export denied with
// reasons. Prints the story; with `json`, a summary. Runs in accord-cli-models (it trains).
ExitCode runDemo(const std::optional<std::string>& outDir, bool json, std::ostream& out,
                 std::ostream& err);

} // namespace accord::cli
