#pragma once

// The Variations panel (docs/STYLE.md, docs/CONSENT.md "Generating"): variations of a phrase
// proposed by a registered style model, never a copy of its training material.
//
// - The phrase is the clip selected in the arrangement (the stretch of its source file it plays:
//   a registered recording or render) or a registered MIDI or audio file the user chooses.
// - Generate runs workflows::makeVariations on a worker of this panel (nice 10, its own registry
//   connection) with a progress bar and Cancel; a consent denial lists every missing grant.
// - Each variation is listed with its "sounds like you" meter (its per-note log-likelihood
//   against the phrase's own), its longest run shared with the material and with which asset,
//   its waveform and a piano roll of its MIDI.
// - Add to Arrangement places its audio (a registered render, so the clip keeps its lineage) on a
//   new track, under the phrase's clip when there is one: one undoable edit. A/B solos the
//   original's track or the variation's (placing the variation first when it is not yet), which
//   the engine switches with its 10 ms ramp while the transport runs. Export MIDI saves a copy of
//   its MIDI file.

#include "accord/core/melody.h"
#include "accord/workflows/style.h"

#include <QString>
#include <QThreadPool>
#include <QWidget>

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QTreeWidget;

namespace accord::ui {

class PlaybackController;
class ProjectDocument;
class RegistrySession;
class WaveformCache;
struct VariationsOutcome;

// One variation as the panel lists it.
struct MadeVariation {
    accord::workflows::VariationFile file;
    accord::Melody notes;           // read back from its MIDI file, for the piano roll
    std::string pcmSha256;          // of its audio: the content a clip of it plays
    std::int64_t projectFrames = 0; // its audio's length at the project rate
    std::string track;              // the track Add to Arrangement made for it, or empty
};

class VariationsPanel : public QWidget {
    Q_OBJECT

public:
    // Who generates (the window's "Working as"; empty: anyone in this studio).
    void setActor(const QString& holderId) { actor_ = holderId.toStdString(); }

    enum Column {
        VariationName,
        VariationLikeness,
        VariationSharedRun,
        VariationWaveform,
        VariationNotes,
        ColumnCount
    };
    // Which side of an A/B comparison plays.
    enum class Audition { Original, Variation, Both };

    VariationsPanel(RegistrySession* session, ProjectDocument* document, WaveformCache* waveforms,
                    PlaybackController* playback, QWidget* parent = nullptr);
    // Cancels a running generation (the variations finished so far stay registered) and waits.
    ~VariationsPanel() override;

    // ---- model and phrase ----
    QComboBox* modelBox() const { return model_; }
    QString modelFile() const;
    // Selects the registered style model stored in `file` (added to the list when it is not
    // one of the registry's).
    void setModelFile(const QString& file);
    QLabel* phraseLabel() const { return phrase_; }
    QString phraseFile() const { return QString::fromStdString(phraseFile_); }
    QString phraseClip() const { return QString::fromStdString(phraseClip_); }
    QPushButton* useClipButton() const { return useClipButton_; }
    void usePhraseFile(const QString& file);
    // The selected clip's whole source file becomes the phrase.
    bool useClip(const QString& clipId);

    // ---- steering ----
    QSpinBox* countBox() const { return count_; }
    QSpinBox* seedBox() const { return seed_; }
    QDoubleSpinBox* temperatureBox() const { return temperature_; }
    QDoubleSpinBox* strayBox() const { return stray_; }
    QCheckBox* keepRhythmBox() const { return keepRhythm_; }
    QCheckBox* keepContourBox() const { return keepContour_; }
    QDoubleSpinBox* densityBox() const { return density_; }
    QSpinBox* registerBox() const { return register_; }
    QComboBox* voiceBox() const { return voice_; }
    QSpinBox* programBox() const { return program_; }
    // Each run writes into a new folder inside this one.
    QLineEdit* outputEdit() const { return output_; }

    // ---- generating ----
    QPushButton* generateButton() const { return generateButton_; }
    QPushButton* cancelButton() const { return cancelButton_; }
    QProgressBar* progressBar() const { return progress_; }
    QLabel* messageLabel() const { return message_; }
    bool isGenerating() const { return running_ != nullptr; }

    // ---- the variations ----
    QTreeWidget* variationList() const { return list_; }
    const std::vector<MadeVariation>& variations() const { return rows_; }
    double phraseLogLikelihood() const { return phraseScore_; }
    int selectedRow() const;
    void selectRow(int row);
    QPushButton* addButton() const { return addButton_; }
    QPushButton* exportButton() const { return exportButton_; }
    QPushButton* auditionOriginalButton() const { return auditionOriginal_; }
    QPushButton* auditionVariationButton() const { return auditionVariation_; }
    QPushButton* auditionBothButton() const { return auditionBoth_; }
    QLabel* rowMessageLabel() const { return rowMessage_; }

    // Places variation `row` on a new track as one undoable edit; returns the clip's id (empty
    // when it could not be placed, with the reason shown).
    QString addToArrangement(int row);
    // Copies variation `row`'s MIDI file to `path`.
    bool exportMidi(int row, const QString& path);
    // Solos the phrase clip's track, the variation's, or neither (one undoable edit).
    void audition(int row, Audition side);

public Q_SLOTS:
    void generate();
    void cancel();
    // The arrangement's selection: offered as the phrase (empty: no clip selected).
    void setSelectedClip(const QString& clipId);

Q_SIGNALS:
    void generatingChanged(bool running);
    // A run ended; `made` variations were listed.
    void generationFinished(int made);

private:
    struct Run {
        std::shared_ptr<std::atomic<bool>> cancel;
        bool cancelling = false;
    };

    QWidget* makeSourceSection();
    QWidget* makeSteeringSection();
    QWidget* makeListSection();
    void reloadModels();
    void chooseModelFile();
    void choosePhraseFile();
    void chooseOutput();
    void exportSelected();
    void finish(const VariationsOutcome& outcome);
    void showVariations();
    void updateButtons();
    QString nextRunFolder() const;

    RegistrySession* session_;
    ProjectDocument* document_;
    WaveformCache* waveforms_;
    PlaybackController* playback_;

    QComboBox* model_ = nullptr;
    QPushButton* modelFileButton_ = nullptr;
    QLabel* phrase_ = nullptr;
    QPushButton* useClipButton_ = nullptr;
    QPushButton* phraseFileButton_ = nullptr;
    QSpinBox* count_ = nullptr;
    QSpinBox* seed_ = nullptr;
    QDoubleSpinBox* temperature_ = nullptr;
    QDoubleSpinBox* stray_ = nullptr;
    QCheckBox* keepRhythm_ = nullptr;
    QCheckBox* keepContour_ = nullptr;
    QDoubleSpinBox* density_ = nullptr;
    QSpinBox* register_ = nullptr;
    QComboBox* voice_ = nullptr;
    QSpinBox* program_ = nullptr;
    QLineEdit* output_ = nullptr;
    QPushButton* outputButton_ = nullptr;
    QPushButton* generateButton_ = nullptr;
    QPushButton* cancelButton_ = nullptr;
    QProgressBar* progress_ = nullptr;
    QLabel* message_ = nullptr;
    QTreeWidget* list_ = nullptr;
    QPushButton* addButton_ = nullptr;
    QPushButton* exportButton_ = nullptr;
    QPushButton* auditionOriginal_ = nullptr;
    QPushButton* auditionVariation_ = nullptr;
    QPushButton* auditionBoth_ = nullptr;
    QLabel* rowMessage_ = nullptr;

    std::string phraseFile_;
    std::string phraseClip_; // the arrangement clip the phrase came from, or empty
    std::optional<accord::workflows::PhraseRegion> phraseRegion_; // the part the clip plays
    std::string selectedClip_;                                    // the arrangement's selection
    std::vector<MadeVariation> rows_;
    double phraseScore_ = 0;
    std::unique_ptr<Run> running_;
    QThreadPool pool_;
    std::string actor_;
};

} // namespace accord::ui
