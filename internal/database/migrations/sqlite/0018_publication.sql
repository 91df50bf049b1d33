-- Publishing a letter with its writer's sign-off.
--
-- The advisor edits an anonymised copy of the letter (the original stays
-- private and unchanged) and the reply to publish; version goes up with
-- every save. The writer approves one exact version on their thread; only
-- then does it become a story (story_id), and later versions replace the
-- story's text only once approved too.
CREATE TABLE letter_publications (
    letter_id      INTEGER PRIMARY KEY REFERENCES letters(id) ON DELETE CASCADE,
    version        BIGINT NOT NULL,
    state          TEXT NOT NULL CHECK (state IN ('draft', 'proposed', 'changes', 'declined', 'approved')),
    title          TEXT NOT NULL,
    slug           TEXT NOT NULL,
    section_id     INTEGER REFERENCES sections(id) ON DELETE SET NULL,
    author_name    TEXT NOT NULL DEFAULT '',
    letter_text    TEXT NOT NULL,
    reply_text     TEXT NOT NULL,
    writer_message TEXT NOT NULL DEFAULT '',
    story_id       INTEGER REFERENCES stories(id) ON DELETE SET NULL,
    user_id        INTEGER REFERENCES users(id) ON DELETE SET NULL,
    updated_at     TIMESTAMP NOT NULL,
    decided_at     TIMESTAMP
);
-- The daily note to writers about comments on their published story.
CREATE INDEX letter_publications_story ON letter_publications (story_id) WHERE story_id IS NOT NULL;

-- A story's old addresses, answered with 301 to its current one, so that
-- links and search results keep working after a slug changes.
CREATE TABLE story_redirects (
    slug       TEXT PRIMARY KEY,
    story_id   INTEGER NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL
);

-- The writer may ask to hear, at most once a day, when readers comment on
-- their published story: comments_seen_at is where the next note counts
-- from, comments_told_at when the last note went.
ALTER TABLE letters ADD COLUMN notify_comments BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE letters ADD COLUMN comments_told_at TIMESTAMP;
ALTER TABLE letters ADD COLUMN comments_seen_at TIMESTAMP;
