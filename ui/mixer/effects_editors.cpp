#include "accord/ui/mixer/effects_editors.h"

#include "accord/ui/arrangement/timeline.h"

#include <QCheckBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGridLayout>
#include <QLabel>
#include <QPushButton>
#include <QSignalBlocker>
#include <QSlider>
#include <QVBoxLayout>

#include <cmath>

namespace accord::ui {

namespace {

int nextGesture = 0;
constexpr qint64 kKeyGestureMs = 800;
constexpr int kReturnMin = -600; // tenths of a dB
constexpr int kReturnMax = 120;

QString bandKind(accord::EqBandType type) {
    switch (type) {
    case accord::EqBandType::LowShelf:
        return QObject::tr("Low shelf");
    case accord::EqBandType::HighShelf:
        return QObject::tr("High shelf");
    case accord::EqBandType::Peak:
        break;
    }
    return QObject::tr("Bell");
}

QDoubleSpinBox* spinBox(QWidget* parent, double low, double high, int decimals, double step,
                        const QString& suffix) {
    auto* box = new QDoubleSpinBox(parent);
    box->setRange(low, high);
    box->setDecimals(decimals);
    box->setSingleStep(step);
    box->setSuffix(suffix);
    box->setKeyboardTracking(false);
    return box;
}

} // namespace

// ---- GestureTracker -------------------------------------------------------------------------

void GestureTracker::pressed() {
    dragGesture_ = nextGesture++;
}

void GestureTracker::released() {
    dragGesture_ = -1;
}

int GestureTracker::gestureFor(bool dragging) {
    if (dragging && dragGesture_ >= 0)
        return dragGesture_;
    if (keyGesture_ < 0 || !keyClock_.isValid() || keyClock_.elapsed() > kKeyGestureMs)
        keyGesture_ = nextGesture++;
    keyClock_.restart();
    return keyGesture_;
}

// ---- EqEditor -------------------------------------------------------------------------------

EqEditor::EqEditor(ProjectDocument* document, const std::string& trackId, QWidget* parent)
    : QDialog(parent), document_(document), trackId_(trackId), on_(new QCheckBox(tr("On"), this)),
      remove_(new QPushButton(tr("Remove EQ"), this)) {
    setObjectName(QStringLiteral("eqEditor"));
    on_->setObjectName(QStringLiteral("eqOn"));
    remove_->setObjectName(QStringLiteral("eqRemove"));
    remove_->setToolTip(tr("Take the EQ off the track (undoable)"));
    auto* grid = new QGridLayout;
    grid->addWidget(new QLabel(tr("Band"), this), 0, 0);
    grid->addWidget(new QLabel(tr("Frequency"), this), 0, 1);
    grid->addWidget(new QLabel(tr("Gain"), this), 0, 2);
    grid->addWidget(new QLabel(tr("Q"), this), 0, 3);
    for (int b = 0; b < kMaxEqBands; ++b) {
        const std::size_t i = std::size_t(b);
        kind_[i] = new QLabel(this);
        frequency_[i] = spinBox(this, 20, 20000, 0, 10, tr(" Hz"));
        gain_[i] = spinBox(this, -24, 24, 1, 0.5, tr(" dB"));
        q_[i] = spinBox(this, 0.1, 18, 2, 0.1, QString());
        frequency_[i]->setObjectName(QStringLiteral("eqFrequency%1").arg(b));
        gain_[i]->setObjectName(QStringLiteral("eqGain%1").arg(b));
        q_[i]->setObjectName(QStringLiteral("eqQ%1").arg(b));
        grid->addWidget(kind_[i], b + 1, 0);
        grid->addWidget(frequency_[i], b + 1, 1);
        grid->addWidget(gain_[i], b + 1, 2);
        grid->addWidget(q_[i], b + 1, 3);
        for (QDoubleSpinBox* box : {frequency_[i], gain_[i], q_[i]})
            connect(box, &QDoubleSpinBox::valueChanged, this, [this] { edited(); });
    }
    auto* bottom = new QHBoxLayout;
    bottom->addWidget(on_);
    bottom->addStretch();
    bottom->addWidget(remove_);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(grid);
    layout->addLayout(bottom);
    connect(on_, &QCheckBox::toggled, this, [this] { edited(); });
    connect(remove_, &QPushButton::clicked, this, [this] {
        const std::optional<double> send = document_->trackEffects(trackId_).reverbSendDb;
        document_->setTrackEffects(trackId_, {std::nullopt, send});
    });
    connect(document_, &ProjectDocument::trackEffectsChanged, this, [this](const QString& id) {
        if (id.toStdString() == trackId_)
            refresh();
    });
    refresh();
}

void EqEditor::refresh() {
    const accord::Track* track = document_->findTrack(trackId_);
    if (track == nullptr)
        return;
    setWindowTitle(tr("EQ: %1").arg(QString::fromStdString(track->name)));
    shown_ = track->eq ? *track->eq : accord::TrackEq::standard();
    const QSignalBlocker blockOn(on_);
    on_->setChecked(track->eq && track->eq->on);
    remove_->setEnabled(track->eq.has_value());
    for (int b = 0; b < kMaxEqBands; ++b) {
        const std::size_t i = std::size_t(b);
        const bool present = i < shown_.bands.size();
        for (QWidget* widget :
             {static_cast<QWidget*>(kind_[i]), static_cast<QWidget*>(frequency_[i]),
              static_cast<QWidget*>(gain_[i]), static_cast<QWidget*>(q_[i])})
            widget->setVisible(present);
        if (!present)
            continue;
        const accord::EqBand& band = shown_.bands[i];
        kind_[i]->setText(bandKind(band.type));
        const QSignalBlocker b1(frequency_[i]), b2(gain_[i]), b3(q_[i]);
        frequency_[i]->setValue(band.frequencyHz);
        gain_[i]->setValue(band.gainDb);
        q_[i]->setValue(band.q);
    }
}

void EqEditor::edited() {
    accord::TrackEq eq = shown_;
    for (std::size_t i = 0; i < eq.bands.size(); ++i) {
        eq.bands[i].frequencyHz = frequency_[i]->value();
        eq.bands[i].gainDb = gain_[i]->value();
        eq.bands[i].q = q_[i]->value();
    }
    // Editing a band of a track without an EQ gives it one, switched on.
    const accord::Track* track = document_->findTrack(trackId_);
    eq.on = on_->isChecked() || (track != nullptr && !track->eq && sender() != on_);
    TrackEffects effects = document_->trackEffects(trackId_);
    effects.eq = eq;
    document_->setTrackEffects(trackId_, effects, gestures_.gestureFor(false));
}

// ---- ReverbEditor ---------------------------------------------------------------------------

ReverbEditor::ReverbEditor(ProjectDocument* document, QWidget* parent)
    : QDialog(parent), document_(document), room_(new QSlider(Qt::Horizontal, this)),
      damping_(new QSlider(Qt::Horizontal, this)), width_(new QSlider(Qt::Horizontal, this)),
      return_(new QSlider(Qt::Horizontal, this)), returnLabel_(new QLabel(this)) {
    setObjectName(QStringLiteral("reverbEditor"));
    setWindowTitle(tr("Reverb bus"));
    room_->setObjectName(QStringLiteral("reverbRoom"));
    damping_->setObjectName(QStringLiteral("reverbDamping"));
    width_->setObjectName(QStringLiteral("reverbWidth"));
    return_->setObjectName(QStringLiteral("reverbReturn"));
    for (QSlider* slider : {room_, damping_, width_})
        slider->setRange(0, 100);
    return_->setRange(kReturnMin, kReturnMax);
    return_->setSingleStep(5);
    auto* form = new QFormLayout(this);
    form->addRow(tr("Room size"), room_);
    form->addRow(tr("Damping"), damping_);
    form->addRow(tr("Width"), width_);
    form->addRow(tr("Return"), return_);
    form->addRow(QString(), returnLabel_);
    for (QSlider* slider : {room_, damping_, width_, return_}) {
        connect(slider, &QSlider::sliderPressed, this, [this] { gestures_.pressed(); });
        connect(slider, &QSlider::sliderReleased, this, [this] { gestures_.released(); });
        connect(slider, &QSlider::valueChanged, this, [this, slider] { edited(slider); });
    }
    connect(document_, &ProjectDocument::masterBusChanged, this, &ReverbEditor::refresh);
    refresh();
}

void ReverbEditor::refresh() {
    const accord::ReverbSettings& reverb = document_->project().reverb;
    const QSignalBlocker b1(room_), b2(damping_), b3(width_), b4(return_);
    room_->setValue(int(std::lround(reverb.roomSize * 100)));
    damping_->setValue(int(std::lround(reverb.damping * 100)));
    width_->setValue(int(std::lround(reverb.width * 100)));
    return_->setValue(int(std::lround(std::max(reverb.returnDb, kReturnMin / 10.0) * 10)));
    returnLabel_->setText(formatDecibels(reverb.returnDb, kReturnMin / 10.0 - 1));
}

void ReverbEditor::edited(QSlider* slider) {
    MasterBus bus = document_->masterBus();
    bus.reverb.roomSize = room_->value() / 100.0;
    bus.reverb.damping = damping_->value() / 100.0;
    bus.reverb.width = width_->value() / 100.0;
    bus.reverb.returnDb = return_->value() / 10.0;
    document_->setMasterBus(bus, gestures_.gestureFor(slider->isSliderDown()));
}

} // namespace accord::ui
