#pragma once

// The models, packs and exports' manifests a studio publishes to the shared ledger
// (docs/LEDGER.md "Models, packs and manifests").

#include "accord/core/registry.h"
#include "accord/ledger/ledger.h"
#include "accord/workflows/ledger_sync.h"

#include <nlohmann/json.hpp>

#include <functional>

namespace accord::workflows {

// Sends, per kind, the records after the count `cursors` holds (`{"model": N, "pack": N,
// "manifest": N}`, indices into the registry's models, packs and exports, which only grow), in
// batches; after each batch commits, moves the cursor and calls `saved` with the count sent so far.
// Model records are signed here with the studio's key for models trained here; pack records for
// packs imported here; manifests are sent as their exporter signed them.
LedgerRecordsPushed pushRecords(const Registry& registry, ledger::Ledger& ledger,
                                nlohmann::json& cursors, std::size_t batch,
                                const std::function<void(std::size_t sent)>& saved);

} // namespace accord::workflows
