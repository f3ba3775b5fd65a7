-- Events, automations and subscriptions. The audit log is the event outbox: every entity, blueprint and run
-- change already writes an audit row in the same batch as the change, so events are never lost or
-- invented. A dispatcher reads audit rows past its cursor and hands them to timers, automations and
-- webhook subscriptions through the queue.

-- Exactly-once events that no request writes (a timer expiring for one value) carry a dedupe key.
ALTER TABLE audit_log ADD COLUMN dedupe_key TEXT;
CREATE UNIQUE INDEX audit_log_dedupe ON audit_log (dedupe_key) WHERE dedupe_key IS NOT NULL;

-- How far the dispatcher has handed audit rows to the queue (one row per dispatcher).
CREATE TABLE dispatch_cursor (
  name     TEXT PRIMARY KEY,
  last_id  INTEGER NOT NULL
);
INSERT INTO dispatch_cursor (name, last_id) SELECT 'events', coalesce(max(id), 0) FROM audit_log;

-- What each event set off: a run of an automation, a delivery to a subscription, timers armed. The primary
-- key makes processing idempotent when the queue delivers an event range twice.
CREATE TABLE event_dispatches (
  event_id     INTEGER NOT NULL,             -- audit_log.id
  target       TEXT NOT NULL,                -- automation:<id> | subscription:<id> | timers
  run_id       TEXT,
  delivery_id  TEXT,
  note         TEXT,                         -- e.g. "condition false", "loop cut at depth 3"
  at           TEXT NOT NULL,
  PRIMARY KEY (event_id, target)
);

-- Machines following catalog changes: every matching event is delivered, signed, to the URL.
CREATE TABLE webhook_subscriptions (
  id               TEXT PRIMARY KEY,         -- wh_<random>
  title            TEXT NOT NULL,
  url              TEXT NOT NULL,
  events           TEXT NOT NULL,            -- JSON array of event types; empty = all
  blueprints       TEXT NOT NULL,            -- JSON array of blueprint identifiers; empty = all
  enabled          INTEGER NOT NULL DEFAULT 1,
  disabled_reason  TEXT,                     -- set when the endpoint answered 410
  version          INTEGER NOT NULL DEFAULT 1,
  created_at       TEXT NOT NULL,
  updated_at       TEXT NOT NULL,
  created_by       TEXT NOT NULL,
  updated_by       TEXT NOT NULL
);

ALTER TABLE deliveries ADD COLUMN event_id INTEGER;
ALTER TABLE deliveries ADD COLUMN subscription_id TEXT;
CREATE INDEX deliveries_event ON deliveries (event_id) WHERE event_id IS NOT NULL;

-- Last derived values (mirror, aggregation) seen for entities that automations watch, so a change of a
-- derived value can raise ENTITY_UPDATED although the entity itself was not written.
CREATE TABLE derived_snapshots (
  blueprint   TEXT NOT NULL,
  identifier  TEXT NOT NULL,
  derived     TEXT NOT NULL,                 -- JSON {property: value}
  at          TEXT NOT NULL,
  PRIMARY KEY (blueprint, identifier)
);
