-- Earlier replies to a comment. The comment's row holds the program's
-- newest reply; each reply a moderator replaces is copied here first, in
-- the same batch, so the queue and the member's page show what the
-- program said before and nothing it said is lost.
CREATE TABLE clt_replies (
  comment_id  TEXT NOT NULL REFERENCES clt_comments (id),
  status      TEXT NOT NULL,
  body        TEXT,
  reason      TEXT,
  replied_at  INTEGER NOT NULL,              -- ms
  replied_by  TEXT REFERENCES clt_members (id)
);
CREATE INDEX clt_replies_comment ON clt_replies (comment_id, replied_at);
