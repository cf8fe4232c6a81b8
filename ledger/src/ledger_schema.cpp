#include "ledger_schema.h"

#include "accord/core/errors.h"

namespace accord::ledger::schema {

namespace {

// Taken by every migrating connection for the length of its transaction ("acrdldgr" in ASCII).
constexpr const char* kMigrationLock = "SELECT pg_advisory_xact_lock(7017579385339455346)";

} // namespace

const std::vector<std::string>& migrations() {
    // The primary key leads with the holder's key: the column a distributed PostgreSQL (Citus)
    // shards by, so a grant and its revocation, both signed by the holder, live on one shard
    // (docs/LEDGER.md "Scale").
    static const std::vector<std::string> all = {
        R"sql(
CREATE TABLE ledger_statements (
    holder_key       TEXT NOT NULL,
    id               TEXT NOT NULL,
    seq              BIGSERIAL,
    kind             TEXT NOT NULL CHECK (kind IN ('grant', 'revocation')),
    statement        TEXT NOT NULL,
    signature        TEXT NOT NULL,
    studio_key       TEXT NOT NULL,
    asset_pcm_sha256 TEXT,
    grantee_key      TEXT,
    revokes          TEXT,
    received_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (holder_key, id),
    -- What the server itself refuses (docs/LEDGER.md "Trust"): a row whose id is not its text's
    -- hash, whose text is not JSON, or whose index columns are not what the text says. It cannot
    -- check an Ed25519 signature: the clients verify those, on the way in and out.
    CONSTRAINT id_is_the_statement_hash
        CHECK (id = encode(sha256(convert_to(statement, 'UTF8')), 'hex')),
    CONSTRAINT indexed_as_the_statement_says CHECK (
        holder_key = statement::jsonb->>'holder'
        AND studio_key = statement::jsonb->>'studio'
        AND kind = CASE statement::jsonb->>'format' WHEN 'accord-grant-1' THEN 'grant'
                                                    WHEN 'accord-revocation-1' THEN 'revocation'
                   END
        AND asset_pcm_sha256 IS NOT DISTINCT FROM statement::jsonb->'asset'->>'pcmSha256'
        AND grantee_key IS NOT DISTINCT FROM statement::jsonb->>'to'
        AND revokes IS NOT DISTINCT FROM statement::jsonb->>'grantStatementSha256')
);
CREATE INDEX ledger_statements_by_seq ON ledger_statements (seq);
CREATE INDEX ledger_statements_by_asset ON ledger_statements (asset_pcm_sha256)
    WHERE asset_pcm_sha256 IS NOT NULL;
CREATE INDEX ledger_statements_by_grantee ON ledger_statements (grantee_key)
    WHERE grantee_key IS NOT NULL;
CREATE INDEX ledger_statements_by_revoked_grant ON ledger_statements (revokes)
    WHERE revokes IS NOT NULL;
)sql",
        // Models, packs and exports' manifests (docs/LEDGER.md "Models, packs and manifests"),
        // keyed by their signer's key as statements are by their holder's.
        R"sql(
CREATE TABLE ledger_records (
    signer_key TEXT NOT NULL,
    id         TEXT NOT NULL,
    seq        BIGSERIAL,
    kind       TEXT NOT NULL CHECK (kind IN ('model', 'pack', 'manifest')),
    record     TEXT NOT NULL,
    signature  TEXT NOT NULL,
    models     JSONB NOT NULL,
    received_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (signer_key, id),
    CONSTRAINT record_id_is_its_hash
        CHECK (id = encode(sha256(convert_to(record, 'UTF8')), 'hex')),
    CONSTRAINT record_indexed_as_it_says CHECK (
        kind = CASE record::jsonb->>'format' WHEN 'accord-model-1' THEN 'model'
                                             WHEN 'accord-pack-1' THEN 'pack'
                                             WHEN 'accord-manifest' THEN 'manifest'
               END
        AND signer_key = CASE kind WHEN 'manifest' THEN record::jsonb->'signer'->>'publicKey'
                                   ELSE record::jsonb->>'studio'
                         END
        AND models = CASE kind
                WHEN 'manifest' THEN
                    jsonb_path_query_array(record::jsonb, '$.lineage.models[*].weightsSha256')
                ELSE jsonb_build_array(record::jsonb->'model'->'weightsSha256')
            END
        AND (kind <> 'manifest' OR signature = record::jsonb->>'signature'))
);
CREATE INDEX ledger_records_by_model ON ledger_records USING GIN (models jsonb_path_ops);
-- A model's training grants are found by statement id alone (the primary key leads with the
-- holder's key, which a model record does not name).
CREATE INDEX ledger_statements_by_id ON ledger_statements (id);
)sql",
        // 3: the catalogue's fingerprints (docs/LEDGER.md "Catalogue"). A claim per recording,
        // signed by its owner, holding its landmarks whole (what the signature's digest covers),
        // and one row per landmark for the lookups, keyed by hash: the column Citus shards them by.
        R"sql(
CREATE TABLE ledger_fingerprint_claims (
    number              BIGSERIAL PRIMARY KEY,
    id                  TEXT NOT NULL UNIQUE,
    holder_key          TEXT NOT NULL,
    pcm_sha256          TEXT NOT NULL,
    fingerprint_version INTEGER NOT NULL,
    statement           TEXT NOT NULL,
    signature           TEXT NOT NULL,
    landmarks           BYTEA NOT NULL,
    received_at         TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT claim_id_is_the_statement_hash
        CHECK (id = encode(sha256(convert_to(statement, 'UTF8')), 'hex')),
    CONSTRAINT claim_indexed_as_the_statement_says CHECK (
        holder_key = statement::jsonb->>'holder'
        AND pcm_sha256 = statement::jsonb->>'pcmSha256'
        AND fingerprint_version = (statement::jsonb->>'fingerprintVersion')::INTEGER),
    CONSTRAINT landmarks_are_the_claimed_ones
        CHECK (encode(sha256(landmarks), 'hex') = statement::jsonb->>'landmarksSha256')
);
CREATE INDEX ledger_fingerprint_claims_by_recording
    ON ledger_fingerprint_claims (pcm_sha256, holder_key);
CREATE TABLE ledger_landmarks (
    hash                INTEGER NOT NULL,
    fingerprint_version SMALLINT NOT NULL,
    recording           BIGINT NOT NULL REFERENCES ledger_fingerprint_claims (number),
    frame               INTEGER NOT NULL,
    span                SMALLINT NOT NULL,
    pitch_cents         SMALLINT NOT NULL
);
-- Covering: a lookup reads the index alone (an index-only scan once vacuumed).
CREATE INDEX ledger_landmarks_by_hash ON ledger_landmarks (hash, fingerprint_version)
    INCLUDE (recording, frame, span, pitch_cents);
)sql",
        // 4: the landmark rows made by the server from each new claim's own landmarks, the bytes
        // the claim's CHECK ties to its signed digest, in one statement per push batch sorted by
        // hash; rows from anywhere else refused (docs/LEDGER.md "Catalogue", "Push"). The
        // per-row foreign key check, most of a push's time, goes: rows are made only from a
        // claim being stored.
        R"sql(
CREATE FUNCTION ledger_unpack_landmarks(packed BYTEA)
RETURNS TABLE (hash INTEGER, frame INTEGER, span SMALLINT, pitch_cents SMALLINT)
LANGUAGE plpgsql IMMUTABLE STRICT AS $$
DECLARE
    -- A copy in memory: get_byte on the stored (TOASTed) value fetches it whole for every byte.
    bytes BYTEA := packed;
BEGIN
    -- Little-endian u32 hash, u32 frame, u16 span, i16 pitch (ledger/src/catalogue.cpp).
    RETURN QUERY SELECT
        get_byte(bytes, i) | (get_byte(bytes, i + 1) << 8) | (get_byte(bytes, i + 2) << 16)
            | (get_byte(bytes, i + 3) << 24),
        get_byte(bytes, i + 4) | (get_byte(bytes, i + 5) << 8) | (get_byte(bytes, i + 6) << 16)
            | (get_byte(bytes, i + 7) << 24),
        (get_byte(bytes, i + 8) | (get_byte(bytes, i + 9) << 8))::SMALLINT,
        (((get_byte(bytes, i + 10) | (get_byte(bytes, i + 11) << 8)) << 16) >> 16)::SMALLINT
    FROM generate_series(0, length(bytes) - 12, 12) AS i;
END $$;
CREATE FUNCTION ledger_landmarks_of_new_claims() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
    -- Sorted by hash: the index takes them in order rather than at random.
    INSERT INTO ledger_landmarks (hash, fingerprint_version, recording, frame, span, pitch_cents)
    SELECT l.hash, c.fingerprint_version, c.number, l.frame, l.span, l.pitch_cents
    FROM new_claims c CROSS JOIN LATERAL ledger_unpack_landmarks(c.landmarks) l
    ORDER BY l.hash;
    RETURN NULL;
END $$;
CREATE TRIGGER landmarks_from_their_claim AFTER INSERT ON ledger_fingerprint_claims
    REFERENCING NEW TABLE AS new_claims
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_landmarks_of_new_claims();
CREATE FUNCTION ledger_landmarks_only_from_claims() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
    IF pg_trigger_depth() < 2 THEN
        RAISE EXCEPTION 'landmark rows are made from their claim: store the claim instead';
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER landmarks_only_from_claims BEFORE INSERT ON ledger_landmarks
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_landmarks_only_from_claims();
ALTER TABLE ledger_landmarks DROP CONSTRAINT ledger_landmarks_recording_fkey;
)sql",
        // 5: the stop-list on the server (docs/LEDGER.md "Identify on the server"): hashes holding
        // more rows than `more_rows_than` (fingerprint version 4's cap is 48, docs/IDENTIFY.md
        // "Queries"), so a lookup answers a listed hash with no rows where it read and sent 49
        // for the client to drop. Listed by readers, when a lookup brings a hash past their cap
        // (Catalogue::lookup), not by the push: checking every pushed hash's rows cost the push
        // as much again (docs/LEDGER.md "Measured"). An entry is taken only if the hash holds
        // more rows than it says, so a client can list only what is true; the rows of a hash
        // never shrink, so an entry never goes stale. Existing rows are listed here once.
        R"sql(
CREATE TABLE ledger_stopped_hashes (
    hash                INTEGER NOT NULL,
    fingerprint_version SMALLINT NOT NULL,
    more_rows_than      SMALLINT NOT NULL,
    PRIMARY KEY (hash, fingerprint_version) INCLUDE (more_rows_than)
);
INSERT INTO ledger_stopped_hashes (hash, fingerprint_version, more_rows_than)
SELECT hash, fingerprint_version, 48 FROM ledger_landmarks
GROUP BY hash, fingerprint_version HAVING count(*) > 48;
CREATE FUNCTION ledger_stopped_hash_holds_more_rows() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
    IF (SELECT count(*) FROM (
            SELECT FROM ledger_landmarks l
            WHERE l.hash = NEW.hash AND l.fingerprint_version = NEW.fingerprint_version
            LIMIT NEW.more_rows_than + 1) held) <= NEW.more_rows_than THEN
        RAISE EXCEPTION 'hash % holds % rows or fewer: it is not stopped', NEW.hash,
            NEW.more_rows_than;
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER stopped_hashes_hold_more_rows BEFORE INSERT OR UPDATE ON ledger_stopped_hashes
    FOR EACH ROW EXECUTE FUNCTION ledger_stopped_hash_holds_more_rows();
)sql",
        // 6: the stop-list's check once per statement, over the entries it stored, rather than a
        // PL/pgSQL call per entry: listing a clean 5 s query's ~940 stopped hashes at 10 h took
        // about half the time (docs/LEDGER.md "The first reader of a stopped hash"). The rule is
        // migration 5's: an entry is refused, and its statement with it, unless its hash holds
        // more rows than it says.
        R"sql(
DROP TRIGGER stopped_hashes_hold_more_rows ON ledger_stopped_hashes;
DROP FUNCTION ledger_stopped_hash_holds_more_rows();
CREATE FUNCTION ledger_stopped_hashes_hold_more_rows() RETURNS TRIGGER LANGUAGE plpgsql AS $$
DECLARE
    false_entry RECORD;
BEGIN
    SELECT n.hash, n.more_rows_than INTO false_entry FROM new_entries n
    WHERE (SELECT count(*) FROM (
               SELECT FROM ledger_landmarks l
               WHERE l.hash = n.hash AND l.fingerprint_version = n.fingerprint_version
               LIMIT n.more_rows_than + 1) held) <= n.more_rows_than
    LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'hash % holds % rows or fewer: it is not stopped', false_entry.hash,
            false_entry.more_rows_than;
    END IF;
    RETURN NULL;
END $$;
-- A trigger with a transition table takes one event, so one for each.
CREATE TRIGGER stopped_hashes_hold_more_rows AFTER INSERT ON ledger_stopped_hashes
    REFERENCING NEW TABLE AS new_entries
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_stopped_hashes_hold_more_rows();
CREATE TRIGGER stopped_hashes_changed_hold_more_rows AFTER UPDATE ON ledger_stopped_hashes
    REFERENCING NEW TABLE AS new_entries
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_stopped_hashes_hold_more_rows();
)sql",
    };
    return all;
}

void migrate(pq::Connection& connection) {
    connection.inTransaction([&] {
        connection.exec(kMigrationLock);
        connection.exec("CREATE TABLE IF NOT EXISTS ledger_schema (version INTEGER NOT NULL)");
        const auto current = connection.exec("SELECT version FROM ledger_schema");
        int version = 0;
        if (current.rows() == 0)
            connection.exec("INSERT INTO ledger_schema (version) VALUES (0)");
        else
            version = std::stoi(current.text(0, 0));
        const int known = static_cast<int>(migrations().size());
        if (version > known)
            throw BadInput(connection.url() + ": the ledger there is of version " +
                           std::to_string(version) + ", newer than this Accord's (" +
                           std::to_string(known) + "): update Accord");
        for (int next = version; next < known; ++next) {
            connection.exec(migrations()[static_cast<std::size_t>(next)]);
            connection.exec("UPDATE ledger_schema SET version = $1", {std::to_string(next + 1)});
        }
    });
}

} // namespace accord::ledger::schema
