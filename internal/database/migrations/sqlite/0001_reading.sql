-- The reading side: sections, stories, comments, site settings and pages.
CREATE TABLE sections (
    id          INTEGER PRIMARY KEY,
    slug        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    position    INTEGER NOT NULL DEFAULT 0,
    created_at  TIMESTAMP NOT NULL
);

CREATE TABLE stories (
    id           INTEGER PRIMARY KEY,
    slug         TEXT NOT NULL UNIQUE,
    section_id   INTEGER NOT NULL REFERENCES sections(id),
    title        TEXT NOT NULL,
    author_name  TEXT NOT NULL DEFAULT '',
    letter       TEXT NOT NULL,
    reply        TEXT NOT NULL DEFAULT '',
    advisor_name TEXT NOT NULL DEFAULT '',
    signature    TEXT NOT NULL DEFAULT '',
    status       TEXT NOT NULL CHECK (status IN ('draft', 'published', 'withdrawn')),
    published_at TIMESTAMP,
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL
);
CREATE INDEX stories_latest ON stories (status, published_at DESC, id DESC);
CREATE INDEX stories_section ON stories (section_id, status, published_at DESC, id DESC);

CREATE TABLE comments (
    id           INTEGER PRIMARY KEY,
    story_id     INTEGER NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
    author_name  TEXT NOT NULL,
    author_email TEXT NOT NULL DEFAULT '',
    body         TEXT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'spam', 'rejected')),
    created_at   TIMESTAMP NOT NULL
);
CREATE INDEX comments_story ON comments (story_id, status, created_at, id);
CREATE INDEX comments_latest ON comments (status, created_at DESC, id DESC);

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE pages (
    slug       TEXT PRIMARY KEY,
    title      TEXT NOT NULL,
    body       TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
