#pragma once

// The catalogue's fingerprints in the shared ledger (docs/LEDGER.md "Catalogue"): a studio
// publishes its recordings' landmarks, each with a claim signed by the recording's owner; anyone
// identifies a file against every recording published there, trusting only what verifies.

#include "accord/core/registry.h"
#include "accord/ledger/ledger.h"
#include "accord/workflows/identify.h"

#include <atomic>
#include <cstddef>
#include <string>
#include <vector>

namespace accord::workflows {

// Recordings sent per transaction: a push cut off loses at most one batch's work.
constexpr std::size_t kFingerprintPushBatch = 20;

struct FingerprintsPushed {
    std::size_t sent = 0;
    std::size_t rendersSent = 0;      // of those sent, renders (claimed by the studio)
    std::size_t stored = 0;           // new on the server
    std::size_t alreadyThere = 0;     // claimed there before (checked first, or a batch resent)
    std::vector<std::string> skipped; // a sentence each: which recording and why
};

// Publishes the landmarks of every audio recording registered here whose owner's key is on this
// machine and which the server does not hold yet at this fingerprint version, each with a claim
// signed by its owner, then those of every render with sound, each with a claim the studio signs
// naming its lineage, in batches. The file must still hold the registered sound (else it is
// skipped with a note). Idempotent: what the server holds is asked first, and a claim sent twice
// is stored once. Throws BadInput naming the server when it cannot be reached.
FingerprintsPushed pushFingerprints(const Registry& registry, ledger::Ledger& ledger,
                                    std::size_t batch = kFingerprintPushBatch);

// Every recording of the ledger's catalogue found in the audio file at `path`, as identifyFile
// finds registered ones: `id` is the recording's PCM SHA-256, `owner` its holder's public key and
// `ownerName` the name that holder signed. A match is reported only after the recording's claim
// and landmarks verify, matched again on the verified landmarks alone; a recording the server's
// rows nearly match is matched again on its verified claim's landmarks (the second look: the rows
// of hashes past the stop-list's cap come back for it alone). Throws BadInput naming the file or
// the server, IntegrityError naming a claim the server changed.
std::vector<IdentifiedRecording> identifyFileOnLedger(ledger::Ledger& ledger,
                                                      const std::string& path,
                                                      const std::atomic<bool>* cancel = nullptr,
                                                      double* fileSeconds = nullptr);

struct IdentifiedHereAndOnLedger {
    std::vector<IdentifiedRecording> here;     // as identifyFile finds them
    std::vector<IdentifiedRecording> onLedger; // as identifyFileOnLedger finds them
    std::string ledgerProblem; // why the ledger's search failed (its matches then empty)
};

// identifyFile and identifyFileOnLedger on one decoding and fingerprinting of the file (the
// Identify panel's search, docs/LEDGER.md "Identify on the server"). The ledger failing (its
// connection lost, a claim changed on the server) is said in `ledgerProblem` and the local
// search goes on. Throws BadInput naming the file when it cannot be read as audio.
IdentifiedHereAndOnLedger identifyFileHereAndOnLedger(const Registry& registry,
                                                      const FingerprintIndex& index,
                                                      ledger::Ledger& ledger,
                                                      const std::string& path,
                                                      const std::atomic<bool>* cancel = nullptr,
                                                      double* fileSeconds = nullptr);

} // namespace accord::workflows
