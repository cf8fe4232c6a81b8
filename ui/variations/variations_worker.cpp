#include "variations_worker.h"

#include "accord/audio/audio_file.h"
#include "accord/audio/midi_file.h"
#include "accord/core/errors.h"
#include "accord/core/registry.h"
#include "accord/ui/common/background.h"
#include "accord/ui/common/errors.h"
#include "accord/ui/common/labels.h"

#include <QObject>

#include <cmath>
#include <memory>

namespace accord::ui {

namespace {

MadeVariation describeVariation(const accord::workflows::VariationFile& file, int projectRate) {
    MadeVariation made;
    made.file = file;
    // makeVariations writes a MIDI file with one line: the variation's notes.
    const audio::MidiFileContent midi = audio::readMidiFile(file.midi);
    if (!midi.lines.empty())
        made.notes = midi.lines.front();
    const AudioIdentity identity = audio::identifyAudioFile(file.file);
    made.pcmSha256 = identity.pcmSha256;
    made.projectFrames = std::llround(identity.durationSeconds * projectRate);
    return made;
}

} // namespace

VariationsOutcome runVariations(const QString& registryPath,
                                const accord::workflows::VariationsRequest& request,
                                int projectRate, const std::function<void(double)>& progress,
                                const std::atomic<bool>* cancel) {
    backgroundPriority();
    VariationsOutcome outcome;
    try {
        const std::unique_ptr<Registry> registry = Registry::open(registryPath.toStdString());
        const accord::workflows::MadeVariations made =
            accord::workflows::makeVariations(*registry, request, progress, cancel);
        const std::vector<accord::workflows::VariationFile>& files = made.variations;
        for (const std::string& note : made.notes)
            outcome.notes << QString::fromStdString(note);
        for (const accord::workflows::VariationFile& file : files)
            outcome.variations.push_back(describeVariation(file, projectRate));
        outcome.cancelled = static_cast<int>(files.size()) < request.variation.count;
        outcome.phraseScore = made.phraseScore;
        outcome.ok = true;
    } catch (const ConsentDenied& denied) {
        outcome.error = QObject::tr("Consent denied: nothing was generated.");
        outcome.denied = missingGrantReasons(denied.decision());
    } catch (...) {
        outcome.error = describeCurrentError(QString()).message;
    }
    return outcome;
}

} // namespace accord::ui
