#pragma once

// Model packs (docs/CONSENT.md "Model packs"): a model handed to a collaborator or a fan with the
// terms inside it, signed by every holder whose consent it carries, enforced by any Accord that
// imports it.

#include "accord/core/policy.h"
#include "accord/core/registry.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace accord::workflows {

struct ShareRequest {
    std::string modelFile;
    // A holder id or an Ed25519 public key (hex); nullopt: anyone who has the pack.
    std::optional<std::string> to;
    std::string toName; // what to call a recipient known only by key ("" : "Recipient <key>")
    bool commercial = false;
    std::optional<UnixTime> expires;
    std::string actor; // the holder asking; empty: the model's owner
    std::string out;   // the pack file (".accordpack" usual)
};

// The model a file is, as registered here. Throws BadInput naming the file when it is not a model
// file or not registered.
Model registeredModelOfFile(const Registry& registry, const std::string& modelFile);

// The `share` decision for the request, without writing anything (the studio shows it first).
Decision judgeShare(const Registry& registry, const ShareRequest& request);

struct SharedPack {
    std::string path;
    std::string fileSha256;
    std::uint64_t bytes = 0;
    Model model;
    std::optional<Holder> recipient; // nullopt: anyone
    std::vector<Grant> grants;       // the generate and export grants given for it
};

// Shares a model: needs an active `share` grant on every training asset (ConsentDenied naming
// each missing one), with commercial terms for a commercial pack. Gives, signed by each training
// asset's holder, `generate` and `export` grants to the recipient with the terms of their `share`
// grant (share, licence, attribution; the earlier expiry), and writes the pack. The grants and the
// pack land together or not at all.
SharedPack shareModel(Registry& registry, const ShareRequest& request);

// What one grant a pack carries lets its recipient do, in plain values.
struct PackUse {
    Scope scope = Scope::Generate;
    std::string holderName;
    std::string holderKey;
    double sharePercent = 0;
    bool commercial = false;
    std::optional<UnixTime> expires;
    std::string licence;
};

// A pack read and verified: every signature and hash checked, and against this registry (a holder
// whose key differs from the one on record is refused).
struct PackContents {
    std::string path;
    std::string fileSha256;
    std::string modelKind;
    std::string modelOwnerName;
    std::string modelOwnerKey;
    std::optional<std::string> recipientKey; // nullopt: anyone
    std::string recipientName;
    std::optional<Holder> recipientHere; // the holder on record with the recipient's key
    std::string sharedBy;                // the sharing studio's key
    std::vector<PackUse> uses;
    std::size_t trainingRecordings = 0;
    std::optional<PackRecord> importedBefore;
};

// Verifies a pack without writing anything (the studio shows it before importing). Throws
// IntegrityError naming what was changed (exit 3), BadInput when the file cannot be read.
PackContents inspectPack(const Registry& registry, const std::string& packFile);

struct ImportedPack {
    PackContents contents;
    PackRecord pack;
    Model model;
    bool alreadyImported = false;
};

// Imports a pack: verifies it as inspectPack does, then records the foreign holders, the model's
// training recordings by content, every grant it carries and the model (its file kept beside the
// registry, in `<registry>.packs/`), all in one transaction. A pack imported before is the same.
ImportedPack importPack(Registry& registry, const std::string& packFile);

} // namespace accord::workflows
