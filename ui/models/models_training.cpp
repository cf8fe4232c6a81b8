#include "models_training.h"

#include "accord/core/errors.h"
#include "accord/core/registry.h"
#include "accord/ui/common/background.h"
#include "accord/ui/common/errors.h"
#include "accord/ui/common/labels.h"

#include <QObject>

#include <chrono>
#include <memory>

namespace accord::ui {

namespace {

using SteadyClock = std::chrono::steady_clock;
using Progress = accord::models::VoiceTrainingProgress;

// Collects every step's point and hands them over in batches, so a fast schedule (thousands of
// steps a minute) never floods the window's event queue.
class Throttle {
public:
    explicit Throttle(const std::function<void(const TrainingUpdate&)>& post) : post_(post) {}

    void add(const Progress& progress) {
        const bool phaseChanged = progress.phase != pending_.progress.phase;
        pending_.progress = progress;
        // Per-step reports carry a mean loss; the "training"/"resumed" notices before the first
        // step carry none.
        if (progress.phase == Progress::Phase::Training && progress.loss > 0 &&
            progress.step > lastStep_) {
            TrainingPoint point{progress.step, progress.loss, -1};
            if (progress.validationLoss >= 0 && progress.validationLoss != lastValidation_) {
                point.validation = progress.validationLoss;
                lastValidation_ = progress.validationLoss;
            }
            lastStep_ = progress.step;
            pending_.points.push_back(point);
        }
        const auto now = SteadyClock::now();
        if (phaseChanged || !progress.message.empty() ||
            now - lastPost_ >= std::chrono::milliseconds(kTrainingUpdateMs)) {
            lastPost_ = now;
            if (post_)
                post_(pending_);
            pending_.points.clear();
        }
    }

    TrainingUpdate rest() const { return pending_; }

private:
    const std::function<void(const TrainingUpdate&)>& post_;
    TrainingUpdate pending_;
    SteadyClock::time_point lastPost_{};
    int lastStep_ = -1;
    double lastValidation_ = -1;
};

} // namespace

TrainingOutcome runVoiceTraining(const QString& registryPath,
                                 const accord::workflows::VoiceTrainingRequest& request,
                                 const std::function<void(const TrainingUpdate&)>& post,
                                 const std::atomic<bool>* cancel) {
    backgroundPriority();
    TrainingOutcome outcome;
    Throttle throttle(post);
    try {
        const std::unique_ptr<Registry> registry = Registry::open(registryPath.toStdString());
        outcome.model = accord::workflows::trainVoiceModel(
            *registry, request, [&throttle](const Progress& progress) { throttle.add(progress); },
            cancel);
        outcome.ok = true;
    } catch (const ConsentDenied& denied) {
        outcome.error = QObject::tr("Consent denied: nothing was trained.");
        outcome.denied = missingGrantReasons(denied.decision());
    } catch (...) {
        outcome.error = describeCurrentError(QString()).message;
    }
    outcome.last = throttle.rest();
    return outcome;
}

std::vector<CardCheck> checkModelCards(const std::vector<std::string>& files) {
    backgroundPriority();
    std::vector<CardCheck> checks;
    checks.reserve(files.size());
    for (const std::string& file : files) {
        CardCheck check;
        check.file = file;
        try {
            check.card = accord::models::readVoiceModelCard(file);
            check.ok = true;
        } catch (...) {
            check.error = describeCurrentError(QString()).message;
        }
        checks.push_back(std::move(check));
    }
    return checks;
}

} // namespace accord::ui
