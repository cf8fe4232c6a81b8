#include "accord/ui/models/models_panel.h"
#include "accord/ui/common/background.h"
#include "accord/ui/common/messages.h"

#include "accord/core/errors.h"
#include "accord/core/registry.h"
#include "accord/core/time.h"
#include "accord/ui/common/labels.h"
#include "accord/ui/common/palette.h"
#include "accord/ui/consent/consent_dialogs.h"
#include "accord/ui/project/project_document.h"
#include "accord/ui/sharing/share_dialog.h"
#include "accord/ui/shell/ledger_history_view.h"
#include "accord/ui/shell/registry_session.h"
#include "accord/workflows/ledger_query.h"
#include "accord/workflows/live_model.h"

#include "models_training.h"

#include <QComboBox>
#include <QDateTime>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QSpinBox>
#include <QSplitter>
#include <QStandardPaths>
#include <QTreeWidget>
#include <QVBoxLayout>
#include <QtCharts/QChart>
#include <QtCharts/QChartView>
#include <QtCharts/QLineSeries>
#include <QtCharts/QValueAxis>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <cmath>

namespace accord::ui {

namespace {

constexpr int kMessageLines = 5; // the training message's height before it scrolls

const char* const kModelSuffix = ".accordvoice";
constexpr int kMaxBudgetMinutes = 600;
constexpr int kDefaultBudgetMinutes = 10;
constexpr int kMaxSteps = 100000;
constexpr int kMinSteps = 10;
constexpr int kMinWidth = 16;
constexpr int kMaxWidth = 256;
constexpr int kHashDigits = 12; // enough to tell models apart at a glance; the card has all 64

// "12 s", "3 min 05 s", "1 h 02 min": how long is left, to the precision that matters.
QString formatDuration(double seconds) {
    const auto total = static_cast<long long>(std::llround(std::max(0.0, seconds)));
    if (total < 60)
        return QObject::tr("%1 s").arg(total);
    if (total < 3600)
        return QObject::tr("%1 min %2 s").arg(total / 60).arg(total % 60, 2, 10, QLatin1Char('0'));
    return QObject::tr("%1 h %2 min")
        .arg(total / 3600)
        .arg((total % 3600) / 60, 2, 10, QLatin1Char('0'));
}

QString capitalised(QString text) {
    if (!text.isEmpty())
        text[0] = text[0].toUpper();
    return text;
}

QJsonObject parseObject(const std::string& json) {
    return QJsonDocument::fromJson(QByteArray::fromStdString(json)).object();
}

// "validation 0.412 (untrained 0.621) · 800 steps": what a musician can compare between models.
QString describeMetrics(const std::string& metricsJson) {
    const QJsonObject metrics = parseObject(metricsJson);
    QStringList parts;
    if (metrics.contains(QLatin1String("validationLoss"))) {
        QString part =
            QObject::tr("validation %1").arg(metrics.value("validationLoss").toDouble(), 0, 'f', 3);
        if (metrics.contains(QLatin1String("untrainedValidationLoss")))
            part += QObject::tr(" (untrained %1)")
                        .arg(metrics.value("untrainedValidationLoss").toDouble(), 0, 'f', 3);
        parts << part;
    }
    if (metrics.contains(QLatin1String("steps")))
        parts << QObject::tr("%1 steps").arg(metrics.value("steps").toInt());
    if (metrics.value("stoppedByTimeLimit").toBool())
        parts << QObject::tr("stopped by its time budget");
    return parts.join(QStringLiteral(" · "));
}

// A file name from a holder's name that every file system accepts.
QString safeFileName(const QString& name) {
    QString safe;
    for (const QChar c : name)
        safe += c.isLetterOrNumber() || c == QLatin1Char(' ') || c == QLatin1Char('-') ||
                        c == QLatin1Char('_')
                    ? c
                    : QLatin1Char('_');
    safe = safe.simplified();
    return safe.isEmpty() ? QStringLiteral("voice") : safe;
}

} // namespace

ModelsPanel::ModelsPanel(RegistrySession* session, ProjectDocument* document, QWidget* parent)
    : QWidget(parent), session_(session), document_(document),
      cardWatcher_(new QFutureWatcher<std::vector<CardCheck>>(this)) {
    // One training at a time: it keeps a core busy and the other belongs to the window and audio.
    pool_.setMaxThreadCount(1);
    pool_.setObjectName(QStringLiteral("training"));

    auto* splitter = new QSplitter(Qt::Vertical, this);
    splitter->addWidget(makeTrainingSection());
    splitter->addWidget(makeCardsSection());
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(splitter);

    connect(cardWatcher_, &QFutureWatcher<std::vector<CardCheck>>::finished, this,
            [this] { showCards(cardWatcher_->result()); });
    connect(session_, &RegistrySession::changed, this, &ModelsPanel::reload);
    connect(document_, &ProjectDocument::structureChanged, this, &ModelsPanel::reloadTracks);
    connect(document_, &ProjectDocument::projectReset, this, &ModelsPanel::reloadTracks);
    reload();
    reloadTracks();
}

ModelsPanel::~ModelsPanel() {
    if (running_)
        running_->cancel->store(true); // the checkpoint is written; a later Resume continues
    pool_.waitForDone();
    cardWatcher_->waitForFinished();
}

// ---- layout -----------------------------------------------------------------------------------

QWidget* ModelsPanel::makeTrainingSection() {
    auto* section = new QGroupBox(tr("Train a voice model"), this);
    section->setObjectName(QStringLiteral("trainingSection"));

    owner_ = new QComboBox(section);
    owner_->setObjectName(QStringLiteral("modelOwner"));
    owner_->setToolTip(tr("Whose voice or instrument the model learns"));

    assets_ = new QTreeWidget(section);
    assets_->setObjectName(QStringLiteral("trainingAssets"));
    assets_->setHeaderLabels({tr("Recording"), tr("Length"), tr("Consent to train a voice")});
    assets_->setRootIsDecorated(false);
    assets_->setAlternatingRowColors(true);
    assets_->setWordWrap(true);
    assets_->header()->setStretchLastSection(true);
    assets_->setToolTip(tr("Only recordings whose owner allows voice training can be ticked"));

    output_ = new QLineEdit(section);
    output_->setObjectName(QStringLiteral("modelOutput"));
    chooseButton_ = new QPushButton(tr("Choose…"), section);
    chooseButton_->setObjectName(QStringLiteral("chooseModelOutput"));
    auto* outputRow = new QHBoxLayout;
    outputRow->addWidget(output_, 1);
    outputRow->addWidget(chooseButton_);

    budget_ = new QSpinBox(section);
    budget_->setObjectName(QStringLiteral("trainingBudget"));
    budget_->setRange(1, kMaxBudgetMinutes);
    budget_->setValue(kDefaultBudgetMinutes);
    budget_->setSuffix(tr(" min"));
    budget_->setToolTip(tr("Training stops after this time at the latest; the model learned so "
                           "far is saved and Resume continues the schedule"));
    steps_ = new QSpinBox(section);
    steps_->setObjectName(QStringLiteral("trainingSteps"));
    steps_->setRange(kMinSteps, kMaxSteps);
    steps_->setValue(kDefaultSteps);
    steps_->setToolTip(tr("Training steps: more steps learn more detail and take longer"));
    width_ = new QSpinBox(section);
    width_->setObjectName(QStringLiteral("networkWidth"));
    width_->setRange(kMinWidth, kMaxWidth);
    width_->setSingleStep(kMinWidth);
    width_->setValue(kDefaultWidth);
    width_->setToolTip(tr("Model size: larger models learn finer timbre, train longer and run "
                          "slower"));
    auto* settings = new QHBoxLayout;
    settings->addWidget(new QLabel(tr("Time budget:"), section));
    settings->addWidget(budget_);
    settings->addSpacing(12);
    settings->addWidget(new QLabel(tr("Steps:"), section));
    settings->addWidget(steps_);
    settings->addSpacing(12);
    settings->addWidget(new QLabel(tr("Model size:"), section));
    settings->addWidget(width_);
    settings->addStretch(1);

    auto* form = new QFormLayout;
    form->addRow(tr("Owner:"), owner_);
    form->addRow(tr("Save as:"), outputRow);
    form->addRow(settings);

    trainButton_ = new QPushButton(tr("Train"), section);
    trainButton_->setObjectName(QStringLiteral("trainButton"));
    trainButton_->setDefault(true);
    trainButton_->setToolTip(tr("Train on the ticked recordings and register the model"));
    cancelButton_ = new QPushButton(tr("Cancel"), section);
    cancelButton_->setObjectName(QStringLiteral("cancelTrainingButton"));
    cancelButton_->setToolTip(tr("Stop training; the checkpoint is kept for Resume"));
    resumeButton_ = new QPushButton(tr("Resume"), section);
    resumeButton_->setObjectName(QStringLiteral("resumeTrainingButton"));
    resumeButton_->setToolTip(tr("Continue the interrupted training from its checkpoint"));
    progress_ = new QProgressBar(section);
    progress_->setObjectName(QStringLiteral("trainingProgress"));
    progress_->setRange(0, 1);
    progress_->setValue(0);
    progress_->setFormat(tr("%v of %m steps"));
    trainHint_ = new QLabel(section);
    trainHint_->setObjectName(QStringLiteral("trainHint"));
    trainHint_->setWordWrap(true);
    trainHint_->setStyleSheet(palette::styleSheet(QStringLiteral("color: @mutedText;")));
    auto* actions = new QHBoxLayout;
    actions->addWidget(trainButton_);
    actions->addWidget(cancelButton_);
    actions->addWidget(resumeButton_);
    actions->addWidget(progress_, 1);
    actions->addWidget(trainHint_, 1);

    message_ = new QLabel(section);
    message_->setObjectName(QStringLiteral("trainingMessage"));
    message_->setWordWrap(true);
    message_->setTextInteractionFlags(Qt::TextSelectableByMouse);

    // A long message (a denial naming every recording) scrolls instead of squeezing the list.
    auto* messageScroll = new QScrollArea(section);
    messageScroll->setWidget(message_);
    messageScroll->setWidgetResizable(true);
    messageScroll->setFrameShape(QFrame::NoFrame);
    messageScroll->setMaximumHeight(message_->fontMetrics().lineSpacing() * kMessageLines + 8);
    messageScroll->setSizeAdjustPolicy(QAbstractScrollArea::AdjustToContents);

    auto* left = new QVBoxLayout;
    left->addLayout(form);
    allowButton_ = new QPushButton(tr("Allow Training…"), section);
    allowButton_->setObjectName(QStringLiteral("allowTrainingButton"));
    allowButton_->setToolTip(tr("Record the owner's voice-training grant for a recording that "
                                "may not be trained on yet"));
    connect(allowButton_, &QPushButton::clicked, this, &ModelsPanel::allowTraining);
    auto* listTitle = new QHBoxLayout;
    listTitle->addWidget(new QLabel(tr("Recordings to learn from:"), section), 1);
    listTitle->addWidget(allowButton_);
    left->addLayout(listTitle);
    left->addWidget(assets_, 1);
    left->addLayout(actions);
    left->addWidget(messageScroll);

    setupChart();
    auto* chartView = new QChartView(chart_, section);
    chartView->setObjectName(QStringLiteral("lossChart"));
    chartView->setRenderHint(QPainter::Antialiasing);
    chartView->setMinimumSize(360, 220);

    auto* layout = new QHBoxLayout(section);
    layout->addLayout(left, 3);
    layout->addWidget(chartView, 2);

    connect(owner_, &QComboBox::currentIndexChanged, this, [this] {
        reloadAssets();
        updateDefaultOutput();
    });
    connect(assets_, &QTreeWidget::itemChanged, this, &ModelsPanel::updateButtons);
    connect(output_, &QLineEdit::textChanged, this, &ModelsPanel::updateButtons);
    connect(steps_, &QSpinBox::valueChanged, this, [this] {
        if (running_ == nullptr && trainingSeries_->count() == 0)
            clearChart(); // the empty chart spans the schedule about to run
    });
    connect(chooseButton_, &QPushButton::clicked, this, &ModelsPanel::chooseOutput);
    connect(trainButton_, &QPushButton::clicked, this, &ModelsPanel::train);
    connect(cancelButton_, &QPushButton::clicked, this, &ModelsPanel::cancel);
    connect(resumeButton_, &QPushButton::clicked, this, &ModelsPanel::resume);
    setMessage(message_, QString());
    return section;
}

void ModelsPanel::setupChart() {
    chart_ = new QChart;
    chart_->setObjectName(QStringLiteral("lossChartModel"));
    chart_->setTitle(tr("Loss"));
    chart_->setTitleBrush(palette::secondaryText);
    // The studio's dark surface, so the plot reads as part of the window.
    chart_->setBackgroundBrush(palette::field);
    chart_->setBackgroundPen(QPen(palette::frame));
    chart_->setMargins(QMargins(4, 4, 4, 4));
    chart_->setAnimationOptions(QChart::NoAnimation); // points arrive ten times a second
    chart_->legend()->setLabelColor(palette::secondaryText);
    chart_->legend()->setAlignment(Qt::AlignBottom);

    trainingSeries_ = new QLineSeries(chart_);
    trainingSeries_->setName(tr("Training loss"));
    trainingSeries_->setPen(QPen(palette::accent, 2));
    validationSeries_ = new QLineSeries(chart_);
    validationSeries_->setName(tr("Validation loss (held-out audio)"));
    validationSeries_->setPen(QPen(palette::warning, 2));
    validationSeries_->setPointsVisible(true);
    chart_->addSeries(trainingSeries_);
    chart_->addSeries(validationSeries_);

    stepAxis_ = new QValueAxis(chart_);
    stepAxis_->setTitleText(tr("Step"));
    stepAxis_->setLabelFormat(QStringLiteral("%d"));
    lossAxis_ = new QValueAxis(chart_);
    lossAxis_->setLabelFormat(QStringLiteral("%.3g"));
    for (QValueAxis* axis : {stepAxis_, lossAxis_}) {
        axis->setLabelsColor(palette::secondaryText);
        axis->setTitleBrush(palette::secondaryText);
        axis->setGridLineColor(palette::mid);
        axis->setLinePenColor(palette::mid);
    }
    chart_->addAxis(stepAxis_, Qt::AlignBottom);
    chart_->addAxis(lossAxis_, Qt::AlignLeft);
    for (QLineSeries* series : {trainingSeries_, validationSeries_}) {
        series->attachAxis(stepAxis_);
        series->attachAxis(lossAxis_);
    }
    clearChart();
}

QWidget* ModelsPanel::makeCardsSection() {
    auto* section = new QGroupBox(tr("Voice models"), this);
    section->setObjectName(QStringLiteral("modelCardsSection"));

    models_ = new QTreeWidget(section);
    models_->setObjectName(QStringLiteral("modelCards"));
    models_->setHeaderLabels({tr("Model"), tr("Owner"), tr("Created"), tr("State"),
                              tr("Voice range"), tr("Trained on"), tr("Metrics"),
                              tr("Weights SHA-256")});
    models_->setColumnHidden(ModelWeights, true); // a hash: in the card, not the list
    models_->setRootIsDecorated(false);
    models_->setAlternatingRowColors(true);
    models_->setSelectionMode(QAbstractItemView::SingleSelection);
    models_->header()->setStretchLastSection(true);

    card_ = new QPlainTextEdit(section);
    card_->setObjectName(QStringLiteral("modelCard"));
    card_->setReadOnly(true);
    card_->setPlaceholderText(tr("Select a model to read its card."));

    // The model on the shared ledger, under its card.
    ledgerButton_ = new QPushButton(tr("On the Ledger"), section);
    ledgerButton_->setObjectName(QStringLiteral("modelLedgerButton"));
    ledgerButton_->setToolTip(tr("Every record the shared ledger holds about this model, and the "
                                 "grants they name, with where each stands now"));
    ledgerView_ = new LedgerHistoryView(QStringLiteral("model"), {ledgerButton_}, section);
    connect(ledgerView_, &LedgerHistoryView::shown, this, &ModelsPanel::ledgerHistoryShown);
    auto* cardAndLedger = new QSplitter(Qt::Vertical, section);
    cardAndLedger->addWidget(card_);
    cardAndLedger->addWidget(ledgerView_);
    cardAndLedger->setStretchFactor(0, 3);
    cardAndLedger->setStretchFactor(1, 2);

    auto* split = new QSplitter(Qt::Horizontal, section);
    split->addWidget(models_);
    split->addWidget(cardAndLedger);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);

    track_ = new QComboBox(section);
    track_->setObjectName(QStringLiteral("modelTrack"));
    track_->setMinimumContentsLength(16);
    applyButton_ = new QPushButton(tr("Apply to Track"), section);
    applyButton_->setObjectName(QStringLiteral("applyModelButton"));
    applyButton_->setToolTip(tr("Run the track through the selected model (needs a generate "
                                "grant from every owner of its training recordings)"));
    removeButton_ = new QPushButton(tr("Remove from Track"), section);
    removeButton_->setObjectName(QStringLiteral("removeModelButton"));
    trackModel_ = new QLabel(section);
    trackModel_->setObjectName(QStringLiteral("trackModelLabel"));
    transpose_ = new QSpinBox(section);
    transpose_->setObjectName(QStringLiteral("modelTranspose"));
    transpose_->setRange(-24, 24);
    transpose_->setSuffix(tr(" semitones"));
    transpose_->setToolTip(tr("Re-sing the track this many semitones higher (negative: lower). "
                              "A voice sings best near its own range: move by octaves (12)."));
    suggestTranspose_ = new QPushButton(section);
    suggestTranspose_->setObjectName(QStringLiteral("suggestedTransposeButton"));
    suggestTranspose_->hide();
    shareButton_ = new QPushButton(tr("Share…"), section);
    shareButton_->setObjectName(QStringLiteral("shareModelButton"));
    shareButton_->setToolTip(tr("Hand the selected model to someone as a signed pack with its "
                                "terms (needs a share grant from every owner of its training "
                                "recordings)"));
    auto* apply = new QHBoxLayout;
    apply->addWidget(new QLabel(tr("Track:"), section));
    apply->addWidget(track_);
    apply->addWidget(new QLabel(tr("Transpose:"), section));
    apply->addWidget(transpose_);
    apply->addWidget(applyButton_);
    apply->addWidget(removeButton_);
    apply->addWidget(trackModel_, 1);
    apply->addWidget(shareButton_);

    applyMessage_ = new QLabel(section);
    applyMessage_->setObjectName(QStringLiteral("applyModelMessage"));
    applyMessage_->setWordWrap(true);
    applyMessage_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    setMessage(applyMessage_, QString());

    auto* layout = new QVBoxLayout(section);
    layout->addWidget(split, 1);
    layout->addLayout(apply);
    auto* message = new QHBoxLayout;
    message->addWidget(applyMessage_, 1);
    message->addWidget(suggestTranspose_);
    layout->addLayout(message);

    connect(models_, &QTreeWidget::itemSelectionChanged, this, [this] {
        showSelectedCard();
        updateButtons();
    });
    connect(track_, &QComboBox::currentIndexChanged, this, [this] {
        updateTrackModel();
        // A track chosen that already runs through a model: where both sing, and the octave
        // that helps, as when the model was applied.
        const accord::Track* track =
            document_->findTrack(track_->currentData().toString().toStdString());
        const Registry* registry = session_->registry();
        if (track == nullptr || track->model.empty() || registry == nullptr)
            return;
        if (const auto model = workflows::judgeTrackModel(*registry, track->model).model)
            compareRanges(fromStd(model->id), fromStd(track->id), QString());
    });
    connect(applyButton_, &QPushButton::clicked, this,
            [this] { applyModel(selectedModel(), track_->currentData().toString()); });
    connect(removeButton_, &QPushButton::clicked, this,
            [this] { removeModel(track_->currentData().toString()); });
    connect(shareButton_, &QPushButton::clicked, this, &ModelsPanel::shareSelected);
    connect(ledgerButton_, &QPushButton::clicked, this, &ModelsPanel::showLedgerHistory);
    return section;
}

// ---- registry -----------------------------------------------------------------------------------

void ModelsPanel::reload() {
    // A denial is about the grants as they were: once they change, the ticks say what holds.
    if (showsDenial_) {
        showsDenial_ = false;
        setMessage(message_, QString());
    }
    reloadOwners();
    reloadAssets();
    reloadModels();
    updateButtons();
}

void ModelsPanel::reloadOwners() {
    const QString current = selectedOwner();
    const QSignalBlocker blocker(owner_);
    owner_->clear();
    if (const Registry* registry = session_->registry()) {
        try {
            for (const Holder& holder : registry->holders())
                owner_->addItem(fromStd(holder.name), fromStd(holder.id));
        } catch (const std::exception& error) {
            setMessage(message_, tr("Could not read the rights holders: %1").arg(error.what()),
                       MessageKind::Error);
        }
    }
    const int index = owner_->findData(current);
    owner_->setCurrentIndex(index >= 0 ? index : (owner_->count() > 0 ? 0 : -1));
    if (selectedOwner() != current)
        updateDefaultOutput();
}

QString ModelsPanel::selectedOwner() const {
    return owner_->currentData().toString();
}

void ModelsPanel::selectOwner(const QString& holderId) {
    const int index = owner_->findData(holderId);
    if (index >= 0)
        owner_->setCurrentIndex(index);
}

void ModelsPanel::reloadAssets() {
    const QString owner = selectedOwner();
    QStringList keep;
    if (owner == listedOwner_)
        keep = checkedAssets();
    listedOwner_ = owner;

    const QSignalBlocker blocker(assets_);
    assets_->clear();
    const Registry* registry = session_->registry();
    if (registry == nullptr || owner.isEmpty()) {
        updateButtons();
        return;
    }
    try {
        for (const Asset& asset : registry->assets()) {
            if (fromStd(asset.owner) != owner)
                continue;
            // Training runs for the owner (the actor trainVoiceModel defaults to).
            const Decision decision =
                workflows::judgeVoiceTraining(*registry, asset.id, asset.owner);

            auto* item = new QTreeWidgetItem(assets_);
            const QString id = fromStd(asset.id);
            item->setData(AssetName, Qt::UserRole, id);
            item->setText(AssetName, assetName(asset));
            item->setToolTip(AssetName, tr("%1\n%2").arg(id, fromStd(asset.path)));
            item->setText(AssetLength, formatMinutesSeconds(asset.durationSeconds));
            if (decision.allowed) {
                QStringList grants;
                for (const ReliedGrant& relied : decision.relied)
                    grants << fromStd(relied.grant);
                item->setText(AssetConsent, tr("Allowed"));
                item->setToolTip(AssetConsent, tr("Allowed by grant %1").arg(grants.join(", ")));
                item->setForeground(AssetConsent, palette::grantActive);
                item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemIsUserCheckable);
                item->setCheckState(AssetName, keep.contains(id) ? Qt::Checked : Qt::Unchecked);
            } else {
                // In words here; the policy's reasons (grants, dates) in the tooltip.
                item->setText(AssetConsent, tr("Not allowed by %1").arg(owner_->currentText()));
                item->setToolTip(AssetConsent,
                                 missingGrantReasons(decision).join(QLatin1Char('\n')));
                item->setForeground(AssetConsent, palette::denied);
                // Shown, greyed and not tickable: the reason says what would allow it.
                item->setFlags(Qt::ItemIsSelectable);
                item->setCheckState(AssetName, Qt::Unchecked);
            }
        }
    } catch (const std::exception& error) {
        setMessage(message_, tr("Could not read the recordings: %1").arg(error.what()),
                   MessageKind::Error);
    }
    assets_->resizeColumnToContents(AssetName);
    assets_->resizeColumnToContents(AssetLength);
    if (assets_->topLevelItemCount() == 0) {
        // Not a recording (no id, not enabled): says what to do instead of an empty box.
        auto* hint = new QTreeWidgetItem(assets_);
        hint->setText(AssetName, tr("No recordings of %1 are registered yet: import some on the "
                                    "arrangement (or accord-cli asset add).")
                                     .arg(owner_->currentText()));
        hint->setFlags(Qt::NoItemFlags);
        hint->setFirstColumnSpanned(true); // after the resize: it sets no column's width
    }
    updateButtons();
}

QStringList ModelsPanel::checkedAssets() const {
    QStringList ids;
    for (int row = 0; row < assets_->topLevelItemCount(); ++row) {
        const QTreeWidgetItem* item = assets_->topLevelItem(row);
        if ((item->flags() & Qt::ItemIsEnabled) && item->checkState(AssetName) == Qt::Checked)
            ids << item->data(AssetName, Qt::UserRole).toString();
    }
    return ids;
}

void ModelsPanel::setAssetChecked(const QString& assetId, bool checked) {
    for (int row = 0; row < assets_->topLevelItemCount(); ++row) {
        QTreeWidgetItem* item = assets_->topLevelItem(row);
        if (item->data(AssetName, Qt::UserRole).toString() == assetId &&
            (item->flags() & Qt::ItemIsUserCheckable))
            item->setCheckState(AssetName, checked ? Qt::Checked : Qt::Unchecked);
    }
}

void ModelsPanel::reloadModels() {
    const QString selected = selectedModel();
    const QSignalBlocker blocker(models_);
    models_->clear();
    const Registry* registry = session_->registry();
    if (registry != nullptr) {
        try {
            for (const Model& model : registry->models()) {
                if (model.kind != ModelKind::Voice)
                    continue;
                auto* item = new QTreeWidgetItem(models_);
                const QString id = fromStd(model.id);
                const QString file = fromStd(model.file);
                item->setData(ModelId, Qt::UserRole, id);
                item->setText(ModelId, modelName(model));
                item->setToolTip(ModelId, tr("%1\n%2").arg(id, file));
                item->setText(ModelOwner, holderName(registry->consentGraph(), model.owner));
                item->setText(ModelCreated, localTime(model.createdAt));
                // Where the voice sang in training (docs/ARCHITECTURE.md "Voice model"), so a
                // user picks the model that fits a part before applying it.
                if (const auto range = accord::models::trainedPitchRange(model.metricsJson)) {
                    item->setText(ModelRange, fromStd(accord::models::describePitchRange(*range)));
                } else {
                    item->setText(ModelRange, tr("not recorded"));
                    item->setToolTip(ModelRange,
                                     tr("Trained before Accord noted a voice's range."));
                }

                QStringList recordings;
                QStringList sources;
                for (const TrainingSource& source : model.training) {
                    recordings << assetName(registry->consentGraph(), source.asset);
                    sources << tr("%1, grant %2")
                                   .arg(assetLabel(registry->consentGraph(), source.asset),
                                        fromStd(source.grant));
                }
                item->setText(ModelTraining, recordings.join(QStringLiteral(", ")));
                item->setToolTip(ModelTraining, sources.join(QLatin1Char('\n')));
                item->setText(ModelMetrics, describeMetrics(model.metricsJson));
                item->setText(ModelWeights, fromStd(model.weightsSha256.substr(0, kHashDigits)));
                item->setToolTip(ModelWeights, fromStd(model.weightsSha256));

                // The state a user acts on: can this model be used, and if not, why.
                const Decision decision = workflows::judgeGenerate(*registry, model.id, actor_);
                const auto cached = cards_.find(model.file);
                const CardCheck* check =
                    cached != cards_.end() ? cached->second.check.get() : nullptr;
                QString state;
                QString why;
                QColor colour = palette::denied;
                if (!QFileInfo::exists(file)) {
                    state = tr("File missing");
                    why = tr("The model file is not at %1 any more.").arg(file);
                } else if (check != nullptr && !check->ok) {
                    state = tr("File damaged");
                    why = check->error;
                } else if (check != nullptr && check->card.weightsSha256 != model.weightsSha256) {
                    state = tr("File replaced");
                    why = tr("%1 holds other weights than the registered model.").arg(file);
                } else if (model.sourceRevoked) {
                    state = tr("Source revoked");
                    why = tr("A consent it was trained under was revoked: it can no longer "
                             "generate until it is retrained without that recording.");
                } else if (!decision.allowed) {
                    state = tr("No generate grant");
                    why = missingGrantReasons(decision).join(QLatin1Char('\n'));
                    colour = palette::warning;
                } else {
                    state = check != nullptr ? tr("Ready") : tr("Ready (checking the file…)");
                    why = tr("Generating is allowed; the file's checksum and weights hash are "
                             "verified when the card is read.");
                    colour = palette::grantActive;
                }
                item->setText(ModelState, state);
                item->setToolTip(ModelState, why);
                item->setForeground(ModelState, colour);
                item->setData(ModelState, Qt::UserRole, why);
            }
        } catch (const std::exception& error) {
            setMessage(applyMessage_, tr("Could not read the models: %1").arg(error.what()),
                       MessageKind::Error);
        }
    }
    for (int column = 0; column < ModelColumnCount - 1; ++column)
        models_->resizeColumnToContents(column);
    selectModel(selected);
    showSelectedCard();
    updateButtons();
    checkCards();
}

bool ModelsPanel::isCheckingCards() const {
    return checkingCards_;
}

void ModelsPanel::checkCards() {
    const Registry* registry = session_->registry();
    if (registry == nullptr)
        return;
    if (checkingCards_)
        return; // the round's end reloads the list, which looks again
    std::vector<std::string> files;
    try {
        for (const Model& model : registry->models()) {
            const QFileInfo info(fromStd(model.file));
            if (model.kind != ModelKind::Voice || !info.exists())
                continue;
            const auto cached = cards_.find(model.file);
            if (cached == cards_.end() || cached->second.size != info.size() ||
                cached->second.modified != info.lastModified().toMSecsSinceEpoch())
                files.push_back(model.file);
        }
    } catch (const std::exception&) {
        return; // reloadModels has shown what is wrong with the registry
    }
    std::sort(files.begin(), files.end());
    files.erase(std::unique(files.begin(), files.end()), files.end());
    if (files.empty())
        return;
    checkingCards_ = true;
    cardWatcher_->setFuture(QtConcurrent::run(checkModelCards, files));
}

void ModelsPanel::showCards(const std::vector<CardCheck>& checks) {
    for (const CardCheck& check : checks) {
        const QFileInfo info(fromStd(check.file));
        CachedCard& cached = cards_[check.file];
        cached.size = info.size();
        cached.modified = info.lastModified().toMSecsSinceEpoch();
        cached.check = std::make_shared<CardCheck>(check);
    }
    checkingCards_ = false;
    reloadModels(); // also starts another round for files that changed meanwhile
}

QString ModelsPanel::selectedModel() const {
    const QList<QTreeWidgetItem*> items = models_->selectedItems();
    return items.isEmpty() ? QString() : items.first()->data(ModelId, Qt::UserRole).toString();
}

void ModelsPanel::selectModel(const QString& modelId) {
    for (int row = 0; row < models_->topLevelItemCount(); ++row) {
        QTreeWidgetItem* item = models_->topLevelItem(row);
        if (item->data(ModelId, Qt::UserRole).toString() == modelId) {
            models_->setCurrentItem(item);
            item->setSelected(true);
            return;
        }
    }
}

void ModelsPanel::showSelectedCard() {
    const QString id = selectedModel();
    const Registry* registry = session_->registry();
    if (id.isEmpty() || registry == nullptr) {
        card_->clear();
        return;
    }
    QStringList lines;
    try {
        const std::optional<Model> model = registry->model(id.toStdString());
        if (!model) {
            card_->clear();
            return;
        }
        const QList<QTreeWidgetItem*> items = models_->selectedItems();
        lines << tr("Voice model %1 of %2 (%3)")
                     .arg(id, holderName(registry->consentGraph(), model->owner),
                          fromStd(model->owner));
        lines << tr("File: %1").arg(fromStd(model->file));
        lines << tr("Created: %1").arg(localTime(model->createdAt));
        if (!items.isEmpty())
            lines << tr("State: %1 — %2")
                         .arg(items.first()->text(ModelState),
                              items.first()->data(ModelState, Qt::UserRole).toString());
        lines << tr("Weights SHA-256: %1").arg(fromStd(model->weightsSha256));
        lines << QString() << tr("Trained on:");
        const UnixTime now = currentTime();
        for (const TrainingSource& source : model->training) {
            QString line =
                tr("  • %1, allowed by grant %2")
                    .arg(assetLabel(registry->consentGraph(), source.asset), fromStd(source.grant));
            if (const std::optional<Grant> grant = registry->grant(source.grant))
                line += QStringLiteral(": ") +
                        fromStd(describeGrant(registry->consentGraph(), *grant, now));
            lines << line;
        }
        const auto cached = cards_.find(model->file);
        if (cached != cards_.end() && cached->second.check) {
            const CardCheck& check = *cached->second.check;
            lines << QString();
            if (check.ok)
                lines << tr("Card in the file: verified (format %1, checksum and weights hash "
                            "intact)")
                             .arg(check.card.formatVersion);
            else
                lines << tr("Card in the file: cannot be read — %1").arg(check.error);
        }
        const auto pretty = [](const std::string& json) {
            const QJsonDocument document = QJsonDocument::fromJson(QByteArray::fromStdString(json));
            return document.isNull()
                       ? fromStd(json)
                       : QString::fromUtf8(document.toJson(QJsonDocument::Indented)).trimmed();
        };
        lines << QString() << tr("Metrics:") << pretty(model->metricsJson);
        lines << QString() << tr("Configuration:") << pretty(model->configJson);
    } catch (const std::exception& error) {
        lines << tr("Could not read the model: %1").arg(error.what());
    }
    card_->setPlainText(lines.join(QLatin1Char('\n')));
}

// ---- the output file
// ------------------------------------------------------------------------------

void ModelsPanel::updateDefaultOutput() {
    if (!output_->text().isEmpty() && output_->text() != suggestedOutput_)
        return; // the user's own choice
    const QString owner = owner_->currentText();
    if (owner.isEmpty()) {
        output_->clear();
        suggestedOutput_.clear();
        return;
    }
    // The user's data folder, beside the default registry (~/.local/share/accord/models).
    const QDir folder(QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation) +
                      QStringLiteral("/accord/models"));
    const QString base = safeFileName(owner) + tr(" voice");
    // Never over a registered model's file, nor onto another run's checkpoint.
    QString path;
    for (int n = 1;; ++n) {
        path = folder.filePath(base + (n > 1 ? QStringLiteral(" %1").arg(n) : QString()) +
                               QLatin1String(kModelSuffix));
        if (!QFileInfo::exists(path) && !QFileInfo::exists(path + QStringLiteral(".checkpoint")))
            break;
    }
    suggestedOutput_ = path;
    output_->setText(path);
}

void ModelsPanel::chooseOutput() {
    const QString chosen = QFileDialog::getSaveFileName(
        this, tr("Save Voice Model As"), output_->text(),
        tr("Accord voice models (*%1)").arg(QLatin1String(kModelSuffix)));
    if (chosen.isEmpty())
        return;
    output_->setText(QFileInfo(chosen).suffix().isEmpty() ? chosen + QLatin1String(kModelSuffix)
                                                          : chosen);
}

// ---- training ---------------------------------------------------------------------------------

void ModelsPanel::train() {
    if (running_)
        return;
    if (!session_->isOpen()) {
        setMessage(message_, tr("No registry is open."), MessageKind::Error);
        return;
    }
    accord::workflows::VoiceTrainingRequest request;
    request.owner = selectedOwner().toStdString();
    for (const QString& asset : checkedAssets())
        request.assets.push_back(asset.toStdString());
    request.outFile = QFileInfo(output_->text().trimmed()).absoluteFilePath().toStdString();
    request.maxMinutes = budget_->value();
    request.maxSteps = steps_->value();
    request.channels = width_->value();
    if (request.owner.empty() || request.assets.empty() || output_->text().trimmed().isEmpty()) {
        setMessage(message_, tr("Choose an owner, tick at least one recording and name the file."),
                   MessageKind::Error);
        return;
    }
    try {
        // Writing over a registered model's file would leave that model without its weights.
        for (const Model& model : session_->registry()->models())
            if (model.file == request.outFile) {
                setMessage(message_,
                           tr("%1 is the file of the registered model %2: choose another name.")
                               .arg(fromStd(model.file), fromStd(model.id)),
                           MessageKind::Error);
                return;
            }
    } catch (const std::exception& error) {
        setMessage(message_, tr("Could not read the models: %1").arg(error.what()),
                   MessageKind::Error);
        return;
    }
    if (output_->text() == suggestedOutput_) // the studio's own folder may not exist yet
        QDir().mkpath(QFileInfo(output_->text()).absolutePath());
    start(request, false);
}

void ModelsPanel::resume() {
    if (running_ || !resumable_)
        return;
    start(*resumable_, true);
}

void ModelsPanel::cancel() {
    if (!running_ || running_->cancelling)
        return;
    running_->cancelling = true;
    running_->cancel->store(true);
    setMessage(message_, tr("Cancelling… the checkpoint is kept."));
    updateButtons();
}

bool ModelsPanel::canResume() const {
    return !running_ && resumable_ != nullptr;
}

void ModelsPanel::start(accord::workflows::VoiceTrainingRequest request, bool resuming) {
    if (!resuming)
        clearChart();
    resumable_.reset(); // `request` is a copy: a resume's request lived there
    running_ = std::make_unique<Run>();
    running_->request = request;
    running_->cancel = std::make_shared<std::atomic<bool>>(false);
    progress_->setRange(0, 0); // busy until the schedule is known
    setMessage(message_, resuming ? tr("Resuming: checking consent and reading the recordings…")
                                  : tr("Checking consent and reading the recordings…"));

    // Runs on the worker: only queues the update for the UI thread.
    const std::function<void(const TrainingUpdate&)> post = [this](const TrainingUpdate& update) {
        QMetaObject::invokeMethod(
            this,
            [this, update] {
                if (running_)
                    applyUpdate(update);
            },
            Qt::QueuedConnection);
    };
    auto* watcher = new QFutureWatcher<TrainingOutcome>(this);
    connect(watcher, &QFutureWatcher<TrainingOutcome>::finished, this, [this, watcher] {
        watcher->deleteLater();
        finish(watcher->result());
    });
    watcher->setFuture(QtConcurrent::run(
        &pool_, [path = session_->path(), request, post, cancel = running_->cancel] {
            return runVoiceTraining(path, request, post, cancel.get());
        }));
    updateButtons();
    Q_EMIT trainingChanged(true);
}

void ModelsPanel::applyUpdate(const TrainingUpdate& update) {
    using Phase = accord::models::VoiceTrainingProgress::Phase;
    const auto& progress = update.progress;
    if (progress.phase == Phase::Training && progress.step < lastStep_)
        clearChart(); // the checkpoint was not usable: training started over

    QList<QPointF> training;
    QList<QPointF> validation;
    double lastValidation = validationSeries_->count() > 0
                                ? validationSeries_->at(validationSeries_->count() - 1).y()
                                : -1;
    for (const TrainingPoint& point : update.points) {
        if (point.step <= lastStep_)
            continue;
        lastStep_ = point.step;
        training << QPointF(point.step, point.loss);
        double low = point.loss;
        double high = point.loss;
        // A resumed run reports the last measurement again: plot each measurement once.
        if (point.validation >= 0 && point.validation != lastValidation) {
            validation << QPointF(point.step, point.validation);
            lastValidation = point.validation;
            low = std::min(low, point.validation);
            high = std::max(high, point.validation);
        }
        if (trainingSeries_->count() == 0 && training.size() == 1) {
            lossMin_ = low;
            lossMax_ = high;
        } else {
            lossMin_ = std::min(lossMin_, low);
            lossMax_ = std::max(lossMax_, high);
        }
    }
    if (!training.isEmpty()) {
        trainingSeries_->append(training);
        validationSeries_->append(validation);
        // A flat start (one point) still gets a readable span rather than five equal labels.
        const double margin =
            std::max({1e-6, (lossMax_ - lossMin_) * 0.05, std::abs(lossMax_) * 0.02});
        lossAxis_->setRange(std::max(0.0, lossMin_ - margin), lossMax_ + margin);
        lossAxis_->applyNiceNumbers(); // round ticks: 0.5, 1.0, 1.5 rather than 0.762, 1.69
    }

    switch (progress.phase) {
    case Phase::Preparing:
        progress_->setRange(0, 0);
        if (!progress.message.empty())
            setMessage(message_, capitalised(fromStd(progress.message)) + QStringLiteral("…"));
        break;
    case Phase::Training: {
        const int total = std::max(1, progress.totalSteps);
        stepAxis_->setRange(0, total);
        progress_->setRange(0, total);
        progress_->setValue(std::clamp(progress.step, 0, total));
        Q_EMIT trainingProgress(progress.step, total);
        QString text = tr("Step %1 of %2").arg(progress.step).arg(progress.totalSteps);
        if (progress.loss > 0)
            text += tr(" · loss %1").arg(progress.loss, 0, 'f', 4);
        if (progress.validationLoss >= 0)
            text += tr(" · validation %1").arg(progress.validationLoss, 0, 'f', 4);
        if (progress.step > 0 && progress.etaSeconds > 0)
            text += tr(" · about %1 left").arg(formatDuration(progress.etaSeconds));
        if (!progress.message.empty())
            text = capitalised(fromStd(progress.message)) + QStringLiteral(" · ") + text;
        if (running_ && running_->cancelling)
            text = tr("Cancelling… the checkpoint is kept. ") + text;
        setMessage(message_, text);
        break;
    }
    case Phase::Saving:
        progress_->setValue(progress_->maximum());
        setMessage(message_, tr("Saving the model and registering it…"));
        break;
    }
}

void ModelsPanel::finish(const TrainingOutcome& outcome) {
    if (!running_)
        return;
    const Run run = std::move(*running_);
    running_.reset();
    // The last points were still on the worker when it ended; the state below has the last word.
    if (!outcome.last.points.empty())
        applyUpdate(outcome.last);

    const auto& model = outcome.model;
    const int total = std::max(1, run.request.maxSteps);
    if (!outcome.ok) {
        progress_->setRange(0, 1);
        progress_->setValue(0);
        const QString text = outcome.denied.isEmpty() ? tr("Could not train: %1").arg(outcome.error)
                                                      : outcome.error + bulleted(outcome.denied);
        setMessage(message_, text, MessageKind::Error);
        showsDenial_ = !outcome.denied.isEmpty();
        // An interrupted run stays resumable when its retry fails (e.g. a file to put back).
        if (QFileInfo::exists(fromStd(run.request.outFile) + QStringLiteral(".checkpoint")))
            resumable_ = std::make_unique<accord::workflows::VoiceTrainingRequest>(run.request);
        Q_EMIT trainingChanged(false);
        Q_EMIT trainingFinished(QString());
        updateButtons();
        return;
    }
    if (model.cancelled) {
        if (model.steps > 0) {
            resumable_ = std::make_unique<accord::workflows::VoiceTrainingRequest>(run.request);
            progress_->setRange(0, total);
            progress_->setValue(std::min(model.steps, total));
            setMessage(message_, tr("Cancelled at step %1 of %2. The checkpoint is kept: Resume "
                                    "continues from there.")
                                     .arg(model.steps)
                                     .arg(total));
        } else {
            progress_->setRange(0, 1);
            progress_->setValue(0);
            setMessage(message_, tr("Cancelled before training began: nothing was trained."));
        }
        Q_EMIT trainingChanged(false);
        Q_EMIT trainingFinished(QString());
        updateButtons();
        return;
    }

    lastModel_ = fromStd(model.modelId);
    const QJsonObject metrics = parseObject(model.metricsJson);
    const QString figures = tr("validation loss %1 (untrained %2), %3")
                                .arg(metrics.value("validationLoss").toDouble(), 0, 'f', 4)
                                .arg(metrics.value("untrainedValidationLoss").toDouble(), 0, 'f', 4)
                                .arg(formatDuration(metrics.value("wallSeconds").toDouble()));
    if (model.stoppedByTimeLimit) {
        resumable_ = std::make_unique<accord::workflows::VoiceTrainingRequest>(run.request);
        progress_->setRange(0, total);
        progress_->setValue(std::min(model.steps, total));
        setMessage(message_,
                   tr("The time budget ended training at step %1 of %2: the model so "
                      "far is saved and registered as “%3” (%4). Resume continues the "
                      "schedule.")
                       .arg(model.steps)
                       .arg(total)
                       .arg(QFileInfo(fromStd(model.file)).completeBaseName(), figures),
                   MessageKind::Done);
    } else {
        progress_->setRange(0, total);
        progress_->setValue(total);
        setMessage(message_,
                   tr("Trained and registered “%1”: %2. Saved to %3.")
                       .arg(QFileInfo(fromStd(model.file)).completeBaseName(), figures,
                            fromStd(model.file)),
                   MessageKind::Done);
    }
    updateDefaultOutput(); // the next model gets a name of its own
    session_->notifyChanged();
    selectModel(lastModel_);
    Q_EMIT trainingChanged(false);
    Q_EMIT trainingFinished(lastModel_);
    updateButtons();
}

void ModelsPanel::clearChart() {
    trainingSeries_->clear();
    validationSeries_->clear();
    lastStep_ = 0;
    lossMin_ = 0;
    lossMax_ = 1;
    stepAxis_->setRange(0, steps_->value());
    stepAxis_->applyNiceNumbers(); // 0, 200, 400… rather than 0 0 0 0 1
    lossAxis_->setRange(0, 1);
}

QVector<QPointF> ModelsPanel::trainingLossPoints() const {
    return trainingSeries_->points();
}

QVector<QPointF> ModelsPanel::validationLossPoints() const {
    return validationSeries_->points();
}

// ---- apply to a track ---------------------------------------------------------------------------

void ModelsPanel::reloadTracks() {
    const QString current = track_->currentData().toString();
    const QSignalBlocker blocker(track_);
    track_->clear();
    for (const accord::Track& track : document_->project().tracks)
        track_->addItem(fromStd(track.name), fromStd(track.id));
    const int index = track_->findData(current);
    track_->setCurrentIndex(index >= 0 ? index : (track_->count() > 0 ? 0 : -1));
    updateTrackModel();
}

void ModelsPanel::updateTrackModel() {
    const accord::Track* track =
        document_->findTrack(track_->currentData().toString().toStdString());
    if (track == nullptr) {
        trackModel_->setText(document_->project().tracks.empty() ? tr("The project has no tracks.")
                                                                 : QString());
    } else if (track->model.empty()) {
        trackModel_->setText(tr("'%1' runs through no voice model.").arg(fromStd(track->name)));
    } else {
        trackModel_->setText(
            track->modelTranspose == 0
                ? tr("'%1' runs through %2.")
                      .arg(fromStd(track->name), QFileInfo(fromStd(track->model)).fileName())
                : tr("'%1' runs through %2, %3 semitones.")
                      .arg(fromStd(track->name), QFileInfo(fromStd(track->model)).fileName())
                      .arg(track->modelTranspose > 0
                               ? QStringLiteral("+%1").arg(track->modelTranspose)
                               : QString::number(track->modelTranspose)));
        trackModel_->setToolTip(fromStd(track->model));
        // The voice's range beside the model's name (docs/STUDIO.md "Models panel"): what the
        // track's performance is compared with.
        const Registry* registry = session_->registry();
        const std::optional<Model> model =
            registry ? workflows::judgeTrackModel(*registry, track->model).model : std::nullopt;
        if (const auto range =
                model ? accord::models::trainedPitchRange(model->metricsJson) : std::nullopt)
            trackModel_->setText(
                trackModel_->text() + QLatin1Char(' ') +
                tr("Its voice sings %1.").arg(fromStd(accord::models::describePitchRange(*range))));
    }
    if (track != nullptr)
        transpose_->setValue(int(std::lround(track->modelTranspose)));
    updateButtons();
}

bool ModelsPanel::applyModel(const QString& modelId, const QString& trackId) {
    const accord::Track* track = document_->findTrack(trackId.toStdString());
    Registry* registry = session_->registry();
    if (registry == nullptr || track == nullptr || modelId.isEmpty()) {
        setMessage(applyMessage_, tr("Choose a model and a track first."), MessageKind::Error);
        return false;
    }
    const QString trackName = fromStd(track->name);
    try {
        const std::optional<Model> model = registry->model(modelId.toStdString());
        if (!model || model->kind != ModelKind::Voice) {
            setMessage(applyMessage_, tr("%1 is not a voice model in this registry.").arg(modelId),
                       MessageKind::Error);
            return false;
        }
        // Anyone in this studio may be the one playing the track: grants to anyone apply.
        const Decision decision = workflows::judgeGenerate(*registry, model->id);
        if (!decision.allowed) {
            setMessage(applyMessage_,
                       tr("'%1' cannot run through %2: consent denied.").arg(trackName, modelId) +
                           bulleted(missingGrantReasons(decision)),
                       MessageKind::Error);
            return false;
        }
        const QString file = fromStd(model->file);
        if (!QFileInfo::exists(file)) {
            setMessage(applyMessage_, tr("The file of %1 is missing: %2").arg(modelId, file),
                       MessageKind::Error);
            return false;
        }
        document_->setTrackModel(trackId.toStdString(), file, transpose_->value());
        setMessage(applyMessage_,
                   tr("'%1' now runs through %2 (undo with Ctrl+Z).").arg(trackName, modelId),
                   MessageKind::Done);
        compareRanges(modelId, trackId, applyMessage_->text());
        return true;
    } catch (const std::exception& error) {
        setMessage(applyMessage_, tr("Could not apply %1: %2").arg(modelId, error.what()),
                   MessageKind::Error);
        return false;
    }
}

namespace {

struct RangeComparison {
    std::optional<accord::models::VoicePitchRange> track; // none when its clips cannot be read
    QString failure;
};

RangeComparison measureTrack(const accord::Track& track) {
    backgroundPriority();
    RangeComparison result;
    try {
        result.track = accord::workflows::trackPitchRange(track);
    } catch (const std::exception& error) {
        result.failure = QString::fromUtf8(error.what());
    }
    return result;
}

} // namespace

void ModelsPanel::compareRanges(const QString& modelId, const QString& trackId,
                                const QString& lead) {
    suggestTranspose_->hide();
    const accord::Track* track = document_->findTrack(trackId.toStdString());
    const Registry* registry = session_->registry();
    if (track == nullptr || registry == nullptr || track->clips.empty())
        return;
    const std::optional<Model> model = registry->model(modelId.toStdString());
    if (!model)
        return;
    const std::optional<accord::models::VoicePitchRange> voice =
        accord::models::trainedPitchRange(model->metricsJson);
    const QString base = lead.isEmpty() ? QString() : lead + QLatin1Char(' ');
    if (!voice) {
        setMessage(applyMessage_,
                   base + tr("%1 was trained before Accord noted a voice's range: compare by ear.")
                              .arg(modelId),
                   MessageKind::Done);
        Q_EMIT rangesCompared();
        return;
    }
    const std::uint64_t ticket = ++rangeTicket_;
    auto* watcher = new QFutureWatcher<RangeComparison>(this);
    connect(
        watcher, &QFutureWatcher<RangeComparison>::finished, this,
        [this, watcher, ticket, base, voice = *voice, trackId] {
            watcher->deleteLater();
            if (ticket != rangeTicket_)
                return; // another model or track was applied since
            const RangeComparison measured = watcher->result();
            const accord::Track* now = document_->findTrack(trackId.toStdString());
            if (now == nullptr)
                return;
            QString text = base + tr("The model's voice sings %1.")
                                      .arg(fromStd(accord::models::describePitchRange(voice)));
            if (!measured.track) {
                text += QLatin1Char(' ') +
                        tr("The track's recordings could not be read: %1").arg(measured.failure);
            } else {
                text += QLatin1Char(' ') +
                        tr("'%1' sings %2.")
                            .arg(fromStd(now->name),
                                 fromStd(accord::models::describePitchRange(*measured.track)));
                const int octaves = accord::models::suggestedOctaveTranspose(voice, *measured.track,
                                                                             now->modelTranspose);
                if (octaves != 0) {
                    const int total = int(std::lround(now->modelTranspose)) + octaves;
                    text += QLatin1Char(' ') + tr("That is far from the model's range.");
                    suggestTranspose_->setText(tr("Transpose %1")
                                                   .arg(total > 0 ? QStringLiteral("+%1").arg(total)
                                                                  : QString::number(total)));
                    suggestTranspose_->disconnect();
                    connect(suggestTranspose_, &QPushButton::clicked, this, [this, trackId, total] {
                        const accord::Track* t = document_->findTrack(trackId.toStdString());
                        if (t == nullptr || t->model.empty())
                            return;
                        transpose_->setValue(total);
                        document_->setTrackModel(trackId.toStdString(), fromStd(t->model), total);
                        suggestTranspose_->hide();
                        setMessage(applyMessage_,
                                   tr("'%1' is re-sung %2 semitones %3 now (undo with "
                                      "Ctrl+Z).")
                                       .arg(fromStd(t->name))
                                       .arg(std::abs(total))
                                       .arg(total > 0 ? tr("up") : tr("down")),
                                   MessageKind::Done);
                    });
                    suggestTranspose_->show();
                }
            }
            setMessage(applyMessage_, text, MessageKind::Done);
            Q_EMIT rangesCompared();
        });
    watcher->setFuture(QtConcurrent::run(measureTrack, *track));
}

void ModelsPanel::removeModel(const QString& trackId) {
    const accord::Track* track = document_->findTrack(trackId.toStdString());
    if (track == nullptr || track->model.empty())
        return;
    const QString name = fromStd(track->name);
    document_->setTrackModel(trackId.toStdString(), QString());
    setMessage(applyMessage_, tr("'%1' runs through no voice model now.").arg(name));
}

// ---- state --------------------------------------------------------------------------------------

void ModelsPanel::updateButtons() {
    const bool open = session_->isOpen();
    const bool busy = running_ != nullptr;
    for (QWidget* widget : std::initializer_list<QWidget*>{owner_, assets_, output_, chooseButton_,
                                                           budget_, steps_, width_})
        widget->setEnabled(open && !busy);
    const QString blocked = whyTrainingCannotStart();
    trainButton_->setEnabled(!busy && blocked.isEmpty());
    allowButton_->setVisible(open && !firstRefusedRecording().isEmpty());
    trainButton_->setToolTip(
        blocked.isEmpty() ? tr("Train on the ticked recordings and register the model") : blocked);
    // Before any run, the bar would say "0 of 1 steps": say what Train needs instead.
    const bool ran = busy || progress_->maximum() > 1;
    progress_->setVisible(ran);
    trainHint_->setVisible(!ran);
    trainHint_->setText(blocked.isEmpty()
                            ? tr("Ready to train on %1.")
                                  .arg(counted(static_cast<int>(checkedAssets().size()),
                                               tr("1 recording"), tr("%1 recordings")))
                            : blocked);
    cancelButton_->setEnabled(busy && !running_->cancelling);
    resumeButton_->setVisible(resumable_ != nullptr);
    resumeButton_->setEnabled(open && !busy && resumable_ != nullptr);

    const accord::Track* track =
        document_->findTrack(track_->currentData().toString().toStdString());
    applyButton_->setEnabled(open && track != nullptr && !selectedModel().isEmpty());
    removeButton_->setEnabled(track != nullptr && !track->model.empty());
    shareButton_->setEnabled(open && !selectedModel().isEmpty());
    ledgerButton_->setEnabled(open && !selectedModel().isEmpty());
}

// ---- the model on the shared ledger ----------------------------------------------------------

void ModelsPanel::showLedgerHistory() {
    const Registry* registry = session_->registry();
    const std::optional<Model> model =
        registry ? registry->model(selectedModel().toStdString()) : std::nullopt;
    if (!model)
        return;
    ledgerView_->query(
        fromStd(model->id), [weights = model->weightsSha256](const std::string& url) {
            return workflows::modelHistoryLines(workflows::modelHistoryOnLedger(url, weights));
        });
}

void ModelsPanel::setActor(const QString& holderId) {
    if (actor_ == holderId.toStdString())
        return;
    actor_ = holderId.toStdString();
    reloadModels();
}

QString ModelsPanel::firstRefusedRecording() const {
    for (int row = 0; row < assets_->topLevelItemCount(); ++row) {
        const QTreeWidgetItem* item = assets_->topLevelItem(row);
        const QString id = item->data(AssetName, Qt::UserRole).toString();
        if (!id.isEmpty() && !(item->flags() & Qt::ItemIsUserCheckable))
            return id;
    }
    return QString();
}

GrantDialog* ModelsPanel::allowTraining() {
    const QString asset = firstRefusedRecording();
    if (!session_->isOpen() || asset.isEmpty())
        return nullptr;
    // Training runs for the model's owner, so a grant to anyone in the studio (or to them).
    auto* dialog = new GrantDialog(session_, selectedOwner(), asset, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->prefill(QString::fromStdString(scopeName(Scope::TrainVoice)), false, QString());
    dialog->open();
    return dialog;
}

QString ModelsPanel::whyTrainingCannotStart() const {
    if (!session_->isOpen())
        return tr("Open a registry first (Registry > Open Registry…).");
    if (selectedOwner().isEmpty())
        return tr("Add the artist whose voice the model learns (Registry > Add Holder…).");
    bool anyAllowed = false;
    for (int row = 0; row < assets_->topLevelItemCount(); ++row)
        anyAllowed = anyAllowed || (assets_->topLevelItem(row)->flags() & Qt::ItemIsUserCheckable);
    if (!anyAllowed)
        return tr("None of %1's recordings may be trained on yet: Allow Training… records "
                  "their grant.")
            .arg(owner_->currentText());
    if (checkedAssets().isEmpty())
        return tr("Tick the recordings to learn from.");
    if (output_->text().trimmed().isEmpty())
        return tr("Choose where to save the model.");
    return QString();
}

ShareDialog* ModelsPanel::shareSelected() {
    const Registry* registry = session_->registry();
    const auto model = registry ? registry->model(selectedModel().toStdString()) : std::nullopt;
    if (!model)
        return nullptr;
    auto* dialog = new ShareDialog(session_, *model, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->open();
    return dialog;
}

} // namespace accord::ui
