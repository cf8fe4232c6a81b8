// The studio window driven like a user, on real recordings and a real registry: drag-and-drop
// import, moving, trimming, fading and splitting clips with the mouse, undo and redo from the
// keyboard, save and reopen, the consent dialogs, playback on the offline clock, the window's
// responsiveness during a long import, crash recovery, preferences and the remembered layout,
// and a screenshot of a demo project for reviewers.

#include "accord/audio/audio_file.h"
#include "accord/core/project.h"
#include "accord/core/registry.h"
#include "accord/ui/arrangement/arrangement_view.h"
#include "accord/ui/arrangement/waveform_cache.h"
#include "accord/ui/common/studio_style.h"
#include "accord/ui/consent/consent_dialogs.h"
#include "accord/ui/consent/consent_models.h"
#include "accord/ui/consent/consent_panel.h"
#include "accord/ui/import/import_manager.h"
#include "accord/ui/mixer/mixer_panel.h"
#include "accord/ui/mixer/transport_bar.h"
#include "accord/ui/playback/playback_controller.h"
#include "accord/ui/project/project_document.h"
#include "accord/ui/shell/main_window.h"
#include "accord/ui/shell/preferences_dialog.h"
#include "accord/ui/shell/recovery.h"
#include "accord/workflows/import.h"
#include "studio_test_main.h"
#include "studio_test_support.h"
#include "test_support.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateEdit>
#include <QDockWidget>
#include <QDoubleSpinBox>
#include <QElapsedTimer>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMenu>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QRadioButton>
#include <QScrollBar>
#include <QSlider>
#include <QTableView>
#include <QTemporaryDir>
#include <QToolButton>
#include <QUndoStack>
#include <QWheelEvent>

#include <memory>

using namespace accord;
using accord::test::answerOwnerDialog;
using accord::test::dragMouse;
using accord::test::dropFiles;
using accord::test::waitForIdle;
using accord::test::waitForImports;

namespace {

std::string json(const ui::MainWindow& window, const QString& path = QString()) {
    return projectToJson(window.document()->project(), path.toStdString());
}

const Clip* onlyClip(const ui::MainWindow& window, std::size_t track = 0, std::size_t index = 0) {
    const auto& tracks = window.document()->project().tracks;
    if (track >= tracks.size() || index >= tracks[track].clips.size())
        return nullptr;
    return &tracks[track].clips[index];
}

// Where the canvas is empty: below the last lane, a little right of the headers.
QPoint belowTracks(const ui::MainWindow& window, int x = 100) {
    const int tracks = static_cast<int>(window.document()->project().tracks.size());
    return QPoint(ui::ArrangementView::kHeaderWidth + x,
                  window.arrangement()->trackTop(tracks) + ui::ArrangementView::kTrackHeight / 2);
}

// Clicks a check box on its box (a stretched check box is not clickable at its centre).
void clickCheck(QAbstractButton* button) {
    QTest::mouseClick(button, Qt::LeftButton, Qt::NoModifier, QPoint(8, button->height() / 2));
}

QPushButton* okButton(QDialog* dialog) {
    auto* buttons = dialog->findChild<QDialogButtonBox*>();
    return buttons ? buttons->button(QDialogButtonBox::Ok) : nullptr;
}

int rowWithId(const QAbstractItemModel* model, const QString& id) {
    for (int row = 0; row < model->rowCount(); ++row)
        if (model->index(row, 0).data(ui::IdRole).toString() == id)
            return row;
    return -1;
}

} // namespace

class TestStudio : public QObject {
    Q_OBJECT

private:
    QTemporaryDir dir_;
    QString registry_;
    QString ada_, ben_;

    void openWindow(ui::MainWindow& window) {
        QVERIFY(window.openRegistry(registry_));
        QVERIFY(accord::test::showOnOfflineClock(window));
    }

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(dir_.isValid());
        registry_ = dir_.filePath(QStringLiteral("registry.sqlite"));
        const auto registry = Registry::open(registry_.toStdString());
        ada_ = QString::fromStdString(registry->addHolder("Ada Lovelace", "00052210040").id);
        ben_ = QString::fromStdString(registry->addHolder("Ben Okri", "").id);
    }

    void cleanup() {
        for (QWidget* widget : QApplication::topLevelWidgets())
            if (qobject_cast<QMessageBox*>(widget) || qobject_cast<QDialog*>(widget))
                widget->close();
    }

    // Drop real recordings from the desktop, edit them with the mouse, undo and redo from the
    // keyboard, save, reopen in another window, and compare.
    void dropEditUndoRedoSaveReopen() {
        ACCORD_REQUIRE_MATERIAL(first, "alsa/Front_Center.wav");
        ACCORD_REQUIRE_MATERIAL(second, "alsa/Front_Left.wav");
        ui::MainWindow window;
        openWindow(window);
        ui::ArrangementView* view = window.arrangement();
        QWidget* canvas = view->viewport();

        // 1. Drop on empty space: the owner is asked once, a track is made for the file.
        QVERIFY(dropFiles(canvas, {first}, belowTracks(window, 100)));
        ui::OwnerDialog* dialog = nullptr;
        QTRY_VERIFY((dialog = window.imports()->ownerDialog()) != nullptr);
        QVERIFY(dialog->isVisible());
        QCOMPARE(dialog->holderList()->count(), 2);
        QVERIFY(answerOwnerDialog(window, ada_));
        QVERIFY(waitForImports(window));
        QCOMPARE(window.document()->project().tracks.size(), std::size_t(1));
        const Clip* clip = onlyClip(window);
        QVERIFY(clip != nullptr);
        QCOMPARE(QString::fromStdString(window.document()->project().tracks[0].name),
                 QStringLiteral("Front_Center"));
        QCOMPARE(clip->position, view->snapped(view->sampleAtX(belowTracks(window).x())));
        const auto reader = Registry::open(registry_.toStdString());
        const auto asset = reader->asset(clip->asset);
        QVERIFY(asset.has_value());
        QCOMPARE(QString::fromStdString(asset->owner), ada_);
        const AudioIdentity identity = audio::identifyAudioFile(first.toStdString());
        QCOMPARE(asset->pcmSha256, identity.pcmSha256);
        QVERIFY(std::abs(clip->length - window.document()->project().secondsToSamples(
                                            identity.durationSeconds)) <= 1);
        QTRY_VERIFY(window.waveforms()->peaks(QString::fromStdString(clip->asset)) != nullptr);

        // 2. Drop onto the track after the clip: same owner, no question.
        const QRect firstRect = view->clipRect(clip->id);
        QVERIFY(
            dropFiles(canvas, {second}, QPoint(firstRect.right() + 320, firstRect.center().y())));
        QVERIFY(window.imports()->ownerDialog() == nullptr);
        QVERIFY(waitForImports(window));
        QCOMPARE(window.document()->project().tracks.size(), std::size_t(1));
        QCOMPARE(window.document()->project().tracks[0].clips.size(), std::size_t(2));
        QCOMPARE(QString::fromStdString(reader->asset(onlyClip(window, 0, 1)->asset)->owner), ada_);
        QVERIFY(waitForIdle(window));

        const std::string imported = json(window);
        const int importedIndex = window.document()->undoStack()->index();
        const double spp = view->samplesPerPixel();

        // 3. Move the first clip 100 px to the right (snapped to the grid).
        clip = onlyClip(window);
        const std::string id = clip->id;
        const Clip before = *clip;
        QRect rect = view->clipRect(id);
        dragMouse(canvas, rect.center(), rect.center() + QPoint(100, 0));
        clip = onlyClip(window);
        QCOMPARE(clip->id, id);
        QCOMPARE(clip->position,
                 view->snapped(before.position + static_cast<std::int64_t>(100 * spp)));
        QCOMPARE(clip->length, before.length);

        // 4. Trim the right edge 40 px in: shorter, same start.
        const Clip moved = *clip;
        rect = view->clipRect(id);
        dragMouse(canvas, QPoint(rect.right() - 1, rect.center().y()),
                  QPoint(rect.right() - 41, rect.center().y()));
        clip = onlyClip(window);
        QCOMPARE(clip->position, moved.position);
        QCOMPARE(clip->offset, moved.offset);
        QVERIFY2(clip->length < moved.length, qPrintable(QString::number(clip->length)));

        // 5. Trim the left edge 30 px in: the media offset follows, the end stays.
        const Clip trimmed = *clip;
        rect = view->clipRect(id);
        dragMouse(canvas, QPoint(rect.left() + 1, rect.center().y()),
                  QPoint(rect.left() + 31, rect.center().y()));
        clip = onlyClip(window);
        QVERIFY(clip->position > trimmed.position);
        QCOMPARE(clip->offset, trimmed.offset + (clip->position - trimmed.position));
        QCOMPARE(clip->position + clip->length, trimmed.position + trimmed.length);

        // 6. Fade in with the handle at the top-left corner.
        rect = view->clipRect(id);
        dragMouse(canvas, QPoint(rect.left() + 3, rect.top() + 6),
                  QPoint(rect.left() + 23, rect.top() + 6));
        clip = onlyClip(window);
        QVERIFY2(clip->fadeIn > 0, "the fade-in handle did not fade");
        QVERIFY(clip->fadeIn < clip->length);

        // 7. Alt+click splits at the pointer (snapped).
        const Clip whole = *clip;
        rect = view->clipRect(id);
        QTest::mouseClick(canvas, Qt::LeftButton, Qt::AltModifier,
                          QPoint(rect.left() + rect.width() / 2, rect.center().y()));
        const auto& clips = window.document()->project().tracks[0].clips;
        QCOMPARE(clips.size(), std::size_t(3));
        const Clip& left = clips[0];
        const Clip& right = clips[1];
        QCOMPARE(left.id, id);
        QCOMPARE(left.position, whole.position);
        QCOMPARE(right.position, left.position + left.length);
        QCOMPARE(right.offset, left.offset + left.length);
        QCOMPARE(left.length + right.length, whole.length);
        QCOMPARE(left.fadeIn, whole.fadeIn);
        const std::string edited = json(window);
        const int edits = window.document()->undoStack()->index() - importedIndex;
        QCOMPARE(edits, 5);
        QVERIFY(window.isWindowModified());

        // 8. Undo every edit with Ctrl+Z, redo them with Ctrl+Shift+Z.
        // (The owner dialog had the focus; the user is back in the window.)
        window.activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(&window));
        view->setFocus();
        for (int i = 0; i < edits; ++i)
            QTest::keyClick(&window, Qt::Key_Z, Qt::ControlModifier);
        QCOMPARE(json(window), imported);
        for (int i = 0; i < edits; ++i)
            QTest::keyClick(&window, Qt::Key_Z, Qt::ControlModifier | Qt::ShiftModifier);
        QCOMPARE(json(window), edited);

        // 9. Save, reopen in another window, compare.
        const QString path = dir_.filePath(QStringLiteral("edited.accord"));
        QVERIFY(window.saveProjectAs(path));
        QVERIFY(!window.isWindowModified());
        QVERIFY(window.recentProjects().contains(path));
        ui::MainWindow reopened;
        openWindow(reopened);
        QVERIFY(reopened.openProject(path));
        QCOMPARE(json(reopened, path), json(window, path));
        QCOMPARE(reopened.document()->path(), path);
        QVERIFY(reopened.arrangement()->clipRect(id).isValid());
        QVERIFY(waitForIdle(reopened));
    }

    // Every kind of edit undoes to exactly the project before it and redoes to exactly after.
    void everyEditUndoesExactly() {
        ACCORD_REQUIRE_MATERIAL(file, "alsa/Rear_Center.wav");
        ui::ProjectDocument doc;
        QUndoStack* undo = doc.undoStack();
        const std::string drums = doc.addTrack(QStringLiteral("Drums"));
        const std::string bass = doc.addTrack(QStringLiteral("Bass"));
        Clip clip;
        clip.file = file.toStdString();
        clip.length = 48000;
        const std::string c1 = doc.addClip(drums, clip);
        clip.position = 96000;
        const std::string c2 = doc.addClip(drums, clip);
        QVERIFY(!c1.empty() && c1 != c2);

        std::vector<std::string> states{projectToJson(doc.project(), "")};
        auto step = [&] { states.push_back(projectToJson(doc.project(), "")); };
        doc.moveClip(c1, bass, 24000);
        step();
        doc.trimClip(c2, 100000, 4000, 30000);
        step();
        doc.setClipFades(c2, 5000, 7000);
        step();
        const std::string c3 = doc.splitClip(c2, 110000);
        QVERIFY(!c3.empty());
        step();
        doc.setTrackMix(bass, ui::MixParameter::Solo, 1);
        step();
        doc.renameTrack(drums, QStringLiteral("Beat"));
        step();
        doc.setTempo(90);
        step();
        doc.setTimeSignature({7, 8});
        step();
        doc.moveTrack(bass, 0);
        step();
        doc.setClipGain({c2, c3}, -6);
        step();
        const auto copies = doc.addClips(QStringLiteral("Paste"),
                                         {{bass, *doc.findClip(c2)}, {drums, *doc.findClip(c3)}});
        QCOMPARE(copies.size(), std::size_t(2));
        step();
        doc.deleteClips({c2, copies[0]});
        step();
        doc.deleteClip(c1);
        step();
        doc.removeTrack(drums);
        step();
        QCOMPARE(doc.project().tracks.size(), std::size_t(1));
        for (auto state = states.rbegin() + 1; state != states.rend(); ++state) {
            undo->undo();
            QCOMPARE(projectToJson(doc.project(), ""), *state);
        }
        for (std::size_t i = 1; i < states.size(); ++i) {
            undo->redo();
            QCOMPARE(projectToJson(doc.project(), ""), states[i]);
        }

        // A fader drag is one step, however many positions it passes; the next drag another.
        const int count = undo->count();
        for (int i = 1; i <= 20; ++i)
            doc.setTrackMix(bass, ui::MixParameter::Gain, -0.5 * i, 7);
        QCOMPARE(undo->count(), count + 1);
        doc.setTrackMix(bass, ui::MixParameter::Gain, -12, 8);
        QCOMPARE(undo->count(), count + 2);
        undo->undo();
        QCOMPARE(doc.project().track(bass).gainDb, -10.0);
        undo->undo();
        QCOMPARE(doc.project().track(bass).gainDb, 0.0);
        // Fades and trims never leave an invalid project (the format refuses those).
        clip.position = 0;
        const std::string c4 = doc.addClip(bass, clip);
        doc.setClipFades(c4, 1 << 30, 1 << 30);
        const Clip* faded = doc.findClip(c4);
        QVERIFY(faded != nullptr);
        QVERIFY(faded->fadeIn + faded->fadeOut <= faded->length);
        QVERIFY(doc.splitClip(c4, faded->position).empty()); // not strictly inside
        doc.trimClip(c4, 0, 0, 1); // shorter than the shortest clip: refused
        QCOMPARE(doc.findClip(c4)->length, std::int64_t(48000));
        QCOMPARE(doc.findClip(c4)->fadeIn + doc.findClip(c4)->fadeOut, std::int64_t(48000));
    }

    // Add a holder, a grant and revoke it, all through the dialogs; the registry says so.
    void grantAndRevokeThroughTheDialogs() {
        ACCORD_REQUIRE_MATERIAL(file, "alsa/Front_Right.wav");
        const QString path = dir_.filePath(QStringLiteral("consent.sqlite"));
        std::string assetId;
        {
            const auto registry = Registry::open(path.toStdString());
            const Holder ada = registry->addHolder("Ada Lovelace", "");
            NewAsset asset{ada.id, audio::identifyAudioFile(file.toStdString()), "",
                           AssetOrigin::Recorded, file.toStdString()};
            assetId = registry->addAsset(asset).asset.id;
        }
        ui::MainWindow window;
        QVERIFY(window.openRegistry(path));
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        ui::ConsentPanel* panel = window.consentPanel();
        window.panels()->setCurrentWidget(panel);
        panel->showRights();

        // A holder.
        QTest::mouseClick(panel->addHolderButton(), Qt::LeftButton);
        auto* holderDialog = window.findChild<ui::HolderDialog*>();
        QVERIFY(holderDialog && holderDialog->isVisible());
        QTest::keyClicks(holderDialog->nameEdit(), QStringLiteral("Cleo Laine"));
        QTest::keyClicks(holderDialog->ipiEdit(), QStringLiteral("00012345678"));
        QTest::mouseClick(okButton(holderDialog), Qt::LeftButton);
        const auto reader = Registry::open(path.toStdString());
        std::optional<Holder> cleo;
        for (const Holder& h : reader->holders())
            if (h.name == "Cleo Laine")
                cleo = h;
        QVERIFY(cleo.has_value());
        QCOMPARE(cleo->ipi, std::string("00012345678"));
        QTRY_COMPARE(panel->holdersView()->model()->rowCount(), 2);

        // A grant on the asset selected in the table, for Cleo only, with every term.
        const QAbstractItemModel* assets = panel->assetsView()->model();
        const int assetRow = rowWithId(assets, QString::fromStdString(assetId));
        QVERIFY(assetRow >= 0);
        QVERIFY(assets->index(assetRow, 0).data(ui::NotExportableRole).toBool());
        panel->assetsView()->selectRow(assetRow);
        QTest::mouseClick(panel->addGrantButton(), Qt::LeftButton);
        auto* grantDialog = window.findChild<ui::GrantDialog*>();
        QVERIFY(grantDialog && grantDialog->isVisible());
        QCOMPARE(grantDialog->holderBox()->currentText(), QStringLiteral("Ada Lovelace"));
        QCOMPARE(grantDialog->assetBox()->currentData().toString(),
                 QString::fromStdString(assetId));
        grantDialog->scopeBox()->setCurrentIndex(grantDialog->scopeBox()->findData("export"));
        clickCheck(grantDialog->granteeButton());
        grantDialog->granteeBox()->setCurrentIndex(
            grantDialog->granteeBox()->findData(QString::fromStdString(cleo->id)));
        grantDialog->shareSpin()->setValue(25);
        clickCheck(grantDialog->commercialCheck());
        clickCheck(grantDialog->expiresCheck());
        QVERIFY(grantDialog->commercialCheck()->isChecked());
        QVERIFY(grantDialog->expiryEdit()->isEnabled());
        grantDialog->expiryEdit()->setDate(QDate(2031, 1, 1));
        QTest::keyClicks(grantDialog->licenceEdit(), QStringLiteral("CC-BY-4.0"));
        QTest::keyClicks(grantDialog->attributionEdit(), QStringLiteral("Vocals: Ada Lovelace"));
        const QString preview = grantDialog->previewLabel()->text();
        QVERIFY2(preview.contains(QStringLiteral("Ada")) &&
                     preview.contains(QStringLiteral("Cleo")),
                 qPrintable(preview));
        QVERIFY(grantDialog->grab().save(
            QStringLiteral(ACCORD_SCREENSHOT_DIR "/studio_grant_dialog.png")));
        QTest::mouseClick(okButton(grantDialog), Qt::LeftButton);
        QVERIFY2(!grantDialog->isVisible() || grantDialog->errorLabel()->isHidden(),
                 qPrintable(grantDialog->errorLabel()->text()));
        GrantFilter filter;
        filter.asset = assetId;
        const std::vector<Grant> grants = reader->grants(filter);
        QCOMPARE(grants.size(), std::size_t(1));
        const Grant& grant = grants.front();
        QCOMPARE(grant.scope, Scope::Export);
        QCOMPARE(grant.asset.value_or(""), assetId);
        QCOMPARE(grant.grantee.value_or(""), cleo->id);
        QCOMPARE(grant.terms.sharePercent, 25.0);
        QVERIFY(grant.terms.commercial);
        QCOMPARE(grant.terms.licence, std::string("CC-BY-4.0"));
        QCOMPARE(grant.terms.attribution, std::string("Vocals: Ada Lovelace"));
        QVERIFY(grant.terms.expiresAt.has_value());
        QCOMPARE(formatIsoDate(*grant.terms.expiresAt), std::string("2031-01-01"));
        QVERIFY(!grant.revokedAt);
        QTRY_VERIFY(!assets->index(rowWithId(assets, QString::fromStdString(assetId)), 0)
                         .data(ui::NotExportableRole)
                         .toBool());

        // Revoke it with a reason.
        const QAbstractItemModel* grantRows = panel->grantsView()->model();
        const int grantRow = rowWithId(grantRows, QString::fromStdString(grant.id));
        QVERIFY(grantRow >= 0);
        panel->grantsView()->selectRow(grantRow);
        QVERIFY(panel->revokeButton()->isEnabled());
        QTest::mouseClick(panel->revokeButton(), Qt::LeftButton);
        auto* revokeDialog = window.findChild<ui::RevokeDialog*>();
        QVERIFY(revokeDialog && revokeDialog->isVisible());
        QVERIFY(revokeDialog->descriptionLabel()->text().contains(QStringLiteral("Ada")));
        QTest::keyClicks(revokeDialog->reasonEdit(), QStringLiteral("Album shelved"));
        QTest::mouseClick(okButton(revokeDialog), Qt::LeftButton);
        const auto revoked = reader->grant(grant.id);
        QVERIFY(revoked && revoked->revokedAt.has_value());
        QCOMPARE(revoked->revokeReason, std::string("Album shelved"));
        QTRY_COMPARE(grantRows->index(rowWithId(grantRows, QString::fromStdString(grant.id)), 0)
                         .data(ui::StateRole)
                         .toString(),
                     QStringLiteral("revoked"));
        QTRY_VERIFY(assets->index(rowWithId(assets, QString::fromStdString(assetId)), 0)
                        .data(ui::NotExportableRole)
                        .toBool());
        panel->grantsView()->selectRow(rowWithId(grantRows, QString::fromStdString(grant.id)));
        QVERIFY(!panel->revokeButton()->isEnabled()); // revoked is final

        // A failure is shown in the dialog, which stays open: revoking what is already revoked.
        auto* again =
            new ui::RevokeDialog(window.session(), QString::fromStdString(grant.id), &window);
        again->setAttribute(Qt::WA_DeleteOnClose);
        again->open();
        QTest::mouseClick(okButton(again), Qt::LeftButton);
        QVERIFY(again->isVisible());
        QVERIFY2(!again->errorLabel()->isHidden() && !again->errorLabel()->text().isEmpty(),
                 "no error shown for revoking twice");
        qInfo("revoking twice says: %s", qPrintable(again->errorLabel()->text()));
        again->close();
    }

    // Play for a second with no audio device: the engine's offline clock moves the playhead,
    // the display and the meters; the mixer's edits are undoable and merge.
    void playsOnTheOfflineClock() {
        ACCORD_REQUIRE_MATERIAL(voice, "npm/audio-lena/lena.flac");
        ui::MainWindow window;
        openWindow(window);
        window.imports()->setSessionOwner(ada_);
        window.importFiles({voice}, QString(), 0);
        QVERIFY(waitForImports(window));
        QVERIFY(waitForIdle(window));
        const std::string track = window.document()->project().tracks.at(0).id;
        const QString startText = window.transport()->timeLabel()->text();
        QCOMPARE(startText, QStringLiteral("0:00.000"));

        window.arrangement()->setFocus();
        QElapsedTimer clock;
        QTest::keyClick(window.arrangement()->viewport(), Qt::Key_Space);
        clock.start();
        QVERIFY(window.playback()->isPlaying());
        QVERIFY(window.playAction()->isChecked());
        QTest::qWait(1000);
        const std::int64_t playhead = window.playback()->playhead();
        const double elapsed = clock.elapsed() / 1000.0;
        const double seconds =
            static_cast<double>(playhead) / window.document()->project().sampleRate;
        qInfo("after %.3f s of play the playhead is at %.3f s", elapsed, seconds);
        // It moves at the pace of real time: never ahead of it, and not stalled (a loaded
        // machine may hold the clock's thread back for a while: generous).
        QVERIFY2(seconds > 0.3 * elapsed && seconds < elapsed + 0.25,
                 qPrintable(QString("%1 s after %2 s").arg(seconds).arg(elapsed)));
        QCOMPARE(window.arrangement()->playhead(), playhead);
        QVERIFY(window.transport()->timeLabel()->text() != startText);
        QVERIFY(window.transport()->barsLabel()->text().startsWith(QStringLiteral("1.")));
        ui::ChannelStrip* strip = window.mixer()->strip(track);
        QVERIFY(strip != nullptr);
        QVERIFY2(strip->meter()->displayedDb(0) > -50 || strip->meter()->peakDb() > -50,
                 "the track meter stayed silent");
        QVERIFY(window.mixer()->masterMeter()->peakDb() > -50);

        QTest::keyClick(window.arrangement()->viewport(), Qt::Key_Space);
        QVERIFY(!window.playback()->isPlaying());
        const std::int64_t stopped = window.playback()->playhead();
        QTest::qWait(200);
        QCOMPARE(window.playback()->playhead(), stopped);

        // The fader from the keyboard: consecutive steps are one undo step.
        const int undoBefore = window.document()->undoStack()->count();
        strip->fader()->setFocus();
        for (int i = 0; i < 6; ++i)
            QTest::keyClick(strip->fader(), Qt::Key_Down);
        const double gain = window.document()->project().tracks[0].gainDb;
        QCOMPARE(gain, -3.0);
        QCOMPARE(window.document()->undoStack()->count(), undoBefore + 1);
        QTest::mouseClick(strip->muteButton(), Qt::LeftButton);
        QVERIFY(window.document()->project().tracks[0].mute);
        QTest::keyClick(&window, Qt::Key_Z, Qt::ControlModifier);
        QVERIFY(!window.document()->project().tracks[0].mute);
        QVERIFY(!strip->muteButton()->isChecked());
        QTest::keyClick(&window, Qt::Key_Z, Qt::ControlModifier);
        QCOMPARE(window.document()->project().tracks[0].gainDb, 0.0);
        QCOMPARE(strip->fader()->value(), 0);

        // Return to start.
        QTest::mouseClick(window.findChild<QToolButton*>(QStringLiteral("returnButton")),
                          Qt::LeftButton);
        QCOMPARE(window.playback()->playhead(), std::int64_t(0));

        // Zoomed in, the view follows the playhead: it pages on when the playhead leaves it.
        ui::ArrangementView* view = window.arrangement();
        const int laneWidth = view->viewport()->width() - ui::ArrangementView::kHeaderWidth;
        view->setSamplesPerPixel(48000.0 * 0.6 / laneWidth); // 0.6 s across the view
        view->horizontalScrollBar()->setValue(0);
        window.playback()->play();
        QTRY_VERIFY_WITH_TIMEOUT(view->horizontalScrollBar()->value() > 0,
                                 accord::test::kSafetyNetMs);
        window.playback()->stop();
        const int x = view->xForSample(window.playback()->playhead());
        QVERIFY2(x >= ui::ArrangementView::kHeaderWidth && x < view->viewport()->width(),
                 "the playhead is out of view");
    }

    // The time signature from the transport: the bar display and the grid follow, undo restores
    // it, a signature no project may hold is refused. The metronome from the Transport menu; a
    // count-in before playback holds the playhead, then it runs.
    void timeSignatureAndMetronome() {
        ui::MainWindow window;
        openWindow(window);
        ui::ProjectDocument* doc = window.document();
        QComboBox* signature = window.transport()->timeSignatureBox();
        QCOMPARE(signature->currentText(), QStringLiteral("4/4"));
        signature->setCurrentText(QStringLiteral("7/8"));
        QTest::keyClick(signature, Qt::Key_Return);
        QCOMPARE(doc->project().timeSignature.beats, 7);
        QCOMPARE(doc->project().timeSignature.unit, 8);
        // At 120 BPM an eighth is 12000 frames: a 7/8 bar is 84000.
        window.transport()->setPosition(84000 + 12000);
        QCOMPARE(window.transport()->barsLabel()->text(), QStringLiteral("2.2.000"));
        QCOMPARE(window.arrangement()->model()->grid().samplesPerBar(), 84000.0);
        signature->setCurrentText(QStringLiteral("5/3"));
        QTest::keyClick(signature, Qt::Key_Return);
        QCOMPARE(doc->project().timeSignature.beats, 7);
        QCOMPARE(signature->currentText(), QStringLiteral("7/8"));
        signature->setCurrentText(QStringLiteral("11/16")); // not in the list, typed
        QTest::keyClick(signature, Qt::Key_Return);
        QCOMPARE(doc->project().timeSignature.beats, 11);
        doc->undoStack()->undo();
        QCOMPARE(signature->currentText(), QStringLiteral("7/8"));
        doc->undoStack()->undo();
        QCOMPARE(doc->project().timeSignature.beats, 4);
        QCOMPARE(signature->currentText(), QStringLiteral("4/4"));

        QVERIFY(!window.playback()->metronome().on);
        window.metronomeAction()->trigger();
        QVERIFY(window.playback()->metronome().on);
        window.countInActions().at(2)->trigger();
        window.countInBeforePlaybackAction()->trigger();
        QCOMPARE(window.playback()->metronome().countInBars, 2);
        QVERIFY(window.playback()->metronome().countInBeforePlayback);
        QVERIFY(waitForIdle(window));
        window.playback()->play();
        // Two bars of 4/4 at 120 BPM: 4 seconds of count-in.
        QTRY_VERIFY_WITH_TIMEOUT(window.playback()->isCountingIn(), accord::test::kSafetyNetMs);
        QCOMPARE(window.transport()->barsLabel()->text(), QStringLiteral("count-in"));
        QCOMPARE(window.playback()->playhead(), std::int64_t(0));
        QTRY_VERIFY_WITH_TIMEOUT(window.playback()->playhead() > 0, accord::test::kSafetyNetMs);
        QVERIFY(!window.playback()->isCountingIn());
        QVERIFY(window.transport()->barsLabel()->text().startsWith(QStringLiteral("1.")));
        window.playback()->stop();
    }

    // Ctrl+wheel zooms around the pointer; the zoom buttons and the scroll bars agree.
    void zoomsAndScrolls() {
        ACCORD_REQUIRE_MATERIAL(voice, "npm/audio-lena/lena.flac");
        ui::MainWindow window;
        openWindow(window);
        window.imports()->setSessionOwner(ada_);
        window.importFiles({voice}, QString(), 0);
        QVERIFY(waitForImports(window));
        ui::ArrangementView* view = window.arrangement();
        QWidget* canvas = view->viewport();
        view->zoomToFit();
        const double fit = view->samplesPerPixel();
        const QRect rect = view->clipRect(window.document()->project().tracks[0].clips[0].id);
        QVERIFY(rect.right() < canvas->width()); // all of it in view
        QCOMPARE(view->horizontalScrollBar()->maximum() > 0, true);

        const QPoint at(rect.left() + rect.width() / 3, rect.center().y());
        const std::int64_t under = view->sampleAtX(at.x());
        QWheelEvent wheel(QPointF(at), QPointF(canvas->mapToGlobal(at)), QPoint(), QPoint(0, 120),
                          Qt::NoButton, Qt::ControlModifier, Qt::NoScrollPhase, false);
        QApplication::sendEvent(canvas, &wheel);
        QVERIFY(view->samplesPerPixel() < fit);
        // The sample under the pointer stays under it.
        QVERIFY(std::abs(view->sampleAtX(at.x()) - under) <= view->samplesPerPixel() * 2);
        QTest::mouseClick(window.findChild<QToolButton*>(QStringLiteral("zoomInButton")),
                          Qt::LeftButton);
        const double zoomed = view->samplesPerPixel();
        QVERIFY(zoomed < fit);
        const int page = view->horizontalScrollBar()->value();
        view->horizontalScrollBar()->setValue(page + 200);
        QCOMPARE(view->sampleAtX(at.x()) - under > 0, true);
        QTest::mouseClick(window.findChild<QToolButton*>(QStringLiteral("zoomFitButton")),
                          Qt::LeftButton);
        QCOMPARE(view->horizontalScrollBar()->value(), 0);
    }

    // While a long recording imports (decoding, hashing, resampling on a worker) the window's
    // event loop keeps running: a 10 ms timer is never late by more than the goal.
    void longImportKeepsTheWindowResponsive() {
        ACCORD_REQUIRE_MATERIAL(longFile, "hyperrogue/hr3-hell.ogg");
        ACCORD_REQUIRE_MATERIAL(otherFile, "hyperrogue/hr3-rlyeh.ogg");
        ui::MainWindow window;
        openWindow(window);
        window.imports()->setSessionOwner(ada_);

        QElapsedTimer clock;
        qint64 last = 0;
        qint64 worst = 0;
        int ticks = 0;
        QTimer probe;
        probe.setInterval(10);
        probe.setTimerType(Qt::PreciseTimer);
        connect(&probe, &QTimer::timeout, this, [&] {
            const qint64 now = clock.elapsed();
            if (now - last - 10 > 15 && qEnvironmentVariableIsSet("ACCORD_LATENCY_TRACE"))
                qInfo("late by %lld ms at %lld ms (importing %d, waveforms %d, synced %d)",
                      now - last - 10, now, window.imports()->isBusy(),
                      window.waveforms()->pendingCount(), window.playback()->isSynced());
            worst = std::max(worst, now - last - 10);
            last = now;
            ++ticks;
        });
        double seenProgress = 0;
        bool sawProgressBar = false;
        auto* bar = window.findChild<QProgressBar*>(QStringLiteral("taskProgress"));
        QVERIFY(bar != nullptr);

        clock.start();
        probe.start();
        QVERIFY(dropFiles(window.arrangement()->viewport(), {longFile, otherFile},
                          belowTracks(window)));
        QVERIFY(window.imports()->isBusy());
        QElapsedTimer total;
        total.start();
        while (window.imports()->isBusy() || window.waveforms()->pendingCount() > 0 ||
               !window.playback()->isSynced()) {
            QTest::qWait(5);
            seenProgress = std::max(seenProgress, window.imports()->progress());
            sawProgressBar = sawProgressBar || bar->isVisible();
            QVERIFY2(total.elapsed() < test::kImportTimeoutMs, "the import did not finish");
        }
        probe.stop();
        qInfo("long import (two Ogg Vorbis files, 136 s and 128 s of stereo music, with their "
              "waveforms and playback media) took %lld ms; %d probe ticks; worst event-loop "
              "lateness %lld ms",
              total.elapsed(), ticks, worst);
        QCOMPARE(window.document()->project().tracks.size(), std::size_t(2));
        QVERIFY(sawProgressBar);
        QVERIFY(seenProgress > 0);
        // The goal is 50 ms (a benchmark's business). A shared 2-core machine under load can
        // delay any thread by itself, so the test asks only what a blocked loop would break:
        // that no single stall lasts a third of the import (one file decoded on the loop would
        // hold it for about half; 1-3 s here, longer when the machine is busy).
        if (worst >= 50)
            qWarning("event loop late by %lld ms: above the 50 ms goal (machine under load?)",
                     worst);
        const qint64 importMs = total.elapsed();
        QVERIFY2(worst < std::max<qint64>(1000, importMs / 3),
                 qPrintable(QStringLiteral("event loop late by %1 ms during a %2 ms import")
                                .arg(worst)
                                .arg(importMs)));
    }

    // Cancel stops the running import: no clip, nothing registered.
    void cancellingAnImportRegistersNothing() {
        ACCORD_REQUIRE_MATERIAL(longFile, "hyperrogue/hr3-graveyard.ogg");
        ui::MainWindow window;
        openWindow(window);
        window.imports()->setSessionOwner(ada_);
        const auto reader = Registry::open(registry_.toStdString());
        const std::size_t assetsBefore = reader->assets().size();
        QVERIFY(dropFiles(window.arrangement()->viewport(), {longFile}, belowTracks(window)));
        QTRY_VERIFY(window.imports()->progress() > 0.02);
        auto* cancel = window.findChild<QToolButton*>(QStringLiteral("cancelTaskButton"));
        QVERIFY(cancel && cancel->isVisible());
        QTest::mouseClick(cancel, Qt::LeftButton);
        QVERIFY(waitForImports(window, 20000));
        QCOMPARE(window.document()->project().tracks.size(), std::size_t(0));
        QCOMPARE(reader->assets().size(), assetsBefore);
        QVERIFY(!window.document()->isModified());
    }

    // A dropped mix that holds Ada's registered track is Ben's asset, flagged naming Ada
    // (docs/IDENTIFY.md "Imports are scanned").
    void importHoldingAnothersRecordingIsFlagged() {
        ACCORD_REQUIRE_MATERIAL(track, "hyperrogue/hr3-jungle.ogg");
        ACCORD_REQUIRE_MATERIAL(other, "hyperrogue/hr3-mirror.ogg");
        {
            const auto registry = Registry::open(registry_.toStdString());
            workflows::registerRecording(*registry, track.toStdString(), ada_.toStdString(),
                                         AssetOrigin::Recorded, "");
        }
        const QString beat = dir_.filePath("beat.wav"), sample = dir_.filePath("sample.wav"),
                      mix = dir_.filePath("beat-with-jungle.wav");
        QVERIFY(test::runTool(
            "sox", {other, "-r", "44100", "-c", "2", beat, "trim", "10", "14", "norm", "-6"}));
        QVERIFY(test::runTool("sox", {track, "-r", "44100", "-c", "2", sample, "trim", "20", "8",
                                      "norm", "-6", "pad", "3", "3"}));
        QVERIFY(test::runTool("sox", {"-m", beat, sample, mix}));

        ui::MainWindow window;
        openWindow(window);
        window.imports()->setSessionOwner(ben_);
        QVERIFY(dropFiles(window.arrangement()->viewport(), {mix}, belowTracks(window)));
        QVERIFY(waitForImports(window, 60000));
        QMessageBox* box = nullptr;
        QTRY_VERIFY((box = window.findChild<QMessageBox*>(QStringLiteral("flaggedImportBox"))) !=
                    nullptr);
        QVERIFY(box->isVisible());
        QVERIFY2(box->informativeText().contains(QStringLiteral("Ada Lovelace (%1)").arg(ada_)),
                 qPrintable(box->informativeText()));
        const Clip* clip = onlyClip(window);
        QVERIFY(clip != nullptr);
        const auto asset = Registry::open(registry_.toStdString())->asset(clip->asset);
        QVERIFY(asset && asset->scan && asset->scan->found.size() == 1);
        QCOMPARE(QString::fromStdString(asset->owner), ben_);
    }

    // A session that ends without a clean exit leaves its autosave; the next start offers it.
    void recoversUnsavedWorkAfterACrash() {
        constexpr qint64 kCrashedSession = 1 << 30;
        const QString path = dir_.filePath(QStringLiteral("crash.accord"));
        {
            ui::MainWindow crashed;
            openWindow(crashed);
            crashed.recovery()->setSession(kCrashedSession); // another process, in real life
            crashed.startSession();
            crashed.document()->addTrack(QStringLiteral("Saved track"));
            QVERIFY(crashed.saveProjectAs(path));
            crashed.document()->addTrack(QStringLiteral("Unsaved track"));
            crashed.document()->setTempo(96);
            QVERIFY(crashed.recovery()->autosaveNow(true));
            QVERIFY(QFile::exists(crashed.recovery()->recoveryFile()));
            // ... and the process dies here: no close, no clean-exit marker removed.
        }
        ui::MainWindow next;
        openWindow(next);
        next.recovery()->setLivenessCheck(
            [](qint64 session) { return session != kCrashedSession; });
        const auto candidate = next.recovery()->findCandidate();
        QVERIFY(candidate.has_value());
        QCOMPARE(candidate->projectPath, path);
        QVERIFY(next.offerRecovery());
        auto* box = next.findChild<QMessageBox*>(QStringLiteral("recoveryBox"));
        QVERIFY(box && box->isVisible());
        QTest::mouseClick(box->findChild<QPushButton*>(QStringLiteral("recoverButton")),
                          Qt::LeftButton);
        const Project& project = next.document()->project();
        QCOMPARE(project.tracks.size(), std::size_t(2));
        QCOMPARE(project.tracks[1].name, std::string("Unsaved track"));
        QCOMPARE(project.tempo, 96.0);
        QCOMPARE(next.document()->path(), path);
        QVERIFY(next.document()->isModified());
        QVERIFY(!next.recovery()->findCandidate().has_value());

        // A clean exit leaves nothing to recover.
        next.startSession();
        QVERIFY(next.saveProject());
        next.document()->addTrack(QStringLiteral("Later"));
        next.recovery()->autosaveNow(true);
        next.recovery()->markCleanExit();
        ui::MainWindow after;
        after.recovery()->setLivenessCheck([](qint64) { return false; });
        QVERIFY(!after.recovery()->findCandidate().has_value());
    }

    void preferencesSayWhatDeviceThereIs() {
        ui::MainWindow window;
        openWindow(window);
        ui::PreferencesDialog* dialog = window.showPreferences();
        QVERIFY(dialog && dialog->isVisible());
        const QString status = dialog->statusLabel()->text();
        qInfo("preferences: %s", qPrintable(status));
        QVERIFY(!status.isEmpty());
        if (dialog->deviceBox()->isEnabled()) {
            QVERIFY(dialog->rateBox()->count() > 0 && dialog->bufferBox()->count() > 0);
        } else {
            QVERIFY(status.contains(QStringLiteral("No audio device")));
            QVERIFY(!dialog->chosenSetup().has_value());
        }
        dialog->close();
    }

    void layoutAndRecentProjectsAreRemembered() {
        {
            ui::MainWindow window;
            openWindow(window);
            window.showMixerAction()->setChecked(false);
            window.arrangement()->setSnapEnabled(false);
            window.saveLayout();
        }
        {
            ui::MainWindow window;
            openWindow(window);
            QVERIFY(window.mixer()->isHidden());
            QVERIFY(!window.arrangement()->snapEnabled());
            QVERIFY(!window.snapAction()->isChecked());
            window.showMixerAction()->setChecked(true);
            window.arrangement()->setSnapEnabled(true);
            window.saveLayout();
            Q_EMIT window.recentMenu()->aboutToShow();
            QVERIFY(!window.recentProjects().isEmpty());
            QVERIFY(window.recentMenu()->actions().size() >= 2);
        }
    }

    // A demo project on real recordings (voice, drums, music on three tracks), rendered to a PNG
    // beside the test binary so a reviewer can see the window.
    void screenshotOfADemoProject() {
        ACCORD_REQUIRE_MATERIAL(voice, "npm/audio-lena/lena.flac");
        ACCORD_REQUIRE_MATERIAL(drums, "sonic-pi/loop_amen.flac");
        ACCORD_REQUIRE_MATERIAL(music, "hyperrogue/hr-savino-ocean.ogg");
        ui::MainWindow window;
        QVERIFY(window.openRegistry(registry_));
        window.resize(1600, 1000);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        window.playback()->useOfflineClock();
        window.imports()->setSessionOwner(ada_);
        ui::ProjectDocument* doc = window.document();
        const std::int64_t bar = doc->project().secondsToSamples(2.0); // 120 BPM, 4/4
        window.importFiles({voice}, QString(), bar * 2);
        window.importFiles({drums}, QString(), 0);
        window.importFiles({music}, QString(), 0);
        QVERIFY(waitForImports(window));
        QCOMPARE(doc->project().tracks.size(), std::size_t(3));
        const std::string vocals = doc->project().tracks[0].id;
        const std::string beat = doc->project().tracks[1].id;
        const std::string bed = doc->project().tracks[2].id;
        doc->renameTrack(vocals, QStringLiteral("Lead Vocal"));
        doc->renameTrack(beat, QStringLiteral("Drums — Amen"));
        doc->renameTrack(bed, QStringLiteral("Ocean Pad"));

        // A drum pattern: the loop on every bar but two, the bed trimmed with fades.
        Clip loop = doc->project().tracks[1].clips[0];
        for (int i = 1; i < 14; ++i) {
            if (i == 7)
                continue;
            loop.position = bar * i;
            doc->addClip(beat, loop);
        }
        const Clip& pad = doc->project().tracks[2].clips[0];
        doc->trimClip(pad.id, bar, bar * 3, bar * 13);
        doc->setClipFades(doc->project().tracks[2].clips[0].id, bar * 2, bar * 3);
        const Clip& sung = doc->project().tracks[0].clips[0];
        doc->setClipFades(sung.id, bar / 8, bar / 2);
        doc->setTrackMix(vocals, ui::MixParameter::Gain, -1.5);
        doc->setTrackMix(beat, ui::MixParameter::Gain, -6.0);
        doc->setTrackMix(beat, ui::MixParameter::Pan, -0.2);
        doc->setTrackMix(bed, ui::MixParameter::Gain, -9.5);
        doc->setTrackMix(bed, ui::MixParameter::Pan, 0.35);
        QVERIFY(waitForIdle(window));
        window.arrangement()->zoomToFit();
        window.arrangement()->selectClip(doc->project().tracks[0].clips[0].id);
        window.playback()->setLoopRange(bar * 4, bar * 8);
        window.playback()->seek(bar * 4 + bar / 3);
        window.playback()->play();
        QTest::qWait(900);
        const QString file = QStringLiteral(ACCORD_SCREENSHOT_DIR "/studio_main_window.png");
        QVERIFY(window.grab().save(file));
        window.playback()->stop();
        qInfo("screenshot: %s", qPrintable(file));

        window.panels()->setCurrentWidget(window.consentPanel());
        const QString consent = QStringLiteral(ACCORD_SCREENSHOT_DIR "/studio_consent_panel.png");
        QVERIFY(window.grab().save(consent));
        qInfo("screenshot: %s", qPrintable(consent));
    }
};

int main(int argc, char** argv) {
    return accord::test::runStudioTest<TestStudio>(argc, argv);
}

#include "test_studio.moc"
