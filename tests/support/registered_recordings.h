#pragma once

// Recordings and grants written straight into a registry, as the suites below the CLI set up a
// studio (the CLI's suites go through accord-cli instead: test_support.h).

#include "accord/audio/audio_file.h"
#include "accord/core/registry.h"

#include <QString>
#include <QTemporaryDir>

#include <memory>
#include <string>

namespace accord::test {

// A registry in a folder of its own (removed with it) and its one holder, Ana Folk, the owner.
struct ScratchRegistry {
    QTemporaryDir dir;
    std::unique_ptr<Registry> registry =
        Registry::open(dir.filePath("registry.sqlite").toStdString());
    std::string owner = registry->addHolder("Ana Folk", "").id;
    QString path(const QString& name) const { return dir.filePath(name); }
};

// `file` registered as `owner`'s recording, known by its content as an import knows it; the
// asset's id.
inline std::string registerRecording(Registry& registry, const QString& file,
                                     const std::string& owner) {
    NewAsset asset;
    asset.owner = owner;
    asset.identity = audio::identifyAudioFile(file.toStdString());
    asset.path = file.toStdString();
    return registry.addAsset(asset).asset.id;
}

// A grant of `scope` on every recording of `holder`, to anyone in the studio; its id.
inline std::string grantAllRecordings(Registry& registry, const std::string& holder, Scope scope) {
    NewGrant grant;
    grant.holder = holder;
    grant.scope = scope;
    return registry.addGrant(grant).id;
}

} // namespace accord::test
