#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace accord {

using Bytes = std::vector<std::uint8_t>;

std::string toHex(const std::uint8_t* data, std::size_t size);
inline std::string toHex(const Bytes& bytes) {
    return toHex(bytes.data(), bytes.size());
}
// Throws BadInput naming `what` when `hex` is not valid hexadecimal.
Bytes fromHex(const std::string& hex, const std::string& what);

// Incremental SHA-256 (nettle: it uses the CPU's SHA instructions where there are some, three
// times libsodium's speed on the PCM a render hashes).
class Sha256 {
public:
    Sha256();
    void update(const void* data, std::size_t size);
    void update(const std::string& text) { update(text.data(), text.size()); }
    std::string finishHex();

private:
    alignas(64) std::array<std::uint8_t, 512> state_{}; // holds nettle's sha256_ctx
};

std::string sha256Hex(const std::string& data);

// Ed25519 (libsodium).
struct KeyPair {
    Bytes publicKey; // 32 bytes
    Bytes secretKey; // 64 bytes
};
KeyPair generateKeyPair();
Bytes sign(const Bytes& secretKey, const std::string& message);
// Whether `publicKey` is an Ed25519 public key that could verify a signature: 32 bytes encoding a
// point of the curve's main subgroup.
bool isPublicKey(const Bytes& publicKey);
bool verifySignature(const Bytes& publicKey, const std::string& message, const Bytes& signature);

} // namespace accord
