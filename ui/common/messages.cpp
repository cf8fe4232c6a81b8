#include "accord/ui/common/messages.h"

#include "accord/ui/common/palette.h"

namespace accord::ui {

void setMessage(QLabel* label, const QString& text, MessageKind kind) {
    const char* style = kind == MessageKind::Error  ? "QLabel { color: @denied; }"
                        : kind == MessageKind::Done ? "QLabel { color: @grantActive; }"
                                                    : nullptr;
    label->setStyleSheet(style != nullptr ? palette::styleSheet(QString::fromLatin1(style))
                                          : QString());
    label->setText(text);
    label->setVisible(!text.isEmpty());
}

QString bulleted(const QStringList& lines) {
    QString text;
    for (const QString& line : lines)
        text += QStringLiteral("\n• ") + line;
    return text;
}

} // namespace accord::ui
