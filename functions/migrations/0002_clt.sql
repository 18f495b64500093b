-- The Community Leadership Team: members invited by the program manager,
-- their sessions, and their comments on the published data with the
-- program's replies. Session tokens and invitations are stored only as
-- hashes or ids; a token itself is never stored.
CREATE TABLE clt_members (
  id            TEXT PRIMARY KEY,
  name          TEXT NOT NULL,
  organisation  TEXT NOT NULL,
  email         TEXT NOT NULL UNIQUE,
  role          TEXT NOT NULL CHECK (role IN ('member', 'moderator')),
  created_at    INTEGER NOT NULL,              -- ms since the epoch
  revoked_at    INTEGER                        -- ms; set, every session ends
);

-- A single-use invitation: the link carries its id, expiry and an HMAC.
CREATE TABLE clt_invitations (
  id            TEXT PRIMARY KEY,
  member_id     TEXT NOT NULL REFERENCES clt_members (id),
  created_at    INTEGER NOT NULL,
  expires_at    INTEGER NOT NULL,              -- ms
  redeemed_at   INTEGER                        -- ms; set once, never cleared
);

CREATE TABLE clt_sessions (
  token_hash    TEXT PRIMARY KEY,              -- hex SHA-256 of the cookie's token
  member_id     TEXT NOT NULL REFERENCES clt_members (id),
  created_at    INTEGER NOT NULL,
  expires_at    INTEGER NOT NULL,
  revoked_at    INTEGER
);
CREATE INDEX clt_sessions_member ON clt_sessions (member_id);

CREATE TABLE clt_comments (
  id            TEXT PRIMARY KEY,
  member_id     TEXT NOT NULL REFERENCES clt_members (id),
  page          TEXT NOT NULL,                 -- dashboard slug
  chart         TEXT NOT NULL,                 -- chart id on that page
  period        TEXT NOT NULL,                 -- all, 2025, 2025-Q1
  data_point    TEXT,                          -- optional: the row or figure meant
  kind          TEXT NOT NULL CHECK (kind IN ('question', 'blind_spot', 'concern', 'suggestion', 'appreciation')),
  body          TEXT NOT NULL,
  publish       TEXT NOT NULL CHECK (publish IN ('with_organisation', 'anonymous', 'program_only')),
  data_version  TEXT NOT NULL,                 -- SHA-256 of the chart's published CSV when commented
  figures       TEXT NOT NULL,                 -- that CSV: what the member saw
  created_at    INTEGER NOT NULL,
  reply_status  TEXT CHECK (reply_status IN ('noted', 'will_act', 'done', 'wont_act')),
  reply_body    TEXT,
  reply_reason  TEXT,                          -- required for wont_act
  replied_at    INTEGER,
  replied_by    TEXT REFERENCES clt_members (id),
  approved_at   INTEGER,
  approved_by   TEXT REFERENCES clt_members (id)
);
CREATE INDEX clt_comments_member ON clt_comments (member_id, created_at);
CREATE INDEX clt_comments_chart ON clt_comments (page, chart, approved_at);
