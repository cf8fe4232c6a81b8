// accord: the studio window. Wiring only: the command line, the application, the main window.
//
//   accord [--registry PATH] [PROJECT]

#include "accord/core/fingerprint_index.h"
#include "accord/core/registry.h"
#include "accord/ui/common/errors.h"
#include "accord/ui/common/studio_style.h"
#include "accord/ui/shell/main_window.h"
#include "accord/ui/shell/studio_info.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QMessageBox>
#include <QTimer>

#include <cstdio>

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    QApplication::setApplicationName(accord::ui::applicationName());
    QApplication::setApplicationDisplayName(accord::ui::applicationName());
    QApplication::setApplicationVersion(accord::ui::applicationVersion());
    QApplication::setOrganizationName(QStringLiteral("Accord"));
    QApplication::setDesktopFileName(QStringLiteral("accord"));
    QApplication::setWindowIcon(accord::ui::applicationIcon());
    accord::ui::applyStudioStyle(app);

    QCommandLineParser parser;
    parser.setApplicationDescription(accord::ui::applicationDescription());
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption registryOption(
        QStringLiteral("registry"),
        QStringLiteral("The consent registry to open (default: $ACCORD_REGISTRY, else "
                       "$XDG_DATA_HOME/accord/registry.sqlite)."),
        QStringLiteral("PATH"));
    parser.addOption(registryOption);
    parser.addPositionalArgument(QStringLiteral("project"),
                                 QStringLiteral("An .accord project to open."),
                                 QStringLiteral("[project]"));
    parser.process(app);
    if (parser.positionalArguments().size() > 1) {
        std::fputs("accord: at most one project may be given\n", stderr);
        return 1;
    }

    // Configure LibTorch's threads before any model can run.
    accord::ui::modelRuntime();
    // A studio lives long enough for the worker to make a lookup file its queries find too old
    // (docs/IDENTIFY.md "The lookup file").
    accord::FingerprintIndex::remakeStaleLookupFilesOnLookups(true);

    accord::ui::MainWindow window;
    window.show();

    QString registryPath = parser.value(registryOption);
    if (registryPath.isEmpty()) {
        try {
            registryPath = QString::fromStdString(accord::Registry::defaultPath());
        } catch (const std::exception& error) {
            accord::ui::showError(
                &window, accord::ui::describeError(QObject::tr("No registry location"), error));
        }
    }
    if (!registryPath.isEmpty())
        window.openRegistry(registryPath);
    if (!parser.positionalArguments().isEmpty())
        window.openProject(parser.positionalArguments().constFirst());

    window.startSession();
    // After the window is up: the device (may take a moment to probe) and, after a crash, the
    // offer to recover unsaved work, else at the first start the walkthrough.
    QTimer::singleShot(0, &window, [&window] {
        window.openAudioDevice();
        if (!window.offerRecovery())
            window.offerWalkthrough(); // the first start only
    });
    return QApplication::exec();
}
