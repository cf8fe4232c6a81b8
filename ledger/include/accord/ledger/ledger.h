#pragma once

// The shared consent ledger (docs/LEDGER.md): signed grant statements and revocations published
// by studios to one PostgreSQL server and read back by studios and labels. The server stores and
// indexes; it is not trusted: every statement is verified here before it is sent and again when it
// is read, so a row changed on the server is refused naming it.

#include "accord/core/grant_statement.h"
#include "accord/core/time.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace accord::ledger {

// A statement as its holder signed it (docs/CONSENT.md "Signed grants").
struct SignedStatement {
    std::string statement;
    std::string signature; // Ed25519 by the holder the statement names, hex
};

// A statement read back from the ledger, verified.
struct LedgerEntry {
    std::string id;        // SHA-256 of the statement: content-addressed, the same everywhere
    std::int64_t sequence; // the order the server received them in
    SignedStatement signedStatement;
    GrantStatementFields fields;
};

// What a studio wants to hear about (docs/LEDGER.md "Pull").
struct Interest {
    std::vector<std::string> holderKeys;        // grants and revocations by or to these holders
    std::vector<std::string> assetPcmSha256s;   // grants on these recordings
    std::vector<std::string> grantStatementIds; // revocations of these grants
};

enum class Subject { Asset, Holder };

struct SignedRecord; // accord/ledger/records.h
struct RecordEntry;

struct Published {
    std::size_t stored = 0;       // new on the server
    std::size_t alreadyThere = 0; // sent before: no second copy (content-addressed)
};

// Where a grant stands now, by what the ledger holds (docs/LEDGER.md "Query").
struct Standing {
    LedgerEntry entry;
    // A grant: "active", "not-yet-active", "revoked", "expired" (the policy's words). A
    // revocation: "in force" when it revokes a grant of the same holder, else "revokes nothing
    // here" (its grant is not in the answer).
    std::string state;
    std::optional<std::string> revokedBy; // a revoked grant: the revocation's id
};

// The statement's id: the SHA-256 of its text, hex.
std::string statementId(const std::string& statement);

// Reads and checks one statement: its form, and its signature by the holder key it names. Throws
// IntegrityError naming `what` when it does not verify.
GrantStatementFields verifyStatement(const SignedStatement& signedStatement,
                                     const std::string& what);

// The grants among `entries` with their state at `now` and the revocations beside them.
std::vector<Standing> standings(const std::vector<LedgerEntry>& entries, UnixTime now);

class Ledger {
public:
    // Connects to the PostgreSQL server at `url` (a libpq URI or key=value string) and creates or
    // migrates the ledger's schema. Throws BadInput naming `url` when the server cannot be reached
    // or holds a ledger of a newer version.
    static std::unique_ptr<Ledger> connect(const std::string& url);

    ~Ledger();
    Ledger(const Ledger&) = delete;
    Ledger& operator=(const Ledger&) = delete;

    const std::string& url() const;

    // Verifies every statement (IntegrityError naming the first that does not verify: nothing is
    // sent), then stores them in one transaction; statements stored before are kept once.
    Published publish(const std::vector<SignedStatement>& statements);
    // Every statement `interest` names, in the order received, each verified (IntegrityError
    // naming the first that does not: the server changed it).
    std::vector<LedgerEntry> statementsFor(const Interest& interest) const;
    // Every statement about a recording (by its PCM SHA-256) or a holder (by public key), and the
    // revocations of those grants, verified.
    std::vector<LedgerEntry> history(Subject subject, const std::string& key) const;
    std::int64_t statementCount() const;

    // Models, packs and exports' manifests (accord/ledger/records.h), verified and stored as
    // publish() stores statements.
    Published publishRecords(const std::vector<SignedRecord>& records);
    // Every record about the model with these weights (SHA-256), in the order received, verified
    // (IntegrityError naming the first that does not).
    std::vector<RecordEntry> recordsAbout(const std::string& weightsSha256) const;
    // The grant statements with these ids and every revocation of them, verified.
    std::vector<LedgerEntry> statementsWithIds(const std::vector<std::string>& ids) const;

private:
    friend class Catalogue; // the catalogue's fingerprints, on the same connection (catalogue.h)
    struct Impl;
    explicit Ledger(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

} // namespace accord::ledger
