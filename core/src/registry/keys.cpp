// The private keys beside the registry (`<registry>.keys/`) and the studio row that holds the
// studio's public key; signing as a holder or as the studio.

#include "registry_impl.h"

#include "accord/core/errors.h"
#include "accord/core/files.h"

#include <algorithm>
#include <cctype>

namespace accord {

namespace {

const std::string studioRowId = "studio";

std::string keysFolderOf(const std::string& registryPath) {
    return registryPath + ".keys";
}

} // namespace

std::string publicKeyHex(const std::string& text) {
    std::string hex = text;
    std::transform(hex.begin(), hex.end(), hex.begin(),
                   [](unsigned char c) { return char(std::tolower(c)); });
    const bool hexDigits = std::all_of(hex.begin(), hex.end(), [](unsigned char c) {
        return std::isdigit(c) || (c >= 'a' && c <= 'f');
    });
    if (hex.size() != 64 || !hexDigits)
        throw BadInput("key '" + text +
                       "': an Ed25519 public key is 64 hexadecimal digits (as `verify` prints "
                       "the signer's publicKey)");
    if (!isPublicKey(fromHex(hex, "key")))
        throw BadInput("key '" + text +
                       "': not an Ed25519 public key (not a point of the curve), so it cannot "
                       "have signed anything");
    return hex;
}

std::string Registry::Impl::keyFile(const std::string& owner) const {
    return keysFolderOf(path) + "/" + owner + ".key";
}

void Registry::Impl::storeSecretKey(const std::string& owner, const Bytes& secretKey) const {
    makeDirectories(keysFolderOf(path), 0700);
    writeFileAtomically(keyFile(owner), toHex(secretKey) + "\n", 0600);
}

Bytes Registry::Impl::loadSecretKey(const std::string& owner,
                                    const std::string& expectedPublicKey) const {
    const std::string file = keyFile(owner);
    if (!fileExists(file))
        throw IntegrityError(file + ": private key of " + owner +
                             " is missing (keys never leave the machine they were made on)");
    std::string hex = readWholeFile(file);
    hex.erase(std::remove_if(hex.begin(), hex.end(), ::isspace), hex.end());
    Bytes secret = fromHex(hex, file);
    // An Ed25519 secret key ends with its public key.
    if (secret.size() != 64 || toHex(secret.data() + 32, 32) != expectedPublicKey)
        throw IntegrityError(file + ": private key does not match the public key of " + owner +
                             " on record");
    return secret;
}

std::string Registry::Impl::studioKey() const {
    auto statement = prepare("SELECT public_key FROM studio WHERE id = ?");
    statement->bind(1, studioRowId);
    if (!statement->step())
        throw IntegrityError(path + ": the studio row is missing");
    return statement->text(0);
}

void Registry::Impl::createStudio() {
    const KeyPair keys = generateKeyPair();
    storeSecretKey("studio", keys.secretKey);
    insertAndLog(
        "studio.create", "studio", studioRowId,
        {{"public_key", toHex(keys.publicKey)}, {"created_at", formatIsoTime(currentTime())}});
}

const Bytes& Registry::Impl::studioSecretKey() {
    if (!studioSecret)
        studioSecret = loadSecretKey("studio", studioKey());
    return *studioSecret;
}

std::string Registry::studioPublicKey() const {
    return impl_->studioKey();
}

Bytes Registry::signAs(const std::string& holderId, const std::string& message) const {
    const auto found = holder(holderId);
    if (!found)
        throw BadInput("unknown holder '" + holderId + "'");
    return sign(impl_->loadSecretKey(holderId, found->publicKey), message);
}

Bytes Registry::signAsStudio(const std::string& message) const {
    return sign(impl_->studioSecretKey(), message);
}

} // namespace accord
