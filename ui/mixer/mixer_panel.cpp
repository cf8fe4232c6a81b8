#include "accord/ui/mixer/mixer_panel.h"

#include "accord/ui/arrangement/timeline.h"
#include "accord/ui/common/palette.h"
#include "accord/ui/playback/playback_controller.h"

#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QLinearGradient>
#include <QPainter>
#include <QPushButton>
#include <QScrollArea>
#include <QSignalBlocker>
#include <QSlider>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace accord::ui {

namespace {

constexpr double kFallDbPerSecond = 24.0;
constexpr qint64 kHoldMs = 1500;
constexpr int kStripWidth = 104;
constexpr int kScaleWidth = 22;

double toDb(float linear) {
    return linear > 0 ? 20.0 * std::log10(static_cast<double>(linear)) : LevelMeter::kFloorDb;
}

} // namespace

// ---- LevelMeter -----------------------------------------------------------------------------

LevelMeter::LevelMeter(QWidget* parent) : QWidget(parent) {
    setObjectName(QStringLiteral("levelMeter"));
    setMinimumSize(16, 80);
    setSizePolicy(QSizePolicy::Fixed, QSizePolicy::Expanding);
    clock_.start();
}

QSize LevelMeter::sizeHint() const {
    return QSize(18 + (scale_ ? kScaleWidth : 0), 160);
}

void LevelMeter::setShowScale(bool show) {
    scale_ = show;
    setMinimumWidth(16 + (scale_ ? kScaleWidth : 0));
    updateGeometry();
    update();
}

void LevelMeter::reset() {
    for (int c = 0; c < 2; ++c) {
        shown_[c] = hold_[c] = kFloorDb;
        holdSince_[c] = 0;
    }
    update();
}

void LevelMeter::setLevels(float left, float right) {
    const qint64 now = clock_.elapsed();
    const double seconds = static_cast<double>(now - last_) / 1000.0;
    last_ = now;
    const double levels[2] = {toDb(left), toDb(right)};
    bool changed = false;
    for (int c = 0; c < 2; ++c) {
        const double fallen = std::max(kFloorDb, shown_[c] - kFallDbPerSecond * seconds);
        const double next = std::clamp(std::max(levels[c], fallen), kFloorDb, kCeilingDb);
        if (next >= hold_[c] || now - holdSince_[c] > kHoldMs) {
            if (next != hold_[c])
                changed = true;
            hold_[c] = next;
            holdSince_[c] = now;
        }
        if (std::abs(next - shown_[c]) > 0.05)
            changed = true;
        shown_[c] = next;
    }
    if (changed)
        update();
}

void LevelMeter::paintEvent(QPaintEvent*) {
    QPainter painter(this);
    const QRect whole = rect();
    const QRect all = scale_ ? whole.adjusted(0, 0, -kScaleWidth, 0) : whole;
    painter.fillRect(all, palette::meterBackground);
    const int gap = 2;
    const int barWidth = (all.width() - 3 * gap) / 2;
    auto yFor = [&](double db) {
        const double t = (db - kFloorDb) / (kCeilingDb - kFloorDb);
        return all.bottom() - 1 - static_cast<int>(t * (all.height() - 3));
    };
    QLinearGradient gradient(0, yFor(kFloorDb), 0, yFor(kCeilingDb));
    const double zeroAt = (0 - kFloorDb) / (kCeilingDb - kFloorDb);
    const double warnAt = (-12 - kFloorDb) / (kCeilingDb - kFloorDb);
    gradient.setColorAt(0, palette::meterLow);
    gradient.setColorAt(warnAt, palette::meterNominal);
    gradient.setColorAt(zeroAt - 0.02, palette::meterHot);
    gradient.setColorAt(zeroAt, palette::meterOver);
    gradient.setColorAt(1, palette::meterTop);
    for (int c = 0; c < 2; ++c) {
        const int left = all.left() + gap + c * (barWidth + gap);
        const QRect track(left, all.top() + 1, barWidth, all.height() - 2);
        painter.fillRect(track, palette::meterTrack);
        if (shown_[c] > kFloorDb) {
            const QRect level(QPoint(left, yFor(shown_[c])),
                              QPoint(left + barWidth - 1, track.bottom()));
            painter.fillRect(level, gradient);
        }
        if (hold_[c] > kFloorDb) {
            painter.fillRect(QRect(left, yFor(hold_[c]), barWidth, 2),
                             hold_[c] >= 0 ? palette::meterClipHold : palette::brightText);
        }
    }
    // 0 dB mark.
    painter.setPen(palette::withAlpha(Qt::white, 70));
    painter.drawLine(all.left(), yFor(0), all.right(), yFor(0));
    if (!scale_)
        return;
    QFont font = painter.font();
    font.setPointSizeF(std::max(6.0, font.pointSizeF() * 0.7));
    painter.setFont(font);
    for (int db : {6, 0, -6, -12, -24, -36, -48}) {
        const int y = yFor(db);
        painter.setPen(palette::dimText);
        painter.drawLine(all.right() + 2, y, all.right() + 4, y);
        painter.setPen(db == 0 ? palette::text : palette::mutedText);
        const int top = std::clamp(y - 7, whole.top(), whole.bottom() - 13);
        painter.drawText(QRect(all.right() + 5, top, kScaleWidth - 5, 14),
                         Qt::AlignLeft | Qt::AlignVCenter,
                         db > 0 ? QStringLiteral("+%1").arg(db) : QString::number(db));
    }
}

// ---- ChannelStrip ---------------------------------------------------------------------------

ChannelStrip::ChannelStrip(ProjectDocument* document, const std::string& trackId, int colourIndex,
                           QWidget* parent)
    : QFrame(parent), document_(document), trackId_(trackId), name_(new QLabel(this)),
      colour_(new QFrame(this)), pan_(new QSlider(Qt::Horizontal, this)),
      panLabel_(new QLabel(this)), mute_(new QPushButton(tr("M"), this)),
      solo_(new QPushButton(tr("S"), this)), fader_(new QSlider(Qt::Vertical, this)),
      meter_(new LevelMeter(this)), gain_(new QLabel(this)),
      eqButton_(new QPushButton(tr("EQ"), this)), send_(new QSlider(Qt::Horizontal, this)),
      sendLabel_(new QLabel(this)) {
    setObjectName(QStringLiteral("channelStrip"));
    meter_->setShowScale(true);
    setFixedWidth(kStripWidth);
    setFrameShape(QFrame::StyledPanel);

    colour_->setFixedHeight(4);
    colour_->setObjectName(QStringLiteral("stripColour"));
    setColourIndex(colourIndex);
    name_->setObjectName(QStringLiteral("stripName"));
    name_->setAlignment(Qt::AlignCenter);

    pan_->setObjectName(QStringLiteral("pan"));
    pan_->setRange(-100, 100);
    pan_->setPageStep(10);
    pan_->setToolTip(tr("Pan (double-click: centre)"));
    pan_->installEventFilter(this);
    panLabel_->setObjectName(QStringLiteral("panLabel"));
    panLabel_->setAlignment(Qt::AlignCenter);

    for (QPushButton* b : {mute_, solo_}) {
        b->setCheckable(true);
        b->setFixedSize(30, 22);
        b->setFocusPolicy(Qt::NoFocus);
    }
    mute_->setObjectName(QStringLiteral("mute"));
    solo_->setObjectName(QStringLiteral("solo"));
    mute_->setToolTip(tr("Mute"));
    solo_->setToolTip(tr("Solo: only soloed tracks play"));

    fader_->setObjectName(QStringLiteral("fader"));
    fader_->setRange(kFaderMin, kFaderMax);
    fader_->setSingleStep(5);
    fader_->setPageStep(30);
    fader_->setTickPosition(QSlider::TicksBothSides);
    fader_->setTickInterval(60);
    fader_->setToolTip(tr("Gain (double-click: 0 dB)"));
    fader_->installEventFilter(this);
    gain_->setObjectName(QStringLiteral("gainLabel"));
    gain_->setAlignment(Qt::AlignCenter);

    eqButton_->setObjectName(QStringLiteral("eqButton"));
    eqButton_->setCheckable(true);
    eqButton_->setFixedSize(30, 22);
    eqButton_->setStyleSheet(QStringLiteral("QPushButton { padding: 0; }")); // room for "EQ"
    eqButton_->setFocusPolicy(Qt::NoFocus);
    eqButton_->setToolTip(tr("The track's EQ (lit while on): four bands, frequency, gain and Q"));
    send_->setObjectName(QStringLiteral("send"));
    send_->setRange(kSendOff, kSendMax);
    send_->setSingleStep(5);
    send_->setPageStep(30);
    send_->setToolTip(tr("Send to the reverb bus, after the fader (far left: none; "
                         "double-click: 0 dB)"));
    send_->installEventFilter(this);
    sendLabel_->setObjectName(QStringLiteral("sendLabel"));
    sendLabel_->setAlignment(Qt::AlignCenter);

    auto* buttons = new QHBoxLayout;
    buttons->setSpacing(3);
    buttons->addStretch();
    buttons->addWidget(eqButton_);
    buttons->addWidget(mute_);
    buttons->addWidget(solo_);
    buttons->addStretch();
    auto* faderRow = new QHBoxLayout;
    faderRow->setSpacing(6);
    faderRow->addStretch();
    faderRow->addWidget(fader_);
    faderRow->addWidget(meter_);
    faderRow->addStretch();

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 0, 4, 6);
    layout->setSpacing(4);
    layout->addWidget(colour_);
    layout->addWidget(name_);
    layout->addWidget(send_);
    layout->addWidget(sendLabel_);
    layout->addWidget(pan_);
    layout->addWidget(panLabel_);
    layout->addLayout(buttons);
    layout->addLayout(faderRow, 1);
    layout->addWidget(gain_);

    for (QSlider* slider : {fader_, pan_, send_}) {
        connect(slider, &QSlider::sliderPressed, this, [this] { gestures_.pressed(); });
        connect(slider, &QSlider::sliderReleased, this, [this] { gestures_.released(); });
    }
    connect(fader_, &QSlider::valueChanged, this, [this](int tenths) {
        gain_->setText(formatDecibels(tenths / 10.0, kFaderMin / 10.0 - 1));
        document_->setTrackMix(trackId_, MixParameter::Gain, tenths / 10.0,
                               gestures_.gestureFor(fader_->isSliderDown()));
    });
    connect(pan_, &QSlider::valueChanged, this, [this](int percent) {
        panLabel_->setText(formatPan(percent / 100.0));
        document_->setTrackMix(trackId_, MixParameter::Pan, percent / 100.0,
                               gestures_.gestureFor(pan_->isSliderDown()));
    });
    connect(send_, &QSlider::valueChanged, this, [this](int tenths) {
        TrackEffects effects = document_->trackEffects(trackId_);
        effects.reverbSendDb =
            tenths <= kSendOff ? std::nullopt : std::optional<double>(tenths / 10.0);
        document_->setTrackEffects(trackId_, effects, gestures_.gestureFor(send_->isSliderDown()));
    });
    connect(eqButton_, &QPushButton::clicked, this, [this] {
        eqButton_->setChecked(!eqButton_->isChecked()); // the EQ's state decides, not the click
        EqEditor* editor = eqEditor();
        editor->show();
        editor->raise();
        editor->activateWindow();
    });
    connect(mute_, &QPushButton::toggled, this,
            [this](bool on) { document_->setTrackMix(trackId_, MixParameter::Mute, on ? 1 : 0); });
    connect(solo_, &QPushButton::toggled, this,
            [this](bool on) { document_->setTrackMix(trackId_, MixParameter::Solo, on ? 1 : 0); });
    refresh();
}

void ChannelStrip::setColourIndex(int index) {
    colour_->setStyleSheet(
        QStringLiteral("background: %1; border: none;").arg(palette::trackColour(index).name()));
}

EqEditor* ChannelStrip::eqEditor() {
    if (eqEditor_ == nullptr)
        eqEditor_ = new EqEditor(document_, trackId_, this);
    return eqEditor_;
}

bool ChannelStrip::eventFilter(QObject* watched, QEvent* event) {
    if (event->type() == QEvent::MouseButtonDblClick) {
        if (watched == fader_) {
            document_->setTrackMix(trackId_, MixParameter::Gain, 0.0);
            return true;
        }
        if (watched == pan_) {
            document_->setTrackMix(trackId_, MixParameter::Pan, 0.0);
            return true;
        }
        if (watched == send_) {
            TrackEffects effects = document_->trackEffects(trackId_);
            effects.reverbSendDb = 0.0;
            document_->setTrackEffects(trackId_, effects);
            return true;
        }
    }
    return QFrame::eventFilter(watched, event);
}

void ChannelStrip::refresh() {
    const accord::Track* track = document_->findTrack(trackId_);
    if (track == nullptr)
        return;
    const QString name = QString::fromStdString(track->name);
    name_->setText(name_->fontMetrics().elidedText(name, Qt::ElideRight, kStripWidth - 12));
    name_->setToolTip(name);
    const QSignalBlocker b1(fader_), b2(pan_), b3(mute_), b4(solo_), b5(send_), b6(eqButton_);
    eqButton_->setChecked(track->eq && track->eq->on);
    send_->setValue(track->reverbSendDb
                        ? static_cast<int>(std::lround(std::max(*track->reverbSendDb, -60.0) * 10))
                        : kSendOff);
    sendLabel_->setText(track->reverbSendDb
                            ? tr("Send %1").arg(formatDecibels(*track->reverbSendDb))
                            : tr("No send"));
    fader_->setValue(static_cast<int>(std::lround(track->gainDb * 10)));
    pan_->setValue(static_cast<int>(std::lround(track->pan * 100)));
    mute_->setChecked(track->mute);
    solo_->setChecked(track->solo);
    gain_->setText(formatDecibels(track->gainDb, kFaderMin / 10.0 - 1));
    panLabel_->setText(formatPan(track->pan));
}

// ---- MixerPanel -----------------------------------------------------------------------------

MixerPanel::MixerPanel(ProjectDocument* document, PlaybackController* playback, QWidget* parent)
    : QWidget(parent), document_(document), playback_(playback), stripArea_(new QWidget),
      stripLayout_(new QHBoxLayout(stripArea_)), emptyHint_(new QLabel(this)),
      master_(new LevelMeter(this)), masterPeak_(new QLabel(this)),
      clip_(new QPushButton(tr("CLIP"), this)), masterFader_(new QSlider(Qt::Vertical, this)),
      masterGain_(new QLabel(this)), reverbButton_(new QPushButton(tr("Reverb"), this)),
      limiterButton_(new QPushButton(tr("Limiter"), this)),
      limiterCeiling_(new QDoubleSpinBox(this)) {
    setObjectName(QStringLiteral("mixerPanel"));
    stripArea_->setObjectName(QStringLiteral("mixerStrips"));
    stripLayout_->setContentsMargins(6, 6, 6, 6);
    stripLayout_->setSpacing(4);
    stripLayout_->addStretch(1);

    emptyHint_->setObjectName(QStringLiteral("mixerEmpty"));
    emptyHint_->setText(tr("No tracks yet: drop audio files on the arrangement."));
    emptyHint_->setEnabled(false);
    emptyHint_->setAlignment(Qt::AlignCenter);

    auto* scroll = new QScrollArea(this);
    scroll_ = scroll;
    scroll->setObjectName(QStringLiteral("mixerScroll"));
    scroll->setWidget(stripArea_);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);

    // The master strip: the sum of every track as the device (or offline clock) receives it.
    auto* masterStrip = new QFrame(this);
    masterStrip->setObjectName(QStringLiteral("masterStrip"));
    masterStrip->setFrameShape(QFrame::StyledPanel);
    masterStrip->setFixedWidth(kStripWidth + 8);
    auto* masterName = new QLabel(tr("Master"), masterStrip);
    masterName->setObjectName(QStringLiteral("stripName"));
    masterName->setAlignment(Qt::AlignCenter);
    QFont bold = masterName->font();
    bold.setBold(true);
    masterName->setFont(bold);
    master_->setObjectName(QStringLiteral("masterMeter"));
    master_->setShowScale(true);
    master_->setMinimumWidth(26 + kScaleWidth);
    masterPeak_->setObjectName(QStringLiteral("masterPeak"));
    masterPeak_->setAlignment(Qt::AlignCenter);
    masterPeak_->setToolTip(tr("Highest peak of the last moments"));
    clip_->setObjectName(QStringLiteral("masterClip"));
    clip_->setFixedHeight(18);
    clip_->setToolTip(tr("Lights when the mix goes over full scale (0 dBFS) and stays lit: an "
                         "export would clip. Lower the faders, then click to clear."));
    connect(clip_, &QPushButton::clicked, this, [this] { setClipped(false); });
    setClipped(false);
    auto* colour = new QFrame(masterStrip);
    colour->setFixedHeight(4);
    colour->setStyleSheet(palette::styleSheet(QStringLiteral("background: @text; border: none;")));
    masterFader_->setObjectName(QStringLiteral("masterFader"));
    masterFader_->setRange(kMasterFaderMin, kMasterFaderMax);
    masterFader_->setSingleStep(5);
    masterFader_->setPageStep(30);
    masterFader_->setTickPosition(QSlider::TicksBothSides);
    masterFader_->setTickInterval(60);
    masterFader_->setToolTip(tr("Master gain, the mix's last gain before the output and exports "
                                "(double-click: 0 dB)"));
    masterFader_->installEventFilter(this);
    masterGain_->setObjectName(QStringLiteral("masterGainLabel"));
    masterGain_->setAlignment(Qt::AlignCenter);
    reverbButton_->setObjectName(QStringLiteral("reverbButton"));
    reverbButton_->setFixedHeight(22);
    reverbButton_->setToolTip(tr("The reverb bus every track's send feeds: room size, damping, "
                                 "width and return level"));
    limiterButton_->setObjectName(QStringLiteral("limiterButton"));
    limiterButton_->setCheckable(true);
    limiterButton_->setFixedHeight(22);
    limiterButton_->setToolTip(tr("True-peak limiter after the master fader: playback, renders "
                                  "and exports never pass its ceiling (it delays the output by a "
                                  "few milliseconds, which the playhead allows for)"));
    limiterCeiling_->setObjectName(QStringLiteral("limiterCeiling"));
    limiterCeiling_->setRange(-20.0, 0.0);
    limiterCeiling_->setDecimals(1);
    limiterCeiling_->setSingleStep(0.1);
    limiterCeiling_->setSuffix(tr(" dBTP"));
    limiterCeiling_->setKeyboardTracking(false); // a typed ceiling is one edit
    limiterCeiling_->setToolTip(tr("The limiter's ceiling: the highest true peak it lets through"));
    connect(limiterButton_, &QPushButton::toggled, this, [this](bool on) {
        MasterBus bus = document_->masterBus();
        bus.limiter.on = on;
        document_->setMasterBus(bus);
    });
    connect(limiterCeiling_, &QDoubleSpinBox::valueChanged, this, [this](double ceiling) {
        MasterBus bus = document_->masterBus();
        bus.limiter.ceilingDbtp = ceiling;
        document_->setMasterBus(bus);
    });
    connect(masterFader_, &QSlider::sliderPressed, this, [this] { masterGestures_.pressed(); });
    connect(masterFader_, &QSlider::sliderReleased, this, [this] { masterGestures_.released(); });
    connect(masterFader_, &QSlider::valueChanged, this, [this](int tenths) {
        MasterBus bus = document_->masterBus();
        bus.gainDb = tenths / 10.0;
        document_->setMasterBus(bus, masterGestures_.gestureFor(masterFader_->isSliderDown()));
    });
    connect(reverbButton_, &QPushButton::clicked, this, [this] {
        ReverbEditor* editor = reverbEditor();
        editor->show();
        editor->raise();
        editor->activateWindow();
    });
    connect(document_, &ProjectDocument::masterBusChanged, this, &MixerPanel::refreshMaster);
    connect(document_, &ProjectDocument::projectReset, this, &MixerPanel::refreshMaster);
    auto* meterRow = new QHBoxLayout;
    meterRow->addStretch();
    meterRow->addWidget(masterFader_);
    meterRow->addWidget(master_);
    meterRow->addStretch();
    auto* masterLayout = new QVBoxLayout(masterStrip);
    masterLayout->setContentsMargins(4, 0, 4, 6);
    masterLayout->setSpacing(4);
    masterLayout->addWidget(colour);
    masterLayout->addWidget(masterName);
    masterLayout->addWidget(clip_);
    masterLayout->addWidget(reverbButton_);
    masterLayout->addWidget(limiterButton_);
    masterLayout->addWidget(limiterCeiling_);
    masterLayout->addLayout(meterRow, 1);
    masterLayout->addWidget(masterGain_);
    masterLayout->addWidget(masterPeak_);

    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    auto* left = new QVBoxLayout;
    left->addWidget(emptyHint_, 1);
    left->addWidget(scroll, 1);
    layout->addLayout(left, 1);
    layout->addWidget(masterStrip);

    connect(document_, &ProjectDocument::structureChanged, this, &MixerPanel::rebuild);
    connect(document_, &ProjectDocument::trackEffectsChanged, this, [this](const QString& trackId) {
        if (ChannelStrip* s = strip(trackId.toStdString()))
            s->refresh();
    });
    connect(document_, &ProjectDocument::trackMixChanged, this,
            [this](const QString& trackId, MixParameter) {
                if (ChannelStrip* s = strip(trackId.toStdString()))
                    s->refresh();
            });
    connect(playback_, &PlaybackController::tick, this, &MixerPanel::readMeters);
    // A track running through a voice model says which and the latency it adds (compensated).
    connect(playback_, &PlaybackController::liveModelChanged, this, [this](const QString& trackId) {
        if (ChannelStrip* s = strip(trackId.toStdString()))
            s->setToolTip(playback_->liveModelDescription(trackId));
    });
    rebuild();
}

ReverbEditor* MixerPanel::reverbEditor() {
    if (reverbEditor_ == nullptr)
        reverbEditor_ = new ReverbEditor(document_, this);
    return reverbEditor_;
}

void MixerPanel::refreshMaster() {
    const double gain = document_->project().masterGainDb;
    const QSignalBlocker blocker(masterFader_);
    masterFader_->setValue(
        static_cast<int>(std::lround(std::max(gain, kMasterFaderMin / 10.0) * 10)));
    masterGain_->setText(formatDecibels(gain, kMasterFaderMin / 10.0 - 1));
    const accord::MasterLimiter& limiter = document_->project().limiter;
    const QSignalBlocker buttonBlocker(limiterButton_);
    const QSignalBlocker ceilingBlocker(limiterCeiling_);
    limiterButton_->setChecked(limiter.on);
    limiterCeiling_->setValue(limiter.ceilingDbtp);
    limiterCeiling_->setEnabled(limiter.on);
}

bool MixerPanel::eventFilter(QObject* watched, QEvent* event) {
    if (watched == masterFader_ && event->type() == QEvent::MouseButtonDblClick) {
        MasterBus bus = document_->masterBus();
        bus.gainDb = 0;
        document_->setMasterBus(bus);
        return true;
    }
    return QWidget::eventFilter(watched, event);
}

ChannelStrip* MixerPanel::strip(const std::string& trackId) const {
    const auto found = strips_.find(trackId);
    return found != strips_.end() ? found->second : nullptr;
}

void MixerPanel::rebuild() {
    const auto& tracks = document_->project().tracks;
    std::vector<std::string> order;
    for (const auto& track : tracks)
        order.push_back(track.id);
    if (order != order_) {
        // Remove strips of tracks that went, add new ones, then lay them out in track order.
        for (auto it = strips_.begin(); it != strips_.end();) {
            if (std::find(order.begin(), order.end(), it->first) == order.end()) {
                it->second->deleteLater();
                it = strips_.erase(it);
            } else {
                ++it;
            }
        }
        for (std::size_t i = 0; i < order.size(); ++i) {
            ChannelStrip* s = strip(order[i]);
            if (s == nullptr) {
                s = new ChannelStrip(document_, order[i], static_cast<int>(i), stripArea_);
                strips_[order[i]] = s;
            }
            stripLayout_->removeWidget(s);
        }
        for (std::size_t i = 0; i < order.size(); ++i)
            stripLayout_->insertWidget(static_cast<int>(i), strips_[order[i]]);
        order_ = order;
    }
    for (std::size_t i = 0; i < order_.size(); ++i) {
        ChannelStrip* s = strips_[order_[i]];
        s->setColourIndex(static_cast<int>(i));
        s->refresh();
        s->setToolTip(playback_->liveModelDescription(QString::fromStdString(order_[i])));
    }
    emptyHint_->setVisible(order_.empty());
    scroll_->setVisible(!order_.empty());
    refreshMaster();
}

void MixerPanel::readMeters() {
    accord::audio::Engine& engine = playback_->engine();
    for (const auto& [id, s] : strips_) {
        const accord::audio::MeterReading reading = engine.trackMeter(id);
        s->meter()->setLevels(reading.left, reading.right);
    }
    const accord::audio::MeterReading master = engine.masterMeter();
    showMasterLevels(master.left, master.right);
}

void MixerPanel::showMasterLevels(float left, float right) {
    master_->setLevels(left, right);
    if (left > 1.0f || right > 1.0f)
        setClipped(true);
    const double peak = master_->peakDb();
    const QString text = formatDecibels(peak, LevelMeter::kFloorDb);
    if (masterPeak_->text() != text) {
        masterPeak_->setText(text);
        masterPeak_->setStyleSheet(
            peak >= 0 ? palette::styleSheet(QStringLiteral("color: @meterOver;")) : QString());
    }
}

void MixerPanel::setClipped(bool clipped) {
    clipped_ = clipped;
    clip_->setStyleSheet(palette::styleSheet(
        clipped ? QStringLiteral("QPushButton { background: @meterOver; color: @textOnLit; "
                                 "font-weight: 700; padding: 0; }")
                : QStringLiteral("QPushButton { color: @dimText; padding: 0; }")));
}

} // namespace accord::ui
