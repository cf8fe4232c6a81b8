#include "output.h"

#include <ostream>

namespace accord::cli {

using nlohmann::json;

json deniedJson(const Decision& decision) {
    json denied = json::array();
    for (const auto& missing : decision.missing)
        denied.push_back({{"asset", missing.asset.empty() ? json(nullptr) : json(missing.asset)},
                          {"owner", missing.owner},
                          {"scope", scopeName(missing.scope)},
                          {"why", missing.why}});
    return {{"denied", denied}};
}

// Prints a denial (exit 4): the JSON of SPEC §5 on stdout, one line per missing grant on stderr.
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

void emit(const Arguments& args, std::ostream& out, const json& result, const std::string& text) {
    if (args.json)
        out << result.dump(2) << "\n";
    else
        out << text << (text.empty() || text.back() == '\n' ? "" : "\n");
}

} // namespace accord::cli
