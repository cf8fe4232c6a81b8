#pragma once

// A command run as a child process, measured as the kernel counts it (wait4's rusage): its exit
// code, wall time, CPU time and peak resident memory, with its stdout and stderr read back. Tests
// bound what a command holds (test_audio_input), benchmarks time a command as a user runs it
// (bench_convert_cli).

#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include <chrono>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern char** environ;

namespace accord::test {

struct MeasuredChild {
    int exitCode = -1; // -1: could not start, or ended by a signal
    double wallSeconds = 0;
    double cpuSeconds = 0; // user + system
    long peakKiB = 0;      // ru_maxrss
    std::string out, err;
};

// Runs `command` (its first word found on PATH), stdout to `outPath` and stderr to `errPath`,
// both read back once it ends.
inline MeasuredChild runMeasuredChild(std::vector<std::string> command, const std::string& outPath,
                                      const std::string& errPath) {
    std::vector<char*> argv;
    for (std::string& word : command)
        argv.push_back(word.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, outPath.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                     0600);
    posix_spawn_file_actions_addopen(&actions, 2, errPath.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                     0600);
    MeasuredChild run;
    pid_t child = 0;
    const auto start = std::chrono::steady_clock::now();
    const int spawned = posix_spawnp(&child, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (spawned != 0) {
        run.err = command[0] + ": " + std::strerror(spawned);
        return run;
    }
    int status = 0;
    rusage usage{};
    if (wait4(child, &status, 0, &usage) == child) {
        run.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        const auto seconds = [](const timeval& t) {
            return double(t.tv_sec) + 1e-6 * double(t.tv_usec);
        };
        run.cpuSeconds = seconds(usage.ru_utime) + seconds(usage.ru_stime);
        run.peakKiB = usage.ru_maxrss;
    }
    run.wallSeconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const auto readBack = [](const std::string& path) {
        std::ifstream in(path);
        return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    };
    run.out = readBack(outPath);
    run.err = readBack(errPath);
    return run;
}

} // namespace accord::test
