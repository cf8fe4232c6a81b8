#include "accord/ui/common/icons.h"

#include <QPainter>
#include <QPainterPath>
#include <QPixmap>

#include <initializer_list>
#include <utility>

namespace accord::ui::icons {

namespace {

void draw(QPainter& p, Glyph glyph, const QColor& colour, double s) {
    p.setRenderHint(QPainter::Antialiasing);
    QPen pen(colour, s * 0.09, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin);
    p.setPen(pen);
    p.setBrush(Qt::NoBrush);
    auto at = [s](double x, double y) { return QPointF(x * s, y * s); };
    // The closed outline through `corners` (x, y on the unit square).
    auto polygon = [&at](std::initializer_list<std::pair<double, double>> corners) {
        QPainterPath path;
        for (const auto& [x, y] : corners) {
            if (path.elementCount() == 0)
                path.moveTo(at(x, y));
            else
                path.lineTo(at(x, y));
        }
        path.closeSubpath();
        return path;
    };
    switch (glyph) {
    case Glyph::Play:
        p.setBrush(colour);
        p.drawPath(polygon({{0.30, 0.20}, {0.80, 0.50}, {0.30, 0.80}}));
        break;
    case Glyph::Record:
        p.setBrush(colour);
        p.drawEllipse(QRectF(at(0.28, 0.28), at(0.72, 0.72)));
        break;
    case Glyph::Stop:
        p.setBrush(colour);
        p.drawRoundedRect(QRectF(at(0.26, 0.26), at(0.74, 0.74)), s * 0.05, s * 0.05);
        break;
    case Glyph::ReturnToStart:
        p.setBrush(colour);
        p.drawRect(QRectF(at(0.22, 0.24), at(0.30, 0.76)));
        p.drawPath(polygon({{0.78, 0.24}, {0.36, 0.50}, {0.78, 0.76}}));
        break;
    case Glyph::Loop: {
        QPainterPath path;
        path.moveTo(at(0.62, 0.28));
        path.lineTo(at(0.34, 0.28));
        path.arcTo(QRectF(at(0.16, 0.28), at(0.52, 0.72)), 90, 180);
        path.lineTo(at(0.42, 0.72));
        p.drawPath(path);
        QPainterPath back;
        back.moveTo(at(0.38, 0.72));
        back.lineTo(at(0.66, 0.72));
        back.arcTo(QRectF(at(0.48, 0.28), at(0.84, 0.72)), 270, 180);
        back.lineTo(at(0.58, 0.28));
        p.drawPath(back);
        p.setBrush(colour);
        p.drawPath(polygon({{0.56, 0.16}, {0.68, 0.28}, {0.56, 0.40}}));
        break;
    }
    case Glyph::Snap: {
        // A magnet.
        QPen thick(colour, s * 0.16, Qt::SolidLine, Qt::FlatCap, Qt::RoundJoin);
        p.setPen(thick);
        QPainterPath path;
        path.moveTo(at(0.30, 0.20));
        path.lineTo(at(0.30, 0.52));
        path.arcTo(QRectF(at(0.30, 0.32), at(0.70, 0.72)), 180, 180);
        path.lineTo(at(0.70, 0.20));
        p.drawPath(path);
        break;
    }
    case Glyph::Follow: {
        p.drawLine(at(0.30, 0.18), at(0.30, 0.82));
        p.drawLine(at(0.42, 0.50), at(0.80, 0.50));
        p.drawLine(at(0.66, 0.36), at(0.80, 0.50));
        p.drawLine(at(0.66, 0.64), at(0.80, 0.50));
        break;
    }
    case Glyph::ZoomIn:
    case Glyph::ZoomOut: {
        p.drawEllipse(QRectF(at(0.18, 0.18), at(0.62, 0.62)));
        p.drawLine(at(0.58, 0.58), at(0.82, 0.82));
        p.drawLine(at(0.29, 0.40), at(0.51, 0.40));
        if (glyph == Glyph::ZoomIn)
            p.drawLine(at(0.40, 0.29), at(0.40, 0.51));
        break;
    }
    case Glyph::ZoomFit: {
        p.drawLine(at(0.18, 0.34), at(0.18, 0.18));
        p.drawLine(at(0.18, 0.18), at(0.34, 0.18));
        p.drawLine(at(0.66, 0.18), at(0.82, 0.18));
        p.drawLine(at(0.82, 0.18), at(0.82, 0.34));
        p.drawLine(at(0.82, 0.66), at(0.82, 0.82));
        p.drawLine(at(0.82, 0.82), at(0.66, 0.82));
        p.drawLine(at(0.34, 0.82), at(0.18, 0.82));
        p.drawLine(at(0.18, 0.82), at(0.18, 0.66));
        p.drawLine(at(0.32, 0.50), at(0.68, 0.50));
        break;
    }
    case Glyph::AddTrack:
        p.drawLine(at(0.50, 0.22), at(0.50, 0.78));
        p.drawLine(at(0.22, 0.50), at(0.78, 0.50));
        break;
    case Glyph::Import:
        p.drawLine(at(0.50, 0.16), at(0.50, 0.62));
        p.drawLine(at(0.32, 0.46), at(0.50, 0.64));
        p.drawLine(at(0.68, 0.46), at(0.50, 0.64));
        p.drawLine(at(0.20, 0.70), at(0.20, 0.82));
        p.drawLine(at(0.20, 0.82), at(0.80, 0.82));
        p.drawLine(at(0.80, 0.82), at(0.80, 0.70));
        break;
    case Glyph::Cancel:
        p.drawLine(at(0.28, 0.28), at(0.72, 0.72));
        p.drawLine(at(0.72, 0.28), at(0.28, 0.72));
        break;
    case Glyph::Metronome: {
        // A pyramid case with its pendulum swung to the right.
        p.drawPath(polygon({{0.40, 0.18}, {0.60, 0.18}, {0.76, 0.82}, {0.24, 0.82}}));
        p.drawLine(at(0.30, 0.66), at(0.70, 0.66));
        p.drawLine(at(0.50, 0.66), at(0.72, 0.26));
        break;
    }
    }
}

QPixmap render(Glyph glyph, const QColor& colour, int size) {
    QPixmap pixmap(size, size);
    pixmap.fill(Qt::transparent);
    QPainter painter(&pixmap);
    draw(painter, glyph, colour, size);
    return pixmap;
}

} // namespace

QIcon icon(Glyph glyph, const QColor& colour, const QColor& checkedColour) {
    QIcon result;
    for (int size : {16, 24, 32, 48}) {
        result.addPixmap(render(glyph, colour, size), QIcon::Normal, QIcon::Off);
        result.addPixmap(render(glyph, checkedColour, size), QIcon::Normal, QIcon::On);
        QColor disabled = colour;
        disabled.setAlpha(90);
        result.addPixmap(render(glyph, disabled, size), QIcon::Disabled, QIcon::Off);
    }
    return result;
}

} // namespace accord::ui::icons
