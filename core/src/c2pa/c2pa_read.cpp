// Reading a C2PA manifest store (docs/C2PA.md "Verify"): JUMBF boxes, the claim, the COSE_Sign1
// signature and its certificates, every read bounded, every failure an IntegrityError naming
// the file. Only what Accord writes is understood fully (claim v2, Ed25519); anything else is
// reported as a problem, never trusted.

#include "accord/core/c2pa.h"

#include "accord/core/errors.h"
#include "c2pa_encoding.h"
#include "x509.h"

#include <nlohmann/json.hpp>
#include <sodium.h>

#include <array>

namespace accord::c2pa {

using detail::cborHead;
using detail::sha256Raw;
using nlohmann::json;

namespace {

struct Box {
    std::string type;
    std::string payload; // without the 8-byte header
};

class Damaged : public IntegrityError {
public:
    using IntegrityError::IntegrityError;
};

std::vector<Box> boxesIn(const std::string& bytes, const std::string& what) {
    std::vector<Box> boxes;
    std::size_t at = 0;
    while (at < bytes.size()) {
        if (bytes.size() - at < 8)
            throw Damaged(what + ": a JUMBF box is cut short");
        std::uint64_t size = 0;
        for (int i = 0; i < 4; ++i)
            size = size << 8 | static_cast<unsigned char>(bytes[at + static_cast<std::size_t>(i)]);
        if (size < 8 || size > bytes.size() - at)
            throw Damaged(what + ": a JUMBF box's length runs past its container");
        boxes.push_back({bytes.substr(at + 4, 4), bytes.substr(at + 8, size - 8)});
        at += size;
    }
    return boxes;
}

// A superbox: its description's type and label, and its children after the description.
struct Superbox {
    std::string uuid;
    std::string label;
    std::vector<Box> children;
    std::string payload; // the whole payload, description included (what hashed URIs cover)
};

Superbox superboxOf(const Box& box, const std::string& what) {
    if (box.type != "jumb")
        throw Damaged(what + ": expected a JUMBF superbox, found '" + box.type + "'");
    std::vector<Box> parts = boxesIn(box.payload, what);
    if (parts.empty() || parts.front().type != "jumd" || parts.front().payload.size() < 17)
        throw Damaged(what + ": a JUMBF superbox has no description");
    const std::string& description = parts.front().payload;
    Superbox out{description.substr(0, 16), {}, {}, box.payload};
    const auto toggles = static_cast<unsigned char>(description[16]);
    if (toggles & 0x02) {
        const std::size_t end = description.find('\0', 17);
        if (end == std::string::npos)
            throw Damaged(what + ": a JUMBF label is not terminated");
        out.label = description.substr(17, end - 17);
    }
    parts.erase(parts.begin());
    out.children = std::move(parts);
    return out;
}

const Box* childLabelled(const std::vector<Superbox>& boxes, const std::string& label) {
    for (const auto& b : boxes)
        if (b.label == label && !b.children.empty())
            return &b.children.front();
    return nullptr;
}

// ---- the little CBOR COSE needs ----

class CborReader {
public:
    CborReader(const std::string& bytes, std::string what)
        : bytes_(bytes), what_(std::move(what)) {}

    // The next item's major type and argument.
    std::pair<int, std::uint64_t> head() {
        need(1);
        const auto initial = static_cast<unsigned char>(bytes_[at_++]);
        const int major = initial >> 5, info = initial & 0x1f;
        if (info < 24)
            return {major, static_cast<std::uint64_t>(info)};
        if (info > 27)
            throw Damaged(what_ + ": its signature uses CBOR Accord does not read");
        const std::size_t size = std::size_t(1) << (info - 24);
        need(size);
        std::uint64_t n = 0;
        for (std::size_t i = 0; i < size; ++i)
            n = n << 8 | static_cast<unsigned char>(bytes_[at_++]);
        return {major, n};
    }
    std::string byteString() {
        const auto [major, size] = head();
        if (major != 2)
            throw Damaged(what_ + ": its signature is not a COSE_Sign1");
        need(size);
        std::string out = bytes_.substr(at_, size);
        at_ += size;
        return out;
    }
    // Skips one item (nested at most 16 deep).
    void skip(int depth = 0) {
        const auto [major, n] = head();
        skipContent(major, n, depth);
    }
    // Skips what follows an item's head: a string's bytes, an array's or map's items.
    void skipContent(int major, std::uint64_t n, int depth = 0) {
        if (depth > 16)
            throw Damaged(what_ + ": its signature nests too deep");
        switch (major) {
        case 2:
        case 3:
            need(n);
            at_ += n;
            return;
        case 4:
            for (std::uint64_t i = 0; i < n; ++i)
                skip(depth + 1);
            return;
        case 5:
            for (std::uint64_t i = 0; i < 2 * n; ++i)
                skip(depth + 1);
            return;
        case 6:
            skip(depth + 1);
            return;
        default:
            return;
        }
    }
    // The next item's major type, not consumed.
    int peekMajor() const {
        need(1);
        return static_cast<unsigned char>(bytes_[at_]) >> 5;
    }

private:
    void need(std::uint64_t n) const {
        if (n > bytes_.size() - at_)
            throw Damaged(what_ + ": its signature is cut short");
    }
    const std::string& bytes_;
    std::string what_;
    std::size_t at_ = 0;
};

struct CoseSign1 {
    std::string protectedHeader;
    std::int64_t algorithm = 0;
    std::vector<std::string> chain;
    std::string signature;
};

CoseSign1 readCose(const std::string& bytes, const std::string& what) {
    CborReader cose(bytes, what);
    CoseSign1 out;
    if (cose.head() != std::make_pair(6, std::uint64_t{18}) ||
        cose.head() != std::make_pair(4, std::uint64_t{4}))
        throw Damaged(what + ": its claim signature is not a COSE_Sign1");
    out.protectedHeader = cose.byteString();
    cose.skip();                      // unprotected header
    const auto payload = cose.head(); // nil: the claim is the detached payload
    if (payload != std::make_pair(7, std::uint64_t{22}))
        throw Damaged(what + ": its claim signature carries a payload of its own");
    out.signature = cose.byteString();

    CborReader header(out.protectedHeader, what);
    const auto [major, entries] = header.head();
    if (major != 5)
        throw Damaged(what + ": its signature's protected header is not a map");
    for (std::uint64_t i = 0; i < entries; ++i) {
        const auto [keyMajor, key] = header.head();
        if (keyMajor == 0 && key == 1) {
            const auto [valueMajor, value] = header.head();
            out.algorithm = valueMajor == 1 ? -1 - static_cast<std::int64_t>(value)
                                            : static_cast<std::int64_t>(value);
        } else if (keyMajor == 0 && key == 33) {
            // x5chain: one certificate, or an array of them
            if (header.peekMajor() != 4) {
                out.chain.push_back(header.byteString());
                continue;
            }
            const auto count = header.head().second;
            if (count > 16)
                throw Damaged(what + ": its signature carries more certificates than Accord reads");
            for (std::uint64_t c = 0; c < count; ++c)
                out.chain.push_back(header.byteString());
        } else {
            header.skipContent(keyMajor, key); // a key Accord does not read, and its value
            header.skip();
        }
    }
    return out;
}

std::string bytesOf(const json& value) {
    if (!value.is_binary())
        return {};
    const auto& b = value.get_binary();
    return std::string(b.begin(), b.end());
}

} // namespace

namespace {

ReadManifest readStoreFields(const std::string& jumbf, const std::string& what) {
    ReadManifest read;
    const std::vector<Box> top = boxesIn(jumbf, what);
    if (top.size() != 1)
        throw Damaged(what + ": its C2PA store is not one JUMBF superbox");
    const Superbox store = superboxOf(top.front(), what);
    if (store.label != "c2pa")
        throw Damaged(what + ": its JUMBF box is not a C2PA manifest store");
    if (store.children.empty())
        throw Damaged(what + ": its C2PA store holds no manifest");
    // The active manifest is the last one.
    const Superbox manifest = superboxOf(store.children.back(), what);
    read.label = manifest.label;
    std::vector<Superbox> parts;
    for (const Box& child : manifest.children)
        parts.push_back(superboxOf(child, what));
    const Box* claimBox = childLabelled(parts, "c2pa.claim.v2");
    const Box* signatureBox = childLabelled(parts, "c2pa.signature");
    const Superbox* assertionStore = nullptr;
    for (const auto& p : parts)
        if (p.label == "c2pa.assertions")
            assertionStore = &p;
    if (!claimBox || !signatureBox || !assertionStore)
        throw Damaged(what + ": its C2PA manifest lacks a claim v2, a signature or assertions");

    json claim;
    try {
        claim = json::from_cbor(claimBox->payload);
    } catch (const json::exception&) {
        throw Damaged(what + ": its C2PA claim is not CBOR");
    }
    if (!claim.is_object())
        throw Damaged(what + ": its C2PA claim is not a map");
    read.title = claim.value("dc:title", "");
    if (const auto info = claim.find("claim_generator_info");
        info != claim.end() && info->is_object())
        read.generator = info->value("name", "") + " " + info->value("version", "");

    // Assertions, each checked against the hash the claim gives it.
    std::map<std::string, std::string> referenced; // label -> hash
    for (const char* key : {"created_assertions", "gathered_assertions"})
        if (const auto list = claim.find(key); list != claim.end() && list->is_array())
            for (const auto& ref : *list) {
                if (!ref.is_object())
                    continue;
                const std::string url = ref.value("url", "");
                const std::size_t slash = url.rfind('/');
                referenced[slash == std::string::npos ? url : url.substr(slash + 1)] =
                    bytesOf(ref.value("hash", json()));
            }
    for (const Box& child : assertionStore->children) {
        const Superbox box = superboxOf(child, what);
        if (box.children.empty())
            continue;
        Assertion a{box.label,
                    box.children.front().type == "json" ? Assertion::Kind::Json
                                                        : Assertion::Kind::Cbor,
                    box.children.front().payload};
        const auto ref = referenced.find(a.label);
        if (ref == referenced.end())
            read.problems.push_back("assertion " + a.label + " is not in the claim");
        else if (ref->second != sha256Raw(box.payload))
            read.problems.push_back("assertion " + a.label +
                                    " was changed after the claim was signed");
        if (ref != referenced.end())
            referenced.erase(ref);
        read.assertions.push_back(std::move(a));
    }
    for (const auto& [label, hash] : referenced)
        read.problems.push_back("assertion " + label + " named by the claim is missing");

    if (const Assertion* binding = read.assertion("c2pa.hash.data")) {
        try {
            const json hashData = json::from_cbor(binding->content);
            const json& exclusions = hashData.at("exclusions");
            if (exclusions.is_array() && exclusions.size() == 1)
                read.exclusion = Exclusion{exclusions[0].at("start").get<std::uint64_t>(),
                                           exclusions[0].at("length").get<std::uint64_t>()};
            const std::string hash = bytesOf(hashData.at("hash"));
            read.dataHash.assign(hash.begin(), hash.end());
        } catch (const json::exception&) {
            read.problems.push_back("its hard binding (c2pa.hash.data) cannot be read");
        }
    } else {
        read.problems.push_back("it has no hard binding (c2pa.hash.data)");
    }

    // The claim signature: Ed25519 over the COSE Sig_structure with the claim as payload.
    const CoseSign1 cose = readCose(signatureBox->payload, what);
    read.certificateChainDer = cose.chain;
    if (cose.chain.empty())
        throw Damaged(what + ": its claim signature names no certificate");
    const x509::CertificateInfo signer = x509::readCertificate(cose.chain.front(), what);
    read.signerSubject = signer.subject;
    if (cose.algorithm != -8 || signer.ed25519PublicKey.empty()) {
        read.problems.push_back("its claim is signed with an algorithm Accord does not check "
                                "(COSE alg " +
                                std::to_string(cose.algorithm) + ")");
    } else {
        read.signerPublicKey = toHex(signer.ed25519PublicKey);
        const std::string toBeSigned = cborHead(4, 4) + cborHead(3, 10) + "Signature1" +
                                       cborHead(2, cose.protectedHeader.size()) +
                                       cose.protectedHeader + cborHead(2, 0) +
                                       cborHead(2, claimBox->payload.size()) + claimBox->payload;
        read.claimSignatureValid =
            cose.signature.size() == crypto_sign_BYTES &&
            verifySignature(signer.ed25519PublicKey, toBeSigned,
                            Bytes(cose.signature.begin(), cose.signature.end()));
        if (!read.claimSignatureValid)
            read.problems.push_back("its claim signature does not verify: the claim or its "
                                    "signature was changed");
    }
    read.certificateChainValid = true;
    for (std::size_t i = 0; i + 1 < cose.chain.size(); ++i)
        if (!x509::issuedBy(cose.chain[i], cose.chain[i + 1]))
            read.certificateChainValid = false;
    if (!read.certificateChainValid)
        read.problems.push_back("its certificate chain is broken");
    return read;
}

} // namespace

ReadManifest readStore(const std::string& jumbf, const std::string& what) {
    try {
        return readStoreFields(jumbf, what);
    } catch (const json::exception&) {
        throw IntegrityError(what + ": its C2PA claim or an assertion has a field of another "
                                    "type than C2PA defines");
    }
}

} // namespace accord::c2pa
