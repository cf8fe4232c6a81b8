#pragma once

// The fingerprint index's lookup file (docs/IDENTIFY.md "Index"): the SQLite index's landmark rows
// copied into a file read through a memory map, beside `<registry>.fingerprints`. A lookup is a
// bucket of a directory and a short walk instead of a B-tree descent. Derived from
// the SQLite index (the source of truth), written atomically, and checked as it is read: a file
// missing, cut short, damaged or made from another state of the index is rebuilt, never trusted.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>

namespace accord {

// What a lookup file was made from: which index (its random id), at which of its writes (the
// generation), for which fingerprint version and cap, and how many of the hash's lowest bits a
// bucket leaves out (a field whose neighbouring values one query asks together, so they lie side
// by side in one bucket: docs/IDENTIFY.md "The lookup file").
struct FingerprintMapStamp {
    std::uint64_t indexId = 0;
    std::uint64_t generation = 0;
    std::uint32_t fingerprintVersion = 0;
    std::uint32_t maxRowsPerHash = 0;
    std::uint32_t neighbourBits = 0;
};

// One landmark row as the file holds it (12 bytes; the hash is its record's).
struct MappedLandmarkRow {
    std::uint32_t recording;
    std::uint32_t frame;
    std::uint16_t span;
    std::int16_t pitchCents;
};
static_assert(sizeof(MappedLandmarkRow) == 12, "the file's row layout");

// A bucket whose bytes do not add up to its checksum, or whose records run past it.
struct FingerprintMapDamaged : std::runtime_error {
    using std::runtime_error::runtime_error;
};

class FingerprintMap {
public:
    // The file at `path` mapped, or nullptr when it is missing, shorter or longer than its header
    // says, or its header is damaged (the caller rebuilds it).
    static std::unique_ptr<FingerprintMap> open(const std::string& path);
    ~FingerprintMap();
    FingerprintMap(const FingerprintMap&) = delete;
    FingerprintMap& operator=(const FingerprintMap&) = delete;

    const FingerprintMapStamp& stamp() const { return stamp_; }
    std::uint64_t rows() const { return rows_; }
    // Where the last lookup left off: lookups in increasing hash order that fall in the same
    // bucket check its checksum once and walk on from there.
    struct Walk {
        std::uint64_t bucket = UINT64_MAX; // checked
        std::uint64_t at = 0;              // the first record not below the last hash asked
    };
    // The rows stored under `hash` (count 0 when none). Throws FingerprintMapDamaged when its
    // bucket fails its checksum or its bounds.
    const MappedLandmarkRow* rowsOf(std::uint32_t hash, std::size_t& count, Walk& walk) const;

private:
    FingerprintMap() = default;
    void* mapped_ = nullptr;
    std::size_t bytes_ = 0;
    FingerprintMapStamp stamp_;
    std::uint64_t rows_ = 0;
    std::uint32_t bucketBits_ = 0;
    std::uint32_t neighbourBits_ = 0;
    std::uint64_t buckets_ = 0;
    const std::uint32_t* directory_ = nullptr; // per bucket: start (in words), checksum
    const std::uint32_t* data_ = nullptr;
    std::uint64_t dataWords_ = 0;
};

// Writes the lookup file at `path` atomically: `countRows` hands each stored hash and its row
// count, `eachRow` each row, both in increasing hash order (two scans of the SQLite index);
// `expectedRows` sizes the directory (about four rows a bucket). The records are placed through a
// map of the new file, so memory holds the bucket directory only. One call at a time in a process
// (the atomic writer's temporary is named after the process): fingerprint_index.cpp makes every
// lookup file through one worker.
using HashRowCounts = std::function<void(const std::function<void(std::uint32_t, std::uint32_t)>&)>;
using HashRows =
    std::function<void(const std::function<void(std::uint32_t, const MappedLandmarkRow&)>&)>;
void writeFingerprintMap(const std::string& path, const FingerprintMapStamp& stamp,
                         std::uint64_t expectedRows, const HashRowCounts& countRows,
                         const HashRows& eachRow);

} // namespace accord
