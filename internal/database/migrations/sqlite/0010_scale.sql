-- A big site (100,000 stories, millions of comments) must never count or
-- skip over millions of rows while a reader waits.

-- Counts are kept as the site changes, by triggers in the same transaction
-- as the change, so no code path can forget one. counters holds one number
-- per name: 'stories:STATUS', 'section:ID:STATUS', 'comments:STATUS'.
CREATE TABLE counters (
    name TEXT PRIMARY KEY,
    n    BIGINT NOT NULL
) WITHOUT ROWID;
-- A story's approved comments, in a narrow table of its own: lists join it
-- instead of counting, and a new comment does not rewrite the story's row.
CREATE TABLE story_counts (
    story_id INTEGER PRIMARY KEY,
    comments BIGINT NOT NULL
);

INSERT INTO counters (name, n) SELECT 'stories:' || status, count(*) FROM stories GROUP BY status;
INSERT INTO counters (name, n) SELECT 'section:' || section_id || ':' || status, count(*) FROM stories GROUP BY section_id, status;
INSERT INTO counters (name, n) SELECT 'comments:' || status, count(*) FROM comments GROUP BY status;
INSERT INTO story_counts (story_id, comments)
    SELECT story_id, count(*) FROM comments WHERE status = 'approved' GROUP BY story_id;

CREATE TRIGGER counters_story_insert AFTER INSERT ON stories BEGIN
    INSERT INTO counters (name, n) VALUES ('stories:' || new.status, 1) ON CONFLICT (name) DO UPDATE SET n = n + 1;
    INSERT INTO counters (name, n) VALUES ('section:' || new.section_id || ':' || new.status, 1) ON CONFLICT (name) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER counters_story_delete AFTER DELETE ON stories BEGIN
    UPDATE counters SET n = n - 1 WHERE name IN ('stories:' || old.status, 'section:' || old.section_id || ':' || old.status);
    DELETE FROM story_counts WHERE story_id = old.id;
END;
CREATE TRIGGER counters_story_update AFTER UPDATE OF status, section_id ON stories
WHEN old.status <> new.status OR old.section_id <> new.section_id BEGIN
    UPDATE counters SET n = n - 1 WHERE name IN ('stories:' || old.status, 'section:' || old.section_id || ':' || old.status);
    INSERT INTO counters (name, n) VALUES ('stories:' || new.status, 1) ON CONFLICT (name) DO UPDATE SET n = n + 1;
    INSERT INTO counters (name, n) VALUES ('section:' || new.section_id || ':' || new.status, 1) ON CONFLICT (name) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER counters_comment_insert AFTER INSERT ON comments BEGIN
    INSERT INTO counters (name, n) VALUES ('comments:' || new.status, 1) ON CONFLICT (name) DO UPDATE SET n = n + 1;
    INSERT INTO story_counts (story_id, comments) SELECT new.story_id, 1 WHERE new.status = 'approved'
        ON CONFLICT (story_id) DO UPDATE SET comments = comments + 1;
END;
CREATE TRIGGER counters_comment_delete AFTER DELETE ON comments BEGIN
    UPDATE counters SET n = n - 1 WHERE name = 'comments:' || old.status;
    UPDATE story_counts SET comments = comments - 1 WHERE story_id = old.story_id AND old.status = 'approved';
END;
CREATE TRIGGER counters_comment_update AFTER UPDATE OF status, story_id ON comments
WHEN old.status <> new.status OR old.story_id <> new.story_id BEGIN
    UPDATE counters SET n = n - 1 WHERE name = 'comments:' || old.status;
    INSERT INTO counters (name, n) VALUES ('comments:' || new.status, 1) ON CONFLICT (name) DO UPDATE SET n = n + 1;
    UPDATE story_counts SET comments = comments - 1 WHERE story_id = old.story_id AND old.status = 'approved';
    INSERT INTO story_counts (story_id, comments) SELECT new.story_id, 1 WHERE new.status = 'approved'
        ON CONFLICT (story_id) DO UPDATE SET comments = comments + 1;
END;

-- Prefix searches ("trust*", "wor*") read one prefix index entry instead of
-- merging the whole doclists of every word that begins so. FTS5 keeps a
-- prefix index for each length listed; longer beginnings match few words.
DROP TABLE stories_fts;
CREATE VIRTUAL TABLE stories_fts USING fts5(
    title, letter, reply,
    content = 'stories', content_rowid = 'id',
    tokenize = 'porter unicode61 remove_diacritics 2',
    prefix = '3 4 5 6'
);
INSERT INTO stories_fts (stories_fts, rank) VALUES ('rank', 'bm25(5.0, 2.0, 1.0)');
INSERT INTO stories_fts (stories_fts) VALUES ('rebuild');
DROP TABLE stories_title_fts;
CREATE VIRTUAL TABLE stories_title_fts USING fts5(
    title,
    content = 'stories', content_rowid = 'id',
    tokenize = 'porter unicode61 remove_diacritics 2',
    prefix = '3 4 5 6'
);
INSERT INTO stories_title_fts (stories_title_fts) VALUES ('rebuild');

-- The sitemap lists published stories by id range with their last change,
-- from this index alone (the rows' long text is never read).
CREATE INDEX stories_sitemap ON stories (status, id, slug, updated_at);
