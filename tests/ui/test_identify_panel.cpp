// The Identify panel in the studio window, on real recordings and a real registry: a file
// dropped on it lists the registered recording sounding in it with its owner and where, and the
// timeline joins the stretch of the file to the part of the recording it uses; unrelated audio
// finds nothing; an unreadable file is named; a second drop while one runs wins.

#include "accord/core/registry.h"
#include "accord/ui/common/palette.h"
#include "accord/ui/identify/identify_panel.h"
#include "accord/ui/shell/main_window.h"
#include "accord/workflows/import.h"
#include "studio_test_main.h"
#include "studio_test_support.h"
#include "test_support.h"

#include <QDockWidget>
#include <QFile>
#include <QLabel>
#include <QPushButton>
#include <QTreeWidget>

using namespace accord;

namespace {

constexpr int kTimeoutMs = 120000;

} // namespace

class TestIdentifyPanel : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;
    QString registry_, track_, other_;
    std::string ana_, asset_;

    bool identified(ui::IdentifyPanel* panel) {
        QTest::qWait(1);
        return QTest::qWaitFor([&] { return !panel->isIdentifying(); }, kTimeoutMs);
    }

private Q_SLOTS:
    void initTestCase() {
        track_ = test::materialFile("hyperrogue/hr3-desert.ogg");
        other_ = test::materialFile("hyperrogue/hr3-mirror.ogg");
        if (track_.isEmpty() || other_.isEmpty())
            QSKIP("hyperrogue recordings missing: run scripts/fetch-material.sh");
        registry_ = dir_.filePath("registry.sqlite");
        const auto registry = Registry::open(registry_.toStdString());
        ana_ = registry->addHolder("Ana Folk", "").id;
        asset_ = workflows::registerRecording(*registry, track_.toStdString(), ana_,
                                              AssetOrigin::Recorded, "")
                     .asset.id;
    }

    void dropShowsWhatSoundsInTheFile() {
        // 6 s of Ana's track from 30 s, 4 s into the file, under another track.
        const QString excerpt = dir_.filePath("excerpt.wav"), under = dir_.filePath("under.wav"),
                      mix = dir_.filePath("mix.wav");
        QVERIFY(test::runTool("sox", {track_, "-r", "44100", "-c", "2", excerpt, "trim", "30", "6",
                                      "norm", "-6", "pad", "4", "2"}));
        QVERIFY(test::runTool(
            "sox", {other_, "-r", "44100", "-c", "2", under, "trim", "10", "12", "norm", "-12"}));
        QVERIFY(test::runTool("sox", {"-m", excerpt, under, mix}));

        ui::MainWindow window;
        QVERIFY(window.openRegistry(registry_));
        window.resize(1400, 900);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        window.identifyDock()->raise();
        ui::IdentifyPanel* panel = window.identifyPanel();
        QVERIFY(test::dropFiles(panel, {mix}, panel->rect().center()));
        QVERIFY(identified(panel));
        QCOMPARE(int(panel->matches().size()), 1);
        const auto& found = panel->matches().front();
        QCOMPARE(found.id, asset_);
        QVERIFY(std::abs(found.fileOffset - 4) < 1.0);
        QVERIFY(std::abs((found.fileOffset - found.recordingOffset) - (4 - 30)) < 0.3);
        QVERIFY(std::abs(panel->fileSeconds() - 12) < 0.1);
        QCOMPARE(panel->matchesView()->topLevelItemCount(), 1);
        QVERIFY2(panel->matchesView()->topLevelItem(0)->text(1).contains("Ana Folk"),
                 qPrintable(panel->matchesView()->topLevelItem(0)->text(1)));

        // The timeline: the stretch sits a third of the way along the file's bar, the used part
        // of the recording at 30 s of its 72 s.
        const ui::IdentifyTimeline* timeline = panel->timeline();
        QCOMPARE(timeline->selected(), 0);
        const QRectF inFile = timeline->fileStretch(0), inRecording = timeline->recordingStretch(0);
        const double fileBar = timeline->width() - 16.0;
        QVERIFY2(std::abs((inFile.left() - 8) / fileBar - found.fileOffset / 12) < 0.02,
                 qPrintable(QString::number(inFile.left())));
        QVERIFY2(std::abs((inRecording.left() - 8) / fileBar -
                          found.recordingOffset / found.recordingSeconds) < 0.02,
                 qPrintable(QString::number(inRecording.left())));
        QVERIFY(inRecording.top() > inFile.bottom());
        // Painted: the stretch in the file's bar in the match's colour.
        const QImage picture = panel->timeline()->grab().toImage();
        QCOMPARE(picture.pixelColor(inFile.center().toPoint()).rgb(),
                 ui::palette::trackColour(0).rgb());
#ifdef ACCORD_SCREENSHOT_DIR
        QTest::qWait(100);
        panel->grab().save(QStringLiteral(ACCORD_SCREENSHOT_DIR "/identify_panel.png"));
#endif

        // Unrelated audio: nothing, said so.
        const QString unrelated = dir_.filePath("unrelated.wav");
        QVERIFY(test::runTool("sox", {other_, unrelated, "trim", "40", "8"}));
        panel->identify(unrelated);
        QVERIFY(identified(panel));
        QVERIFY(panel->matches().empty());
        QCOMPARE(panel->matchesView()->topLevelItemCount(), 0);
        QVERIFY2(panel->messageLabel()->text().contains("No registered recording"),
                 qPrintable(panel->messageLabel()->text()));

        // An unreadable file is named; the newest of two requests wins.
        const QString text = dir_.filePath("notes.wav");
        QFile file(text);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("not audio\n");
        file.close();
        panel->identify(mix);
        panel->identify(text);
        QVERIFY(identified(panel));
        QCOMPARE(panel->file(), text);
        QVERIFY2(panel->messageLabel()->text().contains(text),
                 qPrintable(panel->messageLabel()->text()));
    }
};

int main(int argc, char** argv) {
    return accord::test::runStudioTest<TestIdentifyPanel>(argc, argv);
}
#include "test_identify_panel.moc"
