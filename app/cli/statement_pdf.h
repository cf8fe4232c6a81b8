#pragma once

#include "accord/workflows/statement.h"

#include <string>

namespace accord::cli {

// Writes `statement` as a PDF at `path` through Qt's PDF writer. Only accord-cli-models links it:
// Qt's GUI library and the ~60 libraries it loads cost every accord-cli process ~7 ms of CPU, 1.5%
// of a convert (docs/ARCHITECTURE.md "Startup cost of LibTorch").
void writeStatementPdfOffscreen(const workflows::RoyaltyStatement& statement,
                                const std::string& path);

} // namespace accord::cli
