-- Search over letters, for advisors ("the letter about the bakery"): an
-- external-content FTS5 index of the title, the letter and the writer's
-- name, kept by triggers in the same transaction as every change, so an
-- erased letter leaves nothing in it.
CREATE VIRTUAL TABLE letters_fts USING fts5(
    title, body, writer_name,
    content = 'letters', content_rowid = 'id',
    tokenize = 'porter unicode61 remove_diacritics 2',
    prefix = '3 4 5 6'
);
CREATE TRIGGER letters_fts_insert AFTER INSERT ON letters BEGIN
    INSERT INTO letters_fts (rowid, title, body, writer_name) VALUES (new.id, new.title, new.body, new.writer_name);
END;
CREATE TRIGGER letters_fts_delete AFTER DELETE ON letters BEGIN
    INSERT INTO letters_fts (letters_fts, rowid, title, body, writer_name) VALUES ('delete', old.id, old.title, old.body, old.writer_name);
END;
CREATE TRIGGER letters_fts_update AFTER UPDATE OF title, body, writer_name ON letters BEGIN
    INSERT INTO letters_fts (letters_fts, rowid, title, body, writer_name) VALUES ('delete', old.id, old.title, old.body, old.writer_name);
    INSERT INTO letters_fts (rowid, title, body, writer_name) VALUES (new.id, new.title, new.body, new.writer_name);
END;
INSERT INTO letters_fts (letters_fts) VALUES ('rebuild');
