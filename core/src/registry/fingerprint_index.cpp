// The fingerprint index (accord/core/fingerprint_index.h; docs/IDENTIFY.md "Index").

#include "accord/core/fingerprint_index.h"

#include "sqlite_db.h"

#include "accord/core/errors.h"
#include "accord/core/files.h"

#include <algorithm>
#include <numeric>

namespace accord {

using sqlite::Statement;

namespace {

// Landmarks clustered by hash (WITHOUT ROWID, keyed by the hash first): a lookup reads the few
// pages holding one hash's rows. A hash given more landmarks than the cap keeps one row instead,
// of recording 0 (no recording's number; first in the hash's rows): the stop-list
// (docs/IDENTIFY.md "Index").
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
)sql";

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

constexpr const char* kRecordingColumns =
    "SELECT id, kind, registry_id, pcm_sha256, seconds, landmarks FROM recordings ";

} // namespace

std::string indexedKindName(IndexedKind kind) {
    return kind == IndexedKind::Render ? "render" : "asset";
}

struct FingerprintIndex::Impl {
    std::string path;
    sqlite3* db = nullptr;
    int maxRowsPerHash = 0;
    ~Impl() { sqlite3_close(db); }
    void exec(const std::string& sql) const { sqlite::execute(db, sql, path); }

    template <typename Work> void transaction(Work work) {
        exec("BEGIN IMMEDIATE");
        try {
            work();
            exec("COMMIT");
        } catch (...) {
            sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
            throw;
        }
    }
};

std::string FingerprintIndex::pathBeside(const std::string& registryPath) {
    return registryPath + ".fingerprints";
}

std::unique_ptr<FingerprintIndex>
FingerprintIndex::open(const std::string& path, int fingerprintVersion, int maxRowsPerHash) {
    auto impl = std::make_unique<Impl>();
    impl->path = path;
    impl->maxRowsPerHash = maxRowsPerHash;
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
        Statement made(impl->db,
                       "SELECT count(*) FROM meta WHERE (key = 'fingerprint' AND value = ?) OR "
                       "(key = 'max_rows_per_hash' AND value = ?)",
                       path);
        made.bind(1, fingerprintVersion).bind(2, maxRowsPerHash).step();
        if (made.integer(0) == 2)
            return;
        impl->exec("DELETE FROM landmarks; DELETE FROM recordings;");
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
    impl_->transaction([&] {
        if (const auto old = recording(kind, registryId)) {
            // (A hash it helped stop stays stopped until a rebuild.)
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
        Statement row(impl_->db,
                      "INSERT OR IGNORE INTO landmarks (hash, recording, frame, span, pitch) "
                      "VALUES (?, ?, ?, ?, ?)",
                      impl_->path);
        Statement stored(impl_->db, "SELECT recording FROM landmarks WHERE hash = ? LIMIT ?",
                         impl_->path);
        Statement stop(impl_->db, "DELETE FROM landmarks WHERE hash = ?", impl_->path);
        constexpr std::size_t kBatch = 1 << 16; // 768 KiB
        std::vector<IndexedLandmark> batch;
        std::int64_t count = 0;
        // In hash order: each insert lands next to the previous one in the B-tree. A hash that
        // crosses the cap loses its rows for the stop row, and a stopped one takes none: a query
        // would skip them (the read is of the pages the insert writes anyway).
        auto write = [&] {
            std::sort(
                batch.begin(), batch.end(),
                [](const IndexedLandmark& a, const IndexedLandmark& b) { return a.hash < b.hash; });
            for (std::size_t first = 0, end = 0; first < batch.size(); first = end) {
                const std::uint32_t hash = batch[first].hash;
                for (end = first; end < batch.size() && batch[end].hash == hash; ++end) {
                }
                std::int64_t rows = 0;
                bool stopped = false;
                stored.bind(1, std::int64_t(hash)).bind(2, impl_->maxRowsPerHash + 1);
                while (!stopped && stored.step()) {
                    stopped = stored.integer(0) == kStoppedRecording;
                    ++rows;
                }
                stored.reset();
                if (stopped)
                    continue;
                auto insert = [&](std::int64_t recording, const IndexedLandmark& l) {
                    row.bind(1, std::int64_t(hash))
                        .bind(2, recording)
                        .bind(3, std::int64_t(l.frame))
                        .bind(4, int(l.span))
                        .bind(5, int(l.pitchCents))
                        .step();
                    row.reset();
                };
                if (rows + std::int64_t(end - first) > impl_->maxRowsPerHash) {
                    stop.bind(1, std::int64_t(hash)).step();
                    stop.reset();
                    insert(kStoppedRecording, IndexedLandmark{});
                    continue;
                }
                for (std::size_t i = first; i < end; ++i)
                    insert(id, batch[i]);
            }
            batch.clear();
        };
        const double seconds = source([&](const IndexedLandmark& l) {
            batch.push_back(l);
            ++count;
            if (batch.size() == kBatch)
                write();
        });
        write();
        Statement totals(impl_->db, "UPDATE recordings SET seconds = ?, landmarks = ? WHERE id = ?",
                         impl_->path);
        totals.bind(1, seconds).bind(2, count).bind(3, id).step();
        added = *recording(id);
    });
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

void FingerprintIndex::lookup(
    const std::vector<std::uint32_t>& hashes,
    const std::function<void(std::size_t, std::int64_t, const IndexedLandmark&)>& found) const {
    // The distinct hashes in order (neighbouring pages), a few thousand to a statement: a query
    // asks for thousands, and a statement per hash cost as much again as the B-tree's descents,
    // while one for all of a long window's would hold its whole list, and SQLite's parse of it,
    // at once (docs/IDENTIFY.md "Index"). Each row is handed to every query landmark asking its
    // hash; a stopped hash holds only its stop row (add), so no lookup reads more than the cap's
    // rows.
    constexpr std::size_t kHashesPerStatement = 4096;
    std::vector<std::size_t> order(hashes.size());
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(),
              [&](std::size_t a, std::size_t b) { return hashes[a] < hashes[b]; });
    Statement s(impl_->db,
                "SELECT l.hash, l.recording, l.frame, l.span, l.pitch FROM json_each(?) AS wanted "
                "JOIN landmarks AS l ON l.hash = wanted.value",
                impl_->path);
    for (std::size_t next = 0; next < order.size();) {
        std::string wanted = "[";
        for (std::size_t distinct = 0; next < order.size() && distinct < kHashesPerStatement;
             ++next)
            if (next == 0 || hashes[order[next]] != hashes[order[next - 1]])
                wanted += (distinct++ ? "," : "") + std::to_string(hashes[order[next]]);
        wanted += "]";
        s.bind(1, wanted);
        while (s.step()) {
            const std::int64_t recording = s.integer(1);
            if (recording == kStoppedRecording)
                continue;
            const IndexedLandmark landmark{std::uint32_t(s.integer(0)), std::uint32_t(s.integer(2)),
                                           std::uint16_t(s.integer(3)), std::int16_t(s.integer(4))};
            auto at = std::lower_bound(
                order.begin(), order.end(), landmark.hash,
                [&](std::size_t index, std::uint32_t hash) { return hashes[index] < hash; });
            for (; at != order.end() && hashes[*at] == landmark.hash; ++at)
                found(*at, recording, landmark);
        }
        s.reset();
    }
}

void FingerprintIndex::clear() {
    impl_->transaction([&] { impl_->exec("DELETE FROM landmarks; DELETE FROM recordings;"); });
}

std::vector<std::pair<std::string, IndexedLandmark>> FingerprintIndex::dump() const {
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
