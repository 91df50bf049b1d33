-- Full-text search over stories: a generated tsvector (so it is always in
-- step with the row, in the same transaction) with a GIN index. English
-- stemming; weight A for the title, B for the letter, C for the reply.
ALTER TABLE stories ADD COLUMN search tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('english', title), 'A') ||
    setweight(to_tsvector('english', letter), 'B') ||
    setweight(to_tsvector('english', reply), 'C')
) STORED;
CREATE INDEX stories_search ON stories USING GIN (search);

-- search_state.version goes up with every change to a story's text or
-- status (not with comments), so cached related-stories lists know when to
-- be computed again.
CREATE TABLE search_state (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version BIGINT NOT NULL
);
INSERT INTO search_state (id, version) VALUES (1, 1);
CREATE FUNCTION search_state_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE search_state SET version = version + 1 WHERE id = 1;
    RETURN NULL;
END $$;
CREATE TRIGGER search_state_change AFTER INSERT OR DELETE OR UPDATE OF title, letter, reply, status, section_id
    ON stories FOR EACH STATEMENT EXECUTE FUNCTION search_state_bump();

-- Broad queries rank the stories whose title matches (and the newest
-- matches); this index finds title matches without reading whole stories.
CREATE INDEX stories_title_search ON stories USING GIN (to_tsvector('english', title));
