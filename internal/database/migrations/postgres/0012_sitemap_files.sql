-- The sitemap index lists its story files with their last change; working
-- that out from the stories walks every one. Triggers keep, for each file of
-- 2,000 story ids (the service's SitemapChunkSize: change both together),
-- how many published stories it lists and when one of them last changed.
CREATE TABLE sitemap_files (
    n       BIGINT PRIMARY KEY,
    stories BIGINT NOT NULL,
    lastmod TIMESTAMPTZ NOT NULL
);
INSERT INTO sitemap_files (n, stories, lastmod)
    SELECT (id - 1) / 2000 + 1, count(*), max(updated_at) FROM stories WHERE status = 'published' GROUP BY (id - 1) / 2000 + 1;

CREATE FUNCTION sitemap_files_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    d BIGINT := 0;
    r stories%ROWTYPE;
BEGIN
    IF TG_OP = 'DELETE' THEN
        r := OLD;
    ELSE
        r := NEW;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.status = 'published' THEN
        d := d - 1;
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') AND NEW.status = 'published' THEN
        d := d + 1;
    END IF;
    IF TG_OP = 'DELETE' THEN
        UPDATE sitemap_files SET stories = stories + d WHERE n = (r.id - 1) / 2000 + 1;
    ELSE
        INSERT INTO sitemap_files (n, stories, lastmod) VALUES ((r.id - 1) / 2000 + 1, d, r.updated_at)
            ON CONFLICT (n) DO UPDATE SET stories = sitemap_files.stories + excluded.stories,
                lastmod = GREATEST(sitemap_files.lastmod, excluded.lastmod);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER sitemap_files_insert AFTER INSERT ON stories
    FOR EACH ROW WHEN (NEW.status = 'published') EXECUTE FUNCTION sitemap_files_change();
CREATE TRIGGER sitemap_files_delete AFTER DELETE ON stories
    FOR EACH ROW WHEN (OLD.status = 'published') EXECUTE FUNCTION sitemap_files_change();
CREATE TRIGGER sitemap_files_update AFTER UPDATE OF status, slug, updated_at ON stories
    FOR EACH ROW WHEN (OLD.status = 'published' OR NEW.status = 'published') EXECUTE FUNCTION sitemap_files_change();
