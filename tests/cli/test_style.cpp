// The style model through the real accord-cli (docs/CLI.md "train style", "style score", "vary";
// docs/STYLE.md): MIDI files as assets, training and generating gated by consent, variations as
// watermarked renders with MIDI, never a copy, and what comes back cannot pass as somebody's music.
// Training is tiny here (a few dozen steps); tests/bench/bench_style does the real run.

#include "test_support.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QTemporaryDir>

using accord::test::addHolder;
using accord::test::grantAllAssets;
using accord::test::runCli;

namespace {

QByteArray readAll(const QString& path) {
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

} // namespace

class StyleCliTest : public QObject {
    Q_OBJECT

    QTemporaryDir dir;
    QString registry, ada, bo, model, phrase;
    QStringList trainingAssets;

private slots:
    void initTestCase() {
        ACCORD_REQUIRE_MATERIAL(first, "melodies/abc/coleraine8.mid");
        const QDir abc(QFileInfo(first).absolutePath());
        QStringList tunes = abc.entryList({"*.mid"}, QDir::Files, QDir::Name);
        QVERIFY(tunes.size() >= 8);
        registry = dir.filePath("reg.sqlite");
        ada = addHolder(registry, "Ada");
        bo = addHolder(registry, "Bo");
        for (int i = 0; i < 6; ++i) {
            const auto r = runCli(
                {"--json", "asset", "add", abc.filePath(tunes[i]), "--owner", ada}, registry);
            QVERIFY2(r.exitCode == 0, r.err.constData());
            QCOMPARE(r.field("kind"), QString("midi"));
            trainingAssets << "--asset" << r.field("asset");
        }
        // Bo's tune: the guard keeps variations off it too.
        QCOMPARE(runCli({"asset", "add", abc.filePath(tunes[6]), "--owner", bo}, registry).exitCode,
                 0);
        phrase = abc.filePath(tunes[7]);
        model = dir.filePath("ada.accordstyle");
    }

    void trainingNeedsTrainStyleOnEveryAsset() {
        auto r = runCli(QStringList{"--json", "train", "style", "--owner", ada, "--out", model,
                                    "--steps", "30"} +
                            trainingAssets,
                        registry);
        QCOMPARE(r.exitCode, 4);
        QCOMPARE(r.json().value("denied").toArray().size(), trainingAssets.size() / 2);
        QVERIFY(!QFileInfo::exists(model));

        grantAllAssets(registry, ada, "train-style");
        r = runCli(QStringList{"--json", "train", "style", "--owner", ada, "--out", model,
                               "--steps", "30"} +
                       trainingAssets,
                   registry);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY(r.field("model").startsWith("m-"));
        QCOMPARE(r.json().value("steps").toInt(), 30);
        QVERIFY(QFileInfo::exists(model));
        QVERIFY(!QFileInfo::exists(model + ".checkpoint"));
    }

    void scoresEachPhrase() {
        const auto r = runCli({"--json", "style", "score", "--model", model, phrase}, registry);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonObject score = r.json().value("scores").toArray().at(0).toObject();
        QCOMPARE(score.value("file").toString(), phrase);
        QVERIFY2(score.value("notes").toInt() > 4,
                 qPrintable(QString::number(score.value("notes").toInt())));
        QVERIFY(score.value("per_note_log_likelihood").toDouble() < 0);
        QVERIFY(std::abs(score.value("pitch_log_likelihood").toDouble() +
                         score.value("rhythm_log_likelihood").toDouble() -
                         score.value("per_note_log_likelihood").toDouble()) < 1e-6);
        // A tune of the same collection, not trained on: the model prefers its notes in their own
        // order to the same pitches shuffled (docs/STYLE.md "Scores").
        QVERIFY2(score.value("pitch_order_score").toDouble() > 0,
                 qPrintable(QString::number(score.value("pitch_order_score").toDouble())));
        QCOMPARE(runCli({"style", "score", "--model", dir.filePath("none.accordstyle"), phrase},
                        registry)
                     .exitCode,
                 2);
    }

    void variationsNeedARegisteredPhraseAndGenerate() {
        const QString out = dir.filePath("variations");
        auto r = runCli({"vary", "--model", model, phrase, "--count", "3", "--out", out}, registry);
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("not registered"), r.err.constData());
        QCOMPARE(runCli({"asset", "add", phrase, "--owner", ada}, registry).exitCode, 0);
        r = runCli({"--json", "vary", "--model", model, phrase, "--count", "3", "--out", out},
                   registry);
        QCOMPARE(r.exitCode, 4);
        QVERIFY(QJsonDocument(r.json()).toJson().contains("generate"));
        QVERIFY(!QFileInfo::exists(out));
        QCOMPARE(
            runCli({"vary", "--model", model, phrase, "--count", "3", "--out", out, "--stray", "2"},
                   registry)
                .exitCode,
            2);
    }

    void variationsAreWatermarkedRendersWithMidiAndNoCopies() {
        grantAllAssets(registry, ada, "generate");
        const QString out = dir.filePath("variations"), again = dir.filePath("again");
        const QStringList common = {"--json", "vary",   "--model", model,     phrase, "--count",
                                    "3",      "--seed", "7",       "--stray", "0.8"};
        auto r = runCli(common + QStringList{"--out", out}, registry);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonArray renders = r.json().value("renders").toArray();
        const QJsonArray files = r.json().value("files").toArray();
        const QJsonArray midi = r.json().value("midi").toArray();
        const QJsonArray originality = r.json().value("originality").toArray();
        QCOMPARE(renders.size(), 3);
        QCOMPARE(files.size(), 3);
        QCOMPARE(midi.size(), 3);
        for (const auto& entry : originality)
            QVERIFY(entry.toObject().value("longest_shared_run").toInt() < 8);
        for (const QJsonArray& written : {files, midi})
            for (const auto& file : written)
                QVERIFY(QFileInfo(file.toString()).size() > 0);

        // The same seed gives the same notes (the audio differs only by its watermark).
        r = runCli(common + QStringList{"--out", again}, registry);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(readAll(r.json().value("midi").toArray().at(0).toString()),
                 readAll(midi.at(0).toString()));

        // The audio names its render and its lineage: the phrase, the style model.
        r = runCli({"--json", "verify", files.at(0).toString()}, registry);
        QCOMPARE(r.json().value("watermark").toObject().value("render").toString(),
                 renders.at(0).toString());
        const QJsonArray models = r.json().value("lineage").toObject().value("models").toArray();
        QCOMPARE(models.size(), 1);
        QCOMPARE(models.at(0).toObject().value("kind").toString(), QString("style"));

        // Generated music cannot become somebody's: neither the MIDI nor the audio.
        r = runCli({"asset", "add", midi.at(0).toString(), "--owner", bo}, registry);
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("generated"), r.err.constData());
        QCOMPARE(runCli({"asset", "add", files.at(0).toString(), "--owner", bo}, registry).exitCode,
                 2);
    }

    // Bo plays a tune on the clarinet and registers the take; Ada's phrase is the same tune. The
    // guard reads Bo's take through its transcription (kept beside the registry) and keeps every
    // variation off it, even when most of the phrase is kept.
    void othersTakesAreGuardedThroughTheirTranscription() {
        const QString abc = dir.filePath("tune.abc"), tuneMidi = dir.filePath("tune1.mid"),
                      take = dir.filePath("bo-take.wav");
        QFile text(abc);
        QVERIFY(text.open(QIODevice::WriteOnly));
        text.write("X:1\nT:Guard\nM:4/4\nL:1/8\nQ:1/4=100\nK:D\n%%MIDI program 71\n"
                   "DFAd fdAF|GBdg fedc|defg agfe|dcBA GFED|\n"
                   "FAdf afdA|Bdgb agfe|dfaf gece|d2A2 D4|]\n");
        text.close();
        QVERIFY(accord::test::runTool("abc2midi", {abc, "-o", tuneMidi}));
        QVERIFY(accord::test::runTool(
            "fluidsynth",
            {"-ni", "-F", take, "-r", "44100", "/usr/share/sounds/sf2/FluidR3_GM.sf2", tuneMidi}));
        auto r = runCli({"--json", "asset", "add", take, "--owner", bo}, registry);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QString boTake = r.field("asset");
        QCOMPARE(runCli({"asset", "add", tuneMidi, "--owner", ada}, registry).exitCode, 0);
        grantAllAssets(registry, ada, "generate");

        r = runCli({"--json", "vary", "--model", model, tuneMidi, "--count", "4", "--seed", "5",
                    "--stray", "0.3", "--out", dir.filePath("guarded")},
                   registry);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        bool boNamed = false;
        for (const auto& entry : r.json().value("originality").toArray()) {
            QVERIFY(entry.toObject().value("longest_shared_run").toInt() < 8);
            boNamed = boNamed || entry.toObject().value("with").toString() == boTake;
        }
        QVERIFY2(boNamed, r.out.constData());
        QCOMPARE(r.json().value("notes").toArray().size(), 0);
        const QStringList kept = QDir(registry + ".melodies").entryList({"*.mid"}, QDir::Files);
        QCOMPARE(kept.size(), 1);
    }

    // A stretch of the phrase (what a clip that plays part of its file gives): the variations are
    // as long as the stretch; a stretch outside the file is named.
    void variesAStretchOfThePhrase() {
        const QString out = dir.filePath("stretch");
        auto whole = runCli({"--json", "style", "score", "--model", model, phrase}, registry);
        const int allNotes =
            whole.json().value("scores").toArray().at(0).toObject().value("notes").toInt();
        auto r = runCli({"--json", "vary", "--model", model, phrase, "--count", "2", "--from", "2",
                         "--to", "8", "--out", out},
                        registry);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QString variation = r.json().value("midi").toArray().at(0).toString();
        const auto scored =
            runCli({"--json", "style", "score", "--model", model, variation}, registry);
        const int stretchNotes =
            scored.json().value("scores").toArray().at(0).toObject().value("notes").toInt();
        QVERIFY2(stretchNotes >= 2 && stretchNotes < allNotes,
                 qPrintable(QString("%1 of %2").arg(stretchNotes).arg(allNotes)));
        const QString wav = r.json().value("files").toArray().at(0).toString();
        const double seconds =
            QString(accord::test::runToolOutput("soxi", {"-D", wav})).trimmed().toDouble();
        // At most the stretch and the instrument's release (docs/NOTES.md).
        QVERIFY2(seconds > 1.5 && seconds < 6 + 1.6, qPrintable(QString::number(seconds)));

        r = runCli({"vary", "--model", model, phrase, "--count", "1", "--from", "2", "--to", "9999",
                    "--out", out},
                   registry);
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(QFileInfo(phrase).fileName().toUtf8()), r.err.constData());
        QCOMPARE(
            runCli({"vary", "--model", model, phrase, "--count", "1", "--from", "2", "--out", out},
                   registry)
                .exitCode,
            1);
    }

    // Re-sung by a voice model: `generate` is asked of both models, and the lineage names both.
    void voiceModelReSingsAVariation() {
        const QString bella = addHolder(registry, "Bella");
        ACCORD_ADD_TRAINING_VOICES(voices, registry, bella);
        grantAllAssets(registry, bella, "train-voice");
        const QString voice = dir.filePath("bella.accordvoice");
        QVERIFY(accord::test::trainSmallVoiceModel(registry, bella, voices, voice, 20));
        const QStringList vary = {
            "--json", "vary",  "--model",           model, phrase, "--count", "1", "--voice",
            voice,    "--out", dir.filePath("sung")};
        auto r = runCli(vary, registry);
        QCOMPARE(r.exitCode, 4); // Bella has not allowed generating with her voice
        QVERIFY(QJsonDocument(r.json()).toJson().contains(bella.toUtf8()));
        grantAllAssets(registry, bella, "generate");
        r = runCli(vary, registry);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QString sung = r.json().value("files").toArray().at(0).toString();
        r = runCli({"--json", "verify", sung}, registry);
        const QJsonArray models = r.json().value("lineage").toObject().value("models").toArray();
        QStringList kinds;
        for (const auto& m : models)
            kinds << m.toObject().value("kind").toString();
        kinds.sort();
        QCOMPARE(kinds, (QStringList{"style", "voice"}));
    }

    void revokedGenerateStopsVariations() {
        const QJsonArray grants = runCli({"--json", "grant", "list", "--holder", ada}, registry)
                                      .json()
                                      .value("grants")
                                      .toArray();
        for (const auto& g : grants)
            if (g.toObject().value("scope").toString() == "generate")
                runCli({"grant", "revoke", g.toObject().value("grant").toString()}, registry);
        const auto r = runCli({"vary", "--model", model, phrase, "--count", "1", "--out",
                               dir.filePath("after-revocation")},
                              registry);
        QCOMPARE(r.exitCode, 4);
    }
};

QTEST_GUILESS_MAIN(StyleCliTest)
#include "test_style.moc"
