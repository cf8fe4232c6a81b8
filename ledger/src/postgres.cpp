#include "postgres.h"

#include "accord/core/errors.h"

#include <libpq-fe.h>

#include <cstdlib>

namespace accord::ledger::pq {

namespace {

// libpq's message, first line only ("connection to server on socket ... failed: ...").
std::string firstLine(const char* message) {
    std::string text = message ? message : "";
    if (const auto end = text.find('\n'); end != std::string::npos)
        text.resize(end);
    return text;
}

} // namespace

Result::Result(pg_result* result) : result_(result) {}
Result::~Result() {
    if (result_)
        PQclear(result_);
}
Result::Result(Result&& other) noexcept : result_(other.result_) {
    other.result_ = nullptr;
}

int Result::rows() const {
    return PQntuples(result_);
}
bool Result::isNull(int row, int column) const {
    return PQgetisnull(result_, row, column) != 0;
}
std::string Result::text(int row, int column) const {
    return std::string(PQgetvalue(result_, row, column),
                       static_cast<std::size_t>(PQgetlength(result_, row, column)));
}
std::optional<std::string> Result::optionalText(int row, int column) const {
    if (isNull(row, column))
        return std::nullopt;
    return text(row, column);
}
std::int64_t Result::integer(int row, int column) const {
    const char* value = PQgetvalue(result_, row, column);
    if (PQfformat(result_, column) == 0)
        return std::strtoll(value, nullptr, 10);
    // Binary: big-endian two's complement of the column's width (2, 4 or 8 bytes).
    const int bytes = PQgetlength(result_, row, column);
    std::uint64_t bits = 0;
    for (int i = 0; i < bytes; ++i)
        bits = bits << 8 | static_cast<unsigned char>(value[i]);
    const int unused = 64 - 8 * bytes;
    return unused > 0 ? static_cast<std::int64_t>(bits << unused) >> unused
                      : static_cast<std::int64_t>(bits);
}
long Result::affected() const {
    const char* count = PQcmdTuples(result_);
    return count && *count ? std::stol(count) : 0;
}

Connection::Connection(const std::string& url) : url_(url) {
    // A server that does not answer is given 10 s, not the operating system's minutes, so an
    // offline studio learns it soon; a connect_timeout in the URL wins (it comes later).
    const char* keywords[] = {"connect_timeout", "dbname", nullptr};
    const char* values[] = {"10", url.c_str(), nullptr};
    connection_ = PQconnectdbParams(keywords, values, 1);
    if (!connection_ || PQstatus(connection_) != CONNECTION_OK) {
        const std::string why = firstLine(connection_ ? PQerrorMessage(connection_) : "no memory");
        if (connection_)
            PQfinish(connection_);
        throw BadInput(url + ": the ledger server cannot be reached (" + why + ")");
    }
    // Notices (e.g. "relation already exists, skipping") are not the user's concern.
    PQsetNoticeProcessor(
        connection_, [](void*, const char*) {}, nullptr);
}

Connection::~Connection() {
    PQfinish(connection_);
}

void Connection::inTransaction(const std::function<void()>& body) {
    exec("BEGIN");
    try {
        body();
        exec("COMMIT");
    } catch (...) {
        try {
            exec("ROLLBACK");
        } catch (const Error&) {
            // The connection is gone: the server rolled back.
        }
        throw;
    }
}

Result Connection::exec(const std::string& sql, const std::vector<Param>& params) {
    return run(sql, params, 0);
}

Result Connection::execBinary(const std::string& sql, const std::vector<Param>& params) {
    return run(sql, params, 1);
}

Result Connection::run(const std::string& sql, const std::vector<Param>& params, int resultFormat) {
    std::vector<const char*> values;
    values.reserve(params.size());
    for (const Param& p : params)
        values.push_back(p ? p->c_str() : nullptr);
    // Without parameters, PQexec: it runs a script of several statements (a migration).
    pg_result* raw = params.empty() && resultFormat == 0
                         ? PQexec(connection_, sql.c_str())
                         : PQexecParams(connection_, sql.c_str(), static_cast<int>(values.size()),
                                        nullptr, values.data(), nullptr, nullptr, resultFormat);
    Result result(raw);
    const ExecStatusType status = raw ? PQresultStatus(raw) : PGRES_FATAL_ERROR;
    if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK)
        return result;
    if (PQstatus(connection_) != CONNECTION_OK)
        throw BadInput(url_ + ": the connection to the ledger server was lost (" +
                       firstLine(PQerrorMessage(connection_)) +
                       "); what was not committed is not stored: run the command again");
    throw BadInput(url_ + ": the ledger server refused a request (" +
                   firstLine(raw ? PQresultErrorMessage(raw) : PQerrorMessage(connection_)) + ")");
}

std::string arrayLiteral(const std::vector<Param>& values) {
    std::string literal = "{";
    for (std::size_t i = 0; i < values.size(); ++i) {
        if (i)
            literal += ',';
        if (!values[i]) {
            literal += "NULL";
            continue;
        }
        literal += '"';
        for (char c : *values[i]) {
            if (c == '"' || c == '\\')
                literal += '\\';
            literal += c;
        }
        literal += '"';
    }
    return literal + "}";
}

} // namespace accord::ledger::pq
