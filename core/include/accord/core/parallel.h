#pragma once

#include <atomic>
#include <cstddef>
#include <functional>

namespace accord {

// Calls work(i, stop) for every i in [0, count) on up to `workers` threads, the calling thread
// watching `cancel` and reporting `progress` (done / count) meanwhile, so the caller's callbacks
// run on its own thread. After a throw (or `cancel`), `stop` is set and no further item starts;
// long items may poll it. Rethrows the first error once every thread has joined (a real error
// before the Cancelled it caused elsewhere), then throws Cancelled if `cancel` was set.
void forEachInParallel(std::size_t count, std::size_t workers,
                       const std::function<void(std::size_t, const std::atomic<bool>&)>& work,
                       const std::atomic<bool>* cancel = nullptr,
                       const std::function<void(double)>& progress = {});

// The threads worth starting for `items` independent pieces of work: one per core, at most.
std::size_t parallelWorkersFor(std::size_t items);

} // namespace accord
