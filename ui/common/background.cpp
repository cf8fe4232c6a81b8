#include "accord/ui/common/background.h"

#if defined(__linux__)
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

namespace accord::ui {

namespace {
constexpr int kBackgroundNice = 10;
}

void backgroundPriority() {
#if defined(__linux__)
    thread_local bool lowered = false;
    if (lowered)
        return;
    lowered = true;
    // On Linux the nice value is per thread (a thread id is a process id to setpriority).
    const auto tid = static_cast<id_t>(::syscall(SYS_gettid));
    if (::getpriority(PRIO_PROCESS, tid) < kBackgroundNice)
        ::setpriority(PRIO_PROCESS, tid, kBackgroundNice);
#endif
}

} // namespace accord::ui
