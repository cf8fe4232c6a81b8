#pragma once

// A panel's one-line status under its controls: an error (denied colour), a success (granted
// colour) or plain, hidden when empty; and the bulleted list a refusal's missing grants read as.

#include <QLabel>
#include <QString>
#include <QStringList>

namespace accord::ui {

enum class MessageKind { Plain, Error, Done };

void setMessage(QLabel* label, const QString& text, MessageKind kind = MessageKind::Plain);

// "\n• first\n• second": lines to append under a sentence.
QString bulleted(const QStringList& lines);

} // namespace accord::ui
