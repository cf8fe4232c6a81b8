#include "accord/audio/embedded_manifest.h"

#include "source_file.h"

#include "accord/core/crypto.h"
#include "accord/core/errors.h"
#include "accord/core/files.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <optional>
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

// A chunk id as text for a message: bytes that are not printable ASCII shown as '?'.
std::string printableId(const unsigned char* id) {
    std::string text(reinterpret_cast<const char*>(id), 4);
    for (char& c : text)
        if (c < 0x20 || c > 0x7e)
            c = '?';
    return text;
}

enum class Container { Wav, Flac, Mp3, Other };

// The length of an ID3v2 tag at the start of the file (header, frames, footer), or 0.
std::uint64_t id3TagBytes(const SourceFile& file) {
    unsigned char header[10] = {};
    if (file.readAtOrThrow(0, header, sizeof header) < sizeof header ||
        std::memcmp(header, "ID3", 3) != 0)
        return 0;
    const std::uint64_t size = std::uint64_t(header[6] & 0x7f) << 21 |
                               std::uint64_t(header[7] & 0x7f) << 14 |
                               std::uint64_t(header[8] & 0x7f) << 7 | (header[9] & 0x7f);
    return 10 + size + ((header[5] & 0x10) ? 10 : 0);
}

// Where a FLAC stream's "fLaC" marker is: at the start, or after an ID3v2 tag (where C2PA puts
// its manifest store, docs/C2PA.md "Hard binding").
std::uint64_t flacStart(const SourceFile& file) {
    return id3TagBytes(file);
}

Container containerOf(const SourceFile& file) {
    unsigned char head[12] = {};
    const std::size_t n = file.readAtOrThrow(0, head, sizeof head);
    if (n >= 12 && std::memcmp(head, "RIFF", 4) == 0 && std::memcmp(head + 8, "WAVE", 4) == 0)
        return Container::Wav;
    unsigned char marker[4] = {};
    if (file.readAtOrThrow(flacStart(file), marker, sizeof marker) == 4 &&
        std::memcmp(marker, "fLaC", 4) == 0)
        return Container::Flac;
    // An MPEG audio frame's sync (11 set bits) after the ID3 tag, if any: how LAME starts a file.
    if (file.readAtOrThrow(id3TagBytes(file), marker, 2) == 2 && marker[0] == 0xff &&
        (marker[1] & 0xe0) == 0xe0)
        return Container::Mp3;
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
    std::uint64_t at = flacStart(file) + 4;
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

// ID3v2.4 sizes are "syncsafe": 7 bits per byte.
std::string syncsafe(std::uint32_t value) {
    return {char((value >> 21) & 0x7f), char((value >> 14) & 0x7f), char((value >> 7) & 0x7f),
            char(value & 0x7f)};
}

std::uint32_t syncsafeValue(const unsigned char* p) {
    return std::uint32_t(p[0] & 0x7f) << 21 | std::uint32_t(p[1] & 0x7f) << 14 |
           std::uint32_t(p[2] & 0x7f) << 7 | std::uint32_t(p[3] & 0x7f);
}

// The GEOB frame's body before the store: UTF-8, MIME type, file name, description.
const std::string kGeobPreamble = std::string(1, '\x03') + "application/c2pa" + '\0' + "c2pa" +
                                  '\0' + "c2pa manifest store" + '\0';
// ID3 header (10) + GEOB frame header (10) + preamble: where the store starts.
constexpr std::uint64_t kId3StoreStart = 10 + 10 + 43;

// Writes an ID3v2.4 tag holding the store in a GEOB frame, then the stream `eachStreamPiece`
// hands out (it is read twice: hashed before the store is built, then copied), in blocks.
template <typename EachStreamPiece>
void credentialsBeforeStream(const SourceFile& file, c2pa::StoreBuilder& store,
                             AtomicFileWriter& out, EachStreamPiece&& eachStreamPiece) {
    const std::uint64_t size = store.settleSize(kId3StoreStart, 0);
    if (size + 53 > 0x0fffffff)
        throw BadInput(file.path() + ": the C2PA manifest is too large for an ID3 tag");
    const std::string prefix = std::string("ID3\x04\0\0", 6) + syncsafe(std::uint32_t(53 + size)) +
                               "GEOB" + syncsafe(std::uint32_t(43 + size)) + std::string(2, '\0') +
                               kGeobPreamble;
    Sha256 outside;
    outside.update(prefix);
    eachStreamPiece([&](const char* data, std::size_t n) { outside.update(data, n); });
    const std::string built = store.build(fromHex(outside.finishHex(), "hash"));
    out.write(prefix + built);
    eachStreamPiece([&](const char* data, std::size_t n) { out.write(data, n); });
}

void credentialsInFlac(const SourceFile& file, c2pa::StoreBuilder& store, AtomicFileWriter& out) {
    // The stream as it will be written: "fLaC", every block but an old manifest block (the last
    // one kept carries the last-block flag), the audio frames. Its bytes are all hashed.
    std::vector<Piece> kept;
    const std::uint64_t audioStart = forEachFlacBlock(file, [&](const Piece& block) {
        if (!block.ours)
            kept.push_back(block);
    });
    if (kept.empty())
        throw BadInput(file.path() + ": a FLAC stream without its STREAMINFO block");
    credentialsBeforeStream(file, store, out, [&](const auto& use) {
        use("fLaC", 4);
        for (std::size_t i = 0; i < kept.size(); ++i) {
            const char header = char((i + 1 == kept.size() ? 0x80 : 0) | kept[i].flacType);
            use(&header, 1);
            forEachBlock(file, kept[i].begin + 1, kept[i].end, use);
        }
        forEachBlock(file, audioStart, file.size(), use);
    });
}

// An MP3's frames after its ID3v2 tag (replaced), as they are: its LAME Info frame first.
void credentialsInMp3(const SourceFile& file, c2pa::StoreBuilder& store, AtomicFileWriter& out) {
    const std::uint64_t framesStart = id3TagBytes(file);
    credentialsBeforeStream(file, store, out, [&](const auto& use) {
        forEachBlock(file, framesStart, file.size(), use);
    });
}

std::optional<EmbeddedCredentials> credentialsInId3Tag(const SourceFile& file) {
    const std::uint64_t tagEnd = id3TagBytes(file);
    if (tagEnd == 0)
        return std::nullopt;
    unsigned char header[10];
    file.readAtOrThrow(0, header, sizeof header);
    const bool v24 = header[3] == 4;
    std::uint64_t at = 10;
    while (at + 10 <= tagEnd) {
        unsigned char frame[10];
        file.readAtOrThrow(at, frame, sizeof frame);
        if (frame[0] == 0) // padding
            break;
        const std::uint64_t size = v24 ? syncsafeValue(frame + 4)
                                       : std::uint64_t(frame[4]) << 24 |
                                             std::uint64_t(frame[5]) << 16 |
                                             std::uint64_t(frame[6]) << 8 | frame[7];
        if (at + 10 + size > tagEnd)
            throw BadInput(file.path() + ": an ID3 frame runs past its tag");
        if (std::memcmp(frame, "GEOB", 4) == 0 && size > 0) {
            // encoding, MIME type, file name, description (each NUL-terminated), the object
            const std::size_t preamble = std::size_t(std::min<std::uint64_t>(size, 512));
            std::string body(preamble, '\0');
            file.readAtOrThrow(at + 10, body.data(), body.size());
            std::size_t field = 1;
            std::string mime;
            for (int part = 0; part < 3 && field < body.size(); ++part) {
                const std::size_t end = body.find('\0', field);
                if (end == std::string::npos)
                    break;
                if (part == 0)
                    mime = body.substr(field, end - field);
                field = end + 1;
            }
            if (mime == "application/c2pa" || mime == "application/x-c2pa-manifest-store") {
                Piece store;
                store.payload = at + 10 + field;
                store.payloadSize = size - field;
                EmbeddedCredentials credentials;
                credentials.store = readManifest(file, store);
                credentials.location = {store.payload, store.payloadSize};
                return credentials;
            }
        }
        at += 10 + size;
    }
    return std::nullopt;
}

} // namespace

void embedContentCredentials(const std::string& path, c2pa::StoreBuilder& store) {
    const SourceFile file(path);
    const Container container = containerOf(file);
    if (container == Container::Other)
        throw BadInput(path + ": Content Credentials are embedded in WAV, FLAC and MP3 files only");
    AtomicFileWriter out(path);
    if (container == Container::Wav)
        credentialsInWav(file, store, out);
    else if (container == Container::Flac)
        credentialsInFlac(file, store, out);
    else
        credentialsInMp3(file, store, out);
    out.commit();
}

std::optional<EmbeddedCredentials> readContentCredentials(const std::string& path) {
    const SourceFile file(path);
    std::optional<EmbeddedCredentials> found;
    switch (containerOf(file)) {
    case Container::Wav:
        forEachWavChunk(file, [&](const Piece& chunk) {
            if (chunk.c2pa && !found)
                found = EmbeddedCredentials{
                    readManifest(file, chunk), {chunk.begin, 8 + chunk.payloadSize}, {}};
        });
        break;
    case Container::Flac:
    case Container::Mp3:
        found = credentialsInId3Tag(file);
        break;
    case Container::Other:
        break;
    }
    if (!found)
        return std::nullopt;
    EmbeddedCredentials& credentials = *found;
    Sha256 outside;
    auto hash = [&](const char* data, std::size_t n) { outside.update(data, n); };
    forEachBlock(file, 0, credentials.location.start, hash);
    forEachBlock(file, credentials.location.start + credentials.location.length, file.size(), hash);
    credentials.sha256Outside = fromHex(outside.finishHex(), "hash");
    return found;
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
    case Container::Mp3: // carries its manifest in its C2PA store only
    case Container::Other:
        break;
    }
    return manifests;
}

std::string manifestSidecarPath(const std::string& path) {
    return path + ".accord.json";
}

} // namespace accord::audio
