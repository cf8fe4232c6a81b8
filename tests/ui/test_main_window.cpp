// The studio window on a real registry: the consent tables, plain-language grant states, the
// audit verification (intact and tampered), errors as message boxes, menus and the About box.

#include "accord/core/crypto.h"
#include "accord/core/policy.h"
#include "accord/core/registry.h"
#include "accord/core/time.h"
#include "accord/ui/common/palette.h"
#include "accord/ui/common/studio_style.h"
#include "accord/ui/consent/audit_panel.h"
#include "accord/ui/consent/consent_dialogs.h"
#include "accord/ui/consent/consent_models.h"
#include "accord/ui/consent/consent_panel.h"
#include "accord/ui/mixer/mixer_panel.h"
#include "accord/ui/models/models_panel.h"
#include "accord/ui/shell/about_dialog.h"
#include "accord/ui/shell/help_dialogs.h"
#include "accord/ui/shell/main_window.h"
#include "accord/ui/shell/registry_session.h"
#include "accord/ui/shell/studio_info.h"
#include "studio_test_main.h"
#include "test_support.h"

#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QDockWidget>
#include <QFile>
#include <QLabel>
#include <QListWidget>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QPushButton>
#include <QStyleOptionButton>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QVBoxLayout>
#include <QtTest/QtTest>

#include <memory>

using namespace accord;

namespace {

constexpr int kVerifyTimeoutMs = accord::test::kSafetyNetMs; // a safety net, not a speed limit

// What the audio layer would measure of a file; here from made-up but realistic bytes.
AudioIdentity identityOf(const std::string& name, double seconds, int rate, int channels) {
    AudioIdentity identity;
    identity.fileSha256 = sha256Hex("RIFF/WAVE file bytes of " + name);
    identity.pcmSha256 = sha256Hex("decoded PCM of " + name);
    identity.durationSeconds = seconds;
    identity.sampleRate = rate;
    identity.channels = channels;
    return identity;
}

struct Fixture {
    QString path;
    std::string ada, ben;
    std::string take3, take4, bass;
    std::string trainGrant, exportGrant, generateGrant;
    UnixTime exportExpiry = 0;
};

Fixture makeRegistry(const QString& path) {
    Fixture f;
    f.path = path;
    const std::unique_ptr<Registry> registry = Registry::open(path.toStdString());
    f.ada = registry->addHolder("Ada Lovelace", "00052210040").id;
    f.ben = registry->addHolder("Ben Okri", "").id;

    NewAsset take3{f.ada, identityOf("take3.wav", 185.2, 48000, 1), "GBAYE2600001",
                   AssetOrigin::Recorded, "/home/ada/takes/take3.wav"};
    f.take3 = registry->addAsset(take3).asset.id;
    NewAsset take4{f.ada, identityOf("take4.wav", 62.0, 48000, 1), "", AssetOrigin::Recorded,
                   "/home/ada/takes/take4.wav"};
    f.take4 = registry->addAsset(take4).asset.id;
    NewAsset bass{f.ben, identityOf("bassline.flac", 240.5, 44100, 2), "", AssetOrigin::Imported,
                  "/home/ben/stems/bassline.flac"};
    f.bass = registry->addAsset(bass).asset.id;

    NewGrant train;
    train.holder = f.ada;
    train.scope = Scope::TrainVoice;
    train.asset = f.take3;
    train.terms.sharePercent = 50;
    train.terms.attribution = "Voice: Ada Lovelace";
    train.terms.licence = "CC-BY-4.0";
    train.terms.commercial = true;
    f.trainGrant = registry->addGrant(train).id;

    NewGrant exportAll;
    exportAll.holder = f.ada;
    exportAll.scope = Scope::Export;
    exportAll.terms.sharePercent = 50;
    f.exportExpiry = currentTime() + 3600;
    exportAll.terms.expiresAt = f.exportExpiry;
    f.exportGrant = registry->addGrant(exportAll).id;

    NewGrant generate;
    generate.holder = f.ada;
    generate.scope = Scope::Generate;
    generate.asset = f.take3;
    f.generateGrant = registry->addGrant(generate).id;
    registry->revokeGrant(f.generateGrant, "Changed her mind about generated vocals");
    return f;
}

int rowWithId(const QAbstractItemModel* model, const std::string& id) {
    for (int row = 0; row < model->rowCount(); ++row)
        if (model->index(row, 0).data(ui::IdRole).toString() == QString::fromStdString(id))
            return row;
    return -1;
}

QString cell(const QAbstractItemModel* model, int row, int column, int role = Qt::DisplayRole) {
    return model->index(row, column).data(role).toString();
}

QStringList actionTexts(QMenu* menu) {
    QStringList texts;
    for (QAction* action : menu->actions())
        if (!action->isSeparator())
            texts << action->text().remove(QLatin1Char('&'));
    return texts;
}

QMenu* menuTitled(QMainWindow& window, const QString& title) {
    for (QAction* action : window.menuBar()->actions())
        if (action->text().remove(QLatin1Char('&')) == title)
            return action->menu();
    return nullptr;
}

void saveScreenshot(QWidget* widget, const QString& name) {
    const QString file = QStringLiteral(ACCORD_SCREENSHOT_DIR "/") + name;
    QVERIFY2(widget->grab().save(file), qPrintable(file));
    qInfo("screenshot: %s", qPrintable(file));
}

// Replaces every occurrence of `from` by `to` (same length) in a file: a crude edit behind the
// registry's back, as somebody with a hex editor or an SQLite shell would make.
int patchFile(const QString& path, const QByteArray& from, const QByteArray& to) {
    QFile file(path);
    if (!file.open(QIODevice::ReadWrite))
        return -1;
    QByteArray bytes = file.readAll();
    int count = 0;
    for (qsizetype at = bytes.indexOf(from); at >= 0; at = bytes.indexOf(from, at + 1)) {
        bytes.replace(at, to.size(), to);
        ++count;
    }
    file.seek(0);
    file.write(bytes);
    return count;
}

} // namespace

class TestMainWindow : public QObject {
    Q_OBJECT

private:
    QTemporaryDir dir_;
    Fixture fixture_;

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(dir_.isValid());
        fixture_ = makeRegistry(dir_.filePath(QStringLiteral("registry.sqlite")));
    }

    void cleanup() {
        // Error boxes and dialogs of one test must not leak into the next.
        for (QWidget* widget : QApplication::topLevelWidgets())
            if (qobject_cast<QMessageBox*>(widget) || qobject_cast<QDialog*>(widget))
                widget->close();
    }

    void menusOfferTheStudioActions() {
        ui::MainWindow window;
        QMenu* file = menuTitled(window, QStringLiteral("File"));
        QMenu* edit = menuTitled(window, QStringLiteral("Edit"));
        QMenu* view = menuTitled(window, QStringLiteral("View"));
        QMenu* transport = menuTitled(window, QStringLiteral("Transport"));
        QMenu* registry = menuTitled(window, QStringLiteral("Registry"));
        QMenu* help = menuTitled(window, QStringLiteral("Help"));
        QVERIFY(file && edit && view && transport && registry && help);
        QCOMPARE(actionTexts(file),
                 (QStringList{QStringLiteral("New Project"), QStringLiteral("Open…"),
                              QStringLiteral("Open Recent"), QStringLiteral("Save"),
                              QStringLiteral("Save As…"), QStringLiteral("Import Audio…"),
                              QStringLiteral("Export…"), QStringLiteral("Preferences…"),
                              QStringLiteral("Quit")}));
        QVERIFY(actionTexts(edit).contains(QStringLiteral("Undo")));
        QVERIFY(actionTexts(edit).contains(QStringLiteral("Redo")));
        QVERIFY(actionTexts(edit).contains(QStringLiteral("Split at Playhead")));
        QVERIFY(actionTexts(view).contains(QStringLiteral("Snap to Grid")));
        QVERIFY(actionTexts(view).contains(QStringLiteral("Mixer")));
        QVERIFY(actionTexts(transport).contains(QStringLiteral("Play")));
        QVERIFY(actionTexts(transport).contains(QStringLiteral("Loop")));
        QVERIFY(actionTexts(registry).contains(QStringLiteral("Open Registry…")));
        QVERIFY(actionTexts(registry).contains(QStringLiteral("Add Holder…")));
        QVERIFY(actionTexts(registry).contains(QStringLiteral("Add Grant…")));
        QVERIFY(actionTexts(registry).contains(QStringLiteral("Revoke Grant…")));
        QVERIFY(actionTexts(registry).contains(QStringLiteral("Verify Audit")));
        QCOMPARE(actionTexts(help), (QStringList{QStringLiteral("Getting Started"),
                                                 QStringLiteral("Keyboard Shortcuts"),
                                                 QStringLiteral("About Accord")}));
        QCOMPARE(window.playAction()->shortcut(), QKeySequence(Qt::Key_Space));
        QCOMPARE(window.undoAction()->shortcut(), QKeySequence(QKeySequence::Undo));
        QVERIFY(window.redoAction()->shortcuts().contains(
            QKeySequence(QStringLiteral("Ctrl+Shift+Z"))));
        QVERIFY(!window.windowIcon().pixmap(64, 64).isNull());
    }

    // A laptop's screen: the window opens within 1366×768 and every tab still works at
    // 1280×720 (nothing forces the window larger).
    void fitsALaptopScreen() {
        ui::MainWindow window;
        QVERIFY(window.openRegistry(fixture_.path));
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QCOMPARE(window.screen()->availableGeometry().size(), QSize(1366, 768));
        QVERIFY2(window.width() <= 1366 && window.height() <= 768,
                 qPrintable(QString("opened at %1×%2").arg(window.width()).arg(window.height())));
        QVERIFY(!window.verifyDock()->isVisible()); // on demand
        QVERIFY(!window.identifyDock()->isVisible());
        QVERIFY(window.mixer()->isVisible()); // under the arrangement
        saveScreenshot(&window, QStringLiteral("laptop_first_start.png"));
        window.verifyDock()->show();
        for (int tab = 0; tab < window.panels()->count(); ++tab) {
            window.panels()->setCurrentIndex(tab);
            QCOMPARE(window.mixer()->isVisible(), tab == 0);
            window.resize(1280, 720);
            QTest::qWait(50);
            const QSize least = window.minimumSizeHint().expandedTo(window.minimumSize());
            QVERIFY2(least.width() <= 1280 && least.height() <= 720,
                     qPrintable(QString("%1 needs %2×%3")
                                    .arg(window.panels()->tabText(tab))
                                    .arg(least.width())
                                    .arg(least.height())));
            QCOMPARE(window.size(), QSize(1280, 720));
            saveScreenshot(
                &window,
                QStringLiteral("laptop_%1.png").arg(window.panels()->tabText(tab).toLower()));
        }
    }

    // F1 lists every shortcut the menus have; the walkthrough shows once at the first start and
    // ticks its steps from the registry.
    void helpGetsANewcomerStarted() {
        QTemporaryDir scratch;
        ui::MainWindow window;
        QVERIFY(window.openRegistry(scratch.filePath("new.sqlite")));
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));

        QAction* f1 = window.findChild<QAction*>(QStringLiteral("actionShortcuts"));
        QVERIFY(f1 != nullptr);
        QVERIFY(f1->shortcuts().contains(QKeySequence(Qt::Key_F1)));
        f1->trigger();
        auto* sheet = window.findChild<ui::ShortcutsDialog*>();
        QVERIFY(sheet != nullptr && sheet->isVisible());
        QStringList lines;
        for (int row = 0; row < sheet->table()->rowCount(); ++row)
            lines << sheet->table()->item(row, 1)->text() + " = " +
                         sheet->table()->item(row, 2)->text();
        for (const QString& expected :
             {QStringLiteral("Play = Space"), QStringLiteral("Export… = Ctrl+E"),
              QStringLiteral("Mixer = Ctrl+M"), QStringLiteral("Keyboard Shortcuts = F1"),
              QStringLiteral("Copy = Ctrl+C"), QStringLiteral("Paste at Playhead = Ctrl+V"),
              QStringLiteral("Duplicate = Ctrl+D"), QStringLiteral("Select All = Ctrl+A"),
              QStringLiteral("Nudge Right = Alt+Right"),
              QStringLiteral("Nudge Left (Fine) = Alt+Shift+Left")})
            QVERIFY2(lines.contains(expected), qPrintable(lines.join(" | ")));
        sheet->close();

        QVERIFY(window.offerWalkthrough());
        QVERIFY(!window.offerWalkthrough()); // once
        auto* walkthrough = window.findChild<ui::WalkthroughDialog*>();
        QVERIFY(walkthrough != nullptr && walkthrough->isVisible());
        QVERIFY(!walkthrough->progress()[ui::WalkthroughDialog::AddYourself]);
        QVERIFY(walkthrough->stepButton(ui::WalkthroughDialog::AddYourself)->isDefault());
        saveScreenshot(walkthrough, QStringLiteral("walkthrough_first_run.png"));

        // The first holder of a registry is the one working; a second does not change that.
        const std::string me = window.session()->registry()->addHolder("Eve Ensler", "").id;
        window.session()->notifyChanged();
        QCOMPARE(window.workingAs(), QString::fromStdString(me));
        QVERIFY(walkthrough->progress()[ui::WalkthroughDialog::AddYourself]);
        window.session()->registry()->addHolder("Fay Weldon", "");
        window.session()->notifyChanged();
        QCOMPARE(window.workingAs(), QString::fromStdString(me));
        QVERIFY(!walkthrough->progress()[ui::WalkthroughDialog::ImportTakes]);
        QVERIFY(walkthrough->stepButton(ui::WalkthroughDialog::ImportTakes)->isDefault());

        QTest::mouseClick(walkthrough->stepButton(ui::WalkthroughDialog::TrainVoice),
                          Qt::LeftButton);
        QCOMPARE(window.panels()->currentWidget(), static_cast<QWidget*>(window.modelsPanel()));
        QTest::mouseClick(walkthrough->stepButton(ui::WalkthroughDialog::VerifyFile),
                          Qt::LeftButton);
        QVERIFY(window.verifyDock()->isVisible());
        walkthrough->close(); // it deletes itself; Help > Getting Started makes it again
        QTRY_VERIFY(window.findChild<ui::WalkthroughDialog*>() == nullptr);
        QVERIFY(window.showWalkthrough()->isVisible());
    }

    // "Change Grant…": the dialog starts from the grant, keeps its holder, and saving revokes
    // it and gives the new one as one change.
    void aGrantIsChangedFromTheWindow() {
        QTemporaryDir scratch;
        const QString path = scratch.filePath("change.sqlite");
        std::string ada, take, grantId;
        {
            const auto registry = Registry::open(path.toStdString());
            ada = registry->addHolder("Ada Lovelace", "").id;
            take = registry
                       ->addAsset({ada, identityOf("take5.wav", 30, 48000, 1), "",
                                   AssetOrigin::Recorded, "/home/ada/takes/take5.wav"})
                       .asset.id;
            NewGrant grant;
            grant.holder = ada;
            grant.scope = Scope::Export;
            grant.asset = take;
            grantId = registry->addGrant(grant).id;
        }
        ui::MainWindow window;
        QVERIFY(window.openRegistry(path));
        window.show();
        ui::ConsentPanel* panel = window.consentPanel();
        window.panels()->setCurrentWidget(panel);
        QVERIFY(!panel->editButton()->isEnabled()); // nothing selected
        panel->grantsView()->selectRow(rowWithId(panel->grantsView()->model(), grantId));
        QVERIFY(panel->editButton()->isEnabled());
        QTest::mouseClick(panel->editButton(), Qt::LeftButton);
        auto* dialog = window.findChild<ui::GrantDialog*>();
        QVERIFY(dialog != nullptr && dialog->isVisible());
        QCOMPARE(dialog->windowTitle(), QStringLiteral("Change Grant"));
        QVERIFY(!dialog->holderBox()->isEnabled());
        QCOMPARE(dialog->assetBox()->currentData().toString(), QString::fromStdString(take));
        QCOMPARE(dialog->scopeBox()->currentData().toString(), QStringLiteral("export"));
        QVERIFY(!dialog->commercialCheck()->isChecked());
        dialog->commercialCheck()->setChecked(true);
        dialog->accept();
        QVERIFY2(!dialog->isVisible(), qPrintable(dialog->errorLabel()->text()));

        const auto reader = Registry::open(path.toStdString());
        QVERIFY(reader->grant(grantId)->revokedAt.has_value());
        const std::vector<Grant> grants = reader->grants({});
        QCOMPARE(grants.size(), std::size_t(2));
        const Grant& fresh = grants.back().id == grantId ? grants.front() : grants.back();
        QVERIFY(fresh.terms.commercial);
        QCOMPARE(fresh.asset.value_or(""), take);
        QCOMPARE(reader->grant(grantId)->revokeReason, "changed: replaced by " + fresh.id);
        QTRY_COMPARE(panel->grantsView()->model()->rowCount(), 2);
    }

    void tablesShowTheRegistry() {
        ui::MainWindow window;
        QVERIFY(window.openRegistry(fixture_.path));
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        ui::ConsentPanel* panel = window.consentPanel();
        window.panels()->setCurrentWidget(panel);

        const QAbstractItemModel* holders = panel->holdersView()->model();
        QCOMPARE(holders->rowCount(), 2);
        const int ada = rowWithId(holders, fixture_.ada);
        QVERIFY(ada >= 0);
        QCOMPARE(cell(holders, ada, ui::HoldersTableModel::Name), QStringLiteral("Ada Lovelace"));
        QCOMPARE(cell(holders, ada, ui::HoldersTableModel::Ipi), QStringLiteral("00052210040"));
        QCOMPARE(cell(holders, ada, ui::HoldersTableModel::Assets), QStringLiteral("2"));
        QCOMPARE(cell(holders, ada, ui::HoldersTableModel::ActiveGrants), QStringLiteral("2 of 3"));

        const QAbstractItemModel* assets = panel->assetsView()->model();
        QCOMPARE(assets->rowCount(), 3);
        const int take3 = rowWithId(assets, fixture_.take3);
        const int bass = rowWithId(assets, fixture_.bass);
        QVERIFY(take3 >= 0 && bass >= 0);
        QCOMPARE(cell(assets, take3, ui::AssetsTableModel::File), QStringLiteral("take3.wav"));
        QCOMPARE(cell(assets, take3, ui::AssetsTableModel::Owner), QStringLiteral("Ada Lovelace"));
        QCOMPARE(cell(assets, take3, ui::AssetsTableModel::Duration), QStringLiteral("3:05.2"));
        QCOMPARE(cell(assets, take3, ui::AssetsTableModel::Consent),
                 QStringLiteral("Allows voice training, export"));
        QCOMPARE(cell(assets, take3, ui::AssetsTableModel::Consent, Qt::ToolTipRole),
                 QStringLiteral("Ada Lovelace allows voice training, export. Not allowed yet: "
                                "style training, singing with its models."));
        QCOMPARE(assets->index(take3, 0).data(ui::NotExportableRole).toBool(), false);
        // Ben gave no grant at all: his bassline is marked amber (not allowed yet, but it plays),
        // and says what it may not do; red is for a holder who withdrew.
        QCOMPARE(assets->index(bass, 0).data(ui::NotExportableRole).toBool(), true);
        QCOMPARE(cell(assets, bass, ui::AssetsTableModel::Consent),
                 QStringLiteral("Not allowed yet"));
        QCOMPARE(cell(assets, bass, ui::AssetsTableModel::File, Qt::ToolTipRole),
                 QStringLiteral("It plays in this studio. Ben Okri has not allowed voice "
                                "training, style training, singing with its models, export yet: "
                                "add a grant (Add Grant…)."));
        const QColor notYet = assets->index(bass, ui::AssetsTableModel::Consent)
                                  .data(Qt::DecorationRole)
                                  .value<QIcon>()
                                  .pixmap(16, 16)
                                  .toImage()
                                  .pixelColor(8, 8);
        QCOMPARE(notYet, ui::palette::warning);
        QVERIFY(
            !assets->index(bass, ui::AssetsTableModel::Owner).data(Qt::BackgroundRole).isValid());

        // Grants in plain language, as the policy engine words them, with their state.
        const QAbstractItemModel* grants = panel->grantsView()->model();
        QCOMPARE(grants->rowCount(), 3);
        const std::unique_ptr<Registry> reader = Registry::open(fixture_.path.toStdString());
        const UnixTime now = currentTime();
        const struct {
            std::string id;
            const char* state;
        } expected[] = {{fixture_.trainGrant, "active"},
                        {fixture_.exportGrant, "active"},
                        {fixture_.generateGrant, "revoked"}};
        for (const auto& want : expected) {
            const int row = rowWithId(grants, want.id);
            QVERIFY(row >= 0);
            QCOMPARE(cell(grants, row, ui::GrantsTableModel::State),
                     QString::fromLatin1(want.state));
            QCOMPARE(cell(grants, row, 0, ui::StateRole), QString::fromLatin1(want.state));
            const QString text = cell(grants, row, ui::GrantsTableModel::Description);
            QCOMPARE(text, QString::fromStdString(describeGrant(reader->consentGraph(),
                                                                *reader->grant(want.id), now)));
            QVERIFY2(text.contains(QStringLiteral("Ada")), qPrintable(text));
        }
        const int revoked = rowWithId(grants, fixture_.generateGrant);
        QVERIFY(cell(grants, revoked, ui::GrantsTableModel::State, Qt::ToolTipRole)
                    .contains(QStringLiteral("Changed her mind about generated vocals")));
        const int exportRow = rowWithId(grants, fixture_.exportGrant);
        QCOMPARE(cell(grants, exportRow, ui::GrantsTableModel::AppliesTo),
                 QStringLiteral("all assets of Ada Lovelace"));
        QCOMPARE(cell(grants, exportRow, ui::GrantsTableModel::Grantee),
                 QStringLiteral("anyone in this studio"));
        QCOMPARE(cell(grants, exportRow, ui::GrantsTableModel::Expires),
                 QString::fromStdString(formatIsoDate(fixture_.exportExpiry)));

        auto* counts = window.findChild<QLabel*>(QStringLiteral("countsLabel"));
        QVERIFY(counts);
        QCOMPARE(counts->text(), QStringLiteral("2 holders · 3 recordings · 3 grants (2 active)"));
        QVERIFY2(window.windowTitle().contains(QStringLiteral("registry.sqlite")),
                 qPrintable(window.windowTitle()));
        saveScreenshot(&window, QStringLiteral("main_window_consent.png"));
    }

    void grantsExpireWithTime() {
        ui::MainWindow window;
        QVERIFY(window.openRegistry(fixture_.path));
        ui::ConsentPanel* panel = window.consentPanel();
        panel->setClock([expiry = fixture_.exportExpiry] { return expiry + 3600; });

        const QAbstractItemModel* grants = panel->grantsView()->model();
        const int exportRow = rowWithId(grants, fixture_.exportGrant);
        QCOMPARE(cell(grants, exportRow, ui::GrantsTableModel::State), QStringLiteral("expired"));
        QVERIFY(cell(grants, exportRow, ui::GrantsTableModel::State, Qt::ToolTipRole)
                    .startsWith(QStringLiteral("Expired on")));
        QCOMPARE(cell(grants, rowWithId(grants, fixture_.trainGrant), 0), QStringLiteral("active"));

        // take4 was covered only by the all-assets export grant: now nothing allows anything.
        const QAbstractItemModel* assets = panel->assetsView()->model();
        const int take4 = rowWithId(assets, fixture_.take4);
        QCOMPARE(assets->index(take4, 0).data(ui::NotExportableRole).toBool(), true);
        QCOMPARE(cell(assets, take4, ui::AssetsTableModel::Consent),
                 QStringLiteral("Withdrawn: nothing allowed"));
        QVERIFY(cell(assets, take4, 0, Qt::ToolTipRole)
                    .startsWith(QStringLiteral("Ada Lovelace withdrew every grant")));
        QVERIFY(
            assets->index(take4, ui::AssetsTableModel::Owner).data(Qt::BackgroundRole).isValid());
    }

    void verifyReportsAnIntactLog() {
        ui::MainWindow window;
        QVERIFY(window.openRegistry(fixture_.path));
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        ui::AuditPanel* audit = window.consentPanel()->auditPanel();
        QVERIFY(audit->model()->rowCount() >= 9); // 2 holders, 3 assets, 3 grants, 1 revocation
        QCOMPARE(audit->resultText(), QStringLiteral("Not verified yet."));
        // What each change did, in words ("holder.add" is in the tooltip).
        QStringList operations;
        for (int row = 0; row < audit->model()->rowCount(); ++row)
            operations << cell(audit->model(), row, ui::AuditLogModel::Operation);
        for (const QString& words :
             {QStringLiteral("Holder added"), QStringLiteral("Recording registered"),
              QStringLiteral("Grant given"), QStringLiteral("Grant revoked")})
            QVERIFY2(operations.contains(words), qPrintable(operations.join(", ")));

        window.panels()->setCurrentWidget(window.consentPanel());
        window.consentPanel()->showAudit();
        auto* verify = window.findChild<QPushButton*>(QStringLiteral("auditVerifyButton"));
        QVERIFY(verify && verify->isVisible());
        QTest::mouseClick(verify, Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(!audit->isVerifying() &&
                                     audit->resultText().startsWith(QStringLiteral("✔ Intact")),
                                 kVerifyTimeoutMs);
        auto* label = window.findChild<QLabel*>(QStringLiteral("auditVerifyResult"));
        QVERIFY(label && label->text().contains(QStringLiteral("entries")));
        auto* problems = window.findChild<QListWidget*>(QStringLiteral("auditVerifyProblems"));
        QVERIFY(problems && problems->count() == 0 && !problems->isVisible());
        saveScreenshot(&window, QStringLiteral("main_window_audit.png"));
    }

    void verifyFindsTampering() {
        // A copy of the registry with a holder's name changed behind the registry's back.
        const QString copy = dir_.filePath(QStringLiteral("tampered.sqlite"));
        QVERIFY(QFile::copy(fixture_.path, copy));
        if (QFile::exists(fixture_.path + QStringLiteral("-wal")))
            QVERIFY(
                QFile::copy(fixture_.path + QStringLiteral("-wal"), copy + QStringLiteral("-wal")));
        QVERIFY(QDir().mkpath(copy + QStringLiteral(".keys")));
        for (const QFileInfo& key :
             QDir(fixture_.path + QStringLiteral(".keys")).entryInfoList(QDir::Files))
            QFile::copy(key.filePath(), copy + QStringLiteral(".keys/") + key.fileName());
        int patched = patchFile(copy, "Ben Okri", "Ben Okra");
        if (QFile::exists(copy + QStringLiteral("-wal")))
            patched += patchFile(copy + QStringLiteral("-wal"), "Ben Okri", "Ben Okra");
        QVERIFY(patched > 0);

        ui::MainWindow window;
        window.show();
        if (!window.openRegistry(copy)) {
            // Refusing to open a tampered registry is fine too, as long as it says so.
            auto* box = window.findChild<QMessageBox*>(QStringLiteral("errorBox"));
            QVERIFY(box && box->isVisible());
            return;
        }
        window.verifyAudit();
        ui::AuditPanel* audit = window.consentPanel()->auditPanel();
        QTRY_VERIFY_WITH_TIMEOUT(!audit->isVerifying() &&
                                     audit->resultText().startsWith(QStringLiteral("✘ Tampered")),
                                 kVerifyTimeoutMs);
        auto* problems = window.findChild<QListWidget*>(QStringLiteral("auditVerifyProblems"));
        QVERIFY(problems && problems->count() > 0 && problems->isVisible());
        qInfo("first problem: %s", qPrintable(problems->item(0)->text()));
        saveScreenshot(&window, QStringLiteral("main_window_tampered.png"));
    }

    void brokenRegistryShowsAnErrorNotACrash() {
        const QString bogus = dir_.filePath(QStringLiteral("notes.sqlite"));
        QFile file(bogus);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("These are my shopping notes, not an Accord registry.\n");
        file.close();

        ui::MainWindow window;
        window.show();
        QVERIFY(!window.openRegistry(bogus));
        auto* box = window.findChild<QMessageBox*>(QStringLiteral("errorBox"));
        QVERIFY(box && box->isVisible());
        QVERIFY2(box->informativeText().contains(QStringLiteral("notes.sqlite")) ||
                     box->text().contains(QStringLiteral("notes.sqlite")),
                 qPrintable(box->text() + QLatin1Char('\n') + box->informativeText()));
        QVERIFY(!window.session()->isOpen());
        QCOMPARE(window.consentPanel()->holdersView()->model()->rowCount(), 0);
        box->close();

        // The window goes on working with a good registry.
        QVERIFY(window.openRegistry(fixture_.path));
        QCOMPARE(window.consentPanel()->holdersView()->model()->rowCount(), 2);
    }

    void showsChangesMadeByAnotherProcess() {
        const QString path = dir_.filePath(QStringLiteral("live.sqlite"));
        Registry::open(path.toStdString())->addHolder("Cleo Laine", "");
        ui::MainWindow window;
        QVERIFY(window.openRegistry(path));
        const QAbstractItemModel* holders = window.consentPanel()->holdersView()->model();
        QCOMPARE(holders->rowCount(), 1);
        // As accord-cli would: its own connection, its own write.
        Registry::open(path.toStdString())->addHolder("Dev Patel", "");
        QTRY_COMPARE_WITH_TIMEOUT(holders->rowCount(), 2, accord::test::kSafetyNetMs);
    }

    void aboutBoxNamesVersionsAndRuntime() {
        ui::MainWindow window;
        QVERIFY(window.openRegistry(fixture_.path));
        window.show();
        auto* about = window.findChild<QAction*>(QStringLiteral("actionAbout"));
        QVERIFY(about);
        about->trigger();
        auto* dialog = window.findChild<ui::AboutDialog*>(QStringLiteral("aboutDialog"));
        QVERIFY(dialog && dialog->isVisible());
        const QString text = dialog->text();
        QVERIFY2(text.contains(QStringLiteral("Accord " ACCORD_TEST_VERSION)), qPrintable(text));
        QVERIFY2(text.contains(QString::fromLatin1(qVersion())), qPrintable(text));
        const models::RuntimeInfo& runtime = ui::modelRuntime();
        QVERIFY2(text.contains(QString::fromStdString(runtime.torchVersion)), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("%1 threads").arg(runtime.threads)),
                 qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("OpenBLAS")), qPrintable(text));
        QVERIFY2(text.contains(fixture_.path.toHtmlEscaped()), qPrintable(text));
        auto* icon = dialog->findChild<QLabel*>(QStringLiteral("aboutIcon"));
        QVERIFY(icon && !icon->pixmap().isNull());
        saveScreenshot(dialog, QStringLiteral("about_dialog.png"));
    }

    // Style sheets name the palette's roles; every role they name is one (none is left as
    // "@role" for Qt to ignore).
    // The master's clip indicator lights over full scale and holds until clicked.
    void theMasterClipIndicatorHolds() {
        ui::MainWindow window;
        window.show();
        ui::MixerPanel* mixer = window.mixer();
        QVERIFY(mixer->clipIndicator()->isVisible());
        mixer->showMasterLevels(0.5f, 0.9f);
        QVERIFY(!mixer->masterClipped());
        mixer->showMasterLevels(0.2f, 1.05f); // +0.4 dBFS on the right
        QVERIFY(mixer->masterClipped());
        mixer->showMasterLevels(0.1f, 0.1f);
        QVERIFY(mixer->masterClipped()); // held
        QTest::mouseClick(mixer->clipIndicator(), Qt::LeftButton);
        QVERIFY(!mixer->masterClipped());
    }

    // Unticked boxes stand out from the dark surface they sit on, ticked ones from unticked.
    void checkBoxesAreReadable() {
        QWidget surface;
        auto* layout = new QVBoxLayout(&surface);
        auto* unticked = new QCheckBox(QStringLiteral("Commercial release"));
        auto* ticked = new QCheckBox(QStringLiteral("Stems"));
        ticked->setChecked(true);
        layout->addWidget(unticked);
        layout->addWidget(ticked);
        surface.show();
        QVERIFY(QTest::qWaitForWindowExposed(&surface));
        const auto indicator = [](QCheckBox* box) {
            QStyleOptionButton option;
            option.initFrom(box);
            const QRect rect =
                box->style()->subElementRect(QStyle::SE_CheckBoxIndicator, &option, box);
            return box->grab().toImage().copy(rect);
        };
        const QColor background = surface.palette().color(QPalette::Window);
        const auto mostDifferent = [&](const QImage& image) {
            int most = 0;
            for (int y = 0; y < image.height(); ++y)
                for (int x = 0; x < image.width(); ++x)
                    most = std::max(most,
                                    std::abs(qGray(image.pixel(x, y)) - qGray(background.rgb())));
            return most;
        };
        constexpr int kVisibleGreySteps = 40; // of 255: an edge the eye finds at once
        QVERIFY2(mostDifferent(indicator(unticked)) >= kVisibleGreySteps,
                 qPrintable(QString::number(mostDifferent(indicator(unticked)))));
        QVERIFY(mostDifferent(indicator(ticked)) > mostDifferent(indicator(unticked)));
    }

    void styleSheetsUseThePalette() {
        const QString studio = qApp->styleSheet();
        QVERIFY(studio.contains(ui::palette::accent.name()));
        QVERIFY2(!studio.contains(QLatin1Char('@')), qPrintable(studio));
        QCOMPARE(ui::palette::styleSheet(QStringLiteral("QLabel { color: @denied; }")),
                 QStringLiteral("QLabel { color: #e5484d; }"));
        QTest::ignoreMessage(QtWarningMsg, "palette: no colour has the role 'unknownRole'");
        QCOMPARE(ui::palette::styleSheet(QStringLiteral("color: @unknownRole;")),
                 QStringLiteral("color: @unknownRole;"));
    }
};

int main(int argc, char** argv) {
    return accord::test::runStudioTest<TestMainWindow>(argc, argv);
}
#include "test_main_window.moc"
