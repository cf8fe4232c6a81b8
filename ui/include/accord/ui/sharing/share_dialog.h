#pragma once

// Share a model as a pack (docs/CONSENT.md "Model packs"): the recipient (a holder here, someone
// in another studio by public key, or anyone who has the pack), the terms in plain words, and the
// policy engine's `share` decision before anything is written.
// Thread: the UI thread (sharing writes a few grants and a file of the model's size: tens of ms).

#include "accord/core/consent.h"
#include "accord/workflows/share.h"

#include <QDialog>

#include <optional>

class QCheckBox;
class QComboBox;
class QDateEdit;
class QLabel;
class QLineEdit;
class QPushButton;

namespace accord::ui {

class RegistrySession;

class ShareDialog : public QDialog {
    Q_OBJECT

public:
    enum class Recipient { Holder, Key, Anyone };

    ShareDialog(RegistrySession* session, const Model& model, QWidget* parent = nullptr);

    // What the last click on Share made (nullopt before, or when it failed).
    const std::optional<workflows::SharedPack>& shared() const { return shared_; }
    // The decision shown, as the policy engine gave it.
    const Decision& decision() const { return decision_; }

    // Shares with what the form says; false (the error shown) when it cannot.
    bool share();

private:
    workflows::ShareRequest request() const;
    void judge();
    void chooseFile();

    RegistrySession* session_;
    Model model_;
    QComboBox* recipientKind_;
    QComboBox* holder_;
    QLineEdit* key_;
    QLineEdit* keyName_;
    QCheckBox* commercial_;
    QCheckBox* expiresEnabled_;
    QDateEdit* expires_;
    QLineEdit* out_;
    QLabel* terms_;
    QLabel* decisionLabel_;
    QPushButton* shareButton_;
    Decision decision_;
    std::optional<workflows::SharedPack> shared_;
};

} // namespace accord::ui
