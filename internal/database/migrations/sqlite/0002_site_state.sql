-- One row whose version goes up in the same transaction as every change to
-- published content. Every instance compares it with the version of its page
-- cache, so a change made through one instance is seen by all at once.
CREATE TABLE site_state (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version BIGINT NOT NULL
);
INSERT INTO site_state (id, version) VALUES (1, 1);
