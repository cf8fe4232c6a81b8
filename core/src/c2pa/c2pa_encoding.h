#pragma once

// The byte-level helpers the C2PA writer and reader share (c2pa.cpp).

#include <cstdint>
#include <string>

namespace accord::c2pa::detail {

// A CBOR item's head: major type and argument, in the shortest form.
std::string cborHead(int major, std::uint64_t n);
// SHA-256 of `data`, 32 raw bytes.
std::string sha256Raw(const std::string& data);

} // namespace accord::c2pa::detail
