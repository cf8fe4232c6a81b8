// Identification on real recordings (docs/IDENTIFY.md): a registered recording is found inside
// excerpts at the right offsets, also mixed under another track, sped up and pitch-shifted (sox
// makes the queries); unrelated audio matches nothing; bad input is named; a rebuilt index equals
// the one built as recordings arrived; a recording used twice in a long file is found twice; an
// import holding another holder's recording is flagged and carries it in its lineage, so the
// export gate asks that holder and the split sheet credits them.

#include "accord/audio/audio_file.h"
#include "accord/core/errors.h"
#include "accord/core/provenance.h"
#include "accord/core/registry.h"
#include "accord/dsp/fingerprint.h"
#include "accord/workflows/identify.h"
#include "accord/workflows/import.h"

#include "near_match_hashes.h"
#include "test_support.h"

#include <QFile>
#include <QTemporaryDir>
#include <QtTest>
#include <sqlite3.h>

#include <sys/stat.h>

#include <algorithm>
#include <functional>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <tuple>

namespace {

using accord::workflows::IdentifiedRecording;
using accord::workflows::identifyFile;

const QString kDesert = "hyperrogue/hr3-desert.ogg";
const QString kJungle = "hyperrogue/hr3-jungle.ogg";
const QString kCaves = "hyperrogue/hr3-caves.ogg";
const QString kOcean = "hyperrogue/hr-savino-ocean.ogg";
const QString kHell = "hyperrogue/hr3-hell.ogg";     // never registered
const QString kMirror = "hyperrogue/hr3-mirror.ogg"; // never registered
const QString kSpeech = "fillets-cs/airplane/cs/let-v-oko.ogg";

struct Studio {
    QTemporaryDir dir;
    std::unique_ptr<accord::Registry> registry;
    std::unique_ptr<accord::FingerprintIndex> index;
    std::string ana, ben;
    std::map<QString, std::string> assets; // material path -> asset id

    Studio() {
        registry = accord::Registry::open(dir.filePath("registry.sqlite").toStdString());
        ana = registry->addHolder("Ana Folk", "").id;
        ben = registry->addHolder("Ben Drum", "").id;
        index = accord::workflows::openFingerprintIndex(*registry);
    }
    void add(const QString& material, const std::string& owner) {
        const QString file = accord::test::materialFile(material);
        assets[material] =
            accord::workflows::registerRecording(*registry, file.toStdString(), owner,
                                                 accord::AssetOrigin::Recorded, "")
                .asset.id;
    }
    QString path(const QString& name) const { return dir.filePath(name); }
    std::vector<IdentifiedRecording> identify(const QString& file) {
        accord::workflows::updateFingerprintIndex(*registry, *index);
        return identifyFile(*registry, *index, file.toStdString());
    }
};

bool haveMaterial() {
    for (const QString& m : {kDesert, kJungle, kCaves, kOcean, kHell, kMirror, kSpeech})
        if (accord::test::materialFile(m).isEmpty())
            return false;
    return true;
}

// `soxArgs` applied to the material file into `out` (a 44.1 kHz stereo WAV).
QString makeQuery(const Studio& studio, const QString& name, const QString& material,
                  const QStringList& effects) {
    const QString out = studio.path(name);
    if (!accord::test::runTool("sox", QStringList{accord::test::materialFile(material), "-r",
                                                  "44100", "-c", "2", out} +
                                          effects))
        return {};
    return out;
}

} // namespace

class TestIdentify : public QObject {
    Q_OBJECT

    std::unique_ptr<Studio> studio;

private slots:
    void initTestCase() {
        if (!haveMaterial())
            QSKIP("hyperrogue and fillets-cs recordings missing: run scripts/fetch-material.sh");
        studio = std::make_unique<Studio>();
        studio->add(kDesert, studio->ana);
        studio->add(kJungle, studio->ana);
        studio->add(kOcean, studio->ben);
    }

    void excerptFoundAtItsOffsets() {
        // 5 s from 40 s into the recording, placed 3 s into the file.
        const QString query =
            makeQuery(*studio, "excerpt.wav", kDesert, {"trim", "40", "5", "pad", "3", "2"});
        QVERIFY(!query.isEmpty());
        const auto found = studio->identify(query);
        QCOMPARE(int(found.size()), 1);
        const IdentifiedRecording& r = found.front();
        QCOMPARE(r.id, studio->assets[kDesert]);
        QCOMPARE(r.owner, studio->ana);
        QCOMPARE(r.ownerName, std::string("Ana Folk"));
        QVERIFY2(std::abs(r.fileOffset - 3) < 0.5, qPrintable(QString::number(r.fileOffset)));
        QVERIFY2(std::abs(r.recordingOffset - 40) < 0.5,
                 qPrintable(QString::number(r.recordingOffset)));
        QVERIFY2(r.seconds > 3.5 && r.seconds < 5.5, qPrintable(QString::number(r.seconds)));
        QVERIFY(std::abs(r.speed - 1) < 0.01);
        QVERIFY(std::abs(r.pitchSemitones) < 0.1);
        QVERIFY(r.confidence > 0.5 && r.confidence <= 1);
    }

    void changedExcerptsFound_data() {
        QTest::addColumn<QStringList>("effects");
        QTest::addColumn<double>("speed");
        QTest::addColumn<double>("pitch");
        QTest::newRow("speed +5%")
            << QStringList{"trim", "60", "5.5", "speed", "1.05"} << 1.05 << 0.845;
        QTest::newRow("speed -5%")
            << QStringList{"trim", "60", "5.5", "speed", "0.95"} << 0.95 << -0.888;
        QTest::newRow("pitch +1") << QStringList{"trim", "60", "5", "pitch", "100"} << 1.0 << 1.0;
        QTest::newRow("pitch -1") << QStringList{"trim", "60", "5", "pitch", "-100"} << 1.0 << -1.0;
        QTest::newRow("tempo +10%")
            << QStringList{"trim", "60", "5.5", "tempo", "1.1"} << 1.1 << 0.0;
        QTest::newRow("tempo -10%") << QStringList{"trim", "60", "5", "tempo", "0.9"} << 0.9 << 0.0;
    }
    void changedExcerptsFound() {
        QFETCH(QStringList, effects);
        QFETCH(double, speed);
        QFETCH(double, pitch);
        const QString query = makeQuery(*studio, "changed.wav", kJungle, effects);
        QVERIFY(!query.isEmpty());
        const auto found = studio->identify(query);
        QVERIFY(!found.empty());
        const IdentifiedRecording& r = found.front();
        QCOMPARE(r.id, studio->assets[kJungle]);
        QVERIFY2(std::abs(r.speed - speed) < 0.02, qPrintable(QString::number(r.speed)));
        QVERIFY2(std::abs(r.pitchSemitones - pitch) < 0.25,
                 qPrintable(QString::number(r.pitchSemitones)));
        QVERIFY2(std::abs(r.recordingOffset - 60) < 0.6,
                 qPrintable(QString::number(r.recordingOffset)));
    }

    void mixedExcerptFound() {
        // Ben's track at equal level with one never registered.
        const QString own =
            makeQuery(*studio, "own.wav", kOcean, {"trim", "30", "5", "norm", "-6"});
        const QString other =
            makeQuery(*studio, "other.wav", kHell, {"trim", "20", "5", "norm", "-6"});
        const QString mix = studio->path("mix.wav");
        QVERIFY(accord::test::runTool("sox", {"-m", own, other, mix}));
        const auto found = studio->identify(mix);
        QVERIFY(!found.empty());
        QCOMPARE(found.front().id, studio->assets[kOcean]);
        QCOMPARE(found.front().owner, studio->ben);
        QVERIFY(std::abs(found.front().recordingOffset - 30) < 0.6);
    }

    void unrelatedAudioMatchesNothing_data() {
        QTest::addColumn<QString>("material");
        QTest::addColumn<QStringList>("effects");
        for (int start : {10, 30, 50, 70})
            QTest::addRow("hell %d s", start)
                << kHell << QStringList{"trim", QString::number(start), "5"};
        for (int start : {15, 35, 55})
            QTest::addRow("mirror %d s", start)
                << kMirror << QStringList{"trim", QString::number(start), "10"};
        QTest::newRow("speech") << kSpeech << QStringList{};
        QTest::newRow("caves whole") << kCaves << QStringList{};
    }
    void unrelatedAudioMatchesNothing() {
        QFETCH(QString, material);
        QFETCH(QStringList, effects);
        const QString query = makeQuery(*studio, "unrelated.wav", material, effects);
        QVERIFY(!query.isEmpty());
        const auto found = studio->identify(query);
        QVERIFY2(found.empty(), found.empty() ? "" : found.front().id.c_str());
    }

    void badInputNamed() {
        const QString text = studio->path("notes.wav");
        QFile file(text);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("not audio at all\n");
        file.close();
        for (const QString& bad : {text, studio->path("missing.wav")}) {
            try {
                studio->identify(bad);
                QFAIL("no error");
            } catch (const accord::BadInput& e) {
                QVERIFY2(QString::fromUtf8(e.what()).contains(bad), e.what());
            }
        }
    }

    void commonHashesSkipped() {
        // A hash given more landmarks than the cap yields nothing, also when they come from
        // several recordings and when a recording brings more after it was stopped; a rarer one
        // all its rows. Replacing a recording takes its landmarks out of the counts.
        QTemporaryDir dir;
        constexpr int cap = 5;
        auto index = accord::FingerprintIndex::open(dir.filePath("x.fingerprints").toStdString(),
                                                    accord::dsp::fingerprint::kVersion, cap);
        auto rowsOf = [&](std::uint32_t hash) {
            int rows = 0;
            index->lookup(
                {hash}, [&](std::size_t, std::int64_t, const accord::IndexedLandmark&) { ++rows; });
            return rows;
        };
        auto landmarks = [](std::uint32_t hash, std::uint32_t count) {
            std::vector<accord::IndexedLandmark> all;
            for (std::uint32_t frame = 0; frame < count; ++frame)
                all.push_back({hash, frame, 10, 0});
            return all;
        };
        index->add(accord::IndexedKind::Asset, "a", "", 1, landmarks(7, 3));
        index->add(accord::IndexedKind::Asset, "b", "", 1, landmarks(7, 2));
        QCOMPARE(rowsOf(7), cap);
        index->add(accord::IndexedKind::Asset, "b", "", 1, landmarks(7, 2)); // replaced
        QCOMPARE(rowsOf(7), cap);
        index->add(accord::IndexedKind::Asset, "c", "", 1, landmarks(7, 1));
        QCOMPARE(rowsOf(7), 0);
        index->add(accord::IndexedKind::Asset, "d", "", 1, landmarks(7, 1));
        QCOMPARE(rowsOf(7), 0);
        std::vector<accord::IndexedLandmark> mixed = landmarks(8, cap + 1);
        mixed.push_back({9, 3, 10, 0});
        mixed.push_back({9, 4, 10, 0});
        index->add(accord::IndexedKind::Asset, "e", "", 1, mixed);
        std::vector<std::uint32_t> found;
        index->lookup({8, 9, 7}, [&](std::size_t i, std::int64_t, const accord::IndexedLandmark&) {
            found.push_back(std::uint32_t(i));
        });
        QCOMPARE(found, (std::vector<std::uint32_t>{1, 1}));
        // A recording longer than one batch writes its rows at once (not pending), and they count
        // as well, also once it is replaced.
        std::vector<accord::IndexedLandmark> longOne = landmarks(11, 3);
        for (std::uint32_t hash = 1000; hash < 1000 + (1 << 16); ++hash)
            longOne.push_back({hash, 0, 10, 0});
        index->add(accord::IndexedKind::Asset, "long", "", 1, longOne);
        index->add(accord::IndexedKind::Asset, "f", "", 1, landmarks(11, 2));
        QCOMPARE(rowsOf(11), cap);
        index->add(accord::IndexedKind::Asset, "long", "", 1, landmarks(12, 1)); // replaced
        index->add(accord::IndexedKind::Asset, "g", "", 1, landmarks(11, 3));
        QCOMPARE(rowsOf(11), cap);
        index->add(accord::IndexedKind::Asset, "h", "", 1, landmarks(11, 1));
        QCOMPARE(rowsOf(11), 0);
    }

    void indexOfAnotherVersionEmptied() {
        // Landmarks of another fingerprint version, or kept under another cap, would not match
        // this version's queries.
        QTemporaryDir dir;
        const std::string path = dir.filePath("x.fingerprints").toStdString();
        const int version = accord::dsp::fingerprint::kVersion;
        const int cap = accord::dsp::fingerprint::kMaxRowsPerHash;
        accord::FingerprintIndex::open(path, version, cap)
            ->add(accord::IndexedKind::Asset, "a", "", 1, {{7, 0, 10, 0}});
        QCOMPARE(int(accord::FingerprintIndex::open(path, version, cap)->recordings().size()), 1);
        QVERIFY(accord::FingerprintIndex::open(path, version, cap + 1)->recordings().empty());
        accord::FingerprintIndex::open(path, version, cap)
            ->add(accord::IndexedKind::Asset, "a", "", 1, {{7, 0, 10, 0}});
        const auto newer = accord::FingerprintIndex::open(path, version + 1, cap);
        QVERIFY(newer->recordings().empty());
        QVERIFY(newer->dump().empty());
        newer->add(accord::IndexedKind::Asset, "b", "", 1, {{7, 0, 10, 0}});
        QCOMPARE(int(accord::FingerprintIndex::open(path, version + 1, cap)->recordings().size()),
                 1);
    }

    void lookupFileGivesTheRowsSqliteGives() {
        // The lookup file beside the index (docs/IDENTIFY.md "The lookup file") gives, hash by
        // hash and in the same order, exactly the rows SQLite gives: before it is made (SQLite
        // answers while the worker makes it), after it is made, after a few recordings more
        // (their rows added to the file's, the replaced hashes read from SQLite, the file kept),
        // through a second handle open at the same time and writing, once the changes pass its
        // share (the old file and the changes answer while the worker makes it again) and after;
        // stopped hashes, replaced recordings and hashes asked twice or never stored included.
        QTemporaryDir dir;
        const std::string path = dir.filePath("x.fingerprints").toStdString();
        constexpr int cap = 5;
        const int version = accord::dsp::fingerprint::kVersion;
        // The hash's lowest bits as the fingerprint's register: neighbours share a bucket.
        const int neighbourBits = accord::dsp::fingerprint::kRegisterBits;
        auto index = accord::FingerprintIndex::open(path, version, cap, neighbourBits);
        std::mt19937 random(14);
        // Spread over 29 bits as the fingerprint's hashes are, and few enough to collide; in
        // fours that differ only in their lowest bits, as the register cells a query asks.
        auto hashOf = [&](std::uint32_t n) {
            return ((n / 4 * 104729u) << neighbourBits | (n % 4) * 3) & 0x1fffffffu;
        };
        auto recording = [&](std::uint32_t landmarks) {
            std::vector<accord::IndexedLandmark> all;
            for (std::uint32_t i = 0; i < landmarks; ++i)
                all.push_back({hashOf(random() % 3000), std::uint32_t(random() % 5000),
                               std::uint16_t(4 + random() % 44),
                               std::int16_t(int(random() % 6000) - 3000)});
            return all;
        };
        std::vector<std::uint32_t> asked;
        for (std::uint32_t n = 0; n < 3100; ++n)
            asked.push_back(hashOf(n));
        asked.insert(asked.end(), asked.begin(), asked.begin() + 500);
        std::shuffle(asked.begin(), asked.end(), random);
        const std::string lookupFile = accord::FingerprintIndex::lookupFilePath(path);
        auto sameRows = [&](const accord::FingerprintIndex& from) {
            using Row = std::tuple<std::size_t, std::int64_t, std::uint32_t, std::uint32_t,
                                   std::uint16_t, std::int16_t>;
            std::vector<Row> mapped, stored;
            auto into = [](std::vector<Row>& rows) {
                return [&rows](std::size_t i, std::int64_t r, const accord::IndexedLandmark& l) {
                    rows.emplace_back(i, r, l.hash, l.frame, l.span, l.pitchCents);
                };
            };
            from.lookup(asked, into(mapped));
            from.lookupInSqlite(asked, into(stored));
            return !stored.empty() && mapped == stored;
        };
        auto fileIdentity = [&] {
            struct stat info {};
            return ::stat(lookupFile.c_str(), &info) == 0 ? info.st_ino : ino_t(0);
        };
        for (int r = 0; r < 20; ++r)
            index->add(accord::IndexedKind::Asset, "r" + std::to_string(r), "", 1, recording(900));
        QVERIFY(sameRows(*index)); // no file yet: SQLite answered, the worker makes it
        accord::FingerprintIndex::waitForLookupFiles();
        const ino_t made = fileIdentity();
        QVERIFY(made != 0);
        QVERIFY(sameRows(*index));
        index->add(accord::IndexedKind::Asset, "late", "", 1, recording(10));
        index->add(accord::IndexedKind::Asset, "r3", "", 1, recording(30)); // replaced
        QVERIFY(sameRows(*index));
        accord::FingerprintIndex::waitForLookupFiles();
        QCOMPARE(fileIdentity(), made); // the few changed hashes came from SQLite
        // Another handle (another process) reads the same file and the same changes, and writes
        // while the first one keeps its mapping.
        auto second = accord::FingerprintIndex::open(path, version, cap, neighbourBits);
        QVERIFY(sameRows(*second));
        second->add(accord::IndexedKind::Asset, "late", "", 1, recording(20)); // replaced
        second->add(accord::IndexedKind::Asset, "second", "", 1, recording(20));
        QVERIFY(sameRows(*index));
        QVERIFY(sameRows(*second));
        QCOMPARE(fileIdentity(), made);
        for (int r = 20; r < 30; ++r)
            index->add(accord::IndexedKind::Asset, "r" + std::to_string(r), "", 1, recording(900));
        // A small index keeps its file until 65 536 distinct hashes changed (docs/IDENTIFY.md
        // "The lookup file"): a recording of more, none of them asked.
        std::vector<accord::IndexedLandmark> wide;
        for (std::uint32_t n = 3100; n < 3100 + 70000; ++n)
            wide.push_back({hashOf(n), n, 10, 0});
        index->add(accord::IndexedKind::Asset, "wide", "", 1, wide);
        // Too many changes: the old file and the changes answer. A one-shot process's lookups
        // leave the file as it is (the indexing path makes it again: test_identify_cli); in a
        // long-lived one (the studio) they ask the worker to make it again.
        QVERIFY(sameRows(*index));
        QVERIFY(sameRows(*second));
        accord::FingerprintIndex::waitForLookupFiles();
        QCOMPARE(fileIdentity(), made);
        accord::FingerprintIndex::remakeStaleLookupFilesOnLookups(true);
        QVERIFY(sameRows(*index));
        accord::FingerprintIndex::waitForLookupFiles();
        accord::FingerprintIndex::remakeStaleLookupFilesOnLookups(false);
        QVERIFY(fileIdentity() != made);
        QVERIFY(sameRows(*second)); // still mapping the old file, or taking the new one
        QVERIFY(sameRows(*index));
        second->add(accord::IndexedKind::Asset, "r7", "", 1, recording(100));
        QVERIFY(sameRows(*index));
        QVERIFY(sameRows(*second));
        index->clear();
        for (const auto* handle : {index.get(), second.get()}) {
            std::size_t rows = 0;
            handle->lookup(asked, [&](std::size_t, std::int64_t, const auto&) { ++rows; });
            QCOMPARE(rows, std::size_t(0));
        }
    }

    void staleLookupFileJudgedByItsDistinctChangedHashes() {
        // After indexing, the lookup file is made again once the distinct hashes changed since it
        // pass a sixteenth of its rows and 65 536 (what a small index keeps), counted without
        // reading the changes into memory (docs/IDENTIFY.md "The lookup file"): recordings
        // changing the same hashes over and over leave it, and so do fewer distinct hashes than
        // that; more make it again.
        QTemporaryDir dir;
        const std::string path = dir.filePath("x.fingerprints").toStdString();
        const std::string lookupFile = accord::FingerprintIndex::lookupFilePath(path);
        auto index = accord::FingerprintIndex::open(path, accord::dsp::fingerprint::kVersion,
                                                    accord::dsp::fingerprint::kMaxRowsPerHash);
        auto landmarks = [](std::uint32_t firstHash, std::uint32_t hashes) {
            std::vector<accord::IndexedLandmark> all;
            for (std::uint32_t h = 0; h < hashes; ++h)
                all.push_back({firstHash + h, h, 10, 0});
            return all;
        };
        auto renewed = [&] {
            index->renewLookupFileIfStale();
            accord::FingerprintIndex::waitForLookupFiles();
            struct stat info {};
            return ::stat(lookupFile.c_str(), &info) == 0 ? info.st_ino : ino_t(0);
        };
        index->add(accord::IndexedKind::Asset, "base", "", 1, landmarks(1 << 20, 1600));
        const ino_t made = renewed(); // none yet: made, of 1600 rows (a share of 100 hashes)
        QVERIFY(made != 0);
        for (int r = 0; r < 7; ++r) // 70 000 hashes changed, 10 000 of them distinct
            index->add(accord::IndexedKind::Asset, "same-" + std::to_string(r), "", 1,
                       landmarks(0, 10000));
        QCOMPARE(renewed(), made);
        index->add(accord::IndexedKind::Asset, "more", "", 1, landmarks(1 << 16, 50000));
        QCOMPARE(renewed(), made); // 60 000 distinct: past the share, not past 65 536
        index->add(accord::IndexedKind::Asset, "past", "", 1, landmarks(1 << 18, 6000));
        QVERIFY(renewed() != made); // 66 000
    }

    void indexOfTheFirstLayoutMigrated() {
        // An index written before changes kept their added rows (layout 0: `changes` holds only
        // the changed hashes) is migrated in place: its lookup file and its changes stay in use,
        // every hash of an old change read from SQLite as before, and the lookups give SQLite's
        // rows. A layout newer than this build's is refused, the file named.
        QTemporaryDir dir;
        const std::string path = dir.filePath("x.fingerprints").toStdString();
        const std::string lookupFile = accord::FingerprintIndex::lookupFilePath(path);
        const int version = accord::dsp::fingerprint::kVersion;
        constexpr int cap = 5;
        std::mt19937 random(15);
        auto recording = [&](std::uint32_t landmarks) {
            std::vector<accord::IndexedLandmark> all;
            for (std::uint32_t i = 0; i < landmarks; ++i)
                all.push_back({std::uint32_t(random() % 2000) << 12, std::uint32_t(random() % 5000),
                               std::uint16_t(4 + random() % 44), std::int16_t(random() % 700)});
            return all;
        };
        std::vector<std::uint32_t> asked;
        for (std::uint32_t n = 0; n < 2100; ++n)
            asked.push_back(n << 12);
        auto rowsOf = [&](const accord::FingerprintIndex& from, bool mapped) {
            std::vector<std::tuple<std::size_t, std::int64_t, std::uint32_t, std::uint32_t,
                                   std::uint16_t, std::int16_t>>
                rows;
            auto found = [&](std::size_t i, std::int64_t r, const accord::IndexedLandmark& l) {
                rows.emplace_back(i, r, l.hash, l.frame, l.span, l.pitchCents);
            };
            mapped ? from.lookup(asked, found) : from.lookupInSqlite(asked, found);
            return rows;
        };
        auto execute = [&](const char* sql) {
            sqlite3* db = nullptr;
            const int result = sqlite3_open(path.c_str(), &db) == SQLITE_OK
                                   ? sqlite3_exec(db, sql, nullptr, nullptr, nullptr)
                                   : SQLITE_ERROR;
            sqlite3_close(db);
            return result == SQLITE_OK;
        };
        {
            auto index = accord::FingerprintIndex::open(path, version, cap);
            for (int r = 0; r < 10; ++r)
                index->add(accord::IndexedKind::Asset, "r" + std::to_string(r), "", 1,
                           recording(300));
            QVERIFY(index->remakeLookupFile());
            index->add(accord::IndexedKind::Asset, "late", "", 1, recording(10));
            index->dump(); // every row written into the landmarks, as the first layout did
        }
        // As the first layout wrote it: the change above holds its hashes only.
        QVERIFY(execute("DROP TABLE hash_counts; ALTER TABLE changes DROP COLUMN stopped; ALTER "
                        "TABLE changes DROP COLUMN "
                        "replaced; ALTER TABLE changes DROP "
                        "COLUMN rows; DELETE FROM meta WHERE key = 'merged_through'; PRAGMA "
                        "user_version = 0;"));
        struct stat before {};
        QCOMPARE(::stat(lookupFile.c_str(), &before), 0);
        {
            auto index = accord::FingerprintIndex::open(path, version, cap);
            QCOMPARE(int(index->recordings().size()), 11);
            const auto stored = rowsOf(*index, false);
            QVERIFY(!stored.empty());
            QCOMPARE(rowsOf(*index, true), stored);
            index->add(accord::IndexedKind::Asset, "later", "", 1, recording(10));
            index->add(accord::IndexedKind::Asset, "late", "", 1, recording(10)); // replaced
            QCOMPARE(rowsOf(*index, true), rowsOf(*index, false));
            accord::FingerprintIndex::waitForLookupFiles();
            struct stat after {};
            QCOMPARE(::stat(lookupFile.c_str(), &after), 0);
            QCOMPARE(after.st_ino, before.st_ino); // the old file still answers
        }
        QVERIFY(execute("PRAGMA user_version = 99;"));
        try {
            accord::FingerprintIndex::open(path, version, cap);
            QFAIL("an index of a newer layout was opened");
        } catch (const accord::BadInput& e) {
            QVERIFY(std::string(e.what()).find(path) != std::string::npos);
            QVERIFY(std::string(e.what()).find("newer") != std::string::npos);
        }
    }

    void damagedLookupFileMadeAgain() {
        // A lookup file cut short, overwritten, damaged in place under a handle that maps it, or
        // made for another index is found out (SQLite answers) and made again from SQLite on the
        // worker: never a wrong row, never a crash.
        QTemporaryDir dir;
        const std::string path = dir.filePath("x.fingerprints").toStdString();
        const std::string lookupFile = accord::FingerprintIndex::lookupFilePath(path);
        const int version = accord::dsp::fingerprint::kVersion;
        auto index = accord::FingerprintIndex::open(path, version, 5);
        std::vector<accord::IndexedLandmark> landmarks;
        std::vector<std::uint32_t> asked;
        for (std::uint32_t i = 0; i < 4000; ++i) {
            landmarks.push_back({(i % 2000) << 12, i, 10, std::int16_t(i % 700)});
            asked.push_back((i % 2100) << 12);
        }
        index->add(accord::IndexedKind::Asset, "a", "", 1, landmarks);
        index->add(accord::IndexedKind::Render, "b", "", 1, landmarks);
        auto rowsOf = [&](const accord::FingerprintIndex& from, bool mapped) {
            std::vector<std::tuple<std::size_t, std::int64_t, std::uint32_t, std::uint32_t>> rows;
            auto found = [&](std::size_t i, std::int64_t r, const accord::IndexedLandmark& l) {
                rows.emplace_back(i, r, l.hash, l.frame);
            };
            mapped ? from.lookup(asked, found) : from.lookupInSqlite(asked, found);
            return rows;
        };
        const auto expected = rowsOf(*index, false);
        QVERIFY(!expected.empty());
        QCOMPARE(rowsOf(*index, true), expected);
        accord::FingerprintIndex::waitForLookupFiles();
        QCOMPARE(rowsOf(*index, true), expected);
        QFile file(QString::fromStdString(lookupFile));
        const qint64 size = file.size();
        QVERIFY(size > 4000 * 12);

        auto damage = [&](const std::function<void(QFile&)>& how) {
            accord::FingerprintIndex::waitForLookupFiles(); // the file made again, damaged again
            QVERIFY(file.open(QIODevice::ReadWrite));
            how(file);
            file.close();
        };
        // Bytes of rows, of the directory and of the header changed in place, under the handle
        // that maps the file, then read by a new handle.
        for (const qint64 at : {size - 100, size / 2, qint64(200), qint64(20)}) {
            damage([&](QFile& f) {
                f.seek(at);
                const QByteArray was = f.read(4);
                f.seek(at);
                f.write(QByteArray(4, char(~was[0])));
            });
            QCOMPARE(rowsOf(*index, true), expected);
            QCOMPARE(rowsOf(*accord::FingerprintIndex::open(path, version, 5), true), expected);
        }
        index.reset(); // (a file cut short under a mapping would fault its reader: the index only
                       // ever replaces the file)
        damage([&](QFile& f) { f.resize(size / 2); });
        QCOMPARE(rowsOf(*accord::FingerprintIndex::open(path, version, 5), true), expected);
        accord::FingerprintIndex::waitForLookupFiles();
        QCOMPARE(file.size(), size);
        // Garbage of the same length, and another index's file.
        damage([&](QFile& f) { f.write(QByteArray(int(size), 'x')); });
        QCOMPARE(rowsOf(*accord::FingerprintIndex::open(path, version, 5), true), expected);
        const std::string otherPath = dir.filePath("y.fingerprints").toStdString();
        auto other = accord::FingerprintIndex::open(otherPath, version, 5);
        other->add(accord::IndexedKind::Asset, "a", "", 1, {{1u << 12, 3, 10, 0}});
        QCOMPARE(int(rowsOf(*other, true).size()), 2); // its one row, asked twice
        accord::FingerprintIndex::waitForLookupFiles();
        QFile::remove(QString::fromStdString(lookupFile));
        QVERIFY(
            QFile::copy(QString::fromStdString(accord::FingerprintIndex::lookupFilePath(otherPath)),
                        QString::fromStdString(lookupFile)));
        QCOMPARE(rowsOf(*accord::FingerprintIndex::open(path, version, 5), true), expected);
        accord::FingerprintIndex::waitForLookupFiles();
        QCOMPARE(file.size(), size); // this index's again
        QCOMPARE(rowsOf(*accord::FingerprintIndex::open(path, version, 5), true), expected);
    }

    void reindexEqualsIncrementalIndex() {
        // A fourth recording arrives after the index was built: registering it indexes it, so
        // the next query has nothing to catch up; then everything is rebuilt.
        studio->add(kCaves, studio->ben);
        QVERIFY(studio->index->recording(accord::IndexedKind::Asset, studio->assets[kCaves]));
        const auto update =
            accord::workflows::updateFingerprintIndex(*studio->registry, *studio->index);
        QCOMPARE(update.indexed, 0);
        const auto incremental = studio->index->dump();
        QVERIFY(incremental.size() > 1000);
        const auto rebuilt =
            accord::workflows::reindexFingerprints(*studio->registry, *studio->index);
        QCOMPARE(rebuilt.indexed, 4);
        const auto after = studio->index->dump();
        QCOMPARE(after.size(), incremental.size());
        QVERIFY(std::equal(
            after.begin(), after.end(), incremental.begin(), [](const auto& a, const auto& b) {
                return a.first == b.first && a.second.hash == b.second.hash &&
                       a.second.frame == b.second.frame && a.second.span == b.second.span &&
                       a.second.pitchCents == b.second.pitchCents;
            }));
    }

    void recordingUsedTwiceFoundTwice() {
        // Longer than one matching window (docs/IDENTIFY.md "Long files"): the desert at the
        // start, 130 s of a track never registered, the desert again.
        const QString first = makeQuery(*studio, "first.wav", kDesert, {"trim", "40", "8"});
        const QString gap = makeQuery(*studio, "gap.wav", kHell, {"trim", "0", "130"});
        const QString again = makeQuery(*studio, "again.wav", kDesert, {"trim", "20", "8"});
        const QString query = studio->path("twice.wav");
        QVERIFY(accord::test::runTool("sox", {first, gap, again, query}));
        auto found = studio->identify(query);
        QCOMPARE(int(found.size()), 2);
        std::sort(found.begin(), found.end(),
                  [](const auto& a, const auto& b) { return a.fileOffset < b.fileOffset; });
        for (const IdentifiedRecording& r : found)
            QCOMPARE(r.id, studio->assets[kDesert]);
        QVERIFY2(found[0].fileOffset < 0.6 && std::abs(found[0].recordingOffset - 40) < 0.6,
                 qPrintable(QString::number(found[0].recordingOffset)));
        QVERIFY2(std::abs(found[1].fileOffset - 138) < 0.6 &&
                     std::abs(found[1].recordingOffset - 20) < 0.6,
                 qPrintable(QString::number(found[1].fileOffset)));
        QVERIFY(found[1].seconds > 6 && found[1].seconds < 8.6);
    }

    void nearMatchFoundAgainInItsOwnAudio() {
        // The second look (docs/IDENTIFY.md "Queries"): once the stop-list has taken most of a
        // recording's hashes, the first look leaves a clean excerpt of it a near match under the
        // thresholds; matched again against the landmarks of its own audio, it is found. The caves
        // keep only the hashes of their landmarks anchored at four onsets of the excerpt (fewer
        // than the six a match needs); every other hash of theirs is given 49 more landmarks by a
        // recording that stands for the hours of other music sharing it, and is stopped.
        Studio s;
        s.add(kCaves, s.ana);
        const QString query = makeQuery(s, "caves-excerpt.wav", kCaves, {"trim", "30", "5"});
        QVERIFY(!query.isEmpty());
        const std::vector<accord::IndexedLandmark> own =
            accord::workflows::fingerprintFile(accord::test::materialFile(kCaves).toStdString());
        const std::set<std::uint32_t> kept = accord::test::hashesAtFourBusiestOnsets(own, 31, 34);
        QVERIFY(!kept.empty());
        std::set<std::uint32_t> stopped;
        std::vector<accord::IndexedLandmark> sharing;
        for (const accord::IndexedLandmark& l : own)
            if (!kept.count(l.hash) && stopped.insert(l.hash).second)
                for (std::uint32_t frame = 0;
                     frame <= std::uint32_t(accord::dsp::fingerprint::kMaxRowsPerHash); ++frame)
                    sharing.push_back({l.hash, frame, 10, 0});
        s.index->add(accord::IndexedKind::Asset, "music-sharing-the-hashes", "", 3600, sharing);

        // The first look: the caves a candidate near a match, not a match.
        std::vector<accord::dsp::Landmark> queryLandmarks;
        std::optional<accord::dsp::Fingerprinter> fingerprinter;
        accord::audio::readAudioFileInBlocks(
            query.toStdString(),
            [&](int rate, int channels) {
                fingerprinter.emplace(
                    rate, channels, accord::dsp::FingerprintSide::Query,
                    [&](const accord::dsp::Landmark& l) { queryLandmarks.push_back(l); });
            },
            [&](const float* const* planar, int frames) {
                fingerprinter->add(planar, std::size_t(frames));
            });
        fingerprinter->finish();
        std::vector<accord::dsp::LandmarkMatch> candidates;
        const auto firstLook = accord::dsp::matchLandmarks(
            queryLandmarks,
            [&](const std::vector<std::uint32_t>& hashes, const auto& hit) {
                s.index->lookup(hashes, [&](std::size_t i, std::int64_t recording,
                                            const accord::IndexedLandmark& l) {
                    hit(i, {recording, l.frame, l.span, l.pitchCents});
                });
            },
            &candidates);
        QVERIFY(firstLook.empty());
        const auto caves = s.index->recording(accord::IndexedKind::Asset, s.assets[kCaves]);
        QVERIFY(caves);
        const auto near = std::find_if(candidates.begin(), candidates.end(),
                                       [&](const auto& c) { return c.recording == caves->id; });
        QVERIFY(near != candidates.end());
        QVERIFY2(near->landmarks >= 4 && near->onsets >= 3 && near->onsets < 6,
                 qPrintable(
                     QString("%1 landmarks in %2 onsets").arg(near->landmarks).arg(near->onsets)));

        // identifyFile looks again in the caves' audio and finds the excerpt where it lies.
        const auto found = s.identify(query);
        QCOMPARE(int(found.size()), 1);
        QCOMPARE(found.front().id, s.assets[kCaves]);
        QVERIFY2(std::abs(found.front().recordingOffset - 30) < 0.5,
                 qPrintable(QString::number(found.front().recordingOffset)));
        QVERIFY(std::abs(found.front().speed - 1) < 0.01);
    }

    void importHoldingAnothersRecordingIsFlaggedAndAsksThem() {
        // Ben's beat: 20 s of a track never registered with Ana's desert mixed in at equal level
        // from 6 s for 10 s.
        const QString beat =
            makeQuery(*studio, "beat.wav", kMirror, {"trim", "40", "20", "norm", "-6"});
        const QString sample = makeQuery(*studio, "sample.wav", kDesert,
                                         {"trim", "50", "10", "norm", "-6", "pad", "6", "4"});
        const QString mix = studio->path("ben-beat.wav");
        QVERIFY(accord::test::runTool("sox", {"-m", beat, sample, mix}));
        accord::Registry& registry = *studio->registry;
        const auto imported =
            accord::workflows::importRecording(registry, mix.toStdString(), studio->ben, 44100);
        const accord::Asset& asset = imported.asset;
        QVERIFY(asset.scan);
        QCOMPARE(asset.scan->recordingsIndexed, int(registry.assets().size()) - 1);
        QCOMPARE(int(asset.scan->found.size()), 1);
        const accord::ContainedRecording& inside = asset.scan->found.front();
        QCOMPARE(inside.id, studio->assets[kDesert]);
        // Where it starts may be found late under the louder parts of the beat; the alignment is
        // exact.
        QVERIFY2(inside.fileOffset > 5.4 && inside.fileOffset < 7.5,
                 qPrintable(QString::number(inside.fileOffset)));
        QVERIFY2(std::abs((inside.fileOffset - inside.recordingOffset) - (6 - 50)) < 0.2,
                 qPrintable(QString::number(inside.recordingOffset)));
        QVERIFY(inside.seconds > 7 && inside.seconds < 10.6);

        // Flagged, naming Ana; kept in the registry (a fresh connection reads it back).
        QCOMPARE(int(imported.flagged.size()), 1);
        const std::string sentence = imported.flagged.front().describe(registry);
        QVERIFY2(sentence.find("Ana Folk (" + studio->ana + ")") != std::string::npos,
                 sentence.c_str());
        const auto reopened = accord::Registry::open(registry.path());
        const auto stored = reopened->asset(asset.id);
        QVERIFY(stored && stored->scan && stored->scan->found.size() == 1);
        QVERIFY(reopened->verifyAudit().intact);

        // The export gate asks Ana as well as Ben.
        auto exportFor = [&](const std::string& actor) {
            accord::PolicyRequest request;
            request.scope = accord::Scope::Export;
            request.subject = {accord::InputKind::Asset, asset.id};
            request.actor = actor;
            request.at = accord::currentTime();
            return registry.decide(request);
        };
        registry.addGrant({studio->ben, accord::Scope::Export, asset.id, std::nullopt, {}});
        const accord::Decision denied = exportFor(studio->ben);
        QVERIFY(!denied.allowed);
        QCOMPARE(int(denied.missing.size()), 1);
        QCOMPARE(denied.missing.front().owner, studio->ana);
        QCOMPARE(denied.missing.front().asset, studio->assets[kDesert]);

        // Once Ana grants Ben, the import is no longer flagged and the export is allowed; its
        // lineage names Ana's recording and the split sheet credits her time in it.
        accord::GrantTerms terms;
        registry.addGrant(
            {studio->ana, accord::Scope::Export, studio->assets[kDesert], studio->ben, terms});
        QVERIFY(exportFor(studio->ben).allowed);
        const auto again =
            accord::workflows::importRecording(registry, mix.toStdString(), studio->ben, 44100);
        QVERIFY(again.alreadyKnown);
        QVERIFY(again.flagged.empty());
        const auto lineage =
            accord::lineageJson(registry.consentGraph(), {{accord::InputKind::Asset, asset.id}});
        QCOMPARE(int(lineage["assets"].size()), 2);
        // What the scan found is in the manifest's lineage, with the asset it was found in.
        for (const auto& entry : lineage["assets"])
            if (entry["asset"] == asset.id)
                QCOMPARE(entry["scan"]["found"][0]["id"].get<std::string>(),
                         studio->assets[kDesert]);
        const auto sheet = accord::computeSplitSheet(
            registry.consentGraph(), {{{accord::InputKind::Asset, asset.id}, "", 20.0}},
            accord::currentTime());
        QCOMPARE(int(sheet.shares.size()), 2);
        const double anaShare = sheet.shares[0].holder == studio->ana ? sheet.shares[0].percent()
                                                                      : sheet.shares[1].percent();
        // Ben 20 s, Ana the ~10 s her recording sounds: about a third.
        QVERIFY2(anaShare > 28 && anaShare < 36, qPrintable(QString::number(anaShare)));
    }
};

QTEST_GUILESS_MAIN(TestIdentify)
#include "test_identify.moc"
