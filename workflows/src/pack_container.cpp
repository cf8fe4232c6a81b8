#include "pack_container.h"

#include "accord/core/errors.h"
#include "accord/core/files.h"

#include <zip.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <sstream>

namespace accord::workflows {

namespace {

constexpr const char* kSignaturesHeader = "accord-pack-signatures 1\n";
constexpr std::size_t kKeyHex = 64;
constexpr std::size_t kSignatureHex = 128;
constexpr std::size_t kEndRecordBytes = 22; // a ZIP end of central directory without comment
constexpr std::size_t kMaxCommentBytes = 65535;

std::string zipErrorText(zip_error_t* error) {
    const std::string text = zip_error_strerror(error);
    zip_error_fini(error);
    return text;
}

std::string signaturesComment(const std::vector<PackContainer::Signature>& signatures) {
    std::string comment = kSignaturesHeader;
    for (const auto& s : signatures)
        comment += s.publicKey + " " + s.signature + "\n";
    return comment;
}

// The archive in memory, its comment `comment`.
std::string zipArchive(const std::vector<PackEntry>& entries, const std::string& comment) {
    zip_error_t error;
    zip_error_init(&error);
    zip_source_t* buffer = zip_source_buffer_create(nullptr, 0, 0, &error);
    if (!buffer)
        throw BadInput("cannot make a pack: " + zipErrorText(&error));
    zip_source_keep(buffer);
    std::unique_ptr<zip_source_t, void (*)(zip_source_t*)> keep(buffer, zip_source_free);
    zip_t* archive = zip_open_from_source(buffer, ZIP_TRUNCATE, &error);
    if (!archive)
        throw BadInput("cannot make a pack: " + zipErrorText(&error));
    auto fail = [&](const std::string& what) {
        const std::string text = zip_strerror(archive);
        zip_discard(archive);
        throw BadInput("cannot make a pack: " + what + ": " + text);
    };
    for (const auto& e : entries) {
        zip_source_t* data = zip_source_buffer(archive, e.bytes.data(), e.bytes.size(), 0);
        if (!data)
            fail(e.name);
        const zip_int64_t index = zip_file_add(archive, e.name.c_str(), data, ZIP_FL_ENC_UTF_8);
        if (index < 0) {
            zip_source_free(data);
            fail(e.name);
        }
        // Stored: a model's weights do not compress, and the bytes stay as they were hashed.
        if (zip_set_file_compression(archive, static_cast<zip_uint64_t>(index), ZIP_CM_STORE, 0) <
            0)
            fail(e.name);
    }
    if (zip_set_archive_comment(archive, comment.data(),
                                static_cast<zip_uint16_t>(comment.size())) < 0)
        fail("the signatures");
    if (zip_close(archive) < 0)
        fail("closing");
    if (zip_source_open(buffer) < 0 || zip_source_seek(buffer, 0, SEEK_END) < 0)
        throw BadInput("cannot make a pack: the archive cannot be read back");
    const zip_int64_t size = zip_source_tell(buffer);
    std::string bytes(static_cast<std::size_t>(size), '\0');
    zip_source_seek(buffer, 0, SEEK_SET);
    const zip_int64_t read = zip_source_read(buffer, bytes.data(), bytes.size());
    zip_source_close(buffer);
    if (read != size)
        throw BadInput("cannot make a pack: the archive cannot be read back");
    return bytes;
}

} // namespace

void writePackContainer(const std::string& path, const std::vector<PackEntry>& entries,
                        const std::vector<std::string>& signerKeys, const PackSigner& sign) {
    // The comment's length is part of the signed bytes, so it is written first with
    // placeholders of the signatures' exact size, then filled in place.
    std::vector<PackContainer::Signature> placeholders;
    for (const auto& key : signerKeys)
        placeholders.push_back({key, std::string(kSignatureHex, '0')});
    const std::string placeholder = signaturesComment(placeholders);
    if (placeholder.size() > kMaxCommentBytes)
        throw BadInput(path + ": too many signers for one pack");
    std::string bytes = zipArchive(entries, placeholder);
    const std::size_t signedSize = bytes.size() - placeholder.size();
    const std::string signedBytes = bytes.substr(0, signedSize);
    std::vector<PackContainer::Signature> signatures;
    for (const auto& key : signerKeys)
        signatures.push_back({key, toHex(sign(key, signedBytes))});
    bytes.replace(signedSize, placeholder.size(), signaturesComment(signatures));
    writeFileAtomically(path, bytes);
}

const PackEntry* PackContainer::entry(const std::string& name) const {
    for (const auto& e : entries)
        if (e.name == name)
            return &e;
    return nullptr;
}

bool PackContainer::signedBy(const std::string& publicKey) const {
    for (const auto& s : signatures) {
        if (s.publicKey != publicKey)
            continue;
        try {
            const Bytes key = fromHex(s.publicKey, "key");
            return isPublicKey(key) &&
                   verifySignature(key, signedBytes, fromHex(s.signature, "signature"));
        } catch (const BadInput&) {
            return false;
        }
    }
    return false;
}

PackContainer readPackContainer(const std::string& path) {
    std::string bytes = readWholeFile(path);
    PackContainer pack;
    pack.fileSha256 = sha256Hex(bytes);
    auto damaged = [&](const std::string& what) {
        return IntegrityError(path + ": " + what +
                              " (the pack was changed or damaged after it "
                              "was made)");
    };
    // The end record whose comment runs exactly to the end of the file.
    std::size_t end = std::string::npos;
    for (std::size_t commentSize = 0;
         commentSize <= kMaxCommentBytes && kEndRecordBytes + commentSize <= bytes.size();
         ++commentSize) {
        const std::size_t at = bytes.size() - kEndRecordBytes - commentSize;
        const std::size_t stated = std::size_t(std::uint8_t(bytes[at + 20])) |
                                   std::size_t(std::uint8_t(bytes[at + 21])) << 8;
        if (std::memcmp(bytes.data() + at, "PK\x05\x06", 4) == 0 && stated == commentSize) {
            end = at;
            break;
        }
    }
    if (end == std::string::npos)
        throw damaged("it is not a whole ZIP archive: its end record is missing or was changed");
    const std::string comment = bytes.substr(end + kEndRecordBytes);
    std::istringstream lines(comment);
    std::string line;
    if (!std::getline(lines, line) || line + "\n" != kSignaturesHeader)
        throw damaged("its signatures are missing or unreadable");
    while (std::getline(lines, line)) {
        // Lower-case hex only: a signature spelt in capitals would be a changed byte that still
        // verifies.
        const bool lowerHex = std::all_of(line.begin(), line.end(), [](char c) {
            return c == ' ' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
        });
        if (line.size() != kKeyHex + 1 + kSignatureHex || line[kKeyHex] != ' ' || !lowerHex)
            throw damaged("its signatures are unreadable");
        pack.signatures.push_back({line.substr(0, kKeyHex), line.substr(kKeyHex + 1)});
    }

    zip_error_t error;
    zip_error_init(&error);
    zip_source_t* source = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &error);
    if (!source)
        throw damaged(zipErrorText(&error));
    zip_t* archive = zip_open_from_source(source, ZIP_RDONLY | ZIP_CHECKCONS, &error);
    if (!archive) {
        zip_source_free(source);
        throw damaged("its ZIP structure is inconsistent: " + zipErrorText(&error));
    }
    std::unique_ptr<zip_t, int (*)(zip_t*)> close(archive, zip_close);
    const zip_int64_t count = zip_get_num_entries(archive, 0);
    for (zip_int64_t i = 0; i < count; ++i) {
        const auto index = static_cast<zip_uint64_t>(i);
        zip_stat_t stat;
        zip_stat_init(&stat);
        if (zip_stat_index(archive, index, 0, &stat) < 0 || !(stat.valid & ZIP_STAT_NAME) ||
            !(stat.valid & ZIP_STAT_SIZE))
            throw damaged("entry " + std::to_string(i + 1) + " cannot be read");
        const std::string name = stat.name;
        if (stat.size > kMaxWholeFileBytes)
            throw damaged("entry '" + name + "' says it is larger than any pack Accord makes");
        std::string content(static_cast<std::size_t>(stat.size), '\0');
        zip_file_t* file = zip_fopen_index(archive, index, 0);
        if (!file)
            throw damaged("entry '" + name + "' cannot be opened: " + zip_strerror(archive));
        const zip_int64_t read = zip_fread(file, content.data(), content.size());
        // Reading past the end makes libzip check the entry's CRC-32.
        char probe = 0;
        const zip_int64_t extra =
            read == zip_int64_t(content.size()) ? zip_fread(file, &probe, 1) : -1;
        const std::string fileError = zip_file_strerror(file);
        zip_fclose(file);
        if (read != zip_int64_t(content.size()) || extra != 0)
            throw damaged("entry '" + name + "' was changed: " + fileError);
        pack.entries.push_back({name, std::move(content)});
    }
    // The file without its signatures is what they sign: kept without a copy of the whole pack.
    close.reset();
    bytes.resize(end + kEndRecordBytes);
    pack.signedBytes = std::move(bytes);
    return pack;
}

} // namespace accord::workflows
