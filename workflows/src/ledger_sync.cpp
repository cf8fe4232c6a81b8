#include "accord/workflows/ledger_sync.h"

#include "ledger_records.h"

#include "accord/core/errors.h"
#include "accord/core/files.h"
#include "accord/core/json_input.h"
#include "accord/ledger/ledger.h"

#include <nlohmann/json.hpp>

#include <set>

namespace accord::workflows {

using nlohmann::json;

namespace {

constexpr const char* kStateFormat = "accord-ledger-state-1";

// Where the push cursor and the last pull per server are kept: beside the registry, not in it, as
// they are this machine's bookkeeping and not consent (docs/LEDGER.md "Push").
std::string statePath(const Registry& registry) {
    return registry.path() + ".ledger.json";
}

// The state of this registry; a fresh one when the file is absent or was kept for another
// registry once at this path (another studio key: its cursors would skip our statements).
json readState(const Registry& registry) {
    const std::string path = statePath(registry);
    const json fresh = {{"format", kStateFormat},
                        {"studio", registry.studioPublicKey()},
                        {"servers", json::object()}};
    if (!fileExists(path))
        return fresh;
    json state = parseJsonInput(readWholeFile(path), path);
    if (!state.is_object() || state.value("format", "") != kStateFormat ||
        !state.contains("servers") || !state["servers"].is_object())
        throw BadInput(path + ": not an Accord ledger state file");
    return state.value("studio", "") == registry.studioPublicKey() ? state : fresh;
}

// Private as the registry's keys are: a URL may carry a user name.
void writeState(const Registry& registry, const json& state) {
    writeFileAtomically(statePath(registry), state.dump(1) + "\n", 0600);
}

std::int64_t pushedThrough(const json& state, const std::string& url) {
    const json& servers = state.at("servers");
    if (!servers.contains(url))
        return 0;
    const json& through = servers.at(url).value("pushed_through", json(0));
    return through.is_number_integer() ? through.get<std::int64_t>() : 0;
}

} // namespace

LedgerPushed pushToLedger(const Registry& registry, const std::string& url, std::size_t batch,
                          const std::function<void(std::size_t sent)>& progress) {
    json state = readState(registry);
    const auto ledger = ledger::Ledger::connect(url);
    LedgerPushed pushed;
    std::int64_t through = pushedThrough(state, url);
    for (;;) {
        const auto next = registry.statementsAfter(through, batch);
        if (next.empty())
            break;
        std::vector<ledger::SignedStatement> statements;
        for (const SequencedStatement& s : next)
            statements.push_back({s.statement.statement, s.statement.signature});
        const ledger::Published published = ledger->publish(statements);
        // Only after the server committed: a push cut off before resends this batch.
        through = next.back().sequence;
        state["servers"][url]["pushed_through"] = through;
        state["servers"][url]["pushed_at"] = formatIsoTime(currentTime());
        writeState(registry, state);
        pushed.sent += statements.size();
        pushed.stored += published.stored;
        pushed.alreadyThere += published.alreadyThere;
        if (progress)
            progress(pushed.sent);
    }
    json& recordCursors = state["servers"][url]["records_pushed_through"];
    if (!recordCursors.is_object())
        recordCursors = json::object();
    pushed.records = pushRecords(registry, *ledger, recordCursors, batch, [&](std::size_t sent) {
        writeState(registry, state);
        if (progress)
            progress(pushed.sent + sent);
    });
    pushed.fingerprints = pushFingerprints(registry, *ledger);
    // When it last pushed, even with nothing new: the studio shows it (docs/STUDIO.md "Ledger").
    state["servers"][url]["pushed_at"] = formatIsoTime(currentTime());
    writeState(registry, state);
    return pushed;
}

LedgerPulled pullFromLedger(Registry& registry, const std::string& url) {
    json state = readState(registry);
    const auto ledger = ledger::Ledger::connect(url);
    ledger::Interest interest;
    std::set<std::string> importedHere;
    for (const Holder& h : registry.holders())
        interest.holderKeys.push_back(h.publicKey);
    for (const Asset& a : registry.assets())
        interest.assetPcmSha256s.push_back(a.pcmSha256);
    for (const Grant& g : registry.grants())
        if (g.origin) {
            interest.grantStatementIds.push_back(g.origin->statementSha256);
            importedHere.insert(g.origin->statementSha256);
        }
    const auto entries = ledger->statementsFor(interest); // verified, or nothing is applied
    LedgerPulled pulled;
    pulled.read = entries.size();
    const std::string studio = registry.studioPublicKey();
    // A grant from another studio is recorded when everyone it names is on record here, as a
    // pack's grants are (Registry::importGrant).
    auto concernsUs = [&](const GrantStatementFields& f) {
        const auto holder = registry.holderByKey(f.holder);
        if (!holder)
            return false;
        if (f.assetPcmSha256) {
            const auto asset = registry.assetByContent(*f.assetPcmSha256, f.assetFileSha256);
            if (!asset || asset->pcmSha256 != *f.assetPcmSha256 || asset->owner != holder->id)
                return false;
        }
        return !f.to || registry.holderByKey(*f.to);
    };
    registry.inOneTransaction([&] {
        for (const ledger::LedgerEntry& e : entries) {
            if (e.fields.revocation)
                continue;
            if (e.fields.studio == studio || importedHere.count(e.id))
                ++pulled.alreadyHere;
            else if (!concernsUs(e.fields))
                ++pulled.notForHere;
            else
                pulled.granted.push_back(
                    registry.importGrant(e.signedStatement.statement, e.signedStatement.signature));
        }
        for (const ledger::LedgerEntry& e : entries) {
            if (!e.fields.revocation)
                continue;
            const ImportedRevocation result =
                registry.importRevocation(e.signedStatement.statement, e.signedStatement.signature);
            switch (result.outcome) {
            case ImportedRevocation::Outcome::Applied:
                pulled.revoked.push_back(*result.grant);
                pulled.sourceRevoked.insert(pulled.sourceRevoked.end(),
                                            result.sourceRevoked.begin(),
                                            result.sourceRevoked.end());
                break;
            case ImportedRevocation::Outcome::AlreadyRevoked:
                ++pulled.alreadyHere;
                break;
            case ImportedRevocation::Outcome::NotHere:
                ++pulled.notForHere;
                break;
            }
        }
    });
    pulled.pulledAt = formatIsoTime(currentTime());
    state["servers"][url]["pulled_at"] = pulled.pulledAt;
    writeState(registry, state);
    return pulled;
}

namespace {

std::optional<std::string> lastTime(const Registry& registry, const std::string& url,
                                    const char* key) {
    const json state = readState(registry);
    const json& servers = state.at("servers");
    if (!servers.contains(url) || !servers.at(url).contains(key))
        return std::nullopt;
    return servers.at(url).at(key).get<std::string>();
}

} // namespace

std::optional<std::string> lastPulled(const Registry& registry, const std::string& url) {
    return lastTime(registry, url, "pulled_at");
}

std::optional<std::string> lastPushed(const Registry& registry, const std::string& url) {
    return lastTime(registry, url, "pushed_at");
}

} // namespace accord::workflows
