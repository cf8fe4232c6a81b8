#pragma once

// X.509 certificates for C2PA signing (docs/C2PA.md "Certificates"), through OpenSSL: a studio's
// own certificate authority and an end-entity certificate per signing key, with the profile the
// C2PA reference implementation requires of a signer. Ed25519 throughout.

#include "accord/core/crypto.h"

#include <cstdint>
#include <string>

namespace accord::x509 {

// A self-signed CA certificate (DER) for `caSecretKey` (libsodium's 64-byte Ed25519 secret).
std::string makeAuthority(const Bytes& caSecretKey, const std::string& commonName,
                          const std::string& organisation, std::int64_t notBefore,
                          std::int64_t notAfter);

// An end-entity certificate (DER) for the Ed25519 `publicKey`, issued by `authorityDer` and
// signed with `caSecretKey`: digitalSignature only, emailProtection and C2PA signing EKUs.
std::string makeSigner(const Bytes& publicKey, const std::string& commonName,
                       const std::string& organisation, const std::string& authorityDer,
                       const Bytes& caSecretKey, std::int64_t notBefore, std::int64_t notAfter);

struct CertificateInfo {
    Bytes ed25519PublicKey; // empty when the key is not Ed25519
    std::string subject;    // "Ada (Accord studio 1a2b…)"
    std::int64_t notBefore = 0, notAfter = 0;
};

// Throws IntegrityError naming `what` when `der` is not a certificate.
CertificateInfo readCertificate(const std::string& der, const std::string& what);
// Whether `der`'s signature verifies with `issuerDer`'s public key.
bool issuedBy(const std::string& der, const std::string& issuerDer);

} // namespace accord::x509
