#pragma once

// C2PA Content Credentials (docs/C2PA.md): the JUMBF manifest store Accord writes into every
// exported file and reads back in `verify`. One manifest (claim v2) with Accord's assertions, a
// hard binding (`c2pa.hash.data`: SHA-256 of the file outside the store's own bytes) and a
// COSE_Sign1 claim signature (Ed25519) carrying the signer's X.509 chain. The container (where
// the store sits in a WAV, which bytes it excludes) is the audio layer's; this is only the store.

#include "accord/core/crypto.h"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace accord::c2pa {

struct Assertion {
    enum class Kind { Cbor, Json };
    std::string label;
    Kind kind = Kind::Cbor;
    std::string content; // CBOR bytes, or UTF-8 JSON text
};

// The bytes of the file the store does not cover: its own location (docs/C2PA.md "Hard binding").
struct Exclusion {
    std::uint64_t start = 0;
    std::uint64_t length = 0;
};

struct Signer {
    std::vector<std::string> certificateChainDer; // the signer's certificate first, then its CA
    // Ed25519 signature of `message` by the key the first certificate names.
    std::function<Bytes(const std::string& message)> sign;
};

struct ManifestRequest {
    std::string title;                 // dc:title: the exported file's name
    std::string generatorVersion;      // claim_generator_info: Accord's version
    std::vector<Assertion> assertions; // all but the hard binding, which build() adds
    Signer signer;
};

// The hash a claim (or an action) gives an assertion: SHA-256 of its JUMBF superbox without the
// box's own 8-byte header.
std::vector<std::uint8_t> assertionHash(const Assertion& assertion);

// One manifest store for one file. Its size does not depend on the hash or the signature, so a
// container can place it (and hash everything around it) before it is signed.
class StoreBuilder {
public:
    explicit StoreBuilder(ManifestRequest request); // fixes the manifest's label and instance id

    // The store's size in bytes when the exclusion starts at `start` and covers `overhead` bytes
    // of the container's own besides the store (a RIFF chunk header: 8).
    std::size_t settleSize(std::uint64_t start, std::uint64_t overhead);
    // The store, exactly settleSize() bytes, binding `sha256` (32 bytes: the file outside
    // [start, start + overhead + size)) and signed.
    std::string build(const Bytes& sha256) const;
    const std::string& manifestLabel() const { return label_; }

private:
    std::string store(const Bytes& sha256, bool sign) const;

    ManifestRequest request_;
    std::string label_;
    std::string instanceId_;
    Exclusion exclusion_;
    std::size_t settled_ = 0;
};

// A manifest store as read, each check's outcome in plain words.
struct ReadManifest {
    std::string label;
    std::string title;
    std::string generator; // "Accord 0.1.0"
    std::vector<Assertion> assertions;
    std::optional<Exclusion> exclusion; // of its hard binding
    Bytes dataHash;                     // its hard binding's SHA-256
    std::vector<std::string> certificateChainDer;
    std::string signerPublicKey; // Ed25519, hex, from the first certificate
    std::string signerSubject;   // "Ada (Accord studio 1a2b…)"
    bool claimSignatureValid = false;
    bool certificateChainValid = false; // each certificate signed by the next one
    std::vector<std::string> problems;  // assertions whose hash does not match, a bad signature…

    const Assertion* assertion(const std::string& label) const;
};

// Reads the active (last) manifest of a store. Throws IntegrityError naming `what` for bytes that
// are not a C2PA manifest store Accord can read.
ReadManifest readStore(const std::string& jumbf, const std::string& what);

} // namespace accord::c2pa
