-- A big site (100,000 stories, millions of comments) must never count or
-- skip over millions of rows while a reader waits.

-- Counts are kept as the site changes, by triggers in the same transaction
-- as the change, so no code path can forget one. counters holds one number
-- per name: 'stories:STATUS', 'section:ID:STATUS', 'comments:STATUS'.
CREATE TABLE counters (
    name TEXT PRIMARY KEY,
    n    BIGINT NOT NULL
);
-- A story's approved comments, in a narrow table of its own: lists join it
-- instead of counting, and a new comment does not rewrite the story's row
-- (which would compute its generated tsvector again).
CREATE TABLE story_counts (
    story_id BIGINT PRIMARY KEY,
    comments BIGINT NOT NULL
);

INSERT INTO counters (name, n) SELECT 'stories:' || status, count(*) FROM stories GROUP BY status;
INSERT INTO counters (name, n) SELECT 'section:' || section_id || ':' || status, count(*) FROM stories GROUP BY section_id, status;
INSERT INTO counters (name, n) SELECT 'comments:' || status, count(*) FROM comments GROUP BY status;
INSERT INTO story_counts (story_id, comments)
    SELECT story_id, count(*) FROM comments WHERE status = 'approved' GROUP BY story_id;

CREATE FUNCTION counter_add(key TEXT, d BIGINT) RETURNS void LANGUAGE sql AS $$
    INSERT INTO counters (name, n) VALUES (key, d) ON CONFLICT (name) DO UPDATE SET n = counters.n + excluded.n;
$$;
CREATE FUNCTION story_comments_add(id BIGINT, d BIGINT) RETURNS void LANGUAGE sql AS $$
    INSERT INTO story_counts (story_id, comments) VALUES (id, d)
        ON CONFLICT (story_id) DO UPDATE SET comments = story_counts.comments + excluded.comments;
$$;

CREATE FUNCTION counters_story() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        PERFORM counter_add('stories:' || OLD.status, -1);
        PERFORM counter_add('section:' || OLD.section_id || ':' || OLD.status, -1);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM counter_add('stories:' || NEW.status, 1);
        PERFORM counter_add('section:' || NEW.section_id || ':' || NEW.status, 1);
    END IF;
    IF TG_OP = 'DELETE' THEN
        DELETE FROM story_counts WHERE story_id = OLD.id;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER counters_story_insert_delete AFTER INSERT OR DELETE ON stories
    FOR EACH ROW EXECUTE FUNCTION counters_story();
CREATE TRIGGER counters_story_update AFTER UPDATE OF status, section_id ON stories
    FOR EACH ROW WHEN (OLD.status <> NEW.status OR OLD.section_id <> NEW.section_id)
    EXECUTE FUNCTION counters_story();

CREATE FUNCTION counters_comment() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        PERFORM counter_add('comments:' || OLD.status, -1);
        IF OLD.status = 'approved' THEN
            PERFORM story_comments_add(OLD.story_id, -1);
        END IF;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM counter_add('comments:' || NEW.status, 1);
        IF NEW.status = 'approved' THEN
            PERFORM story_comments_add(NEW.story_id, 1);
        END IF;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER counters_comment_insert_delete AFTER INSERT OR DELETE ON comments
    FOR EACH ROW EXECUTE FUNCTION counters_comment();
CREATE TRIGGER counters_comment_update AFTER UPDATE OF status, story_id ON comments
    FOR EACH ROW WHEN (OLD.status <> NEW.status OR OLD.story_id <> NEW.story_id)
    EXECUTE FUNCTION counters_comment();

-- The sitemap lists published stories by id range with their last change,
-- from this index alone.
CREATE INDEX stories_sitemap ON stories (status, id) INCLUDE (slug, updated_at);
