// The fingerprint index's lookup file (fingerprint_map.h; docs/IDENTIFY.md "Index").
//
// Layout: a 64-byte header; a directory of 2^bits + 1 buckets (each: where its records start, in
// 32-bit words, and a checksum of its words); then the records in hash order, each the hash, its
// row count and its rows. A hash's bucket is its top bits (hash >> shift), so rows streamed in
// hash order fill the buckets one after the other and the file is written in one pass.

#include "fingerprint_map.h"

#include "accord/core/errors.h"
#include "accord/core/files.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <mutex>
#include <vector>

namespace accord {

namespace {

constexpr char kMagic[8] = {'A', 'C', 'F', 'P', 'M', 'A', 'P', '1'};
constexpr std::uint32_t kMaxBucketBits = 21; // a directory of 16 MiB at most
constexpr std::uint32_t kWordsPerRow = sizeof(MappedLandmarkRow) / 4;

struct Header {
    char magic[8];
    std::uint32_t fingerprintVersion;
    std::uint32_t maxRowsPerHash;
    std::uint64_t indexId;
    std::uint64_t generation;
    std::uint32_t bucketBits;
    std::uint32_t shift;
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

// One process writes one lookup file at a time: the atomic writer's temporary is named after the
// process, so two threads rebuilding at once would write the same temporary.
std::mutex& writersMutex() {
    static std::mutex mutex;
    return mutex;
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
        header.checksum != headerChecksum(header) || header.bucketBits > kMaxBucketBits ||
        header.shift > 31 || header.dataWords > (map->bytes_ / 4) ||
        sizeof(Header) + directoryBytes(header.bucketBits) + header.dataWords * 4 != map->bytes_)
        return nullptr;
    map->stamp_ = {header.indexId, header.generation, header.fingerprintVersion,
                   header.maxRowsPerHash};
    map->rows_ = header.rows;
    map->shift_ = header.shift;
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

const MappedLandmarkRow* FingerprintMap::rowsOf(std::uint32_t hash, std::size_t& count) const {
    count = 0;
    const std::uint64_t bucket = hash >> shift_;
    if (bucket >= buckets_)
        return nullptr;
    const std::uint64_t start = directory_[2 * bucket], end = directory_[2 * bucket + 2];
    if (start > end || end > dataWords_)
        throw FingerprintMapDamaged("a bucket out of bounds");
    Checksum sum(bucket);
    sum.add(data_ + start, std::size_t(end - start));
    if (std::uint32_t(sum.value()) != directory_[2 * bucket + 1])
        throw FingerprintMapDamaged("a bucket's checksum does not match");
    for (std::uint64_t at = start; at < end;) {
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

struct FingerprintMapWriter::Impl {
    std::lock_guard<std::mutex> oneWriter{writersMutex()};
    AtomicFileWriter file;
    Header header{};
    std::vector<std::uint32_t> directory;
    std::vector<std::uint32_t> pending; // words not written yet
    std::uint64_t bucket = 0;           // the bucket being filled
    Checksum sum{0};
    bool haveRecord = false;
    std::uint32_t recordHash = 0;
    std::vector<MappedLandmarkRow> recordRows;

    std::string path;
    explicit Impl(const std::string& filePath) : file(filePath), path(filePath) {}

    // Closes buckets up to (not including) `next`: each starts where the data now ends.
    void closeBucketsBefore(std::uint64_t next) {
        for (; bucket < next; ++bucket) {
            directory[2 * bucket + 1] = std::uint32_t(sum.value());
            directory[2 * bucket + 2] = std::uint32_t(header.dataWords);
            sum = Checksum(bucket + 1);
        }
    }
    void emitWord(std::uint32_t word) {
        sum.add(word);
        pending.push_back(word);
        ++header.dataWords;
    }
    void emitRecord() {
        if (!haveRecord)
            return;
        closeBucketsBefore(recordHash >> header.shift);
        if (header.dataWords + 2 + recordRows.size() * kWordsPerRow > UINT32_MAX)
            throw BadInput(path + ": the fingerprint lookup file would pass 16 GiB");
        emitWord(recordHash);
        emitWord(std::uint32_t(recordRows.size()));
        for (const MappedLandmarkRow& row : recordRows) {
            std::uint32_t words[kWordsPerRow];
            std::memcpy(words, &row, sizeof(row));
            for (std::uint32_t w : words)
                emitWord(w);
        }
        header.rows += recordRows.size();
        recordRows.clear();
        if (pending.size() >= (1u << 18)) // 1 MiB at a time
            flush();
    }
    void flush() {
        file.write(pending.data(), pending.size() * 4);
        pending.clear();
    }
};

FingerprintMapWriter::FingerprintMapWriter(const std::string& path,
                                           const FingerprintMapStamp& stamp,
                                           std::uint64_t expectedRows, std::uint32_t maxHash)
    : impl_(std::make_unique<Impl>(path)) {
    Header& header = impl_->header;
    std::memcpy(header.magic, kMagic, sizeof(kMagic));
    header.fingerprintVersion = stamp.fingerprintVersion;
    header.maxRowsPerHash = stamp.maxRowsPerHash;
    header.indexId = stamp.indexId;
    header.generation = stamp.generation;
    // About four rows a bucket: a lookup checks and walks a few records of one bucket.
    std::uint32_t bits = 4;
    while (bits < kMaxBucketBits && (std::uint64_t(4) << bits) < expectedRows)
        ++bits;
    std::uint32_t hashBits = 1;
    while (hashBits < 32 && (maxHash >> hashBits) != 0)
        ++hashBits;
    header.bucketBits = bits;
    header.shift = hashBits > bits ? hashBits - bits : 0;
    impl_->directory.assign(directoryBytes(bits) / 4, 0);
    // The header and directory are settled at commit; their room is reserved first.
    const std::vector<char> room(sizeof(Header) + directoryBytes(bits), 0);
    impl_->file.write(room.data(), room.size());
}

FingerprintMapWriter::~FingerprintMapWriter() = default;

void FingerprintMapWriter::add(std::uint32_t hash, const MappedLandmarkRow& row) {
    if (impl_->haveRecord && hash != impl_->recordHash)
        impl_->emitRecord();
    impl_->haveRecord = true;
    impl_->recordHash = hash;
    impl_->recordRows.push_back(row);
}

void FingerprintMapWriter::commit() {
    impl_->emitRecord();
    impl_->flush();
    const std::uint64_t buckets = std::uint64_t(1) << impl_->header.bucketBits;
    impl_->closeBucketsBefore(buckets);
    impl_->directory[2 * buckets + 1] = 0;
    impl_->header.checksum = headerChecksum(impl_->header);
    impl_->file.writeAt(0, &impl_->header, sizeof(Header));
    impl_->file.writeAt(sizeof(Header), impl_->directory.data(), impl_->directory.size() * 4);
    impl_->file.commit();
}

} // namespace accord
