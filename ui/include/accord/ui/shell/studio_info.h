#pragma once

// Who the studio is: name, version, icon and the model runtime it configured.

#include "accord/models/runtime.h"

#include <QIcon>
#include <QString>

namespace accord::ui {

QString applicationName();        // "Accord"
QString applicationVersion();     // the CMake PROJECT_VERSION, e.g. "0.1.0"
QString applicationDescription(); // the CMake PROJECT_DESCRIPTION
QIcon applicationIcon();          // from the resources compiled into accord_ui

// Configures LibTorch once (threads = the usable cores) on first call and returns what is in
// effect. The studio calls it at start-up so no model ever runs on an unconfigured runtime.
const accord::models::RuntimeInfo& modelRuntime();

} // namespace accord::ui
