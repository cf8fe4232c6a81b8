#include "accord/core/entity_json.h"

namespace accord {

using nlohmann::json;

namespace {

json nullable(const std::optional<std::string>& text) {
    return text ? json(*text) : json(nullptr);
}

} // namespace

std::string holderName(const ConsentGraph& graph, const std::string& id) {
    const auto found = graph.holders.find(id);
    return found == graph.holders.end() ? std::string() : found->second.name;
}

json holderJson(const Holder& holder) {
    return {{"holder", holder.id},
            {"name", holder.name},
            {"ipi", holder.ipi},
            {"public_key", holder.publicKey},
            {"created", holder.createdAt}};
}

json trustedKeyJson(const TrustedKey& key) {
    return {{"public_key", key.publicKey},
            {"name", key.name},
            {"added", key.addedAt},
            {"removed", nullable(key.removedAt)}};
}

namespace {

// What the registration scan found (docs/IDENTIFY.md "Imports are scanned"); null for audio
// registered before scans existed.
json scanJson(const std::optional<AssetScan>& scan, bool cli) {
    if (!scan)
        return nullptr;
    json found = json::array();
    for (const ContainedRecording& c : scan->found)
        found.push_back({{"kind", inputKindName(c.kind)},
                         {"id", c.id},
                         {cli ? "file_offset" : "fileOffset", c.fileOffset},
                         {cli ? "recording_offset" : "recordingOffset", c.recordingOffset},
                         {"seconds", c.seconds},
                         {"speed", c.speed},
                         {cli ? "pitch_semitones" : "pitchSemitones", c.pitchSemitones},
                         {"confidence", c.confidence}});
    return {{cli ? "fingerprint_version" : "fingerprintVersion", scan->fingerprintVersion},
            {cli ? "recordings_indexed" : "recordingsIndexed", scan->recordingsIndexed},
            {cli ? "scanned" : "scannedAt", scan->scannedAt},
            {"found", found}};
}

} // namespace

json assetJson(const ConsentGraph& graph, const Asset& asset, JsonShape shape) {
    const bool cli = shape == JsonShape::Cli;
    json result = {{"asset", asset.id},
                   {"owner", asset.owner},
                   {cli ? "pcm_sha256" : "pcmSha256", asset.pcmSha256},
                   {"kind", assetKindName(asset.kind)},
                   {"origin", originName(asset.origin)}};
    if (cli) {
        result["file_sha256"] = asset.fileSha256;
        result["isrc"] = asset.isrc;
        result["duration"] = asset.durationSeconds;
        result["sample_rate"] = asset.sampleRate;
        result["channels"] = asset.channels;
        result["path"] = asset.path;
    } else {
        result["ownerName"] = holderName(graph, asset.owner);
    }
    if (asset.kind == AssetKind::Audio)
        result["scan"] = scanJson(asset.scan, cli);
    return result;
}

json grantJson(const ConsentGraph& graph, const Grant& grant, JsonShape shape) {
    const bool cli = shape == JsonShape::Cli;
    const auto& expires = grant.terms.expiresAt;
    json result = {{"grant", grant.id},
                   {"holder", grant.holder},
                   {"scope", scopeName(grant.scope)},
                   {"asset", nullable(grant.asset)},
                   {cli ? "to" : "grantee", nullable(grant.grantee)},
                   {"share", grant.terms.sharePercent},
                   {"commercial", grant.terms.commercial},
                   {"licence", grant.terms.licence},
                   {"attribution", grant.terms.attribution},
                   {"expires", expires
                                   ? json(cli ? formatIsoDate(*expires) : formatIsoTime(*expires))
                                   : json(nullptr)},
                   {cli ? "created" : "createdAt", formatIsoTime(grant.createdAt)},
                   {cli ? "revoked" : "revokedAt",
                    grant.revokedAt ? json(formatIsoTime(*grant.revokedAt)) : json(nullptr)},
                   {cli ? "revoke_reason" : "revokeReason", grant.revokeReason}};
    if (!cli)
        result["holderName"] = holderName(graph, grant.holder);
    return result;
}

json modelJson(const ConsentGraph& graph, const Model& model) {
    json training = json::array();
    for (const auto& source : model.training)
        training.push_back({{"asset", source.asset}, {"grant", source.grant}});
    return {{"model", model.id},
            {"kind", modelKindName(model.kind)},
            {"owner", model.owner},
            {"ownerName", holderName(graph, model.owner)},
            {"weightsSha256", model.weightsSha256},
            {"training", training}};
}

json renderJson(const Render& render) {
    json inputs = json::array();
    for (const auto& input : render.inputs)
        inputs.push_back({{"kind", inputKindName(input.kind)}, {"id", input.id}});
    return {{"render", render.id},
            {"kind", render.kind},
            {"pcmSha256", render.pcmSha256},
            {"watermark", render.watermark.empty() ? json(nullptr) : json(render.watermark)},
            {"inputs", inputs}};
}

} // namespace accord
