// The packs table: model packs imported from another studio (docs/CONSENT.md "Model packs"), each
// with the model it brought and its manifest as signed.

#include "registry_impl.h"

#include "accord/core/errors.h"

namespace accord {

namespace {

PackRecord packFrom(const sqlite::Statement& s) {
    return {s.text(0), s.text(1), s.text(2), s.text(3), s.optionalText(4), s.text(5), s.text(6)};
}

const char* const kSelectPacks = "SELECT id, file_sha256, model, studio_key, recipient, manifest, "
                                 "imported_at FROM packs ";

} // namespace

PackRecord Registry::addPack(const NewPack& input) {
    return impl_->writeTransaction([&] {
        if (!model(input.model))
            throw BadInput("unknown model '" + input.model + "'");
        const std::string id = impl_->nextId("packs", "p");
        impl_->insertAndLog("pack.import", "packs", id,
                            {{"file_sha256", input.fileSha256},
                             {"model", input.model},
                             {"studio_key", input.studioKey},
                             {"recipient", input.recipient},
                             {"manifest", input.manifestJson},
                             {"imported_at", formatIsoTime(currentTime())}});
        return *packByFile(input.fileSha256);
    });
}

std::optional<PackRecord> Registry::packByFile(const std::string& fileSha256) const {
    return firstOf(impl_->selectAll<PackRecord>(std::string(kSelectPacks) + "WHERE file_sha256 = ?",
                                                packFrom, {fileSha256}));
}

std::vector<PackRecord> Registry::packs() const {
    return impl_->selectAll<PackRecord>(std::string(kSelectPacks) + "ORDER BY rowid", packFrom);
}

} // namespace accord
