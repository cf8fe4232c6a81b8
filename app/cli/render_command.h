#pragma once

#include "cli_args.h"

#include "accord/audio/render.h"

#include <iosfwd>
#include <optional>

namespace accord::cli {

// What `render` and `export` both take, read and checked in one place (docs/CLI.md "export"):
// --range START END (seconds; none: the whole project) and --loudness LUFS [--true-peak DBTP].
struct RangeAndLoudness {
    double startSeconds = 0;
    double endSeconds = 0; // 0: no range
    std::optional<audio::LoudnessTarget> loudnessTarget;
};
RangeAndLoudness readRangeAndLoudness(const Arguments& args);

// `accord-cli render PROJECT --mix OUT [--stems DIR] [--float] [--range START END]
// [--loudness LUFS [--true-peak DBTP]]`: renders offline through the
// engine's graph, prints loudness and true peak per file, and records each file as a render
// whose inputs are the recordings (and renders) that sound in it.
ExitCode runRenderCommand(const Arguments& args, std::ostream& out);

} // namespace accord::cli
