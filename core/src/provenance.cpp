#include "accord/core/provenance.h"

#include "accord/core/crypto.h"
#include "accord/core/errors.h"
#include "accord/core/json_input.h"
#include "accord/core/registry.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <iomanip>
#include <map>
#include <set>
#include <sstream>

namespace accord {

using nlohmann::json;

namespace {

constexpr const char* kSignaturePrefix = "accord-manifest-v1\n";
constexpr double kDefaultVoiceSharePercent = 50;
constexpr int kWholeInBasisPoints = 10000;

void requireFinite(const json& value) {
    if (value.is_number_float() && !std::isfinite(value.get<double>()))
        throw BadInput("a manifest cannot hold NaN or infinity");
    if (value.is_structured())
        for (const auto& item : value)
            requireFinite(item);
}

} // namespace

std::string manifestSignedMessage(json manifest) {
    manifest.erase("signature");
    return kSignaturePrefix + canonicalJson(manifest);
}

std::string packManifestSignedMessage(json manifest) {
    manifest.erase("ownerSignature");
    return "accord-pack-manifest-v1\n" + canonicalJson(manifest);
}

std::string canonicalJson(const json& value) {
    requireFinite(value);
    // nlohmann's object is a std::map: keys come out sorted; dump() without indent is compact.
    return value.dump(-1, ' ', false, json::error_handler_t::strict);
}

json signManifest(const Registry& registry, json manifest, const std::string& holder) {
    if (holder.empty()) {
        manifest["signer"] = {
            {"holder", nullptr}, {"name", "studio"}, {"publicKey", registry.studioPublicKey()}};
    } else {
        const auto signer = registry.holder(holder);
        if (!signer)
            throw BadInput("unknown holder '" + holder + "' cannot sign a manifest");
        manifest["signer"] = {
            {"holder", signer->id}, {"name", signer->name}, {"publicKey", signer->publicKey}};
    }
    const std::string message = manifestSignedMessage(manifest);
    const Bytes signature =
        holder.empty() ? registry.signAsStudio(message) : registry.signAs(holder, message);
    manifest["signature"] = toHex(signature);
    return manifest;
}

std::string signatureStateName(SignatureState state) {
    switch (state) {
    case SignatureState::Valid:
        return "valid";
    case SignatureState::Invalid:
        return "invalid";
    case SignatureState::Absent:
        break;
    }
    return "absent";
}

SignatureState checkManifestSignature(const json& manifest, std::string& problem) {
    if (!manifest.is_object() || !manifest.contains("signature")) {
        problem = "the manifest is not signed";
        return SignatureState::Absent;
    }
    try {
        const std::string key = manifest.at("signer").at("publicKey").get<std::string>();
        const Bytes signature =
            fromHex(manifest.at("signature").get<std::string>(), "manifest signature");
        if (verifySignature(fromHex(key, "signer public key"), manifestSignedMessage(manifest),
                            signature))
            return SignatureState::Valid;
        problem = "the manifest's signature does not match its content and signer key: the "
                  "manifest was edited or the signature replaced";
    } catch (const json::exception&) {
        problem = "the manifest's signer or signature is malformed";
    } catch (const Error& e) {
        problem = std::string("the manifest's signature is malformed: ") + e.what();
    }
    return SignatureState::Invalid;
}

// ---- reading a manifest -----------------------------------------------------------------------

void requireManifestShape(const json& manifest, const std::string& where) {
    const JsonFields top(manifest, where);
    if (top.text("format", "") != kManifestFormat)
        throw BadInput(where + " is not an Accord manifest");
    const JsonFields signer(top.object("signer", false), where + ": signer");
    signer.text("publicKey");
    signer.text("name");
    signer.text("holder", "");
    top.text("signature", "");
    JsonFields(top.object("content", false), where + ": content").text("pcmSha256");
    top.text("render");

    const JsonFields lineage(top.object("lineage", false), where + ": lineage");
    for (const json& asset : lineage.objects("assets", false)) {
        const JsonFields fields(asset, lineage.where() + ": an asset");
        fields.text("asset");
        fields.text("owner");
        fields.text("ownerName", "");
    }
    for (const json& model : lineage.objects("models", false)) {
        const JsonFields fields(model, lineage.where() + ": a model");
        fields.text("model");
        fields.text("owner");
        fields.text("ownerName", "");
        fields.objects("training", true);
    }
    for (const json& render : lineage.objects("renders", false)) {
        const JsonFields fields(render, lineage.where() + ": a render");
        fields.text("render");
        fields.text("kind", "");
        fields.text("watermark", "");
    }
    for (const json& grant : top.objects("grants", false))
        JsonFields(grant, where + ": a grant").text("grant");
    for (const json& mark : top.objects("watermarks", false)) {
        const JsonFields fields(mark, where + ": a watermark");
        fields.text("payload");
        fields.text("render");
    }

    const JsonFields split(top.object("split", false), where + ": split");
    split.text("method", "");
    for (const json& share : split.objects("shares", false)) {
        const JsonFields fields(share, split.where() + ": a share");
        fields.text("holder");
        fields.text("name", "");
        fields.number("percent", 0);
    }
    const JsonFields disclosure(top.object("disclosure", false), where + ": disclosure");
    for (const char* part : {"vocals", "instrumentation", "composition"}) {
        const JsonFields fields(disclosure.object(part, false), disclosure.where() + ": " + part);
        fields.flag("generated", false);
        fields.texts("models", true);
    }
    JsonFields(top.object("studio", false), where + ": studio").text("publicKey");
}

// ---- lineage ----------------------------------------------------------------------------------

json lineageJson(const ConsentGraph& graph, const std::vector<Subject>& subjects) {
    std::set<std::string> assets, models, renders, liveInputs;
    std::function<void(const Subject&)> visit = [&](const Subject& subject) {
        switch (subject.kind) {
        case InputKind::Asset: {
            if (!assets.insert(subject.id).second)
                return;
            const auto asset = graph.assets.find(subject.id);
            if (asset != graph.assets.end() && asset->second.scan)
                for (const auto& contained : asset->second.scan->found)
                    visit({contained.kind, contained.id});
            return;
        }
        case InputKind::Model: {
            if (!models.insert(subject.id).second)
                return;
            const auto model = graph.models.find(subject.id);
            if (model != graph.models.end())
                for (const auto& source : model->second.training)
                    visit({InputKind::Asset, source.asset});
            return;
        }
        case InputKind::Render: {
            if (!renders.insert(subject.id).second)
                return;
            const auto render = graph.renders.find(subject.id);
            if (render != graph.renders.end())
                for (const auto& input : render->second.inputs)
                    visit({input.kind, input.id});
            return;
        }
        case InputKind::LiveInput:
            liveInputs.insert(subject.id);
            return;
        }
    };
    for (const auto& subject : subjects)
        visit(subject);

    json result = {
        {"assets", json::array()}, {"models", json::array()}, {"renders", json::array()}};
    for (const auto& id : assets) {
        const auto found = graph.assets.find(id);
        if (found == graph.assets.end())
            throw BadInput("unknown asset '" + id + "' in a lineage");
        result["assets"].push_back(assetJson(graph, found->second, JsonShape::Manifest));
    }
    for (const auto& id : models) {
        const auto found = graph.models.find(id);
        if (found == graph.models.end())
            throw BadInput("unknown model '" + id + "' in a lineage");
        result["models"].push_back(modelJson(graph, found->second));
    }
    for (const auto& id : renders) {
        const auto found = graph.renders.find(id);
        if (found == graph.renders.end())
            throw BadInput("unknown render '" + id + "' in a lineage");
        result["renders"].push_back(renderJson(found->second));
    }
    // Only where there is one, so the lineage of everything else reads as before.
    for (const auto& source : liveInputs) {
        if (!result.contains("liveInputs"))
            result["liveInputs"] = json::array();
        result["liveInputs"].push_back(
            {{"source", source}, {"description", liveInputText(source)}});
    }
    return result;
}

// ---- split sheet ------------------------------------------------------------------------------

double voiceShareOfModel(const ConsentGraph& graph, const std::string& modelId, UnixTime at) {
    const auto model = graph.models.find(modelId);
    if (model == graph.models.end())
        throw BadInput("unknown model '" + modelId + "'");
    double share = 0;
    auto consider = [&](const std::string& grantId) {
        const Grant& grant = graph.grants.at(grantId);
        if (grant.scope == Scope::Generate && grantIsActive(grant, at))
            share = std::max(share, grant.terms.sharePercent);
    };
    for (const auto& source : model->second.training) {
        const auto asset = graph.assets.find(source.asset);
        if (asset == graph.assets.end())
            continue;
        if (const auto own = graph.grantsByAsset.find(source.asset);
            own != graph.grantsByAsset.end())
            for (const auto& id : own->second)
                consider(id);
        if (const auto all = graph.allAssetGrantsByHolder.find(asset->second.owner);
            all != graph.allAssetGrantsByHolder.end())
            for (const auto& id : all->second)
                consider(id);
    }
    return share > 0 ? share : kDefaultVoiceSharePercent;
}

namespace {

std::string splitSheetMethod() {
    return "accord-split-v2: each part's sounding time is credited to its lineage: a recording "
           "to its owner, and the time a recording found inside it sounds to that recording; a "
           "part re-sung by a voice model gives the model's owner the share "
           "percent of their generate grant (50 when unstated) and the rest to the performance; "
           "other renders split evenly among their inputs; totals rounded to 0.01% by largest "
           "remainder (docs/SPLIT_SHEET.md)";
}

} // namespace

SplitSheet computeSplitSheet(const ConsentGraph& graph, const std::vector<SplitPart>& parts,
                             UnixTime at) {
    std::map<std::string, double> credit; // holder -> seconds
    std::function<void(const Subject&, double)> give = [&](const Subject& subject, double weight) {
        switch (subject.kind) {
        case InputKind::Asset: {
            const auto asset = graph.assets.find(subject.id);
            if (asset == graph.assets.end())
                throw BadInput("unknown asset '" + subject.id + "' in a split sheet");
            credit[asset->second.owner] += weight;
            // Recordings found sounding inside it earn their time as well, as overlapping clips
            // do; the scan found them in registration order, so this never loops.
            if (asset->second.scan && asset->second.durationSeconds > 0)
                for (const auto& contained : asset->second.scan->found)
                    give({contained.kind, contained.id},
                         weight * std::min(1.0, contained.seconds / asset->second.durationSeconds));
            return;
        }
        case InputKind::Model: {
            const auto model = graph.models.find(subject.id);
            if (model == graph.models.end())
                throw BadInput("unknown model '" + subject.id + "' in a split sheet");
            credit[model->second.owner] += weight;
            return;
        }
        case InputKind::Render: {
            const auto render = graph.renders.find(subject.id);
            if (render == graph.renders.end())
                throw BadInput("unknown render '" + subject.id + "' in a split sheet");
            std::vector<const RenderInput*> models, performances;
            for (const auto& input : render->second.inputs)
                (input.kind == InputKind::Model ? models : performances).push_back(&input);
            if (models.empty() && performances.empty())
                throw BadInput("render '" + subject.id + "' has no recorded inputs");
            double rest = weight;
            if (!models.empty() && !performances.empty()) {
                // A re-sung part: the voice owners first, the performance gets what remains.
                for (const auto* model : models) {
                    const double voice = weight / double(models.size()) *
                                         voiceShareOfModel(graph, model->id, at) / 100.0;
                    give({InputKind::Model, model->id}, voice);
                    rest -= voice;
                }
                for (const auto* performance : performances)
                    give({performance->kind, performance->id}, rest / double(performances.size()));
                return;
            }
            for (const auto& input : render->second.inputs)
                give({input.kind, input.id}, weight / double(render->second.inputs.size()));
            return;
        }
        case InputKind::LiveInput:
            return; // whoever played it is not on record: its time goes to the holders that are
        }
    };
    for (const auto& part : parts) {
        if (part.seconds <= 0)
            continue;
        if (part.liveModel.empty()) {
            give(part.source, part.seconds);
        } else {
            const double voice =
                part.seconds * voiceShareOfModel(graph, part.liveModel, at) / 100.0;
            give({InputKind::Model, part.liveModel}, voice);
            give(part.source, part.seconds - voice);
        }
    }
    double total = 0;
    for (const auto& [holder, seconds] : credit)
        total += seconds;
    if (total <= 0)
        throw BadInput("nothing sounds in this export, so there is nothing to share");

    // Largest remainder: floor every share to a basis point, then hand the points still missing
    // to the largest remainders (ties: holder id), so the sheet sums to exactly 100%.
    struct Pending {
        std::string holder;
        int points;
        double remainder;
    };
    std::vector<Pending> pending;
    int assigned = 0;
    for (const auto& [holder, seconds] : credit) {
        const double exact = seconds / total * kWholeInBasisPoints;
        const int points = int(std::floor(exact + 1e-9));
        pending.push_back({holder, points, exact - points});
        assigned += points;
    }
    std::vector<std::size_t> order(pending.size());
    for (std::size_t i = 0; i < order.size(); ++i)
        order[i] = i;
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        if (pending[a].remainder != pending[b].remainder)
            return pending[a].remainder > pending[b].remainder;
        return pending[a].holder < pending[b].holder;
    });
    for (std::size_t i = 0; assigned < kWholeInBasisPoints; i = (i + 1) % order.size(), ++assigned)
        ++pending[order[i]].points;

    SplitSheet sheet;
    sheet.method = splitSheetMethod();
    for (const auto& p : pending)
        if (p.points > 0)
            sheet.shares.push_back({p.holder, holderName(graph, p.holder), p.points});
    std::sort(sheet.shares.begin(), sheet.shares.end(), [](const auto& a, const auto& b) {
        return a.basisPoints != b.basisPoints ? a.basisPoints > b.basisPoints : a.holder < b.holder;
    });
    return sheet;
}

json SplitSheet::toJson() const {
    json list = json::array();
    for (const auto& share : shares)
        list.push_back(
            {{"holder", share.holder}, {"name", share.name}, {"percent", share.percent()}});
    return {{"method", method}, {"shares", list}};
}

std::string SplitSheet::toCsv() const {
    auto quoted = [](const std::string& text) {
        std::string out = "\"";
        for (char c : text)
            out += c == '"' ? std::string("\"\"") : std::string(1, c);
        return out + "\"";
    };
    std::ostringstream csv;
    csv << "holder,name,percent\n";
    for (const auto& share : shares)
        csv << share.holder << ',' << quoted(share.name) << ',' << share.basisPoints / 100 << '.'
            << std::setw(2) << std::setfill('0') << share.basisPoints % 100 << std::setfill(' ')
            << '\n';
    return csv.str();
}

// ---- disclosure -------------------------------------------------------------------------------

std::set<std::string> modelsBehind(const ConsentGraph& graph, const SplitPart& part) {
    std::set<std::string> models;
    std::set<std::string> seen;
    std::function<void(const Subject&)> visit = [&](const Subject& subject) {
        if (subject.kind == InputKind::Asset || subject.kind == InputKind::LiveInput ||
            !seen.insert(inputKindName(subject.kind) + subject.id).second)
            return;
        if (subject.kind == InputKind::Model) {
            models.insert(subject.id);
            return;
        }
        const auto render = graph.renders.find(subject.id);
        if (render != graph.renders.end())
            for (const auto& input : render->second.inputs)
                visit({input.kind, input.id});
    };
    visit(part.source);
    if (!part.liveModel.empty())
        models.insert(part.liveModel);
    return models;
}

json disclosureJson(const ConsentGraph& graph, const std::vector<SplitPart>& parts) {
    std::set<std::string> voiceModels, styleModels;
    for (const auto& part : parts)
        for (const auto& id : modelsBehind(graph, part)) {
            const auto model = graph.models.find(id);
            if (model != graph.models.end())
                (model->second.kind == ModelKind::Voice ? voiceModels : styleModels).insert(id);
        }
    auto part = [](const std::set<std::string>& models) {
        return json{{"generated", !models.empty()},
                    {"models", json(std::vector<std::string>(models.begin(), models.end()))}};
    };
    const bool generated = !voiceModels.empty() || !styleModels.empty();
    return {{"digitalSourceType", generated ? kSourceTypeComposite : kSourceTypeCapture},
            {"vocals", part(voiceModels)},
            {"instrumentation", part(std::set<std::string>())},
            {"composition", part(styleModels)}};
}

} // namespace accord
