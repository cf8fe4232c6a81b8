// The assets table: recordings, identified by their content (docs/ARCHITECTURE.md, "Consent
// registry").

#include "registry_impl.h"

#include "accord/core/errors.h"

#include <unordered_map>

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
    a.foreignStudio = s.optionalText(12).value_or("");
    return a;
}

// The few assets of a lookup get their scans one by one; a listing reads every scan at once, so
// the consent graph of 10,000 assets still loads in three queries.
constexpr std::size_t kScansReadOneByOne = 4;

} // namespace

void Registry::Impl::attachScans(std::vector<Asset>& assets) const {
    std::unordered_map<std::string, Asset*> byId;
    for (Asset& a : assets)
        byId.emplace(a.id, &a);
    // Hands `use` each row of `sql` (its first column the asset's id) about these assets.
    auto eachRow = [&](const std::string& sql, const std::string& assetColumn, const auto& use) {
        const bool oneByOne = assets.size() <= kScansReadOneByOne;
        auto statement =
            prepare(sql + (oneByOne ? " WHERE " + assetColumn + " = ?" : "") + " ORDER BY rowid");
        auto drain = [&] {
            while (statement->step())
                if (const auto found = byId.find(statement->text(0)); found != byId.end())
                    use(*found->second, *statement);
        };
        if (!oneByOne)
            return drain();
        for (const Asset& a : assets) {
            statement->reset();
            statement->bind(1, a.id);
            drain();
        }
    };
    eachRow("SELECT id, fingerprint_version, recordings_indexed, scanned_at FROM asset_scans", "id",
            [](Asset& a, const sqlite::Statement& s) {
                a.scan = AssetScan{
                    static_cast<int>(s.integer(1)), static_cast<int>(s.integer(2)), s.text(3), {}};
            });
    eachRow("SELECT asset, kind, recording, file_offset, recording_offset, seconds, speed, "
            "pitch_semitones, confidence FROM asset_contents",
            "asset", [](Asset& a, const sqlite::Statement& s) {
                if (a.scan)
                    a.scan->found.push_back({parseInputKind(s.text(1)), s.text(2), s.real(3),
                                             s.real(4), s.real(5), s.real(6), s.real(7),
                                             s.real(8)});
            });
}

std::vector<Asset> Registry::Impl::selectAssets(const std::string& clauses,
                                                const std::vector<std::string>& keys) const {
    auto assets = selectAll<Asset>("SELECT a.id, a.owner, a.file_sha256, a.pcm_sha256, a.isrc, "
                                   "a.duration, a.sample_rate, a.channels, a.origin, a.path, "
                                   "a.created_at, m.id, f.studio_key FROM assets a "
                                   "LEFT JOIN midi_assets m ON m.id = a.id "
                                   "LEFT JOIN foreign_assets f ON f.id = a.id " +
                                       clauses,
                                   assetFrom, keys);
    attachScans(assets);
    return assets;
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
        if (!input.foreignStudio.empty())
            impl_->insertAndLog("asset.foreign", "foreign_assets", id,
                                {{"studio_key", input.foreignStudio}});
        if (input.scan)
            impl_->recordScan(id, *input.scan);
        return AddedAsset{*asset(id), false};
    });
}

void Registry::Impl::recordScan(const std::string& assetId, const AssetScan& scan) {
    insertAndLog("asset.scan", "asset_scans", assetId,
                 {{"fingerprint_version", scan.fingerprintVersion},
                  {"recordings_indexed", scan.recordingsIndexed},
                  {"scanned_at", formatIsoTime(currentTime())}});
    for (std::size_t i = 0; i < scan.found.size(); ++i) {
        const ContainedRecording& c = scan.found[i];
        const std::string table = c.kind == InputKind::Asset ? "assets" : "renders";
        const bool known =
            c.kind != InputKind::Model && c.id != assetId &&
            !selectAll<std::string>("SELECT id FROM " + table + " WHERE id = ?",
                                    [](const sqlite::Statement& s) { return s.text(0); }, {c.id})
                 .empty();
        if (!known)
            throw BadInput("unknown " + inputKindName(c.kind) + " '" + c.id +
                           "' found inside asset " + assetId);
        insertAndLog("asset.contains", "asset_contents", assetId + "/" + std::to_string(i + 1),
                     {{"asset", assetId},
                      {"kind", inputKindName(c.kind)},
                      {"recording", c.id},
                      {"file_offset", c.fileOffset},
                      {"recording_offset", c.recordingOffset},
                      {"seconds", c.seconds},
                      {"speed", c.speed},
                      {"pitch_semitones", c.pitchSemitones},
                      {"confidence", c.confidence}});
    }
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
