#include "accord/core/project.h"
#include "accord/core/project_json.h"

#include "accord/core/errors.h"
#include "accord/core/files.h"
#include "accord/core/json_input.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <functional>
#include <limits>
#include <set>
#include <sstream>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

namespace accord {

using nlohmann::json;

namespace {

const char* const formatName = "accord-project";

std::string folderOf(const std::string& path) {
    const auto slash = path.find_last_of('/');
    return slash == std::string::npos ? "." : path.substr(0, slash);
}

std::string absoluteFrom(const std::string& folder, const std::string& file) {
    return file.empty() || file[0] == '/' ? file : folder + "/" + file;
}

std::string relativeTo(const std::string& folder, const std::string& file) {
    const std::string prefix = folder + "/";
    return file.rfind(prefix, 0) == 0 ? file.substr(prefix.size()) : file;
}

std::int64_t highestNumber(const std::vector<std::string>& ids) {
    std::int64_t highest = 0;
    for (const auto& id : ids) {
        const auto dash = id.find('-');
        if (dash != std::string::npos)
            highest =
                std::max<std::int64_t>(highest, std::strtoll(id.c_str() + dash + 1, nullptr, 10));
    }
    return highest;
}

std::string numberText(double value) {
    std::ostringstream text;
    text << value;
    return text.str();
}

// A number outside [low, high] (or not finite): "<field> <value> is outside <low>..<high><unit>".
void checkRange(const std::function<void(const std::string&)>& fail, const std::string& field,
                double value, double low, double high, const char* unit) {
    if (!(value >= low && value <= high))
        fail(field + " " + numberText(value) + " is outside " + numberText(low) + ".." +
             numberText(high) + unit);
}

// The ranges of docs/PROJECT.md "Effects".
void validateEffects(const Track& track, const std::function<void(const std::string&)>& fail) {
    if (track.eq) {
        if (track.eq->bands.size() > std::size_t(kMaxEqBands))
            fail("eq has " + std::to_string(track.eq->bands.size()) + " bands, at most " +
                 std::to_string(kMaxEqBands));
        for (std::size_t b = 0; b < track.eq->bands.size(); ++b) {
            const EqBand& band = track.eq->bands[b];
            const std::string name = "eq band " + std::to_string(b + 1) + ": ";
            checkRange(fail, name + "frequency_hz", band.frequencyHz, 20, 20000, " Hz");
            checkRange(fail, name + "gain_db", band.gainDb, -24, 24, " dB");
            checkRange(fail, name + "q", band.q, 0.1, 18, "");
        }
    }
    if (track.reverbSendDb)
        checkRange(fail, "reverb_send_db", *track.reverbSendDb, -96, 6, " dB");
}

void validateMaster(const Project& project, const std::function<void(const std::string&)>& fail) {
    checkRange(fail, "master_gain_db", project.masterGainDb, -96, 12, " dB");
    checkRange(fail, "reverb room_size", project.reverb.roomSize, 0, 1, "");
    checkRange(fail, "reverb damping", project.reverb.damping, 0, 1, "");
    checkRange(fail, "reverb width", project.reverb.width, 0, 1, "");
    checkRange(fail, "reverb return_db", project.reverb.returnDb, -96, 12, " dB");
    checkRange(fail, "limiter ceiling_dbtp", project.limiter.ceilingDbtp, -20, 0, " dBTP");
}

TrackEq eqFromJson(const json& object, const std::string& where) {
    const JsonFields fields(object, where);
    TrackEq eq;
    eq.on = fields.flag("on", true);
    for (const json& b : fields.objects("bands", true)) {
        const JsonFields bandFields(b, where + " band " + std::to_string(eq.bands.size() + 1));
        EqBand band;
        const std::string type = bandFields.text("type", "peak");
        const std::optional<EqBandType> named = eqBandTypeNamed(type);
        if (!named)
            throw BadInput(bandFields.where() + ": type '" + type +
                           "' is not low_shelf, peak or high_shelf");
        band.type = *named;
        band.frequencyHz = bandFields.number("frequency_hz", band.frequencyHz);
        band.gainDb = bandFields.number("gain_db", band.gainDb);
        band.q = bandFields.number("q", band.q);
        eq.bands.push_back(band);
    }
    return eq;
}

// The highest device input channel a record arm may name (0-based): far above any interface.
constexpr int kMaxInputChannel = 1023;

// Every rule a project must keep; `where` names the file (and the track or clip) in messages.
void validate(const Project& project, const std::string& where) {
    auto fail = [&](const std::string& what) { throw BadInput(where + ": " + what); };
    if (project.sampleRate < 8000 || project.sampleRate > 384000)
        fail("sample rate " + std::to_string(project.sampleRate) + " Hz is outside 8000..384000");
    if (!(project.tempo >= 20 && project.tempo <= 999))
        fail("tempo " + std::to_string(project.tempo) + " BPM is outside 20..999");
    if (!validTimeSignature(project.timeSignature))
        fail("time signature " + timeSignatureText(project.timeSignature) +
             " is not one of 1..32 beats of a 1, 2, 4, 8, 16 or 32 note");
    const std::int64_t limit = kMaxProjectSeconds * project.sampleRate;
    const std::string limitText = "must stay within " + std::to_string(kMaxProjectSeconds / 3600) +
                                  " hours (docs/PROJECT.md \"Limits\")";
    validateMaster(project, fail);
    std::set<std::string> ids;
    for (const auto& track : project.tracks) {
        const std::string t = "track " + track.id;
        if (track.id.empty() || !ids.insert(track.id).second)
            fail(t + ": missing or repeated id");
        if (!std::isfinite(track.gainDb) || track.gainDb > 24)
            fail(t + ": gain must be at most +24 dB");
        if (!(track.pan >= -1 && track.pan <= 1))
            fail(t + ": pan must be between -1 and 1");
        validateEffects(track, [&](const std::string& what) { fail(t + ": " + what); });
        const auto validateClip = [&](const Clip& clip, const std::string& c) {
            if (clip.id.empty() || !ids.insert(clip.id).second)
                fail(c + ": missing or repeated id");
            if (clip.file.empty())
                fail(c + ": no media file");
            if (clip.position < 0 || clip.offset < 0)
                fail(c + ": position and offset must not be negative");
            if (clip.length <= 0)
                fail(c + ": length must be positive");
            if (clip.position > limit || clip.offset > limit || clip.length > limit ||
                clip.position + clip.length > limit)
                fail(c + ": position, offset and length " + limitText);
            if (clip.fadeIn < 0 || clip.fadeOut < 0 || clip.fadeIn + clip.fadeOut > clip.length)
                fail(c + ": fades must fit inside the clip");
            if (!std::isfinite(clip.gainDb) || clip.gainDb > 24)
                fail(c + ": gain must be at most +24 dB");
        };
        for (const auto& clip : track.clips)
            validateClip(clip, t + " clip " + clip.id);
        for (const auto& take : track.takes)
            validateClip(take, t + " take " + take.id);
        if (track.recordArm) {
            const TrackArm& arm = *track.recordArm;
            if (arm.performer.empty())
                fail(t + ": record_arm has no performer");
            if (arm.channels != 1 && arm.channels != 2)
                fail(t + ": record_arm channels " + std::to_string(arm.channels) +
                     " is not 1 or 2");
            if (arm.firstInput < 0 || arm.firstInput > kMaxInputChannel)
                fail(t + ": record_arm input " + std::to_string(arm.firstInput) +
                     " is outside 0.." + std::to_string(kMaxInputChannel));
        }
    }
}

json textOrNull(const std::string& text) {
    return text.empty() ? json(nullptr) : json(text);
}

// `document` with the members a newer Accord wrote (kept as text on load) added back.
json withUnknown(json document, const std::string& unknownFields) {
    if (unknownFields.empty())
        return document;
    const json kept = json::parse(unknownFields);
    for (const auto& [key, value] : kept.items())
        document.emplace(key, value);
    return document;
}

std::string unknownText(const JsonFields& fields, std::initializer_list<const char*> known) {
    const json kept = fields.unknown(known);
    return kept.empty() ? std::string() : kept.dump();
}

// A whole number read from a file as an int: beyond int's range it is clamped, where it is out of
// every field's range anyway and refused by validate().
int wholeInt(std::int64_t value) {
    return int(std::clamp<std::int64_t>(value, std::numeric_limits<int>::min(),
                                        std::numeric_limits<int>::max()));
}

json clipJson(const Clip& c, const std::string& folder) {
    return withUnknown({{"id", c.id},
                        {"asset", textOrNull(c.asset)},
                        {"render", textOrNull(c.render)},
                        {"pcm_sha256", textOrNull(c.pcmSha256)},
                        {"file", relativeTo(folder, c.file)},
                        {"position", c.position},
                        {"offset", c.offset},
                        {"length", c.length},
                        {"gain_db", c.gainDb},
                        {"fade_in", c.fadeIn},
                        {"fade_out", c.fadeOut}},
                       c.unknownFields);
}

// A clip or a take (`kind`) of the track `where` names; a missing media file keeps it offline and
// is noted in `offline` when given (a missing take that does not sound blocks no render).
Clip clipFromJson(const json& c, const std::string& where, const std::string& kind,
                  const std::string& folder, const std::string& trackName,
                  std::vector<std::string>* offline) {
    Clip clip;
    clip.id = JsonFields(c, where + ": a " + kind).text("id");
    const JsonFields cf(c, where + " " + kind + " " + clip.id);
    clip.asset = cf.text("asset", "");
    clip.render = cf.text("render", "");
    clip.pcmSha256 = cf.text("pcm_sha256", "");
    clip.file = absoluteFrom(folder, cf.text("file"));
    clip.position = cf.integer("position");
    clip.offset = cf.integer("offset", 0);
    clip.length = cf.integer("length");
    clip.gainDb = cf.number("gain_db", 0.0);
    clip.fadeIn = cf.integer("fade_in", 0);
    clip.fadeOut = cf.integer("fade_out", 0);
    clip.unknownFields = unknownText(cf, {"id", "asset", "render", "pcm_sha256", "file", "position",
                                          "offset", "length", "gain_db", "fade_in", "fade_out"});
    clip.offline = !fileExists(clip.file);
    if (clip.offline && offline != nullptr)
        offline->push_back(kind + " " + clip.id + " on track '" + trackName + "': " + clip.file +
                           " not found");
    return clip;
}

} // namespace

json trackEqJson(const TrackEq& eq) {
    json bands = json::array();
    for (const EqBand& band : eq.bands)
        bands.push_back({{"type", eqBandTypeName(band.type)},
                         {"frequency_hz", band.frequencyHz},
                         {"gain_db", band.gainDb},
                         {"q", band.q}});
    return {{"on", eq.on}, {"bands", bands}};
}

std::int64_t Metre::beatStart(std::int64_t beat) const {
    return std::llround(double(beat) * samplesPerBeat);
}

std::int64_t Metre::beatAt(std::int64_t sample) const {
    // The estimate can be one off either way where rounding put a beat's first sample; beatStart
    // decides.
    auto beat = static_cast<std::int64_t>(std::floor(double(sample) / samplesPerBeat));
    if (beatStart(beat) > sample)
        --beat;
    else if (beatStart(beat + 1) <= sample)
        ++beat;
    return beat;
}

Metre projectMetre(int sampleRate, double tempo, const TimeSignature& signature) {
    Metre metre;
    const double quarter = 60.0 * std::max(1, sampleRate) / (tempo > 0 ? tempo : 120.0);
    metre.samplesPerBeat = quarter * 4.0 / std::max(1, signature.unit);
    metre.beatsPerBar = std::max(1, signature.beats);
    return metre;
}

Metre projectMetre(const Project& project) {
    return projectMetre(project.sampleRate, project.tempo, project.timeSignature);
}

std::string timeSignatureText(const TimeSignature& signature) {
    return std::to_string(signature.beats) + "/" + std::to_string(signature.unit);
}

std::optional<TimeSignature> parseTimeSignature(const std::string& text) {
    const auto slash = text.find('/');
    const auto whole = [](const std::string& digits, int& value) {
        if (digits.empty() || digits.size() > 2 ||
            !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; }))
            return false;
        value = std::stoi(digits);
        return true;
    };
    TimeSignature signature;
    if (slash == std::string::npos || !whole(text.substr(0, slash), signature.beats) ||
        !whole(text.substr(slash + 1), signature.unit) || !validTimeSignature(signature))
        return std::nullopt;
    return signature;
}

bool validTimeSignature(const TimeSignature& signature) {
    const int unit = signature.unit;
    return signature.beats >= 1 && signature.beats <= 32 && unit >= 1 && unit <= 32 &&
           (unit & (unit - 1)) == 0;
}

Track& Project::track(const std::string& id) {
    return const_cast<Track&>(static_cast<const Project&>(*this).track(id));
}

const Track& Project::track(const std::string& id) const {
    for (const auto& t : tracks)
        if (t.id == id)
            return t;
    throw BadInput("no track '" + id + "' in the project");
}

Track& Project::trackByIdOrName(const std::string& idOrName) {
    std::vector<Track*> named;
    for (auto& t : tracks) {
        if (t.id == idOrName)
            return t;
        if (t.name == idOrName)
            named.push_back(&t);
    }
    if (named.size() == 1)
        return *named.front();
    if (named.empty())
        throw BadInput("no track '" + idOrName + "' in the project (by id or name)");
    std::string ids;
    for (const Track* t : named)
        ids += (ids.empty() ? "" : ", ") + t->id;
    throw BadInput(std::to_string(named.size()) + " tracks are named '" + idOrName +
                   "': give its id (" + ids + ")");
}

std::string Project::nextTrackId() const {
    std::vector<std::string> ids;
    for (const auto& t : tracks)
        ids.push_back(t.id);
    return "t-" + std::to_string(highestNumber(ids) + 1);
}

std::string Project::nextClipId() const {
    std::vector<std::string> ids;
    for (const auto& t : tracks) {
        for (const auto& c : t.clips)
            ids.push_back(c.id);
        for (const auto& c : t.takes)
            ids.push_back(c.id);
    }
    return "c-" + std::to_string(highestNumber(ids) + 1);
}

std::int64_t Project::secondsToSamples(double seconds) const {
    return static_cast<std::int64_t>(std::llround(seconds * sampleRate));
}

double Project::samplesToSeconds(std::int64_t samples) const {
    return static_cast<double>(samples) / sampleRate;
}

std::int64_t Project::length() const {
    std::int64_t end = 0;
    for (const auto& t : tracks)
        for (const auto& c : t.clips)
            end = std::max(end, c.position + c.length);
    return end;
}

std::string projectToJson(const Project& project, const std::string& projectPath) {
    const std::string folder = folderOf(projectPath);
    json tracks = json::array();
    for (const auto& t : project.tracks) {
        json clips = json::array();
        for (const auto& c : t.clips)
            clips.push_back(clipJson(c, folder));
        json track = {
            {"id", t.id},     {"name", t.name}, {"gain_db", t.gainDb},          {"pan", t.pan},
            {"mute", t.mute}, {"solo", t.solo}, {"model", textOrNull(t.model)}, {"clips", clips}};
        if (t.modelTranspose != 0)
            track["model_transpose"] = t.modelTranspose;
        if (t.eq)
            track["eq"] = trackEqJson(*t.eq);
        if (t.reverbSendDb)
            track["reverb_send_db"] = *t.reverbSendDb;
        if (!t.takes.empty()) {
            json takes = json::array();
            for (const auto& take : t.takes)
                takes.push_back(clipJson(take, folder));
            track["takes"] = std::move(takes);
        }
        if (t.recordArm)
            track["record_arm"] = {{"performer", t.recordArm->performer},
                                   {"input", t.recordArm->firstInput},
                                   {"channels", t.recordArm->channels},
                                   {"monitor", t.recordArm->monitor}};
        tracks.push_back(withUnknown(std::move(track), t.unknownFields));
    }
    json document = {
        {"format", formatName},
        {"version", Project::formatVersion},
        {"time_unit", "samples"},
        {"sample_rate", project.sampleRate},
        {"tempo", project.tempo},
        {"time_signature",
         {{"beats", project.timeSignature.beats}, {"unit", project.timeSignature.unit}}},
        {"registry", textOrNull(project.registry)},
        {"tracks", tracks}};
    if (project.masterGainDb != 0)
        document["master_gain_db"] = project.masterGainDb;
    if (!(project.reverb == ReverbSettings()))
        document["reverb"] = {{"room_size", project.reverb.roomSize},
                              {"damping", project.reverb.damping},
                              {"width", project.reverb.width},
                              {"return_db", project.reverb.returnDb}};
    if (!(project.limiter == MasterLimiter()))
        document["limiter"] = {{"on", project.limiter.on},
                               {"ceiling_dbtp", project.limiter.ceilingDbtp}};
    return withUnknown(std::move(document), project.unknownFields).dump(2) + "\n";
}

Project projectFromJson(const std::string& text, const std::string& projectPath) {
    const json document = parseJsonInput(text, projectPath);
    if (!document.is_object() || !document.contains("format") || document["format"] != formatName)
        throw BadInput(projectPath + ": not an Accord project (no \"format\": \"" + formatName +
                       "\")");
    const JsonFields top(document, projectPath);
    if (!document.contains("version"))
        throw BadInput(projectPath + ": project has no format version");
    const std::int64_t version = top.integer("version");
    if (version > Project::formatVersion)
        throw BadInput(projectPath + ": written by a newer Accord (project format " +
                       std::to_string(version) + ", this build reads up to " +
                       std::to_string(Project::formatVersion) + ")");
    if (version < 1)
        throw BadInput(projectPath + ": project format " + std::to_string(version) +
                       " is not one Accord ever wrote");

    const std::string folder = folderOf(projectPath);
    Project project;
    const std::int64_t rate = top.integer("sample_rate", 48000);
    if (rate < 8000 || rate > 384000)
        throw BadInput(projectPath + ": sample rate " + std::to_string(rate) +
                       " Hz is outside 8000..384000");
    project.sampleRate = static_cast<int>(rate);
    project.tempo = top.number("tempo", 120.0);
    // Formats 1 and 2 had no metre: their grid was 4/4, which is what they migrate to.
    const JsonFields signature(top.object("time_signature", version < 3),
                               projectPath + ": time_signature");
    project.timeSignature.beats =
        int(std::clamp<std::int64_t>(signature.integer("beats", 4), 0, 999));
    project.timeSignature.unit =
        int(std::clamp<std::int64_t>(signature.integer("unit", 4), 0, 999));
    project.registry = top.text("registry", "");
    project.masterGainDb = top.number("master_gain_db", 0.0);
    const JsonFields reverb(top.object("reverb", true), projectPath + ": reverb");
    project.reverb.roomSize = reverb.number("room_size", project.reverb.roomSize);
    project.reverb.damping = reverb.number("damping", project.reverb.damping);
    project.reverb.width = reverb.number("width", project.reverb.width);
    project.reverb.returnDb = reverb.number("return_db", project.reverb.returnDb);
    const JsonFields limiter(top.object("limiter", true), projectPath + ": limiter");
    project.limiter.on = limiter.flag("on", project.limiter.on);
    project.limiter.ceilingDbtp = limiter.number("ceiling_dbtp", project.limiter.ceilingDbtp);
    project.unknownFields = unknownText(top, {"format", "version", "time_unit", "sample_rate",
                                              "tempo", "time_signature", "registry", "tracks",
                                              "master_gain_db", "reverb", "limiter"});
    for (const json& t : top.objects("tracks", false)) {
        Track track;
        const JsonFields tf(t, projectPath + ": a track");
        track.id = tf.text("id");
        const JsonFields trackFields(t, projectPath + ": track " + track.id);
        track.name = trackFields.text("name", "");
        track.gainDb = trackFields.number("gain_db", 0.0);
        track.pan = trackFields.number("pan", 0.0);
        track.mute = trackFields.flag("mute", false);
        track.solo = trackFields.flag("solo", false);
        track.model = trackFields.text("model", "");
        track.modelTranspose = trackFields.number("model_transpose", 0.0);
        if (!(std::abs(track.modelTranspose) <= 48))
            throw BadInput(trackFields.where() + ": model_transpose " +
                           std::to_string(track.modelTranspose) + " is outside -48..48 semitones");
        if (t.contains("eq") && !t["eq"].is_null())
            track.eq = eqFromJson(trackFields.object("eq", true), trackFields.where() + " eq");
        if (t.contains("reverb_send_db") && !t["reverb_send_db"].is_null())
            track.reverbSendDb = trackFields.number("reverb_send_db", 0.0);
        track.unknownFields =
            unknownText(trackFields,
                        {"id", "name", "gain_db", "pan", "mute", "solo", "model", "model_transpose",
                         "eq", "reverb_send_db", "clips", "takes", "record_arm"});
        for (const json& c : trackFields.objects("clips", true))
            track.clips.push_back(clipFromJson(c, trackFields.where(), "clip", folder, track.name,
                                               &project.offlineMedia));
        for (const json& c : trackFields.objects("takes", true))
            track.takes.push_back(
                clipFromJson(c, trackFields.where(), "take", folder, track.name, nullptr));
        if (t.contains("record_arm") && !t["record_arm"].is_null()) {
            const JsonFields arm(trackFields.object("record_arm", true),
                                 trackFields.where() + " record_arm");
            TrackArm setting;
            setting.performer = arm.text("performer");
            setting.firstInput = wholeInt(arm.integer("input", 0));
            setting.channels = wholeInt(arm.integer("channels", 1));
            setting.monitor = arm.flag("monitor", false);
            track.recordArm = setting;
        }
        project.tracks.push_back(std::move(track));
    }
    validate(project, projectPath);
    return project;
}

Project loadProject(const std::string& path) {
    if (!fileExists(path))
        throw BadInput(path + ": no such project file");
    return projectFromJson(readWholeFile(path), path);
}

void editProject(const std::string& path, const std::function<void(Project&)>& edit) {
    for (;;) {
        const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
        if (fd < 0)
            throw BadInput(path + ": no such project file");
        struct Closer {
            int fd;
            ~Closer() { ::close(fd); } // also releases the lock
        } closer{fd};
        while (::flock(fd, LOCK_EX) != 0)
            if (errno != EINTR)
                throw BadInput(path +
                               ": cannot lock the project for editing: " + std::strerror(errno));
        // A save replaces the file (rename): the lock taken may be on the version another
        // process has just replaced; then take the new one's.
        struct stat locked {
        }, current{};
        if (::fstat(fd, &locked) != 0 || ::stat(path.c_str(), &current) != 0 ||
            locked.st_ino != current.st_ino || locked.st_dev != current.st_dev)
            continue;
        Project project = loadProject(path);
        edit(project);
        saveProject(path, project);
        return;
    }
}

void saveProject(const std::string& path, const Project& project) {
    validate(project, path);
    writeFileAtomically(path, projectToJson(project, path));
}

const char* eqBandTypeName(EqBandType type) {
    switch (type) {
    case EqBandType::LowShelf:
        return "low_shelf";
    case EqBandType::HighShelf:
        return "high_shelf";
    case EqBandType::Peak:
        break;
    }
    return "peak";
}

std::optional<EqBandType> eqBandTypeNamed(const std::string& name) {
    for (EqBandType type : {EqBandType::LowShelf, EqBandType::Peak, EqBandType::HighShelf})
        if (name == eqBandTypeName(type))
            return type;
    return std::nullopt;
}

TrackEq TrackEq::standard() {
    TrackEq eq;
    eq.bands = {{EqBandType::LowShelf, 100, 0, 0.71},
                {EqBandType::Peak, 400, 0, 1.0},
                {EqBandType::Peak, 2500, 0, 1.0},
                {EqBandType::HighShelf, 8000, 0, 0.71}};
    return eq;
}

bool clipComesFromTake(const Clip& clip, const Clip& take) {
    return clip.file == take.file && clip.position - clip.offset == take.position - take.offset &&
           clip.position >= take.position &&
           clip.position + clip.length <= take.position + take.length;
}

bool compTake(Track& track, const Clip& take, std::int64_t from, std::int64_t to,
              std::int64_t crossfade, const std::function<std::string()>& newClipId) {
    from = std::max(from, take.position);
    to = std::min(to, take.position + take.length);
    if (from >= to)
        return false;
    // The crossfades lie inside the range, so nothing outside it changes.
    crossfade = std::clamp<std::int64_t>(crossfade, 0, (to - from) / 2);
    std::vector<Clip> kept;
    for (const Clip& clip : track.clips) {
        const std::int64_t end = clip.position + clip.length;
        if (end <= from || clip.position >= to) {
            kept.push_back(clip);
            continue;
        }
        // The parts before and after the range stay, running on under the take for the
        // crossfade (as far as their media goes) and fading out, or in, across it.
        if (clip.position < from) {
            Clip before = clip;
            const std::int64_t overlap = std::min(crossfade, end - from);
            before.length = from - clip.position + overlap;
            before.fadeIn = std::min(before.fadeIn, before.length - overlap);
            before.fadeOut = overlap;
            kept.push_back(before);
        }
        if (end > to) {
            Clip after = clip;
            if (clip.position < from)
                after.id.clear(); // the part before keeps the id
            const std::int64_t overlap = std::min(crossfade, to - clip.position);
            after.offset += to - overlap - clip.position;
            after.position = to - overlap;
            after.length = end - after.position;
            after.fadeIn = overlap;
            after.fadeOut = std::min(after.fadeOut, after.length - overlap);
            kept.push_back(after);
        }
    }
    Clip part = take;
    part.id.clear();
    part.offset += from - take.position;
    part.position = from;
    part.length = to - from;
    // Cut inside the take: a crossfade (or a fade from silence); at the take's own edge, its own
    // fade.
    part.fadeIn = from > take.position ? crossfade : std::min(take.fadeIn, part.length);
    part.fadeOut = to < take.position + take.length
                       ? crossfade
                       : std::min(take.fadeOut, part.length - part.fadeIn);
    kept.push_back(part);
    track.clips = std::move(kept);
    // Ids last: newClipId sees the track as it now is.
    for (Clip& clip : track.clips)
        if (clip.id.empty())
            clip.id = newClipId();
    return true;
}

bool trackAudible(const Project& project, const Track& track) {
    const bool anySolo = std::any_of(project.tracks.begin(), project.tracks.end(),
                                     [](const Track& t) { return t.solo; });
    return trackSounds(track.mute, track.solo, anySolo);
}

} // namespace accord
