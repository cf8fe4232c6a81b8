// A model pack's container (workflows/src/pack_container.h) and the grant statements it carries
// (core/grant_statement.h), read from arbitrary bytes: accord::Error or success; never a crash or
// another exception. The bytes are read as a pack file and, whole, as a statement.

#include "fuzz_input.h"
#include "pack_container.h"

#include "accord/core/errors.h"
#include "accord/core/grant_statement.h"

#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string path = accord::fuzz::asFile(data, size, "model.accordpack");
    try {
        const auto pack = accord::workflows::readPackContainer(path);
        for (const auto& signature : pack.signatures)
            pack.signedBy(signature.publicKey);
    } catch (const accord::Error&) {
    }
    const std::string text(reinterpret_cast<const char*>(data), size);
    try {
        const auto fields = accord::readGrantStatement(text, "statement");
        accord::grantStatementIsSigned(fields, text, std::string(128, '0'));
    } catch (const accord::Error&) {
    }
    return 0;
}
