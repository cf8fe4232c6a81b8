#pragma once

// Models, packs and exports' manifests in the shared ledger (docs/LEDGER.md "Models, packs and
// manifests"): signed records about a model, found by its weights' SHA-256. A model record says
// which grant statements a studio trained the model under; a pack record that a studio imported a
// pack of it, with the grants the pack carried; a manifest is an export's own signed manifest
// (docs/C2PA.md), naming the models in its lineage. Like statements, each is verified before it is
// sent and again by whoever reads it.

#include "accord/ledger/ledger.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace accord::ledger {

enum class RecordKind { Model, Pack, Manifest };
std::string recordKindName(RecordKind kind);

// One training recording of a model record: by content, and the grant statement relied on (none
// for a grant given before statements existed).
struct TrainingLink {
    std::string assetPcmSha256;
    std::optional<std::string> grantStatementSha256;
};

// `accord-model-1`: a studio says it trained the model with these weights under these grants.
struct ModelRecord {
    std::string studio; // the training studio's public key: it signs
    std::string kind;   // voice or style
    std::string weightsSha256;
    std::string ownerKey;
    std::vector<TrainingLink> training;
    std::string created; // ISO time the model was registered
};

// `accord-pack-1`: a studio says it imported a pack (by the file's SHA-256) of the model, shared by
// `sharedBy`, carrying these training grants and uses (`generate`/`export` grants).
struct PackImportRecord {
    std::string studio; // the importing studio's public key: it signs
    std::string sharedBy;
    std::string packSha256;
    std::string kind;
    std::string weightsSha256;
    std::string ownerKey;
    std::optional<std::string> recipient;
    std::vector<std::string> trainedUnder; // grant statement ids
    std::vector<std::string> uses;         // grant statement ids
    std::string imported;                  // ISO time
    // The pack's manifest as the model's owner signed it (its `ownerSignature`), when it carries
    // that signature: the record's model, sharer, recipient and grants are then the owner's word,
    // checked by every reader, not only the importer's.
    std::optional<std::string> ownerSignedManifest;
};

// The canonical text of a record, the bytes its signer signs.
std::string recordText(const ModelRecord& record);
std::string recordText(const PackImportRecord& record);

// A record as signed: model and pack records with the Ed25519 signature of their text by the
// studio they name (hex); a manifest carries its own signature, repeated here.
struct SignedRecord {
    std::string record;
    std::string signature;
};

// What the ledger indexes a record under, read from its verified text.
struct RecordFields {
    RecordKind kind = RecordKind::Model;
    std::string signerKey;
    std::vector<std::string> models;             // weights SHA-256 of each model it is about
    std::vector<std::string> trainedUnder;       // model and pack: the training grant statements
    std::vector<std::string> uses;               // pack: its generate/export grant statements
    std::optional<std::string> render;           // manifest: the export's render id
    std::optional<std::string> contentPcmSha256; // manifest: the exported sound
    std::optional<UnixTime> exported; // manifest: its `exportedAt`, the exporter's signed word
    bool ownerSigned = false; // pack: what it says is in a manifest its model's owner signed
};

struct RecordEntry {
    std::string id; // SHA-256 of the record's text
    std::int64_t sequence = 0;
    SignedRecord signedRecord;
    RecordFields fields;
};

// Reads and checks one record: its form and its signature by the key it names. Throws
// IntegrityError naming `what` when it does not verify.
RecordFields verifyRecord(const SignedRecord& record, const std::string& what);

// Where a record stands now, by the grant statements the ledger holds (docs/LEDGER.md "Query"):
// a model `active`, or `source-revoked` when a training grant is revoked; a pack likewise, or
// `withdrawn` when a use is revoked. A manifest is judged by its signed export date against the
// revocations' dates: `valid`; `revoked-since` when exported while every training grant of its
// models held, revoked since; `made-after-revocation` when exported at or after the revocation of
// one (a real violation); `source-revoked` when it carries no export date to judge by.
struct RecordStanding {
    RecordEntry entry;
    std::string state;
    std::vector<std::string> revokedGrants; // the grant statements whose revocation decides it
    std::optional<UnixTime> revokedAt;      // the earliest of those revocations, as signed
};

// Everything the ledger holds about a model: its records, the grant statements they name and the
// revocations of those, each with where it stands at `now`.
struct ModelHistory {
    std::vector<RecordStanding> records;
    std::vector<Standing> statements;
};
ModelHistory modelHistory(const Ledger& ledger, const std::string& weightsSha256, UnixTime now);

} // namespace accord::ledger
