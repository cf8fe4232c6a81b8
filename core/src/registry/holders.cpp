// The holders table: rights holders, each with an Ed25519 key pair made when they are added.

#include "registry_impl.h"

#include "accord/core/errors.h"

namespace accord {

using sqlite::Statement;

Holder Registry::Impl::holderFrom(const Statement& s) {
    return {s.text(0), s.text(1), s.text(2), s.text(3), s.text(4)};
}

void Registry::Impl::requireHolder(const std::string& id, const std::string& role) const {
    auto statement = prepare("SELECT 1 FROM holders WHERE id = ?");
    statement->bind(1, id);
    if (!statement->step())
        throw BadInput("unknown " + role + " '" + id + "' (no such rights holder)");
}

Holder Registry::addHolder(const std::string& name, const std::string& ipi) {
    if (name.empty())
        throw BadInput("holder name: must not be empty");
    return impl_->writeTransaction([&] {
        const std::string id = impl_->nextId("holders", "h");
        const KeyPair keys = generateKeyPair();
        impl_->storeSecretKey(id, keys.secretKey);
        impl_
            ->prepare("INSERT INTO holders (id, name, ipi, public_key, created_at) "
                      "VALUES (?, ?, ?, ?, ?)")
            ->bind(1, id)
            .bind(2, name)
            .bind(3, ipi)
            .bind(4, toHex(keys.publicKey))
            .bind(5, formatIsoTime(currentTime()))
            .step();
        impl_->logRow("holder.add", "holders", id);
        return *holder(id);
    });
}

std::optional<Holder> Registry::holder(const std::string& id) const {
    auto rows = impl_->selectAll<Holder>(std::string("SELECT ") + Impl::holderColumns +
                                             " FROM holders WHERE id = ?",
                                         Impl::holderFrom, id);
    if (rows.empty())
        return std::nullopt;
    return rows.front();
}

std::vector<Holder> Registry::holders() const {
    return impl_->selectAll<Holder>(std::string("SELECT ") + Impl::holderColumns +
                                        " FROM holders ORDER BY rowid",
                                    Impl::holderFrom);
}

} // namespace accord
