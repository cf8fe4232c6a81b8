// Consent given from the window's shortcuts, on a real registry: the owner's own uses in one
// step (docs/CONSENT.md "My own recordings") and a grant changed as one change ("Changing a
// grant").

#include "accord/core/crypto.h"
#include "accord/core/errors.h"
#include "accord/core/policy.h"
#include "accord/core/registry.h"
#include "accord/core/time.h"
#include "accord/workflows/grant_edit.h"
#include "accord/workflows/own_uses.h"

#include "registered_recordings.h"

#include <QTemporaryDir>
#include <QtTest>

namespace {

struct Scratch : accord::test::ScratchRegistry {
    // A registered recording of the owner (its identity as the audio layer would measure it).
    accord::Asset take() {
        accord::NewAsset asset;
        asset.owner = owner;
        asset.identity = {accord::sha256Hex("take.wav bytes"), accord::sha256Hex("take.wav pcm"),
                          12.5, 48000, 1};
        asset.path = "/home/ana/take.wav";
        return registry->addAsset(asset).asset;
    }
};

} // namespace

class GrantsTest : public QObject {
    Q_OBJECT

private slots:
    // "These are my own recordings" (docs/CONSENT.md "My own recordings"): the owner's own uses
    // in one step, for the owner alone, once; never on somebody else's recording.
    void ownUsesAreGrantedOnceAndOnlyToTheOwner() {
        Scratch scratch;
        const accord::Asset take = scratch.take();
        const auto added =
            accord::workflows::grantOwnUses(*scratch.registry, scratch.owner, {take.id});
        QCOMPARE(added.size(), accord::workflows::ownUseScopes().size());
        for (const accord::Grant& grant : added) {
            QCOMPARE(grant.grantee.value_or(""), scratch.owner);
            QVERIFY(grant.terms.commercial);
        }
        for (const accord::Scope scope : accord::workflows::ownUseScopes()) {
            accord::PolicyRequest request;
            request.scope = scope;
            request.subject = {accord::InputKind::Asset, take.id};
            request.actor = scratch.owner;
            request.commercial = true;
            request.at = accord::currentTime();
            QVERIFY2(scratch.registry->decide(request).allowed, accord::scopeName(scope).c_str());
            request.actor.clear(); // anyone else in the studio: not allowed
            QVERIFY(!scratch.registry->decide(request).allowed);
        }
        QVERIFY(
            accord::workflows::grantOwnUses(*scratch.registry, scratch.owner, {take.id}).empty());

        // A revoked one is granted again; the others stay as they are.
        scratch.registry->revokeGrant(added.front().id, "changed my mind");
        QCOMPARE(
            accord::workflows::grantOwnUses(*scratch.registry, scratch.owner, {take.id}).size(),
            std::size_t(1));

        const std::string other = scratch.registry->addHolder("Bo", "").id;
        const std::size_t before = scratch.registry->grants({}).size();
        QVERIFY_THROWS_EXCEPTION(
            accord::BadInput, accord::workflows::grantOwnUses(*scratch.registry, other, {take.id}));
        QCOMPARE(scratch.registry->grants({}).size(), before);
    }

    // A change is the old grant revoked and a new one given, both or neither; the holder stays.
    void aChangedGrantReplacesTheOldOneAtOnce() {
        Scratch scratch;
        const accord::Asset take = scratch.take();
        accord::NewGrant original;
        original.holder = scratch.owner;
        original.scope = accord::Scope::Export;
        original.asset = take.id;
        const accord::Grant old = scratch.registry->addGrant(original);

        accord::NewGrant changed = original;
        changed.terms.commercial = true;
        changed.terms.sharePercent = 40;
        const accord::Grant fresh =
            accord::workflows::editGrant(*scratch.registry, old.id, changed);
        QVERIFY(fresh.id != old.id);
        QVERIFY(fresh.terms.commercial);
        const auto revoked = scratch.registry->grant(old.id);
        QVERIFY(revoked->revokedAt.has_value());
        QCOMPARE(revoked->revokeReason, "changed: replaced by " + fresh.id);
        QVERIFY(scratch.registry->verifyAudit().intact);

        // Refused, with nothing changed: a revoked grant, another holder's word.
        const std::size_t before = scratch.registry->grants({}).size();
        QVERIFY_THROWS_EXCEPTION(accord::BadInput,
                                 accord::workflows::editGrant(*scratch.registry, old.id, changed));
        accord::NewGrant someoneElse = changed;
        someoneElse.holder = scratch.registry->addHolder("Bo", "").id;
        QVERIFY_THROWS_EXCEPTION(accord::BadInput, accord::workflows::editGrant(
                                                       *scratch.registry, fresh.id, someoneElse));
        QCOMPARE(scratch.registry->grants({}).size(), before);
        QVERIFY(!scratch.registry->grant(fresh.id)->revokedAt);
    }
};

QTEST_GUILESS_MAIN(GrantsTest)
#include "test_grants.moc"
