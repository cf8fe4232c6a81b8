#include "accord/audio/embedded_manifest.h"

#include "source_file.h"

#include "accord/core/crypto.h"
#include "accord/core/errors.h"
#include "accord/core/files.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <vector>

namespace accord::audio {

// Both directions walk the container's chunk or block headers with positional reads and copy
// the audio in blocks, so a file of any length is handled in bounded memory (an hour-long mix
// is larger than any file Accord reads whole).
namespace {

using detail::SourceFile;

constexpr char kChunkId[4] = {'a', 'c', 'r', 'd'};
constexpr char kC2paChunkId[4] = {'C', '2', 'P', 'A'};
constexpr int kFlacApplicationBlock = 2;
constexpr std::uint32_t kFlacMaxBlockBytes = (1u << 24) - 1;
// FLAC's block limit, less the application id: no manifest Accord writes is larger, in WAV too.
constexpr std::uint32_t kMaxManifestBytes = kFlacMaxBlockBytes - 4;
// One manifest is an export's proof; more are already tampering, so a few suffice to say so.
constexpr std::size_t kMaxManifestsListed = 8;
constexpr std::size_t kCopyBlockBytes = std::size_t(1) << 20;

std::uint32_t le32(const unsigned char* p) {
    return std::uint32_t(p[0]) | std::uint32_t(p[1]) << 8 | std::uint32_t(p[2]) << 16 |
           std::uint32_t(p[3]) << 24;
}

std::string le32Bytes(std::uint32_t value) {
    return {char(value & 0xff), char((value >> 8) & 0xff), char((value >> 16) & 0xff),
            char((value >> 24) & 0xff)};
}

std::uint32_t be24(const unsigned char* p) {
    return std::uint32_t(p[0]) << 16 | std::uint32_t(p[1]) << 8 | std::uint32_t(p[2]);
}

std::string be24Bytes(std::uint32_t value) {
    return {char((value >> 16) & 0xff), char((value >> 8) & 0xff), char(value & 0xff)};
}

// A chunk id as text for a message: bytes that are not printable ASCII shown as '?'.
std::string printableId(const unsigned char* id) {
    std::string text(reinterpret_cast<const char*>(id), 4);
    for (char& c : text)
        if (c < 0x20 || c > 0x7e)
            c = '?';
    return text;
}

enum class Container { Wav, Flac, Other };

Container containerOf(const SourceFile& file) {
    unsigned char head[12] = {};
    const std::size_t n = file.readAtOrThrow(0, head, sizeof head);
    if (n >= 12 && std::memcmp(head, "RIFF", 4) == 0 && std::memcmp(head + 8, "WAVE", 4) == 0)
        return Container::Wav;
    if (n >= 4 && std::memcmp(head, "fLaC", 4) == 0)
        return Container::Flac;
    return Container::Other;
}

// A RIFF chunk or a FLAC metadata block, as offsets into the file.
struct Piece {
    std::uint64_t begin = 0;   // its header's first byte
    std::uint64_t end = 0;     // one past its last byte (a WAV chunk's pad byte included)
    std::uint64_t payload = 0; // its payload's first byte (after a FLAC block's application id)
    std::uint64_t payloadSize = 0;
    bool ours = false; // an embedded manifest
    bool c2pa = false; // a C2PA manifest store
    int flacType = 0;
};

// Every RIFF chunk up to the end the RIFF header declares, in order: bytes after that end are
// not part of the WAV (players ignore them, and so does this). Throws BadInput when a chunk runs
// past the end of the file.
template <typename Visit> void forEachWavChunk(const SourceFile& file, Visit&& visit) {
    unsigned char header[8];
    file.readAtOrThrow(0, header, sizeof header);
    const std::uint64_t riffEnd =
        std::min<std::uint64_t>(8 + std::uint64_t(le32(header + 4)), file.size());
    std::uint64_t at = 12;
    while (at + 8 <= riffEnd) {
        file.readAtOrThrow(at, header, sizeof header);
        const std::uint64_t size = le32(header + 4);
        if (at + 8 + size > file.size())
            throw BadInput(file.path() + ": WAV chunk '" + printableId(header) +
                           "' runs past the end of the file (truncated?)");
        const std::uint64_t next = at + 8 + size + (size & 1);
        Piece chunk;
        chunk.begin = at;
        chunk.end = std::min(next, file.size());
        chunk.payload = at + 8;
        chunk.payloadSize = size;
        chunk.ours = std::memcmp(header, kChunkId, 4) == 0;
        chunk.c2pa = std::memcmp(header, kC2paChunkId, 4) == 0;
        visit(chunk);
        at = next;
    }
}

// Every FLAC metadata block, in order; returns where the audio frames begin. Throws BadInput
// when the metadata is cut off.
template <typename Visit> std::uint64_t forEachFlacBlock(const SourceFile& file, Visit&& visit) {
    std::uint64_t at = 4;
    for (;;) {
        unsigned char header[8] = {}; // the block header and an application block's id
        if (file.readAtOrThrow(at, header, sizeof header) < 4)
            throw BadInput(file.path() + ": FLAC metadata ends before the audio (truncated?)");
        const std::uint64_t size = be24(header + 1);
        if (at + 4 + size > file.size())
            throw BadInput(file.path() + ": a FLAC metadata block runs past the end of the file");
        Piece block;
        block.begin = at;
        block.end = at + 4 + size;
        block.flacType = header[0] & 0x7f;
        block.ours = block.flacType == kFlacApplicationBlock && size >= 4 &&
                     std::memcmp(header + 4, kChunkId, 4) == 0;
        block.payload = at + (block.ours ? 8 : 4);
        block.payloadSize = block.ours ? size - 4 : size;
        visit(block);
        at = block.end;
        if (header[0] & 0x80)
            return at;
    }
}

// Hands `use` the bytes [from, to) of the file, a block at a time.
template <typename Use>
void forEachBlock(const SourceFile& file, std::uint64_t from, std::uint64_t to, Use&& use) {
    if (from >= to)
        return;
    std::vector<char> buffer(std::size_t(std::min<std::uint64_t>(kCopyBlockBytes, to - from)));
    while (from < to) {
        const std::size_t want = std::size_t(std::min<std::uint64_t>(buffer.size(), to - from));
        const std::size_t got = file.readAtOrThrow(from, buffer.data(), want);
        if (got == 0)
            throw BadInput(file.path() + ": the file shrank while it was read");
        use(buffer.data(), got);
        from += got;
    }
}

void copyRange(const SourceFile& file, std::uint64_t from, std::uint64_t to,
               AtomicFileWriter& out) {
    forEachBlock(file, from, to,
                 [&](const char* data, std::size_t size) { out.write(data, size); });
}

std::string readManifest(const SourceFile& file, const Piece& piece) {
    if (piece.payloadSize > kMaxManifestBytes)
        throw BadInput(file.path() + ": an embedded manifest of " +
                       std::to_string(piece.payloadSize) +
                       " bytes, larger than any Accord writes (16 MiB)");
    std::string text(std::size_t(piece.payloadSize), '\0');
    if (file.readAtOrThrow(piece.payload, text.data(), text.size()) != text.size())
        throw BadInput(file.path() + ": the embedded manifest runs past the end of the file");
    return text;
}

void embedInWav(const SourceFile& file, const std::string& manifest, AtomicFileWriter& out) {
    // First the size the RIFF header must declare, then the file itself.
    std::uint64_t kept = 0;
    forEachWavChunk(file, [&](const Piece& chunk) {
        if (!chunk.ours && !chunk.c2pa)
            kept += chunk.end - chunk.begin;
    });
    const std::uint64_t pad = kept % 2; // a last chunk without its pad byte
    const std::uint64_t total = 12 + kept + pad + 8 + manifest.size() + manifest.size() % 2;
    if (total - 8 > 0xffffffffull)
        throw BadInput(file.path() + ": too large for a RIFF file with a manifest");
    out.write("RIFF" + le32Bytes(std::uint32_t(total - 8)) + "WAVE");
    forEachWavChunk(file, [&](const Piece& chunk) {
        if (!chunk.ours && !chunk.c2pa)
            copyRange(file, chunk.begin, chunk.end, out);
    });
    if (pad)
        out.write(std::string(1, '\0'));
    out.write(std::string(kChunkId, 4) + le32Bytes(std::uint32_t(manifest.size())) + manifest);
    if (manifest.size() % 2)
        out.write(std::string(1, '\0'));
    if (out.written() != total)
        throw BadInput(file.path() + ": the file changed while the manifest was embedded");
}

void embedInFlac(const SourceFile& file, const std::string& manifest, AtomicFileWriter& out) {
    out.write("fLaC", 4);
    const std::uint64_t audio = forEachFlacBlock(file, [&](const Piece& block) {
        if (block.ours)
            return;
        out.write(std::string(1, char(block.flacType))); // the last-block flag goes on ours
        copyRange(file, block.begin + 1, block.end, out);
    });
    out.write(std::string(1, char(0x80 | kFlacApplicationBlock)) +
              be24Bytes(std::uint32_t(manifest.size() + 4)) + std::string(kChunkId, 4) + manifest);
    copyRange(file, audio, file.size(), out);
}

void credentialsInWav(const SourceFile& file, c2pa::StoreBuilder& store, AtomicFileWriter& out) {
    std::uint64_t kept = 0;
    forEachWavChunk(file, [&](const Piece& chunk) {
        if (!chunk.ours && !chunk.c2pa)
            kept += chunk.end - chunk.begin;
    });
    const std::uint64_t pad = kept % 2;
    const std::uint64_t start = 12 + kept + pad; // the C2PA chunk's id
    const std::uint64_t size = store.settleSize(start, 8);
    if (size > kMaxManifestBytes)
        throw BadInput(file.path() + ": the C2PA manifest is too large to embed");
    const std::uint64_t total = start + 8 + size + size % 2;
    if (total - 8 > 0xffffffffull)
        throw BadInput(file.path() + ": too large for a RIFF file with Content Credentials");
    // Everything but the chunk is hashed as it is written (its pad byte too: docs/C2PA.md).
    Sha256 outside;
    auto write = [&](const char* data, std::size_t n) {
        outside.update(data, n);
        out.write(data, n);
    };
    const std::string header = "RIFF" + le32Bytes(std::uint32_t(total - 8)) + "WAVE";
    write(header.data(), header.size());
    forEachWavChunk(file, [&](const Piece& chunk) {
        if (!chunk.ours && !chunk.c2pa)
            forEachBlock(file, chunk.begin, chunk.end, write);
    });
    if (pad)
        write("", 1);
    if (size % 2)
        outside.update("", 1);
    const Bytes hash = fromHex(outside.finishHex(), "hash");
    const std::string built = store.build(hash);
    out.write(std::string(kC2paChunkId, 4) + le32Bytes(std::uint32_t(size)) + built);
    if (size % 2)
        out.write(std::string(1, '\0'));
    if (out.written() != total)
        throw BadInput(file.path() +
                       ": the file changed while its Content Credentials were written");
}

} // namespace

void embedContentCredentials(const std::string& path, c2pa::StoreBuilder& store) {
    const SourceFile file(path);
    if (containerOf(file) != Container::Wav)
        throw BadInput(path + ": Content Credentials are embedded in WAV files only");
    AtomicFileWriter out(path);
    credentialsInWav(file, store, out);
    out.commit();
}

std::optional<EmbeddedCredentials> readContentCredentials(const std::string& path) {
    const SourceFile file(path);
    if (containerOf(file) != Container::Wav)
        return std::nullopt;
    std::optional<Piece> found;
    forEachWavChunk(file, [&](const Piece& chunk) {
        if (chunk.c2pa && !found)
            found = chunk;
    });
    if (!found)
        return std::nullopt;
    EmbeddedCredentials credentials;
    credentials.store = readManifest(file, *found);
    credentials.location = {found->begin, 8 + found->payloadSize};
    Sha256 outside;
    auto hash = [&](const char* data, std::size_t n) { outside.update(data, n); };
    forEachBlock(file, 0, found->begin, hash);
    forEachBlock(file, found->begin + 8 + found->payloadSize, file.size(), hash);
    credentials.sha256Outside = fromHex(outside.finishHex(), "hash");
    return credentials;
}

void embedManifest(const std::string& path, const std::string& manifestJson) {
    if (manifestJson.size() > kMaxManifestBytes)
        throw BadInput(path + ": the manifest is too large to embed (" +
                       std::to_string(manifestJson.size()) + " bytes; at most 16 MiB)");
    const SourceFile file(path);
    const Container container = containerOf(file);
    if (container == Container::Other)
        throw BadInput(path + ": a manifest can be embedded in WAV and FLAC files only");
    AtomicFileWriter out(path);
    if (container == Container::Wav)
        embedInWav(file, manifestJson, out);
    else
        embedInFlac(file, manifestJson, out);
    out.commit();
}

std::vector<std::string> readEmbeddedManifests(const std::string& path) {
    const SourceFile file(path);
    std::vector<std::string> manifests;
    const auto collect = [&](const Piece& piece) {
        if (piece.ours && manifests.size() < kMaxManifestsListed)
            manifests.push_back(readManifest(file, piece));
    };
    switch (containerOf(file)) {
    case Container::Wav:
        forEachWavChunk(file, collect);
        break;
    case Container::Flac:
        forEachFlacBlock(file, collect);
        break;
    case Container::Other:
        break;
    }
    return manifests;
}

std::string manifestSidecarPath(const std::string& path) {
    return path + ".accord.json";
}

} // namespace accord::audio
