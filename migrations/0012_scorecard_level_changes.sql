-- A rescoring remembers each entity's previous level, so a change of level becomes an event (automations).
ALTER TABLE scorecard_results ADD COLUMN prev_level TEXT;
ALTER TABLE scorecard_results ADD COLUMN stale INTEGER NOT NULL DEFAULT 0;
