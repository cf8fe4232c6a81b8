#include "project_commands.h"

#include "accord/audio/audio_file.h"
#include "accord/core/files.h"
#include "accord/core/project.h"
#include "accord/core/project_json.h"
#include "accord/core/registry.h"
#include "accord/workflows/import.h"
#include "output.h"

#include <iomanip>
#include <sstream>

namespace accord::cli {

using nlohmann::json;

namespace {

std::string flaggedText(const std::vector<std::string>& flagged) {
    std::string text;
    for (const std::string& sentence : flagged)
        text += "\nWarning: it " + sentence;
    return text;
}

json clipJson(const Project& project, const Clip& clip) {
    return {{"clip", clip.id},
            {"asset", clip.asset.empty() ? json(nullptr) : json(clip.asset)},
            {"render", clip.render.empty() ? json(nullptr) : json(clip.render)},
            {"file", clip.file},
            {"at", project.samplesToSeconds(clip.position)},
            {"offset", project.samplesToSeconds(clip.offset)},
            {"length", project.samplesToSeconds(clip.length)},
            {"gain_db", clip.gainDb},
            {"fade_in", project.samplesToSeconds(clip.fadeIn)},
            {"fade_out", project.samplesToSeconds(clip.fadeOut)},
            {"offline", clip.offline}};
}

// The master bus as `project set` and `project show` print it.
json masterBusJson(const Project& project) {
    return {
        {"master_gain_db", project.masterGainDb},
        {"limiter", {{"on", project.limiter.on}, {"ceiling_dbtp", project.limiter.ceilingDbtp}}},
        {"reverb",
         {{"room_size", project.reverb.roomSize},
          {"damping", project.reverb.damping},
          {"width", project.reverb.width},
          {"return_db", project.reverb.returnDb}}}};
}

// One --eq band, "TYPE:FREQUENCY_HZ:GAIN_DB[:Q]" (docs/CLI.md "project add-track").
EqBand eqBandFrom(const std::string& spec) {
    const auto fail = [&] {
        throw BadInput("--eq: '" + spec +
                       "' is not TYPE:FREQUENCY_HZ:GAIN_DB[:Q] with TYPE low_shelf, peak or "
                       "high_shelf (e.g. peak:1000:-3:2)");
    };
    std::vector<std::string> parts;
    std::istringstream fields(spec);
    for (std::string part; std::getline(fields, part, ':');)
        parts.push_back(part);
    if (parts.size() < 3 || parts.size() > 4)
        fail();
    EqBand band;
    const std::optional<EqBandType> type = eqBandTypeNamed(parts[0]);
    if (!type)
        fail();
    band.type = *type;
    double* targets[] = {&band.frequencyHz, &band.gainDb, &band.q};
    for (std::size_t i = 1; i < parts.size(); ++i) {
        std::size_t used = 0;
        try {
            *targets[i - 1] = std::stod(parts[i], &used);
        } catch (const std::exception&) {
            fail();
        }
        if (used != parts[i].size())
            fail();
    }
    return band;
}

ExitCode projectNew(const Arguments& args, std::ostream& out) {
    const std::string path = absolutePath(args.positionals.front());
    if (fileExists(path))
        throw BadInput(path + ": already exists; a new project never overwrites a file");
    Project project;
    const double rate = args.number("--rate", 48000);
    if (rate != static_cast<double>(static_cast<int>(rate)))
        throw BadInput("--rate: " + *args.value("--rate") + " is not a whole number of Hz");
    project.sampleRate = static_cast<int>(rate);
    project.tempo = args.number("--tempo", 120);
    if (const auto metre = args.value("--time-signature")) {
        const auto signature = parseTimeSignature(*metre);
        if (!signature)
            throw BadInput("--time-signature: " + *metre +
                           " is not a time signature like 4/4, 3/4 or 7/8 (1..32 beats of a 1, "
                           "2, 4, 8, 16 or 32 note)");
        project.timeSignature = *signature;
    }
    saveProject(path, project);
    emit(args, out,
         {{"project", path},
          {"sample_rate", project.sampleRate},
          {"tempo", project.tempo},
          {"time_signature", timeSignatureText(project.timeSignature)}},
         "Created " + path + " (" + std::to_string(project.sampleRate) + " Hz)");
    return ExitCode::Ok;
}

ExitCode projectAddTrack(const Arguments& args, std::ostream& out) {
    const std::string path = absolutePath(args.positionals.front());
    Track track;
    track.name = args.required("--name");
    track.gainDb = args.number("--gain", 0);
    track.pan = args.number("--pan", 0);
    track.mute = args.has("--mute");
    track.solo = args.has("--solo");
    if (const auto model = args.value("--model")) {
        // The track runs through this voice model live; render and export load and check it.
        track.model = absolutePath(*model);
        if (!fileExists(track.model))
            throw BadInput("--model: " + track.model + ": no such file");
        track.modelTranspose = args.number("--transpose", 0);
        if (!(std::abs(track.modelTranspose) <= 48))
            throw BadInput("--transpose: " + std::to_string(track.modelTranspose) +
                           " semitones is outside -48..48");
    } else if (args.has("--transpose")) {
        throw UsageError("--transpose needs --model: it transposes what the model sings");
    }
    if (args.has("--eq")) {
        track.eq = TrackEq();
        for (const std::string& band : args.all("--eq"))
            track.eq->bands.push_back(eqBandFrom(band));
    }
    if (args.has("--send"))
        track.reverbSendDb = args.number("--send", 0);
    editProject(path, [&](Project& project) {
        track.id = project.nextTrackId();
        project.tracks.push_back(track);
    });
    emit(args, out, {{"track", track.id}}, "Added track " + track.id + " '" + track.name + "'");
    return ExitCode::Ok;
}

// The master bus's settings (docs/CLI.md "project set"); only the flags given change. The
// project's validation names a value out of range.
ExitCode projectSet(const Arguments& args, std::ostream& out) {
    const std::string path = absolutePath(args.positionals.front());
    Project edited;
    editProject(path, [&](Project& project) {
        project.masterGainDb = args.number("--master-gain", project.masterGainDb);
        if (const auto limiter = args.value("--limiter")) {
            if (*limiter != "on" && *limiter != "off")
                throw BadInput("--limiter: '" + *limiter + "' is neither on nor off");
            project.limiter.on = *limiter == "on";
        }
        project.limiter.ceilingDbtp = args.number("--ceiling", project.limiter.ceilingDbtp);
        ReverbSettings& reverb = project.reverb;
        reverb.roomSize = args.number("--reverb-room", reverb.roomSize);
        reverb.damping = args.number("--reverb-damping", reverb.damping);
        reverb.width = args.number("--reverb-width", reverb.width);
        reverb.returnDb = args.number("--reverb-return", reverb.returnDb);
        edited = project;
    });
    emit(args, out, masterBusJson(edited), "Set the master bus of " + path);
    return ExitCode::Ok;
}

ExitCode projectAddClip(const Arguments& args, std::ostream& out) {
    const std::string path = absolutePath(args.positionals.at(0));
    const std::string file = absolutePath(args.positionals.at(1));
    Clip clip;
    std::string trackId, note;
    std::vector<std::string> flagged; // other holders' recordings found inside a new asset
    editProject(path, [&](Project& project) {
        Track& track = project.trackByIdOrName(args.required("--track"));
        trackId = track.id;
        const AudioIdentity identity = audio::identifyAudioFile(file);
        clip.id = project.nextClipId();
        clip.file = file;
        clip.position = project.secondsToSamples(args.number("--at", 0));
        clip.offset = project.secondsToSamples(args.number("--offset", 0));
        clip.gainDb = args.number("--gain", 0);
        const std::int64_t mediaLength = project.secondsToSamples(identity.durationSeconds);
        if (clip.offset >= mediaLength)
            throw BadInput("--offset: the media is only " +
                           std::to_string(identity.durationSeconds) + " s long");
        clip.length = args.has("--length") ? project.secondsToSamples(args.number("--length", 0))
                                           : mediaLength - clip.offset;
        if (clip.offset + clip.length > mediaLength)
            throw BadInput("--length: the clip would run past the end of " + file);

        // Validated before anything is registered: bad input changes nothing.
        auto registry = Registry::open(args.registryPath);
        const workflows::ClipSource source =
            workflows::resolveClipSource(*registry, file, identity, args.value("--owner"));
        clip.asset = source.asset;
        clip.render = source.render;
        clip.pcmSha256 = identity.pcmSha256;
        note = source.note;
        for (const auto& inside : source.flagged)
            flagged.push_back(inside.describe(*registry));
        // The ids are this registry's (docs/PROJECT.md "Content, not ids").
        if (project.registry.empty())
            project.registry = registry->studioPublicKey();
        track.clips.push_back(clip);
    });
    const std::string what = clip.render.empty() ? "asset " + clip.asset : "render " + clip.render;
    emit(args, out,
         {{"clip", clip.id},
          {"asset", clip.asset.empty() ? json(nullptr) : json(clip.asset)},
          {"render", clip.render.empty() ? json(nullptr) : json(clip.render)},
          {"note", note.empty() ? json(nullptr) : json(note)},
          {"flagged", flagged}},
         "Added clip " + clip.id + " (" + what + ") to track " + trackId +
             (note.empty() ? "" : "\n" + note) + flaggedText(flagged));
    return ExitCode::Ok;
}

ExitCode projectShow(const Arguments& args, std::ostream& out) {
    const std::string path = absolutePath(args.positionals.front());
    const Project project = loadProject(path);
    json tracks = json::array();
    std::ostringstream text;
    text << path << ": " << project.sampleRate << " Hz, " << project.tempo << " BPM, "
         << timeSignatureText(project.timeSignature) << ", " << std::fixed << std::setprecision(3)
         << project.samplesToSeconds(project.length()) << " s\n"
         << "  master " << project.masterGainDb << " dB, limiter "
         << (project.limiter.on ? "on at " + std::to_string(project.limiter.ceilingDbtp) + " dBTP"
                                : std::string("off"))
         << "\n";
    for (const auto& track : project.tracks) {
        json clips = json::array();
        text << "  " << track.id << " '" << track.name << "'  gain " << track.gainDb << " dB, pan "
             << track.pan << (track.mute ? ", muted" : "") << (track.solo ? ", solo" : "")
             << (track.eq ? (track.eq->on ? ", EQ" : ", EQ off") : "");
        if (track.reverbSendDb)
            text << ", reverb send " << *track.reverbSendDb << " dB";
        text << "\n";
        for (const auto& clip : track.clips) {
            clips.push_back(clipJson(project, clip));
            text << "    " << clip.id << "  at " << project.samplesToSeconds(clip.position)
                 << " s, " << project.samplesToSeconds(clip.length) << " s of "
                 << (clip.asset.empty() ? clip.render : clip.asset) << "  " << clip.file
                 << (clip.offline ? "  [OFFLINE: file missing]" : "") << "\n";
        }
        tracks.push_back(
            {{"track", track.id},
             {"name", track.name},
             {"gain_db", track.gainDb},
             {"pan", track.pan},
             {"mute", track.mute},
             {"solo", track.solo},
             {"model", track.model.empty() ? json(nullptr) : json(track.model)},
             {"eq", track.eq ? trackEqJson(*track.eq) : json(nullptr)},
             {"reverb_send_db", track.reverbSendDb ? json(*track.reverbSendDb) : json(nullptr)},
             {"clips", clips}});
    }
    json shown = {{"project", path},
                  {"version", Project::formatVersion},
                  {"sample_rate", project.sampleRate},
                  {"tempo", project.tempo},
                  {"time_signature", timeSignatureText(project.timeSignature)},
                  {"length", project.samplesToSeconds(project.length())},
                  {"tracks", tracks},
                  {"offline", project.offlineMedia}};
    shown.update(masterBusJson(project));
    emit(args, out, shown, text.str());
    return ExitCode::Ok;
}

} // namespace

ExitCode runProjectCommand(const std::string& verb, const Arguments& args, std::ostream& out) {
    if (verb == "new")
        return projectNew(args, out);
    if (verb == "add-track")
        return projectAddTrack(args, out);
    if (verb == "add-clip")
        return projectAddClip(args, out);
    if (verb == "set")
        return projectSet(args, out);
    if (verb == "show")
        return projectShow(args, out);
    throw UsageError("unknown command 'project " + verb + "'");
}

} // namespace accord::cli
