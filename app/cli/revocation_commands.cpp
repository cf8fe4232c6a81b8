#include "accord/core/files.h"
#include "accord/core/registry.h"
#include "accord/workflows/revocations.h"
#include "output.h"
#include "pack_commands.h"

#include <nlohmann/json.hpp>

#include <ostream>

namespace accord::cli {

using nlohmann::json;

ExitCode runRevocationsCommand(const std::string& verb, const Arguments& args, std::ostream& out) {
    if (verb == "export") {
        auto registry = openExistingRegistry(args);
        const auto written = workflows::exportRevocations(
            *registry, absolutePath(args.required("--out")), args.value("--holder"));
        emit(args, out, {{"file", written.path}, {"revocations", written.count}},
             "Wrote " + std::to_string(written.count) + " signed revocation" +
                 (written.count == 1 ? "" : "s") + " to " + written.path);
        return ExitCode::Ok;
    }
    auto registry = Registry::open(args.registryPath);
    const auto applied =
        workflows::importRevocations(*registry, absolutePath(args.positionals.front()));
    std::string text = "Read " + std::to_string(applied.read) + " revocation" +
                       (applied.read == 1 ? "" : "s") + ": " +
                       std::to_string(applied.revoked.size()) + " applied, " +
                       std::to_string(applied.alreadyRevoked) + " already revoked here, " +
                       std::to_string(applied.notHere) + " of grants not on record here";
    const json revoked = revokedLines(applied.revoked, applied.sourceRevoked, text);
    emit(args, out,
         {{"read", applied.read},
          {"revoked", revoked},
          {"already_revoked", applied.alreadyRevoked},
          {"not_here", applied.notHere},
          {"source_revoked_models", applied.sourceRevoked}},
         text);
    return ExitCode::Ok;
}

} // namespace accord::cli
