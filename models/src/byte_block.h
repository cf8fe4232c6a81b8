#pragma once

// Little-endian integers in the blocks of model files and checkpoints (model_file.h, the style
// model's runs and Markov blocks): one writer and one bounds-checked reader for all of them.

#include "accord/core/errors.h"

#include <cstdint>
#include <string>

namespace accord::models {

inline void putLittleEndian(std::string& out, std::uint64_t value, int bytes) {
    for (int i = 0; i < bytes; ++i)
        out.push_back(static_cast<char>((value >> (8 * i)) & 0xff));
}
inline void putU16(std::string& out, std::uint16_t v) {
    putLittleEndian(out, v, 2);
}
inline void putU32(std::string& out, std::uint32_t v) {
    putLittleEndian(out, v, 4);
}
inline void putU64(std::string& out, std::uint64_t v) {
    putLittleEndian(out, v, 8);
}

// Reads a block front to back; anything past its end is a BadInput "<what>: <problem>".
class ByteReader {
public:
    ByteReader(const std::string& bytes, std::string what)
        : bytes_(bytes), what_(std::move(what)) {}

    // The next `n` bytes (at most 8) as an unsigned integer.
    std::uint64_t take(std::size_t n) {
        need(n);
        std::uint64_t v = 0;
        for (std::size_t i = 0; i < n; ++i)
            v |= static_cast<std::uint64_t>(static_cast<unsigned char>(bytes_[at_ + i])) << (8 * i);
        at_ += n;
        return v;
    }
    std::uint16_t u16() { return static_cast<std::uint16_t>(take(2)); }
    std::uint32_t u32() { return static_cast<std::uint32_t>(take(4)); }
    std::uint64_t u64() { return take(8); }
    std::string text(std::size_t n) {
        need(n);
        std::string out = bytes_.substr(at_, n);
        at_ += n;
        return out;
    }
    std::size_t remaining() const { return bytes_.size() - at_; }
    bool done() const { return at_ == bytes_.size(); }
    [[noreturn]] void fail(const std::string& problem) const {
        throw BadInput(what_ + ": " + problem);
    }

private:
    void need(std::size_t n) const {
        if (n > bytes_.size() - at_)
            fail("truncated");
    }

    const std::string& bytes_;
    std::string what_;
    std::size_t at_ = 0;
};

} // namespace accord::models
