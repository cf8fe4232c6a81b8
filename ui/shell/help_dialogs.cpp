#include "accord/ui/shell/help_dialogs.h"

#include "accord/ui/common/palette.h"

#include <QAction>
#include <QDialogButtonBox>
#include <QGridLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMenu>
#include <QMenuBar>
#include <QPushButton>
#include <QRegularExpression>
#include <QTableWidget>
#include <QVBoxLayout>

namespace accord::ui {

namespace {

// "&Import Audio…" -> "Import Audio…".
QString plainText(const QAction* action) {
    QString text = action->text();
    text.remove(QRegularExpression(QStringLiteral("&(?!&)")));
    return text;
}

void addShortcuts(const QMenu* menu, const QString& where, QTableWidget* table) {
    for (const QAction* action : menu->actions()) {
        if (action->menu() != nullptr) {
            addShortcuts(action->menu(), where, table);
            continue;
        }
        if (action->isSeparator() || action->shortcuts().isEmpty())
            continue;
        QStringList keys;
        for (const QKeySequence& key : action->shortcuts())
            keys << key.toString(QKeySequence::NativeText);
        const int row = table->rowCount();
        table->insertRow(row);
        table->setItem(row, 0, new QTableWidgetItem(where));
        table->setItem(row, 1, new QTableWidgetItem(plainText(action)));
        table->setItem(row, 2, new QTableWidgetItem(keys.join(QStringLiteral(", "))));
    }
}

struct StepText {
    const char* title;
    const char* explanation;
    const char* button;
};

// The order a newcomer goes in; docs/STUDIO.md "Getting started" tells the same.
const std::array<StepText, WalkthroughDialog::kSteps> kStepTexts{{
    {QT_TR_NOOP("Add yourself"),
     QT_TR_NOOP("You are a rights holder: the one whose recordings and voice these are. Pick "
                "yourself under “Working as” in the status bar once you are added."),
     QT_TR_NOOP("Add Holder…")},
    {QT_TR_NOOP("Import your takes"),
     QT_TR_NOOP("Drop audio on the arrangement or import it. Tick “These are my own recordings” "
                "to allow your own uses of them in the same step."),
     QT_TR_NOOP("Import Audio…")},
    {QT_TR_NOOP("Allow what others may do"),
     QT_TR_NOOP("Nothing is trained on, sung with or exported without a grant. Add grants for "
                "other people's recordings, or change yours, in the Consent tab."),
     QT_TR_NOOP("Add Grant…")},
    {QT_TR_NOOP("Train your voice"),
     QT_TR_NOOP("In the Models tab, tick the takes to learn from and press Train (a few minutes "
                "on a laptop). Then apply the model to a track: it re-sings it live."),
     QT_TR_NOOP("Open Models")},
    {QT_TR_NOOP("Export the song"),
     QT_TR_NOOP("The Export dialog checks every holder's consent, then writes the mix with its "
                "signed proof, watermark and split sheet."),
     QT_TR_NOOP("Export…")},
    {QT_TR_NOOP("Verify a file"),
     QT_TR_NOOP("Drop any exported file on the Verify panel to see who signed it, who allowed "
                "it and who is paid."),
     QT_TR_NOOP("Open Verify")},
}};

} // namespace

ShortcutsDialog::ShortcutsDialog(const QMenuBar* menus, QWidget* parent)
    : QDialog(parent), table_(new QTableWidget(0, 3, this)) {
    setObjectName(QStringLiteral("shortcutsDialog"));
    setWindowTitle(tr("Keyboard Shortcuts"));
    table_->setObjectName(QStringLiteral("shortcutsTable"));
    table_->setHorizontalHeaderLabels({tr("Menu"), tr("Action"), tr("Keys")});
    table_->verticalHeader()->hide();
    table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table_->setAlternatingRowColors(true);
    table_->horizontalHeader()->setSectionResizeMode(1, QHeaderView::Stretch);
    for (const QAction* top : menus->actions())
        if (top->menu() != nullptr)
            addShortcuts(top->menu(), plainText(top), table_);
    table_->resizeColumnToContents(0);
    table_->resizeColumnToContents(2);

    auto* hint = new QLabel(
        tr("In the arrangement: click a clip to select it, Ctrl+click to add or remove one, "
           "Shift+click to select a range on a track, drag on empty space for a rubber band. Drag "
           "a selected clip to move the selection, a clip's edges to trim, its top corners to "
           "fade, the bar under its title up or down for its gain; Shift while dragging ignores "
           "the grid. Drag a track's header to move the track."),
        this);
    hint->setWordWrap(true);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(table_, 1);
    layout->addWidget(hint);
    layout->addWidget(buttons);
    resize(520, 560);
}

WalkthroughDialog::WalkthroughDialog(QWidget* parent) : QDialog(parent) {
    setObjectName(QStringLiteral("walkthroughDialog"));
    setWindowTitle(tr("Getting Started"));
    auto* intro = new QLabel(tr("<b>From your first take to a song that proves where it comes "
                                "from.</b> Each step opens what does it; a tick appears when it "
                                "is done. Help > Getting Started brings this back."),
                             this);
    intro->setWordWrap(true);

    auto* steps = new QGridLayout;
    steps->setColumnStretch(1, 1);
    steps->setVerticalSpacing(10);
    for (int step = 0; step < kSteps; ++step) {
        const StepText& text = kStepTexts[static_cast<std::size_t>(step)];
        auto*& mark = marks_[static_cast<std::size_t>(step)];
        auto*& label = labels_[static_cast<std::size_t>(step)];
        auto*& button = buttons_[static_cast<std::size_t>(step)];
        mark = new QLabel(this);
        mark->setFixedWidth(24);
        mark->setAlignment(Qt::AlignTop | Qt::AlignHCenter);
        label = new QLabel(QStringLiteral("<b>%1. %2</b><br>%3")
                               .arg(step + 1)
                               .arg(tr(text.title), tr(text.explanation)),
                           this);
        label->setWordWrap(true);
        button = new QPushButton(tr(text.button), this);
        button->setObjectName(QStringLiteral("walkthroughStep%1").arg(step + 1));
        connect(button, &QPushButton::clicked, this,
                [this, step] { Q_EMIT stepRequested(static_cast<Step>(step)); });
        steps->addWidget(mark, step, 0);
        steps->addWidget(label, step, 1);
        steps->addWidget(button, step, 2, Qt::AlignTop);
    }

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addLayout(steps);
    layout->addStretch(1);
    layout->addWidget(buttons);
    setMinimumWidth(560);
    setProgress(done_);
}

void WalkthroughDialog::setProgress(const Progress& done) {
    done_ = done;
    bool nextFound = false;
    for (std::size_t step = 0; step < kSteps; ++step) {
        const bool next = !done[step] && !nextFound;
        nextFound = nextFound || next;
        marks_[step]->setText(done[step] ? QStringLiteral("✔")
                              : next     ? QStringLiteral("➜")
                                         : QString());
        marks_[step]->setStyleSheet(
            palette::styleSheet(done[step] ? QStringLiteral("color: @allowed; font-weight: 700;")
                                           : QStringLiteral("color: @accent; font-weight: 700;")));
        buttons_[step]->setDefault(next);
    }
}

} // namespace accord::ui
