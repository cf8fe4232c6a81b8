#include "trust_commands.h"

#include "accord/core/entity_json.h"
#include "accord/core/registry.h"
#include "output.h"

namespace accord::cli {

using nlohmann::json;

namespace {

constexpr std::size_t kShownKeyDigits = 16;

std::string shortKey(const std::string& key) {
    return key.substr(0, kShownKeyDigits) + "…";
}

} // namespace

ExitCode runTrustCommand(const std::string& verb, const Arguments& args, Registry& registry,
                         std::ostream& out) {
    if (verb == "add") {
        const TrustedKey key = registry.trustKey(args.positionals.front(), args.required("--name"));
        emit(args, out, trustedKeyJson(key),
             "Trusted key " + shortKey(key.publicKey) + " as '" + key.name +
                 "': verify counts the manifests it signs");
        return ExitCode::Ok;
    }
    if (verb == "remove") {
        const TrustedKey key = registry.untrustKey(args.positionals.front());
        emit(args, out, trustedKeyJson(key),
             "No longer trusted since " + *key.removedAt + ": key " + shortKey(key.publicKey) +
                 " ('" + key.name + "')");
        return ExitCode::Ok;
    }
    json list = json::array();
    std::string text;
    for (const TrustedKey& key : registry.trustedKeys()) {
        list.push_back(trustedKeyJson(key));
        text += key.publicKey + "  " + key.name + "  " +
                (key.removedAt ? "removed " + *key.removedAt : "trusted since " + key.addedAt) +
                "\n";
    }
    emit(args, out, {{"trusted_keys", list}},
         text.empty() ? "No trusted keys: verify counts only this studio's and its holders' keys."
                      : text);
    return ExitCode::Ok;
}

} // namespace accord::cli
