#include "accord/ui/consent/consent_panel.h"

#include "accord/ui/common/labels.h"
#include "accord/ui/consent/audit_panel.h"
#include "accord/ui/consent/consent_dialogs.h"
#include "accord/ui/shell/ledger_history_view.h"
#include "accord/ui/shell/registry_session.h"
#include "accord/workflows/ledger_query.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QMenu>
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

// `dialog` opened over the window without blocking it, gone once closed.
template <typename Dialog> Dialog* openOverWindow(Dialog* dialog) {
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setWindowModality(Qt::WindowModal);
    dialog->open();
    return dialog;
}
} // namespace

ConsentPanel::ConsentPanel(RegistrySession* session, QWidget* parent)
    : QWidget(parent), holders_(new HoldersTableModel(session, this)),
      assets_(new AssetsTableModel(session, this)), grants_(new GrantsTableModel(session, this)),
      session_(session) {
    // Ids, keys and technical columns are details: hidden until asked for (right-click a
    // header); the main view names people and recordings.
    holdersView_ = makeView(holders_, QStringLiteral("holdersView"),
                            {HoldersTableModel::PublicKey, HoldersTableModel::Id});
    assetsView_ = makeView(assets_, QStringLiteral("assetsView"),
                           {AssetsTableModel::SampleRate, AssetsTableModel::Channels,
                            AssetsTableModel::Isrc, AssetsTableModel::Id});
    grantsView_ = makeView(grants_, QStringLiteral("grantsView"), {GrantsTableModel::Id});
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
    top->addWidget(makeSection(tr("Recordings"),
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
    // The selected holder or recording on the shared ledger, as `ledger query --holder` and
    // `--asset` list it.
    holderLedgerButton_ = new QPushButton(tr("Holder on the Ledger"));
    holderLedgerButton_->setObjectName(QStringLiteral("holderLedgerButton"));
    holderLedgerButton_->setToolTip(tr("Every grant the shared ledger holds given by or to the "
                                       "selected holder, and its revocations, with where each "
                                       "stands now"));
    assetLedgerButton_ = new QPushButton(tr("Recording on the Ledger"));
    assetLedgerButton_->setObjectName(QStringLiteral("assetLedgerButton"));
    assetLedgerButton_->setToolTip(
        tr("Every grant the shared ledger holds on the selected "
           "recording, and its revocations, with where each stands now"));
    connect(holderLedgerButton_, &QPushButton::clicked, this, &ConsentPanel::showHolderOnLedger);
    connect(assetLedgerButton_, &QPushButton::clicked, this, &ConsentPanel::showAssetOnLedger);
    ledgerView_ =
        new LedgerHistoryView(QStringLiteral("consent"), {holderLedgerButton_, assetLedgerButton_});
    splitter->addWidget(ledgerView_);
    splitter->setStretchFactor(0, 1);
    splitter->setStretchFactor(1, 1);
    splitter->setStretchFactor(2, 0);

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
    editButton_ = new QPushButton(tr("Change Grant…"));
    editButton_->setObjectName(QStringLiteral("editGrantButton"));
    editButton_->setToolTip(tr("Change the terms of the active grant selected below (it is "
                               "revoked and given anew, as one change in the audit log)"));
    connect(editButton_, &QPushButton::clicked, this, &ConsentPanel::editSelectedGrant);
    auto* actions = new QHBoxLayout;
    actions->setContentsMargins(6, 6, 6, 0);
    actions->addWidget(addHolderButton_);
    actions->addWidget(addGrantButton_);
    actions->addWidget(editButton_);
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

    for (QTableView* view : {grantsView_, holdersView_, assetsView_})
        connect(view->selectionModel(), &QItemSelectionModel::selectionChanged, this,
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
    // A grant given in another studio (a pack's) is changed there.
    bool importedGrant = false;
    if (active && session_->registry() != nullptr) {
        try {
            const auto grant = session_->registry()->grant(selectedGrant().toStdString());
            importedGrant = grant && grant->origin.has_value();
        } catch (const std::exception&) {
            importedGrant = true; // unreadable: do not offer to change it
        }
    }
    editButton_->setEnabled(open && active && !importedGrant);
    holderLedgerButton_->setEnabled(open && !selectedHolder().isEmpty());
    assetLedgerButton_->setEnabled(open && !selectedAsset().isEmpty());
}

void ConsentPanel::showHolderOnLedger() {
    const Registry* registry = session_->registry();
    const std::optional<Holder> holder =
        registry ? registry->holder(selectedHolder().toStdString()) : std::nullopt;
    if (!holder)
        return;
    ledgerView_->query(fromStd(holder->name), [key = holder->publicKey](const std::string& url) {
        return workflows::statementLines(
            workflows::statementsOnLedger(url, ledger::Subject::Holder, key));
    });
}

void ConsentPanel::showAssetOnLedger() {
    const Registry* registry = session_->registry();
    const std::optional<Asset> asset =
        registry ? registry->asset(selectedAsset().toStdString()) : std::nullopt;
    if (!asset)
        return;
    ledgerView_->query(assetName(*asset), [key = asset->pcmSha256](const std::string& url) {
        return workflows::statementLines(
            workflows::statementsOnLedger(url, ledger::Subject::Asset, key));
    });
}

HolderDialog* ConsentPanel::addHolder() {
    if (!session_->isOpen())
        return nullptr;
    return openOverWindow(new HolderDialog(session_, this));
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
    return openOverWindow(new GrantDialog(session_, holder, asset, this));
}

GrantDialog* ConsentPanel::editSelectedGrant() {
    const QString id = selectedGrant();
    if (!session_->isOpen() || id.isEmpty())
        return nullptr;
    const auto grant = session_->registry()->grant(id.toStdString());
    if (!grant)
        return nullptr;
    auto* dialog = new GrantDialog(session_, QString::fromStdString(grant->holder),
                                   QString::fromStdString(grant->asset.value_or("")), this);
    dialog->editing(*grant);
    return openOverWindow(dialog);
}

RevokeDialog* ConsentPanel::revokeSelectedGrant() {
    const QString grant = selectedGrant();
    if (!session_->isOpen() || grant.isEmpty())
        return nullptr;
    return openOverWindow(new RevokeDialog(session_, grant, this));
}

QTableView* ConsentPanel::makeView(RegistryTableModel* model, const QString& objectName,
                                   const std::vector<int>& detailColumns) {
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
    for (int column : detailColumns)
        view->setColumnHidden(column, true);
    QHeaderView* header = view->horizontalHeader();
    header->setContextMenuPolicy(Qt::CustomContextMenu);
    header->setToolTip(tr("Right-click to show or hide columns (ids and technical details)"));
    connect(header, &QHeaderView::customContextMenuRequested, view, [view, header](QPoint at) {
        QMenu menu(view);
        for (int column = 0; column < header->count(); ++column) {
            QAction* shown =
                menu.addAction(view->model()->headerData(column, Qt::Horizontal).toString());
            shown->setCheckable(true);
            shown->setChecked(!view->isColumnHidden(column));
            connect(shown, &QAction::toggled, view,
                    [view, column](bool on) { view->setColumnHidden(column, !on); });
        }
        menu.exec(header->mapToGlobal(at));
    });
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
