-- Search over letters, for advisors ("the letter about the bakery"): a
-- generated tsvector of the title, the letter and the writer's name (so it
-- is always in step with the row, and an erased letter leaves nothing in
-- it) with a GIN index.
ALTER TABLE letters ADD COLUMN search tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('english', title), 'A') ||
    setweight(to_tsvector('english', body), 'B') ||
    setweight(to_tsvector('simple', writer_name), 'C')
) STORED;
CREATE INDEX letters_search ON letters USING GIN (search);
