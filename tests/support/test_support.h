#pragma once

// Helpers shared by the Qt Test suites: real recordings, scratch registries, the real CLI.

#include <QByteArray>
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QString>
#include <QStringList>
#include <QtTest>

namespace accord::test {

// Root of the recordings fetched by scripts/fetch-material.sh.
inline QString materialRoot() {
    const QByteArray dir = qgetenv("ACCORD_MATERIAL_DIR");
    return dir.isEmpty() ? QDir::homePath() + "/.cache/accord/material" : QString::fromUtf8(dir);
}

// Path of a fetched recording, or empty when the material is absent.
inline QString materialFile(const QString& relative) {
    const QString path = materialRoot() + "/" + relative;
    return QFile::exists(path) ? path : QString();
}

// Declares `var` as the path of a recording, skipping the test with a clear message without it.
#define ACCORD_REQUIRE_MATERIAL(var, relative)                                                     \
    const QString var = accord::test::materialFile(relative);                                      \
    if (var.isEmpty())                                                                             \
        QSKIP(qPrintable("recording " + accord::test::materialRoot() + "/" + (relative) +          \
                         " is missing: run scripts/fetch-material.sh (needs the Debian and npm "   \
                         "registries)"));

struct CliResult {
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
    QJsonObject json() const { return QJsonDocument::fromJson(out).object(); }
};

// Runs the real accord-cli binary (path from $ACCORD_CLI, set by CTest).
inline CliResult runCli(const QStringList& arguments, const QString& registry = QString(),
                        int timeoutMs = 120000) {
    QProcess process;
    QStringList all;
    if (!registry.isEmpty())
        all << "--registry" << registry;
    all << arguments;
    process.start(QString::fromUtf8(qgetenv("ACCORD_CLI")), all);
    CliResult result;
    if (!process.waitForFinished(timeoutMs)) {
        process.kill();
        process.waitForFinished();
        result.err = "accord-cli timed out";
        return result;
    }
    result.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    result.out = process.readAllStandardOutput();
    result.err = process.readAllStandardError();
    return result;
}

// Runs a tool such as sox; fails the current test when it cannot.
inline bool runTool(const QString& program, const QStringList& arguments) {
    QProcess process;
    process.start(program, arguments);
    if (!process.waitForFinished(120000) || process.exitCode() != 0) {
        qWarning() << program << arguments << "failed:" << process.readAllStandardError();
        return false;
    }
    return true;
}

} // namespace accord::test
