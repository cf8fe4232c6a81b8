#include "voice_editor.h"

#include "voice_processor.h"

namespace accord::plugin {

VoiceEditor::VoiceEditor(VoiceProcessor& voice)
    : juce::AudioProcessorEditor(voice), processor_(voice),
      transposeAttachment_(voice.parameters(), "transpose", transpose_),
      mixAttachment_(voice.parameters(), "mix", mix_) {
    voice_.setTextWhenNothingSelected("Choose a voice");
    voice_.setTextWhenNoChoicesAvailable("No voice models in the registry");
    voice_.onChange = [this] {
        const int index = voice_.getSelectedId() - 1;
        if (index >= 0 && std::size_t(index) < files_.size())
            processor_.chooseVoice(files_[std::size_t(index)]);
    };
    transposeLabel_.setText("Transpose (semitones)", juce::dontSendNotification);
    mixLabel_.setText("Dry / wet", juce::dontSendNotification);
    status_.setComponentID("status");
    status_.setJustificationType(juce::Justification::topLeft);
    for (juce::Component* child :
         {static_cast<juce::Component*>(&voice_), static_cast<juce::Component*>(&transpose_),
          static_cast<juce::Component*>(&mix_), static_cast<juce::Component*>(&transposeLabel_),
          static_cast<juce::Component*>(&mixLabel_), static_cast<juce::Component*>(&status_)})
        addAndMakeVisible(child);
    processor_.onStatusChange = [this] {
        showVoices();
        showStatus();
    };
    showVoices();
    showStatus();
    setSize(460, 260);
}

VoiceEditor::~VoiceEditor() {
    processor_.onStatusChange = nullptr;
}

void VoiceEditor::showVoices() {
    voice_.clear(juce::dontSendNotification);
    files_.clear();
    for (const VoiceChoice& choice : processor_.voices()) {
        files_.push_back(choice.file);
        voice_.addItem(choice.label, int(files_.size()));
        if (choice.file == processor_.chosenVoice())
            voice_.setSelectedId(int(files_.size()), juce::dontSendNotification);
    }
}

void VoiceEditor::showStatus() {
    status_.setText(processor_.status(), juce::dontSendNotification);
    status_.setColour(juce::Label::textColourId,
                      processor_.sounding() ? juce::Colours::white : juce::Colours::orange);
}

void VoiceEditor::paint(juce::Graphics& g) {
    g.fillAll(getLookAndFeel().findColour(juce::ResizableWindow::backgroundColourId));
}

void VoiceEditor::resized() {
    juce::Rectangle<int> area = getLocalBounds().reduced(12);
    voice_.setBounds(area.removeFromTop(28));
    area.removeFromTop(8);
    juce::Rectangle<int> row = area.removeFromTop(28);
    transposeLabel_.setBounds(row.removeFromLeft(160));
    transpose_.setBounds(row);
    row = area.removeFromTop(28);
    mixLabel_.setBounds(row.removeFromLeft(160));
    mix_.setBounds(row);
    area.removeFromTop(8);
    status_.setBounds(area);
}

} // namespace accord::plugin
