#pragma once

// `accord-cli render`: a project's mix and stems rendered through the engine's graph
// (audio/render.h) and recorded as renders with their lineage (the assets and renders their
// clips play), so what is made from them later keeps asking their owners.

#include "accord/audio/render.h"
#include "accord/core/project.h"
#include "accord/core/registry.h"

#include <string>
#include <vector>

namespace accord::workflows {

struct RecordedRender {
    audio::RenderedFile file;
    std::string render; // the registered render id
};

// Every clip is resolved by its content in this registry first (project_sources.h: BadInput
// naming the clip and `projectPath` when it is not registered here or its file changed, before
// anything is rendered). The files are written first, then all renders are recorded in one
// transaction.
std::vector<RecordedRender> renderProject(Registry& registry, const Project& project,
                                          const std::string& projectPath,
                                          const audio::RenderRequest& request);

} // namespace accord::workflows
