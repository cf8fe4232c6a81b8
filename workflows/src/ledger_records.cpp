#include "ledger_records.h"

#include "accord/core/crypto.h"
#include "accord/core/json_input.h"
#include "accord/core/provenance.h"
#include "accord/ledger/records.h"

#include <algorithm>
#include <set>

namespace accord::workflows {

using nlohmann::json;

namespace {

std::string signedByStudio(const Registry& registry, const std::string& text) {
    return toHex(registry.signAsStudio(text));
}

std::string holderKey(const Registry& registry, const std::string& holderId) {
    return registry.holder(holderId)->publicKey;
}

// A model trained here: its training recordings by content and the statements of the grants
// relied on. A model that came in a pack is not: its pack record says where it came from.
std::optional<ledger::SignedRecord> modelRecord(const Registry& registry, const Model& model,
                                                const std::set<std::string>& fromPacks) {
    if (fromPacks.count(model.id))
        return std::nullopt;
    ledger::ModelRecord record{registry.studioPublicKey(),
                               modelKindName(model.kind),
                               model.weightsSha256,
                               holderKey(registry, model.owner),
                               {},
                               model.createdAt};
    for (const TrainingSource& source : model.training) {
        ledger::TrainingLink link{registry.asset(source.asset)->pcmSha256, std::nullopt};
        const auto statements = registry.grantStatements(source.grant);
        if (!statements.empty())
            link.grantStatementSha256 = sha256Hex(statements.front().statement);
        record.training.push_back(std::move(link));
    }
    const std::string text = ledger::recordText(record);
    return ledger::SignedRecord{text, signedByStudio(registry, text)};
}

// A pack imported here, as its manifest (verified on import) describes it.
ledger::SignedRecord packRecord(const Registry& registry, const PackRecord& pack) {
    const json manifest = parseJsonInput(pack.manifestJson, "pack " + pack.id + "'s manifest");
    const json& model = manifest.at("model");
    ledger::PackImportRecord record{registry.studioPublicKey(),
                                    manifest.at("studio").get<std::string>(),
                                    pack.fileSha256,
                                    model.at("kind").get<std::string>(),
                                    model.at("weightsSha256").get<std::string>(),
                                    model.at("owner").get<std::string>(),
                                    pack.recipient,
                                    {},
                                    manifest.at("uses").get<std::vector<std::string>>(),
                                    pack.importedAt,
                                    std::nullopt};
    for (const json& recording : manifest.at("recordings"))
        if (recording.at("trainedUnder").is_string())
            record.trainedUnder.push_back(recording.at("trainedUnder").get<std::string>());
    // Checked on import; published whole so every reader checks the owner's word itself.
    if (manifest.contains("ownerSignature"))
        record.ownerSignedManifest = canonicalJson(manifest);
    const std::string text = ledger::recordText(record);
    return {text, signedByStudio(registry, text)};
}

ledger::SignedRecord manifestRecord(const ExportRecord& exported) {
    const json manifest = parseJsonInput(exported.manifestJson, "export " + exported.id);
    return {exported.manifestJson, manifest.value("signature", "")};
}

} // namespace

LedgerRecordsPushed pushRecords(const Registry& registry, ledger::Ledger& ledger, json& cursors,
                                std::size_t batch,
                                const std::function<void(std::size_t sent)>& saved) {
    const std::vector<Model> models = registry.models();
    const std::vector<PackRecord> packs = registry.packs();
    const std::vector<ExportRecord> exports = registry.exports();
    std::set<std::string> fromPacks;
    for (const PackRecord& p : packs)
        fromPacks.insert(p.model);
    LedgerRecordsPushed pushed;
    // One kind's list: its count, and the record of its i-th item (none: not ours to publish).
    auto pushKind =
        [&](const char* kind, std::size_t count,
            const std::function<std::optional<ledger::SignedRecord>(std::size_t)>& recordOf) {
            const json at = cursors.value(kind, json(0));
            std::size_t next = at.is_number_unsigned() ? at.get<std::size_t>() : 0;
            while (next < count) {
                const std::size_t end = std::min(count, next + batch);
                std::vector<ledger::SignedRecord> records;
                for (std::size_t i = next; i < end; ++i)
                    if (auto record = recordOf(i))
                        records.push_back(std::move(*record));
                const ledger::Published published = ledger.publishRecords(records);
                // Only after the server committed: a push cut off before resends this batch.
                next = end;
                cursors[kind] = next;
                pushed.sent += records.size();
                pushed.stored += published.stored;
                pushed.alreadyThere += published.alreadyThere;
                saved(pushed.sent);
            }
        };
    pushKind("model", models.size(),
             [&](std::size_t i) { return modelRecord(registry, models[i], fromPacks); });
    pushKind("pack", packs.size(),
             [&](std::size_t i) { return std::optional(packRecord(registry, packs[i])); });
    pushKind("manifest", exports.size(),
             [&](std::size_t i) { return std::optional(manifestRecord(exports[i])); });
    return pushed;
}

} // namespace accord::workflows
