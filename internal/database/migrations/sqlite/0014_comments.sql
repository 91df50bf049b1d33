-- Readers write comments: threading, anti-spam, moderation, reports and
-- reply notifications.
--
-- On a big site (2 million comments) the two comment indexes below are
-- built when this migration runs: a minute or two on SQLite.

-- One level of threading; why a comment was held; its spam score; the keyed
-- hash of the client address (never the address itself); the hash of the
-- writer's private link; when it was last edited.
ALTER TABLE comments ADD COLUMN parent_id INTEGER REFERENCES comments(id) ON DELETE SET NULL;
ALTER TABLE comments ADD COLUMN held_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE comments ADD COLUMN spam_score REAL NOT NULL DEFAULT 0;
ALTER TABLE comments ADD COLUMN addr_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE comments ADD COLUMN owner_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE comments ADD COLUMN updated_at TIMESTAMP;
-- "Has this e-mail an approved comment?" decides the first-comment policy.
CREATE INDEX comments_email ON comments (author_email, status);

-- An advisor can close a story's comments.
ALTER TABLE stories ADD COLUMN comments_closed BOOLEAN NOT NULL DEFAULT FALSE;

-- CAPTCHA answers, so that any instance can check them; single use.
CREATE TABLE captchas (
    id         TEXT PRIMARY KEY,
    digits     TEXT NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
CREATE INDEX captchas_expiry ON captchas (expires_at);

-- Hits per key (an address's keyed hash, an e-mail's hash) per window,
-- shared by every instance.
CREATE TABLE rate_hits (
    key          TEXT NOT NULL,
    window_start TIMESTAMP NOT NULL,
    n            BIGINT NOT NULL,
    PRIMARY KEY (key, window_start)
);
CREATE INDEX rate_hits_window ON rate_hits (window_start);

-- The spam filter's counts: in how many spam and how many good comments
-- each token was seen. The totals are counters 'bayes:spam', 'bayes:ham'.
CREATE TABLE spam_tokens (
    token TEXT PRIMARY KEY,
    spam  BIGINT NOT NULL DEFAULT 0,
    ham   BIGINT NOT NULL DEFAULT 0
);

-- What admins block: words and patterns in comments (hold or refuse),
-- e-mail addresses, single addresses (by keyed hash) and address ranges.
CREATE TABLE blocklist (
    id         INTEGER PRIMARY KEY,
    kind       TEXT NOT NULL CHECK (kind IN ('word', 'pattern', 'email', 'addr', 'range')),
    value      TEXT NOT NULL,
    action     TEXT NOT NULL CHECK (action IN ('hold', 'refuse')),
    note       TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    UNIQUE (kind, value)
);

-- Readers' reports of a comment.
CREATE TABLE comment_reports (
    id          INTEGER PRIMARY KEY,
    comment_id  INTEGER NOT NULL REFERENCES comments(id) ON DELETE CASCADE,
    reason      TEXT NOT NULL,
    note        TEXT NOT NULL DEFAULT '',
    addr_hash   TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMP NOT NULL,
    resolved_at TIMESTAMP
);
CREATE INDEX comment_reports_open ON comment_reports (resolved_at, comment_id);

-- Reply notifications: one row per address and story. Nothing is sent
-- before the address is confirmed (double opt-in).
CREATE TABLE subscriptions (
    id           INTEGER PRIMARY KEY,
    story_id     INTEGER NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
    email        TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    confirmed_at TIMESTAMP,
    last_sent_at TIMESTAMP,
    seen_id      BIGINT NOT NULL DEFAULT 0,
    created_at   TIMESTAMP NOT NULL,
    UNIQUE (story_id, email)
);
-- Addresses that confirmed once: later subscriptions need no new mail.
CREATE TABLE confirmed_emails (
    email        TEXT PRIMARY KEY,
    confirmed_at TIMESTAMP NOT NULL
);
-- Stories with replies to tell subscribers about, and from when.
CREATE TABLE notify_queue (
    story_id BIGINT PRIMARY KEY,
    due_at   TIMESTAMP NOT NULL
);

-- Which stories' pages changed because a comment appeared, changed or went
-- away, so that every instance drops those pages from its cache instead of
-- all of them. Kept by triggers: no code path can forget one. Old rows are
-- pruned by seq.
CREATE TABLE page_changes (
    seq      INTEGER PRIMARY KEY,
    story_id BIGINT NOT NULL
);
CREATE TRIGGER page_changes_comment_insert AFTER INSERT ON comments WHEN new.status = 'approved' BEGIN
    INSERT INTO page_changes (story_id) VALUES (new.story_id);
END;
CREATE TRIGGER page_changes_comment_delete AFTER DELETE ON comments WHEN old.status = 'approved' BEGIN
    INSERT INTO page_changes (story_id) VALUES (old.story_id);
END;
CREATE TRIGGER page_changes_comment_update AFTER UPDATE ON comments
WHEN old.status = 'approved' OR new.status = 'approved' BEGIN
    INSERT INTO page_changes (story_id) VALUES (new.story_id);
    INSERT INTO page_changes (story_id) SELECT old.story_id WHERE old.story_id <> new.story_id;
END;

-- Mail that a reader asked for carries a one-click unsubscribe link
-- (List-Unsubscribe, List-Unsubscribe-Post).
ALTER TABLE outbox ADD COLUMN unsubscribe_url TEXT NOT NULL DEFAULT '';
