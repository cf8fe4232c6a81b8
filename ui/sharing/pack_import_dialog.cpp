#include "accord/ui/sharing/pack_import_dialog.h"

#include "accord/core/registry.h"
#include "accord/ui/common/labels.h"
#include "accord/ui/shell/registry_session.h"

#include <QDialogButtonBox>
#include <QFileInfo>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

#include <algorithm>
#include <vector>

namespace accord::ui {

QString describePack(const workflows::PackContents& c) {
    QString whom;
    if (!c.recipientKey)
        whom = QObject::tr("anyone who has the pack");
    else if (c.recipientHere)
        whom = QObject::tr("%1 only (%2 here)")
                   .arg(fromStd(c.recipientName), fromStd(c.recipientHere->id));
    else
        whom = QObject::tr("%1 only, who is not a rights holder in this studio: nobody here may "
                           "use it")
                   .arg(fromStd(c.recipientName));
    QString text = QObject::tr("A %1 model of %2, for %3, trained on %4.")
                       .arg(fromStd(c.modelKind), fromStd(c.modelOwnerName), whom,
                            counted(static_cast<int>(c.trainingRecordings),
                                    QObject::tr("1 recording"), QObject::tr("%1 recordings")));
    // One line per holder and terms: the pack holds a grant per recording and scope.
    std::vector<QString> lines;
    for (const auto& use : c.uses) {
        std::vector<std::string> scopes;
        for (const auto& other : c.uses)
            if (other.holderKey == use.holderKey && other.sharePercent == use.sharePercent &&
                other.commercial == use.commercial && other.expires == use.expires &&
                std::find(scopes.begin(), scopes.end(), scopeName(other.scope)) == scopes.end())
                scopes.push_back(scopeName(other.scope));
        const QString line =
            QObject::tr("%1 allows %2; %3 receives %4% of every re-sung part; %5; %6")
                .arg(fromStd(use.holderName),
                     scopes.size() > 1 ? QObject::tr("singing and playing with it and exporting "
                                                     "what is made")
                                       : fromStd(scopes.front()),
                     fromStd(use.holderName))
                .arg(use.sharePercent)
                .arg(use.commercial ? QObject::tr("commercial releases included")
                                    : QObject::tr("not for commercial releases"),
                     use.expires ? QObject::tr("until %1").arg(fromStd(formatIsoDate(*use.expires)))
                                 : QObject::tr("until revoked"));
        if (std::find(lines.begin(), lines.end(), line) == lines.end())
            lines.push_back(line);
    }
    for (const auto& line : lines)
        text += QStringLiteral("\n• ") + line;
    return text;
}

QString describeRevocations(const workflows::RevocationsApplied& applied) {
    QString text = QObject::tr("%1 read: %2 applied here, %3 already revoked, %4 about grants this "
                               "studio never received.")
                       .arg(counted(static_cast<int>(applied.read), QObject::tr("1 revocation"),
                                    QObject::tr("%1 revocations")))
                       .arg(applied.revoked.size())
                       .arg(applied.alreadyRevoked)
                       .arg(applied.notHere);
    for (const auto& model : applied.sourceRevoked)
        text += QObject::tr("\nModel %1 is now source-revoked: it can no longer generate.")
                    .arg(fromStd(model));
    return text;
}

PackImportDialog::PackImportDialog(RegistrySession* session, const QString& packFile,
                                   QWidget* parent)
    : QDialog(parent), session_(session), packFile_(packFile), summary_(new QLabel(this)) {
    setObjectName(QStringLiteral("packImportDialog"));
    setMinimumWidth(560);
    setWindowTitle(tr("Model pack %1").arg(QFileInfo(packFile).fileName()));
    summary_->setObjectName(QStringLiteral("packSummary"));
    summary_->setWordWrap(true);
    summary_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    importButton_ = buttons->addButton(tr("Import"), QDialogButtonBox::AcceptRole);
    importButton_->setObjectName(QStringLiteral("packImportButton"));
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(summary_, 1);
    layout->addWidget(buttons);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(importButton_, &QPushButton::clicked, this, [this] {
        if (importPack())
            accept();
    });

    try {
        contents_ = workflows::inspectPack(*session_->registry(), packFile.toStdString());
    } catch (const std::exception& error) {
        summary_->setText(tr("This pack cannot be imported.\n%1").arg(fromStd(error.what())));
        importButton_->setEnabled(false);
        return;
    }
    QString text = tr("Every signature and hash holds.\n") + describePack(*contents_);
    if (contents_->importedBefore)
        text += tr("\nAlready imported as %1.").arg(fromStd(contents_->importedBefore->id));
    summary_->setText(text);
    importButton_->setEnabled(!contents_->importedBefore);
}

bool PackImportDialog::importPack() {
    try {
        imported_ = workflows::importPack(*session_->registry(), packFile_.toStdString());
    } catch (const std::exception& error) {
        session_->reportError(tr("The pack was not imported"), error);
        return false;
    }
    session_->notifyChanged();
    return true;
}

} // namespace accord::ui
