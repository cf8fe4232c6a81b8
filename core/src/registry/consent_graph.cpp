// The registry as plain values for the policy engine, cached until the file changes.

#include "registry_impl.h"

namespace accord {

std::int64_t Registry::Impl::dataVersion() const {
    auto statement = prepare("PRAGMA data_version");
    statement->step();
    return statement->integer(0);
}

// One query per table (training sources and render inputs too), so a registry of 10,000 assets
// loads in milliseconds (docs/ARCHITECTURE.md, "Policy").
void Registry::Impl::loadGraph() const {
    graph = ConsentGraph{};
    for (auto& h : selectHolders(""))
        graph.holders.emplace(h.id, std::move(h));
    for (auto& a : selectAssets(""))
        graph.assets.emplace(a.id, std::move(a));
    for (auto& g : selectGrants("ORDER BY rowid")) {
        if (g.asset)
            graph.grantsByAsset[*g.asset].push_back(g.id);
        else
            graph.allAssetGrantsByHolder[g.holder].push_back(g.id);
        graph.grants.emplace(g.id, std::move(g));
    }
    for (auto& m : selectModels(""))
        graph.models.emplace(m.id, std::move(m));
    auto sources = prepare("SELECT model, asset, grant_id FROM model_sources ORDER BY rowid");
    while (sources->step())
        graph.models.at(sources->text(0)).training.push_back({sources->text(1), sources->text(2)});
    for (auto& r : selectRenders(""))
        graph.renders.emplace(r.id, std::move(r));
    auto inputs = prepare("SELECT render, kind, input FROM render_inputs ORDER BY rowid");
    while (inputs->step())
        graph.renders.at(inputs->text(0))
            .inputs.push_back({parseInputKind(inputs->text(1)), inputs->text(2)});
}

const ConsentGraph& Registry::consentGraph() const {
    const std::pair<std::int64_t, std::int64_t> version{impl_->dataVersion(), impl_->localWrites};
    if (impl_->graphVersion != version) {
        impl_->loadGraph();
        impl_->graphVersion = version;
    }
    return impl_->graph;
}

Decision Registry::decide(const PolicyRequest& request) const {
    return accord::decide(consentGraph(), request);
}

} // namespace accord
