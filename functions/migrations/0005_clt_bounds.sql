-- The CLT within bounds.
-- The figures a comment was made on are kept once per data version (the
-- SHA-256 of the chart's CSV), not copied into every comment. New comments
-- leave clt_comments.figures empty; the column stays until a later
-- migration, so the worker deployed before this one keeps working until the
-- new one is deployed.
CREATE TABLE clt_figures (
  data_version  TEXT PRIMARY KEY,
  figures       TEXT NOT NULL
) WITHOUT ROWID;
INSERT OR IGNORE INTO clt_figures (data_version, figures) SELECT data_version, figures FROM clt_comments;
-- Invitations can be voided (by `clt revoke`, or by `clt reinvite`, which
-- voids every older one), so a link that was sent stops working at once.
ALTER TABLE clt_invitations ADD COLUMN voided_at INTEGER;
CREATE INDEX clt_invitations_member ON clt_invitations (member_id);
-- The moderators' queue, page by page.
CREATE INDEX clt_comments_created ON clt_comments (created_at);
