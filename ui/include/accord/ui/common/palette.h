#pragma once

// The studio's colours, each named by its role: the dark, low-glare surfaces, the text on them,
// the accent, the consent states, the meters and the track colours. Painting code uses these
// constants; style sheets name the same roles as `@role` (palette::styleSheet), so a colour is
// written once, here.

#include <QColor>
#include <QString>

namespace accord::ui::palette {

// ---- surfaces, darkest first ------------------------------------------------------------------
inline constexpr QColor shadow{0x0c, 0x0d, 0x0f};
inline constexpr QColor recess{0x0f, 0x11, 0x14}; // the position display, slider grooves, bars
inline constexpr QColor separator{0x12, 0x14, 0x17};
inline constexpr QColor dark{0x15, 0x17, 0x1a};
inline constexpr QColor field{0x16, 0x18, 0x1c}; // text fields, tables, the loss chart
inline constexpr QColor statusBar{0x1a, 0x1d, 0x21};
inline constexpr QColor canvas{0x1b, 0x1e, 0x23}; // behind the arrangement and the mixer strips
inline constexpr QColor alternateField{0x1c, 0x1f, 0x24};
inline constexpr QColor meterTrack{0x1e, 0x22, 0x27};
inline constexpr QColor window{0x1f, 0x22, 0x27};
inline constexpr QColor laneOdd{0x1f, 0x23, 0x28};
inline constexpr QColor laneEven{0x22, 0x26, 0x2c};
inline constexpr QColor panel{0x26, 0x2a, 0x30}; // tool bars, docks, menus, strips, track headers
inline constexpr QColor mid{0x2a, 0x2e, 0x35};   // grid lines, the ruler
inline constexpr QColor toolPressed{0x2a, 0x2f, 0x37};
inline constexpr QColor laneSelected{0x2a, 0x30, 0x38};
inline constexpr QColor raised{0x2b, 0x2f, 0x36}; // buttons, tooltips, the master strip
inline constexpr QColor frame{0x2e, 0x33, 0x3b};
inline constexpr QColor button{0x2f, 0x34, 0x3c};
inline constexpr QColor buttonDisabledBorder{0x30, 0x35, 0x3c};
inline constexpr QColor toggleOff{0x30, 0x35, 0x3d}; // mute and solo when off
inline constexpr QColor midlight{0x31, 0x35, 0x3c};
inline constexpr QColor panelSelected{0x31, 0x37, 0x40};
inline constexpr QColor toolHover{0x32, 0x37, 0x41};
inline constexpr QColor buttonHover{0x38, 0x3e, 0x47};
inline constexpr QColor border{0x3a, 0x3f, 0x47};
inline constexpr QColor buttonBorder{0x40, 0x46, 0x4f};
inline constexpr QColor faint{0x4a, 0x51, 0x5c}; // hints drawn on the canvas, outlines when off
inline constexpr QColor selection{0x1c, 0x33, 0x50};
inline constexpr QColor selectionBorder{0x2f, 0x5d, 0x95};

// ---- the tempo grid ---------------------------------------------------------------------------
inline constexpr QColor beatLine{0x2c, 0x31, 0x38};
inline constexpr QColor barLine{0x3a, 0x40, 0x4a};

// ---- text, brightest first --------------------------------------------------------------------
inline constexpr QColor clipTitle{0xf2, 0xf4, 0xf7};
inline constexpr QColor brightText{0xe8, 0xea, 0xed};
inline constexpr QColor text{0xd8, 0xdc, 0xe2};
inline constexpr QColor hoverText{0xc9, 0xce, 0xd5};
inline constexpr QColor secondaryText{0xb8, 0xbe, 0xc7}; // labels, headers, a neutral verdict
inline constexpr QColor quietText{0x9a, 0xa3, 0xae};     // the status bar, switches when off
inline constexpr QColor mutedText{0x8a, 0x93, 0x9f};     // captions and hints
inline constexpr QColor disabledText{0x6b, 0x73, 0x80};
inline constexpr QColor dimText{0x5c, 0x63, 0x6e};
inline constexpr QColor positionBars{0x7c, 0xc4, 0xff};
inline constexpr QColor link{0x58, 0xa6, 0xff};
inline constexpr QColor textOnLit = canvas; // on a lit mute or solo button

// ---- accent and states ------------------------------------------------------------------------
inline constexpr QColor accent{0x3d, 0x8b, 0xfd}; // focus, selection, progress, the loop
inline constexpr QColor playhead{0xff, 0x5a, 0x4e};
inline constexpr QColor allowed{0x43, 0xc0, 0x6b}; // a check passed, an export allowed
inline constexpr QColor denied{0xe5, 0x48, 0x4d};  // an error, a refusal, no consent
inline constexpr QColor warning{0xf0, 0xa2, 0x02};
inline constexpr QColor soloOn = allowed;
inline constexpr QColor muteOn = warning;
inline constexpr QColor recordOn = denied;  // a track armed for recording, Record
inline constexpr QColor monitorOn = accent; // a track's input monitoring
// A grant in the consent tables and the audit log: active (or intact), revoked (or tampered),
// expired.
inline constexpr QColor grantActive{0x2e, 0xa0, 0x43};
inline constexpr QColor grantRevoked{0xcf, 0x22, 0x2e};
inline constexpr QColor grantExpired{0xbf, 0x87, 0x00};

// ---- level meters, quiet to clipping ----------------------------------------------------------
inline constexpr QColor meterBackground = separator;
inline constexpr QColor meterLow{0x2f, 0x9e, 0x5a};
inline constexpr QColor meterNominal{0x5c, 0xd0, 0x6e}; // also the play button
inline constexpr QColor meterHot{0xf0, 0xc0, 0x40};
inline constexpr QColor meterOver{0xf0, 0x5a, 0x4e}; // also the master peak above 0 dB
inline constexpr QColor meterTop{0xf0, 0x3a, 0x3a};
inline constexpr QColor meterClipHold{0xff, 0x4a, 0x3a};

// ---- the fader and pan handles ------------------------------------------------------------------
inline constexpr QColor faderHandleTop{0xe2, 0xe5, 0xe9};
inline constexpr QColor faderHandle{0xb9, 0xbf, 0xc7};
inline constexpr QColor faderHandleBottom{0x8d, 0x94, 0x9e};
inline constexpr QColor panHandle{0xcf, 0xd3, 0xd9};

// The colour of the track at `index`: eight hues, distinct on the dark surfaces, then again.
QColor trackColour(int index);

// `colour` with another opacity (0..255).
QColor withAlpha(QColor colour, int alpha);

// `css` with every `@role` (a name above) replaced by that colour as #rrggbb.
QString styleSheet(const QString& css);

} // namespace accord::ui::palette
