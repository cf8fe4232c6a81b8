#pragma once

// Training a voice model (docs/CONSENT.md "Training"): consent for every recording before any of
// it is read and again before the model is kept; the grants relied on go into the model card and
// the registry, so what the model makes later can be traced to them.

#include "accord/core/policy.h"
#include "accord/core/registry.h"
#include "accord/models/voice_model.h"

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace accord::workflows {

struct VoiceTrainingRequest {
    std::string owner;               // holder the model belongs to (its voice)
    std::vector<std::string> assets; // registered asset ids to learn from
    std::string outFile;             // the model file to write (any name; ".accordvoice" usual)
    std::string actor;               // holder asking for the training; empty: the owner
    std::uint64_t seed = 1;          // same seed + same assets + 1 thread -> identical weights
    double maxMinutes = 10;          // wall-clock budget of the whole call; <= 0: none
    int maxSteps = 0;                // training steps; 0: the default schedule (800)
    int threads = 0;                 // LibTorch threads; 0: models::kVoiceModelThreads
    int channels = 0;                // network width; 0: default (128). Small for tests.
};

struct TrainedModel {
    bool cancelled = false; // stopped by the cancel flag: nothing registered, `checkpoint`
                            // holds the state; calling again with the same request resumes
    std::string file;       // the model file (empty when cancelled)
    std::string modelId;    // registered model id, "m-N" (empty when cancelled)
    std::string weightsSha256;
    std::string metricsJson; // models::TrainedVoice::metricsJson
    std::string checkpoint;  // "<outFile>.checkpoint": removed after a complete schedule,
                             // kept after a cancel or the time limit (a rerun continues)
    int steps = 0;
    int resumedFromStep = 0; // > 0 when this call continued an earlier checkpoint
    bool stoppedByTimeLimit = false;
};

// Whether `actor` (empty: the asset's owner) may train a voice model on `asset` now.
Decision judgeVoiceTraining(const Registry& registry, const std::string& asset,
                            const std::string& actor);

// Trains a voice model on `request.assets` and registers it.
//
// Consent first: `train-voice` on every asset (for the actor); if any is refused, nothing is read
// or trained and accord::ConsentDenied is thrown listing every missing grant (asset, owner,
// scope, why). Asked again before the model is registered: a grant revoked while training
// registers nothing and removes the checkpoint (weights learned from what is no longer
// consented). Each asset's file (its registered path) must still hold the registered recording
// (PCM hash), else accord::BadInput. Checkpoints and resuming: models::trainVoice; when
// `maxMinutes` runs out, the model trained so far is saved and registered (stoppedByTimeLimit)
// and the checkpoint kept, so running the same request again finishes the schedule.
// `progress` is called from this thread; `cancel` is polled every step. Throws accord::BadInput
// (unknown owner or asset, unreadable file, missing folder, too little sound),
// accord::ConsentDenied.
TrainedModel
trainVoiceModel(Registry& registry, const VoiceTrainingRequest& request,
                const std::function<void(const models::VoiceTrainingProgress&)>& progress = {},
                const std::atomic<bool>* cancel = nullptr);

} // namespace accord::workflows
