#pragma once

// The catalogue's fingerprints in the shared ledger (docs/LEDGER.md "Catalogue"): each recording's
// landmarks (accord/dsp/fingerprint.h) published with a claim its owner signed, and looked up by
// hash by whoever identifies a file against the whole catalogue. The server stores and indexes;
// a reader trusts a match only once the claim's signature and the digest of its landmarks verify.

#include "accord/core/fingerprint_index.h"
#include "accord/ledger/ledger.h"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace accord::ledger {

// What a fingerprint claim says: "I, the holder with this key (calling myself `holderName`), own
// the recording whose PCM hashes to `pcmSha256`, and these are its landmarks." Canonical JSON,
// signed with the holder's key. A render's claim is its studio's instead (`holder` the studio key):
// "this studio generated that sound, made of `render`'s models and recordings".
struct FingerprintClaimFields {
    std::string holder;     // Ed25519 public key, hex
    std::string holderName; // the name the holder signs under: a claim, not a proven identity
    std::string studio;     // the studio that published it
    std::string pcmSha256;
    double seconds = 0;
    int fingerprintVersion = 0;
    std::int64_t landmarks = 0;
    std::string landmarksSha256;         // SHA-256 of packLandmarks(the landmarks)
    std::optional<RenderLineage> render; // a render's claim: what it was made of
};

// The claim's text, exactly as signed.
std::string fingerprintClaimText(const FingerprintClaimFields& fields);
// Reads a claim; throws IntegrityError naming `what` when it is not one in canonical form.
FingerprintClaimFields readFingerprintClaim(const std::string& text, const std::string& what);

// The landmarks as the bytes their digest is taken over: sorted by frame, hash, span and pitch,
// 12 bytes each (little-endian hash, frame, span, pitch), so one recording has one digest however
// it was indexed.
std::string packLandmarks(std::vector<IndexedLandmark> landmarks);
std::vector<IndexedLandmark> unpackLandmarks(const std::string& bytes, const std::string& what);

// A recording's landmarks with the claim that covers them.
struct SignedFingerprints {
    SignedStatement claim;
    std::vector<IndexedLandmark> landmarks;
};

// A recording of the catalogue, read back and verified: its claim is signed by the holder it
// names and its landmarks are the ones the claim's digest covers.
struct CatalogueRecording {
    std::int64_t number = 0; // the server's number for it, which its landmark rows carry
    std::string id;          // SHA-256 of the claim
    FingerprintClaimFields fields;
    std::vector<IndexedLandmark> landmarks;
};

// Verifies a claim and its landmarks; throws IntegrityError naming `what` when the signature is
// not the named holder's or the landmarks are not the ones the claim covers.
FingerprintClaimFields verifyFingerprints(const SignedFingerprints& fingerprints,
                                          const std::string& what);

// The statement Catalogue::lookup sends ($1 the distinct hashes as int[], $2 the fingerprint
// version, $3 the rows a hash may hold before it is stopped), for a benchmark's EXPLAIN and a
// test's look at what the server answers.
const std::string& catalogueLookupStatement();

// The catalogue's side of a ledger connection.
class Catalogue {
public:
    explicit Catalogue(Ledger& ledger);

    // Verifies every recording's claim and landmarks (IntegrityError naming the first that does
    // not: nothing is sent), then stores each new claim with its landmark rows, all in one
    // transaction; a claim stored before is kept once and its rows are not sent again.
    Published publish(const std::vector<SignedFingerprints>& recordings);
    // Which of `pcmSha256s` `holderKey` has claimed at `fingerprintVersion` (to fingerprint and
    // sign only what the server lacks).
    std::vector<std::string> claimed(const std::string& holderKey,
                                     const std::vector<std::string>& pcmSha256s,
                                     int fingerprintVersion) const;
    // Every landmark row stored under each hash, at `fingerprintVersion`: found(index into hashes,
    // recording number, landmark). A hash stored more than `maxRowsPerHash` times yields nothing,
    // as the local index's lookup (accord/core/fingerprint_index.h); the server's stop-list
    // answers those it lists with no rows, and those it lacks are added to it. The rows are the
    // server's word: check them against recording() before trusting a match.
    void lookup(
        const std::vector<std::uint32_t>& hashes, int maxRowsPerHash, int fingerprintVersion,
        const std::function<void(std::size_t, std::int64_t, const IndexedLandmark&)>& found) const;
    // The recording with that number, verified (IntegrityError naming it when it does not).
    CatalogueRecording recording(std::int64_t number) const;
    std::int64_t recordingCount() const;

private:
    // Adds `hashes`, seen past the cap, to the server's stop-list (docs/LEDGER.md "Identify on the
    // server"), unless this connection was refused before.
    void listStopped(const std::vector<std::uint32_t>& hashes, int maxRowsPerHash,
                     int fingerprintVersion) const;

    Ledger& ledger_;
    mutable bool jitTurnedOff_ = false;  // on this connection, by the first lookup
    mutable bool mayListStopped_ = true; // until the server refuses an entry
};

} // namespace accord::ledger
