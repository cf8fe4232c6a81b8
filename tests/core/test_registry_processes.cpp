// Crash safety (SIGKILL mid-write) and two processes writing at once, on a real registry file.

#include "accord/core/crypto.h"
#include "accord/core/errors.h"
#include "accord/core/registry.h"

#include "test_support.h"

#include <QDir>
#include <QProcess>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QtTest>
#include <sqlite3.h>

using namespace accord;

namespace {

QString integrityCheck(const QString& path) {
    sqlite3* db = nullptr;
    sqlite3_open(path.toUtf8().constData(), &db);
    sqlite3_stmt* statement = nullptr;
    sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &statement, nullptr);
    QString result;
    while (sqlite3_step(statement) == SQLITE_ROW)
        result += reinterpret_cast<const char*>(sqlite3_column_text(statement, 0));
    sqlite3_finalize(statement);
    sqlite3_close(db);
    return result;
}

QString writerPath() {
    return QString::fromUtf8(qgetenv("ACCORD_REGISTRY_WRITER"));
}

} // namespace

class RegistryProcessesTest : public QObject {
    Q_OBJECT

    QTemporaryDir dir;

    QString makeRegistry(const QString& name) {
        const QString path = dir.filePath(name);
        auto registry = Registry::open(path.toStdString());
        const Holder ada = registry->addHolder("Ada", "");
        registry->addAsset({ada.id,
                            {sha256Hex("f"), sha256Hex("p"), 1, 48000, 1},
                            "",
                            AssetOrigin::Recorded,
                            "/take.wav"});
        return path;
    }

    void startWriter(QProcess& process, const QString& registry, int count) {
        process.start(writerPath(), {registry, "h-1", "a-1", QString::number(count)});
        QVERIFY(process.waitForStarted());
        QVERIFY(process.waitForReadyRead(accord::test::kSafetyNetMs)); // "ready": it is open
    }

private slots:
    // What the studio's registry watcher relies on (docs/ARCHITECTURE.md "Registry watcher").
    void othersChangeCountMovesOnlyForOthersCommits() {
        const QString path = makeRegistry("watched.sqlite");
        auto studio = Registry::open(path.toStdString());
        auto worker = Registry::open(path.toStdString());
        const std::int64_t before = studio->othersChangeCount();
        QVERIFY(!worker->holders().empty()); // another connection reading changes nothing
        QCOMPARE(studio->othersChangeCount(), before);
        studio->addHolder("Bo", ""); // nor does this connection's own write
        QCOMPARE(studio->othersChangeCount(), before);
        worker->addHolder("Cy", "");
        QVERIFY(studio->othersChangeCount() != before);
        const std::int64_t after = studio->othersChangeCount();
        QProcess writer; // another process's commits count too
        startWriter(writer, path, 1);
        QVERIFY(writer.waitForFinished(accord::test::kSafetyNetMs));
        QCOMPARE(writer.exitCode(), 0);
        QVERIFY(studio->othersChangeCount() != after);
    }

    // A holder whose row is not kept (here the database refuses the insert, as a full disk
    // would) leaves no private key behind.
    void aFailedHolderAddLeavesNoKeyFile() {
        QTemporaryDir scratch;
        const QString path = scratch.filePath("registry.sqlite");
        accord::Registry::open(path.toStdString())->addHolder("Ada", "");
        sqlite3* db = nullptr;
        QCOMPARE(sqlite3_open(path.toUtf8().constData(), &db), SQLITE_OK);
        QCOMPARE(sqlite3_exec(db,
                              "CREATE TRIGGER refuse BEFORE INSERT ON holders BEGIN SELECT "
                              "RAISE(ABORT, 'database or disk is full'); END",
                              nullptr, nullptr, nullptr),
                 SQLITE_OK);
        sqlite3_close(db);
        const QStringList before = QDir(path + ".keys").entryList(QDir::Files);
        auto registry = accord::Registry::open(path.toStdString());
        QVERIFY_THROWS_EXCEPTION(accord::BadInput, registry->addHolder("Bo", ""));
        QCOMPARE(QDir(path + ".keys").entryList(QDir::Files), before);
    }

    void sigkillMidWriteLeavesAConsistentRegistry() {
        const QString path = makeRegistry("crash.sqlite");
        std::size_t grantsBefore = 0;
        for (int round = 0; round < 8; ++round) {
            QProcess writer;
            startWriter(writer, path, 100000);
            // Killed at a random moment after its first grant, however slow the machine.
            while (!writer.readAll().contains("wrote"))
                QVERIFY(writer.waitForReadyRead(accord::test::kSafetyNetMs));
            QTest::qWait(static_cast<int>(QRandomGenerator::global()->bounded(0, 200)));
            writer.kill(); // SIGKILL
            QVERIFY(writer.waitForFinished(accord::test::kSafetyNetMs));
            QCOMPARE(writer.exitStatus(), QProcess::CrashExit);

            QCOMPARE(integrityCheck(path), QString("ok"));
            auto registry = Registry::open(path.toStdString());
            const AuditReport report = registry->verifyAudit();
            QVERIFY2(report.intact, report.problems.empty() ? "" : report.problems.front().c_str());
            // Every grant that exists is whole: its own audit entry, all its terms.
            const auto grants = registry->grants();
            QVERIFY2(grants.size() > grantsBefore, "the writer made no progress before the kill");
            for (const auto& grant : grants)
                QVERIFY(!grant.terms.attribution.empty());
            grantsBefore = grants.size();
        }
    }

    void twoProcessesWritingAtOnceLoseNothing() {
        const QString path = makeRegistry("race.sqlite");
        const int perWriter = 150;
        QProcess first, second;
        startWriter(first, path, perWriter);
        startWriter(second, path, perWriter);
        QVERIFY(first.waitForFinished(accord::test::kSafetyNetMs));
        QVERIFY(second.waitForFinished(accord::test::kSafetyNetMs));
        QCOMPARE(first.exitCode(), 0);
        QCOMPARE(second.exitCode(), 0);

        QCOMPARE(integrityCheck(path), QString("ok"));
        auto registry = Registry::open(path.toStdString());
        const auto grants = registry->grants();
        QCOMPARE(grants.size(), std::size_t(2 * perWriter));
        QSet<QString> ids, attributions;
        for (const auto& grant : grants) {
            ids.insert(QString::fromStdString(grant.id));
            attributions.insert(QString::fromStdString(grant.terms.attribution));
        }
        QCOMPARE(ids.size(), 2 * perWriter);
        QCOMPARE(attributions.size(), 2 * perWriter);
        const AuditReport report = registry->verifyAudit();
        QVERIFY2(report.intact, report.problems.empty() ? "" : report.problems.front().c_str());
    }
};

QTEST_GUILESS_MAIN(RegistryProcessesTest)
#include "test_registry_processes.moc"
