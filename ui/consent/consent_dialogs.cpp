#include "accord/ui/consent/consent_dialogs.h"

#include "accord/workflows/grant_edit.h"

#include "accord/core/errors.h"
#include "accord/core/policy.h"
#include "accord/core/registry.h"
#include "accord/core/time.h"
#include "accord/ui/common/labels.h"
#include "accord/ui/common/palette.h"
#include "accord/ui/shell/registry_session.h"

#include <QButtonGroup>
#include <QCheckBox>
#include <QComboBox>
#include <QDateEdit>
#include <QDateTime>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QVBoxLayout>

#include <functional>

namespace accord::ui {

namespace {

const char* const kErrorStyle = "color: @denied;";

QLabel* makeErrorLabel(QWidget* parent) {
    auto* label = new QLabel(parent);
    label->setObjectName(QStringLiteral("dialogError"));
    label->setWordWrap(true);
    label->setStyleSheet(palette::styleSheet(QString::fromLatin1(kErrorStyle)));
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    label->hide();
    return label;
}

void showProblem(QLabel* label, const QString& text) {
    label->setText(text);
    label->setVisible(!text.isEmpty());
}

// A change a dialog makes to the open registry, then closes with: shown in `error` instead when
// no registry is open, when `change` names a problem (its answer) or when it throws (after
// `failed`, whose last %n takes the error); done, the session hears of it.
void acceptChange(QDialog* dialog, RegistrySession* session, QLabel* error, const QString& failed,
                  const std::function<QString(Registry&)>& change) {
    Registry* registry = session->registry();
    if (registry == nullptr) {
        showProblem(error, QDialog::tr("No registry is open."));
        return;
    }
    try {
        if (const QString problem = change(*registry); !problem.isEmpty()) {
            showProblem(error, problem);
            return;
        }
    } catch (const std::exception& thrown) {
        showProblem(error, failed.arg(QString::fromStdString(thrown.what())));
        return;
    }
    session->notifyChanged();
    dialog->QDialog::accept();
}

// "Front_Center.wav (0:04, a-1)": in a list of one holder's recordings, the length helps to tell
// takes apart.
QString assetWithLength(const Asset& asset) {
    QString name = QFileInfo(fromStd(asset.path)).fileName();
    if (name.isEmpty())
        name = fromStd(asset.id);
    return QObject::tr("%1 (%2, %3)")
        .arg(name, formatMinutesSeconds(asset.durationSeconds), fromStd(asset.id));
}

} // namespace

QString scopeDescription(Scope scope) {
    switch (scope) {
    case Scope::TrainVoice:
        return QObject::tr("Train voice models (train-voice)");
    case Scope::TrainStyle:
        return QObject::tr("Train style models (train-style)");
    case Scope::Generate:
        return QObject::tr("Generate with models trained on it (generate)");
    case Scope::Export:
        return QObject::tr("Export audio made from it (export)");
    case Scope::Share:
        return QObject::tr("Share models trained on it with other studios (share)");
    }
    return QString::fromStdString(scopeName(scope));
}

// ---- HolderDialog ---------------------------------------------------------------------------

HolderDialog::HolderDialog(RegistrySession* session, QWidget* parent)
    : QDialog(parent), session_(session), name_(new QLineEdit(this)), ipi_(new QLineEdit(this)),
      error_(makeErrorLabel(this)) {
    setObjectName(QStringLiteral("holderDialog"));
    setWindowTitle(tr("Add Rights Holder"));
    name_->setObjectName(QStringLiteral("holderName"));
    ipi_->setObjectName(QStringLiteral("holderIpi"));
    name_->setPlaceholderText(tr("Artist, label or producer"));
    ipi_->setPlaceholderText(tr("Optional: 9 to 11 digits"));

    auto* intro = new QLabel(tr("A rights holder owns recordings and decides what may be done "
                                "with them. Accord creates a signing key for them that never "
                                "leaves this computer."),
                             this);
    intro->setWordWrap(true);
    auto* form = new QFormLayout;
    form->addRow(tr("Name:"), name_);
    form->addRow(tr("IPI number:"), ipi_);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    ok_ = buttons->button(QDialogButtonBox::Ok);
    ok_->setText(tr("Add Holder"));
    ok_->setEnabled(false);
    connect(buttons, &QDialogButtonBox::accepted, this, &HolderDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(name_, &QLineEdit::textChanged, this,
            [this](const QString& text) { ok_->setEnabled(!text.trimmed().isEmpty()); });

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addLayout(form);
    layout->addWidget(error_);
    layout->addWidget(buttons);
    setMinimumWidth(420);
}

void HolderDialog::accept() {
    acceptChange(this, session_, error_, tr("Could not add the holder: %1"),
                 [this](Registry& registry) {
                     const Holder holder = registry.addHolder(name_->text().trimmed().toStdString(),
                                                              ipi_->text().trimmed().toStdString());
                     added_ = QString::fromStdString(holder.id);
                     return QString();
                 });
}

// ---- GrantDialog ----------------------------------------------------------------------------

GrantDialog::GrantDialog(RegistrySession* session, const QString& holder, const QString& asset,
                         QWidget* parent)
    : QDialog(parent), session_(session), holder_(new QComboBox(this)), scope_(new QComboBox(this)),
      oneAsset_(new QRadioButton(tr("One asset:"), this)),
      allAssets_(new QRadioButton(tr("Every asset of this holder"), this)),
      asset_(new QComboBox(this)), anyone_(new QRadioButton(tr("Anyone in this studio"), this)),
      oneGrantee_(new QRadioButton(tr("Only:"), this)), grantee_(new QComboBox(this)),
      share_(new QDoubleSpinBox(this)),
      commercial_(new QCheckBox(tr("Commercial use allowed"), this)),
      expires_(new QCheckBox(tr("Ends on"), this)), expiry_(new QDateEdit(this)),
      licence_(new QLineEdit(this)), attribution_(new QLineEdit(this)), preview_(new QLabel(this)),
      error_(makeErrorLabel(this)) {
    setObjectName(QStringLiteral("grantDialog"));
    setWindowTitle(tr("Add Grant"));
    holder_->setObjectName(QStringLiteral("grantHolder"));
    scope_->setObjectName(QStringLiteral("grantScope"));
    oneAsset_->setObjectName(QStringLiteral("grantOneAsset"));
    allAssets_->setObjectName(QStringLiteral("grantAllAssets"));
    asset_->setObjectName(QStringLiteral("grantAsset"));
    anyone_->setObjectName(QStringLiteral("grantAnyone"));
    oneGrantee_->setObjectName(QStringLiteral("grantOneGrantee"));
    grantee_->setObjectName(QStringLiteral("grantGrantee"));
    share_->setObjectName(QStringLiteral("grantShare"));
    commercial_->setObjectName(QStringLiteral("grantCommercial"));
    expires_->setObjectName(QStringLiteral("grantExpires"));
    expiry_->setObjectName(QStringLiteral("grantExpiry"));
    licence_->setObjectName(QStringLiteral("grantLicence"));
    attribution_->setObjectName(QStringLiteral("grantAttribution"));
    preview_->setObjectName(QStringLiteral("grantPreview"));
    preview_->setWordWrap(true);
    QFont previewFont = preview_->font();
    previewFont.setBold(true);
    preview_->setFont(previewFont);
    preview_->setAlignment(Qt::AlignLeft | Qt::AlignTop);
    preview_->setMinimumHeight(QFontMetrics(previewFont).lineSpacing() * 4 + 4);

    if (const Registry* registry = session_->registry()) {
        try {
            for (const Holder& h : registry->holders()) {
                holder_->addItem(QString::fromStdString(h.name), QString::fromStdString(h.id));
                grantee_->addItem(QString::fromStdString(h.name), QString::fromStdString(h.id));
            }
        } catch (const std::exception& error) {
            showProblem(error_, QString::fromStdString(error.what()));
        }
    }
    for (Scope scope : allScopes())
        scope_->addItem(scopeDescription(scope), QString::fromStdString(scopeName(scope)));
    if (const int index = holder_->findData(holder); index >= 0)
        holder_->setCurrentIndex(index);

    share_->setRange(0, 100);
    share_->setDecimals(2);
    share_->setSuffix(tr(" %"));
    share_->setToolTip(tr("The holder's royalty share in what is made from the asset"));
    expiry_->setCalendarPopup(true);
    expiry_->setDisplayFormat(QStringLiteral("yyyy-MM-dd"));
    expiry_->setMinimumDate(QDate::currentDate().addDays(1));
    expiry_->setDate(QDate::currentDate().addYears(1));
    expiry_->setEnabled(false);
    expiry_->setToolTip(tr("The grant allows nothing from midnight (UTC) at the start of this "
                           "day"));
    licence_->setPlaceholderText(tr("SPDX id (CC-BY-4.0) or licence text"));
    attribution_->setPlaceholderText(tr("Credit line, e.g. \"Vocals: Ada Lovelace\""));

    auto* appliesGroup = new QButtonGroup(this);
    appliesGroup->addButton(oneAsset_);
    appliesGroup->addButton(allAssets_);
    auto* forGroup = new QButtonGroup(this);
    forGroup->addButton(anyone_);
    forGroup->addButton(oneGrantee_);
    oneAsset_->setChecked(true);
    anyone_->setChecked(true);
    grantee_->setEnabled(false);

    fillAssets();
    if (const int index = asset_->findData(asset); index >= 0)
        asset_->setCurrentIndex(index);

    auto* assetRow = new QHBoxLayout;
    assetRow->addWidget(oneAsset_);
    assetRow->addWidget(asset_, 1);
    auto* appliesBox = new QVBoxLayout;
    appliesBox->addLayout(assetRow);
    appliesBox->addWidget(allAssets_);
    auto* granteeRow = new QHBoxLayout;
    granteeRow->addWidget(oneGrantee_);
    granteeRow->addWidget(grantee_, 1);
    auto* forBox = new QVBoxLayout;
    forBox->addWidget(anyone_);
    forBox->addLayout(granteeRow);
    auto* expiryRow = new QHBoxLayout;
    expiryRow->addWidget(expires_);
    expiryRow->addWidget(expiry_, 1);

    auto* form = new QFormLayout;
    form->addRow(tr("Holder:"), holder_);
    form->addRow(tr("Allows:"), scope_);
    form->addRow(tr("On:"), appliesBox);
    form->addRow(tr("For:"), forBox);
    form->addRow(tr("Royalty share:"), share_);
    form->addRow(QString(), commercial_);
    form->addRow(tr("Expiry:"), expiryRow);
    form->addRow(tr("Licence:"), licence_);
    form->addRow(tr("Attribution:"), attribution_);

    auto* previewBox = new QGroupBox(tr("In plain words"), this);
    auto* previewLayout = new QVBoxLayout(previewBox);
    previewLayout->addWidget(preview_);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    ok_ = buttons->button(QDialogButtonBox::Ok);
    ok_->setText(tr("Add Grant"));
    connect(buttons, &QDialogButtonBox::accepted, this, &GrantDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(previewBox);
    layout->addWidget(error_);
    layout->addWidget(buttons);
    setMinimumWidth(560);

    connect(holder_, qOverload<int>(&QComboBox::currentIndexChanged), this, [this] {
        fillAssets();
        updatePreview();
    });
    for (QComboBox* box : {scope_, asset_, grantee_})
        connect(box, qOverload<int>(&QComboBox::currentIndexChanged), this,
                &GrantDialog::updatePreview);
    for (QRadioButton* radio : {oneAsset_, allAssets_, anyone_, oneGrantee_})
        connect(radio, &QRadioButton::toggled, this, [this] {
            asset_->setEnabled(oneAsset_->isChecked());
            grantee_->setEnabled(oneGrantee_->isChecked());
            updatePreview();
        });
    connect(share_, qOverload<double>(&QDoubleSpinBox::valueChanged), this,
            &GrantDialog::updatePreview);
    connect(commercial_, &QCheckBox::toggled, this, &GrantDialog::updatePreview);
    connect(expires_, &QCheckBox::toggled, this, [this](bool on) {
        expiry_->setEnabled(on);
        updatePreview();
    });
    connect(expiry_, &QDateEdit::dateChanged, this, &GrantDialog::updatePreview);
    connect(licence_, &QLineEdit::textChanged, this, &GrantDialog::updatePreview);
    connect(attribution_, &QLineEdit::textChanged, this, &GrantDialog::updatePreview);
    updatePreview();
}

void GrantDialog::prefill(const QString& scope, bool commercial, const QString& grantee) {
    if (const int index = scope_->findData(scope); index >= 0)
        scope_->setCurrentIndex(index);
    commercial_->setChecked(commercial);
    const int granteeIndex = grantee.isEmpty() ? -1 : grantee_->findData(grantee);
    if (granteeIndex >= 0) {
        grantee_->setCurrentIndex(granteeIndex);
        oneGrantee_->setChecked(true);
    } else {
        anyone_->setChecked(true);
    }
    updatePreview();
}

void GrantDialog::editing(const Grant& grant) {
    replaced_ = QString::fromStdString(grant.id);
    setWindowTitle(tr("Change Grant"));
    ok_->setText(tr("Save Change"));
    if (const int index = holder_->findData(QString::fromStdString(grant.holder)); index >= 0)
        holder_->setCurrentIndex(index);
    holder_->setEnabled(false); // a grant is its holder's word: another holder gives their own
    if (grant.asset) {
        oneAsset_->setChecked(true);
        if (const int index = asset_->findData(QString::fromStdString(*grant.asset)); index >= 0)
            asset_->setCurrentIndex(index);
    } else {
        allAssets_->setChecked(true);
    }
    share_->setValue(grant.terms.sharePercent);
    expires_->setChecked(grant.terms.expiresAt.has_value());
    if (grant.terms.expiresAt)
        expiry_->setDate(QDateTime::fromSecsSinceEpoch(*grant.terms.expiresAt, Qt::UTC).date());
    licence_->setText(QString::fromStdString(grant.terms.licence));
    attribution_->setText(QString::fromStdString(grant.terms.attribution));
    prefill(QString::fromStdString(scopeName(grant.scope)), grant.terms.commercial,
            QString::fromStdString(grant.grantee.value_or("")));
}

void GrantDialog::fillAssets() {
    asset_->clear();
    const QString holder = holder_->currentData().toString();
    if (const Registry* registry = session_->registry()) {
        try {
            for (const Asset& a : registry->assets())
                if (QString::fromStdString(a.owner) == holder)
                    asset_->addItem(assetWithLength(a), fromStd(a.id));
        } catch (const std::exception& error) {
            showProblem(error_, QString::fromStdString(error.what()));
        }
    }
    const bool none = asset_->count() == 0;
    if (none) {
        asset_->addItem(tr("(this holder has no assets yet)"));
        allAssets_->setChecked(true);
    }
    oneAsset_->setEnabled(!none);
    asset_->setEnabled(!none && oneAsset_->isChecked());
}

std::optional<Grant> GrantDialog::draft(QString* problem) const {
    Grant grant;
    grant.holder = holder_->currentData().toString().toStdString();
    if (grant.holder.empty()) {
        *problem = tr("Choose the rights holder who gives the grant (add one first if the list "
                      "is empty).");
        return std::nullopt;
    }
    grant.scope = parseScope(scope_->currentData().toString().toStdString());
    if (oneAsset_->isChecked()) {
        const QString asset = asset_->currentData().toString();
        if (asset.isEmpty()) {
            *problem = tr("Choose the asset the grant is for, or every asset of the holder.");
            return std::nullopt;
        }
        grant.asset = asset.toStdString();
    }
    if (oneGrantee_->isChecked()) {
        const QString grantee = grantee_->currentData().toString();
        if (grantee.isEmpty()) {
            *problem = tr("Choose who the grant is for.");
            return std::nullopt;
        }
        grant.grantee = grantee.toStdString();
    }
    grant.terms.sharePercent = share_->value();
    grant.terms.commercial = commercial_->isChecked();
    grant.terms.licence = licence_->text().trimmed().toStdString();
    grant.terms.attribution = attribution_->text().trimmed().toStdString();
    if (expires_->isChecked()) {
        const std::string date =
            expiry_->date().toString(QStringLiteral("yyyy-MM-dd")).toStdString();
        grant.terms.expiresAt = parseIsoTime(date, "expiry");
        if (*grant.terms.expiresAt <= currentTime()) {
            *problem = tr("The expiry %1 is already past; a grant must end later.")
                           .arg(QString::fromStdString(date));
            return std::nullopt;
        }
    }
    grant.createdAt = currentTime();
    return grant;
}

void GrantDialog::updatePreview() {
    QString problem;
    std::optional<Grant> grant;
    try {
        grant = draft(&problem);
    } catch (const std::exception& error) {
        problem = QString::fromStdString(error.what());
    }
    const Registry* registry = session_->registry();
    if (!grant || registry == nullptr) {
        preview_->setText(problem.isEmpty() ? tr("No registry is open.") : problem);
        ok_->setEnabled(false);
        return;
    }
    try {
        grant->id = "g-new";
        QString text =
            QString::fromStdString(describeGrant(registry->consentGraph(), *grant, currentTime()));
        if (!grant->terms.attribution.empty())
            text += tr(".\nCredit: %1").arg(QString::fromStdString(grant->terms.attribution));
        preview_->setText(text);
        ok_->setEnabled(true);
    } catch (const std::exception& error) {
        preview_->setText(QString::fromStdString(error.what()));
        ok_->setEnabled(false);
    }
}

void GrantDialog::accept() {
    acceptChange(this, session_, error_, tr("Could not add the grant: %1"),
                 [this](Registry& registry) {
                     QString problem;
                     const std::optional<Grant> grant = draft(&problem);
                     if (!grant)
                         return problem;
                     NewGrant request;
                     request.holder = grant->holder;
                     request.scope = grant->scope;
                     request.asset = grant->asset;
                     request.grantee = grant->grantee;
                     request.terms = grant->terms;
                     const Grant added =
                         replaced_.isEmpty()
                             ? registry.addGrant(request)
                             : workflows::editGrant(registry, replaced_.toStdString(), request);
                     added_ = QString::fromStdString(added.id);
                     return QString();
                 });
}

// ---- RevokeDialog ---------------------------------------------------------------------------

RevokeDialog::RevokeDialog(RegistrySession* session, const QString& grantId, QWidget* parent)
    : QDialog(parent), session_(session), grantId_(grantId), description_(new QLabel(this)),
      reason_(new QPlainTextEdit(this)), error_(makeErrorLabel(this)) {
    setObjectName(QStringLiteral("revokeDialog"));
    setWindowTitle(tr("Revoke Grant %1").arg(grantId));
    description_->setObjectName(QStringLiteral("revokeDescription"));
    description_->setWordWrap(true);
    QFont bold = description_->font();
    bold.setBold(true);
    description_->setFont(bold);
    reason_->setObjectName(QStringLiteral("revokeReason"));
    reason_->setPlaceholderText(tr("Why (kept in the registry and its audit log)"));
    reason_->setMaximumHeight(90);

    if (const Registry* registry = session_->registry()) {
        try {
            if (const auto grant = registry->grant(grantId.toStdString()))
                description_->setText(QString::fromStdString(
                    describeGrant(registry->consentGraph(), *grant, currentTime())));
            else
                showProblem(error_, tr("There is no grant %1.").arg(grantId));
        } catch (const std::exception& error) {
            showProblem(error_, QString::fromStdString(error.what()));
        }
    }
    auto* consequence = new QLabel(
        tr("Revoking takes effect at once for everything done from now on: nothing more may be "
           "trained, generated, exported or shared under this grant, and models trained under it "
           "are marked source-revoked. Files already exported stay as they are. A grant is "
           "never deleted: the revocation is recorded."),
        this);
    consequence->setWordWrap(true);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    ok_ = buttons->button(QDialogButtonBox::Ok);
    ok_->setText(tr("Revoke"));
    ok_->setObjectName(QStringLiteral("revokeButton"));
    connect(buttons, &QDialogButtonBox::accepted, this, &RevokeDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(description_);
    layout->addWidget(consequence);
    layout->addWidget(new QLabel(tr("Reason:"), this));
    layout->addWidget(reason_);
    layout->addWidget(error_);
    layout->addWidget(buttons);
    setMinimumWidth(480);
}

void RevokeDialog::accept() {
    acceptChange(this, session_, error_, tr("Could not revoke %1: %2").arg(grantId_),
                 [this](Registry& registry) {
                     registry.revokeGrant(grantId_.toStdString(),
                                          reason_->toPlainText().trimmed().toStdString());
                     return QString();
                 });
}

} // namespace accord::ui
