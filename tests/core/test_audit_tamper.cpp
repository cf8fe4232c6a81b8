// Raw SQL tampering with any registry table or the audit log is detected and named.

#include "accord/core/crypto.h"
#include "accord/core/errors.h"
#include "accord/core/registry.h"

#include <QDir>
#include <QTemporaryDir>
#include <QtTest>

#include <nlohmann/json.hpp>

#include "raw_sql.h"

using namespace accord;

namespace {

void copyRegistry(const QString& from, const QString& to) {
    QVERIFY(QFile::copy(from, to));
    QDir().mkpath(to + ".keys");
    for (const QString& key : QDir(from + ".keys").entryList(QDir::Files))
        QVERIFY(QFile::copy(from + ".keys/" + key, to + ".keys/" + key));
}

// Changes at least one row the way an attacker with the file would.
void tamper(const QString& path, const QString& sql) {
    QVERIFY(test::runRawSql(path, sql) > 0);
}

} // namespace

class AuditTamperTest : public QObject {
    Q_OBJECT

    QTemporaryDir dir;
    QString pristine;

    QString freshCopy(const QString& name) {
        const QString path = dir.filePath(name + ".sqlite");
        copyRegistry(pristine, path);
        return path;
    }

private slots:
    void initTestCase() {
        pristine = dir.filePath("pristine.sqlite");
        auto registry = Registry::open(pristine.toStdString());
        const Holder ada = registry->addHolder("Ada", "");
        const Holder bo = registry->addHolder("Bo", "");
        const Asset a1 = registry
                             ->addAsset({ada.id,
                                         {sha256Hex("f1"), sha256Hex("p1"), 3.5, 48000, 2},
                                         "",
                                         AssetOrigin::Recorded,
                                         "/take1.wav"})
                             .asset;
        registry->addAsset({bo.id,
                            {sha256Hex("f2"), sha256Hex("p2"), 4.0, 44100, 1},
                            "",
                            AssetOrigin::Imported,
                            "/piano.flac"});
        GrantTerms terms;
        terms.sharePercent = 50;
        const Grant train = registry->addGrant({ada.id, Scope::TrainVoice, a1.id, bo.id, terms});
        registry->addGrant({ada.id, Scope::Export, std::nullopt, std::nullopt, terms});
        const Model m = registry->addModel(
            {ModelKind::Voice, ada.id, "/m", sha256Hex("w"), "{}", "{}", {{a1.id, train.id}}});
        registry->addRender(
            {"conversion", "/r.wav", sha256Hex("r"), {{InputKind::Model, m.id}}, {}});
        registry->revokeGrant(train.id, "test");
        // k-1 removed, k-2 trusted.
        const std::string removed = toHex(generateKeyPair().publicKey);
        registry->trustKey(removed, "Old label");
        registry->untrustKey(removed);
        registry->trustKey(toHex(generateKeyPair().publicKey), "Label");
        // g-1 revoked, m-1 source-revoked, 3 grants... 15-odd entries in all.
    }

    void untouchedRegistryIsIntact() {
        auto registry = Registry::open(freshCopy("untouched").toStdString());
        const AuditReport report = registry->verifyAudit();
        QVERIFY2(report.intact, report.problems.empty() ? "" : report.problems.front().c_str());
        QVERIFY(report.entries >= 12);
        QVERIFY(report.problems.empty());
    }

    // Each grant and revocation is a statement its holder signed: holders by public key, assets
    // by content (docs/CONSENT.md "Signed grants").
    void grantsAreStatementsSignedByTheirHolder() {
        auto registry = Registry::open(freshCopy("statements").toStdString());
        const Holder ada = *registry->holder("h-1"), bo = *registry->holder("h-2");
        const auto statements = registry->grantStatements("g-1");
        QCOMPARE(int(statements.size()), 2);
        QVERIFY(!statements[0].revocation && statements[1].revocation);
        const auto grant = nlohmann::json::parse(statements[0].statement);
        QCOMPARE(grant["format"].get<std::string>(), std::string("accord-grant-1"));
        QCOMPARE(grant["holder"].get<std::string>(), ada.publicKey);
        QCOMPARE(grant["to"].get<std::string>(), bo.publicKey);
        QCOMPARE(grant["scope"].get<std::string>(), std::string("train-voice"));
        QCOMPARE(grant["asset"]["pcmSha256"].get<std::string>(), sha256Hex("p1"));
        QCOMPARE(grant["share"].get<double>(), 50.0);
        for (const GrantStatement& s : statements)
            QVERIFY(verifySignature(fromHex(ada.publicKey, "key"), s.statement,
                                    fromHex(s.signature, "signature")));
        const auto revocation = nlohmann::json::parse(statements[1].statement);
        QCOMPARE(revocation["grantStatementSha256"].get<std::string>(),
                 sha256Hex(statements[0].statement));
        QCOMPARE(revocation["reason"].get<std::string>(), std::string("test"));
        QVERIFY(registry->grantStatements("g-2").size() == 1);

        // Without the holder's key on this machine, nothing is granted.
        const std::size_t before = registry->grants().size();
        QVERIFY(QFile::remove(QString::fromStdString(registry->path()) + ".keys/h-2.key"));
        QVERIFY_THROWS_EXCEPTION(
            IntegrityError,
            registry->addGrant({bo.id, Scope::Export, std::nullopt, std::nullopt, GrantTerms{}}));
        QCOMPARE(registry->grants().size(), before);
        // Revoking does not wait for a key: it holds, unsigned.
        const Grant bos = *registry->grant("g-2");
        QVERIFY(QFile::remove(QString::fromStdString(registry->path()) + ".keys/h-1.key"));
        QVERIFY(registry->revokeGrant(bos.id, "key lost").revokedAt.has_value());
        QCOMPARE(int(registry->grantStatements(bos.id).size()), 1);
        QVERIFY(registry->verifyAudit().intact);
    }

    void tamperingIsDetectedAndNamed_data() {
        QTest::addColumn<QString>("sql");
        QTest::addColumn<QString>("expected");
        QTest::newRow("update grant") << "UPDATE grants SET share_percent = 90 WHERE id = 'g-2'"
                                      << "grants row g-2 was changed outside Accord: share_percent";
        QTest::newRow("grant no longer what its holder signed")
            << "UPDATE grants SET commercial = 1 WHERE id = 'g-2'"
            << "the signed statement of grant g-2 does not say what the grant now says";
        QTest::newRow("forge a grant statement")
            << "UPDATE grant_statements SET statement = replace(statement, '\"share\":50.0', "
               "'\"share\":90.0') WHERE id = 'g-2'"
            << "the signed statement of grant g-2 is not signed by its holder's key";
        QTest::newRow("drop a revocation statement")
            << "DELETE FROM grant_statements WHERE id = 'g-1/revocation'"
            << "grant_statements row g-1/revocation was deleted";
        QTest::newRow("un-revoke grant") << "UPDATE grants SET revoked_at = NULL WHERE id = 'g-1'"
                                         << "grants row g-1 was changed outside Accord: revoked_at";
        QTest::newRow("delete grant") << "DELETE FROM grants WHERE id = 'g-2'"
                                      << "grants row g-2 was deleted";
        QTest::newRow("insert grant")
            << "INSERT INTO grants (id, holder, scope, asset, created_at) VALUES "
               "('g-9', 'h-2', 'export', NULL, '2026-01-01T00:00:00Z')"
            << "grants row g-9 is not in the audit log";
        QTest::newRow("copy a grant with no id")
            << "INSERT INTO grants SELECT NULL, holder, scope, asset, grantee, share_percent, "
               "attribution, licence, commercial, expires_at, created_at, revoked_at, "
               "revoke_reason FROM grants WHERE id = 'g-2'"
            << "(its id is null) is not in the audit log";
        QTest::newRow("a grant numbered, not named")
            << "INSERT INTO grants (id, holder, scope, asset, created_at) VALUES "
               "(42, 'h-2', 'export', NULL, '2026-01-01T00:00:00Z')"
            << "grants row 42 is not in the audit log";
        QTest::newRow("update asset owner") << "UPDATE assets SET owner = 'h-2' WHERE id = 'a-1'"
                                            << "assets row a-1 was changed outside Accord: owner";
        QTest::newRow("delete asset") << "DELETE FROM assets WHERE id = 'a-2'"
                                      << "assets row a-2 was deleted";
        QTest::newRow("insert asset")
            << "INSERT INTO assets (id, owner, file_sha256, pcm_sha256, duration, sample_rate, "
               "channels, origin, path, created_at) VALUES ('a-7', 'h-1', 'x', 'y', 1, 48000, 1, "
               "'recorded', '/z', '2026-01-01T00:00:00Z')"
            << "assets row a-7 is not in the audit log";
        QTest::newRow("rename holder") << "UPDATE holders SET name = 'Mallory' WHERE id = 'h-1'"
                                       << "holders row h-1 was changed outside Accord: name";
        QTest::newRow("un-revoke model") << "UPDATE models SET status = 'active' WHERE id = 'm-1'"
                                         << "models row m-1 was changed outside Accord: status";
        QTest::newRow("launder render input") << "DELETE FROM render_inputs WHERE id = 'r-1/1'"
                                              << "render_inputs row r-1/1 was deleted";
        QTest::newRow("trust a key again")
            << "UPDATE trusted_keys SET removed_at = NULL WHERE id = 'k-1'"
            << "trusted_keys row k-1 was changed outside Accord: removed_at";
        QTest::newRow("rename a trusted key")
            << "UPDATE trusted_keys SET name = 'Ada' WHERE id = 'k-2'"
            << "trusted_keys row k-2 was changed outside Accord: name";
        QTest::newRow("delete a trusted key") << "DELETE FROM trusted_keys WHERE id = 'k-1'"
                                              << "trusted_keys row k-1 was deleted";
        QTest::newRow("insert a trusted key")
            << "INSERT INTO trusted_keys (id, public_key, name, added_at) VALUES ('k-9', '" +
                   QString::fromStdString(toHex(generateKeyPair().publicKey)) +
                   "', 'Mallory', '2026-01-01T00:00:00Z')"
            << "trusted_keys row k-9 is not in the audit log";
        QTest::newRow("edit log entry")
            << "UPDATE audit_log SET row = replace(row, '50.0', '5.0') WHERE seq = 7"
            << "audit log entry 7";
        QTest::newRow("delete log entry") << "DELETE FROM audit_log WHERE seq = 4"
                                          << "audit log entries 4..4 are missing";
        QTest::newRow("delete last log entry")
            << "DELETE FROM audit_log WHERE seq = (SELECT max(seq) FROM audit_log)"
            << "entries were removed from the end";
        QTest::newRow("insert log entry")
            << "INSERT INTO audit_log (seq, at, op, tbl, row_id, row, prev_hash, hash) SELECT "
               "max(seq) + 1, '2026-01-01T00:00:00Z', 'grant.add', 'grants', 'g-9', '{}', "
               "'0', '0' FROM audit_log"
            << "does not match its content";
        QTest::newRow("rewrite head") << "UPDATE audit_head SET seq = seq - 1"
                                      << "signature is not the studio's";
        QTest::newRow("rewrite the head's hash")
            << "UPDATE audit_head SET hash = replace(hash, substr(hash, 1, 2), 'ee')"
            << "the signed audit head names another last entry than the log's entry";
        QTest::newRow("swap studio key")
            << "UPDATE studio SET public_key = replace(public_key, substr(public_key, 1, 2), 'ff')"
            << "studio row studio was changed outside Accord: public_key";
    }

    void tamperingIsDetectedAndNamed() {
        QFETCH(QString, sql);
        QFETCH(QString, expected);
        const QString path = freshCopy(QTest::currentDataTag());
        tamper(path, sql);
        auto registry = Registry::open(path.toStdString());
        const AuditReport report = registry->verifyAudit();
        QVERIFY(!report.intact);
        QString all;
        for (const auto& p : report.problems)
            all += QString::fromStdString(p) + "\n";
        QVERIFY2(all.contains(expected), qPrintable("expected '" + expected + "' in:\n" + all));
    }

    void tamperingFromOutsideCannotBeRepairedByANewWrite() {
        const QString path = freshCopy("then-write");
        tamper(path, "UPDATE grants SET commercial = 1 WHERE id = 'g-2'");
        auto registry = Registry::open(path.toStdString());
        registry->addHolder("Cy", "");
        QVERIFY(!registry->verifyAudit().intact);
    }
};

QTEST_GUILESS_MAIN(AuditTamperTest)
#include "test_audit_tamper.moc"
