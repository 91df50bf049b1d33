-- confide import wordpress: each run, what each run made, and the old
-- addresses of what it brought, answered with 301.
CREATE TABLE imports (
    id          INTEGER PRIMARY KEY,
    source      TEXT NOT NULL,
    file_name   TEXT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('running', 'done', 'failed')),
    started_at  TIMESTAMP NOT NULL,
    finished_at TIMESTAMP,
    sections    INTEGER NOT NULL DEFAULT 0,
    stories     INTEGER NOT NULL DEFAULT 0,
    comments    INTEGER NOT NULL DEFAULT 0,
    error       TEXT NOT NULL DEFAULT ''
);

-- WordPress's id of each thing imported from a site (source: its address)
-- and ours. A second run of the same export finds its things here and
-- makes nothing twice; made is false for a section that was already here
-- and that the import only used (undoing the import leaves it).
CREATE TABLE imported (
    source    TEXT NOT NULL,
    kind      TEXT NOT NULL CHECK (kind IN ('section', 'story', 'comment')),
    wp_id     INTEGER NOT NULL,
    local_id  INTEGER NOT NULL,
    import_id INTEGER NOT NULL REFERENCES imports(id),
    made      BOOLEAN NOT NULL,
    PRIMARY KEY (source, kind, wp_id)
);
CREATE INDEX imported_by_run ON imported (import_id, kind, local_id);

-- The addresses the old site gave its posts and categories (/?p=12,
-- /2019/11/04/slug/, /category/family/, …), path and query as one key.
CREATE TABLE old_links (
    path       TEXT PRIMARY KEY,
    story_id   INTEGER REFERENCES stories(id) ON DELETE CASCADE,
    section_id INTEGER REFERENCES sections(id) ON DELETE CASCADE,
    import_id  INTEGER NOT NULL REFERENCES imports(id)
);
CREATE INDEX old_links_by_run ON old_links (import_id);

-- An imported post that could not be told apart into letter and reply
-- keeps it all as the reply, with no letter: not a withdrawn one.
ALTER TABLE stories ADD COLUMN imported BOOLEAN NOT NULL DEFAULT FALSE;
