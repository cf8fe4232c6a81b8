#pragma once

// The main() of every studio test: settings, recovery files and caches stay in a scratch home,
// and the window looks as it does for users.

#include "accord/ui/common/studio_style.h"

#include <QApplication>
#include <QTemporaryDir>
#include <QtTest>

namespace accord::test {

template <typename TestObject> int runStudioTest(int argc, char** argv) {
    QTemporaryDir home;
    qputenv("XDG_CONFIG_HOME", home.filePath(QStringLiteral("config")).toUtf8());
    qputenv("XDG_DATA_HOME", home.filePath(QStringLiteral("data")).toUtf8());
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("AccordTests"));
    ui::applyStudioStyle(app);
    TestObject test;
    return QTest::qExec(&test, argc, argv);
}

} // namespace accord::test
