#include "accord/core/crypto.h"

#include "accord/core/errors.h"

#include <nettle/sha2.h>
#include <sodium.h>

namespace accord {
namespace {

void ensureSodium() {
    static const bool ready = sodium_init() >= 0;
    if (!ready)
        throw std::runtime_error("libsodium could not be initialised");
}

sha256_ctx* stateOf(std::array<std::uint8_t, 512>& storage) {
    static_assert(sizeof(sha256_ctx) <= 512, "state buffer too small");
    return reinterpret_cast<sha256_ctx*>(storage.data());
}

} // namespace

std::string toHex(const std::uint8_t* data, std::size_t size) {
    static const char digits[] = "0123456789abcdef";
    std::string hex(size * 2, '0');
    for (std::size_t i = 0; i < size; ++i) {
        hex[2 * i] = digits[data[i] >> 4];
        hex[2 * i + 1] = digits[data[i] & 0xf];
    }
    return hex;
}

Bytes fromHex(const std::string& hex, const std::string& what) {
    auto nibble = [&](char c) -> int {
        if (c >= '0' && c <= '9')
            return c - '0';
        if (c >= 'a' && c <= 'f')
            return c - 'a' + 10;
        if (c >= 'A' && c <= 'F')
            return c - 'A' + 10;
        throw BadInput(what + ": not hexadecimal");
    };
    if (hex.size() % 2 != 0)
        throw BadInput(what + ": odd number of hexadecimal digits");
    Bytes bytes(hex.size() / 2);
    for (std::size_t i = 0; i < bytes.size(); ++i)
        bytes[i] = static_cast<std::uint8_t>(nibble(hex[2 * i]) << 4 | nibble(hex[2 * i + 1]));
    return bytes;
}

Sha256::Sha256() {
    sha256_init(stateOf(state_));
}

void Sha256::update(const void* data, std::size_t size) {
    sha256_update(stateOf(state_), size, static_cast<const std::uint8_t*>(data));
}

std::string Sha256::finishHex() {
    std::uint8_t digest[SHA256_DIGEST_SIZE];
    sha256_digest(stateOf(state_), sizeof digest, digest);
    return toHex(digest, sizeof digest);
}

std::string sha256Hex(const std::string& data) {
    Sha256 hash;
    hash.update(data);
    return hash.finishHex();
}

KeyPair generateKeyPair() {
    ensureSodium();
    KeyPair pair{Bytes(crypto_sign_PUBLICKEYBYTES), Bytes(crypto_sign_SECRETKEYBYTES)};
    crypto_sign_keypair(pair.publicKey.data(), pair.secretKey.data());
    return pair;
}

Bytes sign(const Bytes& secretKey, const std::string& message) {
    ensureSodium();
    if (secretKey.size() != crypto_sign_SECRETKEYBYTES)
        throw IntegrityError("signing key has the wrong size");
    Bytes signature(crypto_sign_BYTES);
    crypto_sign_detached(signature.data(), nullptr,
                         reinterpret_cast<const unsigned char*>(message.data()), message.size(),
                         secretKey.data());
    return signature;
}

bool isPublicKey(const Bytes& publicKey) {
    ensureSodium();
    return publicKey.size() == crypto_sign_PUBLICKEYBYTES &&
           crypto_core_ed25519_is_valid_point(publicKey.data()) == 1;
}

bool verifySignature(const Bytes& publicKey, const std::string& message, const Bytes& signature) {
    ensureSodium();
    if (publicKey.size() != crypto_sign_PUBLICKEYBYTES || signature.size() != crypto_sign_BYTES)
        return false;
    return crypto_sign_verify_detached(signature.data(),
                                       reinterpret_cast<const unsigned char*>(message.data()),
                                       message.size(), publicKey.data()) == 0;
}

} // namespace accord
