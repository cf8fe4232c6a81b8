// Content Credentials checked by the reference implementation, not only by Accord (docs/C2PA.md):
// exports read with c2pa-rs compiled to WebAssembly (npm @contentauth/c2pa-wasm, pinned, installed
// into the build folder by this test). The manifest is found, its claim signature verifies, the
// data hash matches, the actions and digital source types are those Accord wrote, and the only
// failure is the signing credential being untrusted (a studio's own CA is on no trust list) —
// trusted once that CA is given as an anchor. One changed sample: the reader reports the data
// hash mismatch and `verify` the sound changed; an added tag chunk: the hard binding broken while
// Accord's sound binding holds.

#include "test_support.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

using accord::test::addHolder;
using accord::test::grantAllAssets;
using accord::test::readAll;
using accord::test::runCli;
using accord::test::writeAll;

namespace {

constexpr const char* kReaderPackage = "@contentauth/c2pa-wasm@0.15.0";

quint32 le32(const QByteArray& b, qsizetype at) {
    return quint8(b[at]) | quint8(b[at + 1]) << 8 | quint8(b[at + 2]) << 16 |
           quint32(quint8(b[at + 3])) << 24;
}

// Where the "data" chunk's samples start in a WAV.
qsizetype dataOffset(const QByteArray& wav) {
    for (qsizetype at = 12; at + 8 <= wav.size();) {
        const quint32 size = le32(wav, at + 4);
        if (wav.mid(at, 4) == "data")
            return at + 8;
        at += 8 + size + (size & 1);
    }
    return -1;
}

} // namespace

class TestC2pa : public QObject {
    Q_OBJECT

    QTemporaryDir dir;
    QString readerDir, registry, mix, stem, flacMix, mp3Mix;

    // The reader's report on `file`: {validation_state, codes, manifest} or {error}.
    QJsonObject read(const QString& file, const QString& settings = {}) {
        const QString mime = file.endsWith(".flac")  ? "audio/flac"
                             : file.endsWith(".mp3") ? "audio/mpeg"
                                                     : "audio/wav";
        QProcess node;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("ACCORD_C2PA_READER_DIR", readerDir);
        node.setProcessEnvironment(env);
        QStringList arguments{qEnvironmentVariable("ACCORD_C2PA_READ_SCRIPT"), file, mime};
        if (!settings.isEmpty())
            arguments << settings;
        node.start("node", arguments);
        node.waitForFinished(accord::test::kSafetyNetMs);
        const QByteArray out = node.readAllStandardOutput();
        if (out.isEmpty())
            qWarning() << "read_c2pa.mjs:" << node.readAllStandardError();
        return QJsonDocument::fromJson(out).object();
    }

    static QStringList codes(const QJsonObject& report, const QString& kind) {
        QStringList found;
        for (const auto& code : report.value("codes").toArray())
            if (code.toString().startsWith(kind + ":"))
                found << code.toString().mid(kind.size() + 1);
        return found;
    }

    static QStringList sourceTypes(const QJsonObject& report) {
        QStringList types;
        for (const auto& a : report.value("manifest").toObject().value("assertions").toArray())
            if (a.toObject().value("label") == "c2pa.actions.v2")
                for (const auto& action :
                     a.toObject().value("data").toObject().value("actions").toArray())
                    types << action.toObject().value("action").toString() + " " +
                                 action.toObject()
                                     .value("digitalSourceType")
                                     .toString()
                                     .section('/', -1);
        return types;
    }

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(dir.isValid());
        readerDir = qEnvironmentVariable("ACCORD_C2PA_READER_DIR");
        QVERIFY(!readerDir.isEmpty());
        if (!QFile::exists(readerDir + "/node_modules/@contentauth/c2pa-wasm/package.json")) {
            QDir().mkpath(readerDir);
            QProcess npm;
            npm.start("npm", {"install", "--prefix", readerDir, "--no-audit", "--no-fund",
                              "--loglevel=error", kReaderPackage});
            const bool installed = npm.waitForFinished(accord::test::kSafetyNetMs) &&
                                   npm.exitStatus() == QProcess::NormalExit && npm.exitCode() == 0;
            if (!installed)
                QSKIP(qPrintable(
                    "cannot install the C2PA reference reader (" + QString(kReaderPackage) +
                    ") with npm: " + QString::fromUtf8(npm.readAllStandardError()).left(300)));
        }

        const QString boTake = accord::test::materialFile("fillets-cs/airplane/cs/let-m-oko.ogg");
        const QString talk = accord::test::materialFile("alsa/Front_Center.wav");
        registry = dir.filePath("registry.sqlite");
        const QString ada = addHolder(registry, "Ada");
        const QString bo = addHolder(registry, "Bo");
        const QStringList takes = accord::test::addTrainingVoices(registry, ada);
        if (takes.isEmpty() || boTake.isEmpty() || talk.isEmpty())
            QSKIP("recordings missing: run scripts/fetch-material.sh");
        QCOMPARE(runCli({"asset", "add", talk, "--owner", ada}, registry).exitCode, 0);
        QCOMPARE(runCli({"asset", "add", boTake, "--owner", bo}, registry).exitCode, 0);
        for (const char* scope : {"train-voice", "generate", "export"})
            QCOMPARE(grantAllAssets(registry, ada, scope, {"--share", "30"}).exitCode, 0);
        QCOMPARE(grantAllAssets(registry, bo, "export").exitCode, 0);
        const QString model = dir.filePath("ada.accordvoice");
        QVERIFY(accord::test::trainSmallVoiceModel(registry, ada, takes, model));
        const QString sung = dir.filePath("sung.wav");
        QCOMPARE(runCli({"convert", "--model", model, boTake, sung, "--as", bo}, registry).exitCode,
                 0);
        const QString project = dir.filePath("song.accord");
        QCOMPARE(runCli({"project", "new", project}, registry).exitCode, 0);
        QCOMPARE(runCli({"project", "add-track", project, "--name", "Vox"}, registry).exitCode, 0);
        QCOMPARE(runCli({"project", "add-track", project, "--name", "Talk"}, registry).exitCode, 0);
        QCOMPARE(
            runCli({"project", "add-clip", project, "--track", "t-1", sung}, registry).exitCode, 0);
        QCOMPARE(
            runCli({"project", "add-clip", project, "--track", "t-2", talk}, registry).exitCode, 0);
        QCOMPARE(runCli({"export", project, "--out", dir.filePath("out"), "--stems", "--as", bo},
                        registry)
                     .exitCode,
                 0);
        QCOMPARE(runCli({"export", project, "--out", dir.filePath("flac"), "--format", "flac",
                         "--as", bo},
                        registry)
                     .exitCode,
                 0);
        QCOMPARE(
            runCli({"export", project, "--out", dir.filePath("mp3"), "--format", "mp3", "--as", bo},
                   registry)
                .exitCode,
            0);
        flacMix = dir.filePath("flac/song.flac");
        mp3Mix = dir.filePath("mp3/song.mp3");
        mix = dir.filePath("out/song.wav");
        stem = dir.filePath("out/stems/02 Talk.wav");
        if (!QFile::exists(stem))
            stem =
                QDir(dir.filePath("out/stems")).entryInfoList({"*Talk*.wav"}).value(0).filePath();
        QVERIFY2(QFile::exists(stem), qPrintable(stem));
    }

    // The reference reader finds the manifest, verifies its claim signature and data hash, and
    // reads the actions Accord wrote; only the studio's own CA is untrusted.
    void theReferenceReaderValidatesAnExport() {
        const QJsonObject report = read(mix);
        QVERIFY2(!report.contains("error"), qPrintable(report.value("error").toString()));
        QCOMPARE(report.value("validation_state").toString(), QString("Valid"));
        QVERIFY(codes(report, "success").contains("claimSignature.validated"));
        QVERIFY(codes(report, "success").contains("assertion.dataHash.match"));
        QCOMPARE(codes(report, "failure"), QStringList{"signingCredential.untrusted"});
        const QJsonObject manifest = report.value("manifest").toObject();
        QCOMPARE(manifest.value("signature_info").toObject().value("common_name").toString(),
                 QString("Bo"));
        QCOMPARE(manifest.value("signature_info").toObject().value("alg").toString(),
                 QString("Ed25519"));
        const QStringList types = sourceTypes(report);
        QVERIFY2(types.value(0) == "c2pa.created compositeWithTrainedAlgorithmicMedia" &&
                     types.contains("c2pa.placed trainedAlgorithmicMedia") &&
                     types.contains("c2pa.placed digitalCapture"),
                 qPrintable(types.join(", ")));
        // As Accord's own verify read them.
        const auto verified = runCli({"--json", "verify", mix}, registry);
        QCOMPARE(verified.exitCode, 0);
        const QJsonObject c2pa = verified.json().value("c2pa").toObject();
        QCOMPARE(c2pa.value("state").toString(), QString("valid"));
        QCOMPARE(c2pa.value("actions").toArray().size(), types.size());
        bool carriesAccordsManifest = false;
        for (const auto& a : manifest.value("assertions").toArray())
            carriesAccordsManifest |= a.toObject().value("label") == "io.accord.manifest";
        QVERIFY(carriesAccordsManifest);

        // The stem of the spoken track: one recorded part.
        QCOMPARE(sourceTypes(read(stem)).value(0), QString("c2pa.created digitalCapture"));
    }

    // FLAC: the store in an ID3 tag in front of the stream, where the reference reader looks.
    void aFlacExportIsValidatedToo() {
        const QJsonObject report = read(flacMix);
        QVERIFY2(!report.contains("error"), qPrintable(report.value("error").toString()));
        QCOMPARE(report.value("validation_state").toString(), QString("Valid"));
        QVERIFY(codes(report, "success").contains("assertion.dataHash.match"));
        QCOMPARE(codes(report, "failure"), QStringList{"signingCredential.untrusted"});
        QVERIFY(accord::test::runTool("sox", {flacMix, "-n", "stat"}));
        const auto verified = runCli({"--json", "verify", flacMix}, registry);
        QCOMPARE(verified.exitCode, 0);
        QCOMPARE(verified.json().value("c2pa").toObject().value("state").toString(),
                 QString("valid"));
    }

    // MP3: the store in an ID3v2 GEOB frame (application/c2pa) in front of the frames.
    void anMp3ExportIsValidatedToo() {
        const QJsonObject report = read(mp3Mix);
        QVERIFY2(!report.contains("error"), qPrintable(report.value("error").toString()));
        QCOMPARE(report.value("validation_state").toString(), QString("Valid"));
        QVERIFY(codes(report, "success").contains("assertion.dataHash.match"));
        QCOMPARE(codes(report, "failure"), QStringList{"signingCredential.untrusted"});
        QVERIFY(accord::test::runTool("sox", {mp3Mix, "-n", "stat"}));
        const auto verified = runCli({"--json", "verify", mp3Mix}, registry);
        QCOMPARE(verified.exitCode, 0);
        QCOMPARE(verified.json().value("c2pa").toObject().value("state").toString(),
                 QString("valid"));
    }

    // Given the studio's CA as a trust anchor, the reader trusts the signer.
    void theStudiosAuthorityCanBeTrusted() {
        const QByteArray der = readAll(registry + ".keys/ca.der");
        QVERIFY(!der.isEmpty());
        QByteArray pem = "-----BEGIN CERTIFICATE-----\n";
        const QByteArray base64 = der.toBase64();
        for (qsizetype at = 0; at < base64.size(); at += 64)
            pem += base64.mid(at, 64) + "\n";
        pem += "-----END CERTIFICATE-----\n";
        const QJsonObject settings{
            {"trust", QJsonObject{{"trust_anchors", QString::fromLatin1(pem)}}},
            {"verify", QJsonObject{{"remote_manifest_fetch", false}, {"ocsp_fetch", false}}}};
        const QJsonObject report =
            read(mix, QString::fromUtf8(QJsonDocument(settings).toJson(QJsonDocument::Compact)));
        QCOMPARE(report.value("validation_state").toString(), QString("Trusted"));
        QVERIFY(codes(report, "failure").isEmpty());
    }

    // One sample changed: both readers say so. A tag chunk added: C2PA's hard binding breaks,
    // Accord's binding to the sound holds.
    void changesAreReportedByBoth() {
        QByteArray bytes = readAll(mix);
        const qsizetype data = dataOffset(bytes);
        QVERIFY(data > 0);
        bytes[data + 3000] = char(bytes[data + 3000] ^ 0x01);
        const QString sample = dir.filePath("one-sample.wav");
        QVERIFY(writeAll(sample, bytes));
        QVERIFY(codes(read(sample), "failure").contains("assertion.dataHash.mismatch"));
        const auto changed = runCli({"--json", "verify", sample}, registry);
        QCOMPARE(changed.exitCode, 3);
        QCOMPARE(changed.field("content"), QString("mismatch"));
        QCOMPARE(changed.json().value("c2pa").toObject().value("hardBinding").toString(),
                 QString("mismatch"));

        QByteArray tagged =
            readAll(mix) + QByteArray("LIST\x0c\x00\x00\x00INFOINAM\x00\x00\x00\x00", 20);
        tagged.replace(4, 4,
                       QByteArray::fromRawData(reinterpret_cast<const char*>(std::array<quint8, 4>{
                                                   quint8((tagged.size() - 8) & 0xff),
                                                   quint8(((tagged.size() - 8) >> 8) & 0xff),
                                                   quint8(((tagged.size() - 8) >> 16) & 0xff),
                                                   quint8(((tagged.size() - 8) >> 24) & 0xff)}
                                                                                 .data()),
                                               4));
        const QString tags = dir.filePath("tagged.wav");
        QVERIFY(writeAll(tags, tagged));
        QVERIFY(codes(read(tags), "failure").contains("assertion.dataHash.mismatch"));
        const auto retagged = runCli({"--json", "verify", tags}, registry);
        QCOMPARE(retagged.exitCode, 0);
        QCOMPARE(retagged.field("content"), QString("match"));
        QCOMPARE(retagged.json().value("c2pa").toObject().value("state").toString(),
                 QString("hard binding broken"));
        QVERIFY(QJsonDocument(retagged.json().value("notes").toArray())
                    .toJson()
                    .contains("the sound is what was signed"));
    }
};

QTEST_GUILESS_MAIN(TestC2pa)
#include "test_c2pa.moc"
