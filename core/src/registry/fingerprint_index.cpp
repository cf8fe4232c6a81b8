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
// pages holding one hash's rows.
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

constexpr const char* kRecordingColumns =
    "SELECT id, kind, registry_id, pcm_sha256, seconds, landmarks FROM recordings ";

} // namespace

std::string indexedKindName(IndexedKind kind) {
    return kind == IndexedKind::Render ? "render" : "asset";
}

struct FingerprintIndex::Impl {
    std::string path;
    sqlite3* db = nullptr;
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

std::unique_ptr<FingerprintIndex> FingerprintIndex::open(const std::string& path,
                                                         int fingerprintVersion) {
    auto impl = std::make_unique<Impl>();
    impl->path = path;
    impl->db = sqlite::openDatabase(path, "fingerprint index");
    impl->exec("PRAGMA journal_mode = WAL");
    impl->exec("PRAGMA synchronous = NORMAL"); // a crash may lose the last recordings, never
                                               // corrupt the index; reindex brings them back
    impl->exec("PRAGMA cache_size = -8192");   // 8 MiB
    // Lookups read pages all over the file: mapped, a page is read in place rather than copied by
    // a system call (docs/IDENTIFY.md "Index"; SQLite caps the map at its build's maximum).
    impl->exec("PRAGMA mmap_size = 4294967296");
    impl->transaction([&] {
        impl->exec(kSchema);
        Statement version(impl->db, "SELECT value FROM meta WHERE key = 'fingerprint'", path);
        if (version.step() && version.integer(0) == fingerprintVersion)
            return;
        impl->exec("DELETE FROM landmarks; DELETE FROM recordings;");
        Statement set(impl->db,
                      "INSERT OR REPLACE INTO meta (key, value) VALUES ('fingerprint', ?)", path);
        set.bind(1, fingerprintVersion).step();
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
        constexpr std::size_t kBatch = 1 << 16; // 768 KiB
        std::vector<IndexedLandmark> batch;
        std::int64_t count = 0;
        // In hash order: each insert lands next to the previous one in the B-tree.
        auto write = [&] {
            std::sort(
                batch.begin(), batch.end(),
                [](const IndexedLandmark& a, const IndexedLandmark& b) { return a.hash < b.hash; });
            for (const IndexedLandmark& l : batch) {
                row.bind(1, std::int64_t(l.hash))
                    .bind(2, id)
                    .bind(3, std::int64_t(l.frame))
                    .bind(4, int(l.span))
                    .bind(5, int(l.pitchCents))
                    .step();
                row.reset();
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
    const std::vector<std::uint32_t>& hashes, int maxRowsPerHash,
    const std::function<void(std::size_t, std::int64_t, const IndexedLandmark&)>& found) const {
    // Each distinct hash once, in order (neighbouring pages), handed to every query asking it.
    std::vector<std::size_t> order(hashes.size());
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(),
              [&](std::size_t a, std::size_t b) { return hashes[a] < hashes[b]; });
    Statement s(impl_->db,
                "SELECT recording, frame, span, pitch FROM landmarks WHERE hash = ? LIMIT ?",
                impl_->path);
    std::vector<std::pair<std::int64_t, IndexedLandmark>> rows;
    for (std::size_t i = 0; i < order.size();) {
        const std::uint32_t hash = hashes[order[i]];
        rows.clear();
        s.bind(1, std::int64_t(hash)).bind(2, maxRowsPerHash + 1);
        while (s.step())
            rows.push_back({s.integer(0), IndexedLandmark{hash, std::uint32_t(s.integer(1)),
                                                          std::uint16_t(s.integer(2)),
                                                          std::int16_t(s.integer(3))}});
        s.reset();
        if (int(rows.size()) > maxRowsPerHash)
            rows.clear();
        for (; i < order.size() && hashes[order[i]] == hash; ++i)
            for (const auto& [recording, landmark] : rows)
                found(order[i], recording, landmark);
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
