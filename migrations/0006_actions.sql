-- Self-service actions, their runs, and webhook deliveries to customer backends.
-- A run's live state (status transitions, log lines, deadlines) is owned by its RunObject Durable Object;
-- the action_runs row is the summary that object writes on every transition, for lists and search.

CREATE TABLE actions (
  identifier        TEXT PRIMARY KEY,
  title             TEXT NOT NULL,
  icon              TEXT,
  description       TEXT,
  trigger_type      TEXT NOT NULL,             -- self-service (automation arrives with automations)
  operation         TEXT,                      -- CREATE | DAY-2 | DELETE
  blueprint         TEXT,                      -- the blueprint the action is offered on
  definition        TEXT NOT NULL,             -- the whole Port-shaped action, JSON
  permissions       TEXT NOT NULL,             -- {execute, approve}, JSON
  webhook_disabled  TEXT,                      -- why the webhook was disabled (HTTP 410), until the action is saved again
  version           INTEGER NOT NULL DEFAULT 1,
  created_at        TEXT NOT NULL,
  updated_at        TEXT NOT NULL,
  created_by        TEXT NOT NULL,
  updated_by        TEXT NOT NULL
);
CREATE INDEX actions_blueprint ON actions (blueprint, operation);

CREATE TABLE action_runs (
  id               TEXT PRIMARY KEY,           -- r_<time><random>
  action           TEXT NOT NULL,
  action_title     TEXT NOT NULL,
  blueprint        TEXT,
  entity           TEXT,                       -- the entity a DAY-2 / DELETE run acts on
  operation        TEXT,
  source           TEXT NOT NULL,              -- UI | API | AUTOMATION
  status           TEXT NOT NULL,              -- WAITING_FOR_APPROVAL | IN_PROGRESS | SUCCESS | FAILURE | DECLINED
  status_label     TEXT,
  summary          TEXT,
  links            TEXT NOT NULL DEFAULT '[]', -- JSON array of URLs reported by the backend
  external_run_id  TEXT,
  inputs           TEXT NOT NULL,              -- JSON; encrypted inputs hold {"$encrypted": …}
  context          TEXT NOT NULL,              -- JSON: entity snapshot and trigger, what payloads are rendered from
  approval         TEXT,                       -- JSON: {type, approvers?, decisions[], expiresAt}
  requested_by     TEXT NOT NULL,              -- email
  requested_by_id  TEXT NOT NULL,              -- user id
  log_count        INTEGER NOT NULL DEFAULT 0,
  revision         INTEGER NOT NULL DEFAULT 1, -- raised by the RunObject on every transition; older writes lose
  created_at       TEXT NOT NULL,
  updated_at       TEXT NOT NULL,
  ended_at         TEXT
);
CREATE INDEX action_runs_created ON action_runs (created_at);
CREATE INDEX action_runs_requester ON action_runs (requested_by, created_at);
CREATE INDEX action_runs_action ON action_runs (action, created_at);
CREATE INDEX action_runs_status ON action_runs (status, created_at);
CREATE INDEX action_runs_entity ON action_runs (blueprint, entity, created_at);

-- Entities a run created or changed: writes made with ?run_id=, and UPSERT_ENTITY invocations.
CREATE TABLE run_entities (
  run_id      TEXT NOT NULL,
  blueprint   TEXT NOT NULL,
  identifier  TEXT NOT NULL,
  at          TEXT NOT NULL,
  PRIMARY KEY (run_id, blueprint, identifier)
);

-- One outgoing webhook call (with its retries). Queue messages carry only the id.
CREATE TABLE deliveries (
  id            TEXT PRIMARY KEY,              -- d_<time><random>; also the webhook-id header (stable across retries)
  kind          TEXT NOT NULL,                 -- RUN | UPSERT_ENTITY | APPROVAL_NOTIFICATION
  run_id        TEXT,
  url           TEXT,
  status        TEXT NOT NULL,                 -- PENDING | DELIVERED | FAILED
  attempts      INTEGER NOT NULL DEFAULT 0,
  last_result   TEXT,                          -- "HTTP 503", "timeout after 10 s", …
  created_at    TEXT NOT NULL,
  updated_at    TEXT NOT NULL
);
CREATE INDEX deliveries_run ON deliveries (run_id);
CREATE INDEX deliveries_pending ON deliveries (status, created_at) WHERE status = 'PENDING';

CREATE TABLE delivery_attempts (
  delivery_id       TEXT NOT NULL,
  attempt           INTEGER NOT NULL,
  at                TEXT NOT NULL,
  outcome           TEXT NOT NULL,             -- delivered | retry | failed | gone
  status_code       INTEGER,
  latency_ms        INTEGER NOT NULL,
  response_excerpt  TEXT,                      -- first 1 KB of the response body
  error             TEXT,
  PRIMARY KEY (delivery_id, attempt)
);

-- Audit rows about a run (created, approvals, attempts, status changes) name it.
ALTER TABLE audit_log ADD COLUMN run_id TEXT;
CREATE INDEX audit_log_run ON audit_log (run_id, id) WHERE run_id IS NOT NULL;
