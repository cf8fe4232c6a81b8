#pragma once

// `accord-cli render`: a project's mix and stems rendered through the engine's graph
// (audio/render.h), tracks through their voice models as in playback and export, and recorded as
// renders with their lineage (the assets, renders and models they are made of), so what is made
// from them later keeps asking their owners.

#include "accord/audio/render.h"
#include "accord/core/project.h"
#include "accord/core/registry.h"

#include <string>
#include <vector>

namespace accord::workflows {

struct RecordedRender {
    audio::RenderedFile file;
    std::string render;    // the registered render id
    std::string watermark; // the payload its audio carries (re-sung parts), or empty
};

// Every clip is resolved by its content in this registry first (project_sources.h: BadInput
// naming the clip and `projectPath` when it is not registered here or its file changed, before
// anything is rendered). Rendering through a voice model generates: `generate` consent for every
// model a track runs through (ConsentDenied listing what is missing, nothing written), the live
// nodes from `request.processorFor` (workflows/live_model.h; BadInput without one), and each file
// with re-sung parts carries a watermark naming its render. The files are written first, then all
// renders are recorded in one transaction (a failure removes the files).
std::vector<RecordedRender> renderProject(Registry& registry, const Project& project,
                                          const std::string& projectPath,
                                          const audio::RenderRequest& request);

} // namespace accord::workflows
