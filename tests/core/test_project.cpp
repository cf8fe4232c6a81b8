// The .accord project file: round trip, broken/newer/older files, offline media, atomic saves.

#include "accord/core/errors.h"
#include "accord/core/files.h"
#include "accord/core/project.h"

#include <QTemporaryDir>
#include <QtTest>

using namespace accord;

class ProjectTest : public QObject {
    Q_OBJECT

    QTemporaryDir dir;

    std::string path(const char* name) { return dir.filePath(name).toStdString(); }

    Project sample() {
        const std::string media = path("take.wav");
        writeFileAtomically(media, "RIFF"); // only its existence matters to the project
        Project p;
        p.sampleRate = 44100;
        p.tempo = 96.5;
        Track vocals{"t-1", "Vocals", -3.5, -0.25, false, true, "", {}};
        vocals.clips.push_back({"c-1", "a-1", "", media, 44100, 441, 88200, -1.5, 100, 200, false});
        vocals.clips.push_back({"c-2", "", "r-4", media, 200000, 0, 1000, 0, 0, 0, false});
        p.tracks.push_back(vocals);
        p.tracks.push_back({"t-2", "Keys", 2, 1, true, false, "/models/bo.accordmodel", {}});
        return p;
    }

private slots:
    void roundTripKeepsEverything() {
        const Project original = sample();
        saveProject(path("song.accord"), original);
        const Project loaded = loadProject(path("song.accord"));
        QCOMPARE(projectToJson(loaded, path("song.accord")),
                 projectToJson(original, path("song.accord")));
        QCOMPARE(loaded.tracks.size(), std::size_t{2});
        QCOMPARE(loaded.tracks[0].clips[0].offset, std::int64_t{441});
        QCOMPARE(loaded.tracks[0].clips[1].render, std::string("r-4"));
        QCOMPARE(loaded.tracks[1].model, std::string("/models/bo.accordmodel"));
        QCOMPARE(loaded.length(), std::int64_t{201000});
        QCOMPARE(loaded.nextTrackId(), std::string("t-3"));
        QCOMPARE(loaded.nextClipId(), std::string("c-3"));
        // Media beside the project is stored relative to it, so the folder can move.
        QVERIFY(readWholeFile(path("song.accord")).find("\"file\": \"take.wav\"") !=
                std::string::npos);
    }

    void brokenNewerAndForeignFilesAreClearErrors_data() {
        QTest::addColumn<QString>("content");
        QTest::addColumn<QString>("expected");
        QTest::newRow("broken json") << "{\"format\": \"accord-project\", \"version\": 1, \"tra"
                                     << "broken JSON at byte";
        QTest::newRow("newer") << "{\"format\": \"accord-project\", \"version\": 7, \"tracks\": []}"
                               << "written by a newer Accord (project format 7";
        QTest::newRow("older") << "{\"format\": \"accord-project\", \"version\": 0, \"tracks\": []}"
                               << "project format 0 is not one Accord ever wrote";
        QTest::newRow("foreign") << "{\"tracks\": []}"
                                 << "not an Accord project";
        QTest::newRow("wrong type")
            << "{\"format\": \"accord-project\", \"version\": 1, \"tracks\": [{\"id\": 5}]}"
            << "invalid project";
        QTest::newRow("bad rate") << "{\"format\": \"accord-project\", \"version\": 1, "
                                     "\"sample_rate\": 5, \"tracks\": []}"
                                  << "sample rate 5 Hz";
        QTest::newRow("fade too long")
            << "{\"format\": \"accord-project\", \"version\": 1, \"tracks\": [{\"id\": \"t-1\", "
               "\"clips\": [{\"id\": \"c-1\", \"file\": \"x.wav\", \"position\": 0, \"length\": "
               "10, "
               "\"fade_in\": 8, \"fade_out\": 8}]}]}"
            << "fades must fit";
    }

    void brokenNewerAndForeignFilesAreClearErrors() {
        QFETCH(QString, content);
        QFETCH(QString, expected);
        const std::string file = path("bad.accord");
        writeFileAtomically(file, content.toStdString());
        try {
            loadProject(file);
            QFAIL("loading should have failed");
        } catch (const BadInput& e) {
            const QString message = e.what();
            QVERIFY2(message.startsWith(QString::fromStdString(file)), e.what());
            QVERIFY2(message.contains(expected), e.what());
        }
    }

    void missingMediaLoadsOffline() {
        Project p = sample();
        p.tracks[0].clips[0].file = path("gone.wav");
        saveProject(path("offline.accord"), p);
        const Project loaded = loadProject(path("offline.accord"));
        QVERIFY(loaded.tracks[0].clips[0].offline);
        QVERIFY(!loaded.tracks[0].clips[1].offline);
        QCOMPARE(loaded.offlineMedia.size(), std::size_t{1});
        QVERIFY(QString::fromStdString(loaded.offlineMedia[0]).contains("gone.wav not found"));
    }

    void aFailedSaveLeavesThePreviousSaveIntact() {
        const std::string file = path("keep.accord");
        saveProject(file, sample());
        const std::string before = readWholeFile(file);
        Project broken = sample();
        broken.tracks[0].clips[0].length = -5;
        QVERIFY_EXCEPTION_THROWN(saveProject(file, broken), BadInput);
        QCOMPARE(readWholeFile(file), before);
        QVERIFY_EXCEPTION_THROWN(saveProject(path("no/such/folder/x.accord"), sample()), BadInput);
        QCOMPARE(readWholeFile(file), before);
        QVERIFY(QDir(dir.path()).entryList({"*.tmp-*"}).isEmpty());
    }
};

QTEST_GUILESS_MAIN(ProjectTest)
#include "test_project.moc"
