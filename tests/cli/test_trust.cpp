// Whom `verify` trusts, through the real accord-cli (docs/CLI.md "trust", "verify"): proofs
// re-signed by keys nobody here trusts, manifests of another shape, hostile files, and the trust
// store's commands.

#include "test_support.h"

#include <QFileInfo>
#include <QJsonArray>
#include <QTemporaryDir>
#include <QtEndian>

#include <utility>

using accord::test::addHolder;
using accord::test::readAll;
using accord::test::runCli;
using accord::test::writeAll;

namespace {

quint32 le32(const QByteArray& bytes, qsizetype at) {
    return qFromLittleEndian<quint32>(bytes.constData() + at);
}

QByteArray le32Bytes(quint32 value) {
    const quint32 little = qToLittleEndian(value);
    return QByteArray(reinterpret_cast<const char*>(&little), 4);
}

// Where the RIFF chunk `id` of a WAV starts and ends (pad byte included), or {-1, -1}.
std::pair<qsizetype, qsizetype> wavChunk(const QByteArray& wav, const QByteArray& id) {
    for (qsizetype at = 12; at + 8 <= wav.size();) {
        const quint32 size = le32(wav, at + 4);
        const qsizetype end = at + 8 + size + (size & 1);
        if (wav.mid(at, 4) == id)
            return {at, end};
        at = end;
    }
    return {-1, -1};
}

// The WAV with its RIFF size set to what it holds.
QByteArray withRiffSize(QByteArray wav) {
    wav.replace(4, 4, le32Bytes(quint32(wav.size() - 8)));
    return wav;
}

// An "acrd" chunk (the manifest chunk of files exported before C2PA) holding `payload`.
QByteArray manifestChunk(const QByteArray& payload) {
    QByteArray chunk = "acrd" + le32Bytes(quint32(payload.size())) + payload;
    if (payload.size() % 2)
        chunk += '\0';
    return chunk;
}

// The WAV as Accord wrote it before C2PA, its manifest chunk holding `payload`: the C2PA chunk
// that now carries the manifest taken out, an "acrd" chunk in its place.
QByteArray withManifestChunk(const QByteArray& wav, const QByteArray& payload) {
    const auto [begin, end] = wavChunk(wav, "C2PA");
    return withRiffSize(wav.left(begin) + manifestChunk(payload) + wav.mid(end));
}

// `levels` nested JSON lists, the way a hostile file nests them.
QByteArray nestedLists(int levels) {
    return QByteArray(levels, '[') + QByteArray(levels, ']');
}

} // namespace

// Skips a test of exported files when initTestCase could not export (no recordings).
#define REQUIRE_EXPORTS()                                                                          \
    if (mix.isEmpty())                                                                             \
        QSKIP("the recordings are missing: run scripts/fetch-material.sh");

class TrustTest : public QObject {
    Q_OBJECT

    QTemporaryDir dir;
    QString registry;
    QString ada;
    QString mix;     // exported by the studio (signed with its key)
    QString adaMix;  // exported --as Ada (signed with her key)
    QString flacMix; // exported as FLAC

    // The manifest of `from` re-signed with a fresh key by tests/cli/resign_manifest.cpp into
    // `to`; returns the new public key.
    QString resign(const QString& from, const QString& to, const QStringList& options = {}) {
        QProcess process;
        process.start(QString::fromUtf8(qgetenv("ACCORD_RESIGN_MANIFEST")),
                      QStringList{from, to} + options);
        if (!process.waitForFinished(accord::test::kSafetyNetMs) || process.exitCode() != 0) {
            qWarning() << "resign_manifest failed:" << process.readAllStandardError();
            return {};
        }
        return QString::fromUtf8(process.readAllStandardOutput()).trimmed();
    }

    QString scratch(const QString& name) const { return dir.filePath("scratch-" + name); }

    // verify FILE, as JSON and as text: exit `code` both ways, never a crash nor the parser's own
    // words. Returns the JSON run.
    accord::test::CliResult verify(const QString& file, int code,
                                   const QString& withRegistry = QString()) {
        const auto r =
            runCli({"--json", "verify", file}, withRegistry.isEmpty() ? registry : withRegistry);
        const auto text =
            runCli({"verify", file}, withRegistry.isEmpty() ? registry : withRegistry);
        for (const auto* run : {&r, &text}) {
            [&] {
                QVERIFY2(run->exitCode == code,
                         qPrintable(QString("exit %1 for %2: %3 %4")
                                        .arg(run->exitCode)
                                        .arg(file, QString(run->out), QString(run->err))));
                QVERIFY2(!(run->out + run->err).contains("json.exception"),
                         qPrintable(run->out + run->err));
            }();
        }
        return r;
    }

    static QString problemsOf(const accord::test::CliResult& r) {
        QStringList problems;
        for (const auto& problem : r.json().value("problems").toArray())
            problems << problem.toString();
        return problems.join('\n');
    }

    // A holder's key made in a registry of its own: another studio's, as a key to trust comes.
    QString keyFromAnotherStudio(const QString& name) {
        return runCli({"--json", "holder", "add", "--name", name},
                      dir.filePath("other-" + name + ".sqlite"))
            .field("public_key");
    }

private slots:
    // Ada's words and Bo's piano, exported three times with every grant given: by the studio
    // (WAV), as Ada (WAV) and as FLAC. Without the recordings the tests of exported files skip;
    // the trust commands still run.
    void initTestCase() {
        const QString words = accord::test::materialFile("alsa/Front_Center.wav");
        const QString piano = accord::test::materialFile("npm/piano-velocity10/audio/C4v10.ogg");
        if (words.isEmpty() || piano.isEmpty())
            return;
        registry = dir.filePath("studio.sqlite");
        ada = addHolder(registry, "Ada");
        const QString bo = addHolder(registry, "Bo");
        const QString project = dir.filePath("song.accord");
        for (const QStringList& command :
             {QStringList{"project", "new", project},
              QStringList{"project", "add-track", project, "--name", "Vocals"},
              QStringList{"project", "add-track", project, "--name", "Piano"},
              QStringList{"project", "add-clip", project, "--track", "t-1", words, "--owner", ada},
              QStringList{"project", "add-clip", project, "--track", "t-2", piano, "--owner", bo},
              QStringList{"grant", "add", "--holder", ada, "--all-assets", "--scope", "export"},
              QStringList{"grant", "add", "--holder", bo, "--all-assets", "--scope", "export"}})
            QVERIFY2(runCli(command, registry).exitCode == 0, qPrintable(command.join(' ')));
        auto exported = [&](const QStringList& options) {
            const auto r = runCli(QStringList{"--json", "export", project} + options, registry);
            return r.json().value("files").toArray().at(0).toString();
        };
        mix = exported({"--out", dir.filePath("studio")});
        adaMix = exported({"--out", dir.filePath("ada"), "--as", ada});
        flacMix = exported({"--out", dir.filePath("flac"), "--format", "flac"});
        for (const QString& file : {mix, adaMix, flacMix})
            QVERIFY2(QFileInfo::exists(file), qPrintable(file));
    }

    // Exports verify as signed by whom they were: the studio, or a holder on record.
    void exportsAreSignedByTrustedKeys() {
        REQUIRE_EXPORTS();
        auto r = verify(mix, 0);
        QJsonObject signer = r.json().value("signer").toObject();
        QVERIFY(signer.value("trusted").toBool());
        QVERIFY(signer.value("holder").isNull());
        QVERIFY2(signer.value("why").toString().contains("this studio's own key"),
                 qPrintable(signer.value("why").toString()));
        QCOMPARE(signer.value("publicKey").toString().size(), 64);
        QVERIFY(runCli({"verify", mix}, registry).out.contains("trust:     trusted (studio)"));

        r = verify(adaMix, 0);
        signer = r.json().value("signer").toObject();
        QVERIFY(signer.value("trusted").toBool());
        QCOMPARE(signer.value("holder").toString(), ada);
        QCOMPARE(signer.value("name").toString(), QString("Ada"));
        QVERIFY(signer.value("why").toString().contains("a rights holder on record"));
        QVERIFY(runCli({"verify", adaMix}, registry)
                    .out.contains(QString("trusted (holder %1 Ada)").arg(ada).toUtf8()));

        // Without a registry nobody is trusted: the proof holds, but says nothing of who made it.
        const QString none = dir.filePath("no-registry.sqlite");
        r = verify(mix, 3, none);
        QCOMPARE(r.field("signature"), QString("valid"));
        QCOMPARE(r.field("content"), QString("match"));
        QVERIFY(!r.json().value("signer").toObject().value("trusted").toBool());
        QVERIFY2(problemsOf(r).contains("untrusted signer: no registry here to say whom to trust"),
                 qPrintable(problemsOf(r)));
        QVERIFY(!QFileInfo::exists(none));
    }

    // The attacker's three proofs, each valid under a fresh key: unchanged, claiming the whole
    // split, over audio edited to match. None counts until the user trusts that very key.
    void aProofReSignedByAnUnknownKeyIsUntrusted() {
        REQUIRE_EXPORTS();
        const QString unchanged = scratch("unchanged.wav");
        const QString key = resign(mix, unchanged);
        QCOMPARE(key.size(), 64);

        const QString claimed = scratch("claimed.wav");
        QVERIFY(!resign(mix, claimed,
                        {"--set", R"(/split={"method":"accord-split-v1","shares":[{"holder":"h-9",)"
                                  R"("name":"Mallory","percent":100.0}]})"})
                     .isEmpty());

        // One sample changed, and the manifest's content hash with it.
        QByteArray bytes = readAll(mix);
        const auto [data, dataEnd] = wavChunk(bytes, "data");
        bytes[data + 8 + 3 * 4000] = char(bytes[data + 8 + 3 * 4000] ^ 0x10);
        const QString editedAudio = scratch("edited-audio.wav");
        QVERIFY(writeAll(editedAudio, bytes));
        const QString edited = scratch("edited.wav");
        QVERIFY(!resign(mix, edited, {"--audio", editedAudio}).isEmpty());

        for (const QString& file : {unchanged, claimed, edited}) {
            const auto r = verify(file, 3);
            QCOMPARE(r.field("signature"), QString("valid"));
            QCOMPARE(r.field("content"), QString("match"));
            const QJsonObject signer = r.json().value("signer").toObject();
            QVERIFY(!signer.value("trusted").toBool());
            QCOMPARE(signer.value("name").toString(), QString("Mallory"));
            QVERIFY(signer.value("holder").isNull());
            QVERIFY2(problemsOf(r).contains("untrusted signer: key " +
                                            signer.value("publicKey").toString()),
                     qPrintable(problemsOf(r)));
            QVERIFY(problemsOf(r).contains("accord-cli trust add"));
            QCOMPARE(r.json().value("problems").toArray().size(), 1);
            QVERIFY(runCli({"verify", file}, registry).err.contains("trust:     untrusted"));
        }
        const QString claimedSplit = QString::fromUtf8(
            QJsonDocument(verify(claimed, 3).json().value("split").toObject()).toJson());
        QVERIFY(claimedSplit.contains("Mallory"));

        // Trusting that key makes its proof count; removing it takes that back.
        QCOMPARE(runCli({"trust", "add", key, "--name", "Mallory's label"}, registry).exitCode, 0);
        auto r = verify(unchanged, 0);
        QVERIFY(r.json().value("signer").toObject().value("trusted").toBool());
        QVERIFY(r.json().value("signer").toObject().value("why").toString().contains(
            "a key you chose to trust: 'Mallory's label'"));
        QVERIFY(runCli({"verify", unchanged}, registry)
                    .out.contains("trusted (key 'Mallory's label' you trust)"));
        verify(claimed, 3); // another fresh key
        QCOMPARE(runCli({"trust", "remove", key}, registry).exitCode, 0);
        r = verify(unchanged, 3);
        QVERIFY(problemsOf(r).contains("untrusted signer"));
    }

    // A manifest that names a holder on record is signed with that holder's key or fails, even
    // when the key that signed is trusted otherwise. Holder ids are the studio's that wrote the
    // manifest: another studio's h-1 is not this one's.
    void aClaimedHolderMustHaveSigned() {
        REQUIRE_EXPORTS();
        const QString forged = scratch("forged.wav");
        const QString key = resign(adaMix, forged, {"--holder", ada, "--name", "Ada"});
        auto r = verify(forged, 3);
        QCOMPARE(r.field("signature"), QString("valid"));
        QCOMPARE(r.json().value("signer").toObject().value("holder").toString(), ada);
        QVERIFY2(problemsOf(r).contains(QString("the manifest says Ada (%1) signed it, but it is "
                                                "signed with a key that is not Ada's on record")
                                            .arg(ada)),
                 qPrintable(problemsOf(r)));
        QCOMPARE(runCli({"trust", "add", key, "--name", "Someone"}, registry).exitCode, 0);
        verify(forged, 3);
        QCOMPARE(runCli({"trust", "remove", key}, registry).exitCode, 0);

        // The same claim in another studio's manifest is that studio's holder: the key decides.
        const QString otherStudio =
            runCli({"--json", "holder", "add", "--name", "Zed"}, dir.filePath("elsewhere.sqlite"))
                .field("public_key");
        const QString theirs = scratch("theirs.wav");
        const QString theirKey =
            resign(adaMix, theirs,
                   {"--holder", ada, "--name", "Zed", "--set",
                    QString(R"(/studio={"name":"Accord","publicKey":"%1"})").arg(otherStudio)});
        r = verify(theirs, 3);
        QVERIFY(problemsOf(r).contains("untrusted signer: key " + theirKey));
        QCOMPARE(
            runCli({"trust", "add", theirKey, "--name", "Zed at Elsewhere"}, registry).exitCode, 0);
        r = verify(theirs, 0);
        QVERIFY(r.json().value("signer").toObject().value("why").toString().contains(
            "'Zed at Elsewhere'"));
        QCOMPARE(runCli({"trust", "remove", theirKey}, registry).exitCode, 0);
    }

    // A manifest whose content, lineage, grants or signer is of another JSON type is a tampered
    // proof: exit 3 with a problem naming the field, never the parser's words.
    void manifestsOfAnotherShapeAreTamperedProofs_data() {
        QTest::addColumn<QString>("field");
        QTest::addColumn<QString>("value");
        for (const char* field : {"content", "lineage", "grants", "signer"})
            for (const char* value : {"42", "[1,2]", "\"text\"", "{\"x\":1}"})
                QTest::newRow(qPrintable(QString("%1=%2").arg(field, value)))
                    << QString(field) << QString(value);
    }

    void manifestsOfAnotherShapeAreTamperedProofs() {
        REQUIRE_EXPORTS();
        QFETCH(QString, field);
        QFETCH(QString, value);
        const QString file = scratch("shape.wav");
        QVERIFY(!resign(mix, file, {"--set", "/" + field + "=" + value}).isEmpty());
        for (const QString& withRegistry : {registry, dir.filePath("no-registry.sqlite")}) {
            const auto r = verify(file, 3, withRegistry);
            const QString embedded = "the manifest embedded in " + file + ": ";
            QVERIFY2(problemsOf(r).contains(embedded + field + ": ") ||
                         problemsOf(r).contains(embedded + "\"" + field + "\" must be"),
                     qPrintable(problemsOf(r)));
        }
    }

    // Hostile files: JSON nested far too deep, two manifests, bytes after the RIFF end.
    void hostileFilesAreAnsweredPlainly() {
        REQUIRE_EXPORTS();
        // 200,000 and 2,000,000 levels, in the sidecar and embedded, bare and inside a manifest.
        const QByteArray original = readAll(mix);
        for (const int levels : {200000, 2000000}) {
            for (const QByteArray& deep :
                 {nestedLists(levels),
                  R"({"format":"accord-manifest","x":)" + nestedLists(levels) + "}"}) {
                const QString sidecar = scratch("deep-sidecar.wav");
                QVERIFY(writeAll(sidecar, original));
                QVERIFY(writeAll(sidecar + ".accord.json", deep));
                auto r = verify(sidecar, 3);
                QVERIFY2(problemsOf(r).contains("the sidecar " + sidecar +
                                                ".accord.json: nested deeper than 64 levels"),
                         qPrintable(problemsOf(r)));
                const QString embedded = scratch("deep-embedded.wav");
                QVERIFY(writeAll(embedded, withManifestChunk(original, deep)));
                r = verify(embedded, 3);
                QVERIFY2(problemsOf(r).contains("the manifest embedded in " + embedded +
                                                ": nested deeper than 64 levels"),
                         qPrintable(problemsOf(r)));
            }
        }

        // Two manifests in one WAV: an old-style manifest chunk beside the Content Credentials.
        const auto [begin, end] = wavChunk(original, "C2PA");
        QVERIFY(begin > 0);
        const QString twice = scratch("twice.wav");
        QVERIFY(
            writeAll(twice, withRiffSize(original + manifestChunk(readAll(mix + ".accord.json")))));
        auto r = verify(twice, 3);
        QVERIFY2(problemsOf(r).contains("two manifests in one file"), qPrintable(problemsOf(r)));
        QCOMPARE(r.field("signature"), QString("absent"));

        // Two in one FLAC: an old-style manifest block (APPLICATION "acrd") beside the Content
        // Credentials of the ID3 tag in front of the stream, inserted before its first block.
        const QByteArray flac = readAll(flacMix);
        const qsizetype at = flac.indexOf("fLaC") + 4;
        QVERIFY(at > 4);
        const QByteArray manifest = readAll(flacMix + ".accord.json");
        const quint32 length = quint32(manifest.size() + 4);
        QByteArray block = QByteArray(1, char(0x02)) + char(length >> 16) + char(length >> 8) +
                           char(length) + "acrd" + manifest;
        const QString twiceFlac = scratch("twice.flac");
        QVERIFY(writeAll(twiceFlac, flac.left(at) + block + flac.mid(at)));
        QVERIFY(accord::test::runTool("sox", {twiceFlac, "-n", "stat"}));
        r = verify(twiceFlac, 3);
        QVERIFY2(problemsOf(r).contains("two manifests in one file"), qPrintable(problemsOf(r)));

        // Bytes after the RIFF end are no part of the WAV: audio and manifest are intact.
        for (const QByteArray& trailing : {QByteArray("JUNKJUNK"), QByteArray(8, '\xff')}) {
            const QString padded = scratch("trailing.wav");
            QVERIFY(writeAll(padded, original + trailing));
            r = verify(padded, 0);
            QCOMPARE(r.field("signature"), QString("valid"));
            QCOMPARE(r.field("content"), QString("match"));
        }
    }

    void trustCommandsKeepEveryChange() {
        const QString store = dir.filePath("commands.sqlite"); // a registry of its own
        const QString adaKey =
            runCli({"--json", "holder", "add", "--name", "Ada"}, store).field("public_key");
        const QString key = keyFromAnotherStudio("Zed");
        QCOMPARE(key.size(), 64);

        auto r = runCli({"--json", "trust", "add", key.toUpper(), "--name", "Zed at Other"}, store);
        QVERIFY2(r.exitCode == 0, r.out.constData());
        QCOMPARE(r.field("public_key"), key);
        QCOMPARE(r.field("name"), QString("Zed at Other"));
        QVERIFY(r.json().value("removed").isNull());
        QVERIFY(!r.field("added").isEmpty());

        // Refused, each naming what is wrong; nothing changes.
        const std::pair<QStringList, QString> refusals[] = {
            {{"trust", "add", key, "--name", "Again"}, "trusted already, as 'Zed at Other'"},
            {{"trust", "add", adaKey, "--name", "Ada"}, "a rights holder on record"},
            {{"trust", "add", "h-1", "--name", "Ada"}, "64 hexadecimal digits"},
            {{"trust", "add", QString(64, 'f'), "--name", "F"}, "not an Ed25519 public key"},
            {{"trust", "add", keyFromAnotherStudio("Cy"), "--name", ""}, "must not be empty"},
            {{"trust", "remove", adaKey}, "not in the trust store"}};
        for (const auto& [command, message] : refusals) {
            r = runCli(QStringList{"--json"} + command, store);
            QVERIFY2(r.exitCode == 2, qPrintable(command.join(' ') + ": " + r.out));
            QVERIFY2(
                r.json().value("error").toObject().value("message").toString().contains(message),
                qPrintable(command.join(' ') + ": " + r.out));
        }
        QCOMPARE(runCli({"trust", "add", key}, store).exitCode, 1); // no --name
        QCOMPARE(runCli({"trust", "remove"}, store).exitCode, 1);

        r = runCli({"--json", "trust", "remove", key}, store);
        QCOMPARE(r.exitCode, 0);
        QVERIFY(!r.field("removed").isEmpty());
        QCOMPARE(runCli({"trust", "remove", key}, store).exitCode, 2);
        QCOMPARE(runCli({"trust", "add", key, "--name", "Zed, again"}, store).exitCode, 0);

        // Listed in order, the removed entry kept with its time.
        const QJsonArray listed =
            runCli({"--json", "trust", "list"}, store).json().value("trusted_keys").toArray();
        QCOMPARE(listed.size(), 2);
        QCOMPARE(listed.at(0).toObject().value("name").toString(), QString("Zed at Other"));
        QVERIFY(!listed.at(0).toObject().value("removed").isNull());
        QCOMPARE(listed.at(1).toObject().value("name").toString(), QString("Zed, again"));
        QVERIFY(listed.at(1).toObject().value("removed").isNull());
        const QByteArray text = runCli({"trust", "list"}, store).out;
        QVERIFY2(text.contains("removed ") && text.contains("trusted since "), text.constData());

        // Every change is in the audit log, and replaying it rebuilds the store.
        QStringList ops;
        for (const auto& entry :
             runCli({"--json", "audit", "log"}, store).json().value("entries").toArray())
            if (entry.toObject().value("table").toString() == "trusted_keys")
                ops << entry.toObject().value("op").toString();
        QCOMPARE(ops, (QStringList{"trust.add", "trust.remove", "trust.add"}));
        QCOMPARE(runCli({"audit", "verify"}, store).exitCode, 0);
    }
};

QTEST_GUILESS_MAIN(TrustTest)
#include "test_trust.moc"
