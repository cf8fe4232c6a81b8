#include "pack_commands.h"

#include "accord/core/files.h"
#include "accord/core/registry.h"
#include "accord/workflows/share.h"
#include "output.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <iomanip>
#include <ostream>
#include <sstream>

namespace accord::cli {

using nlohmann::json;

namespace {

json useJson(const workflows::PackUse& use) {
    return {{"scope", scopeName(use.scope)},
            {"holder", use.holderName},
            {"holder_key", use.holderKey},
            {"share", use.sharePercent},
            {"commercial", use.commercial},
            {"expires", use.expires ? json(formatIsoDate(*use.expires)) : json()},
            {"licence", use.licence}};
}

// "Ada allows generate (30% share, commercial, until 2027-06-01)".
std::string useText(const workflows::PackUse& use) {
    std::ostringstream text;
    text << use.holderName << " allows " << scopeName(use.scope) << " (" << use.sharePercent
         << "% share, " << (use.commercial ? "commercial use" : "non-commercial only");
    if (use.expires)
        text << ", until " << formatIsoDate(*use.expires);
    if (!use.licence.empty())
        text << ", licence " << use.licence;
    text << ")";
    return text.str();
}

json contentsJson(const workflows::PackContents& c) {
    json uses = json::array();
    for (const auto& use : c.uses)
        uses.push_back(useJson(use));
    return {{"file_sha256", c.fileSha256},
            {"model_kind", c.modelKind},
            {"model_owner", c.modelOwnerName},
            {"model_owner_key", c.modelOwnerKey},
            {"recipient", c.recipientKey ? json(c.recipientName) : json()},
            {"recipient_key", c.recipientKey ? json(*c.recipientKey) : json()},
            {"recipient_here", c.recipientHere ? json(c.recipientHere->id) : json()},
            {"shared_by_studio", c.sharedBy},
            {"training_recordings", c.trainingRecordings},
            {"uses", uses}};
}

std::string contentsText(const workflows::PackContents& c) {
    std::string text =
        "A " + c.modelKind + " model of " + c.modelOwnerName + ", for " +
        (c.recipientKey ? c.recipientName + (c.recipientHere ? " (" + c.recipientHere->id + " here)"
                                                             : " (not a holder here)")
                        : std::string("anyone who has the pack")) +
        "; trained on " + std::to_string(c.trainingRecordings) + " recording" +
        (c.trainingRecordings == 1 ? "" : "s");
    // One line per grant the pack carries would repeat itself for every recording.
    std::vector<std::pair<std::string, int>> lines;
    for (const auto& use : c.uses) {
        const std::string line = useText(use);
        const auto same = std::find_if(lines.begin(), lines.end(),
                                       [&](const auto& l) { return l.first == line; });
        if (same == lines.end())
            lines.emplace_back(line, 1);
        else
            ++same->second;
    }
    for (const auto& [line, count] : lines)
        text += "\n  " + line + (count > 1 ? " on " + std::to_string(count) + " recordings" : "");
    return text;
}

ExitCode share(const Arguments& args, std::ostream& out) {
    auto registry = Registry::open(args.registryPath);
    workflows::ShareRequest request;
    request.modelFile = absolutePath(args.positionals.front());
    const auto to = args.value("--to");
    if (to.has_value() == args.has("--anyone"))
        throw UsageError("share: give exactly one of --to HOLDER_OR_KEY and --anyone");
    request.to = to;
    request.toName = args.value("--to-name").value_or("");
    request.commercial = args.has("--commercial");
    if (const auto expires = args.value("--expires"))
        request.expires = parseIsoTime(*expires, "--expires");
    request.actor = actingHolder(args, *registry);
    request.out = absolutePath(args.required("--out"));
    const auto shared = workflows::shareModel(*registry, request);
    json grants = json::array();
    for (const Grant& g : shared.grants)
        grants.push_back(g.id);
    std::ostringstream text;
    text << "Shared model " << shared.model.id << " with "
         << (shared.recipient ? shared.recipient->name + " (" + shared.recipient->id + ")"
                              : std::string("anyone who has the pack"))
         << " -> " << shared.path << " (" << std::fixed << std::setprecision(1)
         << shared.bytes / 1048576.0 << " MiB); grants given for it: ";
    for (std::size_t i = 0; i < shared.grants.size(); ++i)
        text << (i ? ", " : "") << shared.grants[i].id << " (" << scopeName(shared.grants[i].scope)
             << ")";
    text << "\nRevoke those grants to withdraw the pack (then `revocations export`).";
    emit(args, out,
         {{"pack", shared.path},
          {"file_sha256", shared.fileSha256},
          {"bytes", shared.bytes},
          {"model", shared.model.id},
          {"recipient", shared.recipient ? json(shared.recipient->id) : json()},
          {"grants", grants}},
         text.str());
    return ExitCode::Ok;
}

ExitCode packInspect(const Arguments& args, std::ostream& out) {
    auto registry = Registry::open(args.registryPath);
    const auto contents = workflows::inspectPack(*registry, absolutePath(args.positionals.front()));
    json result = contentsJson(contents);
    result["imported_as"] = contents.importedBefore ? json(contents.importedBefore->id) : json();
    emit(args, out, result, "Signatures and hashes hold. " + contentsText(contents));
    return ExitCode::Ok;
}

ExitCode packImport(const Arguments& args, std::ostream& out) {
    auto registry = Registry::open(args.registryPath);
    const auto imported = workflows::importPack(*registry, absolutePath(args.positionals.front()));
    json result = contentsJson(imported.contents);
    result["pack"] = imported.pack.id;
    result["model"] = imported.model.id;
    result["model_file"] = imported.model.file;
    result["already_imported"] = imported.alreadyImported;
    emit(args, out, result,
         (imported.alreadyImported ? "Already imported as " : "Imported pack ") + imported.pack.id +
             ": model " + imported.model.id + " (" + imported.model.file + ")\n" +
             contentsText(imported.contents));
    return ExitCode::Ok;
}

ExitCode packList(const Arguments& args, std::ostream& out) {
    auto registry = openExistingRegistry(args);
    json list = json::array();
    std::string text;
    for (const PackRecord& p : registry->packs()) {
        list.push_back({{"id", p.id},
                        {"model", p.model},
                        {"file_sha256", p.fileSha256},
                        {"studio", p.studioKey},
                        {"recipient", p.recipient ? json(*p.recipient) : json()},
                        {"imported", p.importedAt}});
        text += p.id + "  model " + p.model + "  imported " + p.importedAt + "\n";
    }
    emit(args, out, {{"packs", list}}, text.empty() ? "No packs imported." : text);
    return ExitCode::Ok;
}

} // namespace

ExitCode runPackCommand(const Arguments& args, std::ostream& out) {
    const auto& words = args.command->words;
    if (words[0] == "share")
        return share(args, out);
    if (words[1] == "inspect")
        return packInspect(args, out);
    if (words[1] == "import")
        return packImport(args, out);
    return packList(args, out);
}

} // namespace accord::cli
