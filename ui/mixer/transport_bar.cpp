#include "accord/ui/mixer/transport_bar.h"

#include "accord/ui/arrangement/timeline.h"
#include "accord/ui/project/project_document.h"

#include <QAction>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFontDatabase>
#include <QFrame>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QRegularExpressionValidator>
#include <QSignalBlocker>
#include <QToolButton>
#include <QVBoxLayout>

namespace accord::ui {

namespace {

QToolButton* button(QAction* action, QWidget* parent, const QString& objectName) {
    auto* b = new QToolButton(parent);
    b->setObjectName(objectName);
    b->setDefaultAction(action);
    b->setFocusPolicy(Qt::NoFocus); // the space bar belongs to the transport, not a button
    b->setAutoRaise(true);
    b->setIconSize(QSize(20, 20));
    b->setToolButtonStyle(Qt::ToolButtonIconOnly);
    return b;
}

QFrame* separator(QWidget* parent) {
    auto* line = new QFrame(parent);
    line->setFrameShape(QFrame::VLine);
    line->setObjectName(QStringLiteral("transportSeparator"));
    return line;
}

QLabel* caption(const QString& text, QWidget* parent) {
    auto* label = new QLabel(text, parent);
    label->setObjectName(QStringLiteral("displayCaption"));
    return label;
}

} // namespace

TransportBar::TransportBar(ProjectDocument* document, const TransportActions& actions,
                           QWidget* parent)
    : QWidget(parent), document_(document), bars_(new QLabel(this)), time_(new QLabel(this)),
      tempo_(new QDoubleSpinBox(this)), signature_(new QComboBox(this)), rate_(new QLabel(this)),
      device_(new QLabel(this)) {
    setObjectName(QStringLiteral("transportBar"));

    // The position display: bars and beats large, the clock beside it.
    auto* display = new QFrame(this);
    display->setObjectName(QStringLiteral("positionDisplay"));
    QFont mono = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    mono.setPointSizeF(mono.pointSizeF() * 1.55);
    mono.setBold(true);
    bars_->setObjectName(QStringLiteral("positionBars"));
    time_->setObjectName(QStringLiteral("positionTime"));
    bars_->setFont(mono);
    time_->setFont(mono);
    bars_->setToolTip(tr("Position in bars, beats and ticks (960 per beat)"));
    time_->setToolTip(tr("Position in minutes, seconds and milliseconds"));
    bars_->setMinimumWidth(QFontMetrics(mono).horizontalAdvance(QStringLiteral("0000.0.000")));
    time_->setMinimumWidth(QFontMetrics(mono).horizontalAdvance(QStringLiteral("00:00.000")));
    bars_->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
    time_->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
    auto* barsBox = new QVBoxLayout;
    barsBox->setSpacing(0);
    barsBox->addWidget(caption(tr("BAR . BEAT . TICK"), display), 0, Qt::AlignRight);
    barsBox->addWidget(bars_);
    auto* timeBox = new QVBoxLayout;
    timeBox->setSpacing(0);
    timeBox->addWidget(caption(tr("TIME"), display), 0, Qt::AlignRight);
    timeBox->addWidget(time_);
    auto* displayLayout = new QHBoxLayout(display);
    displayLayout->setContentsMargins(14, 3, 14, 3);
    displayLayout->setSpacing(18);
    displayLayout->addLayout(barsBox);
    displayLayout->addLayout(timeBox);

    tempo_->setObjectName(QStringLiteral("tempoSpin"));
    tempo_->setRange(20, 999);
    tempo_->setDecimals(1);
    tempo_->setSuffix(tr(" BPM"));
    tempo_->setKeyboardTracking(false);
    tempo_->setToolTip(tr("Tempo of the project: the grid, snapping and the bar display follow "
                          "it (undoable)"));
    connect(tempo_, qOverload<double>(&QDoubleSpinBox::valueChanged), this,
            [this](double bpm) { document_->setTempo(bpm); });
    signature_->setObjectName(QStringLiteral("timeSignatureBox"));
    signature_->setEditable(true);
    signature_->setInsertPolicy(QComboBox::NoInsert);
    signature_->addItems({QStringLiteral("2/4"), QStringLiteral("3/4"), QStringLiteral("4/4"),
                          QStringLiteral("5/4"), QStringLiteral("6/8"), QStringLiteral("7/8"),
                          QStringLiteral("9/8"), QStringLiteral("12/8")});
    signature_->setValidator(new QRegularExpressionValidator(
        QRegularExpression(QStringLiteral("[0-9]{1,2}/[0-9]{1,2}")), signature_));
    signature_->setToolTip(tr("Time signature: beats to the bar and the note that counts (the "
                              "grid, the bar display and the metronome follow it; undoable). "
                              "The tempo counts quarter notes."));
    // A choice from the list, or any text typed (Return or leaving the field).
    connect(signature_, &QComboBox::textActivated, this, &TransportBar::applyTimeSignature);
    connect(signature_->lineEdit(), &QLineEdit::editingFinished, this,
            [this] { applyTimeSignature(signature_->currentText()); });
    rate_->setObjectName(QStringLiteral("projectRate"));
    device_->setObjectName(QStringLiteral("deviceLabel"));

    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(8, 4, 8, 4);
    layout->setSpacing(2);
    layout->addWidget(button(actions.returnToStart, this, QStringLiteral("returnButton")));
    layout->addWidget(button(actions.stop, this, QStringLiteral("stopButton")));
    auto* play = button(actions.play, this, QStringLiteral("playButton"));
    play->setIconSize(QSize(26, 26));
    layout->addWidget(play);
    layout->addWidget(button(actions.loop, this, QStringLiteral("loopButton")));
    if (actions.record != nullptr)
        layout->addWidget(button(actions.record, this, QStringLiteral("recordButton")));
    layout->addWidget(button(actions.metronome, this, QStringLiteral("metronomeButton")));
    layout->addSpacing(10);
    layout->addWidget(display);
    layout->addSpacing(10);
    layout->addWidget(tempo_);
    layout->addWidget(signature_);
    layout->addSpacing(6);
    layout->addWidget(rate_);
    layout->addSpacing(10);
    layout->addWidget(separator(this));
    layout->addWidget(button(actions.snap, this, QStringLiteral("snapButton")));
    layout->addWidget(button(actions.follow, this, QStringLiteral("followButton")));
    layout->addWidget(separator(this));
    layout->addWidget(button(actions.zoomOut, this, QStringLiteral("zoomOutButton")));
    layout->addWidget(button(actions.zoomIn, this, QStringLiteral("zoomInButton")));
    layout->addWidget(button(actions.zoomFit, this, QStringLiteral("zoomFitButton")));
    layout->addStretch(1);
    layout->addWidget(device_);

    connect(document_, &ProjectDocument::tempoChanged, this, &TransportBar::refresh);
    connect(document_, &ProjectDocument::projectReset, this, &TransportBar::refresh);
    refresh();
}

void TransportBar::refresh() {
    const accord::Project& project = document_->project();
    {
        const QSignalBlocker block(tempo_);
        tempo_->setValue(project.tempo);
    }
    {
        const QSignalBlocker block(signature_);
        signature_->setEditText(
            QString::fromStdString(accord::timeSignatureText(project.timeSignature)));
    }
    rate_->setText(tr("%1 kHz").arg(project.sampleRate / 1000.0));
    const std::int64_t at = position_;
    position_ = -1;
    setPosition(std::max<std::int64_t>(0, at));
}

void TransportBar::setPosition(std::int64_t sample) {
    if (sample == position_)
        return;
    position_ = sample;
    const accord::Project& project = document_->project();
    const TempoGrid grid(project);
    bars_->setText(countingIn_ ? tr("count-in") : formatBarsBeats(grid, sample));
    time_->setText(formatClockTime(sample, project.sampleRate));
}

void TransportBar::applyTimeSignature(const QString& text) {
    if (const auto signature = accord::parseTimeSignature(text.toStdString()))
        document_->setTimeSignature(*signature);
    refresh(); // a signature no project may hold (5/3) goes back to the project's
}

void TransportBar::setCountingIn(bool countingIn) {
    countingIn_ = countingIn;
    refresh();
}

void TransportBar::setDeviceText(const QString& text) {
    device_->setText(text);
}

} // namespace accord::ui
