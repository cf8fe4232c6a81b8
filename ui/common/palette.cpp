#include "accord/ui/common/palette.h"

#include <QDebug>
#include <QRegularExpression>

#include <algorithm>
#include <array>
#include <iterator>

namespace accord::ui::palette {

namespace {

constexpr std::array<QColor, 8> kTrackColours{QColor(0x5a, 0xa9, 0xe6), QColor(0x7b, 0xc9, 0x6f),
                                              QColor(0xf4, 0xa2, 0x59), QColor(0xb3, 0x88, 0xeb),
                                              QColor(0xef, 0x6f, 0x6c), QColor(0x2e, 0xc4, 0xb6),
                                              QColor(0xe9, 0xc4, 0x6a), QColor(0xe5, 0x6b, 0xa8)};

struct NamedColour {
    const char* role;
    QColor colour;
};

// Every role of palette.h by the name a style sheet gives it.
constexpr NamedColour kRoles[] = {
    {"shadow", shadow},
    {"recess", recess},
    {"separator", separator},
    {"dark", dark},
    {"field", field},
    {"statusBar", statusBar},
    {"canvas", canvas},
    {"alternateField", alternateField},
    {"meterTrack", meterTrack},
    {"window", window},
    {"laneOdd", laneOdd},
    {"laneEven", laneEven},
    {"panel", panel},
    {"mid", mid},
    {"toolPressed", toolPressed},
    {"laneSelected", laneSelected},
    {"raised", raised},
    {"frame", frame},
    {"button", button},
    {"buttonDisabledBorder", buttonDisabledBorder},
    {"toggleOff", toggleOff},
    {"midlight", midlight},
    {"panelSelected", panelSelected},
    {"toolHover", toolHover},
    {"buttonHover", buttonHover},
    {"border", border},
    {"buttonBorder", buttonBorder},
    {"faint", faint},
    {"selection", selection},
    {"selectionBorder", selectionBorder},
    {"beatLine", beatLine},
    {"barLine", barLine},
    {"clipTitle", clipTitle},
    {"brightText", brightText},
    {"text", text},
    {"hoverText", hoverText},
    {"secondaryText", secondaryText},
    {"quietText", quietText},
    {"mutedText", mutedText},
    {"disabledText", disabledText},
    {"dimText", dimText},
    {"positionBars", positionBars},
    {"link", link},
    {"textOnLit", textOnLit},
    {"accent", accent},
    {"playhead", playhead},
    {"allowed", allowed},
    {"denied", denied},
    {"warning", warning},
    {"soloOn", soloOn},
    {"muteOn", muteOn},
    {"recordOn", recordOn},
    {"monitorOn", monitorOn},
    {"grantActive", grantActive},
    {"grantRevoked", grantRevoked},
    {"grantExpired", grantExpired},
    {"meterBackground", meterBackground},
    {"meterLow", meterLow},
    {"meterNominal", meterNominal},
    {"meterHot", meterHot},
    {"meterOver", meterOver},
    {"meterTop", meterTop},
    {"meterClipHold", meterClipHold},
    {"faderHandleTop", faderHandleTop},
    {"faderHandle", faderHandle},
    {"faderHandleBottom", faderHandleBottom},
    {"panHandle", panHandle},
};

} // namespace

QColor trackColour(int index) {
    return kTrackColours[static_cast<std::size_t>(std::max(0, index)) % kTrackColours.size()];
}

QColor withAlpha(QColor colour, int alpha) {
    colour.setAlpha(alpha);
    return colour;
}

QString styleSheet(const QString& css) {
    static const QRegularExpression role(QStringLiteral("@([A-Za-z]+)"));
    QString result;
    qsizetype done = 0;
    for (auto match = role.globalMatch(css); match.hasNext();) {
        const QRegularExpressionMatch found = match.next();
        const QString name = found.captured(1);
        const auto named =
            std::find_if(std::begin(kRoles), std::end(kRoles),
                         [&](const NamedColour& c) { return name == QLatin1String(c.role); });
        result += css.mid(done, found.capturedStart() - done);
        if (named != std::end(kRoles)) {
            result += named->colour.name();
        } else {
            qWarning("palette: no colour has the role '%s'", qPrintable(name));
            result += found.captured(0);
        }
        done = found.capturedEnd();
    }
    return result + css.mid(done);
}

} // namespace accord::ui::palette
