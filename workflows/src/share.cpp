// Model packs (docs/CONSENT.md "Model packs"): share a model with its terms, and import a pack
// made in another studio.

#include "accord/workflows/share.h"

#include "accord/core/crypto.h"
#include "accord/core/errors.h"
#include "accord/core/files.h"
#include "accord/core/grant_statement.h"
#include "accord/core/json_input.h"
#include "accord/core/provenance.h"
#include "accord/models/style_model.h"
#include "accord/models/voice_model.h"
#include "accord/workflows/live_model.h"
#include "accord/workflows/style.h"
#include "pack_container.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>
#include <set>
#include <unistd.h>

namespace accord::workflows {

using nlohmann::json;

namespace {

constexpr const char* kPackFormat = "accord-pack-1";
constexpr const char* kManifestEntry = "accord-pack.json";

std::string modelFileMagic(const std::string& file) {
    return readWholeFile(file).substr(0, 8);
}

Holder resolveRecipient(Registry& registry, const std::string& to, const std::string& name) {
    if (const auto byId = registry.holder(to))
        return *byId;
    if (const auto byKey = registry.holderByKey(to))
        return *byKey;
    if (to.size() != 64)
        throw BadInput("--to '" + to +
                       "': neither a rights holder here nor an Ed25519 public key "
                       "(64 hexadecimal digits, as `holder list --json` prints it)");
    return registry.addKnownHolder(name.empty() ? "Recipient " + to.substr(0, 8) : name, "", to);
}

json holderEntry(const Holder& holder) {
    return {{"publicKey", holder.publicKey}, {"name", holder.name}, {"ipi", holder.ipi}};
}

std::string statementEntryName(std::size_t index) {
    return "statements/" + std::to_string(index + 1) + ".json";
}

} // namespace

Model registeredModelOfFile(const Registry& registry, const std::string& modelFile) {
    const std::string magic = modelFileMagic(modelFile);
    std::optional<Model> model;
    if (magic == "ACCVOICE")
        model = registeredVoiceModel(registry, models::readVoiceModelCard(modelFile));
    else if (magic == "ACCSTYLE")
        model = registeredStyleModel(registry, models::loadStyleModel(modelFile));
    else
        throw BadInput(modelFile + ": not an Accord voice or style model file");
    if (!model)
        throw BadInput(modelFile + ": this model is not registered in " + registry.path());
    return *model;
}

Decision judgeShare(const Registry& registry, const ShareRequest& request) {
    const Model model = registeredModelOfFile(registry, request.modelFile);
    PolicyRequest question;
    question.scope = Scope::Share;
    question.subject = {InputKind::Model, model.id};
    question.actor = request.actor.empty() ? model.owner : request.actor;
    question.at = currentTime();
    question.commercial = request.commercial;
    return registry.decide(question);
}

SharedPack shareModel(Registry& registry, const ShareRequest& request) {
    const Model model = registeredModelOfFile(registry, request.modelFile);
    for (const PackRecord& pack : registry.packs())
        if (pack.model == model.id)
            throw BadInput(request.modelFile + ": model " + model.id +
                           " came in a pack from another studio; only the studio it was trained "
                           "in can share it");
    if (request.out.empty())
        throw BadInput("share: the pack needs a file to be written to (--out)");
    const UnixTime now = currentTime();
    if (request.expires && *request.expires <= now)
        throw BadInput("--expires " + formatIsoDate(*request.expires) + ": already past");
    const Decision decision = judgeShare(registry, request);
    if (!decision.allowed)
        throw ConsentDenied("share model " + model.id, decision);

    const ConsentGraph& graph = registry.consentGraph();
    // Every holder whose consent the pack carries signs it, so their keys must be here.
    std::set<std::string> signers{model.owner};
    for (const auto& relied : decision.relied)
        signers.insert(graph.assets.at(relied.asset).owner);
    for (const auto& holderId : signers)
        if (!registry.canSignAs(holderId))
            throw BadInput("share model " + model.id + ": " + graph.holders.at(holderId).name +
                           "'s private key is not on this machine, so they cannot sign the pack "
                           "here; share it from their studio");
    std::vector<GrantStatement> lineage;
    for (const auto& source : model.training) {
        const auto statements = registry.grantStatements(source.grant);
        if (statements.empty())
            throw BadInput("share model " + model.id + ": grant " + source.grant +
                           " it was trained under has no signed statement (it was given before "
                           "Accord signed grants); retrain it under a grant given since");
        if (std::none_of(lineage.begin(), lineage.end(),
                         [&](const GrantStatement& s) { return s.grant == source.grant; }))
            lineage.push_back(statements.front());
    }
    const std::string modelBytes = readWholeFile(model.file);

    SharedPack shared;
    shared.path = request.out;
    shared.model = model;
    bool written = false;
    try {
        registry.inOneTransaction([&] {
            std::optional<Holder> recipient;
            if (request.to)
                recipient = resolveRecipient(registry, *request.to, request.toName);
            shared.recipient = recipient;
            for (const auto& relied : decision.relied) {
                const Grant share = *registry.grant(relied.grant);
                NewGrant use;
                use.holder = share.holder;
                use.asset = relied.asset;
                use.grantee = recipient ? std::optional<std::string>(recipient->id) : std::nullopt;
                use.terms = share.terms;
                use.terms.commercial = request.commercial;
                use.terms.expiresAt = request.expires;
                if (share.terms.expiresAt &&
                    (!use.terms.expiresAt || *share.terms.expiresAt < *use.terms.expiresAt))
                    use.terms.expiresAt = share.terms.expiresAt;
                for (const Scope scope : {Scope::Generate, Scope::Export}) {
                    use.scope = scope;
                    shared.grants.push_back(registry.addGrant(use));
                }
            }

            std::vector<PackEntry> entries;
            const std::string modelEntry = "model/" + fileNameOf(model.file);
            json statements = json::array();
            auto addStatement = [&](const GrantStatement& s) {
                const std::string name = statementEntryName(statements.size());
                PackEntry entry{
                    name, json{{"statement", s.statement}, {"signature", s.signature}}.dump()};
                statements.push_back({{"entry", name}, {"sha256", sha256Hex(entry.bytes)}});
                entries.push_back(std::move(entry));
                return sha256Hex(s.statement);
            };
            std::map<std::string, std::string> trainStatementOfGrant;
            for (const auto& s : lineage)
                trainStatementOfGrant[s.grant] = addStatement(s);
            json uses = json::array();
            for (const auto& g : shared.grants)
                uses.push_back(addStatement(registry.grantStatements(g.id).front()));

            // Everyone the statements name: the owner, the recordings' holders, the grantees.
            std::set<std::string> holderIds{model.owner};
            for (const auto& s : lineage)
                if (const auto grantee = registry.grant(s.grant)->grantee)
                    holderIds.insert(*grantee);
            json recordings = json::array();
            for (const auto& relied : decision.relied) {
                const Asset asset = *registry.asset(relied.asset);
                holderIds.insert(asset.owner);
                json recording = {{"pcmSha256", asset.pcmSha256},
                                  {"fileSha256", asset.fileSha256},
                                  {"kind", assetKindName(asset.kind)},
                                  {"seconds", asset.durationSeconds},
                                  {"sampleRate", asset.sampleRate},
                                  {"channels", asset.channels},
                                  {"isrc", asset.isrc},
                                  {"name", fileNameOf(asset.path)},
                                  {"owner", registry.holder(asset.owner)->publicKey},
                                  {"trainedUnder", nullptr}};
                for (const auto& source : model.training)
                    if (source.asset == asset.id)
                        recording["trainedUnder"] = trainStatementOfGrant.at(source.grant);
                recordings.push_back(recording);
            }
            if (recipient)
                holderIds.insert(recipient->id);
            json holders = json::array();
            for (const auto& id : holderIds)
                holders.push_back(holderEntry(*registry.holder(id)));

            json manifest = {{"format", kPackFormat},
                             {"created", formatIsoTime(now)},
                             {"studio", registry.studioPublicKey()},
                             {"recipient", recipient ? json(recipient->publicKey) : json()},
                             {"holders", holders},
                             {"model",
                              {{"entry", modelEntry},
                               {"sha256", sha256Hex(modelBytes)},
                               {"kind", modelKindName(model.kind)},
                               {"weightsSha256", model.weightsSha256},
                               {"owner", registry.holder(model.owner)->publicKey},
                               {"config", model.configJson},
                               {"metrics", model.metricsJson},
                               {"created", model.createdAt}}},
                             {"recordings", recordings},
                             {"statements", statements},
                             {"uses", uses}};
            // The owner signs the manifest itself too, so it can be checked without the file
            // (the ledger's pack record, docs/LEDGER.md "Models, packs and manifests").
            manifest["ownerSignature"] =
                toHex(registry.signAs(model.owner, packManifestSignedMessage(manifest)));
            entries.insert(entries.begin(), {PackEntry{kManifestEntry, manifest.dump(2)},
                                             PackEntry{modelEntry, modelBytes}});
            std::vector<std::string> signerKeys;
            for (const auto& id : signers)
                signerKeys.push_back(registry.holder(id)->publicKey);
            writePackContainer(request.out, entries, signerKeys,
                               [&](const std::string& key, const std::string& message) {
                                   return registry.signAs(registry.holderByKey(key)->id, message);
                               });
            written = true;
        });
    } catch (...) {
        if (written)
            ::unlink(request.out.c_str());
        throw;
    }
    const std::string packBytes = readWholeFile(request.out);
    shared.fileSha256 = sha256Hex(packBytes);
    shared.bytes = packBytes.size();
    return shared;
}

namespace {

// A pack read from its container and checked in itself (hashes, statements, signatures), before
// it is compared with this registry.
struct VerifiedPack {
    PackContainer container;
    json manifest;
    std::map<std::string, Holder> holdersByKey; // as the pack names them (ids empty)
    // Every statement by the SHA-256 of its text: text, signature and what it says.
    struct Statement {
        std::string text;
        std::string signature;
        GrantStatementFields fields;
    };
    std::map<std::string, Statement> statements;
    std::vector<std::string> statementOrder;
    const PackEntry* model = nullptr;
};

VerifiedPack verifyPackItself(const std::string& path) {
    VerifiedPack pack{readPackContainer(path), {}, {}, {}, {}, nullptr};
    auto changed = [&](const std::string& what) {
        return IntegrityError(path + ": " + what + " (the pack was changed after it was signed)");
    };
    const PackEntry* manifestEntry = pack.container.entry(kManifestEntry);
    if (!manifestEntry)
        throw changed("it has no manifest (" + std::string(kManifestEntry) + ")");
    try {
        pack.manifest = parseJsonInput(manifestEntry->bytes, path + ": its manifest");
        const JsonFields manifest(pack.manifest, path + ": its manifest");
        if (manifest.text("format") != kPackFormat)
            throw BadInput(path + ": its manifest is not an " + kPackFormat + " manifest");
        std::set<std::string> listed{kManifestEntry};
        const JsonFields model(manifest.object("model", false), path + ": its model");
        pack.model = pack.container.entry(model.text("entry"));
        if (!pack.model)
            throw changed("its model file " + model.text("entry") + " is missing");
        if (sha256Hex(pack.model->bytes) != model.text("sha256"))
            throw changed("its model file " + model.text("entry") +
                          " is not the one its holders signed (the weights or the card were "
                          "changed)");
        listed.insert(pack.model->name);
        for (const auto& holder : manifest.objects("holders", false)) {
            const JsonFields h(holder, path + ": a holder");
            pack.holdersByKey[h.text("publicKey")] =
                Holder{"", h.text("name"), h.text("ipi", ""), h.text("publicKey"), ""};
        }
        for (const auto& item : manifest.objects("statements", false)) {
            const JsonFields s(item, path + ": a statement");
            const PackEntry* entry = pack.container.entry(s.text("entry"));
            if (!entry)
                throw changed("its grant statement " + s.text("entry") + " is missing");
            if (sha256Hex(entry->bytes) != s.text("sha256"))
                throw changed("its grant statement " + entry->name + " was changed");
            listed.insert(entry->name);
            const json body = parseJsonInput(entry->bytes, path + ": " + entry->name);
            const JsonFields b(body, path + ": " + entry->name);
            VerifiedPack::Statement statement{b.text("statement"), b.text("signature"), {}};
            statement.fields = readGrantStatement(statement.text, path + ": " + entry->name);
            const auto signer = pack.holdersByKey.find(statement.fields.holder);
            if (signer == pack.holdersByKey.end() ||
                (statement.fields.to && !pack.holdersByKey.count(*statement.fields.to)))
                throw changed(entry->name + " names a key the pack does not name");
            if (!grantStatementIsSigned(statement.fields, statement.text, statement.signature))
                throw changed("its grant statement " + entry->name + " (" +
                              scopeName(statement.fields.scope) + " by " + signer->second.name +
                              ") is not signed by " + signer->second.name + "'s key");
            const std::string hash = sha256Hex(statement.text);
            pack.statementOrder.push_back(hash);
            pack.statements.emplace(hash, std::move(statement));
        }
        for (const auto& entry : pack.container.entries)
            if (!listed.count(entry.name))
                throw changed("it holds '" + entry.name + "', which its manifest does not list");
    } catch (const IntegrityError&) {
        throw;
    } catch (const Error& e) {
        throw changed(e.what());
    }
    // Every holder whose consent it carries, and the model's owner, signed the whole.
    std::set<std::string> signers{pack.manifest.at("model").value("owner", "")};
    for (const auto& [hash, statement] : pack.statements)
        signers.insert(statement.fields.holder);
    for (const auto& key : signers) {
        const auto named = pack.holdersByKey.find(key);
        const std::string who = named == pack.holdersByKey.end() ? "key " + key.substr(0, 16) + "…"
                                                                 : named->second.name;
        if (!pack.container.signedBy(key))
            throw changed(
                std::any_of(pack.container.signatures.begin(), pack.container.signatures.end(),
                            [&](const auto& s) { return s.publicKey == key; })
                    ? who + "'s signature does not match the pack's bytes (its ZIP headers, an "
                            "entry or the signature itself)"
                    : "it is not signed by " + who);
    }
    // The manifest's own signature (packs shared since the ledger reads it; older ones have
    // none) must be the owner's too, as the ledger will check it without the file.
    if (pack.manifest.contains("ownerSignature")) {
        bool valid = false;
        try {
            const std::string owner = pack.manifest.at("model").value("owner", "");
            valid = pack.manifest.at("ownerSignature").is_string() &&
                    verifySignature(fromHex(owner, "the model owner's key"),
                                    packManifestSignedMessage(pack.manifest),
                                    fromHex(pack.manifest.at("ownerSignature").get<std::string>(),
                                            "signature"));
        } catch (const BadInput&) {
        }
        if (!valid)
            throw changed("its manifest's own signature is not its model owner's");
    }
    return pack;
}

// What a pack verified in itself allows, checked against this registry.
PackContents describePack(const Registry& registry, const VerifiedPack& pack,
                          const std::string& packFile) {
    auto changed = [&](const std::string& what) {
        return IntegrityError(packFile + ": " + what +
                              " (the pack was changed after it was signed)");
    };
    PackContents contents;
    contents.path = packFile;
    contents.fileSha256 = pack.container.fileSha256;
    try {
        const JsonFields manifest(pack.manifest, packFile + ": its manifest");
        const JsonFields model(manifest.object("model", false), packFile + ": its model");
        contents.modelKind = model.text("kind");
        parseModelKind(contents.modelKind);
        contents.modelOwnerKey = model.text("owner");
        contents.sharedBy = manifest.text("studio");
        if (!pack.manifest.at("recipient").is_null())
            contents.recipientKey = manifest.text("recipient");
        auto nameOf = [&](const std::string& key) {
            const auto found = pack.holdersByKey.find(key);
            if (found == pack.holdersByKey.end())
                throw changed("it names key " + key.substr(0, 16) + "… among no holders");
            return found->second.name;
        };
        contents.modelOwnerName = nameOf(contents.modelOwnerKey);
        if (contents.recipientKey) {
            contents.recipientName = nameOf(*contents.recipientKey);
            contents.recipientHere = registry.holderByKey(*contents.recipientKey);
        }
        // Its recordings: each statement about one names one of them, by its holder.
        std::map<std::string, std::string> ownerOfRecording; // pcm -> owner key
        for (const auto& r : manifest.objects("recordings", false)) {
            const JsonFields recording(r, packFile + ": a recording");
            ownerOfRecording[recording.text("pcmSha256")] = recording.text("owner");
            nameOf(recording.text("owner"));
            const std::string trainedUnder = recording.text("trainedUnder", "");
            if (!trainedUnder.empty() && !pack.statements.count(trainedUnder))
                throw changed("a recording's training grant is not among its statements");
        }
        contents.trainingRecordings = ownerOfRecording.size();
        for (const auto& [hash, statement] : pack.statements) {
            const auto& f = statement.fields;
            if (f.studio != contents.sharedBy)
                throw changed("a grant statement names another studio than the pack");
            if (f.assetPcmSha256 && (!ownerOfRecording.count(*f.assetPcmSha256) ||
                                     ownerOfRecording.at(*f.assetPcmSha256) != f.holder))
                throw changed("a grant statement names a recording the pack does not give to "
                              "its signer");
        }
        for (const auto& use : manifest.texts("uses", false)) {
            const auto found = pack.statements.find(use.get<std::string>());
            if (found == pack.statements.end())
                throw changed("a use it allows is not among its statements");
            const auto& f = found->second.fields;
            if ((f.scope != Scope::Generate && f.scope != Scope::Export) ||
                f.to != contents.recipientKey)
                throw changed("a use it allows is not a generate or export grant to its recipient");
            contents.uses.push_back({f.scope, nameOf(f.holder), f.holder, f.terms.sharePercent,
                                     f.terms.commercial, f.terms.expiresAt, f.terms.licence});
        }
        // Against this registry: a holder is who their key says; an IPI or a recording on record
        // under another key is a forgery or a mistake, refused either way.
        for (const auto& [key, holder] : pack.holdersByKey) {
            if (registry.holderByKey(key) || holder.ipi.empty())
                continue;
            for (const Holder& known : registry.holders())
                if (known.ipi == holder.ipi)
                    throw IntegrityError(packFile + ": it says " + holder.name + " (IPI " +
                                         holder.ipi + ") signs with key " + key.substr(0, 16) +
                                         "…, but " + known.name + " (" + known.id + ", IPI " +
                                         known.ipi + ") is on record with key " +
                                         known.publicKey.substr(0, 16) + "…");
        }
        for (const auto& [pcm, ownerKey] : ownerOfRecording)
            if (const auto asset = registry.assetByContent(pcm, ""); asset) {
                const Holder owner = *registry.holder(asset->owner);
                if (owner.publicKey != ownerKey)
                    throw IntegrityError(packFile + ": it says recording " + pcm.substr(0, 12) +
                                         "… is " + nameOf(ownerKey) +
                                         "'s, but it is on record "
                                         "here as " +
                                         asset->id + ", " + owner.name + "'s");
            }
    } catch (const IntegrityError&) {
        throw;
    } catch (const Error& e) {
        throw changed(e.what());
    }
    contents.importedBefore = registry.packByFile(contents.fileSha256);
    return contents;
}

} // namespace

PackContents inspectPack(const Registry& registry, const std::string& packFile) {
    return describePack(registry, verifyPackItself(packFile), packFile);
}

ImportedPack importPack(Registry& registry, const std::string& packFile) {
    // Read and verified once: what is checked and what is recorded are the same bytes.
    const VerifiedPack pack = verifyPackItself(packFile);
    ImportedPack imported;
    imported.contents = describePack(registry, pack, packFile);
    if (imported.contents.importedBefore) {
        imported.alreadyImported = true;
        imported.pack = *imported.contents.importedBefore;
        imported.model = *registry.model(imported.pack.model);
        return imported;
    }
    const json& model = pack.manifest.at("model");
    const std::string folder =
        registry.path() + ".packs/" + imported.contents.fileSha256.substr(0, 16);
    const std::string modelFile = folder + "/" + fileNameOf(pack.model->name);
    makeDirectories(folder, 0755);
    const bool existed = fileExists(modelFile);
    writeFileAtomically(modelFile, pack.model->bytes);
    try {
        const std::string weights = model.at("weightsSha256").get<std::string>();
        const ModelKind kind = parseModelKind(imported.contents.modelKind);
        std::string cardWeights;
        if (kind == ModelKind::Voice)
            cardWeights = models::readVoiceModelCard(modelFile).weightsSha256;
        else
            cardWeights = json::parse(models::loadStyleModel(modelFile).cardJson())
                              .value("weightsSha256", "");
        if (cardWeights != weights)
            throw IntegrityError(packFile + ": its model file's weights are not those its "
                                            "manifest names");
        registry.inOneTransaction([&] {
            for (const auto& [key, holder] : pack.holdersByKey)
                registry.addKnownHolder(holder.name, holder.ipi, key);
            for (const auto& r : pack.manifest.at("recordings")) {
                const std::string pcm = r.at("pcmSha256").get<std::string>();
                if (registry.assetByContent(pcm, ""))
                    continue;
                NewAsset asset;
                asset.owner = registry.holderByKey(r.at("owner").get<std::string>())->id;
                asset.identity = {r.at("fileSha256").get<std::string>(), pcm,
                                  r.at("seconds").get<double>(), r.at("sampleRate").get<int>(),
                                  r.at("channels").get<int>()};
                asset.isrc = r.at("isrc").get<std::string>();
                asset.origin = AssetOrigin::Imported;
                asset.kind =
                    r.at("kind").get<std::string>() == "midi" ? AssetKind::Midi : AssetKind::Audio;
                asset.path = r.at("name").get<std::string>();
                asset.foreignStudio = imported.contents.sharedBy;
                registry.addAsset(asset);
            }
            std::map<std::string, std::string> grantOfStatement;
            for (const auto& hash : pack.statementOrder) {
                const auto& statement = pack.statements.at(hash);
                grantOfStatement[hash] =
                    registry.importGrant(statement.text, statement.signature).id;
            }
            std::optional<Model> existing;
            for (const Model& m : registry.models())
                if (m.weightsSha256 == weights && m.kind == kind)
                    existing = m;
            if (!existing) {
                NewModel added;
                added.kind = kind;
                added.owner = registry.holderByKey(imported.contents.modelOwnerKey)->id;
                added.file = modelFile;
                added.weightsSha256 = weights;
                added.configJson = model.at("config").get<std::string>();
                added.metricsJson = model.at("metrics").get<std::string>();
                for (const auto& r : pack.manifest.at("recordings"))
                    if (!r.at("trainedUnder").is_null())
                        added.training.push_back(
                            {registry.assetByContent(r.at("pcmSha256").get<std::string>(), "")->id,
                             grantOfStatement.at(r.at("trainedUnder").get<std::string>())});
                existing = registry.addModel(added);
            }
            imported.model = *existing;
            imported.pack = registry.addPack(
                {imported.contents.fileSha256, existing->id, imported.contents.sharedBy,
                 imported.contents.recipientKey, pack.manifest.dump()});
        });
    } catch (const json::exception&) {
        if (!existed)
            ::unlink(modelFile.c_str());
        throw IntegrityError(packFile + ": its manifest has a field missing or of the wrong type "
                                        "(the pack was changed after it was signed)");
    } catch (...) {
        if (!existed)
            ::unlink(modelFile.c_str());
        throw;
    }
    return imported;
}

} // namespace accord::workflows
