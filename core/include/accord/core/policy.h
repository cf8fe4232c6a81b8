#pragma once

#include "accord/core/consent.h"
#include "accord/core/errors.h"

#include <string>
#include <unordered_map>
#include <vector>

namespace accord {

// Everything the policy engine reads, as plain values: a snapshot of the registry.
struct ConsentGraph {
    std::unordered_map<std::string, Holder> holders;
    std::unordered_map<std::string, Asset> assets;
    std::unordered_map<std::string, Model> models;
    std::unordered_map<std::string, Render> renders;
    std::unordered_map<std::string, Grant> grants;
    // Grants on one asset, and grants on all assets of a holder, by id.
    std::unordered_map<std::string, std::vector<std::string>> grantsByAsset;
    std::unordered_map<std::string, std::vector<std::string>> allAssetGrantsByHolder;
};

// What a subject of a decision is: the thing to train on, generate with, export or share.
struct Subject {
    InputKind kind = InputKind::Asset;
    std::string id;
};

struct PolicyRequest {
    Scope scope = Scope::Export;
    Subject subject;
    std::string actor; // the holder acting; empty: nobody in particular (only to-anyone grants)
    UnixTime at = 0;
    bool commercial = false;
};

// One grant that is missing for the decision to be "allowed".
struct MissingGrant {
    std::string asset; // empty when the problem is not one asset (e.g. a source-revoked model)
    std::string owner;
    Scope scope = Scope::Export;
    std::string why; // plain words, naming the grants that exist but do not apply
};

struct ReliedGrant {
    std::string asset;
    std::string grant;
};

struct Decision {
    bool allowed = false;
    std::vector<MissingGrant> missing;
    std::vector<ReliedGrant> relied; // for an allowed decision: the grant used for each asset
    std::vector<std::string> closureAssets;
};

// Thrown where an action is refused by the policy engine; carries every missing grant so the
// CLI (exit 4) and the studio can list them.
class ConsentDenied : public Error {
public:
    ConsentDenied(const std::string& action, Decision decision)
        : Error(ExitCode::Denied, "consent denied: " + action), action_(action),
          decision_(std::move(decision)) {}
    const std::string& action() const { return action_; }
    const Decision& decision() const { return decision_; }

private:
    std::string action_;
    Decision decision_;
};

// The assets whose consent a subject depends on: itself for an asset; the training assets of a
// model; for a render every asset, model (with its training assets) and render it was made from,
// transitively. Sorted, without duplicates.
std::vector<std::string> lineageClosure(const ConsentGraph& graph, const Subject& subject);

// The one place that decides consent (docs/CONSENT.md): every asset in the subject's lineage
// closure needs an active grant of the request's scope (and commercial terms for a commercial
// request); generating with a model also needs the model not to be source-revoked. Default is deny.
Decision decide(const ConsentGraph& graph, const PolicyRequest& request);

// Where a grant stands at an instant, as decide() judges it: given at `createdAt`, withdrawn
// from the instant it is revoked or expires (docs/ARCHITECTURE.md, "Policy"). When several
// hold, the first of NotYetActive, Revoked, Expired wins.
enum class GrantState { Active, NotYetActive, Revoked, Expired };
GrantState grantState(const Grant& grant, UnixTime at);
// "active", "not-yet-active", "revoked", "expired": the word the CLI and the studio show.
std::string grantStateName(GrantState state);
bool grantIsActive(const Grant& grant, UnixTime at); // grantState(grant, at) == Active

// "Ada allows training of voice models on 'Take 3' until 2027-01-01" and the like.
std::string describeGrant(const ConsentGraph& graph, const Grant& grant, UnixTime now);

} // namespace accord
