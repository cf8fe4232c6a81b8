// The Variations panel in the studio window on a real registry and a real style model: a tiny
// training (30 steps, 16 wide) on abcmidi's tunes (melodies/abc, scripts/fetch-material.sh),
// then variations of one tune through the panel: refused without a generate grant (every missing
// grant shown, nothing written), listed with their meters and shared runs, cancelled between
// variations, placed in the arrangement as their render (undoable), compared A/B with the phrase
// they came from, their MIDI exported.

#include "accord/audio/midi_file.h"
#include "accord/core/registry.h"
#include "accord/ui/arrangement/arrangement_view.h"
#include "accord/ui/project/project_document.h"
#include "accord/ui/shell/main_window.h"
#include "accord/ui/shell/registry_session.h"
#include "accord/ui/variations/variations_panel.h"
#include "accord/workflows/import.h"
#include "accord/workflows/style.h"
#include "studio_test_main.h"

#include "test_support.h"

#include <QComboBox>
#include <QDir>
#include <QDirIterator>
#include <QFileInfo>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTreeWidget>
#include <QUndoStack>
#include <QtTest>

#include <cmath>
#include <memory>
#include <string>
#include <vector>

using namespace accord;

namespace {

const QString kTunes[] = {"melodies/abc/coleraine8.mid", "melodies/abc/araber47.mid",
                          "melodies/abc/boys3.mid", "melodies/abc/dergasn145.mid"};
constexpr int kTinySteps = 30;
constexpr int kTinyWidth = 16;
constexpr int kCount = 3;
constexpr int kCancelledCount = 24; // enough that a cancel after the first lands before the last
constexpr int kTimeoutMs = accord::test::kSafetyNetMs; // a safety net, not a speed limit

} // namespace

class TestVariationsPanel : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;
    std::unique_ptr<ui::MainWindow> window_;
    std::string ada_;
    std::vector<std::string> tunes_;
    QString phrase_;
    QString model_;

    Registry& registry() { return *window_->session()->registry(); }
    ui::VariationsPanel* panel() { return window_->variationsPanel(); }
    ui::ProjectDocument* document() { return window_->document(); }

    bool generate() {
        QTest::mouseClick(panel()->generateButton(), Qt::LeftButton);
        return QTest::qWaitFor([this] { return !panel()->isGenerating(); }, kTimeoutMs);
    }

    QStringList filesIn(const QString& folder) const {
        QStringList files;
        QDirIterator it(folder, QDir::Files, QDirIterator::Subdirectories);
        while (it.hasNext())
            files << it.next();
        return files;
    }

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(dir_.isValid());
        window_ = std::make_unique<ui::MainWindow>();
        QVERIFY(window_->openRegistry(dir_.filePath("registry.sqlite")));
        ada_ = registry().addHolder("Ada", "").id;
        for (const QString& tune : kTunes) {
            ACCORD_REQUIRE_MATERIAL(file, tune);
            tunes_.push_back(workflows::registerRecording(registry(), file.toStdString(), ada_,
                                                          AssetOrigin::Recorded, "")
                                 .asset.id);
            if (phrase_.isEmpty())
                phrase_ = file;
        }
        NewGrant training;
        training.holder = ada_;
        training.scope = Scope::TrainStyle; // all of Ada's tunes, to anyone
        registry().addGrant(training);

        workflows::StyleTrainingRequest request;
        request.owner = ada_;
        request.assets = tunes_;
        request.outFile = dir_.filePath("ada.accordstyle").toStdString();
        request.maxSteps = kTinySteps;
        request.hidden = kTinyWidth;
        request.maxMinutes = 0;
        model_ = QString::fromStdString(workflows::trainStyleModel(registry(), request).file);
        window_->session()->notifyChanged();

        panel()->outputEdit()->setText(dir_.filePath("variations"));
        panel()->countBox()->setValue(kCount);
        window_->panels()->setCurrentWidget(panel());
        window_->show();
    }

    void cleanupTestCase() { window_.reset(); }

    // The registry's style model is offered; the phrase is a registered file.
    void offersTheRegistrysStyleModel() {
        QCOMPARE(panel()->modelBox()->count(), 1);
        QCOMPARE(panel()->modelFile(), model_);
        QVERIFY(!panel()->generateButton()->isEnabled()); // no phrase yet
        panel()->usePhraseFile(phrase_);
        QCOMPARE(panel()->phraseLabel()->text(), QFileInfo(phrase_).fileName());
        QVERIFY(panel()->generateButton()->isEnabled());
    }

    // An unregistered phrase is bad input, said in plain words naming the file.
    void refusesAnUnregisteredPhrase() {
        ACCORD_REQUIRE_MATERIAL(unregistered, "melodies/abc/daramud1.mid");
        panel()->usePhraseFile(unregistered);
        QVERIFY(generate());
        const QString message = panel()->messageLabel()->text();
        QVERIFY2(message.startsWith("Could not make variations: ") &&
                     message.contains(unregistered + ": not registered"),
                 qPrintable(message));
        QVERIFY(panel()->variations().empty());
        QVERIFY(filesIn(dir_.filePath("variations")).isEmpty());
        panel()->usePhraseFile(phrase_);
    }

    // Training was allowed, generating is not: the denial names the missing grant of every
    // training tune and nothing is written.
    void refusedWithoutGenerateGrant() {
        QVERIFY(generate());
        const QString message = panel()->messageLabel()->text();
        QVERIFY2(message.startsWith("Consent denied: nothing was generated."), qPrintable(message));
        QCOMPARE(message.count("no generate grant from Ada"), int(tunes_.size()));
        QVERIFY(panel()->variations().empty());
        QCOMPARE(panel()->variationList()->topLevelItemCount(), 0);
        QVERIFY(filesIn(dir_.filePath("variations")).isEmpty());
    }

    void listsVariationsWithMetersAndSharedRuns() {
        NewGrant generating;
        generating.holder = ada_;
        generating.scope = Scope::Generate;
        registry().addGrant(generating);

        QVERIFY(generate());
        QVERIFY2(panel()->messageLabel()->text().contains("3 variations made and registered"),
                 qPrintable(panel()->messageLabel()->text()));
        QCOMPARE(int(panel()->variations().size()), kCount);
        QCOMPARE(panel()->variationList()->topLevelItemCount(), kCount);
        const double phrase = panel()->phraseLogLikelihood();
        QVERIFY(phrase < 0);
        for (int row = 0; row < kCount; ++row) {
            const ui::MadeVariation& made = panel()->variations()[std::size_t(row)];
            QVERIFY(QFileInfo::exists(QString::fromStdString(made.file.file)));
            QVERIFY(QFileInfo::exists(QString::fromStdString(made.file.midi)));
            QCOMPARE(registry().render(made.file.render)->kind, std::string("variation"));
            QVERIFY(made.file.longestSharedRun.notes < models::kForbiddenRunNotes);
            QVERIFY(!made.notes.notes.empty());
            QVERIFY(made.projectFrames > 0);

            QTreeWidgetItem* item = panel()->variationList()->topLevelItem(row);
            auto* meter = qobject_cast<QProgressBar*>(
                panel()->variationList()->itemWidget(item, ui::VariationsPanel::VariationLikeness));
            QVERIFY(meter != nullptr);
            QVERIFY(meter->format().contains(
                QString::number(made.file.score.perNoteLogLikelihood, 'f', 2)));
            QVERIFY(meter->format().contains(QString::number(phrase, 'f', 2)));
            // Half full is as likely as the phrase.
            const double difference = made.file.score.perNoteLogLikelihood - phrase;
            if (std::abs(difference) > 0.01)
                QCOMPARE(meter->value() > meter->maximum() / 2, difference > 0);
            const QString shared = item->text(ui::VariationsPanel::VariationSharedRun);
            if (made.file.longestSharedRun.notes > 0)
                QVERIFY2(
                    shared.startsWith(
                        QString("%1 notes, with ").arg(made.file.longestSharedRun.notes)) &&
                        shared.contains(QString::fromStdString(made.file.longestSharedRun.source)),
                    qPrintable(shared));
            QVERIFY(
                panel()->variationList()->itemWidget(item, ui::VariationsPanel::VariationNotes));
            QVERIFY(
                panel()->variationList()->itemWidget(item, ui::VariationsPanel::VariationWaveform));
        }
    }

    void exportsTheMidi() {
        const QString exported = dir_.filePath("exported.mid");
        QVERIFY(panel()->exportMidi(1, exported));
        QCOMPARE(audio::readMidiFile(exported.toStdString()).notesSha256,
                 audio::readMidiFile(panel()->variations()[1].file.midi).notesSha256);
    }

    // The clip plays the variation's render (its lineage kept); undo takes clip and track away.
    void addsToTheArrangementAsItsRenderUndoably() {
        const std::size_t tracks = document()->project().tracks.size();
        panel()->selectRow(0);
        QTest::mouseClick(panel()->addButton(), Qt::LeftButton);
        QCOMPARE(document()->project().tracks.size(), tracks + 1);
        const accord::Track& track = document()->project().tracks.back();
        QCOMPARE(track.clips.size(), std::size_t(1));
        const accord::Clip clip = track.clips.front();
        const ui::MadeVariation& made = panel()->variations()[0];
        QCOMPARE(clip.render, made.file.render);
        QVERIFY(clip.asset.empty());
        QCOMPARE(clip.pcmSha256, registry().render(made.file.render)->pcmSha256);
        QCOMPARE(clip.file, made.file.file);
        QCOMPARE(clip.length, made.projectFrames);

        document()->undoStack()->undo();
        QCOMPARE(document()->project().tracks.size(), tracks);
        QVERIFY(document()->findClip(clip.id) == nullptr);
        QVERIFY(panel()->auditionVariationButton()->isEnabled()); // it places the variation again
    }

    // A clip selected in the arrangement is the phrase; its variation lands under it, and A/B
    // solos one or the other.
    void comparesAVariationWithTheClipItCameFrom() {
        panel()->selectRow(0);
        const QString source = panel()->addToArrangement(0);
        QVERIFY(!source.isEmpty());
        std::string sourceTrack;
        const accord::Clip original = *document()->findClip(source.toStdString(), &sourceTrack);
        window_->arrangement()->selectClip(original.id); // the window hands it to the panel
        QVERIFY(panel()->useClipButton()->isEnabled());
        QTest::mouseClick(panel()->useClipButton(), Qt::LeftButton);
        QCOMPARE(panel()->phraseClip(), source);
        QCOMPARE(panel()->phraseFile(), QString::fromStdString(original.file));

        panel()->countBox()->setValue(1);
        QVERIFY(generate());
        QVERIFY2(panel()->variations().size() == 1, qPrintable(panel()->messageLabel()->text()));
        // B before the variation is in the arrangement: it is placed under the phrase and soloed,
        // one undoable edit.
        const std::size_t tracks = document()->project().tracks.size();
        QTest::mouseClick(panel()->auditionVariationButton(), Qt::LeftButton);
        QCOMPARE(document()->project().tracks.size(), tracks + 1);
        const std::string variationTrack =
            document()->project().tracks[std::size_t(document()->trackIndex(sourceTrack) + 1)].id;
        const accord::Track* placed = document()->findTrack(variationTrack);
        QVERIFY(placed && placed->solo && placed->clips.size() == 1);
        QCOMPARE(placed->clips.front().position, original.position);
        QCOMPARE(placed->clips.front().offset, std::int64_t(0)); // a variation of what it plays
        QVERIFY(placed->clips.front().length <= original.length);
        QCOMPARE(placed->clips.front().render, panel()->variations()[0].file.render);
        document()->undoStack()->undo();
        QCOMPARE(document()->project().tracks.size(), tracks);
        document()->undoStack()->redo();
        QVERIFY(document()->findTrack(variationTrack)->solo);

        const auto solo = [this](const std::string& id) { return document()->findTrack(id)->solo; };
        QTest::mouseClick(panel()->auditionOriginalButton(), Qt::LeftButton);
        QVERIFY(solo(sourceTrack) && !solo(variationTrack));
        QTest::mouseClick(panel()->auditionVariationButton(), Qt::LeftButton);
        QVERIFY(!solo(sourceTrack) && solo(variationTrack));
        QTest::mouseClick(panel()->auditionBothButton(), Qt::LeftButton);
        QVERIFY(!solo(sourceTrack) && !solo(variationTrack));
    }

    // Cancel stops between variations: those made are listed and registered, no more.
    void cancelsBetweenVariations() {
        panel()->usePhraseFile(phrase_);
        panel()->countBox()->setValue(kCancelledCount);
        QTest::mouseClick(panel()->generateButton(), Qt::LeftButton);
        QVERIFY(panel()->isGenerating());
        QTRY_VERIFY_WITH_TIMEOUT(panel()->progressBar()->value() > 0, kTimeoutMs);
        QTest::mouseClick(panel()->cancelButton(), Qt::LeftButton);
        QVERIFY(!panel()->cancelButton()->isEnabled());
        QTRY_VERIFY_WITH_TIMEOUT(!panel()->isGenerating(), kTimeoutMs);
        const int made = int(panel()->variations().size());
        QVERIFY2(made >= 1 && made < kCancelledCount, qPrintable(QString::number(made)));
        QVERIFY2(panel()->messageLabel()->text().startsWith("Cancelled:"),
                 qPrintable(panel()->messageLabel()->text()));
        for (const ui::MadeVariation& variation : panel()->variations())
            QVERIFY(registry().render(variation.file.render).has_value());
    }
};

int main(int argc, char** argv) {
    return accord::test::runStudioTest<TestVariationsPanel>(argc, argv);
}

#include "test_variations_panel.moc"
