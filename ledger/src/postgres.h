#pragma once

// A thin RAII layer over libpq (docs/LEDGER.md "Client"): one connection, statements with text
// parameters, results read as text. Failures become accord errors naming the server's address.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

struct pg_conn;
struct pg_result;

namespace accord::ledger::pq {

// A parameter: text, or SQL NULL.
using Param = std::optional<std::string>;

class Result {
public:
    explicit Result(pg_result* result);
    ~Result();
    Result(Result&& other) noexcept;
    Result(const Result&) = delete;
    Result& operator=(const Result&) = delete;

    int rows() const;
    bool isNull(int row, int column) const;
    std::string text(int row, int column) const;
    std::optional<std::string> optionalText(int row, int column) const;
    // An integer column's value, read in place (no copy), as text or in binary form: a
    // catalogue lookup reads tens of thousands a query (docs/LEDGER.md "Cost per query").
    std::int64_t integer(int row, int column) const;
    // Rows an INSERT, UPDATE or DELETE touched.
    long affected() const;

private:
    pg_result* result_;
};

class Connection {
public:
    // Connects to `url` (a libpq connection URI or key=value string). Throws BadInput naming
    // `url` when the server cannot be reached.
    explicit Connection(const std::string& url);
    ~Connection();
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    const std::string& url() const { return url_; }
    // Runs one statement (parameters as $1, $2, ...), or a script of several when there are no
    // parameters. Throws BadInput naming the server when the
    // connection is lost or the server refuses.
    Result exec(const std::string& sql, const std::vector<Param>& params = {});
    // The same, the results in PostgreSQL's binary form: a bytea column's bytes as they are
    // stored, where text sends them as hexadecimal twice their size (a catalogue claim's
    // landmarks, docs/LEDGER.md "Cost per query"); text columns read the same either way.
    Result execBinary(const std::string& sql, const std::vector<Param>& params);
    // Runs `body` in one transaction: committed when it returns, rolled back when it throws (and
    // the exception goes on).
    void inTransaction(const std::function<void()>& body);

private:
    Result run(const std::string& sql, const std::vector<Param>& params, int resultFormat);

    std::string url_;
    pg_conn* connection_ = nullptr;
};

// A PostgreSQL array literal of `values` ({"a","b",NULL}), to pass a column's worth of rows as
// one parameter (`unnest($1::text[])`).
std::string arrayLiteral(const std::vector<Param>& values);

} // namespace accord::ledger::pq
