// The C2PA manifest store (docs/C2PA.md): JUMBF boxes, a claim v2 in CBOR, a COSE_Sign1 claim
// signature. Text-keyed CBOR maps are nlohmann/json's; COSE's integer-keyed header and framing
// are a dozen bytes written and read here (JSON has no integer keys).

#include "accord/core/c2pa.h"

#include "accord/core/errors.h"
#include "c2pa_encoding.h"
#include "x509.h"

#include <nlohmann/json.hpp>
#include <sodium.h>

#include <algorithm>
#include <array>

namespace accord::c2pa {

using nlohmann::json;

namespace detail {

std::string cborHead(int major, std::uint64_t n) {
    std::string out;
    const auto type = static_cast<char>(major << 5);
    if (n < 24)
        return std::string(1, static_cast<char>(type | static_cast<char>(n)));
    int bytes = n <= 0xff ? 1 : n <= 0xffff ? 2 : n <= 0xffffffffULL ? 4 : 8;
    out += static_cast<char>(type | (bytes == 1 ? 24 : bytes == 2 ? 25 : bytes == 4 ? 26 : 27));
    for (int i = bytes - 1; i >= 0; --i)
        out += static_cast<char>((n >> (8 * i)) & 0xff);
    return out;
}

std::string sha256Raw(const std::string& data) {
    std::array<unsigned char, crypto_hash_sha256_BYTES> digest{};
    crypto_hash_sha256(digest.data(), reinterpret_cast<const unsigned char*>(data.data()),
                       data.size());
    return std::string(reinterpret_cast<const char*>(digest.data()), digest.size());
}

} // namespace detail

using detail::cborHead;
using detail::sha256Raw;

namespace {

// ---- CBOR framing ----

std::string cborBytes(const std::string& bytes) {
    return cborHead(2, bytes.size()) + bytes;
}

std::string cborText(const std::string& text) {
    return cborHead(3, text.size()) + text;
}

std::string toCbor(const json& value) {
    const std::vector<std::uint8_t> bytes = json::to_cbor(value);
    return std::string(bytes.begin(), bytes.end());
}

json binary(const std::string& bytes) {
    return json::binary(std::vector<std::uint8_t>(bytes.begin(), bytes.end()));
}

std::string raw(const Bytes& bytes) {
    return std::string(bytes.begin(), bytes.end());
}

// ---- JUMBF (ISO 19566-5) ----

std::string typeUuid(const char (&fourCc)[5]) {
    static const unsigned char tail[12] = {0x00, 0x11, 0x00, 0x10, 0x80, 0x00,
                                           0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71};
    return std::string(fourCc, 4) + std::string(reinterpret_cast<const char*>(tail), 12);
}

std::string box(const char (&type)[5], const std::string& payload) {
    const std::uint64_t size = 8 + payload.size();
    std::string out;
    for (int i = 3; i >= 0; --i)
        out += static_cast<char>((size >> (8 * i)) & 0xff);
    return out + std::string(type, 4) + payload;
}

// A superbox: its description (type, label; toggles requestable + label) and its children.
std::string superbox(const std::string& uuid, const std::string& label,
                     const std::string& children) {
    return box("jumb", box("jumd", uuid + '\x03' + label + '\0') + children);
}

std::string assertionBox(const Assertion& a) {
    return a.kind == Assertion::Kind::Json
               ? superbox(typeUuid("json"), a.label, box("json", a.content))
               : superbox(typeUuid("cbor"), a.label, box("cbor", a.content));
}

std::string uuid4() {
    unsigned char b[16];
    randombytes_buf(b, sizeof b);
    b[6] = static_cast<unsigned char>((b[6] & 0x0f) | 0x40);
    b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80);
    const std::string hex = toHex(b, sizeof b);
    return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" +
           hex.substr(16, 4) + "-" + hex.substr(20);
}

} // namespace

std::vector<std::uint8_t> assertionHash(const Assertion& assertion) {
    const std::string hash = sha256Raw(assertionBox(assertion).substr(8));
    return std::vector<std::uint8_t>(hash.begin(), hash.end());
}

StoreBuilder::StoreBuilder(ManifestRequest request)
    : request_(std::move(request)), label_("urn:c2pa:" + uuid4()),
      instanceId_("xmp:iid:" + uuid4()) {}

std::string StoreBuilder::store(const Bytes& sha256, bool sign) const {
    std::vector<Assertion> assertions = request_.assertions;
    assertions.push_back({"c2pa.hash.data", Assertion::Kind::Cbor,
                          toCbor({{"exclusions", json::array({{{"start", exclusion_.start},
                                                               {"length", exclusion_.length}}})},
                                  {"name", "jumbf manifest"},
                                  {"alg", "sha256"},
                                  {"hash", binary(raw(sha256))},
                                  {"pad", binary("")}})});
    std::string boxes;
    json created = json::array();
    for (const Assertion& a : assertions) {
        const std::string assertion = assertionBox(a);
        boxes += assertion;
        // The hashed URI covers the assertion superbox without its own 8-byte header.
        created.push_back({{"url", "self#jumbf=c2pa.assertions/" + a.label},
                           {"hash", json::binary(assertionHash(a))}});
    }
    const std::string claim = toCbor(
        {{"instanceID", instanceId_},
         {"claim_generator_info", {{"name", "Accord"}, {"version", request_.generatorVersion}}},
         {"signature", "self#jumbf=c2pa.signature"},
         {"created_assertions", created},
         {"dc:title", request_.title},
         {"alg", "sha256"}});
    // {1 (alg): -8 (EdDSA), 33 (x5chain): [certificates]}
    std::string chain = cborHead(4, request_.signer.certificateChainDer.size());
    for (const auto& der : request_.signer.certificateChainDer)
        chain += cborBytes(der);
    const std::string protectedHeader = std::string("\xa2\x01\x27\x18\x21", 5) + chain;
    const std::string toBeSigned = cborHead(4, 4) + cborText("Signature1") +
                                   cborBytes(protectedHeader) + cborBytes("") + cborBytes(claim);
    const std::string signature =
        sign ? raw(request_.signer.sign(toBeSigned)) : std::string(crypto_sign_BYTES, '\0');
    if (signature.size() != crypto_sign_BYTES)
        throw BadInput("C2PA: the signer did not return an Ed25519 signature");
    // COSE_Sign1: tag 18 [protected, {}, nil (detached payload), signature]
    const std::string cose =
        std::string("\xd2\x84", 2) + cborBytes(protectedHeader) + "\xa0\xf6" + cborBytes(signature);
    const std::string manifest =
        superbox(typeUuid("c2ma"), label_,
                 superbox(typeUuid("c2as"), "c2pa.assertions", boxes) +
                     superbox(typeUuid("c2cl"), "c2pa.claim.v2", box("cbor", claim)) +
                     superbox(typeUuid("c2cs"), "c2pa.signature", box("cbor", cose)));
    return superbox(typeUuid("c2pa"), "c2pa", manifest);
}

std::size_t StoreBuilder::settleSize(std::uint64_t start, std::uint64_t overhead) {
    exclusion_ = {start, 0};
    const Bytes zeros(32, 0);
    // Only the CBOR width of the exclusion's length can change the size: a few passes settle it.
    for (int pass = 0; pass < 8; ++pass) {
        const std::size_t size = store(zeros, false).size();
        if (exclusion_.length == overhead + size)
            return settled_ = size;
        exclusion_.length = overhead + size;
    }
    throw BadInput("C2PA: the manifest store's size does not settle");
}

std::string StoreBuilder::build(const Bytes& sha256) const {
    if (settled_ == 0)
        throw BadInput("C2PA: the store was built before its size was settled");
    std::string built = store(sha256, true);
    if (built.size() != settled_)
        throw BadInput("C2PA: the signed store is not the size it was settled at");
    return built;
}

const Assertion* ReadManifest::assertion(const std::string& wanted) const {
    for (const auto& a : assertions)
        if (a.label == wanted)
            return &a;
    return nullptr;
}

} // namespace accord::c2pa
