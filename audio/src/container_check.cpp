#include "container_check.h"

#include "source_file.h"

#include "accord/core/errors.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstring>
#include <optional>
#include <vector>

namespace accord::audio::detail {
namespace {

[[noreturn]] void fail(const std::string& path, const std::string& problem) {
    throw BadInput(path + ": " + problem);
}

std::string num(std::uint64_t value) {
    return std::to_string(value);
}

// A four-character code, printable whatever the bytes are.
std::string fourcc(const std::uint8_t* p) {
    std::string text;
    for (int i = 0; i < 4; ++i)
        text += (p[i] >= 0x20 && p[i] < 0x7f) ? static_cast<char>(p[i]) : '?';
    return text;
}

std::uint32_t le32(const std::uint8_t* p) {
    return std::uint32_t(p[0]) | std::uint32_t(p[1]) << 8 | std::uint32_t(p[2]) << 16 |
           std::uint32_t(p[3]) << 24;
}
std::uint64_t le64(const std::uint8_t* p) {
    return le32(p) | std::uint64_t(le32(p + 4)) << 32;
}
std::uint32_t be16(const std::uint8_t* p) {
    return std::uint32_t(p[0]) << 8 | p[1];
}
std::uint32_t be24(const std::uint8_t* p) {
    return be16(p) << 8 | p[2];
}
std::uint32_t be32(const std::uint8_t* p) {
    return be16(p) << 16 | be16(p + 2);
}

// Random access to the file's bytes; every read is bounds-checked against the size.
class ByteFile {
public:
    explicit ByteFile(const SourceFile& file) : file_(file) {}
    std::uint64_t size() const { return file_.size(); }

    bool readAt(std::uint64_t offset, void* destination, std::size_t count) {
        if (offset > size() || count > size() - offset)
            return false;
        return file_.readAtOrThrow(offset, destination, count) == count;
    }

    std::vector<std::uint8_t> readRange(std::uint64_t begin, std::uint64_t end) {
        std::vector<std::uint8_t> bytes(static_cast<std::size_t>(end - begin));
        if (!readAt(begin, bytes.data(), bytes.size()))
            bytes.clear();
        return bytes;
    }

private:
    const SourceFile& file_;
};

// ---------------------------------------------------------------------------------------------
// WAV / RF64 / BW64: RIFF chunks, little-endian sizes, padded to even lengths.

constexpr std::uint32_t kUnsetRiffSize = 0xFFFFFFFFu;
constexpr int kMaxChunks = 100000;

std::string wavEncoding(std::uint32_t tag) {
    switch (tag) {
    case 0x0001:
        return "PCM";
    case 0x0002:
        return "Microsoft ADPCM";
    case 0x0003:
        return "IEEE float";
    case 0x0006:
        return "A-law";
    case 0x0007:
        return "mu-law";
    case 0x0011:
        return "IMA ADPCM";
    case 0x0031:
        return "GSM 6.10";
    case 0x0055:
        return "MPEG layer 3";
    case 0xFFFE:
        return "extensible";
    default: {
        char text[24];
        std::snprintf(text, sizeof text, "format tag 0x%04x", static_cast<unsigned>(tag));
        return text;
    }
    }
}

void checkWav(ByteFile& file, const std::string& path, bool is64, ContainerInfo& info) {
    std::uint64_t ds64DataSize = 0;
    bool haveDs64 = false;
    bool haveFmt = false;
    std::uint64_t pos = 12;
    for (int i = 0; i < kMaxChunks && pos < file.size(); ++i) {
        std::uint8_t header[8];
        if (!file.readAt(pos, header, sizeof header))
            fail(path, "truncated WAV: the file ends inside a chunk header, before its audio data");
        const std::string id(reinterpret_cast<const char*>(header), 4);
        const std::uint32_t size = le32(header + 4);
        const std::uint64_t body = pos + 8;
        const std::uint64_t available = file.size() - body;

        if (id == "ds64" && is64) {
            std::uint8_t ds64[16];
            if (file.readAt(body, ds64, sizeof ds64)) {
                ds64DataSize = le64(ds64 + 8);
                haveDs64 = true;
            }
        } else if (id == "fmt ") {
            haveFmt = true;
            std::uint8_t tag[2];
            if (file.readAt(body, tag, sizeof tag))
                info.encoding = wavEncoding(std::uint32_t(tag[0]) | std::uint32_t(tag[1]) << 8);
        } else if (id == "data") {
            std::uint64_t promised = size;
            if (size == kUnsetRiffSize) {
                if (!is64 || !haveDs64)
                    fail(path, "broken WAV: its data size is unset (0xFFFFFFFF), the file was "
                               "never finalised");
                promised = ds64DataSize;
            }
            if (promised > available)
                fail(path, "truncated WAV: header promises " + num(promised) +
                               " bytes of audio, file holds " + num(available));
            if (promised == 0)
                fail(path, "WAV holds no samples: its data chunk is empty");
            return;
        }

        const std::uint64_t next = body + size + (size & 1u);
        if (body + size > file.size())
            fail(path, "truncated WAV: the '" + fourcc(header) + "' chunk promises " + num(size) +
                           " bytes, file holds " + num(available) + ", and no audio data follows");
        pos = next;
    }
    fail(path, haveFmt ? "WAV holds no samples: it has no data chunk"
                       : "broken WAV: it has neither a format nor a data chunk");
}

// ---------------------------------------------------------------------------------------------
// AIFF / AIFC: IFF chunks, big-endian sizes, padded to even lengths.

// Bytes per sample of an uncompressed AIFC compression type, 0 when compressed or unknown.
std::uint32_t aifcBytesPerSample(const std::string& compression, std::uint32_t bits) {
    if (compression == "NONE" || compression == "twos" || compression == "sowt" ||
        compression == "raw " || compression == "in24" || compression == "in32")
        return (bits + 7) / 8;
    if (compression == "fl32" || compression == "FL32")
        return 4;
    if (compression == "fl64" || compression == "FL64")
        return 8;
    return 0;
}

void checkAiff(ByteFile& file, const std::string& path, bool isAifc, ContainerInfo& info) {
    std::uint64_t frames = 0;
    std::uint32_t channels = 0;
    std::uint32_t bytesPerSample = 0;
    bool haveComm = false;
    std::optional<std::uint64_t> soundBytes; // bytes of samples the SSND chunk holds
    std::uint64_t pos = 12;
    for (int i = 0; i < kMaxChunks && pos + 8 <= file.size(); ++i) {
        std::uint8_t header[8];
        if (!file.readAt(pos, header, sizeof header))
            break;
        const std::string id(reinterpret_cast<const char*>(header), 4);
        const std::uint32_t size = be32(header + 4);
        const std::uint64_t body = pos + 8;
        const std::uint64_t available = file.size() - body;

        if (id == "COMM") {
            std::uint8_t comm[22] = {};
            if (file.readAt(body, comm, std::min<std::size_t>(sizeof comm, size))) {
                channels = be16(comm);
                frames = be32(comm + 2);
                const std::uint32_t bits = be16(comm + 6);
                const std::string compression =
                    isAifc && size >= 22 ? std::string(reinterpret_cast<char*>(comm + 18), 4)
                                         : std::string("NONE");
                bytesPerSample = aifcBytesPerSample(compression, bits);
                info.encoding = compression.substr(0, compression.find_last_not_of(' ') + 1);
                haveComm = true;
            }
        } else if (id == "SSND") {
            if (size > available)
                fail(path, "truncated AIFF: header promises " + num(size >= 8 ? size - 8 : 0) +
                               " bytes of audio, file holds " +
                               num(available >= 8 ? available - 8 : 0));
            std::uint8_t offset[4];
            const std::uint64_t dataOffset = file.readAt(body, offset, 4) ? be32(offset) : 0;
            soundBytes = size >= 8 + dataOffset ? size - 8 - dataOffset : 0;
        } else if (body + size > file.size()) {
            fail(path, "truncated AIFF: the '" + fourcc(header) + "' chunk promises " + num(size) +
                           " bytes, file holds " + num(available));
        }
        pos = body + size + (size & 1u);
    }
    if (haveComm && frames == 0)
        fail(path, "AIFF holds no samples: its header declares 0 sample frames");
    if (!soundBytes) {
        if (haveComm)
            fail(path, "truncated AIFF: it has no sound data (SSND) chunk");
        return;
    }
    if (haveComm && bytesPerSample != 0) {
        const std::uint64_t promised = frames * channels * bytesPerSample;
        if (promised > *soundBytes)
            fail(path, "truncated AIFF: header promises " + num(promised) +
                           " bytes of audio, file holds " + num(*soundBytes));
    }
}

// ---------------------------------------------------------------------------------------------
// FLAC: STREAMINFO promises a number of samples; the last frame in the file must deliver them.
// libFLAC (and so JUCE) zero-fills whatever is missing without a word.

struct FlacStreamInfo {
    std::uint32_t minBlock = 0;
    std::uint32_t maxBlock = 0;
    std::uint32_t maxFrameSize = 0;
    std::uint32_t sampleRate = 0;
    std::uint32_t channels = 0;
    std::uint32_t bitsPerSample = 0;
    std::uint64_t totalSamples = 0; // 0 = unknown
};

struct FlacFrameHeader {
    std::uint64_t firstSample = 0;
    std::uint32_t blockSize = 0;
};

std::uint8_t flacCrc8(const std::uint8_t* p, std::size_t n) {
    std::uint8_t crc = 0;
    for (std::size_t i = 0; i < n; ++i) {
        crc ^= p[i];
        for (int bit = 0; bit < 8; ++bit)
            crc = static_cast<std::uint8_t>((crc & 0x80) ? (crc << 1) ^ 0x07 : crc << 1);
    }
    return crc;
}

std::uint16_t flacCrc16(const std::uint8_t* p, std::size_t n) {
    std::uint32_t crc = 0;
    for (std::size_t i = 0; i < n; ++i) {
        crc ^= std::uint32_t(p[i]) << 8;
        for (int bit = 0; bit < 8; ++bit)
            crc = (crc & 0x8000) ? ((crc << 1) ^ 0x8005) & 0xFFFF : (crc << 1) & 0xFFFF;
    }
    return static_cast<std::uint16_t>(crc);
}

// Parses a frame header at p (CRC-8 checked, fields consistent with STREAMINFO).
std::optional<FlacFrameHeader> parseFlacFrameHeader(const std::uint8_t* p, std::size_t available,
                                                    const FlacStreamInfo& info) {
    static constexpr std::array<std::uint32_t, 12> kRates = {
        0, 88200, 176400, 192000, 8000, 16000, 22050, 24000, 32000, 44100, 48000, 96000};
    static constexpr std::array<std::uint32_t, 8> kBits = {0, 8, 12, 0, 16, 20, 24, 32};
    if (available < 6 || p[0] != 0xFF || (p[1] & 0xFE) != 0xF8)
        return std::nullopt;
    const bool variableBlocks = (p[1] & 1) != 0;
    const unsigned blockCode = p[2] >> 4;
    const unsigned rateCode = p[2] & 0x0F;
    const unsigned channelCode = p[3] >> 4;
    const unsigned bitsCode = (p[3] >> 1) & 7;
    if ((p[3] & 1) != 0 || blockCode == 0 || rateCode == 15 || channelCode > 10 || bitsCode == 3)
        return std::nullopt;
    if ((channelCode < 8 ? channelCode + 1 : 2u) != info.channels)
        return std::nullopt;
    if (bitsCode != 0 && kBits[bitsCode] != info.bitsPerSample)
        return std::nullopt;
    if (rateCode >= 1 && rateCode <= 11 && kRates[rateCode] != info.sampleRate)
        return std::nullopt;

    // The frame (fixed blocks) or sample (variable blocks) number, UTF-8-like coded.
    std::size_t pos = 4;
    const std::uint8_t lead = p[pos];
    int extra = 0;
    std::uint64_t number = 0;
    if ((lead & 0x80) == 0) {
        number = lead;
    } else if ((lead & 0xE0) == 0xC0) {
        number = lead & 0x1F, extra = 1;
    } else if ((lead & 0xF0) == 0xE0) {
        number = lead & 0x0F, extra = 2;
    } else if ((lead & 0xF8) == 0xF0) {
        number = lead & 0x07, extra = 3;
    } else if ((lead & 0xFC) == 0xF8) {
        number = lead & 0x03, extra = 4;
    } else if ((lead & 0xFE) == 0xFC) {
        number = lead & 0x01, extra = 5;
    } else if (lead == 0xFE && variableBlocks) {
        extra = 6;
    } else {
        return std::nullopt;
    }
    if (pos + 1 + static_cast<std::size_t>(extra) > available)
        return std::nullopt;
    for (int k = 1; k <= extra; ++k) {
        const std::uint8_t byte = p[pos + static_cast<std::size_t>(k)];
        if ((byte & 0xC0) != 0x80)
            return std::nullopt;
        number = number << 6 | (byte & 0x3F);
    }
    pos += 1 + static_cast<std::size_t>(extra);

    std::uint32_t blockSize = 0;
    if (blockCode == 1) {
        blockSize = 192;
    } else if (blockCode <= 5) {
        blockSize = 576u << (blockCode - 2);
    } else if (blockCode == 6) {
        if (pos + 1 > available)
            return std::nullopt;
        blockSize = p[pos] + 1u, pos += 1;
    } else if (blockCode == 7) {
        if (pos + 2 > available)
            return std::nullopt;
        blockSize = be16(p + pos) + 1u, pos += 2;
    } else {
        blockSize = 256u << (blockCode - 8);
    }
    if (rateCode == 12)
        pos += 1;
    else if (rateCode == 13 || rateCode == 14)
        pos += 2;
    if (pos + 1 > available || flacCrc8(p, pos) != p[pos])
        return std::nullopt;
    if (info.maxBlock != 0 && blockSize > info.maxBlock)
        return std::nullopt;
    return FlacFrameHeader{variableBlocks ? number : number * info.maxBlock, blockSize};
}

// Where a FLAC or MP3 stream's frames end: before an ID3v1 tag and/or an APEv2 tag, if any.
std::uint64_t audioEndBeforeTags(ByteFile& file, std::uint64_t audioStart) {
    std::uint64_t end = file.size();
    std::uint8_t tag[32];
    if (end >= audioStart + 128 && file.readAt(end - 128, tag, 3) &&
        std::memcmp(tag, "TAG", 3) == 0)
        end -= 128;
    if (end >= audioStart + 32 && file.readAt(end - 32, tag, 32) &&
        std::memcmp(tag, "APETAGEX", 8) == 0) {
        const std::uint64_t tagSize = le32(tag + 12) + ((tag[23] & 0x80) ? 32u : 0u);
        if (tagSize <= end - audioStart)
            end -= tagSize;
    }
    return end;
}

void checkFlac(ByteFile& file, const std::string& path, std::uint64_t start) {
    // Metadata blocks after "fLaC": the first is STREAMINFO.
    std::uint64_t pos = start + 4;
    FlacStreamInfo info;
    bool haveInfo = false;
    for (int i = 0; i < kMaxChunks; ++i) {
        std::uint8_t header[4];
        if (!file.readAt(pos, header, sizeof header))
            fail(path, "truncated FLAC: the file ends inside its metadata, before any audio");
        const bool last = (header[0] & 0x80) != 0;
        const unsigned type = header[0] & 0x7F;
        const std::uint32_t length = be24(header + 1);
        if (type == 0 && length >= 34) {
            std::uint8_t si[34];
            if (!file.readAt(pos + 4, si, sizeof si))
                fail(path, "truncated FLAC: the file ends inside its stream header");
            info.minBlock = be16(si);
            info.maxBlock = be16(si + 2);
            info.maxFrameSize = be24(si + 7);
            info.sampleRate = be24(si + 10) >> 4;
            info.channels = ((si[12] >> 1) & 7) + 1;
            info.bitsPerSample = (((si[12] & 1u) << 4) | (si[13] >> 4)) + 1;
            info.totalSamples = (std::uint64_t(si[13] & 0x0F) << 32) | be32(si + 14);
            haveInfo = true;
        }
        pos += 4 + std::uint64_t(length);
        if (pos > file.size())
            fail(path, "truncated FLAC: the file ends inside its metadata, before any audio");
        if (last)
            break;
    }
    if (!haveInfo || info.totalSamples == 0 || info.maxBlock == 0)
        return; // length unknown: nothing promised, nothing to check
    const std::uint64_t audioStart = pos;
    const std::uint64_t audioEnd = audioEndBeforeTags(file, audioStart);
    if (audioEnd <= audioStart)
        fail(path, "truncated FLAC: header promises " + num(info.totalSamples) +
                       " samples, file holds no audio frames");

    // Find the last frame header: scan backwards over a window larger than one frame.
    const std::uint64_t window =
        info.maxFrameSize != 0 ? 2 * std::uint64_t(info.maxFrameSize) + 1024 : 1u << 20;
    const std::uint64_t windowStart = audioEnd - std::min(audioEnd - audioStart, window);
    const std::vector<std::uint8_t> tail = file.readRange(windowStart, audioEnd);
    if (tail.size() < 6)
        return;
    for (std::size_t i = tail.size() - 6 + 1; i-- > 0;) {
        const auto frame = parseFlacFrameHeader(&tail[i], tail.size() - i, info);
        if (!frame || frame->firstSample >= info.totalSamples ||
            frame->firstSample + frame->blockSize > info.totalSamples)
            continue; // not a frame header (or an implausible one): keep looking
        const std::size_t frameBytes = tail.size() - i;
        const bool complete =
            frameBytes >= 8 && flacCrc16(&tail[i], frameBytes - 2) == be16(&tail[tail.size() - 2]);
        const std::uint64_t end = frame->firstSample + frame->blockSize;
        if (end < info.totalSamples || !complete)
            fail(path, "truncated FLAC: header promises " + num(info.totalSamples) +
                           " samples, file holds " + num(complete ? end : frame->firstSample) +
                           (complete ? "" : " (its last frame is cut off)"));
        return;
    }
    // No frame header near the end: the frames are garbage or missing; let decoding judge.
}

// ---------------------------------------------------------------------------------------------
// Ogg: the last page must be complete and end the stream (end-of-stream flag).

std::uint32_t oggCrc(const std::uint8_t* p, std::size_t n) {
    std::uint32_t crc = 0;
    for (std::size_t i = 0; i < n; ++i) {
        // Bytes 22..25 hold the CRC itself and count as zero.
        crc ^= std::uint32_t(i >= 22 && i < 26 ? 0 : p[i]) << 24;
        for (int bit = 0; bit < 8; ++bit)
            crc = (crc & 0x80000000u) ? (crc << 1) ^ 0x04C11DB7u : crc << 1;
    }
    return crc;
}

void checkOgg(ByteFile& file, const std::string& path) {
    constexpr std::uint64_t kMaxPage = 27 + 255 + 255 * 255;
    const std::uint64_t windowStart = file.size() - std::min(file.size(), 2 * kMaxPage);
    const std::vector<std::uint8_t> tail = file.readRange(windowStart, file.size());
    if (tail.size() < 27)
        return;
    for (std::size_t i = tail.size() - 4 + 1; i-- > 0;) {
        if (std::memcmp(&tail[i], "OggS", 4) != 0)
            continue;
        const std::size_t available = tail.size() - i;
        if (available >= 5 && tail[i + 4] != 0)
            continue; // not version 0: not a page
        if (available < 27)
            fail(path, "truncated Ogg: the file ends inside the header of its last page");
        const std::size_t segments = tail[i + 26];
        if (27 + segments > available)
            fail(path, "truncated Ogg: the file ends inside the header of its last page");
        std::size_t length = 27 + segments;
        for (std::size_t s = 0; s < segments; ++s)
            length += tail[i + 27 + s];
        if (length > available)
            fail(path, "truncated Ogg: its last page is cut off (" + num(available) + " of " +
                           num(length) + " bytes)");
        if (oggCrc(&tail[i], length) != le32(&tail[i + 22]))
            continue; // "OggS" inside packet data, not a page
        if ((tail[i + 5] & 0x04) == 0)
            fail(path, "truncated Ogg: its last page does not end the stream (no end-of-stream "
                       "flag)");
        return;
    }
}

// ---------------------------------------------------------------------------------------------
// MP3: MPEG-1, -2 and -2.5 layer III frames (32 to 48 kHz, 16 to 24 kHz, 8 to 12 kHz), found by
// content after any ID3v2 tags. A Xing/Info header (lame writes one) promises the stream's
// bytes: a file holding fewer was cut off.

struct MpegFrame {
    int version = 1; // 1, 2, or 25 for MPEG-2.5
    std::uint32_t sampleRate = 0;
    std::uint32_t bytes = 0; // the frame's length with its header
    bool mono = false;
};

std::optional<MpegFrame> parseMpegFrameHeader(const std::uint8_t* p) {
    static constexpr std::array<std::uint32_t, 15> kMpeg1Kbps = {
        0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320};
    static constexpr std::array<std::uint32_t, 15> kMpeg2Kbps = {0,  8,  16, 24,  32,  40,  48, 56,
                                                                 64, 80, 96, 112, 128, 144, 160};
    static constexpr std::array<std::uint32_t, 3> kMpeg1Rates = {44100, 48000, 32000};
    if (p[0] != 0xFF || (p[1] & 0xE0) != 0xE0)
        return std::nullopt;
    const unsigned versionBits = (p[1] >> 3) & 3; // 0: 2.5, 1: reserved, 2: 2, 3: 1
    const unsigned layerBits = (p[1] >> 1) & 3;   // 1: layer III
    const unsigned kbpsIndex = p[2] >> 4;         // 0: free format, 15: invalid
    const unsigned rateIndex = (p[2] >> 2) & 3;   // 3: reserved
    if (versionBits == 1 || layerBits != 1 || kbpsIndex == 0 || kbpsIndex == 15 || rateIndex == 3)
        return std::nullopt;
    MpegFrame frame;
    frame.version = versionBits == 3 ? 1 : versionBits == 2 ? 2 : 25;
    frame.sampleRate = kMpeg1Rates[rateIndex] >> (frame.version == 1   ? 0
                                                  : frame.version == 2 ? 1
                                                                       : 2);
    const std::uint32_t kbps = (frame.version == 1 ? kMpeg1Kbps : kMpeg2Kbps)[kbpsIndex];
    frame.bytes =
        (frame.version == 1 ? 144u : 72u) * kbps * 1000u / frame.sampleRate + ((p[2] >> 1) & 1u);
    frame.mono = (p[3] >> 6) == 3;
    return frame;
}

// After any ID3v2 tags: where the stream starts.
std::uint64_t afterId3v2Tags(ByteFile& file) {
    std::uint64_t pos = 0;
    std::uint8_t tag[10];
    while (file.readAt(pos, tag, sizeof tag) && std::memcmp(tag, "ID3", 3) == 0)
        pos += 10 +
               ((tag[6] & 0x7Fu) << 21 | (tag[7] & 0x7Fu) << 14 | (tag[8] & 0x7Fu) << 7 |
                (tag[9] & 0x7Fu)) +
               ((tag[5] & 0x10) ? 10 : 0);
    return pos;
}

// An MP3 stream: two consecutive layer III frames of one version and rate within the first
// kMp3Search bytes after the tags (or one frame that ends the file). Checks what a Xing/Info
// header promises. False when the file is not MP3.
bool checkMp3(ByteFile& file, const std::string& path) {
    constexpr std::uint64_t kMp3Search = 65536;
    const std::uint64_t start = afterId3v2Tags(file);
    if (start >= file.size())
        return false;
    const std::uint64_t end = audioEndBeforeTags(file, start);
    const std::vector<std::uint8_t> head =
        file.readRange(start, std::min(end, start + kMp3Search + 4096));
    for (std::size_t i = 0; i + 4 <= head.size() && i < kMp3Search; ++i) {
        const auto frame = parseMpegFrameHeader(&head[i]);
        if (!frame)
            continue;
        const std::size_t next = i + frame->bytes;
        if (start + next != end) {
            if (next + 4 > head.size())
                continue;
            const auto second = parseMpegFrameHeader(&head[next]);
            if (!second || second->version != frame->version ||
                second->sampleRate != frame->sampleRate)
                continue;
        }
        // Xing/Info: after the header and the side information.
        const std::size_t side =
            frame->version == 1 ? (frame->mono ? 17 : 32) : (frame->mono ? 9 : 17);
        const std::size_t tag = i + 4 + side;
        if (tag + 16 <= head.size() &&
            (std::memcmp(&head[tag], "Xing", 4) == 0 || std::memcmp(&head[tag], "Info", 4) == 0)) {
            const std::uint32_t flags = be32(&head[tag + 4]);
            const std::size_t bytesAt = tag + 8 + ((flags & 1u) ? 4 : 0);
            if ((flags & 2u) && bytesAt + 4 <= head.size()) {
                const std::uint64_t promised = be32(&head[bytesAt]);
                const std::uint64_t held = end - (start + i);
                if (promised > held)
                    fail(path, "truncated or corrupt MP3: its header promises " + num(promised) +
                                   " bytes of audio, the file holds " + num(held));
            }
        }
        return true;
    }
    return false;
}

} // namespace

ContainerInfo checkContainer(const SourceFile& source) {
    const std::string& path = source.path();
    const std::uint64_t fileSize = source.size();
    ContainerInfo info;
    ByteFile file(source);
    std::uint8_t magic[12] = {};
    if (!file.readAt(0, magic, std::min<std::uint64_t>(sizeof magic, fileSize)))
        fail(path, "cannot be read");
    const auto is = [&](std::size_t offset, const char* text) {
        return fileSize >= offset + 4 && std::memcmp(magic + offset, text, 4) == 0;
    };
    if ((is(0, "RIFF") || is(0, "RF64") || is(0, "BW64")) && is(8, "WAVE")) {
        info.kind = "WAV";
        checkWav(file, path, !is(0, "RIFF"), info);
    } else if (is(0, "FORM") && (is(8, "AIFF") || is(8, "AIFC"))) {
        info.kind = "AIFF";
        checkAiff(file, path, is(8, "AIFC"), info);
    } else if (is(0, "fLaC")) {
        info.kind = "FLAC";
        checkFlac(file, path, 0);
    } else if (is(0, "OggS")) {
        info.kind = "Ogg";
        checkOgg(file, path);
    } else {
        // An ID3v2 tag may precede FLAC (and MP3) data.
        const std::uint64_t afterTags = afterId3v2Tags(file);
        std::uint8_t after[4];
        if (afterTags > 0 && file.readAt(afterTags, after, 4) &&
            std::memcmp(after, "fLaC", 4) == 0) {
            info.kind = "FLAC";
            checkFlac(file, path, afterTags);
        } else if (checkMp3(file, path)) {
            info.kind = "MP3";
        }
    }
    return info;
}

} // namespace accord::audio::detail
