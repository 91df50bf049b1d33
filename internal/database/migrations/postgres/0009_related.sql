-- Each story's related stories, made in the background by the instance that
-- first needed them and kept here, so that restarts and other instances
-- start with them instead of making them again (a search over every story
-- each). version is search_state.version when the list was made: a list
-- older than the current version is shown while a new one is made.
CREATE TABLE related_stories (
    story_id BIGINT PRIMARY KEY REFERENCES stories(id) ON DELETE CASCADE,
    related  TEXT NOT NULL,
    version  BIGINT NOT NULL,
    made_at  TIMESTAMPTZ NOT NULL
);
