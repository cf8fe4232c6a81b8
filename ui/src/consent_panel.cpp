#include "accord/ui/consent_panel.h"

#include "accord/ui/audit_panel.h"
#include "accord/ui/registry_session.h"

#include <QHeaderView>
#include <QLabel>
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
      assets_(new AssetsTableModel(session, this)), grants_(new GrantsTableModel(session, this)) {
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
                               tr("No rights holders yet. Artists, labels and producers are added "
                                  "with: accord-cli holder add --name NAME"),
                               holdersView_, holders_));
    top->addWidget(makeSection(tr("Assets"),
                               tr("No recordings registered yet: accord-cli asset add FILE "
                                  "--owner HOLDER"),
                               assetsView_, assets_));
    top->setStretchFactor(0, 2);
    top->setStretchFactor(1, 3);

    auto* rights = new QSplitter(Qt::Vertical);
    rights->setObjectName(QStringLiteral("rightsPage"));
    rights->addWidget(top);
    rights->addWidget(makeSection(tr("Grants"),
                                  tr("No grants: by default nothing may be trained on, generated "
                                     "from, exported or shared."),
                                  grantsView_, grants_));
    rights->setStretchFactor(0, 1);
    rights->setStretchFactor(1, 1);

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
