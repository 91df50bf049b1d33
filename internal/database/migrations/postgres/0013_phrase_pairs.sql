-- Phrase search on PostgreSQL: the text index (stories.search) knows which
-- stories hold each word, not which hold two words side by side, so a phrase
-- of everyday words ("feel alone") was checked by reading the whole stored
-- tsvector of every story with both words: seconds on a big site. pairs
-- holds each pair of neighbouring words of a story (stop words left out, as
-- in the text index), indexed, so a phrase first narrows to the stories that
-- have its pairs; the exact phrase is then checked on those few.
--
-- On a site of 100,000 stories this migration takes some minutes (every
-- story's text is read once more).
CREATE FUNCTION word_pairs(doc tsvector) RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT coalesce(array_to_tsvector(array_agg(DISTINCT pair)), ''::tsvector) FROM (
        SELECT lexeme || ' ' || lead(lexeme) OVER (ORDER BY pos, lexeme) AS pair
        FROM (SELECT lexeme, unnest(positions) AS pos FROM unnest(doc)) w
    ) p WHERE pair IS NOT NULL
$$;

-- phrase_pairs is the pairs of a phrase as a query (all of them), or NULL
-- when the phrase has fewer than two words that are not stop words.
CREATE FUNCTION phrase_pairs(phrase TEXT) RETURNS tsquery LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT string_agg(quote_literal(pair), ' & ')::tsquery FROM (
        SELECT lexeme || ' ' || lead(lexeme) OVER (ORDER BY pos, lexeme) AS pair
        FROM (SELECT lexeme, unnest(positions) AS pos FROM unnest(to_tsvector('english', phrase))) w
    ) p WHERE pair IS NOT NULL
$$;

ALTER TABLE stories ADD COLUMN pairs tsvector GENERATED ALWAYS AS (
    word_pairs(to_tsvector('english', title || ' ' || letter || ' ' || reply))
) STORED;
CREATE INDEX stories_pairs ON stories USING GIN (pairs);
