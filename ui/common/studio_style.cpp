#include "accord/ui/common/studio_style.h"

#include <QApplication>
#include <QPalette>
#include <QStyleFactory>

namespace accord::ui {

namespace {

const char* const kStyleSheet = R"(
QToolTip { color: #e8eaed; background: #2b2f36; border: 1px solid #3a3f47; padding: 4px; }
QMainWindow::separator { background: #121417; width: 3px; height: 3px; }
QToolBar { background: #262a30; border: none; border-bottom: 1px solid #121417; spacing: 4px; }
QToolBar::separator { background: #3a3f47; width: 1px; margin: 6px 4px; }
QFrame#transportSeparator { color: #3a3f47; margin: 6px 6px; }
QFrame#positionDisplay { background: #0f1114; border: 1px solid #2e333b; border-radius: 6px; }
QLabel#positionBars { color: #7cc4ff; }
QLabel#positionTime { color: #e8eaed; }
QLabel#displayCaption { color: #6b7380; font-size: 7pt; }
QLabel#deviceLabel, QLabel#projectRate { color: #8a939f; }
QToolButton { border: 1px solid transparent; border-radius: 4px; padding: 3px; }
QToolButton:hover { background: #323741; border-color: #3a3f47; }
QToolButton:pressed { background: #2a2f37; }
QToolButton:checked { background: #1c3350; border-color: #2f5d95; }
QLineEdit, QPlainTextEdit {
    background: #16181c; border: 1px solid #3a3f47; border-radius: 3px; padding: 3px 5px; }
QLineEdit:focus, QPlainTextEdit:focus { border-color: #3d8bfd; }
QPushButton { background: #2f343c; border: 1px solid #40464f; border-radius: 4px; padding: 5px 12px; }
QPushButton:hover { background: #383e47; }
QPushButton:pressed { background: #262a30; }
QPushButton:disabled { color: #5c636e; background: #262a30; border-color: #30353c; }
QPushButton:default { border-color: #3d8bfd; }
QFrame#channelStrip, QFrame#masterStrip { background: #262a30; border: 1px solid #16181c; border-radius: 4px; }
QFrame#masterStrip { background: #2b2f36; }
QLabel#stripName { color: #e8eaed; font-weight: 600; padding-top: 2px; }
QLabel#gainLabel, QLabel#panLabel, QLabel#masterPeak { color: #b8bec7; font-size: 8pt; }
QPushButton#mute, QPushButton#solo { padding: 0; font-weight: 700; background: #30353d; color: #9aa3ae; }
QPushButton#mute:checked { background: #f0a202; color: #1b1e23; border-color: #f0a202; }
QPushButton#solo:checked { background: #43c06b; color: #1b1e23; border-color: #43c06b; }
QSlider#fader::groove:vertical { background: #0f1114; width: 4px; border-radius: 2px; margin: 8px 0; }
QSlider#fader::handle:vertical { background: qlineargradient(x1:0, y1:0, x2:0, y2:1, stop:0 #e2e5e9,
    stop:0.45 #b9bfc7, stop:0.5 #3a3f47, stop:0.55 #b9bfc7, stop:1 #8d949e);
    border: 1px solid #0f1114; height: 30px; margin: 0 -10px; border-radius: 3px; }
QSlider#fader { min-width: 26px; }
QSlider#pan::groove:horizontal { background: #0f1114; height: 4px; border-radius: 2px; }
QSlider#pan::sub-page:horizontal { background: #0f1114; }
QSlider#pan::handle:horizontal { background: #cfd3d9; width: 8px; margin: -6px 0; border-radius: 3px; }
QWidget#mixerStrips, QScrollArea#mixerScroll { background: #1b1e23; }
QDockWidget { color: #b8bec7; }
QDockWidget::title { background: #262a30; padding: 5px 8px; border-bottom: 1px solid #121417; }
QTabWidget::pane { border: none; }
QTabBar::tab { background: #1f2227; color: #8a939f; padding: 7px 18px; border: none;
    border-bottom: 2px solid transparent; }
QTabBar::tab:selected { background: #262a30; color: #e8eaed; border-bottom: 2px solid #3d8bfd; }
QTabBar::tab:hover:!selected { color: #c9ced5; }
QStatusBar { background: #1a1d21; color: #9aa3ae; border-top: 1px solid #121417; }
QStatusBar::item { border: none; }
QProgressBar { background: #0f1114; border: 1px solid #2e333b; border-radius: 3px; text-align: center;
    color: #e8eaed; max-height: 14px; }
QProgressBar::chunk { background: #3d8bfd; border-radius: 2px; }
QHeaderView::section { background: #262a30; color: #b8bec7; border: none;
    border-right: 1px solid #16181c; border-bottom: 1px solid #16181c; padding: 4px 6px; }
QTableView { gridline-color: #2a2e35; selection-background-color: #1c3350; }
QMenuBar { background: #1f2227; }
QMenuBar::item:selected { background: #323741; }
QMenu { background: #262a30; border: 1px solid #3a3f47; }
QMenu::item:selected { background: #1c3350; }
QMenu::separator { height: 1px; background: #3a3f47; margin: 4px 8px; }
QScrollBar:horizontal { background: #1b1e23; height: 12px; margin: 0; }
QScrollBar:vertical { background: #1b1e23; width: 12px; margin: 0; }
QScrollBar::handle { background: #3a3f47; border-radius: 4px; margin: 2px; }
QScrollBar::handle:hover { background: #4a515c; }
QScrollBar::add-line, QScrollBar::sub-line { width: 0; height: 0; }
QScrollBar::add-page, QScrollBar::sub-page { background: none; }
QGroupBox { border: 1px solid #3a3f47; border-radius: 4px; margin-top: 12px; padding-top: 6px; }
QGroupBox::title { subcontrol-origin: margin; left: 8px; padding: 0 4px; color: #b8bec7; }
)";

} // namespace

void applyStudioStyle(QApplication& app) {
    if (QStyle* fusion = QStyleFactory::create(QStringLiteral("Fusion")))
        QApplication::setStyle(fusion);
    QPalette palette;
    const QColor window(0x1f, 0x22, 0x27);
    const QColor text(0xd8, 0xdc, 0xe2);
    const QColor disabled(0x6b, 0x73, 0x80);
    palette.setColor(QPalette::Window, window);
    palette.setColor(QPalette::WindowText, text);
    palette.setColor(QPalette::Base, QColor(0x16, 0x18, 0x1c));
    palette.setColor(QPalette::AlternateBase, QColor(0x1c, 0x1f, 0x24));
    palette.setColor(QPalette::ToolTipBase, QColor(0x2b, 0x2f, 0x36));
    palette.setColor(QPalette::ToolTipText, QColor(0xe8, 0xea, 0xed));
    palette.setColor(QPalette::PlaceholderText, disabled);
    palette.setColor(QPalette::Text, text);
    palette.setColor(QPalette::Button, QColor(0x2b, 0x2f, 0x36));
    palette.setColor(QPalette::ButtonText, text);
    palette.setColor(QPalette::BrightText, QColor(0xff, 0x5a, 0x4e));
    palette.setColor(QPalette::Light, QColor(0x3a, 0x3f, 0x47));
    palette.setColor(QPalette::Midlight, QColor(0x31, 0x35, 0x3c));
    palette.setColor(QPalette::Mid, QColor(0x2a, 0x2e, 0x35));
    palette.setColor(QPalette::Dark, QColor(0x15, 0x17, 0x1a));
    palette.setColor(QPalette::Shadow, QColor(0x0c, 0x0d, 0x0f));
    palette.setColor(QPalette::Highlight, QColor(0x3d, 0x8b, 0xfd));
    palette.setColor(QPalette::HighlightedText, Qt::white);
    palette.setColor(QPalette::Link, QColor(0x58, 0xa6, 0xff));
    for (auto role : {QPalette::WindowText, QPalette::Text, QPalette::ButtonText})
        palette.setColor(QPalette::Disabled, role, disabled);
    palette.setColor(QPalette::Disabled, QPalette::Base, window);
    app.setPalette(palette);
    app.setStyleSheet(QString::fromUtf8(kStyleSheet));
}

} // namespace accord::ui
