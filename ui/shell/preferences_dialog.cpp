#include "accord/ui/shell/preferences_dialog.h"

#include "accord/ui/playback/playback_controller.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QVBoxLayout>

namespace accord::ui {

namespace {
const int kRates[] = {44100, 48000, 88200, 96000};
const int kBuffers[] = {64, 128, 256, 512, 1024, 2048};
constexpr int kDefaultRate = 48000;
constexpr int kDefaultBuffer = 512;

QString deviceName(const accord::audio::DeviceSetup& setup) {
    return QStringLiteral("%1 — %2").arg(QString::fromStdString(setup.type),
                                         QString::fromStdString(setup.name));
}
} // namespace

PreferencesDialog::PreferencesDialog(PlaybackController* playback, QWidget* parent)
    : QDialog(parent), playback_(playback), device_(new QComboBox(this)),
      rate_(new QComboBox(this)), buffer_(new QComboBox(this)), status_(new QLabel(this)),
      input_(new QComboBox(this)), inputChannels_(new QSpinBox(this)),
      latencyOffset_(new QSpinBox(this)), latency_(new QLabel(this)) {
    setObjectName(QStringLiteral("preferencesDialog"));
    setWindowTitle(tr("Preferences"));
    device_->setObjectName(QStringLiteral("deviceBox"));
    rate_->setObjectName(QStringLiteral("rateBox"));
    buffer_->setObjectName(QStringLiteral("bufferBox"));
    status_->setObjectName(QStringLiteral("deviceStatus"));
    status_->setWordWrap(true);
    status_->setTextInteractionFlags(Qt::TextSelectableByMouse);

    input_->setObjectName(QStringLiteral("inputBox"));
    inputChannels_->setObjectName(QStringLiteral("inputChannelsBox"));
    latencyOffset_->setObjectName(QStringLiteral("latencyOffsetBox"));
    latency_->setObjectName(QStringLiteral("latencyLabel"));
    latency_->setWordWrap(true);
    try {
        devices_ = playback_->engine().availableDevices();
        inputs_ = playback_->engine().availableInputDevices();
    } catch (const std::exception& error) {
        status_->setText(
            tr("Could not list the audio devices: %1").arg(QString::fromStdString(error.what())));
    }
    const auto current = playback_->device();
    const auto saved = savedSetup();
    for (const auto& setup : devices_)
        device_->addItem(deviceName(setup));
    for (int rate : kRates)
        rate_->addItem(tr("%1 Hz").arg(rate), rate);
    for (int size : kBuffers)
        buffer_->addItem(
            tr("%1 frames (%2 ms at 48 kHz)").arg(size).arg(size * 1000.0 / 48000, 0, 'f', 1),
            size);
    const auto selected = current ? current : saved;
    if (selected) {
        for (int i = 0; i < static_cast<int>(devices_.size()); ++i)
            if (devices_[static_cast<std::size_t>(i)].name == selected->name &&
                devices_[static_cast<std::size_t>(i)].type == selected->type)
                device_->setCurrentIndex(i);
    }
    rate_->setCurrentIndex(
        std::max(0, rate_->findData(selected && selected->sampleRate > 0 ? selected->sampleRate
                                                                         : kDefaultRate)));
    buffer_->setCurrentIndex(
        std::max(0, buffer_->findData(selected && selected->bufferSize > 0 ? selected->bufferSize
                                                                           : kDefaultBuffer)));

    input_->addItem(tr("No input (playback only)"));
    for (const auto& setup : inputs_)
        input_->addItem(QStringLiteral("%1 — %2").arg(QString::fromStdString(setup.type),
                                                      QString::fromStdString(setup.inputName)));
    for (int i = 0; i < static_cast<int>(inputs_.size()); ++i)
        if (selected && inputs_[static_cast<std::size_t>(i)].inputName == selected->inputName)
            input_->setCurrentIndex(i + 1);
    inputChannels_->setRange(1, 32);
    inputChannels_->setValue(selected && selected->inputChannels > 0 ? selected->inputChannels : 2);
    latencyOffset_->setRange(-48000, 48000);
    latencyOffset_->setSuffix(tr(" frames"));
    latencyOffset_->setValue(savedRecordingOffset());
    latencyOffset_->setToolTip(
        tr("Added to the latency the device reports, for hardware that misreports it: a take "
           "that sounds late needs a larger offset"));
    connect(latencyOffset_, &QSpinBox::valueChanged, this, [this](int frames) {
        playback_->engine().setRecordingOffset(frames);
        QSettings().setValue(QStringLiteral("audio/latencyOffset"), frames);
        showLatency();
    });

    const bool none = devices_.empty();
    device_->setEnabled(!none);
    rate_->setEnabled(!none);
    buffer_->setEnabled(!none);
    if (none)
        device_->addItem(tr("No audio device found"));

    auto* form = new QFormLayout;
    form->addRow(tr("Audio device:"), device_);
    form->addRow(tr("Sample rate:"), rate_);
    form->addRow(tr("Buffer size:"), buffer_);
    form->addRow(tr("Input device:"), input_);
    form->addRow(tr("Input channels:"), inputChannels_);
    form->addRow(tr("Latency offset:"), latencyOffset_);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Apply | QDialogButtonBox::Close, this);
    applyButton_ = buttons->button(QDialogButtonBox::Apply);
    applyButton_->setObjectName(QStringLiteral("applyButton"));
    applyButton_->setEnabled(!none);
    connect(applyButton_, &QPushButton::clicked, this, &PreferencesDialog::apply);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(status_);
    layout->addWidget(latency_);
    layout->addStretch(1);
    layout->addWidget(buttons);
    resize(520, 360);
    if (status_->text().isEmpty())
        showStatus();
    showLatency();
}

std::optional<accord::audio::DeviceSetup> PreferencesDialog::chosenSetup() const {
    const int index = device_->currentIndex();
    if (devices_.empty() || index < 0 || index >= static_cast<int>(devices_.size()))
        return std::nullopt;
    accord::audio::DeviceSetup setup = devices_[static_cast<std::size_t>(index)];
    setup.sampleRate = rate_->currentData().toInt();
    setup.bufferSize = buffer_->currentData().toInt();
    const int input = input_->currentIndex() - 1;
    if (input >= 0 && input < static_cast<int>(inputs_.size())) {
        setup.inputName = inputs_[static_cast<std::size_t>(input)].inputName;
        setup.inputChannels = inputChannels_->value();
    }
    return setup;
}

bool PreferencesDialog::apply() {
    const auto setup = chosenSetup();
    if (!setup) {
        showStatus();
        return false;
    }
    QString error;
    const bool opened = playback_->openDevice(setup, error);
    if (opened) {
        saveSetup(*playback_->device());
        showStatus();
        showLatency();
    } else {
        status_->setText(tr("Could not open %1: %2\nPlayback continues on the offline clock "
                            "(silent).")
                             .arg(deviceName(*setup), error));
    }
    return opened;
}

void PreferencesDialog::showStatus() {
    if (devices_.empty()) {
        status_->setText(tr("No audio device was found on this computer (no ALSA or JACK "
                            "output). Accord still plays projects on its offline clock: the "
                            "playhead and the meters move, but nothing is heard. Connect or "
                            "enable an output device and reopen this dialog."));
        return;
    }
    status_->setText(playback_->hasDevice()
                         ? tr("In use: %1").arg(playback_->deviceDescription())
                         : tr("No device is open: playback runs on the offline clock (silent). "
                              "Choose a device and press Apply."));
}

void PreferencesDialog::showLatency() {
    const auto device = playback_->device();
    const QString reported = device ? tr("the device reports %1 frames in and %2 out")
                                          .arg(device->inputLatency)
                                          .arg(device->outputLatency)
                                    : tr("no device: the offline clock");
    latency_->setText(tr("Recording: takes are moved back by %1 frames (%2, plus the offset), "
                         "so they line up with what was heard.")
                          .arg(playback_->engine().recordingLatencyFrames())
                          .arg(reported));
}

int PreferencesDialog::savedRecordingOffset() {
    return QSettings().value(QStringLiteral("audio/latencyOffset"), 0).toInt();
}

std::optional<accord::audio::DeviceSetup> PreferencesDialog::savedSetup() {
    QSettings settings;
    if (!settings.contains(QStringLiteral("audio/name")))
        return std::nullopt;
    accord::audio::DeviceSetup setup;
    setup.type = settings.value(QStringLiteral("audio/type")).toString().toStdString();
    setup.name = settings.value(QStringLiteral("audio/name")).toString().toStdString();
    setup.sampleRate = settings.value(QStringLiteral("audio/sampleRate"), kDefaultRate).toInt();
    setup.bufferSize = settings.value(QStringLiteral("audio/bufferSize"), kDefaultBuffer).toInt();
    setup.inputName = settings.value(QStringLiteral("audio/inputName")).toString().toStdString();
    setup.inputChannels = settings.value(QStringLiteral("audio/inputChannels"), 0).toInt();
    return setup;
}

void PreferencesDialog::saveSetup(const accord::audio::DeviceSetup& setup) {
    QSettings settings;
    settings.setValue(QStringLiteral("audio/type"), QString::fromStdString(setup.type));
    settings.setValue(QStringLiteral("audio/name"), QString::fromStdString(setup.name));
    settings.setValue(QStringLiteral("audio/sampleRate"), setup.sampleRate);
    settings.setValue(QStringLiteral("audio/bufferSize"), setup.bufferSize);
    settings.setValue(QStringLiteral("audio/inputName"), QString::fromStdString(setup.inputName));
    settings.setValue(QStringLiteral("audio/inputChannels"), setup.inputChannels);
}

} // namespace accord::ui
