#pragma once

// The studio's look: Qt's Fusion style with the colours of palette.h and a few style rules for the
// transport display, the mixer strips and the panels — the dark, low-glare surface musicians
// expect of a DAW, readable for hours.

class QApplication;

namespace accord::ui {

void applyStudioStyle(QApplication& app);

} // namespace accord::ui
