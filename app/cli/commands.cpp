#include "commands.h"

#include "accord/core/entity_json.h"
#include "accord/core/policy.h"
#include "accord/core/project.h"
#include "accord/core/registry.h"
#include "accord/workflows/consent_check.h"
#include "accord/workflows/import.h"
#include "convert_command.h"
#include "identify_command.h"
#include "ledger_commands.h"
#include "model_info_commands.h"
#include "output.h"
#include "pack_commands.h"
#include "project_commands.h"
#include "provenance_commands.h"
#include "render_command.h"
#include "statement_command.h"
#include "trust_commands.h"
#ifdef ACCORD_CLI_WITH_MODELS
#include "demo.h"
#include "model_commands.h"
#endif

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iomanip>
#include <ostream>
#include <unistd.h>

namespace accord::cli {

using nlohmann::json;

namespace {

// `train voice` and `train style` take the same options: both go through one training scaffold
// (workflows/src/training.cpp; docs/CLI.md "train style").
const std::string kTrainingUsage =
    "--owner HOLDER --asset ID... --out MODEL_FILE [--max-minutes N] "
    "[--steps N] [--seed N] [--as HOLDER]";
const std::vector<OptionSpec> kTrainingOptions = {
    {"--owner", true}, {"--asset", true, true}, {"--out", true}, {"--max-minutes", true},
    {"--steps", true}, {"--seed", true},        {"--as", true}};

const std::vector<CommandSpec> commands = {
    {{"holder", "add"},
     "Adds a rights holder (an artist, a label) with a key pair of their own.",
     "--name NAME [--ipi IPI]",
     {{"--name", true}, {"--ipi", true}},
     0,
     0},
    {{"holder", "list"}, "Lists the rights holders of this registry.", "", {}, 0, 0},
    {{"asset", "add"},
     "Registers a recording or MIDI file of a holder, known by its content; scans it for "
     "registered recordings inside.",
     "FILE --owner HOLDER [--isrc ISRC] [--origin recorded|imported]",
     {{"--owner", true}, {"--isrc", true}, {"--origin", true}},
     1,
     1},
    {{"asset", "list"},
     "Lists the registered recordings and MIDI files.",
     "[--owner HOLDER]",
     {{"--owner", true}},
     0,
     0},
    {{"grant", "add"},
     "Records what a holder allows (train-voice, train-style, generate, export, share), on what, "
     "for whom and on which terms.",
     "--holder HOLDER (--asset ID | --all-assets) --scope SCOPE [--to HOLDER] [--share PERCENT] "
     "[--commercial] [--expires YYYY-MM-DD] [--licence TEXT] [--attribution TEXT]",
     {{"--holder", true},
      {"--asset", true},
      {"--all-assets", false},
      {"--scope", true},
      {"--to", true},
      {"--share", true},
      {"--commercial", false},
      {"--expires", true},
      {"--licence", true},
      {"--attribution", true}},
     0,
     0},
    {{"grant", "revoke"},
     "Revokes a grant: from now on it allows nothing; it stays in the history.",
     "GRANT [--reason TEXT]",
     {{"--reason", true}},
     1,
     1},
    {{"grant", "list"},
     "Lists grants with their state (active, expired, revoked).",
     "[--asset ID] [--holder HOLDER]",
     {{"--asset", true}, {"--holder", true}},
     0,
     0},
    {{"consent", "check"},
     "Asks the policy engine whether a use is allowed now, and names every missing grant.",
     "--scope SCOPE (--asset ID | --model ID | --render ID) [--as HOLDER] [--commercial] "
     "[--at YYYY-MM-DD]",
     {{"--scope", true},
      {"--asset", true},
      {"--model", true},
      {"--render", true},
      {"--as", true},
      {"--commercial", false},
      {"--at", true}},
     0,
     0},
    {{"audit", "verify"},
     "Replays the hash-chained audit log and names any row changed behind the registry's back.",
     "",
     {},
     0,
     0},
    {{"audit", "log"},
     "Prints the audit log, newest first.",
     "[--limit N]",
     {{"--limit", true}},
     0,
     0},
    {{"project", "new"},
     "Creates an empty project file.",
     "PROJECT [--rate HZ] [--tempo BPM] [--time-signature N/D]",
     {{"--rate", true}, {"--tempo", true}, {"--time-signature", true}},
     1,
     1},
    {{"project", "add-track"},
     "Adds a track to a project, optionally sung through a voice model.",
     "PROJECT --name NAME [--gain DB] [--pan -1..1] [--mute] [--solo] [--model MODEL_FILE "
     "[--transpose SEMITONES]] [--eq TYPE:HZ:DB[:Q]]... [--send DB]",
     {{"--name", true},
      {"--gain", true},
      {"--pan", true},
      {"--mute", false},
      {"--solo", false},
      {"--model", true},
      {"--transpose", true},
      {"--eq", true, true},
      {"--send", true}},
     1,
     1},
    {{"project", "add-clip"},
     "Places an audio file on a track (by its name or id), registering it for --owner when new.",
     "PROJECT --track TRACK FILE [--at SEC] [--offset SEC] [--length SEC] [--gain DB] "
     "[--owner HOLDER]",
     {{"--track", true},
      {"--at", true},
      {"--offset", true},
      {"--length", true},
      {"--gain", true},
      {"--owner", true}},
     2,
     2},
    {{"project", "set"},
     "Sets the master bus: master fader, limiter and reverb (only the flags given change).",
     "PROJECT [--master-gain DB] [--limiter on|off] [--ceiling DBTP] [--reverb-room 0..1] "
     "[--reverb-damping 0..1] [--reverb-width 0..1] [--reverb-return DB]",
     {{"--master-gain", true},
      {"--limiter", true},
      {"--ceiling", true},
      {"--reverb-room", true},
      {"--reverb-damping", true},
      {"--reverb-width", true},
      {"--reverb-return", true}},
     1,
     1},
    {{"project", "show"}, "Prints a project's tracks and clips.", "PROJECT", {}, 1, 1},
    {{"render"},
     "Renders a project's mix or stems (no consent needed for listening; nothing is signed).",
     "PROJECT (--mix OUT | --stems DIR | both) [--float] [--range START END] [--loudness LUFS "
     "[--true-peak DBTP]]   (OUT: .wav 24-bit, .flac 24-bit)",
     {{"--mix", true},
      {"--stems", true},
      {"--float", false},
      {"--range", true, true},
      {"--loudness", true},
      {"--true-peak", true}},
     1,
     1},
    {{"train", "voice"},
     "Trains a voice model on recordings whose owners allowed train-voice.",
     kTrainingUsage,
     kTrainingOptions,
     0,
     0},
    {{"train", "style"},
     "Trains a style model on MIDI files and monophonic stems whose owners allowed train-style.",
     kTrainingUsage + "   (assets: MIDI files and monophonic stems)",
     kTrainingOptions,
     0,
     0},
    {{"style", "score"},
     "Scores how closely phrases follow a style model.",
     "--model MODEL_FILE FILE...",
     {{"--model", true}},
     1,
     10000},
    {{"vary"},
     "Makes in-style variations of a phrase, each checked against copying, watermarked and "
     "registered.",
     "--model MODEL_FILE IN --count N --out DIR [--seed S] [--temperature T] [--stray 0..1] "
     "[--keep-rhythm] [--keep-contour] [--density -1..1] [--register SEMITONES] "
     "[--voice VOICE_MODEL | --program GM] [--from SEC --to SEC] [--as HOLDER]",
     {{"--model", true},
      {"--count", true},
      {"--from", true},
      {"--to", true},
      {"--out", true},
      {"--seed", true},
      {"--temperature", true},
      {"--stray", true},
      {"--keep-rhythm", false},
      {"--keep-contour", false},
      {"--density", true},
      {"--register", true},
      {"--voice", true},
      {"--program", true},
      {"--as", true}},
     1,
     1},
    {{"model", "list"},
     "Lists the registered voice and style models, and where each voice sings.",
     "[--owner HOLDER]",
     {{"--owner", true}},
     0,
     0},
    {{"model", "show"},
     "Shows a model: whose it is, what it was trained on, where its voice sings; with --against, "
     "whether a take lies in that range and which octave transposition brings it there.",
     "MODEL [--against FILE [--transpose SEMITONES]]   (MODEL: a model id or a voice model file)",
     {{"--against", true}, {"--transpose", true}},
     1,
     1},
    {{"convert"},
     "Re-sings a recording through a voice model (needs the voice owner's generate grant).",
     "--model MODEL_FILE IN OUT [--transpose SEMITONES] [--as HOLDER]",
     {{"--model", true}, {"--transpose", true}, {"--as", true}},
     2,
     2},
    {{"export"},
     "Exports a project with signed manifests, watermark, C2PA credentials and split sheet, when "
     "every holder allows it.",
     "PROJECT --out DIR [--stems] [--format wav|flac|mp3] [--bitrate KBITS] [--range START END] "
     "[--loudness LUFS [--true-peak DBTP]] [--commercial] [--as HOLDER] "
     "[--ddex [--dpid DPID] [--ddex-recipient DPID] [--genre GENRE]]",
     {{"--out", true},
      {"--stems", false},
      {"--format", true},
      {"--bitrate", true},
      {"--range", true, true},
      {"--loudness", true},
      {"--true-peak", true},
      {"--commercial", false},
      {"--as", true},
      {"--ddex", false},
      {"--dpid", true},
      {"--ddex-recipient", true},
      {"--genre", true}},
     1,
     1},
    {{"trust", "add"},
     "Trusts a signing key: verify then accepts what it signed.",
     "KEY --name NAME   (KEY: an Ed25519 public key, 64 hex digits, as verify names a signer)",
     {{"--name", true}},
     1,
     1},
    {{"trust", "list"}, "Lists the trusted signing keys.", "", {}, 0, 0},
    {{"trust", "remove"}, "Stops trusting a signing key.", "KEY", {}, 1, 1},
    {{"verify"},
     "Checks a file's proof: who signed it, whether its sound is what was signed, its lineage and "
     "consents.",
     "FILE",
     {},
     1,
     1},
    {{"identify"},
     "Finds registered recordings inside any audio (excerpts, mixed, sped up or pitched).",
     "FILE [--ledger URL] | --reindex",
     {{"--reindex", false}, {"--ledger", true}},
     0,
     1},
    {{"statement"},
     "Writes a holder's royalty statement (CSV or PDF) from the exports' manifests.",
     "--holder HOLDER [--from DATE] [--to DATE] --format csv|pdf --out FILE",
     {{"--holder", true}, {"--from", true}, {"--to", true}, {"--format", true}, {"--out", true}},
     0,
     0},
    {{"share"},
     "Packages a voice model with its terms as a signed pack for another studio.",
     "MODEL_FILE (--to HOLDER_OR_PUBLIC_KEY | --anyone) --out PACK [--commercial] "
     "[--expires YYYY-MM-DD] [--to-name NAME] [--as HOLDER]",
     {{"--to", true},
      {"--anyone", false},
      {"--out", true},
      {"--commercial", false},
      {"--expires", true},
      {"--to-name", true},
      {"--as", true}},
     1,
     1},
    {{"pack", "inspect"},
     "Verifies a model pack and prints what it holds, without importing it.",
     "PACK",
     {},
     1,
     1},
    {{"pack", "import"}, "Imports a verified model pack with its grants.", "PACK", {}, 1, 1},
    {{"pack", "list"}, "Lists the imported model packs.", "", {}, 0, 0},
    {{"revocations", "export"},
     "Writes the signed revocations of this registry for other studios.",
     "--out FILE [--holder HOLDER]",
     {{"--out", true}, {"--holder", true}},
     0,
     0},
    {{"revocations", "import"},
     "Applies signed revocations from another studio.",
     "FILE",
     {},
     1,
     1},
    {{"ledger", "push"},
     "Publishes what this registry signed since the last push to the shared consent ledger.",
     "--to URL   (URL: a PostgreSQL connection URI, e.g. postgresql://host/accord)",
     {{"--to", true}},
     0,
     0},
    {{"ledger", "pull"},
     "Applies the ledger's grants and revocations about this registry's holders and recordings.",
     "--from URL",
     {{"--from", true}},
     0,
     0},
    {{"ledger", "query"},
     "Lists every statement the ledger holds about a recording, a holder or a model, and where it "
     "stands.",
     "--from URL (--asset PCM_SHA256 | --holder PUBLIC_KEY | --model WEIGHTS_SHA256)",
     {{"--from", true}, {"--asset", true}, {"--holder", true}, {"--model", true}},
     0,
     0},
    {{"demo"},
     "Runs the end-to-end demo: two artists, consent, training, export and verify.",
     "[--out DIR]",
     {{"--out", true}},
     0,
     0},
};

std::string holderRef(Registry& registry, const std::string& id) {
    const auto holder = registry.holder(id);
    return holder ? holder->name + " (" + id + ")" : id;
}

ExitCode holderAdd(const Arguments& args, Registry& registry, std::ostream& out) {
    const Holder holder =
        registry.addHolder(args.required("--name"), args.value("--ipi").value_or(""));
    emit(args, out,
         {{"holder", holder.id}, {"name", holder.name}, {"public_key", holder.publicKey}},
         "Added rights holder " + holder.id + ": " + holder.name + " (Ed25519 key " +
             holder.publicKey.substr(0, 16) + "…)");
    return ExitCode::Ok;
}

ExitCode holderList(const Arguments& args, Registry& registry, std::ostream& out) {
    json list = json::array();
    std::string text;
    for (const auto& holder : registry.holders()) {
        const bool keyHere = registry.canSignAs(holder.id);
        json entry = holderJson(holder);
        entry["key_here"] = keyHere;
        list.push_back(entry);
        text += holder.id + "  " + holder.name + (holder.ipi.empty() ? "" : "  IPI " + holder.ipi) +
                (keyHere ? "" : "  (signs in another studio)") + "\n";
    }
    emit(args, out, {{"holders", list}}, text.empty() ? "No rights holders yet." : text);
    return ExitCode::Ok;
}

ExitCode assetAdd(const Arguments& args, Registry& registry, std::ostream& out) {
    const std::string file = args.positionals.front();
    const std::string owner = args.required("--owner");
    const AddedAsset added = workflows::registerRecording(
        registry, file, owner, parseOrigin(args.value("--origin").value_or("recorded")),
        args.value("--isrc").value_or(""));
    json result = assetJson(registry.consentGraph(), added.asset, JsonShape::Cli);
    result["already_known"] = added.alreadyKnown;
    std::ostringstream text;
    text << (added.alreadyKnown ? "Already registered: " : "Registered ") << added.asset.id << " "
         << file << " (" << std::fixed << std::setprecision(2) << added.asset.durationSeconds
         << " s, " << added.asset.sampleRate << " Hz, " << added.asset.channels << " ch), owner "
         << holderRef(registry, owner);
    json found = json::array();
    for (const auto& inside : workflows::recordingsFoundInside(registry, added.asset)) {
        const std::string sentence = inside.describe(registry);
        found.push_back({{"kind", inputKindName(inside.recording.kind)},
                         {"id", inside.recording.id},
                         {"flagged", !inside.missingForOwner.empty()},
                         {"note", sentence}});
        text << "\n" << (inside.missingForOwner.empty() ? "Note: it " : "Warning: it ") << sentence;
    }
    result["found_inside"] = found;
    emit(args, out, result, text.str());
    return ExitCode::Ok;
}

ExitCode assetList(const Arguments& args, Registry& registry, std::ostream& out) {
    const auto owner = args.value("--owner");
    if (owner)
        registry.requireHolder(*owner, "owner");
    const ConsentGraph& graph = registry.consentGraph();
    json list = json::array();
    std::ostringstream text;
    for (const auto& asset : registry.assets()) {
        if (owner && asset.owner != *owner)
            continue;
        list.push_back(assetJson(graph, asset, JsonShape::Cli));
        text << asset.id << "  " << asset.owner << "  " << std::fixed << std::setprecision(2)
             << asset.durationSeconds << " s  " << originName(asset.origin) << "  " << asset.path
             << "\n";
    }
    emit(args, out, {{"assets", list}}, list.empty() ? "No assets." : text.str());
    return ExitCode::Ok;
}

ExitCode grantAdd(const Arguments& args, Registry& registry, std::ostream& out) {
    const bool oneAsset = args.has("--asset");
    if (oneAsset == args.has("--all-assets"))
        throw UsageError("grant add needs exactly one of --asset ID and --all-assets");
    NewGrant grant;
    grant.holder = args.required("--holder");
    grant.scope = parseScope(args.required("--scope"));
    if (oneAsset)
        grant.asset = args.value("--asset");
    grant.grantee = args.value("--to");
    grant.terms.sharePercent = args.number("--share", 0);
    grant.terms.commercial = args.has("--commercial");
    grant.terms.licence = args.value("--licence").value_or("");
    grant.terms.attribution = args.value("--attribution").value_or("");
    if (const auto expires = args.value("--expires")) {
        grant.terms.expiresAt = parseIsoTime(*expires, "--expires");
        if (*grant.terms.expiresAt <= currentTime())
            throw BadInput("--expires: " + *expires +
                           " is already past; a grant must expire later");
    }
    const Grant added = registry.addGrant(grant);
    const ConsentGraph& graph = registry.consentGraph();
    emit(args, out, {{"grant", added.id}},
         "Added grant " + added.id + ": " + describeGrant(graph, added, currentTime()));
    return ExitCode::Ok;
}

ExitCode grantRevoke(const Arguments& args, Registry& registry, std::ostream& out) {
    const std::string id = args.positionals.front();
    const auto modelsBefore = registry.models();
    const Grant revoked = registry.revokeGrant(id, args.value("--reason").value_or(""));
    json marked = json::array();
    for (const auto& model : registry.models())
        if (model.sourceRevoked &&
            std::none_of(modelsBefore.begin(), modelsBefore.end(), [&](const Model& before) {
                return before.id == model.id && before.sourceRevoked;
            }))
            marked.push_back(model.id);
    std::string text = "Revoked grant " + id + " on " + formatIsoTime(*revoked.revokedAt);
    for (const auto& model : marked)
        text += "\nModel " + model.get<std::string>() +
                " is now source-revoked: it cannot "
                "generate until retrained without this recording";
    emit(args, out,
         {{"grant", id},
          {"revoked", formatIsoTime(*revoked.revokedAt)},
          {"source_revoked_models", marked}},
         text);
    return ExitCode::Ok;
}

ExitCode grantList(const Arguments& args, Registry& registry, std::ostream& out) {
    GrantFilter filter;
    filter.asset = args.value("--asset");
    filter.holder = args.value("--holder");
    const UnixTime now = currentTime();
    const ConsentGraph& graph = registry.consentGraph();
    json list = json::array();
    std::string text;
    for (const auto& grant : registry.grants(filter)) {
        // How the grant stands now, beside its terms: the same words in JSON and in text.
        const std::string state = grantStateName(grantState(grant, now));
        const std::string description = describeGrant(graph, grant, now);
        json item = grantJson(graph, grant, JsonShape::Cli);
        item["state"] = state;
        item["description"] = description;
        list.push_back(item);
        text += grant.id + "  " + state + "  " + description + "\n";
    }
    emit(args, out, {{"grants", list}}, list.empty() ? "No grants." : text);
    return ExitCode::Ok;
}

ExitCode consentCheck(const Arguments& args, Registry& registry, std::ostream& out,
                      std::ostream& err) {
    workflows::ConsentQuestion request;
    request.scope = parseScope(args.required("--scope"));
    int subjects = 0;
    for (const auto& [option, kind] :
         {std::pair{"--asset", InputKind::Asset}, std::pair{"--model", InputKind::Model},
          std::pair{"--render", InputKind::Render}})
        if (const auto id = args.value(option)) {
            request.subject = {kind, *id};
            ++subjects;
        }
    if (subjects != 1)
        throw UsageError("consent check needs exactly one of --asset, --model and --render");
    request.actor = actingHolder(args, registry);
    request.commercial = args.has("--commercial");
    request.at = args.value("--at") ? parseIsoTime(*args.value("--at"), "--at") : currentTime();
    const Decision decision = workflows::checkConsent(registry, request);
    const std::string what = scopeName(request.scope) + " on " +
                             inputKindName(request.subject.kind) + " " + request.subject.id;
    if (!decision.allowed)
        return reportDenial(args, decision, what, out, err);
    json relied = json::array();
    std::string text = "allowed: " + what + " (" + std::to_string(decision.closureAssets.size()) +
                       " asset(s) in its lineage)";
    for (const auto& r : decision.relied) {
        relied.push_back({{"asset", r.asset}, {"grant", r.grant}});
        text += "\n  " + r.asset + " by grant " + r.grant;
    }
    emit(args, out, {{"allowed", true}, {"relied", relied}}, text);
    return ExitCode::Ok;
}

ExitCode auditVerify(const Arguments& args, Registry& registry, std::ostream& out,
                     std::ostream& err) {
    const AuditReport report = registry.verifyAudit();
    std::string text = report.intact ? "Registry intact: " + std::to_string(report.entries) +
                                           " audit entries, chain and signed head verified, every "
                                           "row matches the log"
                                     : "Registry TAMPERED (" +
                                           std::to_string(report.problems.size()) + " problem(s)):";
    for (const auto& problem : report.problems)
        text += "\n  - " + problem;
    if (args.json)
        out << json{{"intact", report.intact},
                    {"entries", report.entries},
                    {"problems", report.problems}}
                   .dump(2)
            << "\n";
    else
        (report.intact ? out : err) << text << "\n";
    return report.intact ? ExitCode::Ok : ExitCode::Integrity;
}

ExitCode auditLog(const Arguments& args, Registry& registry, std::ostream& out) {
    std::optional<std::int64_t> limit;
    if (args.has("--limit")) {
        const double n = args.number("--limit", 0);
        if (n < 1 || n != static_cast<double>(static_cast<std::int64_t>(n)))
            throw BadInput("--limit: '" + *args.value("--limit") +
                           "' is not a positive whole number");
        limit = static_cast<std::int64_t>(n);
    }
    json list = json::array();
    std::string text;
    for (const auto& e : registry.auditLog(limit)) {
        list.push_back({{"seq", e.seq},
                        {"at", e.at},
                        {"op", e.op},
                        {"table", e.table},
                        {"id", e.rowId},
                        {"row", json::parse(e.rowJson)},
                        {"hash", e.hash}});
        text += std::to_string(e.seq) + "  " + e.at + "  " + e.op + " " + e.rowId + "  " +
                e.hash.substr(0, 12) + "\n";
    }
    emit(args, out, {{"entries", list}}, text);
    return ExitCode::Ok;
}

#ifndef ACCORD_CLI_WITH_MODELS
// Replaces this process with accord-cli-models (beside this binary) running the same command.
[[noreturn]] void handToModelsBinary(const std::vector<std::string>& words) {
    char self[4096];
    const ssize_t length = ::readlink("/proc/self/exe", self, sizeof self - 1);
    if (length <= 0)
        throw BadInput("cannot locate accord-cli-models: /proc/self/exe is unreadable");
    std::string companion(self, static_cast<std::size_t>(length));
    companion = companion.substr(0, companion.find_last_of('/') + 1) + "accord-cli-models";
    std::vector<char*> argv{companion.data()};
    std::vector<std::string> copies = words;
    for (auto& word : copies)
        argv.push_back(word.data());
    argv.push_back(nullptr);
    std::fflush(nullptr);
    ::execv(companion.c_str(), argv.data());
    throw BadInput(companion + ": cannot start the model tool (" + std::strerror(errno) +
                   "); reinstall Accord");
}
#endif

} // namespace

const std::vector<CommandSpec>& commandTable() {
    return commands;
}

ExitCode runCommand(const Arguments& args, std::ostream& out, std::ostream& err) {
    const auto& words = args.command->words;
    const std::string name = words[0] + (words.size() > 1 ? " " + words[1] : "");
    const bool packCommand = words[0] == "share" || words[0] == "pack";
    if (name == "train voice" || name == "train style" || name == "style score" || name == "vary" ||
        name == "demo" || packCommand)
#ifdef ACCORD_CLI_WITH_MODELS
        return name == "demo" ? runDemo(args.value("--out"), args.json, out, err)
               : packCommand  ? runPackCommand(args, out)
                              : runModelCommand(args, out, err);
#else
        handToModelsBinary(args.words);
    // Qt's PDF writer is linked into accord-cli-models only (statement_pdf.h).
    if (name == "statement" && args.value("--format") == "pdf")
        handToModelsBinary(args.words);
#endif
    if (name == "convert")
        return runConvertCommand(args, out);
    if (name == "render" || name == "export")
        return name == "render" ? runRenderCommand(args, out) : runExportCommand(args, out, err);
    if (name == "verify")
        return runVerifyCommand(args, out, err);
    if (name == "identify")
        return runIdentifyCommand(args, out, err);
    if (name == "statement")
        return runStatementCommand(args, out);
    if (words[0] == "revocations")
        return runRevocationsCommand(words[1], args, out);
    if (words[0] == "project")
        return runProjectCommand(words[1], args, out);
    if (words[0] == "ledger")
        return runLedgerCommand(words[1], args, out);

    // Commands that only read never create a registry (docs/CLI.md "Registry").
    const bool readOnly = name == "holder list" || name == "asset list" || name == "grant list" ||
                          name == "consent check" || name == "audit verify" ||
                          name == "audit log" || name == "trust list" || name == "model list" ||
                          name == "model show";
    auto registry = readOnly ? openExistingRegistry(args) : Registry::open(args.registryPath);
    if (name == "holder add")
        return holderAdd(args, *registry, out);
    if (name == "holder list")
        return holderList(args, *registry, out);
    if (name == "asset add")
        return assetAdd(args, *registry, out);
    if (name == "asset list")
        return assetList(args, *registry, out);
    if (name == "grant add")
        return grantAdd(args, *registry, out);
    if (name == "grant revoke")
        return grantRevoke(args, *registry, out);
    if (name == "grant list")
        return grantList(args, *registry, out);
    if (name == "consent check")
        return consentCheck(args, *registry, out, err);
    if (name == "audit verify")
        return auditVerify(args, *registry, out, err);
    if (name == "audit log")
        return auditLog(args, *registry, out);
    if (words[0] == "trust")
        return runTrustCommand(words[1], args, *registry, out);
    if (words[0] == "model")
        return runModelInfoCommand(words[1], args, *registry, out);
    throw UsageError("unknown command '" + name + "'");
}

} // namespace accord::cli
