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

// The rendered files: MP3 is encoded from a 24-bit WAV render.
audio::RenderFormat renderFormatOf(ExportFormat format) {
    return format == ExportFormat::Flac ? audio::RenderFormat::Flac24 : audio::RenderFormat::Wav24;
}

std::string extensionOf(audio::RenderFormat format) {
    return format == audio::RenderFormat::Flac24 ? ".flac" : ".wav";
}

struct FrameRange {
    std::int64_t start = 0;
    std::int64_t end = 0; // 0: the project's end
};

FrameRange rangeOf(const Project& project, const ExportRequest& request) {
    if (!(request.rangeStartSeconds >= 0) || !(request.rangeEndSeconds >= 0) ||
        (request.rangeEndSeconds != 0 && request.rangeEndSeconds <= request.rangeStartSeconds))
        throw BadInput("the export range must start at 0 s or later and end after it starts (" +
                       std::to_string(request.rangeStartSeconds) + " s to " +
                       std::to_string(request.rangeEndSeconds) + " s)");
    const FrameRange range{project.secondsToSamples(request.rangeStartSeconds),
                           project.secondsToSamples(request.rangeEndSeconds)};
    if ((range.end == 0 ? project.length() : range.end) > project.length() ||
        range.start >= project.length())
        throw BadInput("the export range (" + std::to_string(request.rangeStartSeconds) + " s to " +
                       std::to_string(request.rangeEndSeconds) + " s) ends after the project (" +
                       std::to_string(project.samplesToSeconds(project.length())) + " s)");
    return range;
}

// The project as far as the range holds it, for judging and proving: clips cut to it and moved
// to its start (fades are the render's business: it plays the range of the whole project).
Project clippedToRange(const Project& project, const FrameRange& range) {
    if (range.start == 0 && range.end == 0)
        return project;
    const std::int64_t end = range.end == 0 ? project.length() : range.end;
    Project clipped = project;
    for (Track& track : clipped.tracks) {
        std::vector<Clip> kept;
        for (Clip clip : track.clips) {
            const std::int64_t from = std::max(clip.position, range.start);
            const std::int64_t to = std::min(clip.position + clip.length, end);
            if (to <= from)
                continue;
            clip.offset += from - clip.position;
            clip.position = from - range.start;
            clip.length = to - from;
            kept.push_back(clip);
        }
        track.clips = std::move(kept);
    }
    return clipped;
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
    const auto plans =
        planExport(graph, clippedToRange(project, rangeOf(project, request)), request);
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
    if (request.format == ExportFormat::Mp3) {
        if (!audio::isMp3ExportBitrate(request.mp3BitrateKbps))
            throw BadInput("MP3 bitrate " + std::to_string(request.mp3BitrateKbps) +
                           " kbit/s: choose 96, 112, 128, 160, 192, 224, 256 or 320");
        if (!audio::isMp3SampleRate(placed.sampleRate))
            throw BadInput("MP3 holds 32, 44.1 or 48 kHz; this project is at " +
                           std::to_string(placed.sampleRate) + " Hz: export it as WAV or FLAC");
    }
    if (request.loudnessTarget && request.stems)
        throw BadInput("a loudness target applies to the mix: export stems without it");
    // Judged, rendered and proved as this registry knows the clips' content.
    const ResolvedProject resolved = resolveForExport(registry, placed, request);
    const Project& whole = resolved.project;
    const FrameRange range = rangeOf(whole, request);
    // What the files hold: the range alone (its split sheet, lineage and operations).
    const Project project = clippedToRange(whole, range);
    const ExportGate gate = judgeResolved(registry, whole, request);
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
    const audio::RenderFormat renderFormat = renderFormatOf(request.format);
    StagingFolder staging(outDir);

    audio::RenderRequest render;
    render.mixPath = staging.path + "/" + title + extensionOf(renderFormat);
    render.format = renderFormat;
    render.processorFor = request.processorFor;
    render.rangeStart = range.start;
    render.rangeEnd = range.end;
    render.loudnessTarget = request.loudnessTarget;
    if (request.stems) {
        render.stemsDir = staging.path + "/stems";
        makeDirectories(render.stemsDir);
    }
    const auto rendered = audio::renderProject(
        whole, render,
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
                throw Cancelled();
            audio::RenderedFile file = rendered[i];
            const FilePlan& plan = plans[i];
            // A track with nothing on it has no stem to export: it would prove nothing.
            if (!file.trackId.empty() && plan.parts.empty())
                continue;
            std::string payload;
            if (plan.generated()) {
                payload = newWatermarkPayload(registry);
                file.pcmSha256 =
                    audio::watermarkAudioFile(file.path, audio::parseWatermarkPayloadText(payload))
                        .pcmSha256;
            }
            // An MP3 is encoded from exactly these samples; its proof binds what it decodes to.
            json encoding = nullptr;
            if (request.format == ExportFormat::Mp3) {
                const std::string wav = file.path;
                const std::string mp3 = fs::path(wav).replace_extension(".mp3").string();
                audio::RenderedFile encoded =
                    audio::encodeMp3(wav, mp3, request.mp3BitrateKbps, cancel);
                encoding = {{"codec", "MP3 (libmp3lame), constant bitrate"},
                            {"bitrateKbps", request.mp3BitrateKbps},
                            {"encodedPcmSha256", file.pcmSha256}};
                fs::remove(wav);
                encoded.trackId = file.trackId;
                encoded.targetGainDb = file.targetGainDb;
                encoded.limiterReductionDb = file.limiterReductionDb;
                file = encoded;
            }
            const std::string name = fs::path(file.path).filename().string();
            const std::string finalPath =
                file.trackId.empty() ? outDir + "/" + name : outDir + "/stems/" + name;
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

            json operations = operationsJson(project, plan, modelOfTrackId);
            operations["range"] = {
                {"start", whole.samplesToSeconds(range.start)},
                {"end", whole.samplesToSeconds(range.end == 0 ? whole.length() : range.end)}};
            operations["loudnessTarget"] =
                request.loudnessTarget && file.trackId.empty()
                    ? json{{"integratedLufs", request.loudnessTarget->integratedLufs},
                           {"truePeakCeilingDb", request.loudnessTarget->truePeakCeilingDb},
                           {"gainDb", file.targetGainDb},
                           {"limiterReductionDb", file.limiterReductionDb}}
                    : json(nullptr);
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
                  {"hash", "SHA-256 of the canonical 24-bit PCM (accord/audio/audio_file.h)"},
                  {"encoding", encoding}}},
                {"render", record.id},
                {"lineage", lineage},
                {"operations", operations},
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
                                    file.truePeakDb, file.targetGainDb, file.limiterReductionDb});
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
