#include "accord/ui/consent/consent_models.h"

#include "accord/core/policy.h"
#include "accord/core/time.h"
#include "accord/ui/common/labels.h"
#include "accord/ui/common/palette.h"
#include "accord/ui/shell/registry_session.h"

#include <QFileInfo>
#include <QIcon>
#include <QPainter>
#include <QPixmap>

#include <algorithm>
#include <limits>
#include <map>
#include <utility>

namespace accord::ui {

namespace {

QIcon dotIcon(const QColor& colour, bool barred = false) {
    constexpr int size = 16;
    QPixmap pixmap(size, size);
    pixmap.fill(Qt::transparent);
    QPainter painter(&pixmap);
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setPen(Qt::NoPen);
    painter.setBrush(colour);
    painter.drawEllipse(QRectF(2, 2, size - 4, size - 4));
    if (barred) { // a "no entry" sign: nothing may be done with it
        painter.setPen(QPen(Qt::white, 2.2, Qt::SolidLine, Qt::RoundCap));
        painter.drawLine(QPointF(5, size / 2.0), QPointF(size - 5, size / 2.0));
    }
    return QIcon(pixmap);
}

const QIcon& stateIcon(GrantState state) {
    static const QIcon active = dotIcon(palette::grantActive);
    static const QIcon revoked = dotIcon(palette::grantRevoked, true);
    static const QIcon expired = dotIcon(palette::grantExpired);
    switch (state) {
    case GrantState::Revoked:
        return revoked;
    case GrantState::NotYetActive:
    case GrantState::Expired:
        return expired;
    case GrantState::Active:
        break;
    }
    return active;
}

const QIcon& withdrawnIcon() {
    static const QIcon icon = dotIcon(palette::grantRevoked, true);
    return icon;
}

const QIcon& notYetIcon() {
    static const QIcon icon = dotIcon(palette::warning);
    return icon;
}

QString shortHash(const std::string& hash) {
    return fromStd(hash.substr(0, 12));
}

// What an audit entry did, in words: "grant.revoke" -> "Grant revoked".
QString operationInWords(const std::string& op) {
    static const std::map<std::string, const char*> words{
        {"studio.create", QT_TR_NOOP("Registry created")},
        {"holder.add", QT_TR_NOOP("Holder added")},
        {"holder.known", QT_TR_NOOP("Holder from another studio recorded")},
        {"asset.add", QT_TR_NOOP("Recording registered")},
        {"asset.midi", QT_TR_NOOP("MIDI file registered")},
        {"asset.scan", QT_TR_NOOP("Recording scanned")},
        {"asset.contains", QT_TR_NOOP("Recording found inside")},
        {"asset.foreign", QT_TR_NOOP("Recording from another studio recorded")},
        {"grant.add", QT_TR_NOOP("Grant given")},
        {"grant.sign", QT_TR_NOOP("Grant signed")},
        {"grant.import", QT_TR_NOOP("Grant imported")},
        {"grant.origin", QT_TR_NOOP("Grant's origin recorded")},
        {"grant.revoke", QT_TR_NOOP("Grant revoked")},
        {"model.add", QT_TR_NOOP("Model registered")},
        {"model.source", QT_TR_NOOP("Model's training source recorded")},
        {"render.add", QT_TR_NOOP("Render recorded")},
        {"render.input", QT_TR_NOOP("Render's input recorded")},
        {"render.watermark", QT_TR_NOOP("Render's watermark recorded")},
        {"export.add", QT_TR_NOOP("Export recorded")},
        {"pack.import", QT_TR_NOOP("Model pack imported")},
        {"trust.add", QT_TR_NOOP("Key trusted")},
        {"trust.remove", QT_TR_NOOP("Key no longer trusted")}};
    const auto found = words.find(op);
    return found == words.end() ? fromStd(op) : AuditLogModel::tr(found->second);
}

QString formatDuration(double seconds) {
    const auto tenths = static_cast<long long>(seconds * 10.0 + 0.5);
    const long long minutes = tenths / 600;
    const double rest = static_cast<double>(tenths % 600) / 10.0;
    return QStringLiteral("%1:%2").arg(minutes).arg(rest, 4, 'f', 1, QLatin1Char('0'));
}

QString channelsText(int channels) {
    if (channels == 1)
        return QObject::tr("mono");
    if (channels == 2)
        return QObject::tr("stereo");
    return QString::number(channels);
}

QString assetDisplayName(const Asset& asset) {
    const QString file = QFileInfo(fromStd(asset.path)).fileName();
    return file.isEmpty() ? QObject::tr("asset %1").arg(shortHash(asset.id)) : file;
}

// Whether a grant by the asset's owner covers the asset (its own grant or an all-assets one).
bool covers(const Grant& grant, const Asset& asset) {
    return grant.holder == asset.owner && (!grant.asset || *grant.asset == asset.id);
}

QString scopeList(const std::vector<Scope>& scopes) {
    QStringList names;
    for (Scope scope : scopes)
        names << scopeUse(scope);
    return names.join(QStringLiteral(", "));
}

// The own-use scopes a recording does not have yet, in words.
QString scopesMissing(const std::vector<Scope>& allowed) {
    std::vector<Scope> missing;
    for (Scope scope : {Scope::TrainVoice, Scope::TrainStyle, Scope::Generate, Scope::Export})
        if (std::find(allowed.begin(), allowed.end(), scope) == allowed.end())
            missing.push_back(scope);
    return scopeList(missing);
}

} // namespace

// ---------------------------------------------------------------------------------------------

RegistryTableModel::RegistryTableModel(RegistrySession* session, QStringList headers,
                                       QList<int> numberColumns, QObject* parent)
    : QAbstractTableModel(parent), session_(session), headers_(std::move(headers)),
      numberColumns_(std::move(numberColumns)), clock_([] { return accord::currentTime(); }) {
    connect(session_, &RegistrySession::changed, this, &RegistryTableModel::reload);
}

int RegistryTableModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : rows();
}

int RegistryTableModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(headers_.size());
}

QVariant RegistryTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation == Qt::Horizontal && role == Qt::DisplayRole)
        return headers_.value(section);
    return {};
}

QVariant RegistryTableModel::data(const QModelIndex& index, int role) const {
    if (role == Qt::TextAlignmentRole && numberColumns_.contains(index.column()))
        return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    return {};
}

void RegistryTableModel::setClock(Clock clock) {
    clock_ = clock ? std::move(clock) : Clock([] { return accord::currentTime(); });
    reload();
}

void RegistryTableModel::reload() {
    beginResetModel();
    clearRows();
    if (const Registry* registry = session_->registry()) {
        try {
            loadRows(*registry);
        } catch (const std::exception& error) {
            clearRows();
            session_->reportError(tr("Could not read the registry"), error);
        }
    }
    endResetModel();
}

// ---------------------------------------------------------------------------------------------

HoldersTableModel::HoldersTableModel(RegistrySession* session, QObject* parent)
    : RegistryRowsModel(session,
                        {tr("Name"), tr("IPI"), tr("Assets"), tr("Active grants"), tr("Registered"),
                         tr("Public key"), tr("ID")},
                        {Assets, ActiveGrants}, parent) {
    reload();
}

void HoldersTableModel::loadRows(const Registry& registry) {
    const UnixTime at = now();
    std::map<std::string, Row> byId;
    std::vector<std::string> order;
    for (Holder& holder : registry.holders()) {
        order.push_back(holder.id);
        byId[holder.id].holder = std::move(holder);
    }
    for (const Asset& asset : registry.assets())
        if (auto found = byId.find(asset.owner); found != byId.end())
            ++found->second.assets;
    for (const Grant& grant : registry.grants()) {
        if (auto found = byId.find(grant.holder); found != byId.end()) {
            ++found->second.grants;
            if (grantState(grant, at) == GrantState::Active)
                ++found->second.activeGrants;
        }
    }
    rows_.reserve(order.size());
    for (const std::string& id : order)
        rows_.push_back(std::move(byId[id]));
}

QVariant HoldersTableModel::data(const QModelIndex& index, int role) const {
    const Row* found = rowAt(index);
    if (!found)
        return {};
    const Row& row = *found;
    const Holder& holder = row.holder;
    if (role == IdRole)
        return fromStd(holder.id);
    if (role == Qt::DisplayRole || role == SortRole) {
        switch (index.column()) {
        case Name:
            return fromStd(holder.name);
        case Ipi:
            return holder.ipi.empty() && role == Qt::DisplayRole ? QStringLiteral("—")
                                                                 : fromStd(holder.ipi);
        case Assets:
            return row.assets;
        case ActiveGrants:
            if (role == SortRole)
                return row.activeGrants;
            return row.grants == row.activeGrants
                       ? QString::number(row.activeGrants)
                       : tr("%1 of %2").arg(row.activeGrants).arg(row.grants);
        case Registered:
            return role == SortRole ? fromStd(holder.createdAt) : localTime(holder.createdAt);
        case PublicKey:
            return role == SortRole ? fromStd(holder.publicKey) : shortHash(holder.publicKey) + "…";
        case Id:
            return fromStd(holder.id);
        default:
            return {};
        }
    }
    if (role == Qt::ToolTipRole) {
        if (index.column() == PublicKey)
            return tr("Ed25519 public key: %1\nThe private key never leaves this machine.")
                .arg(fromStd(holder.publicKey));
        if (index.column() == Registered)
            return tr("Registered %1 (UTC)").arg(fromStd(holder.createdAt));
        if (index.column() == ActiveGrants && row.activeGrants == 0)
            return tr("%1 allows nothing at the moment: nothing of theirs may be trained on, "
                      "used or exported.")
                .arg(fromStd(holder.name));
    }
    return RegistryTableModel::data(index, role);
}

// ---------------------------------------------------------------------------------------------

AssetsTableModel::AssetsTableModel(RegistrySession* session, QObject* parent)
    : RegistryRowsModel(session,
                        {tr("Consent"), tr("File"), tr("Owner"), tr("Duration"), tr("Sample rate"),
                         tr("Channels"), tr("Origin"), tr("ISRC"), tr("ID")},
                        {Duration, SampleRate}, parent) {
    reload();
}

void AssetsTableModel::loadRows(const Registry& registry) {
    const UnixTime at = now();
    const ConsentGraph& graph = registry.consentGraph();
    const std::vector<Grant> grants = registry.grants();
    for (Asset& asset : registry.assets()) {
        Row row;
        row.ownerName = holderName(graph, asset.owner);
        row.fileName = assetDisplayName(asset);
        for (const Grant& grant : grants) {
            if (!covers(grant, asset))
                continue;
            ++row.grants;
            if (grantState(grant, at) == GrantState::Active &&
                std::find(row.activeScopes.begin(), row.activeScopes.end(), grant.scope) ==
                    row.activeScopes.end())
                row.activeScopes.push_back(grant.scope);
        }
        std::sort(row.activeScopes.begin(), row.activeScopes.end());
        row.asset = std::move(asset);
        rows_.push_back(std::move(row));
    }
}

QString AssetsTableModel::consentText(const Row& row) const {
    if (row.withdrawn())
        return tr("Withdrawn: nothing allowed");
    if (row.activeScopes.empty())
        return tr("Not allowed yet");
    if (!row.exportAllowed())
        return tr("Allows %1; not export").arg(scopeList(row.activeScopes));
    return tr("Allows %1").arg(scopeList(row.activeScopes));
}

QString AssetsTableModel::consentToolTip(const Row& row) const {
    if (row.withdrawn())
        return tr("%1 withdrew every grant (revoked or expired): it still plays in this studio, "
                  "but may not be trained on, sung with or exported.")
            .arg(row.ownerName);
    if (row.activeScopes.empty())
        return tr("It plays in this studio. %1 has not allowed %2 yet: add a grant (Add "
                  "Grant…).")
            .arg(row.ownerName, scopesMissing(row.activeScopes));
    const QString missing = scopesMissing(row.activeScopes);
    return missing.isEmpty() ? tr("%1 allows %2.").arg(row.ownerName, scopeList(row.activeScopes))
                             : tr("%1 allows %2. Not allowed yet: %3.")
                                   .arg(row.ownerName, scopeList(row.activeScopes), missing);
}

QVariant AssetsTableModel::data(const QModelIndex& index, int role) const {
    const Row* found = rowAt(index);
    if (!found)
        return {};
    const Row& row = *found;
    const Asset& asset = row.asset;
    switch (role) {
    case IdRole:
        return fromStd(asset.id);
    case NotExportableRole:
        return !row.exportAllowed();
    case Qt::ToolTipRole:
        if (!row.exportAllowed() || index.column() == Consent)
            return consentToolTip(row);
        if (index.column() == File)
            return tr("Registered from %1\nFile SHA-256: %2\nPCM SHA-256: %3")
                .arg(fromStd(asset.path), fromStd(asset.fileSha256), fromStd(asset.pcmSha256));
        return {};
    case Qt::DecorationRole:
        if (index.column() == Consent)
            return row.withdrawn()        ? withdrawnIcon()
                   : !row.exportAllowed() ? notYetIcon()
                                          : stateIcon(GrantState::Active);
        return {};
    case Qt::BackgroundRole:
        if (row.withdrawn()) // red only when the owner said no
            return palette::withAlpha(palette::grantRevoked, 38);
        return {};
    case Qt::ForegroundRole:
        if (index.column() == Consent && row.withdrawn())
            return palette::grantRevoked;
        if (index.column() == Consent && !row.exportAllowed())
            return palette::warning;
        return {};
    case Qt::DisplayRole:
    case SortRole:
        break;
    default:
        return RegistryTableModel::data(index, role);
    }
    const bool display = role == Qt::DisplayRole;
    switch (index.column()) {
    case Consent:
        return display ? consentText(row) : QVariant(static_cast<int>(row.activeScopes.size()));
    case File:
        return row.fileName;
    case Owner:
        return row.ownerName;
    case Duration:
        return display ? formatDuration(asset.durationSeconds) : QVariant(asset.durationSeconds);
    case SampleRate:
        return display ? tr("%1 Hz").arg(asset.sampleRate) : QVariant(asset.sampleRate);
    case Channels:
        return display ? channelsText(asset.channels) : QVariant(asset.channels);
    case Origin:
        return fromStd(originName(asset.origin));
    case Isrc:
        return asset.isrc.empty() && display ? QStringLiteral("—") : fromStd(asset.isrc);
    case Id:
        return fromStd(asset.id);
    default:
        return {};
    }
}

// ---------------------------------------------------------------------------------------------

GrantsTableModel::GrantsTableModel(RegistrySession* session, QObject* parent)
    : RegistryRowsModel(session,
                        {tr("State"), tr("Grant"), tr("Holder"), tr("Scope"), tr("Applies to"),
                         tr("For"), tr("Share"), tr("Commercial"), tr("Expires"), tr("ID")},
                        {Share}, parent) {
    reload();
}

void GrantsTableModel::loadRows(const Registry& registry) {
    const UnixTime at = now();
    const ConsentGraph& graph = registry.consentGraph();
    std::map<std::string, QString> assetNames;
    for (const Asset& asset : registry.assets())
        assetNames[asset.id] = assetDisplayName(asset);
    auto assetName = [&assetNames](const std::string& id) {
        const auto found = assetNames.find(id);
        return found != assetNames.end() ? found->second : fromStd(id);
    };

    for (Grant& grant : registry.grants()) {
        Row row;
        row.state = grantState(grant, at);
        row.description = fromStd(describeGrant(graph, grant, at));
        row.holderName = holderName(graph, grant.holder);
        row.appliesTo =
            grant.asset ? assetName(*grant.asset) : tr("all assets of %1").arg(row.holderName);
        row.grantee =
            grant.grantee ? holderName(graph, *grant.grantee) : tr("anyone in this studio");
        row.grant = std::move(grant);
        rows_.push_back(std::move(row));
    }
}

QString GrantsTableModel::stateToolTip(const Row& row) const {
    const Grant& grant = row.grant;
    switch (row.state) {
    case GrantState::Revoked: {
        QString text = tr("Revoked on %1: allows nothing from then on.")
                           .arg(fromStd(formatIsoTime(*grant.revokedAt)));
        if (!grant.revokeReason.empty())
            text += tr("\nReason: %1").arg(fromStd(grant.revokeReason));
        return text;
    }
    case GrantState::NotYetActive:
        return tr("Given on %1: allows nothing before then.")
            .arg(fromStd(formatIsoTime(grant.createdAt)));
    case GrantState::Expired:
        return tr("Expired on %1: allows nothing from then on.")
            .arg(fromStd(formatIsoTime(*grant.terms.expiresAt)));
    case GrantState::Active:
        break;
    }
    return grant.terms.expiresAt
               ? tr("Active until %1.").arg(fromStd(formatIsoTime(*grant.terms.expiresAt)))
               : tr("Active until revoked.");
}

QString GrantsTableModel::termsToolTip(const Row& row) const {
    const GrantTerms& terms = row.grant.terms;
    QStringList lines{row.description};
    lines << tr("Royalty share: %1%").arg(terms.sharePercent);
    lines << (terms.commercial ? tr("Commercial use allowed") : tr("Non-commercial only"));
    if (!terms.licence.empty())
        lines << tr("Licence: %1").arg(fromStd(terms.licence));
    if (!terms.attribution.empty())
        lines << tr("Attribution: %1").arg(fromStd(terms.attribution));
    lines << tr("Granted %1").arg(fromStd(formatIsoTime(row.grant.createdAt)));
    return lines.join(QLatin1Char('\n'));
}

QVariant GrantsTableModel::data(const QModelIndex& index, int role) const {
    const Row* found = rowAt(index);
    if (!found)
        return {};
    const Row& row = *found;
    const Grant& grant = row.grant;
    switch (role) {
    case IdRole:
        return fromStd(grant.id);
    case StateRole:
        return fromStd(grantStateName(row.state));
    case Qt::ToolTipRole:
        return index.column() == State ? stateToolTip(row) : termsToolTip(row);
    case Qt::DecorationRole:
        if (index.column() == State)
            return stateIcon(row.state);
        return {};
    case Qt::ForegroundRole:
        if (index.column() == State)
            return row.state == GrantState::Active    ? palette::grantActive
                   : row.state == GrantState::Revoked ? palette::grantRevoked
                                                      : palette::grantExpired;
        return {};
    case Qt::FontRole:
        if (row.state != GrantState::Active && index.column() == Description) {
            QFont font;
            font.setItalic(true); // past, muted, but still readable: it is part of the record
            return font;
        }
        return {};
    case Qt::DisplayRole:
    case SortRole:
        break;
    default:
        return RegistryTableModel::data(index, role);
    }
    const bool display = role == Qt::DisplayRole;
    switch (index.column()) {
    case State:
        return fromStd(grantStateName(row.state));
    case Description:
        return row.description;
    case Holder:
        return row.holderName;
    case Scope:
        return scopeUse(grant.scope);
    case AppliesTo:
        return row.appliesTo;
    case Grantee:
        return row.grantee;
    case Share:
        return display ? QStringLiteral("%1%").arg(grant.terms.sharePercent)
                       : QVariant(grant.terms.sharePercent);
    case Commercial:
        return grant.terms.commercial ? tr("yes") : tr("no");
    case Expires:
        if (!grant.terms.expiresAt)
            return display ? tr("never") : QVariant(std::numeric_limits<qlonglong>::max());
        return display ? fromStd(formatIsoDate(*grant.terms.expiresAt))
                       : QVariant(static_cast<qlonglong>(*grant.terms.expiresAt));
    case Id:
        return fromStd(grant.id);
    default:
        return {};
    }
}

// ---------------------------------------------------------------------------------------------

AuditLogModel::AuditLogModel(RegistrySession* session, QObject* parent)
    : RegistryRowsModel(session,
                        {tr("#"), tr("Time"), tr("Change"), tr("Table"), tr("Row"), tr("Hash")},
                        {Seq}, parent) {
    reload();
}

void AuditLogModel::loadRows(const Registry& registry) {
    rows_ = registry.auditLog();
}

QVariant AuditLogModel::data(const QModelIndex& index, int role) const {
    const AuditEntry* found = rowAt(index);
    if (!found)
        return {};
    const AuditEntry& entry = *found;
    if (role == IdRole)
        return static_cast<qlonglong>(entry.seq);
    if (role == Qt::ToolTipRole)
        return tr("%1 %2 %3\n%4\nHash %5\nPrevious %6")
            .arg(fromStd(entry.op), fromStd(entry.table), fromStd(entry.rowId),
                 fromStd(entry.rowJson), fromStd(entry.hash), fromStd(entry.prevHash));
    if (role != Qt::DisplayRole && role != SortRole)
        return RegistryTableModel::data(index, role);
    switch (index.column()) {
    case Seq:
        return static_cast<qlonglong>(entry.seq);
    case Time:
        return role == SortRole ? fromStd(entry.at) : localTime(entry.at);
    case Operation:
        return role == SortRole ? fromStd(entry.op) : operationInWords(entry.op);
    case Table:
        return fromStd(entry.table);
    case Row:
        return fromStd(entry.rowId);
    case Hash:
        return role == SortRole ? fromStd(entry.hash) : shortHash(entry.hash) + "…";
    default:
        return {};
    }
}

} // namespace accord::ui
