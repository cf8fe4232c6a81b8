// The shared consent ledger (docs/LEDGER.md, docs/CLI.md "ledger") against a real PostgreSQL
// server started for the test (tests/support/postgres_cluster.h): two studios and a label on one
// server, a revocation pushed by one studio taking effect on the other's copy of a model; a server
// killed in the middle of a push, then every statement there exactly once; a statement changed in
// the database by hand refused on pull and on query (exit 3, naming it); one changed in the
// studio's own registry refused on push with nothing of its batch sent; an unreachable server and
// a ledger newer than this Accord (exit 2, naming it).

#include "accord/audio/audio_file.h"
#include "accord/core/crypto.h"
#include "accord/core/errors.h"
#include "accord/core/provenance.h"
#include "accord/core/registry.h"
#include "accord/dsp/fingerprint.h"
#include "accord/ledger/catalogue.h"
#include "accord/ledger/ledger.h"
#include "accord/ledger/records.h"
#include "accord/workflows/identify.h"
#include "accord/workflows/ledger_catalogue.h"
#include "accord/workflows/ledger_sync.h"

#include "near_match_hashes.h"
#include "postgres_cluster.h"
#include "raw_sql.h"
#include "test_support.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QtTest>

#include <random>
#include <set>

using accord::test::addHolder;
using accord::test::grantAllAssets;
using accord::test::runCli;

namespace {

const QString kBoTake = "fillets-cs/airplane/cs/let-m-oko.ogg"; // what Bo sings, 5.8 s
const QString kAdaTrack = "hyperrogue/hr3-jungle.ogg";          // studio A's catalogue
const QString kAdaOtherTrack = "hyperrogue/hr3-hell.ogg";
const QString kOtherMusic = "hyperrogue/hr3-mirror.ogg"; // in nobody's catalogue

// The ledger's rows about each grant statement: how many grants are in `answer`, how many of them
// are revoked, how many revocations are in force; fails the test on any other state.
struct Tally {
    int grants = 0, revokedGrants = 0, revocations = 0, active = 0;
};
Tally tally(const QJsonArray& statements) {
    Tally t;
    for (const auto& value : statements) {
        const QJsonObject s = value.toObject();
        const QString state = s.value("state").toString();
        if (s.value("kind").toString() == "revocation") {
            ++t.revocations;
            if (state != "in force")
                qWarning() << "revocation" << s.value("id").toString() << "is" << state;
            continue;
        }
        ++t.grants;
        if (state == "revoked" && !s.value("revoked_by").isNull())
            ++t.revokedGrants;
        else if (state == "active" && s.value("revoked_by").isNull())
            ++t.active;
    }
    return t;
}

// 5 s of `source` from `from` seconds under 5 s of `other` from 30 s at 70% of its level, at
// 44.1 kHz in stereo: mix.wav in `dir`, or empty when sox failed.
QString mixedUnder(const QTemporaryDir& dir, const QString& source, const QString& from,
                   const QString& other) {
    const QString excerpt = dir.filePath("excerpt.wav");
    const QString under = dir.filePath("under.wav");
    const QString mix = dir.filePath("mix.wav");
    const bool made =
        accord::test::runTool("sox",
                              {source, "-r", "44100", "-c", "2", excerpt, "trim", from, "5"}) &&
        accord::test::runTool("sox", {other, "-r", "44100", "-c", "2", under, "trim", "30", "5"}) &&
        accord::test::runTool("sox", {"-m", "-v", "1", excerpt, "-v", "0.7", under, mix});
    return made ? mix : QString();
}

} // namespace

class TestLedgerCli : public QObject {
    Q_OBJECT

private slots:
    void twoStudiosAndALabel() {
        ACCORD_REQUIRE_MATERIAL(boTake, kBoTake);
        ACCORD_START_POSTGRES(server);
        const QString url = server.url();
        QTemporaryDir dir;
        const QString studioA = dir.filePath("a.sqlite");
        const QString studioB = dir.filePath("b.sqlite");

        // Studio A: Ada trains a voice and shares it with Bo of studio B.
        const QString ada = addHolder(studioA, "Ada");
        ACCORD_ADD_TRAINING_VOICES(takes, studioA, ada);
        for (const char* scope : {"train-voice", "share"})
            QCOMPARE(grantAllAssets(studioA, ada, scope).exitCode, 0);
        const QString model = dir.filePath("ada.accordvoice");
        QVERIFY(accord::test::trainSmallVoiceModel(studioA, ada, takes, model));
        const auto bo = runCli({"--json", "holder", "add", "--name", "Bo"}, studioB);
        const QString boId = bo.field("holder");
        const QString pack = dir.filePath("ada.accordpack");
        const auto shared = runCli({"--json", "share", model, "--to", bo.field("public_key"),
                                    "--to-name", "Bo", "--out", pack},
                                   studioA);
        QCOMPARE(shared.exitCode, 0);
        const QJsonArray packGrants = shared.json().value("grants").toArray();
        const auto imported = runCli({"--json", "pack", "import", pack}, studioB);
        QCOMPARE(imported.exitCode, 0);
        const QString packModel = imported.field("model_file");
        // Bo re-sings his take with Ada's voice: allowed.
        const QString boAsset =
            runCli({"--json", "asset", "add", boTake, "--owner", boId}, studioB).field("asset");
        QCOMPARE(runCli({"grant", "add", "--holder", boId, "--asset", boAsset, "--scope", "export"},
                        studioB)
                     .exitCode,
                 0);
        QCOMPARE(runCli({"convert", "--model", packModel, boTake, dir.filePath("sung.wav"), "--as",
                         boId},
                        studioB)
                     .exitCode,
                 0);

        // Both studios publish; a second push sends nothing new.
        const auto pushedA = runCli({"--json", "ledger", "push", "--to", url}, studioA);
        QCOMPARE(pushedA.exitCode, 0);
        const int signedInA = 2 + packGrants.size();
        QCOMPARE(pushedA.json().value("stored").toInt(), signedInA);
        QCOMPARE(runCli({"ledger", "push", "--to", url}, studioB).exitCode, 0);
        const auto again = runCli({"--json", "ledger", "push", "--to", url}, studioA);
        QCOMPARE(again.json().value("sent").toInt(), 0);

        // Nothing revoked yet: B's pull applies nothing new (it has A's grants from the pack).
        const auto quiet = runCli({"--json", "ledger", "pull", "--from", url}, studioB);
        QCOMPARE(quiet.exitCode, 0);
        QCOMPARE(quiet.json().value("revoked").toArray().size(), 0);
        QVERIFY(quiet.json().value("read").toInt() > 0);

        // Ada withdraws Bo's rights on her first take; A publishes; B pulls; B's copy of the
        // model is then refused.
        for (int i : {0, 1})
            QCOMPARE(
                runCli({"grant", "revoke", packGrants.at(i).toString(), "--reason", "tour over"},
                       studioA)
                    .exitCode,
                0);
        QCOMPARE(runCli({"--json", "ledger", "push", "--to", url}, studioA)
                     .json()
                     .value("stored")
                     .toInt(),
                 2);
        const auto pulled = runCli({"--json", "ledger", "pull", "--from", url}, studioB);
        QCOMPARE(pulled.exitCode, 0);
        QCOMPARE(pulled.json().value("revoked").toArray().size(), 2);
        QCOMPARE(runCli({"convert", "--model", packModel, boTake, dir.filePath("again.wav"), "--as",
                         boId},
                        studioB)
                     .exitCode,
                 4);
        // Pulling again changes nothing.
        const auto twice = runCli({"--json", "ledger", "pull", "--from", url}, studioB);
        QCOMPARE(twice.json().value("revoked").toArray().size(), 0);
        QVERIFY(!twice.field("pulled_at").isEmpty());
        QCOMPARE(runCli({"audit", "verify"}, studioB).exitCode, 0);

        // The label, with no registry: each of Ada's takes' history, and Ada's.
        const QJsonArray assets =
            runCli({"--json", "asset", "list"}, studioA).json().value("assets").toArray();
        Tally all;
        for (const auto& asset : assets) {
            const auto history =
                runCli({"--json", "--registry", dir.filePath("label.sqlite"), "ledger", "query",
                        "--from", url, "--asset", asset.toObject().value("pcm_sha256").toString()});
            QCOMPARE(history.exitCode, 0);
            const Tally t = tally(history.json().value("statements").toArray());
            QCOMPARE(t.grants, t.active + t.revokedGrants); // no other state, none unexplained
            all.grants += t.grants;
            all.revokedGrants += t.revokedGrants;
            all.revocations += t.revocations;
        }
        QCOMPARE(all.grants, packGrants.size());
        QCOMPARE(all.revokedGrants, 2);
        QCOMPARE(all.revocations, 2);
        QVERIFY(!QFile::exists(dir.filePath("label.sqlite")));
        const QString adaKey = runCli({"--json", "holder", "list"}, studioA)
                                   .json()
                                   .value("holders")
                                   .toArray()
                                   .at(0)
                                   .toObject()
                                   .value("public_key")
                                   .toString();
        const auto adaHistory =
            runCli({"--json", "ledger", "query", "--from", url, "--holder", adaKey});
        QCOMPARE(adaHistory.exitCode, 0);
        const Tally adas = tally(adaHistory.json().value("statements").toArray());
        QCOMPARE(adas.grants, signedInA);
        QCOMPARE(adas.revokedGrants, 2);
        QCOMPARE(adas.revocations, 2);

        // Bad input names what is wrong.
        const auto notAHash = runCli({"ledger", "query", "--from", url, "--asset", "abc"});
        QCOMPARE(notAHash.exitCode, 2);
        QVERIFY(notAHash.err.contains("--asset"));
    }

    // Models, packs and exports' manifests (docs/LEDGER.md "Models, packs and manifests"): studio
    // A trains a voice, exports a song sung with it and shares it with studio B; both push; a label
    // queries the model and sees its card, the training grant, B's pack and A's export, all
    // standing. A revokes the training grant and pushes; B pulls and its copy of the model is
    // refused; the label sees the model and pack source-revoked and the export, made before,
    // revoked since; the song exported again after the revocation is made-after-revocation. A
    // manifest changed in the database is refused by the label's query, naming it.
    void modelHistoryAndSourceRevocation() {
        ACCORD_REQUIRE_MATERIAL(boTake, kBoTake);
        ACCORD_START_POSTGRES(server);
        const QString url = server.url();
        QTemporaryDir dir;
        const QString studioA = dir.filePath("a.sqlite");
        const QString studioB = dir.filePath("b.sqlite");
        const QString ada = addHolder(studioA, "Ada");
        ACCORD_ADD_TRAINING_VOICES(takes, studioA, ada);
        QString trainGrant;
        for (const char* scope : {"train-voice", "share", "generate", "export"}) {
            const auto given = grantAllAssets(studioA, ada, scope);
            QCOMPARE(given.exitCode, 0);
            if (trainGrant.isEmpty())
                trainGrant = given.field("grant");
        }
        const QString model = dir.filePath("ada.accordvoice");
        QVERIFY(accord::test::trainSmallVoiceModel(studioA, ada, takes, model));
        const QString weights = QString::fromStdString(
            accord::Registry::open(studioA.toStdString())->models().front().weightsSha256);
        // A song sung with the model (Bo's take re-sung, 5.8 s, long enough to identify),
        // exported: its manifest names the model.
        const QString sung = dir.filePath("sung.wav");
        const QString sungFrom =
            runCli({"--json", "asset", "add", boTake, "--owner", ada}, studioA).field("pcm_sha256");
        QCOMPARE(sungFrom.size(), 64);
        QCOMPARE(runCli({"convert", "--model", model, boTake, sung, "--as", ada}, studioA).exitCode,
                 0);
        const QString song = dir.filePath("song.accord");
        QCOMPARE(runCli({"project", "new", song}, studioA).exitCode, 0);
        QCOMPARE(runCli({"project", "add-track", song, "--name", "Vox"}, studioA).exitCode, 0);
        QCOMPARE(runCli({"project", "add-clip", song, "--track", "t-1", sung}, studioA).exitCode,
                 0);
        QCOMPARE(
            runCli({"export", song, "--out", dir.filePath("out"), "--as", ada}, studioA).exitCode,
            0);
        // Shared with Bo of studio B, who sings through it.
        const auto bo = runCli({"--json", "holder", "add", "--name", "Bo"}, studioB);
        const QString pack = dir.filePath("ada.accordpack");
        QCOMPARE(runCli({"share", model, "--to", bo.field("public_key"), "--to-name", "Bo", "--out",
                         pack},
                        studioA)
                     .exitCode,
                 0);
        const auto imported = runCli({"--json", "pack", "import", pack}, studioB);
        QCOMPARE(imported.exitCode, 0);
        const QString packModel = imported.field("model_file");
        const QString boId = bo.field("holder");
        QCOMPARE(runCli({"asset", "add", boTake, "--owner", boId}, studioB).exitCode, 0);
        QCOMPARE(grantAllAssets(studioB, boId, "export").exitCode, 0);
        auto convertB = [&](const QString& out) {
            return runCli(
                       {"convert", "--model", packModel, boTake, dir.filePath(out), "--as", boId},
                       studioB)
                .exitCode;
        };
        QCOMPARE(convertB("b.wav"), 0);

        // A publishes its model card and its export's manifest, B its pack; a push again sends
        // nothing new.
        const auto pushedA = runCli({"--json", "ledger", "push", "--to", url}, studioA);
        QCOMPARE(pushedA.exitCode, 0);
        QCOMPARE(pushedA.json().value("records").toObject().value("stored").toInt(), 2);
        const auto pushedB = runCli({"--json", "ledger", "push", "--to", url}, studioB);
        QCOMPARE(pushedB.exitCode, 0);
        QCOMPARE(pushedB.json().value("records").toObject().value("stored").toInt(), 1);
        QCOMPARE(runCli({"--json", "ledger", "push", "--to", url}, studioA)
                     .json()
                     .value("records")
                     .toObject()
                     .value("sent")
                     .toInt(),
                 0);
        // One that lost its cursor resends them, signed again to the very same rows: none stored.
        QVERIFY(QFile::remove(studioA + ".ledger.json"));
        const QJsonObject resent = runCli({"--json", "ledger", "push", "--to", url}, studioA)
                                       .json()
                                       .value("records")
                                       .toObject();
        QCOMPARE(resent.value("sent").toInt(), 2);
        QCOMPARE(resent.value("already_there").toInt(), 2);
        QCOMPARE(server.psql("SELECT count(*) FROM ledger_records"), QString("3"));

        // The sung vocal, a render, is in the catalogue with the lineage its studio signed: a
        // label with no registry finds it and names the model and the recording it came from.
        // Bo sang the same take through the same model in studio B: B's conversion is found
        // too, signed by B, the take there Bo's.
        QVERIFY(pushedA.json().value("fingerprints").toObject().value("renders").toInt() >= 1);
        const auto foundSung = runCli({"--json", "identify", "--ledger", url, sung});
        QCOMPARE(foundSung.exitCode, 0);
        QStringList conversionSources;
        QSet<QString> signers;
        for (const auto& value : foundSung.json().value("matches").toArray()) {
            const QJsonObject match = value.toObject();
            const QJsonObject lineage = match.value("lineage").toObject();
            if (lineage.value("kind").toString() != "conversion")
                continue;
            QCOMPARE(match.value("render").toString().size(), 64);
            QCOMPARE(match.value("owner_name").toString(), QString("studio"));
            signers.insert(match.value("owner").toString());
            const QJsonArray models = lineage.value("models").toArray();
            QCOMPARE(models.size(), 1);
            QCOMPARE(models.first().toObject().value("weights_sha256").toString(), weights);
            QCOMPARE(models.first().toObject().value("owner_name").toString(), QString("Ada"));
            const QJsonArray sources = lineage.value("sources").toArray();
            QCOMPARE(sources.size(), 1);
            QCOMPARE(sources.first().toObject().value("pcm_sha256").toString(), sungFrom);
            conversionSources << sources.first().toObject().value("owner_name").toString();
        }
        conversionSources.sort();
        QCOMPARE(conversionSources, QStringList({"Ada", "Bo"}));
        QCOMPARE(signers.size(), 2);
        const auto sungText = runCli({"identify", "--ledger", url, sung});
        QVERIFY2(sungText.out.contains("conversion made with voice model " +
                                       weights.left(12).toUtf8() + " of Ada"),
                 sungText.out.constData());

        // The label, with no registry, asks about the model.
        const QStringList askLabel = {"--json", "ledger",  "query", "--from",
                                      url,      "--model", weights};
        auto recordStates = [](const QJsonObject& answer) {
            QStringList states;
            for (const auto& r : answer.value("records").toArray())
                states << r.toObject().value("kind").toString() + ":" +
                              r.toObject().value("state").toString();
            states.sort();
            return states;
        };
        const auto before = runCli(askLabel);
        QCOMPARE(before.exitCode, 0);
        QCOMPARE(recordStates(before.json()),
                 QStringList({"manifest:valid", "model:active", "pack:active"}));
        const QJsonArray statements = before.json().value("statements").toArray();
        QStringList scopes;
        for (const auto& st : statements) {
            QCOMPARE(st.toObject().value("state").toString(), QString("active"));
            scopes << st.toObject().value("scope").toString();
        }
        QVERIFY2(scopes.contains("train-voice"), qPrintable(scopes.join(",")));
        QVERIFY(scopes.contains("generate") && scopes.contains("export")); // the pack's uses
        // B's pack record carries the pack's manifest as Ada signed it: its terms are hers.
        for (const auto& r : before.json().value("records").toArray())
            if (r.toObject().value("kind").toString() == "pack") {
                QVERIFY(r.toObject().value("owner_signed").toBool());
                QVERIFY(r.toObject()
                            .value("record")
                            .toObject()
                            .value("sharedManifest")
                            .toObject()
                            .contains("ownerSignature"));
            }
        // Studio B restating the terms, signed with B's own key: refused, naming why. One use
        // dropped in the manifest it carries (no longer Ada's signature), or only in its record
        // (no longer what Ada signed).
        {
            const auto ledger = accord::ledger::Ledger::connect(url.toStdString());
            const auto registryB = accord::Registry::open(studioB.toStdString());
            const QJsonObject record =
                QJsonDocument::fromJson(server
                                            .psql("SELECT record FROM ledger_records WHERE "
                                                  "kind = 'pack'")
                                            .toUtf8())
                    .object();
            auto refusal = [&](bool inManifestToo) -> QString {
                QJsonObject forged = record;
                QJsonArray uses = forged.value("uses").toArray();
                uses.removeLast();
                forged["uses"] = uses;
                if (inManifestToo) {
                    QJsonObject manifest = forged.value("sharedManifest").toObject();
                    manifest["uses"] = uses;
                    forged["sharedManifest"] = manifest;
                }
                const std::string text = accord::canonicalJson(
                    nlohmann::json::parse(QJsonDocument(forged).toJson().toStdString()));
                try {
                    ledger->publishRecords({{text, accord::toHex(registryB->signAsStudio(text))}});
                } catch (const accord::IntegrityError& e) {
                    return e.what();
                }
                return "accepted";
            };
            const QString manifestChanged = refusal(true);
            QVERIFY2(manifestChanged.contains("not signed by the model's owner"),
                     qPrintable(manifestChanged));
            const QString recordChanged = refusal(false);
            QVERIFY2(recordChanged.contains("says other than the pack manifest"),
                     qPrintable(recordChanged));
            QCOMPARE(server.psql("SELECT count(*) FROM ledger_records"), QString("3"));
        }

        // Ada withdraws the training grant: A's model is source-revoked; A publishes; B pulls.
        QCOMPARE(runCli({"grant", "revoke", trainGrant, "--reason", "no more"}, studioA).exitCode,
                 0);
        QCOMPARE(runCli({"ledger", "push", "--to", url}, studioA).exitCode, 0);
        const auto pulled = runCli({"--json", "ledger", "pull", "--from", url}, studioB);
        QCOMPARE(pulled.exitCode, 0);
        QCOMPARE(pulled.json().value("source_revoked_models").toArray().size(), 1);
        QCOMPARE(convertB("b-again.wav"), 4);

        // The song was exported while the grant held: not a violation, revoked since.
        const auto after = runCli(askLabel);
        QCOMPARE(after.exitCode, 0);
        QCOMPARE(
            recordStates(after.json()),
            QStringList({"manifest:revoked-since", "model:source-revoked", "pack:source-revoked"}));
        QString revokedAt;
        for (const auto& r : after.json().value("records").toArray())
            if (r.toObject().value("kind").toString() == "model")
                revokedAt = r.toObject().value("revoked_at").toString();
        QVERIFY(!revokedAt.isEmpty());
        for (const auto& r : after.json().value("records").toArray())
            QCOMPARE(r.toObject().value("revoked_at").toString(), revokedAt);
        const auto afterText = runCli({"ledger", "query", "--from", url, "--model", weights});
        QVERIFY2(afterText.out.contains("made under a grant that held then, revoked since " +
                                        revokedAt.toUtf8()),
                 afterText.out.constData());
        int revokedTraining = 0;
        for (const auto& st : after.json().value("statements").toArray())
            if (st.toObject().value("scope").toString() == "train-voice" &&
                st.toObject().value("state").toString() == "revoked")
                ++revokedTraining;
        QCOMPARE(revokedTraining, 1);
        QVERIFY(!QFile::exists(dir.filePath("label.sqlite")));
        const auto notAHash = runCli({"ledger", "query", "--from", url, "--model", "abc"});
        QCOMPARE(notAHash.exitCode, 2);
        QVERIFY2(notAHash.err.contains("--model"), notAHash.err.constData());
        QCOMPARE(runCli({"ledger", "query", "--from", url, "--model", weights, "--holder", weights})
                     .exitCode,
                 1);

        // The same song exported again after the revocation (the policy refuses generating with
        // the model, not exporting what it made before): the ledger tells it apart.
        QCOMPARE(
            runCli({"export", song, "--out", dir.filePath("out2"), "--as", ada}, studioA).exitCode,
            0);
        QCOMPARE(runCli({"ledger", "push", "--to", url}, studioA).exitCode, 0);
        const auto reexported = runCli(askLabel);
        QCOMPARE(reexported.exitCode, 0);
        QCOMPARE(recordStates(reexported.json()),
                 QStringList({"manifest:made-after-revocation", "manifest:revoked-since",
                              "model:source-revoked", "pack:source-revoked"}));
        for (const auto& r : reexported.json().value("records").toArray()) {
            const QJsonObject record = r.toObject();
            if (record.value("kind").toString() != "manifest")
                continue;
            const bool madeAfter = record.value("state").toString() == "made-after-revocation";
            QCOMPARE(record.value("exported").toString() >= revokedAt, madeAfter);
        }
        QVERIFY(runCli({"ledger", "query", "--from", url, "--model", weights})
                    .out.contains("made after its training grant was revoked (" +
                                  revokedAt.toUtf8() + ")"));

        // The export's manifest altered on the server (who owns a recording), its id made to match:
        // the server takes it, the label's query refuses it naming it.
        const QString first = "(SELECT min(id) FROM ledger_records WHERE kind = 'manifest')";
        const QString altered = server.psql(
            "UPDATE ledger_records SET record = replace(record, '\"ownerName\":\"Ada\"', "
            "'\"ownerName\":\"Eve\"'), id = encode(sha256(convert_to(replace(record, "
            "'\"ownerName\":\"Ada\"', '\"ownerName\":\"Eve\"'), 'UTF8')), 'hex') "
            "WHERE id = " +
            first + " RETURNING id");
        QCOMPARE(altered.size(), 64);
        const auto refused = runCli(askLabel);
        QCOMPARE(refused.exitCode, 3);
        QVERIFY2(refused.err.contains(altered.toUtf8()), refused.err.constData());
        // Without the id made to match, the server itself refuses the change.
        QVERIFY(
            server
                .psql("UPDATE ledger_records SET record = replace(record, '\"kind\":\"voice\"', "
                      "'\"kind\":\"style\"') WHERE kind = 'model' RETURNING id")
                .isNull());
    }

    // Studio A publishes its recordings' fingerprints with its push; a label with an empty
    // registry finds a 5 s excerpt of one, mixed under other music, against the server's whole
    // catalogue: A's recording, A's holder and the same offsets and confidence local identify
    // gives in A. Unrelated audio finds nothing. A server that changes a claim is refused naming
    // it (exit 3); one that files a recording's landmarks under another claim attributes nothing.
    void catalogueIdentifyOnTheLedger() {
        ACCORD_REQUIRE_MATERIAL(track, kAdaTrack);
        ACCORD_REQUIRE_MATERIAL(otherTrack, kAdaOtherTrack);
        ACCORD_REQUIRE_MATERIAL(otherMusic, kOtherMusic);
        ACCORD_START_POSTGRES(server);
        const QString url = server.url();
        QTemporaryDir dir;
        const QString studioA = dir.filePath("a.sqlite");
        const auto ada = runCli({"--json", "holder", "add", "--name", "Ada"}, studioA);
        for (const QString& file : {track, otherTrack})
            QCOMPARE(
                runCli({"asset", "add", file, "--owner", ada.field("holder")}, studioA).exitCode,
                0);
        QString trackPcm;
        for (const auto& asset :
             runCli({"--json", "asset", "list"}, studioA).json().value("assets").toArray())
            if (asset.toObject().value("path").toString().endsWith("hr3-jungle.ogg"))
                trackPcm = asset.toObject().value("pcm_sha256").toString();
        QCOMPARE(trackPcm.size(), 64);

        const auto pushed = runCli({"--json", "ledger", "push", "--to", url}, studioA);
        QCOMPARE(pushed.exitCode, 0);
        const QJsonObject prints = pushed.json().value("fingerprints").toObject();
        QCOMPARE(prints.value("stored").toInt(), 2);
        QCOMPARE(server.psql("SELECT count(DISTINCT recording) FROM ledger_landmarks"),
                 QString("2"));
        const QString rows = server.psql("SELECT count(*) FROM ledger_landmarks");
        QVERIFY(rows.toInt() > 10000);
        // The server made the rows from the claims' signed landmarks (12 bytes each), and takes
        // no row inserted any other way.
        QCOMPARE(server.psql("SELECT sum(octet_length(landmarks)) / 12 FROM "
                             "ledger_fingerprint_claims"),
                 rows);
        QVERIFY(server
                    .psql("INSERT INTO ledger_landmarks SELECT 1, 4, number, 0, 0, 0 FROM "
                          "ledger_fingerprint_claims LIMIT 1")
                    .isNull());
        // Pushed again: nothing fingerprinted or sent twice.
        const QJsonObject again = runCli({"--json", "ledger", "push", "--to", url}, studioA)
                                      .json()
                                      .value("fingerprints")
                                      .toObject();
        QCOMPARE(again.value("sent").toInt(), 0);
        QCOMPARE(again.value("already_there").toInt(), 2);
        QCOMPARE(server.psql("SELECT count(*) FROM ledger_landmarks"), rows);
        // A batch resent after its commit (the claim asked for was not there yet): the claim is
        // kept once and its rows are not stored again. One landmark changed: refused before
        // anything is sent.
        {
            const auto ledger = accord::ledger::Ledger::connect(url.toStdString());
            accord::ledger::Catalogue catalogue(*ledger);
            const QString number =
                server.psql("SELECT number FROM ledger_fingerprint_claims WHERE pcm_sha256 = '" +
                            trackPcm + "'");
            accord::ledger::SignedFingerprints resent{
                {server
                     .psql("SELECT statement FROM ledger_fingerprint_claims WHERE number = " +
                           number)
                     .toStdString(),
                 server
                     .psql("SELECT signature FROM ledger_fingerprint_claims WHERE number = " +
                           number)
                     .toStdString()},
                catalogue.recording(number.toLongLong()).landmarks};
            const auto published = catalogue.publish({resent});
            QCOMPARE(published.stored, std::size_t(0));
            QCOMPARE(published.alreadyThere, std::size_t(1));
            QCOMPARE(server.psql("SELECT count(*) FROM ledger_landmarks"), rows);
            resent.landmarks.front().frame += 1;
            QVERIFY_THROWS_EXCEPTION(accord::IntegrityError, catalogue.publish({resent}));
            QCOMPARE(server.psql("SELECT count(*) FROM ledger_fingerprint_claims"), QString("2"));
        }

        // 5 s of Ada's track from 40 s, under another track at 70% of its level.
        const QString mix = mixedUnder(dir, track, "40", otherMusic);
        QVERIFY(!mix.isEmpty());

        const QString label = dir.filePath("label.sqlite"); // the label's registry: nothing in it
        const auto found = runCli({"--json", "identify", "--ledger", url, mix}, label);
        QCOMPARE(found.exitCode, 0);
        const QJsonArray matches = found.json().value("matches").toArray();
        QCOMPARE(matches.size(), 1);
        const QJsonObject match = matches.first().toObject();
        QCOMPARE(match.value("asset").toString(), trackPcm);
        QCOMPARE(match.value("owner").toString(), ada.field("public_key"));
        QCOMPARE(match.value("owner_name").toString(), QString("Ada"));
        QVERIFY(std::abs(match.value("recording_offset").toDouble() - 40) < 0.6);
        QVERIFY(match.value("file_offset").toDouble() < 0.6);
        QVERIFY(match.value("seconds").toDouble() > 4);
        QVERIFY(std::abs(match.value("speed").toDouble() - 1) < 0.02);
        // The same semantics as identify in A's own studio, against its own index.
        const auto local = runCli({"--json", "identify", mix}, studioA);
        QCOMPARE(local.json().value("matches").toArray().size(), 1);
        const QJsonObject localMatch = local.json().value("matches").toArray().first().toObject();
        for (const char* figure : {"file_offset", "recording_offset", "seconds", "speed",
                                   "pitch_semitones", "confidence"})
            QCOMPARE(match.value(figure).toDouble(), localMatch.value(figure).toDouble());

        const QString unrelated = dir.filePath("unrelated.wav");
        QVERIFY(accord::test::runTool("sox", {otherMusic, unrelated, "trim", "60", "5"}));
        const auto none = runCli({"--json", "identify", "--ledger", url, unrelated}, label);
        QCOMPARE(none.exitCode, 0);
        QCOMPARE(none.json().value("matches").toArray().size(), 0);

        // A server that files the track's landmarks under the other recording's claim: the rows
        // are not the landmarks that claim's owner signed, so nothing is attributed to it.
        QVERIFY(!server
                     .psql("UPDATE ledger_landmarks SET recording = (SELECT number FROM "
                           "ledger_fingerprint_claims WHERE pcm_sha256 <> '" +
                           trackPcm +
                           "') WHERE recording = (SELECT number FROM "
                           "ledger_fingerprint_claims WHERE pcm_sha256 = '" +
                           trackPcm + "')")
                     .isNull());
        const auto moved = runCli({"--json", "identify", "--ledger", url, mix}, label);
        QCOMPARE(moved.exitCode, 0);
        QCOMPARE(moved.json().value("matches").toArray().size(), 0);
        // The claims renamed to another owner's name, their ids recomputed: the server takes it
        // (it cannot check a signature); the reader, verifying the claim its rows now point to,
        // refuses it naming it.
        const QString rename =
            "UPDATE ledger_fingerprint_claims SET statement = replace(statement, "
            "'\"holderName\":\"Ada\"', '\"holderName\":\"Mallory\"'), id = "
            "encode(sha256(convert_to(replace(statement, '\"holderName\":\"Ada\"', "
            "'\"holderName\":\"Mallory\"'), 'UTF8')), 'hex') RETURNING id";
        const QString renamedIds = server.psql(rename);
        QCOMPARE(renamedIds.split('\n').size(), 2);
        const auto refused = runCli({"identify", "--ledger", url, mix}, label);
        QCOMPARE(refused.exitCode, 3);
        QVERIFY2(refused.err.contains("not signed by the holder key it names"),
                 refused.err.constData());
        QVERIFY2(refused.err.contains(url.toUtf8()), refused.err.constData());
        QVERIFY2(refused.err.contains(renamedIds.split('\n').at(0).toUtf8()) ||
                     refused.err.contains(renamedIds.split('\n').at(1).toUtf8()),
                 refused.err.constData());
    }

    // A recording most of whose hashes the catalogue holds past the stop-list's cap (copied under
    // 48 other claims, at frames that line up with nothing): the server's rows alone no longer
    // match a mix of it, and the second look in its verified claim's landmarks does, at the
    // recording's own offset (docs/LEDGER.md "Identify on the server"). A near match among the
    // other claims is looked at too and matches nothing.
    void catalogueSecondLookPastTheStopList() {
        ACCORD_REQUIRE_MATERIAL(track, kAdaTrack);
        ACCORD_REQUIRE_MATERIAL(otherMusic, kOtherMusic);
        ACCORD_START_POSTGRES(server);
        QTemporaryDir dir;
        // Ada's recording: 20 s of her track from 30 s. The query: its 5 s from 10 s, under
        // another track at 70% of its level.
        const QString recording = dir.filePath("recording.wav");
        QVERIFY(accord::test::runTool("sox", {track, recording, "trim", "30", "20"}));
        const QString mix = mixedUnder(dir, recording, "10", otherMusic);
        QVERIFY(!mix.isEmpty());

        namespace dsp = accord::dsp;
        const auto ledger = accord::ledger::Ledger::connect(server.url().toStdString());
        accord::ledger::Catalogue catalogue(*ledger);
        auto claimOf = [](const accord::KeyPair& key, const std::string& name, double seconds,
                          std::vector<accord::IndexedLandmark> landmarks) {
            const std::string holder = accord::toHex(key.publicKey);
            const accord::ledger::FingerprintClaimFields fields{
                holder,
                name,
                holder,
                accord::sha256Hex(name),
                seconds,
                dsp::fingerprint::kVersion,
                std::int64_t(landmarks.size()),
                accord::sha256Hex(accord::ledger::packLandmarks(landmarks)),
                std::nullopt};
            const std::string text = accord::ledger::fingerprintClaimText(fields);
            return accord::ledger::SignedFingerprints{
                {text, accord::toHex(accord::sign(key.secretKey, text))}, std::move(landmarks)};
        };
        double seconds = 0;
        const auto landmarks =
            accord::workflows::fingerprintFile(recording.toStdString(), &seconds);
        std::vector<accord::ledger::SignedFingerprints> claims{
            claimOf(accord::generateKeyPair(), "Ada", seconds, landmarks)};
        // Its hashes stopped but those of its landmarks anchored at four onsets of the query's
        // part: enough left for a near match, too few for a match. (Keeping one hash in N left
        // version 5's query either a match or no candidate: its hits agree nearly all.)
        const std::set<std::uint32_t> keptHashes =
            accord::test::hashesAtFourBusiestOnsets(landmarks, 11, 14);
        QVERIFY(!keptHashes.empty());
        std::set<std::uint32_t> stopped;
        for (const accord::IndexedLandmark& l : landmarks)
            if (!keptHashes.count(l.hash))
                stopped.insert(l.hash);
        std::mt19937 random(7);
        const accord::KeyPair other = accord::generateKeyPair();
        for (int c = 0; c < dsp::fingerprint::kMaxRowsPerHash; ++c) {
            std::vector<accord::IndexedLandmark> copies;
            for (const std::uint32_t hash : stopped)
                copies.push_back({hash, std::uint32_t(random() % 20000),
                                  std::uint16_t(4 + random() % 44), std::int16_t(random() % 6000)});
            claims.push_back(claimOf(other, "other " + std::to_string(c), 320, copies));
        }
        QCOMPARE(catalogue.publish(claims).stored, claims.size());

        // The server's stop-list (migration 5) starts empty; readers list what they find past the
        // cap (below). An entry for a hash under the cap is refused: a client cannot deny a hash
        // to every reader by listing it.
        QCOMPARE(server.psql("SELECT count(*) FROM ledger_stopped_hashes"), QString("0"));
        const std::uint32_t kept =
            std::find_if(landmarks.begin(), landmarks.end(), [&](const auto& l) {
                return !stopped.count(l.hash);
            })->hash;
        QVERIFY(server
                    .psql(QString("INSERT INTO ledger_stopped_hashes VALUES (%1, %2, 48)")
                              .arg(kept)
                              .arg(dsp::fingerprint::kVersion))
                    .isNull());
        // Nor among true ones: the check runs over every entry a statement stores (migration 6),
        // and the statement is refused whole.
        QVERIFY(server
                    .psql(QString("INSERT INTO ledger_stopped_hashes SELECT h, %1, 48 FROM "
                                  "unnest('{%2,%3,%4}'::int[]) h")
                              .arg(dsp::fingerprint::kVersion)
                              .arg(*stopped.begin())
                              .arg(kept)
                              .arg(*stopped.rbegin()))
                    .isNull());
        QCOMPARE(server.psql("SELECT count(*) FROM ledger_stopped_hashes"), QString("0"));
        // The rows the server sends for `hashes` to a client of that cap.
        auto rowsSentFor = [&](const QString& hashes, int cap) {
            const QString rows =
                server.psql("PREPARE lookup(int[], int, int) AS " +
                            QString::fromStdString(accord::ledger::catalogueLookupStatement()) +
                            QString("; EXECUTE lookup('{%1}', %2, %3)")
                                .arg(hashes)
                                .arg(dsp::fingerprint::kVersion)
                                .arg(cap));
            return rows.isNull() ? -1 : int(rows.split('\n', Qt::SkipEmptyParts).size());
        };
        // Each of `hashes`' first `rows` rows, as the server holds them.
        auto rowsHeldUpTo = [&](const QString& hashes, int rows) {
            return server
                .psql(QString("SELECT sum(least(count, %1)) FROM (SELECT count(*) FROM "
                              "ledger_landmarks WHERE hash = ANY('{%2}') GROUP BY hash) held")
                          .arg(rows)
                          .arg(hashes))
                .toInt();
        };

        // The server's rows alone: the mix is not found.
        std::vector<float> mono;
        int rate = 0, channels = 1;
        accord::audio::readAudioFileInBlocks(
            mix.toStdString(),
            [&](int r, int c) {
                rate = r;
                channels = c;
            },
            [&](const float* const* planar, int frames) {
                for (int i = 0; i < frames; ++i)
                    mono.push_back((planar[0][i] + planar[channels - 1][i]) / 2);
            });
        const auto queryLandmarks =
            dsp::fingerprintSamples(mono, rate, dsp::FingerprintSide::Query);
        auto firstLook = [&] {
            std::vector<dsp::LandmarkMatch> candidates;
            const auto matches = dsp::matchLandmarks(
                queryLandmarks,
                [&](const std::vector<std::uint32_t>& hashes, const auto& hit) {
                    catalogue.lookup(
                        hashes, dsp::fingerprint::kMaxRowsPerHash, dsp::fingerprint::kVersion,
                        [&](std::size_t i, std::int64_t number, const accord::IndexedLandmark& l) {
                            hit(i, {number, l.frame, l.span, l.pitchCents});
                        });
                },
                &candidates);
            for (const dsp::LandmarkMatch& c : candidates)
                qInfo() << "first look: recording" << c.recording << c.landmarks << "landmarks in"
                        << c.onsets << "onsets";
            return matches;
        };
        QVERIFY(firstLook().empty());
        // That lookup listed the stopped hashes it met, and the server now answers them with no
        // rows; a client whose cap is higher still gets their rows.
        const QString listed = server.psql("SELECT string_agg(hash::text, ',') FROM "
                                           "ledger_stopped_hashes");
        QVERIFY(!listed.isEmpty());
        for (const QString& hash : listed.split(','))
            QVERIFY(stopped.count(hash.toUInt()));
        QCOMPARE(rowsSentFor(listed, dsp::fingerprint::kMaxRowsPerHash), 0);
        QCOMPARE(rowsSentFor(listed, dsp::fingerprint::kMaxRowsPerHash + 1),
                 rowsHeldUpTo(listed, dsp::fingerprint::kMaxRowsPerHash + 2));

        // identify --ledger: found by the second look, where local identify finds it.
        auto identifiesAda = [&] {
            const auto found = accord::workflows::identifyFileOnLedger(*ledger, mix.toStdString());
            QCOMPARE(found.size(), std::size_t(1));
            QCOMPARE(found.front().id, accord::sha256Hex(std::string("Ada")));
            QCOMPARE(found.front().ownerName, std::string("Ada"));
            QVERIFY(std::abs(found.front().recordingOffset - 10) < 0.6);
            QVERIFY(found.front().fileOffset < 0.6);
            QVERIFY(std::abs(found.front().speed - 1) < 0.02);
        };
        identifiesAda();
        if (QTest::currentTestFailed())
            return;

        // A server that leaves its stop-list out sends the stopped hashes' rows, and the client
        // drops them: the same answers.
        QVERIFY(!server.psql("DELETE FROM ledger_stopped_hashes").isNull());
        QCOMPARE(rowsSentFor(listed, dsp::fingerprint::kMaxRowsPerHash),
                 rowsHeldUpTo(listed, dsp::fingerprint::kMaxRowsPerHash + 1));
        QVERIFY(firstLook().empty());
        identifiesAda();
        if (QTest::currentTestFailed())
            return;
        // One that lists every hash as stopped (its check dropped) can deny, not forge: nothing
        // is found.
        QVERIFY(!server
                     .psql("DROP TRIGGER stopped_hashes_hold_more_rows ON ledger_stopped_hashes; "
                           "INSERT INTO ledger_stopped_hashes SELECT DISTINCT hash, "
                           "fingerprint_version, 48 FROM ledger_landmarks ON CONFLICT DO NOTHING")
                     .isNull());
        QVERIFY(firstLook().empty());
        QVERIFY(accord::workflows::identifyFileOnLedger(*ledger, mix.toStdString()).empty());
    }

    void unreachableServer() {
        QTemporaryDir dir;
        const QString registry = dir.filePath("r.sqlite");
        QCOMPARE(runCli({"holder", "add", "--name", "Ada"}, registry).exitCode, 0);
        const QString nowhere =
            "postgresql:///postgres?host=" + dir.filePath("no-server-here") + "&user=postgres";
        for (const QStringList& command :
             {QStringList{"ledger", "push", "--to", nowhere},
              QStringList{"ledger", "pull", "--from", nowhere},
              QStringList{"ledger", "query", "--from", nowhere, "--holder", QString(64, 'a')},
              QStringList{"identify", "--ledger", nowhere, registry}}) {
            const auto result = runCli(command, registry);
            QCOMPARE(result.exitCode, 2);
            QVERIFY2(result.err.contains(nowhere.toUtf8()), result.err.constData());
        }
    }

    // A push of three batches; the server is killed while the third waits on a row this test
    // holds locked, after two committed. Pushed again after a restart, every statement is there
    // exactly once, and a push that forgot its cursor resends all with no effect.
    void serverKilledMidPush() {
        ACCORD_START_POSTGRES(server);
        const QString url = server.url();
        QTemporaryDir dir;
        const std::string path = dir.filePath("studio.sqlite").toStdString();
        const std::size_t batch = accord::workflows::kLedgerPushBatch;
        const std::size_t total = 2 * batch + batch / 2;
        std::vector<accord::SequencedStatement> statements;
        {
            auto registry = accord::Registry::open(path);
            const accord::Holder ada = registry->addHolder("Ada", "");
            registry->inOneTransaction([&] {
                for (std::size_t i = 0; i < total; ++i)
                    registry->addGrant({ada.id, accord::Scope::Export, std::nullopt, std::nullopt,
                                        accord::GrantTerms{double(i % 100), "", "", false, {}}});
            });
            statements = registry->statementsAfter(0, total + 1);
        }
        QCOMPARE(statements.size(), total);
        accord::ledger::Ledger::connect(url.toStdString()); // the schema, before the lock below

        // Hold the first statement of the third batch: its insert waits for this transaction.
        const auto& held = statements[2 * batch].statement;
        const auto heldFields = accord::readGrantStatement(held.statement, "held");
        const auto blocker = server.session();
        blocker->write(QString("BEGIN; INSERT INTO ledger_statements (holder_key, id, kind, "
                               "statement, signature, studio_key) VALUES ('%1', '%2', 'grant', "
                               "$accord$%3$accord$, '%4', '%5');\n")
                           .arg(QString::fromStdString(heldFields.holder),
                                QString::fromStdString(accord::ledger::statementId(held.statement)),
                                QString::fromStdString(held.statement),
                                QString::fromStdString(held.signature),
                                QString::fromStdString(heldFields.studio))
                           .toUtf8());
        QVERIFY(blocker->waitForBytesWritten());

        QProcess push;
        push.start(QString::fromUtf8(qgetenv("ACCORD_CLI")),
                   {"--registry", QString::fromStdString(path), "ledger", "push", "--to", url});
        // Wait until two batches are in and the third is stuck behind the held row.
        const QString stuck = "SELECT (SELECT count(*) FROM ledger_statements) || '/' || (SELECT "
                              "count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock')";
        const QString expected = QString::number(2 * batch) + "/1";
        while (server.psql(stuck) != expected)
            QVERIFY2(push.state() != QProcess::NotRunning, push.readAllStandardError().constData());
        QVERIFY(server.killServer());
        QVERIFY(push.waitForFinished(accord::test::kSafetyNetMs));
        QCOMPARE(push.exitCode(), 2);
        QVERIFY(push.readAllStandardError().contains(url.toUtf8()));
        blocker->kill();
        blocker->waitForFinished();

        const QString restarted = server.restart();
        QVERIFY2(restarted.isEmpty(), qPrintable(restarted));
        QCOMPARE(server.psql("SELECT count(*) FROM ledger_statements"), QString::number(2 * batch));
        const auto resumed =
            runCli({"--json", "ledger", "push", "--to", url}, QString::fromStdString(path));
        QCOMPARE(resumed.exitCode, 0);
        QCOMPARE(resumed.json().value("sent").toInt(), int(total - 2 * batch));
        QCOMPARE(resumed.json().value("stored").toInt(), int(total - 2 * batch));
        const QString exactlyOnce = "SELECT count(*) || '/' || count(DISTINCT id) FROM "
                                    "ledger_statements";
        QCOMPARE(server.psql(exactlyOnce), QString("%1/%1").arg(total));

        QVERIFY(QFile::remove(QString::fromStdString(path) + ".ledger.json"));
        const auto forgotten =
            runCli({"--json", "ledger", "push", "--to", url}, QString::fromStdString(path));
        QCOMPARE(forgotten.json().value("sent").toInt(), int(total));
        QCOMPARE(forgotten.json().value("stored").toInt(), 0);
        QCOMPARE(forgotten.json().value("already_there").toInt(), int(total));
        QCOMPARE(server.psql(exactlyOnce), QString("%1/%1").arg(total));
    }

    // What the server holds is not trusted: a statement changed there by hand is refused by
    // whoever reads it, naming it, and nothing is applied.
    void alteredStatementRefused() {
        ACCORD_START_POSTGRES(server);
        const QString url = server.url();
        QTemporaryDir dir;
        const QString studio = dir.filePath("s.sqlite");
        const QString ada = addHolder(studio, "Ada");
        const QString adaKey = runCli({"--json", "holder", "list"}, studio)
                                   .json()
                                   .value("holders")
                                   .toArray()
                                   .at(0)
                                   .toObject()
                                   .value("public_key")
                                   .toString();
        const QString grant = grantAllAssets(studio, ada, "export").field("grant");
        QCOMPARE(runCli({"grant", "revoke", grant, "--reason", "no"}, studio).exitCode, 0);
        QCOMPARE(runCli({"ledger", "push", "--to", url}, studio).exitCode, 0);
        QCOMPARE(runCli({"ledger", "pull", "--from", url}, studio).exitCode, 0);

        // The revocation's reason changed, and its id made to match the new text: the server
        // takes it (it cannot check a signature), the readers refuse it.
        const QString changed = server.psql(
            "UPDATE ledger_statements SET statement = replace(statement, '\"reason\":\"no\"', "
            "'\"reason\":\"by mistake\"'), id = encode(sha256(convert_to(replace(statement, "
            "'\"reason\":\"no\"', '\"reason\":\"by mistake\"'), 'UTF8')), 'hex') WHERE "
            "kind = 'revocation' RETURNING id");
        QCOMPARE(changed.size(), 64);
        for (const QStringList& command :
             {QStringList{"ledger", "pull", "--from", url},
              QStringList{"ledger", "query", "--from", url, "--holder", adaKey}}) {
            const auto refused = runCli(command, studio);
            QCOMPARE(refused.exitCode, 3);
            QVERIFY2(refused.err.contains(changed.toUtf8()), refused.err.constData());
        }

        // Text changed, id left: the server itself refuses; one whose constraints were dropped (a
        // hostile server) takes it, and the readers refuse it.
        const QString changeShare = "UPDATE ledger_statements SET statement = replace(statement, "
                                    "'\"share\":0', '\"share\":50') WHERE kind = 'grant' "
                                    "RETURNING id";
        QVERIFY(server.psql(changeShare).isNull());
        QVERIFY(!server
                     .psql("ALTER TABLE ledger_statements DROP CONSTRAINT "
                           "id_is_the_statement_hash")
                     .isNull());
        const QString grantId = server.psql(changeShare);
        QCOMPARE(grantId.size(), 64);
        const auto refused = runCli({"ledger", "query", "--from", url, "--holder", adaKey});
        QCOMPARE(refused.exitCode, 3);
        QVERIFY(refused.err.contains(grantId.toUtf8()));
        QCOMPARE(runCli({"audit", "verify"}, studio).exitCode, 0);
    }

    // The client refuses to publish what does not verify: a grant statement changed in the
    // registry file is named (exit 3) and nothing of its batch reaches the server. A ledger of a
    // newer version is refused (exit 2) before anything is sent.
    void pushRefusesWhatDoesNotVerify() {
        ACCORD_START_POSTGRES(server);
        const QString url = server.url();
        QTemporaryDir dir;
        const QString studio = dir.filePath("s.sqlite");
        const QString ada = addHolder(studio, "Ada");
        for (const char* scope : {"export", "generate"})
            QCOMPARE(grantAllAssets(studio, ada, scope).exitCode, 0);
        QCOMPARE(accord::test::runRawSql(studio, "UPDATE grant_statements SET statement = "
                                                 "replace(statement, '\"generate\"', "
                                                 "'\"train-voice\"') WHERE grant_id = 'g-2'"),
                 1);
        const auto refused = runCli({"ledger", "push", "--to", url}, studio);
        QCOMPARE(refused.exitCode, 3);
        QVERIFY2(refused.err.contains("is not signed by the holder key it names"),
                 refused.err.constData());
        QCOMPARE(server.psql("SELECT count(*) FROM ledger_statements"), QString("0"));

        QVERIFY(!server.psql("UPDATE ledger_schema SET version = 99").isNull());
        const auto newer = runCli({"ledger", "query", "--from", url, "--holder", QString(64, 'a')});
        QCOMPARE(newer.exitCode, 2);
        QVERIFY2(newer.err.contains("newer than this Accord"), newer.err.constData());
    }
};

QTEST_GUILESS_MAIN(TestLedgerCli)
#include "test_ledger_cli.moc"
