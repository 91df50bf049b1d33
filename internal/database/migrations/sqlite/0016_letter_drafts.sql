-- The reply being written to a letter, kept across restarts and shared by
-- advisors: version goes up with every save, and a save from an older
-- version is refused, so no advisor silently overwrites another.
CREATE TABLE letter_drafts (
    letter_id  INTEGER PRIMARY KEY REFERENCES letters(id) ON DELETE CASCADE,
    body       TEXT NOT NULL,
    version    BIGINT NOT NULL,
    user_id    INTEGER REFERENCES users(id) ON DELETE SET NULL,
    updated_at TIMESTAMP NOT NULL
);

-- When the writer last wrote more and no reply has come since: the
-- dashboard lists these answers waiting.
ALTER TABLE letters ADD COLUMN writer_wrote_at TIMESTAMP;
