#pragma once

#include <cstdint>
#include <string>

namespace accord {

// Seconds since the Unix epoch, UTC. Stored and printed as ISO 8601 ("2026-11-23T21:54:01Z").
using UnixTime = std::int64_t;

UnixTime currentTime();
std::string formatIsoTime(UnixTime t);
std::string formatIsoDate(UnixTime t);
// Accepts "YYYY-MM-DD" (midnight UTC) and "YYYY-MM-DDTHH:MM:SSZ"; throws BadInput naming `what`.
UnixTime parseIsoTime(const std::string& text, const std::string& what);

} // namespace accord
