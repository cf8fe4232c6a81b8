#include "accord/core/consent.h"

#include "accord/core/errors.h"

namespace accord {
namespace {

template <typename Enum, std::size_t N>
Enum parseName(const std::string& name, const std::pair<Enum, const char*> (&names)[N],
               const std::string& what) {
    std::string valid;
    for (const auto& [value, text] : names) {
        if (name == text)
            return value;
        valid += valid.empty() ? text : std::string(", ") + text;
    }
    throw BadInput("unknown " + what + " '" + name + "' (expected one of: " + valid + ")");
}

template <typename Enum, std::size_t N>
std::string nameOf(Enum value, const std::pair<Enum, const char*> (&names)[N]) {
    for (const auto& [candidate, text] : names)
        if (candidate == value)
            return text;
    return "?";
}

const std::pair<Scope, const char*> scopeNames[] = {{Scope::TrainVoice, "train-voice"},
                                                    {Scope::TrainStyle, "train-style"},
                                                    {Scope::Generate, "generate"},
                                                    {Scope::Export, "export"},
                                                    {Scope::Share, "share"}};
const std::pair<AssetOrigin, const char*> originNames[] = {{AssetOrigin::Recorded, "recorded"},
                                                           {AssetOrigin::Imported, "imported"},
                                                           {AssetOrigin::Generated, "generated"}};
const std::pair<AssetKind, const char*> assetKindNames[] = {{AssetKind::Audio, "audio"},
                                                            {AssetKind::Midi, "midi"}};
const std::pair<ModelKind, const char*> modelKindNames[] = {{ModelKind::Voice, "voice"},
                                                            {ModelKind::Style, "style"}};
const std::pair<InputKind, const char*> inputKindNames[] = {{InputKind::Asset, "asset"},
                                                            {InputKind::Model, "model"},
                                                            {InputKind::Render, "render"},
                                                            {InputKind::LiveInput, "live-input"}};

} // namespace

const std::vector<Scope>& allScopes() {
    static const std::vector<Scope> scopes = {Scope::TrainVoice, Scope::TrainStyle, Scope::Generate,
                                              Scope::Export, Scope::Share};
    return scopes;
}

std::string scopeName(Scope scope) {
    return nameOf(scope, scopeNames);
}
Scope parseScope(const std::string& name) {
    return parseName(name, scopeNames, "scope");
}
std::string originName(AssetOrigin origin) {
    return nameOf(origin, originNames);
}
AssetOrigin parseOrigin(const std::string& name) {
    return parseName(name, originNames, "origin");
}
std::string assetKindName(AssetKind kind) {
    return nameOf(kind, assetKindNames);
}
std::string modelKindName(ModelKind kind) {
    return nameOf(kind, modelKindNames);
}
ModelKind parseModelKind(const std::string& name) {
    return parseName(name, modelKindNames, "model kind");
}
std::string inputKindName(InputKind kind) {
    return nameOf(kind, inputKindNames);
}
InputKind parseInputKind(const std::string& name) {
    return parseName(name, inputKindNames, "input kind");
}

std::string liveInputText(const std::string& source) {
    return source == kAccordVoiceInput ? "live input through the Accord Voice plugin"
                                       : "live input through " + source;
}

} // namespace accord
