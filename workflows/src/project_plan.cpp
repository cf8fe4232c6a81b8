#include "project_plan.h"

#include "accord/core/errors.h"

#include <algorithm>

namespace accord::workflows {

Subject sourceOf(const Clip& clip) {
    return clip.render.empty() ? Subject{InputKind::Asset, clip.asset}
                               : Subject{InputKind::Render, clip.render};
}

std::string modelOfTrack(const ConsentGraph& graph, const Track& track) {
    if (track.model.empty())
        return {};
    for (const auto& [id, model] : graph.models)
        if (model.file == track.model)
            return id;
    throw BadInput("track '" + track.name + "' runs through the model file " + track.model +
                   ", which this registry does not know");
}

bool FilePlan::generated() const {
    return std::any_of(parts.begin(), parts.end(),
                       [](const SplitPart& p) { return !p.liveModel.empty(); });
}

namespace {

void addInput(std::vector<RenderInput>& inputs, InputKind kind, const std::string& id) {
    if (std::none_of(inputs.begin(), inputs.end(),
                     [&](const RenderInput& i) { return i.kind == kind && i.id == id; }))
        inputs.push_back({kind, id});
}

FilePlan planFile(const ConsentGraph& graph, const Project& project,
                  const std::vector<const Track*>& tracks, const std::string& trackId) {
    FilePlan plan;
    plan.trackId = trackId;
    plan.tracks = tracks;
    for (const Track* track : tracks) {
        const std::string model = modelOfTrack(graph, *track);
        for (const auto& clip : track->clips) {
            const Subject source = sourceOf(clip);
            const bool known = source.kind == InputKind::Asset ? graph.assets.count(source.id) > 0
                                                               : graph.renders.count(source.id) > 0;
            if (!known)
                throw BadInput("clip " + clip.id + " on track '" + track->name + "' uses " +
                               inputKindName(source.kind) + " '" + source.id +
                               "', which the registry does not know");
            plan.parts.push_back({source, model, project.samplesToSeconds(clip.length)});
            addInput(plan.inputs, source.kind, source.id);
        }
        if (!model.empty())
            addInput(plan.inputs, InputKind::Model, model);
    }
    return plan;
}

} // namespace

std::vector<FilePlan> planFiles(const ConsentGraph& graph, const Project& project, bool mix,
                                bool stems) {
    std::vector<FilePlan> plans;
    if (mix) {
        std::vector<const Track*> audible;
        for (const auto& track : project.tracks)
            if (trackAudible(project, track))
                audible.push_back(&track);
        plans.push_back(planFile(graph, project, audible, {}));
    }
    if (stems)
        for (const auto& track : project.tracks)
            plans.push_back(planFile(graph, project, {&track}, track.id));
    return plans;
}

void mergeDecision(Decision& into, const Decision& more) {
    for (const auto& missing : more.missing)
        if (std::none_of(into.missing.begin(), into.missing.end(), [&](const MissingGrant& m) {
                return m.asset == missing.asset && m.owner == missing.owner &&
                       m.scope == missing.scope;
            }))
            into.missing.push_back(missing);
    for (const auto& relied : more.relied)
        if (std::none_of(into.relied.begin(), into.relied.end(), [&](const ReliedGrant& r) {
                return r.asset == relied.asset && r.grant == relied.grant;
            }))
            into.relied.push_back(relied);
    for (const auto& asset : more.closureAssets)
        if (std::find(into.closureAssets.begin(), into.closureAssets.end(), asset) ==
            into.closureAssets.end())
            into.closureAssets.push_back(asset);
}

} // namespace accord::workflows
