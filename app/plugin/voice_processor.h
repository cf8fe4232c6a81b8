#pragma once

// Accord Voice, the plugin (docs/PLUGIN.md): re-sings its input live with a voice model from the
// user's registry, when the voice's owner allows it. The message thread reads the registry,
// asks the consent (workflows::judgeTrackModel, as the studio does) and loads the live node; the
// audio thread only plays the LiveStream it was handed, never the registry.

#include "accord/audio/live_stream.h"

#include <juce_audio_processors/juce_audio_processors.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace accord {
class Registry;
}

namespace accord::plugin {

// A voice model of the registry the editor offers.
struct VoiceChoice {
    std::string file;  // the model file, as recorded
    std::string label; // "Ada voice (m-3)"
};

class VoiceProcessor final : public juce::AudioProcessor, private juce::Timer {
public:
    VoiceProcessor();
    ~VoiceProcessor() override;

    void prepareToPlay(double sampleRate, int maximumExpectedSamplesPerBlock) override;
    void releaseResources() override;
    bool isBusesLayoutSupported(const BusesLayout& layouts) const override;
    void processBlock(juce::AudioBuffer<float>& buffer, juce::MidiBuffer& midi) override;

    juce::AudioProcessorEditor* createEditor() override;
    bool hasEditor() const override { return true; }
    const juce::String getName() const override { return JucePlugin_Name; }
    bool acceptsMidi() const override { return false; }
    bool producesMidi() const override { return false; }
    double getTailLengthSeconds() const override { return 0.0; }
    int getNumPrograms() override { return 1; }
    int getCurrentProgram() override { return 0; }
    void setCurrentProgram(int) override {}
    const juce::String getProgramName(int) override { return {}; }
    void changeProgramName(int, const juce::String&) override {}
    // The chosen model file and the parameters; also the consent status as last shown, in plain
    // words (a host's saved project then says why the plugin played dry).
    void getStateInformation(juce::MemoryBlock& destination) override;
    void setStateInformation(const void* data, int sizeInBytes) override;

    // Message thread (the editor's, the host's).
    std::vector<VoiceChoice> voices() const;
    std::string chosenVoice() const;
    void chooseVoice(const std::string& modelFile);
    // What the plugin does now, in plain words; `sounding` whether the voice sings.
    juce::String status() const;
    bool sounding() const;
    juce::AudioProcessorValueTreeState& parameters() { return parameters_; }
    // Called whenever status() changed.
    std::function<void()> onStatusChange;

private:
    void timerCallback() override;
    // Opens the registry when it exists, asks the consent, and hands the audio thread the live
    // node (or none: dry): a new one `Always`, else only when the voice, its transpose or the
    // decision changed. Message thread.
    enum class Restart { IfChanged, Always };
    void refresh(Restart restart);
    void setStatus(const juce::String& text, bool sounding);
    double transposeSetting() const;

    juce::AudioProcessorValueTreeState parameters_;
    std::atomic<float>* transpose_ = nullptr; // semitones
    std::atomic<float>* mix_ = nullptr;       // 0 dry .. 1 wet

    // Message thread. Hosts call from their own thread and JUCE's timer runs on the plugin's
    // message thread (on Linux a thread of its own): this lock keeps them apart, never taken on
    // the audio thread.
    mutable std::recursive_mutex session_;
    std::unique_ptr<Registry> registry_;
    std::int64_t registryChanges_ = 0;
    std::string modelFile_;
    double streamTranspose_ = 0;
    std::string streamKey_; // model file, transpose, rate and block of the last stream made
    // The render its output is marked with (docs/PLUGIN.md "What it makes is marked").
    std::string render_;
    std::uint32_t payload_ = 0;
    int pollsSinceJudged_ = 0;
    bool releaseVoice_ = false; // the voice was refused while playing: let it go once faded
    juce::String status_;
    bool sounding_ = false;
    int preparedRate_ = 0;
    int preparedBlock_ = 0;

    // Shared: the stream the audio thread plays, and the latency the dry path is delayed by
    // (that of the chosen voice, whether it sings or not, so the host's compensation holds).
    audio::LiveStreamSlot voice_;
    std::atomic<bool> singing_{false}; // false: the voice fades out (refused), then goes
    std::atomic<bool> fadedOut_{true}; // the audio thread has faded a refused voice to silence
    std::atomic<int> latency_{0};

    // Audio thread (sized in prepareToPlay).
    std::vector<float> mono_, wet_;
    juce::AudioBuffer<float> dryRing_;
    int dryWrite_ = 0;
    juce::SmoothedValue<float> wetGain_;
};

} // namespace accord::plugin
