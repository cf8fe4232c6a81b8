#pragma once

#include "accord/core/c2pa.h"
#include "accord/core/consent.h"
#include "accord/core/crypto.h"
#include "accord/core/policy.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace accord {

struct NewAsset {
    std::string owner;
    AudioIdentity identity;
    std::string isrc;
    AssetOrigin origin = AssetOrigin::Recorded;
    std::string path;
    AssetKind kind = AssetKind::Audio;
    // Recorded with the asset, in the same transaction (its scannedAt is set then).
    std::optional<AssetScan> scan{};
    // A recording named by another studio's model pack, known here only by content: that
    // studio's public key (docs/CONSENT.md "Model packs").
    std::string foreignStudio{};
};

struct AddedAsset {
    Asset asset;
    bool alreadyKnown = false; // the same content was registered before: same id
};

struct NewGrant {
    std::string holder;
    Scope scope = Scope::Export;
    std::optional<std::string> asset;
    std::optional<std::string> grantee;
    GrantTerms terms;
};

struct GrantFilter {
    std::optional<std::string> asset;  // grants covering this asset (its own and all-assets ones)
    std::optional<std::string> holder; // grants given by this holder
};

struct NewModel {
    ModelKind kind = ModelKind::Voice;
    std::string owner;
    std::string file;
    std::string weightsSha256;
    std::string configJson = "{}";
    std::string metricsJson = "{}";
    std::vector<TrainingSource> training;
};

struct NewRender {
    std::string kind;
    std::string path;
    std::string pcmSha256;
    std::vector<RenderInput> inputs;
    std::string watermark; // the payload embedded in a generated render's audio, or empty
};

struct NewPack {
    std::string fileSha256;
    std::string model;
    std::string studioKey;
    std::optional<std::string> recipient;
    std::string manifestJson;
};

// What importing one signed revocation did (docs/CONSENT.md "Revocation travels").
struct ImportedRevocation {
    enum class Outcome { Applied, AlreadyRevoked, NotHere } outcome = Outcome::NotHere;
    std::optional<Grant> grant;             // the grant it revokes, when it is on record here
    std::vector<std::string> sourceRevoked; // models it made source-revoked
};

// A signed statement with its place in this registry's order of signing (docs/LEDGER.md "Push").
struct SequencedStatement {
    std::int64_t sequence = 0;
    GrantStatement statement;
};

struct NewExport {
    std::string render;
    std::string path;
    std::string manifestJson;
    std::string decisionJson;
};

struct AuditEntry {
    std::int64_t seq = 0;
    std::string at;
    std::string op;
    std::string table;
    std::string rowId;
    std::string rowJson;
    std::string prevHash;
    std::string hash;
};

struct AuditReport {
    bool intact = true;
    std::int64_t entries = 0;
    std::vector<std::string> problems; // each names the table and row, or the log entry
};

// The consent registry (docs/CONSENT.md, docs/ARCHITECTURE.md "Consent registry"): one SQLite file
// (WAL, foreign keys, versioned migrations) plus a folder of private keys beside it
// (`<registry>.keys/`, mode 0700, files 0600). Every change runs in one immediate transaction that
// also appends a hash-chained audit entry and re-signs the chain head with the studio key, so a
// crash leaves all of it or none.
class Registry {
public:
    // Opens (creating and migrating when needed). Throws BadInput naming the file when it is not
    // an Accord registry or was written by a newer version.
    static std::unique_ptr<Registry> open(const std::string& path);
    // $ACCORD_REGISTRY, else $XDG_DATA_HOME/accord/registry.sqlite (~/.local/share/...).
    static std::string defaultPath();
    static int schemaVersion();

    ~Registry();
    Registry(const Registry&) = delete;
    Registry& operator=(const Registry&) = delete;

    const std::string& path() const;
    // Changes whenever another connection (another process, or a worker's own connection) has
    // committed a change since the last call on this one; never for this connection's own
    // writes or anyone's reads (SQLite's data_version). A file watcher asks it to tell real
    // changes from file events that change nothing (docs/ARCHITECTURE.md "Registry watcher").
    std::int64_t othersChangeCount() const;

    // Runs several changes as one transaction: all of them land, or none (e.g. a folder import).
    void inOneTransaction(const std::function<void()>& work);

    Holder addHolder(const std::string& name, const std::string& ipi);
    // A holder whose private key is in another studio, known by public key (docs/CONSENT.md
    // "Model packs"): the holder on record with that key when there is one, else a new one with
    // no key file here. Throws BadInput for what is not an Ed25519 public key.
    Holder addKnownHolder(const std::string& name, const std::string& ipi,
                          const std::string& publicKey);
    std::optional<Holder> holder(const std::string& id) const;
    // The holder `id`; throws BadInput naming it as `role` ("owner", "holder", "grantee") when
    // there is none.
    Holder requireHolder(const std::string& id, const std::string& role) const;
    // The holder on record with this public key (hex, either case), if any.
    std::optional<Holder> holderByKey(const std::string& publicKey) const;
    // Whether the holder's private key is on this machine (they can sign here).
    bool canSignAs(const std::string& holderId) const;
    std::vector<Holder> holders() const;
    // Signs with the holder's private key; throws IntegrityError when the key file is missing or
    // does not match the public key on record.
    Bytes signAs(const std::string& holderId, const std::string& message) const;
    // Signs with this studio's key (studioPublicKey), for what no holder signs in person.
    Bytes signAsStudio(const std::string& message) const;
    // Who signs C2PA manifests as `holderId` (empty: the studio): their key, and an X.509 chain
    // of their certificate and the studio's certificate authority, both made on first use and
    // kept beside the keys (`<registry>.keys/ca.key`, `ca.der`, `<holder>.der`; docs/C2PA.md
    // "Certificates"). Throws IntegrityError when the holder's key is not on this machine.
    c2pa::Signer c2paSigner(const std::string& holderId) const;

    AddedAsset addAsset(const NewAsset& asset);
    std::optional<Asset> asset(const std::string& id) const;
    std::optional<Asset> assetByContent(const std::string& pcmSha256,
                                        const std::string& fileSha256) const;
    std::vector<Asset> assets() const;

    // Gives a grant and its statement signed with the holder's key (IntegrityError when that key
    // is not on this machine: nothing is given).
    Grant addGrant(const NewGrant& grant);
    // Revokes (never deletes), with a revocation statement signed by the granting holder when
    // their key is on this machine, and marks models trained under that grant source-revoked.
    Grant revokeGrant(const std::string& grantId, const std::string& reason);
    std::optional<Grant> grant(const std::string& id) const;
    std::vector<Grant> grants(const GrantFilter& filter = {}) const;
    // The grant's signed statements: the grant, then its revocation; none for a grant given
    // before statements existed.
    std::vector<GrantStatement> grantStatements(const std::string& grantId) const;
    // Records a grant given in another studio from its signed statement (a model pack's): the
    // signature must be the key of the holder it names, the holder, the asset (by content) and
    // the grantee (by key) must be on record. The same grant when imported before. Throws
    // IntegrityError naming the problem; nothing is recorded then.
    Grant importGrant(const std::string& statement, const std::string& signatureHex);
    // Applies a revocation signed in another studio to the grant it names, when that grant is on
    // record here; marks the models trained under it source-revoked. Throws IntegrityError when
    // the signature is not the key of the grant's holder on record, or the revocation is not one.
    ImportedRevocation importRevocation(const std::string& statement,
                                        const std::string& signatureHex);
    // The signed revocations of grants given in this studio, oldest first.
    std::vector<GrantStatement> revocationStatements() const;
    // Every signed statement (grants and revocations, those imported too) after `sequence`, in
    // the order they were stored, at most `limit` of them: what a ledger push sends next.
    std::vector<SequencedStatement> statementsAfter(std::int64_t sequence, std::size_t limit) const;

    Model addModel(const NewModel& model);
    std::optional<Model> model(const std::string& id) const;
    std::vector<Model> models() const;

    Render addRender(const NewRender& render);
    std::optional<Render> render(const std::string& id) const;
    // The render whose canonical PCM is `pcmSha256` (the earliest when several are identical).
    std::optional<Render> renderByContent(const std::string& pcmSha256) const;
    // The render whose audio carries the watermark `payload` (its printable form).
    std::optional<Render> renderByWatermark(const std::string& payload) const;
    // Every render, in the order registered, with its inputs.
    std::vector<Render> renders() const;

    // Records a model pack imported here; its model, assets and grants are recorded first.
    PackRecord addPack(const NewPack& pack);
    std::optional<PackRecord> packByFile(const std::string& fileSha256) const;
    std::vector<PackRecord> packs() const;

    ExportRecord addExport(const NewExport& record);
    // Every export, oldest first.
    std::vector<ExportRecord> exports() const;

    // The trust store (docs/CLI.md "trust"): keys the user chose to trust, besides this studio's
    // and the holders' on record. `publicKey` is 64 hexadecimal digits (either case). Throws
    // BadInput for what is not an Ed25519 public key, an empty name, and a key trusted already
    // (in the store, or the studio's or a holder's).
    TrustedKey trustKey(const std::string& publicKey, const std::string& name);
    // Stops trusting `publicKey` now; the row stays, with the instant (never deleted). Throws
    // BadInput when the store does not trust it.
    TrustedKey untrustKey(const std::string& publicKey);
    // The store's entry in force for `publicKey` (lower-case hex, as stored), if any.
    std::optional<TrustedKey> trustedKey(const std::string& publicKey) const;
    // Every key ever trusted, in the order added, those removed too.
    std::vector<TrustedKey> trustedKeys() const;

    // The registry as plain values for the policy engine; cached until the file changes.
    const ConsentGraph& consentGraph() const;
    Decision decide(const PolicyRequest& request) const;

    std::vector<AuditEntry> auditLog(std::optional<std::int64_t> limit = std::nullopt) const;
    // Checks the hash chain, the signed head, and that replaying the log rebuilds exactly the
    // rows of every registry table; names each changed, deleted or inserted row.
    AuditReport verifyAudit() const;
    std::string studioPublicKey() const;

private:
    struct Impl;
    explicit Registry(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

} // namespace accord
