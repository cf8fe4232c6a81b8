#pragma once

// Export with proof (docs/CONSENT.md "Export", docs/ARCHITECTURE.md "Export with proof"): the
// consent gate over the whole lineage, then the mix (and stems) rendered, each file carrying a
// signed manifest (embedded and as a sidecar) and the split sheet, then recorded as exports.
// Runs on a worker thread (the CLI's main thread, the studio's export worker).

#include "accord/audio/mp3_encoder.h"
#include "accord/audio/render.h"
#include "accord/core/cancelled.h"
#include "accord/core/project.h"
#include "accord/core/provenance.h"
#include "accord/core/registry.h"
#include "accord/dsp/stream_processor.h"

#include <atomic>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace accord::workflows {

struct DdexOptions;

// 24-bit WAV, 24-bit FLAC, or MP3 encoded from the 24-bit render (docs/C2PA.md "MP3").
enum class ExportFormat { Wav, Flac, Mp3 };

struct ExportRequest {
    std::string outDir; // created when missing
    bool stems = false; // also one file per track, in <outDir>/stems
    ExportFormat format = ExportFormat::Wav;
    int mp3BitrateKbps = audio::kDefaultMp3BitrateKbps; // constant bitrate, for ExportFormat::Mp3
    // The part of the timeline exported, in seconds, [rangeStart, rangeEnd); rangeEnd 0: to the
    // project's end. Only that range is rendered, judged (whose recordings sound in it), split
    // and proven.
    double rangeStartSeconds = 0;
    double rangeEndSeconds = 0;
    // The mix brought to a loudness under a true-peak ceiling before it is proven (the proof
    // covers the delivered samples); with stems, refused (render.h).
    std::optional<audio::LoudnessTarget> loudnessTarget;
    bool commercial = false;
    // The holder exporting: the policy engine judges for them and they sign the manifests.
    // Empty: nobody in particular (only grants to anyone count) and the studio key signs.
    std::string actor;
    std::string title;       // names the files: "<title>.wav", "<title>.split.json"; empty: "mix"
    std::string projectPath; // the project file, named in messages; empty: "the project"
    // The live node of a track that runs through a voice model (Track::model), as in playback;
    // exporting such a project without it is refused. Files with re-sung parts are generated
    // audio: they carry a watermark naming their render.
    std::function<std::shared_ptr<dsp::StreamProcessor>(const Track&)> processorFor;
    // Also a DDEX ERN 4.3.2 message describing the release, "<title>.ddex.xml" (docs/DDEX.md).
    std::shared_ptr<const DdexOptions> ddex;
};

// The gate's judgement, computed without writing anything (the Export dialog shows it live).
struct ExportGate {
    Decision decision; // over the mix and, with stems, every track: all missing grants listed
    std::vector<SplitPart> mixParts;
    std::optional<SplitSheet> split; // of the mix, when something sounds
    std::vector<std::string> notes;  // clips whose id was not their content (project_sources.h)
};

// Judges `project` for export, its clips resolved by content in `registry` (project_sources.h).
// Throws BadInput for offline clips, clips whose content this registry does not know or whose file
// changed, and model files the registry does not know.
ExportGate judgeExport(const Registry& registry, const Project& project,
                       const ExportRequest& request);

struct ExportedFile {
    std::string path;
    std::string sidecar; // "<path>.accord.json"
    std::string trackId; // empty for the mix
    std::string render;  // the registered render of this file
    std::string exportId;
    std::string manifestJson; // as embedded (canonical, signed)
    SplitSheet split;
    double lufs = 0; // of the file as delivered (an MP3 as it decodes)
    double truePeakDb = 0;
    double targetGainDb = 0;       // the loudness target's gain, 0 without one
    double limiterReductionDb = 0; // the limiter's deepest reduction, 0 or negative
};

// A file whose true peak reaches full scale (0.00 dBTP, as shown to 0.01 dB) clips when played
// and when encoded lossily: a sentence naming it and its peak, else nullopt. The export still
// happens (the artist may want it so); the CLI and the studio show the sentence.
std::optional<std::string> clippingWarning(const ExportedFile& file);

struct ExportResult {
    std::vector<ExportedFile> files; // the mix first, then the stems in track order
    SplitSheet split;                // of the mix
    std::string splitJsonPath;       // <outDir>/<title>.split.json
    std::string splitCsvPath;        // <outDir>/<title>.split.csv
    std::string ddexPath;            // <outDir>/<title>.ddex.xml, when asked for
};

// Exports `project`, its clips resolved by content as judgeExport does (the manifests name what
// this registry knows by that content). Denied: throws accord::ConsentDenied listing every missing
// grant (asset, owner, scope, why) and writes nothing. Allowed: renders into a hidden staging
// folder inside `outDir`, embeds and signs each manifest, writes the sidecars and split sheet,
// records renders and exports in one registry transaction, then moves the files into place; any
// failure leaves neither files nor records behind. `progress` 0..1; `cancel` throws
// Cancelled.
ExportResult exportProject(Registry& registry, const Project& project, const ExportRequest& request,
                           const std::function<void(double)>& progress = {},
                           const std::atomic<bool>* cancel = nullptr);

} // namespace accord::workflows
