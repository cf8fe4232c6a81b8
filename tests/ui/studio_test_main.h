#pragma once

// The main() of every studio test: settings, recovery files and caches stay in a scratch home,
// and the window looks as it does for users.

#include "accord/ui/common/studio_style.h"

#include <QApplication>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

namespace accord::test {

// Offscreen, the studio sees a laptop's screen (1366×768 at 96 dpi), the smallest it must fit.
inline void useALaptopScreen(const QTemporaryDir& home) {
    if (qgetenv("QT_QPA_PLATFORM") != "offscreen")
        return;
    const QString config = home.filePath(QStringLiteral("laptop-screen.json"));
    QFile file(config);
    if (!file.open(QIODevice::WriteOnly) ||
        file.write(R"({"screens": [{"name": "laptop", "x": 0, "y": 0, "width": 1366,
                       "height": 768, "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}]})") < 0)
        qFatal("cannot write %s", qPrintable(config));
    qputenv("QT_QPA_PLATFORM", ("offscreen:configfile=" + config).toUtf8());
}

template <typename TestObject> int runStudioTest(int argc, char** argv) {
    QTemporaryDir home;
    qputenv("XDG_CONFIG_HOME", home.filePath(QStringLiteral("config")).toUtf8());
    qputenv("XDG_DATA_HOME", home.filePath(QStringLiteral("data")).toUtf8());
    useALaptopScreen(home);
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("AccordTests"));
    ui::applyStudioStyle(app);
    TestObject test;
    return QTest::qExec(&test, argc, argv);
}

} // namespace accord::test
