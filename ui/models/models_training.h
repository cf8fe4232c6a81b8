#pragma once

// The background half of the Models panel: voice-model training and model-card checks, each on a
// worker thread with its own registry connection (docs/ARCHITECTURE.md "Threads": one per thread),
// at the lower priority of UI workers. Nothing here touches a widget.

#include "accord/models/voice_model.h"
#include "accord/workflows/train.h"

#include <QString>
#include <QStringList>

#include <atomic>
#include <functional>
#include <string>
#include <vector>

namespace accord::ui {

// One step of the loss curve; validation < 0 when no new held-out measurement came with it.
struct TrainingPoint {
    int step = 0;
    double loss = 0;
    double validation = -1;
};

// What the worker hands to the window at most ~10 times a second: the latest report and the
// curve points since the previous update.
struct TrainingUpdate {
    accord::models::VoiceTrainingProgress progress;
    std::vector<TrainingPoint> points;
};

struct TrainingOutcome {
    accord::workflows::TrainedModel model;
    bool ok = false;
    QString error;       // plain words, empty when ok
    QStringList denied;  // for a consent denial: one line per missing grant
    TrainingUpdate last; // the points and report not yet handed over
};

// The interval between two updates handed to the window.
constexpr int kTrainingUpdateMs = 100;

// Runs trainVoiceModel on the calling (worker) thread. `post` receives the throttled updates;
// it must only queue them (it runs on this thread).
TrainingOutcome runVoiceTraining(const QString& registryPath,
                                 const accord::workflows::VoiceTrainingRequest& request,
                                 const std::function<void(const TrainingUpdate&)>& post,
                                 const std::atomic<bool>* cancel);

// The card of one model file, verified (structure, checksum, weights hash), or why it cannot be
// read.
struct CardCheck {
    std::string file;
    bool ok = false;
    QString error;
    accord::models::VoiceModelCard card;
};

// Reads and verifies each file's card on the calling (worker) thread.
std::vector<CardCheck> checkModelCards(const std::vector<std::string>& files);

} // namespace accord::ui
