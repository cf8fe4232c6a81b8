#pragma once

// The studio both plugin suites play in (docs/PLUGIN.md "Consent"): a real registry where the
// plugin finds it, with a tiny voice model really trained on a consented recording.

#include "accord/core/registry.h"
#include "accord/workflows/train.h"

#include "registered_recordings.h"

#include <QByteArray>
#include <QDir>
#include <QStringList>

#include <memory>
#include <string>
#include <vector>

namespace accord::test {

struct AdaVoiceRegistry {
    std::unique_ptr<Registry> registry;
    std::string generateGrant; // revoked by the tests that stop the voice
    std::string modelFile;     // empty when training failed
};

// registry.sqlite in `folder`, named by ACCORD_REGISTRY as the studio and accord-cli name it:
// Ada's `takes` registered as hers, her train-voice and generate grants on all her recordings, and
// a voice model of `steps` steps and `channels` channels trained on the first take as
// ada.accordvoice beside it.
inline AdaVoiceRegistry openAdaVoiceRegistry(const QString& folder, const QStringList& takes,
                                             int steps, int channels) {
    AdaVoiceRegistry studio;
    const QString registryPath = QDir(folder).filePath("registry.sqlite");
    qputenv("ACCORD_REGISTRY", registryPath.toUtf8());
    studio.registry = Registry::open(registryPath.toStdString());
    const std::string ada = studio.registry->addHolder("Ada", "").id;
    std::vector<std::string> assets;
    for (const QString& take : takes)
        assets.push_back(registerRecording(*studio.registry, take, ada));
    grantAllRecordings(*studio.registry, ada, Scope::TrainVoice);
    studio.generateGrant = grantAllRecordings(*studio.registry, ada, Scope::Generate);
    workflows::VoiceTrainingRequest training;
    training.owner = ada;
    training.assets = {assets.at(0)};
    training.outFile = QDir(folder).filePath("ada.accordvoice").toStdString();
    training.maxSteps = steps;
    training.channels = channels;
    studio.modelFile = workflows::trainVoiceModel(*studio.registry, training).file;
    return studio;
}

} // namespace accord::test
