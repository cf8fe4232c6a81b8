#include "accord/core/policy.h"

#include "accord/core/errors.h"
#include "accord/core/files.h"

#include <algorithm>
#include <sstream>
#include <string_view>
#include <unordered_set>

namespace accord {
namespace {

const char* unknownKindMessage(InputKind kind) {
    switch (kind) {
    case InputKind::Asset:
        return "unknown asset";
    case InputKind::Model:
        return "unknown model";
    case InputKind::Render:
        return "unknown render";
    case InputKind::LiveInput:
        break;
    }
    return "unknown id";
}

// Walks the lineage graph once; renders and models are visited at most once each.
struct ClosureWalk {
    const ConsentGraph& graph;
    std::unordered_set<std::string_view> seenAssets;
    std::vector<const Asset*> assets;
    std::unordered_set<std::string_view> models;
    std::unordered_set<std::string_view> renders;

    [[noreturn]] static void unknown(const Subject& subject) {
        throw BadInput(std::string(unknownKindMessage(subject.kind)) + " '" + subject.id + "'");
    }

    void visit(const Subject& subject) {
        switch (subject.kind) {
        case InputKind::Asset: {
            const auto found = graph.assets.find(subject.id);
            if (found == graph.assets.end())
                unknown(subject);
            if (!seenAssets.insert(found->first).second)
                return;
            assets.push_back(&found->second);
            // What its registration scan found inside it (docs/CONSENT.md "Lineage").
            if (found->second.scan)
                for (const auto& contained : found->second.scan->found)
                    visit({contained.kind, contained.id});
            return;
        }
        case InputKind::Model: {
            const auto found = graph.models.find(subject.id);
            if (found == graph.models.end())
                unknown(subject);
            if (!models.insert(found->first).second)
                return;
            for (const auto& source : found->second.training)
                visit({InputKind::Asset, source.asset});
            return;
        }
        case InputKind::Render: {
            const auto found = graph.renders.find(subject.id);
            if (found == graph.renders.end())
                unknown(subject);
            if (!renders.insert(found->first).second)
                return;
            for (const auto& input : found->second.inputs)
                visit({input.kind, input.id});
            return;
        }
        case InputKind::LiveInput:
            return; // played, never recorded: no recording and no owner to ask
        }
    }

    // Assets in id order, so decisions and their reasons are deterministic.
    void sortAssets() {
        std::sort(assets.begin(), assets.end(),
                  [](const Asset* a, const Asset* b) { return a->id < b->id; });
    }
};

std::string holderLabel(const ConsentGraph& graph, const std::string& holderId) {
    const auto found = graph.holders.find(holderId);
    return found == graph.holders.end() ? holderId : found->second.name + " (" + holderId + ")";
}

std::string assetLabel(const ConsentGraph& graph, const std::string& assetId) {
    const auto found = graph.assets.find(assetId);
    if (found == graph.assets.end() || found->second.path.empty())
        return assetId;
    std::string name = fileNameOf(found->second.path);
    return "'" + name + "' (" + assetId + ")";
}

// Why `grant` does not allow the request now; empty when it does.
std::string whyGrantFails(const ConsentGraph& graph, const Grant& grant,
                          const PolicyRequest& request) {
    switch (grantState(grant, request.at)) {
    case GrantState::NotYetActive:
        return "grant " + grant.id + " was only given on " + formatIsoTime(grant.createdAt);
    case GrantState::Revoked:
        return "grant " + grant.id + " was revoked on " + formatIsoTime(*grant.revokedAt) +
               (grant.revokeReason.empty() ? "" : " (" + grant.revokeReason + ")");
    case GrantState::Expired:
        return "grant " + grant.id + " expired on " + formatIsoDate(*grant.terms.expiresAt);
    case GrantState::Active:
        break;
    }
    // A grant from another studio came with a model pack: its generate and export grants are
    // what the pack allows; the others are the model's lineage (docs/CONSENT.md "Model packs").
    if (grant.origin && grant.scope != Scope::Generate && grant.scope != Scope::Export)
        return "grant " + grant.id +
               " was given in another studio and came here as a model's "
               "lineage; it allows nothing here";
    if (grant.grantee && *grant.grantee != request.actor)
        return "grant " + grant.id + " is for " + holderLabel(graph, *grant.grantee) + " only";
    if (request.commercial && !grant.terms.commercial)
        return "grant " + grant.id + " does not allow commercial use";
    return {};
}

// Calls `visit` with each grant of `scope` covering `asset` (its own grants first) until it
// returns true; returns that grant or nullptr.
template <typename Visit>
const Grant* findGrant(const ConsentGraph& graph, const Asset& asset, Scope scope, Visit visit) {
    for (const auto* index : {&graph.grantsByAsset, &graph.allAssetGrantsByHolder}) {
        const auto found = index->find(index == &graph.grantsByAsset ? asset.id : asset.owner);
        if (found == index->end())
            continue;
        for (const auto& grantId : found->second) {
            const Grant& grant = graph.grants.at(grantId);
            if (grant.scope == scope && visit(grant))
                return &grant;
        }
    }
    return nullptr;
}

} // namespace

GrantState grantState(const Grant& grant, UnixTime at) {
    if (grant.createdAt > at)
        return GrantState::NotYetActive;
    if (grant.revokedAt && *grant.revokedAt <= at)
        return GrantState::Revoked;
    if (grant.terms.expiresAt && *grant.terms.expiresAt <= at)
        return GrantState::Expired;
    return GrantState::Active;
}

std::string grantStateName(GrantState state) {
    switch (state) {
    case GrantState::NotYetActive:
        return "not-yet-active";
    case GrantState::Revoked:
        return "revoked";
    case GrantState::Expired:
        return "expired";
    case GrantState::Active:
        break;
    }
    return "active";
}

bool grantIsActive(const Grant& grant, UnixTime at) {
    return grantState(grant, at) == GrantState::Active;
}

std::vector<std::string> lineageClosure(const ConsentGraph& graph, const Subject& subject) {
    ClosureWalk walk{graph, {}, {}, {}, {}};
    walk.visit(subject);
    walk.sortAssets();
    std::vector<std::string> ids;
    ids.reserve(walk.assets.size());
    for (const Asset* asset : walk.assets)
        ids.push_back(asset->id);
    return ids;
}

Decision decide(const ConsentGraph& graph, const PolicyRequest& request) {
    ClosureWalk walk{graph, {}, {}, {}, {}};
    walk.visit(request.subject);
    walk.sortAssets();

    Decision decision;
    if (request.scope == Scope::Generate) {
        std::vector<std::string_view> modelIds(walk.models.begin(), walk.models.end());
        std::sort(modelIds.begin(), modelIds.end());
        for (const auto modelId : modelIds) {
            const Model& model = graph.models.at(std::string(modelId));
            if (model.sourceRevoked)
                decision.missing.push_back(
                    {"", model.owner, Scope::Generate,
                     "model " + model.id +
                         " is source-revoked: a consent it was trained under was revoked; "
                         "retrain it without that recording"});
        }
    }
    decision.closureAssets.reserve(walk.assets.size());
    decision.relied.reserve(walk.assets.size());
    for (const Asset* asset : walk.assets) {
        decision.closureAssets.push_back(asset->id);
        const Grant* allowing = findGrant(graph, *asset, request.scope, [&](const Grant& grant) {
            return whyGrantFails(graph, grant, request).empty();
        });
        if (allowing) {
            decision.relied.push_back({asset->id, allowing->id});
            continue;
        }
        // Denied: name every grant that exists but does not apply, and why.
        std::string why;
        findGrant(graph, *asset, request.scope, [&](const Grant& grant) {
            why += (why.empty() ? "" : "; ") + whyGrantFails(graph, grant, request);
            return false;
        });
        if (why.empty())
            why = "no " + scopeName(request.scope) + " grant from " +
                  holderLabel(graph, asset->owner) + " covers " + assetLabel(graph, asset->id);
        decision.missing.push_back({asset->id, asset->owner, request.scope, why});
    }
    decision.allowed = decision.missing.empty();
    if (!decision.allowed)
        decision.relied.clear();
    return decision;
}

std::string describeGrant(const ConsentGraph& graph, const Grant& grant, UnixTime now) {
    const auto holder = graph.holders.find(grant.holder);
    const std::string who = holder == graph.holders.end() ? grant.holder : holder->second.name;
    std::string action;
    switch (grant.scope) {
    case Scope::TrainVoice:
        action = "training of voice models on ";
        break;
    case Scope::TrainStyle:
        action = "training of style models on ";
        break;
    case Scope::Generate:
        action = "generating with models trained on ";
        break;
    case Scope::Export:
        action = "export of ";
        break;
    case Scope::Share:
        action = "sharing models trained on ";
        break;
    }
    const GrantState state = grantState(grant, now);
    std::ostringstream text;
    text << who << (state == GrantState::Revoked ? " allowed " : " allows ") << action
         << (grant.asset ? assetLabel(graph, *grant.asset) : "all of " + who + "'s recordings");
    const bool lineageOnly =
        grant.origin && grant.scope != Scope::Generate && grant.scope != Scope::Export;
    if (grant.grantee)
        text << " by " << holderLabel(graph, *grant.grantee) << " only";
    else if (lineageOnly)
        text << " in another studio";
    else if (grant.origin)
        text << " by anyone who has the model pack";
    else
        text << " by anyone in this studio";
    if (grant.terms.expiresAt)
        text << " until " << formatIsoDate(*grant.terms.expiresAt);
    std::vector<std::string> terms;
    if (grant.terms.commercial)
        terms.push_back("commercial use");
    if (grant.terms.sharePercent > 0) {
        std::ostringstream share;
        share << grant.terms.sharePercent << "% royalty share";
        terms.push_back(share.str());
    }
    if (!grant.terms.licence.empty())
        terms.push_back("licence " + grant.terms.licence);
    if (!terms.empty()) {
        text << " (";
        for (std::size_t i = 0; i < terms.size(); ++i)
            text << (i ? ", " : "") << terms[i];
        text << ")";
    }
    if (lineageOnly)
        text << " — a shared model's lineage: allows nothing here";
    if (state == GrantState::Revoked)
        text << " — revoked on " << formatIsoDate(*grant.revokedAt);
    else if (state == GrantState::Expired)
        text << " — expired";
    return text.str();
}

} // namespace accord
