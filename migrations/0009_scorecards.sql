-- Scorecards: levels and rules per blueprint, results per entity (kept current by the write that changes the
-- entity, in its own batch), exemptions, and a daily history of levels.

CREATE TABLE scorecards (
  blueprint   TEXT NOT NULL,
  identifier  TEXT NOT NULL,
  title       TEXT NOT NULL,
  definition  TEXT NOT NULL,                   -- Port's scorecard (levels, filter, rules) plus weights, JSON
  version     INTEGER NOT NULL DEFAULT 1,
  created_at  TEXT NOT NULL,
  updated_at  TEXT NOT NULL,
  created_by  TEXT NOT NULL,
  updated_by  TEXT NOT NULL,
  PRIMARY KEY (blueprint, identifier)
);

-- One row per scored entity (entities outside the scorecard's filter have none).
CREATE TABLE scorecard_results (
  blueprint    TEXT NOT NULL,
  scorecard    TEXT NOT NULL,
  entity_id    INTEGER NOT NULL REFERENCES entities(id) ON DELETE CASCADE,
  rules        TEXT NOT NULL,                  -- JSON {rule: 1 | 0} as evaluated (before exemptions)
  effective    TEXT NOT NULL DEFAULT '{}',     -- the same with exempted rules counted as passing
  level_index  INTEGER NOT NULL,               -- index into the scorecard's levels (0 = the first level)
  level        TEXT NOT NULL,                  -- that level's title (search rules name levels)
  score        REAL NOT NULL,                  -- weighted share of passing rules, 0–100 (exemptions count as passing)
  computed_at  TEXT NOT NULL,
  PRIMARY KEY (blueprint, scorecard, entity_id)
);
CREATE INDEX scorecard_results_entity ON scorecard_results (entity_id);
CREATE INDEX scorecard_results_level ON scorecard_results (blueprint, scorecard, level_index);

-- A rule that does not apply to one entity (for a reason, until a date): it counts as passing.
CREATE TABLE scorecard_exemptions (
  blueprint    TEXT NOT NULL,
  scorecard    TEXT NOT NULL,
  rule         TEXT NOT NULL,
  identifier   TEXT NOT NULL,                  -- the entity
  reason       TEXT NOT NULL,
  expires_at   TEXT,                           -- null: until removed
  applied      INTEGER NOT NULL DEFAULT 1,     -- 0 once expired and the entity re-scored without it
  created_at   TEXT NOT NULL,
  created_by   TEXT NOT NULL,
  PRIMARY KEY (blueprint, scorecard, rule, identifier)
);
CREATE INDEX scorecard_exemptions_expiry ON scorecard_exemptions (expires_at) WHERE applied = 1 AND expires_at IS NOT NULL;

-- The level of each entity per day (the last computation of the day wins), for trends.
CREATE TABLE scorecard_history (
  blueprint    TEXT NOT NULL,
  scorecard    TEXT NOT NULL,
  identifier   TEXT NOT NULL,
  day          TEXT NOT NULL,                  -- YYYY-MM-DD (UTC)
  level_index  INTEGER NOT NULL,
  score        REAL NOT NULL,
  PRIMARY KEY (blueprint, scorecard, identifier, day)
);
CREATE INDEX scorecard_history_day ON scorecard_history (blueprint, scorecard, day);
