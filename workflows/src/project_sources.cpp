#include "accord/workflows/project_sources.h"

#include "accord/audio/audio_file.h"
#include "accord/core/errors.h"

namespace accord::workflows {

namespace {

std::string shortHash(const std::string& hash) {
    return hash.substr(0, 12) + "...";
}

} // namespace

ResolvedProject resolveProjectSources(const Registry& registry, const Project& project,
                                      const std::string& where) {
    ResolvedProject resolved{project, {}};
    const bool madeHere =
        !project.registry.empty() && project.registry == registry.studioPublicKey();
    for (Track& track : resolved.project.tracks)
        for (Clip& clip : track.clips) {
            if (clip.offline)
                continue;
            const std::string named =
                where + ": clip " + clip.id + " on track '" + track.name + "'";
            const AudioIdentity identity = audio::identifyAudioFileCached(clip.file);
            if (!clip.pcmSha256.empty() && clip.pcmSha256 != identity.pcmSha256)
                throw BadInput(named + ": " + clip.file +
                               " no longer holds the recording placed there (its sound is " +
                               shortHash(identity.pcmSha256) + ", the project placed " +
                               shortHash(clip.pcmSha256) + "); place the file on the track again");
            const auto asset = registry.assetByContent(identity.pcmSha256, identity.fileSha256);
            const auto render = registry.renderByContent(identity.pcmSha256);
            // Either may carry the content; the kind the clip names decides between the two.
            const bool useRender = render && (!asset || !clip.render.empty());
            if (!asset && !render)
                throw BadInput(named + ": " + clip.file +
                               " is no recording or render registered in " + registry.path() +
                               (madeHere ? std::string()
                                         : " (the project was made with another registry: "
                                           "register the recording here, by its owner)"));
            const std::string asId = useRender ? render->id : asset->id;
            const std::string namedId = clip.render.empty() ? clip.asset : clip.render;
            if (!namedId.empty() && namedId != asId)
                resolved.notes.push_back(
                    named + " names " + (clip.render.empty() ? "asset " : "render ") + namedId +
                    ", but its file holds " + (useRender ? "render " : "asset ") + asId +
                    (madeHere ? ": the project file was edited; the file's content counts"
                              : ": the project was made with another registry; the file's "
                                "content counts"));
            clip.asset = useRender ? std::string() : asId;
            clip.render = useRender ? asId : std::string();
            clip.pcmSha256 = identity.pcmSha256;
        }
    return resolved;
}

} // namespace accord::workflows
