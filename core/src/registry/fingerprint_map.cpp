// The fingerprint index's lookup file (fingerprint_map.h; docs/IDENTIFY.md "Index").
//
// Layout: a 64-byte header; a directory of 2^bits + 1 buckets (each: where its records start, in
// 32-bit words, and a checksum of its words); then the records bucket by bucket, in hash order
// within a bucket, each the hash, its row count and its rows. A hash's bucket is the top bits of
// the hash (less its lowest `neighbourBits`) times a large odd number: the hashes' own top bits
// are few and skewed (the peaks' order and common intervals), which left 5% of the buckets holding
// every row.

#include "fingerprint_map.h"

#include "accord/core/errors.h"
#include "accord/core/files.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <vector>

namespace accord {

namespace {

constexpr char kMagic[8] = {'A', 'C', 'F', 'P', 'M', 'A', 'P', '2'};
constexpr std::uint32_t kMaxBucketBits = 21; // a directory of 16 MiB at most
constexpr std::uint32_t kWordsPerRow = sizeof(MappedLandmarkRow) / 4;

std::uint64_t bucketOf(std::uint32_t hash, std::uint32_t bucketBits, std::uint32_t neighbourBits) {
    return std::uint32_t((hash >> neighbourBits) * 0x9e3779b1u) >> (32 - bucketBits);
}

struct Header {
    char magic[8];
    std::uint32_t fingerprintVersion;
    std::uint32_t maxRowsPerHash;
    std::uint64_t indexId;
    std::uint64_t generation;
    std::uint32_t bucketBits;
    std::uint32_t neighbourBits;
    std::uint64_t dataWords;
    std::uint64_t rows;
    std::uint64_t checksum; // of the bytes above
};
static_assert(sizeof(Header) == 64, "the file's header layout");

// FNV-1a over 32-bit words, seeded per bucket so a bucket's words moved to another bucket do not
// check. It finds a file cut short or damaged on disk; it is not a defence against a forger (the
// index is derived data on the user's own disk: docs/IDENTIFY.md "Index").
class Checksum {
public:
    explicit Checksum(std::uint64_t seed) : state_(0xcbf29ce484222325ull ^ (seed * kSpread)) {}
    void add(std::uint32_t word) { state_ = (state_ ^ word) * 0x100000001b3ull; }
    void add(const std::uint32_t* words, std::size_t count) {
        for (std::size_t i = 0; i < count; ++i)
            add(words[i]);
    }
    std::uint64_t value() const { return state_ ^ (state_ >> 29); }

private:
    static constexpr std::uint64_t kSpread = 0x9e3779b97f4a7c15ull;
    std::uint64_t state_;
};

std::uint64_t headerChecksum(const Header& header) {
    std::uint32_t words[offsetof(Header, checksum) / 4];
    std::memcpy(words, &header, sizeof(words));
    Checksum sum(~0ull);
    sum.add(words, sizeof(words) / 4);
    return sum.value();
}

std::uint64_t directoryBytes(std::uint32_t bucketBits) {
    return ((std::uint64_t(1) << bucketBits) + 1) * 2 * 4;
}

} // namespace

std::unique_ptr<FingerprintMap> FingerprintMap::open(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0)
        return nullptr;
    struct stat info {};
    void* mapped = MAP_FAILED;
    if (::fstat(fd, &info) == 0 && S_ISREG(info.st_mode) &&
        std::uint64_t(info.st_size) >= sizeof(Header))
        mapped = ::mmap(nullptr, std::size_t(info.st_size), PROT_READ, MAP_SHARED, fd, 0);
    ::close(fd);
    if (mapped == MAP_FAILED)
        return nullptr;
    std::unique_ptr<FingerprintMap> map(new FingerprintMap);
    map->mapped_ = mapped;
    map->bytes_ = std::size_t(info.st_size);
    Header header;
    std::memcpy(&header, mapped, sizeof(header));
    if (std::memcmp(header.magic, kMagic, sizeof(kMagic)) != 0 ||
        header.checksum != headerChecksum(header) || header.bucketBits < 1 ||
        header.bucketBits > kMaxBucketBits || header.neighbourBits >= 32 ||
        header.dataWords > (map->bytes_ / 4) ||
        sizeof(Header) + directoryBytes(header.bucketBits) + header.dataWords * 4 != map->bytes_)
        return nullptr;
    map->stamp_ = {header.indexId, header.generation, header.fingerprintVersion,
                   header.maxRowsPerHash, header.neighbourBits};
    map->rows_ = header.rows;
    map->bucketBits_ = header.bucketBits;
    map->neighbourBits_ = header.neighbourBits;
    map->buckets_ = std::uint64_t(1) << header.bucketBits;
    map->directory_ =
        reinterpret_cast<const std::uint32_t*>(static_cast<const char*>(mapped) + sizeof(Header));
    map->data_ = map->directory_ + directoryBytes(header.bucketBits) / 4;
    map->dataWords_ = header.dataWords;
    return map;
}

FingerprintMap::~FingerprintMap() {
    ::munmap(mapped_, bytes_);
}

const MappedLandmarkRow* FingerprintMap::rowsOf(std::uint32_t hash, std::size_t& count,
                                                Walk& walk) const {
    count = 0;
    const std::uint64_t bucket = bucketOf(hash, bucketBits_, neighbourBits_);
    const std::uint64_t start = directory_[2 * bucket], end = directory_[2 * bucket + 2];
    if (bucket != walk.bucket) {
        if (start > end || end > dataWords_)
            throw FingerprintMapDamaged("a bucket out of bounds");
        Checksum sum(bucket);
        sum.add(data_ + start, std::size_t(end - start));
        if (std::uint32_t(sum.value()) != directory_[2 * bucket + 1])
            throw FingerprintMapDamaged("a bucket's checksum does not match");
        walk = {bucket, start};
    }
    for (std::uint64_t& at = walk.at; at < end;) {
        if (end - at < 2 || (end - at - 2) / kWordsPerRow < data_[at + 1])
            throw FingerprintMapDamaged("a record runs past its bucket");
        const std::uint32_t stored = data_[at], rows = data_[at + 1];
        if (stored == hash) {
            count = rows;
            return reinterpret_cast<const MappedLandmarkRow*>(data_ + at + 2);
        }
        if (stored > hash)
            break;
        at += 2 + std::uint64_t(rows) * kWordsPerRow;
    }
    return nullptr;
}

void writeFingerprintMap(const std::string& path, const FingerprintMapStamp& stamp,
                         std::uint64_t expectedRows, const HashRowCounts& countRows,
                         const HashRows& eachRow) {
    Header header{};
    std::memcpy(header.magic, kMagic, sizeof(kMagic));
    header.fingerprintVersion = stamp.fingerprintVersion;
    header.maxRowsPerHash = stamp.maxRowsPerHash;
    header.indexId = stamp.indexId;
    header.generation = stamp.generation;
    header.neighbourBits = stamp.neighbourBits;

    // About four rows a bucket: a lookup checks and walks a few records of one bucket.
    header.bucketBits = 4;
    while (header.bucketBits < kMaxBucketBits &&
           (std::uint64_t(4) << header.bucketBits) < expectedRows)
        ++header.bucketBits;
    const std::uint64_t buckets = std::uint64_t(1) << header.bucketBits;
    // Per bucket: where it starts and, while it is made, its size, then its next free word (the
    // checksum's slot, filled last), so memory holds the directory alone.
    std::vector<std::uint32_t> directory(2 * (buckets + 1), 0);
    // First scan: each bucket's size in words, from which every bucket's place follows.
    countRows([&](std::uint32_t hash, std::uint32_t count) {
        header.rows += count;
        std::uint32_t& words =
            directory[2 * bucketOf(hash, header.bucketBits, header.neighbourBits) + 1];
        const std::uint64_t grown = words + 2 + std::uint64_t(count) * kWordsPerRow;
        if (grown > UINT32_MAX)
            throw BadInput(path + ": the fingerprint lookup file would pass 16 GiB");
        words = std::uint32_t(grown);
    });
    for (std::uint64_t b = 0; b < buckets; ++b) {
        const std::uint32_t words = directory[2 * b + 1];
        if (header.dataWords + words > UINT32_MAX)
            throw BadInput(path + ": the fingerprint lookup file would pass 16 GiB");
        directory[2 * b] = directory[2 * b + 1] = std::uint32_t(header.dataWords);
        header.dataWords += words;
    }
    directory[2 * buckets] = std::uint32_t(header.dataWords);

    // Second scan: each hash's record at its bucket's next free word.
    AtomicFileWriter file(path);
    const std::uint64_t dataStart = sizeof(Header) + directoryBytes(header.bucketBits);
    char* const bytes = file.mapWhole(dataStart + header.dataWords * 4);
    auto* const data = reinterpret_cast<std::uint32_t*>(bytes + dataStart);
    std::uint32_t* record = nullptr; // the record being filled: its count grows row by row
    std::uint32_t recordHash = 0;
    eachRow([&](std::uint32_t hash, const MappedLandmarkRow& row) {
        const std::uint64_t b = bucketOf(hash, header.bucketBits, header.neighbourBits);
        std::uint32_t& next = directory[2 * b + 1];
        if (!record || hash != recordHash) {
            if (next + std::uint64_t(2) > directory[2 * b + 2])
                throw BadInput(path + ": the index changed while its lookup file was made");
            record = data + next;
            record[0] = hash;
            record[1] = 0;
            recordHash = hash;
            next += 2;
        }
        if (next + std::uint64_t(kWordsPerRow) > directory[2 * b + 2])
            throw BadInput(path + ": the index changed while its lookup file was made");
        std::memcpy(data + next, &row, sizeof(row));
        next += kWordsPerRow;
        ++record[1];
    });
    for (std::uint64_t b = 0; b < buckets; ++b) {
        if (directory[2 * b + 1] != directory[2 * b + 2])
            throw BadInput(path + ": the index changed while its lookup file was made");
        Checksum sum(b);
        sum.add(data + directory[2 * b], directory[2 * b + 2] - directory[2 * b]);
        directory[2 * b + 1] = std::uint32_t(sum.value());
    }
    header.checksum = headerChecksum(header);
    std::memcpy(bytes, &header, sizeof(header));
    std::memcpy(bytes + sizeof(Header), directory.data(), directory.size() * 4);
    file.commit();
}

} // namespace accord
