#include "accord/workflows/verify.h"

#include "accord/audio/audio_file.h"
#include "accord/audio/audio_io.h"
#include "accord/audio/embedded_manifest.h"
#include "accord/audio/watermark.h"
#include "accord/core/files.h"
#include "accord/core/time.h"

namespace accord::workflows {

using nlohmann::json;

namespace {

std::optional<json> parseManifest(const std::string& text, const std::string& where,
                                  FileVerification& result) {
    try {
        json parsed = json::parse(text);
        if (parsed.is_object() && parsed.value("format", std::string()) == kManifestFormat)
            return parsed;
        result.problems.push_back(where + " is not an Accord manifest");
    } catch (const json::exception&) {
        result.problems.push_back(where + " is not valid JSON: it was damaged or edited");
    }
    return std::nullopt;
}

void readManifest(const std::string& path, FileVerification& result) {
    const std::string sidecar = audio::manifestSidecarPath(path);
    std::optional<json> embedded, beside;
    if (const auto text = audio::readEmbeddedManifest(path))
        embedded = parseManifest(*text, "the manifest embedded in " + path, result);
    if (fileExists(sidecar))
        beside = parseManifest(readWholeFile(sidecar), "the sidecar " + sidecar, result);
    if (embedded) {
        result.manifest = *embedded;
        if (beside && canonicalJson(*beside) != canonicalJson(*embedded))
            result.problems.push_back("the sidecar " + sidecar +
                                      " differs from the manifest embedded in the file");
    } else if (beside) {
        result.manifest = *beside;
        result.problems.push_back("the file carries no embedded manifest but its sidecar " +
                                  sidecar + " does: the manifest was stripped from the file");
    }
}

void checkContent(const std::string& actual, FileVerification& result) {
    const std::string expected =
        result.manifest.value("content", json::object()).value("pcmSha256", std::string());
    result.content = actual == expected ? "match" : "mismatch";
    if (actual != expected)
        result.problems.push_back("the sound differs from what the manifest signed: the PCM "
                                  "hash is " +
                                  actual + ", the manifest says " +
                                  (expected.empty() ? std::string("nothing") : expected));
}

void findWatermark(const std::string& path, const Registry* registry, FileVerification& result) {
    // Read in blocks: bounded memory whatever the file's length (docs/WATERMARK.md "Streaming").
    const audio::WatermarkDetection found = audio::detectWatermarkInFile(path);
    result.watermarkConfidence = found.confidence;
    if (!found.found) {
        // Not a failure: a generated part mixed low or lasting a second may not be readable.
        const json listed = result.manifest.is_object()
                                ? result.manifest.value("watermarks", json::array())
                                : json::array();
        if (!listed.empty())
            result.notes.push_back("the manifest lists " + std::to_string(listed.size()) +
                                   " watermark(s) but none was read from the audio (confidence " +
                                   std::to_string(found.confidence).substr(0, 4) + ")");
        return;
    }
    result.watermarkFound = true;
    result.watermarkPayload = audio::watermarkPayloadText(found.payload);
    if (registry) {
        if (const auto render = registry->renderByWatermark(result.watermarkPayload))
            result.watermarkRender = render->id;
    }
    if (result.watermarkRender.empty() && result.manifest.is_object())
        for (const auto& mark : result.manifest.value("watermarks", json::array()))
            if (mark.value("payload", std::string()) == result.watermarkPayload)
                result.watermarkRender = mark.value("render", std::string());
}

std::string describeGrantState(const ConsentGraph& graph, const Grant& grant) {
    return grant.id + " (" + graph.holders.at(grant.holder).name + ", " + scopeName(grant.scope) +
           (grant.asset ? " of " + *grant.asset : std::string(" of all their assets")) + ")";
}

void checkAgainstRegistry(const Registry& registry, const std::string& pcmSha256,
                          FileVerification& result) {
    const ConsentGraph& graph = registry.consentGraph();
    const UnixTime now = currentTime();
    if (result.manifest.is_object()) {
        const json signer = result.manifest.value("signer", json::object());
        const std::string key = signer.value("publicKey", std::string());
        if (signer.contains("holder") && signer["holder"].is_string()) {
            const auto holder = graph.holders.find(signer["holder"].get<std::string>());
            if (holder == graph.holders.end())
                result.notes.push_back("signed by holder " + signer["holder"].get<std::string>() +
                                       ", whom this registry does not know");
            else if (holder->second.publicKey != key)
                result.problems.push_back("signed with a key that is not " + holder->second.name +
                                          "'s (" + holder->first + ") on record");
        } else if (key != registry.studioPublicKey()) {
            result.notes.push_back("signed by another studio's key");
        }
        bool anyKnown = false;
        bool anyWithdrawn = false;
        for (const auto& recorded : result.manifest.value("grants", json::array())) {
            const std::string id = recorded.value("grant", std::string());
            const auto grant = graph.grants.find(id);
            if (grant == graph.grants.end()) {
                result.notes.push_back("grant " + id + " is not in this registry");
                continue;
            }
            anyKnown = true;
            const Grant& g = grant->second;
            switch (grantState(g, now)) {
            case GrantState::Active:
                break;
            case GrantState::Revoked:
                anyWithdrawn = true;
                result.notes.push_back("grant " + describeGrantState(graph, g) +
                                       " was revoked on " + formatIsoTime(*g.revokedAt) +
                                       (g.revokeReason.empty() ? "" : ": " + g.revokeReason));
                break;
            case GrantState::Expired:
                anyWithdrawn = true;
                result.notes.push_back("grant " + describeGrantState(graph, g) + " expired on " +
                                       formatIsoTime(*g.terms.expiresAt));
                break;
            case GrantState::NotYetActive: // a clock moved back since the export
                anyWithdrawn = true;
                result.notes.push_back("grant " + describeGrantState(graph, g) +
                                       " is not active yet: it was given on " +
                                       formatIsoTime(g.createdAt));
                break;
            }
        }
        if (anyKnown)
            result.consent = anyWithdrawn ? "revoked" : "ok";
        return;
    }
    // No manifest: the registry may still know the sound (same PCM) or its watermark.
    std::optional<Render> render = registry.renderByContent(pcmSha256);
    if (render)
        result.notes.push_back("the same sound as render " + render->id + " (" + render->kind +
                               ")");
    else if (!result.watermarkRender.empty())
        render = registry.render(result.watermarkRender);
    if (!render)
        return;
    result.lineage = lineageJson(graph, {{InputKind::Render, render->id}});
    const Decision decision =
        graph.renders.count(render->id)
            ? decide(graph, {Scope::Export, {InputKind::Render, render->id}, {}, now, false})
            : Decision{};
    result.consent = decision.allowed ? "ok" : "revoked";
    for (const auto& missing : decision.missing)
        result.notes.push_back("export of " + missing.asset + " now needs consent: " + missing.why);
}

} // namespace

json FileVerification::toJson() const {
    return {{"file", file},
            {"signature", signatureStateName(signature)},
            {"content", content},
            {"watermark",
             {{"found", watermarkFound},
              {"payload", watermarkFound ? json(watermarkPayload) : json(nullptr)},
              {"render", watermarkRender.empty() ? json(nullptr) : json(watermarkRender)},
              {"confidence", watermarkConfidence}}},
            {"lineage", lineage},
            {"split", manifest.is_object() && manifest.contains("split") ? manifest["split"]
                                                                         : json(nullptr)},
            {"disclosure", manifest.is_object() && manifest.contains("disclosure")
                               ? manifest["disclosure"]
                               : json(nullptr)},
            {"render", manifest.is_object() && manifest.contains("render") ? manifest["render"]
                                                                           : json(nullptr)},
            {"consent", consent},
            {"problems", problems},
            {"notes", notes}};
}

FileVerification verifyFile(const std::string& path, const Registry* registry) {
    FileVerification result;
    result.file = absolutePath(path);
    // Also a clear BadInput for what is not audio at all.
    const std::string pcmSha256 = audio::identifyAudioFile(result.file).pcmSha256;
    readManifest(result.file, result);
    if (result.manifest.is_object()) {
        std::string problem;
        result.signature = checkManifestSignature(result.manifest, problem);
        if (result.signature != SignatureState::Valid)
            result.problems.push_back(problem);
        checkContent(pcmSha256, result);
        result.lineage = result.manifest.value("lineage", json());
    }
    findWatermark(result.file, registry, result);
    if (registry)
        checkAgainstRegistry(*registry, pcmSha256, result);
    return result;
}

} // namespace accord::workflows
