// The trust store (docs/CLI.md "trust"): keys the user chose to trust, kept in the registry,
// removed without deleting, replayed by the audit log; an older registry gains it on opening.

#include "accord/core/crypto.h"
#include "accord/core/errors.h"
#include "accord/core/registry.h"

#include <QTemporaryDir>
#include <QtTest>

#include "raw_sql.h"

#include <algorithm>
#include <cctype>
#include <functional>

using namespace accord;

namespace {

std::string freshKey() {
    return toHex(generateKeyPair().publicKey);
}

QString badInputOf(const std::function<void()>& work) {
    try {
        work();
    } catch (const BadInput& e) {
        return QString::fromUtf8(e.what());
    }
    return QString();
}

} // namespace

class TrustStoreTest : public QObject {
    Q_OBJECT

    QTemporaryDir dir;

private slots:
    void addListRemoveAndAddAgain() {
        auto registry = Registry::open(dir.filePath("store.sqlite").toStdString());
        const std::string key = freshKey();
        std::string upper = key;
        std::transform(upper.begin(), upper.end(), upper.begin(),
                       [](unsigned char c) { return char(std::toupper(c)); });
        const TrustedKey added = registry->trustKey(upper, "Label Records");
        QCOMPARE(added.id, std::string("k-1"));
        QCOMPARE(added.publicKey, key); // stored in lower case, as verify prints keys
        QCOMPARE(added.name, std::string("Label Records"));
        QVERIFY(!added.removedAt);
        QCOMPARE(registry->trustedKey(key)->id, added.id);

        const TrustedKey removed = registry->untrustKey(key);
        QVERIFY(removed.removedAt);
        QVERIFY(!registry->trustedKey(key));
        // Trusted again: a new row; the old one stays as it was, removed.
        const TrustedKey again = registry->trustKey(key, "Label Records (new deal)");
        QCOMPARE(again.id, std::string("k-2"));
        const auto all = registry->trustedKeys();
        QCOMPARE(all.size(), std::size_t(2));
        QVERIFY(all[0].removedAt);
        QVERIFY(!all[1].removedAt);
        QCOMPARE(registry->trustedKey(key)->name, std::string("Label Records (new deal)"));

        const AuditReport report = registry->verifyAudit();
        QVERIFY2(report.intact, report.problems.empty() ? "" : report.problems.front().c_str());
        QStringList ops;
        for (const auto& entry : registry->auditLog())
            if (entry.table == "trusted_keys")
                ops << QString::fromStdString(entry.op + " " + entry.rowId);
        QCOMPARE(ops, (QStringList{"trust.add k-1", "trust.remove k-1", "trust.add k-2"}));
    }

    void whatCannotBeTrustedIsBadInputNamingIt() {
        auto registry = Registry::open(dir.filePath("refusals.sqlite").toStdString());
        const Holder ada = registry->addHolder("Ada", "");
        const std::string key = freshKey();
        registry->trustKey(key, "Bo");
        const std::pair<QString, std::function<void()>> refusals[] = {
            {"64 hexadecimal digits", [&] { registry->trustKey("1a2b", "Short"); }},
            {"64 hexadecimal digits",
             [&] { registry->trustKey(std::string(63, 'a') + "g", "Not hex"); }},
            {"not a point of the curve",
             [&] { registry->trustKey(std::string(64, 'f'), "Not a point"); }},
            {"must not be empty", [&] { registry->trustKey(freshKey(), ""); }},
            {"this studio's own key",
             [&] { registry->trustKey(registry->studioPublicKey(), "Us"); }},
            {"Ada (h-1), a rights holder on record",
             [&] { registry->trustKey(ada.publicKey, "A"); }},
            {"trusted already, as 'Bo'", [&] { registry->trustKey(key, "Bo again"); }},
            {"not in the trust store", [&] { registry->untrustKey(freshKey()); }},
            {"not in the trust store", [&] { registry->untrustKey(ada.publicKey); }},
        };
        for (const auto& [expected, work] : refusals) {
            const QString message = badInputOf(work);
            QVERIFY2(message.contains(expected), qPrintable(expected + " <> " + message));
        }
        QCOMPARE(registry->trustedKeys().size(), std::size_t(1));
        QVERIFY(registry->verifyAudit().intact);
    }

    // A registry of schema 2 (before the trust store) opens, migrates, keeps its audit chain
    // intact, and its trust store is audited from the first key on.
    void anOlderRegistryGainsTheTrustStore() {
        const QString path = dir.filePath("older.sqlite");
        {
            auto registry = Registry::open(path.toStdString());
            registry->addHolder("Ada", "");
        }
        // What a registry of schema 2 is: the same without the trust store.
        QVERIFY(test::runRawSql(path, "DROP TABLE trusted_keys; DROP TABLE midi_assets; "
                                      "DROP TABLE asset_scans; DROP TABLE asset_contents; "
                                      "DROP TABLE grant_statements; DROP TABLE foreign_assets; "
                                      "DROP TABLE foreign_grants; DROP TABLE packs; "
                                      "PRAGMA user_version = 2;") >= 0);
        auto registry = Registry::open(path.toStdString());
        QCOMPARE(Registry::schemaVersion(), 8);
        QVERIFY(registry->trustedKeys().empty());
        QVERIFY(registry->verifyAudit().intact);
        const std::string key = freshKey();
        registry->trustKey(key, "Label");
        registry->untrustKey(key);
        const AuditReport report = registry->verifyAudit();
        QVERIFY2(report.intact, report.problems.empty() ? "" : report.problems.front().c_str());
        QCOMPARE(report.entries, std::int64_t(4)); // studio, holder, trust.add, trust.remove
    }
};

QTEST_GUILESS_MAIN(TrustStoreTest)
#include "test_trust_store.moc"
