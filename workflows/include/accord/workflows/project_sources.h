#pragma once

// What a project's clips play, in the registry at hand (docs/PROJECT.md "Content, not ids"):
// every decision about a project (render, export, the Export dialog) resolves each clip by the
// content of its media file, so a project made with another registry, or a project file edited
// by hand, can never borrow the owners of whatever an id names here.

#include "accord/core/project.h"
#include "accord/core/registry.h"

#include <string>
#include <vector>

namespace accord::workflows {

struct ResolvedProject {
    Project project;                // each online clip naming the asset or render of its content
    std::vector<std::string> notes; // plain sentences: clips whose id was not their content
};

// Identifies every online clip's media (cached by size and modification time). Throws BadInput
// "<where>: clip C on track 'T': ..." when a clip's file no longer holds the content the project
// placed (pcm_sha256), or when this registry knows no asset or render with that content (which
// is what a project made with another studio's registry meets). Offline clips are left as they
// are.
ResolvedProject resolveProjectSources(const Registry& registry, const Project& project,
                                      const std::string& where);

} // namespace accord::workflows
