#pragma once

// Model files and training checkpoints as bytes (plain C++, no Torch), shared by the voice and
// style models:
//
//   container := magic[8] | u32 version | u32 0 | u64 jsonBytes | u64 blobBytes
//                | json (UTF-8) | blob | SHA-256(all the bytes before)[32]
//   tensors   := "ACCTENS1" | u32 count | count x ( u32 nameBytes | name | u32 rank
//                | i64 dims[rank] | f32 values[prod(dims)] )
//
// All integers and floats little-endian. Nothing in a file is ever executed or unpickled.

#include <cstdint>
#include <string>
#include <vector>

namespace accord::models {

struct NamedArray {
    std::string name;
    std::vector<std::int64_t> shape;
    std::vector<float> values;
};

std::string encodeTensors(const std::vector<NamedArray>& tensors);
// Throws BadInput "<what>: ..." when the blob is malformed.
std::vector<NamedArray> decodeTensors(const std::string& blob, const std::string& what);

std::string encodeContainer(const char* magic, int version, const std::string& json,
                            const std::string& blob);

struct Container {
    int version = 0;
    std::string json;
    std::string blob;
};
// Checks magic, version (<= maxVersion), lengths and checksum. Throws BadInput
// "<file>: <problem>" naming `kind` ("an Accord voice model") for a foreign file.
Container decodeContainer(const std::string& bytes, const char* magic, int maxVersion,
                          const std::string& file, const std::string& kind);

} // namespace accord::models
