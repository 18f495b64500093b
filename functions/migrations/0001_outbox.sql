-- The referral outbox: the system of record until the case system has a
-- referral. Content is only ever stored sealed (AES-256-GCM, see seal.rs)
-- and is deleted once the case system confirms receipt; what remains is the
-- reference, timestamps, tier and delivery status.
CREATE TABLE referrals (
  reference        TEXT PRIMARY KEY,
  received_at      INTEGER NOT NULL,            -- ms since the epoch
  tier             TEXT NOT NULL,
  status           TEXT NOT NULL DEFAULT 'pending'
                   CHECK (status IN ('pending', 'delivered', 'stuck')),
  attempts         INTEGER NOT NULL DEFAULT 0,
  last_error       TEXT,                        -- never referral content
  next_attempt_at  INTEGER NOT NULL,            -- ms; the sweep re-enqueues overdue rows
  lease_until      INTEGER NOT NULL DEFAULT 0,  -- ms; a consumer is delivering it until then
  delivered_at     INTEGER,
  key_id           TEXT,
  sealed           TEXT,                        -- base64(nonce || ciphertext); NULL once delivered
  dedupe_key       TEXT,                        -- keyed hash; cleared after a day
  duplicate_of     TEXT
);

CREATE INDEX referrals_due ON referrals (status, next_attempt_at);
CREATE INDEX referrals_dedupe ON referrals (dedupe_key, received_at);
