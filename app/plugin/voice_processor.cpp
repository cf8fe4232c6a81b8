#include "voice_processor.h"

#include "voice_editor.h"

#include "accord/audio/marked_stream.h"
#include "accord/core/errors.h"
#include "accord/core/registry.h"
#include "accord/workflows/live_model.h"

#include <algorithm>
#include <filesystem>
#include <map>

namespace accord::plugin {

namespace {

constexpr int kRegistryPollMs = 250; // a change of consent is heard within a quarter second
// Grants also expire with no change to the registry: judged again once a minute regardless.
constexpr int kPollsPerJudgement = 60'000 / kRegistryPollMs;
constexpr double kMaxDryDelaySeconds = 1.0;

juce::AudioProcessorValueTreeState::ParameterLayout parameterLayout() {
    juce::AudioProcessorValueTreeState::ParameterLayout layout;
    layout.add(std::make_unique<juce::AudioParameterInt>(juce::ParameterID{"transpose", 1},
                                                         "Transpose", -24, 24, 0, "st"));
    layout.add(std::make_unique<juce::AudioParameterFloat>(
        juce::ParameterID{"mix", 1}, "Dry/wet", juce::NormalisableRange<float>(0.0f, 1.0f), 1.0f));
    return layout;
}

std::string modelLabel(const Registry& registry, const Model& model) {
    const std::optional<Holder> owner = registry.holder(model.owner);
    const std::string who = owner ? owner->name + " voice" : "voice";
    return who + " (" + model.id + ", " + std::filesystem::path(model.file).filename().string() +
           ")";
}

// The render the voice sings as, marked in what it sings (docs/PLUGIN.md "What it makes is
// marked"): one per registry, voice and transpose while the host's process runs, recorded the
// first time it sounds. Instances share it, so one a host re-creates (JUCE's LV2 host does when it
// prepares again) keeps its mark. Message threads only.
workflows::LiveRender sessionRender(Registry& registry, const std::string& modelFile,
                                    double transpose) {
    static std::mutex lock;
    static std::map<std::string, workflows::LiveRender> recorded;
    const std::lock_guard<std::mutex> guard(lock);
    const std::string key = registry.path() + "|" + modelFile + "|" + std::to_string(transpose);
    const auto found = recorded.find(key);
    if (found != recorded.end())
        return found->second;
    return recorded[key] = workflows::recordLiveRender(registry, modelFile);
}

std::string refusalReasons(const Decision& decision) {
    std::string reasons;
    for (const MissingGrant& missing : decision.missing)
        reasons += (reasons.empty() ? "" : "; ") + missing.why;
    return reasons;
}

} // namespace

VoiceProcessor::VoiceProcessor()
    : juce::AudioProcessor(BusesProperties()
                               .withInput("Input", juce::AudioChannelSet::stereo(), true)
                               .withOutput("Output", juce::AudioChannelSet::stereo(), true)),
      parameters_(*this, nullptr, "AccordVoice", parameterLayout()) {
    transpose_ = parameters_.getRawParameterValue("transpose");
    mix_ = parameters_.getRawParameterValue("mix");
    const std::lock_guard<std::recursive_mutex> lock(session_);
    refresh(Restart::Always);
    startTimer(kRegistryPollMs);
}

VoiceProcessor::~VoiceProcessor() {
    stopTimer();
    const std::lock_guard<std::recursive_mutex> lock(session_); // a callback still running ends
}

double VoiceProcessor::transposeSetting() const {
    return double(transpose_->load());
}

void VoiceProcessor::prepareToPlay(double sampleRate, int maximumExpectedSamplesPerBlock) {
    const std::lock_guard<std::recursive_mutex> lock(session_);
    preparedRate_ = int(std::lround(sampleRate));
    preparedBlock_ = std::max(1, maximumExpectedSamplesPerBlock);
    mono_.assign(std::size_t(preparedBlock_), 0.0f);
    wet_.assign(std::size_t(preparedBlock_), 0.0f);
    dryRing_.setSize(std::max(1, getTotalNumInputChannels()),
                     int(kMaxDryDelaySeconds * sampleRate) + preparedBlock_);
    dryRing_.clear();
    dryWrite_ = 0;
    voice_.prepare(preparedRate_, preparedBlock_);
    wetGain_.reset(sampleRate, 0.01);
    wetGain_.setCurrentAndTargetValue(mix_->load());
    refresh(Restart::Always); // a fresh stream at this rate: a bounce starts as real time does
}

void VoiceProcessor::releaseResources() {
    const std::lock_guard<std::recursive_mutex> lock(session_);
    voice_.publish(nullptr);
    streamKey_.clear(); // prepareToPlay makes the next one
}

bool VoiceProcessor::isBusesLayoutSupported(const BusesLayout& layouts) const {
    const juce::AudioChannelSet out = layouts.getMainOutputChannelSet();
    return (out == juce::AudioChannelSet::mono() || out == juce::AudioChannelSet::stereo()) &&
           layouts.getMainInputChannelSet() == out;
}

void VoiceProcessor::processBlock(juce::AudioBuffer<float>& buffer, juce::MidiBuffer&) {
    const juce::ScopedNoDenormals noDenormals;
    const int channels = std::min(buffer.getNumChannels(), dryRing_.getNumChannels());
    const int ringFrames = dryRing_.getNumSamples();
    const int delay = std::min(latency_.load(std::memory_order_relaxed), ringFrames - 1);
    const bool realtime = !isNonRealtime();
    for (int done = 0; done < buffer.getNumSamples();) {
        const int frames = std::min(buffer.getNumSamples() - done, int(mono_.size()));
        // The voice sings the mono sum (as a live track's clips feed its model).
        std::fill_n(mono_.data(), frames, 0.0f);
        for (int c = 0; c < channels; ++c)
            juce::FloatVectorOperations::addWithMultiply(
                mono_.data(), buffer.getReadPointer(c, done), 1.0f / float(channels), frames);
        const bool voiced = voice_.process(mono_.data(), wet_.data(), frames, realtime);
        wetGain_.setTargetValue(voiced && singing_.load() ? mix_->load() : 0.0f);
        // The dry signal, delayed as the voice is, so the two line up and the host's latency
        // compensation holds for both.
        for (int i = 0; i < frames; ++i) {
            const float wet = wetGain_.getNextValue();
            const int write = (dryWrite_ + i) % ringFrames;
            const int read = (write - delay + ringFrames) % ringFrames;
            for (int c = 0; c < channels; ++c) {
                float* sample = buffer.getWritePointer(c, done + i);
                dryRing_.setSample(c, write, *sample);
                *sample = (1.0f - wet) * dryRing_.getSample(c, read) + wet * wet_[std::size_t(i)];
            }
        }
        dryWrite_ = (dryWrite_ + frames) % ringFrames;
        done += frames;
    }
    if (!singing_.load() && !wetGain_.isSmoothing() && wetGain_.getCurrentValue() == 0.0f)
        fadedOut_.store(true);
}

juce::AudioProcessorEditor* VoiceProcessor::createEditor() {
    return new VoiceEditor(*this);
}

void VoiceProcessor::getStateInformation(juce::MemoryBlock& destination) {
    const std::lock_guard<std::recursive_mutex> lock(session_);
    juce::ValueTree state = parameters_.copyState();
    state.setProperty("model", juce::String(modelFile_), nullptr);
    state.setProperty("status", status_, nullptr);
    if (const std::unique_ptr<juce::XmlElement> xml = state.createXml())
        copyXmlToBinary(*xml, destination);
}

void VoiceProcessor::setStateInformation(const void* data, int sizeInBytes) {
    const std::unique_ptr<juce::XmlElement> xml = getXmlFromBinary(data, sizeInBytes);
    if (!xml || !xml->hasTagName(parameters_.state.getType()))
        return;
    const std::lock_guard<std::recursive_mutex> lock(session_);
    juce::ValueTree state = juce::ValueTree::fromXml(*xml);
    modelFile_ = state.getProperty("model").toString().toStdString();
    state.removeProperty("model", nullptr);
    state.removeProperty("status", nullptr);
    parameters_.replaceState(state);
    refresh(Restart::Always);
}

std::vector<VoiceChoice> VoiceProcessor::voices() const {
    const std::lock_guard<std::recursive_mutex> lock(session_);
    std::vector<VoiceChoice> choices;
    if (!registry_)
        return choices;
    for (const Model& model : registry_->models())
        if (model.kind == ModelKind::Voice)
            choices.push_back({model.file, modelLabel(*registry_, model)});
    return choices;
}

std::string VoiceProcessor::chosenVoice() const {
    const std::lock_guard<std::recursive_mutex> lock(session_);
    return modelFile_;
}

juce::String VoiceProcessor::status() const {
    const std::lock_guard<std::recursive_mutex> lock(session_);
    return status_;
}

bool VoiceProcessor::sounding() const {
    const std::lock_guard<std::recursive_mutex> lock(session_);
    return sounding_;
}

void VoiceProcessor::chooseVoice(const std::string& modelFile) {
    const std::lock_guard<std::recursive_mutex> lock(session_);
    modelFile_ = modelFile;
    refresh(Restart::Always);
}

void VoiceProcessor::timerCallback() {
    const std::lock_guard<std::recursive_mutex> lock(session_);
    if (releaseVoice_ && fadedOut_.load()) {
        voice_.publish(nullptr);
        releaseVoice_ = false;
    }
    // The registry changes in another process (the studio, accord-cli): its change counter says
    // when, without reading it (docs/ARCHITECTURE.md "Registry watcher").
    const bool registryChanged = registry_ ? registry_->othersChangeCount() != registryChanges_
                                           : std::filesystem::exists(Registry::defaultPath());
    if (registryChanged || ++pollsSinceJudged_ >= kPollsPerJudgement ||
        (sounding_ && transposeSetting() != streamTranspose_))
        refresh(Restart::IfChanged);
}

void VoiceProcessor::refresh(Restart restart) {
    pollsSinceJudged_ = 0;
    const auto dry = [this, restart](const juce::String& why) {
        // While playing, the voice fades out over the wet gain's 10 ms ramp before it goes (no
        // click); the stream is let go at the first poll after the audio thread says it faded,
        // however late the host's next blocks come.
        singing_.store(false);
        fadedOut_.store(false);
        if (restart == Restart::Always)
            voice_.publish(nullptr);
        else
            releaseVoice_ = true;
        setStatus(why + " The input passes through dry.", false);
    };
    const std::string path = Registry::defaultPath();
    try {
        if (!registry_ && std::filesystem::exists(path))
            registry_ = Registry::open(path);
    } catch (const std::exception& error) {
        return dry("The registry " + juce::String(path) + " cannot be read: " + error.what() + ".");
    }
    if (!registry_)
        return dry("No Accord registry at " + juce::String(path) +
                   ": record and train a voice in Accord first.");
    registryChanges_ = registry_->othersChangeCount();
    if (modelFile_.empty())
        return dry("Choose a voice.");

    // The same question the studio asks of a track running through this model.
    const workflows::TrackModelJudgement judgement =
        workflows::judgeTrackModel(*registry_, modelFile_);
    if (!judgement.model)
        return dry(juce::String(modelFile_) + " is not a voice model in the registry " + path +
                   ".");
    const juce::String voice = juce::String(modelLabel(*registry_, *judgement.model));
    if (preparedRate_ <= 0)
        return dry(voice + " is ready once the host starts playing.");
    const juce::String owner =
        judgement.ownerName.empty() ? juce::String("Its owner") : juce::String(judgement.ownerName);
    const auto allowed = [&] {
        return voice + ": " + owner +
               " allows singing with this voice. It re-sings the input, marked as render " +
               juce::String(render_) + ".";
    };
    // A change elsewhere in the registry keeps the voice singing as it was: no gap, no restart.
    const std::string key = modelFile_ + "|" + std::to_string(transposeSetting()) + "|" +
                            std::to_string(preparedRate_) + "|" + std::to_string(preparedBlock_);
    if (restart == Restart::IfChanged && judgement.decision.allowed && sounding_ &&
        key == streamKey_)
        return setStatus(allowed(), true);
    const auto cannotLoad = [&](const std::exception& error) {
        return dry(voice + " cannot be loaded: " + error.what() + ".");
    };
    std::shared_ptr<dsp::StreamProcessor> node;
    try {
        node = workflows::loadLiveModel(*registry_, modelFile_, transposeSetting());
    } catch (const std::exception& error) {
        return cannotLoad(error);
    }
    // What it sings is marked with the watermark of its render. Refused, the stream is made only
    // for its latency (with the mark's), never heard, and no render is recorded.
    if (judgement.decision.allowed) {
        try {
            const workflows::LiveRender live =
                sessionRender(*registry_, modelFile_, transposeSetting());
            render_ = live.render;
            payload_ = live.payload;
        } catch (const std::exception& error) {
            return dry(voice + " cannot record what it sings: " + error.what() + ".");
        }
    }
    std::unique_ptr<audio::LiveStream> stream;
    try {
        stream = std::make_unique<audio::LiveStream>(
            audio::markedStreamProcessor(std::move(node), payload_), preparedRate_, preparedBlock_);
    } catch (const std::exception& error) {
        return cannotLoad(error);
    }
    streamTranspose_ = transposeSetting();
    streamKey_ = key;
    // The latency of the chosen voice, sounding or not: a revocation changes what is heard, never
    // where it sits in time.
    if (stream->latencyFrames() != latency_.load()) {
        latency_.store(stream->latencyFrames());
        setLatencySamples(stream->latencyFrames());
    }
    if (!judgement.decision.allowed)
        return dry(voice + " may not sing here: " + refusalReasons(judgement.decision) + ".");
    voice_.publish(std::move(stream));
    releaseVoice_ = false;
    singing_.store(true);
    setStatus(allowed(), true);
}

void VoiceProcessor::setStatus(const juce::String& text, bool sounding) {
    if (text == status_ && sounding == sounding_)
        return;
    status_ = text;
    sounding_ = sounding;
    if (onStatusChange)
        onStatusChange();
}

} // namespace accord::plugin

juce::AudioProcessor* JUCE_CALLTYPE createPluginFilter() {
    return new accord::plugin::VoiceProcessor();
}
