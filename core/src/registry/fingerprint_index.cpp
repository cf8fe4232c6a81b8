// The fingerprint index (accord/core/fingerprint_index.h; docs/IDENTIFY.md "Index").

#include "accord/core/fingerprint_index.h"

#include "fingerprint_map.h"
#include "sqlite_db.h"

#include "accord/core/allocator.h"
#include "accord/core/errors.h"
#include "accord/core/files.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <deque>
#include <iterator>
#include <mutex>
#include <numeric>
#include <thread>
#include <tuple>

namespace accord {

using sqlite::Statement;

namespace {

// Landmarks clustered by hash (WITHOUT ROWID, keyed by the hash first): a lookup reads the few
// pages holding one hash's rows. A hash given more landmarks than the cap keeps one row instead,
// of recording 0 (no recording's number; first in the hash's rows): the stop-list
// (docs/IDENTIFY.md "Index"). Every write is a new generation; `changes` keeps, per generation,
// the hashes whose rows it changed, so a lookup file made at an older generation is still used
// for every other hash (fingerprint_map.h). The layout's later steps are kLayoutMigrations.
constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS meta (
    key   TEXT PRIMARY KEY,
    value INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS recordings (
    id          INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL CHECK (kind IN ('asset', 'render')),
    registry_id TEXT NOT NULL,
    pcm_sha256  TEXT NOT NULL,
    seconds     REAL NOT NULL,
    landmarks   INTEGER NOT NULL,
    UNIQUE (kind, registry_id)
);
CREATE TABLE IF NOT EXISTS landmarks (
    hash      INTEGER NOT NULL,
    recording INTEGER NOT NULL,
    frame     INTEGER NOT NULL,
    span      INTEGER NOT NULL,
    pitch     INTEGER NOT NULL,
    PRIMARY KEY (hash, recording, frame, span, pitch)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS changes (
    generation INTEGER NOT NULL,
    part       INTEGER NOT NULL,
    hashes     BLOB NOT NULL,
    PRIMARY KEY (generation, part)
);
INSERT OR IGNORE INTO meta (key, value) VALUES ('index_id', random() & 9223372036854775807);
INSERT OR IGNORE INTO meta (key, value) VALUES ('generation', 0);
INSERT OR IGNORE INTO meta (key, value) VALUES ('changes_from', 0);
)sql";

// The layout's versions after kSchema's, in order (PRAGMA user_version counts those applied, as
// the registry's schema does). 1: each change also keeps which of its hashes it stopped
// (`stopped`), which others lost rows (`replaced`) and the rows it added (`rows`), so a lookup
// reads only the replaced hashes from SQLite, skips the stopped ones and adds the new rows to the
// file's (docs/IDENTIFY.md "The lookup file"); and the rows
// added are written into `landmarks` later, many recordings' at once in hash order
// (`merged_through`: the changes after it are pending, their rows kept in `changes` only; docs/
// IDENTIFY.md "Index"). The changes written before it have neither: every hash of theirs counts
// as replaced, as it did, and their rows are in `landmarks`. 2: each hash's count of rows in
// `landmarks` (`hash_counts`, -1 for a stopped hash), so the stop-list's check before a hash's
// rows are added reads one small row instead of up to the cap's rows of the landmarks' B-tree
// (docs/IDENTIFY.md "Index").
const char* const kLayoutMigrations[] = {
    "ALTER TABLE changes ADD COLUMN stopped BLOB; ALTER TABLE changes ADD COLUMN replaced BLOB; "
    "ALTER TABLE changes ADD COLUMN rows BLOB; "
    "INSERT OR IGNORE INTO meta (key, value) SELECT 'merged_through', value FROM meta WHERE key "
    "= 'generation';",
    "CREATE TABLE hash_counts (hash INTEGER PRIMARY KEY, row_count INTEGER NOT NULL); "
    "INSERT INTO hash_counts (hash, row_count) SELECT hash, CASE WHEN min(recording) = 0 THEN -1 "
    "ELSE count(*) END FROM landmarks GROUP BY hash;",
};
constexpr int kLayoutVersion = int(std::size(kLayoutMigrations));

IndexedKind kindFrom(const std::string& name) {
    return name == "render" ? IndexedKind::Render : IndexedKind::Asset;
}

IndexedRecording recordingFrom(const Statement& s) {
    IndexedRecording r;
    r.id = s.integer(0);
    r.kind = kindFrom(s.text(1));
    r.registryId = s.text(2);
    r.pcmSha256 = s.text(3);
    r.seconds = s.real(4);
    r.landmarks = s.integer(5);
    return r;
}

constexpr std::int64_t kStoppedRecording = 0;

// Each hash's count of rows in `landmarks` (layout 2): the stop-list's check reads it instead of
// the hash's rows. Written as the rows are: by a merge of pending rows (in hash order, many at
// once), a long recording's batches, a recording replaced and a hash stopped.
class HashCounts {
public:
    static constexpr std::int64_t kStopped = -1;

    HashCounts(sqlite3* db, const std::string& path)
        : db_(db), read_(db, "SELECT row_count FROM hash_counts WHERE hash = ?", path),
          add_(db,
               "INSERT INTO hash_counts (hash, row_count) VALUES (?, ?) ON CONFLICT (hash) DO "
               "UPDATE SET row_count = row_count + excluded.row_count WHERE row_count >= 0",
               path),
          stop_(db, "INSERT OR REPLACE INTO hash_counts (hash, row_count) VALUES (?, -1)", path) {}

    // The rows `landmarks` holds under `hash` (0 for a hash never seen), or kStopped.
    std::int64_t of(std::uint32_t hash) {
        read_.bind(1, std::int64_t(hash));
        const std::int64_t rows = read_.step() ? read_.integer(0) : 0;
        read_.reset();
        return rows;
    }
    // `rows` more (fewer when negative, never 0) under `hash`; false, and nothing counted, when
    // it is stopped (a merge learns so in the same step).
    bool add(std::uint32_t hash, std::int64_t rows) {
        add_.bind(1, std::int64_t(hash)).bind(2, rows).step();
        add_.reset();
        return sqlite3_changes(db_) > 0;
    }
    void stop(std::uint32_t hash) {
        stop_.bind(1, std::int64_t(hash)).step();
        stop_.reset();
    }

private:
    sqlite3* db_;
    Statement read_, add_, stop_;
};

constexpr const char* kRecordingColumns =
    "SELECT id, kind, registry_id, pcm_sha256, seconds, landmarks FROM recordings ";

// A lookup file is made again (on the worker below) once the hashes changed since it was made
// pass a share of its rows, and at least kChangedHashesKept: until then, and while it is made,
// they come from the changes and SQLite (docs/IDENTIFY.md "The lookup file"). The floor keeps a
// small index from making its file again after every recording: a 60 s convert into an index of
// a few minutes passed the share each time, and making the file was 5% of its CPU.
constexpr std::uint64_t kRowsPerChangedHashBeforeRemake = 16;
constexpr std::uint64_t kChangedHashesKept = std::uint64_t(1) << 16;
std::uint64_t changedHashesKeptFor(std::uint64_t rows) {
    return std::max(rows / kRowsPerChangedHashBeforeRemake, kChangedHashesKept);
}

// A landmark row read from SQLite, with its hash.
struct StoredRow {
    std::uint32_t hash;
    std::int64_t recording;
    IndexedLandmark landmark;
};

// A row added since a lookup file was made, as `changes.rows` stores it (16 bytes, native order
// like `changes.hashes`), in the landmarks' key order.
struct AddedRow {
    std::uint32_t hash;
    std::uint32_t recording;
    std::uint32_t frame;
    std::uint16_t span;
    std::int16_t pitchCents;

    bool operator<(const AddedRow& o) const {
        return std::tie(hash, recording, frame, span, pitchCents) <
               std::tie(o.hash, o.recording, o.frame, o.span, o.pitchCents);
    }
};
static_assert(sizeof(AddedRow) == 16, "changes.rows' layout");

// Merges the sorted runs `values` holds (the first from its start, each other from one of
// `runStarts`, in increasing order) into one, dropping repeats. The changes' blobs are each
// sorted: merged pairwise, an hour of them (770 000 rows in 15 runs at the bench) costs N
// log(runs) instead of the N log N of sorting them whole, which was most of the first lookup
// after an hour indexed (docs/IDENTIFY.md "The lookup file").
template <typename T>
void mergeSortedRuns(std::vector<T>& values, std::vector<std::size_t> runStarts) {
    runStarts.insert(runStarts.begin(), 0);
    runStarts.push_back(values.size());
    while (runStarts.size() > 2) {
        std::vector<std::size_t> merged;
        for (std::size_t i = 0; i + 1 < runStarts.size(); i += 2) {
            merged.push_back(runStarts[i]);
            if (i + 2 < runStarts.size())
                std::inplace_merge(values.begin() + std::ptrdiff_t(runStarts[i]),
                                   values.begin() + std::ptrdiff_t(runStarts[i + 1]),
                                   values.begin() + std::ptrdiff_t(runStarts[i + 2]));
        }
        merged.push_back(values.size());
        runStarts = std::move(merged);
    }
    values.erase(
        std::unique(values.begin(), values.end(), [](const T& a, const T& b) { return !(a < b); }),
        values.end());
}

// Appends the `T`s of a blob column to `values` as a run (each change's blobs are sorted).
template <typename T>
void appendRun(const Statement& s, int column, std::vector<T>& values,
               std::vector<std::size_t>& runStarts) {
    std::size_t bytes = 0;
    const auto* first = static_cast<const T*>(s.blob(column, bytes));
    runStarts.push_back(values.size());
    values.insert(values.end(), first, first + bytes / sizeof(T));
}

// Pending rows are written into `landmarks` once they pass this many (16 MiB in a handle's
// memory): each of the B-tree's leaves then takes many rows at once instead of one a recording
// (docs/IDENTIFY.md "Index").
constexpr std::size_t kPendingRowsBeforeMerge = std::size_t(1) << 20;

// What one write changed, as `changes` keeps it: every hash whose rows changed, those of them it
// stopped (they have no rows now, and take none until a rebuild), those that lost rows otherwise
// (a recording replaced), and the rows added to the others.
struct Change {
    std::vector<std::uint32_t> hashes;
    std::vector<std::uint32_t> stopped;
    std::vector<std::uint32_t> replaced;
    std::vector<AddedRow> rows;

    bool empty() const { return hashes.empty(); }
    void clear() {
        hashes.clear();
        stopped.clear();
        replaced.clear();
        rows.clear();
    }
};

std::int64_t metaValue(sqlite3* db, const std::string& path, const char* key) {
    Statement s(db, "SELECT value FROM meta WHERE key = ?", path);
    s.bind(1, key).step();
    return s.integer(0);
}

// The rows the changes after generation `after` through `through` added, appended to `rows`,
// each change's a run in key order starting at one of `runStarts`.
void readAddedRows(sqlite3* db, const std::string& path, std::int64_t after, std::int64_t through,
                   std::vector<AddedRow>& rows, std::vector<std::size_t>& runStarts) {
    Statement s(db,
                "SELECT rows FROM changes WHERE generation > ? AND generation <= ? AND rows IS "
                "NOT NULL",
                path);
    s.bind(1, after).bind(2, through);
    while (s.step())
        appendRun(s, 0, rows, runStarts);
}

// Inside a write transaction: writes the pending rows into `landmarks` in hash order (a hash
// stopped since they were added takes none).
void mergePendingRows(sqlite3* db, const std::string& path) {
    const std::int64_t merged = metaValue(db, path, "merged_through"),
                       generation = metaValue(db, path, "generation");
    if (merged >= generation)
        return;
    std::vector<AddedRow> rows;
    std::vector<std::size_t> runStarts;
    readAddedRows(db, path, merged, generation, rows, runStarts);
    mergeSortedRuns(rows, runStarts);
    HashCounts counts(db, path);
    Statement insert(db,
                     "INSERT OR IGNORE INTO landmarks (hash, recording, frame, span, pitch) "
                     "VALUES (?, ?, ?, ?, ?)",
                     path);
    for (std::size_t first = 0, end = 0; first < rows.size(); first = end) {
        const std::uint32_t hash = rows[first].hash;
        for (end = first; end < rows.size() && rows[end].hash == hash; ++end) {
        }
        // Counted first: one step both says whether the hash was stopped since and counts them.
        if (!counts.add(hash, std::int64_t(end - first)))
            continue;
        std::int64_t ignored = 0; // a row already stored (none expected: a recording's rows are
                                  // either pending or stored)
        for (std::size_t i = first; i < end; ++i) {
            insert.bind(1, std::int64_t(hash))
                .bind(2, std::int64_t(rows[i].recording))
                .bind(3, std::int64_t(rows[i].frame))
                .bind(4, int(rows[i].span))
                .bind(5, int(rows[i].pitchCents))
                .step();
            insert.reset();
            ignored += sqlite3_changes(db) == 0;
        }
        if (ignored)
            counts.add(hash, -ignored);
    }
    Statement set(db, "UPDATE meta SET value = ? WHERE key = 'merged_through'", path);
    set.bind(1, generation).step();
}

// What a lookup file is made for.
struct LookupFileTarget {
    std::string indexPath;
    int fingerprintVersion = 0;
    int maxRowsPerHash = 0;
    int neighbourBits = 0;

    FingerprintMapStamp stampNow(sqlite3* db) const { return stampAt(db, "generation"); }
    // What a file made from `landmarks` holds: the rows through `merged_through` (the changes
    // since, pending ones included, are looked up beside it).
    FingerprintMapStamp stampOfLandmarks(sqlite3* db) const {
        return stampAt(db, "merged_through");
    }
    FingerprintMapStamp stampAt(sqlite3* db, const char* generationKey) const {
        return {std::uint64_t(metaValue(db, indexPath, "index_id")),
                std::uint64_t(metaValue(db, indexPath, generationKey)),
                std::uint32_t(fingerprintVersion), std::uint32_t(maxRowsPerHash),
                std::uint32_t(neighbourBits)};
    }
};

// Thrown out of a lookup file's making when the process leaves it off at exit.
struct LookupFileLeftOff {};

// Inside a read transaction on `db`: writes the lookup file of `target` from this snapshot,
// stamped `now`. False when it cannot be written (a read-only folder, a full disk): lookups then
// read SQLite; or when `leaveOff` is set while it is made (its temporary is removed, the file on
// disk stays as it was).
bool writeLookupFile(sqlite3* db, const LookupFileTarget& target, const FingerprintMapStamp& now,
                     const std::atomic<bool>* leaveOff) {
    const std::string& path = target.indexPath;
    const std::string mapPath = FingerprintIndex::lookupFilePath(path);
    std::uint64_t stepsRead = 0;
    auto leaveOffIfAsked = [&] {
        if ((++stepsRead & 0xffff) == 0 && leaveOff && leaveOff->load())
            throw LookupFileLeftOff();
    };
    try {
        Statement size(db, "SELECT coalesce(sum(landmarks), 0) FROM recordings", path);
        size.step();
        // Stop rows (recording 0) are left out: a stopped hash has no record.
        writeFingerprintMap(
            mapPath, now, std::uint64_t(size.integer(0)),
            [&](const auto& hashRows) {
                Statement counts(db,
                                 "SELECT hash, count(*) FROM landmarks WHERE recording != 0 "
                                 "GROUP BY hash ORDER BY hash",
                                 path);
                while (counts.step()) {
                    leaveOffIfAsked();
                    hashRows(std::uint32_t(counts.integer(0)), std::uint32_t(counts.integer(1)));
                }
            },
            [&](const auto& hashRow) {
                Statement rows(db,
                               "SELECT hash, recording, frame, span, pitch FROM landmarks "
                               "WHERE recording != 0 ORDER BY hash, recording, frame, span, "
                               "pitch",
                               path);
                while (rows.step()) {
                    leaveOffIfAsked();
                    const std::int64_t recording = rows.integer(1);
                    if (recording > std::int64_t(UINT32_MAX)) // SQLite answers instead
                        throw BadInput(mapPath + ": a recording number past 32 bits");
                    hashRow(std::uint32_t(rows.integer(0)),
                            {std::uint32_t(recording), std::uint32_t(rows.integer(2)),
                             std::uint16_t(rows.integer(3)), std::int16_t(rows.integer(4))});
                }
            });
    } catch (const Error&) {
        return false;
    } catch (const LookupFileLeftOff&) {
        return false;
    }
    return true;
}

// Makes lookup files off the lookups' path (docs/IDENTIFY.md "The lookup file"): a lookup or a
// write that finds the file missing, damaged or too old asks this worker, one thread a process, for
// a new one, made through its own connection from a snapshot of its own. Every lookup file this
// process writes is made through it, one at a time (the atomic writer's temporary is named after
// the process), on the worker or, `make`, on the caller's thread. At exit it drops the files still
// waiting and leaves off the one it is making, unless a write of this process (or a lookup that
// found no usable file) asked for it: the command that made the index change, or found no file,
// leaves one made; a query does not wait for a file it only would have liked.
class LookupFileRemaker {
public:
    static LookupFileRemaker& instance() {
        static LookupFileRemaker remaker;
        return remaker;
    }
    ~LookupFileRemaker() {
        {
            const std::lock_guard<std::mutex> lock(mutex_);
            stopping_ = true;
            pending_.clear();
            if (!makingFinishesAtExit_)
                leavingOff_ = true;
        }
        wake_.notify_all();
        if (worker_.joinable()) {
            // The file finished now (its directory in memory, the whole new file mapped) is the
            // peak of a command that indexed: the heap pages the command freed are handed back
            // first, which glibc's allocator otherwise keeps (10 MiB of `asset add` of a 2-hour
            // recording; docs/IDENTIFY.md "The lookup file").
            handFreedMemoryBack();
            worker_.join();
        }
    }

    // Made now, on the caller's thread, unless `leaveOff` is set meanwhile.
    bool make(const LookupFileTarget& target, const std::atomic<bool>* leaveOff = nullptr) {
        const std::lock_guard<std::mutex> oneWriter(writing_);
        sqlite3* db = nullptr;
        bool made = false;
        try {
            // Not created when gone: the index was removed since it was asked for.
            db = sqlite::openDatabase(target.indexPath, "fingerprint index", false);
            // The pending rows first, so that the file does not start out with them as changes.
            sqlite::execute(db, "BEGIN IMMEDIATE", target.indexPath);
            mergePendingRows(db, target.indexPath);
            sqlite::execute(db, "COMMIT", target.indexPath);
            sqlite::execute(db, "BEGIN", target.indexPath);
            made = writeLookupFile(db, target, target.stampOfLandmarks(db), leaveOff);
            sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
        } catch (const Error&) {
            made = false;
        }
        sqlite3_close(db);
        return made;
    }
    // Made soon, on the worker; asking again for a file waiting or being made changes nothing
    // but whether it is finished at exit.
    void request(const LookupFileTarget& target, bool finishAtExit) {
        const std::lock_guard<std::mutex> lock(mutex_);
        if (stopping_)
            return;
        if (making_ == target.indexPath) {
            makingFinishesAtExit_ = makingFinishesAtExit_ || finishAtExit;
            return;
        }
        for (Request& waiting : pending_)
            if (waiting.target.indexPath == target.indexPath) {
                waiting.finishAtExit = waiting.finishAtExit || finishAtExit;
                return;
            }
        pending_.push_back({target, finishAtExit});
        if (!worker_.joinable())
            worker_ = std::thread([this] { run(); });
        wake_.notify_one();
    }
    // Returns once no file is waiting or being made.
    void waitUntilIdle() {
        std::unique_lock<std::mutex> lock(mutex_);
        idle_.wait(lock, [&] { return pending_.empty() && making_.empty(); });
    }

    // Whether a lookup that finds the file too old asks for a new one (long-lived processes).
    std::atomic<bool> lookupsRemakeStaleFiles{false};

private:
    struct Request {
        LookupFileTarget target;
        bool finishAtExit = false;
    };

    LookupFileRemaker() = default;
    void run() {
        std::unique_lock<std::mutex> lock(mutex_);
        for (;;) {
            wake_.wait(lock, [&] { return stopping_ || !pending_.empty(); });
            if (pending_.empty())
                return;
            const Request request = pending_.front();
            pending_.pop_front();
            making_ = request.target.indexPath;
            makingFinishesAtExit_ = request.finishAtExit;
            lock.unlock();
            try {
                make(request.target, &leavingOff_);
            } catch (const std::exception&) {
                // (out of memory: the lookups keep reading SQLite, as when it cannot be written)
            }
            lock.lock();
            making_.clear();
            idle_.notify_all();
        }
    }

    std::mutex writing_;
    std::atomic<bool> leavingOff_{false}; // the process is exiting: the file being made is left
    std::mutex mutex_;                    // guards what follows
    std::condition_variable wake_, idle_;
    std::deque<Request> pending_;
    std::string making_; // the index whose file the worker is making
    bool makingFinishesAtExit_ = false;
    bool stopping_ = false;
    std::thread worker_;
};

} // namespace

std::string indexedKindName(IndexedKind kind) {
    return kind == IndexedKind::Render ? "render" : "asset";
}

struct FingerprintIndex::Impl {
    std::string path;
    std::string mapPath;
    sqlite3* db = nullptr;
    int fingerprintVersion = 0;
    int maxRowsPerHash = 0;
    int neighbourBits = 0;
    std::unique_ptr<FingerprintMap> map;
    // Since the map's generation: the hashes changed, those of them stopped (no rows), those that
    // lost rows otherwise (read from SQLite), and the rows added to the others (given with the
    // map's), each sorted.
    std::vector<std::uint32_t> changed;
    std::vector<std::uint32_t> stopped;
    std::vector<std::uint32_t> replaced;
    std::vector<AddedRow> added;
    std::int64_t changedThrough = 0; // the generation those are read up to
    // The rows not yet in `landmarks` (added after `merged_through`), sorted, read from the
    // changes after `pendingFrom` through `pendingThrough`.
    std::vector<AddedRow> pending;
    std::int64_t pendingFrom = -1, pendingThrough = -1;

    ~Impl() {
        map.reset();
        sqlite3_close(db);
    }
    void exec(const std::string& sql) const { sqlite::execute(db, sql, path); }

    template <typename Work> void transaction(Work work, const char* begin = "BEGIN IMMEDIATE") {
        exec(begin);
        try {
            work();
            exec("COMMIT");
        } catch (...) {
            sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
            throw;
        }
    }

    std::int64_t meta(const char* key) const { return metaValue(db, path, key); }
    void setMeta(const char* key, std::int64_t value) const {
        Statement s(db, "UPDATE meta SET value = ? WHERE key = ?", path);
        s.bind(1, value).bind(2, key).step();
    }
    // Starts a write (inside its transaction): returns its generation.
    std::int64_t nextGeneration() const {
        const std::int64_t generation = meta("generation") + 1;
        setMeta("generation", generation);
        return generation;
    }
    void recordChanges(std::int64_t generation, std::int64_t part, Change& change) const {
        if (change.empty())
            return;
        std::sort(change.rows.begin(), change.rows.end());
        mergeSortedRuns(change.rows, {}); // a row repeated in a recording kept once
        Statement s(
            db,
            "INSERT INTO changes (generation, part, hashes, stopped, replaced, rows) VALUES "
            "(?, ?, ?, ?, ?, ?)",
            path);
        s.bind(1, generation)
            .bind(2, part)
            .bindBlob(3, change.hashes.data(), change.hashes.size() * 4)
            .bindBlob(4, change.stopped.data(), change.stopped.size() * 4)
            .bindBlob(5, change.replaced.data(), change.replaced.size() * 4)
            .bindBlob(6, change.rows.data(), change.rows.size() * sizeof(AddedRow))
            .step();
        change.clear();
    }
    // Forgets the changes a lookup file made at `generation` or later no longer needs; files made
    // before it are rebuilt.
    void forgetChangesThrough(std::int64_t generation) const {
        Statement drop(db, "DELETE FROM changes WHERE generation <= ?", path);
        drop.bind(1, generation).step();
        setMeta("changes_from", std::max(meta("changes_from"), generation + 1));
    }
    // Inside a write transaction: every landmark and recording gone, every lookup file stale.
    void empty() const {
        exec("DELETE FROM landmarks; DELETE FROM hash_counts; DELETE FROM recordings;");
        const std::int64_t generation = nextGeneration();
        forgetChangesThrough(generation);
        setMeta("merged_through", generation);
    }

    // Inside a transaction: `pending` as this snapshot has it.
    void bringPendingUpToDate() {
        const std::int64_t merged = meta("merged_through"), generation = meta("generation");
        if (merged != pendingFrom || generation < pendingThrough) {
            pending.clear();
            pendingFrom = pendingThrough = merged;
        }
        std::vector<std::size_t> runStarts;
        readAddedRows(db, path, pendingThrough, generation, pending, runStarts);
        mergeSortedRuns(pending, runStarts);
        pendingThrough = generation;
    }
    // Inside a write transaction: the pending rows written into `landmarks`.
    void mergePending() {
        mergePendingRows(db, path);
        pending.clear();
        pendingFrom = pendingThrough = -1;
    }
    // The pending rows of `hash`.
    std::pair<const AddedRow*, const AddedRow*> pendingOf(std::uint32_t hash) const {
        const auto range =
            std::equal_range(pending.begin(), pending.end(), AddedRow{hash, 0, 0, 0, 0},
                             [](const AddedRow& a, const AddedRow& b) { return a.hash < b.hash; });
        return {pending.data() + (range.first - pending.begin()),
                pending.data() + (range.second - pending.begin())};
    }

    LookupFileTarget target() const {
        return {path, fingerprintVersion, maxRowsPerHash, neighbourBits};
    }
    FingerprintMapStamp currentStamp() const { return target().stampNow(db); }
    // Whether a lookup file made at `stamp` still gives this index's rows once the changes since
    // are looked up in SQLite.
    bool usable(const FingerprintMapStamp& stamp, const FingerprintMapStamp& now) const {
        return stamp.indexId == now.indexId && stamp.fingerprintVersion == now.fingerprintVersion &&
               stamp.maxRowsPerHash == now.maxRowsPerHash &&
               stamp.neighbourBits == now.neighbourBits && stamp.generation <= now.generation &&
               std::int64_t(stamp.generation) + 1 >= meta("changes_from");
    }

    // Whether the hashes changed since the mapped file was made pass its share of them.
    bool mapTooOld() const { return map && changed.size() > changedHashesKeptFor(map->rows()); }
    // Takes the file on disk when it serves this snapshot and is newer than the one mapped (the
    // worker, or another process, made it since).
    void takeNewerFileFromDisk(const FingerprintMapStamp& now) {
        auto onDisk = FingerprintMap::open(mapPath);
        if (!onDisk || !usable(onDisk->stamp(), now) ||
            (map && onDisk->stamp().generation <= map->stamp().generation))
            return;
        map = std::move(onDisk);
        forgetChanges();
        changedThrough = std::int64_t(map->stamp().generation);
    }
    void forgetMap() {
        map.reset();
        forgetChanges();
    }
    void forgetChanges() {
        changed.clear();
        stopped.clear();
        replaced.clear();
        added.clear();
    }

    // Inside a read transaction: a lookup file that, with `changed`, gives this snapshot's rows.
    // False when there is none: SQLite answers. Never makes the file itself: one missing is asked
    // of the worker (finished at exit), one too old too in a long-lived process (left off at
    // exit), and the lookups after it take it once it is made (docs/IDENTIFY.md "The lookup
    // file").
    bool bringMapUpToDate() {
        const FingerprintMapStamp now = currentStamp();
        if (map && !usable(map->stamp(), now))
            forgetMap();
        if (!map || mapTooOld())
            takeNewerFileFromDisk(now);
        LookupFileRemaker& remaker = LookupFileRemaker::instance();
        if (!map) {
            remaker.request(target(), true);
            return false;
        }
        // (A change written before the layout kept its added rows has every hash replaced.)
        Statement since(db,
                        "SELECT hashes, coalesce(stopped, x''), coalesce(replaced, hashes), "
                        "coalesce(rows, x'') FROM changes WHERE generation > ? AND generation <= "
                        "? ORDER BY generation, part",
                        path);
        since.bind(1, changedThrough).bind(2, std::int64_t(now.generation));
        std::vector<std::size_t> changedRuns, stoppedRuns, replacedRuns, addedRuns;
        while (since.step()) {
            appendRun(since, 0, changed, changedRuns);
            appendRun(since, 1, stopped, stoppedRuns);
            appendRun(since, 2, replaced, replacedRuns);
            appendRun(since, 3, added, addedRuns);
        }
        changedThrough = std::int64_t(now.generation);
        mergeSortedRuns(changed, changedRuns);
        mergeSortedRuns(stopped, stoppedRuns);
        mergeSortedRuns(replaced, replacedRuns);
        mergeSortedRuns(added, addedRuns);
        if (mapTooOld() && remaker.lookupsRemakeStaleFiles)
            remaker.request(target(), false);
        return true;
    }

    // Inside a transaction: whether the hashes changed after `generation` pass the share of a
    // lookup file of `rows` rows (mapTooOld's rule), judged without holding the changes: a long
    // recording's write changes a million hashes, and reading them all to judge the file took
    // `asset add` of a 2-hour recording 19 MiB (docs/IDENTIFY.md "The lookup file"). Their
    // count, summed from the blobs' lengths (SQLite reads those without the bytes), bounds the
    // distinct hashes from above; only past the share are the distinct ones counted, and only
    // until they pass it.
    bool changedHashesPassShare(std::int64_t generation, std::uint64_t rows) const {
        const std::uint64_t share = changedHashesKeptFor(rows);
        Statement sizes(
            db, "SELECT coalesce(sum(length(hashes)), 0) FROM changes WHERE generation > ?", path);
        sizes.bind(1, generation).step();
        if (std::uint64_t(sizes.integer(0)) / sizeof(std::uint32_t) <= share)
            return false;
        Statement since(db, "SELECT hashes FROM changes WHERE generation > ?", path);
        since.bind(1, generation);
        std::vector<std::uint32_t> distinct; // merged and distinct through `merged`, then runs
        std::vector<std::size_t> runStarts;
        std::size_t merged = 0;
        while (since.step()) {
            appendRun(since, 0, distinct, runStarts);
            // Merged once the runs are as long as the merged part: each hash is merged a few
            // times over, not once per change.
            if (distinct.size() - merged >= std::max<std::size_t>(merged, std::size_t(1) << 16)) {
                mergeSortedRuns(distinct, runStarts);
                runStarts.clear();
                merged = distinct.size();
                if (merged > share)
                    return true;
            }
        }
        mergeSortedRuns(distinct, runStarts);
        return distinct.size() > share;
    }

    // The rows of each of `hashes` (sorted, distinct) in SQLite, in (hash, recording, frame,
    // span, pitch) order, stop rows left out.
    // Inside a transaction with `pending` brought up to date: the rows of `landmarks` and the
    // pending ones.
    void storedRows(const std::vector<std::uint32_t>& hashes, std::vector<StoredRow>& rows) const {
        const std::size_t start = rows.size();
        std::vector<std::uint32_t> stoppedHashes; // in hash order
        // A few thousand hashes to a statement: a query asks for thousands, and a statement per
        // hash cost as much again as the B-tree's descents, while one for all of a long window's
        // would hold its whole list, and SQLite's parse of it, at once (docs/IDENTIFY.md
        // "Index").
        constexpr std::size_t kHashesPerStatement = 4096;
        Statement s(db,
                    "SELECT l.hash, l.recording, l.frame, l.span, l.pitch FROM json_each(?) AS "
                    "wanted JOIN landmarks AS l ON l.hash = wanted.value",
                    path);
        for (std::size_t next = 0; next < hashes.size();) {
            std::string wanted = "[";
            for (std::size_t n = 0; next < hashes.size() && n < kHashesPerStatement; ++next, ++n)
                wanted += (n ? "," : "") + std::to_string(hashes[next]);
            wanted += "]";
            s.bind(1, wanted);
            while (s.step()) {
                const std::int64_t recording = s.integer(1);
                if (recording == kStoppedRecording) {
                    stoppedHashes.push_back(std::uint32_t(s.integer(0)));
                    continue;
                }
                rows.push_back(
                    {std::uint32_t(s.integer(0)), recording,
                     IndexedLandmark{std::uint32_t(s.integer(0)), std::uint32_t(s.integer(2)),
                                     std::uint16_t(s.integer(3)), std::int16_t(s.integer(4))}});
            }
            s.reset();
        }
        if (pending.empty())
            return;
        const std::size_t fromLandmarks = rows.size();
        for (const std::uint32_t hash : hashes) {
            if (std::binary_search(stoppedHashes.begin(), stoppedHashes.end(), hash))
                continue;
            const auto [first, end] = pendingOf(hash);
            for (const AddedRow* r = first; r != end; ++r)
                rows.push_back({hash, r->recording, {hash, r->frame, r->span, r->pitchCents}});
        }
        if (rows.size() == fromLandmarks)
            return;
        std::sort(rows.begin() + std::ptrdiff_t(start), rows.end(),
                  [](const StoredRow& a, const StoredRow& b) {
                      return std::tie(a.hash, a.recording, a.landmark.frame, a.landmark.span,
                                      a.landmark.pitchCents) <
                             std::tie(b.hash, b.recording, b.landmark.frame, b.landmark.span,
                                      b.landmark.pitchCents);
                  });
    }

    void lookup(const std::vector<std::uint32_t>& hashes, const LookupFound& found, bool useMap);
};

std::string FingerprintIndex::pathBeside(const std::string& registryPath) {
    return registryPath + ".fingerprints";
}

std::string FingerprintIndex::lookupFilePath(const std::string& indexPath) {
    return indexPath + ".lookup";
}

std::unique_ptr<FingerprintIndex> FingerprintIndex::open(const std::string& path,
                                                         int fingerprintVersion, int maxRowsPerHash,
                                                         int neighbourBits) {
    auto impl = std::make_unique<Impl>();
    impl->path = path;
    impl->mapPath = lookupFilePath(path);
    impl->fingerprintVersion = fingerprintVersion;
    impl->maxRowsPerHash = maxRowsPerHash;
    impl->neighbourBits = neighbourBits;
    impl->db = sqlite::openDatabase(path, "fingerprint index");
    impl->exec("PRAGMA journal_mode = WAL");

    impl->exec("PRAGMA synchronous = NORMAL"); // a crash may lose the last recordings, never
                                               // corrupt the index; reindex brings them back
    impl->exec("PRAGMA cache_size = -8192");   // 8 MiB
    // Lookups read pages all over the file: mapped, a page is read in place rather than copied by
    // a system call (docs/IDENTIFY.md "Index"; SQLite caps the map at its build's maximum).
    impl->exec("PRAGMA mmap_size = 4294967296");
    // An index of another fingerprint version or cap holds other rows: it is emptied (the layout
    // of version 4's indexes had no cap, so they lack the key and are emptied too).
    impl->transaction([&] {
        impl->exec(kSchema);
        Statement layout(impl->db, "PRAGMA user_version", path);
        layout.step();
        const int applied = int(layout.integer(0));
        layout.reset();
        if (applied > kLayoutVersion)
            throw BadInput(path + ": written by a newer Accord (fingerprint index layout " +
                           std::to_string(applied) + ", this build knows up to " +
                           std::to_string(kLayoutVersion) +
                           "); remove the file and this build will index the recordings again");
        for (int version = applied; version < kLayoutVersion; ++version)
            impl->exec(kLayoutMigrations[version]);
        impl->exec("PRAGMA user_version = " + std::to_string(kLayoutVersion));
        Statement made(impl->db,
                       "SELECT count(*) FROM meta WHERE (key = 'fingerprint' AND value = ?) OR "
                       "(key = 'max_rows_per_hash' AND value = ?)",
                       path);
        made.bind(1, fingerprintVersion).bind(2, maxRowsPerHash).step();
        if (made.integer(0) == 2)
            return;
        impl->empty();
        Statement set(impl->db, "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", path);
        set.bind(1, "fingerprint").bind(2, fingerprintVersion).step();
        set.reset();
        set.bind(1, "max_rows_per_hash").bind(2, maxRowsPerHash).step();
    });
    return std::unique_ptr<FingerprintIndex>(new FingerprintIndex(std::move(impl)));
}

FingerprintIndex::FingerprintIndex(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
FingerprintIndex::~FingerprintIndex() = default;

const std::string& FingerprintIndex::path() const {
    return impl_->path;
}

IndexedRecording FingerprintIndex::add(IndexedKind kind, const std::string& registryId,
                                       const std::string& pcmSha256, double seconds,
                                       const std::vector<IndexedLandmark>& landmarks) {
    return add(kind, registryId, pcmSha256, [&](const auto& sink) {
        for (const IndexedLandmark& l : landmarks)
            sink(l);
        return seconds;
    });
}

IndexedRecording FingerprintIndex::add(IndexedKind kind, const std::string& registryId,
                                       const std::string& pcmSha256, const LandmarkSource& source) {
    IndexedRecording added;
    std::size_t pendingRows = 0;
    impl_->transaction([&] {
        const auto old = recording(kind, registryId);
        if (old) // its pending rows written, so that deleting its rows deletes them all
            impl_->mergePending();
        impl_->bringPendingUpToDate();
        const std::int64_t generation = impl_->nextGeneration();
        std::int64_t part = 0;
        Change change;
        HashCounts counts(impl_->db, impl_->path);
        if (old) {
            // (A hash it helped stop stays stopped until a rebuild.)
            Statement hashes(impl_->db,
                             "SELECT hash, count(*) FROM landmarks WHERE recording = ? GROUP BY "
                             "hash ORDER BY hash",
                             impl_->path);
            hashes.bind(1, old->id);
            while (hashes.step()) {
                change.hashes.push_back(std::uint32_t(hashes.integer(0)));
                counts.add(change.hashes.back(), -hashes.integer(1));
            }
            change.replaced = change.hashes;
            impl_->recordChanges(generation, part++, change);
            Statement drop(impl_->db, "DELETE FROM landmarks WHERE recording = ?", impl_->path);
            drop.bind(1, old->id).step();
            Statement forget(impl_->db, "DELETE FROM recordings WHERE id = ?", impl_->path);
            forget.bind(1, old->id).step();
        }
        Statement insert(impl_->db,
                         "INSERT INTO recordings (kind, registry_id, pcm_sha256, seconds, "
                         "landmarks) VALUES (?, ?, ?, 0, 0)",
                         impl_->path);
        insert.bind(1, indexedKindName(kind)).bind(2, registryId).bind(3, pcmSha256).step();
        const std::int64_t id = sqlite3_last_insert_rowid(impl_->db);
        // (Past 32 bits neither a lookup file nor `changes.rows` holds the recording: its rows go
        // into `landmarks` at once, its hashes read from SQLite.)
        const bool numbered = id <= std::int64_t(UINT32_MAX);
        bool longRecording = false;
        Statement row(impl_->db,
                      "INSERT OR IGNORE INTO landmarks (hash, recording, frame, span, pitch) "
                      "VALUES (?, ?, ?, ?, ?)",
                      impl_->path);
        Statement stop(impl_->db, "DELETE FROM landmarks WHERE hash = ?", impl_->path);
        constexpr std::size_t kBatch = 1 << 16; // 768 KiB
        std::vector<IndexedLandmark> batch;
        std::int64_t count = 0;
        // A recording of one batch (under 5 minutes) leaves its rows pending: kept in
        // `changes.rows` and written into `landmarks` later, with other recordings'
        // (mergePendingRows). A longer one writes each batch into `landmarks` at once, in hash
        // order (its batches fill the B-tree's leaves as a merge does, and a handle's memory stays
        // bounded), its hashes then read from SQLite until the lookup file is made again. The
        // stop-list is kept now: a hash that crosses the cap (its stored and pending rows with
        // these) loses its rows for the stop row, and a stopped one takes none, so a query skips
        // them.
        auto write = [&](bool lastBatch) {
            longRecording = longRecording || !lastBatch;
            const bool rowsPending = numbered && !longRecording;
            std::sort(
                batch.begin(), batch.end(),
                [](const IndexedLandmark& a, const IndexedLandmark& b) { return a.hash < b.hash; });
            for (std::size_t first = 0, end = 0; first < batch.size(); first = end) {
                const std::uint32_t hash = batch[first].hash;
                for (end = first; end < batch.size() && batch[end].hash == hash; ++end) {
                }
                std::int64_t rows = counts.of(hash);
                if (rows == HashCounts::kStopped)
                    continue;
                const auto [pendingFirst, pendingEnd] = impl_->pendingOf(hash);
                rows += pendingEnd - pendingFirst;
                change.hashes.push_back(hash);
                auto insertRow = [&](std::int64_t recording, const IndexedLandmark& l) {
                    row.bind(1, std::int64_t(hash))
                        .bind(2, recording)
                        .bind(3, std::int64_t(l.frame))
                        .bind(4, int(l.span))
                        .bind(5, int(l.pitchCents))
                        .step();
                    row.reset();
                };
                const bool stopping = rows + std::int64_t(end - first) > impl_->maxRowsPerHash;
                if (stopping)
                    change.stopped.push_back(hash);
                else if (!rowsPending)
                    change.replaced.push_back(hash);
                if (stopping) {
                    stop.bind(1, std::int64_t(hash)).step();
                    stop.reset();
                    insertRow(kStoppedRecording, IndexedLandmark{});
                    counts.stop(hash);
                    continue;
                }
                std::int64_t inserted = 0;
                for (std::size_t i = first; i < end; ++i)
                    if (rowsPending) {
                        change.rows.push_back({hash, std::uint32_t(id), batch[i].frame,
                                               batch[i].span, batch[i].pitchCents});
                    } else {
                        insertRow(id, batch[i]);
                        inserted += sqlite3_changes(impl_->db);
                    }
                if (inserted)
                    counts.add(hash, inserted);
            }
            batch.clear();
            pendingRows += change.rows.size();
            impl_->recordChanges(generation, part++, change);
        };
        const double seconds = source([&](const IndexedLandmark& l) {
            batch.push_back(l);
            ++count;
            if (batch.size() == kBatch)
                write(false);
        });
        write(true);
        Statement totals(impl_->db, "UPDATE recordings SET seconds = ?, landmarks = ? WHERE id = ?",
                         impl_->path);
        totals.bind(1, seconds).bind(2, count).bind(3, id).step();
        added = *recording(id);
        // The changes the lookup file on disk was made after are not needed any more (with no
        // file, none before this write are: the next one is made from a later snapshot), but
        // for the pending ones.
        const auto onDisk = FingerprintMap::open(impl_->mapPath);
        const FingerprintMapStamp now = impl_->currentStamp();
        impl_->forgetChangesThrough(std::min(onDisk && impl_->usable(onDisk->stamp(), now)
                                                 ? std::int64_t(onDisk->stamp().generation)
                                                 : generation - 1,
                                             impl_->meta("merged_through")));
    });
    if (impl_->pending.size() + pendingRows > kPendingRowsBeforeMerge)
        impl_->transaction([&] { impl_->mergePending(); });
    return added;
}

std::optional<IndexedRecording> FingerprintIndex::recording(IndexedKind kind,
                                                            const std::string& registryId) const {
    Statement s(impl_->db, std::string(kRecordingColumns) + "WHERE kind = ? AND registry_id = ?",
                impl_->path);
    s.bind(1, indexedKindName(kind)).bind(2, registryId);
    if (!s.step())
        return std::nullopt;
    return recordingFrom(s);
}

std::optional<IndexedRecording> FingerprintIndex::recording(std::int64_t id) const {
    Statement s(impl_->db, std::string(kRecordingColumns) + "WHERE id = ?", impl_->path);
    s.bind(1, id);
    if (!s.step())
        return std::nullopt;
    return recordingFrom(s);
}

std::vector<IndexedRecording> FingerprintIndex::recordings() const {
    Statement s(impl_->db, std::string(kRecordingColumns) + "ORDER BY id", impl_->path);
    std::vector<IndexedRecording> all;
    while (s.step())
        all.push_back(recordingFrom(s));
    return all;
}

void FingerprintIndex::Impl::lookup(const std::vector<std::uint32_t>& hashes,
                                    const LookupFound& found, bool useMap) {
    // The distinct hashes in order; each row is handed to every query landmark asking its hash.
    std::vector<std::size_t> order(hashes.size());
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(),
              [&](std::size_t a, std::size_t b) { return hashes[a] < hashes[b]; });
    std::vector<std::uint32_t> distinct;
    std::vector<std::size_t> firstAsking; // into order, per distinct hash
    for (std::size_t i = 0; i < order.size(); ++i)
        if (i == 0 || hashes[order[i]] != hashes[order[i - 1]]) {
            distinct.push_back(hashes[order[i]]);
            firstAsking.push_back(i);
        }
    firstAsking.push_back(order.size());

    // Each hash from the lookup file, with the rows added since it was made, but those that lost
    // rows since, which SQLite gives as it gives every hash without a file. One read transaction:
    // all from one snapshot.
    std::vector<const MappedLandmarkRow*> mapped(distinct.size());
    std::vector<std::size_t> mappedCount(distinct.size());
    std::vector<std::pair<const AddedRow*, const AddedRow*>> addedRows(distinct.size());
    std::vector<StoredRow> stored;
    transaction(
        [&] {
            bool withMap = useMap && bringMapUpToDate();
            for (;;) {
                std::vector<std::uint32_t> fromSqlite;
                try {
                    auto nextAdded = added.cbegin();
                    FingerprintMap::Walk walk;
                    for (std::size_t k = 0; k < distinct.size(); ++k) {
                        const std::uint32_t hash = distinct[k];
                        mappedCount[k] = 0;
                        addedRows[k] = {nullptr, nullptr};
                        if (withMap && std::binary_search(stopped.begin(), stopped.end(), hash))
                            continue; // no rows, none to read
                        if (!withMap ||
                            std::binary_search(replaced.begin(), replaced.end(), hash)) {
                            fromSqlite.push_back(hash);
                            continue;
                        }
                        mapped[k] = map->rowsOf(hash, mappedCount[k], walk);
                        if (!std::binary_search(changed.begin(), changed.end(), hash))
                            continue;
                        nextAdded = std::lower_bound(
                            nextAdded, added.cend(), hash,
                            [](const AddedRow& row, std::uint32_t h) { return row.hash < h; });
                        auto end = nextAdded;
                        while (end != added.cend() && end->hash == hash)
                            ++end;
                        addedRows[k] = {added.data() + (nextAdded - added.cbegin()),
                                        added.data() + (end - added.cbegin())};
                        nextAdded = end;
                    }
                } catch (const FingerprintMapDamaged&) {
                    // Damaged on disk since it was checked: SQLite answers every hash while the
                    // worker makes it again.
                    forgetMap();
                    LookupFileRemaker::instance().request(target(), true);
                    withMap = false;
                    continue;
                }
                if (fromSqlite.empty())
                    return;
                // (Read only when needed: with a file, the rows added since are in `added`.)
                bringPendingUpToDate();
                storedRows(fromSqlite, stored);
                return;
            }
        },
        "BEGIN");

    std::size_t next = 0;
    for (std::size_t k = 0; k < distinct.size(); ++k) {
        auto give = [&](std::int64_t recording, const IndexedLandmark& landmark) {
            for (std::size_t i = firstAsking[k]; i < firstAsking[k + 1]; ++i)
                found(order[i], recording, landmark);
        };
        // The file's rows and the ones added since, merged in the rows' key order as SQLite
        // gives them.
        const MappedLandmarkRow* fileRow = mapped[k];
        const MappedLandmarkRow* fileEnd = fileRow + mappedCount[k];
        const AddedRow* addedRow = addedRows[k].first;
        while (fileRow != fileEnd || addedRow != addedRows[k].second) {
            const bool fromFile =
                addedRow == addedRows[k].second ||
                (fileRow != fileEnd &&
                 std::tie(fileRow->recording, fileRow->frame, fileRow->span, fileRow->pitchCents) <
                     std::tie(addedRow->recording, addedRow->frame, addedRow->span,
                              addedRow->pitchCents));
            if (fromFile) {
                give(fileRow->recording,
                     {distinct[k], fileRow->frame, fileRow->span, fileRow->pitchCents});
                ++fileRow;
            } else {
                give(addedRow->recording,
                     {distinct[k], addedRow->frame, addedRow->span, addedRow->pitchCents});
                ++addedRow;
            }
        }
        for (; next < stored.size() && stored[next].hash == distinct[k]; ++next)
            give(stored[next].recording, stored[next].landmark);
    }
}

void FingerprintIndex::lookup(const std::vector<std::uint32_t>& hashes,
                              const LookupFound& found) const {
    impl_->lookup(hashes, found, true);
}

void FingerprintIndex::lookupInSqlite(const std::vector<std::uint32_t>& hashes,
                                      const LookupFound& found) const {
    impl_->lookup(hashes, found, false);
}

bool FingerprintIndex::remakeLookupFile() {
    impl_->forgetMap(); // the next lookup takes the new one
    return LookupFileRemaker::instance().make(impl_->target());
}

void FingerprintIndex::renewLookupFileIfStale() {
    // The file on disk judged, as the next command will find it; finished at exit either way.
    impl_->transaction(
        [&] {
            const auto onDisk = FingerprintMap::open(impl_->mapPath);
            if (!onDisk || !impl_->usable(onDisk->stamp(), impl_->currentStamp()) ||
                impl_->changedHashesPassShare(std::int64_t(onDisk->stamp().generation),
                                              onDisk->rows()))
                LookupFileRemaker::instance().request(impl_->target(), true);
        },
        "BEGIN");
}

void FingerprintIndex::waitForLookupFiles() {
    LookupFileRemaker::instance().waitUntilIdle();
}

void FingerprintIndex::remakeStaleLookupFilesOnLookups(bool enabled) {
    LookupFileRemaker::instance().lookupsRemakeStaleFiles = enabled;
}

void FingerprintIndex::clear() {
    impl_->transaction([&] { impl_->empty(); });
}

std::vector<std::pair<std::string, IndexedLandmark>> FingerprintIndex::dump() const {
    impl_->transaction([&] { impl_->mergePending(); }); // every row in `landmarks`
    Statement s(impl_->db,
                "SELECT r.kind || ':' || r.registry_id, l.hash, l.frame, l.span, l.pitch "
                "FROM landmarks l JOIN recordings r ON r.id = l.recording "
                "ORDER BY r.kind, r.registry_id, l.hash, l.frame, l.span, l.pitch",
                impl_->path);
    std::vector<std::pair<std::string, IndexedLandmark>> all;
    while (s.step())
        all.push_back(
            {s.text(0), IndexedLandmark{std::uint32_t(s.integer(1)), std::uint32_t(s.integer(2)),
                                        std::uint16_t(s.integer(3)), std::int16_t(s.integer(4))}});
    return all;
}

} // namespace accord
