// The studio and the shared consent ledger (docs/STUDIO.md "Ledger", docs/LEDGER.md) against a
// real PostgreSQL server started for the test: the window pulls when its registry opens and on
// demand, applies another studio's grant and revocation, says when it last pulled, and says so
// when the ledger cannot be reached; it pushes on demand and says when it last pushed; the
// Identify panel searches the ledger's catalogue beside this studio's, on one reading of the
// file, and marks where each match was found; the Models panel lists what the ledger holds about
// a model, as `ledger query --model` does, and the Consent panel about a holder or a recording,
// as `--holder` and `--asset` do.

#include "accord/core/registry.h"
#include "accord/ui/consent/consent_panel.h"
#include "accord/ui/identify/identify_panel.h"
#include "accord/ui/models/models_panel.h"
#include "accord/ui/shell/ledger_history_view.h"
#include "accord/ui/shell/ledger_status.h"
#include "accord/ui/shell/main_window.h"
#include "accord/workflows/import.h"
#include "accord/workflows/ledger_sync.h"
#include "accord/workflows/train.h"
#include "postgres_cluster.h"
#include "studio_test_main.h"
#include "test_support.h"

#include <QLabel>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableView>
#include <QTreeWidget>

#include <cmath>
#include <functional>

#include <sys/inotify.h>
#include <unistd.h>

using namespace accord;

namespace {

// How many times `path` was opened while `work` ran, as the kernel saw it (inotify). Closes are
// watched too, so two opens in a row are two events (inotify merges identical unread ones).
int opensDuring(const QString& path, const std::function<void()>& work) {
    const int watcher = inotify_init1(IN_NONBLOCK);
    if (watcher < 0 ||
        inotify_add_watch(watcher, path.toLocal8Bit().constData(), IN_OPEN | IN_CLOSE) < 0)
        return -1;
    work();
    int opens = 0;
    alignas(inotify_event) char events[64 * 1024];
    for (ssize_t bytes; (bytes = read(watcher, events, sizeof events)) > 0;)
        for (ssize_t at = 0; at < bytes;) {
            const auto* event = reinterpret_cast<const inotify_event*>(events + at);
            opens += (event->mask & IN_OPEN) ? 1 : 0;
            at += ssize_t(sizeof(inotify_event) + event->len);
        }
    close(watcher);
    return opens;
}

int rowWithId(const QAbstractItemModel* model, const std::string& id) {
    for (int row = 0; row < model->rowCount(); ++row)
        if (model->index(row, 0).data(ui::IdRole).toString() == QString::fromStdString(id))
            return row;
    return -1;
}

} // namespace

class TestLedgerStudio : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void pullsAtStartAndOnDemand() {
        ACCORD_START_POSTGRES(server);
        const QString url = server.url();
        QTemporaryDir dir;
        const std::string studioA = dir.filePath("a.sqlite").toStdString();
        const QString studioB = dir.filePath("b.sqlite");

        // Studio A: Ada gives a grant, revokes it, publishes both. Studio B knows Ada's key.
        auto a = Registry::open(studioA);
        const Holder ada = a->addHolder("Ada", "");
        const Grant first = a->addGrant({ada.id, Scope::Export, std::nullopt, std::nullopt, {}});
        a->revokeGrant(first.id, "tour over");
        workflows::pushToLedger(*a, url.toStdString());
        Registry::open(studioB.toStdString())->addKnownHolder("Ada", "", ada.publicKey);

        // At start: the window pulls.
        ui::LedgerStatus::setUrl(url);
        ui::MainWindow window;
        auto* status = window.findChild<ui::LedgerStatus*>(QStringLiteral("ledgerStatus"));
        QVERIFY(status);
        QSignalSpy pulls(status, &ui::LedgerStatus::pulled);
        QVERIFY(window.openRegistry(studioB));
        QTRY_COMPARE_WITH_TIMEOUT(pulls.count(), 1, test::kSafetyNetMs);
        QVERIFY2(pulls.at(0).at(0).toBool(), qPrintable(pulls.at(0).at(1).toString()));
        QVERIFY2(status->text().startsWith("Ledger: pulled "), qPrintable(status->text()));
        {
            const auto b = Registry::open(studioB.toStdString());
            QCOMPARE(b->grants().size(), std::size_t(1));
            QVERIFY(b->grants().front().revokedAt.has_value());
        }

        // On demand: a second grant arrives.
        a->addGrant({ada.id, Scope::Generate, std::nullopt, std::nullopt, {}});
        workflows::pushToLedger(*a, url.toStdString());
        window.pullFromLedger(url);
        QTRY_COMPARE_WITH_TIMEOUT(pulls.count(), 2, test::kSafetyNetMs);
        QVERIFY(pulls.at(1).at(0).toBool());
        QCOMPARE(Registry::open(studioB.toStdString())->grants().size(), std::size_t(2));

        // A ledger that cannot be reached: said in the status bar, naming it.
        const QString nowhere =
            "postgresql:///postgres?host=" + dir.filePath("nowhere") + "&user=postgres";
        window.pullFromLedger(nowhere);
        QTRY_COMPARE_WITH_TIMEOUT(pulls.count(), 3, test::kSafetyNetMs);
        QVERIFY(!pulls.at(2).at(0).toBool());
        QCOMPARE(status->text(), QString("Ledger: not reached"));
        QVERIFY(status->toolTip().contains(nowhere));
        QCOMPARE(ui::LedgerStatus::url(), nowhere); // remembered for the next start
    }

    // Registry > Push to Ledger…: on a worker, the status bar saying when it last pushed, again
    // after a restart of the window; a server that cannot be reached is named.
    void pushesOnDemand() {
        ACCORD_START_POSTGRES(server);
        const QString url = server.url();
        QTemporaryDir dir;
        const QString path = dir.filePath("a.sqlite");
        {
            auto a = Registry::open(path.toStdString());
            const Holder ada = a->addHolder("Ada", "");
            const Grant first =
                a->addGrant({ada.id, Scope::Export, std::nullopt, std::nullopt, {}});
            a->revokeGrant(first.id, "tour over");
        }
        ui::LedgerStatus::setUrl(QString());
        {
            ui::MainWindow window;
            auto* status = window.findChild<ui::LedgerStatus*>(QStringLiteral("ledgerStatus"));
            QVERIFY(status);
            QVERIFY(window.findChild<QAction*>(QStringLiteral("actionPushLedger")));
            QVERIFY(window.openRegistry(path));
            QSignalSpy pushes(status, &ui::LedgerStatus::pushed);
            window.pushToLedger(url);
            QTRY_COMPARE_WITH_TIMEOUT(pushes.count(), 1, test::kSafetyNetMs);
            QVERIFY2(pushes.at(0).at(0).toBool(), qPrintable(pushes.at(0).at(1).toString()));
            QVERIFY2(pushes.at(0).at(1).toString().contains("2 new statements"),
                     qPrintable(pushes.at(0).at(1).toString()));
            QCOMPARE(server.psql("SELECT count(*) FROM ledger_statements"), QString("2"));
            QVERIFY2(status->text().contains(" · pushed "), qPrintable(status->text()));

            // Nothing new: nothing stored twice.
            window.pushToLedger(url);
            QTRY_COMPARE_WITH_TIMEOUT(pushes.count(), 2, test::kSafetyNetMs);
            QVERIFY(pushes.at(1).at(1).toString().contains("0 new statements"));
            QVERIFY2(status->text().contains(" · pushed "), qPrintable(status->text()));
            QCOMPARE(server.psql("SELECT count(*) FROM ledger_statements"), QString("2"));

            const QString nowhere =
                "postgresql:///postgres?host=" + dir.filePath("nowhere") + "&user=postgres";
            window.pushToLedger(nowhere);
            QTRY_COMPARE_WITH_TIMEOUT(pushes.count(), 3, test::kSafetyNetMs);
            QVERIFY(!pushes.at(2).at(0).toBool());
            QCOMPARE(status->text(), QString("Ledger: push failed"));
            QVERIFY2(status->toolTip().startsWith("Could not push to " + nowhere),
                     qPrintable(status->toolTip()));
        }
        // A new window remembers when this registry last pushed to the ledger, beside its pull.
        ui::LedgerStatus::setUrl(url);
        ui::MainWindow again;
        auto* status = again.findChild<ui::LedgerStatus*>(QStringLiteral("ledgerStatus"));
        QSignalSpy pulls(status, &ui::LedgerStatus::pulled);
        QVERIFY(again.openRegistry(path));
        QTRY_COMPARE_WITH_TIMEOUT(pulls.count(), 1, test::kSafetyNetMs);
        QVERIFY2(status->text().startsWith("Ledger: pulled ") &&
                     status->text().contains(" · pushed "),
                 qPrintable(status->text()));
    }

    // The Identify panel with a ledger set: a file holding 6 s of Ada's track (published by
    // studio A, unknown here) then 6 s of Bo's (registered here) finds both, Bo's here and Ada's
    // on the ledger, each marked so; a ledger that cannot be reached is named and Bo's match is
    // still shown.
    void identifySearchesTheLedger() {
        const QString adaTrack = test::materialFile("hyperrogue/hr3-jungle.ogg");
        const QString boTrack = test::materialFile("hyperrogue/hr3-desert.ogg");
        if (adaTrack.isEmpty() || boTrack.isEmpty())
            QSKIP("hyperrogue recordings missing: run scripts/fetch-material.sh");
        ACCORD_START_POSTGRES(server);
        const QString url = server.url();
        QTemporaryDir dir;
        std::string adaPcm;
        {
            auto a = Registry::open(dir.filePath("a.sqlite").toStdString());
            const Holder ada = a->addHolder("Ada", "");
            adaPcm = workflows::registerRecording(*a, adaTrack.toStdString(), ada.id,
                                                  AssetOrigin::Recorded, "")
                         .asset.pcmSha256;
            QCOMPARE(workflows::pushToLedger(*a, url.toStdString()).fingerprints.stored,
                     std::size_t(1));
        }
        const QString studioB = dir.filePath("b.sqlite");
        std::string boAsset;
        {
            auto b = Registry::open(studioB.toStdString());
            const Holder bo = b->addHolder("Bo", "");
            boAsset = workflows::registerRecording(*b, boTrack.toStdString(), bo.id,
                                                   AssetOrigin::Recorded, "")
                          .asset.id;
        }
        const QString adaPart = dir.filePath("ada.wav"), boPart = dir.filePath("bo.wav"),
                      both = dir.filePath("both.wav");
        QVERIFY(
            test::runTool("sox", {adaTrack, "-r", "44100", "-c", "2", adaPart, "trim", "40", "6"}));
        QVERIFY(
            test::runTool("sox", {boTrack, "-r", "44100", "-c", "2", boPart, "trim", "30", "6"}));
        QVERIFY(test::runTool("sox", {adaPart, boPart, both}));

        ui::LedgerStatus::setUrl(url);
        ui::MainWindow window;
        QVERIFY(window.openRegistry(studioB));
        ui::IdentifyPanel* panel = window.identifyPanel();
        auto identified = [&] {
            QTest::qWait(1);
            return QTest::qWaitFor([&] { return !panel->isIdentifying(); }, test::kSafetyNetMs);
        };
        const int opensForBoth = opensDuring(both, [&] {
            panel->identify(both);
            QVERIFY(identified());
        });
        QVERIFY2(panel->messageLabel()->text().contains(url),
                 qPrintable(panel->messageLabel()->text()));
        QCOMPARE(int(panel->matches().size()), 2);
        QCOMPARE(panel->matches()[0].id, boAsset);
        QVERIFY(panel->foundIn()[0] == ui::FoundIn::Here);
        QCOMPARE(panel->matches()[1].id, adaPcm);
        QCOMPARE(panel->matches()[1].ownerName, std::string("Ada"));
        QVERIFY(panel->foundIn()[1] == ui::FoundIn::Ledger);
        QVERIFY(std::abs(panel->matches()[1].recordingOffset - 40) < 0.6);
        QCOMPARE(panel->matchesView()->topLevelItem(1)->text(6), QString("ledger"));
        QCOMPARE(panel->matchesView()->topLevelItem(0)->text(6), QString("here"));

        // Bo's track published too: the same recording under the same key, one row, both places.
        QCOMPARE(workflows::pushToLedger(*Registry::open(studioB.toStdString()), url.toStdString())
                     .fingerprints.stored,
                 std::size_t(1));
        panel->identify(both);
        QVERIFY(identified());
        QCOMPARE(int(panel->matches().size()), 2);
        QVERIFY(panel->foundIn()[0] == ui::FoundIn::HereAndLedger);
        QCOMPARE(panel->matchesView()->topLevelItem(0)->text(6), QString("here and ledger"));

        // The ledger out of reach: said, naming it; this studio's match still shown.
        const QString nowhere =
            "postgresql:///postgres?host=" + dir.filePath("nowhere") + "&user=postgres";
        ui::LedgerStatus::setUrl(nowhere);
        const int opensForHere = opensDuring(both, [&] {
            panel->identify(both);
            QVERIFY(identified());
        });
        QVERIFY2(
            panel->messageLabel()->text().contains("Could not search the ledger at " + nowhere),
            qPrintable(panel->messageLabel()->text()));
        QCOMPARE(int(panel->matches().size()), 1);
        QCOMPARE(panel->matches()[0].id, boAsset);
        QVERIFY(panel->foundIn()[0] == ui::FoundIn::Here);
        // Both searches ran on one decoding: the file was opened as often as for this studio's
        // search alone.
        QVERIFY(opensForHere > 0);
        QCOMPARE(opensForBoth, opensForHere);
    }

    // Models panel > On the Ledger: the selected model's record and the grant it was trained
    // under, each with where it stands now; once the grant is revoked and pushed, the model reads
    // source-revoked, the grant revoked and the revocation in force. No ledger set, a model not
    // pushed and a ledger out of reach are each said.
    void modelsPanelListsTheModelOnTheLedger() {
        QStringList takes;
        for (const char* name : {"Front_Left", "Rear_Center", "Front_Right", "Rear_Left"})
            takes << test::materialFile(QString("alsa/%1.wav").arg(name));
        if (takes.contains(QString()))
            QSKIP("alsa recordings missing: run scripts/fetch-material.sh");
        ACCORD_START_POSTGRES(server);
        const QString url = server.url();
        QTemporaryDir dir;
        const QString path = dir.filePath("a.sqlite");
        std::string modelId;
        Grant training;
        {
            auto a = Registry::open(path.toStdString());
            const Holder ada = a->addHolder("Ada", "");
            training = a->addGrant({ada.id, Scope::TrainVoice, std::nullopt, std::nullopt, {}});
            workflows::VoiceTrainingRequest train;
            train.owner = ada.id;
            for (const QString& take : takes)
                train.assets.push_back(workflows::registerRecording(*a, take.toStdString(), ada.id,
                                                                    AssetOrigin::Recorded, "")
                                           .asset.id);
            train.outFile = dir.filePath("ada.accordvoice").toStdString();
            train.maxSteps = 10;
            train.channels = 32;
            train.threads = 1;
            modelId = workflows::trainVoiceModel(*a, train).modelId;
        }

        ui::LedgerStatus::setUrl(QString());
        ui::MainWindow window;
        QVERIFY(window.openRegistry(path));
        ui::ModelsPanel* models = window.modelsPanel();
        models->selectModel(QString::fromStdString(modelId));
        QVERIFY(models->ledgerHistoryButton()->isEnabled());
        QSignalSpy shown(models, &ui::ModelsPanel::ledgerHistoryShown);
        auto ask = [&] {
            const int before = shown.count();
            models->ledgerHistoryButton()->click();
            QTRY_COMPARE_WITH_TIMEOUT(shown.count(), before + 1, test::kSafetyNetMs);
        };
        // Where each kind of line stands ("" when there is no such line).
        auto standing = [&](const QString& kind) {
            QStringList states;
            for (int row = 0; row < models->ledgerView()->history()->topLevelItemCount(); ++row) {
                const QTreeWidgetItem* item = models->ledgerView()->history()->topLevelItem(row);
                if (item->text(ui::LedgerHistoryView::Kind) == kind)
                    states << item->text(ui::LedgerHistoryView::State);
            }
            return states.join(',');
        };

        ask();
        QVERIFY2(models->ledgerView()->message()->text().startsWith("No ledger is set"),
                 qPrintable(models->ledgerView()->message()->text()));

        ui::LedgerStatus::setUrl(url);
        ask();
        QVERIFY2(models->ledgerView()->message()->text().contains("holds nothing about"),
                 qPrintable(models->ledgerView()->message()->text()));
        QCOMPARE(models->ledgerView()->history()->topLevelItemCount(), 0);

        workflows::pushToLedger(*Registry::open(path.toStdString()), url.toStdString());
        ask();
        QVERIFY2(models->ledgerView()->message()->text().endsWith("each verified."),
                 qPrintable(models->ledgerView()->message()->text()));
        QVERIFY(models->ledgerView()->history()->isVisibleTo(models));
        QCOMPARE(standing("model"), QString("active"));
        QCOMPARE(standing("grant"), QString("active"));
        QCOMPARE(standing("revocation"), QString());
        // The line's whole text is the CLI's (tooltip), naming the record by its id.
        const QTreeWidgetItem* first = models->ledgerView()->history()->topLevelItem(0);
        QVERIFY(
            first->toolTip(ui::LedgerHistoryView::What)
                .startsWith(
                    first->data(ui::LedgerHistoryView::Kind, Qt::UserRole).toString().left(12)));

        {
            auto a = Registry::open(path.toStdString());
            a->revokeGrant(training.id, "no more training");
            workflows::pushToLedger(*a, url.toStdString());
        }
        ask();
        QCOMPARE(standing("model"), QString("source-revoked"));
        QCOMPARE(standing("grant"), QString("revoked"));
        QCOMPARE(standing("revocation"), QString("in force"));
        // Line for line what `accord-cli ledger query --model` prints after its heading.
        const QString weights = QString::fromStdString(
            Registry::open(path.toStdString())->model(modelId)->weightsSha256);
        const test::CliResult cli =
            test::runCli({"ledger", "query", "--from", url, "--model", weights});
        QCOMPARE(cli.exitCode, 0);
        QStringList listed;
        for (int row = 0; row < models->ledgerView()->history()->topLevelItemCount(); ++row)
            listed << models->ledgerView()->history()->topLevelItem(row)->toolTip(
                ui::LedgerHistoryView::What);
        QCOMPARE(QString::fromUtf8(cli.out).trimmed().section('\n', 1), listed.join('\n'));

        const QString nowhere =
            "postgresql:///postgres?host=" + dir.filePath("nowhere") + "&user=postgres";
        ui::LedgerStatus::setUrl(nowhere);
        ask();
        QVERIFY2(models->ledgerView()->message()->text().startsWith("Could not read " + nowhere),
                 qPrintable(models->ledgerView()->message()->text()));
        QCOMPARE(models->ledgerView()->history()->topLevelItemCount(), 0);
    }

    // Consent panel > Holder on the Ledger and Recording on the Ledger: the grants given by the
    // selected holder, and those on the selected recording, each with where it stands now, line
    // for line what `accord-cli ledger query --holder` and `--asset` print.
    void consentPanelListsHolderAndRecordingOnTheLedger() {
        const QString take = test::materialFile("alsa/Front_Left.wav");
        if (take.isEmpty())
            QSKIP("alsa recordings missing: run scripts/fetch-material.sh");
        ACCORD_START_POSTGRES(server);
        const QString url = server.url();
        QTemporaryDir dir;
        const QString path = dir.filePath("a.sqlite");
        Holder ada;
        Asset recording;
        Grant onRecording;
        {
            auto a = Registry::open(path.toStdString());
            ada = a->addHolder("Ada", "");
            recording = workflows::registerRecording(*a, take.toStdString(), ada.id,
                                                     AssetOrigin::Recorded, "")
                            .asset;
            onRecording = a->addGrant({ada.id, Scope::Export, recording.id, std::nullopt, {}});
            a->addGrant({ada.id, Scope::Generate, std::nullopt, std::nullopt, {}});
            workflows::pushToLedger(*a, url.toStdString());
        }

        ui::LedgerStatus::setUrl(url);
        ui::MainWindow window;
        QVERIFY(window.openRegistry(path));
        ui::ConsentPanel* consent = window.consentPanel();
        QVERIFY(!consent->holderLedgerButton()->isEnabled()); // nothing selected yet
        QVERIFY(!consent->assetLedgerButton()->isEnabled());
        ui::LedgerHistoryView* view = consent->ledgerView();
        QSignalSpy shown(view, &ui::LedgerHistoryView::shown);
        auto ask = [&](QPushButton* button) {
            QVERIFY(button->isEnabled());
            const int before = shown.count();
            button->click();
            QTRY_COMPARE_WITH_TIMEOUT(shown.count(), before + 1, test::kSafetyNetMs);
        };
        auto listed = [&] {
            QStringList lines;
            for (int row = 0; row < view->history()->topLevelItemCount(); ++row)
                lines << view->history()->topLevelItem(row)->toolTip(ui::LedgerHistoryView::What);
            return lines.join('\n');
        };
        auto states = [&] {
            QStringList all;
            for (int row = 0; row < view->history()->topLevelItemCount(); ++row)
                all << view->history()->topLevelItem(row)->text(ui::LedgerHistoryView::Kind) + ":" +
                           view->history()->topLevelItem(row)->text(ui::LedgerHistoryView::State);
            return all.join(',');
        };
        auto cliLines = [&](const QString& option, const std::string& key) {
            const test::CliResult cli = test::runCli(
                {"ledger", "query", "--from", url, option, QString::fromStdString(key)});
            return QString::fromUtf8(cli.out).trimmed().section('\n', 1);
        };

        consent->holdersView()->selectRow(rowWithId(consent->holdersView()->model(), ada.id));
        ask(consent->holderLedgerButton());
        QCOMPARE(states(), QString("grant:active,grant:active"));
        QCOMPARE(listed(), cliLines("--holder", ada.publicKey));

        consent->assetsView()->selectRow(rowWithId(consent->assetsView()->model(), recording.id));
        ask(consent->assetLedgerButton());
        QCOMPARE(states(), QString("grant:active")); // the grant on all recordings is not listed
        QCOMPARE(listed(), cliLines("--asset", recording.pcmSha256));
        QVERIFY2(view->message()->text().endsWith("each verified."),
                 qPrintable(view->message()->text()));

        {
            auto a = Registry::open(path.toStdString());
            a->revokeGrant(onRecording.id, "the label said no");
            workflows::pushToLedger(*a, url.toStdString());
        }
        ask(consent->assetLedgerButton());
        QCOMPARE(states(), QString("grant:revoked,revocation:in force"));
        QCOMPARE(listed(), cliLines("--asset", recording.pcmSha256));
    }
};

int main(int argc, char** argv) {
    return accord::test::runStudioTest<TestLedgerStudio>(argc, argv);
}
#include "test_ledger_studio.moc"
