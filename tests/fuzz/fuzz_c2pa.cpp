// C2PA manifest stores (core/c2pa.h) read from arbitrary bytes: accord::Error or success; never a
// crash or another exception (docs/C2PA.md "Verify").

#include "accord/core/c2pa.h"
#include "accord/core/errors.h"

#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    try {
        accord::c2pa::readStore(std::string(reinterpret_cast<const char*>(data), size), "store");
    } catch (const accord::Error&) {
    }
    return 0;
}
