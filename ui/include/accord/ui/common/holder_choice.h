#pragma once

// A choice of rights holder ("Working as", "Export as"): nobody in particular first, then the
// registry's holders by name, their ids in the tooltips.

#include <QString>

class QComboBox;

namespace accord {
class Registry;
}

namespace accord::ui {

// Refills `box` without signalling: `nobody` (empty id), then each holder of `registry` (none
// when it is null or cannot be read: the panels report that). Selects `keep` when listed, else
// `nobody`.
void fillHolderChoice(QComboBox* box, const accord::Registry* registry, const QString& nobody,
                      const QString& keep);

} // namespace accord::ui
