// Model packs and revocation that travels (workflows/share.h, revocations.h) between two real
// registries, two studios: share refused without `share`, a pack imported in the other studio and
// enforced there (recipient only, commercial terms, expiry), every kind of tampering refused with
// nothing recorded, forged packs and revocations refused, revocations applied at once. The model
// is tiny (a 32-channel network, 20 steps): seconds.

#include "accord/core/errors.h"
#include "accord/core/files.h"
#include "accord/core/policy.h"
#include "accord/core/registry.h"
#include "accord/workflows/revocations.h"
#include "accord/workflows/share.h"
#include "accord/workflows/train.h"
#include "pack_container.h"

#include "registered_recordings.h"
#include "test_support.h"

#include <QDir>
#include <QTemporaryDir>
#include <QtTest>
#include <nlohmann/json.hpp>

#include <fstream>
#include <memory>
#include <string>

using namespace accord;
using accord::test::errorOf;
using nlohmann::json;

namespace {

const QString kAdaTake1 = "fillets-cs/barrel/cs/bar-v-krab.ogg";
const QString kAdaTake2 = "fillets-cs/barrel/cs/bar-v-genofond.ogg";

// How many rows of what a pack records the registry holds.
std::string recordedCounts(const Registry& registry) {
    return std::to_string(registry.holders().size()) + " holders, " +
           std::to_string(registry.assets().size()) + " assets, " +
           std::to_string(registry.grants().size()) + " grants, " +
           std::to_string(registry.models().size()) + " models, " +
           std::to_string(registry.packs().size()) + " packs";
}

} // namespace

class PackTest : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;
    std::unique_ptr<Registry> studioA_, studioB_;
    Holder ada_, bo_, dee_;
    std::string take1_, take2_, trainGrant_, modelFile_, modelId_, pack_;

    std::string path(const std::string& name) const {
        return dir_.filePath(QString::fromStdString(name)).toStdString();
    }

    PolicyRequest question(Scope scope, const std::string& model, const std::string& actor,
                           bool commercial = false) const {
        PolicyRequest q;
        q.scope = scope;
        q.subject = {InputKind::Model, model};
        q.actor = actor;
        q.at = currentTime();
        q.commercial = commercial;
        return q;
    }

    workflows::ShareRequest shareTo(const std::string& to, const std::string& out) const {
        workflows::ShareRequest r;
        r.modelFile = modelFile_;
        r.to = to;
        r.toName = "Bo";
        r.out = path(out);
        return r;
    }

    // The pack's entries, its manifest changed by `edit`, written again and signed by a key made
    // on the spot: what anyone could do to a pack.
    std::string forge(const std::string& name,
                      const std::function<void(std::vector<workflows::PackEntry>&)>& edit) {
        workflows::PackContainer original = workflows::readPackContainer(pack_);
        edit(original.entries);
        const KeyPair forger = generateKeyPair();
        const std::string forged = path(name);
        std::vector<std::string> signers;
        for (const auto& s : original.signatures)
            signers.push_back(s.publicKey);
        // The signers the pack names, each "signed" with the forger's key.
        workflows::writePackContainer(forged, original.entries, signers,
                                      [&](const std::string&, const std::string& message) {
                                          return sign(forger.secretKey, message);
                                      });
        return forged;
    }

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(dir_.isValid());
        ACCORD_REQUIRE_MATERIAL(take1, kAdaTake1);
        ACCORD_REQUIRE_MATERIAL(take2, kAdaTake2);
        studioA_ = Registry::open(path("a.sqlite"));
        studioB_ = Registry::open(path("b.sqlite"));
        ada_ = studioA_->addHolder("Ada", "00052210040");
        bo_ = studioB_->addHolder("Bo", "");
        dee_ = studioB_->addHolder("Dee", "");
        take1_ = test::registerRecording(*studioA_, take1, ada_.id);
        take2_ = test::registerRecording(*studioA_, take2, ada_.id);
        trainGrant_ = test::grantAllRecordings(*studioA_, ada_.id, Scope::TrainVoice);
        workflows::VoiceTrainingRequest r;
        r.owner = ada_.id;
        r.assets = {take1_, take2_};
        r.outFile = path("ada.accordvoice");
        r.maxSteps = 20;
        r.channels = 32;
        r.threads = 1;
        const auto trained = workflows::trainVoiceModel(*studioA_, r);
        modelFile_ = trained.file;
        modelId_ = trained.modelId;
    }

    // Without a `share` grant nothing is shared: every training recording is named, and no grant
    // or file is made.
    void sharingNeedsTheShareGrant() {
        const std::size_t grantsBefore = studioA_->grants().size();
        try {
            workflows::shareModel(*studioA_, shareTo(bo_.publicKey, "refused.accordpack"));
            QFAIL("shared without a share grant");
        } catch (const ConsentDenied& denied) {
            QCOMPARE(denied.decision().missing.size(), std::size_t(2));
            QCOMPARE(denied.decision().missing.front().scope, Scope::Share);
        }
        QCOMPARE(studioA_->grants().size(), grantsBefore);
        QVERIFY(!fileExists(path("refused.accordpack")));
    }

    // With it, the pack carries generate and export grants to Bo with Ada's terms; a commercial
    // pack needs a commercial `share` grant.
    void sharingMakesASignedPack() {
        NewGrant share;
        share.holder = ada_.id;
        share.scope = Scope::Share;
        share.terms.sharePercent = 30;
        share.terms.licence = "CC-BY-NC-4.0";
        studioA_->addGrant(share);
        auto commercial = shareTo(bo_.publicKey, "commercial.accordpack");
        commercial.commercial = true;
        QVERIFY(errorOf<ConsentDenied>([&] {
                    workflows::shareModel(*studioA_, commercial);
                }).startsWith("consent denied"));

        auto request = shareTo(bo_.publicKey, "ada.accordpack");
        request.expires = currentTime() + 86400 * 365;
        const auto shared = workflows::shareModel(*studioA_, request);
        pack_ = shared.path;
        QCOMPARE(shared.grants.size(), std::size_t(4)); // generate and export on two recordings
        for (const Grant& g : shared.grants) {
            QCOMPARE(g.terms.sharePercent, 30.0);
            QCOMPARE(g.terms.licence, std::string("CC-BY-NC-4.0"));
            QVERIFY(!g.terms.commercial);
            QCOMPARE(*g.terms.expiresAt, *request.expires);
            QCOMPARE(studioA_->holder(*g.grantee)->publicKey, bo_.publicKey);
        }
        const auto container = workflows::readPackContainer(pack_);
        QCOMPARE(container.signatures.size(), std::size_t(1)); // Ada, owner and only holder
        QVERIFY(container.signedBy(ada_.publicKey));
        QVERIFY(studioA_->verifyAudit().intact);
    }

    // Each kind of change is refused by name, and nothing is recorded in the other studio.
    void tamperedPacksAreRefused() {
        const std::string original = readWholeFile(pack_);
        const std::string before = recordedCounts(*studioB_);
        const auto container = workflows::readPackContainer(pack_);
        const std::size_t modelAt = original.find("ACCVOICE");
        const std::size_t statementAt = original.find("{\"signature\"");
        const std::size_t holdersAt = original.find("\"holders\"");
        const std::size_t signaturesAt = original.find("accord-pack-signatures");
        QVERIFY(modelAt != std::string::npos && statementAt != std::string::npos &&
                holdersAt != std::string::npos && signaturesAt != std::string::npos);
        struct Flip {
            const char* region;
            std::size_t at;
        };
        const std::vector<Flip> flips = {
            {"the first local header", 8},
            {"the manifest's holders (keys)", holdersAt + 40},
            {"the model's weights", modelAt + (original.size() / 2)},
            {"the model's card", modelAt + 40},
            {"a grant statement", statementAt + 30},
            {"the central directory", signaturesAt - 60},
            {"the end record", signaturesAt - 10},
            {"the signature", original.size() - 20},
        };
        int index = 0;
        for (const Flip& flip : flips) {
            std::string bytes = original;
            bytes[flip.at] = static_cast<char>(bytes[flip.at] ^ 0x20);
            const std::string changed = path("flip" + std::to_string(++index) + ".accordpack");
            writeFileAtomically(changed, bytes);
            const QString error =
                errorOf<IntegrityError>([&] { workflows::importPack(*studioB_, changed); });
            QVERIFY2(error.contains(QString::fromStdString(changed)) && error.contains("changed"),
                     qPrintable(QString(flip.region) + ": " + error));
            QCOMPARE(recordedCounts(*studioB_), before);
        }
        // Every 61st byte of the whole file, and every byte outside the model's weights: each
        // refused by inspectPack (which the import runs first).
        int refused = 0, tried = 0;
        for (std::size_t at = 0; at < original.size(); ++at) {
            const bool inWeights = at > modelAt + 600 && at < modelAt + (original.size() - 20000);
            if (inWeights && at % 61 != 0)
                continue;
            std::string bytes = original;
            bytes[at] = static_cast<char>(bytes[at] ^ 0x01);
            {
                std::ofstream out(path("flip.accordpack"), std::ios::binary | std::ios::trunc);
                out << bytes;
            }
            ++tried;
            try {
                workflows::inspectPack(*studioB_, path("flip.accordpack"));
                qWarning("a flip at byte %zu was not caught", at);
            } catch (const IntegrityError&) {
                ++refused;
            }
        }
        qInfo("%d of %d single-bit flips refused", refused, tried);
        QCOMPARE(refused, tried);
        QVERIFY(container.entries.size() >= 3);
    }

    // Re-signed by someone else, a changed pack is still refused: the holders' keys sign it.
    void forgedPacksAreRefused() {
        const std::string before = recordedCounts(*studioB_);
        const std::string richer = forge("richer.accordpack", [](auto& entries) {
            for (auto& e : entries)
                if (e.name.rfind("statements/", 0) == 0) {
                    json body = json::parse(e.bytes);
                    std::string text = body["statement"];
                    const auto at = text.find("\"share\":30.0");
                    if (at != std::string::npos)
                        text.replace(at, 12, "\"share\":5.0");
                    body["statement"] = text;
                    e.bytes = body.dump();
                }
        });
        QVERIFY(errorOf<IntegrityError>([&] {
                    workflows::importPack(*studioB_, richer);
                }).contains("changed"));
        const std::string other = forge("other.accordpack", [](auto& entries) {
            for (auto& e : entries)
                if (e.name.rfind("model/", 0) == 0)
                    e.bytes[e.bytes.size() / 2] ^= 1;
        });
        QVERIFY(errorOf<IntegrityError>([&] {
                    workflows::importPack(*studioB_, other);
                }).contains("not the one its holders signed"));
        // Hashes made consistent, only the signatures can tell.
        const std::string resigned = forge("resigned.accordpack", [](auto&) {});
        const QString error =
            errorOf<IntegrityError>([&] { workflows::importPack(*studioB_, resigned); });
        QVERIFY2(error.contains("Ada's signature does not match"), qPrintable(error));
        QCOMPARE(recordedCounts(*studioB_), before);
    }

    // A pack naming a holder whose IPI is on record under another key is refused.
    void aHolderWithAnotherKeyIsRefused() {
        auto studioC = Registry::open(path("c.sqlite"));
        studioC->addHolder("Ada", "00052210040"); // the same IPI, another key
        const QString error =
            errorOf<IntegrityError>([&] { workflows::importPack(*studioC, pack_); });
        QVERIFY2(error.contains("on record with key"), qPrintable(error));
        QCOMPARE(studioC->models().size(), std::size_t(0));
    }

    // Imported, the pack is enforced as local grants are: Bo may generate, Dee may not, nobody
    // commercially; the audit log replays it, and importing again changes nothing.
    void importedPacksAreEnforced() {
        const auto imported = workflows::importPack(*studioB_, pack_);
        QVERIFY(!imported.alreadyImported);
        QVERIFY(imported.contents.recipientHere);
        QCOMPARE(imported.contents.recipientHere->id, bo_.id);
        const Model model = imported.model;
        QVERIFY(fileExists(model.file));
        QCOMPARE(model.training.size(), std::size_t(2));
        QVERIFY(studioB_->decide(question(Scope::Generate, model.id, bo_.id)).allowed);
        QVERIFY(studioB_->decide(question(Scope::Export, model.id, bo_.id)).allowed);
        const Decision dee = studioB_->decide(question(Scope::Generate, model.id, dee_.id));
        QVERIFY(!dee.allowed);
        QVERIFY(QString::fromStdString(dee.missing.front().why).contains("only"));
        QVERIFY(!studioB_->decide(question(Scope::Export, model.id, bo_.id, true)).allowed);
        // The lineage's training grant allows nothing here.
        QVERIFY(!studioB_->decide(question(Scope::TrainVoice, model.id, bo_.id)).allowed);
        const auto ada = studioB_->holderByKey(ada_.publicKey);
        QVERIFY(ada && !studioB_->canSignAs(ada->id));
        for (const Asset& a : studioB_->assets())
            QCOMPARE(a.foreignStudio, studioA_->studioPublicKey());
        const AuditReport audit = studioB_->verifyAudit();
        QVERIFY2(audit.intact, audit.problems.empty() ? "" : audit.problems.front().c_str());
        const std::string before = recordedCounts(*studioB_);
        QVERIFY(workflows::importPack(*studioB_, pack_).alreadyImported);
        QCOMPARE(recordedCounts(*studioB_), before);
        // In the studio it came from, the pack is its own grants: nothing new.
        const auto home = workflows::importPack(*studioA_, pack_);
        QCOMPARE(home.model.id, modelId_);
        QVERIFY(studioA_->verifyAudit().intact);
    }

    // Revocations signed by Ada reach the other studio through a file: the grant is revoked there
    // at the instant Ada revoked it, and the model trained under a revoked grant source-revoked.
    void revocationsTravel() {
        // A forged revocation: signed by a key made on the spot, naming Ada's grant.
        const GrantStatement trained = studioA_->grantStatements(trainGrant_).front();
        const KeyPair forger = generateKeyPair();
        json forged = {{"format", "accord-revocation-1"},
                       {"grant", trainGrant_},
                       {"studio", studioA_->studioPublicKey()},
                       {"holder", toHex(forger.publicKey)},
                       {"grantStatementSha256", sha256Hex(trained.statement)},
                       {"revoked", formatIsoTime(currentTime())},
                       {"reason", "forged"}};
        const std::string forgedText = forged.dump();
        const json forgedFile = {{"format", "accord-revocations-1"},
                                 {"revocations",
                                  {{{"statement", forgedText},
                                    {"signature", toHex(sign(forger.secretKey, forgedText))}}}}};
        writeFileAtomically(path("forged.revocations"), forgedFile.dump());
        const QString error = errorOf<IntegrityError>(
            [&] { workflows::importRevocations(*studioB_, path("forged.revocations")); });
        QVERIFY2(error.contains("on record with key") && error.contains("nothing"),
                 qPrintable(error));
        QVERIFY(!studioB_->models().front().sourceRevoked);

        studioA_->revokeGrant(trainGrant_, "no more models of my voice");
        const auto written =
            workflows::exportRevocations(*studioA_, path("ada.revocations"), ada_.id);
        QCOMPARE(written.count, std::size_t(1));
        // A byte changed in the file: refused, nothing applied.
        std::string text = readWholeFile(path("ada.revocations"));
        text[text.find("no more") + 1] = 'O';
        writeFileAtomically(path("changed.revocations"), text);
        QVERIFY(errorOf<IntegrityError>([&] {
                    workflows::importRevocations(*studioB_, path("changed.revocations"));
                }).contains("not signed"));
        writeFileAtomically(path("broken.revocations"), "{\"format\": ");
        QVERIFY(errorOf<BadInput>([&] {
                    workflows::importRevocations(*studioB_, path("broken.revocations"));
                }).contains("broken.revocations"));

        const auto applied = workflows::importRevocations(*studioB_, path("ada.revocations"));
        QCOMPARE(applied.revoked.size(), std::size_t(1));
        QCOMPARE(applied.sourceRevoked.size(), std::size_t(1));
        const Model revoked = *studioB_->model(applied.sourceRevoked.front());
        QVERIFY(revoked.sourceRevoked);
        QCOMPARE(*applied.revoked.front().revokedAt, *studioA_->grant(trainGrant_)->revokedAt);
        QVERIFY(!studioB_->decide(question(Scope::Generate, revoked.id, bo_.id)).allowed);
        const auto again = workflows::importRevocations(*studioB_, path("ada.revocations"));
        QCOMPARE(again.alreadyRevoked, std::size_t(1));
        const AuditReport audit = studioB_->verifyAudit();
        QVERIFY2(audit.intact, audit.problems.empty() ? "" : audit.problems.front().c_str());
    }
};

QTEST_GUILESS_MAIN(PackTest)
#include "test_packs.moc"
