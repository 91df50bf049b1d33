-- Letters: a writer's private story, its thread with the advisor, and the
-- advisors' inbox.
--
-- A writer opens their thread with a secret link. The link's secret is made
-- from link_salt with the site's secret key (which never enters the
-- database), so mail can carry it again; only its hash is stored for the
-- lookup, and the database alone opens no thread.
CREATE TABLE letters (
    id             INTEGER PRIMARY KEY,
    token_hash     TEXT NOT NULL UNIQUE,
    link_salt      TEXT NOT NULL,
    title          TEXT NOT NULL DEFAULT '',
    body           TEXT NOT NULL,
    writer_name    TEXT NOT NULL DEFAULT '',
    writer_email   TEXT NOT NULL DEFAULT '',
    section_id     INTEGER REFERENCES sections(id) ON DELETE SET NULL,
    consent        TEXT NOT NULL CHECK (consent IN ('publish', 'private')),
    status         TEXT NOT NULL CHECK (status IN ('new', 'assigned', 'drafting', 'waiting', 'replied', 'published', 'closed', 'withdrawn')),
    priority       INTEGER NOT NULL DEFAULT 0,
    assigned_to    INTEGER REFERENCES users(id) ON DELETE SET NULL,
    held_reason    TEXT NOT NULL DEFAULT '',
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL,
    first_reply_at TIMESTAMP,
    withdrawn_at   TIMESTAMP
);
-- The inbox: open letters (or one state, or one advisor's), most urgent
-- first, then the oldest, read in order from an index.
CREATE INDEX letters_inbox ON letters (status, priority DESC, created_at, id);
CREATE INDEX letters_open ON letters (priority DESC, created_at, id)
    WHERE status IN ('new', 'assigned', 'drafting', 'waiting', 'replied');
CREATE INDEX letters_assigned ON letters (assigned_to, priority DESC, created_at, id);
-- A writer who lost their link asks for it again by e-mail address.
CREATE INDEX letters_email ON letters (writer_email) WHERE writer_email <> '';
-- The median time to a first reply, over the last 30 days, read from the
-- answered letters alone.
CREATE INDEX letters_replied ON letters (created_at, first_reply_at) WHERE first_reply_at IS NOT NULL;

-- The thread: the writer's follow-ups, the advisors' replies, and internal
-- notes the writer never sees.
CREATE TABLE letter_messages (
    id         INTEGER PRIMARY KEY,
    letter_id  INTEGER NOT NULL REFERENCES letters(id) ON DELETE CASCADE,
    kind       TEXT NOT NULL CHECK (kind IN ('followup', 'reply', 'note')),
    user_id    INTEGER REFERENCES users(id) ON DELETE SET NULL,
    body       TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX letter_messages_thread ON letter_messages (letter_id, created_at, id);
