-- Crisis lines an admin added, or set in place of the built-in ones of a
-- country (a country with rows here shows these rows only).
CREATE TABLE helplines (
    id         INTEGER PRIMARY KEY,
    country    TEXT NOT NULL,
    name       TEXT NOT NULL,
    service    TEXT NOT NULL,
    phone      TEXT NOT NULL,
    contact    TEXT NOT NULL DEFAULT '',
    web        TEXT NOT NULL DEFAULT '',
    hours      TEXT NOT NULL DEFAULT '',
    source     TEXT NOT NULL,
    checked    TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX helplines_country ON helplines (country);
