#include "accord/ui/verify/verify_panel.h"

#include "accord/core/registry.h"
#include "accord/ui/common/audio_files.h"
#include "accord/ui/common/background.h"
#include "accord/ui/common/errors.h"
#include "accord/ui/common/labels.h"
#include "accord/ui/common/palette.h"
#include "accord/ui/shell/registry_session.h"
#include "accord/workflows/verify.h"

#include <QFileDialog>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QRegularExpression>
#include <QScrollArea>
#include <QStyle>
#include <QTableWidget>
#include <QTreeWidget>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

namespace accord::ui {

struct VerifyOutcome {
    bool completed = false;
    accord::workflows::FileVerification result;
    bool withRegistry = false;
    ErrorReport failure; // when not completed
};

namespace {

using nlohmann::json;

// A revocation arrives as a burst of registry events: verify again once.
constexpr int kRegistryDelayMs = 300;
constexpr int kShortHashChars = 16;
constexpr int kMinimumWidth = 340; // the checks stay readable in a narrow dock

// Pass / fail / unknown keyed on a label's `state`; list items (which a style sheet cannot
// address) take palette::denied for a failure.
const char* const kPanelStyle = R"(
QLabel[state="pass"] { color: @allowed; }
QLabel[state="fail"] { color: @denied; }
QLabel[state="unknown"] { color: @secondaryText; }
QLabel#verifyVerdict { font-size: 11pt; font-weight: 600; }
QLabel#verifyHint { color: @mutedText; }
QFrame#verifyDropZone { border: 2px dashed @border; border-radius: 6px; background: @canvas; }
QLabel#verifyFile { color: @brightText; font-weight: 600; }
QLabel#verifyCaption { color: @mutedText; font-size: 8pt; }
)";

enum LineageColumn { kLineageItem, kLineageWho, kLineageDetail };
enum SplitColumn { kSplitHolder, kSplitName, kSplitPercent };

// Hashes are 64 hex digits that no narrow panel can wrap: shown abbreviated, whole in the tooltip.
QString abbreviateHashes(const QString& line) {
    static const QRegularExpression hash(QStringLiteral("\\b([0-9a-f]{16})[0-9a-f]{48}\\b"));
    QString shown = line;
    return shown.replace(hash, QStringLiteral("\\1…"));
}

QString text(const json& object, const char* key) {
    if (!object.is_object())
        return {};
    const auto found = object.find(key);
    return found != object.end() && found->is_string() ? fromStd(found->get<std::string>())
                                                       : QString();
}

VerifyOutcome verifyOnWorker(const QString& file, const QString& registryPath) {
    backgroundPriority();
    VerifyOutcome outcome;
    const QString title = QObject::tr("Could not verify %1").arg(QFileInfo(file).fileName());
    try {
        std::unique_ptr<Registry> registry;
        QString registryProblem;
        if (!registryPath.isEmpty()) {
            try {
                registry = Registry::open(registryPath.toStdString());
            } catch (const std::exception& error) {
                // The file's own proof does not need the registry: check it anyway.
                registryProblem = fromStd(error.what());
            }
        }
        outcome.result = workflows::verifyFile(file.toStdString(), registry.get());
        outcome.withRegistry = registry != nullptr;
        if (!registryProblem.isEmpty())
            outcome.result.notes.push_back("the registry could not be read, so the consent state "
                                           "is unknown: " +
                                           registryProblem.toStdString());
        outcome.completed = true;
    } catch (...) {
        outcome.failure = describeCurrentError(title);
    }
    return outcome;
}

QString percentText(const json& share) {
    const auto percent = share.find("percent");
    if (percent == share.end() || !percent->is_number())
        return {};
    return QStringLiteral("%1 %").arg(percent->get<double>(), 0, 'f', 2);
}

QString disclosureText(const json& disclosure) {
    if (!disclosure.is_object())
        return QObject::tr("Not stated (no manifest)");
    QStringList parts;
    const std::pair<const char*, QString> names[] = {
        {"vocals", QObject::tr("Vocals")},
        {"instrumentation", QObject::tr("Instrumentation")},
        {"composition", QObject::tr("Composition")}};
    bool anyGenerated = false;
    for (const auto& [key, name] : names) {
        const json part = disclosure.value(key, json::object());
        if (part.value("generated", false)) {
            anyGenerated = true;
            QStringList models;
            for (const auto& model : part.value("models", json::array()))
                if (model.is_string())
                    models << fromStd(model.get<std::string>());
            parts << QObject::tr("%1: AI-generated (model %2)")
                         .arg(name, models.join(QStringLiteral(", ")));
        } else {
            parts << QObject::tr("%1: human performance").arg(name);
        }
    }
    return (anyGenerated ? QObject::tr("Contains AI-generated parts. ")
                         : QObject::tr("No AI-generated parts. ")) +
           parts.join(QStringLiteral(" · "));
}

} // namespace

VerifyPanel::VerifyPanel(RegistrySession* session, QWidget* parent)
    : QWidget(parent), session_(session), choose_(new QPushButton(tr("Choose File…"), this)),
      again_(new QPushButton(tr("Verify Again"), this)), fileLabel_(new QLabel(this)),
      verdict_(new QLabel(this)), signature_(new QLabel(this)), signer_(new QLabel(this)),
      content_(new QLabel(this)), watermark_(new QLabel(this)), credentials_(new QLabel(this)),
      consent_(new QLabel(this)), disclosure_(new QLabel(this)), lineage_(new QTreeWidget(this)),
      split_(new QTableWidget(0, 3, this)), problems_(new QListWidget(this)),
      notes_(new QListWidget(this)), watcher_(new QFutureWatcher<VerifyOutcome>(this)) {
    setObjectName(QStringLiteral("verifyPanel"));
    openDroppedFiles(this, [this](const QString& file) { verify(file); });
    setMinimumWidth(kMinimumWidth);
    setStyleSheet(palette::styleSheet(QString::fromLatin1(kPanelStyle)));
    pool_.setMaxThreadCount(1);
    pool_.setObjectName(QStringLiteral("verify"));

    choose_->setObjectName(QStringLiteral("verifyChoose"));
    again_->setObjectName(QStringLiteral("verifyAgain"));
    again_->setEnabled(false);
    fileLabel_->setObjectName(QStringLiteral("verifyFile"));
    fileLabel_->setWordWrap(true);
    fileLabel_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    verdict_->setObjectName(QStringLiteral("verifyVerdict"));
    verdict_->setWordWrap(true);
    const std::pair<QLabel*, const char*> checks[] = {
        {signature_, "verifySignature"},     {signer_, "verifySigner"},
        {content_, "verifyContent"},         {watermark_, "verifyWatermark"},
        {credentials_, "verifyCredentials"}, {consent_, "verifyConsent"},
        {disclosure_, "verifyDisclosure"}};
    for (const auto& [label, name] : checks) {
        label->setObjectName(QString::fromLatin1(name));
        label->setWordWrap(true);
        label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    }

    lineage_->setObjectName(QStringLiteral("verifyLineage"));
    lineage_->setColumnCount(3);
    lineage_->setHeaderLabels({tr("From"), tr("Owner / kind"), tr("Details")});
    lineage_->header()->setStretchLastSection(true);
    split_->setObjectName(QStringLiteral("verifySplit"));
    split_->setHorizontalHeaderLabels({tr("Holder"), tr("Name"), tr("Share")});
    split_->verticalHeader()->hide();
    split_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    split_->horizontalHeader()->setSectionResizeMode(kSplitName, QHeaderView::Stretch);
    problems_->setObjectName(QStringLiteral("verifyProblems"));
    notes_->setObjectName(QStringLiteral("verifyNotes"));
    // The lists are as tall as what they hold; the panel scrolls as a whole.
    for (QAbstractItemView* view :
         {static_cast<QAbstractItemView*>(lineage_), static_cast<QAbstractItemView*>(split_),
          static_cast<QAbstractItemView*>(problems_), static_cast<QAbstractItemView*>(notes_)}) {
        view->setSizeAdjustPolicy(QAbstractScrollArea::AdjustToContents);
        view->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Maximum);
    }
    for (QListWidget* list : {problems_, notes_}) {
        list->setWordWrap(true);
        list->setResizeMode(QListView::Adjust);
        list->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
        list->setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    }

    // The drop zone says what to do; the whole panel accepts the drop.
    auto* zone = new QFrame(this);
    zone->setObjectName(QStringLiteral("verifyDropZone"));
    auto* hint = new QLabel(tr("Drop an audio file here to check what it proves: who signed it, "
                               "whether its sound is what was signed, its watermark, lineage "
                               "and consents."),
                            zone);
    hint->setObjectName(QStringLiteral("verifyHint"));
    hint->setWordWrap(true);
    auto* zoneButtons = new QHBoxLayout;
    zoneButtons->addWidget(choose_);
    zoneButtons->addWidget(again_);
    zoneButtons->addStretch(1);
    auto* zoneLayout = new QVBoxLayout(zone);
    zoneLayout->addWidget(hint);
    zoneLayout->addLayout(zoneButtons);

    // Caption above value, full width: a narrow dock wraps each value, never clips it.
    auto* checksLayout = new QVBoxLayout;
    checksLayout->setSpacing(2);
    const std::pair<QString, QLabel*> rows[] = {{tr("Signature"), signature_},
                                                {tr("Signed by"), signer_},
                                                {tr("Sound"), content_},
                                                {tr("Watermark"), watermark_},
                                                {tr("Content Credentials (C2PA)"), credentials_},
                                                {tr("Consent now"), consent_},
                                                {tr("AI disclosure"), disclosure_}};
    for (const auto& [caption, value] : rows) {
        auto* label = new QLabel(caption, this);
        label->setObjectName(QStringLiteral("verifyCaption"));
        checksLayout->addSpacing(4);
        checksLayout->addWidget(label);
        checksLayout->addWidget(value);
    }

    auto section = [this](const QString& title, QWidget* body) {
        auto* box = new QGroupBox(title, this);
        auto* layout = new QVBoxLayout(box);
        layout->addWidget(body);
        return box;
    };

    auto* content = new QWidget(this);
    auto* layout = new QVBoxLayout(content);
    layout->addWidget(zone);
    layout->addWidget(fileLabel_);
    layout->addWidget(verdict_);
    layout->addLayout(checksLayout);
    layout->addWidget(section(tr("Problems"), problems_));
    layout->addWidget(section(tr("Lineage"), lineage_));
    layout->addWidget(section(tr("Split sheet"), split_));
    layout->addWidget(section(tr("Notes"), notes_));
    layout->addStretch(1);

    // A dock is short: scroll rather than squeeze the lists.
    auto* scroll = new QScrollArea(this);
    scroll->setObjectName(QStringLiteral("verifyScroll"));
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    scroll->setWidget(content);
    auto* outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    outer->addWidget(scroll);

    registryDelay_.setSingleShot(true);
    registryDelay_.setInterval(kRegistryDelayMs);
    connect(&registryDelay_, &QTimer::timeout, this, &VerifyPanel::start);
    connect(choose_, &QPushButton::clicked, this, &VerifyPanel::chooseFile);
    connect(again_, &QPushButton::clicked, this, &VerifyPanel::verifyAgain);
    connect(watcher_, &QFutureWatcher<VerifyOutcome>::finished, this, [this] {
        running_ = false;
        const VerifyOutcome outcome = watcher_->result();
        if (pending_) {
            pending_ = false;
            start();
            return;
        }
        showOutcome(outcome);
        Q_EMIT verified();
    });
    connect(session_, &RegistrySession::changed, this, &VerifyPanel::onRegistryChanged);

    clearResult(tr("No file verified yet."));
}

VerifyPanel::~VerifyPanel() {
    registryDelay_.stop();
    pool_.waitForDone();
}

bool VerifyPanel::isVerifying() const {
    return running_ || pending_ || registryDelay_.isActive();
}

void VerifyPanel::verify(const QString& file) {
    if (file.isEmpty())
        return;
    file_ = QFileInfo(file).absoluteFilePath();
    clearResult(tr("Verifying…"));
    start();
}

void VerifyPanel::verifyAgain() {
    if (!file_.isEmpty())
        start();
}

void VerifyPanel::chooseFile() {
    const QString start = file_.isEmpty() ? QString() : QFileInfo(file_).absolutePath();
    const QString file =
        QFileDialog::getOpenFileName(this, tr("Verify a File"), start, audioFileFilter());
    if (!file.isEmpty())
        verify(file);
}

void VerifyPanel::start() {
    registryDelay_.stop();
    if (file_.isEmpty())
        return;
    if (running_) {
        pending_ = true; // the running one is stale: its result is dropped
        return;
    }
    running_ = true;
    verifiedAgainst_ = verdictFingerprint();
    again_->setEnabled(false);
    fileLabel_->setText(QFileInfo(file_).fileName());
    fileLabel_->setToolTip(file_);
    watcher_->setFuture(QtConcurrent::run(&pool_, verifyOnWorker, file_,
                                          session_->isOpen() ? session_->path() : QString()));
}

QString VerifyPanel::verdictFingerprint() const {
    const Registry* registry = session_->registry();
    if (registry == nullptr)
        return {};
    QString print = session_->path();
    try {
        for (const Grant& grant : registry->grants())
            print +=
                QStringLiteral("|%1:%2:%3")
                    .arg(fromStd(grant.id))
                    .arg(grant.revokedAt ? static_cast<qint64>(*grant.revokedAt) : -1)
                    .arg(grant.terms.expiresAt ? static_cast<qint64>(*grant.terms.expiresAt) : -1);
        for (const TrustedKey& key : registry->trustedKeys())
            print += QStringLiteral("|%1:%2").arg(fromStd(key.id), key.removedAt ? "-" : "+");
    } catch (const std::exception& error) {
        print += fromStd(error.what());
    }
    return print;
}

void VerifyPanel::onRegistryChanged() {
    // Only a change of consent (a revocation, a new or another registry) or of trust (a key
    // trusted or no longer trusted) changes the verdict; re-checking the watermark for every
    // registry event would keep a core busy for nothing.
    if (file_.isEmpty() || verdictFingerprint() == verifiedAgainst_)
        return;
    registryDelay_.start();
}

void VerifyPanel::setMark(QLabel* label, Mark mark, const QString& text) {
    const char* state = mark == Mark::Pass ? "pass" : mark == Mark::Fail ? "fail" : "unknown";
    label->setProperty("state", QString::fromLatin1(state));
    label->setText(text);
    // A dynamic property takes effect in the style sheet only after re-polishing.
    label->style()->unpolish(label);
    label->style()->polish(label);
}

void VerifyPanel::clearResult(const QString& message) {
    hasResult_ = false;
    signatureState_.clear();
    contentState_.clear();
    consentState_.clear();
    watermarkFound_ = false;
    signerTrusted_ = false;
    setMark(verdict_, Mark::Unknown, message);
    for (QLabel* label :
         {signature_, signer_, content_, watermark_, credentials_, consent_, disclosure_})
        setMark(label, Mark::Unknown, tr("—"));
    lineage_->clear();
    split_->setRowCount(0);
    problems_->clear();
    notes_->clear();
}

void VerifyPanel::showVerdict(const workflows::FileVerification& r) {
    using Trust = workflows::SignerCheck::Trust;
    // The proof holds but its signer is not trusted: the one problem is whom to trust.
    const bool onlyTrustFails = r.signature == SignatureState::Valid && r.content == "match" &&
                                r.signer && !r.signer->trusted() && r.problems.size() == 1;
    if (onlyTrustFails && r.signer->trust == Trust::NotTheClaimedHolder)
        setMark(verdict_, Mark::Fail,
                tr("✘ Forged: the manifest says %1 signed it, but a key that is not theirs did.")
                    .arg(fromStd(r.signer->trustedName)));
    else if (onlyTrustFails && r.signer->trust == Trust::NoRegistry)
        setMark(verdict_, Mark::Fail,
                tr("✘ Not proven: the sound is what was signed, but no registry is open to say "
                   "whom to trust."));
    else if (onlyTrustFails)
        setMark(verdict_, Mark::Fail,
                tr("✘ Not proven: the sound is what was signed, but by a key nobody here trusts, "
                   "so it says nothing about who made this file."));
    else if (!r.intact())
        setMark(verdict_, Mark::Fail,
                tr("✘ Integrity failure: %1. This file is not what was signed, or its proof "
                   "was tampered with.")
                    .arg(counted(static_cast<int>(r.problems.size()), tr("1 problem"),
                                 tr("%1 problems"))));
    else if (r.manifest.is_object())
        setMark(verdict_, Mark::Pass,
                tr("✔ Proof intact: signed with a key trusted here, and the sound is exactly what "
                   "was signed."));
    else
        setMark(verdict_, Mark::Unknown,
                tr("No Accord manifest: this file carries no signed proof of where it came "
                   "from."));
}

void VerifyPanel::showSigner(const workflows::FileVerification& r) {
    using Trust = workflows::SignerCheck::Trust;
    if (!r.signer) {
        setMark(signature_, Mark::Unknown, tr("— None (no manifest)"));
        setMark(signer_, Mark::Unknown, tr("— Nobody (no manifest)"));
        return;
    }
    const workflows::SignerCheck& signer = *r.signer;
    const QString key = fromStd(signer.publicKey);
    const QString shortKey = key.left(kShortHashChars) + QStringLiteral("…");
    switch (r.signature) {
    case SignatureState::Valid:
        setMark(signature_, Mark::Pass,
                tr("✔ Valid — the manifest is unchanged since key %1 signed it").arg(shortKey));
        break;
    case SignatureState::Invalid:
        setMark(signature_, Mark::Fail,
                tr("✘ Invalid — the manifest does not carry a valid signature of the key it "
                   "names (%1)")
                    .arg(shortKey));
        break;
    case SignatureState::Absent:
        setMark(signature_, Mark::Fail, tr("✘ None — the manifest is not signed"));
        break;
    }

    // Who signed, in plain words; for a key nobody trusts, how to trust it (the tooltip holds the
    // whole key, or the command that would trust it).
    const QString claimed = fromStd(signer.name);
    const bool offerTrust = signer.trust == Trust::UnknownKey || signer.trust == Trust::NoRegistry;
    signer_->setToolTip(offerTrust ? QStringLiteral("accord-cli trust add %1 --name NAME").arg(key)
                                   : tr("Key %1").arg(key));
    switch (signer.trust) {
    case Trust::Studio:
        setMark(signer_, Mark::Pass, tr("✔ Signed by this studio, with its own key"));
        break;
    case Trust::Holder:
        setMark(signer_, Mark::Pass,
                tr("✔ Signed by %1 (%2), a rights holder on record")
                    .arg(fromStd(signer.trustedName), fromStd(signer.trustedHolder)));
        break;
    case Trust::ChosenKey:
        setMark(signer_, Mark::Pass,
                tr("✔ Signed by %1, a key you chose to trust (the manifest calls its signer "
                   "'%2')")
                    .arg(fromStd(signer.trustedName), claimed));
        break;
    case Trust::NotTheClaimedHolder:
        setMark(signer_, Mark::Fail,
                tr("✘ Not signed by %1 (%2), although the manifest says so: the key that signed "
                   "(%3) is not theirs on record")
                    .arg(fromStd(signer.trustedName), fromStd(signer.trustedHolder), shortKey));
        break;
    case Trust::UnknownKey:
        setMark(signer_, Mark::Fail,
                tr("✘ Signed by a key nobody here trusts: %1, calling its signer '%2'. If you "
                   "know whose key it is and trust them, trust it: accord-cli trust add %1 "
                   "--name NAME (the whole key is in this line's tooltip)")
                    .arg(shortKey, claimed));
        break;
    case Trust::NoRegistry:
        setMark(signer_, Mark::Fail,
                tr("✘ Signed by key %1, calling its signer '%2', but no registry is open to say "
                   "whom to trust. Open the studio's registry, or trust the key: accord-cli "
                   "trust add %1 --name NAME (the whole key is in this line's tooltip)")
                    .arg(shortKey, claimed));
        break;
    case Trust::NotSigned:
        setMark(signer_, Mark::Fail, tr("✘ Nobody: the manifest carries no valid signature"));
        break;
    }
}

void VerifyPanel::showOutcome(const VerifyOutcome& outcome) {
    clearResult(QString());
    hasResult_ = true;
    again_->setEnabled(true);
    if (!outcome.completed) {
        setMark(verdict_, Mark::Fail, tr("✘ Cannot verify: %1").arg(outcome.failure.kind));
        problems_->addItem(outcome.failure.message);
        problems_->item(0)->setForeground(palette::denied);
        return;
    }
    const workflows::FileVerification& r = outcome.result;
    const bool hasManifest = r.manifest.is_object();
    signatureState_ = fromStd(signatureStateName(r.signature));
    contentState_ = fromStd(r.content);
    consentState_ = fromStd(r.consent);
    watermarkFound_ = r.watermarkFound;
    signerTrusted_ = r.signer && r.signer->trusted();

    showVerdict(r);
    showSigner(r);

    // Content binding.
    const QString signedHash =
        text(hasManifest ? r.manifest.value("content", json::object()) : json(), "pcmSha256");
    if (r.content == "match")
        setMark(content_, Mark::Pass,
                tr("✔ Matches what was signed (PCM SHA-256 %1…)")
                    .arg(signedHash.left(kShortHashChars)));
    else if (r.content == "mismatch")
        setMark(content_, Mark::Fail, tr("✘ Mismatch — the sound was changed after it was signed"));
    else
        setMark(content_, Mark::Unknown, tr("— Nothing to compare with (no manifest)"));

    // Watermark: generated audio in the lineage must still carry its mark.
    const bool markExpected = hasManifest && !r.manifest.value("watermarks", json::array()).empty();
    if (r.watermarkFound) {
        const QString render = r.watermarkRender.empty()
                                   ? tr("a render this registry does not know")
                                   : tr("render %1").arg(fromStd(r.watermarkRender));
        setMark(watermark_, Mark::Pass,
                tr("✔ Found: payload %1, naming %2 (detection score %3)")
                    .arg(fromStd(r.watermarkPayload), render)
                    .arg(r.watermarkConfidence, 0, 'f', 1));
    } else if (markExpected) {
        setMark(watermark_, Mark::Fail,
                tr("✘ None found, although the manifest lists generated audio that carries one"));
    } else {
        setMark(watermark_, Mark::Unknown, tr("— None found (only generated audio carries one)"));
    }

    // Content Credentials: C2PA's own binding of every byte, beside Accord's binding of the sound.
    if (!r.credentials)
        setMark(credentials_, Mark::Unknown, tr("— None (exported before Accord wrote them)"));
    else if (r.credentials->state() == "valid")
        setMark(credentials_, Mark::Pass,
                tr("✔ Valid: claim signed by %1, every byte as signed (hard binding)")
                    .arg(fromStd(r.credentials->signerSubject)));
    else if (r.credentials->state() == "hard binding broken")
        setMark(credentials_, r.content == "match" ? Mark::Unknown : Mark::Fail,
                r.content == "match"
                    ? tr("— Hard binding broken: tags or chunks changed, the sound did not")
                    : tr("✘ Hard binding broken: the file's bytes changed"));
    else
        setMark(credentials_, Mark::Fail,
                tr("✘ Invalid: %1")
                    .arg(fromStd(r.credentials->problems.empty()
                                     ? std::string("the claim signature does not verify")
                                     : r.credentials->problems.front())));

    // Consent now.
    if (r.consent == "ok")
        setMark(consent_, Mark::Pass, tr("✔ Every grant it relied on still stands"));
    else if (r.consent == "revoked")
        setMark(consent_, Mark::Fail,
                tr("✘ Revoked — a consent behind this file has since been revoked or has "
                   "expired (see the notes); new exports that depend on it are denied."));
    else if (!outcome.withRegistry)
        setMark(consent_, Mark::Unknown,
                tr("? Unknown — open the registry to check the consents behind it"));
    else
        setMark(consent_, Mark::Unknown,
                tr("? Unknown — this registry holds none of the grants it relied on"));

    setMark(disclosure_, Mark::Unknown,
            disclosureText(hasManifest ? r.manifest.value("disclosure", json()) : json()));

    // Lineage: recordings with their owners, models, renders.
    if (r.lineage.is_object()) {
        auto group = [this](const QString& title) {
            auto* item = new QTreeWidgetItem(lineage_, {title});
            item->setFirstColumnSpanned(true);
            item->setExpanded(true);
            return item;
        };
        const json assets = r.lineage.value("assets", json::array());
        if (!assets.empty()) {
            QTreeWidgetItem* parent = group(tr("Recordings (%1)").arg(assets.size()));
            for (const auto& asset : assets) {
                auto* item = new QTreeWidgetItem(
                    parent, {text(asset, "asset"),
                             tr("%1 (%2)").arg(text(asset, "ownerName"), text(asset, "owner")),
                             text(asset, "origin")});
                item->setToolTip(kLineageItem, tr("PCM SHA-256 %1").arg(text(asset, "pcmSha256")));
            }
        }
        const json models = r.lineage.value("models", json::array());
        if (!models.empty()) {
            QTreeWidgetItem* parent = group(tr("Models (%1)").arg(models.size()));
            for (const auto& model : models)
                new QTreeWidgetItem(
                    parent,
                    {text(model, "model"),
                     tr("%1 model of %2 (%3)")
                         .arg(text(model, "kind"), text(model, "ownerName"), text(model, "owner")),
                     tr("trained on %1")
                         .arg(counted(
                             static_cast<int>(model.value("training", json::array()).size()),
                             tr("1 recording"), tr("%1 recordings")))});
        }
        const json renders = r.lineage.value("renders", json::array());
        if (!renders.empty()) {
            QTreeWidgetItem* parent = group(tr("Renders (%1)").arg(renders.size()));
            for (const auto& render : renders)
                new QTreeWidgetItem(parent,
                                    {text(render, "render"), text(render, "kind"),
                                     text(render, "watermark").isEmpty()
                                         ? tr("no watermark")
                                         : tr("watermark %1").arg(text(render, "watermark"))});
        }
        lineage_->expandAll();
        lineage_->resizeColumnToContents(kLineageItem);
        lineage_->resizeColumnToContents(kLineageWho);
    }

    // Split sheet, as signed.
    const json split = hasManifest ? r.manifest.value("split", json()) : json();
    if (split.is_object()) {
        const json shares = split.value("shares", json::array());
        split_->setRowCount(static_cast<int>(shares.size()));
        int row = 0;
        for (const auto& share : shares) {
            auto* percent = new QTableWidgetItem(percentText(share));
            percent->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
            split_->setItem(row, kSplitHolder, new QTableWidgetItem(text(share, "holder")));
            split_->setItem(row, kSplitName, new QTableWidgetItem(text(share, "name")));
            split_->setItem(row, kSplitPercent, percent);
            ++row;
        }
        split_->resizeColumnToContents(kSplitHolder);
        split_->resizeColumnToContents(kSplitPercent);
        split_->setToolTip(tr("Method %1").arg(text(split, "method")));
    }

    for (const std::string& problem : r.problems) {
        auto* item =
            new QListWidgetItem(tr("✘ %1").arg(abbreviateHashes(fromStd(problem))), problems_);
        item->setToolTip(fromStd(problem));
        item->setForeground(palette::denied);
    }
    if (r.problems.empty())
        new QListWidgetItem(tr("None"), problems_);
    for (const std::string& note : r.notes) {
        auto* item = new QListWidgetItem(abbreviateHashes(fromStd(note)), notes_);
        item->setToolTip(fromStd(note));
    }
    if (r.notes.empty())
        new QListWidgetItem(tr("None"), notes_);
}

} // namespace accord::ui
