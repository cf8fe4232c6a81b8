// The .accord project file: round trip, broken/newer/older files, offline media, atomic saves.

#include "accord/core/errors.h"
#include "accord/core/files.h"
#include "accord/core/project.h"

#include "test_support.h"

#include <QTemporaryDir>
#include <QtTest>

#include <cerrno>
#include <csignal>
#include <sys/stat.h>
#include <unistd.h>

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
        p.timeSignature = {7, 8};
        p.registry = "studio-key-of-the-registry";
        Track vocals{"t-1", "Vocals", -3.5, -0.25, false, true, "", {}, ""};
        vocals.clips.push_back(
            {"c-1", "a-1", "", "pcm-of-a1", media, 44100, 441, 88200, -1.5, 100, 200, false, ""});
        vocals.clips.push_back(
            {"c-2", "", "r-4", "pcm-of-r4", media, 200000, 0, 1000, 0, 0, 0, false, ""});
        p.tracks.push_back(vocals);
        p.tracks.push_back({"t-2", "Keys", 2, 1, true, false, "/models/bo.accordmodel", {}, ""});
        p.tracks.back().modelTranspose = -12;
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
        QCOMPARE(loaded.tracks[0].clips[1].pcmSha256, std::string("pcm-of-r4"));
        QCOMPARE(loaded.registry, std::string("studio-key-of-the-registry"));
        QCOMPARE(loaded.timeSignature.beats, 7);
        QCOMPARE(loaded.timeSignature.unit, 8);
        QCOMPARE(loaded.tracks[1].model, std::string("/models/bo.accordmodel"));
        QCOMPARE(loaded.tracks[1].modelTranspose, -12.0);
        QCOMPARE(loaded.tracks[0].modelTranspose, 0.0); // absent from the file
        QCOMPARE(loaded.length(), std::int64_t{201000});
        QCOMPARE(loaded.nextTrackId(), std::string("t-3"));
        QCOMPARE(loaded.nextClipId(), std::string("c-3"));
        // Media beside the project is stored relative to it, so the folder can move.
        QVERIFY(readWholeFile(path("song.accord")).find("\"file\": \"take.wav\"") !=
                std::string::npos);
    }

    // EQ, send, master fader, reverb and limiter survive a save; absent they stay absent (off).
    void effectsRoundTrip() {
        Project original = sample();
        original.masterGainDb = -4.5;
        original.reverb = {0.8, 0.3, 0.6, -2};
        original.limiter = {true, -2.5};
        original.tracks[0].eq = TrackEq::standard();
        original.tracks[0].eq->bands[1].gainDb = 6;
        original.tracks[0].eq->bands[2].q = 4;
        original.tracks[0].eq->on = false;
        original.tracks[0].reverbSendDb = -12;
        saveProject(path("fx.accord"), original);
        const Project loaded = loadProject(path("fx.accord"));
        QCOMPARE(loaded.masterGainDb, -4.5);
        QVERIFY(loaded.reverb == original.reverb);
        QVERIFY(loaded.limiter.on);
        QCOMPARE(loaded.limiter.ceilingDbtp, -2.5);
        QVERIFY(loaded.tracks[0].eq.has_value());
        QVERIFY(*loaded.tracks[0].eq == *original.tracks[0].eq);
        QCOMPARE(loaded.tracks[0].eq->bands[0].type, EqBandType::LowShelf);
        QCOMPARE(loaded.tracks[0].eq->bands[3].type, EqBandType::HighShelf);
        QCOMPARE(loaded.tracks[0].reverbSendDb, std::optional<double>(-12));
        QVERIFY(!loaded.tracks[1].eq.has_value());
        QVERIFY(!loaded.tracks[1].reverbSendDb.has_value());

        // Off by default: a project without them writes none of the fields.
        saveProject(path("plain.accord"), sample());
        const std::string plain = readWholeFile(path("plain.accord"));
        for (const char* field :
             {"\"eq\"", "reverb_send_db", "master_gain_db", "\"reverb\"", "\"limiter\""})
            QVERIFY2(plain.find(field) == std::string::npos, field);
        const Project reloaded = loadProject(path("plain.accord"));
        QCOMPARE(reloaded.masterGainDb, 0.0);
        QVERIFY(reloaded.reverb == ReverbSettings());
        QVERIFY(reloaded.limiter == MasterLimiter());
        QVERIFY(!reloaded.limiter.on);
    }

    // Take lanes and the record arm survive a save; absent they stay absent (none, not armed).
    void takesAndArmRoundTrip() {
        Project original = sample();
        Track& vocals = original.tracks[0];
        const Clip first = vocals.clips[0];
        Clip older = first;
        older.id = "c-3";
        older.gainDb = 0;
        older.fadeIn = older.fadeOut = 0;
        Clip newer = older;
        newer.id = "c-4";
        newer.asset = "a-2";
        vocals.takes = {newer, older}; // newest first
        vocals.recordArm = TrackArm{"h-2", 2, 2, true};
        saveProject(path("takes.accord"), original);
        const Project loaded = loadProject(path("takes.accord"));
        QCOMPARE(projectToJson(loaded, path("takes.accord")),
                 projectToJson(original, path("takes.accord")));
        QCOMPARE(loaded.tracks[0].takes.size(), std::size_t{2});
        QCOMPARE(loaded.tracks[0].takes[0].asset, std::string("a-2"));
        QCOMPARE(loaded.tracks[0].takes[1].id, std::string("c-3"));
        QVERIFY(loaded.tracks[0].recordArm == (TrackArm{"h-2", 2, 2, true}));
        QVERIFY(loaded.tracks[1].takes.empty());
        QVERIFY(!loaded.tracks[1].recordArm.has_value());
        // Take ids count: a new clip never takes one.
        QCOMPARE(loaded.nextClipId(), std::string("c-5"));
        const std::string plain =
            (saveProject(path("plain2.accord"), sample()), readWholeFile(path("plain2.accord")));
        for (const char* field : {"\"takes\"", "record_arm"})
            QVERIFY2(plain.find(field) == std::string::npos, field);
    }

    // Comping cuts the sounding clips where the take comes in and places that part of the take,
    // at the take's own timing; fades are kept only at the outer edges.
    void compTakeCutsAndPlaces() {
        Track track;
        track.id = "t-1";
        Clip old{"c-1", "a-1", "", "", "/old.wav", 1000, 50, 9000, -2, 300, 400, false, ""};
        track.clips = {old};
        Clip take{"c-2", "a-2", "", "", "/take.wav", 2000, 0, 6000, 0, 0, 0, false, ""};
        int made = 10;
        const auto newId = [&made] { return "c-" + std::to_string(made++); };
        constexpr std::int64_t kCrossfade = 100;
        // Outside the take: nothing to do.
        QVERIFY(!compTake(track, take, 9000, 9500, kCrossfade, newId));
        QCOMPARE(track.clips.size(), std::size_t{1});
        QVERIFY(compTake(track, take, 3000, 5000, kCrossfade, newId));
        QCOMPARE(track.clips.size(), std::size_t{3});
        const Clip& before = track.clips[0];
        QCOMPARE(before.id, std::string("c-1"));
        QCOMPARE(before.position, std::int64_t{1000});
        QCOMPARE(before.length, std::int64_t{2000} + kCrossfade); // runs on under the take
        QCOMPARE(before.fadeIn, std::int64_t{300});
        QCOMPARE(before.fadeOut, kCrossfade);
        const Clip& after = track.clips[1];
        QCOMPARE(after.id, std::string("c-10"));
        QCOMPARE(after.position, std::int64_t{5000} - kCrossfade);
        // The old media runs on where it was.
        QCOMPARE(after.offset, std::int64_t{50 + 4000} - kCrossfade);
        QCOMPARE(after.length, std::int64_t{5000} + kCrossfade);
        QCOMPARE(after.fadeIn, kCrossfade);
        QCOMPARE(after.fadeOut, std::int64_t{400});
        const Clip& part = track.clips[2];
        QCOMPARE(part.id, std::string("c-11"));
        QCOMPARE(part.file, std::string("/take.wav"));
        QCOMPARE(part.position, std::int64_t{3000});
        QCOMPARE(part.offset, std::int64_t{1000});
        QCOMPARE(part.length, std::int64_t{2000});
        QCOMPARE(part.fadeIn, kCrossfade);
        QCOMPARE(part.fadeOut, kCrossfade);
        QVERIFY(clipComesFromTake(part, take));
        QVERIFY(!clipComesFromTake(after, take));
        // A range past the take is clamped to it: the take's first part replaces the old clip's.
        QVERIFY(compTake(track, take, 0, 2500, kCrossfade, newId));
        std::int64_t covered = 0;
        for (const Clip& clip : track.clips) {
            QVERIFY(clip.position >= 2000 || clip.position + clip.length <= 2000 + kCrossfade);
            if (clipComesFromTake(clip, take))
                covered += clip.length;
        }
        QCOMPARE(covered, std::int64_t{2500});
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
            << "a track: \"id\" must be text";
        QTest::newRow("clip field of the wrong type")
            << "{\"format\": \"accord-project\", \"version\": 2, \"tracks\": [{\"id\": \"t-1\", "
               "\"clips\": [{\"id\": \"c-1\", \"file\": \"x.wav\", \"position\": \"0\", "
               "\"length\": 10}]}]}"
            << "track t-1 clip c-1: \"position\" must be a whole number";
        QTest::newRow("tracks nested in arrays")
            << "{\"format\": \"accord-project\", \"version\": 2, \"tracks\": [[[[{}]]]]}"
            << "\"tracks\" must be a list of objects";
        QTest::newRow("nested a million levels")
            << "{\"format\": \"accord-project\", \"version\": 2, \"tracks\": " +
                   QString(1000000, '[') + QString(1000000, ']') + "}"
            << "nested deeper than 64 levels";
        QTest::newRow("version past 32 bits")
            << "{\"format\": \"accord-project\", \"version\": 4294967297, \"tracks\": []}"
            << "written by a newer Accord (project format 4294967297";
        QTest::newRow("a clip past 24 hours")
            << "{\"format\": \"accord-project\", \"version\": 2, \"tracks\": [{\"id\": \"t-1\", "
               "\"clips\": [{\"id\": \"c-1\", \"file\": \"x.wav\", \"position\": "
               "4147200000, \"length\": 10}]}]}"
            << "must stay within 24 hours";
        QTest::newRow("a length of 2^63-1")
            << "{\"format\": \"accord-project\", \"version\": 2, \"tracks\": [{\"id\": \"t-1\", "
               "\"clips\": [{\"id\": \"c-1\", \"file\": \"x.wav\", \"position\": 0, "
               "\"length\": 9223372036854775807}]}]}"
            << "must stay within 24 hours";
        QTest::newRow("transpose out of range")
            << "{\"format\": \"accord-project\", \"version\": 2, \"tracks\": [{\"id\": \"t-1\", "
               "\"model\": \"m.accordvoice\", \"model_transpose\": 96}]}"
            << "model_transpose 96";
        QTest::newRow("eq band frequency out of range")
            << "{\"format\": \"accord-project\", \"version\": 2, \"tracks\": [{\"id\": \"t-1\", "
               "\"eq\": {\"bands\": [{\"type\": \"peak\", \"frequency_hz\": 5}]}}]}"
            << "track t-1: eq band 1: frequency_hz 5 is outside 20..20000 Hz";
        QTest::newRow("eq band of an unknown type")
            << "{\"format\": \"accord-project\", \"version\": 2, \"tracks\": [{\"id\": \"t-1\", "
               "\"eq\": {\"bands\": [{\"type\": \"notch\"}]}}]}"
            << "track t-1 eq band 1: type 'notch' is not low_shelf, peak or high_shelf";
        QTest::newRow("eq with five bands")
            << "{\"format\": \"accord-project\", \"version\": 2, \"tracks\": [{\"id\": \"t-1\", "
               "\"eq\": {\"bands\": [{}, {}, {}, {}, {}]}}]}"
            << "track t-1: eq has 5 bands, at most 4";
        QTest::newRow("eq gain out of range")
            << "{\"format\": \"accord-project\", \"version\": 2, \"tracks\": [{\"id\": \"t-1\", "
               "\"eq\": {\"bands\": [{\"gain_db\": 30}]}}]}"
            << "track t-1: eq band 1: gain_db 30 is outside -24..24 dB";
        QTest::newRow("eq q of zero")
            << "{\"format\": \"accord-project\", \"version\": 2, \"tracks\": [{\"id\": \"t-1\", "
               "\"eq\": {\"bands\": [{\"q\": 0}]}}]}"
            << "track t-1: eq band 1: q 0 is outside 0.1..18";
        QTest::newRow("send too loud")
            << "{\"format\": \"accord-project\", \"version\": 2, \"tracks\": [{\"id\": \"t-1\", "
               "\"reverb_send_db\": 10}]}"
            << "track t-1: reverb_send_db 10 is outside -96..6 dB";
        QTest::newRow("send of the wrong type")
            << "{\"format\": \"accord-project\", \"version\": 2, \"tracks\": [{\"id\": \"t-1\", "
               "\"reverb_send_db\": \"loud\"}]}"
            << "track t-1: \"reverb_send_db\" must be a number";
        QTest::newRow("master too loud")
            << "{\"format\": \"accord-project\", \"version\": 2, \"master_gain_db\": 20, "
               "\"tracks\": []}"
            << "master_gain_db 20 is outside -96..12 dB";
        QTest::newRow("reverb room out of range")
            << "{\"format\": \"accord-project\", \"version\": 2, \"reverb\": {\"room_size\": "
               "1.5}, \"tracks\": []}"
            << "reverb room_size 1.5 is outside 0..1";
        QTest::newRow("limiter ceiling out of range")
            << "{\"format\": \"accord-project\", \"version\": 2, \"limiter\": {\"on\": true, "
               "\"ceiling_dbtp\": 3}, \"tracks\": []}"
            << "limiter ceiling_dbtp 3 is outside -20..0 dBTP";
        QTest::newRow("limiter switch not a flag")
            << "{\"format\": \"accord-project\", \"version\": 2, \"limiter\": {\"on\": "
               "\"yes\"}, \"tracks\": []}"
            << "limiter: \"on\" must be";
        QTest::newRow("format 3 without a metre")
            << "{\"format\": \"accord-project\", \"version\": 3, \"tracks\": []}"
            << "time_signature";
        QTest::newRow("odd unit")
            << "{\"format\": \"accord-project\", \"version\": 3, \"time_signature\": "
               "{\"beats\": 5, \"unit\": 3}, \"tracks\": []}"
            << "time signature 5/3 is not one of";
        QTest::newRow("no beats")
            << "{\"format\": \"accord-project\", \"version\": 3, \"time_signature\": "
               "{\"beats\": 0, \"unit\": 4}, \"tracks\": []}"
            << "time signature 0/4";
        QTest::newRow("bad rate") << "{\"format\": \"accord-project\", \"version\": 1, "
                                     "\"sample_rate\": 5, \"tracks\": []}"
                                  << "sample rate 5 Hz";
        QTest::newRow("a take with a repeated id")
            << "{\"format\": \"accord-project\", \"version\": 3, \"time_signature\": "
               "{\"beats\": 4, \"unit\": 4}, \"tracks\": [{\"id\": \"t-1\", \"clips\": "
               "[{\"id\": \"c-1\", \"file\": \"x.wav\", \"position\": 0, \"length\": 10}], "
               "\"takes\": [{\"id\": \"c-1\", \"file\": \"x.wav\", \"position\": 0, "
               "\"length\": 10}]}]}"
            << "track t-1 take c-1: missing or repeated id";
        QTest::newRow("a take of no length")
            << "{\"format\": \"accord-project\", \"version\": 2, \"tracks\": [{\"id\": \"t-1\", "
               "\"takes\": [{\"id\": \"c-2\", \"file\": \"x.wav\", \"position\": 0, "
               "\"length\": 0}]}]}"
            << "track t-1 take c-2: length must be positive";
        QTest::newRow("record arm of three channels")
            << "{\"format\": \"accord-project\", \"version\": 2, \"tracks\": [{\"id\": \"t-1\", "
               "\"record_arm\": {\"performer\": \"h-1\", \"channels\": 3}}]}"
            << "track t-1: record_arm channels 3 is not 1 or 2";
        QTest::newRow("record arm without a performer")
            << "{\"format\": \"accord-project\", \"version\": 2, \"tracks\": [{\"id\": \"t-1\", "
               "\"record_arm\": {\"input\": 0}}]}"
            << "record_arm: \"performer\"";
        QTest::newRow("record arm on a negative input")
            << "{\"format\": \"accord-project\", \"version\": 2, \"tracks\": [{\"id\": \"t-1\", "
               "\"record_arm\": {\"performer\": \"h-1\", \"input\": -5}}]}"
            << "record_arm input -5 is outside 0..1023";
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

    // A newer Accord may add fields; saving here keeps them where they were.
    void unknownFieldsSurviveASave() {
        const std::string file = path("newer.accord");
        writeFileAtomically(
            file, "{\"format\": \"accord-project\", \"version\": 2, \"key\": \"F minor\", "
                  "\"tracks\": [{\"id\": \"t-1\", \"colour\": \"#ff0000\", \"clips\": [{\"id\": "
                  "\"c-1\", \"file\": \"x.wav\", \"position\": 0, \"length\": 10, \"loop\": "
                  "{\"times\": 2}}]}]}");
        Project project = loadProject(file);
        project.tempo = 100;
        saveProject(file, project);
        const std::string saved = readWholeFile(file);
        for (const char* kept : {"\"key\": \"F minor\"", "\"colour\": \"#ff0000\"", "\"times\": 2"})
            QVERIFY2(saved.find(kept) != std::string::npos, kept);
        QCOMPARE(loadProject(file).tempo, 100.0);
    }

    // Formats 1 and 2 had no metre and drew a 4/4 grid: they load as 4/4 and save as format 3.
    void olderFormatsMigrateTo44() {
        const std::string file = path("v2.accord");
        writeFileAtomically(file, "{\"format\": \"accord-project\", \"version\": 2, "
                                  "\"tempo\": 90, \"tracks\": []}");
        Project project = loadProject(file);
        QCOMPARE(project.timeSignature.beats, 4);
        QCOMPARE(project.timeSignature.unit, 4);
        saveProject(file, project);
        const std::string saved = readWholeFile(file);
        QVERIFY(saved.find("\"version\": 3") != std::string::npos);
        QVERIFY(saved.find("\"time_signature\"") != std::string::npos);
        QCOMPARE(loadProject(file).tempo, 90.0);
    }

    // Beats of the signature's unit at a tempo in quarter notes; every sample lies in exactly
    // one beat, also where a beat's length is not a whole number of samples.
    void metreCountsBeatsOfTheUnit() {
        const Metre waltz = projectMetre(48000, 120, {3, 4});
        QCOMPARE(waltz.samplesPerBeat, 24000.0);
        QCOMPARE(waltz.samplesPerBar(), 72000.0);
        const Metre eighths = projectMetre(48000, 120, {6, 8});
        QCOMPARE(eighths.samplesPerBeat, 12000.0);
        QCOMPARE(eighths.beatsPerBar, 6);
        const Metre odd = projectMetre(44100, 97.3, {7, 8});
        for (std::int64_t beat = -3; beat < 2000; ++beat) {
            const std::int64_t start = odd.beatStart(beat);
            QCOMPARE(odd.beatAt(start), beat);
            QCOMPARE(odd.beatAt(start - 1), beat - 1);
            QCOMPARE(odd.beatAt(odd.beatStart(beat + 1) - 1), beat);
        }
        QCOMPARE(timeSignatureText({6, 8}), std::string("6/8"));
    }

    // A pipe or a device named as a project is refused at once, never read until it ends.
    void onlyRegularFilesAreRead() {
        const std::string fifo = path("pipe.accord");
        QCOMPARE(::mkfifo(fifo.c_str(), 0600), 0);
        QVERIFY_THROWS_EXCEPTION(BadInput, loadProject(fifo));
        const std::string zero = path("zero.accord");
        QCOMPARE(::symlink("/dev/zero", zero.c_str()), 0);
        try {
            loadProject(zero);
            QFAIL("/dev/zero was read as a project");
        } catch (const BadInput& e) {
            QVERIFY2(QString(e.what()).contains("not a regular file"), e.what());
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

    // What a killed process left (its temporary file) is cleared by the next save; what a live
    // one is writing is left alone.
    void aKilledSavesLeftoversAreCleared() {
        const long gone = accord::test::deadProcessId();
        QVERIFY(gone != 0);
        const std::string file = path("left.accord");
        const std::string stale = file + ".tmp-" + std::to_string(gone);
        const std::string live = file + ".tmp-" + std::to_string(::getppid());
        writeFileAtomically(stale, "half a project");
        writeFileAtomically(live, "being written");
        saveProject(file, sample());
        QVERIFY(!fileExists(stale));
        QVERIFY(fileExists(live));
        QVERIFY(QFile::remove(QString::fromStdString(live)));
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
