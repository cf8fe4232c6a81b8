#pragma once

// The audio files the studio imports and verifies, by their suffix: what the arrangement accepts
// from a drop and what the file dialogs offer.

#include <QString>

#include <functional>

class QWidget;

namespace accord::ui {

bool isAudioFile(const QString& path);
// For a file dialog: "Audio files (*.wav *.wave … *.mp3);;All files (*)".
QString audioFileFilter();
// Makes `target` take a file dropped on it (the first local file a drag carries, not a folder)
// and hand it to `open`: the panels that look at one file (Verify, Identify).
void openDroppedFiles(QWidget* target, std::function<void(const QString&)> open);

} // namespace accord::ui
