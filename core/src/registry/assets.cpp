// The assets table: recordings, identified by their content (docs/ARCHITECTURE.md, "Consent
// registry").

#include "registry_impl.h"

#include "accord/core/errors.h"

namespace accord {

using sqlite::Statement;

Asset Registry::Impl::assetFrom(const Statement& s) {
    Asset a;
    a.id = s.text(0);
    a.owner = s.text(1);
    a.fileSha256 = s.text(2);
    a.pcmSha256 = s.text(3);
    a.isrc = s.text(4);
    a.durationSeconds = s.real(5);
    a.sampleRate = static_cast<int>(s.integer(6));
    a.channels = static_cast<int>(s.integer(7));
    a.origin = parseOrigin(s.text(8));
    a.path = s.text(9);
    a.createdAt = s.text(10);
    return a;
}

AddedAsset Registry::addAsset(const NewAsset& input) {
    return impl_->writeTransaction([&] {
        impl_->requireHolder(input.owner, "owner");
        if (auto known = assetByContent(input.identity.pcmSha256, input.identity.fileSha256)) {
            if (known->owner != input.owner)
                throw BadInput(input.path + ": this recording is already registered as " +
                               known->id + ", owned by " + holder(known->owner)->name + " (" +
                               known->owner + ")");
            return AddedAsset{*known, true};
        }
        const std::string id = impl_->nextId("assets", "a");
        impl_
            ->prepare("INSERT INTO assets (id, owner, file_sha256, pcm_sha256, isrc, duration, "
                      "sample_rate, channels, origin, path, created_at) "
                      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
            ->bind(1, id)
            .bind(2, input.owner)
            .bind(3, input.identity.fileSha256)
            .bind(4, input.identity.pcmSha256)
            .bind(5, input.isrc)
            .bind(6, input.identity.durationSeconds)
            .bind(7, input.identity.sampleRate)
            .bind(8, input.identity.channels)
            .bind(9, originName(input.origin))
            .bind(10, input.path)
            .bind(11, formatIsoTime(currentTime()))
            .step();
        impl_->logRow("asset.add", "assets", id);
        return AddedAsset{*asset(id), false};
    });
}

std::optional<Asset> Registry::asset(const std::string& id) const {
    auto rows = impl_->selectAll<Asset>(std::string("SELECT ") + Impl::assetColumns +
                                            " FROM assets WHERE id = ?",
                                        Impl::assetFrom, id);
    if (rows.empty())
        return std::nullopt;
    return rows.front();
}

std::optional<Asset> Registry::assetByContent(const std::string& pcmSha256,
                                              const std::string& fileSha256) const {
    auto statement = impl_->prepare(std::string("SELECT ") + Impl::assetColumns +
                                    " FROM assets WHERE pcm_sha256 = ? OR file_sha256 = ? "
                                    "ORDER BY rowid LIMIT 1");
    statement->bind(1, pcmSha256).bind(2, fileSha256);
    if (!statement->step())
        return std::nullopt;
    return Impl::assetFrom(*statement);
}

std::vector<Asset> Registry::assets() const {
    return impl_->selectAll<Asset>(std::string("SELECT ") + Impl::assetColumns +
                                       " FROM assets ORDER BY rowid",
                                   Impl::assetFrom);
}

} // namespace accord
