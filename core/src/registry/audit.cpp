// The audit_log and audit_head tables: the hash chain every write appends to, its signed head,
// and verifyAudit, which replays the chain against every table.

#include "registry_impl.h"

#include "accord/core/errors.h"
#include "accord/core/files.h"
#include "schema.h"

#include <algorithm>
#include <map>
#include <unordered_map>

namespace accord {

using nlohmann::json;

namespace {

const std::string genesisHash(64, '0');

std::string headMessage(std::int64_t seq, const std::string& hash) {
    return "accord-audit-head\n" + std::to_string(seq) + "\n" + hash;
}

// The columns of audit_log, in the order of AuditEntry's members.
constexpr const char* entryColumns = "seq, at, op, tbl, row_id, row, prev_hash, hash";

AuditEntry entryFrom(const sqlite::Statement& s) {
    return {s.integer(0), s.text(1), s.text(2), s.text(3),
            s.text(4),    s.text(5), s.text(6), s.text(7)};
}

std::string entryHash(const AuditEntry& e) {
    return sha256Hex(e.prevHash + "\n" + std::to_string(e.seq) + "\n" + e.at + "\n" + e.op + "\n" +
                     e.table + "\n" + e.rowId + "\n" + e.rowJson);
}

} // namespace

void Registry::Impl::insertAndLog(const std::string& op, const std::string& table,
                                  const std::string& id, Columns columns) {
    std::string names = "id", places = "?";
    for (const auto& column : columns) {
        names += std::string(", ") + column.first;
        places += ", ?";
    }
    auto statement = prepare("INSERT INTO " + table + " (" + names + ") VALUES (" + places + ")");
    statement->bind(1, id);
    int index = 2;
    for (const auto& column : columns)
        column.second.bindTo(*statement, index++);
    statement->step();
    logRow(op, table, id);
}

void Registry::Impl::updateAndLog(const std::string& op, const std::string& table,
                                  const std::string& id, Columns columns) {
    std::string assignments;
    for (const auto& column : columns)
        assignments += std::string(assignments.empty() ? "" : ", ") + column.first + " = ?";
    auto statement = prepare("UPDATE " + table + " SET " + assignments + " WHERE id = ?");
    int index = 1;
    for (const auto& column : columns)
        column.second.bindTo(*statement, index++);
    statement->bind(index, id);
    statement->step();
    logRow(op, table, id);
}

void Registry::Impl::logRow(const std::string& op, const std::string& table,
                            const std::string& id) {
    auto row = prepare("SELECT * FROM " + table + " WHERE id = ?");
    row->bind(1, id);
    if (!row->step())
        throw IntegrityError(path + ": " + table + " row " + id + " vanished while writing");
    AuditEntry entry;
    auto head = prepare("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1");
    entry.prevHash = genesisHash;
    if (head->step()) {
        entry.seq = head->integer(0) + 1;
        entry.prevHash = head->text(1);
    } else {
        entry.seq = 1;
    }
    entry.at = formatIsoTime(currentTime());
    entry.op = op;
    entry.table = table;
    entry.rowId = id;
    entry.rowJson = row->rowAsJson().dump();
    entry.hash = entryHash(entry);
    prepare(std::string("INSERT INTO audit_log (") + entryColumns +
            ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
        ->bind(1, entry.seq)
        .bind(2, entry.at)
        .bind(3, entry.op)
        .bind(4, entry.table)
        .bind(5, entry.rowId)
        .bind(6, entry.rowJson)
        .bind(7, entry.prevHash)
        .bind(8, entry.hash)
        .step();
    const Bytes signature = sign(studioSecretKey(), headMessage(entry.seq, entry.hash));
    prepare("INSERT INTO audit_head (id, seq, hash, signature) VALUES (1, ?, ?, ?) "
            "ON CONFLICT(id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash, "
            "signature = excluded.signature")
        ->bind(1, entry.seq)
        .bind(2, entry.hash)
        .bind(3, toHex(signature))
        .step();
}

std::vector<AuditEntry> Registry::auditLog(std::optional<std::int64_t> limit) const {
    auto statement = impl_->prepare(std::string("SELECT ") + entryColumns +
                                    " FROM (SELECT * FROM audit_log ORDER BY seq DESC LIMIT ?) "
                                    "ORDER BY seq");
    statement->bind(1, limit ? *limit : std::int64_t{-1});
    std::vector<AuditEntry> entries;
    while (statement->step())
        entries.push_back(entryFrom(*statement));
    return entries;
}

AuditReport Registry::verifyAudit() const {
    AuditReport report;
    auto problem = [&](std::string text) {
        report.intact = false;
        report.problems.push_back(std::move(text));
    };

    // 1. The chain: contiguous, linked, each entry's hash over its content.
    struct Logged {
        json row;
        std::int64_t seq;
    };
    std::map<std::string, std::unordered_map<std::string, Logged>> expected;
    auto entries =
        impl_->prepare(std::string("SELECT ") + entryColumns + " FROM audit_log ORDER BY seq");
    std::string previous = genesisHash;
    std::int64_t expectedSeq = 1;
    while (entries->step()) {
        const AuditEntry e = entryFrom(*entries);
        ++report.entries;
        const std::string label =
            "audit log entry " + std::to_string(e.seq) + " (" + e.op + " " + e.rowId + ")";
        if (e.seq != expectedSeq)
            problem("audit log entries " + std::to_string(expectedSeq) + ".." +
                    std::to_string(e.seq - 1) + " are missing (deleted from the log)");
        if (entryHash(e) != e.hash)
            problem(label + " was altered: its hash does not match its content");
        else if (e.prevHash != previous)
            problem(label + " does not follow the entry before it: an entry was inserted, "
                            "removed or rewritten");
        previous = e.hash;
        expectedSeq = e.seq + 1;
        try {
            expected[e.table][e.rowId] = {json::parse(e.rowJson), e.seq};
        } catch (const json::exception&) {
            problem(label + " holds a row that is not valid JSON");
        }
    }

    // 2. The signed head: nothing was cut from the end and the chain is the studio's.
    auto head = impl_->prepare("SELECT seq, hash, signature FROM audit_head WHERE id = 1");
    if (!head->step()) {
        problem("the signed audit head is missing");
    } else {
        const std::int64_t headSeq = head->integer(0);
        const std::string headHash = head->text(1);
        bool signatureOk = false;
        try {
            std::string studioKey = impl_->studioKey();
            const std::string keyFile = impl_->keyFile("studio");
            if (fileExists(keyFile)) // the key on this machine outranks the copy in the file
                studioKey = toHex(impl_->loadSecretKey("studio", studioKey).data() + 32, 32);
            signatureOk =
                verifySignature(fromHex(studioKey, "studio key"), headMessage(headSeq, headHash),
                                fromHex(head->text(2), "audit head signature"));
        } catch (const Error& e) {
            problem(std::string("the studio key cannot check the audit head: ") + e.what());
        }
        if (!signatureOk)
            problem("the audit head's signature is not the studio's: the head was rewritten");
        if (headSeq != report.entries)
            problem("the signed audit head covers " + std::to_string(headSeq) +
                    " entries but the log holds " + std::to_string(report.entries) +
                    (headSeq > report.entries ? ": entries were removed from the end"
                                              : ": entries were added without the studio key"));
        else if (headHash != previous)
            problem("the signed audit head names another last entry than the log's entry " +
                    std::to_string(headSeq) +
                    ": the end of the log was rewritten after it was "
                    "signed");
    }

    // 3. Replaying the log must rebuild every row of every registry table exactly. A row is
    // named by its id; one whose id is not text (NULL, a number: written outside Accord) by its
    // position in the table.
    for (const auto& table : schema::auditedTables()) {
        auto& logged = expected[table];
        auto rows =
            impl_->prepare("SELECT rowid AS accord_rowid, * FROM " + table + " ORDER BY rowid");
        while (rows->step()) {
            json actual = rows->rowAsJson();
            const std::int64_t position = actual.value("accord_rowid", std::int64_t(0));
            actual.erase("accord_rowid");
            const auto idColumn = actual.find("id");
            const bool named = idColumn != actual.end() && idColumn->is_string();
            const std::string id = named ? idColumn->get<std::string>() : std::string();
            const auto found = named ? logged.find(id) : logged.end();
            if (found == logged.end()) {
                problem(table + " row " +
                        (named ? id
                               : "at position " + std::to_string(position) + " (its id is " +
                                     (idColumn == actual.end() ? "missing" : idColumn->dump()) +
                                     ")") +
                        " is not in the audit log: it was inserted outside Accord");
                continue;
            }
            std::vector<std::string> changed;
            for (const auto& [column, value] : actual.items())
                if (!found->second.row.contains(column) || found->second.row[column] != value)
                    changed.push_back(column + " is " + value.dump() + ", the log says " +
                                      found->second.row.value(column, json()).dump());
            if (!changed.empty()) {
                std::string text = table + " row " + id + " was changed outside Accord: ";
                for (std::size_t i = 0; i < changed.size(); ++i)
                    text += (i ? "; " : "") + changed[i];
                problem(text);
            }
            logged.erase(found);
        }
        std::vector<std::pair<std::int64_t, std::string>> missing;
        for (const auto& [id, entry] : logged)
            missing.emplace_back(entry.seq, id);
        std::sort(missing.begin(), missing.end());
        for (const auto& [seq, id] : missing)
            problem(table + " row " + id + " was deleted (logged by audit entry " +
                    std::to_string(seq) + ")");
    }

    // 4. Every signed grant statement still says what its grant says, signed by its holder.
    impl_->checkGrantStatements(problem);
    return report;
}

} // namespace accord
