-- Initiatives: drive a scorecard level (or a set of its rules) to done across the entities in scope, by a date.
CREATE TABLE initiatives (
  identifier  TEXT PRIMARY KEY,
  title       TEXT NOT NULL,
  blueprint   TEXT NOT NULL,
  scorecard   TEXT NOT NULL,
  definition  TEXT NOT NULL,                   -- JSON: target {level} | {rules}, targetDate, owner, team filter
  version     INTEGER NOT NULL DEFAULT 1,
  created_at  TEXT NOT NULL,
  updated_at  TEXT NOT NULL,
  created_by  TEXT NOT NULL,
  updated_by  TEXT NOT NULL
);
CREATE INDEX initiatives_scorecard ON initiatives (blueprint, scorecard);
