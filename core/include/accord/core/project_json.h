#pragma once

// Parts of the `.accord` project's JSON (docs/PROJECT.md) that the CLI shows as the file spells
// them.

#include "accord/core/project.h"

#include <nlohmann/json.hpp>

namespace accord {

// {"on", "bands": [{"type", "frequency_hz", "gain_db", "q"}]}
nlohmann::json trackEqJson(const TrackEq& eq);

} // namespace accord
