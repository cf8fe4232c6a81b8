#include "content_credentials.h"

#include "accord/core/files.h"
#include "accord/core/provenance.h"

#include <nlohmann/json.hpp>

#include <set>

namespace accord::workflows {

using nlohmann::json;

namespace {

std::string cbor(const json& value) {
    const std::vector<std::uint8_t> bytes = json::to_cbor(value);
    return std::string(bytes.begin(), bytes.end());
}

// The media type of what a part plays: a recording by its file's extension, a render is WAV.
std::string formatOf(const ConsentGraph& graph, const Subject& source) {
    const auto asset = graph.assets.find(source.id);
    if (source.kind != InputKind::Asset || asset == graph.assets.end())
        return "audio/wav";
    const std::string extension = lowerExtension(asset->second.path);
    if (extension == ".flac" || extension == ".ogg" || extension == ".aiff")
        return "audio/" + extension.substr(1);
    if (extension == ".mp3")
        return "audio/mpeg";
    if (extension == ".mid" || extension == ".midi")
        return "audio/midi";
    return "audio/wav";
}

std::string titleOf(const ConsentGraph& graph, const Subject& source) {
    if (source.kind == InputKind::Asset) {
        const auto asset = graph.assets.find(source.id);
        if (asset != graph.assets.end() && !asset->second.path.empty())
            return fileNameOf(asset->second.path);
        return "recording " + source.id;
    }
    const auto render = graph.renders.find(source.id);
    return render == graph.renders.end() ? source.id : render->second.kind + " " + source.id;
}

} // namespace

c2pa::ManifestRequest contentCredentialsFor(const Registry& registry, const FilePlan& plan,
                                            const std::string& fileName,
                                            const std::string& manifestText,
                                            const std::vector<std::string>& watermarks,
                                            const std::string& actor) {
    const ConsentGraph& graph = registry.consentGraph();
    c2pa::ManifestRequest request;
    request.title = fileName;
    request.generatorVersion = ACCORD_VERSION;
    request.signer = registry.c2paSigner(actor);

    // One ingredient per recording or render that sounds in the file, each placed by an action
    // saying how it was made.
    json actions = json::array();
    std::set<std::string> placed;
    std::size_t generatedParts = 0;
    std::vector<c2pa::Assertion> ingredients;
    for (const SplitPart& part : plan.parts) {
        const bool generated = !modelsBehind(graph, part).empty();
        generatedParts += generated ? 1 : 0;
        const std::string key = inputKindName(part.source.kind) + part.source.id +
                                (part.liveModel.empty() ? "" : "+" + part.liveModel);
        if (!placed.insert(key).second)
            continue;
        const std::string label =
            "c2pa.ingredient.v3" +
            (ingredients.empty() ? std::string() : "__" + std::to_string(ingredients.size()));
        ingredients.push_back(
            {label, c2pa::Assertion::Kind::Cbor,
             cbor({{"dc:title", titleOf(graph, part.source)},
                   {"dc:format", formatOf(graph, part.source)},
                   {"relationship", "componentOf"},
                   {"description", inputKindName(part.source.kind) + " " + part.source.id}})});
        actions.push_back(
            {{"action", "c2pa.placed"},
             {"digitalSourceType", generated ? kSourceTypeGenerated : kSourceTypeCapture},
             {"description", generated ? "generated with a model trained with consent"
                                       : "a performance recorded by its rights holder"},
             {"parameters",
              {{"ingredients", json::array({{{"url", "self#jumbf=c2pa.assertions/" + label},
                                             {"hash", json::binary(c2pa::assertionHash(
                                                          ingredients.back()))}}})}}}});
    }
    const char* fileType =
        generatedParts == 0 ? (placed.size() > 1 ? kSourceTypeHumanComposite : kSourceTypeCapture)
        : generatedParts == plan.parts.size() ? kSourceTypeGenerated
                                              : kSourceTypeComposite;
    actions.insert(actions.begin(),
                   json{{"action", "c2pa.created"},
                        {"digitalSourceType", fileType},
                        {"softwareAgent", {{"name", "Accord"}, {"version", ACCORD_VERSION}}}});
    request.assertions.push_back(
        {"c2pa.actions.v2", c2pa::Assertion::Kind::Cbor, cbor({{"actions", actions}})});
    for (auto& ingredient : ingredients)
        request.assertions.push_back(std::move(ingredient));
    request.assertions.push_back(
        {kAccordManifestAssertion, c2pa::Assertion::Kind::Json, manifestText});
    if (!watermarks.empty())
        request.assertions.push_back(
            {kAccordWatermarkAssertion, c2pa::Assertion::Kind::Cbor,
             cbor({{"alg", "io.accord.watermark.1"}, {"payloads", watermarks}})});
    return request;
}

} // namespace accord::workflows
