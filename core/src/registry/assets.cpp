// The assets table: recordings, identified by their content (docs/ARCHITECTURE.md, "Consent
// registry").

#include "registry_impl.h"

#include "accord/core/errors.h"

namespace accord {

namespace {

Asset assetFrom(const sqlite::Statement& s) {
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
    a.kind = s.optionalText(11) ? AssetKind::Midi : AssetKind::Audio;
    return a;
}

} // namespace

std::vector<Asset> Registry::Impl::selectAssets(const std::string& clauses,
                                                const std::vector<std::string>& keys) const {
    return selectAll<Asset>("SELECT a.id, a.owner, a.file_sha256, a.pcm_sha256, a.isrc, "
                            "a.duration, a.sample_rate, a.channels, a.origin, a.path, "
                            "a.created_at, m.id FROM assets a "
                            "LEFT JOIN midi_assets m ON m.id = a.id " +
                                clauses,
                            assetFrom, keys);
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
        impl_->insertAndLog("asset.add", "assets", id,
                            {{"owner", input.owner},
                             {"file_sha256", input.identity.fileSha256},
                             {"pcm_sha256", input.identity.pcmSha256},
                             {"isrc", input.isrc},
                             {"duration", input.identity.durationSeconds},
                             {"sample_rate", input.identity.sampleRate},
                             {"channels", input.identity.channels},
                             {"origin", originName(input.origin)},
                             {"path", input.path},
                             {"created_at", formatIsoTime(currentTime())}});
        if (input.kind == AssetKind::Midi)
            impl_->insertAndLog("asset.midi", "midi_assets", id, {});
        return AddedAsset{*asset(id), false};
    });
}

std::optional<Asset> Registry::asset(const std::string& id) const {
    return firstOf(impl_->selectAssets("WHERE a.id = ?", {id}));
}

std::optional<Asset> Registry::assetByContent(const std::string& pcmSha256,
                                              const std::string& fileSha256) const {
    return firstOf(
        impl_->selectAssets("WHERE a.pcm_sha256 = ? OR a.file_sha256 = ? ORDER BY a.rowid LIMIT 1",
                            {pcmSha256, fileSha256}));
}

std::vector<Asset> Registry::assets() const {
    return impl_->selectAssets("ORDER BY a.rowid");
}

} // namespace accord
