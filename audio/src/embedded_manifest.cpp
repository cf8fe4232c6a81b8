#include "accord/audio/embedded_manifest.h"

#include "accord/core/errors.h"
#include "accord/core/files.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <vector>

namespace accord::audio {

namespace {

constexpr char kChunkId[4] = {'a', 'c', 'r', 'd'};
constexpr int kFlacApplicationBlock = 2;
constexpr std::uint32_t kFlacMaxBlockBytes = (1u << 24) - 1;

std::uint32_t readLe32(const std::string& bytes, std::size_t at) {
    return std::uint32_t(std::uint8_t(bytes[at])) |
           std::uint32_t(std::uint8_t(bytes[at + 1])) << 8 |
           std::uint32_t(std::uint8_t(bytes[at + 2])) << 16 |
           std::uint32_t(std::uint8_t(bytes[at + 3])) << 24;
}

void writeLe32(std::string& bytes, std::size_t at, std::uint32_t value) {
    for (int i = 0; i < 4; ++i)
        bytes[at + std::size_t(i)] = char((value >> (8 * i)) & 0xff);
}

std::uint32_t readBe24(const std::string& bytes, std::size_t at) {
    return std::uint32_t(std::uint8_t(bytes[at])) << 16 |
           std::uint32_t(std::uint8_t(bytes[at + 1])) << 8 |
           std::uint32_t(std::uint8_t(bytes[at + 2]));
}

std::string be24(std::uint32_t value) {
    return {char((value >> 16) & 0xff), char((value >> 8) & 0xff), char(value & 0xff)};
}

bool isWav(const std::string& bytes) {
    return bytes.size() >= 12 && bytes.compare(0, 4, "RIFF") == 0 &&
           bytes.compare(8, 4, "WAVE") == 0;
}

bool isFlac(const std::string& bytes) {
    return bytes.size() >= 4 && bytes.compare(0, 4, "fLaC") == 0;
}

struct Span {
    std::size_t begin = 0; // first byte of the chunk or block header
    std::size_t end = 0;   // one past its last byte (pad byte included)
    std::size_t payload = 0;
    std::size_t payloadSize = 0;
};

// The RIFF chunks of a WAV file, in order, up to the end its RIFF header declares: bytes after
// that end are not part of the WAV (players ignore them, and so does this). Throws BadInput when
// a chunk runs past the end of the file.
std::vector<std::pair<std::string, Span>> wavChunks(const std::string& bytes,
                                                    const std::string& path) {
    const std::size_t riffEnd =
        std::size_t(std::min<std::uint64_t>(8 + std::uint64_t(readLe32(bytes, 4)), bytes.size()));
    std::vector<std::pair<std::string, Span>> chunks;
    std::size_t at = 12;
    while (at + 8 <= riffEnd) {
        const std::uint32_t size = readLe32(bytes, at + 4);
        const std::size_t end = at + 8 + size + (size & 1);
        if (at + 8 + size > bytes.size())
            throw BadInput(path + ": WAV chunk '" + bytes.substr(at, 4) +
                           "' runs past the end of the file (truncated?)");
        chunks.push_back({bytes.substr(at, 4), {at, std::min(end, bytes.size()), at + 8, size}});
        at = end;
    }
    return chunks;
}

struct FlacBlock {
    int type = 0;
    bool last = false;
    Span span;
};

std::vector<FlacBlock> flacBlocks(const std::string& bytes, const std::string& path) {
    std::vector<FlacBlock> blocks;
    std::size_t at = 4;
    for (;;) {
        if (at + 4 > bytes.size())
            throw BadInput(path + ": FLAC metadata ends before the audio (truncated?)");
        const std::uint8_t header = std::uint8_t(bytes[at]);
        const std::uint32_t size = readBe24(bytes, at + 1);
        if (at + 4 + size > bytes.size())
            throw BadInput(path + ": a FLAC metadata block runs past the end of the file");
        blocks.push_back({header & 0x7f, (header & 0x80) != 0, {at, at + 4 + size, at + 4, size}});
        at += 4 + size;
        if (header & 0x80)
            return blocks;
    }
}

bool isOurFlacBlock(const std::string& bytes, const FlacBlock& block) {
    return block.type == kFlacApplicationBlock && block.span.payloadSize >= 4 &&
           std::memcmp(bytes.data() + block.span.payload, kChunkId, 4) == 0;
}

std::string embedInWav(const std::string& bytes, const std::string& manifest,
                       const std::string& path) {
    std::string out = bytes.substr(0, 12);
    for (const auto& [id, span] : wavChunks(bytes, path))
        if (id != std::string(kChunkId, 4))
            out += bytes.substr(span.begin, span.end - span.begin);
    if (out.size() % 2)
        out += '\0'; // a last chunk without its pad byte
    if (out.size() + 8 + manifest.size() + 1 > 0xffffffffull)
        throw BadInput(path + ": too large for a RIFF file with a manifest");
    out += std::string(kChunkId, 4);
    out += std::string(4, '\0');
    writeLe32(out, out.size() - 4, std::uint32_t(manifest.size()));
    out += manifest;
    if (manifest.size() % 2)
        out += '\0';
    writeLe32(out, 4, std::uint32_t(out.size() - 8));
    return out;
}

std::string embedInFlac(const std::string& bytes, const std::string& manifest,
                        const std::string& path) {
    if (manifest.size() + 4 > kFlacMaxBlockBytes)
        throw BadInput(path + ": the manifest is too large for a FLAC metadata block");
    const auto blocks = flacBlocks(bytes, path);
    std::string out = "fLaC";
    for (const auto& block : blocks) {
        if (isOurFlacBlock(bytes, block))
            continue;
        out += char(block.type); // the last-block flag goes on our block
        out += bytes.substr(block.span.begin + 1, block.span.end - block.span.begin - 1);
    }
    out += char(0x80 | kFlacApplicationBlock);
    out += be24(std::uint32_t(manifest.size() + 4));
    out += std::string(kChunkId, 4);
    out += manifest;
    out += bytes.substr(blocks.back().span.end);
    return out;
}

} // namespace

void embedManifest(const std::string& path, const std::string& manifestJson) {
    const std::string bytes = readWholeFile(path);
    if (isWav(bytes))
        writeFileAtomically(path, embedInWav(bytes, manifestJson, path));
    else if (isFlac(bytes))
        writeFileAtomically(path, embedInFlac(bytes, manifestJson, path));
    else
        throw BadInput(path + ": a manifest can be embedded in WAV and FLAC files only");
}

std::vector<std::string> readEmbeddedManifests(const std::string& path) {
    const std::string bytes = readWholeFile(path);
    std::vector<std::string> manifests;
    if (isWav(bytes)) {
        for (const auto& [id, span] : wavChunks(bytes, path))
            if (id == std::string(kChunkId, 4))
                manifests.push_back(bytes.substr(span.payload, span.payloadSize));
    } else if (isFlac(bytes)) {
        for (const auto& block : flacBlocks(bytes, path))
            if (isOurFlacBlock(bytes, block))
                manifests.push_back(
                    bytes.substr(block.span.payload + 4, block.span.payloadSize - 4));
    }
    return manifests;
}

std::string manifestSidecarPath(const std::string& path) {
    return path + ".accord.json";
}

} // namespace accord::audio
