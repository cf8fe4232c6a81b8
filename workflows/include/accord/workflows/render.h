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

// Every clip must name an asset or render this registry knows (BadInput naming the clip and
// `projectPath` otherwise, before anything is rendered). The files are written first, then all
// renders are recorded in one transaction.
std::vector<RecordedRender> renderProject(Registry& registry, const Project& project,
                                          const std::string& projectPath,
                                          const audio::RenderRequest& request);

} // namespace accord::workflows
