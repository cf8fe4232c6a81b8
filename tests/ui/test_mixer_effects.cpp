// The mixer's effects with real widgets (docs/STUDIO.md "Mixer"): the master fader, the master
// limiter, a track's EQ editor and send, the reverb bus editor. Each change edits the project,
// undoes and redoes as one step per gesture, and the widgets follow undo.

#include "accord/audio/engine.h"
#include "accord/core/project.h"
#include "accord/ui/mixer/effects_editors.h"
#include "accord/ui/mixer/mixer_panel.h"
#include "accord/ui/playback/playback_controller.h"
#include "accord/ui/project/project_document.h"

#include <QCheckBox>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QPushButton>
#include <QSlider>
#include <QUndoStack>
#include <QtTest>

#include <memory>

using namespace accord;

class TestMixerEffects : public QObject {
    Q_OBJECT

    std::unique_ptr<ui::ProjectDocument> document_;
    std::unique_ptr<ui::PlaybackController> playback_;
    std::unique_ptr<ui::MixerPanel> mixer_;

    const Track& track() const { return document_->project().tracks.at(0); }
    QUndoStack* undo() const { return document_->undoStack(); }

private Q_SLOTS:
    void init() {
        document_ = std::make_unique<ui::ProjectDocument>();
        Project project;
        Track vocals;
        vocals.id = "t-1";
        vocals.name = "Vocals";
        project.tracks.push_back(vocals);
        document_->reset(project, QString());
        playback_ = std::make_unique<ui::PlaybackController>(document_.get(), nullptr);
        mixer_ = std::make_unique<ui::MixerPanel>(document_.get(), playback_.get());
        mixer_->resize(600, 400);
        mixer_->show();
        QVERIFY(QTest::qWaitForWindowExposed(mixer_.get()));
    }

    void cleanup() {
        mixer_.reset();
        playback_.reset();
        document_.reset();
    }

    // Keys on the master fader: six steps down are -3 dB and one undo step; undo restores the
    // project and the fader.
    void masterFader() {
        QSlider* fader = mixer_->masterFader();
        QCOMPARE(fader->value(), 0);
        fader->setFocus();
        for (int i = 0; i < 6; ++i)
            QTest::keyClick(fader, Qt::Key_Down);
        QCOMPARE(document_->project().masterGainDb, -3.0);
        QCOMPARE(undo()->count(), 1);
        QVERIFY(mixer_->masterGainLabel()->text().contains(QStringLiteral("3.0")));
        undo()->undo();
        QCOMPARE(document_->project().masterGainDb, 0.0);
        QCOMPARE(fader->value(), 0);
        undo()->redo();
        QCOMPARE(fader->value(), -30);
        // Double-click: back to 0 dB, its own undo step.
        QTest::mouseDClick(fader, Qt::LeftButton);
        QCOMPARE(document_->project().masterGainDb, 0.0);
        QCOMPARE(undo()->count(), 2);
    }

    // The limiter button switches the master limiter on (the engine's output then lags by its
    // look-ahead) and enables its ceiling; a ceiling typed in is one more undo step; undo
    // restores the project, the engine and the widgets.
    void masterLimiter() {
        QPushButton* button = mixer_->limiterButton();
        QDoubleSpinBox* ceiling = mixer_->limiterCeiling();
        QVERIFY(!button->isChecked());
        QVERIFY(!ceiling->isEnabled());
        QCOMPARE(ceiling->value(), -1.0);
        QCOMPARE(playback_->engine().masterLatencyFrames(), 0);
        QTest::mouseClick(button, Qt::LeftButton);
        QVERIFY(document_->project().limiter.on);
        QVERIFY(ceiling->isEnabled());
        QVERIFY(playback_->engine().masterLatencyFrames() > 0);
        ceiling->setFocus();
        ceiling->selectAll();
        QTest::keyClicks(ceiling, QStringLiteral("-3.5"));
        QTest::keyClick(ceiling, Qt::Key_Enter);
        QCOMPARE(document_->project().limiter.ceilingDbtp, -3.5);
        while (undo()->canUndo())
            undo()->undo();
        QVERIFY(document_->project().limiter == MasterLimiter());
        QVERIFY(!button->isChecked());
        QCOMPARE(ceiling->value(), -1.0);
        QCOMPARE(playback_->engine().masterLatencyFrames(), 0);
        undo()->redo();
        QVERIFY(button->isChecked());
        QVERIFY(playback_->engine().masterLatencyFrames() > 0);
    }

    // The EQ button opens the editor; a band edit gives the track an EQ (on, lighting the
    // button), the On box switches it off, undo takes it all back.
    void eqEditor() {
        ui::ChannelStrip* strip = mixer_->strip("t-1");
        QVERIFY(strip != nullptr);
        QVERIFY(!strip->eqButton()->isChecked());
        QTest::mouseClick(strip->eqButton(), Qt::LeftButton);
        ui::EqEditor* editor = strip->eqEditor();
        QVERIFY(editor->isVisible());
        QVERIFY(!strip->eqButton()->isChecked());          // a click opens, it does not switch
        QCOMPARE(editor->frequencyBox(1)->value(), 400.0); // the standard bands
        editor->gainBox(1)->setValue(6.0);
        QVERIFY(track().eq.has_value());
        QVERIFY(track().eq->on);
        QCOMPARE(track().eq->bands.size(), std::size_t(4));
        QCOMPARE(track().eq->bands[1].gainDb, 6.0);
        QVERIFY(strip->eqButton()->isChecked());
        editor->frequencyBox(2)->setValue(3000.0);
        editor->qBox(2)->setValue(2.5);
        QCOMPARE(track().eq->bands[2].frequencyHz, 3000.0);
        QCOMPARE(track().eq->bands[2].q, 2.5);
        const int steps = undo()->count();
        QVERIFY(steps >= 1 && steps <= 3); // quick edits in a row merge
        QTest::mouseClick(editor->onBox(), Qt::LeftButton);
        QVERIFY(!track().eq->on);
        QVERIFY(!strip->eqButton()->isChecked());
        QCOMPARE(track().eq->bands[1].gainDb, 6.0); // off keeps the settings
        while (undo()->canUndo())
            undo()->undo();
        QVERIFY(!track().eq.has_value());
        QCOMPARE(editor->gainBox(1)->value(), 0.0);
        QVERIFY(!editor->onBox()->isChecked());
        undo()->redo();
        QVERIFY(track().eq.has_value());
        QTest::mouseClick(editor->removeButton(), Qt::LeftButton);
        QVERIFY(!track().eq.has_value());
    }

    // The send slider: its far left is no send; changes are undoable.
    void sendSlider() {
        ui::ChannelStrip* strip = mixer_->strip("t-1");
        QSlider* send = strip->sendSlider();
        QCOMPARE(send->value(), ui::ChannelStrip::kSendOff);
        QVERIFY(!track().reverbSendDb.has_value());
        send->setValue(-120);
        QCOMPARE(track().reverbSendDb, std::optional<double>(-12.0));
        QVERIFY(strip->sendLabel()->text().contains(QStringLiteral("12")));
        QTest::mouseDClick(send, Qt::LeftButton); // 0 dB, its own undo step
        QCOMPARE(track().reverbSendDb, std::optional<double>(0.0));
        QCOMPARE(send->value(), 0);
        undo()->undo();
        QCOMPARE(track().reverbSendDb, std::optional<double>(-12.0));
        QCOMPARE(send->value(), -120);
        send->setValue(ui::ChannelStrip::kSendOff);
        QVERIFY(!track().reverbSendDb.has_value());
        QVERIFY(strip->sendLabel()->text().contains(QStringLiteral("No send")));
    }

    // The reverb bus editor, opened from the master strip.
    void reverbEditor() {
        QTest::mouseClick(mixer_->reverbButton(), Qt::LeftButton);
        ui::ReverbEditor* editor = mixer_->reverbEditor();
        QVERIFY(editor->isVisible());
        QCOMPARE(editor->roomSlider()->value(), 50);
        editor->roomSlider()->setValue(80);
        editor->returnSlider()->setValue(-60);
        QCOMPARE(document_->project().reverb.roomSize, 0.8);
        QCOMPARE(document_->project().reverb.returnDb, -6.0);
        while (undo()->canUndo())
            undo()->undo();
        QVERIFY(document_->project().reverb == ReverbSettings());
        QCOMPARE(editor->roomSlider()->value(), 50);
    }
};

QTEST_MAIN(TestMixerEffects)
#include "test_mixer_effects.moc"
