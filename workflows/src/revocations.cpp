#include "accord/workflows/revocations.h"

#include "accord/core/errors.h"
#include "accord/core/files.h"
#include "accord/core/json_input.h"

#include <nlohmann/json.hpp>

namespace accord::workflows {

using nlohmann::json;

namespace {

constexpr const char* kRevocationsFormat = "accord-revocations-1";

} // namespace

RevocationsWritten exportRevocations(const Registry& registry, const std::string& out,
                                     const std::optional<std::string>& holder) {
    std::optional<Holder> only;
    if (holder)
        only = registry.requireHolder(*holder, "holder");
    json revocations = json::array();
    for (const GrantStatement& s : registry.revocationStatements()) {
        if (only && registry.grant(s.grant)->holder != only->id)
            continue;
        revocations.push_back({{"statement", s.statement}, {"signature", s.signature}});
    }
    const json file = {{"format", kRevocationsFormat},
                       {"studio", registry.studioPublicKey()},
                       {"created", formatIsoTime(currentTime())},
                       {"revocations", revocations}};
    writeFileAtomically(out, file.dump(1) + "\n");
    return {out, revocations.size()};
}

RevocationsApplied importRevocations(Registry& registry, const std::string& file) {
    const json document = parseJsonInput(readWholeFile(file), file);
    if (!document.is_object())
        throw BadInput(file + ": not a revocations file (not a JSON object)");
    const JsonFields fields(document, file);
    if (fields.text("format", "") != kRevocationsFormat)
        throw BadInput(file + ": not an Accord revocations file (\"format\" is not \"" +
                       kRevocationsFormat + "\")");
    std::vector<std::pair<std::string, std::string>> signedRevocations;
    for (const auto& item : fields.objects("revocations", false)) {
        const JsonFields revocation(item, file + ": revocation " +
                                              std::to_string(signedRevocations.size() + 1));
        signedRevocations.emplace_back(revocation.text("statement"), revocation.text("signature"));
    }
    RevocationsApplied applied;
    applied.read = signedRevocations.size();
    registry.inOneTransaction([&] {
        for (std::size_t i = 0; i < signedRevocations.size(); ++i) {
            ImportedRevocation result;
            try {
                result = registry.importRevocation(signedRevocations[i].first,
                                                   signedRevocations[i].second);
            } catch (const IntegrityError& e) {
                throw IntegrityError(file + ": revocation " + std::to_string(i + 1) + ": " +
                                     e.what() + "; nothing in the file was applied");
            }
            switch (result.outcome) {
            case ImportedRevocation::Outcome::Applied:
                applied.revoked.push_back(*result.grant);
                applied.sourceRevoked.insert(applied.sourceRevoked.end(),
                                             result.sourceRevoked.begin(),
                                             result.sourceRevoked.end());
                break;
            case ImportedRevocation::Outcome::AlreadyRevoked:
                ++applied.alreadyRevoked;
                break;
            case ImportedRevocation::Outcome::NotHere:
                ++applied.notHere;
                break;
            }
        }
    });
    return applied;
}

} // namespace accord::workflows
