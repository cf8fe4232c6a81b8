// Export with proof through the real accord-cli (docs/CONSENT.md "Export"): the consent gate,
// signed manifests embedded in WAV and FLAC, tamper detection by `verify`, split sheets,
// revocation, and generated audio that cannot be laundered into a recording.

#include "test_support.h"

#include <QDir>
#include <QJsonArray>
#include <QRegularExpression>
#include <QTemporaryDir>

#include <ebur128.h>

#include <cmath>
#include <utility>

using accord::test::addHolder;
using accord::test::grantAllAssets;
using accord::test::readAll;
using accord::test::runCli;
using accord::test::runTool;
using accord::test::writeAll;

class ExportTest : public QObject {
    Q_OBJECT

    QTemporaryDir dir;
    QString registry;
    int registries = 0;
    QString ada, bo;
    QString project;

    // Ada's spoken words on track 1, Bo's piano on track 2, in a fresh registry and project.
    bool makeProject(const QString& words, const QString& piano) {
        registry = dir.filePath(QString("x%1.sqlite").arg(++registries));
        ada = addHolder(registry, "Ada");
        bo = addHolder(registry, "Bo");
        project = dir.filePath(QString("song%1.accord").arg(registries));
        return runCli({"project", "new", project}, registry).exitCode == 0 &&
               runCli({"project", "add-track", project, "--name", "Vocals"}, registry).exitCode ==
                   0 &&
               runCli({"project", "add-track", project, "--name", "Piano"}, registry).exitCode ==
                   0 &&
               runCli({"project", "add-clip", project, "--track", "t-1", words, "--owner", ada},
                      registry)
                       .exitCode == 0 &&
               runCli({"project", "add-clip", project, "--track", "t-2", piano, "--owner", bo},
                      registry)
                       .exitCode == 0;
    }

    // makeProject, with both owners allowing every export of their recordings.
    bool makeExportableProject(const QString& words, const QString& piano) {
        if (!makeProject(words, piano))
            return false;
        for (const QString& owner : {ada, bo})
            if (grantAllAssets(registry, owner, "export").exitCode != 0)
                return false;
        return true;
    }

    // Integrated loudness (LUFS) and true peak (dBTP) of a file by libebur128 on what sox
    // decodes: apart from the product's own meter (audio/src/loudness.cpp).
    static std::pair<double, double> measureLoudness(const QString& file) {
        const QByteArray raw =
            accord::test::runToolOutput("sox", {file, "-t", "f32", "-e", "floating-point", "-"});
        const int rate =
            QString(accord::test::runToolOutput("soxi", {"-r", file})).trimmed().toInt();
        ebur128_state* state =
            ebur128_init(2, unsigned(rate), EBUR128_MODE_I | EBUR128_MODE_TRUE_PEAK);
        ebur128_add_frames_float(state, reinterpret_cast<const float*>(raw.constData()),
                                 std::size_t(raw.size()) / (2 * sizeof(float)));
        double lufs = 0, left = 0, right = 0;
        ebur128_loudness_global(state, &lufs);
        ebur128_true_peak(state, 0, &left);
        ebur128_true_peak(state, 1, &right);
        ebur128_destroy(&state);
        return {lufs, 20 * std::log10(std::max(left, right))};
    }

    static int basisPointsOf(const QJsonObject& split) {
        int total = 0;
        for (const auto& share : split.value("shares").toArray())
            total += qRound(share.toObject().value("percent").toDouble() * 100);
        return total;
    }

    // verify FILE must fail with exit 3 and name `mentions` among its problems.
    void expectTampered(const QString& file, const QString& mentions) {
        const auto r = runCli({"--json", "verify", file}, registry);
        QVERIFY2(
            r.exitCode == 3,
            qPrintable(QString("exit %1 for %2: %3").arg(r.exitCode).arg(file, QString(r.out))));
        const QString problems =
            QString::fromUtf8(QJsonDocument(r.json().value("problems").toArray()).toJson());
        QVERIFY2(problems.contains(mentions), qPrintable(file + ": " + problems));
    }

private slots:
    // A project opened with another registry must not borrow that registry's owners: its clips
    // are resolved by content there, and a clip nobody there owns by content is refused by name
    // (docs/PROJECT.md "Content, not ids").
    void aProjectFromAnotherRegistryNeverBorrowsItsOwners() {
        ACCORD_REQUIRE_MATERIAL(words, "alsa/Front_Center.wav");
        ACCORD_REQUIRE_MATERIAL(piano, "npm/piano-velocity10/audio/C4v10.ogg");
        ACCORD_REQUIRE_MATERIAL(other, "alsa/Noise.wav");
        QVERIFY(makeProject(words, piano));
        const QString made = registry;
        // Another studio: Zed's own recording is a-1 there, with every grant given.
        registry = dir.filePath(QString("x%1.sqlite").arg(++registries));
        const QString zed = addHolder(registry, "Zed");
        QCOMPARE(runCli({"asset", "add", other, "--owner", zed}, registry).exitCode, 0);
        QCOMPARE(grantAllAssets(registry, zed, "export").exitCode, 0);
        for (const QStringList& command :
             {QStringList{"export", project, "--out", dir.filePath("borrowed")},
              QStringList{"render", project, "--mix", dir.filePath("borrowed.wav")}}) {
            const auto r = runCli(QStringList{"--json"} + command, registry);
            QVERIFY2(r.exitCode == 2, qPrintable(command.join(' ') + ": " + r.out));
            const QString message = r.json().value("error").toObject().value("message").toString();
            QVERIFY2(message.contains("clip c-1 on track 'Vocals'") &&
                         message.contains("made with another registry"),
                     qPrintable(message));
        }
        QVERIFY(!QFileInfo::exists(dir.filePath("borrowed")));
        QVERIFY(!QFileInfo::exists(dir.filePath("borrowed.wav")));

        // The same recordings registered there by their owners: resolved by content, and the
        // split names them, not whoever holds a-1 and a-2 there.
        const QString ada2 = addHolder(registry, "Ada");
        const QString bo2 = addHolder(registry, "Bo");
        QCOMPARE(runCli({"asset", "add", words, "--owner", ada2}, registry).exitCode, 0);
        QCOMPARE(runCli({"asset", "add", piano, "--owner", bo2}, registry).exitCode, 0);
        for (const QString& holder : {ada2, bo2})
            grantAllAssets(registry, holder, "export");
        const auto r =
            runCli({"--json", "export", project, "--out", dir.filePath("resolved")}, registry);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QStringList credited;
        for (const auto& share : r.json().value("split").toObject().value("shares").toArray())
            credited << share.toObject().value("holder").toString();
        credited.sort();
        QCOMPARE(credited, (QStringList{ada2, bo2}));
        QVERIFY(!credited.contains(zed));
        registry = made;
    }

    // Editing a project file cannot redirect credit: a clip's id is only a hint, its file's
    // content decides, and a file that changed under a clip is refused.
    void aHandEditedProjectIsJudgedByWhatItPlays() {
        ACCORD_REQUIRE_MATERIAL(words, "alsa/Front_Center.wav");
        ACCORD_REQUIRE_MATERIAL(piano, "npm/piano-velocity10/audio/C4v10.ogg");
        ACCORD_REQUIRE_MATERIAL(noise, "alsa/Noise.wav");
        QVERIFY(makeProject(words, piano));
        // Bo allows export; Ada's export grant is revoked.
        grantAllAssets(registry, bo, "export");
        const QString adaGrant = grantAllAssets(registry, ada, "export").field("grant");
        QCOMPARE(runCli({"grant", "revoke", adaGrant}, registry).exitCode, 0);
        const QByteArray original = readAll(project);

        // Bo's piano clip pointed at Ada's words, the pcm hash left: the file changed under it.
        QByteArray edited = original;
        edited.replace(QFileInfo(piano).fileName().toUtf8(), QFileInfo(words).fileName().toUtf8());
        edited.replace(QFileInfo(piano).absolutePath().toUtf8(),
                       QFileInfo(words).absolutePath().toUtf8());
        QVERIFY(writeAll(project, edited));
        auto r = runCli({"--json", "export", project, "--out", dir.filePath("edited")}, registry);
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.json().value("error").toObject().value("message").toString().contains(
            "no longer holds the recording placed there"));

        // The hash edited too: the clip plays Ada's words, so Ada is asked (and refuses).
        const QJsonArray tracks =
            QJsonDocument::fromJson(original).object().value("tracks").toArray();
        const auto firstClipPcm = [&](int track) {
            return tracks.at(track)
                .toObject()
                .value("clips")
                .toArray()
                .at(0)
                .toObject()
                .value("pcm_sha256")
                .toString();
        };
        const QString adaPcm = firstClipPcm(0), boPcm = firstClipPcm(1);
        QVERIFY(!adaPcm.isEmpty() && !boPcm.isEmpty());
        edited.replace(boPcm.toUtf8(), adaPcm.toUtf8());
        QVERIFY(writeAll(project, edited));
        r = runCli({"--json", "export", project, "--out", dir.filePath("edited")}, registry);
        QCOMPARE(r.exitCode, 4);
        for (const auto& missing : r.json().value("denied").toArray())
            QCOMPARE(missing.toObject().value("owner").toString(), ada);

        // A recording nobody registered: refused by name, not credited to the id's owner.
        QVERIFY(writeAll(project, original));
        QByteArray unregistered = original;
        unregistered.replace(QFileInfo(piano).absolutePath().toUtf8() + "/" +
                                 QFileInfo(piano).fileName().toUtf8(),
                             noise.toUtf8());
        unregistered.replace(boPcm.toUtf8(), "");
        QVERIFY(writeAll(project, unregistered));
        r = runCli({"--json", "export", project, "--out", dir.filePath("edited")}, registry);
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.json().value("error").toObject().value("message").toString().contains(
                     "clip c-2 on track 'Piano'"),
                 r.out.constData());
        QVERIFY(!QFileInfo::exists(dir.filePath("edited")));
    }

    // An export or render killed halfway leaves staging folders and partial files; the next one
    // into the same folder clears them (those of live processes stay).
    void leftoversOfAKilledExportAreCleared() {
        ACCORD_REQUIRE_MATERIAL(words, "alsa/Front_Center.wav");
        ACCORD_REQUIRE_MATERIAL(piano, "npm/piano-velocity10/audio/C4v10.ogg");
        QVERIFY(makeProject(words, piano));
        for (const QString& holder : {ada, bo})
            grantAllAssets(registry, holder, "export");
        const QString out = dir.filePath("crashed");
        const QString dead = QString::number(accord::test::deadProcessId());
        QVERIFY(QDir().mkpath(out + "/.accord-export-" + dead + "/stems"));
        QVERIFY(writeAll(out + "/.accord-export-" + dead + "/stems/01 Vocals.wav", "half"));
        QVERIFY(writeAll(out + "/.mix.wav.part-" + dead + "-Xy12Zq", "half a mix"));
        QVERIFY(runCli({"--json", "export", project, "--out", out}, registry).exitCode == 0);
        QVERIFY(runCli({"render", project, "--mix", out + "/mix.wav"}, registry).exitCode == 0);
        const QStringList hidden =
            QDir(out).entryList(QDir::Hidden | QDir::AllEntries | QDir::NoDotAndDotDot);
        QVERIFY2(hidden.filter(QRegularExpression("^\\.")).isEmpty(),
                 qPrintable(hidden.join(", ")));
    }

    void gateListsEveryMissingGrantAndWritesNothing() {
        ACCORD_REQUIRE_MATERIAL(words, "alsa/Front_Center.wav");
        ACCORD_REQUIRE_MATERIAL(piano, "npm/piano-velocity10/audio/C4v10.ogg");
        QVERIFY(makeProject(words, piano));
        const QString out = dir.filePath("denied");

        auto r = runCli({"--json", "export", project, "--out", out, "--stems"}, registry);
        QCOMPARE(r.exitCode, 4);
        QJsonArray denied = r.json().value("denied").toArray();
        QCOMPARE(denied.size(), 2);
        for (const auto& d : denied) {
            QCOMPARE(d.toObject().value("scope").toString(), QString("export"));
            QVERIFY(!d.toObject().value("why").toString().isEmpty());
        }
        QVERIFY(!QFileInfo::exists(out));

        // One grant: still denied, now naming only Bo's recording.
        grantAllAssets(registry, ada, "export");
        r = runCli({"--json", "export", project, "--out", out}, registry);
        QCOMPARE(r.exitCode, 4);
        denied = r.json().value("denied").toArray();
        QCOMPARE(denied.size(), 1);
        QCOMPARE(denied.at(0).toObject().value("owner").toString(), bo);

        // Both: allowed; a commercial export needs commercial terms.
        grantAllAssets(registry, bo, "export");
        r = runCli({"--json", "export", project, "--out", out, "--commercial"}, registry);
        QCOMPARE(r.exitCode, 4);
        QCOMPARE(r.json().value("denied").toArray().size(), 2);
        QVERIFY(!QFileInfo::exists(out + "/song1.wav"));
        QCOMPARE(runCli({"audit", "verify"}, registry).exitCode, 0);
    }

    void exportCarriesSignedManifestsAndSplitSheet() {
        ACCORD_REQUIRE_MATERIAL(words, "alsa/Front_Center.wav");
        ACCORD_REQUIRE_MATERIAL(piano, "npm/piano-velocity10/audio/C4v10.ogg");
        QVERIFY(makeProject(words, piano));
        grantAllAssets(registry, ada, "export");
        const QString bosGrant =
            grantAllAssets(registry, bo, "export", {"--commercial"}).field("grant");
        const QString out = dir.filePath("allowed");
        auto r = runCli({"--json", "export", project, "--out", out, "--stems"}, registry);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonArray files = r.json().value("files").toArray();
        QCOMPARE(files.size(), 3);
        const QString mix = files.at(0).toString();
        QCOMPARE(QFileInfo(mix).fileName(), QString("song%1.wav").arg(registries));
        const QJsonObject split = r.json().value("split").toObject();
        QCOMPARE(basisPointsOf(split), 10000);
        QCOMPARE(split.value("shares").toArray().size(), 2);
        QVERIFY(split.value("method").toString().startsWith("accord-split-v2"));
        const QString stem = out + "/stems/01 Vocals.wav";
        QVERIFY(QFileInfo::exists(stem));
        QVERIFY(QFileInfo::exists(stem + ".accord.json"));
        // The stem is Ada's alone.
        for (const auto& e : r.json().value("exports").toArray())
            if (e.toObject().value("path").toString() == stem) {
                const QJsonArray shares =
                    e.toObject().value("split").toObject().value("shares").toArray();
                QCOMPARE(shares.size(), 1);
                QCOMPARE(shares.at(0).toObject().value("holder").toString(), ada);
                QCOMPARE(shares.at(0).toObject().value("percent").toDouble(), 100.0);
            }
        const QString base = out + QString("/song%1").arg(registries);
        QVERIFY(readAll(base + ".split.csv").startsWith("holder,name,percent\n"));
        QCOMPARE(QJsonDocument::fromJson(readAll(base + ".split.json")).object(), split);

        // Other programs still read the file.
        QProcess soxi;
        soxi.start("soxi", {"-b", mix});
        QVERIFY(soxi.waitForFinished(accord::test::kSafetyNetMs));
        QCOMPARE(soxi.readAllStandardOutput().trimmed(), QByteArray("24"));
        QVERIFY(runTool("sox", {mix, "-n", "stat"}));

        // verify: on the file alone the proof holds, but without a registry nobody says whom to
        // trust, so it proves nothing about who made the file (docs/CLI.md "verify"); with the
        // registry the studio's key is trusted.
        r = runCli({"--json", "verify", mix}, dir.filePath("no-such-registry.sqlite"));
        QVERIFY2(r.exitCode == 3, r.out.constData());
        QCOMPARE(r.field("signature"), QString("valid"));
        QCOMPARE(r.field("content"), QString("match"));
        QCOMPARE(r.field("consent"), QString("unknown"));
        QCOMPARE(r.json().value("signer").toObject().value("trusted").toBool(), false);
        QCOMPARE(r.json().value("problems").toArray().size(), 1);
        QVERIFY(r.json()
                    .value("problems")
                    .toArray()
                    .at(0)
                    .toString()
                    .startsWith("untrusted signer: no registry here to say whom to trust"));
        QVERIFY(!QFileInfo::exists(dir.filePath("no-such-registry.sqlite")));
        r = runCli({"--json", "verify", mix}, registry);
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(r.json().value("signer").toObject().value("trusted").toBool(), true);
        QCOMPARE(r.field("consent"), QString("ok"));
        QCOMPARE(r.json().value("lineage").toObject().value("assets").toArray().size(), 2);
        QCOMPARE(r.json()
                     .value("disclosure")
                     .toObject()
                     .value("vocals")
                     .toObject()
                     .value("generated")
                     .toBool(),
                 false);

        // Metadata edits keep the proof: a LIST chunk appended after ours.
        QByteArray tagged = readAll(mix);
        const QByteArray info("INFOINAM\x06\0\0\0Title\0", 18);
        QByteArray chunk("LIST");
        const quint32 size = quint32(info.size());
        chunk.append(reinterpret_cast<const char*>(&size), 4).append(info);
        tagged.append(chunk);
        const quint32 riff = quint32(tagged.size() - 8);
        tagged.replace(4, 4, QByteArray(reinterpret_cast<const char*>(&riff), 4));
        const QString retagged = dir.filePath("retagged.wav");
        QVERIFY(writeAll(retagged, tagged));
        r = runCli({"--json", "verify", retagged}, registry);
        QVERIFY2(r.exitCode == 0, r.out.constData());

        // Revocation: verify of this earlier export reports it, and the next export is denied.
        QCOMPARE(runCli({"grant", "revoke", bosGrant, "--reason", "label deal"}, registry).exitCode,
                 0);
        r = runCli({"--json", "verify", mix}, registry);
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(r.field("consent"), QString("revoked"));
        QVERIFY(QJsonDocument(r.json().value("notes").toArray())
                    .toJson()
                    .contains(bosGrant.toUtf8() + " (Bo"));
        r = runCli({"--json", "export", project, "--out", dir.filePath("again")}, registry);
        QCOMPARE(r.exitCode, 4);
        QVERIFY(QJsonDocument(r.json()).toJson().contains(bosGrant.toUtf8()));
        QCOMPARE(runCli({"audit", "verify"}, registry).exitCode, 0);
    }

    void tamperingIsDetectedWithExit3() {
        ACCORD_REQUIRE_MATERIAL(words, "alsa/Front_Center.wav");
        ACCORD_REQUIRE_MATERIAL(piano, "npm/piano-velocity10/audio/C4v10.ogg");
        QVERIFY(makeExportableProject(words, piano));
        const QString out = dir.filePath("tamper");
        auto r = runCli({"--json", "export", project, "--out", out, "--stems"}, registry);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QString mix = r.json().value("files").toArray().at(0).toString();
        const QString stem = r.json().value("files").toArray().at(1).toString();
        const QByteArray original = readAll(mix);
        const QByteArray sidecar = readAll(mix + ".accord.json");

        // 1. One sample flipped.
        QByteArray flipped = original;
        flipped[original.indexOf("data") + 8 + 3 * 4000] ^= 0x10;
        const QString one = dir.filePath("flipped.wav");
        QVERIFY(writeAll(one, flipped));
        expectTampered(one, "the sound differs");

        // 2. The manifest edited inside the file (same length, so the file stays well formed).
        QByteArray edited = original;
        const int at = edited.indexOf("\"percent\":");
        QVERIFY(at > 0);
        const int digit = at + 10;
        edited[digit] = edited[digit] == '1' ? '2' : '1';
        const QString two = dir.filePath("edited.wav");
        QVERIFY(writeAll(two, edited));
        expectTampered(two, "signature");

        // 3. The signature swapped for another export's (the stem's).
        const QByteArray stemBytes = readAll(stem);
        auto signatureIn = [](const QByteArray& bytes) {
            const int start = bytes.indexOf("\"signature\":\"") + 13;
            return bytes.mid(start, bytes.indexOf('"', start) - start);
        };
        QByteArray swapped = original;
        const QByteArray mine = signatureIn(original);
        QCOMPARE(mine.size(), 128);
        swapped.replace(swapped.indexOf(mine), mine.size(), signatureIn(stemBytes));
        const QString three = dir.filePath("swapped.wav");
        QVERIFY(writeAll(three, swapped));
        expectTampered(three, "signature");

        // 4. The chunk stripped (sox drops chunks it does not know) but the sidecar kept.
        const QString four = dir.filePath("stripped.wav");
        QVERIFY(runTool("sox", {mix, four}));
        QVERIFY(writeAll(four + ".accord.json", sidecar));
        expectTampered(four, "stripped");

        // 5. A sidecar that disagrees with the embedded manifest.
        const QString five = dir.filePath("disagree.wav");
        QVERIFY(writeAll(five, original));
        QByteArray otherSidecar = readAll(stem + ".accord.json");
        QVERIFY(writeAll(five + ".accord.json", otherSidecar));
        expectTampered(five, "differs");

        // The untouched export still verifies.
        QCOMPARE(runCli({"verify", mix}, registry).exitCode, 0);
    }

    void flacExportsCarryTheManifestToo() {
        ACCORD_REQUIRE_MATERIAL(words, "alsa/Front_Center.wav");
        ACCORD_REQUIRE_MATERIAL(piano, "npm/piano-velocity10/audio/C4v10.ogg");
        QVERIFY(makeExportableProject(words, piano));
        const QString out = dir.filePath("flac");
        auto r = runCli({"--json", "export", project, "--out", out, "--format", "flac", "--as", bo},
                        registry);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QString mix = r.json().value("files").toArray().at(0).toString();
        QVERIFY(mix.endsWith(".flac"));
        QVERIFY(runTool("sox", {mix, "-n", "stat"}));
        r = runCli({"--json", "verify", mix}, registry);
        QVERIFY2(r.exitCode == 0, r.out.constData());
        QCOMPARE(r.field("signature"), QString("valid"));
        // A lossless re-encode keeps the sound (PCM hash) but not the embedded manifest.
        const QString copy = dir.filePath("reencoded.wav");
        QVERIFY(runTool("sox", {mix, "-b", "24", copy}));
        r = runCli({"--json", "verify", copy}, registry);
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(r.field("signature"), QString("absent"));
        QVERIFY(QJsonDocument(r.json().value("notes").toArray()).toJson().contains("same sound"));
    }

    // An export that reaches full scale is written as asked, with a warning naming the file and
    // its true peak; one that does not is silent.
    void aClippingMixIsExportedWithAWarning() {
        ACCORD_REQUIRE_MATERIAL(words, "alsa/Front_Center.wav");
        ACCORD_REQUIRE_MATERIAL(piano, "npm/piano-velocity10/audio/C4v10.ogg");
        QVERIFY(makeExportableProject(words, piano));
        auto r = runCli({"export", project, "--out", dir.filePath("quiet")}, registry);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY2(!QString(r.err).contains("Warning"), r.err.constData());

        const QString loud = dir.filePath(QString("loud%1.accord").arg(registries));
        QVERIFY(runCli({"project", "new", loud}, registry).exitCode == 0);
        QVERIFY(runCli({"project", "add-track", loud, "--name", "Hot", "--gain", "24"}, registry)
                    .exitCode == 0);
        QVERIFY(runCli({"project", "add-clip", loud, "--track", "Hot", piano}, registry).exitCode ==
                0);
        r = runCli({"export", loud, "--out", dir.filePath("loud")}, registry);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY2(QString(r.err).contains(QRegularExpression(
                     "Warning: loud\\d*\\.wav reaches \\+\\d+\\.\\d\\d dBTP: it clips")),
                 r.err.constData());

        // The project's master limiter keeps the same mix under its ceiling, measured on the file.
        QVERIFY(runCli({"project", "set", loud, "--limiter", "on", "--ceiling", "-3"}, registry)
                    .exitCode == 0);
        r = runCli({"--json", "export", loud, "--out", dir.filePath("limited")}, registry);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY2(!QString(r.err).contains("Warning"), r.err.constData());
        const QString limited = r.json().value("files").toArray().at(0).toString();
        const double truePeak = measureLoudness(limited).second;
        QVERIFY2(truePeak <= -3.0 && truePeak > -3.5, qPrintable(QString::number(truePeak)));
    }

    // MP3 (docs/C2PA.md "MP3"): the manifest and C2PA store in an ID3 GEOB frame, the content
    // binding checked on the MP3 as delivered (its decoded PCM), gapless to the frame.
    void mp3ExportsAreVerifiedAsDelivered() {
        ACCORD_REQUIRE_MATERIAL(words, "alsa/Front_Center.wav");
        ACCORD_REQUIRE_MATERIAL(piano, "npm/piano-velocity10/audio/C4v10.ogg");
        QVERIFY(makeExportableProject(words, piano));
        auto r =
            runCli({"--json", "export", project, "--out", dir.filePath("mp3"), "--format", "mp3"},
                   registry);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QString mp3 = r.json().value("files").toArray().at(0).toString();
        QVERIFY(mp3.endsWith(".mp3"));
        QVERIFY(readAll(mp3).startsWith("ID3\x04"));
        r = runCli({"--json", "verify", mp3}, registry);
        QVERIFY2(r.exitCode == 0, r.out.constData());
        QCOMPARE(r.field("content"), QString("match"));
        QCOMPARE(r.json().value("c2pa").toObject().value("state").toString(), QString("valid"));
        // The manifest names the encoding and the hash of the 24-bit samples it encoded, which
        // are the WAV export's; the MP3 decodes to exactly as many frames.
        const QJsonObject content = QJsonDocument::fromJson(readAll(mp3 + ".accord.json"))
                                        .object()
                                        .value("content")
                                        .toObject();
        QCOMPARE(content.value("encoding").toObject().value("bitrateKbps").toInt(), 320);
        r = runCli({"--json", "export", project, "--out", dir.filePath("mp3-wav")}, registry);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonObject wavContent =
            QJsonDocument::fromJson(
                readAll(r.json().value("files").toArray().at(0).toString() + ".accord.json"))
                .object()
                .value("content")
                .toObject();
        QCOMPARE(content.value("encoding").toObject().value("encodedPcmSha256").toString(),
                 wavContent.value("pcmSha256").toString());
        QVERIFY(content.value("pcmSha256").toString() != wavContent.value("pcmSha256").toString());
        QCOMPARE(content.value("durationSeconds").toDouble(),
                 wavContent.value("durationSeconds").toDouble());
        // 320 kbit/s constant: the size follows from the duration (plus the ID3 tag).
        const double seconds = content.value("durationSeconds").toDouble();
        const double audioBytes = QFileInfo(mp3).size() - 65536;
        QVERIFY2(audioBytes > 320000 / 8 * seconds * 0.9 && audioBytes < 320000 / 8 * (seconds + 1),
                 qPrintable(QString::number(QFileInfo(mp3).size())));
        // One byte of the audio frames changed: both bindings break.
        QByteArray bytes = readAll(mp3);
        bytes[bytes.size() - 2000] = char(bytes[bytes.size() - 2000] ^ 0x5a);
        const QString edited = dir.filePath("mp3/edited.mp3");
        writeAll(edited, bytes);
        QFile::copy(mp3 + ".accord.json", edited + ".accord.json");
        expectTampered(edited, "the sound differs");
    }

    // --range: only that part of the timeline is rendered, judged, split and proven.
    void aRangeExportsThatPartAlone() {
        ACCORD_REQUIRE_MATERIAL(words, "alsa/Front_Center.wav");
        ACCORD_REQUIRE_MATERIAL(piano, "npm/piano-velocity10/audio/C4v10.ogg");
        QVERIFY(makeExportableProject(words, piano));
        auto r = runCli({"--json", "export", project, "--out", dir.filePath("range"), "--range",
                         "0.5", "2", "--format", "flac"},
                        registry);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QString flac = r.json().value("files").toArray().at(0).toString();
        const int rate =
            QString(accord::test::runToolOutput("soxi", {"-r", flac})).trimmed().toInt();
        QCOMPARE(QString(accord::test::runToolOutput("soxi", {"-s", flac})).trimmed(),
                 QString::number(qRound(1.5 * rate)));
        const QJsonObject manifest =
            QJsonDocument::fromJson(readAll(flac + ".accord.json")).object();
        const QJsonObject range = manifest.value("operations").toObject().value("range").toObject();
        QCOMPARE(range.value("start").toDouble(), 0.5);
        QCOMPARE(range.value("end").toDouble(), 2.0);
        QCOMPARE(runCli({"verify", flac}, registry).exitCode, 0);
        // The range is the same samples as the whole export's, from 0.5 s.
        r = runCli({"--json", "export", project, "--out", dir.filePath("range-whole")}, registry);
        const QString whole = r.json().value("files").toArray().at(0).toString();
        const QByteArray cut = accord::test::runToolOutput(
            "sox", {whole, "-t", "s32", "-", "trim", QString("%1s").arg(rate / 2),
                    QString("%1s").arg(rate * 3 / 2)});
        QVERIFY(!cut.isEmpty());
        QVERIFY(cut == accord::test::runToolOutput("sox", {flac, "-t", "s32", "-"}));
    }

    // --loudness/--true-peak: the delivered mix measured by libebur128 here, apart from the
    // product's meter: within 0.5 LU of the target, its true peak at or under the ceiling.
    void aLoudnessTargetIsReachedUnderTheCeiling() {
        ACCORD_REQUIRE_MATERIAL(words, "alsa/Front_Center.wav");
        ACCORD_REQUIRE_MATERIAL(piano, "npm/piano-velocity10/audio/C4v10.ogg");
        QVERIFY(makeExportableProject(words, piano));
        for (const double target : {-14.0, -23.0}) {
            auto r = runCli({"--json", "export", project, "--out",
                             dir.filePath(QString("loud%1").arg(-target)), "--loudness",
                             QString::number(target), "--true-peak", "-1"},
                            registry);
            QVERIFY2(r.exitCode == 0, r.err.constData());
            const QString wav = r.json().value("files").toArray().at(0).toString();
            const auto [lufs, peakDb] = measureLoudness(wav);
            QVERIFY2(std::fabs(lufs - target) <= 0.5, qPrintable(QString::number(lufs)));
            QVERIFY2(peakDb <= -1.0, qPrintable(QString::number(peakDb)));
            QCOMPARE(runCli({"verify", wav}, registry).exitCode, 0);
        }
    }

    // Bad delivery options: exit 2 with a sentence naming the option and what it takes.
    void badDeliveryOptionsAreRefusedClearly() {
        ACCORD_REQUIRE_MATERIAL(words, "alsa/Front_Center.wav");
        ACCORD_REQUIRE_MATERIAL(piano, "npm/piano-velocity10/audio/C4v10.ogg");
        QVERIFY(makeExportableProject(words, piano));
        const QString out = dir.filePath("refused");
        const QList<QPair<QStringList, QString>> cases = {
            {{"--format", "ogg"}, "is not wav, flac or mp3"},
            {{"--format", "mp3", "--bitrate", "100"}, "is not an MP3 bitrate"},
            {{"--bitrate", "320"}, "--bitrate is for --format mp3"},
            {{"--range", "3", "1"}, "must come after the start"},
            {{"--range", "1"}, "--range takes two numbers"},
            {{"--range", "0", "999"}, "ends after the project"},
            {{"--loudness", "5"}, "outside -70 .. 0"},
            {{"--loudness", "-14", "--true-peak", "2"}, "outside -20 .. 0"},
            {{"--true-peak", "-1"}, "give --loudness too"},
            {{"--loudness", "-14", "--stems"}, "export stems without it"},
        };
        for (const auto& [options, message] : cases) {
            const auto r = runCli(QStringList{"export", project, "--out", out} + options, registry);
            QVERIFY2(r.exitCode == 2, qPrintable(options.join(' ')));
            QVERIFY2(QString(r.err).contains(message), r.err.constData());
        }
        QVERIFY(!QFileInfo::exists(out + "/song" + QString::number(registries) + ".wav"));
    }

    void generatedAudioCannotBeLaundered() {
        ACCORD_REQUIRE_MATERIAL(take, "npm/audio-lena/lena.flac");
        ACCORD_REQUIRE_MATERIAL(piano, "npm/piano-velocity10/audio/C4v10.ogg");
        registry = dir.filePath("launder.sqlite");
        ada = addHolder(registry, "Ada");
        bo = addHolder(registry, "Bo");
        ACCORD_ADD_TRAINING_VOICES(assets, registry, ada);
        QCOMPARE(runCli({"asset", "add", take, "--owner", bo}, registry).exitCode, 0);
        grantAllAssets(registry, ada, "train-voice");
        grantAllAssets(registry, ada, "generate", {"--share", "30"});
        const QString model = dir.filePath("ada.accordvoice");
        QVERIFY(accord::test::trainSmallVoiceModel(registry, ada, assets, model, 20));
        const QString sung = dir.filePath("sung.wav");
        auto r = runCli({"--json", "convert", "--model", model, take, sung}, registry);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QString render = r.field("render");
        QVERIFY(r.field("watermark").startsWith("acw1-"));

        // The same sound, or a lossless re-encode of it, is the render, never a recording.
        const QString flac = dir.filePath("sung.flac");
        QVERIFY(runTool("sox", {sung, flac}));
        for (const QString& file : {sung, flac}) {
            r = runCli({"asset", "add", file, "--owner", bo}, registry);
            QCOMPARE(r.exitCode, 2);
            QVERIFY2(QString(r.err).contains(render), r.err.constData());
        }
        // Brought into a project it stays the render, so the gate follows Ada's model.
        const QString song = dir.filePath("launder.accord");
        runCli({"project", "new", song, "--rate", "44100"}, registry);
        runCli({"project", "add-track", song, "--name", "Vocals"}, registry);
        runCli({"project", "add-track", song, "--name", "Piano"}, registry);
        r = runCli({"--json", "project", "add-clip", song, "--track", "t-1", flac, "--owner", bo},
                   registry);
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(r.field("render"), render);
        QVERIFY(r.json().value("asset").isNull());
        runCli({"project", "add-clip", song, "--track", "t-2", piano, "--owner", bo}, registry);
        grantAllAssets(registry, bo, "export");
        r = runCli({"--json", "export", song, "--out", dir.filePath("launder-out")}, registry);
        QCOMPARE(r.exitCode, 4);
        QVERIFY(QJsonDocument(r.json()).toJson().contains(assets.at(0).toUtf8()));
        // Ada allows exports: the split gives her the 30% share of the re-sung part.
        grantAllAssets(registry, ada, "export");
        r = runCli({"--json", "export", song, "--out", dir.filePath("launder-out")}, registry);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(basisPointsOf(r.json().value("split").toObject()), 10000);
        const QString mix = r.json().value("files").toArray().at(0).toString();
        r = runCli({"--json", "verify", mix}, registry);
        QCOMPARE(r.exitCode, 0);
        const QJsonObject vocals =
            r.json().value("disclosure").toObject().value("vocals").toObject();
        QVERIFY(vocals.value("generated").toBool());
        QCOMPARE(r.json().value("lineage").toObject().value("models").toArray().size(), 1);

        // A track running live through Ada's model: the export renders through it, and the
        // files with re-sung parts are generated audio carrying a watermark naming their render.
        // The take played twice (24.5 s): the 12 s take's mark read at 9.1-12.9 against the
        // threshold of 9.1, so some payloads were missed after MP3 (docs/WATERMARK.md: shorter
        // clips hold fewer periods of the mark).
        const QString longTake = dir.filePath("lena-twice.flac");
        QVERIFY(runTool("sox", {take, take, longTake}));
        QCOMPARE(runCli({"asset", "add", longTake, "--owner", bo}, registry).exitCode, 0);
        const QString live = dir.filePath("live.accord");
        runCli({"project", "new", live, "--rate", "44100"}, registry);
        QCOMPARE(
            runCli({"project", "add-track", live, "--name", "Live", "--model", model}, registry)
                .exitCode,
            0);
        QCOMPARE(
            runCli({"project", "add-clip", live, "--track", "t-1", longTake}, registry).exitCode,
            0);
        r = runCli({"--json", "export", live, "--out", dir.filePath("live-out"), "--stems"},
                   registry);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QString liveMix = r.json().value("files").toArray().at(0).toString();
        const QString liveRender =
            r.json().value("exports").toArray().at(0).toObject().value("render").toString();
        r = runCli({"--json", "verify", liveMix}, registry);
        QVERIFY2(r.exitCode == 0, r.out.constData());
        QVERIFY(r.json().value("watermark").toObject().value("found").toBool());
        QCOMPARE(r.json().value("watermark").toObject().value("render").toString(), liveRender);
        // As an MP3 (the watermark is embedded before the encoder): still found, naming its render.
        const auto mp3Export = runCli({"--json", "export", live, "--out", dir.filePath("live-mp3"),
                                       "--format", "mp3", "--bitrate", "128"},
                                      registry);
        QVERIFY2(mp3Export.exitCode == 0, mp3Export.err.constData());
        const QJsonObject liveMp3 = mp3Export.json().value("exports").toArray().at(0).toObject();
        const auto mp3Verified =
            runCli({"--json", "verify", liveMp3.value("path").toString()}, registry);
        QVERIFY2(mp3Verified.exitCode == 0, mp3Verified.out.constData());
        QVERIFY(mp3Verified.json().value("watermark").toObject().value("found").toBool());
        QCOMPARE(mp3Verified.json().value("watermark").toObject().value("render").toString(),
                 liveMp3.value("render").toString());
        QVERIFY(r.json()
                    .value("disclosure")
                    .toObject()
                    .value("vocals")
                    .toObject()
                    .value("generated")
                    .toBool());
        // `render` takes the same path: through the model, gated by `generate`, watermarked.
        const QString rendered = dir.filePath("live-render.wav");
        r = runCli({"--json", "render", live, "--mix", rendered}, registry);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonObject renderedFile = r.json().value("files").toArray().at(0).toObject();
        QVERIFY(renderedFile.value("watermark").toString().startsWith("acw1-"));
        r = runCli({"--json", "verify", rendered}, registry);
        QCOMPARE(r.json().value("watermark").toObject().value("render").toString(),
                 renderedFile.value("render").toString());
        QCOMPARE(r.json().value("lineage").toObject().value("models").toArray().size(), 1);
        // A model file the registry does not know is refused, naming it; nothing is written.
        const QString stranger = dir.filePath("stranger.accordvoice");
        QVERIFY(QFile::copy(model, stranger));
        QVERIFY(writeAll(live, readAll(live).replace(model.toUtf8(), stranger.toUtf8())));
        r = runCli({"--json", "render", live, "--mix", dir.filePath("stranger.wav")}, registry);
        QCOMPARE(r.exitCode, 2);
        QVERIFY(!QFileInfo::exists(dir.filePath("stranger.wav")));
        QVERIFY(writeAll(live, readAll(live).replace(stranger.toUtf8(), model.toUtf8())));

        // Once Ada withdraws generate consent the live track cannot be exported.
        const QJsonArray generateGrants =
            runCli({"--json", "grant", "list", "--holder", ada}, registry)
                .json()
                .value("grants")
                .toArray();
        for (const auto& g : generateGrants)
            if (g.toObject().value("scope").toString() == "generate")
                runCli({"grant", "revoke", g.toObject().value("grant").toString()}, registry);
        r = runCli({"--json", "export", live, "--out", dir.filePath("live-again")}, registry);
        QCOMPARE(r.exitCode, 4);
        QVERIFY(QJsonDocument(r.json()).toJson().contains("generate"));
        // Nor rendered.
        r = runCli({"--json", "render", live, "--mix", dir.filePath("live-again.wav")}, registry);
        QCOMPARE(r.exitCode, 4);
        QVERIFY(QJsonDocument(r.json()).toJson().contains("generate"));
        QVERIFY(!QFileInfo::exists(dir.filePath("live-again.wav")));
    }
};

QTEST_GUILESS_MAIN(ExportTest)
#include "test_export.moc"
