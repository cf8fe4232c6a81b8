#pragma once

#include "accord/core/consent.h"
#include "accord/core/crypto.h"

#include <map>
#include <optional>
#include <string>

namespace accord {

// What a signed grant statement or revocation says (docs/CONSENT.md "Signed grants"): holders by
// public key and the asset by content, so it means the same in any studio.
struct GrantStatementFields {
    bool revocation = false;
    std::string grant;  // the grant's id in the studio where it was given
    std::string studio; // that studio's public key
    std::string holder; // the granting holder's public key
    // A grant's:
    Scope scope = Scope::Export;
    std::optional<std::string> assetPcmSha256; // nullopt: every asset of the holder
    std::string assetFileSha256;
    std::optional<std::string> to; // the grantee's public key; nullopt: anyone
    GrantTerms terms;
    UnixTime created = 0;
    // A revocation's:
    std::string grantStatementSha256;
    UnixTime revoked = 0;
    std::string reason;
};

// Reads a statement. Throws IntegrityError naming `what` when it is not one: a statement comes
// signed, so one that cannot be read was changed.
GrantStatementFields readGrantStatement(const std::string& text, const std::string& what);

// Whether `signatureHex` is the Ed25519 signature of `text` by the holder key it names.
bool grantStatementIsSigned(const GrantStatementFields& fields, const std::string& text,
                            const std::string& signatureHex);

// The same check for many statements: whether a key is a point of the curve's main subgroup costs
// as much as checking a signature, so each distinct holder key is checked once (docs/LEDGER.md
// "Measured"). Not thread-safe: one per thread.
class GrantStatementVerifier {
public:
    bool isSigned(const GrantStatementFields& fields, const std::string& text,
                  const std::string& signatureHex);

private:
    std::map<std::string, Bytes> validKeys_; // hex -> bytes, for keys that are public keys
};

} // namespace accord
