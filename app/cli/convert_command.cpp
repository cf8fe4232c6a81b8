#include "convert_command.h"

#include "output.h"

#include "accord/core/allocator.h"
#include "accord/core/files.h"
#include "accord/core/registry.h"
#include "accord/workflows/convert.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <iomanip>
#include <sstream>

namespace accord::cli {

using nlohmann::json;

ExitCode runConvertCommand(const Arguments& args, std::ostream& out) {
    // A convert allocates and frees buffers as long as the take a dozen times over.
    keepFreedMemoryForReuse();
    auto registry = Registry::open(args.registryPath);
    const auto result = workflows::convertWithVoiceModel(
        *registry, absolutePath(args.required("--model")), absolutePath(args.positionals.at(0)),
        absolutePath(args.positionals.at(1)), args.number("--transpose", 0),
        actingHolder(args, *registry));
    std::ostringstream text;
    text << "Re-sang " << result.input.id << " with model " << result.modelId << " -> "
         << result.outPath << " (render " << result.render << ", " << std::fixed
         << std::setprecision(1) << result.seconds / std::max(result.processingSeconds, 1e-9)
         << "x real time), watermark " << result.watermark;
    text << "\nThe model's voice: "
         << (result.modelRange ? models::describePitchRange(*result.modelRange)
                               : std::string("range not recorded (trained by an earlier Accord)"))
         << "; this performance: " << models::describePitchRange(result.performanceRange);
    if (result.suggestedTranspose != 0)
        text << "\nIt lies far from the model's range: try "
             << transposeFlag(args.number("--transpose", 0) + result.suggestedTranspose);
    emit(args, out,
         {{"render", result.render},
          {"model", result.modelId},
          {"asset", result.input.kind == InputKind::Asset ? json(result.input.id) : json(nullptr)},
          {"input", {{"kind", inputKindName(result.input.kind)}, {"id", result.input.id}}},
          {"watermark", result.watermark},
          {"file", result.outPath},
          {"seconds", result.seconds},
          {"processing_seconds", result.processingSeconds},
          {"model_range", result.modelRange ? pitchRangeJson(*result.modelRange) : json(nullptr)},
          {"performance_range", pitchRangeJson(result.performanceRange)},
          {"suggested_transpose", result.suggestedTranspose}},
         text.str());
    return ExitCode::Ok;
}

} // namespace accord::cli
