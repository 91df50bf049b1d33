-- Full-text search over stories: an external-content FTS5 index (the text
-- lives once, in stories) kept up to date by triggers in the same
-- transaction as every change. Porter stemming over unicode61 words;
-- bm25 weighs a match in the title above one in the letter, and the letter
-- above the reply.
CREATE VIRTUAL TABLE stories_fts USING fts5(
    title, letter, reply,
    content = 'stories', content_rowid = 'id',
    tokenize = 'porter unicode61 remove_diacritics 2'
);
INSERT INTO stories_fts (stories_fts, rank) VALUES ('rank', 'bm25(5.0, 2.0, 1.0)');

CREATE TRIGGER stories_fts_insert AFTER INSERT ON stories BEGIN
    INSERT INTO stories_fts (rowid, title, letter, reply) VALUES (new.id, new.title, new.letter, new.reply);
END;
CREATE TRIGGER stories_fts_delete AFTER DELETE ON stories BEGIN
    INSERT INTO stories_fts (stories_fts, rowid, title, letter, reply) VALUES ('delete', old.id, old.title, old.letter, old.reply);
END;
CREATE TRIGGER stories_fts_update AFTER UPDATE OF title, letter, reply ON stories BEGIN
    INSERT INTO stories_fts (stories_fts, rowid, title, letter, reply) VALUES ('delete', old.id, old.title, old.letter, old.reply);
    INSERT INTO stories_fts (rowid, title, letter, reply) VALUES (new.id, new.title, new.letter, new.reply);
END;

INSERT INTO stories_fts (stories_fts) VALUES ('rebuild');

-- Search filters on status and section for every match. Those columns sit
-- after the long letter and reply in a stories row, so reading them from the
-- table walks its overflow pages; this narrow index answers them instead.
CREATE INDEX stories_search_filter ON stories (id, status, section_id, published_at);

-- search_state.version goes up with every change to a story's text or
-- status (not with comments), so cached related-stories lists know when to
-- be computed again.
CREATE TABLE search_state (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version BIGINT NOT NULL
);
INSERT INTO search_state (id, version) VALUES (1, 1);
CREATE TRIGGER search_state_insert AFTER INSERT ON stories BEGIN
    UPDATE search_state SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER search_state_update AFTER UPDATE OF title, letter, reply, status, section_id ON stories BEGIN
    UPDATE search_state SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER search_state_delete AFTER DELETE ON stories BEGIN
    UPDATE search_state SET version = version + 1 WHERE id = 1;
END;
