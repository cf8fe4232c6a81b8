#include "accord/ui/identify/identify_panel.h"

#include "accord/core/cancelled.h"
#include "accord/core/errors.h"
#include "accord/core/registry.h"
#include "accord/ledger/ledger.h"
#include "accord/ui/common/audio_files.h"
#include "accord/ui/common/background.h"
#include "accord/ui/common/errors.h"
#include "accord/ui/common/labels.h"
#include "accord/ui/common/messages.h"
#include "accord/ui/common/palette.h"
#include "accord/ui/shell/ledger_status.h"
#include "accord/ui/shell/registry_session.h"
#include "accord/workflows/ledger_catalogue.h"

#include <QFileDialog>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>
#include <QProgressBar>
#include <QPushButton>
#include <QTreeWidget>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>

namespace accord::ui {

struct IdentifyOutcome {
    bool completed = false;
    bool cancelled = false;
    std::vector<workflows::IdentifiedRecording> matches;
    std::vector<FoundIn> foundIn; // beside matches
    QString ledgerUrl;            // searched too, when set
    QString ledgerProblem;        // why the ledger could not be searched
    double fileSeconds = 0;
    QStringList skipped; // recordings the index could not take, one sentence each
    ErrorReport failure; // when neither completed nor cancelled
};

namespace {

constexpr int kPollIntervalMs = 100;
constexpr int kMinimumWidth = 340;
constexpr double kBarHeight = 14;
constexpr double kRowHeight = 46;
constexpr double kLabelHeight = 16;
constexpr double kMargin = 8;

enum MatchColumn { kRecording, kOwner, kInFile, kInRecording, kChange, kConfidence, kFound };

QString recordingName(const workflows::IdentifiedRecording& r) {
    return QStringLiteral("%1 %2").arg(
        r.kind == IndexedKind::Asset ? QObject::tr("asset") : QObject::tr("render"), fromStd(r.id));
}

QString foundInName(FoundIn where) {
    switch (where) {
    case FoundIn::Here:
        return QObject::tr("here");
    case FoundIn::Ledger:
        return QObject::tr("ledger");
    case FoundIn::HereAndLedger:
        break;
    }
    return QObject::tr("here and ledger");
}

// A render found on the ledger: what its studio signed it was made of.
QString lineageText(const RenderLineage& lineage) {
    QStringList parts;
    for (const LineageModel& m : lineage.models)
        parts << QObject::tr("%1 model %2 of %3")
                     .arg(fromStd(m.kind), fromStd(m.weightsSha256.substr(0, 12)),
                          fromStd(m.ownerName));
    for (const LineageSource& source : lineage.sources)
        parts << QObject::tr("recording %1 of %2")
                     .arg(fromStd(source.pcmSha256.substr(0, 12)), fromStd(source.ownerName));
    return QObject::tr("%1 made from %2")
        .arg(fromStd(lineage.kind), parts.join(QStringLiteral(", ")));
}

// A match of this studio's, by content and by the key that would claim it on the ledger: its
// owner's for a recording, the studio's for a render (docs/LEDGER.md "Renders in the catalogue").
std::pair<std::string, std::string> claimOf(const Registry& registry,
                                            const workflows::IdentifiedRecording& r) {
    if (r.kind == IndexedKind::Render) {
        const auto render = registry.render(r.id);
        return {render ? render->pcmSha256 : "", registry.studioPublicKey()};
    }
    const auto asset = registry.asset(r.id);
    const auto owner = registry.holder(r.owner);
    return {asset ? asset->pcmSha256 : "", owner ? owner->publicKey : ""};
}

// The ledger's matches joined to this studio's: one that is a local match's recording under the
// same key marks that match; the others are added.
void addLedgerMatches(const Registry& registry,
                      std::vector<workflows::IdentifiedRecording> onLedger,
                      IdentifyOutcome& outcome) {
    std::vector<std::pair<std::string, std::string>> local;
    for (const workflows::IdentifiedRecording& r : outcome.matches)
        local.push_back(claimOf(registry, r));
    for (workflows::IdentifiedRecording& r : onLedger) {
        const auto same = std::find(local.begin(), local.end(), std::make_pair(r.id, r.owner));
        if (same != local.end()) {
            outcome.foundIn[std::size_t(same - local.begin())] = FoundIn::HereAndLedger;
            continue;
        }
        outcome.matches.push_back(std::move(r));
        outcome.foundIn.push_back(FoundIn::Ledger);
    }
}

// This studio's index and, when a ledger is set, the ledger's catalogue, searched on one
// decoding of the file (docs/LEDGER.md "Identify on the server"). A ledger that cannot be
// searched is said, and the local matches stand.
void identifyHereAndOnLedger(const Registry& registry, const FingerprintIndex& index,
                             const QString& file, const std::atomic<bool>* cancel,
                             IdentifyOutcome& outcome) {
    std::unique_ptr<ledger::Ledger> ledger;
    if (!outcome.ledgerUrl.isEmpty()) {
        try {
            ledger = ledger::Ledger::connect(outcome.ledgerUrl.toStdString());
        } catch (const Error& error) {
            outcome.ledgerProblem = QString::fromUtf8(error.what());
        }
    }
    std::vector<workflows::IdentifiedRecording> onLedger;
    if (ledger) {
        workflows::IdentifiedHereAndOnLedger both = workflows::identifyFileHereAndOnLedger(
            registry, index, *ledger, file.toStdString(), cancel, &outcome.fileSeconds);
        outcome.matches = std::move(both.here);
        onLedger = std::move(both.onLedger);
        outcome.ledgerProblem = QString::fromStdString(both.ledgerProblem);
    } else {
        outcome.matches = workflows::identifyFile(registry, index, file.toStdString(), cancel,
                                                  &outcome.fileSeconds);
    }
    outcome.foundIn.assign(outcome.matches.size(), FoundIn::Here);
    addLedgerMatches(registry, std::move(onLedger), outcome);
}

QString stretch(double from, double seconds) {
    return QStringLiteral("%1–%2").arg(formatMinutesSeconds(from),
                                       formatMinutesSeconds(from + seconds));
}

IdentifyOutcome identifyOnWorker(const QString& file, const QString& registryPath,
                                 const QString& ledgerUrl,
                                 std::shared_ptr<std::atomic<bool>> cancel,
                                 std::shared_ptr<std::atomic<int>> indexed,
                                 std::shared_ptr<std::atomic<int>> toIndex) {
    backgroundPriority();
    IdentifyOutcome outcome;
    outcome.ledgerUrl = ledgerUrl;
    try {
        const std::unique_ptr<Registry> registry = Registry::open(registryPath.toStdString());
        const auto index = workflows::openFingerprintIndex(*registry);
        const workflows::IndexUpdate update = workflows::updateFingerprintIndex(
            *registry, *index,
            [&](int done, int total) {
                indexed->store(done);
                toIndex->store(total);
            },
            cancel.get());
        for (const std::string& sentence : update.skipped)
            outcome.skipped << fromStd(sentence);
        identifyHereAndOnLedger(*registry, *index, file, cancel.get(), outcome);
        outcome.completed = true;
    } catch (const Cancelled&) {
        outcome.cancelled = true;
    } catch (...) {
        outcome.cancelled = cancel->load();
        outcome.failure = describeCurrentError(
            QObject::tr("Could not identify %1").arg(QFileInfo(file).fileName()));
    }
    return outcome;
}

} // namespace

// ---- the panel ----------------------------------------------------------------------------------

IdentifyPanel::IdentifyPanel(RegistrySession* session, QWidget* parent)
    : QWidget(parent), session_(session), choose_(new QPushButton(tr("Choose File…"), this)),
      cancel_(new QPushButton(tr("Cancel"), this)), fileLabel_(new QLabel(this)),
      message_(new QLabel(this)), progress_(new QProgressBar(this)), list_(new QTreeWidget(this)),
      timeline_(new IdentifyTimeline(this)) {
    setObjectName(QStringLiteral("identifyPanel"));
    openDroppedFiles(this, [this](const QString& file) { identify(file); });
    setMinimumWidth(kMinimumWidth);
    pool_.setMaxThreadCount(1);
    choose_->setObjectName(QStringLiteral("identifyChoose"));
    cancel_->setObjectName(QStringLiteral("identifyCancel"));
    fileLabel_->setObjectName(QStringLiteral("identifyFile"));
    fileLabel_->setWordWrap(true);
    message_->setObjectName(QStringLiteral("identifyMessage"));
    message_->setWordWrap(true);
    progress_->setObjectName(QStringLiteral("identifyProgress"));
    progress_->hide();
    list_->setObjectName(QStringLiteral("identifyMatches"));
    list_->setRootIsDecorated(false);
    list_->setHeaderLabels({tr("Recording"), tr("Owner"), tr("In the file"), tr("In the recording"),
                            tr("Speed / pitch"), tr("Confidence"), tr("Found")});
    list_->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
    timeline_->setObjectName(QStringLiteral("identifyTimeline"));

    auto* hint = new QLabel(tr("Drop any audio file here to find the registered recordings "
                               "sounding in it: excerpts, mixed under other music, sped up or "
                               "pitched."),
                            this);
    hint->setWordWrap(true);
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(choose_);
    buttons->addWidget(cancel_);
    buttons->addStretch(1);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(hint);
    layout->addLayout(buttons);
    layout->addWidget(fileLabel_);
    layout->addWidget(progress_);
    layout->addWidget(message_);
    layout->addWidget(timeline_);
    layout->addWidget(list_, 1);

    connect(choose_, &QPushButton::clicked, this, &IdentifyPanel::chooseFile);
    connect(cancel_, &QPushButton::clicked, this, &IdentifyPanel::cancel);
    connect(&poll_, &QTimer::timeout, this, &IdentifyPanel::showProgress);
    connect(list_, &QTreeWidget::currentItemChanged, this, [this] {
        timeline_->setSelected(
            list_->currentItem() ? list_->indexOfTopLevelItem(list_->currentItem()) : -1);
    });
    connect(timeline_, &IdentifyTimeline::matchClicked, this,
            [this](int index) { list_->setCurrentItem(list_->topLevelItem(index)); });
    poll_.setInterval(kPollIntervalMs);
    setMessage(message_, tr("No file yet."));
    updateButtons();
}

IdentifyPanel::~IdentifyPanel() {
    if (running_)
        running_->cancel->store(true);
    pool_.waitForDone();
}

void IdentifyPanel::identify(const QString& file) {
    file_ = QFileInfo(file).absoluteFilePath();
    fileLabel_->setText(QFileInfo(file_).fileName());
    fileLabel_->setToolTip(file_);
    if (running_) { // the newest request wins: this one starts when the running one stops
        running_->cancel->store(true);
        pending_ = true;
        return;
    }
    start();
}

void IdentifyPanel::start() {
    pending_ = false;
    matches_.clear();
    foundIn_.clear();
    fileSeconds_ = 0;
    list_->clear();
    timeline_->setMatches(0, {});
    if (!session_->isOpen()) {
        setMessage(message_, tr("Open a registry first: its recordings are what is looked for."),
                   MessageKind::Error);
        return;
    }
    running_ = std::make_unique<Running>();
    progress_->setRange(0, 0);
    progress_->show();
    setMessage(message_, tr("Identifying…"));
    poll_.start();
    auto* watcher = new QFutureWatcher<IdentifyOutcome>(this);
    connect(watcher, &QFutureWatcher<IdentifyOutcome>::finished, this, [this, watcher] {
        watcher->deleteLater();
        finish(watcher->result());
    });
    watcher->setFuture(QtConcurrent::run(&pool_, identifyOnWorker, file_, session_->path(),
                                         LedgerStatus::url(), running_->cancel, running_->indexed,
                                         running_->toIndex));
    updateButtons();
    Q_EMIT identifyingChanged(true);
}

void IdentifyPanel::showProgress() {
    if (!running_)
        return;
    const int total = running_->toIndex->load();
    if (total > 0 && running_->indexed->load() < total) {
        progress_->setRange(0, total);
        progress_->setValue(running_->indexed->load());
        setMessage(message_, tr("Fingerprinting the recordings registered since the last look "
                                "(%1 of %2)…")
                                 .arg(running_->indexed->load() + 1)
                                 .arg(total));
    } else {
        progress_->setRange(0, 0);
        setMessage(message_, tr("Identifying…"));
    }
}

void IdentifyPanel::finish(const IdentifyOutcome& outcome) {
    running_.reset();
    poll_.stop();
    progress_->hide();
    if (pending_) {
        start();
        return;
    }
    updateButtons();
    Q_EMIT identifyingChanged(false);
    if (outcome.cancelled) {
        setMessage(message_, tr("Cancelled."));
        return;
    }
    if (!outcome.completed) {
        setMessage(message_, outcome.failure.title + QStringLiteral(": ") + outcome.failure.message,
                   MessageKind::Error);
        return;
    }
    matches_ = outcome.matches;
    foundIn_ = outcome.foundIn;
    fileSeconds_ = outcome.fileSeconds;
    for (std::size_t i = 0; i < matches_.size(); ++i) {
        const workflows::IdentifiedRecording& r = matches_[i];
        auto* item = new QTreeWidgetItem(list_);
        item->setText(kRecording, recordingName(r));
        if (r.lineage)
            item->setToolTip(kRecording, lineageText(*r.lineage));
        item->setText(kFound, foundInName(foundIn_[i]));
        item->setText(kOwner, r.ownerName.empty() ? fromStd(r.owner)
                                                  : QStringLiteral("%1 (%2)").arg(
                                                        fromStd(r.ownerName), fromStd(r.owner)));
        item->setText(kInFile, stretch(r.fileOffset, r.seconds));
        item->setText(kInRecording, stretch(r.recordingOffset, r.seconds * r.speed));
        item->setText(kChange,
                      tr("×%1, %2 st").arg(r.speed, 0, 'f', 3).arg(r.pitchSemitones, 0, 'f', 2));
        item->setText(kConfidence, QStringLiteral("%1").arg(r.confidence, 0, 'f', 2));
    }
    timeline_->setMatches(fileSeconds_, matches_);
    if (!matches_.empty())
        list_->setCurrentItem(list_->topLevelItem(0));
    const QString found =
        matches_.empty()
            ? tr("No registered recording sounds in %1 s of this file.")
                  .arg(fileSeconds_, 0, 'f', 1)
            : tr("%1 found in %2 s.")
                  .arg(counted(int(matches_.size()), tr("One recording"), tr("%1 recordings")))
                  .arg(fileSeconds_, 0, 'f', 1);
    if (!outcome.ledgerProblem.isEmpty()) {
        setMessage(message_,
                   found + QStringLiteral("\n") +
                       tr("Could not search the ledger at %1: %2. Only this studio's recordings "
                          "were searched.")
                           .arg(outcome.ledgerUrl, outcome.ledgerProblem) +
                       bulleted(outcome.skipped),
                   MessageKind::Error);
        return;
    }
    const QString where =
        outcome.ledgerUrl.isEmpty()
            ? QString()
            : QStringLiteral(" ") +
                  tr("Searched this studio and the ledger at %1.").arg(outcome.ledgerUrl);
    setMessage(message_, found + where + bulleted(outcome.skipped),
               matches_.empty() ? MessageKind::Plain : MessageKind::Done);
}

void IdentifyPanel::cancel() {
    pending_ = false;
    if (running_)
        running_->cancel->store(true);
    updateButtons();
}

void IdentifyPanel::chooseFile() {
    const QString file = QFileDialog::getOpenFileName(
        this, tr("Identify"), QFileInfo(file_).absolutePath(), audioFileFilter());
    if (!file.isEmpty())
        identify(file);
}

void IdentifyPanel::updateButtons() {
    cancel_->setEnabled(running_ != nullptr && !running_->cancel->load());
}

// ---- the timeline -------------------------------------------------------------------------------

IdentifyTimeline::IdentifyTimeline(QWidget* parent) : QWidget(parent) {
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
}

void IdentifyTimeline::setMatches(double fileSeconds,
                                  std::vector<workflows::IdentifiedRecording> matches) {
    fileSeconds_ = fileSeconds;
    matches_ = std::move(matches);
    selected_ = -1;
    updateGeometry();
    setFixedHeight(sizeHint().height());
    update();
}

void IdentifyTimeline::setSelected(int match) {
    selected_ = match;
    update();
}

QSize IdentifyTimeline::sizeHint() const {
    return {kMinimumWidth,
            int(2 * kMargin + kRowHeight * double(matches_.empty() ? 1 : matches_.size() + 1))};
}

QRectF IdentifyTimeline::barArea(int row) const {
    return {kMargin, kMargin + kRowHeight * row + kLabelHeight, width() - 2 * kMargin, kBarHeight};
}

QRectF IdentifyTimeline::fileStretch(int index) const {
    const auto& r = matches_.at(std::size_t(index));
    const QRectF bar = barArea(0);
    const double scale = fileSeconds_ > 0 ? bar.width() / fileSeconds_ : 0;
    return {bar.left() + r.fileOffset * scale, bar.top(), std::max(2.0, r.seconds * scale),
            bar.height()};
}

QRectF IdentifyTimeline::recordingStretch(int index) const {
    const auto& r = matches_.at(std::size_t(index));
    const QRectF bar = barArea(index + 1);
    const double length = std::max(r.recordingSeconds, r.recordingOffset + r.seconds * r.speed);
    const double scale = length > 0 ? bar.width() / length : 0;
    return {bar.left() + r.recordingOffset * scale, bar.top(),
            std::max(2.0, r.seconds * r.speed * scale), bar.height()};
}

void IdentifyTimeline::paintEvent(QPaintEvent*) {
    QPainter painter(this);
    painter.setRenderHint(QPainter::Antialiasing);
    painter.fillRect(rect(), palette::canvas);
    auto label = [&](int row, const QString& text) {
        painter.setPen(palette::secondaryText);
        painter.drawText(
            QRectF(kMargin, kMargin + kRowHeight * row, width() - 2 * kMargin, kLabelHeight),
            Qt::AlignLeft | Qt::AlignVCenter,
            painter.fontMetrics().elidedText(text, Qt::ElideMiddle, width() - int(2 * kMargin)));
    };
    auto bar = [&](int row) {
        painter.setPen(Qt::NoPen);
        painter.setBrush(palette::recess);
        painter.drawRoundedRect(barArea(row), 3, 3);
    };
    if (fileSeconds_ <= 0) {
        label(0, tr("The file and the recordings found in it appear here."));
        return;
    }
    label(0, tr("This file (%1)").arg(formatMinutesSeconds(fileSeconds_)));
    bar(0);
    for (int i = 0; i < int(matches_.size()); ++i) {
        const auto& r = matches_[std::size_t(i)];
        const bool chosen = i == selected_;
        const QColor colour =
            palette::withAlpha(palette::trackColour(i), selected_ < 0 || chosen ? 255 : 110);
        label(i + 1,
              QStringLiteral("%1 · %2 · %3")
                  .arg(recordingName(r), fromStd(r.ownerName.empty() ? r.owner : r.ownerName),
                       formatMinutesSeconds(r.recordingSeconds)));
        bar(i + 1);
        const QRectF top = fileStretch(i), bottom = recordingStretch(i);
        // The join: from the stretch in the file down to the part of the recording it uses.
        QPainterPath join;
        join.moveTo(top.bottomLeft());
        join.lineTo(top.bottomRight());
        join.lineTo(bottom.topRight());
        join.lineTo(bottom.topLeft());
        join.closeSubpath();
        painter.setPen(Qt::NoPen);
        painter.setBrush(palette::withAlpha(colour, chosen ? 70 : 30));
        painter.drawPath(join);
        painter.setBrush(colour);
        painter.drawRoundedRect(top, 2, 2);
        painter.drawRoundedRect(bottom, 2, 2);
    }
}

void IdentifyTimeline::mousePressEvent(QMouseEvent* event) {
    for (int i = 0; i < int(matches_.size()); ++i)
        if (fileStretch(i).adjusted(-2, -2, 2, 2).contains(event->position()) ||
            barArea(i + 1).adjusted(0, -kLabelHeight, 0, 0).contains(event->position())) {
            Q_EMIT matchClicked(i);
            return;
        }
}

} // namespace accord::ui
