-- Never lose, never double.
-- idempotency_key: a keyed hash of the client's Idempotency-Key (header, or
--   a hidden field of the form without JavaScript): a retried POST with the
--   same key gets the same reference and stores nothing new.
-- request_digest: a keyed hash of the answers, to tell that retry from a
--   different referral sent with a reused key.
-- Both are cleared with dedupe_key when the duplicate window ends, and, like
-- it, are kept after delivery: none of them reveals content.
-- outage: 1 when the last failed attempt looked like an outage of the case
--   system (no connection, no answer in time, 5xx). When deliveries
--   succeed again these are brought forward instead of sitting out their
--   backoff; a referral the case system refused (3xx, 4xx) or asked to wait
--   for (429) keeps its own.
-- failed_at: when the last attempt failed (ms). Only a failure older than a
--   success (or than the sweep's check that the case system answers) is
--   brought forward, so a backoff is not undone by a success that came
--   before the failure.
-- swept_at: when the sweep last woke the referral (ms), so the next sweep
--   leaves it to that wake-up instead of moving its due time.
ALTER TABLE referrals ADD COLUMN idempotency_key TEXT;
ALTER TABLE referrals ADD COLUMN request_digest TEXT;
ALTER TABLE referrals ADD COLUMN outage INTEGER NOT NULL DEFAULT 0;
ALTER TABLE referrals ADD COLUMN failed_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE referrals ADD COLUMN swept_at INTEGER NOT NULL DEFAULT 0;
CREATE UNIQUE INDEX referrals_idempotency ON referrals (idempotency_key);
CREATE INDEX referrals_waiting ON referrals (status, outage, received_at);
