#pragma once

// A throwaway PostgreSQL cluster for the ledger's tests and benchmark (docs/LEDGER.md "Tests"):
// Debian's initdb and pg_ctl on a temporary folder, listening on a Unix socket in that folder
// only (no TCP). PostgreSQL refuses to run as root, so as root it runs as the `postgres` user
// that Debian's package creates, owning the folder.

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>
#include <QThread>

#include <csignal>
#include <pwd.h>
#include <sys/types.h>
#include <unistd.h>

namespace accord::test {

class PostgresCluster {
public:
    PostgresCluster() = default;
    PostgresCluster(const PostgresCluster&) = delete;
    PostgresCluster& operator=(const PostgresCluster&) = delete;
    ~PostgresCluster() {
        if (started_)
            pgCtl({"stop", "-m", "immediate"});
    }

    // Makes and starts the cluster; empty on success, else why it cannot run here (the test then
    // skips saying so).
    QString start() {
        bin_ = binDir();
        if (bin_.isEmpty())
            return "PostgreSQL's server is not installed (Debian: apt-get install postgresql; "
                   "scripts/install-deps.sh installs it)";
        if (!dir_.isValid())
            return "cannot make a temporary folder";
        if (::geteuid() == 0) {
            const passwd* user = ::getpwnam("postgres");
            if (!user)
                return "running as root and there is no 'postgres' user to run the server as "
                       "(Debian's postgresql package creates it)";
            if (::chown(dir_.path().toLocal8Bit().constData(), user->pw_uid, user->pw_gid) != 0)
                return "cannot give the temporary folder to the 'postgres' user";
            runAs_ = {"runuser", "-u", "postgres", "--"};
        }
        const QString initLog = run(bin_ + "/initdb", {"-D", dataDir(), "-U", "postgres",
                                                       "--auth=trust", "-E", "UTF8", "--no-sync"});
        if (!initLog.isNull())
            return "initdb failed: " + initLog;
        const QString startLog = startServer();
        if (!startLog.isNull())
            return "the server did not start: " + startLog;
        return {};
    }

    // A libpq URI of one of the cluster's databases over its socket.
    QString url(const QString& database = QStringLiteral("postgres")) const {
        return "postgresql:///" + database + "?host=" + dir_.path() + "&user=postgres";
    }

    // What psql prints for `sql` (unaligned, tuples only), trimmed; a null string on failure only.
    // `timeoutMs` -1 waits as long as the server works (a benchmark's bulk load, whose length is
    // what it measures). SQL longer than one argument may be (Linux: 128 KiB; a version 5 query's
    // 20,000 hashes written out) goes through psql's input instead, where each statement runs
    // in a transaction of its own rather than all in one.
    QString psql(const QString& sql, int timeoutMs = 10 * 60 * 1000,
                 const QString& database = QStringLiteral("postgres")) const {
        constexpr int kLongestArgument = 100 * 1024; // under the kernel's limit, with room
        const bool throughInput = sql.toUtf8().size() > kLongestArgument;
        QProcess process;
        process.start(bin_ + "/psql",
                      QStringList{"-X", "-q", "-tA", "-v", "ON_ERROR_STOP=1", "-h", dir_.path(),
                                  "-U", "postgres", "-d", database} +
                          (throughInput ? QStringList{"-f", "-"} : QStringList{"-c", sql}));
        if (throughInput) {
            process.write(sql.toUtf8());
            process.closeWriteChannel();
        }
        if (!process.waitForFinished(timeoutMs) || process.exitCode() != 0)
            return QString();
        const QString out = QString::fromUtf8(process.readAllStandardOutput()).trimmed();
        return out.isNull() ? QStringLiteral("") : out; // success is never null
    }

    // An interactive psql session on the cluster (statements written to its stdin run in order),
    // to hold a transaction open while something else runs.
    std::unique_ptr<QProcess> session() const {
        auto process = std::make_unique<QProcess>();
        process->start(bin_ + "/psql",
                       {"-X", "-q", "-h", dir_.path(), "-U", "postgres", "-d", "postgres"});
        process->waitForStarted();
        return process;
    }

    // SIGKILL to the postmaster, as a crash or a pulled plug would stop it.
    bool killServer() {
        QFile pidFile(dataDir() + "/postmaster.pid");
        if (!pidFile.open(QIODevice::ReadOnly))
            return false;
        const pid_t pid = static_cast<pid_t>(pidFile.readLine().trimmed().toLong());
        return pid > 0 && ::kill(pid, SIGKILL) == 0;
    }

    // Starts the server again after killServer (crash recovery runs); empty on success. Its
    // former backends may still be leaving, holding the shared memory: it retries until they are
    // gone.
    QString restart() {
        QString log;
        for (int attempt = 0; attempt < 600; ++attempt) {
            log = startServer();
            if (log.isNull())
                return {};
            QThread::msleep(100);
        }
        return log;
    }

private:
    static QString binDir() {
        const QStringList versions =
            QDir("/usr/lib/postgresql").entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name);
        for (auto v = versions.rbegin(); v != versions.rend(); ++v)
            if (QFile::exists("/usr/lib/postgresql/" + *v + "/bin/pg_ctl"))
                return "/usr/lib/postgresql/" + *v + "/bin";
        return {};
    }

    QString dataDir() const { return dir_.path() + "/data"; }

    QString startServer() {
        const QString log = pgCtl({"start", "-w", "-l", dir_.path() + "/server.log", "-o",
                                   "-c listen_addresses='' -k " + dir_.path()});
        started_ = started_ || log.isNull();
        return log;
    }

    QString pgCtl(const QStringList& arguments) {
        return run(bin_ + "/pg_ctl", QStringList{"-D", dataDir()} + arguments);
    }

    // Runs a server tool (as `postgres` when we are root): a null string on success, else what
    // it printed.
    QString run(const QString& program, const QStringList& arguments) const {
        QProcess process;
        QStringList all = runAs_;
        all << program << arguments;
        process.start(all.takeFirst(), all);
        if (!process.waitForFinished(5 * 60 * 1000))
            return "timed out";
        if (process.exitStatus() == QProcess::NormalExit && process.exitCode() == 0)
            return QString();
        return QString::fromUtf8(process.readAllStandardError() + process.readAllStandardOutput())
            .trimmed();
    }

    QTemporaryDir dir_{QDir::tempPath() + "/accord-pg-XXXXXX"};
    QString bin_;
    QStringList runAs_;
    bool started_ = false;
};

} // namespace accord::test

// Starts a throwaway server named `cluster` in a Qt test, or skips the test saying why.
#define ACCORD_START_POSTGRES(cluster)                                                             \
    accord::test::PostgresCluster cluster;                                                         \
    if (const QString why = cluster.start(); !why.isEmpty())                                       \
        QSKIP(qPrintable("no throwaway PostgreSQL server here: " + why));
