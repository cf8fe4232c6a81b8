#pragma once

// The undo commands behind ProjectDocument's edits. Each stores exactly what it changes (the
// clips or the track before and after), so undo restores the previous state bit for bit,
// including the order of clips within a track.

#include "accord/ui/project/project_document.h"

#include <QUndoCommand>

#include <optional>
#include <string>
#include <vector>

namespace accord::ui::commands {

// Merge ids for QUndoCommand::id(): only commands with the same id may merge.
enum MergeId { kMixMergeBase = 100, kTempoMerge = 200, kEffectsMerge = 300, kMasterMerge = 301 };

// The track with `id`, or null.
accord::Track* trackById(accord::Project& project, const std::string& id);

struct ClipPlace {
    std::string track;
    int index = 0; // position within the track's clip list
    accord::Clip clip;
};

// One clip appearing (no before), disappearing (no after) or changing (both).
struct ClipChange {
    std::optional<ClipPlace> before;
    std::optional<ClipPlace> after;
};

class ClipsCommand : public QUndoCommand {
public:
    ClipsCommand(ProjectDocument* document, const QString& text, std::vector<ClipChange> changes);
    void redo() override;
    void undo() override;

private:
    ProjectDocument* document_;
    std::vector<ClipChange> changes_;
};

// A track's take lanes before and after (recording adds takes on top).
class TakeLanesCommand : public QUndoCommand {
public:
    TakeLanesCommand(ProjectDocument* document, const QString& text, std::string trackId,
                     std::vector<accord::Clip> before, std::vector<accord::Clip> after);
    void redo() override { apply(after_); }
    void undo() override { apply(before_); }

private:
    void apply(const std::vector<accord::Clip>& takes);
    ProjectDocument* document_;
    std::string trackId_;
    std::vector<accord::Clip> before_, after_;
};

class TrackCommand : public QUndoCommand {
public:
    // Adds `track` at `index` (adding) or removes it from there (!adding).
    TrackCommand(ProjectDocument* document, const QString& text, int index, accord::Track track,
                 bool adding);
    void redo() override;
    void undo() override;

private:
    void insert();
    void remove();

    ProjectDocument* document_;
    int index_;
    accord::Track track_;
    bool adding_;
};

// Moves a track from index `from` to index `to` among the tracks.
class MoveTrackCommand : public QUndoCommand {
public:
    MoveTrackCommand(ProjectDocument* document, std::string trackId, int from, int to);
    void redo() override;
    void undo() override;

private:
    void apply(int index);
    ProjectDocument* document_;
    std::string trackId_;
    int from_, to_;
};

class RenameTrackCommand : public QUndoCommand {
public:
    RenameTrackCommand(ProjectDocument* document, std::string trackId, std::string before,
                       std::string after);
    void redo() override;
    void undo() override;

private:
    void apply(const std::string& name);
    ProjectDocument* document_;
    std::string trackId_, before_, after_;
};

// Runs a track through a voice model file, or through none (an empty path).
// A track's voice model and the transposition it re-sings with.
struct TrackModelSetting {
    std::string model;
    double transpose = 0;
};

class TrackModelCommand : public QUndoCommand {
public:
    TrackModelCommand(ProjectDocument* document, std::string trackId, TrackModelSetting before,
                      TrackModelSetting after);
    void redo() override;
    void undo() override;

private:
    void apply(const TrackModelSetting& setting);
    ProjectDocument* document_;
    std::string trackId_;
    TrackModelSetting before_, after_;
};

class MixCommand : public QUndoCommand {
public:
    MixCommand(ProjectDocument* document, std::string trackId, MixParameter parameter,
               double before, double after, int gesture);
    void redo() override;
    void undo() override;
    int id() const override;
    bool mergeWith(const QUndoCommand* other) override;

private:
    void apply(double value);
    ProjectDocument* document_;
    std::string trackId_;
    MixParameter parameter_;
    double before_, after_;
    int gesture_;
};

// A track's EQ and send; steps of one gesture (a knob drag, keys in a row) merge.
class TrackEffectsCommand : public QUndoCommand {
public:
    TrackEffectsCommand(ProjectDocument* document, std::string trackId, TrackEffects before,
                        TrackEffects after, int gesture);
    void redo() override;
    void undo() override;
    int id() const override { return gesture_ < 0 ? -1 : kEffectsMerge; }
    bool mergeWith(const QUndoCommand* other) override;

private:
    void apply(const TrackEffects& effects);
    ProjectDocument* document_;
    std::string trackId_;
    TrackEffects before_, after_;
    int gesture_;
};

// The master fader and the reverb bus; steps of one gesture merge.
class MasterBusCommand : public QUndoCommand {
public:
    MasterBusCommand(ProjectDocument* document, MasterBus before, MasterBus after, int gesture);
    void redo() override;
    void undo() override;
    int id() const override { return gesture_ < 0 ? -1 : kMasterMerge; }
    bool mergeWith(const QUndoCommand* other) override;

private:
    void apply(const MasterBus& bus);
    ProjectDocument* document_;
    MasterBus before_, after_;
    int gesture_;
};

// The project's musical time: tempo and time signature. Consecutive tempo changes (a spin box
// held down) merge into one step.
struct MusicalTime {
    double tempo = 120;
    accord::TimeSignature signature;
};

class MusicalTimeCommand : public QUndoCommand {
public:
    MusicalTimeCommand(ProjectDocument* document, MusicalTime before, MusicalTime after);
    void redo() override;
    void undo() override;
    int id() const override { return kTempoMerge; }
    bool mergeWith(const QUndoCommand* other) override;

private:
    void apply(const MusicalTime& time);
    bool tempoOnly() const { return before_.signature == after_.signature; }
    void describe();
    ProjectDocument* document_;
    MusicalTime before_, after_;
};

QString mixParameterName(MixParameter parameter);

} // namespace accord::ui::commands
