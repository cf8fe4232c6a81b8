#pragma once

// Vector icons drawn with QPainter (crisp at any scale, no icon theme needed on a bare desktop).

#include "accord/ui/common/palette.h"

#include <QColor>
#include <QIcon>

namespace accord::ui::icons {

enum class Glyph {
    Play,
    Stop,
    Record,
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
    Metronome,
};

// Normal state in `colour`; the checked (On) state in the accent colour.
QIcon icon(Glyph glyph, const QColor& colour = palette::text,
           const QColor& checkedColour = palette::accent);

} // namespace accord::ui::icons
