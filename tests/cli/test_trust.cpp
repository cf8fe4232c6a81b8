// Whom `verify` trusts, through the real accord-cli (docs/CLI.md "trust", "verify"): the trust
// store's commands, and proofs re-signed by keys nobody here trusts.

#include "test_support.h"

#include <QJsonArray>
#include <QTemporaryDir>

using accord::test::runCli;

class TrustTest : public QObject {
    Q_OBJECT

    QTemporaryDir dir;

    // A holder's key made in a registry of its own: another studio's, as a key to trust comes.
    QString keyFromAnotherStudio(const QString& name) {
        return runCli({"--json", "holder", "add", "--name", name},
                      dir.filePath("other-" + name + ".sqlite"))
            .json()
            .value("public_key")
            .toString();
    }

private slots:
    void trustCommandsKeepEveryChange() {
        const QString registry = dir.filePath("commands.sqlite");
        const QString adaKey = runCli({"--json", "holder", "add", "--name", "Ada"}, registry)
                                   .json()
                                   .value("public_key")
                                   .toString();
        const QString key = keyFromAnotherStudio("Zed");
        QCOMPARE(key.size(), 64);

        auto r =
            runCli({"--json", "trust", "add", key.toUpper(), "--name", "Zed at Other"}, registry);
        QVERIFY2(r.exitCode == 0, r.out.constData());
        QCOMPARE(r.json().value("public_key").toString(), key);
        QCOMPARE(r.json().value("name").toString(), QString("Zed at Other"));
        QVERIFY(r.json().value("removed").isNull());
        QVERIFY(!r.json().value("added").toString().isEmpty());

        // Refused, each naming what is wrong; nothing changes.
        const std::pair<QStringList, QString> refusals[] = {
            {{"trust", "add", key, "--name", "Again"}, "trusted already, as 'Zed at Other'"},
            {{"trust", "add", adaKey, "--name", "Ada"}, "a rights holder on record"},
            {{"trust", "add", "h-1", "--name", "Ada"}, "64 hexadecimal digits"},
            {{"trust", "add", QString(64, 'f'), "--name", "F"}, "not an Ed25519 public key"},
            {{"trust", "add", keyFromAnotherStudio("Cy"), "--name", ""}, "must not be empty"},
            {{"trust", "remove", adaKey}, "not in the trust store"}};
        for (const auto& [command, message] : refusals) {
            r = runCli(QStringList{"--json"} + command, registry);
            QVERIFY2(r.exitCode == 2, qPrintable(command.join(' ') + ": " + r.out));
            QVERIFY2(
                r.json().value("error").toObject().value("message").toString().contains(message),
                qPrintable(command.join(' ') + ": " + r.out));
        }
        QCOMPARE(runCli({"trust", "add", key}, registry).exitCode, 1); // no --name
        QCOMPARE(runCli({"trust", "remove"}, registry).exitCode, 1);

        r = runCli({"--json", "trust", "remove", key}, registry);
        QCOMPARE(r.exitCode, 0);
        QVERIFY(!r.json().value("removed").toString().isEmpty());
        QCOMPARE(runCli({"trust", "remove", key}, registry).exitCode, 2);
        QCOMPARE(runCli({"trust", "add", key, "--name", "Zed, again"}, registry).exitCode, 0);

        // Listed in order, the removed entry kept with its time.
        const QJsonArray listed =
            runCli({"--json", "trust", "list"}, registry).json().value("trusted_keys").toArray();
        QCOMPARE(listed.size(), 2);
        QCOMPARE(listed.at(0).toObject().value("name").toString(), QString("Zed at Other"));
        QVERIFY(!listed.at(0).toObject().value("removed").isNull());
        QCOMPARE(listed.at(1).toObject().value("name").toString(), QString("Zed, again"));
        QVERIFY(listed.at(1).toObject().value("removed").isNull());
        const QByteArray text = runCli({"trust", "list"}, registry).out;
        QVERIFY2(text.contains("removed ") && text.contains("trusted since "), text.constData());

        // Every change is in the audit log, and replaying it rebuilds the store.
        QStringList ops;
        for (const auto& entry :
             runCli({"--json", "audit", "log"}, registry).json().value("entries").toArray())
            if (entry.toObject().value("table").toString() == "trusted_keys")
                ops << entry.toObject().value("op").toString();
        QCOMPARE(ops, (QStringList{"trust.add", "trust.remove", "trust.add"}));
        QCOMPARE(runCli({"audit", "verify"}, registry).exitCode, 0);
    }
};

QTEST_GUILESS_MAIN(TrustTest)
#include "test_trust.moc"
