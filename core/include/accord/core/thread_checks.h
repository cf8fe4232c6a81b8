#pragma once

// Checks where threads meet (docs/ARCHITECTURE.md "Threads"): each function that the thread
// table gives to one thread says so in code, so a test that calls it from the wrong thread fails
// at once with the function named instead of corrupting state now and then. A violation prints
// "accord: <function> <rule>" and aborts. Compiled in with ACCORD_THREAD_CHECKS (on by default:
// the checks cost a thread-id or thread-local read), empty without it.

#include <thread>

namespace accord::threads {

#ifdef ACCORD_THREAD_CHECKS

// Marks the calling thread as running an audio callback for its lifetime (the engine's process()
// opens one). No allocation, no lock.
class AudioCallbackScope {
public:
    AudioCallbackScope() noexcept;
    ~AudioCallbackScope();
    AudioCallbackScope(const AudioCallbackScope&) = delete;
    AudioCallbackScope& operator=(const AudioCallbackScope&) = delete;

private:
    bool outer_;
};

bool inAudioCallback() noexcept;

// For what must never run inside an audio callback: SQLite, LibTorch, decoding, file I/O.
void assertNotInAudioCallback(const char* function) noexcept;

// The thread an object belongs to (its "message thread"): the one that constructs it.
class ThreadOwner {
public:
    ThreadOwner() noexcept;
    // Aborts unless called on the owning thread.
    void assertOwner(const char* function) const noexcept;

private:
    std::thread::id owner_;
};

#else

class AudioCallbackScope {};
inline bool inAudioCallback() noexcept {
    return false;
}
inline void assertNotInAudioCallback(const char*) noexcept {}
class ThreadOwner {
public:
    void assertOwner(const char*) const noexcept {}
};

#endif

} // namespace accord::threads
