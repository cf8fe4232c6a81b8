#pragma once

// The background half of the Variations panel: workflows::makeVariations and the phrase's own
// score on a worker thread with its own registry connection (docs/ARCHITECTURE.md "Threads"), at
// the lower priority of UI workers, and what the window needs to show and place each variation
// (its notes, its length at the project rate). Nothing here touches a widget.

#include "accord/ui/variations/variations_panel.h"
#include "accord/workflows/style.h"

#include <QString>
#include <QStringList>

#include <atomic>
#include <functional>
#include <vector>

namespace accord::ui {

struct VariationsOutcome {
    bool ok = false;
    QString error;      // plain words, empty when ok
    QStringList denied; // for a consent denial: one line per missing grant
    std::vector<MadeVariation> variations;
    accord::models::StyleScore phraseScore; // the phrase's own "sounds like you"
    bool cancelled = false;                 // stopped before all were made
    QStringList notes; // others' recordings the originality guard could not read
};

// Runs makeVariations, then scores the phrase, on the calling (worker) thread. `progress`
// (0..1) runs on this thread: it must only queue the value.
VariationsOutcome runVariations(const QString& registryPath,
                                const accord::workflows::VariationsRequest& request,
                                int projectRate, const std::function<void(double)>& progress,
                                const std::atomic<bool>* cancel);

} // namespace accord::ui
