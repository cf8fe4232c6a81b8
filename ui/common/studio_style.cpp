#include "accord/ui/common/studio_style.h"

#include "accord/ui/common/palette.h"

#include <QApplication>
#include <QPalette>
#include <QStyleFactory>

namespace accord::ui {

namespace {

// The style rules, with the palette's roles as @role.
const char* const kStyleSheet = R"(
QToolTip { color: @brightText; background: @raised; border: 1px solid @border; padding: 4px; }
QMainWindow::separator { background: @separator; width: 3px; height: 3px; }
QToolBar { background: @panel; border: none; border-bottom: 1px solid @separator; spacing: 4px; }
QToolBar::separator { background: @border; width: 1px; margin: 6px 4px; }
QFrame#transportSeparator { color: @border; margin: 6px 6px; }
QFrame#positionDisplay { background: @recess; border: 1px solid @frame; border-radius: 6px; }
QLabel#positionBars { color: @positionBars; }
QLabel#positionTime { color: @brightText; }
QLabel#displayCaption { color: @disabledText; font-size: 7pt; }
QLabel#deviceLabel, QLabel#projectRate { color: @mutedText; }
QToolButton { border: 1px solid transparent; border-radius: 4px; padding: 3px; }
QToolButton:hover { background: @toolHover; border-color: @border; }
QToolButton:pressed { background: @toolPressed; }
QToolButton:checked { background: @selection; border-color: @selectionBorder; }
QLineEdit, QPlainTextEdit {
    background: @field; border: 1px solid @border; border-radius: 3px; padding: 3px 5px; }
QLineEdit:focus, QPlainTextEdit:focus { border-color: @accent; }
QPushButton { background: @button; border: 1px solid @buttonBorder; border-radius: 4px; padding: 5px 12px; }
QPushButton:hover { background: @buttonHover; }
QPushButton:pressed { background: @panel; }
QPushButton:disabled { color: @dimText; background: @panel; border-color: @buttonDisabledBorder; }
QPushButton:default { border-color: @accent; }
QFrame#channelStrip, QFrame#masterStrip { background: @panel; border: 1px solid @field; border-radius: 4px; }
QFrame#masterStrip { background: @raised; }
QLabel#stripName { color: @brightText; font-weight: 600; padding-top: 2px; }
QLabel#gainLabel, QLabel#panLabel, QLabel#masterPeak { color: @secondaryText; font-size: 8pt; }
QPushButton#mute, QPushButton#solo { padding: 0; font-weight: 700; background: @toggleOff; color: @quietText; }
QPushButton#mute:checked { background: @muteOn; color: @textOnLit; border-color: @muteOn; }
QPushButton#solo:checked { background: @soloOn; color: @textOnLit; border-color: @soloOn; }
QSlider#fader::groove:vertical { background: @recess; width: 4px; border-radius: 2px; margin: 8px 0; }
QSlider#fader::handle:vertical { background: qlineargradient(x1:0, y1:0, x2:0, y2:1, stop:0 @faderHandleTop,
    stop:0.45 @faderHandle, stop:0.5 @border, stop:0.55 @faderHandle, stop:1 @faderHandleBottom);
    border: 1px solid @recess; height: 30px; margin: 0 -10px; border-radius: 3px; }
QSlider#fader { min-width: 26px; }
QSlider#pan::groove:horizontal { background: @recess; height: 4px; border-radius: 2px; }
QSlider#pan::sub-page:horizontal { background: @recess; }
QSlider#pan::handle:horizontal { background: @panHandle; width: 8px; margin: -6px 0; border-radius: 3px; }
QWidget#mixerStrips, QScrollArea#mixerScroll { background: @canvas; }
QDockWidget { color: @secondaryText; }
QDockWidget::title { background: @panel; padding: 5px 8px; border-bottom: 1px solid @separator; }
QTabWidget::pane { border: none; }
QTabBar::tab { background: @window; color: @mutedText; padding: 7px 18px; border: none;
    border-bottom: 2px solid transparent; }
QTabBar::tab:selected { background: @panel; color: @brightText; border-bottom: 2px solid @accent; }
QTabBar::tab:hover:!selected { color: @hoverText; }
QStatusBar { background: @statusBar; color: @quietText; border-top: 1px solid @separator; }
QStatusBar::item { border: none; }
QProgressBar { background: @recess; border: 1px solid @frame; border-radius: 3px; text-align: center;
    color: @brightText; max-height: 14px; }
QProgressBar::chunk { background: @accent; border-radius: 2px; }
QHeaderView::section { background: @panel; color: @secondaryText; border: none;
    border-right: 1px solid @field; border-bottom: 1px solid @field; padding: 4px 6px; }
QTableView { gridline-color: @mid; selection-background-color: @selection; }
QMenuBar { background: @window; }
QMenuBar::item:selected { background: @toolHover; }
QMenu { background: @panel; border: 1px solid @border; }
QMenu::item:selected { background: @selection; }
QMenu::separator { height: 1px; background: @border; margin: 4px 8px; }
QScrollBar:horizontal { background: @canvas; height: 12px; margin: 0; }
QScrollBar:vertical { background: @canvas; width: 12px; margin: 0; }
QScrollBar::handle { background: @border; border-radius: 4px; margin: 2px; }
QScrollBar::handle:hover { background: @faint; }
QScrollBar::add-line, QScrollBar::sub-line { width: 0; height: 0; }
QScrollBar::add-page, QScrollBar::sub-page { background: none; }
QCheckBox::indicator, QAbstractItemView::indicator { width: 13px; height: 13px;
    border: 1px solid @faint; border-radius: 3px; background: @recess; }
QCheckBox::indicator:hover, QAbstractItemView::indicator:hover { border-color: @accent; }
QCheckBox::indicator:checked, QAbstractItemView::indicator:checked { background: @accent;
    border-color: @accent; image: url(:/accord/icons/check.svg); }
QCheckBox::indicator:disabled, QAbstractItemView::indicator:disabled { border-color: @border;
    background: @panel; }
QCheckBox::indicator:checked:disabled, QAbstractItemView::indicator:checked:disabled {
    background: @dimText; border-color: @dimText; }
QGroupBox { border: 1px solid @border; border-radius: 4px; margin-top: 12px; padding-top: 6px; }
QGroupBox::title { subcontrol-origin: margin; left: 8px; padding: 0 4px; color: @secondaryText; }
)";

} // namespace

void applyStudioStyle(QApplication& app) {
    if (QStyle* fusion = QStyleFactory::create(QStringLiteral("Fusion")))
        QApplication::setStyle(fusion);
    QPalette colours;
    colours.setColor(QPalette::Window, palette::window);
    colours.setColor(QPalette::WindowText, palette::text);
    colours.setColor(QPalette::Base, palette::field);
    colours.setColor(QPalette::AlternateBase, palette::alternateField);
    colours.setColor(QPalette::ToolTipBase, palette::raised);
    colours.setColor(QPalette::ToolTipText, palette::brightText);
    colours.setColor(QPalette::PlaceholderText, palette::disabledText);
    colours.setColor(QPalette::Text, palette::text);
    colours.setColor(QPalette::Button, palette::raised);
    colours.setColor(QPalette::ButtonText, palette::text);
    colours.setColor(QPalette::BrightText, palette::playhead);
    colours.setColor(QPalette::Light, palette::border);
    colours.setColor(QPalette::Midlight, palette::midlight);
    colours.setColor(QPalette::Mid, palette::mid);
    colours.setColor(QPalette::Dark, palette::dark);
    colours.setColor(QPalette::Shadow, palette::shadow);
    colours.setColor(QPalette::Highlight, palette::accent);
    colours.setColor(QPalette::HighlightedText, Qt::white);
    colours.setColor(QPalette::Link, palette::link);
    for (auto role : {QPalette::WindowText, QPalette::Text, QPalette::ButtonText})
        colours.setColor(QPalette::Disabled, role, palette::disabledText);
    colours.setColor(QPalette::Disabled, QPalette::Base, palette::window);
    app.setPalette(colours);
    app.setStyleSheet(palette::styleSheet(QString::fromUtf8(kStyleSheet)));
}

} // namespace accord::ui
