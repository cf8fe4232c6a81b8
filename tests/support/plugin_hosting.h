#pragma once

// Hosting the built Accord Voice (docs/PLUGIN.md) with JUCE's own plugin hosting, as a DAW hosts
// it: for tests/plugin/ and tests/bench/bench_plugin.cpp. The target defines
// ACCORD_VOICE_VST3_LIBRARY_DIR and ACCORD_VOICE_LV2_BUNDLE (accord_host_accord_voice in
// tests/plugin/CMakeLists.txt) and links accord_juce_host.

#include "juce_message_loop.h"

#include <juce_audio_processors/juce_audio_processors.h>

#include <cstdio>
#include <memory>
#include <string>

namespace accord::test {

class PluginHost {
public:
    PluginHost() {
        formats_.addFormat(new juce::VST3PluginFormat());
        formats_.addFormat(new juce::LV2PluginFormat());
    }

    // The built bundles: the VST3's library sits in <bundle>/Contents/x86_64-linux, the LV2's in
    // its bundle, in a folder of bundles.
    static juce::File vst3Bundle() {
        return juce::File(ACCORD_VOICE_VST3_LIBRARY_DIR).getParentDirectory().getParentDirectory();
    }
    static juce::File lv2Folder() {
        return juce::File(ACCORD_VOICE_LV2_BUNDLE).getParentDirectory();
    }

    // `formatName`: "VST3" or "LV2". Null when it cannot be loaded (stderr says why).
    std::unique_ptr<juce::AudioPluginInstance> load(const juce::String& formatName, int sampleRate,
                                                    int blockSize) {
        juce::AudioPluginFormat* format = nullptr;
        for (int i = 0; i < formats_.getNumFormats(); ++i)
            if (formats_.getFormat(i)->getName() == formatName)
                format = formats_.getFormat(i);
        if (format == nullptr)
            return nullptr;
        juce::String identifier = vst3Bundle().getFullPathName();
        if (formatName == "LV2") {
            format->searchPathsForPlugins(juce::FileSearchPath(lv2Folder().getFullPathName()),
                                          false, false);
            identifier = "https://accord.studio/plugins/voice";
        }
        juce::OwnedArray<juce::PluginDescription> found;
        format->findAllTypesForFile(found, identifier);
        if (found.isEmpty())
            return nullptr;
        juce::String error;
        auto instance = formats_.createPluginInstance(*found[0], sampleRate, blockSize, error);
        if (!instance)
            std::fprintf(stderr, "%s cannot be loaded: %s\n", formatName.toRawUTF8(),
                         error.toRawUTF8());
        return instance;
    }

    // The plugin's own state inside what the host saves: JUCE's wrappers keep it as base64 (VST3:
    // the IComponent element of the host's XML; LV2: a string property of the turtle state).
    struct State {
        juce::String text;         // the host's state as text (XML or turtle)
        juce::String pluginBase64; // the plugin's part, as found in it
        std::unique_ptr<juce::XmlElement> plugin;
    };

    static State readState(juce::AudioPluginInstance& instance) {
        juce::MemoryBlock block;
        instance.getStateInformation(block);
        State state;
        if (auto xml =
                juce::AudioProcessor::getXmlFromBinary(block.getData(), int(block.getSize()))) {
            state.text = xml->toString();
            if (auto* component = xml->getChildByName("IComponent"))
                state.pluginBase64 = component->getAllSubText().trim();
        } else {
            state.text = block.toString();
            // The one long base64 literal of the turtle ("<size>.<characters>").
            for (const juce::String& token : juce::StringArray::fromTokens(state.text, "\"", {}))
                if (token.containsChar('.') &&
                    token.upToFirstOccurrenceOf(".", false, false).containsOnly("0123456789") &&
                    token.length() > 32)
                    state.pluginBase64 = token;
        }
        juce::MemoryBlock plugin;
        if (state.pluginBase64.isNotEmpty() && plugin.fromBase64Encoding(state.pluginBase64))
            state.plugin =
                juce::AudioProcessor::getXmlFromBinary(plugin.getData(), int(plugin.getSize()));
        return state;
    }

    // Sets the plugin's chosen model file through the host's own state, as a DAW restores a
    // project. False when the host's state holds no plugin state.
    static bool chooseVoice(juce::AudioPluginInstance& instance, const std::string& modelFile) {
        State state = readState(instance);
        if (!state.plugin)
            return false;
        state.plugin->setAttribute("model", juce::String(modelFile));
        juce::MemoryBlock plugin;
        juce::AudioProcessor::copyXmlToBinary(*state.plugin, plugin);
        const juce::String text = state.text.replace(state.pluginBase64, plugin.toBase64Encoding());
        juce::MemoryBlock block;
        if (auto xml = juce::parseXML(text))
            juce::AudioProcessor::copyXmlToBinary(*xml, block);
        else
            block.append(text.toRawUTF8(), text.getNumBytesAsUTF8() + 1);
        instance.setStateInformation(block.getData(), int(block.getSize()));
        return true;
    }

    // The status line the plugin last showed (docs/PLUGIN.md "Consent").
    static juce::String statusOf(juce::AudioPluginInstance& instance) {
        const State state = readState(instance);
        return state.plugin ? state.plugin->getStringAttribute("status") : juce::String();
    }

    // The latency as the host knows it: VST3 tells it with restartComponent, which the host's JUCE
    // handles on its message loop (run here, as a DAW's runs), LV2 through its latency port once
    // the plugin has run. 0 when nothing came within `timeoutMs`.
    static int reportedLatency(juce::AudioPluginInstance& instance, int timeoutMs) {
        dispatchJuceUntil([&] { return instance.getLatencySamples() > 0; }, timeoutMs);
        return instance.getLatencySamples();
    }

private:
    juce::AudioPluginFormatManager formats_;
};

} // namespace accord::test
