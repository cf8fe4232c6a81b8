// The Export dialog and the Verify panel in the studio window, on a real registry and real
// recordings: the gate's decision live (denied naming both missing grants, then allowed with the
// split preview), cancel, an export through the dialog, and the exported mix verified — intact,
// with one flipped sample, after a grant behind it was revoked, and re-signed by a key nobody
// trusts until the user trusts it.

#include "accord/audio/audio_file.h"
#include "accord/audio/embedded_manifest.h"
#include "accord/core/crypto.h"
#include "accord/core/json_input.h"
#include "accord/core/project.h"
#include "accord/core/provenance.h"
#include "accord/core/registry.h"
#include "accord/ui/common/studio_style.h"
#include "accord/ui/consent/consent_dialogs.h"
#include "accord/ui/consent/consent_panel.h"
#include "accord/ui/export/export_dialog.h"
#include "accord/ui/import/import_manager.h"
#include "accord/ui/project/project_document.h"
#include "accord/ui/shell/main_window.h"
#include "accord/ui/shell/registry_session.h"
#include "accord/ui/verify/verify_panel.h"
#include "studio_test_main.h"

#include "registered_recordings.h"
#include "studio_test_support.h"
#include "test_support.h"

#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QDockWidget>
#include <QDoubleSpinBox>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QProcess>
#include <QProgressBar>
#include <QPushButton>
#include <QRadioButton>
#include <QScrollArea>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTreeWidget>
#include <QtTest>

#include <memory>
#include <string>

using namespace accord;

namespace {

const QString kVoiceTake = "alsa/Front_Center.wav";                // speech, 1.4 s
const QString kPianoTake = "npm/piano-velocity10/audio/C4v10.ogg"; // piano, 16 s
constexpr double kPianoSeconds = 4.0;                        // a short clip keeps the render quick
constexpr int kJudgeTimeoutMs = accord::test::kSafetyNetMs;  // a safety net, not a speed limit
constexpr int kExportTimeoutMs = accord::test::kSafetyNetMs; // a safety net, not a speed limit
constexpr int kVerifyTimeoutMs = accord::test::kSafetyNetMs; // a safety net, not a speed limit
constexpr int kFullShare = 10000;

// Flips the lowest bit of one sample in the middle of a WAV's data chunk (nothing else changes).
bool copyWithOneFlippedSample(const QString& from, const QString& to) {
    QFile in(from);
    if (!in.open(QIODevice::ReadOnly))
        return false;
    QByteArray bytes = in.readAll();
    qsizetype at = 12; // after "RIFF" <size> "WAVE"
    while (at + 8 <= bytes.size()) {
        const QByteArray id = bytes.mid(at, 4);
        const quint32 size = qFromLittleEndian<quint32>(bytes.constData() + at + 4);
        if (id == "data") {
            const qsizetype sample = at + 8 + (size / 2) / 6 * 6; // frame-aligned, 24-bit stereo
            bytes[sample] = static_cast<char>(bytes[sample] ^ 0x01);
            QFile out(to);
            return out.open(QIODevice::WriteOnly) && out.write(bytes) == bytes.size();
        }
        at += 8 + size + (size & 1);
    }
    return false;
}

// Copies `from` to `to` with its embedded manifest re-signed by a key made on the spot, as anyone
// can, naming `name` (and `holder`, unless empty) as signer; returns the new public key.
std::string copyResignedByAFreshKey(const QString& from, const QString& to, const std::string& name,
                                    const std::string& holder) {
    // tests/cli/resign_manifest.cpp: what anyone can do with a key of their own.
    QStringList arguments{from, to, "--name", QString::fromStdString(name)};
    if (!holder.empty())
        arguments << "--holder" << QString::fromStdString(holder);
    QProcess tool;
    tool.start(qEnvironmentVariable("ACCORD_RESIGN_MANIFEST"), arguments);
    if (!tool.waitForFinished(accord::test::kSafetyNetMs) || tool.exitCode() != 0) {
        qWarning() << "resign_manifest failed:" << tool.readAllStandardError();
        return {};
    }
    return QString::fromUtf8(tool.readAllStandardOutput()).trimmed().toStdString();
}

constexpr int kStableDialogMs = 10000; // how long an untouched dialog must stay as it is
constexpr int kSettleMs = 100; // word-wrapped labels take their height on the next layout pass

// Screenshots for reviewers land beside the test binary.
void saveScreenshot(QWidget* widget, const QString& name) {
    QTest::qWait(kSettleMs);
    const QString file = QStringLiteral(ACCORD_SCREENSHOT_DIR "/") + name;
    QVERIFY2(widget->grab().save(file), qPrintable(file));
}

} // namespace

class TestExportVerify : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;
    std::unique_ptr<ui::MainWindow> window_;
    ui::ExportDialog* dialog_ = nullptr;
    std::string ada_, bo_, voiceAsset_, pianoAsset_, voiceGrant_;
    QString exportDir_;
    QString mix_;

    Registry& registry() { return *window_->session()->registry(); }

    accord::Clip clipOf(const QString& file, const std::string& asset, double seconds,
                        const accord::Project& project, const std::string& id) {
        accord::Clip clip;
        clip.id = id;
        clip.asset = asset;
        clip.file = file.toStdString();
        clip.length = project.secondsToSamples(seconds);
        return clip;
    }

    bool waitForJudgement() {
        return QTest::qWaitFor([this] { return !dialog_->isJudging(); }, kJudgeTimeoutMs);
    }

    bool waitForVerification() {
        ui::VerifyPanel* panel = window_->verifyPanel();
        return QTest::qWaitFor([panel] { return panel->hasResult(); }, kVerifyTimeoutMs);
    }

    // The whole panel, also what a short dock scrolls away.
    QWidget* verifyContent() const {
        return window_->verifyPanel()->findChild<QScrollArea*>()->widget();
    }

    QStringList listItems(const QListWidget* list) const {
        QStringList items;
        for (int row = 0; row < list->count(); ++row)
            items << list->item(row)->text();
        return items;
    }

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(dir_.isValid());
        ACCORD_REQUIRE_MATERIAL(voice, kVoiceTake);
        ACCORD_REQUIRE_MATERIAL(piano, kPianoTake);

        window_ = std::make_unique<ui::MainWindow>();
        QVERIFY(window_->openRegistry(dir_.filePath("registry.sqlite")));
        ada_ = registry().addHolder("Ada Lovelace", "").id;
        bo_ = registry().addHolder("Bo Diddley", "").id;
        voiceAsset_ = test::registerRecording(registry(), voice, ada_);
        pianoAsset_ = test::registerRecording(registry(), piano, bo_);

        accord::Project project;
        accord::Track vocals;
        vocals.id = "t-1";
        vocals.name = "Vocals";
        const double voiceSeconds = registry().asset(voiceAsset_)->durationSeconds;
        vocals.clips.push_back(clipOf(voice, voiceAsset_, voiceSeconds, project, "c-1"));
        accord::Track keys;
        keys.id = "t-2";
        keys.name = "Piano";
        keys.clips.push_back(clipOf(piano, pianoAsset_, kPianoSeconds, project, "c-2"));
        project.tracks = {vocals, keys};
        const QString projectPath = dir_.filePath("song.accord");
        window_->document()->reset(project, QString());
        window_->document()->save(projectPath);
        exportDir_ = dir_.filePath("out");
        window_->show();
    }

    void deniedNamesBothMissingGrants() {
        QCOMPARE(window_->exportAction()->shortcut(), QKeySequence(QStringLiteral("Ctrl+E")));
        window_->exportAction()->trigger();
        dialog_ = window_->findChild<ui::ExportDialog*>();
        QVERIFY(dialog_ != nullptr);
        QVERIFY(dialog_->isVisible());
        QCOMPARE(dialog_->title(), QStringLiteral("song"));
        dialog_->folderEdit()->setText(exportDir_);
        QVERIFY(waitForJudgement());

        QCOMPARE(dialog_->gate().verdict, ui::ExportGateView::Verdict::Denied);
        QVERIFY2(dialog_->decisionLabel()->text().contains("Denied"),
                 qPrintable(dialog_->decisionLabel()->text()));
        QVERIFY2(dialog_->decisionLabel()->text().contains(
                     "not allowed yet by Ada Lovelace and Bo Diddley") ||
                     dialog_->decisionLabel()->text().contains(
                         "not allowed yet by Bo Diddley and Ada Lovelace"),
                 qPrintable(dialog_->decisionLabel()->text()));
        QTableWidget* missing = dialog_->missingView();
        QVERIFY(missing->isVisible());
        QCOMPARE(missing->rowCount(), 2);
        QStringList owners, recordings;
        for (int row = 0; row < missing->rowCount(); ++row) {
            recordings << missing->item(row, 0)->text();
            owners << missing->item(row, 1)->text();
            QCOMPARE(missing->item(row, 2)->text(), QStringLiteral("export"));
            const QString why = missing->item(row, 3)->text();
            QVERIFY2(why.contains("no export grant"), qPrintable(why));
            QVERIFY(missing->item(row, 0)->toolTip().contains("has not allowed export of"));
        }
        owners.sort();
        QCOMPARE(owners, QStringList({"Ada Lovelace", "Bo Diddley"})); // names; ids in tooltips
        QVERIFY(recordings.contains("Front_Center.wav"));
        QVERIFY(recordings.join(' ').contains("C4v10.ogg"));
        QVERIFY(!dialog_->exportButton()->isEnabled());
        saveScreenshot(dialog_, "export-denied.png");
    }

    void grantsAllowWithSplitPreview() {
        for (const auto& [holder, asset] :
             {std::pair{ada_, voiceAsset_}, std::pair{bo_, pianoAsset_}}) {
            NewGrant grant;
            grant.holder = holder;
            grant.scope = Scope::Export;
            grant.asset = asset;
            const std::string id = registry().addGrant(grant).id;
            if (holder == ada_)
                voiceGrant_ = id;
        }
        window_->session()->notifyChanged();
        QVERIFY(dialog_->isJudging());
        QVERIFY(waitForJudgement());

        QCOMPARE(dialog_->gate().verdict, ui::ExportGateView::Verdict::Allowed);
        QVERIFY(dialog_->decisionLabel()->text().contains("Allowed"));
        QTableWidget* split = dialog_->splitTable();
        QVERIFY(split->isVisible());
        QCOMPARE(split->rowCount(), 2);
        int total = 0;
        for (int row = 0; row < split->rowCount(); ++row)
            total += split->item(row, 2)->data(Qt::UserRole).toInt();
        QCOMPARE(total, kFullShare);
        // Bo's 4 s of piano outweigh Ada's 1.4 s of speech: largest share first.
        QCOMPARE(split->item(0, 0)->text(), QString::fromStdString(bo_));
        QCOMPARE(split->item(1, 1)->text(), QStringLiteral("Ada Lovelace"));
        QVERIFY2(dialog_->splitTotalLabel()->text().contains("100.00 %"),
                 qPrintable(dialog_->splitTotalLabel()->text()));
        QVERIFY(dialog_->exportButton()->isEnabled());
        saveScreenshot(dialog_, "export-allowed.png");

        // Live: the grants are not commercial, so a commercial release is denied again.
        dialog_->commercialBox()->setChecked(true);
        QVERIFY(!dialog_->exportButton()->isEnabled());
        QVERIFY(waitForJudgement());
        QCOMPARE(dialog_->gate().verdict, ui::ExportGateView::Verdict::Denied);
        QCOMPARE(dialog_->missingView()->item(0, 2)->text(), QStringLiteral("export, commercial"));
        QVERIFY(dialog_->missingView()->item(0, 3)->text().contains("commercial"));
        dialog_->commercialBox()->setChecked(false);
        QVERIFY(waitForJudgement());
        QCOMPARE(dialog_->gate().verdict, ui::ExportGateView::Verdict::Allowed);
    }

    // Nothing changes while the dialog stays open: no judgement starts, the button stays put.
    void anOpenDialogLeavesTheRegistryAlone() {
        QVERIFY(waitForJudgement());
        QVERIFY(dialog_->exportButton()->isEnabled());
        const int judged = dialog_->judgementsStarted();
        int changes = 0;
        QObject counting; // the connection ends with this test
        connect(window_->session(), &ui::RegistrySession::changed, &counting,
                [&changes] { ++changes; });
        QElapsedTimer open;
        open.start();
        while (open.elapsed() < kStableDialogMs) {
            QTest::qWait(kSettleMs / 2);
            QVERIFY2(dialog_->exportButton()->isEnabled(),
                     qPrintable(QString("greyed out after %1 ms").arg(open.elapsed())));
        }
        QCOMPARE(changes, 0);
        QCOMPARE(dialog_->judgementsStarted(), judged);
    }

    void cancelWritesNothing() {
        const QString folder = dir_.filePath("cancelled");
        dialog_->folderEdit()->setText(folder);
        QTest::mouseClick(dialog_->exportButton(), Qt::LeftButton);
        QVERIFY(dialog_->isExporting());
        QVERIFY(dialog_->progressBar()->isVisible());
        QVERIFY(dialog_->cancelButton()->isVisible());
        QVERIFY(!dialog_->stemsBox()->isEnabled());
        QTest::mouseClick(dialog_->cancelButton(), Qt::LeftButton);
        QVERIFY(QTest::qWaitFor([this] { return !dialog_->isExporting(); }, kExportTimeoutMs));
        QVERIFY2(dialog_->resultLabel()->text().contains("cancelled"),
                 qPrintable(dialog_->resultLabel()->text()));
        QVERIFY(dialog_->exportedFiles().isEmpty());
        QCOMPARE(QDir(folder).entryList(QDir::NoDotAndDotDot | QDir::AllEntries | QDir::Hidden),
                 QStringList());
    }

    void failuresAreShownPlainly() {
        // A folder that cannot be created: the registry file is in the way.
        dialog_->folderEdit()->setText(dir_.filePath("registry.sqlite/out"));
        QVERIFY(waitForJudgement()); // the cancelled export asked for a fresh judgement
        QVERIFY(dialog_->exportButton()->isEnabled());
        QTest::mouseClick(dialog_->exportButton(), Qt::LeftButton);
        QVERIFY(QTest::qWaitFor([this] { return !dialog_->isExporting(); }, kExportTimeoutMs));
        const QString shown = dialog_->resultLabel()->text();
        QVERIFY2(shown.startsWith("✘ Invalid input. Nothing was written."), qPrintable(shown));
        QVERIFY2(shown.contains("registry.sqlite/out"), qPrintable(shown));
        QVERIFY(dialog_->stemsBox()->isEnabled());
        QVERIFY(waitForJudgement());
        QVERIFY(dialog_->exportButton()->isEnabled());
    }

    void closingWhileExportingCancels() {
        const QString folder = dir_.filePath("closed");
        dialog_->folderEdit()->setText(folder);
        QVERIFY(waitForJudgement());
        QTest::mouseClick(dialog_->exportButton(), Qt::LeftButton);
        QVERIFY(dialog_->isExporting());
        dialog_->reject();
        QVERIFY(dialog_->isVisible()); // open until the worker has stopped
        QVERIFY(QTest::qWaitFor([this] { return !dialog_->isVisible(); }, kExportTimeoutMs));
        QVERIFY(!dialog_->isExporting());
        QCOMPARE(QDir(folder).entryList(QDir::NoDotAndDotDot | QDir::AllEntries | QDir::Hidden),
                 QStringList());
        // Reopened, the same dialog judges again with the options it had.
        window_->exportAction()->trigger();
        QCOMPARE(window_->findChildren<ui::ExportDialog*>().size(), 1);
        QVERIFY(dialog_->isVisible());
        QVERIFY(waitForJudgement());
        QCOMPARE(dialog_->gate().verdict, ui::ExportGateView::Verdict::Allowed);
    }

    void exportThroughDialog() {
        dialog_->folderEdit()->setText(exportDir_);
        dialog_->stemsBox()->setChecked(true);
        dialog_->ddexBox()->setChecked(true);
        QVERIFY(waitForJudgement());
        QCOMPARE(dialog_->gate().verdict, ui::ExportGateView::Verdict::Allowed);
        QVERIFY(dialog_->exportButton()->isEnabled());
        QTest::mouseClick(dialog_->exportButton(), Qt::LeftButton);
        QVERIFY(dialog_->isExporting());
        QVERIFY(!dialog_->exportButton()->isEnabled());
        QVERIFY(QTest::qWaitFor([this] { return !dialog_->isExporting(); }, kExportTimeoutMs));
        QVERIFY2(dialog_->resultLabel()->text().contains("Exported 3 files"),
                 qPrintable(dialog_->resultLabel()->text()));

        const QStringList files = dialog_->exportedFiles();
        QCOMPARE(files.size(), 3); // the mix, then one stem per track
        mix_ = files.first();
        QCOMPARE(mix_, QDir(exportDir_).filePath("song.wav"));
        const QStringList shown = listItems(dialog_->resultList());
        QVERIFY(shown.contains(QDir(exportDir_).filePath("song.ddex.xml")));
        for (const QString& file : files) {
            QVERIFY2(QFileInfo(file).size() > 0, qPrintable(file));
            QVERIFY2(QFileInfo::exists(file + ".accord.json"), qPrintable(file));
            QVERIFY(shown.contains(file));
            QVERIFY(shown.contains(file + ".accord.json"));
        }
        for (const char* name : {"song.split.json", "song.split.csv"}) {
            const QString path = QDir(exportDir_).filePath(name);
            QVERIFY2(QFileInfo::exists(path), name);
            QVERIFY(shown.contains(path));
        }
        QFile sheet(QDir(exportDir_).filePath("song.split.json"));
        QVERIFY(sheet.open(QIODevice::ReadOnly));
        const QJsonArray shares = QJsonDocument::fromJson(sheet.readAll())["shares"].toArray();
        double percent = 0;
        for (const auto& share : shares)
            percent += share.toObject()["percent"].toDouble();
        QCOMPARE(qRound(percent * 100), kFullShare);
        QCOMPARE(dialog_->splitTable()->rowCount(), 2);
        saveScreenshot(dialog_, "export-done.png");
        // Exporting records renders and exports: the registry's own log still checks out.
        QVERIFY(registry().verifyAudit().intact);
    }

    void verifyPanelShowsTheProof() {
        QVERIFY(dialog_->verifyButton()->isVisible());
        QTest::mouseClick(dialog_->verifyButton(), Qt::LeftButton);
        ui::VerifyPanel* panel = window_->verifyPanel();
        QVERIFY(window_->verifyDock()->isVisible());
        QVERIFY(!dialog_->isVisible()); // it would cover the results
        QCOMPARE(panel->file(), mix_);
        QVERIFY(waitForVerification());

        QCOMPARE(panel->signatureState(), QStringLiteral("valid"));
        QCOMPARE(panel->contentState(), QStringLiteral("match"));
        QCOMPARE(panel->consentState(), QStringLiteral("ok"));
        QVERIFY(!panel->watermarkFound()); // recordings only: nothing generated to mark
        QVERIFY2(panel->verdictLabel()->text().contains("Proof intact"),
                 qPrintable(panel->verdictLabel()->text()));
        QCOMPARE(panel->verdictLabel()->property("state").toString(), QStringLiteral("pass"));
        QVERIFY(panel->signatureLabel()->text().contains("Valid"));
        QCOMPARE(panel->signatureLabel()->property("state").toString(), QStringLiteral("pass"));
        // Exported without acting as a holder: the studio's own key signed, trusted here.
        QVERIFY(panel->signerTrusted());
        QVERIFY2(panel->signerLabel()->text().contains("✔ Signed by this studio"),
                 qPrintable(panel->signerLabel()->text()));
        QCOMPARE(panel->signerLabel()->property("state").toString(), QStringLiteral("pass"));
        QVERIFY(panel->contentLabel()->text().contains("Matches"));
        QCOMPARE(panel->consentLabel()->property("state").toString(), QStringLiteral("pass"));
        QVERIFY(panel->disclosureLabel()->text().contains("No AI-generated parts"));
        QCOMPARE(listItems(panel->problemsList()), QStringList{"None"});

        QTreeWidget* lineage = panel->lineageView();
        QVERIFY(lineage->topLevelItemCount() >= 1);
        QTreeWidgetItem* recordings = lineage->topLevelItem(0);
        QVERIFY(recordings->text(0).startsWith("Recordings (2)"));
        QStringList owners;
        for (int i = 0; i < recordings->childCount(); ++i)
            owners << recordings->child(i)->text(1);
        QVERIFY(owners.join(' ').contains("Ada Lovelace"));
        QVERIFY(owners.join(' ').contains("Bo Diddley"));
        QCOMPARE(panel->splitTable()->rowCount(), 2);
        QCOMPARE(panel->splitTable()->item(0, 2)->text(),
                 dialog_->splitTable()->item(0, 2)->text());
        QVERIFY2(panel->credentialsLabel()->text().startsWith("✔ Valid: claim signed by"),
                 qPrintable(panel->credentialsLabel()->text()));
        saveScreenshot(window_.get(), "verify-intact.png");
    }

    // A file dropped on the window outside the arrangement (which imports its drops) opens
    // Verify with it.
    // The delivery choices (docs/STUDIO.md "Export"): MP3 and its bitrate, the loop or the time
    // selection as the range, a loudness target with its ceiling (the mix's alone: not with stems).
    void deliveryChoicesThroughDialog() {
        const accord::Project& project = window_->document()->project();
        dialog_->show(); // verifyPanelShowsTheProof hid it
        dialog_->formatBox()->setCurrentIndex(0);
        QVERIFY(!dialog_->bitrateBox()->isEnabled());
        dialog_->formatBox()->setCurrentIndex(2);
        QVERIFY(dialog_->bitrateBox()->isEnabled());
        QCOMPARE(dialog_->bitrateBox()->currentData().toInt(), 320);
        dialog_->bitrateBox()->setCurrentIndex(dialog_->bitrateBox()->findData(192));

        dialog_->setLoop(false, 0, 0);
        QVERIFY(!dialog_->rangeBox()->isEnabled());
        QCOMPARE(dialog_->rangeBox()->currentIndex(), 0);
        dialog_->setLoop(true, project.secondsToSamples(0.25), project.secondsToSamples(0.75));
        QVERIFY(dialog_->rangeBox()->isEnabled());
        QCOMPARE(dialog_->rangeBox()->currentText(), QString("Loop (0.25 s to 0.75 s)"));
        // The window's time selection is offered too, and chosen: it is what is exported below
        // (the manifest's range is the selection's, not the loop's).
        QCOMPARE(dialog_->rangeBox()->itemText(2), QString("Selection (none set)"));
        dialog_->setSelection(project.secondsToSamples(0.5), project.secondsToSamples(1.5));
        QCOMPARE(dialog_->rangeBox()->currentText(), QString("Selection (0.50 s to 1.50 s)"));
        dialog_->setSelection(0, 0); // withdrawn: back to the loop
        QCOMPARE(dialog_->rangeBox()->currentText(), QString("Loop (0.25 s to 0.75 s)"));
        dialog_->setSelection(project.secondsToSamples(0.5), project.secondsToSamples(1.5));

        dialog_->stemsBox()->setChecked(true);
        QVERIFY(!dialog_->loudnessBox()->isEnabled());
        dialog_->stemsBox()->setChecked(false);
        dialog_->ddexBox()->setChecked(false);
        QVERIFY(dialog_->loudnessBox()->isEnabled());
        QVERIFY(!dialog_->loudnessSpin()->isEnabled());
        dialog_->loudnessBox()->setChecked(true);
        QVERIFY(!dialog_->stemsBox()->isEnabled());
        QVERIFY(dialog_->loudnessSpin()->isEnabled() && dialog_->ceilingSpin()->isEnabled());
        dialog_->loudnessSpin()->setValue(-16.0);

        const QString folder = QDir(exportDir_).filePath("delivery");
        dialog_->folderEdit()->setText(folder);
        QVERIFY(waitForJudgement());
        QCOMPARE(dialog_->gate().verdict, ui::ExportGateView::Verdict::Allowed);
        QTest::mouseClick(dialog_->exportButton(), Qt::LeftButton);
        QVERIFY(QTest::qWaitFor([this] { return !dialog_->isExporting(); }, kExportTimeoutMs));
        const QStringList files = dialog_->exportedFiles();
        QCOMPARE(files, QStringList{QDir(folder).filePath("song.mp3")});
        QFile sidecar(files.first() + ".accord.json");
        QVERIFY(sidecar.open(QIODevice::ReadOnly));
        const QJsonObject manifest = QJsonDocument::fromJson(sidecar.readAll()).object();
        const QJsonObject operations = manifest["operations"].toObject();
        QCOMPARE(operations["range"].toObject()["start"].toDouble(), 0.5);
        QCOMPARE(operations["range"].toObject()["end"].toDouble(), 1.5);
        QCOMPARE(operations["loudnessTarget"].toObject()["integratedLufs"].toDouble(), -16.0);
        QCOMPARE(operations["loudnessTarget"].toObject()["truePeakCeilingDb"].toDouble(), -1.0);
        QCOMPARE(manifest["content"].toObject()["encoding"].toObject()["bitrateKbps"].toInt(), 192);
        QCOMPARE(manifest["content"].toObject()["durationSeconds"].toDouble(), 1.0);
        dialog_->loudnessBox()->setChecked(false);
        dialog_->setLoop(false, 0, 0);
        dialog_->setSelection(0, 0);
        QCOMPARE(dialog_->rangeBox()->currentIndex(), 0);
        dialog_->formatBox()->setCurrentIndex(0);
    }

    void aFileDroppedOnTheWindowIsVerified() {
        window_->verifyDock()->hide();
        window_->panels()->setCurrentWidget(window_->consentPanel());
        QVERIFY(accord::test::dropFiles(window_.get(), {mix_}, window_->rect().center()));
        QVERIFY(window_->verifyDock()->isVisible());
        QCOMPARE(window_->verifyPanel()->file(), mix_);
        QVERIFY(waitForVerification());
        QCOMPARE(window_->verifyPanel()->contentState(), QStringLiteral("match"));
    }

    void flippedSampleIsAMismatch() {
        const QString tampered = dir_.filePath("tampered.wav");
        QVERIFY(copyWithOneFlippedSample(mix_, tampered));
        ui::VerifyPanel* panel = window_->verifyPanel();
        QVERIFY(test::dropFiles(panel, {tampered}, panel->rect().center()));
        QCOMPARE(panel->file(), tampered);
        QVERIFY(waitForVerification());

        QCOMPARE(panel->signatureState(), QStringLiteral("valid")); // the manifest itself is fine
        QCOMPARE(panel->contentState(), QStringLiteral("mismatch"));
        QCOMPARE(panel->contentLabel()->property("state").toString(), QStringLiteral("fail"));
        QVERIFY(panel->contentLabel()->text().contains("changed after it was signed"));
        QVERIFY(panel->verdictLabel()->text().contains("Integrity failure"));
        QCOMPARE(panel->verdictLabel()->property("state").toString(), QStringLiteral("fail"));
        const QStringList problems = listItems(panel->problemsList());
        QCOMPARE(problems.size(), 1);
        QVERIFY2(problems.first().contains("the sound differs from what the manifest signed"),
                 qPrintable(problems.first()));
        saveScreenshot(verifyContent(), "verify-mismatch.png");
    }

    void revokedGrantShowsRevoked() {
        ui::VerifyPanel* panel = window_->verifyPanel();
        panel->verify(mix_);
        QVERIFY(waitForVerification());
        QCOMPARE(panel->consentState(), QStringLiteral("ok"));

        registry().revokeGrant(voiceGrant_, "Ada withdrew the take");
        window_->session()->notifyChanged();
        // The panel verifies the shown file again by itself: consent is the registry's now.
        QVERIFY(QTest::qWaitFor([panel] { return panel->isVerifying(); }, kJudgeTimeoutMs));
        QVERIFY(waitForVerification());
        QCOMPARE(panel->consentState(), QStringLiteral("revoked"));
        QCOMPARE(panel->consentLabel()->property("state").toString(), QStringLiteral("fail"));
        QVERIFY(panel->consentLabel()->text().contains("Revoked"));
        QVERIFY(listItems(panel->notesList())
                    .join('\n')
                    .contains(QString("grant %1").arg(QString::fromStdString(voiceGrant_))));
        QVERIFY(listItems(panel->notesList()).join('\n').contains("Ada withdrew the take"));
        // The file's own proof still holds: revocation is not tampering.
        QCOMPARE(panel->signatureState(), QStringLiteral("valid"));
        QCOMPARE(panel->contentState(), QStringLiteral("match"));
        saveScreenshot(verifyContent(), "verify-revoked.png");

        // The dialog, opened again (Verify put it aside), denies the same export naming Ada's
        // recording.
        window_->exportAction()->trigger();
        QVERIFY(dialog_->isVisible());
        QVERIFY(waitForJudgement());
        QCOMPARE(dialog_->gate().verdict, ui::ExportGateView::Verdict::Denied);
        QCOMPARE(dialog_->missingView()->rowCount(), 1);
        QCOMPARE(dialog_->missingView()->item(0, 0)->data(Qt::UserRole).toString(),
                 QString::fromStdString(voiceAsset_));
        QVERIFY(dialog_->missingView()->item(0, 3)->text().contains("revoked"));
        QVERIFY(!dialog_->exportButton()->isEnabled());
    }

    // The mix re-signed by a fresh key: valid, the sound what was signed, but nobody here trusts
    // the key, so nothing is proven until the user trusts it, and again not once they stop.
    void aKeyNobodyTrustsProvesNothingUntilTrusted() {
        const QString resigned = dir_.filePath("resigned.wav");
        const std::string key = copyResignedByAFreshKey(mix_, resigned, "Mallory", "");
        QCOMPARE(key.size(), std::size_t(64));
        ui::VerifyPanel* panel = window_->verifyPanel();
        QVERIFY(test::dropFiles(panel, {resigned}, panel->rect().center()));
        QVERIFY(waitForVerification());

        QCOMPARE(panel->signatureState(), QStringLiteral("valid"));
        QCOMPARE(panel->contentState(), QStringLiteral("match"));
        QVERIFY(!panel->signerTrusted());
        QVERIFY2(panel->verdictLabel()->text().contains("✘ Not proven") &&
                     panel->verdictLabel()->text().contains("a key nobody here trusts"),
                 qPrintable(panel->verdictLabel()->text()));
        QCOMPARE(panel->verdictLabel()->property("state").toString(), QStringLiteral("fail"));
        const QString signer = panel->signerLabel()->text();
        QVERIFY2(signer.contains("✘ Signed by a key nobody here trusts") &&
                     signer.contains(QString::fromStdString(key.substr(0, 16))) &&
                     signer.contains("Mallory") && signer.contains("accord-cli trust add"),
                 qPrintable(signer));
        QCOMPARE(panel->signerLabel()->property("state").toString(), QStringLiteral("fail"));
        QCOMPARE(panel->signerLabel()->toolTip(),
                 QString("accord-cli trust add %1 --name NAME").arg(QString::fromStdString(key)));
        const QStringList problems = listItems(panel->problemsList());
        QCOMPARE(problems.size(), 1);
        QVERIFY2(problems.first().contains("untrusted signer"), qPrintable(problems.first()));
        saveScreenshot(verifyContent(), "verify-untrusted.png");

        // Trusted: the panel verifies again by itself, and the proof counts.
        registry().trustKey(key, "Mallory's label");
        window_->session()->notifyChanged();
        QVERIFY(QTest::qWaitFor([panel] { return panel->isVerifying(); }, kJudgeTimeoutMs));
        QVERIFY(waitForVerification());
        QVERIFY(panel->signerTrusted());
        QVERIFY2(panel->verdictLabel()->text().contains("Proof intact"),
                 qPrintable(panel->verdictLabel()->text()));
        QVERIFY2(panel->signerLabel()->text().contains(
                     "✔ Signed by Mallory's label, a key you chose to trust"),
                 qPrintable(panel->signerLabel()->text()));
        QCOMPARE(listItems(panel->problemsList()), QStringList{"None"});

        // No longer trusted: not proven again.
        registry().untrustKey(key);
        window_->session()->notifyChanged();
        QVERIFY(QTest::qWaitFor([panel] { return panel->isVerifying(); }, kJudgeTimeoutMs));
        QVERIFY(waitForVerification());
        QVERIFY(!panel->signerTrusted());
        QVERIFY(panel->verdictLabel()->text().contains("✘ Not proven"));
    }

    // A manifest that names Ada as its signer but was signed by another key is a forgery.
    void aClaimedHolderWhoDidNotSignIsAForgery() {
        const QString forged = dir_.filePath("forged.wav");
        QVERIFY(!copyResignedByAFreshKey(mix_, forged, "Ada Lovelace", ada_).empty());
        ui::VerifyPanel* panel = window_->verifyPanel();
        panel->verify(forged);
        QVERIFY(waitForVerification());
        QCOMPARE(panel->signatureState(), QStringLiteral("valid"));
        QVERIFY(!panel->signerTrusted());
        QVERIFY2(panel->verdictLabel()->text().contains(
                     "✘ Forged: the manifest says Ada Lovelace signed it"),
                 qPrintable(panel->verdictLabel()->text()));
        QVERIFY2(panel->signerLabel()->text().contains(
                     QString("✘ Not signed by Ada Lovelace (%1)").arg(ada_.c_str())),
                 qPrintable(panel->signerLabel()->text()));
    }

    // The same song opened in another studio, whose registry numbers its own recordings a-1 and
    // a-2: the dialog refuses, naming the clip, instead of crediting them (docs/PROJECT.md
    // "Content, not ids").
    void aProjectFromAnotherRegistryIsRefusedByClip() {
        ACCORD_REQUIRE_MATERIAL(noise, "alsa/Noise.wav");
        ACCORD_REQUIRE_MATERIAL(left, "alsa/Front_Left.wav");
        ui::MainWindow other;
        QVERIFY(other.openRegistry(dir_.filePath("other.sqlite")));
        Registry& theirs = *other.session()->registry();
        const std::string zed = theirs.addHolder("Zed", "").id;
        for (const QString& file : {noise, left}) {
            NewAsset asset;
            asset.owner = zed;
            asset.identity = audio::identifyAudioFile(file.toStdString());
            asset.path = file.toStdString();
            theirs.addAsset(asset);
        }
        NewGrant everything;
        everything.holder = zed;
        everything.scope = Scope::Export;
        theirs.addGrant(everything);
        other.session()->notifyChanged();
        const QString song = dir_.filePath("song.accord");
        other.document()->reset(accord::loadProject(song.toStdString()), song);
        other.show();
        other.exportAction()->trigger();
        auto* dialog = other.findChild<ui::ExportDialog*>();
        QVERIFY(dialog != nullptr);
        dialog->folderEdit()->setText(dir_.filePath("borrowed"));
        QVERIFY(QTest::qWaitFor([dialog] { return !dialog->isJudging(); }, kJudgeTimeoutMs));
        QCOMPARE(dialog->gate().verdict, ui::ExportGateView::Verdict::Failed);
        QVERIFY2(dialog->gate().error.contains("clip c-1 on track 'Vocals'") &&
                     dialog->gate().error.contains("made with another registry"),
                 qPrintable(dialog->gate().error));
        QVERIFY2(dialog->decisionLabel()->text().contains("clip c-1"),
                 qPrintable(dialog->decisionLabel()->text()));
        QVERIFY(!dialog->exportButton()->isEnabled());
        QVERIFY(dialog->splitTable()->rowCount() == 0 || !dialog->splitTable()->isVisible());
        saveScreenshot(dialog, "export-other-registry.png");
        QVERIFY(!QFileInfo::exists(dir_.filePath("borrowed")));
    }

    // "This is my music": a newcomer adds themselves while importing their own takes, ticks
    // "these are my own recordings", and a commercial export of the song is allowed with no
    // other step (docs/CONSENT.md "My own recordings").
    void myOwnMusicExportsInOneStep() {
        ACCORD_REQUIRE_MATERIAL(voice, kVoiceTake);
        ACCORD_REQUIRE_MATERIAL(piano, kPianoTake);
        QTemporaryDir scratch;
        ui::MainWindow studio;
        QVERIFY(studio.openRegistry(scratch.filePath("mine.sqlite")));
        studio.show();
        QVERIFY(studio.workingAs().isEmpty());
        studio.importFiles({voice, piano}, QString(), 0);
        ui::OwnerDialog* owner = nullptr;
        QTRY_VERIFY((owner = studio.imports()->ownerDialog()) != nullptr);
        owner->findChild<QLineEdit*>("newHolderName")->setText("Cy Twombly");
        QTest::mouseClick(owner->findChild<QPushButton*>("addHolderButton"), Qt::LeftButton);
        QVERIFY(!owner->owner().isEmpty());
        owner->ownRecordingsBox()->setChecked(true);
        auto* buttons = owner->findChild<QDialogButtonBox*>();
        QTest::mouseClick(buttons->button(QDialogButtonBox::Ok), Qt::LeftButton);
        QVERIFY(accord::test::waitForImports(studio));
        const std::string cy = studio.workingAs().toStdString(); // the importer is working
        QVERIFY(!cy.empty());
        QCOMPARE(studio.session()->registry()->holder(cy)->name, std::string("Cy Twombly"));

        const std::vector<Grant> grants = studio.session()->registry()->grants({});
        QCOMPARE(grants.size(), std::size_t(8)); // 4 own uses × 2 recordings, to Cy alone
        for (const Grant& grant : grants) {
            QCOMPARE(grant.holder, cy);
            QCOMPARE(grant.grantee.value_or(""), cy);
            QVERIFY(grant.terms.commercial);
        }

        studio.exportAction()->trigger();
        auto* dialog = studio.findChild<ui::ExportDialog*>();
        QVERIFY(dialog != nullptr);
        QCOMPARE(dialog->actorBox()->currentData().toString(), QString::fromStdString(cy));
        dialog->folderEdit()->setText(scratch.filePath("out"));
        dialog->commercialBox()->setChecked(true);
        QVERIFY(QTest::qWaitFor([dialog] { return !dialog->isJudging(); }, kJudgeTimeoutMs));
        QVERIFY2(dialog->gate().verdict == ui::ExportGateView::Verdict::Allowed,
                 qPrintable(dialog->decisionLabel()->text()));
        QVERIFY(dialog->exportButton()->isEnabled());
        dialog->close();
    }

    // Every denial line has a fix: "Allow…" opens the grant dialog filled in for it, and once
    // the owner's grant is recorded the export is allowed.
    void aFixButtonResolvesADenial() {
        ACCORD_REQUIRE_MATERIAL(piano, kPianoTake);
        QTemporaryDir scratch;
        ui::MainWindow studio;
        QVERIFY(studio.openRegistry(scratch.filePath("fix.sqlite")));
        Registry& registry = *studio.session()->registry();
        const std::string dee = registry.addHolder("Dee Dee Bridgewater", "").id;
        NewAsset take;
        take.owner = dee;
        take.identity = audio::identifyAudioFile(piano.toStdString());
        take.path = piano.toStdString();
        const std::string asset = registry.addAsset(take).asset.id;
        accord::Project project;
        accord::Track keys;
        keys.id = "t-1";
        keys.name = "Keys";
        keys.clips.push_back(clipOf(piano, asset, kPianoSeconds, project, "c-1"));
        project.tracks = {keys};
        studio.document()->reset(project, QString());
        studio.show();
        studio.exportAction()->trigger();
        auto* dialog = studio.findChild<ui::ExportDialog*>();
        dialog->folderEdit()->setText(scratch.filePath("out"));
        QVERIFY(QTest::qWaitFor([dialog] { return !dialog->isJudging(); }, kJudgeTimeoutMs));
        QCOMPARE(dialog->gate().verdict, ui::ExportGateView::Verdict::Denied);
        QCOMPARE(dialog->missingView()->rowCount(), 1);

        ui::GrantDialog* fix = nullptr;
        QObject watching;
        connect(dialog, &ui::ExportDialog::fixOpened, &watching,
                [&fix](ui::GrantDialog* opened) { fix = opened; });
        auto* allow = qobject_cast<QPushButton*>(dialog->missingView()->cellWidget(0, 4));
        QVERIFY(allow != nullptr && allow->isEnabled());
        QTest::mouseClick(allow, Qt::LeftButton);
        QVERIFY(fix != nullptr);
        QCOMPARE(fix->holderBox()->currentData().toString(), QString::fromStdString(dee));
        QCOMPARE(fix->assetBox()->currentData().toString(), QString::fromStdString(asset));
        QCOMPARE(fix->scopeBox()->currentData().toString(), QStringLiteral("export"));
        QVERIFY(fix->anyoneButton()->isChecked()); // nobody in particular is working
        QVERIFY(!fix->commercialCheck()->isChecked());
        QTest::mouseClick(fix->findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok),
                          Qt::LeftButton);
        QVERIFY(QTest::qWaitFor(
            [dialog] {
                return !dialog->isJudging() &&
                       dialog->gate().verdict == ui::ExportGateView::Verdict::Allowed;
            },
            kJudgeTimeoutMs));
        QVERIFY(dialog->exportButton()->isEnabled());
        dialog->close();
    }

    void cleanupTestCase() { window_.reset(); }
};

int main(int argc, char** argv) {
    return accord::test::runStudioTest<TestExportVerify>(argc, argv);
}

#include "test_export_verify.moc"
