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

std::string entryHash(const AuditEntry& e) {
    return sha256Hex(e.prevHash + "\n" + std::to_string(e.seq) + "\n" + e.at + "\n" + e.op + "\n" +
                     e.table + "\n" + e.rowId + "\n" + e.rowJson);
}

} // namespace

json Registry::Impl::readRow(const std::string& table, const std::string& id) const {
    auto statement = prepare("SELECT * FROM " + table + " WHERE id = ?");
    statement->bind(1, id);
    if (!statement->step())
        throw IntegrityError(path + ": " + table + " row " + id + " vanished while writing");
    return statement->rowAsJson();
}

void Registry::Impl::logRow(const std::string& op, const std::string& table,
                            const std::string& id) {
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
    entry.rowJson = readRow(table, id).dump();
    entry.hash = entryHash(entry);
    prepare("INSERT INTO audit_log (seq, at, op, tbl, row_id, row, prev_hash, hash) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
        ->bind(1, entry.seq)
        .bind(2, entry.at)
        .bind(3, entry.op)
        .bind(4, entry.table)
        .bind(5, entry.rowId)
        .bind(6, entry.rowJson)
        .bind(7, entry.prevHash)
        .bind(8, entry.hash)
        .step();
    if (!studioSecret)
        studioSecret = loadSecretKey("studio", studioKey());
    const Bytes signature = sign(*studioSecret, headMessage(entry.seq, entry.hash));
    prepare("INSERT INTO audit_head (id, seq, hash, signature) VALUES (1, ?, ?, ?) "
            "ON CONFLICT(id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash, "
            "signature = excluded.signature")
        ->bind(1, entry.seq)
        .bind(2, entry.hash)
        .bind(3, toHex(signature))
        .step();
}

std::vector<AuditEntry> Registry::auditLog(std::optional<std::int64_t> limit) const {
    auto statement =
        impl_->prepare("SELECT seq, at, op, tbl, row_id, row, prev_hash, hash FROM "
                       "(SELECT * FROM audit_log ORDER BY seq DESC LIMIT ?) ORDER BY seq");
    statement->bind(1, limit ? *limit : std::int64_t{-1});
    std::vector<AuditEntry> entries;
    while (statement->step())
        entries.push_back({statement->integer(0), statement->text(1), statement->text(2),
                           statement->text(3), statement->text(4), statement->text(5),
                           statement->text(6), statement->text(7)});
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
    auto entries = impl_->prepare(
        "SELECT seq, at, op, tbl, row_id, row, prev_hash, hash FROM audit_log ORDER BY seq");
    std::string previous = genesisHash;
    std::int64_t expectedSeq = 1;
    while (entries->step()) {
        AuditEntry e{entries->integer(0), entries->text(1), entries->text(2), entries->text(3),
                     entries->text(4),    entries->text(5), entries->text(6), entries->text(7)};
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
        if (headSeq != report.entries || headHash != previous)
            problem("the signed audit head covers " + std::to_string(headSeq) +
                    " entries but the log holds " + std::to_string(report.entries) +
                    (headSeq > report.entries ? ": entries were removed from the end"
                                              : ": entries were added without the studio key"));
    }

    // 3. Replaying the log must rebuild every row of every registry table exactly.
    for (const auto& table : schema::auditedTables()) {
        auto& logged = expected[table];
        auto rows = impl_->prepare("SELECT * FROM " + table + " ORDER BY rowid");
        while (rows->step()) {
            json actual = rows->rowAsJson();
            const std::string id = actual.value("id", std::string());
            const auto found = logged.find(id);
            if (found == logged.end()) {
                problem(table + " row " + id +
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
    return report;
}

} // namespace accord
