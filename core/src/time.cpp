#include "accord/core/time.h"

#include "accord/core/errors.h"

#include <cstdio>
#include <ctime>

namespace accord {

UnixTime currentTime() {
    return static_cast<UnixTime>(std::time(nullptr));
}

std::string formatIsoTime(UnixTime t) {
    const std::time_t seconds = static_cast<std::time_t>(t);
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
    return text;
}

std::string formatIsoDate(UnixTime t) {
    return formatIsoTime(t).substr(0, 10);
}

UnixTime parseIsoTime(const std::string& text, const std::string& what) {
    int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
    char tail = 0;
    const bool dateOnly = text.size() == 10 && std::sscanf(text.c_str(), "%4d-%2d-%2d%c", &year,
                                                           &month, &day, &tail) == 3;
    const bool dateTime = !dateOnly && text.size() == 20 &&
                          std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2dZ%c", &year, &month,
                                      &day, &hour, &minute, &second, &tail) == 6;
    if (!dateOnly && !dateTime)
        throw BadInput(what + ": '" + text + "' is not a date (expected YYYY-MM-DD)");
    std::tm utc{};
    utc.tm_year = year - 1900;
    utc.tm_mon = month - 1;
    utc.tm_mday = day;
    utc.tm_hour = hour;
    utc.tm_min = minute;
    utc.tm_sec = second;
    const std::time_t seconds = timegm(&utc);
    // timegm normalises 2026-02-31 to March: a round trip exposes impossible dates.
    std::tm check{};
    gmtime_r(&seconds, &check);
    if (check.tm_year != year - 1900 || check.tm_mon != month - 1 || check.tm_mday != day ||
        hour > 23 || minute > 59 || second > 59)
        throw BadInput(what + ": '" + text + "' is not a valid date");
    return static_cast<UnixTime>(seconds);
}

} // namespace accord
