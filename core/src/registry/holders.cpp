// The holders table: rights holders, each with an Ed25519 key pair made when they are added.

#include "registry_impl.h"

#include "accord/core/errors.h"

#include <cctype>
#include <unistd.h>

namespace accord {

namespace {

Holder holderFrom(const sqlite::Statement& s) {
    return {s.text(0), s.text(1), s.text(2), s.text(3), s.text(4)};
}

} // namespace

std::vector<Holder> Registry::Impl::selectHolders(const std::string& clauses,
                                                  const std::vector<std::string>& keys) const {
    return selectAll<Holder>("SELECT id, name, ipi, public_key, created_at FROM holders " + clauses,
                             holderFrom, keys);
}

Holder Registry::Impl::requireHolder(const std::string& id, const std::string& role) const {
    if (std::optional<Holder> found = firstOf(selectHolders("WHERE id = ?", {id})))
        return *found;
    throw BadInput("unknown " + role + " '" + id + "' (no such rights holder)");
}

Holder Registry::addHolder(const std::string& name, const std::string& ipi) {
    if (name.empty())
        throw BadInput("holder name: must not be empty");
    std::string keyFile; // written before the row: removed again if the row is not kept
    try {
        return impl_->writeTransaction([&] {
            const std::string id = impl_->nextId("holders", "h");
            const KeyPair keys = generateKeyPair();
            keyFile = impl_->keyFile(id);
            impl_->storeSecretKey(id, keys.secretKey);
            impl_->insertAndLog("holder.add", "holders", id,
                                {{"name", name},
                                 {"ipi", ipi},
                                 {"public_key", toHex(keys.publicKey)},
                                 {"created_at", formatIsoTime(currentTime())}});
            return *holder(id);
        });
    } catch (...) {
        if (!keyFile.empty())
            ::unlink(keyFile.c_str());
        throw;
    }
}

Holder Registry::addKnownHolder(const std::string& name, const std::string& ipi,
                                const std::string& publicKey) {
    const std::string key = publicKeyHex(publicKey);
    if (name.empty())
        throw BadInput("holder name: must not be empty");
    return impl_->writeTransaction([&] {
        if (auto known = holderByKey(key))
            return *known;
        const std::string id = impl_->nextId("holders", "h");
        impl_->insertAndLog("holder.known", "holders", id,
                            {{"name", name},
                             {"ipi", ipi},
                             {"public_key", key},
                             {"created_at", formatIsoTime(currentTime())}});
        return *holder(id);
    });
}

std::optional<Holder> Registry::holderByKey(const std::string& publicKey) const {
    std::string key = publicKey;
    for (char& c : key)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return firstOf(impl_->selectHolders("WHERE public_key = ? ORDER BY rowid", {key}));
}

std::optional<Holder> Registry::holder(const std::string& id) const {
    return firstOf(impl_->selectHolders("WHERE id = ?", {id}));
}

Holder Registry::requireHolder(const std::string& id, const std::string& role) const {
    return impl_->requireHolder(id, role);
}

std::vector<Holder> Registry::holders() const {
    return impl_->selectHolders("ORDER BY rowid");
}

} // namespace accord
