-- Integrations: sources the catalog is filled from on a schedule (http-json, aws-cloudcontrol, backstage) or
-- by events pushed to an ingest endpoint (webhook). Documented in docs/storage-schema.md and docs/integrations.md.

CREATE TABLE integrations (
  identifier        TEXT PRIMARY KEY,
  title             TEXT NOT NULL,
  type              TEXT NOT NULL,               -- http-json | aws-cloudcontrol | backstage | webhook
  config            TEXT NOT NULL,               -- JSON, the type's settings without its secret fields
  secrets           TEXT,                        -- AES-256-GCM sealed JSON of the secret fields (null: none)
  mapping           TEXT NOT NULL,               -- JSON, Port's port-app-config shape (resources[…])
  interval_minutes  INTEGER,                     -- sync every N minutes; null: only on demand or by ingest
  on_missing        TEXT NOT NULL DEFAULT 'delete',  -- what happens to owned entities the source stopped returning: delete | stale
  max_delete_share  REAL NOT NULL DEFAULT 0.5,   -- refuse to delete more than this share of the owned entities in one sync
  page_size         INTEGER NOT NULL DEFAULT 500,  -- items per queue message
  enabled           INTEGER NOT NULL DEFAULT 1,
  ingest_key_hash   TEXT,                        -- SHA-256 of the ingest key (webhook type); the key is shown once
  ingest_key_hint   TEXT,                        -- the key's last characters, to tell keys apart
  next_run_at       TEXT,                        -- when the cron starts the next sync; claimed by compare-and-swap
  current_sync_id   TEXT,                        -- the sync running now (one at a time per integration)
  version           INTEGER NOT NULL DEFAULT 1,
  created_at        TEXT NOT NULL,
  updated_at        TEXT NOT NULL,
  created_by        TEXT NOT NULL,
  updated_by        TEXT NOT NULL
);
CREATE UNIQUE INDEX integrations_ingest_key ON integrations (ingest_key_hash) WHERE ingest_key_hash IS NOT NULL;
CREATE INDEX integrations_due ON integrations (next_run_at) WHERE next_run_at IS NOT NULL;

-- One row per sync (and per ingest request). A sync advances in steps, one queue message each: fetch pages,
-- then reconciliation chunks. `step` is the last committed step and is written in the same D1 batch as that
-- step's entity writes, so a redelivered message for a committed step is a no-op and a crash resumes at
-- `cursor`.
CREATE TABLE integration_syncs (
  id              TEXT PRIMARY KEY,              -- sync_<random>
  integration     TEXT NOT NULL REFERENCES integrations(identifier) ON DELETE CASCADE,
  trigger         TEXT NOT NULL,                 -- SCHEDULE | MANUAL | INGEST
  status          TEXT NOT NULL,                 -- RUNNING | SUCCEEDED | PARTIAL | FAILED
  phase           TEXT NOT NULL,                 -- FETCH | RECONCILE | DONE
  step            INTEGER NOT NULL DEFAULT 0,
  cursor          TEXT,                          -- JSON: where the source continues (null: from the start)
  step_attempts   INTEGER NOT NULL DEFAULT 0,    -- tries of the current step (the sync fails after too many)
  lease_until     TEXT,                          -- a step in progress holds the sync until then
  fetched         INTEGER NOT NULL DEFAULT 0,    -- items read from the source
  created         INTEGER NOT NULL DEFAULT 0,
  updated         INTEGER NOT NULL DEFAULT 0,
  unchanged       INTEGER NOT NULL DEFAULT 0,
  deleted         INTEGER NOT NULL DEFAULT 0,
  stale           INTEGER NOT NULL DEFAULT 0,
  failed          INTEGER NOT NULL DEFAULT 0,
  fetch_complete  INTEGER NOT NULL DEFAULT 1,    -- 0 once a page was partial: reconciliation then deletes nothing
  owned_before    INTEGER,                       -- entities the integration owned when reconciliation began
  missing         INTEGER,                       -- of those, not returned by this sync
  deletion        TEXT,                          -- what reconciliation decided, in words (refusals say why)
  errors          TEXT NOT NULL DEFAULT '[]',    -- JSON [{path, message}], the first 50
  started_at      TEXT NOT NULL,
  updated_at      TEXT NOT NULL,
  finished_at     TEXT,
  started_by      TEXT NOT NULL
);
CREATE INDEX integration_syncs_history ON integration_syncs (integration, started_at);
CREATE INDEX integration_syncs_running ON integration_syncs (status, updated_at) WHERE status = 'RUNNING';

-- Which entities an integration created. Reconciliation deletes (or marks stale) only these, never an entity
-- a person or another integration created. `last_seen_sync` is the last sync whose source returned it.
CREATE TABLE integration_entities (
  integration     TEXT NOT NULL REFERENCES integrations(identifier) ON DELETE CASCADE,
  blueprint       TEXT NOT NULL,
  identifier      TEXT NOT NULL,
  last_seen_sync  TEXT NOT NULL,
  stale_since     TEXT,                          -- on_missing = stale: when the source stopped returning it
  PRIMARY KEY (integration, blueprint, identifier)
) WITHOUT ROWID;
CREATE INDEX integration_entities_entity ON integration_entities (blueprint, identifier);
