#include "accord/workflows/export.h"

#include "accord/workflows/ddex.h"

#include "content_credentials.h"
#include "project_plan.h"
#include "watermark_payload.h"

#include "accord/workflows/project_sources.h"

#include "accord/audio/audio_file.h"
#include "accord/audio/audio_io.h"
#include "accord/audio/embedded_manifest.h"
#include "accord/audio/watermark.h"
#include "accord/core/entity_json.h"
#include "accord/core/files.h"
#include "accord/core/time.h"
#include "accord/workflows/identify.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <set>

#include <unistd.h>

namespace accord::workflows {

using nlohmann::json;
namespace fs = std::filesystem;

namespace {

constexpr double kRenderShareOfProgress = 0.9;
constexpr const char* kStagingPrefix = ".accord-export-";

std::string extensionOf(audio::RenderFormat format) {
    return format == audio::RenderFormat::Flac24 ? ".flac" : ".wav";
}

std::vector<FilePlan> planExport(const ConsentGraph& graph, const Project& project,
                                 const ExportRequest& request) {
    for (const auto& missing : project.offlineMedia)
        throw BadInput("cannot export while media is missing: " + missing);
    return planFiles(graph, project, true, request.stems);
}

// Export consent for every input of the plan; generate consent for every model a track runs
// through (rendering through it generates).
Decision judgePlan(const ConsentGraph& graph, const FilePlan& plan, const ExportRequest& request,
                   UnixTime now) {
    Decision decision;
    decision.allowed = true;
    for (const auto& input : plan.inputs) {
        mergeDecision(
            decision,
            decide(
                graph,
                {Scope::Export, {input.kind, input.id}, request.actor, now, request.commercial}));
        if (input.kind == InputKind::Model)
            mergeDecision(decision, decide(graph, {Scope::Generate,
                                                   {input.kind, input.id},
                                                   request.actor,
                                                   now,
                                                   request.commercial}));
    }
    decision.allowed = decision.missing.empty();
    if (!decision.allowed)
        decision.relied.clear();
    return decision;
}

json decisionJson(const Decision& decision, const ExportRequest& request) {
    json relied = json::array();
    for (const auto& r : decision.relied)
        relied.push_back({{"asset", r.asset}, {"grant", r.grant}});
    return {{"allowed", decision.allowed},
            {"actor", request.actor.empty() ? json(nullptr) : json(request.actor)},
            {"commercial", request.commercial},
            {"relied", relied},
            {"closureAssets", decision.closureAssets}};
}

json operationsJson(const Project& project, const FilePlan& plan,
                    const std::map<std::string, std::string>& modelOfTrackId) {
    json tracks = json::array();
    for (const Track* track : plan.tracks) {
        json clips = json::array();
        for (const auto& clip : track->clips) {
            const Subject source = sourceOf(clip);
            clips.push_back({{"source", {{"kind", inputKindName(source.kind)}, {"id", source.id}}},
                             {"at", project.samplesToSeconds(clip.position)},
                             {"offset", project.samplesToSeconds(clip.offset)},
                             {"length", project.samplesToSeconds(clip.length)},
                             {"gainDb", clip.gainDb}});
        }
        const std::string& model = modelOfTrackId.at(track->id);
        tracks.push_back({{"track", track->id},
                          {"name", track->name},
                          {"gainDb", track->gainDb},
                          {"pan", track->pan},
                          {"model", model.empty() ? json(nullptr) : json(model)},
                          {"clips", clips}});
    }
    return {{"op", plan.trackId.empty() ? "mix" : "stem"},
            {"sampleRate", project.sampleRate},
            {"tracks", tracks}};
}

// Removes the staging folder whatever happens.
struct StagingFolder {
    std::string path;
    explicit StagingFolder(const std::string& outDir)
        : path(outDir + "/" + kStagingPrefix + std::to_string(::getpid())) {
        removeStaleTemporaries(outDir, kStagingPrefix);
        std::error_code ignored;
        fs::remove_all(path, ignored);
        makeDirectories(path);
    }
    ~StagingFolder() {
        std::error_code ignored;
        fs::remove_all(path, ignored);
    }
};

void moveIntoPlace(const std::string& from, const std::string& to) {
    std::error_code error;
    fs::rename(from, to, error);
    if (error)
        throw BadInput(to + ": cannot write the exported file: " + error.message());
}

// The gate over a project whose clips are resolved in `registry` (project_sources.h).
ExportGate judgeResolved(const Registry& registry, const Project& project,
                         const ExportRequest& request) {
    const ConsentGraph& graph = registry.consentGraph();
    const UnixTime now = currentTime();
    ExportGate gate;
    gate.decision.allowed = true;
    const auto plans = planExport(graph, project, request);
    for (const auto& plan : plans)
        mergeDecision(gate.decision, judgePlan(graph, plan, request, now));
    gate.decision.allowed = gate.decision.missing.empty();
    if (!gate.decision.allowed)
        gate.decision.relied.clear();
    gate.mixParts = plans.front().parts;
    const bool sounds = std::any_of(gate.mixParts.begin(), gate.mixParts.end(),
                                    [](const SplitPart& p) { return p.seconds > 0; });
    if (sounds)
        gate.split = computeSplitSheet(graph, gate.mixParts, now);
    return gate;
}

ResolvedProject resolveForExport(const Registry& registry, const Project& project,
                                 const ExportRequest& request) {
    return resolveProjectSources(registry, project,
                                 request.projectPath.empty() ? "the project" : request.projectPath);
}

} // namespace

std::optional<std::string> clippingWarning(const ExportedFile& file) {
    const double shown = std::round(file.truePeakDb * 100.0) / 100.0;
    if (shown < 0.0)
        return std::nullopt;
    char peak[32];
    std::snprintf(peak, sizeof peak, "%+.2f", shown);
    return fileNameOf(file.path) + " reaches " + peak +
           " dBTP: it clips when played and when encoded as MP3 or AAC; lower the master or the "
           "loudest tracks' faders and export again";
}

ExportGate judgeExport(const Registry& registry, const Project& project,
                       const ExportRequest& request) {
    const ResolvedProject resolved = resolveForExport(registry, project, request);
    ExportGate gate = judgeResolved(registry, resolved.project, request);
    gate.notes = resolved.notes;
    return gate;
}

ExportResult exportProject(Registry& registry, const Project& placed, const ExportRequest& request,
                           const std::function<void(double)>& progress,
                           const std::atomic<bool>* cancel) {
    if (request.format != audio::RenderFormat::Wav24 &&
        request.format != audio::RenderFormat::Flac24)
        throw BadInput("exports are 24-bit WAV or FLAC");
    // Judged, rendered and proved as this registry knows the clips' content.
    const ResolvedProject resolved = resolveForExport(registry, placed, request);
    const Project& project = resolved.project;
    const ExportGate gate = judgeResolved(registry, project, request);
    if (!gate.decision.allowed)
        throw ConsentDenied("export", gate.decision);
    if (!gate.split)
        throw BadInput("nothing sounds in this project: there is nothing to export");

    for (const auto& track : project.tracks)
        if (!track.model.empty() && !request.processorFor)
            throw BadInput("track '" + track.name + "' runs through the voice model " +
                           track.model +
                           ": export it from the studio or accord-cli, which load the model");

    const std::string outDir = absolutePath(request.outDir);
    makeDirectories(outDir);
    const std::string title = request.title.empty() ? "mix" : request.title;
    const std::string ext = extensionOf(request.format);
    StagingFolder staging(outDir);

    audio::RenderRequest render;
    render.mixPath = staging.path + "/" + title + ext;
    render.format = request.format;
    render.processorFor = request.processorFor;
    if (request.stems) {
        render.stemsDir = staging.path + "/stems";
        makeDirectories(render.stemsDir);
    }
    const auto rendered = audio::renderProject(
        project, render,
        [&](double fraction) {
            if (progress)
                progress(fraction * kRenderShareOfProgress);
        },
        cancel);

    const ConsentGraph& before = registry.consentGraph();
    const auto plans = planExport(before, project, request);
    std::map<std::string, std::string> modelOfTrackId;
    for (const auto& track : project.tracks)
        modelOfTrackId[track.id] = modelOfTrack(before, track);
    const UnixTime now = currentTime();
    const std::string exportedAt = formatIsoTime(now);

    ExportResult result;
    result.splitJsonPath = outDir + "/" + title + ".split.json";
    result.splitCsvPath = outDir + "/" + title + ".split.csv";
    registry.inOneTransaction([&] {
        std::vector<std::pair<std::string, std::string>> moves; // staged -> final
        for (std::size_t i = 0; i < rendered.size(); ++i) {
            if (cancel && cancel->load())
                throw audio::Cancelled();
            audio::RenderedFile file = rendered[i];
            const FilePlan& plan = plans[i];
            // A track with nothing on it has no stem to export: it would prove nothing.
            if (!file.trackId.empty() && plan.parts.empty())
                continue;
            const std::string name = fs::path(file.path).filename().string();
            const std::string finalPath =
                file.trackId.empty() ? outDir + "/" + name : outDir + "/stems/" + name;
            std::string payload;
            if (plan.generated()) {
                payload = newWatermarkPayload(registry);
                file.pcmSha256 =
                    audio::watermarkAudioFile(file.path, audio::parseWatermarkPayloadText(payload))
                        .pcmSha256;
            }
            const Render record =
                registry.addRender({file.trackId.empty() ? "mix" : "stem", finalPath,
                                    file.pcmSha256, plan.inputs, payload});

            const ConsentGraph& graph = registry.consentGraph();
            const Decision decision = judgePlan(graph, plan, request, now);
            if (!decision.allowed) // consent changed while rendering
                throw ConsentDenied("export", decision);
            std::set<std::string> reliedGrants;
            for (const auto& relied : decision.relied)
                reliedGrants.insert(relied.grant);
            json grants = json::array();
            for (const auto& id : reliedGrants)
                grants.push_back(grantJson(graph, graph.grants.at(id), JsonShape::Manifest));
            const json lineage = lineageJson(graph, {{InputKind::Render, record.id}});
            json watermarks = json::array();
            for (const auto& r : lineage.at("renders"))
                if (!r.at("watermark").is_null())
                    watermarks.push_back(
                        {{"payload", r.at("watermark")}, {"render", r.at("render")}});
            const SplitSheet split = computeSplitSheet(graph, plan.parts, now);
            const Track* track = file.trackId.empty() ? nullptr : &project.track(file.trackId);

            json manifest = {
                {"format", kManifestFormat},
                {"formatVersion", kManifestFormatVersion},
                {"title", title},
                {"file",
                 {{"name", name},
                  {"role", track ? "stem" : "mix"},
                  {"track",
                   track ? json{{"id", track->id}, {"name", track->name}} : json(nullptr)}}},
                {"content",
                 {{"pcmSha256", file.pcmSha256},
                  {"sampleRate", project.sampleRate},
                  {"channels", 2},
                  {"durationSeconds", file.durationSeconds},
                  {"hash", "SHA-256 of the canonical 24-bit PCM (accord/audio/audio_file.h)"}}},
                {"render", record.id},
                {"lineage", lineage},
                {"operations", operationsJson(project, plan, modelOfTrackId)},
                {"grants", grants},
                {"disclosure", disclosureJson(graph, plan.parts)},
                {"split", split.toJson()},
                {"watermarks", watermarks},
                {"exportedAt", exportedAt},
                {"commercial", request.commercial},
                {"studio", {{"name", "Accord"}, {"publicKey", registry.studioPublicKey()}}}};
            manifest = signManifest(registry, manifest, request.actor);
            const std::string manifestText = canonicalJson(manifest);
            // Accord's manifest travels inside C2PA Content Credentials (docs/C2PA.md).
            std::vector<std::string> payloads;
            for (const auto& mark : watermarks)
                payloads.push_back(mark.at("payload").get<std::string>());
            c2pa::StoreBuilder credentials(
                contentCredentialsFor(registry, plan, name, manifestText, payloads, request.actor));
            audio::embedContentCredentials(file.path, credentials);
            writeFileAtomically(audio::manifestSidecarPath(file.path), manifest.dump(2) + "\n");

            const ExportRecord exported = registry.addExport(
                {record.id, finalPath, manifestText, decisionJson(decision, request).dump()});
            result.files.push_back({finalPath, audio::manifestSidecarPath(finalPath), file.trackId,
                                    record.id, exported.id, manifestText, split, file.lufs,
                                    file.truePeakDb});
            moves.emplace_back(file.path, finalPath);
            moves.emplace_back(audio::manifestSidecarPath(file.path),
                               audio::manifestSidecarPath(finalPath));
            if (progress)
                progress(kRenderShareOfProgress +
                         (1 - kRenderShareOfProgress) * double(i + 1) / double(rendered.size()));
        }
        result.split = result.files.front().split;
        writeFileAtomically(staging.path + "/split.json", result.split.toJson().dump(2) + "\n");
        writeFileAtomically(staging.path + "/split.csv", result.split.toCsv());
        moves.emplace_back(staging.path + "/split.json", result.splitJsonPath);
        moves.emplace_back(staging.path + "/split.csv", result.splitCsvPath);
        if (request.ddex) {
            result.ddexPath = outDir + "/" + title + ".ddex.xml";
            writeFileAtomically(staging.path + "/ddex.xml",
                                ernReleaseMessage(registry, result, title, *request.ddex));
            moves.emplace_back(staging.path + "/ddex.xml", result.ddexPath);
        }
        if (request.stems)
            makeDirectories(outDir + "/stems");
        for (const auto& [from, to] : moves)
            moveIntoPlace(from, to);
    });
    indexNewRecordings(registry);
    return result;
}

} // namespace accord::workflows
