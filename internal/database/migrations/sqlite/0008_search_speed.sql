-- Titles have an FTS5 index of their own: broad searches rank the stories
-- whose title matches, and finding them in stories_fts means walking the
-- whole doclists of everyday words (milliseconds each on a big site).
CREATE VIRTUAL TABLE stories_title_fts USING fts5(
    title,
    content = 'stories', content_rowid = 'id',
    tokenize = 'porter unicode61 remove_diacritics 2'
);
CREATE TRIGGER stories_title_fts_insert AFTER INSERT ON stories BEGIN
    INSERT INTO stories_title_fts (rowid, title) VALUES (new.id, new.title);
END;
CREATE TRIGGER stories_title_fts_delete AFTER DELETE ON stories BEGIN
    INSERT INTO stories_title_fts (stories_title_fts, rowid, title) VALUES ('delete', old.id, old.title);
END;
CREATE TRIGGER stories_title_fts_update AFTER UPDATE OF title ON stories BEGIN
    INSERT INTO stories_title_fts (stories_title_fts, rowid, title) VALUES ('delete', old.id, old.title);
    INSERT INTO stories_title_fts (rowid, title) VALUES (new.id, new.title);
END;
INSERT INTO stories_title_fts (stories_title_fts) VALUES ('rebuild');

-- The few stories readers may not see (drafts, withdrawn): a search over
-- published stories leaves these out instead of looking up every match's
-- status.
CREATE INDEX stories_unpublished ON stories (id) WHERE status <> 'published';
