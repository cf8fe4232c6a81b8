#include "accord/workflows/ledger_query.h"

#include "accord/core/time.h"

namespace accord::workflows {

namespace {

// A manifest's state in words: an export made while its grants held is not a violation
// (docs/LEDGER.md "Query").
std::string manifestStateText(const ledger::RecordStanding& s) {
    const std::string revoked = s.revokedAt ? formatIsoTime(*s.revokedAt) : "";
    if (s.state == "revoked-since")
        return "made under a grant that held then, revoked since " + revoked;
    if (s.state == "made-after-revocation")
        return "made after its training grant was revoked (" + revoked + ")";
    return s.state;
}

} // namespace

std::string plural(std::size_t n, const std::string& word) {
    return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

std::string LedgerQueryLine::text() const {
    std::string line = id.substr(0, 12) + "  " + what + ": " + state;
    for (const std::string& grant : revokedGrants)
        line += "\n    revoked: grant " + grant.substr(0, 12);
    return line;
}

LedgerQueryLine statementLine(const ledger::Standing& s) {
    const GrantStatementFields& f = s.entry.fields;
    const std::string who = f.holder.substr(0, 16) + "…";
    if (f.revocation)
        return {s.entry.id,
                "revocation",
                "revocation by " + who + " of " + f.grantStatementSha256.substr(0, 12) + " at " +
                    formatIsoTime(f.revoked) + (f.reason.empty() ? "" : " (" + f.reason + ")"),
                s.state,
                {}};
    return {
        s.entry.id,
        "grant",
        scopeName(f.scope) + " by " + who + " on " +
            (f.assetPcmSha256 ? "recording " + f.assetPcmSha256->substr(0, 12) : "all recordings") +
            " to " + (f.to ? f.to->substr(0, 16) + "…" : "anyone") + ", given " +
            formatIsoTime(f.created),
        s.state,
        {}};
}

LedgerQueryLine recordLine(const ledger::RecordStanding& s) {
    const ledger::RecordFields& f = s.entry.fields;
    std::string what;
    switch (f.kind) {
    case ledger::RecordKind::Model:
        what = "model card by studio " + f.signerKey.substr(0, 16) + "…, trained under " +
               plural(f.trainedUnder.size(), "grant statement");
        break;
    case ledger::RecordKind::Pack:
        what = "pack imported by studio " + f.signerKey.substr(0, 16) + "…, carrying " +
               plural(f.uses.size(), "use") +
               (f.ownerSigned ? ", its terms signed by the model's owner"
                              : ", its terms the importer's word");
        break;
    case ledger::RecordKind::Manifest:
        what = "export of render " + f.render.value_or("") + " (sound " +
               f.contentPcmSha256.value_or("").substr(0, 12) + ")" +
               (f.exported ? " made " + formatIsoTime(*f.exported) : "") + ", signed by " +
               f.signerKey.substr(0, 16) + "…";
        break;
    }
    return {s.entry.id, ledger::recordKindName(f.kind), what,
            f.kind == ledger::RecordKind::Manifest ? manifestStateText(s) : s.state,
            s.revokedGrants};
}

ledger::ModelHistory modelHistoryOnLedger(const std::string& url,
                                          const std::string& weightsSha256) {
    const auto ledger = ledger::Ledger::connect(url);
    return ledger::modelHistory(*ledger, weightsSha256, currentTime());
}

std::vector<LedgerQueryLine> modelHistoryLines(const ledger::ModelHistory& history) {
    std::vector<LedgerQueryLine> lines;
    for (const ledger::RecordStanding& s : history.records)
        lines.push_back(recordLine(s));
    for (const ledger::Standing& s : history.statements)
        lines.push_back(statementLine(s));
    return lines;
}

std::vector<LedgerQueryLine> statementLines(const std::vector<ledger::Standing>& standings) {
    std::vector<LedgerQueryLine> lines;
    for (const ledger::Standing& s : standings)
        lines.push_back(statementLine(s));
    return lines;
}

std::vector<ledger::Standing> statementsOnLedger(const std::string& url, ledger::Subject subject,
                                                 const std::string& key) {
    const auto ledger = ledger::Ledger::connect(url);
    return ledger::standings(ledger->history(subject, key), currentTime());
}

} // namespace accord::workflows
