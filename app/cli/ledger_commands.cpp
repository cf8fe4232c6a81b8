#include "ledger_commands.h"

#include "output.h"

#include "accord/core/errors.h"
#include "accord/core/registry.h"
#include "accord/ledger/ledger.h"
#include "accord/ledger/records.h"
#include "accord/workflows/ledger_query.h"
#include "accord/workflows/ledger_sync.h"

#include <nlohmann/json.hpp>

#include <cctype>
#include <ostream>

namespace accord::cli {

using nlohmann::json;

namespace {

using workflows::plural;

// A SHA-256 or an Ed25519 public key: 64 hexadecimal digits, compared in lower case as stored.
std::string hexKey(const std::string& option, const std::string& value) {
    std::string lower;
    for (char c : value) {
        if (!std::isxdigit(static_cast<unsigned char>(c)))
            break;
        lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    if (lower.size() != 64 || value.size() != 64)
        throw BadInput(option + ": '" + value + "' is not 64 hexadecimal digits");
    return lower;
}

json optionalJson(const std::optional<std::string>& value) {
    return value ? json(*value) : json();
}

json standingJson(const ledger::Standing& s) {
    const GrantStatementFields& f = s.entry.fields;
    json line = {{"id", s.entry.id},   {"kind", f.revocation ? "revocation" : "grant"},
                 {"holder", f.holder}, {"studio", f.studio},
                 {"grant", f.grant},   {"state", s.state}};
    if (f.revocation) {
        line["revokes"] = f.grantStatementSha256;
        line["revoked"] = formatIsoTime(f.revoked);
        line["reason"] = f.reason;
        return line;
    }
    line["scope"] = scopeName(f.scope);
    line["asset"] = optionalJson(f.assetPcmSha256);
    line["to"] = optionalJson(f.to);
    line["created"] = formatIsoTime(f.created);
    line["expires"] = f.terms.expiresAt ? json(formatIsoTime(*f.terms.expiresAt)) : json();
    line["commercial"] = f.terms.commercial;
    line["share"] = f.terms.sharePercent;
    line["licence"] = f.terms.licence;
    line["revoked_by"] = optionalJson(s.revokedBy);
    return line;
}

ExitCode push(const Arguments& args, std::ostream& out) {
    const auto registry = openExistingRegistry(args);
    const std::string url = args.required("--to");
    const auto pushed = workflows::pushToLedger(*registry, url);
    const workflows::LedgerRecordsPushed& records = pushed.records;
    const workflows::FingerprintsPushed& prints = pushed.fingerprints;
    std::string text =
        "Sent " + plural(pushed.sent, "signed statement") + " to " + url + ": " +
        std::to_string(pushed.stored) + " new, " + std::to_string(pushed.alreadyThere) +
        " there already\nSent " + plural(records.sent, "record") +
        " of models, packs and exports: " + std::to_string(records.stored) + " new, " +
        std::to_string(records.alreadyThere) + " there already\nSent the fingerprints of " +
        plural(prints.sent, "recording") + " (" + std::to_string(prints.rendersSent) +
        " of them renders): " + std::to_string(prints.stored) + " new, " +
        std::to_string(prints.alreadyThere) + " there already";
    for (const std::string& note : prints.skipped)
        text += "\nnote: " + note;
    emit(args, out,
         {{"server", url},
          {"sent", pushed.sent},
          {"stored", pushed.stored},
          {"already_there", pushed.alreadyThere},
          {"records",
           {{"sent", records.sent},
            {"stored", records.stored},
            {"already_there", records.alreadyThere}}},
          {"fingerprints",
           {{"sent", prints.sent},
            {"renders", prints.rendersSent},
            {"stored", prints.stored},
            {"already_there", prints.alreadyThere},
            {"skipped", prints.skipped}}}},
         text);
    return ExitCode::Ok;
}

ExitCode pull(const Arguments& args, std::ostream& out) {
    const auto registry = openExistingRegistry(args);
    const std::string url = args.required("--from");
    const auto pulled = workflows::pullFromLedger(*registry, url);
    json granted = json::array();
    std::string text = "Read " + plural(pulled.read, "statement") + " from " + url + ": " +
                       std::to_string(pulled.granted.size()) + " grants and " +
                       std::to_string(pulled.revoked.size()) + " revocations applied, " +
                       std::to_string(pulled.alreadyHere) + " here already, " +
                       std::to_string(pulled.notForHere) + " about what is not on record here";
    for (const Grant& g : pulled.granted) {
        granted.push_back(g.id);
        text += "\nRecorded grant " + g.id + " (" + scopeName(g.scope) + ")";
    }
    const json revoked = revokedLines(pulled.revoked, pulled.sourceRevoked, text);
    emit(args, out,
         {{"server", url},
          {"read", pulled.read},
          {"granted", granted},
          {"revoked", revoked},
          {"already_here", pulled.alreadyHere},
          {"not_for_here", pulled.notForHere},
          {"source_revoked_models", pulled.sourceRevoked},
          {"pulled_at", pulled.pulledAt}},
         text);
    return ExitCode::Ok;
}

json optionalTime(const std::optional<UnixTime>& time) {
    return time ? json(formatIsoTime(*time)) : json();
}

json recordJson(const ledger::RecordStanding& s) {
    const ledger::RecordFields& f = s.entry.fields;
    return {{"id", s.entry.id},
            {"kind", ledger::recordKindName(f.kind)},
            {"signer", f.signerKey},
            {"state", s.state},
            {"revoked_grants", s.revokedGrants},
            {"revoked_at", optionalTime(s.revokedAt)},
            {"exported", optionalTime(f.exported)},
            {"owner_signed", f.ownerSigned},
            {"record", json::parse(s.entry.signedRecord.record)}};
}

// Everything about one model: its records and the statements they name.
ExitCode queryModel(const Arguments& args, const std::string& url, std::ostream& out) {
    const std::string weights = hexKey("--model", *args.value("--model"));
    const ledger::ModelHistory history = workflows::modelHistoryOnLedger(url, weights);
    json records = json::array();
    json statements = json::array();
    std::string text = plural(history.records.size(), "record") + " and " +
                       plural(history.statements.size(), "statement") + " about model " + weights +
                       " on " + url;
    for (const ledger::RecordStanding& s : history.records) {
        records.push_back(recordJson(s));
        text += "\n" + workflows::recordLine(s).text();
    }
    for (const ledger::Standing& s : history.statements) {
        statements.push_back(standingJson(s));
        text += "\n" + workflows::statementLine(s).text();
    }
    emit(args, out,
         {{"server", url},
          {"subject", {{"model", weights}}},
          {"records", records},
          {"statements", statements}},
         text);
    return ExitCode::Ok;
}

ExitCode query(const Arguments& args, std::ostream& out) {
    const std::string url = args.required("--from");
    const auto asset = args.value("--asset");
    const auto holder = args.value("--holder");
    if (int(bool(asset)) + int(bool(holder)) + int(bool(args.value("--model"))) != 1)
        throw UsageError(
            "ledger query: give --asset HASH, --holder KEY or --model HASH (one of them)");
    if (args.value("--model"))
        return queryModel(args, url, out);
    const ledger::Subject subject = asset ? ledger::Subject::Asset : ledger::Subject::Holder;
    const std::string key = asset ? hexKey("--asset", *asset) : hexKey("--holder", *holder);
    const auto lines = workflows::statementsOnLedger(url, subject, key);
    json statements = json::array();
    std::string text = plural(lines.size(), "statement") + " about " +
                       (asset ? "recording " : "holder ") + key + " on " + url;
    for (const ledger::Standing& s : lines) {
        statements.push_back(standingJson(s));
        text += "\n" + workflows::statementLine(s).text();
    }
    emit(args, out,
         {{"server", url},
          {"subject", {{asset ? "asset" : "holder", key}}},
          {"statements", statements}},
         text);
    return ExitCode::Ok;
}

} // namespace

ExitCode runLedgerCommand(const std::string& verb, const Arguments& args, std::ostream& out) {
    if (verb == "push")
        return push(args, out);
    if (verb == "pull")
        return pull(args, out);
    return query(args, out);
}

} // namespace accord::cli
