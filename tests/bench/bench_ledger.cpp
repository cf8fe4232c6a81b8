// The shared consent ledger on a real throwaway PostgreSQL cluster (docs/LEDGER.md "Measured"):
// the push rate with every statement verified on its way in, beside PostgreSQL's own COPY of the
// same rows with no verification (psql \copy: the plain alternative, the floor of what loading
// costs); the latency of a studio's pull (rows read and verified) with N relevant statements
// among M; the time of one recording's history. Sizes: ACCORD_BENCH_LEDGER_STATEMENTS (default
// 100,000) and ACCORD_BENCH_LEDGER_RELEVANT (default 10,000); ACCORD_BENCH_LEDGER_FILLER more
// rows of other holders and recordings made by the server itself (generate_series: well-formed,
// unsigned, never read by the queries measured) so that M can reach millions quickly, loaded as a
// bulk load is (indexes dropped, rows in batches, indexes built again, VACUUM ANALYZE). A rising
// list ("5000000,9900000") makes one database per size on the same server, each holding the same
// signed statements, and times the pull and the history on them in turn, round after round, so
// that every size is measured under the same load of this shared machine (docs/LEDGER.md
// "Measured").
// Models (docs/LEDGER.md "Models, packs and manifests"): ACCORD_BENCH_LEDGER_MODELS model records
// (default 10,000), each trained under four of the grants, and one export manifest naming each,
// pushed verified; ACCORD_BENCH_LEDGER_RECORD_FILLER server-made records of other models; then
// `ledger query --model` (records, their grants and the revocations, all read and verified) beside
// the server's own time for the same lookup with its index and without it (a table scan).

#include "accord/core/crypto.h"
#include "accord/core/provenance.h"
#include "accord/core/time.h"
#include "accord/ledger/ledger.h"
#include "accord/ledger/records.h"
#include "bench_common.h"
#include "postgres_cluster.h"

#include <nlohmann/json.hpp>

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <cstdlib>
#include <thread>

using namespace accord;
using namespace accord::bench;

namespace {

struct Signer {
    KeyPair keys;
    std::string publicKey;
};

// A grant statement in the form Accord signs (core/src/registry/grant_statements.cpp) on one of
// the holder's recordings, or its revocation.
ledger::SignedStatement grantStatement(const Signer& holder, const std::string& studio,
                                       std::size_t n) {
    const nlohmann::json statement = {
        {"format", "accord-grant-1"},
        {"grant", "g-" + std::to_string(n)},
        {"studio", studio},
        {"holder", holder.publicKey},
        {"scope", "export"},
        {"asset",
         {{"pcmSha256", sha256Hex("pcm" + std::to_string(n))},
          {"fileSha256", sha256Hex("file" + std::to_string(n))}}},
        {"to", nullptr},
        {"share", double(n % 100)},
        {"commercial", n % 2 == 0},
        {"licence", ""},
        {"attribution", ""},
        {"expires", nullptr},
        {"created", formatIsoTime(1780000000 + static_cast<UnixTime>(n))}};
    const std::string text = statement.dump();
    return {text, toHex(sign(holder.keys.secretKey, text))};
}

ledger::SignedStatement revocationOf(const Signer& holder, const std::string& studio, std::size_t n,
                                     const ledger::SignedStatement& grant) {
    const nlohmann::json statement = {{"format", "accord-revocation-1"},
                                      {"grant", "g-" + std::to_string(n)},
                                      {"studio", studio},
                                      {"holder", holder.publicKey},
                                      {"grantStatementSha256", sha256Hex(grant.statement)},
                                      {"revoked", formatIsoTime(1790000000)},
                                      {"reason", "bench"}};
    const std::string text = statement.dump();
    return {text, toHex(sign(holder.keys.secretKey, text))};
}

// psql's COPY text format: tab-separated, backslash escapes.
std::string copyField(const std::string& text) {
    std::string out;
    for (char c : text) {
        if (c == '\\' || c == '\t' || c == '\n')
            out += '\\';
        out += c == '\t' ? 't' : c == '\n' ? 'n' : c;
    }
    return out;
}

// A model record of model `m`, trained under `grants`, signed by the studio.
ledger::SignedRecord modelRecord(const KeyPair& studio, std::size_t m, const std::string& owner,
                                 const std::vector<const ledger::SignedStatement*>& grants) {
    ledger::ModelRecord record{
        toHex(studio.publicKey),  "voice", sha256Hex("weights" + std::to_string(m)), owner, {},
        formatIsoTime(1780000000)};
    for (const ledger::SignedStatement* grant : grants)
        record.training.push_back(
            {readGrantStatement(grant->statement, "bench").assetPcmSha256.value_or(""),
             ledger::statementId(grant->statement)});
    const std::string text = ledger::recordText(record);
    return {text, toHex(sign(studio.secretKey, text))};
}

// An export's manifest in the shape Accord signs (core/src/provenance.cpp) whose lineage names
// model `m`, signed by the studio.
ledger::SignedRecord manifestRecord(const KeyPair& studio, std::size_t m,
                                    const std::string& owner) {
    const std::string key = toHex(studio.publicKey);
    const nlohmann::json part = {{"generated", false}, {"models", nlohmann::json::array()}};
    nlohmann::json manifest = {
        {"format", "accord-manifest"},
        {"signer", {{"holder", nullptr}, {"name", "studio"}, {"publicKey", key}}},
        {"content", {{"pcmSha256", sha256Hex("mix" + std::to_string(m))}}},
        {"render", "r-" + std::to_string(m)},
        {"lineage",
         {{"assets", nlohmann::json::array()},
          {"models",
           {{{"model", "m-" + std::to_string(m)},
             {"owner", owner},
             {"weightsSha256", sha256Hex("weights" + std::to_string(m))},
             {"training", nlohmann::json::array()}}}},
          {"renders", nlohmann::json::array()}}},
        {"grants", nlohmann::json::array()},
        {"watermarks", nlohmann::json::array()},
        {"split", {{"method", "equal"}, {"shares", nlohmann::json::array()}}},
        {"disclosure", {{"vocals", part}, {"instrumentation", part}, {"composition", part}}},
        {"studio", {{"publicKey", key}}}};
    manifest["signature"] = toHex(sign(studio.secretKey, manifestSignedMessage(manifest)));
    return {manifest.dump(), manifest["signature"].get<std::string>()};
}

// Loads the server-made rows `first`..`last` into `table` of `database` as a bulk load is done on
// PostgreSQL (docs/LEDGER.md "Measured"): the table's indexes and its primary key dropped, the rows
// inserted in batches of a million, each its own transaction and psql call (so no client timeout
// bounds the whole), the indexes built again from the table's own definitions, then VACUUM
// ANALYZE as autovacuum would after a load this size. `insertRows(first, last)` is the INSERT of
// rows first..last. Prints each step's time; false when a step fails.
bool bulkLoad(const accord::test::PostgresCluster& cluster, const QString& database,
              const QString& table, std::size_t firstRow, std::size_t lastRow,
              const std::function<QString(std::size_t, std::size_t)>& insertRows) {
    const auto psql = [&](const QString& sql, int timeoutMs = 10 * 60 * 1000) {
        return cluster.psql(sql, timeoutMs, database);
    };
    constexpr int kNoTimeout = -1;
    // Each index as "how to drop it|how to make it again", the primary key's through its
    // constraint.
    const QString definitions = psql(
        QString("SELECT format('ALTER TABLE %1 DROP CONSTRAINT %I', conname), "
                "format('ALTER TABLE %1 ADD CONSTRAINT %I %s', conname, "
                "pg_get_constraintdef(oid)) FROM pg_constraint WHERE conrelid = '%1'::regclass "
                "AND contype IN ('p', 'u') UNION ALL SELECT format('DROP INDEX %I', i.relname), "
                "pg_get_indexdef(i.oid) FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid "
                "WHERE x.indrelid = '%1'::regclass AND NOT EXISTS (SELECT 1 FROM pg_constraint "
                "c WHERE c.conindid = x.indexrelid)")
            .arg(table));
    std::vector<std::pair<QString, QString>> indexes;
    for (const QString& line : definitions.split('\n', Qt::SkipEmptyParts))
        indexes.push_back({line.section('|', 0, 0), line.section('|', 1)});
    for (const auto& index : indexes)
        if (psql(index.first).isNull()) {
            std::printf("  could not drop an index for the load: %s\n", qPrintable(index.first));
            return false;
        }
    constexpr std::size_t kBatch = 1000000;
    bool stored = true;
    const double inserted = secondsOf([&] {
        for (std::size_t first = firstRow; first <= lastRow && stored; first += kBatch) {
            const std::size_t last = std::min(first + kBatch - 1, lastRow);
            stored = !psql(insertRows(first, last), kNoTimeout).isNull();
            if (!stored)
                std::printf("  the rows %zu to %zu were not stored\n", first, last);
        }
    });
    if (!stored)
        return false;
    const std::size_t rows = lastRow + 1 - firstRow;
    std::printf("  + %zu rows into %s of %s (server-made, indexes dropped): %.0f s, %.0f rows/s\n",
                rows, qPrintable(table), qPrintable(database), inserted, double(rows) / inserted);
    for (const auto& index : indexes) {
        bool made = false;
        const double built = secondsOf([&] {
            made =
                !psql("SET maintenance_work_mem = '512MB'; " + index.second, kNoTimeout).isNull();
        });
        if (!made) {
            std::printf("  could not build again: %s\n", qPrintable(index.second));
            return false;
        }
        std::printf("    built in %.0f s: %s\n", built, qPrintable(index.second));
    }
    const double vacuumed = secondsOf([&] { psql("VACUUM ANALYZE " + table, kNoTimeout); });
    std::printf("    VACUUM ANALYZE %s: %.0f s\n", qPrintable(table), vacuumed);
    return true;
}

// The server's own execution time of `sql` (EXPLAIN ANALYZE), in ms.
double serverMs(const accord::test::PostgresCluster& server, const QString& sql) {
    const QString plan = server.psql("EXPLAIN (ANALYZE, FORMAT JSON) " + sql);
    return nlohmann::json::parse(plan.toStdString()).at(0).at("Execution Time").get<double>();
}

// The machine is shared: the load says how far the figures are from an idle one's.
void printLoad() {
    double load[1] = {0};
    if (getloadavg(load, 1) == 1)
        std::printf("  load average now: %.1f on %u cores\n", load[0],
                    std::thread::hardware_concurrency());
}

} // namespace

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    // Line by line: a run of an hour shows its figures as they come, and keeps them if stopped.
    std::setvbuf(stdout, nullptr, _IOLBF, 0);
    const auto total = static_cast<std::size_t>(envNumber("ACCORD_BENCH_LEDGER_STATEMENTS", 1e5));
    const auto relevant = static_cast<std::size_t>(envNumber("ACCORD_BENCH_LEDGER_RELEVANT", 1e4));
    const std::size_t holders = 1000; // statements round-robin over them
    std::printf("Ledger benchmark: %zu statements (every tenth a revocation) by %zu holders; a "
                "studio with %zu relevant\n",
                total, holders, relevant);

    accord::test::PostgresCluster server;
    if (const QString why = server.start(); !why.isEmpty()) {
        std::printf("  no PostgreSQL server here: %s\n", qPrintable(why));
        return 1;
    }
    const KeyPair studioKeys = generateKeyPair();
    const std::string studio = toHex(studioKeys.publicKey);
    std::vector<Signer> signers(holders);
    for (Signer& s : signers) {
        s.keys = generateKeyPair();
        s.publicKey = toHex(s.keys.publicKey);
    }
    std::vector<ledger::SignedStatement> statements;
    std::vector<std::size_t> grantsAt; // where the grants are among the statements
    statements.reserve(total);
    const double made = secondsOf([&] {
        for (std::size_t n = 0; statements.size() < total; ++n) {
            const Signer& holder = signers[n % holders];
            grantsAt.push_back(statements.size());
            statements.push_back(grantStatement(holder, studio, n));
            if (n % 9 == 8 && statements.size() < total)
                statements.push_back(revocationOf(holder, studio, n, statements.back()));
        }
    });
    std::printf("  made and signed in %.1f s\n", made);

    const std::size_t batch = 1000;
    const double verifyOnly = secondsOf([&] {
        for (const auto& s : statements)
            ledger::verifyStatement(s, "bench");
    });
    auto ledger = ledger::Ledger::connect(server.url().toStdString());
    const double pushed = secondsOf([&] {
        for (std::size_t i = 0; i < statements.size(); i += batch)
            ledger->publish(
                {statements.begin() + static_cast<std::ptrdiff_t>(i),
                 statements.begin() + static_cast<std::ptrdiff_t>(std::min(i + batch, total))});
    });
    const auto count = static_cast<std::size_t>(ledger->statementCount());
    std::printf("  push (verified, batches of %zu):      %9.0f statements/s  (%.1f s; %zu "
                "stored)\n",
                batch, double(total) / pushed, pushed, count);
    std::printf("    verification alone, one core:        %9.0f statements/s  (%.1f s)\n",
                double(total) / verifyOnly, verifyOnly);

    // The plain alternative: the same rows loaded by psql \copy into a table of the same shape,
    // nothing verified.
    const std::string rows = scratchFolder("accord-bench-ledger") + "/rows.tsv";
    {
        QFile file(QString::fromStdString(rows));
        file.open(QIODevice::WriteOnly);
        for (const auto& s : statements) {
            const GrantStatementFields f = readGrantStatement(s.statement, "bench");
            const std::string line = f.holder + '\t' + ledger::statementId(s.statement) + '\t' +
                                     (f.revocation ? "revocation" : "grant") + '\t' +
                                     copyField(s.statement) + '\t' + s.signature + '\t' + f.studio +
                                     '\t' + (f.revocation ? "\\N" : *f.assetPcmSha256) + "\t\\N\t" +
                                     (f.revocation ? f.grantStatementSha256 : "\\N") + "\n";
            file.write(line.data(), static_cast<qint64>(line.size()));
        }
    }
    server.psql("CREATE TABLE plain_copy (LIKE ledger_statements INCLUDING ALL)");
    const double copied = secondsOf([&] {
        server.psql(QString("\\copy plain_copy (holder_key, id, kind, statement, signature, "
                            "studio_key, asset_pcm_sha256, grantee_key, revokes) FROM '%1'")
                        .arg(QString::fromStdString(rows)));
    });
    QFile::remove(QString::fromStdString(rows));
    QDir().rmdir(QFileInfo(QString::fromStdString(rows)).path());
    std::printf("  psql \\copy, same rows, not verified:  %9.0f statements/s  (%.1f s; %s "
                "stored)\n",
                double(total) / copied, copied,
                qPrintable(server.psql("SELECT count(*) FROM plain_copy")));
    std::printf("  to 1,000,000 statements at these rates: push %.0f s, \\copy %.0f s\n",
                1e6 * pushed / double(total), 1e6 * copied / double(total));
    server.psql("DROP TABLE plain_copy"); // not copied into the larger ledgers below

    // One database per size: the first holds the signed statements and the first filler; each
    // next one starts as a copy of the one before (CREATE DATABASE ... TEMPLATE, a file copy) and
    // takes the rows the size adds, so the signed statements are pushed once and no filler row is
    // made twice. All are served by one server, so they share its memory and the machine's load.
    const std::vector<double> fillers = envNumbers("ACCORD_BENCH_LEDGER_FILLER", "0");
    std::vector<QString> databases;
    for (std::size_t i = 0; i < fillers.size(); ++i) {
        const auto from = i == 0 ? std::size_t(0) : static_cast<std::size_t>(fillers[i - 1]);
        const auto filler = static_cast<std::size_t>(fillers[i]);
        databases.push_back(i == 0 ? QString("postgres") : QString("ledger_%1").arg(filler));
        if (i > 0) {
            ledger.reset(); // a template database must have no one connected
            bool copied = false;
            const double copying = secondsOf([&] {
                // Autovacuum may be visiting the template: a copy waits for no one.
                for (int attempt = 0; attempt < 5 && !copied; ++attempt) {
                    server.psql(QString("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                        "WHERE datname = '%1'")
                                    .arg(databases[i - 1]),
                                -1, "template1");
                    copied = !server
                                  .psql(QString("CREATE DATABASE %1 TEMPLATE %2 STRATEGY "
                                                "FILE_COPY")
                                            .arg(databases[i], databases[i - 1]),
                                        -1, "template1")
                                  .isNull();
                }
            });
            if (!copied) {
                std::printf("  could not copy %s into %s\n", qPrintable(databases[i - 1]),
                            qPrintable(databases[i]));
                return 1;
            }
            std::printf("  %s copied from %s in %.0f s\n", qPrintable(databases[i]),
                        qPrintable(databases[i - 1]), copying);
        }
        if (filler == from) {
            // Statistics, as autovacuum gathers them on a live server after a load this size:
            // without them the planner guesses and scans the table for a recording's revocations.
            server.psql("ANALYZE ledger_statements", -1, databases[i]);
            continue;
        }
        // Well-formed as the table's checks demand (id = hash of the text, index columns = its
        // JSON), unsigned: no query measured here reads them.
        const bool loaded = bulkLoad(
            server, databases[i], "ledger_statements", from + 1, filler,
            [](std::size_t first, std::size_t last) {
                return QString("INSERT INTO ledger_statements (holder_key, id, kind, statement, "
                               "signature, studio_key, asset_pcm_sha256) SELECT h, "
                               "encode(sha256(convert_to(st, 'UTF8')), 'hex'), 'grant', st, "
                               "repeat('0', 128), 'filler', a FROM (SELECT h, a, "
                               "json_build_object('format', 'accord-grant-1', 'holder', h, "
                               "'studio', 'filler', 'asset', json_build_object('pcmSha256', a), "
                               "'n', i)::text AS st FROM (SELECT i, encode(sha256(('h' || mod(i, "
                               "100000))::bytea), 'hex') AS h, encode(sha256(('a' || i)::bytea), "
                               "'hex') AS a FROM generate_series(%1, %2) i) k) s")
                    .arg(first)
                    .arg(last);
            });
        const QString stored =
            server.psql("SELECT count(*) FROM ledger_statements", -1, databases[i]);
        if (!loaded || stored != QString::number(total + filler)) {
            std::printf("  the filler rows were not stored (%s)\n", qPrintable(stored));
            return 1;
        }
        std::printf("  ledger_statements of %s: %s rows, %s on disk\n", qPrintable(databases[i]),
                    qPrintable(stored),
                    qPrintable(server.psql(
                        "SELECT pg_size_pretty(pg_total_relation_size('ledger_statements'))", -1,
                        databases[i])));
    }
    std::vector<std::unique_ptr<ledger::Ledger>> ledgers;
    for (const QString& database : databases)
        ledgers.push_back(ledger::Ledger::connect(server.url(database).toStdString()));

    // A studio whose holders signed `relevant` of the statements.
    ledger::Interest interest;
    std::size_t mine = 0;
    for (std::size_t h = 0; h < holders && mine < relevant; ++h) {
        interest.holderKeys.push_back(signers[h].publicKey);
        mine += total / holders;
    }
    const std::string asset = sha256Hex("pcm" + std::to_string(holders * 3 + 5)); // revoked
    // Round after round, each size in turn: a change of load reaches every size alike.
    std::vector<std::vector<double>> pulls(ledgers.size()), histories(ledgers.size());
    std::vector<std::size_t> read(ledgers.size()), lines(ledgers.size());
    for (int round = 0; round < 5; ++round)
        for (std::size_t i = 0; i < ledgers.size(); ++i) {
            pulls[i].push_back(
                secondsOf([&] { read[i] = ledgers[i]->statementsFor(interest).size(); }));
            for (int n = 0; n < 4; ++n)
                histories[i].push_back(secondsOf(
                    [&] { lines[i] = ledgers[i]->history(ledger::Subject::Asset, asset).size(); }));
        }
    for (std::size_t i = 0; i < ledgers.size(); ++i) {
        const std::string among = std::to_string(total + static_cast<std::size_t>(fillers[i]));
        report("pull: " + std::to_string(read[i]) + " relevant of " + among + " (read + verify)",
               timingOf(pulls[i]));
        report("one recording's history (" + std::to_string(lines[i]) + " statements) among " +
                   among,
               timingOf(histories[i]));
    }
    printLoad();
    ledger = std::move(ledgers.front()); // the models below go to the first database
    // Models: each trained under four grants (those of one holder, some revoked), with an export.
    const auto models = static_cast<std::size_t>(envNumber("ACCORD_BENCH_LEDGER_MODELS", 1e4));
    std::vector<ledger::SignedRecord> records;
    for (std::size_t m = 0; m < models; ++m) {
        std::vector<const ledger::SignedStatement*> grants;
        for (std::size_t j = 0; j < 4; ++j)
            grants.push_back(&statements[grantsAt[(m * 4 + j) % grantsAt.size()]]);
        const std::string owner = signers[m % holders].publicKey;
        records.push_back(modelRecord(studioKeys, m, owner, grants));
        records.push_back(manifestRecord(studioKeys, m, owner));
    }
    const double recordsPushed = secondsOf([&] {
        for (std::size_t i = 0; i < records.size(); i += batch)
            ledger->publishRecords({records.begin() + static_cast<std::ptrdiff_t>(i),
                                    records.begin() + static_cast<std::ptrdiff_t>(
                                                          std::min(i + batch, records.size()))});
    });
    std::printf("  %zu models: records pushed (verified):  %9.0f records/s  (%.1f s)\n", models,
                double(records.size()) / recordsPushed, recordsPushed);
    const auto recordFiller =
        static_cast<std::size_t>(envNumber("ACCORD_BENCH_LEDGER_RECORD_FILLER", 0));
    if (recordFiller > 0) {
        // Well-formed as the table's checks demand, unsigned, of other models: never read below.
        const bool loaded = bulkLoad(
            server, "postgres", "ledger_records", 1, recordFiller,
            [](std::size_t first, std::size_t last) {
                return QString(
                           "INSERT INTO ledger_records (signer_key, id, kind, record, signature, "
                           "models) SELECT s, encode(sha256(convert_to(r, 'UTF8')), 'hex'), "
                           "'model', r, repeat('0', 128), jsonb_build_array(w) FROM (SELECT s, "
                           "w, json_build_object('format', 'accord-model-1', 'studio', s, "
                           "'model', json_build_object('weightsSha256', w), 'n', i)::text AS r "
                           "FROM (SELECT i, encode(sha256(('s' || mod(i, 1000))::bytea), 'hex') "
                           "AS s, encode(sha256(('w' || i)::bytea), 'hex') AS w FROM "
                           "generate_series(%1, %2) i) k) f")
                    .arg(first)
                    .arg(last);
            });
        if (!loaded)
            return 1;
    } else {
        // As autovacuum would after such a load: statistics, and the GIN index's pending
        // entries merged (until then a lookup also scans the pending list).
        server.psql("VACUUM ANALYZE ledger_records");
    }
    server.psql("ANALYZE ledger_statements");
    const std::string weights = sha256Hex("weights" + std::to_string(models / 2 + 7));
    ledger::ModelHistory modelHistory;
    const Timing byModel =
        repeat(20, [&] { modelHistory = ledger::modelHistory(*ledger, weights, currentTime()); });
    report("query --model among " +
               server.psql("SELECT count(*) FROM ledger_records").toStdString() + " records (" +
               std::to_string(modelHistory.records.size()) + " records, " +
               std::to_string(modelHistory.statements.size()) + " statements, verified)",
           byModel);
    // The server's share: the records lookup through the GIN index, then without it.
    const QString lookup = QString("SELECT * FROM ledger_records WHERE models @> "
                                   "jsonb_build_array('%1'::text)")
                               .arg(QString::fromStdString(weights));
    std::printf("    server alone, records by model (GIN index):  %9.3f ms\n",
                serverMs(server, lookup));
    std::printf("    server alone, same without the index (scan): %9.3f ms\n",
                serverMs(server, "SELECT * FROM ledger_records WHERE models::text LIKE '%" +
                                     QString::fromStdString(weights) + "%'"));

    printLoad();
    return 0;
}
