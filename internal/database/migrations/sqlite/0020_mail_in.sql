-- Letters by e-mail.
--
-- Every message the mail worker handled, by its place in the mailbox
-- (UIDVALIDITY and UID): a message is turned into a letter in the same
-- transaction that records it here, so a worker that dies before flagging
-- it seen finds it here next time and never makes a second letter. A
-- message that could not be read is recorded as failed and left unread,
-- for the admins to see; nothing is ever deleted from the mailbox.
CREATE TABLE mail_in (
    id          INTEGER PRIMARY KEY,
    mailbox_key TEXT NOT NULL UNIQUE,
    message_id  TEXT NOT NULL DEFAULT '',
    outcome     TEXT NOT NULL CHECK (outcome IN ('letter', 'followup', 'ignored', 'failed')),
    letter_id   INTEGER REFERENCES letters(id) ON DELETE SET NULL,
    detail      TEXT NOT NULL DEFAULT '',
    size        BIGINT NOT NULL DEFAULT 0,
    received_at TIMESTAMP NOT NULL
);
CREATE INDEX mail_in_message ON mail_in (message_id) WHERE message_id <> '';
CREATE INDEX mail_in_failed ON mail_in (received_at) WHERE outcome = 'failed';

-- The Message-IDs of the mails sent to writers about their letter: random,
-- so an e-mail answer that names one in In-Reply-To or References joins
-- that letter's thread. A From: address alone never does.
CREATE TABLE letter_mail_ids (
    message_id TEXT PRIMARY KEY,
    letter_id  INTEGER NOT NULL REFERENCES letters(id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX letter_mail_ids_letter ON letter_mail_ids (letter_id);

-- Work that one instance at a time may do (reading the mailbox): whoever
-- holds an unexpired lease, and renews it while working.
CREATE TABLE leases (
    name       TEXT PRIMARY KEY,
    holder     TEXT NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
