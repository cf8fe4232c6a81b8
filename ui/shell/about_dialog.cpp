#include "accord/ui/shell/about_dialog.h"

#include "accord/ui/shell/studio_info.h"

#include <QDialogButtonBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QVBoxLayout>
#include <QtGlobal>

namespace accord::ui {

namespace {
constexpr int kIconSize = 96;
}

QString aboutText(const QString& registryPath) {
    const accord::models::RuntimeInfo& runtime = modelRuntime();
    const QString registry =
        registryPath.isEmpty() ? QObject::tr("none open") : registryPath.toHtmlEscaped();
    return QObject::tr("<h2>%1 %2</h2>"
                       "<p>%3.</p>"
                       "<p>Nothing is trained on, generated from, exported or shared unless "
                       "its rights holders opted in; every file that leaves the studio "
                       "carries its proof.</p>"
                       "<table>"
                       "<tr><td>Qt</td><td>%4 (built with %5)</td></tr>"
                       "<tr><td>LibTorch&nbsp;&nbsp;</td><td>%6, %7 threads</td></tr>"
                       "<tr><td>BLAS</td><td>%8%9</td></tr>"
                       "<tr><td>Registry</td><td>%10</td></tr>"
                       "</table>")
        .arg(applicationName(), applicationVersion(), applicationDescription(),
             QString::fromLatin1(qVersion()), QStringLiteral(QT_VERSION_STR),
             QString::fromStdString(runtime.torchVersion), QString::number(runtime.threads),
             QString::fromStdString(runtime.blas).toHtmlEscaped(),
             runtime.optimisedBlas ? QString()
                                   : QObject::tr(" — not optimised: install libopenblas0-pthread"),
             registry);
}

AboutDialog::AboutDialog(const QString& registryPath, QWidget* parent)
    : QDialog(parent), text_(new QLabel(this)) {
    setObjectName(QStringLiteral("aboutDialog"));
    setWindowTitle(tr("About %1").arg(applicationName()));

    auto* icon = new QLabel(this);
    icon->setObjectName(QStringLiteral("aboutIcon"));
    icon->setPixmap(applicationIcon().pixmap(kIconSize, kIconSize));
    icon->setAlignment(Qt::AlignTop);

    text_->setObjectName(QStringLiteral("aboutText"));
    text_->setTextFormat(Qt::RichText);
    text_->setWordWrap(true);
    text_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    text_->setText(aboutText(registryPath));
    text_->setMinimumWidth(420);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto* row = new QHBoxLayout;
    row->addWidget(icon);
    row->addSpacing(12);
    row->addWidget(text_, 1);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(row);
    layout->addWidget(buttons);
}

QString AboutDialog::text() const {
    return text_->text();
}

} // namespace accord::ui
