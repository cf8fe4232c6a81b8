#pragma once

// Reading the shared ledger as a label does (docs/LEDGER.md "Query"): every statement or record
// about a subject, verified, each with where it stands now, in the words `accord-cli ledger query`
// prints and the studio's Models panel shows (docs/STUDIO.md "Models panel"). Reads only.

#include "accord/ledger/ledger.h"
#include "accord/ledger/records.h"

#include <cstddef>
#include <string>
#include <vector>

namespace accord::workflows {

// "1 record", "3 records": a count in the words of the ledger's messages.
std::string plural(std::size_t n, const std::string& word);

// One statement or record in words.
struct LedgerQueryLine {
    std::string id;    // the statement's or record's id (SHA-256 of its text)
    std::string kind;  // grant, revocation, model, pack or manifest
    std::string what;  // who signed it and what it says
    std::string state; // where it stands now (a manifest's with the revocation's date)
    std::vector<std::string> revokedGrants; // a record: the grants whose revocation decides it
    // The line `ledger query` prints: the id's first 12 digits, what, the state, then one line per
    // revoked grant.
    std::string text() const;
};

LedgerQueryLine statementLine(const ledger::Standing& standing);
LedgerQueryLine recordLine(const ledger::RecordStanding& standing);

// Everything the ledger at `url` holds about the model whose weights' SHA-256 is `weightsSha256`
// (its model record, packs of it, exports naming it, the grant statements they name and the
// revocations of those), read and verified, judged at the present time. Throws BadInput naming
// `url` when it cannot be reached, IntegrityError naming the first row that does not verify.
ledger::ModelHistory modelHistoryOnLedger(const std::string& url, const std::string& weightsSha256);

// The records, then the statements, one line each.
std::vector<LedgerQueryLine> modelHistoryLines(const ledger::ModelHistory& history);

// Every grant statement the ledger at `url` holds about a recording (`key`: its PCM SHA-256, the
// grants given on it) or a holder (`key`: its public key, as giver or grantee), and the
// revocations of those, verified and judged at the present time. Throws as modelHistoryOnLedger.
std::vector<ledger::Standing> statementsOnLedger(const std::string& url, ledger::Subject subject,
                                                 const std::string& key);

// One line each.
std::vector<LedgerQueryLine> statementLines(const std::vector<ledger::Standing>& standings);

} // namespace accord::workflows
