#pragma once

// Helpers for driving the studio window like a user: drops from the desktop, mouse drags with
// the button held, the owner dialog, and waiting for background work.

#include "accord/ui/arrangement/arrangement_view.h"
#include "accord/ui/arrangement/waveform_cache.h"
#include "accord/ui/import/import_manager.h"
#include "accord/ui/playback/playback_controller.h"
#include "accord/ui/shell/main_window.h"
#include "test_support.h"

#include <QAbstractButton>
#include <QApplication>
#include <QDialogButtonBox>
#include <QMimeData>
#include <QMouseEvent>
#include <QPushButton>
#include <QUrl>
#include <QtTest>

#include <optional>

namespace accord::test {

constexpr int kImportTimeoutMs = accord::test::kSafetyNetMs; // a safety net, not a speed limit

// A drag from the file manager: enter, move, drop, with the files as URLs.
inline bool dropFiles(QWidget* target, const QStringList& files, const QPoint& pos) {
    QMimeData mime;
    QList<QUrl> urls;
    for (const QString& file : files)
        urls << QUrl::fromLocalFile(file);
    mime.setUrls(urls);
    QDragEnterEvent enter(pos, Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(target, &enter);
    if (!enter.isAccepted())
        return false;
    QDragMoveEvent move(pos, Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(target, &move);
    QDropEvent drop(QPointF(pos), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(target, &drop);
    return drop.isAccepted();
}

// Press, move in steps with the button held, release: what a hand on a mouse does.
inline void dragMouse(QWidget* widget, const QPoint& from, const QPoint& to,
                      Qt::KeyboardModifiers modifiers = Qt::NoModifier, int steps = 6) {
    QTest::mousePress(widget, Qt::LeftButton, modifiers, from);
    for (int i = 1; i <= steps; ++i) {
        const QPoint at = from + (to - from) * i / steps;
        QMouseEvent move(QEvent::MouseMove, QPointF(at), widget->mapToGlobal(QPointF(at)),
                         Qt::NoButton, Qt::LeftButton, modifiers);
        QApplication::sendEvent(widget, &move);
    }
    QTest::mouseRelease(widget, Qt::LeftButton, modifiers, to);
}

// Answers "Who owns these recordings?" with `holderId` (and remembers it for the session).
inline bool answerOwnerDialog(ui::MainWindow& window, const QString& holderId) {
    if (!QTest::qWaitFor([&] { return window.imports()->ownerDialog() != nullptr; },
                         accord::test::kSafetyNetMs))
        return false;
    ui::OwnerDialog* dialog = window.imports()->ownerDialog();
    dialog->selectOwner(holderId);
    auto* buttons = dialog->findChild<QDialogButtonBox*>();
    if (buttons == nullptr || !buttons->button(QDialogButtonBox::Ok)->isEnabled())
        return false;
    QTest::mouseClick(buttons->button(QDialogButtonBox::Ok), Qt::LeftButton);
    return true;
}

inline bool waitForImports(ui::MainWindow& window, int timeoutMs = kImportTimeoutMs) {
    return QTest::qWaitFor([&] { return !window.imports()->isBusy(); }, timeoutMs);
}

inline bool waitForIdle(ui::MainWindow& window, int timeoutMs = kImportTimeoutMs) {
    return QTest::qWaitFor(
        [&] {
            return !window.imports()->isBusy() && window.waveforms()->pendingCount() == 0 &&
                   window.playback()->isSynced();
        },
        timeoutMs);
}

// The window shown at `size` and active, its engine on the offline clock: a test plays without a
// sound device (`loopbackFrames`: the input is then the output fed back that many frames later).
// Whether it showed and got the focus.
inline bool showOnOfflineClock(ui::MainWindow& window, QSize size = {1400, 900},
                               std::optional<int> loopbackFrames = std::nullopt) {
    window.resize(size);
    window.show();
    if (!QTest::qWaitForWindowExposed(&window))
        return false;
    window.activateWindow();
    if (!QTest::qWaitForWindowActive(&window))
        return false;
    if (loopbackFrames) // set before the clock starts, which sets the loopback up
        window.playback()->engine().setOfflineLoopback(*loopbackFrames);
    window.playback()->useOfflineClock();
    return true;
}

} // namespace accord::test
