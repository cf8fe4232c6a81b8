#include "schema.h"

namespace accord::schema {

const std::vector<std::string>& migrations() {
    static const std::vector<std::string> all = {
        R"sql(
CREATE TABLE studio (
    id          TEXT PRIMARY KEY,
    public_key  TEXT NOT NULL,
    created_at  TEXT NOT NULL
);
CREATE TABLE holders (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    ipi         TEXT NOT NULL DEFAULT '',
    public_key  TEXT NOT NULL,
    created_at  TEXT NOT NULL
);
CREATE TABLE assets (
    id          TEXT PRIMARY KEY,
    owner       TEXT NOT NULL REFERENCES holders(id),
    file_sha256 TEXT NOT NULL,
    pcm_sha256  TEXT NOT NULL UNIQUE,
    isrc        TEXT NOT NULL DEFAULT '',
    duration    REAL NOT NULL,
    sample_rate INTEGER NOT NULL,
    channels    INTEGER NOT NULL,
    origin      TEXT NOT NULL CHECK (origin IN ('recorded', 'imported', 'generated')),
    path        TEXT NOT NULL,
    created_at  TEXT NOT NULL
);
CREATE INDEX assets_by_file ON assets(file_sha256);
CREATE INDEX assets_by_owner ON assets(owner);
CREATE TABLE grants (
    id            TEXT PRIMARY KEY,
    holder        TEXT NOT NULL REFERENCES holders(id),
    scope         TEXT NOT NULL
                  CHECK (scope IN ('train-voice', 'train-style', 'generate', 'export', 'share')),
    asset         TEXT REFERENCES assets(id),
    grantee       TEXT REFERENCES holders(id),
    share_percent REAL NOT NULL DEFAULT 0 CHECK (share_percent >= 0 AND share_percent <= 100),
    attribution   TEXT NOT NULL DEFAULT '',
    licence       TEXT NOT NULL DEFAULT '',
    commercial    INTEGER NOT NULL DEFAULT 0 CHECK (commercial IN (0, 1)),
    expires_at    TEXT,
    created_at    TEXT NOT NULL,
    revoked_at    TEXT,
    revoke_reason TEXT NOT NULL DEFAULT ''
);
CREATE INDEX grants_by_asset ON grants(asset);
CREATE INDEX grants_by_holder ON grants(holder);
CREATE TABLE models (
    id             TEXT PRIMARY KEY,
    kind           TEXT NOT NULL CHECK (kind IN ('voice', 'style')),
    owner          TEXT NOT NULL REFERENCES holders(id),
    file           TEXT NOT NULL,
    weights_sha256 TEXT NOT NULL,
    config         TEXT NOT NULL,
    metrics        TEXT NOT NULL,
    status         TEXT NOT NULL CHECK (status IN ('active', 'source-revoked')),
    created_at     TEXT NOT NULL
);
CREATE TABLE model_sources (
    id        TEXT PRIMARY KEY,
    model     TEXT NOT NULL REFERENCES models(id),
    asset     TEXT NOT NULL REFERENCES assets(id),
    grant_id  TEXT NOT NULL REFERENCES grants(id)
);
CREATE INDEX model_sources_by_grant ON model_sources(grant_id);
CREATE INDEX model_sources_by_model ON model_sources(model);
CREATE TABLE renders (
    id          TEXT PRIMARY KEY,
    kind        TEXT NOT NULL,
    path        TEXT NOT NULL,
    pcm_sha256  TEXT NOT NULL,
    created_at  TEXT NOT NULL
);
CREATE INDEX renders_by_pcm ON renders(pcm_sha256);
CREATE TABLE render_inputs (
    id      TEXT PRIMARY KEY,
    render  TEXT NOT NULL REFERENCES renders(id),
    kind    TEXT NOT NULL CHECK (kind IN ('asset', 'model', 'render')),
    input   TEXT NOT NULL
);
CREATE INDEX render_inputs_by_render ON render_inputs(render);
CREATE TABLE exports (
    id          TEXT PRIMARY KEY,
    render      TEXT NOT NULL REFERENCES renders(id),
    path        TEXT NOT NULL,
    manifest    TEXT NOT NULL,
    decision    TEXT NOT NULL,
    created_at  TEXT NOT NULL
);
CREATE TABLE audit_log (
    seq        INTEGER PRIMARY KEY,
    at         TEXT NOT NULL,
    op         TEXT NOT NULL,
    tbl        TEXT NOT NULL,
    row_id     TEXT NOT NULL,
    row        TEXT NOT NULL,
    prev_hash  TEXT NOT NULL,
    hash       TEXT NOT NULL
);
CREATE TABLE audit_head (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    seq        INTEGER NOT NULL,
    hash       TEXT NOT NULL,
    signature  TEXT NOT NULL
);
)sql",
        // 2: the watermark payload each generated render carries so a file that comes
        // back re-encoded or cut is still traced to its render. A table of its own, not a column
        // of renders, so the audit rows logged before this migration replay unchanged.
        R"sql(
CREATE TABLE render_watermarks (
    id       TEXT PRIMARY KEY REFERENCES renders(id),
    payload  TEXT NOT NULL UNIQUE
);
)sql",
        // 3: the trust store, keys the user chose to trust (docs/CLI.md "trust"). A key is
        // removed by setting removed_at, never by deleting its row, so the audit log replays it;
        // at most one row per key is in force.
        R"sql(
CREATE TABLE trusted_keys (
    id          TEXT PRIMARY KEY,
    public_key  TEXT NOT NULL,
    name        TEXT NOT NULL,
    added_at    TEXT NOT NULL,
    removed_at  TEXT
);
CREATE UNIQUE INDEX trusted_keys_in_force ON trusted_keys(public_key) WHERE removed_at IS NULL;
)sql",
        // 4: assets that are Standard MIDI Files (identified by their canonical note list, kept
        // in pcm_sha256). A table of its own, as in 2: an asset without a row is audio.
        R"sql(
CREATE TABLE midi_assets (
    id  TEXT PRIMARY KEY REFERENCES assets(id)
);
)sql",
        // 5: what the identification scan found inside an audio asset when it was registered
        // (docs/IDENTIFY.md "Imports are scanned"): part of its lineage. Tables of their own, as
        // in 2; an asset without a scan row was registered before scans (or is MIDI).
        R"sql(
CREATE TABLE asset_scans (
    id                  TEXT PRIMARY KEY REFERENCES assets(id),
    fingerprint_version INTEGER NOT NULL,
    recordings_indexed  INTEGER NOT NULL,
    scanned_at          TEXT NOT NULL
);
CREATE TABLE asset_contents (
    id               TEXT PRIMARY KEY,
    asset            TEXT NOT NULL REFERENCES assets(id),
    kind             TEXT NOT NULL CHECK (kind IN ('asset', 'render')),
    recording        TEXT NOT NULL,
    file_offset      REAL NOT NULL,
    recording_offset REAL NOT NULL,
    seconds          REAL NOT NULL,
    speed            REAL NOT NULL,
    pitch_semitones  REAL NOT NULL,
    confidence       REAL NOT NULL
);
CREATE INDEX asset_contents_by_asset ON asset_contents(asset);
)sql",
        // 6: every grant and revocation as a statement signed by the granting holder's key
        // (docs/CONSENT.md "Signed grants"), so a grant can be shown to another studio and
        // checked there. A table of its own, as in 2: grants given before have none.
        R"sql(
CREATE TABLE grant_statements (
    id         TEXT PRIMARY KEY,
    grant_id   TEXT NOT NULL REFERENCES grants(id),
    kind       TEXT NOT NULL CHECK (kind IN ('grant', 'revocation')),
    statement  TEXT NOT NULL,
    signature  TEXT NOT NULL
);
CREATE INDEX grant_statements_by_grant ON grant_statements(grant_id);
)sql",
        // 7: what came from another studio in a model pack (docs/CONSENT.md "Model packs"):
        // recordings known here only by their content, the studio and grant each imported grant
        // statement came from (its hash finds it when a revocation arrives), and each pack as its
        // owner signed it. Tables of their own, as in 2: rows without one are this studio's.
        R"sql(
CREATE TABLE foreign_assets (
    id          TEXT PRIMARY KEY REFERENCES assets(id),
    studio_key  TEXT NOT NULL
);
CREATE TABLE foreign_grants (
    id               TEXT PRIMARY KEY REFERENCES grants(id),
    origin_studio    TEXT NOT NULL,
    origin_grant     TEXT NOT NULL,
    statement_sha256 TEXT NOT NULL UNIQUE
);
CREATE TABLE packs (
    id           TEXT PRIMARY KEY,
    file_sha256  TEXT NOT NULL UNIQUE,
    model        TEXT NOT NULL REFERENCES models(id),
    studio_key   TEXT NOT NULL,
    recipient    TEXT,
    manifest     TEXT NOT NULL,
    imported_at  TEXT NOT NULL
);
)sql",
        // 8: renders with a live input, played and never recorded (the Accord Voice plugin's,
        // docs/PLUGIN.md "What it makes is marked"). SQLite cannot widen a CHECK in place, so
        // render_inputs is rebuilt under its own name with its rows in order (the audit rows
        // logged before replay unchanged).
        R"sql(
CREATE TABLE render_inputs_8 (
    id      TEXT PRIMARY KEY,
    render  TEXT NOT NULL REFERENCES renders(id),
    kind    TEXT NOT NULL CHECK (kind IN ('asset', 'model', 'render', 'live-input')),
    input   TEXT NOT NULL
);
INSERT INTO render_inputs_8 (id, render, kind, input)
    SELECT id, render, kind, input FROM render_inputs ORDER BY rowid;
DROP TABLE render_inputs;
ALTER TABLE render_inputs_8 RENAME TO render_inputs;
CREATE INDEX render_inputs_by_render ON render_inputs(render);
)sql",
    };
    return all;
}

const std::vector<std::string>& auditedTables() {
    static const std::vector<std::string> tables = {
        "studio",         "holders",        "assets",        "grants",         "models",
        "model_sources",  "renders",        "render_inputs", "exports",        "render_watermarks",
        "trusted_keys",   "midi_assets",    "asset_scans",   "asset_contents", "grant_statements",
        "foreign_assets", "foreign_grants", "packs"};
    return tables;
}

} // namespace accord::schema
