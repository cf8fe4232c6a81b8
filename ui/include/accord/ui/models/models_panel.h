#pragma once

// The Models panel (docs/ARCHITECTURE.md "Voice model"): train a voice model of one rights holder
// on the recordings they consented to, watch the loss fall, cancel and resume; read the card of
// every voice model in the registry; run a track through a model.
//
// - Training: the owner's recordings are listed; only those the policy engine allows for
//   `train-voice` can be ticked, the others are shown disabled with the reason in plain words.
//   Training runs on a worker of this panel (nice 10, its own registry connection) and hands
//   over progress at most ~10 times a second; the window only appends the new points. Cancel
//   keeps the checkpoint, and Resume runs the same request again, which continues from it.
// - Model cards: owner, creation, the training recordings with the grants that allowed them,
//   metrics, state (source-revoked, generate allowed or not), weights hash. Each file's card is
//   read and verified on a worker.
// - Apply: sets the track's model through an undoable edit, only when the policy engine allows
//   `generate` with that model; a refusal lists every missing grant.
// - On the ledger: every record the shared ledger holds about the selected model and the grants
//   they name, each with where it stands now, as `accord-cli ledger query --model` lists them
//   (docs/LEDGER.md "Query"), read and verified on a worker.

#include "accord/models/voice_model.h"
#include "accord/workflows/train.h"

#include <QFutureWatcher>
#include <QPointF>
#include <QString>
#include <QStringList>
#include <QThreadPool>
#include <QVector>
#include <QWidget>

#include <atomic>
#include <map>
#include <memory>
#include <string>
#include <vector>

class QChart;
class QComboBox;
class QLabel;
class QLineEdit;
class QLineSeries;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QTreeWidget;
class QValueAxis;

namespace accord::ui {

class GrantDialog;
class LedgerHistoryView;
class ProjectDocument;
class RegistrySession;
class ShareDialog;
struct CardCheck;
struct TrainingOutcome;
struct TrainingUpdate;

class ModelsPanel : public QWidget {
    Q_OBJECT

public:
    // Columns of the two lists.
    enum AssetColumn { AssetName, AssetLength, AssetConsent, AssetColumnCount };
    enum ModelColumn {
        ModelId,
        ModelOwner,
        ModelCreated,
        ModelState,
        ModelRange,
        ModelTraining,
        ModelMetrics,
        ModelWeights,
        ModelColumnCount
    };
    static constexpr int kDefaultSteps = 800; // the voice model's default schedule
    static constexpr int kDefaultWidth = 128; // the voice model's default network width

    ModelsPanel(RegistrySession* session, ProjectDocument* document, QWidget* parent = nullptr);
    // Cancels a running training (its checkpoint is kept) and waits for the workers.
    ~ModelsPanel() override;

    // ---- training ----
    QComboBox* ownerBox() const { return owner_; }
    QTreeWidget* assetList() const { return assets_; }
    QLineEdit* outputEdit() const { return output_; }
    QSpinBox* budgetBox() const { return budget_; }
    QSpinBox* stepsBox() const { return steps_; }
    QSpinBox* widthBox() const { return width_; }
    QPushButton* trainButton() const { return trainButton_; }
    QPushButton* cancelButton() const { return cancelButton_; }
    QPushButton* resumeButton() const { return resumeButton_; }
    QProgressBar* progressBar() const { return progress_; }
    QLabel* messageLabel() const { return message_; }
    QLabel* trainHintLabel() const { return trainHint_; }
    // Why Train is disabled, in plain words; empty when it can start.
    QString whyTrainingCannotStart() const;
    // "Allow Training…": the grant dialog for the first recording that may not be trained on,
    // filled in for voice training (nullptr when there is none).
    GrantDialog* allowTraining();
    QPushButton* allowTrainingButton() const { return allowButton_; }
    // Who is working (the window's "Working as"): the models' state says whether they may sing.
    void setActor(const QString& holderId);

    QString selectedOwner() const;
    void selectOwner(const QString& holderId);
    // The ids of the ticked recordings, in list order.
    QStringList checkedAssets() const;
    void setAssetChecked(const QString& assetId, bool checked);
    bool isTraining() const { return running_ != nullptr; }
    // Whether Resume would continue an interrupted run.
    bool canResume() const;
    // The plotted curves: training loss at every step, validation loss where it was measured.
    QVector<QPointF> trainingLossPoints() const;
    QVector<QPointF> validationLossPoints() const;
    // The model the last training registered (empty when none).
    QString lastTrainedModel() const { return lastModel_; }

    // ---- model cards ----
    QTreeWidget* modelList() const { return models_; }
    QPlainTextEdit* cardView() const { return card_; }
    QString selectedModel() const;
    void selectModel(const QString& modelId);
    bool isCheckingCards() const;

    // ---- apply to a track ----
    QComboBox* trackBox() const { return track_; }
    QPushButton* applyButton() const { return applyButton_; }
    QPushButton* removeButton() const { return removeButton_; }
    QPushButton* shareButton() const { return shareButton_; }
    // Opens the Share dialog for the selected model (docs/CONSENT.md "Model packs"); modeless.
    ShareDialog* shareSelected();
    QLabel* applyMessage() const { return applyMessage_; }
    // The transposition (semitones) the track is re-sung with; Apply uses it.
    QSpinBox* transposeBox() const { return transpose_; }
    // Shown when the track sings far from the model's voice: applies the suggested octaves.
    QPushButton* suggestedTransposeButton() const { return suggestTranspose_; }
    // Sets the track's model to the model's file and the transposition (one undoable edit) when
    // the policy engine allows `generate` with it; otherwise shows every missing grant and
    // returns false. Then compares where the track sings with where the model's voice sang (on a
    // worker; rangesCompared when shown).
    bool applyModel(const QString& modelId, const QString& trackId);
    // Runs the track through no model any more (one undoable edit).
    void removeModel(const QString& trackId);

    // ---- the selected model on the shared ledger ----
    QPushButton* ledgerHistoryButton() const { return ledgerButton_; }
    LedgerHistoryView* ledgerView() const { return ledgerView_; }
    // Reads on a worker what the ledger set in the studio (LedgerStatus::url()) holds about the
    // selected model and lists it, one line per record or statement; ledgerHistoryShown when
    // listed, or when the message says why it could not be read.
    void showLedgerHistory();

public Q_SLOTS:
    void train();
    void resume();
    void cancel();
    void chooseOutput();

Q_SIGNALS:
    void trainingChanged(bool running);
    // While training: the step reached of `total` (for the status bar, wherever one is).
    void trainingProgress(int step, int total);
    // A training run ended: `modelId` when a model was registered, empty otherwise.
    void trainingFinished(const QString& modelId);
    // The ranges of a model and of the track it was applied to, or of a track chosen that runs
    // through a model, are shown in the apply message.
    void rangesCompared();
    // The ledger's history of a model is listed, or the message says why it is not.
    void ledgerHistoryShown();

private:
    struct Run {
        accord::workflows::VoiceTrainingRequest request;
        std::shared_ptr<std::atomic<bool>> cancel;
        bool cancelling = false;
    };

    QWidget* makeTrainingSection();
    QWidget* makeCardsSection();
    void setupChart();

    void reload();
    void reloadOwners();
    void reloadAssets();
    void reloadModels();
    void reloadTracks();
    void checkCards();
    void showCards(const std::vector<CardCheck>& checks);
    void showSelectedCard();
    void updateDefaultOutput();
    void updateButtons();
    // The id of the first listed recording that may not be trained on, or empty.
    QString firstRefusedRecording() const;
    void updateTrackModel();
    // Shows where the model's voice and the track sing, after `lead` (the apply message, or
    // nothing when the track was chosen), and offers the octave that brings them together.
    void compareRanges(const QString& modelId, const QString& trackId, const QString& lead);

    void start(accord::workflows::VoiceTrainingRequest request, bool resuming);
    void applyUpdate(const TrainingUpdate& update);
    void finish(const TrainingOutcome& outcome);
    void clearChart();

    RegistrySession* session_;
    ProjectDocument* document_;

    QComboBox* owner_ = nullptr;
    QTreeWidget* assets_ = nullptr;
    QLineEdit* output_ = nullptr;
    QPushButton* chooseButton_ = nullptr;
    QSpinBox* budget_ = nullptr;
    QSpinBox* steps_ = nullptr;
    QSpinBox* width_ = nullptr;
    QPushButton* trainButton_ = nullptr;
    QPushButton* cancelButton_ = nullptr;
    QPushButton* resumeButton_ = nullptr;
    QProgressBar* progress_ = nullptr;
    QLabel* message_ = nullptr;
    QLabel* trainHint_ = nullptr; // what Train needs, before any run
    QChart* chart_ = nullptr;
    QLineSeries* trainingSeries_ = nullptr;
    QLineSeries* validationSeries_ = nullptr;
    QValueAxis* stepAxis_ = nullptr;
    QValueAxis* lossAxis_ = nullptr;
    double lossMin_ = 0;
    double lossMax_ = 0;

    QTreeWidget* models_ = nullptr;
    QPlainTextEdit* card_ = nullptr;
    QComboBox* track_ = nullptr;
    QPushButton* applyButton_ = nullptr;
    QPushButton* removeButton_ = nullptr;
    QPushButton* shareButton_ = nullptr;
    QLabel* trackModel_ = nullptr;
    QSpinBox* transpose_ = nullptr;
    QPushButton* suggestTranspose_ = nullptr;
    QLabel* applyMessage_ = nullptr;
    std::uint64_t rangeTicket_ = 0; // only the newest comparison is shown
    QPushButton* ledgerButton_ = nullptr;
    LedgerHistoryView* ledgerView_ = nullptr;

    // The last path the panel suggested: while the field still holds it, it follows the owner.
    QString suggestedOutput_;
    QString listedOwner_; // whose recordings the list shows (ticks survive a reload)
    QString lastModel_;
    std::unique_ptr<Run> running_;
    // The request of a run that was cancelled or stopped by its time budget: Resume repeats it.
    std::unique_ptr<accord::workflows::VoiceTrainingRequest> resumable_;
    int lastStep_ = 0;
    QThreadPool pool_;

    // Verified cards by file; a file's entry is dropped when its size or time changes.
    struct CachedCard {
        qint64 size = -1;
        qint64 modified = 0;
        std::shared_ptr<CardCheck> check;
    };
    std::map<std::string, CachedCard> cards_;
    QFutureWatcher<std::vector<CardCheck>>* cardWatcher_ = nullptr;
    bool checkingCards_ = false; // a round is running or its result is not shown yet
    std::string actor_;
    bool showsDenial_ = false; // the training message is a consent denial
    QPushButton* allowButton_ = nullptr;
};

} // namespace accord::ui
