-- When a pending delivery is due next: its first attempt (created_at) or, after a retryable failure, the
-- retry the queue message was delayed to. The cron sweep queues again any delivery overdue by several
-- minutes, whose message was lost (never sent, or a retry dropped by a restart of the local stack).
ALTER TABLE deliveries ADD COLUMN next_attempt_at TEXT;
DROP INDEX IF EXISTS deliveries_pending;
CREATE INDEX deliveries_pending ON deliveries (coalesce(next_attempt_at, created_at)) WHERE status = 'PENDING';
