#include "accord/ui/variations/variations_panel.h"
#include "accord/ui/common/messages.h"

#include "accord/core/registry.h"
#include "accord/ui/arrangement/waveform_cache.h"
#include "accord/ui/common/audio_files.h"
#include "accord/ui/common/labels.h"
#include "accord/ui/common/palette.h"
#include "accord/ui/playback/playback_controller.h"
#include "accord/ui/project/project_document.h"
#include "accord/ui/shell/registry_session.h"

#include "variation_views.h"
#include "variations_worker.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QFutureWatcher>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTreeWidget>
#include <QUndoStack>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <cmath>
#include <limits>

namespace accord::ui {

namespace {

constexpr int kMaxCount = 64; // docs/CLI.md "vary"
constexpr int kDefaultCount = 4;
constexpr int kMaxRegisterShift = 24;
constexpr int kMaxProgram = 127;
constexpr int kProgressSteps = 1000;
// The meter's span: a variation this many nats per note likelier than the phrase fills it, as
// much less likely empties it; as likely as the phrase is half.
constexpr double kMeterSpanNats = 2.0;

QDoubleSpinBox* makeDoubleBox(QWidget* parent, const char* name, double low, double high,
                              double value, const QString& tip) {
    auto* box = new QDoubleSpinBox(parent);
    box->setObjectName(QLatin1String(name));
    box->setRange(low, high);
    box->setSingleStep(0.1);
    box->setDecimals(2);
    box->setValue(value);
    box->setToolTip(tip);
    return box;
}

QSpinBox* makeIntBox(QWidget* parent, const char* name, int low, int high, int value,
                     const QString& tip) {
    auto* box = new QSpinBox(parent);
    box->setObjectName(QLatin1String(name));
    box->setRange(low, high);
    box->setValue(value);
    box->setToolTip(tip);
    return box;
}

QString modelLabel(const ConsentGraph& graph, const Model& model) {
    return QStringLiteral("%1 · %2 (%3)")
        .arg(fromStd(model.id), holderName(graph, model.owner),
             QFileInfo(fromStd(model.file)).fileName());
}

} // namespace

VariationsPanel::VariationsPanel(RegistrySession* session, ProjectDocument* document,
                                 WaveformCache* waveforms, PlaybackController* playback,
                                 QWidget* parent)
    : QWidget(parent), session_(session), document_(document), waveforms_(waveforms),
      playback_(playback) {
    // One generation at a time: it keeps a core busy and the other belongs to the window and audio.
    pool_.setMaxThreadCount(1);
    pool_.setObjectName(QStringLiteral("variations"));

    auto* top = new QHBoxLayout;
    top->addWidget(makeSourceSection(), 1);
    top->addWidget(makeSteeringSection(), 1);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(makeListSection(), 1);

    connect(session_, &RegistrySession::changed, this, &VariationsPanel::reloadModels);
    connect(document_, &ProjectDocument::structureChanged, this, &VariationsPanel::updateButtons);
    connect(document_, &ProjectDocument::projectReset, this, [this] {
        phraseClip_.clear();
        selectedClip_.clear();
        updateButtons();
    });
    reloadModels();
    usePhraseFile(QString());
}

VariationsPanel::~VariationsPanel() {
    if (running_)
        running_->cancel->store(true); // the variations finished so far stay registered
    pool_.waitForDone();
}

// ---- layout -----------------------------------------------------------------------------------

QWidget* VariationsPanel::makeSourceSection() {
    auto* section = new QGroupBox(tr("Phrase and style"), this);

    model_ = new QComboBox(section);
    model_->setObjectName(QStringLiteral("styleModel"));
    model_->setToolTip(tr("A registered style model: whose melodic language the variations use"));
    modelFileButton_ = new QPushButton(tr("Model File…"), section);
    modelFileButton_->setObjectName(QStringLiteral("chooseStyleModel"));
    auto* modelRow = new QHBoxLayout;
    modelRow->addWidget(model_, 1);
    modelRow->addWidget(modelFileButton_);

    phrase_ = new QLabel(section);
    phrase_->setObjectName(QStringLiteral("phraseLabel"));
    phrase_->setWordWrap(true);
    useClipButton_ = new QPushButton(tr("Use Selected Clip"), section);
    useClipButton_->setObjectName(QStringLiteral("useSelectedClip"));
    useClipButton_->setToolTip(tr("The whole source file of the clip selected in the "
                                  "arrangement becomes the phrase"));
    phraseFileButton_ = new QPushButton(tr("Phrase File…"), section);
    phraseFileButton_->setObjectName(QStringLiteral("choosePhraseFile"));
    phraseFileButton_->setToolTip(tr("A registered MIDI file, recording or render"));
    auto* phraseButtons = new QHBoxLayout;
    phraseButtons->addWidget(useClipButton_);
    phraseButtons->addWidget(phraseFileButton_);
    phraseButtons->addStretch(1);

    output_ = new QLineEdit(section);
    output_->setObjectName(QStringLiteral("variationsOutput"));
    output_->setText(QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation) +
                     QStringLiteral("/accord/variations"));
    output_->setToolTip(tr("Each run writes its WAV and MIDI files into a new folder in here"));
    outputButton_ = new QPushButton(tr("Choose…"), section);
    outputButton_->setObjectName(QStringLiteral("chooseVariationsOutput"));
    auto* outputRow = new QHBoxLayout;
    outputRow->addWidget(output_, 1);
    outputRow->addWidget(outputButton_);

    auto* form = new QFormLayout(section);
    form->addRow(tr("Style model:"), modelRow);
    form->addRow(tr("Phrase:"), phrase_);
    form->addRow(QString(), phraseButtons);
    form->addRow(tr("Save in:"), outputRow);

    connect(model_, &QComboBox::currentIndexChanged, this, &VariationsPanel::updateButtons);
    connect(modelFileButton_, &QPushButton::clicked, this, &VariationsPanel::chooseModelFile);
    connect(useClipButton_, &QPushButton::clicked, this,
            [this] { useClip(fromStd(selectedClip_)); });
    connect(phraseFileButton_, &QPushButton::clicked, this, &VariationsPanel::choosePhraseFile);
    connect(outputButton_, &QPushButton::clicked, this, &VariationsPanel::chooseOutput);
    connect(output_, &QLineEdit::textChanged, this, &VariationsPanel::updateButtons);
    return section;
}

QWidget* VariationsPanel::makeSteeringSection() {
    auto* section = new QGroupBox(tr("Variations"), this);
    count_ = makeIntBox(section, "variationCount", 1, kMaxCount, kDefaultCount,
                        tr("How many variations to make"));
    seed_ = makeIntBox(section, "variationSeed", 0, std::numeric_limits<int>::max(), 1,
                       tr("The same seed, model and phrase give the same notes"));
    temperature_ = makeDoubleBox(section, "variationTemperature", 0, 5, 1,
                                 tr("0 always takes the likeliest allowed note; higher is bolder"));
    stray_ = makeDoubleBox(section, "variationStray", 0, 1, 0.5,
                           tr("Share of the phrase's notes that are written anew"));
    density_ = makeDoubleBox(section, "variationDensity", -1, 1, 0,
                             tr("Fewer (-1) or more (+1) notes than the model would choose"));
    register_ = makeIntBox(section, "variationRegister", -kMaxRegisterShift, kMaxRegisterShift, 0,
                           tr("Semitones where the new notes are centred"));
    register_->setSuffix(tr(" st"));
    keepRhythm_ = new QCheckBox(tr("Keep rhythm"), section);
    keepRhythm_->setObjectName(QStringLiteral("keepRhythm"));
    keepRhythm_->setToolTip(tr("New notes keep the phrase's onsets and lengths"));
    keepContour_ = new QCheckBox(tr("Keep contour"), section);
    keepContour_->setObjectName(QStringLiteral("keepContour"));
    keepContour_->setToolTip(tr("New notes move in the phrase's direction"));
    voice_ = new QComboBox(section);
    voice_->setObjectName(QStringLiteral("variationVoice"));
    voice_->setToolTip(tr("Who sings the variations: a voice model, or an instrument"));
    program_ = makeIntBox(section, "variationProgram", 0, kMaxProgram, 0,
                          tr("The General MIDI instrument (program 0-127) without a voice model"));

    auto* form = new QFormLayout;
    form->addRow(tr("Count:"), count_);
    form->addRow(tr("Seed:"), seed_);
    form->addRow(tr("Temperature:"), temperature_);
    form->addRow(tr("Stray:"), stray_);
    auto* right = new QFormLayout;
    right->addRow(tr("Density:"), density_);
    right->addRow(tr("Register:"), register_);
    right->addRow(keepRhythm_);
    right->addRow(keepContour_);
    auto* columns = new QHBoxLayout;
    columns->addLayout(form);
    columns->addLayout(right);
    auto* sound = new QHBoxLayout;
    sound->addWidget(new QLabel(tr("Sung by:"), section));
    sound->addWidget(voice_, 1);
    sound->addWidget(new QLabel(tr("GM program:"), section));
    sound->addWidget(program_);

    generateButton_ = new QPushButton(tr("Generate"), section);
    generateButton_->setObjectName(QStringLiteral("generateVariations"));
    generateButton_->setDefault(true);
    generateButton_->setToolTip(tr("Needs a generate grant from every owner of the model's "
                                   "training material"));
    cancelButton_ = new QPushButton(tr("Cancel"), section);
    cancelButton_->setObjectName(QStringLiteral("cancelVariations"));
    cancelButton_->setToolTip(tr("Stop after the variation being made; those made stay"));
    progress_ = new QProgressBar(section);
    progress_->setObjectName(QStringLiteral("variationsProgress"));
    progress_->setRange(0, kProgressSteps);
    progress_->setValue(0);
    auto* actions = new QHBoxLayout;
    actions->addWidget(generateButton_);
    actions->addWidget(cancelButton_);
    actions->addWidget(progress_, 1);
    message_ = new QLabel(section);
    message_->setObjectName(QStringLiteral("variationsMessage"));
    message_->setWordWrap(true);
    message_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    setMessage(message_, QString());

    auto* layout = new QVBoxLayout(section);
    layout->addLayout(columns);
    layout->addLayout(sound);
    layout->addLayout(actions);
    layout->addWidget(message_);

    connect(voice_, &QComboBox::currentIndexChanged, this, &VariationsPanel::updateButtons);
    connect(generateButton_, &QPushButton::clicked, this, &VariationsPanel::generate);
    connect(cancelButton_, &QPushButton::clicked, this, &VariationsPanel::cancel);
    return section;
}

QWidget* VariationsPanel::makeListSection() {
    auto* section = new QGroupBox(tr("Made"), this);
    list_ = new QTreeWidget(section);
    list_->setObjectName(QStringLiteral("variationList"));
    list_->setHeaderLabels({tr("Variation"), tr("Sounds like you"), tr("Longest shared run"),
                            tr("Waveform"), tr("Notes")});
    list_->setRootIsDecorated(false);
    list_->setSelectionMode(QAbstractItemView::SingleSelection);
    list_->header()->setStretchLastSection(true);

    addButton_ = new QPushButton(tr("Add to Arrangement"), section);
    addButton_->setObjectName(QStringLiteral("addVariation"));
    addButton_->setToolTip(tr("Place its audio on a new track, under the phrase's clip"));
    exportButton_ = new QPushButton(tr("Export MIDI…"), section);
    exportButton_->setObjectName(QStringLiteral("exportVariationMidi"));
    auditionOriginal_ = new QPushButton(tr("A: Original"), section);
    auditionOriginal_->setObjectName(QStringLiteral("auditionOriginal"));
    auditionOriginal_->setToolTip(tr("Solo the phrase's track (switches while playing)"));
    auditionVariation_ = new QPushButton(tr("B: Variation"), section);
    auditionVariation_->setObjectName(QStringLiteral("auditionVariation"));
    auditionVariation_->setToolTip(
        tr("Solo the variation's track, placing it under the phrase first (switches while "
           "playing)"));
    auditionBoth_ = new QPushButton(tr("Both"), section);
    auditionBoth_->setObjectName(QStringLiteral("auditionBoth"));
    auditionBoth_->setToolTip(tr("Solo neither: hear them with the rest of the mix"));
    auto* actions = new QHBoxLayout;
    actions->addWidget(addButton_);
    actions->addWidget(exportButton_);
    actions->addSpacing(12);
    actions->addWidget(auditionOriginal_);
    actions->addWidget(auditionVariation_);
    actions->addWidget(auditionBoth_);
    actions->addStretch(1);
    rowMessage_ = new QLabel(section);
    rowMessage_->setObjectName(QStringLiteral("variationRowMessage"));
    rowMessage_->setWordWrap(true);
    setMessage(rowMessage_, QString());

    auto* layout = new QVBoxLayout(section);
    layout->addWidget(list_, 1);
    layout->addLayout(actions);
    layout->addWidget(rowMessage_);

    connect(list_, &QTreeWidget::itemSelectionChanged, this, &VariationsPanel::updateButtons);
    connect(addButton_, &QPushButton::clicked, this, [this] { addToArrangement(selectedRow()); });
    connect(exportButton_, &QPushButton::clicked, this, &VariationsPanel::exportSelected);
    connect(auditionOriginal_, &QPushButton::clicked, this,
            [this] { audition(selectedRow(), Audition::Original); });
    connect(auditionVariation_, &QPushButton::clicked, this,
            [this] { audition(selectedRow(), Audition::Variation); });
    connect(auditionBoth_, &QPushButton::clicked, this,
            [this] { audition(selectedRow(), Audition::Both); });
    return section;
}

// ---- model and phrase ---------------------------------------------------------------------------

void VariationsPanel::reloadModels() {
    const QString model = modelFile();
    const QString voice = voice_->currentData().toString();
    const QSignalBlocker modelBlocker(model_);
    const QSignalBlocker voiceBlocker(voice_);
    model_->clear();
    voice_->clear();
    voice_->addItem(tr("An instrument (General MIDI)"), QString());
    if (const Registry* registry = session_->registry()) {
        try {
            for (const Model& entry : registry->models())
                (entry.kind == ModelKind::Style ? model_ : voice_)
                    ->addItem(modelLabel(registry->consentGraph(), entry), fromStd(entry.file));
        } catch (const std::exception& error) {
            setMessage(message_, tr("Could not read the models: %1").arg(error.what()),
                       MessageKind::Error);
        }
    }
    setModelFile(model);
    const int voiceIndex = voice_->findData(voice);
    voice_->setCurrentIndex(std::max(0, voiceIndex));
    updateButtons();
}

QString VariationsPanel::modelFile() const {
    return model_->currentData().toString();
}

void VariationsPanel::setModelFile(const QString& file) {
    if (file.isEmpty())
        return;
    int index = model_->findData(file);
    if (index < 0) {
        model_->addItem(QFileInfo(file).fileName(), file);
        index = model_->count() - 1;
    }
    model_->setCurrentIndex(index);
}

void VariationsPanel::chooseModelFile() {
    const QString file =
        QFileDialog::getOpenFileName(this, tr("Style Model"), QFileInfo(modelFile()).absolutePath(),
                                     tr("Accord style models (*.accordstyle);;All files (*)"));
    if (!file.isEmpty())
        setModelFile(file);
}

void VariationsPanel::usePhraseFile(const QString& file) {
    phraseFile_ = file.isEmpty() ? std::string() : QFileInfo(file).absoluteFilePath().toStdString();
    phraseClip_.clear();
    phraseRegion_.reset();
    phrase_->setText(file.isEmpty() ? tr("Select a clip in the arrangement or choose a file.")
                                    : QFileInfo(file).fileName());
    phrase_->setToolTip(file);
    updateButtons();
}

bool VariationsPanel::useClip(const QString& clipId) {
    std::string trackId;
    const accord::Clip* clip = document_->findClip(clipId.toStdString(), &trackId);
    if (clip == nullptr)
        return false;
    phraseFile_ = clip->file;
    phraseClip_ = clip->id;
    const double rate = document_->project().sampleRate;
    phraseRegion_ = accord::workflows::PhraseRegion{double(clip->offset) / rate,
                                                    double(clip->offset + clip->length) / rate};
    phrase_->setText(tr("The clip %1 on '%2' (%3–%4 s of %5)")
                         .arg(fromStd(clip->id), fromStd(document_->findTrack(trackId)->name))
                         .arg(phraseRegion_->start, 0, 'f', 1)
                         .arg(phraseRegion_->end, 0, 'f', 1)
                         .arg(QFileInfo(fromStd(clip->file)).fileName()));
    phrase_->setToolTip(fromStd(clip->file));
    updateButtons();
    return true;
}

void VariationsPanel::setSelectedClip(const QString& clipId) {
    selectedClip_ = clipId.toStdString();
    // The selection leads until the user chooses a file.
    if (!clipId.isEmpty() && (phraseFile_.empty() || !phraseClip_.empty()))
        useClip(clipId);
    updateButtons();
}

void VariationsPanel::choosePhraseFile() {
    const QString file =
        QFileDialog::getOpenFileName(this, tr("Phrase"), QFileInfo(phraseFile()).absolutePath(),
                                     tr("MIDI files (*.mid *.midi);;") + audioFileFilter());
    if (!file.isEmpty())
        usePhraseFile(file);
}

void VariationsPanel::chooseOutput() {
    const QString folder =
        QFileDialog::getExistingDirectory(this, tr("Save Variations In"), output_->text());
    if (!folder.isEmpty())
        output_->setText(folder);
}

QString VariationsPanel::nextRunFolder() const {
    const QDir base(output_->text().trimmed());
    const QString name = QFileInfo(phraseFile()).completeBaseName();
    for (int n = 1;; ++n) {
        const QString folder = base.filePath(QStringLiteral("%1 %2").arg(name).arg(n));
        if (!QFileInfo::exists(folder))
            return QDir::cleanPath(base.absoluteFilePath(folder));
    }
}

// ---- generating ---------------------------------------------------------------------------------

void VariationsPanel::generate() {
    if (running_)
        return;
    if (!session_->isOpen() || modelFile().isEmpty() || phraseFile_.empty() ||
        output_->text().trimmed().isEmpty()) {
        setMessage(message_, tr("Open a registry, choose a style model, a phrase and a folder."),
                   MessageKind::Error);
        return;
    }
    accord::workflows::VariationsRequest request;
    request.actor = actor_;
    request.modelFile = modelFile().toStdString();
    request.input = phraseFile_;
    request.region = phraseRegion_;
    request.outDir = nextRunFolder().toStdString();
    request.voiceModelFile = voice_->currentData().toString().toStdString();
    request.gmProgram = program_->value();
    request.sampleRate = document_->project().sampleRate;
    request.variation.count = count_->value();
    request.variation.seed = static_cast<std::uint64_t>(seed_->value());
    request.variation.temperature = temperature_->value();
    request.variation.stray = stray_->value();
    request.variation.keepRhythm = keepRhythm_->isChecked();
    request.variation.keepContour = keepContour_->isChecked();
    request.variation.density = density_->value();
    request.variation.registerShift = register_->value();

    rows_.clear();
    list_->clear();
    setMessage(rowMessage_, QString());
    running_ = std::make_unique<Run>();
    running_->cancel = std::make_shared<std::atomic<bool>>(false);
    progress_->setRange(0, 0); // busy until the first variation is written
    setMessage(message_, tr("Checking consent and writing %1…")
                             .arg(counted(request.variation.count, tr("one variation"),
                                          tr("%1 variations"))));

    // Runs on the worker: only queues the value for the UI thread.
    const std::function<void(double)> progress = [this](double done) {
        QMetaObject::invokeMethod(
            this,
            [this, done] {
                if (!running_)
                    return;
                progress_->setRange(0, kProgressSteps);
                progress_->setValue(static_cast<int>(std::lround(done * kProgressSteps)));
            },
            Qt::QueuedConnection);
    };
    auto* watcher = new QFutureWatcher<VariationsOutcome>(this);
    connect(watcher, &QFutureWatcher<VariationsOutcome>::finished, this, [this, watcher] {
        watcher->deleteLater();
        finish(watcher->result());
    });
    watcher->setFuture(
        QtConcurrent::run(&pool_, [path = session_->path(), request, rate = request.sampleRate,
                                   progress, cancel = running_->cancel] {
            return runVariations(path, request, rate, progress, cancel.get());
        }));
    updateButtons();
    Q_EMIT generatingChanged(true);
}

void VariationsPanel::cancel() {
    if (!running_ || running_->cancelling)
        return;
    running_->cancelling = true;
    running_->cancel->store(true);
    setMessage(message_, tr("Cancelling after the variation being made…"));
    updateButtons();
}

void VariationsPanel::finish(const VariationsOutcome& outcome) {
    if (!running_)
        return;
    running_.reset();
    progress_->setRange(0, kProgressSteps);
    if (!outcome.ok) {
        progress_->setValue(0);
        const QString text = outcome.denied.isEmpty()
                                 ? tr("Could not make variations: %1").arg(outcome.error)
                                 : outcome.error + bulleted(outcome.denied);
        setMessage(message_, text, MessageKind::Error);
    } else {
        rows_ = outcome.variations;
        phraseScore_ = outcome.phraseScore.perNoteLogLikelihood;
        showVariations();
        const QString made =
            counted(static_cast<int>(rows_.size()), tr("one variation"), tr("%1 variations"));
        const QString folder =
            rows_.empty() ? QString() : QFileInfo(fromStd(rows_.front().file.file)).absolutePath();
        if (outcome.cancelled)
            setMessage(message_,
                       rows_.empty()
                           ? tr("Cancelled: nothing was made.")
                           : tr("Cancelled: %1 made and registered, in %2.").arg(made, folder));
        else
            setMessage(message_,
                       tr("%1 made and registered, in %2.").arg(made, folder) +
                           (outcome.notes.isEmpty() ? QString() : bulleted(outcome.notes)),
                       MessageKind::Done);
        session_->notifyChanged();
    }
    updateButtons();
    Q_EMIT generatingChanged(false);
    Q_EMIT generationFinished(static_cast<int>(rows_.size()));
}

void VariationsPanel::showVariations() {
    list_->clear();
    const Registry* registry = session_->registry();
    for (std::size_t i = 0; i < rows_.size(); ++i) {
        const MadeVariation& row = rows_[i];
        auto* item = new QTreeWidgetItem(list_);
        item->setText(VariationName, tr("Variation %1").arg(i + 1));
        item->setToolTip(VariationName,
                         tr("%1 (render %2)\n%3 (render %4)\nwatermark %5")
                             .arg(fromStd(row.file.file), fromStd(row.file.render),
                                  fromStd(row.file.midi), fromStd(row.file.midiRender),
                                  fromStd(row.file.watermark)));

        const double likelihood = row.file.score.perNoteLogLikelihood;
        auto* meter = new QProgressBar(list_);
        meter->setObjectName(QStringLiteral("soundsLikeYou"));
        meter->setRange(0, kProgressSteps);
        const double share =
            std::clamp(0.5 + (likelihood - phraseScore_) / (2 * kMeterSpanNats), 0.0, 1.0);
        meter->setValue(static_cast<int>(std::lround(share * kProgressSteps)));
        meter->setFormat(
            tr("%1 per note (phrase %2)").arg(likelihood, 0, 'f', 2).arg(phraseScore_, 0, 'f', 2));
        meter->setToolTip(tr("Mean log-likelihood of each note under the style model: the higher, "
                             "the more it sounds like the model's owner. Half full is as likely "
                             "as the phrase itself."));
        list_->setItemWidget(item, VariationLikeness, meter);

        const auto& shared = row.file.longestSharedRun;
        item->setText(VariationSharedRun,
                      shared.notes == 0
                          ? tr("none (no 3 notes in a row)")
                          : tr("%1 notes, with %2")
                                .arg(shared.notes)
                                .arg(registry != nullptr
                                         ? assetLabel(registry->consentGraph(), shared.source)
                                         : fromStd(shared.source)));
        list_->setItemWidget(item, VariationWaveform,
                             new WaveformStrip(waveforms_, fromStd(row.file.file), list_));
        list_->setItemWidget(item, VariationNotes, new PianoRoll(row.notes, list_));
    }
    for (int column = 0; column < ColumnCount - 1; ++column)
        list_->resizeColumnToContents(column);
    if (!rows_.empty())
        selectRow(0);
}

int VariationsPanel::selectedRow() const {
    const QList<QTreeWidgetItem*> items = list_->selectedItems();
    return items.isEmpty() ? -1 : list_->indexOfTopLevelItem(items.first());
}

void VariationsPanel::selectRow(int row) {
    if (QTreeWidgetItem* item = list_->topLevelItem(row)) {
        list_->setCurrentItem(item);
        item->setSelected(true);
    }
}

// ---- using a variation --------------------------------------------------------------------------

QString VariationsPanel::addToArrangement(int row) {
    if (row < 0 || row >= static_cast<int>(rows_.size()))
        return QString();
    MadeVariation& variation = rows_[static_cast<std::size_t>(row)];
    if (variation.projectFrames <= 0) {
        setMessage(rowMessage_, tr("Variation %1 has no audio.").arg(row + 1), MessageKind::Error);
        return QString();
    }
    accord::Clip clip;
    // A registered render: the clip keeps its lineage (docs/CONSENT.md "Lineage").
    clip.render = variation.file.render;
    clip.pcmSha256 = variation.pcmSha256;
    clip.file = variation.file.file;
    clip.length = variation.projectFrames;
    clip.position = playback_->playhead();
    int trackIndex = -1;
    std::string phraseTrack;
    // Under the phrase's clip (the variation is of the stretch it plays): A/B compares like with
    // like.
    if (const accord::Clip* source = document_->findClip(phraseClip_, &phraseTrack)) {
        clip.position = source->position;
        clip.length = std::min(source->length, variation.projectFrames);
        trackIndex = document_->trackIndex(phraseTrack) + 1;
    }
    document_->setMediaLength(clip.file, variation.projectFrames);
    if (const Registry* registry = session_->registry())
        document_->stampRegistry(registry->studioPublicKey());

    const QString name = tr("Variation %1").arg(row + 1);
    document_->undoStack()->beginMacro(tr("Add '%1'").arg(name));
    variation.track = document_->addTrack(name, trackIndex);
    const std::string clipId = document_->addClip(variation.track, clip);
    document_->undoStack()->endMacro();
    setMessage(rowMessage_,
               tr("%1 is on its own track (render %2; undo with Ctrl+Z).")
                   .arg(name, fromStd(variation.file.render)),
               MessageKind::Done);
    updateButtons();
    return fromStd(clipId);
}

bool VariationsPanel::exportMidi(int row, const QString& path) {
    if (row < 0 || row >= static_cast<int>(rows_.size()) || path.isEmpty())
        return false;
    const QString source = fromStd(rows_[static_cast<std::size_t>(row)].file.midi);
    if (QFileInfo(path).absoluteFilePath() == QFileInfo(source).absoluteFilePath())
        return true;
    // The dialog asked before replacing a file.
    QFile::remove(path);
    if (!QFile::copy(source, path)) {
        setMessage(rowMessage_, tr("Could not write %1.").arg(path), MessageKind::Error);
        return false;
    }
    setMessage(rowMessage_, tr("Saved the MIDI of variation %1 as %2.").arg(row + 1).arg(path),
               MessageKind::Done);
    return true;
}

void VariationsPanel::exportSelected() {
    const int row = selectedRow();
    if (row < 0)
        return;
    const QString suggested = QDir(QStandardPaths::writableLocation(QStandardPaths::MusicLocation))
                                  .filePath(tr("Variation %1.mid").arg(row + 1));
    const QString path = QFileDialog::getSaveFileName(this, tr("Export MIDI"), suggested,
                                                      tr("MIDI files (*.mid *.midi)"));
    if (!path.isEmpty())
        exportMidi(row, QFileInfo(path).suffix().isEmpty() ? path + QStringLiteral(".mid") : path);
}

void VariationsPanel::audition(int row, Audition side) {
    if (row < 0 || row >= static_cast<int>(rows_.size()))
        return;
    std::string original;
    document_->findClip(phraseClip_, &original);
    // Solo through the mixer's own path: the engine ramps it over 10 ms, so it switches cleanly.
    // A variation not in the arrangement yet is placed under the phrase first (in the same
    // undoable edit), so A/B runs with the transport, in sync with the original.
    document_->undoStack()->beginMacro(tr("Audition A/B"));
    if (document_->findTrack(rows_[static_cast<std::size_t>(row)].track) == nullptr)
        addToArrangement(row);
    const std::string& variation = rows_[static_cast<std::size_t>(row)].track;
    if (document_->findTrack(original) != nullptr)
        document_->setTrackMix(original, MixParameter::Solo, side == Audition::Original ? 1 : 0);
    if (document_->findTrack(variation) != nullptr)
        document_->setTrackMix(variation, MixParameter::Solo, side == Audition::Variation ? 1 : 0);
    document_->undoStack()->endMacro();
}

// ---- state --------------------------------------------------------------------------------------

void VariationsPanel::updateButtons() {
    const bool open = session_->isOpen();
    const bool busy = running_ != nullptr;
    for (QWidget* widget : std::initializer_list<QWidget*>{
             model_, modelFileButton_, phraseFileButton_, count_, seed_, temperature_, stray_,
             keepRhythm_, keepContour_, density_, register_, voice_, output_, outputButton_})
        widget->setEnabled(!busy);
    program_->setEnabled(!busy && voice_->currentData().toString().isEmpty());
    useClipButton_->setEnabled(!busy && document_->findClip(selectedClip_) != nullptr);
    generateButton_->setEnabled(open && !busy && !modelFile().isEmpty() && !phraseFile_.empty() &&
                                !output_->text().trimmed().isEmpty());
    cancelButton_->setEnabled(busy && !running_->cancelling);

    const int row = selectedRow();
    const bool chosen = row >= 0 && row < static_cast<int>(rows_.size());
    addButton_->setEnabled(chosen);
    exportButton_->setEnabled(chosen);
    const bool hasOriginal = document_->findClip(phraseClip_) != nullptr;
    auditionOriginal_->setEnabled(chosen && hasOriginal);
    auditionVariation_->setEnabled(chosen);
    auditionBoth_->setEnabled(chosen);
}

} // namespace accord::ui
