#pragma once

// The plugin's window (docs/PLUGIN.md): which voice, transpose, dry/wet, and what the plugin does
// now in plain words.

#include <juce_audio_processors/juce_audio_processors.h>

#include <string>
#include <vector>

namespace accord::plugin {

class VoiceProcessor;

class VoiceEditor final : public juce::AudioProcessorEditor {
public:
    explicit VoiceEditor(VoiceProcessor& voice);
    ~VoiceEditor() override;
    void resized() override;
    void paint(juce::Graphics& g) override;

private:
    void showVoices();
    void showStatus();

    VoiceProcessor& processor_;
    std::vector<std::string> files_; // the model file of each entry of voice_ (id = index + 1)
    juce::ComboBox voice_;
    juce::Slider transpose_, mix_;
    juce::Label transposeLabel_, mixLabel_, status_;
    juce::AudioProcessorValueTreeState::SliderAttachment transposeAttachment_, mixAttachment_;
};

} // namespace accord::plugin
