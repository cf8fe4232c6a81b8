#include "accord/ledger/records.h"

#include "ledger_impl.h"

#include "accord/core/crypto.h"
#include "accord/core/errors.h"
#include "accord/core/json_input.h"
#include "accord/core/provenance.h"

#include <nlohmann/json.hpp>

#include <map>
#include <set>

namespace accord::ledger {

using nlohmann::json;

namespace {

constexpr const char* kModelFormat = "accord-model-1";
constexpr const char* kPackFormat = "accord-pack-1";

json modelJson(const std::string& kind, const std::string& weightsSha256,
               const std::string& ownerKey) {
    return {{"kind", kind}, {"weightsSha256", weightsSha256}, {"owner", ownerKey}};
}

std::vector<std::string> textList(const json& list) {
    return list.get<std::vector<std::string>>();
}

// A pack record's manifest as the model's owner signed it: the owner's signature, and that the
// record says what the manifest says (the model, who shared it, to whom, which grants), so an
// importer cannot restate the owner's terms. Returns true; throws IntegrityError naming `what`.
bool checkOwnerSignedManifest(const json& record, const RecordFields& fields,
                              const std::string& what) {
    const json& manifest = record.at("sharedManifest");
    const JsonFields shared(manifest, what + ": sharedManifest");
    const JsonFields model(shared.object("model", false), what + ": sharedManifest: model");
    const std::string owner = model.text("owner");
    bool isSigned = false;
    try {
        const Bytes key = fromHex(owner, what + ": the model owner's key");
        isSigned = isPublicKey(key) &&
                   verifySignature(key, packManifestSignedMessage(manifest),
                                   fromHex(shared.text("ownerSignature"), what + ": signature"));
    } catch (const BadInput&) {
    }
    if (!isSigned)
        throw IntegrityError(what + ": its pack manifest is not signed by the model's owner (" +
                             owner.substr(0, 16) + "…)");
    std::vector<std::string> trainedUnder;
    for (const json& recording : shared.objects("recordings", false))
        if (recording.contains("trainedUnder") && recording.at("trainedUnder").is_string())
            trainedUnder.push_back(recording.at("trainedUnder").get<std::string>());
    const json& recordModel = record.at("model");
    if (model.text("weightsSha256") != recordModel.at("weightsSha256") ||
        owner != recordModel.at("owner") || model.text("kind") != recordModel.at("kind") ||
        shared.text("studio") != record.at("sharedBy") ||
        manifest.at("recipient") != record.at("recipient") ||
        textList(shared.texts("uses", false)) != fields.uses || trainedUnder != fields.trainedUnder)
        throw IntegrityError(what + ": it says other than the pack manifest its model's owner "
                                    "signed (model, sharer, recipient or grants)");
    return true;
}

// A model or pack record: its form, then its signature by the studio it names.
RecordFields readStudioRecord(const json& record, const std::string& text,
                              const std::string& signature, const std::string& what) {
    const JsonFields top(record, what);
    RecordFields fields;
    fields.kind = top.text("format") == kModelFormat ? RecordKind::Model : RecordKind::Pack;
    fields.signerKey = top.text("studio");
    const JsonFields model(top.object("model", false), what + ": model");
    model.text("kind");
    model.text("owner");
    fields.models = {model.text("weightsSha256")};
    if (fields.kind == RecordKind::Model) {
        top.text("created");
        for (const json& link : top.objects("training", false)) {
            const JsonFields source(link, what + ": a training recording");
            source.text("asset");
            if (const std::string id = source.text("grantStatementSha256", ""); !id.empty())
                fields.trainedUnder.push_back(id);
        }
    } else {
        top.text("sharedBy");
        top.text("pack");
        top.text("imported");
        top.text("recipient", "");
        fields.trainedUnder = textList(top.texts("trainedUnder", false));
        fields.uses = textList(top.texts("uses", false));
        if (record.contains("sharedManifest"))
            fields.ownerSigned = checkOwnerSignedManifest(record, fields, what);
    }
    if (!verifySignature(fromHex(fields.signerKey, what + ": studio key"), text,
                         fromHex(signature, what + ": signature")))
        throw IntegrityError(what + " is not signed by the studio key it names (" +
                             fields.signerKey.substr(0, 16) + "…)");
    return fields;
}

RecordFields readManifestRecord(const json& manifest, const std::string& signature,
                                const std::string& what) {
    requireManifestShape(manifest, what);
    std::string problem;
    if (checkManifestSignature(manifest, problem) != SignatureState::Valid ||
        manifest.value("signature", "") != signature)
        throw IntegrityError(what + ": " +
                             (problem.empty() ? "the signature is not its own" : problem));
    RecordFields fields;
    fields.kind = RecordKind::Manifest;
    fields.signerKey = manifest.at("signer").at("publicKey").get<std::string>();
    for (const json& model : manifest.at("lineage").value("models", json::array()))
        fields.models.push_back(JsonFields(model, what + ": a model").text("weightsSha256"));
    fields.render = manifest.at("render").get<std::string>();
    fields.contentPcmSha256 = manifest.at("content").at("pcmSha256").get<std::string>();
    if (const std::string exported = JsonFields(manifest, what).text("exportedAt", "");
        !exported.empty())
        fields.exported = parseIsoTime(exported, what + ": exportedAt");
    return fields;
}

std::vector<std::string> revokedAmong(const std::vector<std::string>& ids,
                                      const std::map<std::string, UnixTime>& revoked) {
    std::vector<std::string> found;
    for (const std::string& id : ids)
        if (revoked.count(id))
            found.push_back(id);
    return found;
}

} // namespace

std::string recordKindName(RecordKind kind) {
    switch (kind) {
    case RecordKind::Model:
        return "model";
    case RecordKind::Pack:
        return "pack";
    case RecordKind::Manifest:
        break;
    }
    return "manifest";
}

std::string recordText(const ModelRecord& record) {
    json training = json::array();
    for (const TrainingLink& link : record.training)
        training.push_back(
            {{"asset", link.assetPcmSha256},
             {"grantStatementSha256",
              link.grantStatementSha256 ? json(*link.grantStatementSha256) : json()}});
    return canonicalJson({{"format", kModelFormat},
                          {"studio", record.studio},
                          {"model", modelJson(record.kind, record.weightsSha256, record.ownerKey)},
                          {"training", training},
                          {"created", record.created}});
}

std::string recordText(const PackImportRecord& record) {
    json text = {{"format", kPackFormat},
                 {"studio", record.studio},
                 {"sharedBy", record.sharedBy},
                 {"pack", record.packSha256},
                 {"model", modelJson(record.kind, record.weightsSha256, record.ownerKey)},
                 {"recipient", record.recipient ? json(*record.recipient) : json()},
                 {"trainedUnder", record.trainedUnder},
                 {"uses", record.uses},
                 {"imported", record.imported}};
    // Only when the pack carries it, so a record of an older pack reads (and hashes) as before.
    if (record.ownerSignedManifest)
        text["sharedManifest"] = json::parse(*record.ownerSignedManifest);
    return canonicalJson(text);
}

RecordFields verifyRecord(const SignedRecord& signedRecord, const std::string& what) {
    try {
        const json record = parseJsonInput(signedRecord.record, what);
        const std::string format = JsonFields(record, what).text("format", "");
        if (format == kModelFormat || format == kPackFormat)
            return readStudioRecord(record, signedRecord.record, signedRecord.signature, what);
        return readManifestRecord(record, signedRecord.signature, what);
    } catch (const BadInput& e) {
        // A record comes signed: one that cannot be read was changed.
        throw IntegrityError(std::string(e.what()));
    } catch (const json::exception& e) {
        throw IntegrityError(what + " cannot be read: " + e.what());
    }
}

Published Ledger::publishRecords(const std::vector<SignedRecord>& records) {
    std::vector<pq::Param> signer, id, kind, text, signature, models;
    for (const SignedRecord& r : records) {
        id.push_back(statementId(r.record));
        const RecordFields fields = verifyRecord(r, "record " + *id.back());
        signer.push_back(fields.signerKey);
        kind.push_back(recordKindName(fields.kind));
        text.push_back(r.record);
        signature.push_back(r.signature);
        models.push_back(json(fields.models).dump());
    }
    if (records.empty())
        return {};
    const auto inserted = impl_->connection.exec(
        "INSERT INTO ledger_records (signer_key, id, kind, record, signature, models) "
        "SELECT s, i, k, r, g, m::jsonb FROM unnest($1::text[], $2::text[], $3::text[], "
        "$4::text[], $5::text[], $6::text[]) AS t(s, i, k, r, g, m) "
        "ON CONFLICT (signer_key, id) DO NOTHING",
        {pq::arrayLiteral(signer), pq::arrayLiteral(id), pq::arrayLiteral(kind),
         pq::arrayLiteral(text), pq::arrayLiteral(signature), pq::arrayLiteral(models)});
    Published published;
    published.stored = static_cast<std::size_t>(inserted.affected());
    published.alreadyThere = records.size() - published.stored;
    return published;
}

std::vector<RecordEntry> Ledger::recordsAbout(const std::string& weightsSha256) const {
    const auto rows = impl_->connection.exec(
        "SELECT id, seq, record, signature, kind, signer_key, models::text FROM ledger_records "
        "WHERE models @> jsonb_build_array($1::text) ORDER BY seq",
        {weightsSha256});
    std::vector<RecordEntry> entries;
    for (int r = 0; r < rows.rows(); ++r) {
        RecordEntry entry{
            rows.text(r, 0), std::stoll(rows.text(r, 1)), {rows.text(r, 2), rows.text(r, 3)}, {}};
        const std::string what = url() + ": record " + entry.id;
        if (statementId(entry.signedRecord.record) != entry.id)
            throw IntegrityError(what + " was changed on the server: its text is not the one "
                                        "its id is the hash of");
        entry.fields = verifyRecord(entry.signedRecord, what);
        if (rows.text(r, 4) != recordKindName(entry.fields.kind) ||
            rows.text(r, 5) != entry.fields.signerKey ||
            json::parse(rows.text(r, 6)) != json(entry.fields.models))
            throw IntegrityError(what + ": the server files it under a kind, signer or models "
                                        "its text does not name");
        entries.push_back(std::move(entry));
    }
    return entries;
}

std::vector<LedgerEntry> Ledger::statementsWithIds(const std::vector<std::string>& ids) const {
    const auto rows = impl_->connection.exec(
        "SELECT " + detail::columns("g") +
            " FROM ledger_statements g WHERE g.id = ANY($1::text[]) UNION SELECT " +
            detail::columns("r") +
            " FROM ledger_statements r WHERE r.revokes = ANY($1::text[]) ORDER BY seq",
        {detail::keysParam(ids)});
    return detail::verifiedRows(rows, url());
}

ModelHistory modelHistory(const Ledger& ledger, const std::string& weightsSha256, UnixTime now) {
    ModelHistory history;
    const std::vector<RecordEntry> records = ledger.recordsAbout(weightsSha256);
    std::set<std::string> named;
    for (const RecordEntry& r : records) {
        named.insert(r.fields.trainedUnder.begin(), r.fields.trainedUnder.end());
        named.insert(r.fields.uses.begin(), r.fields.uses.end());
    }
    history.statements = standings(ledger.statementsWithIds({named.begin(), named.end()}), now);
    // Each revoked grant with the time its revocation in force says it was revoked.
    std::map<std::string, UnixTime> revocationTimes;
    for (const Standing& s : history.statements)
        if (s.entry.fields.revocation)
            revocationTimes.emplace(s.entry.id, s.entry.fields.revoked);
    std::map<std::string, UnixTime> revokedAt;
    for (const Standing& s : history.statements)
        if (s.revokedBy)
            revokedAt.emplace(s.entry.id, revocationTimes.at(*s.revokedBy));
    auto earliest = [&](const std::vector<std::string>& grants) {
        std::optional<UnixTime> first;
        for (const std::string& id : grants)
            if (!first || revokedAt.at(id) < *first)
                first = revokedAt.at(id);
        return first;
    };
    // The model's training grants revoked, by any record of it: what makes it source-revoked.
    std::set<std::string> revokedTraining;
    for (const RecordEntry& r : records)
        for (const std::string& id : revokedAmong(r.fields.trainedUnder, revokedAt))
            revokedTraining.insert(id);
    for (const RecordEntry& r : records) {
        RecordStanding standing{r, "", {}, std::nullopt};
        if (r.fields.kind == RecordKind::Manifest) {
            // An export made while its grants held stays lawful after they are revoked; one made
            // after a revocation is a violation (docs/LEDGER.md "Query").
            for (const std::string& id : revokedTraining)
                if (!r.fields.exported || revokedAt.at(id) <= *r.fields.exported)
                    standing.revokedGrants.push_back(id);
            if (!standing.revokedGrants.empty())
                standing.state = r.fields.exported ? "made-after-revocation" : "source-revoked";
            else if (!revokedTraining.empty()) {
                standing.revokedGrants.assign(revokedTraining.begin(), revokedTraining.end());
                standing.state = "revoked-since";
            } else
                standing.state = "valid";
        } else if (!(standing.revokedGrants = revokedAmong(r.fields.trainedUnder, revokedAt))
                        .empty())
            standing.state = "source-revoked";
        else if (r.fields.kind == RecordKind::Pack &&
                 !(standing.revokedGrants = revokedAmong(r.fields.uses, revokedAt)).empty())
            standing.state = "withdrawn";
        else
            standing.state = "active";
        standing.revokedAt = earliest(standing.revokedGrants);
        history.records.push_back(std::move(standing));
    }
    return history;
}

} // namespace accord::ledger
