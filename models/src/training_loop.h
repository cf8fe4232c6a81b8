#pragma once

// The training schedule the voice and style models share: resume from this request's
// checkpoint, step until the schedule ends, the caller cancels or the time budget runs out,
// validate every few steps keeping the best weights, and checkpoint every 30 s and when stopping
// early, so the same request later continues bit for bit (training_checkpoint.h). What differs
// between the models (how a batch is drawn, what a validation records) comes in as callbacks.

#include "training_checkpoint.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <ctime>
#include <functional>
#include <numeric>
#include <random>
#include <sstream>
#include <string>
#include <vector>

namespace accord::models {

using TrainingClock = std::chrono::steady_clock;

inline double secondsSince(TrainingClock::time_point start) {
    return std::chrono::duration<double>(TrainingClock::now() - start).count();
}

// The calling thread's CPU time, in seconds.
inline double threadCpuSeconds() {
    timespec now{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
    return double(now.tv_sec) + double(now.tv_nsec) * 1e-9;
}

// Where one training call's time goes, by phase, on the wall clock and on the calling thread's
// CPU clock (training runs on that thread: one LibTorch thread). Wall time well above CPU time is
// time spent waiting for a core the machine gave to other work; per phase the two say whether a
// phase was slow or only waited (docs/ARCHITECTURE.md "Voice model", training time). The model
// card keeps both (metrics "timing") and the CLI says so.
class TrainingTimes {
public:
    enum class Phase { Preparing, Stepping, Validating, Saving };

    TrainingTimes() : start_(TrainingClock::now()), startCpu_(threadCpuSeconds()) {
        phaseStart_ = start_;
        phaseStartCpu_ = startCpu_;
    }
    Phase phase() const { return phase_; }
    // Ends the running phase and starts `phase`.
    void enter(Phase phase) {
        const TrainingClock::time_point now = TrainingClock::now();
        const double cpu = threadCpuSeconds();
        seconds_[std::size_t(phase_)] += std::chrono::duration<double>(now - phaseStart_).count();
        cpuSeconds_[std::size_t(phase_)] += cpu - phaseStartCpu_;
        phase_ = phase;
        phaseStart_ = now;
        phaseStartCpu_ = cpu;
    }
    // {"wallSeconds", "cpuSeconds", "preparingSeconds", "steppingSeconds", "validatingSeconds",
    //  "savingSeconds", and the CPU seconds of each phase: "preparingCpuSeconds", ...}, the running
    //  phase counted up to now.
    nlohmann::json json() const {
        std::array<double, 4> seconds = seconds_, cpuSeconds = cpuSeconds_;
        const double cpu = threadCpuSeconds();
        seconds[std::size_t(phase_)] +=
            std::chrono::duration<double>(TrainingClock::now() - phaseStart_).count();
        cpuSeconds[std::size_t(phase_)] += cpu - phaseStartCpu_;
        nlohmann::json times = {
            {"wallSeconds", std::chrono::duration<double>(TrainingClock::now() - start_).count()},
            {"cpuSeconds", cpu - startCpu_}};
        static const char* const kPhases[4] = {"preparing", "stepping", "validating", "saving"};
        for (std::size_t phase = 0; phase < 4; ++phase) {
            times[std::string(kPhases[phase]) + "Seconds"] = seconds[phase];
            times[std::string(kPhases[phase]) + "CpuSeconds"] = cpuSeconds[phase];
        }
        times["partsCpuSeconds"] = parts_;
        return times;
    }

    // Adds CPU seconds to a named part of a phase ("reading", "checkpoints", ...), summed over the
    // threads it ran on: the card's "partsCpuSeconds" says what inside a phase costs.
    void addPart(const std::string& name, double cpuSeconds) {
        parts_[name] = parts_.value(name, 0.0) + cpuSeconds;
    }

private:
    TrainingClock::time_point start_, phaseStart_;
    double startCpu_ = 0, phaseStartCpu_ = 0;
    Phase phase_ = Phase::Preparing;
    std::array<double, 4> seconds_{}, cpuSeconds_{};
    nlohmann::json parts_ = nlohmann::json::object();
};

struct TrainingSchedule {
    int steps = 0;
    int validationEvery = 0;
    TrainingClock::time_point started; // when the request began (its analysis counts too)
    double budgetSeconds = 1e18;
    TrainingTimes* times = nullptr; // when set, checkpoint writes count as its part "checkpoints"
};

struct TrainingStep {
    int step = 0;
    double meanLoss = 0;   // over the recent steps
    double etaSeconds = 0; // at this pace, capped by the budget left
};

enum class TrainingStop { Finished, Cancelled, TimeLimit };

template <typename Network, typename Trainer> class TrainingLoop {
public:
    TrainingLoop(Network& network, Trainer& trainer, CheckpointFile file, std::string fingerprint,
                 std::uint64_t seed)
        : network_(network), trainer_(trainer), file_(std::move(file)),
          fingerprint_(std::move(fingerprint)), random_(seed) {}

    TrainingCheckpoint& state() { return state_; }

    // Takes up this request's checkpoint when there is one: "resumed at step N", or why none
    // was used, or empty.
    std::string resume() {
        std::string note;
        if (std::optional<TrainingCheckpoint> saved =
                readTrainingCheckpoint(file_, fingerprint_, note)) {
            network_.setWeights(saved->weights, file_.path);
            trainer_.setOptimizerState(saved->optimizer, file_.path);
            std::istringstream in(saved->random);
            in >> random_;
            state_ = std::move(*saved);
            resumedFromStep_ = state_.step;
            note = "resumed at step " + std::to_string(state_.step);
        }
        return note;
    }
    int resumedFromStep() const { return resumedFromStep_; }

    // Records a validation loss as the latest and, when it is the lowest so far, keeps these
    // weights as the best (with a little material the held-out loss rises again once the
    // network starts to memorise). True when it is the best.
    bool recordValidation(double loss) {
        state_.metrics["validationLoss"] = loss;
        if (state_.metrics.contains("bestValidationLoss") &&
            loss >= state_.metrics["bestValidationLoss"].template get<double>())
            return false;
        state_.metrics["bestValidationLoss"] = loss;
        state_.metrics["bestStep"] = state_.step;
        state_.best = network_.weights();
        return true;
    }

    // Steps until the schedule ends, `cancel` is set or the budget (less twice the last
    // validation's time and 2 s, for the final evaluation and the file) runs out; checkpoints when
    // it stops early. Each step trains on `batchSize` examples `draw` picks, `validate` runs and
    // records one validation, `stepped` hears about every step.
    TrainingStop run(const TrainingSchedule& schedule, int batchSize,
                     const std::function<std::int64_t(std::mt19937_64&)>& draw,
                     const std::function<void()>& validate,
                     const std::function<void(const TrainingStep&)>& stepped,
                     const std::atomic<bool>* cancel) {
        const TrainingClock::time_point loopStarted = TrainingClock::now();
        TrainingClock::time_point lastSave = loopStarted;
        const int firstStep = state_.step;
        double validationSeconds = 0;
        while (state_.step < schedule.steps) {
            if (cancel && cancel->load()) {
                save(schedule.times);
                return TrainingStop::Cancelled;
            }
            if (secondsSince(schedule.started) + 2 * validationSeconds + 2.0 >=
                schedule.budgetSeconds) {
                save(schedule.times); // the same request later continues the schedule
                return TrainingStop::TimeLimit;
            }
            std::vector<std::int64_t> batch(static_cast<std::size_t>(batchSize));
            for (std::int64_t& example : batch)
                example = draw(random_);
            const double loss = trainer_.step(state_.step, batch);
            ++state_.step;
            state_.recentLosses.push_back(loss);
            while (state_.recentLosses.size() > kLossWindow)
                state_.recentLosses.pop_front();
            if (state_.step % schedule.validationEvery == 0 || state_.step == schedule.steps) {
                const TrainingClock::time_point before = TrainingClock::now();
                validate();
                validationSeconds = secondsSince(before);
            }
            TrainingStep report;
            report.step = state_.step;
            report.meanLoss =
                std::accumulate(state_.recentLosses.begin(), state_.recentLosses.end(), 0.0) /
                static_cast<double>(state_.recentLosses.size());
            const double perStep = secondsSince(loopStarted) / std::max(1, state_.step - firstStep);
            report.etaSeconds =
                std::min(perStep * (schedule.steps - state_.step),
                         std::max(0.0, schedule.budgetSeconds - secondsSince(schedule.started)));
            stepped(report);
            if (secondsSince(lastSave) >= kCheckpointSeconds && state_.step < schedule.steps) {
                save(schedule.times);
                lastSave = TrainingClock::now();
            }
        }
        return TrainingStop::Finished;
    }

    // After the steps: the last weights compete too, then the network keeps the best.
    void keepBest(const std::function<void()>& validate) {
        if (state_.step == 0)
            return;
        validate();
        network_.setWeights(state_.best, file_.path);
    }

private:
    static constexpr double kCheckpointSeconds = 30;
    static constexpr std::size_t kLossWindow = 50; // steps averaged for the reported loss

    void save(TrainingTimes* times) {
        const double cpuBefore = threadCpuSeconds();
        state_.weights = network_.weights();
        state_.optimizer = trainer_.optimizerState();
        std::ostringstream out;
        out << random_;
        state_.random = out.str();
        writeTrainingCheckpoint(file_, fingerprint_, state_);
        if (times)
            times->addPart("checkpoints", threadCpuSeconds() - cpuBefore);
    }

    Network& network_;
    Trainer& trainer_;
    const CheckpointFile file_;
    const std::string fingerprint_;
    std::mt19937_64 random_;
    TrainingCheckpoint state_;
    int resumedFromStep_ = 0;
};

} // namespace accord::models
