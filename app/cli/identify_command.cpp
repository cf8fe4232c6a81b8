#include "identify_command.h"

#include "output.h"

#include "accord/core/errors.h"
#include "accord/core/files.h"
#include "accord/ledger/ledger.h"
#include "accord/workflows/identify.h"
#include "accord/workflows/ledger_catalogue.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <ostream>

namespace accord::cli {

using nlohmann::json;

namespace {

std::string clock(double seconds) {
    char text[32];
    std::snprintf(text, sizeof text, "%d:%05.2f", int(seconds) / 60,
                  seconds - 60 * (int(seconds) / 60));
    return text;
}

void reportSkipped(const workflows::IndexUpdate& update, std::ostream& err) {
    for (const std::string& note : update.skipped)
        err << "note: " << note << "\n";
}

// A render's lineage as its claim on the ledger names it (docs/LEDGER.md "Renders in the
// catalogue"): JSON, and one line of text.
json lineageJson(const RenderLineage& lineage, std::string& text) {
    json models = json::array(), sources = json::array();
    text += "    " + lineage.kind + " made with";
    for (const LineageModel& m : lineage.models) {
        models.push_back({{"kind", m.kind},
                          {"weights_sha256", m.weightsSha256},
                          {"owner", m.ownerKey},
                          {"owner_name", m.ownerName}});
        text +=
            " " + m.kind + " model " + m.weightsSha256.substr(0, 12) + " of " + m.ownerName + ";";
    }
    if (lineage.models.empty())
        text += " no model;";
    text += " from";
    for (const LineageSource& src : lineage.sources) {
        sources.push_back({{"pcm_sha256", src.pcmSha256},
                           {"owner", src.ownerKey},
                           {"owner_name", src.ownerName}});
        text += " recording " + src.pcmSha256.substr(0, 12) + " of " + src.ownerName + ",";
    }
    if (lineage.sources.empty())
        text += " no recording,";
    text.back() = '\n';
    return {{"kind", lineage.kind}, {"models", models}, {"sources", sources}};
}

// The matches in `file`, as JSON and text (docs/CLI.md "identify"); the same for the local index
// and the ledger's catalogue.
void emitMatches(const Arguments& args, std::ostream& out, const std::string& file,
                 const std::vector<workflows::IdentifiedRecording>& found) {
    json matches = json::array();
    std::string text = found.empty() ? file + ": no registered recording found\n" : file + "\n";
    for (const workflows::IdentifiedRecording& r : found) {
        const std::string kind = indexedKindName(r.kind);
        matches.push_back({{kind, r.id},
                           {"owner", r.owner},
                           {"owner_name", r.ownerName},
                           {"file_offset", r.fileOffset},
                           {"recording_offset", r.recordingOffset},
                           {"seconds", r.seconds},
                           {"speed", r.speed},
                           {"pitch_semitones", r.pitchSemitones},
                           {"confidence", r.confidence}});
        char figures[160];
        std::snprintf(figures, sizeof figures,
                      "%.1f s at %s (recording at %s), speed %.3f, pitch %+.2f semitones, "
                      "confidence %.2f",
                      r.seconds, clock(r.fileOffset).c_str(), clock(r.recordingOffset).c_str(),
                      r.speed, r.pitchSemitones, r.confidence);
        text += "  " + kind + " " + r.id + " of " + r.ownerName + " (" + r.owner + "): " + figures +
                "\n";
        if (r.lineage)
            matches.back()["lineage"] = lineageJson(*r.lineage, text);
    }
    emit(args, out, {{"matches", matches}}, text);
}

} // namespace

ExitCode runIdentifyCommand(const Arguments& args, std::ostream& out, std::ostream& err) {
    const bool reindex = args.has("--reindex");
    if (reindex == !args.positionals.empty())
        throw UsageError("identify takes a FILE or --reindex");
    // Against the whole catalogue on a ledger server: no registry needed (a label may have none).
    if (const auto url = args.value("--ledger")) {
        if (reindex)
            throw UsageError("identify --ledger takes a FILE, not --reindex");
        const auto ledger = ledger::Ledger::connect(*url);
        const std::string file = absolutePath(args.positionals.front());
        emitMatches(args, out, file, workflows::identifyFileOnLedger(*ledger, file));
        return ExitCode::Ok;
    }
    const auto registry = openExistingRegistry(args);
    const auto index = workflows::openFingerprintIndex(*registry);
    if (reindex) {
        const workflows::IndexUpdate update = workflows::reindexFingerprints(*registry, *index);
        reportSkipped(update, err);
        emit(args, out,
             {{"indexed", update.indexed},
              {"seconds", update.seconds},
              {"skipped", update.skipped},
              {"index", index->path()}},
             "Indexed " + std::to_string(update.indexed) + " recordings (" +
                 std::to_string(int(update.seconds)) + " s of audio) in " + index->path());
        return ExitCode::Ok;
    }
    const std::string file = absolutePath(args.positionals.front());
    reportSkipped(workflows::updateFingerprintIndex(*registry, *index), err);
    emitMatches(args, out, file, workflows::identifyFile(*registry, *index, file));
    return ExitCode::Ok;
}

} // namespace accord::cli
