#include "output.h"

#include "accord/core/files.h"

#include <ostream>
#include <sstream>

namespace accord::cli {

using nlohmann::json;

json deniedJson(const Decision& decision) {
    json denied = json::array();
    for (const auto& missing : decision.missing)
        denied.push_back({{"asset", missing.asset.empty() ? json(nullptr) : json(missing.asset)},
                          {"owner", missing.owner},
                          {"scope", scopeName(missing.scope)},
                          {"why", missing.why}});
    return {{"allowed", false}, {"denied", denied}};
}

ExitCode reportError(ExitCode code, const std::string& message, std::ostream& out) {
    const std::size_t colon = message.find(": ");
    const std::string named = colon == std::string::npos ? std::string() : message.substr(0, colon);
    // A path has no spaces and a folder or an extension ("take.wav: truncated ...").
    const bool namesFile = !named.empty() && named.find(' ') == std::string::npos &&
                           named.find_first_of("/.") != std::string::npos;
    out << json{{"error",
                 {{"code", static_cast<int>(code)},
                  {"message", message},
                  {"file", namesFile ? json(named) : json(nullptr)}}}}
               .dump(2)
        << "\n";
    return code;
}

// Prints a denial (exit 4): the JSON on stdout, one line per missing grant on stderr.
ExitCode reportDenial(const Arguments& args, const Decision& decision, const std::string& what,
                      std::ostream& out, std::ostream& err) {
    if (args.json)
        out << deniedJson(decision).dump(2) << "\n";
    err << "consent denied: " << what << "\n";
    for (const auto& missing : decision.missing)
        err << "  - " << (missing.asset.empty() ? "" : "asset " + missing.asset + ", ") << "owner "
            << missing.owner << ", scope " << scopeName(missing.scope) << ": " << missing.why
            << "\n";
    return ExitCode::Denied;
}

std::string actingHolder(const Arguments& args, const Registry& registry) {
    const std::string actor = args.value("--as").value_or("");
    if (!actor.empty() && !registry.holder(actor))
        throw BadInput("--as: unknown holder '" + actor + "'");
    return actor;
}

std::unique_ptr<Registry> openExistingRegistry(const Arguments& args) {
    if (!fileExists(args.registryPath))
        throw BadInput(args.registryPath +
                       ": no consent registry here yet (accord-cli holder add creates one)");
    return Registry::open(args.registryPath);
}

nlohmann::json revokedLines(const std::vector<Grant>& revoked,
                            const std::vector<std::string>& sourceRevoked, std::string& text) {
    nlohmann::json ids = nlohmann::json::array();
    for (const Grant& g : revoked) {
        ids.push_back(g.id);
        text += "\nRevoked " + g.id + " (" + scopeName(g.scope) + ")";
    }
    for (const auto& model : sourceRevoked)
        text += "\nModel " + model + " is now source-revoked";
    return ids;
}

void emit(const Arguments& args, std::ostream& out, const json& result, const std::string& text) {
    if (args.json)
        out << result.dump(2) << "\n";
    else
        out << text << (text.empty() || text.back() == '\n' ? "" : "\n");
}

json pitchRangeJson(const models::VoicePitchRange& range) {
    return range.medianHz > 0 ? json{{"low_hz", range.lowHz},
                                     {"median_hz", range.medianHz},
                                     {"high_hz", range.highHz}}
                              : json(nullptr);
}

std::string transposeFlag(double semitones) {
    std::ostringstream flag;
    flag << "--transpose " << semitones;
    return flag.str();
}

} // namespace accord::cli
