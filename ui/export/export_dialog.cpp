#include "accord/ui/export/export_dialog.h"

#include "accord/core/errors.h"
#include "accord/core/policy.h"
#include "accord/core/registry.h"
#include "accord/ui/common/background.h"
#include "accord/ui/common/errors.h"
#include "accord/ui/common/holder_choice.h"
#include "accord/ui/common/labels.h"
#include "accord/ui/common/palette.h"
#include "accord/ui/consent/consent_dialogs.h"
#include "accord/ui/project/project_document.h"
#include "accord/ui/shell/registry_session.h"
#include "accord/workflows/ddex.h"
#include "accord/workflows/export.h"
#include "accord/workflows/live_model.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QStackedWidget>
#include <QStandardItemModel>
#include <QTableWidget>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>

namespace accord::ui {

namespace {

// Long enough to swallow a burst of clicks or registry events, short enough to feel live.
constexpr int kJudgeDelayMs = 120;
constexpr int kPollIntervalMs = 50;
constexpr int kProgressSteps = 1000;
constexpr int kFullShare = 10000; // basis points
const char* const kFolderKey = "export/folder";
const QSize kDialogSize(760, 720);
constexpr int kFilesListHeight = 110;

const char* const kAllowedStyle = "QLabel { color: @allowed; font-weight: 600; }";
const char* const kDeniedStyle = "QLabel { color: @denied; font-weight: 600; }";
const char* const kNeutralStyle = "QLabel { color: @secondaryText; }";
const char* const kWarningStyle = "QLabel { color: @warning; font-weight: 600; }";

enum FormatIndex { kWav24 = 0, kFlac24 = 1, kMp3 = 2 };
enum RangeIndex { kWholeProject = 0, kLoop = 1, kSelection = 2 };
constexpr int kMp3Bitrates[] = {320, 256, 192, 128}; // kbit/s, the first the default
enum MissingColumn { kMissingRecording, kMissingOwner, kMissingGrant, kMissingWhy, kMissingFix };
enum SplitColumn { kSplitHolder, kSplitName, kSplitPercent };

QString percentText(int basisPoints) {
    return QStringLiteral("%1.%2 %")
        .arg(basisPoints / 100)
        .arg(basisPoints % 100, 2, 10, QLatin1Char('0'));
}

// "Ada Lovelace", "Ada Lovelace and Bo Diddley", "Ada Lovelace, Bo Diddley and Cy Twombly".
QString ownersInWords(const QVector<MissingGrantView>& missing) {
    QStringList names;
    for (const MissingGrantView& line : missing)
        if (!names.contains(line.ownerName))
            names << line.ownerName;
    if (names.size() < 2)
        return names.value(0);
    const QString last = names.takeLast();
    return QObject::tr("%1 and %2").arg(names.join(QStringLiteral(", ")), last);
}

QVector<MissingGrantView> missingViews(const ConsentGraph& graph, const Decision& decision) {
    QVector<MissingGrantView> views;
    for (const MissingGrant& missing : decision.missing)
        views.push_back({fromStd(missing.asset),
                         missing.asset.empty() ? QString() : assetName(graph, missing.asset),
                         fromStd(missing.owner), ui::holderName(graph, missing.owner),
                         fromStd(scopeName(missing.scope)), fromStd(missing.why)});
    return views;
}

void setSplit(ExportGateView& view, const SplitSheet& split) {
    view.method = fromStd(split.method);
    for (const SplitShare& share : split.shares)
        view.shares.push_back({fromStd(share.holder), fromStd(share.name), share.basisPoints});
}

// Runs on the dialog's worker with a connection of its own.
ExportGateView judgeOnWorker(const QString& registryPath, const accord::Project& project,
                             const workflows::ExportRequest& request) {
    backgroundPriority();
    ExportGateView view;
    view.commercial = request.commercial;
    try {
        const std::unique_ptr<Registry> registry = Registry::open(registryPath.toStdString());
        const workflows::ExportGate gate = workflows::judgeExport(*registry, project, request);
        view.closureAssets = static_cast<int>(gate.decision.closureAssets.size());
        if (gate.split)
            setSplit(view, *gate.split);
        if (!gate.decision.allowed) {
            view.verdict = ExportGateView::Verdict::Denied;
            view.missing = missingViews(registry->consentGraph(), gate.decision);
        } else {
            view.verdict =
                gate.split ? ExportGateView::Verdict::Allowed : ExportGateView::Verdict::Silent;
        }
    } catch (...) {
        view.verdict = ExportGateView::Verdict::Failed;
        view.error = describeCurrentError(QString()).message;
    }
    return view;
}

ExportRunOutcome exportOnWorker(const QString& registryPath, const accord::Project& project,
                                const workflows::ExportRequest& request,
                                const std::shared_ptr<std::atomic<bool>>& cancel,
                                const std::shared_ptr<std::atomic<double>>& fraction) {
    backgroundPriority();
    ExportRunOutcome outcome;
    outcome.gate.commercial = request.commercial;
    std::unique_ptr<Registry> registry;
    const QString title = QObject::tr("Could not export");
    try {
        registry = Registry::open(registryPath.toStdString());
        // Tracks run through their voice models as in playback; the live nodes are loaded here,
        // on this worker, checked against this connection's registry.
        workflows::ExportRequest withModels = request;
        withModels.processorFor = workflows::liveModelsFor(*registry);
        const workflows::ExportResult result = workflows::exportProject(
            *registry, project, withModels, [fraction](double f) { fraction->store(f); },
            cancel.get());
        outcome.ok = true;
        outcome.gate.verdict = ExportGateView::Verdict::Allowed;
        setSplit(outcome.gate, result.split);
        for (const workflows::ExportedFile& file : result.files) {
            outcome.files << fromStd(file.path);
            outcome.sidecars << fromStd(file.sidecar);
            if (const auto warning = workflows::clippingWarning(file))
                outcome.warnings << fromStd(*warning);
        }
        outcome.splitJson = fromStd(result.splitJsonPath);
        outcome.splitCsv = fromStd(result.splitCsvPath);
        outcome.ddex = fromStd(result.ddexPath);
    } catch (const ConsentDenied& denied) {
        outcome.gate.verdict = ExportGateView::Verdict::Denied;
        outcome.gate.missing = missingViews(registry->consentGraph(), denied.decision());
        outcome.failure = describeError(title, denied);
    } catch (const Cancelled&) {
        outcome.cancelled = true;
    } catch (...) {
        outcome.failure = describeCurrentError(title);
    }
    return outcome;
}

QString defaultFolder(const ProjectDocument* document) {
    const QString remembered = QSettings().value(QString::fromLatin1(kFolderKey)).toString();
    if (!remembered.isEmpty())
        return remembered;
    const QString base =
        document->path().isEmpty() ? QDir::homePath() : QFileInfo(document->path()).absolutePath();
    return QDir(base).filePath(QObject::tr("Exports"));
}

} // namespace

ExportDialog::ExportDialog(RegistrySession* session, ProjectDocument* document, QWidget* parent)
    : QDialog(parent), session_(session), document_(document), folder_(new QLineEdit(this)),
      browse_(new QPushButton(tr("Browse…"), this)),
      stems_(new QCheckBox(tr("Also export one stem per track"), this)),
      format_(new QComboBox(this)), bitrate_(new QComboBox(this)), range_(new QComboBox(this)),
      loudness_(new QCheckBox(tr("Loudness target"), this)), lufs_(new QDoubleSpinBox(this)),
      ceiling_(new QDoubleSpinBox(this)),
      commercial_(new QCheckBox(tr("Commercial release (needs commercial terms on every "
                                   "grant)"),
                                this)),
      ddex_(new QCheckBox(tr("Also describe the release for distributors (DDEX ERN 4.3.2, with "
                             "the AI disclosure and the shares)"),
                          this)),
      actor_(new QComboBox(this)), decision_(new QLabel(this)), details_(new QStackedWidget(this)),
      missing_(new QTableWidget(0, 5, this)), split_(new QTableWidget(0, 3, this)),
      splitTotal_(new QLabel(this)), progress_(new QProgressBar(this)),
      cancelButton_(new QPushButton(tr("Cancel Export"), this)), result_(new QLabel(this)),
      files_(new QListWidget(this)), verifyButton_(new QPushButton(tr("Verify the Mix"), this)),
      exportButton_(new QPushButton(tr("Export"), this)),
      closeButton_(new QPushButton(tr("Close"), this)) {
    setObjectName(QStringLiteral("exportDialog"));
    setWindowTitle(tr("Export"));
    // Judging and exporting share one worker: an export never races a judgement for the cores.
    pool_.setMaxThreadCount(1);
    pool_.setObjectName(QStringLiteral("export"));

    folder_->setObjectName(QStringLiteral("exportFolder"));
    browse_->setObjectName(QStringLiteral("exportBrowse"));
    stems_->setObjectName(QStringLiteral("exportStems"));
    format_->setObjectName(QStringLiteral("exportFormat"));
    format_->insertItem(kWav24, tr("WAV, 24-bit"));
    format_->insertItem(kFlac24, tr("FLAC, 24-bit"));
    format_->insertItem(kMp3, tr("MP3"));
    bitrate_->setObjectName(QStringLiteral("exportBitrate"));
    for (int kbits : kMp3Bitrates)
        bitrate_->addItem(tr("%1 kbit/s").arg(kbits), kbits);
    bitrate_->setToolTip(tr("Constant bitrate; 320 kbit/s keeps the most of the render"));
    range_->setObjectName(QStringLiteral("exportRange"));
    range_->insertItem(kWholeProject, tr("Whole project"));
    range_->insertItem(kLoop, tr("Loop"));
    range_->insertItem(kSelection, tr("Selection"));
    ranges_.resize(3);
    loudness_->setObjectName(QStringLiteral("exportLoudness"));
    loudness_->setToolTip(tr("Brings the mix to this integrated loudness (EBU R128) and limits "
                             "its true peak to the ceiling, before it is signed"));
    lufs_->setObjectName(QStringLiteral("exportLoudnessLufs"));
    lufs_->setRange(-70.0, 0.0);
    lufs_->setDecimals(1);
    lufs_->setSingleStep(0.5);
    lufs_->setSuffix(tr(" LUFS"));
    lufs_->setValue(-14.0);
    ceiling_->setObjectName(QStringLiteral("exportCeiling"));
    ceiling_->setRange(-20.0, 0.0);
    ceiling_->setDecimals(1);
    ceiling_->setSingleStep(0.1);
    ceiling_->setPrefix(tr("ceiling "));
    ceiling_->setSuffix(tr(" dBTP"));
    ceiling_->setValue(-1.0);
    commercial_->setObjectName(QStringLiteral("exportCommercial"));
    ddex_->setObjectName(QStringLiteral("exportDdex"));
    actor_->setObjectName(QStringLiteral("exportActor"));
    actor_->setToolTip(tr("The rights holder exporting: grants given to them count, and they "
                          "sign the manifests. The studio itself counts only grants to anyone."));

    decision_->setObjectName(QStringLiteral("exportDecision"));
    decision_->setWordWrap(true);
    decision_->setTextInteractionFlags(Qt::TextSelectableByMouse);

    missing_->setObjectName(QStringLiteral("exportMissing"));
    missing_->setHorizontalHeaderLabels(
        {tr("Recording"), tr("Owner"), tr("Missing grant"), tr("Why"), QString()});
    missing_->verticalHeader()->hide();
    missing_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    missing_->setSelectionBehavior(QAbstractItemView::SelectRows);
    missing_->setWordWrap(true);
    missing_->setAlternatingRowColors(true);
    missing_->horizontalHeader()->setSectionResizeMode(kMissingWhy, QHeaderView::Stretch);
    // The reasons are sentences: rows grow to show them whole as the dialog is resized.
    connect(missing_->horizontalHeader(), &QHeaderView::sectionResized, missing_,
            &QTableWidget::resizeRowsToContents);

    split_->setObjectName(QStringLiteral("exportSplit"));
    split_->setHorizontalHeaderLabels({tr("Holder"), tr("Name"), tr("Share")});
    split_->verticalHeader()->hide();
    split_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    split_->setSelectionBehavior(QAbstractItemView::SelectRows);
    split_->setAlternatingRowColors(true);
    split_->horizontalHeader()->setSectionResizeMode(kSplitName, QHeaderView::Stretch);
    splitTotal_->setObjectName(QStringLiteral("exportSplitTotal"));
    splitTotal_->setWordWrap(true);

    auto* splitPage = new QWidget(this);
    auto* splitLayout = new QVBoxLayout(splitPage);
    splitLayout->setContentsMargins(0, 0, 0, 0);
    splitLayout->addWidget(split_, 1);
    splitLayout->addWidget(splitTotal_);
    details_->addWidget(splitPage);
    details_->addWidget(missing_);

    progress_->setObjectName(QStringLiteral("exportProgress"));
    progress_->setRange(0, kProgressSteps);
    progress_->setTextVisible(false);
    cancelButton_->setObjectName(QStringLiteral("exportCancel"));
    result_->setObjectName(QStringLiteral("exportResult"));
    result_->setWordWrap(true);
    result_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    files_->setObjectName(QStringLiteral("exportFiles"));
    files_->setMinimumHeight(kFilesListHeight);
    verifyButton_->setObjectName(QStringLiteral("exportVerify"));
    exportButton_->setObjectName(QStringLiteral("exportButton"));
    exportButton_->setDefault(true);
    closeButton_->setObjectName(QStringLiteral("exportClose"));

    auto* folderRow = new QHBoxLayout;
    folderRow->addWidget(folder_, 1);
    folderRow->addWidget(browse_);
    auto* options = new QGroupBox(tr("Options"), this);
    auto* form = new QFormLayout(options);
    form->addRow(tr("Folder:"), folderRow);
    auto* formatRow = new QHBoxLayout;
    formatRow->addWidget(format_, 1);
    formatRow->addWidget(bitrate_);
    form->addRow(tr("Format:"), formatRow);
    form->addRow(tr("Range:"), range_);
    auto* loudnessRow = new QHBoxLayout;
    loudnessRow->addWidget(loudness_);
    loudnessRow->addWidget(lufs_);
    loudnessRow->addWidget(ceiling_);
    form->addRow(QString(), loudnessRow);
    form->addRow(QString(), stems_);
    form->addRow(QString(), commercial_);
    form->addRow(QString(), ddex_);
    form->addRow(tr("Export as:"), actor_);

    auto* gateBox = new QGroupBox(tr("Consent and split sheet"), this);
    auto* gateLayout = new QVBoxLayout(gateBox);
    gateLayout->addWidget(decision_);
    gateLayout->addWidget(details_, 1);

    auto* progressRow = new QHBoxLayout;
    progressRow->addWidget(progress_, 1);
    progressRow->addWidget(cancelButton_);

    auto* resultRow = new QHBoxLayout;
    resultRow->addWidget(result_, 1);
    resultRow->addWidget(verifyButton_);

    auto* buttons = new QDialogButtonBox(this);
    buttons->addButton(exportButton_, QDialogButtonBox::AcceptRole);
    buttons->addButton(closeButton_, QDialogButtonBox::RejectRole);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(options);
    layout->addWidget(gateBox, 1);
    layout->addLayout(progressRow);
    layout->addLayout(resultRow);
    layout->addWidget(files_);
    layout->addWidget(buttons);
    resize(kDialogSize);

    for (QWidget* hidden : {static_cast<QWidget*>(progress_), static_cast<QWidget*>(cancelButton_),
                            static_cast<QWidget*>(result_), static_cast<QWidget*>(files_),
                            static_cast<QWidget*>(verifyButton_)})
        hidden->hide();

    judgeDelay_.setSingleShot(true);
    judgeDelay_.setInterval(kJudgeDelayMs);
    connect(&judgeDelay_, &QTimer::timeout, this, &ExportDialog::judgeNow);
    poll_.setInterval(kPollIntervalMs);
    connect(&poll_, &QTimer::timeout, this, [this] {
        if (fraction_)
            progress_->setValue(static_cast<int>(fraction_->load() * kProgressSteps));
    });
    connect(&judgeWatcher_, &QFutureWatcher<ExportGateView>::finished, this, [this] {
        judging_ = false;
        if (judgeAgain_) {
            judgeAgain_ = false;
            judgeNow();
            return;
        }
        shownOptions_ = judgingOptions_;
        showGate(judgeWatcher_.result());
    });
    connect(&exportWatcher_, &QFutureWatcher<ExportRunOutcome>::finished, this,
            [this] { finishExport(exportWatcher_.result()); });

    connect(stems_, &QCheckBox::toggled, this, &ExportDialog::rejudge);
    connect(commercial_, &QCheckBox::toggled, this, &ExportDialog::rejudge);
    connect(format_, qOverload<int>(&QComboBox::currentIndexChanged), this, &ExportDialog::rejudge);
    connect(range_, qOverload<int>(&QComboBox::currentIndexChanged), this, &ExportDialog::rejudge);
    // The loudness target is the mix's: stems are their tracks (docs/STUDIO.md "Export").
    connect(loudness_, &QCheckBox::toggled, this, [this] { setOptionsEnabled(!exporting_); });
    connect(stems_, &QCheckBox::toggled, this, [this] { setOptionsEnabled(!exporting_); });
    connect(format_, qOverload<int>(&QComboBox::currentIndexChanged), this,
            [this] { setOptionsEnabled(!exporting_); });
    offerRange(kLoop, tr("Loop"), 0, 0);
    offerRange(kSelection, tr("Selection"), 0, 0);
    setOptionsEnabled(true);
    connect(actor_, qOverload<int>(&QComboBox::currentIndexChanged), this, &ExportDialog::rejudge);
    connect(folder_, &QLineEdit::textChanged, this, &ExportDialog::updateButtons);
    connect(browse_, &QPushButton::clicked, this, &ExportDialog::chooseFolder);
    connect(exportButton_, &QPushButton::clicked, this, &ExportDialog::startExport);
    connect(cancelButton_, &QPushButton::clicked, this, &ExportDialog::cancelExport);
    connect(closeButton_, &QPushButton::clicked, this, &ExportDialog::reject);
    connect(verifyButton_, &QPushButton::clicked, this, [this] {
        if (!exported_.isEmpty())
            Q_EMIT verifyRequested(exported_.first());
    });

    // Anything that can change the decision: grants (from any panel or accord-cli), the tracks
    // and clips, mute and solo (what is audible is what is exported).
    connect(session_, &RegistrySession::changed, this, [this] {
        reloadHolders();
        rejudge();
    });
    connect(document_, &ProjectDocument::structureChanged, this, &ExportDialog::rejudge);
    connect(document_, &ProjectDocument::projectReset, this, &ExportDialog::rejudge);
    connect(document_, &ProjectDocument::trackMixChanged, this, &ExportDialog::rejudge);

    reloadHolders();
    folder_->setText(defaultFolder(document_));
    showGate(gate_);
}

ExportDialog::~ExportDialog() {
    judgeDelay_.stop();
    if (cancel_)
        cancel_->store(true);
    pool_.waitForDone();
}

QString ExportDialog::title() const {
    return document_->displayName();
}

bool ExportDialog::isJudging() const {
    return judgeDelay_.isActive() || judging_ || judgeAgain_;
}

void ExportDialog::showEvent(QShowEvent* event) {
    QDialog::showEvent(event);
    if (folder_->text().isEmpty())
        folder_->setText(defaultFolder(document_));
    rejudge();
}

void ExportDialog::reloadHolders() {
    fillHolderChoice(actor_, session_->registry(),
                     tr("Nobody in particular (only grants to anyone count)"),
                     actor_->currentData().toString());
}

void ExportDialog::setActor(const QString& holderId) {
    const int index = actor_->findData(holderId);
    actor_->setCurrentIndex(index < 0 ? 0 : index);
}

void ExportDialog::rejudge() {
    // Hidden or busy exporting: judged again when shown or when the export ends.
    if (!isVisible() || exporting_)
        return;
    // The previous decision stays up meanwhile (no flicker); Export waits for the new one.
    if (gate_.verdict == ExportGateView::Verdict::Failed && gate_.error.isEmpty()) {
        decision_->setStyleSheet(palette::styleSheet(QString::fromLatin1(kNeutralStyle)));
        decision_->setText(tr("Checking consent…"));
    }
    judgeDelay_.start();
    updateButtons();
}

void ExportDialog::judgeNow() {
    if (judging_) {
        judgeAgain_ = true;
        return;
    }
    if (!session_->isOpen()) {
        ExportGateView view;
        view.error = tr("No registry is open: an export is judged against the consent registry "
                        "(Registry > Open Registry…).");
        showGate(view);
        return;
    }
    judging_ = true;
    ++judgementsStarted_;
    judgingOptions_ = decidingOptions();
    judgeWatcher_.setFuture(QtConcurrent::run(&pool_, judgeOnWorker, session_->path(),
                                              document_->project(), currentRequest()));
    updateButtons();
}

QString ExportDialog::decidingOptions() const {
    return QStringLiteral("%1|%2|%3|%4|%5")
        .arg(stems_->isChecked())
        .arg(format_->currentIndex())
        .arg(range_->currentIndex())
        .arg(commercial_->isChecked())
        .arg(actor_->currentData().toString());
}

workflows::ExportRequest ExportDialog::currentRequest() const {
    workflows::ExportRequest request;
    request.stems = stems_->isChecked();
    request.format = format_->currentIndex() == kMp3      ? workflows::ExportFormat::Mp3
                     : format_->currentIndex() == kFlac24 ? workflows::ExportFormat::Flac
                                                          : workflows::ExportFormat::Wav;
    request.mp3BitrateKbps = bitrate_->currentData().toInt();
    const Span& range = ranges_[std::size_t(std::max(0, range_->currentIndex()))];
    if (range.end > range.start && range_->isEnabled()) {
        const Project& project = document_->project();
        request.rangeStartSeconds = project.samplesToSeconds(range.start);
        request.rangeEndSeconds = project.samplesToSeconds(range.end);
    }
    if (loudness_->isChecked())
        request.loudnessTarget = audio::LoudnessTarget{lufs_->value(), ceiling_->value()};
    request.commercial = commercial_->isChecked();
    if (ddex_->isChecked())
        request.ddex = std::make_shared<workflows::DdexOptions>();
    request.actor = actor_->currentData().toString().toStdString();
    request.title = title().toStdString();
    request.projectPath = document_->path().isEmpty() ? document_->displayName().toStdString()
                                                      : document_->path().toStdString();
    return request;
}

void ExportDialog::showGate(const ExportGateView& gate) {
    gate_ = gate;
    switch (gate.verdict) {
    case ExportGateView::Verdict::Allowed:
        decision_->setStyleSheet(palette::styleSheet(QString::fromLatin1(kAllowedStyle)));
        decision_->setText(
            tr("✔ Allowed: every rights holder behind this export (%1) has granted it. %2 "
               "this split sheet:")
                .arg(counted(gate.closureAssets, tr("1 recording"), tr("%1 recordings")),
                     tr("The files will carry C2PA Content Credentials, which labels' and "
                        "platforms' tools read, with")));
        showSplit(gate);
        details_->setCurrentIndex(0);
        break;
    case ExportGateView::Verdict::Denied:
        decision_->setStyleSheet(palette::styleSheet(QString::fromLatin1(kDeniedStyle)));
        decision_->setText(tr("✘ Denied: not allowed yet by %1. Nothing will be written until "
                              "they allow it: “Allow…” on a line below fills in their grant.")
                               .arg(ownersInWords(gate.missing)));
        showMissing(gate);
        details_->setCurrentIndex(1);
        break;
    case ExportGateView::Verdict::Silent:
        decision_->setStyleSheet(palette::styleSheet(QString::fromLatin1(kNeutralStyle)));
        decision_->setText(tr("Nothing sounds in this project (no clips on audible tracks): "
                              "there is nothing to export."));
        split_->setRowCount(0);
        splitTotal_->clear();
        details_->setCurrentIndex(0);
        break;
    case ExportGateView::Verdict::Failed:
        decision_->setStyleSheet(palette::styleSheet(QString::fromLatin1(kDeniedStyle)));
        decision_->setText(gate.error.isEmpty()
                               ? tr("Not judged yet.")
                               : tr("Cannot judge this export: %1").arg(gate.error));
        split_->setRowCount(0);
        splitTotal_->clear();
        details_->setCurrentIndex(0);
        break;
    }
    updateButtons();
}

void ExportDialog::showSplit(const ExportGateView& gate) {
    split_->setRowCount(static_cast<int>(gate.shares.size()));
    int total = 0;
    for (int row = 0; row < gate.shares.size(); ++row) {
        const SplitShareView& share = gate.shares.at(row);
        total += share.basisPoints;
        auto* percent = new QTableWidgetItem(percentText(share.basisPoints));
        percent->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        percent->setData(Qt::UserRole, share.basisPoints);
        split_->setItem(row, kSplitHolder, new QTableWidgetItem(share.holder));
        split_->setItem(row, kSplitName, new QTableWidgetItem(share.name));
        split_->setItem(row, kSplitPercent, percent);
    }
    split_->resizeColumnToContents(kSplitHolder);
    split_->resizeColumnToContents(kSplitPercent);
    // The sheet sums to exactly 100.00 % by construction; showing the sum lets anyone check.
    splitTotal_->setText(
        tr("<b>Total %1</b><br><span style=\"color:%3\">Method %2</span>")
            .arg(percentText(total), gate.method.toHtmlEscaped(), palette::mutedText.name()));
    splitTotal_->setStyleSheet(
        total == kFullShare ? QString() : palette::styleSheet(QString::fromLatin1(kDeniedStyle)));
}

void ExportDialog::showMissing(const ExportGateView& gate) {
    missing_->setRowCount(static_cast<int>(gate.missing.size()));
    int row = 0;
    for (const MissingGrantView& missing : gate.missing) {
        const QString needed = missing.scope == QLatin1String("generate")
                                   ? tr("generate (sing with their voice model)")
                               : gate.commercial ? tr("%1, commercial").arg(missing.scope)
                                                 : missing.scope;
        const QString sentence =
            missing.asset.isEmpty()
                ? tr("%1 must allow: %2").arg(missing.ownerName, missing.why)
                : tr("%1 has not allowed %2 of %3: %4")
                      .arg(missing.ownerName, needed, missing.assetName, missing.why);
        const QString cells[] = {missing.asset.isEmpty() ? tr("a model") : missing.assetName,
                                 missing.ownerName, needed, missing.why};
        for (int column = kMissingRecording; column <= kMissingWhy; ++column) {
            auto* item = new QTableWidgetItem(cells[column]);
            item->setToolTip(missing.asset.isEmpty()
                                 ? sentence
                                 : tr("%1\n(recording %2, holder %3)")
                                       .arg(sentence, missing.asset, missing.owner));
            item->setData(Qt::UserRole, column == kMissingOwner ? missing.owner : missing.asset);
            missing_->setItem(row, column, item);
        }
        missing_->setCellWidget(row, kMissingFix, makeFixButton(missing, gate.commercial));
        ++row;
    }
    for (int column : {kMissingRecording, kMissingOwner, kMissingGrant, kMissingFix})
        missing_->resizeColumnToContents(column);
    missing_->resizeRowsToContents();
}

QPushButton* ExportDialog::makeFixButton(const MissingGrantView& missing, bool commercial) {
    auto* fix = new QPushButton(tr("Allow…"), missing_);
    fix->setObjectName(QStringLiteral("fixButton"));
    fix->setToolTip(tr("Record %1's grant, filled in for this export").arg(missing.ownerName));
    fix->setEnabled(!missing.asset.isEmpty()); // a source-revoked model: nothing to grant
    connect(fix, &QPushButton::clicked, this, [this, missing, commercial] {
        auto* dialog = new GrantDialog(session_, missing.owner, missing.asset, this);
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        dialog->prefill(missing.scope, commercial, actor_->currentData().toString());
        dialog->open();
        Q_EMIT fixOpened(dialog);
    });
    return fix;
}

void ExportDialog::updateButtons() {
    const bool allowed = gate_.verdict == ExportGateView::Verdict::Allowed;
    // A judgement for other options is no answer; one running again for the same options (the
    // registry or the tracks changed) leaves the button as it is: the export judges again itself.
    const bool ready = allowed && shownOptions_ == decidingOptions() && !exporting_ &&
                       session_->isOpen() && !folder_->text().trimmed().isEmpty();
    exportButton_->setEnabled(ready);
    if (!allowed)
        exportButton_->setToolTip(tr("The export is not allowed: see the missing grants"));
    else if (folder_->text().trimmed().isEmpty())
        exportButton_->setToolTip(tr("Choose a folder to export to"));
    else
        exportButton_->setToolTip(tr("Render, sign and write the files"));
}

void ExportDialog::setOptionsEnabled(bool enabled) {
    for (QWidget* option : {static_cast<QWidget*>(folder_), static_cast<QWidget*>(browse_),
                            static_cast<QWidget*>(format_), static_cast<QWidget*>(commercial_),
                            static_cast<QWidget*>(ddex_), static_cast<QWidget*>(actor_)})
        option->setEnabled(enabled);
    bitrate_->setEnabled(enabled && format_->currentIndex() == kMp3);
    range_->setEnabled(enabled && std::any_of(ranges_.begin(), ranges_.end(), [](const Span& span) {
                           return span.end > span.start;
                       }));
    stems_->setEnabled(enabled && !loudness_->isChecked());
    loudness_->setEnabled(enabled && !stems_->isChecked());
    lufs_->setEnabled(enabled && loudness_->isChecked());
    ceiling_->setEnabled(enabled && loudness_->isChecked());
}

void ExportDialog::setLoop(bool enabled, std::int64_t start, std::int64_t end) {
    offerRange(kLoop, tr("Loop"), enabled ? start : 0, enabled ? end : 0);
}

void ExportDialog::setSelection(std::int64_t start, std::int64_t end) {
    offerRange(kSelection, tr("Selection"), start, end);
}

void ExportDialog::offerRange(int index, const QString& name, std::int64_t start,
                              std::int64_t end) {
    const bool offered = end > start;
    ranges_[std::size_t(index)] = offered ? Span{start, end} : Span{};
    const Project& project = document_->project();
    range_->setItemText(index, offered ? tr("%1 (%2 s to %3 s)")
                                             .arg(name)
                                             .arg(project.samplesToSeconds(start), 0, 'f', 2)
                                             .arg(project.samplesToSeconds(end), 0, 'f', 2)
                                       : tr("%1 (none set)").arg(name));
    if (auto* items = qobject_cast<QStandardItemModel*>(range_->model()))
        items->item(index)->setEnabled(offered);
    if (offered) {
        range_->setCurrentIndex(index);
    } else if (range_->currentIndex() == index) {
        int fallback = kWholeProject;
        for (int other = kLoop; other < int(ranges_.size()); ++other)
            if (ranges_[std::size_t(other)].end > ranges_[std::size_t(other)].start)
                fallback = other;
        range_->setCurrentIndex(fallback);
    }
    setOptionsEnabled(!exporting_);
    rejudge();
}

void ExportDialog::chooseFolder() {
    const QString chosen =
        QFileDialog::getExistingDirectory(this, tr("Export To"), folder_->text().trimmed());
    if (!chosen.isEmpty())
        folder_->setText(chosen);
}

void ExportDialog::startExport() {
    // Only what the shown decision allows for these options.
    if (!exportButton_->isEnabled())
        return;
    const QString folder = QFileInfo(folder_->text().trimmed()).absoluteFilePath();
    QSettings().setValue(QString::fromLatin1(kFolderKey), folder);
    workflows::ExportRequest request = currentRequest();
    request.outDir = folder.toStdString();

    exporting_ = true;
    exported_.clear();
    cancel_ = std::make_shared<std::atomic<bool>>(false);
    fraction_ = std::make_shared<std::atomic<double>>(0.0);
    judgeDelay_.stop();
    setOptionsEnabled(false);
    progress_->setValue(0);
    progress_->show();
    cancelButton_->setEnabled(true);
    cancelButton_->show();
    files_->clear();
    files_->hide();
    verifyButton_->hide();
    result_->setStyleSheet(palette::styleSheet(QString::fromLatin1(kNeutralStyle)));
    result_->setText(tr("Exporting: rendering, signing the manifests, writing the split sheet…"));
    result_->show();
    updateButtons();
    poll_.start();
    exportWatcher_.setFuture(QtConcurrent::run(&pool_, exportOnWorker, session_->path(),
                                               document_->project(), request, cancel_, fraction_));
}

void ExportDialog::cancelExport() {
    if (!exporting_ || !cancel_)
        return;
    cancel_->store(true);
    cancelButton_->setEnabled(false);
    result_->setText(tr("Cancelling…"));
}

void ExportDialog::reject() {
    if (exporting_) {
        // Closing must not leave half-written files: stop first, close when the worker is done.
        closeWhenStopped_ = true;
        cancelExport();
        return;
    }
    QDialog::reject();
}

void ExportDialog::finishExport(const ExportRunOutcome& outcome) {
    exporting_ = false;
    poll_.stop();
    progress_->hide();
    cancelButton_->hide();
    setOptionsEnabled(true);
    cancel_.reset();
    fraction_.reset();
    if (outcome.ok) {
        exported_ = outcome.files;
        const QString summary =
            tr("✔ Exported %1, each with its signed manifest (embedded and as a sidecar), and the "
               "split sheet:")
                .arg(counted(static_cast<int>(outcome.files.size()), tr("1 file"), tr("%1 files")));
        // A clipping mix is exported as asked, and said so in the warning colour.
        result_->setStyleSheet(palette::styleSheet(
            QString::fromLatin1(outcome.warnings.isEmpty() ? kAllowedStyle : kWarningStyle)));
        result_->setText(outcome.warnings.isEmpty()
                             ? summary
                             : summary + QStringLiteral("\n⚠ ") +
                                   outcome.warnings.join(QStringLiteral("\n⚠ ")));
        for (int i = 0; i < outcome.files.size(); ++i) {
            files_->addItem(outcome.files.at(i));
            files_->addItem(outcome.sidecars.value(i));
        }
        files_->addItem(outcome.splitJson);
        files_->addItem(outcome.splitCsv);
        if (!outcome.ddex.isEmpty())
            files_->addItem(outcome.ddex);
        files_->show();
        verifyButton_->show();
        // The split exactly as written; the closure was counted by the judgement before.
        ExportGateView written = outcome.gate;
        written.closureAssets = gate_.closureAssets;
        showGate(written);
        session_->notifyChanged(); // renders and exports were recorded
        Q_EMIT exported(outcome.files);
    } else if (outcome.cancelled) {
        result_->setStyleSheet(palette::styleSheet(QString::fromLatin1(kNeutralStyle)));
        result_->setText(tr("Export cancelled: nothing was written or recorded."));
    } else {
        result_->setStyleSheet(palette::styleSheet(QString::fromLatin1(kDeniedStyle)));
        result_->setText(tr("✘ %1. Nothing was written.\n%2")
                             .arg(outcome.failure.kind, outcome.failure.message));
        if (outcome.gate.verdict == ExportGateView::Verdict::Denied)
            showGate(outcome.gate); // consent changed since the last judgement
    }
    updateButtons();
    if (closeWhenStopped_) {
        closeWhenStopped_ = false;
        QDialog::reject();
        return;
    }
    rejudge();
}

} // namespace accord::ui
