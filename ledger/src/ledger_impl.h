#pragma once

// What ledger.cpp, records.cpp and catalogue.cpp share: the connection behind a Ledger and the
// reading of verified statement rows.

#include "postgres.h"

#include "accord/ledger/ledger.h"

#include <string>
#include <vector>

namespace accord::ledger {

struct Ledger::Impl {
    explicit Impl(const std::string& url) : connection(url) {}
    mutable pq::Connection connection;
};

namespace detail {

// The statement columns verifiedRows reads, of the table named `alias`.
std::string columns(const std::string& alias);
// Reads rows of `columns(...)`, verifying each: its id is its text's hash, its signature is the
// key it names, and the server's index columns say what the text says.
std::vector<LedgerEntry> verifiedRows(const pq::Result& rows, const std::string& url);
// `keys` as one text[] parameter.
std::string keysParam(const std::vector<std::string>& keys);

} // namespace detail

} // namespace accord::ledger
