#pragma once

// The dialogs that change the consent registry (docs/ARCHITECTURE.md "Consent registry"). They call
// the same core API as accord-cli (Registry::addHolder, addGrant, revokeGrant), show failures
// plainly inside the dialog (it stays open to be corrected), and tell the session so every table
// reloads.

#include "accord/core/consent.h"

#include <QDialog>

#include <optional>
#include <string>

class QCheckBox;
class QComboBox;
class QDateEdit;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QRadioButton;

namespace accord::ui {

class RegistrySession;

// A plain-language line for a scope: "train voice models (train-voice)".
QString scopeDescription(accord::Scope scope);

class HolderDialog : public QDialog {
    Q_OBJECT

public:
    explicit HolderDialog(RegistrySession* session, QWidget* parent = nullptr);

    QLineEdit* nameEdit() const { return name_; }
    QLineEdit* ipiEdit() const { return ipi_; }
    QLabel* errorLabel() const { return error_; }
    QString addedHolder() const { return added_; }

    void accept() override;

private:
    RegistrySession* session_;
    QLineEdit* name_;
    QLineEdit* ipi_;
    QLabel* error_;
    QPushButton* ok_ = nullptr;
    QString added_;
};

class GrantDialog : public QDialog {
    Q_OBJECT

public:
    // `holder` and `asset` preselect (e.g. the rows selected in the consent panel).
    GrantDialog(RegistrySession* session, const QString& holder = {}, const QString& asset = {},
                QWidget* parent = nullptr);

    QComboBox* holderBox() const { return holder_; }
    QComboBox* scopeBox() const { return scope_; }
    QRadioButton* oneAssetButton() const { return oneAsset_; }
    QRadioButton* allAssetsButton() const { return allAssets_; }
    QComboBox* assetBox() const { return asset_; }
    QRadioButton* anyoneButton() const { return anyone_; }
    QRadioButton* granteeButton() const { return oneGrantee_; }
    QComboBox* granteeBox() const { return grantee_; }
    QDoubleSpinBox* shareSpin() const { return share_; }
    QCheckBox* commercialCheck() const { return commercial_; }
    QCheckBox* expiresCheck() const { return expires_; }
    QDateEdit* expiryEdit() const { return expiry_; }
    QLineEdit* licenceEdit() const { return licence_; }
    QLineEdit* attributionEdit() const { return attribution_; }
    QLabel* previewLabel() const { return preview_; }
    QLabel* errorLabel() const { return error_; }
    QString addedGrant() const { return added_; }
    // Fills the form for what a denial asked: `scope` (its name), commercial or not, and to
    // `grantee` (a holder id; empty: anyone in this studio).
    void prefill(const QString& scope, bool commercial, const QString& grantee);
    // Turns the dialog into "Change Grant" for `grant`: the form starts from it, the holder stays
    // theirs, and OK replaces it (workflows::editGrant: revoked and given anew, as one change).
    void editing(const accord::Grant& grant);
    QString replacedGrant() const { return replaced_; }

    void accept() override;

private:
    void fillAssets();
    void updatePreview();
    // The grant as the form describes it; throws BadInput for an impossible form.
    std::optional<accord::Grant> draft(QString* problem) const;

    RegistrySession* session_;
    QComboBox* holder_;
    QComboBox* scope_;
    QRadioButton* oneAsset_;
    QRadioButton* allAssets_;
    QComboBox* asset_;
    QRadioButton* anyone_;
    QRadioButton* oneGrantee_;
    QComboBox* grantee_;
    QDoubleSpinBox* share_;
    QCheckBox* commercial_;
    QCheckBox* expires_;
    QDateEdit* expiry_;
    QLineEdit* licence_;
    QLineEdit* attribution_;
    QLabel* preview_;
    QLabel* error_;
    QPushButton* ok_ = nullptr;
    QString added_;
    QString replaced_; // the grant being changed, in edit mode
};

class RevokeDialog : public QDialog {
    Q_OBJECT

public:
    RevokeDialog(RegistrySession* session, const QString& grantId, QWidget* parent = nullptr);

    QPlainTextEdit* reasonEdit() const { return reason_; }
    QLabel* errorLabel() const { return error_; }
    QLabel* descriptionLabel() const { return description_; }

    void accept() override;

private:
    RegistrySession* session_;
    QString grantId_;
    QLabel* description_;
    QPlainTextEdit* reason_;
    QLabel* error_;
    QPushButton* ok_ = nullptr;
};

} // namespace accord::ui
