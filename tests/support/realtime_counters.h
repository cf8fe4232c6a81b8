#pragma once

// Real-time safety counters (docs/TESTING.md): an executable that links realtime_counters.cpp
// replaces every global operator new/delete and interposes the pthread mutex and rwlock
// acquisitions (its definitions win over libc's for every caller, loaded plugins included, when
// it exports its symbols: ENABLE_EXPORTS). While `t_inCallback` is set on a thread, what that
// thread does is counted.

#include <atomic>

namespace accord::test {

extern thread_local bool t_inCallback; // static TLS of the executable: safe in any hook
extern std::atomic<long> g_allocations;
extern std::atomic<long> g_frees;
extern std::atomic<long> g_locks;

} // namespace accord::test
