#pragma once

// What each file rendered from a project is made of, in the registry's terms: the parts that
// sound (clips, through the track's voice model), for the split sheet and the AI disclosure, and
// the inputs its render record names (assets, renders, models). Shared by render and export, so a
// project's lineage is planned one way (docs/ARCHITECTURE.md "Export with proof").

#include "accord/core/policy.h"
#include "accord/core/project.h"
#include "accord/core/provenance.h"

#include <string>
#include <vector>

namespace accord::workflows {

struct FilePlan {
    std::string trackId; // empty: the mix
    std::vector<const Track*> tracks;
    std::vector<SplitPart> parts;
    std::vector<RenderInput> inputs; // for the registry's render record
    // Parts re-sung by a voice model: the file is generated audio and carries a watermark.
    bool generated() const;
};

// The asset or render a (resolved, project_sources.h) clip plays.
Subject sourceOf(const Clip& clip);

// The registered model a track runs through (by its model file), or empty; BadInput when the
// registry knows no model with that file.
std::string modelOfTrack(const ConsentGraph& graph, const Track& track);

// The mix (of the audible tracks) when `mix`, then one stem per track when `stems`, in the order
// audio::renderProject writes them. The project's clips must be resolved (project_sources.h).
std::vector<FilePlan> planFiles(const ConsentGraph& graph, const Project& project, bool mix,
                                bool stems);

// Merges `more` into `into`: one line per (asset, owner, scope), the first reason kept.
void mergeDecision(Decision& into, const Decision& more);

} // namespace accord::workflows
