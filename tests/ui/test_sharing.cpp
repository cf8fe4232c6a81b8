// Sharing in the studio, between two real registries (docs/CONSENT.md "Model packs", "Revocation
// travels"): the Share dialog shows the terms and the gate's decision before anything is written
// and makes the pack; the window verifies a dropped pack, says what it allows, imports it; a
// changed pack cannot be imported; the Statements panel shows what the other studio's export pays
// the voice's owner and saves it as CSV and PDF; revocations exported and imported from the menu.

#include "accord/core/files.h"
#include "accord/core/project.h"
#include "accord/core/registry.h"
#include "accord/ui/models/models_panel.h"
#include "accord/ui/sharing/pack_import_dialog.h"
#include "accord/ui/sharing/share_dialog.h"
#include "accord/ui/shell/main_window.h"
#include "accord/ui/statements/statements_panel.h"
#include "accord/workflows/convert.h"
#include "accord/workflows/export.h"
#include "accord/workflows/import.h"
#include "accord/workflows/train.h"
#include "studio_test_main.h"
#include "studio_test_support.h"
#include "test_support.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTabWidget>
#include <QTableWidget>
#include <QTreeWidget>

using namespace accord;

class TestSharing : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;
    QString studioA_, studioB_, pack_, boTake_;
    Holder ada_, bo_;
    std::string model_;

    std::string path(const char* name) const { return dir_.filePath(name).toStdString(); }

private Q_SLOTS:
    void initTestCase() {
        boTake_ = test::materialFile("fillets-cs/airplane/cs/let-m-oko.ogg");
        studioA_ = dir_.filePath("a.sqlite");
        studioB_ = dir_.filePath("b.sqlite");
        auto a = Registry::open(studioA_.toStdString());
        ada_ = a->addHolder("Ada", "");
        const QStringList takes =
            test::addTrainingVoices(studioA_, QString::fromStdString(ada_.id));
        if (takes.isEmpty() || boTake_.isEmpty())
            QSKIP("recordings missing: run scripts/fetch-material.sh");
        for (const Scope scope : {Scope::TrainVoice, Scope::Share}) {
            NewGrant grant{ada_.id, scope, std::nullopt, std::nullopt, {}};
            grant.terms.sharePercent = 30;
            a->addGrant(grant);
        }
        workflows::VoiceTrainingRequest train;
        train.owner = ada_.id;
        for (const QString& take : takes)
            train.assets.push_back(take.toStdString());
        train.outFile = path("ada.accordvoice");
        train.maxSteps = 10;
        train.channels = 32;
        train.threads = 1;
        model_ = workflows::trainVoiceModel(*a, train).modelId;
        bo_ = Registry::open(studioB_.toStdString())->addHolder("Bo", "");
    }

    // The dialog shows the terms and the decision, refuses what the share grant does not allow,
    // and writes the pack only on Share.
    void shareDialogMakesThePack() {
        ui::MainWindow window;
        QVERIFY(window.openRegistry(studioA_));
        ui::ModelsPanel* models = window.modelsPanel();
        models->selectModel(QString::fromStdString(model_));
        QVERIFY(models->shareButton()->isEnabled());
        ui::ShareDialog* dialog = models->shareSelected();
        QVERIFY(dialog);
        auto* kind = dialog->findChild<QComboBox*>("shareRecipientKind");
        kind->setCurrentIndex(static_cast<int>(ui::ShareDialog::Recipient::Key));
        dialog->findChild<QLineEdit*>("shareKey")->setText(QString::fromStdString(bo_.publicKey));
        dialog->findChild<QLineEdit*>("shareKeyName")->setText("Bo");
        pack_ = dir_.filePath("ada.accordpack");
        dialog->findChild<QLineEdit*>("shareOut")->setText(pack_);
        auto* share = dialog->findChild<QPushButton*>("shareButton");
        const QString terms = dialog->findChild<QLabel*>("shareTerms")->text();
        QVERIFY2(terms.contains("Bo may sing") && terms.contains("30%"), qPrintable(terms));
        QVERIFY(dialog->decision().allowed);
        QVERIFY(share->isEnabled());
        // Ada's share grant is not commercial.
        dialog->findChild<QCheckBox*>("shareCommercial")->setChecked(true);
        QVERIFY(!dialog->decision().allowed);
        QVERIFY(!share->isEnabled());
        QVERIFY(dialog->findChild<QLabel*>("shareDecision")->text().startsWith("Refused"));
#ifdef ACCORD_SCREENSHOT_DIR
        dialog->grab().save(QStringLiteral(ACCORD_SCREENSHOT_DIR "/share_dialog.png"));
#endif
        QVERIFY(!QFile::exists(pack_));
        dialog->findChild<QCheckBox*>("shareCommercial")->setChecked(false);
        QVERIFY(share->isEnabled());
        share->click();
        QVERIFY(QFile::exists(pack_));
    }

    // Dropped on the other studio's window: verified, described, imported once.
    void aDroppedPackIsVerifiedThenImported() {
        ui::MainWindow window;
        QVERIFY(window.openRegistry(studioB_));
        window.resize(1200, 800);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY(test::dropFiles(&window, {pack_}, QPoint(600, 20)));
        auto* dialog = window.findChild<ui::PackImportDialog*>("packImportDialog");
        QVERIFY(dialog);
        QVERIFY(dialog->contents());
        const QString summary = dialog->findChild<QLabel*>("packSummary")->text();
        QVERIFY2(summary.contains("Every signature and hash holds") &&
                     summary.contains("Bo only (" + QString::fromStdString(bo_.id) + " here)") &&
                     summary.contains("30% of every re-sung part"),
                 qPrintable(summary));
#ifdef ACCORD_SCREENSHOT_DIR
        dialog->grab().save(QStringLiteral(ACCORD_SCREENSHOT_DIR "/pack_import_dialog.png"));
#endif
        dialog->findChild<QPushButton*>("packImportButton")->click();
        QTRY_VERIFY(Registry::open(studioB_.toStdString())->packs().size() == 1);
        ui::PackImportDialog* again = window.openPack(pack_);
        QVERIFY(again->findChild<QLabel*>("packSummary")->text().contains("Already imported"));
        QVERIFY(!again->findChild<QPushButton*>("packImportButton")->isEnabled());
        again->close();

        QFile original(pack_);
        QVERIFY(original.open(QIODevice::ReadOnly));
        QByteArray bytes = original.readAll();
        bytes[100] = char(bytes[100] ^ 1);
        const QString changed = dir_.filePath("changed.accordpack");
        QFile out(changed);
        QVERIFY(out.open(QIODevice::WriteOnly) && out.write(bytes) == bytes.size());
        out.close();
        ui::PackImportDialog* refused = window.openPack(changed);
        QVERIFY(!refused->contents());
        QVERIFY(refused->findChild<QLabel*>("packSummary")->text().contains("cannot be imported"));
        QVERIFY(!refused->findChild<QPushButton*>("packImportButton")->isEnabled());
    }

    // Bo sings with Ada's voice and exports; the Statements panel of his studio shows what the
    // export pays Ada, and saves it.
    void statementsShowWhatTheExportPays() {
        auto b = Registry::open(studioB_.toStdString());
        const Model model = b->models().front();
        workflows::registerRecording(*b, boTake_.toStdString(), bo_.id, AssetOrigin::Recorded, "");
        b->addGrant({bo_.id, Scope::Export, std::nullopt, std::nullopt, {}});
        const auto sung = workflows::convertWithVoiceModel(*b, model.file, boTake_.toStdString(),
                                                           path("sung.wav"), 0, bo_.id);
        Project project;
        project.sampleRate = 48000;
        project.registry = b->studioPublicKey();
        project.tracks.push_back({"t-1", "Vox", 0, 0, false, false, {}, {}, {}});
        Clip clip;
        clip.id = "c-1";
        clip.render = sung.render;
        clip.file = sung.outPath;
        clip.length = project.secondsToSamples(sung.seconds);
        project.tracks[0].clips.push_back(clip);
        workflows::ExportRequest request;
        request.outDir = path("export");
        request.actor = bo_.id;
        request.title = "duet";
        workflows::exportProject(*b, project, request);

        ui::MainWindow window;
        QVERIFY(window.openRegistry(studioB_));
        ui::StatementsPanel* panel = window.statementsPanel();
        auto* holder = panel->findChild<QComboBox*>("statementsHolder");
        holder->setCurrentIndex(
            holder->findData(QString::fromStdString(b->holderByKey(ada_.publicKey)->id)));
        QVERIFY(panel->statement());
        auto* table = panel->findChild<QTableWidget*>("statementsTable");
        QCOMPARE(table->rowCount(), 1);
        QCOMPARE(table->item(0, 4)->text(), QString("30.00 %"));
        QVERIFY(table->item(0, 1)->text() == "duet");
#ifdef ACCORD_SCREENSHOT_DIR
        window.resize(1366, 768);
        window.findChild<QTabWidget*>("panels")->setCurrentWidget(panel);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        window.grab().save(QStringLiteral(ACCORD_SCREENSHOT_DIR "/statements_panel.png"));
#endif
        QVERIFY(panel->saveCsv(dir_.filePath("ada.csv")));
        QVERIFY(panel->savePdf(dir_.filePath("ada.pdf")));
        QFile pdf(dir_.filePath("ada.pdf"));
        QVERIFY(pdf.open(QIODevice::ReadOnly) && pdf.read(5) == "%PDF-");
        const QString text =
            QString::fromUtf8(test::runToolOutput("pdftotext", {dir_.filePath("ada.pdf"), "-"}));
        QVERIFY2(text.contains("Royalty statement: Ada") && text.contains("30.00"),
                 qPrintable(text));
    }

    // Ada withdraws the pack; her revocations, exported from her window, imported in Bo's.
    void revocationsTravelThroughTheMenu() {
        {
            auto a = Registry::open(studioA_.toStdString());
            for (const Grant& g : a->grants())
                if (g.scope == Scope::Generate)
                    a->revokeGrant(g.id, "pack withdrawn");
        }
        const QString file = dir_.filePath("ada.revocations");
        {
            ui::MainWindow window;
            QVERIFY(window.openRegistry(studioA_));
            QVERIFY(window.exportRevocationsTo(file));
        }
        ui::MainWindow window;
        QVERIFY(window.openRegistry(studioB_));
        const QString summary = window.importRevocationsFrom(file);
        QVERIFY2(summary.contains("applied here"), qPrintable(summary));
        auto b = Registry::open(studioB_.toStdString());
        PolicyRequest question;
        question.scope = Scope::Generate;
        question.subject = {InputKind::Model, b->models().front().id};
        question.actor = bo_.id;
        question.at = currentTime();
        QVERIFY(!b->decide(question).allowed);
        QVERIFY(b->verifyAudit().intact);
    }
};

int main(int argc, char** argv) {
    return accord::test::runStudioTest<TestSharing>(argc, argv);
}
#include "test_sharing.moc"
