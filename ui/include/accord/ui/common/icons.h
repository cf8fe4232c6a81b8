#pragma once

// Vector icons drawn with QPainter (crisp at any scale, no icon theme needed on a bare desktop).

#include <QColor>
#include <QIcon>

namespace accord::ui::icons {

enum class Glyph {
    Play,
    Stop,
    ReturnToStart,
    Loop,
    Snap,
    Follow,
    ZoomIn,
    ZoomOut,
    ZoomFit,
    AddTrack,
    Import,
    Cancel,
};

// Normal state in `colour`; the checked (On) state in the accent colour.
QIcon icon(Glyph glyph, const QColor& colour = QColor(0xd8, 0xdc, 0xe2),
           const QColor& checkedColour = QColor(0x3d, 0x8b, 0xfd));

} // namespace accord::ui::icons
