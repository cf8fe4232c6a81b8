#include "edit_commands.h"

#include <QFileInfo>
#include <QObject>

#include <algorithm>
#include <utility>

namespace accord::ui::commands {

accord::Track* trackById(accord::Project& project, const std::string& id) {
    for (auto& track : project.tracks)
        if (track.id == id)
            return &track;
    return nullptr;
}

namespace {

void removeClip(accord::Project& project, const std::string& clipId) {
    for (auto& track : project.tracks) {
        auto& clips = track.clips;
        const auto found = std::find_if(clips.begin(), clips.end(),
                                        [&](const accord::Clip& c) { return c.id == clipId; });
        if (found != clips.end()) {
            clips.erase(found);
            return;
        }
    }
}

void insertClip(accord::Project& project, const ClipPlace& place) {
    accord::Track* track = trackById(project, place.track);
    if (track == nullptr)
        return; // cannot happen while the history is linear; never crash on it
    const auto index = static_cast<std::ptrdiff_t>(std::clamp<std::size_t>(
        static_cast<std::size_t>(std::max(0, place.index)), 0, track->clips.size()));
    track->clips.insert(track->clips.begin() + index, place.clip);
}

} // namespace

QString mixParameterName(MixParameter parameter) {
    switch (parameter) {
    case MixParameter::Gain:
        return QObject::tr("gain");
    case MixParameter::Pan:
        return QObject::tr("pan");
    case MixParameter::Mute:
        return QObject::tr("mute");
    case MixParameter::Solo:
        return QObject::tr("solo");
    }
    return {};
}

// ---------------------------------------------------------------------------------------------

ClipsCommand::ClipsCommand(ProjectDocument* document, const QString& text,
                           std::vector<ClipChange> changes)
    : QUndoCommand(text), document_(document), changes_(std::move(changes)) {}

void ClipsCommand::redo() {
    accord::Project& project = document_->mutableProject();
    for (const ClipChange& change : changes_) {
        if (change.before)
            removeClip(project, change.before->clip.id);
        if (change.after)
            insertClip(project, *change.after);
    }
    document_->emitStructureChanged();
}

void ClipsCommand::undo() {
    accord::Project& project = document_->mutableProject();
    for (auto change = changes_.rbegin(); change != changes_.rend(); ++change) {
        if (change->after)
            removeClip(project, change->after->clip.id);
        if (change->before)
            insertClip(project, *change->before);
    }
    document_->emitStructureChanged();
}

// ---------------------------------------------------------------------------------------------

TakeLanesCommand::TakeLanesCommand(ProjectDocument* document, const QString& text,
                                   std::string trackId, std::vector<accord::Clip> before,
                                   std::vector<accord::Clip> after)
    : QUndoCommand(text), document_(document), trackId_(std::move(trackId)),
      before_(std::move(before)), after_(std::move(after)) {}

void TakeLanesCommand::apply(const std::vector<accord::Clip>& takes) {
    if (accord::Track* track = trackById(document_->mutableProject(), trackId_))
        track->takes = takes;
    document_->emitStructureChanged();
}

// ---------------------------------------------------------------------------------------------

TrackCommand::TrackCommand(ProjectDocument* document, const QString& text, int index,
                           accord::Track track, bool adding)
    : QUndoCommand(text), document_(document), index_(index), track_(std::move(track)),
      adding_(adding) {}

void TrackCommand::insert() {
    auto& tracks = document_->mutableProject().tracks;
    const auto index = static_cast<std::ptrdiff_t>(
        std::clamp<std::size_t>(static_cast<std::size_t>(std::max(0, index_)), 0, tracks.size()));
    tracks.insert(tracks.begin() + index, track_);
    document_->emitStructureChanged();
}

void TrackCommand::remove() {
    auto& tracks = document_->mutableProject().tracks;
    const auto found = std::find_if(tracks.begin(), tracks.end(),
                                    [&](const accord::Track& t) { return t.id == track_.id; });
    if (found != tracks.end()) {
        track_ = *found; // what is removed is what comes back
        tracks.erase(found);
    }
    document_->emitStructureChanged();
}

void TrackCommand::redo() {
    adding_ ? insert() : remove();
}

void TrackCommand::undo() {
    adding_ ? remove() : insert();
}

// ---------------------------------------------------------------------------------------------

MoveTrackCommand::MoveTrackCommand(ProjectDocument* document, std::string trackId, int from, int to)
    : document_(document), trackId_(std::move(trackId)), from_(from), to_(to) {
    const accord::Track* track = document_->findTrack(trackId_);
    setText(QObject::tr("Move track '%1'")
                .arg(track ? QString::fromStdString(track->name) : QString()));
}

void MoveTrackCommand::apply(int index) {
    auto& tracks = document_->mutableProject().tracks;
    const auto found = std::find_if(tracks.begin(), tracks.end(),
                                    [&](const accord::Track& t) { return t.id == trackId_; });
    if (found == tracks.end())
        return; // cannot happen while the history is linear; never crash on it
    accord::Track track = std::move(*found);
    tracks.erase(found);
    index = std::clamp(index, 0, static_cast<int>(tracks.size()));
    tracks.insert(tracks.begin() + index, std::move(track));
    document_->emitStructureChanged();
}

void MoveTrackCommand::redo() {
    apply(to_);
}

void MoveTrackCommand::undo() {
    apply(from_);
}

// ---------------------------------------------------------------------------------------------

RenameTrackCommand::RenameTrackCommand(ProjectDocument* document, std::string trackId,
                                       std::string before, std::string after)
    : QUndoCommand(QObject::tr("Rename track to '%1'").arg(QString::fromStdString(after))),
      document_(document), trackId_(std::move(trackId)), before_(std::move(before)),
      after_(std::move(after)) {}

void RenameTrackCommand::apply(const std::string& name) {
    if (accord::Track* track = trackById(document_->mutableProject(), trackId_))
        track->name = name;
    document_->emitStructureChanged();
}

void RenameTrackCommand::redo() {
    apply(after_);
}

void RenameTrackCommand::undo() {
    apply(before_);
}

// ---------------------------------------------------------------------------------------------

TrackModelCommand::TrackModelCommand(ProjectDocument* document, std::string trackId,
                                     TrackModelSetting before, TrackModelSetting after)
    : document_(document), trackId_(std::move(trackId)), before_(std::move(before)),
      after_(std::move(after)) {
    const accord::Track* track = document_->findTrack(trackId_);
    const QString name = track ? QString::fromStdString(track->name) : QString();
    if (after_.model.empty())
        setText(QObject::tr("Remove the voice model from '%1'").arg(name));
    else if (after_.model == before_.model)
        setText(QObject::tr("Transpose '%1' by %2 semitones").arg(name).arg(after_.transpose));
    else
        setText(QObject::tr("Run '%1' through voice model '%2'")
                    .arg(name, QFileInfo(QString::fromStdString(after_.model)).completeBaseName()));
}

void TrackModelCommand::apply(const TrackModelSetting& setting) {
    if (accord::Track* track = trackById(document_->mutableProject(), trackId_)) {
        track->model = setting.model;
        track->modelTranspose = setting.transpose;
    }
    // The engine's graph holds the track's model node: a rebuild, like any structural edit.
    document_->emitStructureChanged();
}

void TrackModelCommand::redo() {
    apply(after_);
}

void TrackModelCommand::undo() {
    apply(before_);
}

// ---------------------------------------------------------------------------------------------

MixCommand::MixCommand(ProjectDocument* document, std::string trackId, MixParameter parameter,
                       double before, double after, int gesture)
    : document_(document), trackId_(std::move(trackId)), parameter_(parameter), before_(before),
      after_(after), gesture_(gesture) {
    const accord::Track* track = document_->findTrack(trackId_);
    const QString name = track ? QString::fromStdString(track->name) : QString();
    switch (parameter_) {
    case MixParameter::Gain:
        setText(QObject::tr("Change gain of '%1'").arg(name));
        break;
    case MixParameter::Pan:
        setText(QObject::tr("Change pan of '%1'").arg(name));
        break;
    case MixParameter::Mute:
        setText(after > 0.5 ? QObject::tr("Mute '%1'").arg(name)
                            : QObject::tr("Unmute '%1'").arg(name));
        break;
    case MixParameter::Solo:
        setText(after > 0.5 ? QObject::tr("Solo '%1'").arg(name)
                            : QObject::tr("Unsolo '%1'").arg(name));
        break;
    }
}

void MixCommand::apply(double value) {
    accord::Track* track = trackById(document_->mutableProject(), trackId_);
    if (track == nullptr)
        return;
    switch (parameter_) {
    case MixParameter::Gain:
        track->gainDb = value;
        break;
    case MixParameter::Pan:
        track->pan = value;
        break;
    case MixParameter::Mute:
        track->mute = value > 0.5;
        break;
    case MixParameter::Solo:
        track->solo = value > 0.5;
        break;
    }
    document_->emitTrackMixChanged(trackId_, parameter_);
}

void MixCommand::redo() {
    apply(after_);
}

void MixCommand::undo() {
    apply(before_);
}

int MixCommand::id() const {
    // Toggles never merge; continuous controls merge within one gesture.
    if (gesture_ < 0 || parameter_ == MixParameter::Mute || parameter_ == MixParameter::Solo)
        return -1;
    return kMixMergeBase + static_cast<int>(parameter_);
}

bool MixCommand::mergeWith(const QUndoCommand* other) {
    const auto* next = dynamic_cast<const MixCommand*>(other);
    if (next == nullptr || next->trackId_ != trackId_ || next->parameter_ != parameter_ ||
        next->gesture_ != gesture_)
        return false;
    after_ = next->after_;
    setObsolete(after_ == before_);
    return true;
}

// ---------------------------------------------------------------------------------------------

TrackEffectsCommand::TrackEffectsCommand(ProjectDocument* document, std::string trackId,
                                         TrackEffects before, TrackEffects after, int gesture)
    : document_(document), trackId_(std::move(trackId)), before_(std::move(before)),
      after_(std::move(after)), gesture_(gesture) {
    const accord::Track* track = document_->findTrack(trackId_);
    const QString name = track ? QString::fromStdString(track->name) : QString();
    setText(before_.eq == after_.eq ? QObject::tr("Change reverb send of '%1'").arg(name)
                                    : QObject::tr("Change EQ of '%1'").arg(name));
}

void TrackEffectsCommand::apply(const TrackEffects& effects) {
    accord::Track* track = trackById(document_->mutableProject(), trackId_);
    if (track == nullptr)
        return;
    track->eq = effects.eq;
    track->reverbSendDb = effects.reverbSendDb;
    document_->emitTrackEffectsChanged(trackId_);
}

void TrackEffectsCommand::redo() {
    apply(after_);
}

void TrackEffectsCommand::undo() {
    apply(before_);
}

bool TrackEffectsCommand::mergeWith(const QUndoCommand* other) {
    const auto* next = dynamic_cast<const TrackEffectsCommand*>(other);
    if (next == nullptr || next->trackId_ != trackId_ || next->gesture_ != gesture_)
        return false;
    after_ = next->after_;
    setObsolete(after_ == before_);
    return true;
}

MasterBusCommand::MasterBusCommand(ProjectDocument* document, MasterBus before, MasterBus after,
                                   int gesture)
    : document_(document), before_(before), after_(after), gesture_(gesture) {
    setText(!(before_.limiter == after_.limiter) ? QObject::tr("Change limiter")
            : before_.reverb == after_.reverb    ? QObject::tr("Change master gain")
                                                 : QObject::tr("Change reverb"));
}

void MasterBusCommand::apply(const MasterBus& bus) {
    document_->mutableProject().masterGainDb = bus.gainDb;
    document_->mutableProject().reverb = bus.reverb;
    document_->mutableProject().limiter = bus.limiter;
    document_->emitMasterBusChanged();
}

void MasterBusCommand::redo() {
    apply(after_);
}

void MasterBusCommand::undo() {
    apply(before_);
}

bool MasterBusCommand::mergeWith(const QUndoCommand* other) {
    const auto* next = dynamic_cast<const MasterBusCommand*>(other);
    if (next == nullptr || next->gesture_ != gesture_)
        return false;
    after_ = next->after_;
    setObsolete(after_ == before_);
    return true;
}

// ---------------------------------------------------------------------------------------------

MusicalTimeCommand::MusicalTimeCommand(ProjectDocument* document, MusicalTime before,
                                       MusicalTime after)
    : document_(document), before_(before), after_(after) {
    describe();
}

void MusicalTimeCommand::describe() {
    setText(tempoOnly() ? QObject::tr("Set tempo to %1 BPM").arg(after_.tempo)
                        : QObject::tr("Set time signature to %1")
                              .arg(QString::fromStdString(timeSignatureText(after_.signature))));
}

void MusicalTimeCommand::apply(const MusicalTime& time) {
    document_->mutableProject().tempo = time.tempo;
    document_->mutableProject().timeSignature = time.signature;
    document_->emitTempoChanged();
}

void MusicalTimeCommand::redo() {
    apply(after_);
}

void MusicalTimeCommand::undo() {
    apply(before_);
}

bool MusicalTimeCommand::mergeWith(const QUndoCommand* other) {
    const auto* next = dynamic_cast<const MusicalTimeCommand*>(other);
    if (next == nullptr || !tempoOnly() || !next->tempoOnly())
        return false;
    after_ = next->after_;
    describe();
    setObsolete(after_.tempo == before_.tempo);
    return true;
}

} // namespace accord::ui::commands
