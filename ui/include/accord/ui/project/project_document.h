#pragma once

// The open project (a `.accord` file, accord::Project) and its undo history. The UI thread owns it;
// every edit goes through a QUndoCommand on undoStack(), so each one can be undone and redone
// (Ctrl+Z / Ctrl+Shift+Z). Views never change the project directly: they call the edit methods
// below and re-read the project when structureChanged() or trackMixChanged() arrives.

#include "accord/core/project.h"

#include <QObject>
#include <QString>

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

class QUndoStack;

namespace accord::ui {

// The mixer parameters of a track that change through atomics, not graph rebuilds.
enum class MixParameter { Gain, Pan, Mute, Solo };

// A clip and the track it is (or goes) on.
struct ClipOnTrack {
    std::string track;
    accord::Clip clip;
};

// A track's effects (docs/PROJECT.md "Effects"): its EQ and its send to the reverb bus.
struct TrackEffects {
    std::optional<accord::TrackEq> eq;
    std::optional<double> reverbSendDb;
    bool operator==(const TrackEffects& other) const {
        return eq == other.eq && reverbSendDb == other.reverbSendDb;
    }
};

// The master bus: its fader and the reverb bus that returns into it.
struct MasterBus {
    double gainDb = 0;
    accord::ReverbSettings reverb;
    accord::MasterLimiter limiter;
    bool operator==(const MasterBus& other) const {
        return gainDb == other.gainDb && reverb == other.reverb && limiter == other.limiter;
    }
};

class ProjectDocument : public QObject {
    Q_OBJECT

public:
    // Shortest clip an edit may leave (a few milliseconds at any rate).
    static constexpr std::int64_t kMinimumClipLength = 64;
    static constexpr double kMinimumClipGainDb = -60;
    static constexpr double kMaximumClipGainDb = 24;

    explicit ProjectDocument(QObject* parent = nullptr);
    ~ProjectDocument() override;

    const accord::Project& project() const { return project_; }
    QUndoStack* undoStack() const { return undo_; }
    // Empty for a project never saved.
    QString path() const { return path_; }
    QString displayName() const; // "song" or "Untitled"
    bool isModified() const;

    // Replaces the whole project (new, open, recover): clears the history. A recovered project
    // is marked modified so it is not mistaken for the saved file.
    void reset(accord::Project project, const QString& path, bool modified = false);
    // Writes atomically (accord::saveProject) and marks the history clean; throws on failure
    // (the previous file is left intact).
    void save(const QString& path);

    // ---- lookups ----
    const accord::Track* findTrack(const std::string& id) const;
    // The clip and (optionally) the id of its track; null when there is none.
    const accord::Clip* findClip(const std::string& id, std::string* trackId = nullptr) const;
    int trackIndex(const std::string& id) const;

    // Records the registry whose ids the clips use when the project names none yet (its first
    // import): not an edit of the music, so not undoable (docs/PROJECT.md "Content, not ids").
    void stampRegistry(const std::string& studioKey);

    // Length of a media file at the project rate, when known (import, registry, waveform).
    std::optional<std::int64_t> mediaLength(const std::string& file) const;
    void setMediaLength(const std::string& file, std::int64_t samples);

    // ---- edits (each one undoable) ----
    std::string addTrack(const QString& name, int index = -1);
    void removeTrack(const std::string& trackId);
    void renameTrack(const std::string& trackId, const QString& name);
    // Moves the track to `index` among the tracks (the mixer's strips follow the order).
    void moveTrack(const std::string& trackId, int index);
    // Adds `clip` (its id is assigned) to the track; returns the new id.
    std::string addClip(const std::string& trackId, accord::Clip clip);
    // Adds copies of clips in one step (paste, duplicate): each gets a new id (returned in
    // order) and keeps its asset, render and content hash, so a copy is the same recording
    // under the same consent (docs/STUDIO.md "Editing").
    std::vector<std::string> addClips(const QString& text, std::vector<ClipOnTrack> clips);
    void deleteClip(const std::string& clipId);
    void deleteClips(const std::vector<std::string>& clipIds, const QString& text = QString());
    // Moves a clip in time and, optionally, to another track.
    void moveClip(const std::string& clipId, const std::string& toTrack, std::int64_t position);
    // Moves clips in one step: the clip with the id of each `to[i].clip` goes to that track and
    // that position (its other fields stay as they are). `text` names the step ("Nudge 3 clips").
    void moveClips(const std::vector<ClipOnTrack>& to, const QString& text = QString());
    // Clip gain in dB, at most +24 (the project format's limit), at least kMinimumClipGainDb.
    void setClipGain(const std::vector<std::string>& clipIds, double gainDb);
    // Trims either edge: the media offset follows the left edge so the audio stays in place.
    void trimClip(const std::string& clipId, std::int64_t position, std::int64_t offset,
                  std::int64_t length);
    void setClipFades(const std::string& clipId, std::int64_t fadeIn, std::int64_t fadeOut);
    // Takes and comping (docs/STUDIO.md "Takes and comping"). Puts recorded `takes` (in the
    // order they were played; ids assigned) on top of the track's take lanes, the last one on
    // top, and makes it sound over its whole length: one undo step. Clips that played there and
    // are no take's part become the oldest takes, so recording over them keeps them.
    void addTakes(const std::string& trackId, std::vector<accord::Clip> takes);
    // Makes take `takeId` of the track sound from `from` to `to` (clamped to the take; the whole
    // take when `to` <= `from`), cutting the clips there: one undo step. False when nothing
    // changes.
    bool compTake(const std::string& trackId, const std::string& takeId, std::int64_t from = 0,
                  std::int64_t to = 0);
    // Takes the take out of the track's lanes (one undo step). What of it was comped in stays
    // (those are clips), and the recording stays on disk and registered.
    void deleteTake(const std::string& trackId, const std::string& takeId);
    // "Take 3": takes are numbered from the oldest, 1 up.
    QString takeName(const std::string& trackId, const std::string& takeId) const;
    // The track's record arm (none: disarmed). Saved with the project but not an edit of the
    // music: not undoable, yet it marks the project modified (docs/PROJECT.md `record_arm`).
    void setTrackArm(const std::string& trackId, const std::optional<accord::TrackArm>& arm);
    // Splits at a timeline position strictly inside the clip; returns the id of the right part.
    std::string splitClip(const std::string& clipId, std::int64_t at);
    void setTempo(double bpm);
    // Ignores a signature a project may not hold (accord::validTimeSignature).
    void setTimeSignature(const accord::TimeSignature& signature);
    // Consecutive changes of one parameter within one gesture (a fader drag: `gesture` >= 0)
    // merge into one undo step; -1 never merges.
    void setTrackMix(const std::string& trackId, MixParameter parameter, double value,
                     int gesture = -1);
    // Effects, undoable like the mix, merging within a gesture the same way; values outside the
    // project's ranges (docs/PROJECT.md "Effects") are clamped into them.
    void setTrackEffects(const std::string& trackId, TrackEffects effects, int gesture = -1);
    TrackEffects trackEffects(const std::string& trackId) const;
    void setMasterBus(MasterBus bus, int gesture = -1);
    MasterBus masterBus() const;

    // Runs the track through the voice model in `modelFile` (empty: through none), re-sung
    // `transposeSemitones` up. The caller asks the policy engine for `generate` first: the
    // document does not know the registry.
    void setTrackModel(const std::string& trackId, const QString& modelFile,
                       double transposeSemitones = 0);

    // ---- for undo commands only ----
    accord::Project& mutableProject() { return project_; }
    void emitStructureChanged();
    void emitTrackMixChanged(const std::string& trackId, MixParameter parameter);
    void emitTrackEffectsChanged(const std::string& trackId);
    void emitMasterBusChanged();
    void emitTempoChanged();

Q_SIGNALS:
    // The project was replaced (new, open, recover).
    void projectReset();
    // Tracks or clips changed: views re-read the project; the engine rebuilds its graph.
    void structureChanged();
    // Gain, pan, mute or solo of one track changed: no rebuild, the engine's atomics follow.
    void trackMixChanged(const QString& trackId, accord::ui::MixParameter parameter);
    // A track's EQ or send changed, or the master bus: no rebuild either.
    void trackEffectsChanged(const QString& trackId);
    void masterBusChanged();
    // The tempo or the time signature changed: the grid, the bar display and the metronome
    // follow.
    void tempoChanged();
    void pathChanged(const QString& path);
    void modifiedChanged(bool modified);
    // Any edit, undo or redo (for autosave).
    void edited();

private:
    // Runs `edit` on a copy of the project and pushes what changed in its clips as one undoable
    // step. `edit` may change, add (with ids from nextClipId), remove and move clips between
    // tracks, but keeps the order of the clips it leaves alone.
    void editClips(const QString& text, const std::function<void(accord::Project&)>& edit);

    accord::Project project_;
    QString path_;
    QUndoStack* undo_;
    std::map<std::string, std::int64_t> mediaLengths_;
};

} // namespace accord::ui
