#include "accord/ui/sharing/share_dialog.h"

#include "accord/core/registry.h"
#include "accord/ui/common/labels.h"
#include "accord/ui/shell/registry_session.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateEdit>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

#include <map>
#include <set>

namespace accord::ui {

ShareDialog::ShareDialog(RegistrySession* session, const Model& model, QWidget* parent)
    : QDialog(parent), session_(session), model_(model), recipientKind_(new QComboBox(this)),
      holder_(new QComboBox(this)), key_(new QLineEdit(this)), keyName_(new QLineEdit(this)),
      commercial_(new QCheckBox(tr("Allow commercial releases"), this)),
      expiresEnabled_(new QCheckBox(tr("Until"), this)), expires_(new QDateEdit(this)),
      out_(new QLineEdit(this)), terms_(new QLabel(this)), decisionLabel_(new QLabel(this)) {
    setObjectName(QStringLiteral("shareDialog"));
    setMinimumWidth(560);
    const ConsentGraph& graph = session_->registry()->consentGraph();
    setWindowTitle(
        tr("Share %1's model %2").arg(holderName(graph, model_.owner), fromStd(model_.id)));
    recipientKind_->setObjectName(QStringLiteral("shareRecipientKind"));
    recipientKind_->addItem(tr("A rights holder in this studio"));
    recipientKind_->addItem(tr("Someone in another studio (their public key)"));
    recipientKind_->addItem(tr("Anyone who has the pack"));
    holder_->setObjectName(QStringLiteral("shareHolder"));
    for (const Holder& h : session_->registry()->holders())
        if (h.id != model_.owner)
            holder_->addItem(holderLabel(h), fromStd(h.id));
    key_->setObjectName(QStringLiteral("shareKey"));
    key_->setPlaceholderText(tr("64 hexadecimal digits, from their studio's holder list"));
    keyName_->setObjectName(QStringLiteral("shareKeyName"));
    keyName_->setPlaceholderText(tr("what to call them here"));
    commercial_->setObjectName(QStringLiteral("shareCommercial"));
    expiresEnabled_->setObjectName(QStringLiteral("shareExpiresEnabled"));
    expires_->setObjectName(QStringLiteral("shareExpires"));
    expires_->setCalendarPopup(true);
    expires_->setDisplayFormat(QStringLiteral("yyyy-MM-dd"));
    expires_->setMinimumDate(QDate::currentDate().addDays(1));
    expires_->setDate(QDate::currentDate().addYears(1));
    expires_->setEnabled(false);
    out_->setObjectName(QStringLiteral("shareOut"));
    out_->setText(QFileInfo(fromStd(model_.file)).absolutePath() + QStringLiteral("/") +
                  QFileInfo(fromStd(model_.file)).completeBaseName() +
                  QStringLiteral(".accordpack"));
    auto* browse = new QPushButton(tr("Choose…"), this);
    terms_->setObjectName(QStringLiteral("shareTerms"));
    terms_->setWordWrap(true);
    decisionLabel_->setObjectName(QStringLiteral("shareDecision"));
    decisionLabel_->setWordWrap(true);
    decisionLabel_->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    shareButton_ = buttons->addButton(tr("Share"), QDialogButtonBox::AcceptRole);
    shareButton_->setObjectName(QStringLiteral("shareButton"));

    auto* keyRow = new QHBoxLayout;
    keyRow->addWidget(key_, 3);
    keyRow->addWidget(keyName_, 1);
    auto* expiry = new QHBoxLayout;
    expiry->addWidget(expiresEnabled_);
    expiry->addWidget(expires_);
    expiry->addStretch(1);
    auto* file = new QHBoxLayout;
    file->addWidget(out_, 1);
    file->addWidget(browse);
    auto* form = new QFormLayout;
    form->addRow(tr("With"), recipientKind_);
    form->addRow(tr("Holder"), holder_);
    form->addRow(tr("Public key"), keyRow);
    form->addRow(QString(), commercial_);
    form->addRow(tr("Expires"), expiry);
    form->addRow(tr("Pack file"), file);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(terms_);
    layout->addWidget(decisionLabel_);
    layout->addWidget(buttons);

    auto changed = [this] {
        const auto kind = static_cast<Recipient>(recipientKind_->currentIndex());
        holder_->setEnabled(kind == Recipient::Holder);
        key_->setEnabled(kind == Recipient::Key);
        keyName_->setEnabled(kind == Recipient::Key);
        expires_->setEnabled(expiresEnabled_->isChecked());
        judge();
    };
    connect(recipientKind_, &QComboBox::currentIndexChanged, this, changed);
    connect(holder_, &QComboBox::currentIndexChanged, this, changed);
    connect(key_, &QLineEdit::textChanged, this, changed);
    connect(keyName_, &QLineEdit::textChanged, this, changed);
    connect(commercial_, &QCheckBox::toggled, this, changed);
    connect(expiresEnabled_, &QCheckBox::toggled, this, changed);
    connect(expires_, &QDateEdit::dateChanged, this, changed);
    connect(out_, &QLineEdit::textChanged, this, changed);
    connect(browse, &QPushButton::clicked, this, &ShareDialog::chooseFile);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(shareButton_, &QPushButton::clicked, this, [this] {
        if (share())
            accept();
    });
    if (holder_->count() == 0)
        recipientKind_->setCurrentIndex(static_cast<int>(Recipient::Key));
    changed();
}

workflows::ShareRequest ShareDialog::request() const {
    workflows::ShareRequest r;
    r.modelFile = model_.file;
    switch (static_cast<Recipient>(recipientKind_->currentIndex())) {
    case Recipient::Holder:
        if (holder_->currentIndex() >= 0)
            r.to = holder_->currentData().toString().toStdString();
        break;
    case Recipient::Key:
        r.to = key_->text().trimmed().toStdString();
        r.toName = keyName_->text().trimmed().toStdString();
        break;
    case Recipient::Anyone:
        break;
    }
    r.commercial = commercial_->isChecked();
    if (expiresEnabled_->isChecked())
        r.expires = QDateTime(expires_->date(), QTime(0, 0), Qt::UTC).toSecsSinceEpoch();
    r.out = out_->text().trimmed().toStdString();
    return r;
}

void ShareDialog::judge() {
    const Registry* registry = session_->registry();
    const workflows::ShareRequest r = request();
    const auto kind = static_cast<Recipient>(recipientKind_->currentIndex());
    const bool recipientGiven = kind == Recipient::Anyone || (r.to && !r.to->empty());
    try {
        decision_ = workflows::judgeShare(*registry, r);
    } catch (const std::exception& error) {
        decision_ = {};
        terms_->clear();
        decisionLabel_->setText(tr("This model cannot be shared: %1").arg(fromStd(error.what())));
        shareButton_->setEnabled(false);
        return;
    }
    const ConsentGraph& graph = registry->consentGraph();
    QString who = tr("anyone who has the pack");
    if (kind == Recipient::Holder && r.to)
        who = holderLabel(graph, *r.to);
    else if (kind == Recipient::Key)
        who = keyName_->text().trimmed().isEmpty() ? tr("the holder of that key")
                                                   : keyName_->text().trimmed();
    // What each holder's share grant says, once per holder.
    std::map<std::string, const Grant*> termsByHolder;
    for (const auto& relied : decision_.relied)
        termsByHolder.emplace(graph.grants.at(relied.grant).holder, &graph.grants.at(relied.grant));
    QStringList pays;
    for (const auto& [holder, grant] : termsByHolder)
        pays << tr("%1 receives %2% of every re-sung part (%3%4)")
                    .arg(holderName(graph, holder))
                    .arg(grant->terms.sharePercent)
                    .arg(fromStd(grant->id))
                    .arg(grant->terms.licence.empty()
                             ? QString()
                             : tr(", licence %1").arg(fromStd(grant->terms.licence)));
    terms_->setText(
        tr("%1 may sing and play with this model and export what they make, %2, %3. %4. The pack "
           "carries the model and the signed grants; the recordings it was trained on stay "
           "here, named by their content only.")
            .arg(who,
                 commercial_->isChecked() ? tr("commercial releases included")
                                          : tr("not for commercial releases"),
                 expiresEnabled_->isChecked()
                     ? tr("until %1").arg(expires_->date().toString(Qt::ISODate))
                     : tr("until the grants are revoked or expire"),
                 pays.isEmpty() ? tr("No share grant of the owners allows this yet")
                                : pays.join(QStringLiteral("; "))));
    if (decision_.allowed)
        decisionLabel_->setText(tr("Allowed: every owner of the recordings it was trained on "
                                   "allows sharing on these terms."));
    else {
        QStringList reasons = missingGrantReasons(decision_);
        reasons.removeDuplicates(); // one grant covering several recordings says it once
        decisionLabel_->setText(tr("Refused. %1").arg(reasons.join(QStringLiteral("; "))));
    }
    shareButton_->setEnabled(decision_.allowed && recipientGiven && !r.out.empty());
}

bool ShareDialog::share() {
    shared_.reset();
    try {
        shared_ = workflows::shareModel(*session_->registry(), request());
    } catch (const std::exception& error) {
        session_->reportError(tr("The model was not shared"), error);
        judge();
        return false;
    }
    session_->notifyChanged();
    return true;
}

void ShareDialog::chooseFile() {
    const QString path = QFileDialog::getSaveFileName(this, tr("Save the model pack"), out_->text(),
                                                      tr("Model packs (*.accordpack)"));
    if (!path.isEmpty())
        out_->setText(path);
}

} // namespace accord::ui
