// Royalty statements (accord/workflows/statement.h; docs/STATEMENTS.md).

#include "accord/workflows/statement.h"

#include "accord/core/errors.h"
#include "accord/core/json_input.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <set>
#include <sstream>

namespace accord::workflows {
namespace {

using nlohmann::json;

std::string csvField(const std::string& text) {
    if (text.find_first_of(",\"\n\r") == std::string::npos)
        return text;
    std::string quoted = "\"";
    for (char c : text)
        quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
    return quoted + "\"";
}

std::string number(double value, int decimals) {
    char text[64];
    std::snprintf(text, sizeof text, "%.*f", decimals, value);
    return text;
}

std::string text(const json& object, const char* key) {
    const auto found = object.find(key);
    return found != object.end() && found->is_string() ? found->get<std::string>() : "";
}

// "2 tracks: 'Vocals' through model m-1, 'Beat'; generated: vocals"
std::string howMade(const json& manifest) {
    const json operations = manifest.value("operations", json::object());
    const json tracks = operations.value("tracks", json::array());
    std::string made = std::to_string(tracks.size()) + (tracks.size() == 1 ? " track" : " tracks");
    std::string names;
    for (const json& track : tracks) {
        names += (names.empty() ? ": '" : ", '") + text(track, "name") + "'";
        if (track.contains("model") && track["model"].is_string())
            names += " through model " + track["model"].get<std::string>();
    }
    made += names;
    std::string generated;
    const json disclosure = manifest.value("disclosure", json::object());
    for (const char* part : {"vocals", "instrumentation", "composition"})
        if (disclosure.value(part, json::object()).value("generated", false))
            generated += (generated.empty() ? "" : ", ") + std::string(part);
    return made + "; " + (generated.empty() ? "no generated parts" : "generated: " + generated);
}

// The holder's grants the export relied on: "g-2 export, 30% share, commercial, licence X".
std::string termsOf(const json& manifest, const std::string& holderId) {
    std::string terms;
    for (const json& grant : manifest.value("grants", json::array())) {
        if (text(grant, "holder") != holderId)
            continue;
        std::string one = text(grant, "grant") + " " + text(grant, "scope");
        if (grant.value("share", 0.0) > 0)
            one += ", " + number(grant.value("share", 0.0), 2) + "% share";
        one += grant.value("commercial", false) ? ", commercial" : ", non-commercial";
        if (!text(grant, "licence").empty())
            one += ", licence " + text(grant, "licence");
        if (grant.contains("expires") && grant["expires"].is_string())
            one += ", until " + grant["expires"].get<std::string>();
        terms += (terms.empty() ? "" : "; ") + one;
    }
    return terms.empty() ? "none of the holder's grants (credited through a model or a recording "
                           "found inside)"
                         : terms;
}

} // namespace

RoyaltyStatement royaltyStatement(const Registry& registry, const std::string& holderId,
                                  std::optional<UnixTime> from, std::optional<UnixTime> to) {
    const auto holder = registry.holder(holderId);
    if (!holder)
        throw BadInput("unknown holder '" + holderId + "'");
    RoyaltyStatement statement;
    statement.holder = *holder;
    statement.from = from;
    statement.to = to;
    std::set<std::string> titles;
    for (const ExportRecord& record : registry.exports()) {
        const UnixTime at = parseIsoTime(record.createdAt, "export " + record.id);
        if ((from && at < *from) || (to && at >= *to))
            continue;
        const json manifest =
            parseJsonInput(record.manifestJson, "the manifest of export " + record.id);
        if (!manifest.is_object())
            throw BadInput("the manifest of export " + record.id + " is not a JSON object");
        double percent = 0;
        for (const json& share :
             manifest.value("split", json::object()).value("shares", json::array()))
            if (text(share, "holder") == holderId)
                percent = share.value("percent", 0.0);
        if (percent <= 0)
            continue;
        StatementLine line;
        line.exportId = record.id;
        line.exportedAt = record.createdAt;
        line.title = text(manifest, "title");
        line.file = text(manifest.value("file", json::object()), "name");
        line.role = text(manifest.value("file", json::object()), "role");
        line.seconds = manifest.value("content", json::object()).value("durationSeconds", 0.0);
        line.percent = percent;
        line.howMade = howMade(manifest);
        line.terms = termsOf(manifest, holderId);
        line.commercial = manifest.value("commercial", false);
        statement.creditedSeconds += line.seconds * percent / 100;
        titles.insert(line.title);
        statement.lines.push_back(std::move(line));
    }
    statement.releases = int(titles.size());
    return statement;
}

std::string royaltyStatementCsv(const RoyaltyStatement& statement) {
    std::ostringstream csv;
    csv << "export,exported_at,title,file,role,seconds,percent,credited_seconds,how_made,terms,"
           "commercial\n";
    double seconds = 0;
    for (const StatementLine& line : statement.lines) {
        seconds += line.seconds;
        csv << line.exportId << ',' << line.exportedAt << ',' << csvField(line.title) << ','
            << csvField(line.file) << ',' << line.role << ',' << number(line.seconds, 3) << ','
            << number(line.percent, 2) << ',' << number(line.seconds * line.percent / 100, 3) << ','
            << csvField(line.howMade) << ',' << csvField(line.terms) << ','
            << (line.commercial ? "yes" : "no") << '\n';
    }
    csv << "total,,," << statement.lines.size() << " files,," << number(seconds, 3) << ",,"
        << number(statement.creditedSeconds, 3) << ",,,\n";
    return csv.str();
}

} // namespace accord::workflows
