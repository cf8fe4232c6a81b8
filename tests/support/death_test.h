#pragma once

// Runs code that must abort (a thread check, docs/ARCHITECTURE.md "Threads") in a forked child
// and reports how the child ended and what it wrote to stderr.

#include <QString>

#include <functional>

#include <csignal>
#include <sys/wait.h>
#include <unistd.h>

namespace accord::test {

struct ChildEnd {
    bool aborted = false; // ended by SIGABRT
    QString stderrText;
};

inline ChildEnd runInChild(const std::function<void()>& work) {
    int pipeEnds[2];
    if (::pipe(pipeEnds) != 0)
        return {};
    const pid_t child = ::fork();
    if (child == 0) {
        ::dup2(pipeEnds[1], STDERR_FILENO);
        ::close(pipeEnds[0]);
        work();
        ::_exit(0);
    }
    ::close(pipeEnds[1]);
    QByteArray text;
    char buffer[512];
    for (ssize_t n; (n = ::read(pipeEnds[0], buffer, sizeof buffer)) > 0;)
        text.append(buffer, int(n));
    ::close(pipeEnds[0]);
    int status = 0;
    ::waitpid(child, &status, 0);
    return {WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT, QString::fromUtf8(text)};
}

} // namespace accord::test
