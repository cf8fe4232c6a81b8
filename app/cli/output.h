#pragma once

#include "cli_args.h"

#include "accord/core/policy.h"
#include "accord/core/registry.h"
#include "accord/models/voice_model.h"

#include <nlohmann/json.hpp>

#include <iosfwd>
#include <memory>
#include <string>
#include <vector>

namespace accord::cli {

// The denial shape of docs/CLI.md: {"allowed": false, "denied": [{"asset", "owner", "scope",
// "why"}]}.
nlohmann::json deniedJson(const Decision& decision);
// Prints a denial (exit 4): the JSON on stdout with --json, one line per missing grant on stderr.
ExitCode reportDenial(const Arguments& args, const Decision& decision, const std::string& what,
                      std::ostream& out, std::ostream& err);
// An error with --json (docs/CLI.md "Errors"): {"error": {"code", "message", "file"}} on stdout,
// "file" being the file the message names (messages about a file start "<file>: "), else null.
// Returns `code`.
ExitCode reportError(ExitCode code, const std::string& message, std::ostream& out);
// The holder named by --as (docs/CLI.md "Acting as a holder"), or empty for nobody in
// particular; BadInput for a holder this registry does not know.
std::string actingHolder(const Arguments& args, const Registry& registry);
// The registry at --registry for a command that needs one there already (docs/CLI.md "Registry"):
// BadInput naming the path when there is none, rather than a new empty one.
std::unique_ptr<Registry> openExistingRegistry(const Arguments& args);
// Revocations applied here (an import or a ledger pull): appends a line per revoked grant and per
// model made source-revoked to `text`; returns the revoked grants' ids.
nlohmann::json revokedLines(const std::vector<Grant>& revoked,
                            const std::vector<std::string>& sourceRevoked, std::string& text);
// A pitch range as `convert` and `model show` print it: {"low_hz", "median_hz", "high_hz"}, or
// null when nothing was pitched.
nlohmann::json pitchRangeJson(const models::VoicePitchRange& range);
// "--transpose 12": the flag a user adds to convert with, as typed (convert's and model show's
// advice; 12.5 stays 12.5, whatever the stream printed before).
std::string transposeFlag(double semitones);
// The result: JSON on stdout with --json, else the human text.
void emit(const Arguments& args, std::ostream& out, const nlohmann::json& result,
          const std::string& text);

} // namespace accord::cli
