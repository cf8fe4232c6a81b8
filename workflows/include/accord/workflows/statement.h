#pragma once

// Royalty statements (docs/STATEMENTS.md): every export whose split sheet names a holder, read
// back from the manifests the registry keeps, with what the holder earns in each. Reads only: asks
// no consent, writes no lineage.

#include "accord/core/registry.h"

#include <optional>
#include <string>
#include <vector>

namespace accord::workflows {

struct StatementLine {
    std::string exportId;
    std::string exportedAt; // ISO 8601, UTC
    std::string title;      // the release: the project's title
    std::string file;       // the exported file's name
    std::string role;       // "mix" or "stem"
    double seconds = 0;     // the file's length
    double percent = 0;     // the holder's share in its split sheet
    std::string howMade;    // its parts: tracks, the models they ran through, what is generated
    std::string terms;      // the holder's grants relied on, with their terms
    bool commercial = false;
};

struct RoyaltyStatement {
    Holder holder;
    std::optional<UnixTime> from, to; // exports at or after `from`, before `to`
    std::vector<StatementLine> lines; // oldest first
    int releases = 0;                 // distinct titles
    // Seconds of exported audio weighted by the holder's share: what the shares add up to.
    double creditedSeconds = 0;
};

// Throws BadInput for an unknown holder or a manifest the registry holds that cannot be read
// (naming the export).
RoyaltyStatement royaltyStatement(const Registry& registry, const std::string& holderId,
                                  std::optional<UnixTime> from = {},
                                  std::optional<UnixTime> to = {});

// One row per line, `export,exported_at,title,file,role,seconds,percent,credited_seconds,
// how_made,terms,commercial` (RFC 4180 quoting), then a `total` row.
std::string royaltyStatementCsv(const RoyaltyStatement& statement);

} // namespace accord::workflows
