#pragma once

#include <string>
#include <vector>

namespace accord::schema {

// Migration N (1-based) brings a registry from user_version N-1 to N. Never edit a released
// migration: add a new one.
const std::vector<std::string>& migrations();

// The tables whose every row is reproduced by replaying the audit log, in dependency order.
const std::vector<std::string>& auditedTables();

} // namespace accord::schema
