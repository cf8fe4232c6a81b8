// The accord-cli contract of docs/CLI.md, through the real binary on real recordings.

#include "test_support.h"

#include <QJsonArray>
#include <QProcess>
#include <QRegularExpression>

#include <QTemporaryDir>
#include <cmath>
#include <memory>
#include <sqlite3.h>
#include <vector>

using accord::test::addHolder;
using accord::test::grantAllAssets;
using accord::test::runCli;
using accord::test::runTool;

class CliTest : public QObject {
    Q_OBJECT

    QTemporaryDir dir;
    QString registry;
    int registries = 0;

    QString newRegistry() { return dir.filePath(QString("r%1.sqlite").arg(++registries)); }

    // Audit entries and verify result: the registry must not change on bad input.
    int auditEntries() {
        const auto r = runCli({"--json", "audit", "log"}, registry);
        return r.json().value("entries").toArray().size();
    }

    void expectBadInput(const QStringList& args, const QString& mentions) {
        const int before = auditEntries();
        const auto r = runCli(args, registry);
        QVERIFY2(r.exitCode == 2,
                 qPrintable(QString("exit %1: %2").arg(r.exitCode).arg(QString(r.err))));
        QVERIFY2(QString(r.err).contains(mentions),
                 qPrintable("stderr should mention '" + mentions + "': " + r.err));
        QCOMPARE(QString(r.err).trimmed().count('\n'), 0); // one clear line
        QCOMPARE(auditEntries(), before);
        QCOMPARE(runCli({"audit", "verify"}, registry).exitCode, 0);
    }

private slots:
    void init() { registry = newRegistry(); }

    void holderAddPrintsItsId() {
        const auto r =
            runCli({"--json", "holder", "add", "--name", "Ada", "--ipi", "00012345678"}, registry);
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(r.field("holder"), QString("h-1"));
        QVERIFY(QFile::exists(registry + ".keys/h-1.key"));
        QCOMPARE(QFile(registry + ".keys/h-1.key").permissions() &
                     (QFile::ReadGroup | QFile::ReadOther | QFile::WriteGroup | QFile::WriteOther),
                 QFile::Permissions());
        const auto list = runCli({"--json", "holder", "list"}, registry);
        QCOMPARE(list.json().value("holders").toArray().at(0).toObject().value("name").toString(),
                 QString("Ada"));
    }

    void sameRecordingIsOneAssetAlsoReEncoded() {
        ACCORD_REQUIRE_MATERIAL(wav, "alsa/Front_Center.wav");
        const QString ada = addHolder(registry, "Ada");
        auto r = runCli({"--json", "asset", "add", wav, "--owner", ada, "--isrc", "USRC17607839"},
                        registry);
        QCOMPARE(r.exitCode, 0);
        const QString id = r.field("asset");
        QCOMPARE(id, QString("a-1"));
        QCOMPARE(r.json().value("sample_rate").toInt(), 48000);
        QVERIFY(r.json().value("duration").toDouble() > 0.5);

        r = runCli({"--json", "asset", "add", wav, "--owner", ada}, registry);
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(r.field("asset"), id);

        const QString flac = dir.filePath("front.flac");
        QVERIFY(runTool("sox", {wav, flac}));
        r = runCli({"--json", "asset", "add", flac, "--owner", ada}, registry);
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(r.field("asset"), id);

        // Claiming somebody else's recording is refused.
        const QString bo = addHolder(registry, "Bo");
        expectBadInput({"asset", "add", flac, "--owner", bo}, "already registered as a-1");
    }

    void badAudioIsAClearErrorAndChangesNothing() {
        ACCORD_REQUIRE_MATERIAL(wav, "alsa/Front_Center.wav");
        const QString ada = addHolder(registry, "Ada");
        expectBadInput({"asset", "add", dir.filePath("missing.wav"), "--owner", ada},
                       "missing.wav");

        const QString text = dir.filePath("notes.wav");
        QFile f(text);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("these are not samples\n");
        f.close();
        expectBadInput({"asset", "add", text, "--owner", ada}, "notes.wav");

        QFile original(wav);
        QVERIFY(original.open(QIODevice::ReadOnly));
        const QByteArray bytes = original.readAll();
        const QString cut = dir.filePath("cut.wav");
        QFile truncated(cut);
        QVERIFY(truncated.open(QIODevice::WriteOnly));
        truncated.write(bytes.left(bytes.size() / 2));
        truncated.close();
        expectBadInput({"asset", "add", cut, "--owner", ada}, "truncated");

        expectBadInput({"asset", "add", wav, "--owner", "h-77"}, "h-77");
    }

    void grantsAddListRevoke() {
        ACCORD_REQUIRE_MATERIAL(wav, "alsa/Front_Center.wav");
        const QString ada = addHolder(registry, "Ada");
        const QString bo = addHolder(registry, "Bo");
        const QString asset =
            runCli({"--json", "asset", "add", wav, "--owner", ada}, registry).field("asset");

        auto r = runCli({"--json",     "grant",     "add",       "--holder",      ada,
                         "--asset",    asset,       "--scope",   "train-voice",   "--to",
                         bo,           "--share",   "25",        "--commercial",  "--expires",
                         "2099-01-01", "--licence", "CC-BY-4.0", "--attribution", "Voice: Ada"},
                        registry);
        QCOMPARE(r.exitCode, 0);
        const QString grant = r.field("grant");
        QCOMPARE(grant, QString("g-1"));
        r = runCli({"--json", "grant", "add", "--holder", ada, "--all-assets", "--scope", "export"},
                   registry);
        QCOMPARE(r.exitCode, 0);

        r = runCli({"--json", "grant", "list", "--asset", asset}, registry);
        QCOMPARE(r.exitCode, 0);
        const QJsonArray grants = r.json().value("grants").toArray();
        QCOMPARE(grants.size(), 2);
        const QJsonObject first = grants.at(0).toObject();
        for (const char* key : {"grant", "holder", "scope", "asset", "state"})
            QVERIFY2(first.contains(key), key);
        QCOMPARE(first.value("scope").toString(), QString("train-voice"));
        QCOMPARE(first.value("state").toString(), QString("active"));
        QCOMPARE(first.value("to").toString(), bo);
        QCOMPARE(first.value("share").toDouble(), 25.0);
        QCOMPARE(first.value("expires").toString(), QString("2099-01-01"));
        QVERIFY(grants.at(1).toObject().value("asset").isNull());

        QCOMPARE(
            runCli({"consent", "check", "--scope", "train-voice", "--asset", asset, "--as", bo},
                   registry)
                .exitCode,
            0);
        r = runCli({"grant", "revoke", grant, "--reason", "no longer"}, registry);
        QCOMPARE(r.exitCode, 0);
        r = runCli({"--json", "grant", "list", "--holder", ada}, registry);
        QCOMPARE(r.json().value("grants").toArray().at(0).toObject().value("state").toString(),
                 QString("revoked"));
        expectBadInput({"grant", "revoke", grant}, "already revoked");
        expectBadInput({"grant", "revoke", "g-404"}, "g-404");
    }

    void denialListsEveryMissingGrantWithExit4() {
        ACCORD_REQUIRE_MATERIAL(wav, "alsa/Front_Center.wav");
        const QString ada = addHolder(registry, "Ada");
        const QString asset =
            runCli({"--json", "asset", "add", wav, "--owner", ada}, registry).field("asset");
        auto r =
            runCli({"--json", "consent", "check", "--scope", "export", "--asset", asset}, registry);
        QCOMPARE(r.exitCode, 4);
        QCOMPARE(r.json().value("allowed"), QJsonValue(false));
        const QJsonArray denied = r.json().value("denied").toArray();
        QCOMPARE(denied.size(), 1);
        const QJsonObject missing = denied.at(0).toObject();
        QCOMPARE(missing.value("asset").toString(), asset);
        QCOMPARE(missing.value("owner").toString(), ada);
        QCOMPARE(missing.value("scope").toString(), QString("export"));
        QVERIFY(missing.value("why").toString().contains("no export grant"));
        QVERIFY(QString(r.err).contains("consent denied"));

        runCli({"grant", "add", "--holder", ada, "--asset", asset, "--scope", "export"}, registry);
        QCOMPARE(
            runCli({"consent", "check", "--scope", "export", "--asset", asset}, registry).exitCode,
            0);
        r = runCli({"consent", "check", "--scope", "export", "--asset", asset, "--commercial"},
                   registry);
        QCOMPARE(r.exitCode, 4);
        QVERIFY(QString(r.err).contains("commercial"));
    }

    void badValuesAreExit2() {
        ACCORD_REQUIRE_MATERIAL(wav, "alsa/Front_Center.wav");
        const QString ada = addHolder(registry, "Ada");
        const QString asset =
            runCli({"--json", "asset", "add", wav, "--owner", ada}, registry).field("asset");
        const QStringList base{"grant", "add", "--holder", ada, "--asset", asset};
        expectBadInput(base + QStringList{"--scope", "export", "--expires", "2027-02-31"},
                       "2027-02-31");
        expectBadInput(base + QStringList{"--scope", "export", "--expires", "tomorrow"},
                       "tomorrow");
        expectBadInput(base + QStringList{"--scope", "export", "--expires", "2001-01-01"}, "past");
        expectBadInput(base + QStringList{"--scope", "sing"}, "sing");
        expectBadInput(base + QStringList{"--scope", "export", "--share", "lots"}, "lots");
        expectBadInput(base + QStringList{"--scope", "export", "--share", "120"}, "120");
        expectBadInput({"grant", "add", "--holder", "h-9", "--all-assets", "--scope", "export"},
                       "h-9");
        expectBadInput({"grant", "add", "--holder", ada, "--asset", "a-9", "--scope", "export"},
                       "a-9");
        expectBadInput({"grant", "list", "--asset", "a-9"}, "a-9");
    }

    void usageMistakesAreExit1WithUsage() {
        for (const QStringList& args :
             {QStringList{"frobnicate"}, QStringList{"holder", "add", "--nme", "x"},
              QStringList{"grant", "add", "--holder", "h-1", "--scope", "export"}, QStringList{},
              QStringList{"grant", "revoke"}, QStringList{"holder", "add"}}) {
            const auto r = runCli(args, registry);
            QVERIFY2(r.exitCode == 1,
                     qPrintable(args.join(' ') + " -> " + QString::number(r.exitCode)));
            QVERIFY2(QString(r.err).contains("usage: accord-cli"), qPrintable(args.join(' ')));
            QVERIFY(r.out.isEmpty());
        }
    }

    // docs/CLI.md "Global options" and "Errors": --version, --help on every command, errors as
    // JSON with --json, and commands that only read never create a registry.
    void versionHelpAndJsonErrors() {
        const auto version = runCli({"--version"});
        QCOMPARE(version.exitCode, 0);
        QVERIFY(QString(version.out).startsWith("accord-cli "));
        // Every command the usage lists, each with a one-sentence description.
        QStringList commands;
        for (const QString& line : QString(runCli({"help"}).out).split('\n')) {
            if (!line.startsWith("  accord-cli "))
                continue;
            QStringList words;
            for (const QString& word : line.mid(13).split(' ', Qt::SkipEmptyParts)) {
                if (!word.at(0).isLower())
                    break;
                words << word;
            }
            commands << words.join(' ');
        }
        QVERIFY2(commands.size() >= 30, qPrintable(commands.join(" | ")));
        for (const QString& command : commands) {
            const auto help = runCli(command.split(' ') + QStringList{"--help"}, registry);
            QCOMPARE(help.exitCode, 0);
            const QStringList paragraphs = QString(help.out).split("\n\n");
            QVERIFY2(paragraphs.value(0).startsWith("usage: accord-cli " + command),
                     qPrintable(help.out));
            QVERIFY2(paragraphs.value(1).endsWith('.') && paragraphs.value(1).size() > 20,
                     qPrintable(command + ": " + paragraphs.value(1)));
        }
        QVERIFY(!QFile::exists(registry)); // asking for help writes nothing

        for (const QStringList& readOnly :
             {QStringList{"holder", "list"}, QStringList{"asset", "list"},
              QStringList{"grant", "list"}, QStringList{"audit", "verify"},
              QStringList{"audit", "log"}, QStringList{"trust", "list"},
              QStringList{"consent", "check", "--scope", "export", "--asset", "a-1"}}) {
            const auto r = runCli(QStringList{"--json"} + readOnly, registry);
            QCOMPARE(r.exitCode, 2);
            const QJsonObject error = r.json().value("error").toObject();
            QCOMPARE(error.value("code").toInt(), 2);
            QVERIFY(error.value("message").toString().contains("no consent registry"));
            QCOMPARE(error.value("file").toString(), registry);
            QVERIFY2(!QFile::exists(registry), qPrintable(readOnly.join(' ')));
        }
        const auto usage = runCli({"--json", "holder", "add", "--nme", "x"}, registry);
        QCOMPARE(usage.exitCode, 1);
        QCOMPARE(usage.json().value("error").toObject().value("code").toInt(), 1);
        const auto missing = runCli({"--json", "asset", "add", dir.filePath("none.wav"), "--owner",
                                     addHolder(registry, "Ada")},
                                    registry);
        QCOMPARE(missing.exitCode, 2);
        QCOMPARE(missing.json().value("error").toObject().value("file").toString(),
                 dir.filePath("none.wav"));
    }

    void aReadOnlyRegistryIsCalledReadOnly() {
        QCOMPARE(runCli({"holder", "add", "--name", "Ada"}, registry).exitCode, 0);
        const QString folder = QFileInfo(registry).absolutePath();
        QFile::setPermissions(registry, QFile::ReadOwner | QFile::ReadGroup);
        QFile::setPermissions(folder, QFile::ReadOwner | QFile::ExeOwner);
        const bool readOnly = !QFileInfo(registry).isWritable();
        const auto r = runCli({"holder", "list"}, registry);
        QFile::setPermissions(folder, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
        QFile::setPermissions(registry, QFile::ReadOwner | QFile::WriteOwner);
        if (!readOnly)
            QSKIP("running as root: permissions do not make a file read-only here");
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(QString(r.err).contains("read-only"), r.err.constData());
        QVERIFY(!QString(r.err).contains("not an SQLite database"));
    }

    void notARegistryIsExit2() {
        const QString junk = dir.filePath("junk.sqlite");
        QFile f(junk);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QByteArray(8192, 'x'));
        f.close();
        const auto r = runCli({"holder", "list"}, junk);
        QCOMPARE(r.exitCode, 2);
        QVERIFY(QString(r.err).contains("junk.sqlite"));
    }

    void registryComesFromTheEnvironmentToo() {
        QProcess process;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("ACCORD_REGISTRY", registry);
        process.setProcessEnvironment(env);
        process.start(QString::fromUtf8(qgetenv("ACCORD_CLI")), {"holder", "add", "--name", "Env"});
        QVERIFY(process.waitForFinished(accord::test::kSafetyNetMs));
        QCOMPARE(process.exitCode(), 0);
        QVERIFY(QFile::exists(registry));
    }

    void auditVerifyDetectsTamperingWithExit3() {
        ACCORD_REQUIRE_MATERIAL(wav, "alsa/Front_Center.wav");
        const QString ada = addHolder(registry, "Ada");
        runCli({"asset", "add", wav, "--owner", ada}, registry);
        grantAllAssets(registry, ada, "export");
        auto r = runCli({"--json", "audit", "verify"}, registry);
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(r.json().value("intact").toBool(), true);

        sqlite3* db = nullptr;
        QCOMPARE(sqlite3_open(registry.toUtf8().constData(), &db), SQLITE_OK);
        QCOMPARE(sqlite3_exec(db, "UPDATE grants SET commercial = 1 WHERE id = 'g-1'", nullptr,
                              nullptr, nullptr),
                 SQLITE_OK);
        sqlite3_close(db);

        r = runCli({"audit", "verify"}, registry);
        QCOMPARE(r.exitCode, 3);
        QVERIFY2(QString(r.err).contains("grants row g-1 was changed"), r.err.constData());
        r = runCli({"--json", "audit", "verify"}, registry);
        QCOMPARE(r.exitCode, 3);
        QCOMPARE(r.json().value("intact").toBool(), false);
        QVERIFY(!r.json().value("problems").toArray().isEmpty());

        r = runCli({"--json", "audit", "log", "--limit", "2"}, registry);
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(r.json().value("entries").toArray().size(), 2);
    }

    // A track's EQ bands and reverb send from `project add-track`, shown by `project show`; a
    // malformed band or a value out of range is refused naming it, and the project is unchanged.
    void projectTrackEffects() {
        addHolder(registry, "Ada"); // a registry for expectBadInput to check is left alone
        const QString project = dir.filePath("effects.accord");
        QCOMPARE(runCli({"project", "new", project}, registry).exitCode, 0);
        auto r = runCli({"--json", "project", "add-track", project, "--name", "Keys", "--eq",
                         "low_shelf:120:-3", "--eq", "peak:1000:4:2", "--send", "-9"},
                        registry);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        r = runCli({"--json", "project", "show", project}, registry);
        const QJsonObject track = r.json().value("tracks").toArray().at(0).toObject();
        QCOMPARE(track.value("reverb_send_db").toDouble(), -9.0);
        const QJsonObject eq = track.value("eq").toObject();
        QCOMPARE(eq.value("on").toBool(), true);
        const QJsonArray bands = eq.value("bands").toArray();
        QCOMPARE(bands.size(), 2);
        QCOMPARE(bands.at(0).toObject().value("type").toString(), QString("low_shelf"));
        QCOMPARE(bands.at(0).toObject().value("q").toDouble(), 0.71); // the default Q
        QCOMPARE(bands.at(1).toObject().value("frequency_hz").toDouble(), 1000.0);
        QCOMPARE(bands.at(1).toObject().value("gain_db").toDouble(), 4.0);
        QCOMPARE(bands.at(1).toObject().value("q").toDouble(), 2.0);
        QCOMPARE(r.json().value("master_gain_db").toDouble(), 0.0);
        r = runCli({"project", "show", project}, registry);
        QVERIFY2(QString(r.out).contains(QRegularExpression("EQ, reverb send -9(\\.0+)? dB")),
                 r.out.constData());

        QFile file(project);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray before = file.readAll();
        file.close();
        expectBadInput({"project", "add-track", project, "--name", "X", "--eq", "notch:100:3"},
                       "--eq: 'notch:100:3' is not TYPE:FREQUENCY_HZ:GAIN_DB[:Q]");
        expectBadInput({"project", "add-track", project, "--name", "X", "--eq", "peak:1k:3"},
                       "--eq: 'peak:1k:3'");
        expectBadInput({"project", "add-track", project, "--name", "X", "--eq", "peak:5:3"},
                       "track t-2: eq band 1: frequency_hz 5 is outside 20..20000 Hz");
        expectBadInput({"project", "add-track", project, "--name", "X", "--send", "12"},
                       "track t-2: reverb_send_db 12 is outside -96..6 dB");
        QVERIFY(file.open(QIODevice::ReadOnly));
        QCOMPARE(file.readAll(), before);
    }

    void projectCommandsEditAndShowTheProject() {
        ACCORD_REQUIRE_MATERIAL(wav, "alsa/Front_Center.wav");
        const QString ada = addHolder(registry, "Ada");
        const QString project = dir.filePath("song.accord");
        auto r = runCli({"--json", "project", "new", project, "--rate", "44100", "--tempo", "100"},
                        registry);
        QCOMPARE(r.exitCode, 0);
        expectBadInput({"project", "new", project}, "already exists");

        r = runCli({"--json", "project", "add-track", project, "--name", "Vocals", "--gain", "-3",
                    "--pan", "-0.5", "--solo"},
                   registry);
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(r.field("track"), QString("t-1"));

        const QString media = dir.filePath("take.wav");
        QVERIFY(QFile::copy(wav, media));
        expectBadInput({"project", "add-clip", project, "--track", "t-1", media}, "not registered");
        expectBadInput({"project", "add-clip", project, "--track", "t-9", media, "--owner", ada},
                       "t-9");
        expectBadInput({"project", "add-clip", project, "--track", "t-1", media, "--owner", ada,
                        "--length", "100"},
                       "past the end");
        r = runCli({"--json", "project", "add-clip", project, "--track", "t-1", media, "--at",
                    "1.5", "--offset", "0.25", "--length", "0.5", "--gain", "-6", "--owner", ada},
                   registry);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(r.field("clip"), QString("c-1"));
        QCOMPARE(r.field("asset"), QString("a-1"));
        // Known content needs no owner the second time.
        r = runCli({"--json", "project", "add-clip", project, "--track", "t-1", media, "--at", "3"},
                   registry);
        QCOMPARE(r.field("clip"), QString("c-2"));

        r = runCli({"--json", "project", "show", project}, registry);
        QCOMPARE(r.exitCode, 0);
        QJsonObject shown = r.json();
        QCOMPARE(shown.value("sample_rate").toInt(), 44100);
        QCOMPARE(shown.value("tempo").toDouble(), 100.0);
        const QJsonObject track = shown.value("tracks").toArray().at(0).toObject();
        QCOMPARE(track.value("name").toString(), QString("Vocals"));
        QCOMPARE(track.value("gain_db").toDouble(), -3.0);
        QCOMPARE(track.value("pan").toDouble(), -0.5);
        QCOMPARE(track.value("solo").toBool(), true);
        const QJsonObject clip = track.value("clips").toArray().at(0).toObject();
        QCOMPARE(clip.value("at").toDouble(), 1.5);
        QCOMPARE(clip.value("offset").toDouble(), 0.25);
        QCOMPARE(clip.value("length").toDouble(), 0.5);
        QCOMPARE(clip.value("gain_db").toDouble(), -6.0);
        QCOMPARE(clip.value("offline").toBool(), false);
        QCOMPARE(shown.value("limiter").toObject().value("on").toBool(), false);

        // The master bus: only the flags given change; values out of range change nothing.
        r = runCli({"--json", "project", "set", project, "--master-gain", "-2", "--limiter", "on",
                    "--ceiling", "-1.5", "--reverb-room", "0.7", "--reverb-return", "-6"},
                   registry);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        r = runCli({"--json", "project", "set", project, "--reverb-width", "0.4"}, registry);
        QCOMPARE(r.exitCode, 0);
        expectBadInput({"project", "set", project, "--ceiling", "2"},
                       "limiter ceiling_dbtp 2 is outside -20..0 dBTP");
        expectBadInput({"project", "set", project, "--limiter", "maybe"}, "neither on nor off");
        expectBadInput({"project", "set", project, "--reverb-room", "3"},
                       "reverb room_size 3 is outside 0..1");
        shown = runCli({"--json", "project", "show", project}, registry).json();
        QCOMPARE(shown.value("master_gain_db").toDouble(), -2.0);
        const QJsonObject limiter = shown.value("limiter").toObject();
        QCOMPARE(limiter.value("on").toBool(), true);
        QCOMPARE(limiter.value("ceiling_dbtp").toDouble(), -1.5);
        const QJsonObject reverb = shown.value("reverb").toObject();
        QCOMPARE(reverb.value("room_size").toDouble(), 0.7);
        QCOMPARE(reverb.value("return_db").toDouble(), -6.0);
        QCOMPARE(reverb.value("width").toDouble(), 0.4);
        QCOMPARE(reverb.value("damping").toDouble(), 0.5);
        r = runCli({"--json", "project", "set", project, "--limiter", "off"}, registry);
        QCOMPARE(r.json().value("limiter").toObject().value("on").toBool(), false);
        QCOMPARE(r.json().value("limiter").toObject().value("ceiling_dbtp").toDouble(), -1.5);

        // Missing media loads offline, naming the path.
        QVERIFY(QFile::rename(media, media + ".moved"));
        r = runCli({"--json", "project", "show", project}, registry);
        QCOMPARE(r.exitCode, 0);
        QVERIFY(
            r.json().value("offline").toArray().at(0).toString().contains("take.wav not found"));
        QVERIFY(QFile::rename(media + ".moved", media));

        // A broken or newer project file is a clear error, and the file is left as it was.
        QFile file(project);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray saved = file.readAll();
        file.close();
        QByteArray newer = saved;
        newer.replace("\"version\": 3", "\"version\": 9");
        QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
        file.write(newer);
        file.close();
        expectBadInput({"project", "add-track", project, "--name", "Keys"}, "newer Accord");
        QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
        file.write(saved.left(saved.size() / 2));
        file.close();
        expectBadInput({"project", "show", project}, "broken JSON");
    }

    // Several processes editing one project take turns: every edit lands.
    void concurrentEditsOfOneProjectAllLand() {
        const QString project = dir.filePath("busy.accord");
        QCOMPARE(runCli({"project", "new", project}, registry).exitCode, 0);
        constexpr int kProcesses = 4, kEdits = 10;
        std::vector<std::unique_ptr<QProcess>> writers;
        for (int p = 0; p < kProcesses; ++p) {
            auto writer = std::make_unique<QProcess>();
            QStringList script;
            for (int e = 0; e < kEdits; ++e)
                script << QString(
                              "\"$ACCORD_CLI\" project add-track \"%1\" --name w%2e%3 || exit 1")
                              .arg(project)
                              .arg(p)
                              .arg(e);
            writer->start("sh", {"-c", script.join('\n')});
            writers.push_back(std::move(writer));
        }
        for (auto& writer : writers) {
            QVERIFY(writer->waitForFinished(accord::test::kSafetyNetMs));
            QCOMPARE(writer->exitCode(), 0);
        }
        const auto shown = runCli({"--json", "project", "show", project}, registry);
        QCOMPARE(shown.json().value("tracks").toArray().size(), kProcesses * kEdits);
    }

    void renderWritesMixAndStemsAndRecordsTheirLineage() {
        ACCORD_REQUIRE_MATERIAL(words, "alsa/Front_Center.wav");
        ACCORD_REQUIRE_MATERIAL(piano, "npm/piano-velocity10/audio/C4v10.ogg");
        const QString ada = addHolder(registry, "Ada");
        const QString bo = addHolder(registry, "Bo");
        const QString project = dir.filePath("render.accord");
        QCOMPARE(runCli({"project", "new", project}, registry).exitCode, 0);
        runCli({"project", "add-track", project, "--name", "Vocals"}, registry);
        runCli({"project", "add-track", project, "--name", "Keys", "--gain", "-6", "--pan", "0.3"},
               registry);
        QCOMPARE(runCli({"project", "add-clip", project, "--track", "t-1", words, "--owner", ada},
                        registry)
                     .exitCode,
                 0);
        // By name as well as by id; a name two tracks share is refused, naming their ids.
        QCOMPARE(runCli({"project", "add-clip", project, "--track", "Keys", piano, "--owner", bo,
                         "--at", "0.5", "--length", "2"},
                        registry)
                     .exitCode,
                 0);
        const QString twin = dir.filePath("twin.accord");
        runCli({"project", "new", twin}, registry);
        runCli({"project", "add-track", twin, "--name", "Vocals"}, registry);
        runCli({"project", "add-track", twin, "--name", "Vocals"}, registry);
        const auto twice =
            runCli({"project", "add-clip", twin, "--track", "Vocals", words}, registry);
        QCOMPARE(twice.exitCode, 2);
        QVERIFY2(QString(twice.err).contains("2 tracks are named 'Vocals': give its id (t-1, t-2)"),
                 twice.err.constData());

        const QString mix = dir.filePath("mix.wav");
        const QString stems = dir.filePath("stems");
        auto r = runCli({"--json", "render", project, "--mix", mix, "--stems", stems}, registry);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonArray files = r.json().value("files").toArray();
        QCOMPARE(files.size(), 3);
        for (const auto& value : files) {
            const QJsonObject file = value.toObject();
            QVERIFY(QFile::exists(file.value("path").toString()));
            QVERIFY(file.value("lufs").toDouble() < 0);
            QVERIFY(file.value("true_peak_db").toDouble() <= 0.5);
        }
        QVERIFY(QFile::exists(stems + "/01 Vocals.wav"));
        QVERIFY(QFile::exists(stems + "/02 Keys.wav"));
        QProcess soxi;
        soxi.start("soxi", {"-r", mix});
        QVERIFY(soxi.waitForFinished(accord::test::kSafetyNetMs));
        QCOMPARE(soxi.readAllStandardOutput().trimmed(), QByteArray("48000"));

        // A range and a loudness target, as export takes them: the file holds the range, at the
        // target under its ceiling; a target with stems, or a ceiling alone, is refused.
        r = runCli({"--json", "render", project, "--mix", dir.filePath("part.wav"), "--range",
                    "0.5", "1.5", "--loudness", "-16", "--true-peak", "-2"},
                   registry);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonObject part = r.json().value("files").toArray().at(0).toObject();
        QCOMPARE(part.value("duration").toDouble(), 1.0);
        QVERIFY2(std::abs(part.value("lufs").toDouble() + 16) < 0.5,
                 qPrintable(QString::number(part.value("lufs").toDouble())));
        QVERIFY(part.value("true_peak_db").toDouble() <= -2.0);
        expectBadInput({"render", project, "--stems", stems, "--loudness", "-14"},
                       "a loudness target applies to a mix");
        expectBadInput({"render", project, "--mix", mix, "--true-peak", "-1"},
                       "give --loudness too");
        expectBadInput({"render", project, "--mix", mix, "--range", "2", "1"},
                       "must come after the start");

        // The mix is a render whose lineage holds both recordings: the gate follows it.
        const QString mixRender = files.at(0).toObject().value("render").toString();
        r = runCli({"--json", "consent", "check", "--scope", "export", "--render", mixRender},
                   registry);
        QCOMPARE(r.exitCode, 4);
        QCOMPARE(r.json().value("denied").toArray().size(), 2);
        grantAllAssets(registry, ada, "export");
        grantAllAssets(registry, bo, "export");
        QCOMPARE(runCli({"consent", "check", "--scope", "export", "--render", mixRender}, registry)
                     .exitCode,
                 0);

        // Missing media: a clear error naming it, nothing rendered.
        const QString moved = dir.filePath("moved.wav");
        const QString media = dir.filePath("media.wav");
        QVERIFY(QFile::copy(words, media));
        runCli({"project", "add-clip", project, "--track", "t-1", media, "--at", "4"}, registry);
        QVERIFY(QFile::rename(media, moved));
        r = runCli({"render", project, "--mix", dir.filePath("mix2.wav")}, registry);
        QCOMPARE(r.exitCode, 2);
        QVERIFY(QString(r.err).contains("media.wav"));
        QVERIFY(!QFile::exists(dir.filePath("mix2.wav")));
    }

    void trainAndConvertFollowConsent() {
        ACCORD_REQUIRE_MATERIAL(voice, "npm/audio-lena/lena.flac");
        ACCORD_REQUIRE_MATERIAL(words, "alsa/Front_Center.wav");
        const QString ada = addHolder(registry, "Ada");
        const QString take =
            runCli({"--json", "asset", "add", voice, "--owner", ada}, registry).field("asset");
        runCli({"asset", "add", words, "--owner", ada}, registry);
        const QString model = dir.filePath("ada.accordvoice");
        const QStringList train{"--json", "train", "voice", "--owner", ada, "--asset",
                                take,     "--out", model,   "--steps", "8"};

        auto r = runCli(train, registry);
        QCOMPARE(r.exitCode, 4);
        QCOMPARE(r.json().value("denied").toArray().at(0).toObject().value("scope").toString(),
                 QString("train-voice"));
        QVERIFY(!QFile::exists(model));

        const QString trainGrant = runCli({"--json", "grant", "add", "--holder", ada, "--asset",
                                           take, "--scope", "train-voice"},
                                          registry)
                                       .field("grant");
        r = runCli(train, registry);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(r.field("model"), QString("m-1"));
        const QJsonObject metrics = r.json().value("metrics").toObject();
        QVERIFY(metrics.contains("steps"));
        // Where the voice sings (lena: a soprano around 400 Hz) and where the time went.
        const double trainedMedian =
            metrics.value("pitchRange").toObject().value("medianHz").toDouble();
        QVERIFY2(trainedMedian > 300 && trainedMedian < 500,
                 qPrintable(QString::number(trainedMedian)));
        const QJsonObject timing = metrics.value("timing").toObject();
        QVERIFY(timing.value("cpuSeconds").toDouble() > 0);
        QVERIFY(timing.value("steppingSeconds").toDouble() > 0);
        QVERIFY(timing.value("wallSeconds").toDouble() >=
                timing.value("preparingSeconds").toDouble() +
                    timing.value("steppingSeconds").toDouble());
        // Each phase's CPU seconds add up to the thread's: what each phase cost, apart from
        // waiting for a core.
        double phasesCpu = 0;
        for (const char* phase : {"preparing", "stepping", "validating", "saving"})
            phasesCpu += timing.value(QString(phase) + "CpuSeconds").toDouble();
        QVERIFY(timing.value("steppingCpuSeconds").toDouble() > 0);
        QVERIFY2(std::abs(phasesCpu - timing.value("cpuSeconds").toDouble()) < 0.01,
                 qPrintable(QString::number(phasesCpu)));

        const QString out = dir.filePath("resung.wav");
        const QStringList convert{"--json", "convert", "--model", model, words, out};
        r = runCli(convert, registry);
        QCOMPARE(r.exitCode, 4);
        QVERIFY(!QFile::exists(out));
        grantAllAssets(registry, ada, "generate");
        r = runCli(convert, registry);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(r.field("render"), QString("r-1"));
        QVERIFY(QFile::exists(out));
        // Spoken words around 190 Hz into a soprano's model: an octave up is suggested.
        const double modelMedian =
            r.json().value("model_range").toObject().value("median_hz").toDouble();
        const double performanceMedian =
            r.json().value("performance_range").toObject().value("median_hz").toDouble();
        QCOMPARE(modelMedian, trainedMedian);
        QVERIFY2(performanceMedian > 120 && performanceMedian < 260,
                 qPrintable(QString::number(performanceMedian)));
        QCOMPARE(r.json().value("suggested_transpose").toInt(), 12);

        // The model's range shown without converting, by id or by file, with the same octave
        // offered for the same take; none asked for a take already an octave up.
        r = runCli({"--json", "model", "show", "m-1", "--against", words}, registry);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(r.json().value("pitch_range").toObject().value("median_hz").toDouble(),
                 trainedMedian);
        QCOMPARE(r.json().value("training").toArray().at(0).toObject().value("grant").toString(),
                 trainGrant);
        // The band it sings: never above where its recordings stopped, 8 kHz when they stopped
        // there or under.
        const QJsonObject band = r.json().value("band").toObject();
        const int singsUpTo = band.value("sings_up_to_hz").toInt();
        const int recordingsEdge = band.value("recordings_edge_hz").toInt();
        QVERIFY2(recordingsEdge > 0 && singsUpTo >= 8000 &&
                     (singsUpTo <= recordingsEdge || singsUpTo == 8000),
                 qPrintable(QString("%1 / %2").arg(singsUpTo).arg(recordingsEdge)));
        QJsonObject against = r.json().value("against").toObject();
        QCOMPARE(against.value("performance_range").toObject().value("median_hz").toDouble(),
                 performanceMedian);
        QCOMPARE(against.value("suggested_transpose").toInt(), 12);
        r = runCli({"convert", "--model", model, words, dir.filePath("resung-text.wav")}, registry);
        QVERIFY2(QString(r.out).contains("try --transpose 12\n") ||
                     QString(r.out).endsWith("try --transpose 12"),
                 r.out.constData());
        r = runCli({"model", "show", model, "--against", words, "--transpose", "12"}, registry);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY2(QString(r.out).contains("The model's voice sings") &&
                     QString(r.out).contains("within reach of the model's range"),
                 r.out.constData());
        r = runCli({"--json", "model", "list"}, registry);
        QCOMPARE(r.json().value("models").toArray().size(), 1);
        QCOMPARE(r.json()
                     .value("models")
                     .toArray()
                     .at(0)
                     .toObject()
                     .value("pitch_range")
                     .toObject()
                     .value("median_hz")
                     .toDouble(),
                 trainedMedian);
        QCOMPARE(runCli({"model", "show", "m-9"}, registry).exitCode, 2);
        QCOMPARE(runCli({"model", "show", "m-1", "--transpose", "12"}, registry).exitCode, 1);
        r = runCli({"model", "show", "m-1", "--against", dir.filePath("nothing.wav")}, registry);
        QCOMPARE(r.exitCode, 2);
        QVERIFY(QString(r.err).contains("nothing.wav"));

        // Revoking the consent the model was trained under stops it generating.
        QCOMPARE(runCli({"grant", "revoke", trainGrant}, registry).exitCode, 0);
        r = runCli(convert, registry);
        QCOMPARE(r.exitCode, 4);
        QVERIFY(QString(r.err).contains("source-revoked"));

        // A damaged model file is bad input naming the file.
        QFile file(model);
        QVERIFY(file.open(QIODevice::ReadWrite));
        file.seek(file.size() / 2);
        file.write("garbage");
        file.close();
        r = runCli(convert, registry);
        QCOMPARE(r.exitCode, 2);
        QVERIFY(QString(r.err).contains("ada.accordvoice"));
    }

    void demoTellsTheConsentStory() {
        ACCORD_REQUIRE_MATERIAL(wav, "alsa/Front_Center.wav");
        const QString out = dir.filePath("demo");
        const auto r = runCli({"--json", "demo", "--out", out});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonObject summary = r.json();
        QCOMPARE(summary.value("export_allowed_before_revocation").toBool(), true);
        QCOMPARE(summary.value("export_allowed_after_revocation").toBool(), false);
        QCOMPARE(summary.value("audit_intact").toBool(), true);
        QCOMPARE(runCli({"audit", "verify"}, out + "/registry.sqlite").exitCode, 0);

        // Without --json it says how to open its song.
        const QString second = dir.filePath("demo-again");
        const auto told = runCli({"demo", "--out", second});
        QVERIFY2(told.exitCode == 0, told.err.constData());
        QVERIFY2(QString(told.out).contains(
                     "Open the song in the studio:\n   accord --registry \"" + second +
                     "/registry.sqlite\" \"" + second + "/song.accord\""),
                 told.out.constData());
        QVERIFY(QFile::exists(second + "/song.accord"));
    }

    // Recordings that cannot be had (here: a material folder that cannot be created, so the
    // fetch fails) are a clear error, and nothing is written, not even the output folder.
    void demoWithoutItsRecordingsWritesNothing() {
        const QString out = dir.filePath("demo-nothing");
        QProcess process;
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.insert("ACCORD_MATERIAL_DIR", "/proc/accord-no-such-folder");
        process.setProcessEnvironment(environment);
        process.start(QString::fromUtf8(qgetenv("ACCORD_CLI")), {"demo", "--out", out});
        QVERIFY(process.waitForFinished(accord::test::kSafetyNetMs));
        QCOMPARE(process.exitCode(), 2);
        const QString err = process.readAllStandardError();
        QVERIFY2(err.contains("the demo's recording is missing and could not be fetched"),
                 qPrintable(err));
        QVERIFY(!QFileInfo::exists(out));
    }
};

QTEST_GUILESS_MAIN(CliTest)
#include "test_cli.moc"
