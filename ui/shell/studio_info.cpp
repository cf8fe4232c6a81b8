#include "accord/ui/shell/studio_info.h"

#ifndef ACCORD_VERSION
#error "ACCORD_VERSION must be defined by CMake (PROJECT_VERSION)"
#endif

namespace accord::ui {

QString applicationName() {
    return QStringLiteral("Accord");
}

QString applicationVersion() {
    return QStringLiteral(ACCORD_VERSION);
}

QString applicationDescription() {
    return QStringLiteral(ACCORD_DESCRIPTION);
}

QIcon applicationIcon() {
    // Compiled in by qt_add_resources (ui/CMakeLists.txt); scalable, rendered by the Qt SVG
    // icon engine at whatever size the desktop asks for.
    return QIcon(QStringLiteral(":/accord/icons/accord.svg"));
}

const accord::models::RuntimeInfo& modelRuntime() {
    static const accord::models::RuntimeInfo info = accord::models::configureRuntime(0);
    return info;
}

} // namespace accord::ui
