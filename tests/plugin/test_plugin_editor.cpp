// The plugin's window (app/plugin/voice_editor.h, docs/PLUGIN.md) on its processor, with real
// JUCE widgets on a real registry and a tiny voice model really trained: the voice list names
// the registry's models by their owner, choosing one asks the consent and the status line says
// the decision in plain words; a grant revoked while it is open turns the line into the reason.

#include "accord/core/registry.h"

#include "ada_voice_registry.h"
#include "juce_message_loop.h"
#include "test_support.h"

#include "voice_processor.h"

#include <QTemporaryDir>
#include <QtTest>

#include <memory>
#include <string>
#include <utility>

using namespace accord;

namespace {

const QString kAdaTake = "fillets-cs/barrel/cs/bar-v-krab.ogg"; // low male voice, 7.8 s

template <typename T> T* childOf(juce::Component& parent) {
    for (juce::Component* child : parent.getChildren())
        if (auto* found = dynamic_cast<T*>(child))
            return found;
    return nullptr;
}

} // namespace

class TestPluginEditor : public QObject {
    Q_OBJECT

    juce::ScopedJuceInitialiser_GUI juce_;
    QTemporaryDir dir_;
    std::unique_ptr<Registry> registry_;
    std::string generateGrant_;

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(dir_.isValid());
        ACCORD_REQUIRE_MATERIAL(take, kAdaTake);
        test::AdaVoiceRegistry studio = test::openAdaVoiceRegistry(dir_.path(), {take}, 10, 16);
        registry_ = std::move(studio.registry);
        generateGrant_ = studio.generateGrant;
        QVERIFY(!studio.modelFile.empty());
    }

    void choosingAVoiceShowsTheDecisionAndARevocationItsReason() {
        plugin::VoiceProcessor processor;
        const std::unique_ptr<juce::AudioProcessorEditor> editor(processor.createEditor());
        QVERIFY(editor);
        auto* voices = childOf<juce::ComboBox>(*editor);
        auto* status = dynamic_cast<juce::Label*>(editor->findChildWithID("status"));
        QVERIFY(voices && status);
        QCOMPARE(status->getText(), juce::String("Choose a voice. The input passes through dry."));
        QCOMPARE(voices->getNumItems(), 1);
        QVERIFY(voices->getItemText(0).startsWith("Ada voice (m-1, ada.accordvoice)"));

        voices->setSelectedId(1, juce::sendNotificationSync);
        QVERIFY2(status->getText().contains("ready once the host starts playing"),
                 status->getText().toRawUTF8());
        processor.prepareToPlay(48000, 128);
        QVERIFY2(status->getText().contains("Ada allows singing with this voice"),
                 status->getText().toRawUTF8());
        QVERIFY(processor.getLatencySamples() > 0);

        registry_->revokeGrant(generateGrant_, "not in this song");
        // The plugin's timer polls the registry on JUCE's message loop.
        QVERIFY(test::dispatchJuceUntil([&] { return status->getText().contains("may not sing"); },
                                        test::kSafetyNetMs));
        QVERIFY2(status->getText().contains("not in this song") &&
                     status->getText().endsWith("The input passes through dry."),
                 status->getText().toRawUTF8());
        QVERIFY(!processor.sounding());
    }
};

QTEST_GUILESS_MAIN(TestPluginEditor)
#include "test_plugin_editor.moc"
