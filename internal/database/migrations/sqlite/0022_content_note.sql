-- Content notes: a story whose text touches suicide or self-harm opens
-- with a note and the help link, and lists show its title alone (no
-- excerpt, snippet or feed text that could carry method details).
-- content_note_mode is the advisors' choice (auto: the crisis detector
-- decides); content_note is the result, kept so lists read it for free.
-- Stories written before this migration are checked by a background job
-- (content_checked).
ALTER TABLE stories ADD COLUMN content_note BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE stories ADD COLUMN content_note_mode TEXT NOT NULL DEFAULT 'auto' CHECK (content_note_mode IN ('auto', 'on', 'off'));
ALTER TABLE stories ADD COLUMN content_checked BOOLEAN NOT NULL DEFAULT FALSE;
CREATE INDEX stories_unchecked ON stories (id) WHERE NOT content_checked;
