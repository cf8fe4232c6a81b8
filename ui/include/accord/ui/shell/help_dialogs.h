#pragma once

// Help for a newcomer (docs/STUDIO.md "Help"): the keyboard shortcuts, read from the window's
// own menus so the sheet is never out of date, and "Getting started", the path from nothing to a
// verified export whose steps tick themselves as the registry shows them done.

#include <QDialog>

#include <array>

class QLabel;
class QMenuBar;
class QPushButton;
class QTableWidget;

namespace accord::ui {

// Help > Keyboard Shortcuts (F1): every menu action that has a shortcut, by menu.
class ShortcutsDialog : public QDialog {
    Q_OBJECT

public:
    ShortcutsDialog(const QMenuBar* menus, QWidget* parent = nullptr);
    QTableWidget* table() const { return table_; }

private:
    QTableWidget* table_;
};

// Help > Getting Started, shown once at the first start.
class WalkthroughDialog : public QDialog {
    Q_OBJECT

public:
    enum Step { AddYourself, ImportTakes, AllowUses, TrainVoice, ExportSong, VerifyFile, kSteps };
    using Progress = std::array<bool, kSteps>;

    explicit WalkthroughDialog(QWidget* parent = nullptr);

    // Which steps are done; the first one that is not is the one to do next.
    void setProgress(const Progress& done);
    const Progress& progress() const { return done_; }
    QPushButton* stepButton(Step step) const { return buttons_[step]; }
    QLabel* stepLabel(Step step) const { return labels_[step]; }

Q_SIGNALS:
    // The step's button: the window opens what does it.
    void stepRequested(accord::ui::WalkthroughDialog::Step step);

private:
    std::array<QLabel*, kSteps> marks_{};
    std::array<QLabel*, kSteps> labels_{};
    std::array<QPushButton*, kSteps> buttons_{};
    Progress done_{};
};

} // namespace accord::ui
