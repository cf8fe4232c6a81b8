#include "model_file.h"

#include "accord/core/crypto.h"
#include "accord/core/errors.h"

#include <cstring>

namespace accord::models {
namespace {

constexpr char kTensorMagic[9] = "ACCTENS1";
constexpr size_t kHeaderBytes = 8 + 4 + 4 + 8 + 8;
constexpr size_t kChecksumBytes = 32;
constexpr std::uint32_t kMaxRank = 8;

static_assert(sizeof(float) == 4, "float32 expected");

void putU32(std::string& out, std::uint32_t v) {
    for (int i = 0; i < 4; ++i)
        out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
void putU64(std::string& out, std::uint64_t v) {
    for (int i = 0; i < 8; ++i)
        out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

// A bounds-checked little-endian reader.
class Reader {
public:
    Reader(const std::string& bytes, std::string what) : bytes_(bytes), what_(std::move(what)) {}
    std::uint32_t u32() { return static_cast<std::uint32_t>(take(4)); }
    std::uint64_t u64() { return take(8); }
    std::string text(size_t n) {
        need(n);
        std::string out = bytes_.substr(at_, n);
        at_ += n;
        return out;
    }
    void floats(std::vector<float>& out, size_t n) {
        if (n > (bytes_.size() - at_) / 4)
            fail("truncated tensor data");
        out.resize(n);
        for (size_t i = 0; i < n; ++i) {
            const auto bits = static_cast<std::uint32_t>(take(4));
            std::memcpy(&out[i], &bits, 4);
        }
    }
    bool done() const { return at_ == bytes_.size(); }
    [[noreturn]] void fail(const std::string& problem) const {
        throw BadInput(what_ + ": " + problem);
    }

private:
    void need(size_t n) const {
        if (n > bytes_.size() - at_)
            fail("truncated tensor data");
    }
    std::uint64_t take(size_t n) {
        need(n);
        std::uint64_t v = 0;
        for (size_t i = 0; i < n; ++i)
            v |= static_cast<std::uint64_t>(static_cast<unsigned char>(bytes_[at_ + i])) << (8 * i);
        at_ += n;
        return v;
    }
    const std::string& bytes_;
    std::string what_;
    size_t at_ = 0;
};

std::uint64_t readU64(const std::string& bytes, size_t at) {
    std::uint64_t v = 0;
    for (size_t i = 0; i < 8; ++i)
        v |= static_cast<std::uint64_t>(static_cast<unsigned char>(bytes[at + i])) << (8 * i);
    return v;
}
std::uint32_t readU32(const std::string& bytes, size_t at) {
    std::uint32_t v = 0;
    for (size_t i = 0; i < 4; ++i)
        v |= static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[at + i])) << (8 * i);
    return v;
}

} // namespace

std::string encodeTensors(const std::vector<NamedArray>& tensors) {
    std::string out(kTensorMagic, 8);
    putU32(out, static_cast<std::uint32_t>(tensors.size()));
    for (const NamedArray& t : tensors) {
        putU32(out, static_cast<std::uint32_t>(t.name.size()));
        out += t.name;
        putU32(out, static_cast<std::uint32_t>(t.shape.size()));
        for (const std::int64_t d : t.shape)
            putU64(out, static_cast<std::uint64_t>(d));
        for (const float v : t.values) {
            std::uint32_t bits = 0;
            std::memcpy(&bits, &v, 4);
            putU32(out, bits);
        }
    }
    return out;
}

std::vector<NamedArray> decodeTensors(const std::string& blob, const std::string& what) {
    Reader in(blob, what);
    if (in.text(8) != std::string(kTensorMagic, 8))
        in.fail("the weights block is not an Accord tensor block");
    const std::uint32_t count = in.u32();
    std::vector<NamedArray> tensors;
    for (std::uint32_t i = 0; i < count; ++i) {
        NamedArray t;
        const std::uint32_t nameBytes = in.u32();
        if (nameBytes > 256)
            in.fail("corrupt tensor name");
        t.name = in.text(nameBytes);
        const std::uint32_t rank = in.u32();
        if (rank > kMaxRank)
            in.fail("corrupt tensor '" + t.name + "' (rank " + std::to_string(rank) + ")");
        size_t elements = 1;
        for (std::uint32_t d = 0; d < rank; ++d) {
            const auto dim = static_cast<std::int64_t>(in.u64());
            if (dim < 0 || dim > (std::int64_t{1} << 32))
                in.fail("corrupt tensor '" + t.name + "' (dimension " + std::to_string(dim) + ")");
            t.shape.push_back(dim);
            elements *= static_cast<size_t>(dim);
            if (elements > (size_t{1} << 32))
                in.fail("corrupt tensor '" + t.name + "' (too large)");
        }
        in.floats(t.values, elements);
        tensors.push_back(std::move(t));
    }
    if (!in.done())
        in.fail("unexpected bytes after the last tensor");
    return tensors;
}

std::string encodeContainer(const char* magic, int version, const std::string& json,
                            const std::string& blob) {
    std::string out(magic, 8);
    putU32(out, static_cast<std::uint32_t>(version));
    putU32(out, 0);
    putU64(out, json.size());
    putU64(out, blob.size());
    out += json;
    out += blob;
    const Bytes checksum = fromHex(sha256Hex(out), "checksum");
    out.append(reinterpret_cast<const char*>(checksum.data()), checksum.size());
    return out;
}

Container decodeContainer(const std::string& bytes, const char* magic, int maxVersion,
                          const std::string& file, const std::string& kind) {
    const auto fail = [&](const std::string& problem) { throw BadInput(file + ": " + problem); };
    const size_t prefix = std::min<size_t>(bytes.size(), 8);
    if (bytes.compare(0, prefix, std::string(magic, prefix)) != 0 || bytes.empty())
        fail("not " + kind + " (unrecognised content" + (bytes.empty() ? ": empty file" : "") +
             ")");
    if (bytes.size() < kHeaderBytes + kChecksumBytes)
        fail("truncated " + kind + ": only " + std::to_string(bytes.size()) + " bytes");
    const std::uint32_t version = readU32(bytes, 8);
    if (version == 0)
        fail("corrupt " + kind + " (format version 0)");
    if (version > static_cast<std::uint32_t>(maxVersion))
        fail("written by a newer Accord (format version " + std::to_string(version) +
             "; this build reads up to " + std::to_string(maxVersion) + ")");
    const std::uint64_t jsonBytes = readU64(bytes, 16);
    const std::uint64_t blobBytes = readU64(bytes, 24);
    const std::uint64_t limit = std::uint64_t{1} << 40;
    if (jsonBytes > limit || blobBytes > limit)
        fail("corrupt " + kind + " (impossible section sizes)");
    const std::uint64_t expected = kHeaderBytes + jsonBytes + blobBytes + kChecksumBytes;
    if (bytes.size() < expected)
        fail("truncated " + kind + ": " + std::to_string(bytes.size()) +
             " bytes, its header announces " + std::to_string(expected));
    if (bytes.size() > expected)
        fail("corrupt " + kind + ": " + std::to_string(bytes.size() - expected) +
             " unexpected bytes after its end");
    const size_t body = static_cast<size_t>(expected - kChecksumBytes);
    const Bytes stored(bytes.begin() + static_cast<std::ptrdiff_t>(body), bytes.end());
    if (sha256Hex(bytes.substr(0, body)) != toHex(stored))
        fail("corrupt " + kind + ": checksum mismatch (the file was damaged or modified)");
    Container container;
    container.version = static_cast<int>(version);
    container.json = bytes.substr(kHeaderBytes, static_cast<size_t>(jsonBytes));
    container.blob =
        bytes.substr(kHeaderBytes + static_cast<size_t>(jsonBytes), static_cast<size_t>(blobBytes));
    return container;
}

} // namespace accord::models
