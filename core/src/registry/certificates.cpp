// The studio's C2PA certificates (docs/C2PA.md "Certificates"): a certificate authority with a
// key of its own, and an end-entity certificate per signing key (the studio's, each holder's),
// made on first use and kept beside the private keys. They are derived data: deleting them only
// makes new ones.

#include "registry_impl.h"

#include "../c2pa/x509.h"
#include "accord/core/errors.h"
#include "accord/core/files.h"

namespace accord {

namespace {

constexpr std::int64_t kDay = 86400;
// No time-stamp authority is asked, so a reader judges the certificate at the time it reads:
// long-lived certificates keep files readable as valid for decades.
constexpr std::int64_t kCertificateLifetime = 40 * 365 * kDay;

} // namespace

c2pa::Signer Registry::c2paSigner(const std::string& holderId) const {
    const std::string owner = holderId.empty() ? "studio" : holderId;
    std::string publicKey = studioPublicKey();
    std::string name = "Accord studio " + publicKey.substr(0, 16);
    const std::string organisation = name;
    if (!holderId.empty()) {
        const auto found = holder(holderId);
        if (!found)
            throw BadInput("unknown holder '" + holderId + "'");
        if (!canSignAs(holderId))
            throw IntegrityError(impl_->keyFile(holderId) + ": " + found->name +
                                 "'s private key is not on this machine, so they cannot sign here");
        publicKey = found->publicKey;
        name = found->name;
    }
    const std::string folder = path() + ".keys";
    const std::string caKeyFile = impl_->keyFile("ca");
    const std::string caCertificateFile = folder + "/ca.der";
    const std::string leafFile = folder + "/" + owner + ".der";
    const std::int64_t now = currentTime();
    Bytes caSecret;
    if (fileExists(caKeyFile)) {
        caSecret = fromHex(readWholeFile(caKeyFile).substr(0, 128), caKeyFile);
        if (caSecret.size() != 64)
            throw IntegrityError(caKeyFile + ": not an Ed25519 private key");
    } else {
        caSecret = generateKeyPair().secretKey;
        impl_->storeSecretKey("ca", caSecret);
    }
    std::string authority = fileExists(caCertificateFile) ? readWholeFile(caCertificateFile) : "";
    const Bytes caPublic(caSecret.begin() + 32, caSecret.end());
    if (authority.empty() ||
        x509::readCertificate(authority, caCertificateFile).ed25519PublicKey != caPublic) {
        authority = x509::makeAuthority(caSecret, organisation + " CA", organisation, now - kDay,
                                        now + kCertificateLifetime);
        writeFileAtomically(caCertificateFile, authority, 0644);
    }
    std::string leaf = fileExists(leafFile) ? readWholeFile(leafFile) : "";
    const Bytes signerKey = fromHex(publicKey, "public key");
    if (leaf.empty() || x509::readCertificate(leaf, leafFile).ed25519PublicKey != signerKey ||
        !x509::issuedBy(leaf, authority)) {
        leaf = x509::makeSigner(signerKey, name, organisation, authority, caSecret, now - kDay,
                                now + kCertificateLifetime);
        writeFileAtomically(leafFile, leaf, 0644);
    }
    c2pa::Signer signer;
    signer.certificateChainDer = {leaf, authority};
    signer.sign = [this, holderId](const std::string& message) {
        return holderId.empty() ? signAsStudio(message) : signAs(holderId, message);
    };
    return signer;
}

} // namespace accord
