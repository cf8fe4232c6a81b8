#pragma once

// A studio and the shared consent ledger (docs/LEDGER.md): pushing what this registry signed,
// pulling the grants and revocations that concern its holders, recordings and imported grants,
// applied as revocations and pack grants are imported (docs/CONSENT.md "Revocation travels").

#include "accord/core/registry.h"
#include "accord/workflows/ledger_catalogue.h"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace accord::workflows {

// Statements sent per transaction: a crash or a lost connection loses at most one batch's work,
// and the next push resends only that.
constexpr std::size_t kLedgerPushBatch = 1000;

// Models trained here, packs imported here and exports' manifests (docs/LEDGER.md "Models, packs
// and manifests").
struct LedgerRecordsPushed {
    std::size_t sent = 0;
    std::size_t stored = 0;
    std::size_t alreadyThere = 0;
};

struct LedgerPushed {
    std::size_t sent = 0;
    std::size_t stored = 0;          // new on the server
    std::size_t alreadyThere = 0;    // sent before (a push cut off after its commit): kept once
    LedgerRecordsPushed records;     // models, packs and manifests
    FingerprintsPushed fingerprints; // the recordings' landmarks (pushFingerprints)
};

// Sends every signed statement stored since the last push to `url`, in batches, then the records
// not sent yet; after each batch
// commits, the push cursor (beside the registry, `<registry>.ledger.json`) moves past it, so a
// push cut off resumes where it stopped and a batch resent has no second effect. Then the
// recordings' fingerprints (pushFingerprints), which need no cursor. Throws
// IntegrityError naming a statement that does not verify (nothing of its batch is sent), BadInput
// naming `url` when the server cannot be reached or the connection is lost.
// `progress`, when given, hears the count sent so far after each batch commits (on the calling
// thread).
LedgerPushed pushToLedger(const Registry& registry, const std::string& url,
                          std::size_t batch = kLedgerPushBatch,
                          const std::function<void(std::size_t sent)>& progress = {});

struct LedgerPulled {
    std::size_t read = 0;                   // statements the ledger holds that concern us
    std::vector<Grant> granted;             // grants recorded here now
    std::vector<Grant> revoked;             // grants revoked here now
    std::vector<std::string> sourceRevoked; // models made source-revoked
    std::size_t alreadyHere = 0;            // this studio's own, or applied before
    std::size_t notForHere = 0;             // about holders or recordings not on record here
    std::string pulledAt;
};

// Reads every statement about this registry's holders, recordings and imported grants from `url`,
// verifies each (IntegrityError naming the first that does not: nothing is applied), and applies
// the grants and revocations in one transaction.
LedgerPulled pullFromLedger(Registry& registry, const std::string& url);

// When this registry last pulled from `url` (ISO time), if ever.
std::optional<std::string> lastPulled(const Registry& registry, const std::string& url);
// When this registry last pushed to `url` (ISO time), if ever.
std::optional<std::string> lastPushed(const Registry& registry, const std::string& url);

} // namespace accord::workflows
