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

#include <cerrno>
#include <cmath>
#include <csignal>
#include <cstring>
#include <exception>
#include <vector>

namespace accord::test {

// The message of the `E` that `work` throws: "NO ERROR" when it throws nothing, "WRONG
// EXCEPTION: ..." when it throws something else, so a comparison names what happened.
template <typename E, typename F> QString errorOf(F&& work) {
    try {
        work();
    } catch (const E& error) {
        return QString::fromUtf8(error.what());
    } catch (const std::exception& error) {
        return QString("WRONG EXCEPTION: ") + error.what();
    }
    return "NO ERROR";
}

// How long a test waits for a tool or an accord-cli run before calling it hung: a safety net, ten
// times and more what the slowest of them (the demo, ~1 min) takes on a loaded 2-core machine,
// never a speed requirement (benchmarks measure speed).
constexpr int kSafetyNetMs = 15 * 60 * 1000;

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
    // A top-level field of the JSON it printed as text: an id, a key, a file.
    QString field(const char* key) const { return json().value(key).toString(); }
};

// Runs the real accord-cli binary (path from $ACCORD_CLI, set by CTest).
inline CliResult runCli(const QStringList& arguments, const QString& registry = QString(),
                        int timeoutMs = kSafetyNetMs) {
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

// A rights holder added through accord-cli; their id (empty, with the error shown, on failure).
inline QString addHolder(const QString& registry, const QString& name) {
    const CliResult added = runCli({"--json", "holder", "add", "--name", name}, registry);
    if (added.exitCode != 0)
        qWarning() << "holder add" << name << "failed:" << added.err;
    return added.field("holder");
}

// A grant of `scope` on every asset of `holder`, to anyone in the studio, through accord-cli
// (`extra`: more of grant add's options, such as --share).
inline CliResult grantAllAssets(const QString& registry, const QString& holder,
                                const QString& scope, const QStringList& extra = {}) {
    return runCli(QStringList{"--json", "grant", "add", "--holder", holder, "--all-assets",
                              "--scope", scope} +
                      extra,
                  registry);
}

// A file's bytes, or none when it cannot be read.
inline QByteArray readAll(const QString& path) {
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

inline bool writeAll(const QString& path, const QByteArray& bytes) {
    QFile file(path);
    return file.open(QIODevice::WriteOnly | QIODevice::Truncate) &&
           file.write(bytes) == bytes.size();
}

// The four alsa voices (one speaker) registered through accord-cli as `owner`'s recordings, in
// order: enough to train a small voice model. Empty when the material is missing.
inline QStringList addTrainingVoices(const QString& registry, const QString& owner) {
    QStringList assets;
    for (const char* name : {"Front_Left", "Rear_Center", "Front_Right", "Rear_Left"}) {
        const QString file = materialFile(QString("alsa/%1.wav").arg(name));
        if (file.isEmpty())
            return {};
        assets
            << runCli({"--json", "asset", "add", file, "--owner", owner}, registry).field("asset");
    }
    return assets;
}

// Declares `var` as the four alsa voices registered as `owner`'s (addTrainingVoices), skipping the
// test with a clear message without them.
#define ACCORD_ADD_TRAINING_VOICES(var, registry, owner)                                           \
    const QStringList var = accord::test::addTrainingVoices(registry, owner);                      \
    if (var.isEmpty())                                                                             \
        QSKIP("the alsa voices are missing: run scripts/fetch-material.sh");

// A small voice model of `owner` trained through accord-cli on `takes` (`steps`: seconds), as
// `model`; whether it was (the error shown when not).
inline bool trainSmallVoiceModel(const QString& registry, const QString& owner,
                                 const QStringList& takes, const QString& model, int steps = 10) {
    QStringList train{"train", "voice", "--owner", owner,
                      "--out", model,   "--steps", QString::number(steps)};
    for (const auto& take : takes)
        train << "--asset" << take;
    const CliResult trained = runCli(train, registry);
    if (trained.exitCode != 0)
        qWarning() << "train voice failed:" << trained.err;
    return trained.exitCode == 0;
}

// Runs a tool such as sox; fails the current test when it cannot.
inline bool runTool(const QString& program, const QStringList& arguments) {
    QProcess process;
    process.start(program, arguments);
    if (!process.waitForFinished(kSafetyNetMs) || process.exitCode() != 0) {
        qWarning() << program << arguments << "failed:" << process.readAllStandardError();
        return false;
    }
    return true;
}

// What a tool such as soxi prints; empty when it fails.
inline QByteArray runToolOutput(const QString& program, const QStringList& arguments) {
    QProcess process;
    process.start(program, arguments);
    if (!process.waitForFinished(kSafetyNetMs) || process.exitCode() != 0)
        return {};
    return process.readAllStandardOutput();
}

// Eight channels in one WAV (sox -M of the eight alsa test words), or empty (the test is skipped
// or has failed) when the recordings or sox are missing.
inline QString eightChannelWav(const QString& folder) {
    QStringList arguments{"-M"};
    for (const char* name : {"Front_Center", "Front_Left", "Front_Right", "Rear_Center",
                             "Rear_Left", "Rear_Right", "Side_Left", "Side_Right"}) {
        const QString input = materialFile(QString("alsa/") + name + ".wav");
        if (input.isEmpty())
            return {};
        arguments << input;
    }
    const QString eight = folder + "/eight.wav";
    return runTool("sox", arguments << eight) ? eight : QString();
}

// A process id no process has now (for the leftovers of a "killed" process).
inline long deadProcessId() {
    for (long candidate = 4'000'000; candidate > 300'000; candidate -= 7919)
        if (::kill(static_cast<pid_t>(candidate), 0) != 0 && errno == ESRCH)
            return candidate;
    return 0;
}

// Raw little-endian float samples of a file as sox decodes it, with optional effects.
inline std::vector<float> soxFloats(const QString& file, const QStringList& effects = {}) {
    QProcess sox;
    sox.start("sox", QStringList{file, "-t", "raw", "-e", "floating-point", "-b", "32", "-L", "-"} +
                         effects);
    if (!sox.waitForFinished(kSafetyNetMs) || sox.exitCode() != 0) {
        qWarning() << "sox failed:" << sox.readAllStandardError();
        return {};
    }
    const QByteArray raw = sox.readAllStandardOutput();
    std::vector<float> samples(std::size_t(raw.size()) / sizeof(float));
    std::memcpy(samples.data(), raw.constData(), samples.size() * sizeof(float));
    return samples;
}

// Pearson correlation without removing the mean (audio is centred): 1 for identical shapes.
inline double correlation(const float* a, const float* b, std::size_t n) {
    double ab = 0, aa = 0, bb = 0;
    for (std::size_t i = 0; i < n; ++i) {
        ab += double(a[i]) * b[i];
        aa += double(a[i]) * a[i];
        bb += double(b[i]) * b[i];
    }
    return ab / std::sqrt(aa * bb);
}

} // namespace accord::test
