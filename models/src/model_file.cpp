#include "model_file.h"

#include "byte_block.h"

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
    ByteReader in(blob, what);
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
        if (elements > in.remaining() / 4)
            in.fail("truncated tensor data");
        t.values.resize(elements);
        for (float& value : t.values) {
            const std::uint32_t bits = in.u32();
            std::memcpy(&value, &bits, 4);
        }
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
    ByteReader header(bytes, file);
    header.text(8);
    const std::uint32_t version = header.u32();
    if (version == 0)
        fail("corrupt " + kind + " (format version 0)");
    if (version > static_cast<std::uint32_t>(maxVersion))
        fail("written by a newer Accord (format version " + std::to_string(version) +
             "; this build reads up to " + std::to_string(maxVersion) + ")");
    header.u32();
    const std::uint64_t jsonBytes = header.u64();
    const std::uint64_t blobBytes = header.u64();
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
