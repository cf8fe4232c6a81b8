#pragma once

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <vector>

#include <time.h>

namespace accord::bench {

inline double secondsOf(const std::function<void()>& work) {
    const auto start = std::chrono::steady_clock::now();
    work();
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

struct Timing {
    double median = 0, min = 0, max = 0;
};

inline Timing timingOf(std::vector<double> times) {
    std::sort(times.begin(), times.end());
    return {times[times.size() / 2], times.front(), times.back()};
}

// The value `fraction` of the way up the sorted values, rounded down (0.5: the median, 0.95: the
// 95th percentile), one of the values; 0 for none.
inline double percentile(std::vector<double> values, double fraction) {
    if (values.empty())
        return 0;
    std::sort(values.begin(), values.end());
    return values[std::size_t(fraction * double(values.size() - 1))];
}

inline Timing repeat(int runs, const std::function<void()>& work) {
    std::vector<double> times;
    for (int i = 0; i < runs; ++i)
        times.push_back(secondsOf(work));
    return timingOf(std::move(times));
}

inline void report(const std::string& what, const Timing& t, const char* unit = "ms",
                   double scale = 1e3) {
    std::printf("  %-58s median %9.3f %s   (min %.3f, max %.3f)\n", what.c_str(), t.median * scale,
                unit, t.min * scale, t.max * scale);
}

// The calling thread's CPU time: on a busy shared machine, what a callback cost, unlike the wall
// clock.
inline double threadCpuSeconds() {
    timespec now{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
    return double(now.tv_sec) + 1e-9 * double(now.tv_nsec);
}

// The whole process's CPU time, all threads: what work spread over workers cost.
inline double processCpuSeconds() {
    timespec now{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
    return double(now.tv_sec) + 1e-9 * double(now.tv_nsec);
}

// Per-callback costs: their mean, 99th and 99.9th percentiles and the worst.
struct Summary {
    double mean = 0, p99 = 0, p999 = 0, worst = 0;
};

inline Summary summarise(std::vector<double> values) {
    std::sort(values.begin(), values.end());
    Summary s;
    for (double v : values)
        s.mean += v;
    s.mean /= double(values.size());
    s.p99 = values[values.size() * 99 / 100];
    s.p999 = values[values.size() * 999 / 1000];
    s.worst = values.back();
    return s;
}

// A benchmark knob from the environment, or `fallback` when unset or empty.
inline double envNumber(const char* name, double fallback) {
    const char* value = std::getenv(name);
    return value && *value ? std::atof(value) : fallback;
}

// A comma-separated list of numbers from the environment ("1,10,30"), or `fallback`'s when unset
// or empty.
inline std::vector<double> envNumbers(const char* name, const char* fallback) {
    const char* value = std::getenv(name);
    const std::string text = value && *value ? value : fallback;
    std::vector<double> numbers;
    for (std::size_t start = 0; start < text.size();) {
        const std::size_t comma = std::min(text.find(',', start), text.size());
        numbers.push_back(std::atof(text.substr(start, comma - start).c_str()));
        start = comma + 1;
    }
    return numbers;
}

// Where scripts/fetch-material.sh put the real recordings (ACCORD_MATERIAL_DIR overrides).
inline std::string materialRoot() {
    if (const char* dir = std::getenv("ACCORD_MATERIAL_DIR"); dir && *dir)
        return dir;
    const char* home = std::getenv("HOME");
    return std::string(home && *home ? home : "/tmp") + "/.cache/accord/material";
}

inline std::string scratchFolder(const char* name) {
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp") + "/" + name + "-XXXXXX";
    if (!mkdtemp(pattern.data())) {
        std::perror("mkdtemp");
        std::exit(1);
    }
    return pattern;
}

} // namespace accord::bench
