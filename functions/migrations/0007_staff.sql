-- The staff console. Staff sign in with the CLT's machinery (invitation,
-- session, revocation): a manager is a person in clt_members with
-- `manager = 1`. (The role column's CHECK cannot be widened without
-- rebuilding a table other tables reference, which D1 cannot do in one
-- migration; a manager's `role` is 'moderator', so a manager can also
-- moderate.)
ALTER TABLE clt_members ADD COLUMN manager INTEGER NOT NULL DEFAULT 0 CHECK (manager IN (0, 1));

-- A manager's override of the intake status, until the time they set;
-- after it the policy and the capacity rule apply again. One row at most.
CREATE TABLE intake_override (
  id          INTEGER PRIMARY KEY CHECK (id = 1),
  status      TEXT NOT NULL CHECK (status IN ('open', 'priority_only', 'paused')),
  until_at    INTEGER NOT NULL,                -- ms
  reason      TEXT NOT NULL,
  set_by      TEXT NOT NULL REFERENCES clt_members (id),
  set_at      INTEGER NOT NULL                 -- ms
);

-- Every staff action: who, when, what, from and to, and the reason given.
-- Written in the same transaction as the change it records.
CREATE TABLE audit_log (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  at          INTEGER NOT NULL,                -- ms
  actor_id    TEXT NOT NULL,                   -- a person's id
  actor_name  TEXT NOT NULL,                   -- as it was then
  action      TEXT NOT NULL,
  subject     TEXT,                            -- a reference, a person, a comment
  from_value  TEXT,
  to_value    TEXT,
  reason      TEXT
);
CREATE INDEX audit_log_at ON audit_log (at);
