#include "accord/ledger/catalogue.h"

#include "ledger_impl.h"

#include "accord/core/crypto.h"
#include "accord/core/errors.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <tuple>

namespace accord::ledger {

using nlohmann::json;

namespace {

constexpr const char* kClaimFormat = "accord-fingerprint-1";
constexpr std::size_t kPackedLandmarkBytes = 12;

void putLittleEndian(std::string& out, std::uint32_t value, int bytes) {
    for (int i = 0; i < bytes; ++i)
        out += static_cast<char>((value >> (8 * i)) & 0xff);
}

std::uint32_t getLittleEndian(const std::string& in, std::size_t at, int bytes) {
    std::uint32_t value = 0;
    for (int i = 0; i < bytes; ++i)
        value |= std::uint32_t(static_cast<unsigned char>(in[at + std::size_t(i)])) << (8 * i);
    return value;
}

// A PostgreSQL integer array literal ({1,2,3}).
template <typename T> std::string intArray(const std::vector<T>& values) {
    std::string literal = "{";
    for (std::size_t i = 0; i < values.size(); ++i)
        literal += (i ? "," : "") + std::to_string(values[i]);
    return literal + "}";
}

} // namespace

namespace {

json lineageJson(const RenderLineage& lineage) {
    json models = json::array(), sources = json::array();
    for (const LineageModel& m : lineage.models)
        models.push_back({{"kind", m.kind},
                          {"weightsSha256", m.weightsSha256},
                          {"owner", m.ownerKey},
                          {"ownerName", m.ownerName}});
    for (const LineageSource& s : lineage.sources)
        sources.push_back(
            {{"pcmSha256", s.pcmSha256}, {"owner", s.ownerKey}, {"ownerName", s.ownerName}});
    return {{"kind", lineage.kind}, {"models", models}, {"sources", sources}};
}

RenderLineage readLineage(const json& render) {
    RenderLineage lineage{render.at("kind").get<std::string>(), {}, {}};
    for (const json& m : render.at("models"))
        lineage.models.push_back(
            {m.at("kind").get<std::string>(), m.at("weightsSha256").get<std::string>(),
             m.at("owner").get<std::string>(), m.at("ownerName").get<std::string>()});
    for (const json& s : render.at("sources"))
        lineage.sources.push_back({s.at("pcmSha256").get<std::string>(),
                                   s.at("owner").get<std::string>(),
                                   s.at("ownerName").get<std::string>()});
    return lineage;
}

} // namespace

std::string fingerprintClaimText(const FingerprintClaimFields& f) {
    json claim = {{"format", kClaimFormat},
                  {"holder", f.holder},
                  {"holderName", f.holderName},
                  {"studio", f.studio},
                  {"pcmSha256", f.pcmSha256},
                  {"seconds", f.seconds},
                  {"fingerprintVersion", f.fingerprintVersion},
                  {"landmarks", f.landmarks},
                  {"landmarksSha256", f.landmarksSha256}};
    // Only in a render's claim, so a recording's claim reads (and hashes) as before.
    if (f.render)
        claim["render"] = lineageJson(*f.render);
    return claim.dump();
}

FingerprintClaimFields readFingerprintClaim(const std::string& text, const std::string& what) {
    FingerprintClaimFields f;
    try {
        const json claim = json::parse(text);
        if (claim.value("format", "") != kClaimFormat)
            throw IntegrityError(what + " is not an Accord fingerprint claim");
        f.holder = claim.at("holder").get<std::string>();
        f.holderName = claim.at("holderName").get<std::string>();
        f.studio = claim.at("studio").get<std::string>();
        f.pcmSha256 = claim.at("pcmSha256").get<std::string>();
        f.seconds = claim.at("seconds").get<double>();
        f.fingerprintVersion = claim.at("fingerprintVersion").get<int>();
        f.landmarks = claim.at("landmarks").get<std::int64_t>();
        f.landmarksSha256 = claim.at("landmarksSha256").get<std::string>();
        if (claim.contains("render"))
            f.render = readLineage(claim.at("render"));
    } catch (const json::exception&) {
        throw IntegrityError(what + " is not a readable fingerprint claim");
    }
    // Only the canonical text is signed: anything else was changed after signing.
    if (fingerprintClaimText(f) != text)
        throw IntegrityError(what + " is not in the canonical form Accord signs");
    return f;
}

std::string packLandmarks(std::vector<IndexedLandmark> landmarks) {
    std::sort(landmarks.begin(), landmarks.end(), [](const auto& a, const auto& b) {
        return std::tie(a.frame, a.hash, a.span, a.pitchCents) <
               std::tie(b.frame, b.hash, b.span, b.pitchCents);
    });
    std::string bytes;
    bytes.reserve(landmarks.size() * kPackedLandmarkBytes);
    for (const IndexedLandmark& l : landmarks) {
        putLittleEndian(bytes, l.hash, 4);
        putLittleEndian(bytes, l.frame, 4);
        putLittleEndian(bytes, l.span, 2);
        putLittleEndian(bytes, std::uint16_t(l.pitchCents), 2);
    }
    return bytes;
}

std::vector<IndexedLandmark> unpackLandmarks(const std::string& bytes, const std::string& what) {
    if (bytes.size() % kPackedLandmarkBytes != 0)
        throw IntegrityError(what + ": its landmarks are cut short");
    std::vector<IndexedLandmark> landmarks(bytes.size() / kPackedLandmarkBytes);
    for (std::size_t i = 0; i < landmarks.size(); ++i) {
        const std::size_t at = i * kPackedLandmarkBytes;
        landmarks[i] = {getLittleEndian(bytes, at, 4), getLittleEndian(bytes, at + 4, 4),
                        std::uint16_t(getLittleEndian(bytes, at + 8, 2)),
                        std::int16_t(std::uint16_t(getLittleEndian(bytes, at + 10, 2)))};
    }
    return landmarks;
}

namespace {

FingerprintClaimFields verifyPacked(const SignedStatement& claim, const std::string& packed,
                                    const std::string& what) {
    const FingerprintClaimFields fields = readFingerprintClaim(claim.statement, what);
    bool isSigned = false;
    try {
        const Bytes key = fromHex(fields.holder, "holder key");
        isSigned = isPublicKey(key) &&
                   verifySignature(key, claim.statement, fromHex(claim.signature, "signature"));
    } catch (const BadInput&) {
    }
    if (!isSigned)
        throw IntegrityError(what + " is not signed by the holder key it names (" +
                             fields.holder.substr(0, 16) + "…)");
    if (sha256Hex(packed) != fields.landmarksSha256 ||
        std::int64_t(packed.size() / kPackedLandmarkBytes) != fields.landmarks)
        throw IntegrityError(what + ": its landmarks are not the ones its owner signed");
    return fields;
}

} // namespace

FingerprintClaimFields verifyFingerprints(const SignedFingerprints& fingerprints,
                                          const std::string& what) {
    return verifyPacked(fingerprints.claim, packLandmarks(fingerprints.landmarks), what);
}

const std::string& catalogueLookupStatement() {
    // Each hash's first $3 + 1 rows, read from the covering index, unless the server's stop-list
    // (migration 5) lists it past a cap of $3 or less: then no rows, where it read and sent 49 for
    // the client to drop. The planner joins the list by hash when it is small and probes its key
    // per hash when it is large, before the lateral lookup either way (docs/LEDGER.md "Identify on
    // the server"). The client still drops a hash that brings more than $3 rows (and lists it): an
    // entry missing costs those rows, and the server can deny with the list, as it can with rows,
    // but not forge (docs/LEDGER.md "What the server can and cannot forge").
    static const std::string statement =
        "SELECT q.hash, l.recording, l.frame, l.span, l.pitch_cents "
        "FROM unnest($1::int[]) AS q(hash) CROSS JOIN LATERAL ("
        "SELECT recording, frame, span, pitch_cents FROM ledger_landmarks "
        "WHERE hash = q.hash AND fingerprint_version = $2 LIMIT $3::int + 1) l "
        "WHERE NOT EXISTS (SELECT FROM ledger_stopped_hashes s WHERE s.hash = q.hash "
        "AND s.fingerprint_version = $2 AND s.more_rows_than >= $3::int)";
    return statement;
}

Catalogue::Catalogue(Ledger& ledger) : ledger_(ledger) {}

Published Catalogue::publish(const std::vector<SignedFingerprints>& recordings) {
    std::vector<std::string> packed;
    std::vector<FingerprintClaimFields> fields;
    for (const SignedFingerprints& r : recordings) {
        packed.push_back(packLandmarks(r.landmarks));
        fields.push_back(verifyPacked(r.claim, packed.back(),
                                      "fingerprint claim " + statementId(r.claim.statement)));
    }
    // One statement for the batch: the claims are content-addressed, so one sent again (a push
    // cut off after its commit) is skipped; the server makes the landmark rows of those it stores
    // from their landmarks (migration 4, docs/LEDGER.md "Catalogue").
    std::vector<pq::Param> ids, holders, pcms, versions, texts, signatures, landmarks;
    for (std::size_t i = 0; i < recordings.size(); ++i) {
        const SignedStatement& claim = recordings[i].claim;
        ids.push_back(statementId(claim.statement));
        holders.push_back(fields[i].holder);
        pcms.push_back(fields[i].pcmSha256);
        versions.push_back(std::to_string(fields[i].fingerprintVersion));
        texts.push_back(claim.statement);
        signatures.push_back(claim.signature);
        landmarks.push_back("\\x" + toHex(reinterpret_cast<const std::uint8_t*>(packed[i].data()),
                                          packed[i].size()));
    }
    const auto stored = ledger_.impl_->connection.exec(
        "INSERT INTO ledger_fingerprint_claims (id, holder_key, pcm_sha256, fingerprint_version, "
        "statement, signature, landmarks) SELECT * FROM unnest($1::text[], $2::text[], "
        "$3::text[], $4::int[], $5::text[], $6::text[], $7::bytea[]) "
        "ON CONFLICT (id) DO NOTHING RETURNING id",
        {pq::arrayLiteral(ids), pq::arrayLiteral(holders), pq::arrayLiteral(pcms),
         pq::arrayLiteral(versions), pq::arrayLiteral(texts), pq::arrayLiteral(signatures),
         pq::arrayLiteral(landmarks)});
    Published published;
    published.stored = std::size_t(stored.rows());
    published.alreadyThere = recordings.size() - published.stored;
    return published;
}

std::vector<std::string> Catalogue::claimed(const std::string& holderKey,
                                            const std::vector<std::string>& pcmSha256s,
                                            int fingerprintVersion) const {
    const auto rows = ledger_.impl_->connection.exec(
        "SELECT DISTINCT pcm_sha256 FROM ledger_fingerprint_claims WHERE holder_key = $1 "
        "AND pcm_sha256 = ANY($2::text[]) AND fingerprint_version = $3",
        {holderKey, pq::arrayLiteral(std::vector<pq::Param>(pcmSha256s.begin(), pcmSha256s.end())),
         std::to_string(fingerprintVersion)});
    std::vector<std::string> found;
    for (int r = 0; r < rows.rows(); ++r)
        found.push_back(rows.text(r, 0));
    return found;
}

void Catalogue::lookup(
    const std::vector<std::uint32_t>& hashes, int maxRowsPerHash, int fingerprintVersion,
    const std::function<void(std::size_t, std::int64_t, const IndexedLandmark&)>& found) const {
    std::vector<std::uint32_t> distinct = hashes;
    std::sort(distinct.begin(), distinct.end());
    distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
    if (distinct.empty())
        return;
    // Without JIT, for this connection, set at the first lookup: the planner's estimate for a
    // lookup's thousands of probes passes jit_above_cost once the catalogue holds a few hours, and
    // compiling then cost 10-40 ms a query for nothing, the probes being index reads
    // (docs/LEDGER.md "Measured", catalogue identify). Once rather than by SET LOCAL in a
    // transaction around each lookup, which took three more round trips a window; the ledger's
    // other statements are index lookups and batch inserts, which JIT does not speed up either.
    if (!jitTurnedOff_) {
        ledger_.impl_->connection.exec("SET jit = off");
        jitTurnedOff_ = true;
    }
    // One query (docs/LEDGER.md "Identify on the server"); in binary, the integers as they are
    // stored rather than printed by the server and parsed here.
    const pq::Result rows = ledger_.impl_->connection.execBinary(
        catalogueLookupStatement(),
        {intArray(distinct), std::to_string(fingerprintVersion), std::to_string(maxRowsPerHash)});
    struct Row {
        std::uint32_t hash;
        std::int64_t recording;
        IndexedLandmark landmark;
    };
    std::vector<Row> byHash;
    byHash.reserve(std::size_t(rows.rows()));
    for (int r = 0; r < rows.rows(); ++r) {
        const auto hash = std::uint32_t(rows.integer(r, 0));
        byHash.push_back({hash,
                          rows.integer(r, 1),
                          {hash, std::uint32_t(rows.integer(r, 2)),
                           std::uint16_t(rows.integer(r, 3)), std::int16_t(rows.integer(r, 4))}});
    }
    std::stable_sort(byHash.begin(), byHash.end(),
                     [](const Row& a, const Row& b) { return a.hash < b.hash; });
    std::vector<std::uint32_t> pastTheCap; // the hashes the server's stop-list lacks
    for (auto row = byHash.begin(); row != byHash.end();) {
        const auto next = std::upper_bound(
            row, byHash.end(), *row, [](const Row& a, const Row& b) { return a.hash < b.hash; });
        if (next - row > maxRowsPerHash)
            pastTheCap.push_back(row->hash);
        row = next;
    }
    listStopped(pastTheCap, maxRowsPerHash, fingerprintVersion);
    for (std::size_t i = 0; i < hashes.size(); ++i) {
        const auto rowsOfHash =
            std::equal_range(byHash.begin(), byHash.end(), Row{hashes[i], 0, {}},
                             [](const Row& a, const Row& b) { return a.hash < b.hash; });
        // Stopped: a hash of little evidence (the local index's rule).
        if (rowsOfHash.second - rowsOfHash.first > maxRowsPerHash)
            continue;
        for (auto row = rowsOfHash.first; row != rowsOfHash.second; ++row)
            found(i, row->recording, row->landmark);
    }
}

void Catalogue::listStopped(const std::vector<std::uint32_t>& hashes, int maxRowsPerHash,
                            int fingerprintVersion) const {
    if (hashes.empty() || !mayListStopped_)
        return;
    // The server takes an entry only for a hash holding more rows than it says (migrations 5
    // and 6). Without waiting for the commit to reach the disk: an entry lost in a crash costs
    // only its rows once more, and the wait was the first reader's (docs/LEDGER.md "The first
    // reader of a stopped hash"). One round trip, so the numbers are in the text (SET LOCAL
    // needs the statements in one transaction, which parameters cannot share).
    try {
        ledger_.impl_->connection.exec(
            "SET LOCAL synchronous_commit = off; INSERT INTO ledger_stopped_hashes (hash, "
            "fingerprint_version, more_rows_than) SELECT unnest('" +
            intArray(hashes) + "'::int[]), " + std::to_string(fingerprintVersion) + ", " +
            std::to_string(maxRowsPerHash) + " ON CONFLICT DO NOTHING");
    } catch (const BadInput&) {
        // A reader that may not write (a read-only role or replica), or a server refusing what
        // this lookup saw: the list only spares rows, so the lookup stands without it, and this
        // connection stops asking.
        mayListStopped_ = false;
    }
}

CatalogueRecording Catalogue::recording(std::int64_t number) const {
    const std::string what =
        ledger_.url() + ": fingerprint claim of recording " + std::to_string(number);
    // In binary: the landmarks as stored, not as hexadecimal to decode (docs/LEDGER.md "Cost per
    // query").
    const auto rows = ledger_.impl_->connection.execBinary(
        "SELECT id, statement, signature, landmarks FROM ledger_fingerprint_claims "
        "WHERE number = $1",
        {std::to_string(number)});
    if (rows.rows() == 0)
        throw IntegrityError(what + " is gone: the server lists landmarks of a claim it lacks");
    CatalogueRecording recording;
    recording.number = number;
    recording.id = rows.text(0, 0);
    const SignedStatement claim{rows.text(0, 1), rows.text(0, 2)};
    if (statementId(claim.statement) != recording.id)
        throw IntegrityError(what + " was changed on the server: its text is not the one its id "
                                    "is the hash of");
    const std::string packed = rows.text(0, 3);
    recording.fields = verifyPacked(claim, packed, what + " (" + recording.id + ")");
    recording.landmarks = unpackLandmarks(packed, what);
    return recording;
}

std::int64_t Catalogue::recordingCount() const {
    return std::stoll(
        ledger_.impl_->connection.exec("SELECT count(*) FROM ledger_fingerprint_claims")
            .text(0, 0));
}

} // namespace accord::ledger
