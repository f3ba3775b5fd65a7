-- A consumer claims a delivery before attempting it, so two copies of its queue message (at-least-once
-- delivery, the stalled sweep) never send it or run its catalog write at the same time.
ALTER TABLE deliveries ADD COLUMN lease_until TEXT;
