-- Each advisor's reply templates: greetings, closings, the paragraphs they
-- often write, inserted into a reply and then made personal.
CREATE TABLE reply_templates (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    body       TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (user_id, name)
);
