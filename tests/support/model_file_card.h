#pragma once

// A voice model file's card read out, and the same file around another card with its lengths and
// checksum made to match (models/voice_model.h: header, card length, weights length, card,
// weights, SHA-256): how tests and benches make a file whose card says something else.

#include "accord/core/crypto.h"

#include <cstdint>
#include <string>

namespace accord::test {

inline std::uint64_t modelFileLength(const std::string& bytes, std::size_t at) {
    std::uint64_t value = 0;
    for (int i = 7; i >= 0; --i)
        value = (value << 8) | static_cast<unsigned char>(bytes[at + std::size_t(i)]);
    return value;
}

inline std::string modelFileCard(const std::string& bytes) {
    return bytes.substr(32, modelFileLength(bytes, 16));
}

inline std::string modelFileWithCard(const std::string& bytes, const std::string& card) {
    const std::uint64_t cardBytes = modelFileLength(bytes, 16);
    const std::uint64_t weightsBytes = modelFileLength(bytes, 24);
    std::string out = bytes.substr(0, 16);
    for (const std::uint64_t value : {std::uint64_t(card.size()), weightsBytes})
        for (int i = 0; i < 8; ++i)
            out.push_back(static_cast<char>((value >> (8 * i)) & 0xff));
    out += card + bytes.substr(32 + cardBytes, weightsBytes);
    const Bytes digest = fromHex(sha256Hex(out), "digest");
    out.append(digest.begin(), digest.end());
    return out;
}

} // namespace accord::test
