// The trusted_keys table: the trust store, keys the user chose to trust (docs/CLI.md "trust").
// Removing a key sets its removed_at; the row stays, so the audit log replays every change.

#include "registry_impl.h"

#include "accord/core/errors.h"

namespace accord {

namespace {

TrustedKey trustedKeyFrom(const sqlite::Statement& s) {
    return {s.text(0), s.text(1), s.text(2), s.text(3), s.optionalText(4)};
}

} // namespace

std::vector<TrustedKey>
Registry::Impl::selectTrustedKeys(const std::string& clauses,
                                  const std::vector<std::string>& keys) const {
    return selectAll<TrustedKey>(
        "SELECT id, public_key, name, added_at, removed_at FROM trusted_keys " + clauses,
        trustedKeyFrom, keys);
}

TrustedKey Registry::trustKey(const std::string& publicKey, const std::string& name) {
    const std::string key = publicKeyHex(publicKey);
    if (name.empty())
        throw BadInput("trusted key name: must not be empty");
    return impl_->writeTransaction([&] {
        if (key == impl_->studioKey())
            throw BadInput("key " + key + " is this studio's own key: it is trusted already");
        if (const auto holder = firstOf(impl_->selectHolders("WHERE public_key = ?", {key})))
            throw BadInput("key " + key + " is the key of " + holder->name + " (" + holder->id +
                           "), a rights holder on record: it is trusted already");
        if (const auto trusted = trustedKey(key))
            throw BadInput("key " + key + " is trusted already, as '" + trusted->name + "' since " +
                           trusted->addedAt);
        const std::string id = impl_->nextId("trusted_keys", "k");
        impl_->insertAndLog(
            "trust.add", "trusted_keys", id,
            {{"public_key", key}, {"name", name}, {"added_at", formatIsoTime(currentTime())}});
        return *firstOf(impl_->selectTrustedKeys("WHERE id = ?", {id}));
    });
}

TrustedKey Registry::untrustKey(const std::string& publicKey) {
    const std::string key = publicKeyHex(publicKey);
    return impl_->writeTransaction([&] {
        const auto trusted = trustedKey(key);
        if (!trusted)
            throw BadInput("key " + key + " is not in the trust store (accord-cli trust list)");
        impl_->updateAndLog("trust.remove", "trusted_keys", trusted->id,
                            {{"removed_at", formatIsoTime(currentTime())}});
        return *firstOf(impl_->selectTrustedKeys("WHERE id = ?", {trusted->id}));
    });
}

std::optional<TrustedKey> Registry::trustedKey(const std::string& publicKey) const {
    return firstOf(
        impl_->selectTrustedKeys("WHERE public_key = ? AND removed_at IS NULL", {publicKey}));
}

std::vector<TrustedKey> Registry::trustedKeys() const {
    return impl_->selectTrustedKeys("ORDER BY rowid");
}

} // namespace accord
