-- Per-client request counts for abuse control, one row per client and
-- fixed window. The client is an HMAC fingerprint of its address, never
-- the address itself. Counting in D1 is atomic (one statement at a time),
-- so a burst of parallel requests cannot all read the same count, as they
-- could with a read-then-write on KV. The sweep deletes expired windows.
CREATE TABLE rate_limits (
  key         TEXT PRIMARY KEY,               -- purpose:fingerprint:window
  hits        INTEGER NOT NULL,
  expires_at  INTEGER NOT NULL                -- ms since the epoch
) WITHOUT ROWID;
