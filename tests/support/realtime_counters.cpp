// The counters of realtime_counters.h: the replaced operators and the interposed locks.

#include "realtime_counters.h"

#include <dlfcn.h>
#include <pthread.h>

#include <cstddef>
#include <cstdlib>
#include <new>

namespace accord::test {

thread_local bool t_inCallback = false;
std::atomic<long> g_allocations{0};
std::atomic<long> g_frees{0};
std::atomic<long> g_locks{0};

} // namespace accord::test

using accord::test::g_allocations;
using accord::test::g_frees;
using accord::test::g_locks;
using accord::test::t_inCallback;

namespace {

void* allocate(std::size_t size, std::size_t alignment = 0) {
    if (t_inCallback)
        ++g_allocations;
    void* memory = nullptr;
    if (alignment > alignof(std::max_align_t)) {
        if (posix_memalign(&memory, alignment, size == 0 ? 1 : size) != 0)
            memory = nullptr;
    } else {
        memory = std::malloc(size == 0 ? 1 : size);
    }
    return memory;
}

void release(void* memory) {
    if (memory == nullptr)
        return;
    if (t_inCallback)
        ++g_frees;
    std::free(memory);
}

template <typename Function> Function real(const char* name) {
    return reinterpret_cast<Function>(dlsym(RTLD_NEXT, name));
}

} // namespace

// ---- allocation counter: every replaceable global operator new/delete ----
void* operator new(std::size_t size) {
    if (void* memory = allocate(size))
        return memory;
    throw std::bad_alloc();
}
void* operator new[](std::size_t size) {
    if (void* memory = allocate(size))
        return memory;
    throw std::bad_alloc();
}
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
    return allocate(size);
}
void* operator new[](std::size_t size, const std::nothrow_t&) noexcept {
    return allocate(size);
}
void* operator new(std::size_t size, std::align_val_t alignment) {
    if (void* memory = allocate(size, std::size_t(alignment)))
        return memory;
    throw std::bad_alloc();
}
void* operator new[](std::size_t size, std::align_val_t alignment) {
    if (void* memory = allocate(size, std::size_t(alignment)))
        return memory;
    throw std::bad_alloc();
}
void operator delete(void* memory) noexcept {
    release(memory);
}
void operator delete[](void* memory) noexcept {
    release(memory);
}
void operator delete(void* memory, std::size_t) noexcept {
    release(memory);
}
void operator delete[](void* memory, std::size_t) noexcept {
    release(memory);
}
void operator delete(void* memory, std::align_val_t) noexcept {
    release(memory);
}
void operator delete[](void* memory, std::align_val_t) noexcept {
    release(memory);
}
void operator delete(void* memory, std::size_t, std::align_val_t) noexcept {
    release(memory);
}
void operator delete[](void* memory, std::size_t, std::align_val_t) noexcept {
    release(memory);
}

// ---- lock check: the executable's definitions interpose libc's ----
extern "C" {
int pthread_mutex_lock(pthread_mutex_t* mutex) {
    static int (*next)(pthread_mutex_t*) = nullptr; // constant-initialised: no guard, no lock
    if (next == nullptr)
        next = real<int (*)(pthread_mutex_t*)>("pthread_mutex_lock");
    if (t_inCallback)
        ++g_locks;
    return next(mutex);
}
int pthread_mutex_trylock(pthread_mutex_t* mutex) {
    static int (*next)(pthread_mutex_t*) = nullptr;
    if (next == nullptr)
        next = real<int (*)(pthread_mutex_t*)>("pthread_mutex_trylock");
    if (t_inCallback)
        ++g_locks;
    return next(mutex);
}
int pthread_rwlock_rdlock(pthread_rwlock_t* lock) {
    static int (*next)(pthread_rwlock_t*) = nullptr;
    if (next == nullptr)
        next = real<int (*)(pthread_rwlock_t*)>("pthread_rwlock_rdlock");
    if (t_inCallback)
        ++g_locks;
    return next(lock);
}
int pthread_rwlock_wrlock(pthread_rwlock_t* lock) {
    static int (*next)(pthread_rwlock_t*) = nullptr;
    if (next == nullptr)
        next = real<int (*)(pthread_rwlock_t*)>("pthread_rwlock_wrlock");
    if (t_inCallback)
        ++g_locks;
    return next(lock);
}
}
