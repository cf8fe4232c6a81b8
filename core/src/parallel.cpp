#include "accord/core/parallel.h"

#include "accord/core/cancelled.h"

#include <algorithm>
#include <chrono>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace accord {

std::size_t parallelWorkersFor(std::size_t items) {
    return std::min<std::size_t>(items, std::max(1u, std::thread::hardware_concurrency()));
}

void forEachInParallel(std::size_t count, std::size_t workers,
                       const std::function<void(std::size_t, const std::atomic<bool>&)>& work,
                       const std::atomic<bool>* cancel,
                       const std::function<void(double)>& progress) {
    workers = std::clamp<std::size_t>(workers, 1, std::max<std::size_t>(count, 1));
    std::atomic<bool> stop{false};
    std::atomic<std::size_t> next{0};
    std::atomic<std::size_t> done{0};
    std::mutex errorMutex;
    std::exception_ptr firstError;
    bool firstIsCancel = false;

    const auto run = [&] {
        for (;;) {
            const std::size_t index = next.fetch_add(1);
            if (index >= count || stop.load())
                return;
            try {
                work(index, stop);
            } catch (const Cancelled&) {
                std::lock_guard<std::mutex> lock(errorMutex);
                if (!firstError) {
                    firstError = std::current_exception();
                    firstIsCancel = true;
                }
                stop = true;
            } catch (...) {
                std::lock_guard<std::mutex> lock(errorMutex);
                if (!firstError || firstIsCancel) { // a real error beats the cancels it causes
                    firstError = std::current_exception();
                    firstIsCancel = false;
                }
                stop = true;
            }
            ++done;
        }
    };
    std::vector<std::thread> threads;
    for (std::size_t i = 1; i < workers; ++i)
        threads.emplace_back(run);
    if (workers == 1 && cancel == nullptr && !progress) {
        run();
    } else {
        std::thread last(run);
        std::size_t reported = 0;
        while (done.load() < count && !stop.load()) {
            if (cancel != nullptr && cancel->load())
                stop = true;
            if (progress && done.load() != reported) {
                reported = done.load();
                progress(double(reported) / double(count));
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        last.join();
    }
    for (auto& thread : threads)
        thread.join();
    if (firstError)
        std::rethrow_exception(firstError);
    if (cancel != nullptr && cancel->load())
        throw Cancelled();
    if (progress)
        progress(1.0);
}

} // namespace accord
