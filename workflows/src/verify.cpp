#include "accord/workflows/verify.h"

#include "content_credentials.h"

#include "accord/audio/audio_file.h"
#include "accord/audio/audio_io.h"
#include "accord/audio/embedded_manifest.h"
#include "accord/audio/watermark.h"
#include "accord/core/files.h"
#include "accord/core/json_input.h"
#include "accord/core/time.h"

#include <algorithm>
#include <cctype>
#include <set>

namespace accord::workflows {

using nlohmann::json;

namespace {

// The manifest in `text`, read with a nesting limit and checked field by field, or nullopt with
// a problem naming what is wrong: a manifest of another shape than Accord writes is a damaged or
// tampered proof, never one to read.
std::optional<json> parseManifest(const std::string& text, const std::string& where,
                                  FileVerification& result) {
    try {
        json parsed = parseJsonInput(text, where);
        requireManifestShape(parsed, where);
        return parsed;
    } catch (const BadInput& e) {
        result.problems.push_back(std::string(e.what()) +
                                  " (not as Accord writes a manifest: it was damaged or edited)");
    }
    return std::nullopt;
}

// The file's C2PA store: its claim signature, assertions and hard binding (docs/C2PA.md "Verify");
// returns Accord's manifest inside it, if any.
std::optional<std::string> checkCredentials(const audio::EmbeddedCredentials& embedded,
                                            const std::string& path, FileVerification& result) {
    CredentialsCheck check;
    std::optional<std::string> accordManifest;
    try {
        const c2pa::ReadManifest read = c2pa::readStore(embedded.store, path);
        check.manifest = read.label;
        check.generator = read.generator;
        check.claimSignatureValid = read.claimSignatureValid;
        check.signerSubject = read.signerSubject;
        check.signerKey = read.signerPublicKey;
        check.problems = read.problems;
        const bool located = read.exclusion && read.exclusion->start == embedded.location.start &&
                             read.exclusion->length == embedded.location.length;
        if (!located)
            check.problems.push_back("its hard binding does not exclude exactly its own bytes");
        check.hardBindingMatches = located && read.dataHash == embedded.sha256Outside;
        if (const c2pa::Assertion* actions = read.assertion("c2pa.actions.v2")) {
            try {
                const json parsed = json::from_cbor(actions->content);
                for (const auto& a : parsed.at("actions"))
                    check.actions.push_back(a.value("action", "") + " (" +
                                            a.value("digitalSourceType", "no source type") + ")");
            } catch (const json::exception&) {
                check.problems.push_back("its actions cannot be read");
            }
        }
        if (const c2pa::Assertion* accord = read.assertion(kAccordManifestAssertion))
            accordManifest = accord->content;
    } catch (const IntegrityError& e) {
        check.problems.push_back(e.what());
    }
    for (const auto& problem : check.problems)
        result.problems.push_back("C2PA: " + problem);
    result.credentials = check;
    return accordManifest;
}

void readManifest(const std::string& path, FileVerification& result) {
    const std::string sidecar = audio::manifestSidecarPath(path);
    std::vector<std::string> inFile = audio::readEmbeddedManifests(path);
    if (const auto credentials = audio::readContentCredentials(path))
        if (const auto accord = checkCredentials(*credentials, path, result))
            inFile.insert(inFile.begin(), *accord);
    std::optional<json> embedded, beside;
    if (inFile.size() > 1) {
        const std::string count = inFile.size() == 2 ? "two" : std::to_string(inFile.size());
        result.problems.push_back(count + " manifests in one file: " + path +
                                  " carries more than the one an export embeds, so none of them "
                                  "is its proof");
    } else if (inFile.size() == 1)
        embedded = parseManifest(inFile.front(), "the manifest embedded in " + path, result);
    if (fileExists(sidecar))
        beside = parseManifest(readWholeFile(sidecar), "the sidecar " + sidecar, result);
    if (embedded) {
        result.manifest = *embedded;
        if (beside && canonicalJson(*beside) != canonicalJson(*embedded))
            result.problems.push_back("the sidecar " + sidecar +
                                      " differs from the manifest embedded in the file");
    } else if (beside && inFile.empty()) {
        result.manifest = *beside;
        result.problems.push_back("the file carries no embedded manifest but its sidecar " +
                                  sidecar + " does: the manifest was stripped from the file");
    }
}

void checkContent(const std::string& actual, FileVerification& result) {
    const std::string expected = result.manifest.at("content").at("pcmSha256").get<std::string>();
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
    const json listed = result.manifest.is_object()
                            ? result.manifest.value("watermarks", json::array())
                            : json::array();
    // Known payloads: this studio's renders and the watermarks the file's manifest lists.
    const std::optional<std::uint32_t> payload =
        audio::readKnownPayload(found, [&](std::uint32_t candidate) {
            const std::string text = audio::watermarkPayloadText(candidate);
            if (registry && registry->renderByWatermark(text))
                return true;
            return std::any_of(listed.begin(), listed.end(), [&](const json& mark) {
                return mark.is_object() && mark.value("payload", std::string()) == text;
            });
        });
    if (!payload) {
        // Not a failure: a generated part mixed low or lasting a second may not be readable.
        if (!listed.empty())
            result.notes.push_back("the manifest lists " + std::to_string(listed.size()) +
                                   " watermark(s) but none was read from the audio (confidence " +
                                   std::to_string(found.confidence).substr(0, 4) + ")");
        return;
    }
    result.watermarkFound = true;
    result.watermarkPayload = audio::watermarkPayloadText(*payload);
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

std::string lowerCase(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return char(std::tolower(c)); });
    return text;
}

std::string howToTrust(const std::string& key) {
    return "accord-cli trust add " + key + " --name NAME";
}

// Whom the key that signed is trusted as (docs/CONSENT.md "Whose signature counts"): this
// studio's key, the current key of a holder on record, or a key in the trust store; nothing
// else, and nothing without a registry. Holder ids belong to the studio that wrote the manifest,
// so a claimed holder is compared with this registry's only when the manifest names this studio.
SignerCheck checkSigner(const json& manifest, SignatureState signature, const Registry* registry,
                        FileVerification& result) {
    const JsonFields claimed(manifest.at("signer"), "the manifest's signer");
    SignerCheck signer;
    signer.publicKey = lowerCase(claimed.text("publicKey"));
    signer.name = claimed.text("name");
    signer.holder = claimed.text("holder", "");
    auto judged = [&](SignerCheck::Trust trust, const std::string& name, const std::string& why) {
        signer.trust = trust;
        signer.trustedName = name;
        signer.why = why;
        return signer;
    };
    auto trustHolder = [&](const Holder& holder) {
        signer.trustedHolder = holder.id;
        return judged(SignerCheck::Trust::Holder, holder.name,
                      "the key of " + holder.name + " (" + holder.id +
                          "), a rights holder on record");
    };
    if (signature == SignatureState::Absent) {
        signer.why = "the manifest is not signed";
        return signer;
    }
    if (signature == SignatureState::Invalid) {
        signer.why = "its signature is not valid, so it proves nothing about who signed";
        return signer;
    }
    if (!registry) {
        signer.trust = SignerCheck::Trust::NoRegistry;
        signer.why = "no registry here to say whom to trust: verify with the registry of the "
                     "studio that exported the file or, once you know whose key it is, trust it "
                     "(" +
                     howToTrust(signer.publicKey) + ")";
        return signer;
    }
    const ConsentGraph& graph = registry->consentGraph();
    const std::string studioKey = registry->studioPublicKey();
    const bool writtenHere =
        lowerCase(JsonFields(manifest.at("studio"), "the manifest's studio").text("publicKey")) ==
        studioKey;
    if (!signer.holder.empty() && writtenHere) {
        const auto holder = graph.holders.find(signer.holder);
        if (holder != graph.holders.end()) {
            const Holder& h = holder->second;
            if (h.publicKey == signer.publicKey)
                return trustHolder(h);
            signer.trustedHolder = h.id;
            return judged(SignerCheck::Trust::NotTheClaimedHolder, h.name,
                          "the manifest says " + h.name + " (" + h.id +
                              ") signed it, but it is signed with a key that is not " + h.name +
                              "'s on record: " + signer.publicKey);
        }
        result.notes.push_back("signed by holder " + signer.holder +
                               ", whom this registry does not know");
    }
    if (signer.publicKey == studioKey)
        return judged(SignerCheck::Trust::Studio, "this studio", "this studio's own key");
    for (const auto& entry : graph.holders)
        if (entry.second.publicKey == signer.publicKey)
            return trustHolder(entry.second);
    if (const auto chosen = registry->trustedKey(signer.publicKey))
        return judged(SignerCheck::Trust::ChosenKey, chosen->name,
                      "a key you chose to trust: '" + chosen->name + "' (since " + chosen->addedAt +
                          ")");
    signer.trust = SignerCheck::Trust::UnknownKey;
    signer.why = "key " + signer.publicKey +
                 " is not this studio's, not a rights holder's on record and not one you chose "
                 "to trust, and a valid signature from an unknown key proves nothing (once you "
                 "know whose key it is: " +
                 howToTrust(signer.publicKey) + ")";
    return signer;
}

void checkAgainstRegistry(const Registry& registry, const std::string& pcmSha256,
                          FileVerification& result) {
    const ConsentGraph& graph = registry.consentGraph();
    const UnixTime now = currentTime();
    if (result.manifest.is_object()) {
        bool anyKnown = false;
        bool anyWithdrawn = false;
        // `context` says why the file depends on the grant: "" for a grant its export relied on,
        // else the model trained under it, which only its revocation withdraws (docs/CONSENT.md
        // "Revocation travels").
        std::set<std::string> judged;
        auto judge = [&](const std::string& id, const std::string& context) {
            if (!judged.insert(id + context).second)
                return;
            const auto grant = graph.grants.find(id);
            if (grant == graph.grants.end()) {
                result.notes.push_back("grant " + id + " is not in this registry");
                return;
            }
            anyKnown = true;
            const Grant& g = grant->second;
            const std::string what = "grant " + describeGrantState(graph, g) + context;
            const GrantState state = grantState(g, now);
            if (!context.empty() && state != GrantState::Revoked)
                return;
            switch (state) {
            case GrantState::Active:
                break;
            case GrantState::Revoked:
                anyWithdrawn = true;
                result.notes.push_back(what + " was revoked on " + formatIsoTime(*g.revokedAt) +
                                       (g.revokeReason.empty() ? "" : ": " + g.revokeReason));
                break;
            case GrantState::Expired:
                anyWithdrawn = true;
                result.notes.push_back(what + " expired on " + formatIsoTime(*g.terms.expiresAt));
                break;
            case GrantState::NotYetActive: // a clock moved back since the export
                anyWithdrawn = true;
                result.notes.push_back(what + " is not active yet: it was given on " +
                                       formatIsoTime(g.createdAt));
                break;
            }
        };
        for (const auto& recorded : result.manifest.value("grants", json::array()))
            judge(recorded.value("grant", std::string()), "");
        const json lineage = result.manifest.value("lineage", json::object());
        for (const auto& model : lineage.value("models", json::array()))
            for (const auto& source : model.value("training", json::array()))
                judge(source.value("grant", std::string()),
                      ", which model " + model.value("model", std::string()) +
                          " was trained under,");
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

std::string CredentialsCheck::state() const {
    if (!problems.empty() || !claimSignatureValid)
        return "invalid";
    return hardBindingMatches ? "valid" : "hard binding broken";
}

std::string FileVerification::trust() const {
    if (!signer)
        return {};
    switch (signer->trust) {
    case SignerCheck::Trust::Studio:
        return "trusted (studio)";
    case SignerCheck::Trust::Holder:
        return "trusted (holder " + signer->trustedHolder + " " + signer->trustedName + ")";
    case SignerCheck::Trust::ChosenKey:
        return "trusted (key '" + signer->trustedName + "' you trust)";
    default:
        return "untrusted (" + signer->why + ")";
    }
}

json FileVerification::toJson() const {
    json signerJson = nullptr;
    if (signer)
        signerJson = {{"publicKey", signer->publicKey},
                      {"name", signer->name},
                      {"holder", signer->holder.empty() ? json(nullptr) : json(signer->holder)},
                      {"trusted", signer->trusted()},
                      {"why", signer->why}};
    return {{"file", file},
            {"signature", signatureStateName(signature)},
            {"signer", signerJson},
            {"content", content},
            {"watermark",
             {{"found", watermarkFound},
              {"payload", watermarkFound ? json(watermarkPayload) : json(nullptr)},
              {"render", watermarkRender.empty() ? json(nullptr) : json(watermarkRender)},
              {"confidence", watermarkConfidence}}},
            {"c2pa",
             credentials
                 ? json{{"manifest", credentials->manifest},
                        {"state", credentials->state()},
                        {"generator", credentials->generator},
                        {"claimSignature", credentials->claimSignatureValid ? "valid" : "invalid"},
                        {"hardBinding", credentials->hardBindingMatches ? "match" : "mismatch"},
                        {"signer", credentials->signerSubject},
                        {"signerKey", credentials->signerKey},
                        {"actions", credentials->actions},
                        {"problems", credentials->problems}}
                 : json(nullptr)},
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
        result.signer = checkSigner(result.manifest, result.signature, registry, result);
        if (result.credentials && result.credentials->claimSignatureValid &&
            result.credentials->signerKey != result.signer->publicKey)
            result.problems.push_back("C2PA: the claim is signed by another key than the one "
                                      "that signed Accord's manifest inside it");
        if (result.signature == SignatureState::Valid && !result.signer->trusted())
            result.problems.push_back("untrusted signer: " + result.signer->why);
        checkContent(pcmSha256, result);
        result.lineage = result.manifest.value("lineage", json());
        // Which binding holds (docs/C2PA.md "Verify"): C2PA's binds every byte, Accord's the sound.
        if (result.credentials && result.credentials->problems.empty() &&
            !result.credentials->hardBindingMatches)
            result.notes.push_back(
                result.content == "match"
                    ? "C2PA: the hard binding is broken: bytes outside the sound changed after "
                      "signing (tags or chunks), while the sound is what was signed (the PCM hash "
                      "holds)"
                    : "C2PA: the hard binding is broken too: the file's bytes changed after "
                      "signing");
    }
    findWatermark(result.file, registry, result);
    if (registry)
        checkAgainstRegistry(*registry, pcmSha256, result);
    return result;
}

} // namespace accord::workflows
