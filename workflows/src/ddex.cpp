// DDEX ERN 4.3.2 (docs/DDEX.md). Written as text: the message is a fixed shape of a few dozen
// elements, and escaping is the only care XML needs here.

#include "accord/workflows/ddex.h"

#include "accord/core/errors.h"
#include "accord/core/json_input.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <iomanip>
#include <map>
#include <set>
#include <sstream>

namespace accord::workflows {

using nlohmann::json;

namespace {

std::string escaped(const std::string& text) {
    std::string out;
    for (const char c : text) {
        switch (c) {
        case '&':
            out += "&amp;";
            break;
        case '<':
            out += "&lt;";
            break;
        case '>':
            out += "&gt;";
            break;
        case '"':
            out += "&quot;";
            break;
        default:
            out += c;
        }
    }
    return out;
}

std::string element(const std::string& name, const std::string& text) {
    return "<" + name + ">" + escaped(text) + "</" + name + ">";
}

std::string dpid(const std::string& value, const std::string& option) {
    const bool valid = value.rfind("PADPIDA", 0) == 0 && value.size() > 7 &&
                       std::all_of(value.begin(), value.end(),
                                   [](unsigned char c) { return std::isalnum(c) != 0; });
    if (!valid)
        throw BadInput(option + " '" + value +
                       "': a DDEX Party Id is PADPIDA followed by letters "
                       "and digits");
    return value;
}

// An IPI name number as DDEX writes it, 11 digits (shorter ones are zero-padded, as CISAC
// writes them); empty for anything else, which is left out rather than sent wrong.
std::string ipiNameNumber(const std::string& ipi) {
    if (ipi.empty() || ipi.size() > 11 ||
        !std::all_of(ipi.begin(), ipi.end(), [](unsigned char c) { return std::isdigit(c); }))
        return {};
    return std::string(11 - ipi.size(), '0') + ipi;
}

// ISO 8601 duration, milliseconds.
std::string duration(double seconds) {
    const auto millis = static_cast<long long>(std::llround(seconds * 1000));
    std::ostringstream out;
    out << "PT" << millis / 60000 << "M" << (millis % 60000) / 1000 << "." << std::setw(3)
        << std::setfill('0') << millis % 1000 << "S";
    return out.str();
}

std::string percent(double value) {
    std::ostringstream out;
    out << std::fixed << std::setprecision(2) << value;
    return out.str();
}

} // namespace

std::string ernReleaseMessage(const Registry& registry, const ExportResult& exported,
                              const std::string& title, const DdexOptions& options) {
    const ExportedFile& mix = exported.files.front();
    const json manifest = parseJsonInput(mix.manifestJson, "the manifest of " + mix.path);
    const std::string sender =
        dpid(options.senderDpid.empty() ? "PADPIDA" + registry.studioPublicKey().substr(0, 12)
                                        : options.senderDpid,
             "--dpid");
    const std::string recipient =
        options.recipientDpid.empty() ? sender : dpid(options.recipientDpid, "--ddex-recipient");

    // Who contributed what: a model's owner lends the part it generates (a voice: vocals, a style:
    // composition), the other holders performed what sounds.
    const json& lineage = manifest.at("lineage");
    std::map<std::string, std::set<std::string>> modelKindsOf; // holder -> voice/style
    std::set<std::string> generatedKinds;
    for (const auto& model : lineage.value("models", json::array())) {
        modelKindsOf[model.value("owner", "")].insert(model.value("kind", "voice"));
        generatedKinds.insert(model.value("kind", "voice"));
    }
    // Performances re-sung or varied by a model: their performers' parts are partly AI.
    std::map<std::string, std::string> ownerOfAsset;
    for (const auto& asset : lineage.value("assets", json::array()))
        ownerOfAsset[asset.value("asset", "")] = asset.value("owner", "");
    std::map<std::string, std::string> kindOfModel;
    for (const auto& model : lineage.value("models", json::array()))
        kindOfModel[model.value("model", "")] = model.value("kind", "voice");
    std::map<std::string, std::string> performedThrough; // holder -> model kind
    for (const auto& render : lineage.value("renders", json::array())) {
        std::string model;
        for (const auto& input : render.value("inputs", json::array()))
            if (input.value("kind", "") == "model")
                model = kindOfModel[input.value("id", "")];
        if (!model.empty())
            for (const auto& input : render.value("inputs", json::array()))
                if (input.value("kind", "") == "asset")
                    performedThrough[ownerOfAsset[input.value("id", "")]] = model;
    }
    std::vector<std::string> isrcs; // of the recordings sounding in it, where known
    for (const auto& asset : lineage.value("assets", json::array()))
        if (const auto known = registry.asset(asset.value("asset", ""));
            known && !known->isrc.empty())
            isrcs.push_back(known->isrc);
    const json shares = manifest.at("split").at("shares");

    std::string parties;
    std::map<std::string, std::string> partyOf; // holder -> P reference
    for (const auto& share : shares) {
        const std::string holder = share.value("holder", "");
        const std::string reference = "P" + holder;
        partyOf[holder] = reference;
        const auto known = registry.holder(holder);
        const std::string ipi = known ? ipiNameNumber(known->ipi) : "";
        parties += "<Party>" + element("PartyReference", reference) + "<PartyName>" +
                   element("FullName", share.value("name", holder)) + "</PartyName>" +
                   (ipi.empty() ? "" : "<PartyId>" + element("IpiNameNumber", ipi) + "</PartyId>") +
                   "</Party>";
    }
    parties += "<Party>" + element("PartyReference", "PLabel") + "<PartyName>" +
               element("FullName", "Self-released") + "</PartyName></Party>";

    std::string contributors;
    int sequence = 0;
    for (const auto& share : shares) {
        const std::string holder = share.value("holder", "");
        const auto kinds = modelKindsOf.find(holder);
        const auto performed = performedThrough.find(holder);
        std::string role = "Musician";
        if (kinds != modelKindsOf.end())
            role = kinds->second.count("voice") ? "Vocalist" : "Composer";
        else if (performed != performedThrough.end() && performed->second == "voice")
            role = "Vocalist";
        const bool partlyAi = kinds != modelKindsOf.end() || performed != performedThrough.end();
        contributors += "<Contributor SequenceNumber=\"" + std::to_string(++sequence) + "\">" +
                        element("ContributorPartyReference", partyOf[holder]) + "<Role>" +
                        element("Value", role) + "</Role>" +
                        element("AiContribution", partlyAi ? "Partly" : "None") + "</Contributor>";
    }
    for (const std::string& kind : generatedKinds)
        contributors += "<Contributor SequenceNumber=\"" + std::to_string(++sequence) + "\">" +
                        element("SpecialContributor", "GenerativeAI") + "<Role>" +
                        element("Value", kind == "voice" ? "Vocalist" : "Composer") + "</Role>" +
                        element("AiContribution", "All") + "</Contributor>";

    std::string rights;
    for (const auto& share : shares)
        rights += "<ResourceRightsController>" +
                  element("RightsControllerPartyReference", partyOf[share.value("holder", "")]) +
                  element("RightsControlType", "RightsController") +
                  element("RightSharePercentage", percent(share.value("percent", 0.0))) +
                  "</ResourceRightsController>";

    std::string related;
    for (const auto& isrc : isrcs)
        related += "<RelatedResource>" + element("ResourceRelationshipType", "HasContentFrom") +
                   "<ResourceId>" + element("ISRC", isrc) + "</ResourceId></RelatedResource>";

    // With human contributors listed, a part generated in a consented voice is "Partly" AI: DDEX
    // keeps "All" for resources whose every contributor is generative AI.
    const std::string containsAi = generatedKinds.empty() ? "None" : "Partly";
    const std::string mainArtist = partyOf.empty() ? "PLabel" : partyOf.begin()->second;
    const std::string artistName = shares.empty() ? title : shares.front().value("name", title);
    const std::string renderId = manifest.value("render", "");
    const double seconds = manifest.at("content").value("durationSeconds", 0.0);

    std::ostringstream xml;
    xml << R"(<?xml version="1.0" encoding="UTF-8"?>)"
        << "\n"
        << R"(<ern:NewReleaseMessage xmlns:ern="http://ddex.net/xml/ern/432" )"
        << R"(AvsVersionId="9" LanguageAndScriptCode="en" ReleaseProfileVersionId="Audio">)"
        << "\n<MessageHeader>" << element("MessageId", "accord-" + mix.exportId)
        << "<MessageSender>" << element("PartyId", sender) << "<PartyName>"
        << element("FullName", "Accord studio " + registry.studioPublicKey().substr(0, 16))
        << "</PartyName></MessageSender><MessageRecipient>" << element("PartyId", recipient)
        << "</MessageRecipient>"
        << element("MessageCreatedDateTime", manifest.value("exportedAt", ""))
        << element("MessageControlType", "LiveMessage") << "</MessageHeader>\n"
        << "<PartyList>" << parties << "</PartyList>\n"
        << "<ResourceList><SoundRecording>" << element("ResourceReference", "A1")
        << element("Type", "MusicalWorkSoundRecording")
        << "<SoundRecordingEdition><ResourceId><ProprietaryId Namespace=\"DPID:" << sender << "\">"
        << escaped("accord:" + renderId) << "</ProprietaryId></ResourceId>"
        << "</SoundRecordingEdition>" << element("DisplayTitleText", title) << "<DisplayTitle>"
        << element("TitleText", title) << "</DisplayTitle>"
        << element("DisplayArtistName", artistName) << "<DisplayArtist SequenceNumber=\"1\">"
        << element("ArtistPartyReference", mainArtist) << element("DisplayArtistRole", "MainArtist")
        << "</DisplayArtist>" << contributors << rights << element("Duration", duration(seconds))
        << related << element("ContainsAI", containsAi) << "</SoundRecording></ResourceList>\n"
        << "<ReleaseList><Release>" << element("ReleaseReference", "R0")
        << element("ReleaseType", "Single")
        << "<ReleaseId><ProprietaryId Namespace=\"DPID:" << sender << "\">"
        << escaped("accord:" + mix.exportId) << "</ProprietaryId></ReleaseId>"
        << element("DisplayTitleText", title) << "<DisplayTitle>" << element("TitleText", title)
        << "</DisplayTitle>" << element("DisplayArtistName", artistName)
        << "<DisplayArtist SequenceNumber=\"1\">" << element("ArtistPartyReference", mainArtist)
        << element("DisplayArtistRole", "MainArtist") << "</DisplayArtist>"
        << element("ReleaseLabelReference", "PLabel") << "<DisplayGenre>"
        << element("GenreText", options.genre) << "</DisplayGenre>"
        << "<ResourceGroup><ResourceGroupContentItem>" << element("SequenceNumber", "1")
        << element("ReleaseResourceReference", "A1") << "</ResourceGroupContentItem>"
        << "</ResourceGroup>" << element("ContainsAI", containsAi) << "</Release></ReleaseList>\n"
        << "</ern:NewReleaseMessage>\n";
    return xml.str();
}

} // namespace accord::workflows
