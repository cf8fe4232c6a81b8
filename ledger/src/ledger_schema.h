#pragma once

#include "postgres.h"

#include <string>
#include <vector>

namespace accord::ledger::schema {

// Migration N (1-based) brings a ledger from version N-1 to N, as the registry's do
// (core/src/registry/schema.h). Never edit a released migration: add a new one.
const std::vector<std::string>& migrations();

// Creates or migrates the schema in one transaction under an advisory lock, so studios connecting
// at once migrate it once. Throws BadInput when the server's ledger is newer than this Accord.
void migrate(pq::Connection& connection);

} // namespace accord::ledger::schema
