-- Claimed ranges of events, until processed: a range whose queue message was lost is queued again by the cron.
CREATE TABLE dispatch_ranges (
  after_id   INTEGER PRIMARY KEY,            -- events with after_id < id <= to_id
  to_id      INTEGER NOT NULL,
  queued_at  TEXT NOT NULL,
  done_at    TEXT
);
CREATE INDEX dispatch_ranges_open ON dispatch_ranges (queued_at) WHERE done_at IS NULL;
