-- The admin list of stories, newest change first, pages through these
-- indexes alone; the title filter reads titles from them rather than from
-- the stories' rows.
CREATE INDEX stories_admin ON stories (updated_at DESC, id DESC) INCLUDE (title);
CREATE INDEX stories_admin_status ON stories (status, updated_at DESC, id DESC) INCLUDE (title);
