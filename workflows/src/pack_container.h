#pragma once

// The container of model packs (docs/CONSENT.md "Model packs"): a ZIP archive any unzip tool
// opens, entries stored as they are, whose archive comment holds one Ed25519 signature per signer
// over every byte of the file before the comment. So a byte changed anywhere (an entry, a ZIP
// header, the signatures themselves) is caught, and the entries' own hashes say which part it
// was.

#include "accord/core/crypto.h"

#include <functional>
#include <string>
#include <vector>

namespace accord::workflows {

struct PackEntry {
    std::string name;
    std::string bytes;
};

// Signs `message` as the holder with this public key (hex).
using PackSigner = std::function<Bytes(const std::string& publicKey, const std::string& message)>;

// Writes the archive atomically; `signerKeys` each sign it. Throws BadInput naming `path` when
// it cannot be written.
void writePackContainer(const std::string& path, const std::vector<PackEntry>& entries,
                        const std::vector<std::string>& signerKeys, const PackSigner& sign);

struct PackContainer {
    std::string fileSha256;
    std::vector<PackEntry> entries; // in the archive's order
    struct Signature {
        std::string publicKey; // hex
        std::string signature; // hex
    };
    std::vector<Signature> signatures;
    std::string signedBytes; // every byte the signatures cover

    const PackEntry* entry(const std::string& name) const;
    // Whether `publicKey` signed the pack and its signature holds over signedBytes.
    bool signedBy(const std::string& publicKey) const;
};

// Reads the archive. Throws BadInput when `path` cannot be read, IntegrityError naming what is
// damaged when it is not a whole pack container (a changed ZIP structure, an entry whose checksum
// fails, missing or unreadable signatures).
PackContainer readPackContainer(const std::string& path);

} // namespace accord::workflows
