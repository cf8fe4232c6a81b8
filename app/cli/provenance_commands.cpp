#include "provenance_commands.h"

#include "render_command.h"

#include "accord/core/files.h"
#include "accord/core/project.h"
#include "accord/core/registry.h"
#include "accord/workflows/ddex.h"
#include "accord/workflows/export.h"
#include "accord/workflows/live_model.h"
#include "accord/workflows/verify.h"
#include "output.h"

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <iomanip>
#include <sstream>

namespace accord::cli {

using nlohmann::json;

namespace {

workflows::ExportFormat exportFormat(const Arguments& args) {
    const std::string format = args.value("--format").value_or("wav");
    if (format == "wav")
        return workflows::ExportFormat::Wav;
    if (format == "flac")
        return workflows::ExportFormat::Flac;
    if (format == "mp3")
        return workflows::ExportFormat::Mp3;
    throw BadInput("--format: '" + format + "' is not wav, flac or mp3");
}

// --format, --bitrate, --range and --loudness/--true-peak (docs/CLI.md "export").
void readDeliveryOptions(const Arguments& args, workflows::ExportRequest& request) {
    request.format = exportFormat(args);
    if (args.has("--bitrate")) {
        if (request.format != workflows::ExportFormat::Mp3)
            throw BadInput("--bitrate is for --format mp3");
        const double kbits = args.number("--bitrate", 0);
        if (kbits != std::floor(kbits) || !audio::isMp3ExportBitrate(int(kbits)))
            throw BadInput("--bitrate: " + args.required("--bitrate") +
                           " is not an MP3 bitrate: choose 96, 112, 128, 160, 192, 224, 256 or "
                           "320 (kbit/s)");
        request.mp3BitrateKbps = int(kbits);
    }
    const RangeAndLoudness delivery = readRangeAndLoudness(args);
    request.rangeStartSeconds = delivery.startSeconds;
    request.rangeEndSeconds = delivery.endSeconds;
    request.loudnessTarget = delivery.loudnessTarget;
}

std::string decibelsText(double value) {
    if (!std::isfinite(value))
        return "-inf";
    std::ostringstream text;
    text << std::fixed << std::setprecision(2) << value;
    return text.str();
}

json decibelsJson(double value) {
    return std::isfinite(value) ? json(value) : json(nullptr);
}

std::string percentText(int basisPoints) {
    std::ostringstream text;
    text << basisPoints / 100 << '.' << (basisPoints % 100 < 10 ? "0" : "") << basisPoints % 100
         << '%';
    return text.str();
}

std::string splitText(const SplitSheet& split) {
    std::string text = "Split sheet (" + split.method.substr(0, split.method.find(':')) +
                       ", docs/SPLIT_SHEET.md):\n";
    for (const auto& share : split.shares)
        text +=
            "  " + percentText(share.basisPoints) + "  " + share.name + " (" + share.holder + ")\n";
    return text;
}

} // namespace

ExitCode runExportCommand(const Arguments& args, std::ostream& out, std::ostream& err) {
    const std::string projectPath = absolutePath(args.positionals.front());
    const Project project = loadProject(projectPath);
    auto registry = Registry::open(args.registryPath);

    workflows::ExportRequest request;
    request.outDir = absolutePath(args.required("--out"));
    request.stems = args.has("--stems");
    readDeliveryOptions(args, request);
    request.commercial = args.has("--commercial");
    request.actor = actingHolder(args, *registry);
    request.title = std::filesystem::path(projectPath).stem().string();
    request.projectPath = projectPath;
    request.processorFor = workflows::liveModelsFor(*registry);
    if (args.has("--ddex")) {
        auto ddex = std::make_shared<workflows::DdexOptions>();
        ddex->senderDpid = args.value("--dpid").value_or("");
        ddex->recipientDpid = args.value("--ddex-recipient").value_or("");
        ddex->genre = args.value("--genre").value_or(ddex->genre);
        request.ddex = ddex;
    }

    const auto result = workflows::exportProject(*registry, project, request);
    json files = json::array();
    json details = json::array();
    std::string text;
    for (const auto& file : result.files) {
        files.push_back(file.path);
        details.push_back({{"path", file.path},
                           {"sidecar", file.sidecar},
                           {"render", file.render},
                           {"export", file.exportId},
                           {"track", file.trackId.empty() ? json(nullptr) : json(file.trackId)},
                           {"lufs", decibelsJson(file.lufs)},
                           {"true_peak_db", decibelsJson(file.truePeakDb)},
                           {"gain_db", file.targetGainDb},
                           {"limiter_db", file.limiterReductionDb},
                           {"split", file.split.toJson()}});
        text += file.exportId + "  " + file.path + "  " + decibelsText(file.lufs) + " LUFS, " +
                decibelsText(file.truePeakDb) + " dBTP";
        if (request.loudnessTarget && file.trackId.empty())
            text += " (target " + decibelsText(request.loudnessTarget->integratedLufs) +
                    " LUFS, ceiling " + decibelsText(request.loudnessTarget->truePeakCeilingDb) +
                    " dBTP: gain " + decibelsText(file.targetGainDb) + " dB, limiter " +
                    decibelsText(file.limiterReductionDb) + " dB)";
        text += "\n";
        if (const auto warning = workflows::clippingWarning(file))
            err << "Warning: " << *warning << "\n";
    }
    text += splitText(result.split);
    text += "Split sheet files: " + result.splitJsonPath + ", " + result.splitCsvPath + "\n";
    if (!result.ddexPath.empty())
        text += "DDEX ERN 4.3.2 release message: " + result.ddexPath + "\n";
    emit(args, out,
         {{"files", files},
          {"split", result.split.toJson()},
          {"exports", details},
          {"splitFiles", {result.splitJsonPath, result.splitCsvPath}},
          {"ddex", result.ddexPath.empty() ? json(nullptr) : json(result.ddexPath)}},
         text);
    return ExitCode::Ok;
}

ExitCode runVerifyCommand(const Arguments& args, std::ostream& out, std::ostream& err) {
    const std::string file = absolutePath(args.positionals.front());
    // A registry is used when it exists; verifying never creates one.
    std::unique_ptr<Registry> registry;
    if (fileExists(args.registryPath))
        registry = Registry::open(args.registryPath);
    const workflows::FileVerification result = workflows::verifyFile(file, registry.get());

    std::string text = file + "\n";
    text += "  signature: " + signatureStateName(result.signature) + "\n";
    if (result.signer) {
        text += "  signer:    " + result.signer->name +
                (result.signer->holder.empty() ? "" : " (" + result.signer->holder + ")") +
                ", key " + result.signer->publicKey + "\n";
        // Why a signer is not trusted is among the failures below.
        text += "  trust:     " +
                (result.signer->trusted() ? result.trust() : std::string("untrusted")) + "\n";
    }
    text += "  content:   " + result.content + "\n";
    text += "  watermark: " +
            (result.watermarkFound
                 ? result.watermarkPayload + (result.watermarkRender.empty()
                                                  ? ""
                                                  : " (render " + result.watermarkRender + ")")
                 : std::string("none found")) +
            "\n";
    if (result.credentials)
        text += "  c2pa:      " + result.credentials->state() + " (claim signature " +
                (result.credentials->claimSignatureValid ? "valid" : "invalid") +
                ", hard binding " +
                (result.credentials->hardBindingMatches ? "match" : "mismatch") + ", signed by " +
                result.credentials->signerSubject + ")\n";
    text += "  consent:   " + result.consent + (registry ? "" : " (no registry here)") + "\n";
    if (result.lineage.is_object()) {
        text += "  lineage:  ";
        for (const auto& asset : result.lineage.value("assets", json::array()))
            text += " " + asset.value("asset", std::string()) + " (" +
                    asset.value("ownerName", std::string()) + ")";
        for (const auto& model : result.lineage.value("models", json::array()))
            text += " " + model.value("model", std::string()) + " (" +
                    model.value("kind", std::string("voice")) + " of " +
                    model.value("ownerName", std::string()) + ")";
        for (const auto& live : result.lineage.value("liveInputs", json::array()))
            text += ", " + live.value("description", std::string());
        text += "\n";
    }
    for (const auto& note : result.notes)
        text += "  note: " + note + "\n";
    for (const auto& problem : result.problems)
        text += "  FAILED: " + problem + "\n";
    if (args.json)
        out << result.toJson().dump(2) << "\n";
    else
        (result.intact() ? out : err) << text;
    return result.intact() ? ExitCode::Ok : ExitCode::Integrity;
}

} // namespace accord::cli
