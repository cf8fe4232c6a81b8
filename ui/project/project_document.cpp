#include "accord/ui/project/project_document.h"

#include "edit_commands.h"

#include <QFileInfo>
#include <QUndoStack>
#include <QtDebug>

#include <algorithm>
#include <cmath>
#include <tuple>

namespace accord::ui {

using commands::ClipChange;
using commands::ClipPlace;

namespace {

// Where a clip sits: its track and index, for an exact undo.
std::optional<ClipPlace> placeOf(const accord::Project& project, const std::string& clipId) {
    for (const auto& track : project.tracks)
        for (std::size_t i = 0; i < track.clips.size(); ++i)
            if (track.clips[i].id == clipId)
                return ClipPlace{track.id, static_cast<int>(i), track.clips[i]};
    return std::nullopt;
}

// Fades never reach past the clip (the project format refuses that).
void fitFades(accord::Clip& clip) {
    clip.fadeIn = std::clamp<std::int64_t>(clip.fadeIn, 0, clip.length);
    clip.fadeOut = std::clamp<std::int64_t>(clip.fadeOut, 0, clip.length - clip.fadeIn);
}

QString clipName(const accord::Clip& clip) {
    return QFileInfo(QString::fromStdString(clip.file)).completeBaseName();
}

bool sameClip(const accord::Clip& a, const accord::Clip& b) {
    auto fields = [](const accord::Clip& c) {
        return std::tie(c.id, c.asset, c.render, c.pcmSha256, c.file, c.position, c.offset,
                        c.length, c.gainDb, c.fadeIn, c.fadeOut, c.offline, c.unknownFields);
    };
    return fields(a) == fields(b);
}

std::map<std::string, ClipPlace> placesOf(const accord::Project& project) {
    std::map<std::string, ClipPlace> places;
    for (const auto& track : project.tracks)
        for (std::size_t i = 0; i < track.clips.size(); ++i)
            places.emplace(track.clips[i].id,
                           ClipPlace{track.id, static_cast<int>(i), track.clips[i]});
    return places;
}

// Where clip `id` is in `project`: its track and its position in the track's list.
std::pair<accord::Track*, std::vector<accord::Clip>::iterator> locate(accord::Project& project,
                                                                      const std::string& id) {
    for (auto& track : project.tracks)
        for (auto clip = track.clips.begin(); clip != track.clips.end(); ++clip)
            if (clip->id == id)
                return {&track, clip};
    return {nullptr, {}};
}

} // namespace

ProjectDocument::ProjectDocument(QObject* parent) : QObject(parent), undo_(new QUndoStack(this)) {
    undo_->setUndoLimit(500);
    connect(undo_, &QUndoStack::cleanChanged, this,
            [this](bool clean) { Q_EMIT modifiedChanged(!clean); });
    connect(undo_, &QUndoStack::indexChanged, this, [this] { Q_EMIT edited(); });
}

ProjectDocument::~ProjectDocument() = default;

QString ProjectDocument::displayName() const {
    return path_.isEmpty() ? tr("Untitled") : QFileInfo(path_).completeBaseName();
}

bool ProjectDocument::isModified() const {
    return !undo_->isClean();
}

void ProjectDocument::reset(accord::Project project, const QString& path, bool modified) {
    const bool wasModified = isModified();
    undo_->clear();
    project_ = std::move(project);
    mediaLengths_.clear();
    const bool pathChanging = path != path_;
    path_ = path;
    if (modified)
        undo_->resetClean();
    Q_EMIT projectReset();
    Q_EMIT structureChanged();
    Q_EMIT tempoChanged();
    if (pathChanging)
        Q_EMIT pathChanged(path_);
    if (wasModified != isModified())
        Q_EMIT modifiedChanged(isModified());
}

void ProjectDocument::save(const QString& path) {
    const QString absolute = QFileInfo(path).absoluteFilePath();
    accord::saveProject(absolute.toStdString(), project_);
    undo_->setClean();
    if (absolute != path_) {
        path_ = absolute;
        Q_EMIT pathChanged(path_);
    }
}

const accord::Track* ProjectDocument::findTrack(const std::string& id) const {
    for (const auto& track : project_.tracks)
        if (track.id == id)
            return &track;
    return nullptr;
}

const accord::Clip* ProjectDocument::findClip(const std::string& id, std::string* trackId) const {
    for (const auto& track : project_.tracks)
        for (const auto& clip : track.clips)
            if (clip.id == id) {
                if (trackId != nullptr)
                    *trackId = track.id;
                return &clip;
            }
    return nullptr;
}

int ProjectDocument::trackIndex(const std::string& id) const {
    for (std::size_t i = 0; i < project_.tracks.size(); ++i)
        if (project_.tracks[i].id == id)
            return static_cast<int>(i);
    return -1;
}

std::optional<std::int64_t> ProjectDocument::mediaLength(const std::string& file) const {
    const auto found = mediaLengths_.find(file);
    if (found == mediaLengths_.end())
        return std::nullopt;
    return found->second;
}

void ProjectDocument::stampRegistry(const std::string& studioKey) {
    if (project_.registry.empty())
        project_.registry = studioKey;
}

void ProjectDocument::setMediaLength(const std::string& file, std::int64_t samples) {
    if (samples > 0)
        mediaLengths_[file] = samples;
}

// ---- edits ----------------------------------------------------------------------------------

std::string ProjectDocument::addTrack(const QString& name, int index) {
    accord::Track track;
    track.id = project_.nextTrackId();
    track.name = name.isEmpty() ? tr("Track %1").arg(project_.tracks.size() + 1).toStdString()
                                : name.toStdString();
    if (index < 0 || index > static_cast<int>(project_.tracks.size()))
        index = static_cast<int>(project_.tracks.size());
    const std::string id = track.id;
    undo_->push(new commands::TrackCommand(
        this, tr("Add track '%1'").arg(QString::fromStdString(track.name)), index, std::move(track),
        true));
    return id;
}

void ProjectDocument::removeTrack(const std::string& trackId) {
    const int index = trackIndex(trackId);
    if (index < 0)
        return;
    const accord::Track& track = project_.tracks[static_cast<std::size_t>(index)];
    undo_->push(new commands::TrackCommand(
        this, tr("Remove track '%1'").arg(QString::fromStdString(track.name)), index, track,
        false));
}

void ProjectDocument::renameTrack(const std::string& trackId, const QString& name) {
    const accord::Track* track = findTrack(trackId);
    if (track == nullptr || name.isEmpty() || track->name == name.toStdString())
        return;
    undo_->push(new commands::RenameTrackCommand(this, trackId, track->name, name.toStdString()));
}

void ProjectDocument::moveTrack(const std::string& trackId, int index) {
    const int from = trackIndex(trackId);
    index = std::clamp(index, 0, static_cast<int>(project_.tracks.size()) - 1);
    if (from < 0 || from == index)
        return;
    undo_->push(new commands::MoveTrackCommand(this, trackId, from, index));
}

void ProjectDocument::editClips(const QString& text,
                                const std::function<void(accord::Project&)>& edit) {
    accord::Project edited = project_;
    edit(edited);
    const auto before = placesOf(project_);
    const auto after = placesOf(edited);
    auto changed = [&](const std::string& id) {
        const auto was = before.find(id);
        const auto is = after.find(id);
        return was == before.end() || is == after.end() || was->second.track != is->second.track ||
               !sameClip(was->second.clip, is->second.clip);
    };
    std::vector<ClipChange> removals;
    std::vector<ClipChange> insertions;
    for (const auto& [id, place] : before)
        if (changed(id))
            removals.push_back(ClipChange{place, std::nullopt});
    for (const auto& [id, place] : after)
        if (changed(id))
            insertions.push_back(ClipChange{std::nullopt, place});
    if (removals.empty() && insertions.empty())
        return;
    // Redo takes every changed clip out, then puts the new ones in by ascending index; undo runs
    // backwards, so it puts the old ones back by ascending index too: each lands at its index.
    std::sort(removals.begin(), removals.end(), [](const ClipChange& a, const ClipChange& b) {
        return a.before->index > b.before->index;
    });
    std::sort(insertions.begin(), insertions.end(), [](const ClipChange& a, const ClipChange& b) {
        return a.after->index < b.after->index;
    });
    removals.insert(removals.end(), insertions.begin(), insertions.end());
    undo_->push(new commands::ClipsCommand(this, text, std::move(removals)));
}

std::string ProjectDocument::addClip(const std::string& trackId, accord::Clip clip) {
    if (findTrack(trackId) == nullptr) {
        qWarning("addClip: no track %s", trackId.c_str());
        return {};
    }
    const QString text = tr("Add clip '%1'").arg(clipName(clip));
    const std::vector<std::string> ids = addClips(text, {ClipOnTrack{trackId, std::move(clip)}});
    return ids.empty() ? std::string() : ids.front();
}

std::vector<std::string> ProjectDocument::addClips(const QString& text,
                                                   std::vector<ClipOnTrack> clips) {
    std::vector<std::string> ids;
    editClips(text, [&](accord::Project& project) {
        for (ClipOnTrack& added : clips) {
            accord::Track* track = commands::trackById(project, added.track);
            if (track == nullptr)
                continue;
            accord::Clip& clip = added.clip;
            clip.id = project.nextClipId();
            clip.position = std::max<std::int64_t>(0, clip.position);
            fitFades(clip);
            ids.push_back(clip.id);
            track->clips.push_back(clip);
        }
    });
    return ids;
}

void ProjectDocument::addTakes(const std::string& trackId, std::vector<accord::Clip> takes) {
    const accord::Track* track = findTrack(trackId);
    if (track == nullptr || takes.empty())
        return;
    accord::Project withTakes = project_;
    std::vector<accord::Clip>& lanes = commands::trackById(withTakes, trackId)->takes;
    // What played under the new takes, unless it is a take already, becomes the oldest take:
    // recording over it keeps it to comp back.
    std::int64_t from = takes.front().position, to = from;
    for (const accord::Clip& take : takes) {
        from = std::min(from, take.position);
        to = std::max(to, take.position + take.length);
    }
    for (const accord::Clip& clip : track->clips) {
        const bool under = clip.position < to && clip.position + clip.length > from;
        const bool fromATake = std::any_of(lanes.begin(), lanes.end(), [&](const accord::Clip& t) {
            return accord::clipComesFromTake(clip, t);
        });
        if (under && !fromATake) {
            accord::Clip kept = clip;
            kept.id = withTakes.nextClipId();
            lanes.push_back(kept);
        }
    }
    for (accord::Clip& take : takes) {
        take.id = withTakes.nextClipId();
        fitFades(take);
        lanes.insert(lanes.begin(), take); // newest on top
    }
    const std::string newest = lanes.front().id;
    undo_->beginMacro(tr("Record %n take(s) on '%1'", "", int(takes.size()))
                          .arg(QString::fromStdString(track->name)));
    undo_->push(new commands::TakeLanesCommand(this, QString(), trackId, track->takes, lanes));
    compTake(trackId, newest);
    undo_->endMacro();
}

bool ProjectDocument::compTake(const std::string& trackId, const std::string& takeId,
                               std::int64_t from, std::int64_t to) {
    const accord::Track* track = findTrack(trackId);
    if (track == nullptr)
        return false;
    const auto take = std::find_if(track->takes.begin(), track->takes.end(),
                                   [&](const accord::Clip& t) { return t.id == takeId; });
    if (take == track->takes.end())
        return false;
    if (to <= from) {
        from = take->position;
        to = take->position + take->length;
    }
    const accord::Clip chosen = *take;
    const int before = undo_->count();
    editClips(
        tr("Use %1 of '%2'").arg(takeName(trackId, takeId), QString::fromStdString(track->name)),
        [&](accord::Project& project) {
            accord::Track* edited = commands::trackById(project, trackId);
            accord::compTake(*edited, chosen, from, to,
                             accord::compCrossfadeFrames(project.sampleRate),
                             [&project] { return project.nextClipId(); });
        });
    return undo_->count() != before;
}

void ProjectDocument::deleteTake(const std::string& trackId, const std::string& takeId) {
    const accord::Track* track = findTrack(trackId);
    if (track == nullptr)
        return;
    std::vector<accord::Clip> lanes = track->takes;
    const auto found = std::find_if(lanes.begin(), lanes.end(),
                                    [&](const accord::Clip& take) { return take.id == takeId; });
    if (found == lanes.end())
        return;
    const QString text =
        tr("Delete %1 of '%2'").arg(takeName(trackId, takeId), QString::fromStdString(track->name));
    lanes.erase(found);
    undo_->push(new commands::TakeLanesCommand(this, text, trackId, track->takes, lanes));
}

QString ProjectDocument::takeName(const std::string& trackId, const std::string& takeId) const {
    const accord::Track* track = findTrack(trackId);
    if (track != nullptr)
        for (std::size_t i = 0; i < track->takes.size(); ++i)
            if (track->takes[i].id == takeId)
                return tr("Take %1").arg(track->takes.size() - i);
    return {};
}

void ProjectDocument::setTrackArm(const std::string& trackId,
                                  const std::optional<accord::TrackArm>& arm) {
    accord::Track* track = commands::trackById(project_, trackId);
    if (track == nullptr || track->recordArm == arm)
        return;
    track->recordArm = arm;
    undo_->resetClean(); // modified until saved, whatever is undone (emits modifiedChanged)
}

void ProjectDocument::deleteClip(const std::string& clipId) {
    deleteClips({clipId});
}

void ProjectDocument::deleteClips(const std::vector<std::string>& clipIds, const QString& text) {
    const accord::Clip* first = clipIds.empty() ? nullptr : findClip(clipIds.front());
    if (first == nullptr)
        return;
    editClips(!text.isEmpty()      ? text
              : clipIds.size() > 1 ? tr("Delete %1 clips").arg(clipIds.size())
                                   : tr("Delete clip '%1'").arg(clipName(*first)),
              [&](accord::Project& project) {
                  for (const auto& id : clipIds)
                      if (auto [track, clip] = locate(project, id); track != nullptr)
                          track->clips.erase(clip);
              });
}

void ProjectDocument::moveClip(const std::string& clipId, const std::string& toTrack,
                               std::int64_t position) {
    const accord::Clip* clip = findClip(clipId);
    if (clip == nullptr)
        return;
    ClipOnTrack moved{toTrack, *clip};
    moved.clip.position = position;
    moveClips({moved});
}

void ProjectDocument::moveClips(const std::vector<ClipOnTrack>& to, const QString& text) {
    const accord::Clip* first = to.empty() ? nullptr : findClip(to.front().clip.id);
    if (first == nullptr)
        return;
    editClips(!text.isEmpty() ? text
              : to.size() > 1 ? tr("Move %1 clips").arg(to.size())
                              : tr("Move clip '%1'").arg(clipName(*first)),
              [&](accord::Project& project) {
                  for (const ClipOnTrack& move : to) {
                      auto [track, clip] = locate(project, move.clip.id);
                      accord::Track* target = commands::trackById(project, move.track);
                      if (track == nullptr || target == nullptr)
                          continue;
                      clip->position = std::max<std::int64_t>(0, move.clip.position);
                      if (target != track) {
                          target->clips.push_back(*clip);
                          track->clips.erase(clip);
                      }
                  }
              });
}

void ProjectDocument::setClipGain(const std::vector<std::string>& clipIds, double gainDb) {
    const accord::Clip* first = clipIds.empty() ? nullptr : findClip(clipIds.front());
    if (first == nullptr || !std::isfinite(gainDb))
        return;
    gainDb = std::clamp(gainDb, kMinimumClipGainDb, kMaximumClipGainDb);
    const QString db = QString::number(gainDb, 'f', 1);
    editClips(clipIds.size() > 1
                  ? tr("Set the gain of %1 clips to %2 dB").arg(clipIds.size()).arg(db)
                  : tr("Set the gain of clip '%1' to %2 dB").arg(clipName(*first), db),
              [&](accord::Project& project) {
                  for (const auto& id : clipIds)
                      if (auto [track, clip] = locate(project, id); track != nullptr)
                          clip->gainDb = gainDb;
              });
}

void ProjectDocument::trimClip(const std::string& clipId, std::int64_t position,
                               std::int64_t offset, std::int64_t length) {
    auto place = placeOf(project_, clipId);
    if (!place || position < 0 || offset < 0 || length < kMinimumClipLength)
        return;
    const accord::Clip& before = place->clip;
    if (before.position == position && before.offset == offset && before.length == length)
        return;
    accord::Clip clip = before;
    clip.position = position;
    clip.offset = offset;
    clip.length = length;
    fitFades(clip);
    ClipChange change;
    change.before = place;
    change.after = ClipPlace{place->track, place->index, clip};
    undo_->push(
        new commands::ClipsCommand(this, tr("Trim clip '%1'").arg(clipName(before)), {change}));
}

void ProjectDocument::setClipFades(const std::string& clipId, std::int64_t fadeIn,
                                   std::int64_t fadeOut) {
    auto place = placeOf(project_, clipId);
    if (!place)
        return;
    accord::Clip clip = place->clip;
    clip.fadeIn = fadeIn;
    clip.fadeOut = fadeOut;
    fitFades(clip);
    if (clip.fadeIn == place->clip.fadeIn && clip.fadeOut == place->clip.fadeOut)
        return;
    ClipChange change;
    change.before = place;
    change.after = ClipPlace{place->track, place->index, clip};
    undo_->push(
        new commands::ClipsCommand(this, tr("Fade clip '%1'").arg(clipName(clip)), {change}));
}

std::string ProjectDocument::splitClip(const std::string& clipId, std::int64_t at) {
    auto place = placeOf(project_, clipId);
    if (!place)
        return {};
    const accord::Clip& clip = place->clip;
    const std::int64_t end = clip.position + clip.length;
    if (at - clip.position < kMinimumClipLength || end - at < kMinimumClipLength)
        return {};

    accord::Clip first = clip;
    first.length = at - clip.position;
    first.fadeOut = 0;
    fitFades(first);
    ClipChange left;
    left.before = place;
    left.after = ClipPlace{place->track, place->index, first};

    ClipChange right;
    right.after = ClipPlace{place->track, place->index + 1, clip};
    accord::Clip& second = right.after->clip;
    second.id = project_.nextClipId();
    second.position = at;
    second.offset = clip.offset + (at - clip.position);
    second.length = end - at;
    second.fadeIn = 0;
    second.fadeOut = clip.fadeOut;
    fitFades(second);
    const std::string id = second.id;
    undo_->push(
        new commands::ClipsCommand(this, tr("Split clip '%1'").arg(clipName(clip)), {left, right}));
    return id;
}

void ProjectDocument::setTempo(double bpm) {
    bpm = std::clamp(bpm, 20.0, 999.0);
    if (bpm == project_.tempo)
        return;
    undo_->push(new commands::MusicalTimeCommand(this, {project_.tempo, project_.timeSignature},
                                                 {bpm, project_.timeSignature}));
}

void ProjectDocument::setTimeSignature(const accord::TimeSignature& signature) {
    if (!accord::validTimeSignature(signature) || signature == project_.timeSignature)
        return;
    undo_->push(new commands::MusicalTimeCommand(this, {project_.tempo, project_.timeSignature},
                                                 {project_.tempo, signature}));
}

void ProjectDocument::setTrackMix(const std::string& trackId, MixParameter parameter, double value,
                                  int gesture) {
    const accord::Track* track = findTrack(trackId);
    if (track == nullptr)
        return;
    double before = 0;
    switch (parameter) {
    case MixParameter::Gain:
        value = std::min(value, 24.0);
        before = track->gainDb;
        break;
    case MixParameter::Pan:
        value = std::clamp(value, -1.0, 1.0);
        before = track->pan;
        break;
    case MixParameter::Mute:
        value = value > 0.5 ? 1 : 0;
        before = track->mute ? 1 : 0;
        break;
    case MixParameter::Solo:
        value = value > 0.5 ? 1 : 0;
        before = track->solo ? 1 : 0;
        break;
    }
    if (before == value)
        return;
    undo_->push(new commands::MixCommand(this, trackId, parameter, before, value, gesture));
}

TrackEffects ProjectDocument::trackEffects(const std::string& trackId) const {
    const accord::Track* track = findTrack(trackId);
    return track == nullptr ? TrackEffects() : TrackEffects{track->eq, track->reverbSendDb};
}

void ProjectDocument::setTrackEffects(const std::string& trackId, TrackEffects effects,
                                      int gesture) {
    const accord::Track* track = findTrack(trackId);
    if (track == nullptr)
        return;
    if (effects.eq) {
        effects.eq->bands.resize(
            std::min<std::size_t>(effects.eq->bands.size(), accord::kMaxEqBands));
        for (accord::EqBand& band : effects.eq->bands) {
            band.frequencyHz = std::clamp(band.frequencyHz, 20.0, 20000.0);
            band.gainDb = std::clamp(band.gainDb, -24.0, 24.0);
            band.q = std::clamp(band.q, 0.1, 18.0);
        }
    }
    if (effects.reverbSendDb)
        effects.reverbSendDb = std::clamp(*effects.reverbSendDb, -96.0, 6.0);
    const TrackEffects before = trackEffects(trackId);
    if (before == effects)
        return;
    undo_->push(new commands::TrackEffectsCommand(this, trackId, before, effects, gesture));
}

MasterBus ProjectDocument::masterBus() const {
    return {project_.masterGainDb, project_.reverb, project_.limiter};
}

void ProjectDocument::setMasterBus(MasterBus bus, int gesture) {
    bus.gainDb = std::clamp(bus.gainDb, -96.0, 12.0);
    bus.reverb.roomSize = std::clamp(bus.reverb.roomSize, 0.0, 1.0);
    bus.reverb.damping = std::clamp(bus.reverb.damping, 0.0, 1.0);
    bus.reverb.width = std::clamp(bus.reverb.width, 0.0, 1.0);
    bus.reverb.returnDb = std::clamp(bus.reverb.returnDb, -96.0, 12.0);
    bus.limiter.ceilingDbtp = std::clamp(bus.limiter.ceilingDbtp, -20.0, 0.0);
    const MasterBus before = masterBus();
    if (before == bus)
        return;
    undo_->push(new commands::MasterBusCommand(this, before, bus, gesture));
}

void ProjectDocument::setTrackModel(const std::string& trackId, const QString& modelFile,
                                    double transposeSemitones) {
    const accord::Track* track = findTrack(trackId);
    const commands::TrackModelSetting after{modelFile.toStdString(),
                                            modelFile.isEmpty() ? 0.0 : transposeSemitones};
    if (track == nullptr ||
        (track->model == after.model && track->modelTranspose == after.transpose))
        return;
    undo_->push(new commands::TrackModelCommand(this, trackId,
                                                {track->model, track->modelTranspose}, after));
}

void ProjectDocument::emitStructureChanged() {
    Q_EMIT structureChanged();
}

void ProjectDocument::emitTrackMixChanged(const std::string& trackId, MixParameter parameter) {
    Q_EMIT trackMixChanged(QString::fromStdString(trackId), parameter);
}

void ProjectDocument::emitTrackEffectsChanged(const std::string& trackId) {
    Q_EMIT trackEffectsChanged(QString::fromStdString(trackId));
}

void ProjectDocument::emitMasterBusChanged() {
    Q_EMIT masterBusChanged();
}

void ProjectDocument::emitTempoChanged() {
    Q_EMIT tempoChanged();
}

} // namespace accord::ui
