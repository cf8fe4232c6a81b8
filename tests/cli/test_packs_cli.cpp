// Two studios through the real accord-cli (docs/CLI.md "share", "pack", "revocations"): share
// refused without the `share` grant (exit 4); a pack imported in the other studio; re-singing
// allowed for the named recipient only; a non-commercial pack refused for a commercial export; the
// split sheet, royalty statement and DDEX release message of an export in the second studio
// naming the first studio's holder with the agreed share; a changed pack refused (exit 3) with
// nothing registered; revocations exported and imported, the model then refused (exit 4) and the
// earlier export's `verify` reporting it.

#include "test_support.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QtTest>

using accord::test::addHolder;
using accord::test::grantAllAssets;
using accord::test::runCli;

namespace {

const QString kBoTake = "fillets-cs/airplane/cs/let-m-oko.ogg"; // what Bo sings, 5.8 s

} // namespace

class TestPacksCli : public QObject {
    Q_OBJECT

private slots:
    void twoStudios() {
        ACCORD_REQUIRE_MATERIAL(boTake, kBoTake);
        QTemporaryDir dir;
        const QString studioA = dir.filePath("a.sqlite");
        const QString studioB = dir.filePath("b.sqlite");
        const QString ada = addHolder(studioA, "Ada");
        ACCORD_ADD_TRAINING_VOICES(takes, studioA, ada);
        QCOMPARE(grantAllAssets(studioA, ada, "train-voice").exitCode, 0);
        const QString model = dir.filePath("ada.accordvoice");
        QVERIFY(accord::test::trainSmallVoiceModel(studioA, ada, takes, model));

        const auto bo = runCli({"--json", "holder", "add", "--name", "Bo"}, studioB);
        const QString boId = bo.field("holder");
        const QString boKey = bo.field("public_key");
        const QString dee = addHolder(studioB, "Dee");
        const QString pack = dir.filePath("ada.accordpack");

        // No `share` grant: refused, every training recording named.
        const auto refused =
            runCli({"--json", "share", model, "--to", boKey, "--out", pack}, studioA);
        QCOMPARE(refused.exitCode, 4);
        QCOMPARE(refused.json().value("denied").toArray().size(), takes.size());
        QVERIFY(!QFile::exists(pack));

        QCOMPARE(grantAllAssets(studioA, ada, "share", {"--share", "30"}).exitCode, 0);
        const auto shared = runCli({"--json", "share", model, "--to", boKey, "--to-name", "Bo",
                                    "--out", pack, "--expires", "2099-01-01"},
                                   studioA);
        QCOMPARE(shared.exitCode, 0);
        const QJsonArray grants = shared.json().value("grants").toArray();
        QCOMPARE(grants.size(), 2 * takes.size());

        // A changed pack: exit 3 naming the file, nothing registered.
        QFile original(pack);
        QVERIFY(original.open(QIODevice::ReadOnly));
        QByteArray bytes = original.readAll();
        bytes[bytes.size() / 2] = char(bytes[bytes.size() / 2] ^ 0x10);
        const QString changed = dir.filePath("changed.accordpack");
        QFile out(changed);
        QVERIFY(out.open(QIODevice::WriteOnly) && out.write(bytes) == bytes.size());
        out.close();
        const auto tampered = runCli({"pack", "import", changed}, studioB);
        QCOMPARE(tampered.exitCode, 3);
        QVERIFY(tampered.err.contains("changed.accordpack"));
        QCOMPARE(runCli({"--json", "pack", "list"}, studioB).json().value("packs").toArray().size(),
                 0);
        QCOMPARE(
            runCli({"--json", "asset", "list"}, studioB).json().value("assets").toArray().size(),
            0);

        const auto imported = runCli({"--json", "pack", "import", pack}, studioB);
        QCOMPARE(imported.exitCode, 0);
        QCOMPARE(imported.field("recipient_here"), boId);
        const QString packModel = imported.field("model_file");
        QVERIFY(QFile::exists(packModel));

        // Bo re-sings his take with Ada's voice; Dee may not.
        const QString boAsset =
            runCli({"--json", "asset", "add", boTake, "--owner", boId}, studioB).field("asset");
        QCOMPARE(runCli({"grant", "add", "--holder", boId, "--asset", boAsset, "--scope", "export",
                         "--commercial"},
                        studioB)
                     .exitCode,
                 0);
        const QString sung = dir.filePath("sung.wav");
        QCOMPARE(
            runCli({"convert", "--model", packModel, boTake, sung, "--as", boId}, studioB).exitCode,
            0);
        QCOMPARE(
            runCli({"convert", "--model", packModel, boTake, dir.filePath("dee.wav"), "--as", dee},
                   studioB)
                .exitCode,
            4);

        const QString project = dir.filePath("song.accord");
        QCOMPARE(runCli({"project", "new", project}, studioB).exitCode, 0);
        QCOMPARE(runCli({"project", "add-track", project, "--name", "Vox"}, studioB).exitCode, 0);
        QCOMPARE(runCli({"project", "add-clip", project, "--track", "t-1", sung}, studioB).exitCode,
                 0);
        const QString exported = dir.filePath("out");
        QCOMPARE(
            runCli({"export", project, "--out", exported, "--commercial", "--as", boId}, studioB)
                .exitCode,
            4);
        const auto done = runCli(
            {"--json", "export", project, "--out", exported, "--as", boId, "--ddex"}, studioB);
        QCOMPARE(done.exitCode, 0);

        // The DDEX release message: valid against Accord's schema of ERN 4.3.2 (and the official
        // one when ACCORD_DDEX_ERN432_XSD names it), Ada's share and the AI disclosure in it.
        const QString ddex = done.field("ddex");
        QVERIFY(accord::test::runTool("xmllint",
                                      {"--noout", "--nonet", "--schema",
                                       qEnvironmentVariable("ACCORD_DDEX_SUBSET_XSD"), ddex}));
        if (const QString official = qEnvironmentVariable("ACCORD_DDEX_ERN432_XSD");
            !official.isEmpty())
            QVERIFY(accord::test::runTool("xmllint",
                                          {"--noout", "--nonet", "--schema", official, ddex}));
        const QString message = QString::fromUtf8(accord::test::readAll(ddex));
        QVERIFY2(message.contains("<FullName>Ada</FullName>") &&
                     message.contains("<RightSharePercentage>30.00</RightSharePercentage>") &&
                     message.contains("<SpecialContributor>GenerativeAI</SpecialContributor>") &&
                     message.contains("<ContainsAI>Partly</ContainsAI>"),
                 qPrintable(message));
        QFile split(exported + "/song.split.csv");
        QVERIFY(split.open(QIODevice::ReadOnly));
        const QString sheet = QString::fromUtf8(split.readAll());
        QVERIFY2(sheet.contains("\"Ada\",30.00") && sheet.contains("\"Bo\",70.00"),
                 qPrintable(sheet));
        const QString adaHere = runCli({"--json", "holder", "list"}, studioB)
                                    .json()
                                    .value("holders")
                                    .toArray()
                                    .last()
                                    .toObject()
                                    .value("holder")
                                    .toString();
        const QString csv = dir.filePath("ada.csv");
        QCOMPARE(
            runCli({"statement", "--holder", adaHere, "--format", "csv", "--out", csv}, studioB)
                .exitCode,
            0);
        QFile statement(csv);
        QVERIFY(statement.open(QIODevice::ReadOnly));
        QVERIFY(QString::fromUtf8(statement.readAll()).contains("30.00"));

        // Ada withdraws Bo's right to sing with her first take and to export it.
        QCOMPARE(
            runCli({"grant", "revoke", grants.at(0).toString(), "--reason", "tour over"}, studioA)
                .exitCode,
            0);
        QCOMPARE(
            runCli({"grant", "revoke", grants.at(1).toString(), "--reason", "tour over"}, studioA)
                .exitCode,
            0);
        const QString revocations = dir.filePath("ada.revocations");
        QCOMPARE(runCli({"revocations", "export", "--out", revocations}, studioA).exitCode, 0);
        const auto applied = runCli({"--json", "revocations", "import", revocations}, studioB);
        QCOMPARE(applied.exitCode, 0);
        QCOMPARE(applied.json().value("revoked").toArray().size(), 2);
        QCOMPARE(runCli({"convert", "--model", packModel, boTake, dir.filePath("again.wav"), "--as",
                         boId},
                        studioB)
                     .exitCode,
                 4);
        const auto verified = runCli({"--json", "verify", exported + "/song.wav"}, studioB);
        QCOMPARE(verified.field("consent"), QString("revoked"));
        QVERIFY(
            QJsonDocument(verified.json().value("notes").toArray()).toJson().contains("tour over"));
        QCOMPARE(runCli({"audit", "verify"}, studioB).exitCode, 0);
    }
};

QTEST_GUILESS_MAIN(TestPacksCli)
#include "test_packs_cli.moc"
