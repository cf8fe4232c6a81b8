#include "x509.h"

#include "accord/core/errors.h"

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>

namespace accord::x509 {

namespace {

template <typename T, void (*Free)(T*)> struct Deleter {
    void operator()(T* p) const { Free(p); }
};
using Key = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using Certificate = std::unique_ptr<X509, Deleter<X509, X509_free>>;

[[noreturn]] void failed(const std::string& what) {
    throw BadInput("cannot make a signing certificate: " + what);
}

Key privateKey(const Bytes& secretKey) {
    // libsodium's secret key is the 32-byte seed followed by the public key.
    Key key(EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, secretKey.data(), 32));
    if (!key)
        failed("the key is not an Ed25519 key");
    return key;
}

Key publicKey(const Bytes& raw) {
    Key key(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, raw.data(), raw.size()));
    if (!key)
        failed("the public key is not an Ed25519 key");
    return key;
}

Certificate parse(const std::string& der) {
    const auto* bytes = reinterpret_cast<const unsigned char*>(der.data());
    return Certificate(d2i_X509(nullptr, &bytes, static_cast<long>(der.size())));
}

std::string toDer(X509* certificate) {
    unsigned char* out = nullptr;
    const int size = i2d_X509(certificate, &out);
    if (size <= 0)
        failed("it cannot be encoded");
    std::string der(reinterpret_cast<char*>(out), static_cast<std::size_t>(size));
    OPENSSL_free(out);
    return der;
}

void setName(X509_NAME* name, const std::string& commonName, const std::string& organisation) {
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                               reinterpret_cast<const unsigned char*>(commonName.c_str()), -1, -1,
                               0);
    X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8,
                               reinterpret_cast<const unsigned char*>(organisation.c_str()), -1, -1,
                               0);
}

// A certificate with everything but its extensions and signature.
Certificate skeleton(EVP_PKEY* subjectKey, const std::string& commonName,
                     const std::string& organisation, std::int64_t notBefore,
                     std::int64_t notAfter) {
    Certificate certificate(X509_new());
    X509_set_version(certificate.get(), X509_VERSION_3);
    unsigned char serial[16];
    RAND_bytes(serial, sizeof serial);
    serial[0] &= 0x7f; // a positive serial number
    BIGNUM* number = BN_bin2bn(serial, sizeof serial, nullptr);
    BN_to_ASN1_INTEGER(number, X509_get_serialNumber(certificate.get()));
    BN_free(number);
    ASN1_TIME_set(X509_getm_notBefore(certificate.get()), static_cast<time_t>(notBefore));
    ASN1_TIME_set(X509_getm_notAfter(certificate.get()), static_cast<time_t>(notAfter));
    X509_set_pubkey(certificate.get(), subjectKey);
    setName(X509_get_subject_name(certificate.get()), commonName, organisation);
    return certificate;
}

void addExtension(X509* certificate, X509* issuer, int nid, const char* value) {
    X509V3_CTX context;
    X509V3_set_ctx_nodb(&context);
    X509V3_set_ctx(&context, issuer, certificate, nullptr, nullptr, 0);
    X509_EXTENSION* extension = X509V3_EXT_conf_nid(nullptr, &context, nid, value);
    if (!extension)
        failed("extension " + std::string(OBJ_nid2sn(nid)));
    X509_add_ext(certificate, extension, -1);
    X509_EXTENSION_free(extension);
}

std::int64_t secondsOf(const ASN1_TIME* time) {
    struct tm parts {};
    if (!time || ASN1_TIME_to_tm(time, &parts) != 1)
        return 0;
    return static_cast<std::int64_t>(timegm(&parts));
}

} // namespace

std::string makeAuthority(const Bytes& caSecretKey, const std::string& commonName,
                          const std::string& organisation, std::int64_t notBefore,
                          std::int64_t notAfter) {
    const Key key = privateKey(caSecretKey);
    Certificate certificate = skeleton(key.get(), commonName, organisation, notBefore, notAfter);
    X509_set_issuer_name(certificate.get(), X509_get_subject_name(certificate.get()));
    addExtension(certificate.get(), certificate.get(), NID_basic_constraints,
                 "critical,CA:TRUE,pathlen:0");
    addExtension(certificate.get(), certificate.get(), NID_key_usage,
                 "critical,keyCertSign,cRLSign");
    addExtension(certificate.get(), certificate.get(), NID_subject_key_identifier, "hash");
    addExtension(certificate.get(), certificate.get(), NID_authority_key_identifier,
                 "keyid:always");
    if (X509_sign(certificate.get(), key.get(), nullptr) <= 0)
        failed("the authority cannot sign");
    return toDer(certificate.get());
}

std::string makeSigner(const Bytes& publicKeyBytes, const std::string& commonName,
                       const std::string& organisation, const std::string& authorityDer,
                       const Bytes& caSecretKey, std::int64_t notBefore, std::int64_t notAfter) {
    const Key subjectKey = publicKey(publicKeyBytes);
    const Key caKey = privateKey(caSecretKey);
    const Certificate authority = parse(authorityDer);
    if (!authority)
        failed("the studio's authority certificate cannot be read");
    Certificate certificate =
        skeleton(subjectKey.get(), commonName, organisation, notBefore, notAfter);
    X509_set_issuer_name(certificate.get(), X509_get_subject_name(authority.get()));
    addExtension(certificate.get(), authority.get(), NID_basic_constraints, "critical,CA:FALSE");
    addExtension(certificate.get(), authority.get(), NID_key_usage, "critical,digitalSignature");
    // emailProtection and the C2PA signing purpose: the profile c2pa-rs accepts (docs/C2PA.md).
    addExtension(certificate.get(), authority.get(), NID_ext_key_usage,
                 "emailProtection,1.3.6.1.4.1.62558.2.1");
    addExtension(certificate.get(), authority.get(), NID_subject_key_identifier, "hash");
    addExtension(certificate.get(), authority.get(), NID_authority_key_identifier, "keyid:always");
    if (X509_sign(certificate.get(), caKey.get(), nullptr) <= 0)
        failed("the authority cannot sign");
    return toDer(certificate.get());
}

CertificateInfo readCertificate(const std::string& der, const std::string& what) {
    const Certificate certificate = parse(der);
    if (!certificate)
        throw IntegrityError(what + ": a certificate in its signature cannot be read");
    CertificateInfo info;
    if (EVP_PKEY* key = X509_get0_pubkey(certificate.get());
        key && EVP_PKEY_get_id(key) == EVP_PKEY_ED25519) {
        std::size_t size = 32;
        info.ed25519PublicKey.resize(size);
        if (EVP_PKEY_get_raw_public_key(key, info.ed25519PublicKey.data(), &size) != 1 ||
            size != 32)
            info.ed25519PublicKey.clear();
    }
    // "Ada (Accord studio 1a2b…)": the common name, with the organisation when there is one.
    auto field = [&](int nid) {
        char buffer[256] = {};
        const int n = X509_NAME_get_text_by_NID(X509_get_subject_name(certificate.get()), nid,
                                                buffer, sizeof buffer);
        return n > 0 ? std::string(buffer, static_cast<std::size_t>(n)) : std::string();
    };
    const std::string commonName = field(NID_commonName);
    const std::string organisation = field(NID_organizationName);
    info.subject =
        commonName +
        (organisation.empty() || organisation == commonName ? "" : " (" + organisation + ")");
    info.notBefore = secondsOf(X509_get0_notBefore(certificate.get()));
    info.notAfter = secondsOf(X509_get0_notAfter(certificate.get()));
    return info;
}

bool issuedBy(const std::string& der, const std::string& issuerDer) {
    const Certificate certificate = parse(der), issuer = parse(issuerDer);
    if (!certificate || !issuer)
        return false;
    EVP_PKEY* key = X509_get0_pubkey(issuer.get());
    return key && X509_verify(certificate.get(), key) == 1;
}

} // namespace accord::x509
