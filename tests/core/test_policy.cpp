// The policy truth table of docs/CONSENT.md, through a real registry file.

#include "accord/core/crypto.h"
#include "accord/core/errors.h"
#include "accord/core/policy.h"
#include "accord/core/registry.h"

#include <QTemporaryDir>
#include <QtTest>

using namespace accord;

namespace {

const UnixTime hour = 3600;
const UnixTime day = 24 * hour;

AudioIdentity identityOf(const std::string& take) {
    return {sha256Hex("file:" + take), sha256Hex("pcm:" + take), 12.5, 48000, 1};
}

bool mentions(const Decision& d, const std::string& asset, Scope scope, const std::string& why) {
    for (const auto& m : d.missing)
        if (m.asset == asset && m.scope == scope && m.why.find(why) != std::string::npos)
            return true;
    return false;
}

QString explain(const Decision& d) {
    QString text = d.allowed ? "allowed" : "denied";
    for (const auto& m : d.missing)
        text += QString(" | %1 %2 %3: %4")
                    .arg(QString::fromStdString(m.asset), QString::fromStdString(m.owner),
                         QString::fromStdString(scopeName(m.scope)), QString::fromStdString(m.why));
    return text;
}

} // namespace

class PolicyTest : public QObject {
    Q_OBJECT

    QTemporaryDir dir;
    std::unique_ptr<Registry> registry;
    Holder ada, bo, cy;
    Asset ada1, ada2, bo1;
    UnixTime now = 0;

    Asset addAsset(const Holder& owner, const std::string& take) {
        return registry
            ->addAsset(
                {owner.id, identityOf(take), "", AssetOrigin::Recorded, "/takes/" + take + ".wav"})
            .asset;
    }
    Grant grant(const Holder& holder, Scope scope, std::optional<std::string> asset,
                std::optional<std::string> to = std::nullopt, GrantTerms terms = {}) {
        return registry->addGrant({holder.id, scope, std::move(asset), std::move(to), terms});
    }
    // A voice model of `owner` trained on `training` (asset, grant); `weights` tells models apart.
    Model voiceModel(const Holder& owner, const std::string& file, const std::string& weights,
                     std::vector<TrainingSource> training) {
        return registry->addModel({ModelKind::Voice, owner.id, file, sha256Hex(weights), "{}", "{}",
                                   std::move(training)});
    }
    Decision ask(Scope scope, Subject subject, const std::string& actor = "",
                 bool commercial = false, std::optional<UnixTime> at = std::nullopt) {
        return registry->decide({scope, std::move(subject), actor, at.value_or(now), commercial});
    }

private slots:
    void init() {
        QVERIFY(dir.isValid());
        static int n = 0;
        registry =
            Registry::open(dir.filePath(QString("registry-%1.sqlite").arg(++n)).toStdString());
        ada = registry->addHolder("Ada", "");
        bo = registry->addHolder("Bo", "");
        cy = registry->addHolder("Cy", "");
        ada1 = addAsset(ada, "ada-take-1");
        ada2 = addAsset(ada, "ada-take-2");
        bo1 = addAsset(bo, "bo-piano");
        now = currentTime() + 1;
    }

    void defaultIsDenyForEveryScope() {
        for (Scope scope : allScopes()) {
            const Decision d = ask(scope, {InputKind::Asset, ada1.id});
            QVERIFY2(!d.allowed, qPrintable(explain(d)));
            QCOMPARE(d.missing.size(), std::size_t{1});
            QCOMPARE(d.missing[0].asset, ada1.id);
            QCOMPARE(d.missing[0].owner, ada.id);
            QCOMPARE(d.missing[0].scope, scope);
            QVERIFY(mentions(d, ada1.id, scope, "no " + scopeName(scope) + " grant from Ada"));
        }
    }

    void aGrantAllowsOnlyItsOwnScope() {
        for (Scope granted : allScopes()) {
            init();
            const Grant g = grant(ada, granted, ada1.id);
            for (Scope asked : allScopes()) {
                const Decision d = ask(asked, {InputKind::Asset, ada1.id});
                QCOMPARE(d.allowed, asked == granted);
                if (d.allowed) {
                    QCOMPARE(d.relied.size(), std::size_t{1});
                    QCOMPARE(d.relied[0].grant, g.id);
                }
            }
        }
    }

    void perAssetGrantCoversOnlyThatAsset() {
        grant(ada, Scope::TrainVoice, ada1.id);
        QVERIFY(ask(Scope::TrainVoice, {InputKind::Asset, ada1.id}).allowed);
        QVERIFY(!ask(Scope::TrainVoice, {InputKind::Asset, ada2.id}).allowed);
    }

    void allAssetsGrantCoversEveryAssetOfThatHolderOnly() {
        grant(ada, Scope::TrainStyle, std::nullopt);
        QVERIFY(ask(Scope::TrainStyle, {InputKind::Asset, ada1.id}).allowed);
        QVERIFY(ask(Scope::TrainStyle, {InputKind::Asset, ada2.id}).allowed);
        // An asset registered after the grant is covered too.
        const Asset later = addAsset(ada, "ada-take-3");
        QVERIFY(ask(Scope::TrainStyle, {InputKind::Asset, later.id}).allowed);
        const Decision other = ask(Scope::TrainStyle, {InputKind::Asset, bo1.id});
        QVERIFY(!other.allowed);
        QVERIFY(mentions(other, bo1.id, Scope::TrainStyle, "no train-style grant from Bo"));
    }

    void grantToOneHolderAllowsOnlyThatHolder() {
        grant(ada, Scope::TrainVoice, ada1.id, bo.id);
        QVERIFY(ask(Scope::TrainVoice, {InputKind::Asset, ada1.id}, bo.id).allowed);
        const Decision forCy = ask(Scope::TrainVoice, {InputKind::Asset, ada1.id}, cy.id);
        QVERIFY(!forCy.allowed);
        QVERIFY2(mentions(forCy, ada1.id, Scope::TrainVoice, "is for Bo (" + bo.id + ") only"),
                 qPrintable(explain(forCy)));
        QVERIFY(!ask(Scope::TrainVoice, {InputKind::Asset, ada1.id}, "").allowed);
    }

    void grantToAnyoneAllowsEveryActor() {
        grant(ada, Scope::Export, ada1.id);
        for (const std::string& actor : {std::string(), bo.id, cy.id, ada.id})
            QVERIFY(ask(Scope::Export, {InputKind::Asset, ada1.id}, actor).allowed);
    }

    void expiryEndsAGrant() {
        GrantTerms terms;
        terms.expiresAt = now + 10 * day;
        grant(ada, Scope::Export, ada1.id, std::nullopt, terms);
        QVERIFY(
            ask(Scope::Export, {InputKind::Asset, ada1.id}, "", false, now + 10 * day - 1).allowed);
        const Decision after =
            ask(Scope::Export, {InputKind::Asset, ada1.id}, "", false, now + 10 * day);
        QVERIFY(!after.allowed);
        QVERIFY2(
            mentions(after, ada1.id, Scope::Export, "expired on " + formatIsoDate(now + 10 * day)),
            qPrintable(explain(after)));
    }

    void revocationTakesEffectAtOnceAndNamesTheGrant() {
        const Grant g = grant(ada, Scope::Export, ada1.id);
        QVERIFY(ask(Scope::Export, {InputKind::Asset, ada1.id}).allowed);
        const Grant revoked = registry->revokeGrant(g.id, "changed my mind");
        QVERIFY(revoked.revokedAt.has_value());
        const Decision d =
            ask(Scope::Export, {InputKind::Asset, ada1.id}, "", false, *revoked.revokedAt);
        QVERIFY(!d.allowed);
        QVERIFY2(mentions(d, ada1.id, Scope::Export, "grant " + g.id + " was revoked on"),
                 qPrintable(explain(d)));
        QVERIFY(mentions(d, ada1.id, Scope::Export, "changed my mind"));
        // Revoked, never deleted: still listed, and another active grant still allows.
        QVERIFY(registry->grant(g.id).has_value());
        grant(ada, Scope::Export, std::nullopt);
        QVERIFY(
            ask(Scope::Export, {InputKind::Asset, ada1.id}, "", false, currentTime() + 1).allowed);
        QVERIFY_EXCEPTION_THROWN(registry->revokeGrant(g.id, ""), BadInput);
    }

    void aGrantDoesNotReachBackBeforeItWasGiven() {
        grant(ada, Scope::Export, ada1.id);
        const Decision past =
            ask(Scope::Export, {InputKind::Asset, ada1.id}, "", false, now - 30 * day);
        QVERIFY(!past.allowed);
        QVERIFY(mentions(past, ada1.id, Scope::Export, "was only given on"));
    }

    void grantStateSaysWhatDecideDoesAtEveryInstant() {
        // Plain values, so the revocation can lie between creation and expiry.
        const UnixTime given = 1000 * day, revokedAt = given + 5 * day, expires = given + 10 * day;
        ConsentGraph graph;
        graph.holders[ada.id] = ada;
        graph.assets[ada1.id] = ada1;
        Grant& g = graph.grants["g-1"];
        g.id = "g-1";
        g.holder = ada.id;
        g.asset = ada1.id;
        g.createdAt = given;
        g.terms.expiresAt = expires;
        graph.grantsByAsset[ada1.id].push_back(g.id);
        const struct {
            bool revoked;
            UnixTime at;
            GrantState state;
            const char* name;
        } cases[] = {
            {false, given - 1, GrantState::NotYetActive, "not-yet-active"},
            {false, given, GrantState::Active, "active"},
            {false, expires - 1, GrantState::Active, "active"},
            {false, expires, GrantState::Expired, "expired"},
            {true, revokedAt - 1, GrantState::Active, "active"}, // revoked later than asked
            {true, revokedAt, GrantState::Revoked, "revoked"},
            {true, expires, GrantState::Revoked, "revoked"},
            {true, given - 1, GrantState::NotYetActive, "not-yet-active"},
        };
        for (const auto& c : cases) {
            g.revokedAt = c.revoked ? std::optional<UnixTime>(revokedAt) : std::nullopt;
            QCOMPARE(grantState(g, c.at), c.state);
            QCOMPARE(grantStateName(c.state), std::string(c.name));
            QCOMPARE(grantIsActive(g, c.at), c.state == GrantState::Active);
            const Decision d =
                decide(graph, {Scope::Export, {InputKind::Asset, ada1.id}, "", c.at, false});
            QCOMPARE(d.allowed, c.state == GrantState::Active);
        }
    }

    void commercialRequestsNeedCommercialTerms() {
        grant(ada, Scope::Export, ada1.id);
        QVERIFY(ask(Scope::Export, {InputKind::Asset, ada1.id}, "", false).allowed);
        const Decision d = ask(Scope::Export, {InputKind::Asset, ada1.id}, "", true);
        QVERIFY(!d.allowed);
        QVERIFY(mentions(d, ada1.id, Scope::Export, "does not allow commercial use"));
        GrantTerms commercial;
        commercial.commercial = true;
        const Grant g = grant(ada, Scope::Export, ada1.id, std::nullopt, commercial);
        const Decision ok = ask(Scope::Export, {InputKind::Asset, ada1.id}, "", true);
        QVERIFY(ok.allowed);
        QCOMPARE(ok.relied[0].grant, g.id);
    }

    void exportFollowsTheLineageClosureThroughModelsAndNestedRenders() {
        const Grant train = grant(bo, Scope::TrainVoice, bo1.id);
        const Model model = voiceModel(bo, "/models/bo.accordmodel", "w", {{bo1.id, train.id}});
        const Render conversion =
            registry->addRender({"conversion",
                                 "/renders/c.wav",
                                 "",
                                 {{InputKind::Asset, ada1.id}, {InputKind::Model, model.id}},
                                 {}});
        const Render mix =
            registry->addRender({"mix",
                                 "/renders/mix.wav",
                                 "",
                                 {{InputKind::Render, conversion.id}, {InputKind::Asset, ada2.id}},
                                 {}});

        const auto closure = lineageClosure(registry->consentGraph(), {InputKind::Render, mix.id});
        QCOMPARE(closure, (std::vector<std::string>{ada1.id, ada2.id, bo1.id}));

        grant(ada, Scope::Export, ada1.id);
        Decision d = ask(Scope::Export, {InputKind::Render, mix.id});
        QVERIFY(!d.allowed);
        QCOMPARE(d.missing.size(), std::size_t{2});
        QVERIFY(mentions(d, ada2.id, Scope::Export, "no export grant from Ada"));
        QVERIFY2(mentions(d, bo1.id, Scope::Export, "no export grant from Bo"),
                 qPrintable(explain(d)));

        grant(ada, Scope::Export, ada2.id);
        grant(bo, Scope::Export, std::nullopt);
        d = ask(Scope::Export, {InputKind::Render, mix.id});
        QVERIFY2(d.allowed, qPrintable(explain(d)));
        QCOMPARE(d.relied.size(), std::size_t{3});
        // Commercially, each asset in the closure needs commercial terms.
        d = ask(Scope::Export, {InputKind::Render, mix.id}, "", true);
        QCOMPARE(d.missing.size(), std::size_t{3});
    }

    void generatingNeedsEveryTrainingOwnerAndAnUnrevokedModel() {
        const Grant trainAda = grant(ada, Scope::TrainVoice, ada1.id);
        const Grant trainBo = grant(bo, Scope::TrainVoice, bo1.id);
        const Model model =
            voiceModel(ada, "/m.accordmodel", "w2", {{ada1.id, trainAda.id}, {bo1.id, trainBo.id}});
        grant(ada, Scope::Generate, std::nullopt);
        Decision d = ask(Scope::Generate, {InputKind::Model, model.id});
        QVERIFY(!d.allowed);
        QCOMPARE(d.missing.size(), std::size_t{1});
        QVERIFY(mentions(d, bo1.id, Scope::Generate, "no generate grant from Bo"));
        grant(bo, Scope::Generate, bo1.id);
        QVERIFY(ask(Scope::Generate, {InputKind::Model, model.id}).allowed);

        // Revoking a consent the model was trained under marks it source-revoked: no generation
        // even though every generate grant still stands.
        registry->revokeGrant(trainBo.id, "");
        QVERIFY(registry->model(model.id)->sourceRevoked);
        d = ask(Scope::Generate, {InputKind::Model, model.id}, "", false, currentTime() + 1);
        QVERIFY(!d.allowed);
        QCOMPARE(d.missing.size(), std::size_t{1});
        QVERIFY(d.missing[0].asset.empty());
        QVERIFY(d.missing[0].why.find("source-revoked") != std::string::npos);
    }

    void sharingAModelNeedsShareOnAllItsTrainingAssets() {
        const Grant t1 = grant(ada, Scope::TrainVoice, ada1.id);
        const Grant t2 = grant(ada, Scope::TrainVoice, ada2.id);
        const Model model =
            voiceModel(ada, "/m.accordmodel", "w3", {{ada1.id, t1.id}, {ada2.id, t2.id}});
        grant(ada, Scope::Share, ada1.id);
        Decision d = ask(Scope::Share, {InputKind::Model, model.id});
        QVERIFY(!d.allowed);
        QVERIFY(mentions(d, ada2.id, Scope::Share, "no share grant"));
        grant(ada, Scope::Share, ada2.id);
        QVERIFY(ask(Scope::Share, {InputKind::Model, model.id}).allowed);
    }

    void everyFailingGrantIsNamedInTheReason() {
        GrantTerms expiring;
        expiring.expiresAt = now + day;
        const Grant a = grant(ada, Scope::Export, ada1.id, bo.id);
        const Grant b = grant(ada, Scope::Export, std::nullopt, std::nullopt, expiring);
        const Decision d =
            ask(Scope::Export, {InputKind::Asset, ada1.id}, cy.id, false, now + 2 * day);
        QVERIFY(!d.allowed);
        QVERIFY(mentions(d, ada1.id, Scope::Export, "grant " + a.id + " is for Bo"));
        QVERIFY(mentions(d, ada1.id, Scope::Export, "grant " + b.id + " expired"));
    }

    void unknownSubjectsAreBadInput() {
        QVERIFY_EXCEPTION_THROWN(ask(Scope::Export, {InputKind::Asset, "a-999"}), BadInput);
        QVERIFY_EXCEPTION_THROWN(ask(Scope::Generate, {InputKind::Model, "m-999"}), BadInput);
        QVERIFY_EXCEPTION_THROWN(ask(Scope::Export, {InputKind::Render, "r-999"}), BadInput);
    }

    void registryRefusesGrantsThatCannotBeRight() {
        QVERIFY_EXCEPTION_THROWN(grant(bo, Scope::Export, ada1.id), BadInput); // not Bo's
        QVERIFY_EXCEPTION_THROWN(registry->addGrant({"h-99", Scope::Export, std::nullopt, {}, {}}),
                                 BadInput);
        QVERIFY_EXCEPTION_THROWN(grant(ada, Scope::Export, std::string("a-99")), BadInput);
        QVERIFY_EXCEPTION_THROWN(grant(ada, Scope::Export, ada1.id, std::string("h-99")), BadInput);
        GrantTerms tooMuch;
        tooMuch.sharePercent = 150;
        QVERIFY_EXCEPTION_THROWN(grant(ada, Scope::Export, ada1.id, std::nullopt, tooMuch),
                                 BadInput);
        QCOMPARE(registry->grants().size(), std::size_t{0});
    }

    void sameContentIsTheSameAsset() {
        const AddedAsset again = registry->addAsset(
            {ada.id, identityOf("ada-take-1"), "", AssetOrigin::Recorded, "/elsewhere/copy.flac"});
        QVERIFY(again.alreadyKnown);
        QCOMPARE(again.asset.id, ada1.id);
        // A re-encode: other bytes, same PCM.
        AudioIdentity reencoded = identityOf("ada-take-1");
        reencoded.fileSha256 = sha256Hex("flac bytes");
        QCOMPARE(
            registry->addAsset({ada.id, reencoded, "", AssetOrigin::Recorded, "/x.flac"}).asset.id,
            ada1.id);
        // Somebody else cannot claim it.
        QVERIFY_EXCEPTION_THROWN(registry->addAsset({bo.id, identityOf("ada-take-1"), "",
                                                     AssetOrigin::Recorded, "/y.wav"}),
                                 BadInput);
        QCOMPARE(registry->assets().size(), std::size_t{3});
    }

    // A MIDI file is an asset like a recording, known by its note list, and says what it is.
    void midiFilesAreAssetsOfTheirKind() {
        AudioIdentity notes{sha256Hex("song.mid bytes"), sha256Hex("song.mid notes"), 31.5, 0, 0};
        const AddedAsset song = registry->addAsset(
            {ada.id, notes, "", AssetOrigin::Recorded, "/song.mid", AssetKind::Midi});
        QCOMPARE(song.asset.kind, AssetKind::Midi);
        QCOMPARE(registry->asset(ada1.id)->kind, AssetKind::Audio);
        notes.fileSha256 = sha256Hex("re-saved with another resolution");
        const AddedAsset resaved = registry->addAsset(
            {ada.id, notes, "", AssetOrigin::Recorded, "/resaved.mid", AssetKind::Midi});
        QVERIFY(resaved.alreadyKnown);
        QCOMPARE(resaved.asset.id, song.asset.id);
        QCOMPARE(registry->consentGraph().assets.at(song.asset.id).kind, AssetKind::Midi);
        QVERIFY(registry->verifyAudit().intact);
    }

    void grantsReadInPlainLanguage() {
        GrantTerms terms;
        terms.expiresAt = parseIsoTime("2027-01-01", "test");
        terms.commercial = true;
        terms.sharePercent = 20;
        const Grant g = grant(ada, Scope::TrainVoice, ada1.id, std::nullopt, terms);
        const std::string text = describeGrant(registry->consentGraph(), g, now);
        QCOMPARE(QString::fromStdString(text),
                 QString("Ada allows training of voice models on 'ada-take-1.wav' (%1) by anyone "
                         "in this studio until 2027-01-01 (commercial use, 20% royalty share)")
                     .arg(QString::fromStdString(ada1.id)));
        const Grant all = grant(bo, Scope::Generate, std::nullopt, ada.id);
        QCOMPARE(QString::fromStdString(describeGrant(registry->consentGraph(), all, now)),
                 QString("Bo allows generating with models trained on all of Bo's recordings by "
                         "Ada (%1) only")
                     .arg(QString::fromStdString(ada.id)));
    }

    void grantListFiltersByAssetAndHolder() {
        const Grant one = grant(ada, Scope::Export, ada1.id);
        const Grant all = grant(ada, Scope::Share, std::nullopt);
        const Grant other = grant(bo, Scope::Export, bo1.id);
        auto ids = [](const std::vector<Grant>& grants) {
            std::vector<std::string> out;
            for (const auto& g : grants)
                out.push_back(g.id);
            return out;
        };
        QCOMPARE(ids(registry->grants({ada1.id, std::nullopt})),
                 (std::vector<std::string>{one.id, all.id}));
        QCOMPARE(ids(registry->grants({ada2.id, std::nullopt})),
                 (std::vector<std::string>{all.id}));
        QCOMPARE(ids(registry->grants({std::nullopt, bo.id})),
                 (std::vector<std::string>{other.id}));
    }
};

QTEST_GUILESS_MAIN(PolicyTest)
#include "test_policy.moc"
