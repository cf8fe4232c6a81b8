#include "accord/ui/consent/consent_panel.h"

#include "accord/ui/consent/audit_panel.h"
#include "accord/ui/consent/consent_dialogs.h"
#include "accord/ui/shell/registry_session.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QVBoxLayout>

namespace accord::ui {

namespace {
// The plain-language grant column reads as a sentence: wide, wrapped, never a single long line.
constexpr int kDescriptionWidth = 420;
} // namespace

ConsentPanel::ConsentPanel(RegistrySession* session, QWidget* parent)
    : QWidget(parent), holders_(new HoldersTableModel(session, this)),
      assets_(new AssetsTableModel(session, this)), grants_(new GrantsTableModel(session, this)),
      session_(session) {
    holdersView_ = makeView(holders_, QStringLiteral("holdersView"));
    assetsView_ = makeView(assets_, QStringLiteral("assetsView"));
    grantsView_ = makeView(grants_, QStringLiteral("grantsView"));
    grantsView_->setWordWrap(true);
    connect(grants_, &QAbstractItemModel::modelReset, grantsView_, [this] {
        grantsView_->setColumnWidth(GrantsTableModel::Description, kDescriptionWidth);
        grantsView_->resizeRowsToContents();
    });
    grantsView_->setColumnWidth(GrantsTableModel::Description, kDescriptionWidth);

    auto* top = new QSplitter(Qt::Horizontal);
    top->addWidget(makeSection(tr("Rights holders"),
                               tr("No rights holders yet. Add artists, labels and producers with "
                                  "Add Holder… (or accord-cli holder add --name NAME)."),
                               holdersView_, holders_));
    top->addWidget(makeSection(tr("Assets"),
                               tr("No recordings registered yet: drop audio files on the "
                                  "arrangement (or accord-cli asset add FILE --owner HOLDER)."),
                               assetsView_, assets_));
    top->setStretchFactor(0, 2);
    top->setStretchFactor(1, 3);

    auto* splitter = new QSplitter(Qt::Vertical);
    splitter->addWidget(top);
    splitter->addWidget(makeSection(tr("Grants"),
                                    tr("No grants: by default nothing may be trained on, generated "
                                       "from, exported or shared."),
                                    grantsView_, grants_));
    splitter->setStretchFactor(0, 1);
    splitter->setStretchFactor(1, 1);

    // What changes the registry, in the words of the CLI's commands.
    addHolderButton_ = new QPushButton(tr("Add Holder…"));
    addHolderButton_->setObjectName(QStringLiteral("newHolderButton"));
    addHolderButton_->setToolTip(tr("Register an artist, label or producer (holder add)"));
    addGrantButton_ = new QPushButton(tr("Add Grant…"));
    addGrantButton_->setObjectName(QStringLiteral("newGrantButton"));
    addGrantButton_->setToolTip(tr("Record what a holder allows, on which assets, for whom and "
                                   "on which terms (grant add)"));
    revokeButton_ = new QPushButton(tr("Revoke Grant…"));
    revokeButton_->setObjectName(QStringLiteral("revokeGrantButton"));
    revokeButton_->setToolTip(tr("Revoke the active grant selected below (grant revoke)"));
    connect(addHolderButton_, &QPushButton::clicked, this, &ConsentPanel::addHolder);
    connect(addGrantButton_, &QPushButton::clicked, this, &ConsentPanel::addGrant);
    connect(revokeButton_, &QPushButton::clicked, this, &ConsentPanel::revokeSelectedGrant);
    auto* actions = new QHBoxLayout;
    actions->setContentsMargins(6, 6, 6, 0);
    actions->addWidget(addHolderButton_);
    actions->addWidget(addGrantButton_);
    actions->addWidget(revokeButton_);
    actions->addStretch(1);

    auto* rights = new QWidget;
    rights->setObjectName(QStringLiteral("rightsPage"));
    auto* rightsLayout = new QVBoxLayout(rights);
    rightsLayout->setContentsMargins(0, 0, 0, 0);
    rightsLayout->addLayout(actions);
    rightsLayout->addWidget(splitter, 1);

    audit_ = new AuditPanel(session, this);
    audit_->setObjectName(QStringLiteral("auditPage"));

    pages_ = new QTabWidget(this);
    pages_->setObjectName(QStringLiteral("consentPages"));
    pages_->setDocumentMode(true);
    pages_->addTab(rights, tr("Holders, assets and grants"));
    pages_->addTab(audit_, tr("Audit log"));

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(pages_);

    connect(grantsView_->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &ConsentPanel::updateButtons);
    connect(grants_, &QAbstractItemModel::modelReset, this, &ConsentPanel::updateButtons);
    connect(session_, &RegistrySession::changed, this, &ConsentPanel::updateButtons);
    updateButtons();
}

QString ConsentPanel::selectedId(const QTableView* view) const {
    const QModelIndexList rows = view->selectionModel()->selectedRows();
    return rows.isEmpty() ? QString() : rows.first().data(IdRole).toString();
}

QString ConsentPanel::selectedHolder() const {
    return selectedId(holdersView_);
}

QString ConsentPanel::selectedAsset() const {
    return selectedId(assetsView_);
}

QString ConsentPanel::selectedGrant() const {
    return selectedId(grantsView_);
}

void ConsentPanel::updateButtons() {
    const bool open = session_->isOpen();
    addHolderButton_->setEnabled(open);
    addGrantButton_->setEnabled(open && holders_->rowCount() > 0);
    const QModelIndexList rows = grantsView_->selectionModel()->selectedRows();
    const bool active =
        !rows.isEmpty() && rows.first().data(StateRole).toString() == QLatin1String("active");
    revokeButton_->setEnabled(open && active);
}

HolderDialog* ConsentPanel::addHolder() {
    if (!session_->isOpen())
        return nullptr;
    auto* dialog = new HolderDialog(session_, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setWindowModality(Qt::WindowModal);
    dialog->open();
    return dialog;
}

GrantDialog* ConsentPanel::addGrant() {
    if (!session_->isOpen())
        return nullptr;
    QString holder = selectedHolder();
    const QString asset = selectedAsset();
    if (!asset.isEmpty()) {
        if (const auto found = session_->registry()->asset(asset.toStdString()))
            holder = QString::fromStdString(found->owner);
    }
    auto* dialog = new GrantDialog(session_, holder, asset, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setWindowModality(Qt::WindowModal);
    dialog->open();
    return dialog;
}

RevokeDialog* ConsentPanel::revokeSelectedGrant() {
    const QString grant = selectedGrant();
    if (!session_->isOpen() || grant.isEmpty())
        return nullptr;
    auto* dialog = new RevokeDialog(session_, grant, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setWindowModality(Qt::WindowModal);
    dialog->open();
    return dialog;
}

QTableView* ConsentPanel::makeView(RegistryTableModel* model, const QString& objectName) {
    auto* proxy = new QSortFilterProxyModel(this);
    proxy->setSourceModel(model);
    proxy->setSortRole(SortRole);
    auto* view = new QTableView(this);
    view->setObjectName(objectName);
    view->setModel(proxy);
    view->setSortingEnabled(true);
    view->sortByColumn(-1, Qt::AscendingOrder); // registry order until the user sorts
    view->setSelectionBehavior(QAbstractItemView::SelectRows);
    view->setAlternatingRowColors(true);
    view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    view->verticalHeader()->hide();
    view->horizontalHeader()->setStretchLastSection(true);
    view->horizontalHeader()->setHighlightSections(false);
    connect(model, &QAbstractItemModel::modelReset, view,
            [view] { view->resizeColumnsToContents(); });
    view->resizeColumnsToContents();
    return view;
}

QWidget* ConsentPanel::makeSection(const QString& title, const QString& emptyHint, QTableView* view,
                                   RegistryTableModel* model) {
    auto* section = new QWidget(this);
    auto* heading = new QLabel(section);
    heading->setObjectName(view->objectName() + QStringLiteral("Title"));
    QFont font = heading->font();
    font.setBold(true);
    font.setPointSizeF(font.pointSizeF() * 1.1);
    heading->setFont(font);
    auto* hint = new QLabel(emptyHint, section);
    hint->setWordWrap(true);
    hint->setEnabled(false); // drawn in the palette's disabled (muted) colour

    auto update = [heading, hint, model, title] {
        heading->setText(QStringLiteral("%1 (%2)").arg(title).arg(model->rowCount()));
        hint->setVisible(model->rowCount() == 0);
    };
    connect(model, &QAbstractItemModel::modelReset, section, update);
    update();

    auto* layout = new QVBoxLayout(section);
    layout->setContentsMargins(6, 6, 6, 6);
    layout->addWidget(heading);
    layout->addWidget(hint);
    layout->addWidget(view, 1);
    return section;
}

void ConsentPanel::setClock(const Clock& clock) {
    holders_->setClock(clock);
    assets_->setClock(clock);
    grants_->setClock(clock);
}

void ConsentPanel::showRights() {
    pages_->setCurrentIndex(0);
}

void ConsentPanel::showAudit() {
    pages_->setCurrentWidget(audit_);
}

} // namespace accord::ui
