-- When a member last opened their own page, so it can mark the comments
-- with a reply since then.
ALTER TABLE clt_members ADD COLUMN replies_seen_at INTEGER;  -- ms
