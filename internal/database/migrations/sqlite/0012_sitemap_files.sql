-- The sitemap index lists its story files with their last change; working
-- that out from the stories walks every one (a tenth of a second at 100,000
-- stories). Triggers keep, for each file of 2,000 story ids (the service's
-- SitemapChunkSize: change both together), how many published stories it
-- lists and when one of them last changed.
CREATE TABLE sitemap_files (
    n       INTEGER PRIMARY KEY,
    stories BIGINT NOT NULL,
    lastmod TIMESTAMP NOT NULL
);
INSERT INTO sitemap_files (n, stories, lastmod)
    SELECT (id - 1) / 2000 + 1, count(*), max(updated_at) FROM stories WHERE status = 'published' GROUP BY (id - 1) / 2000 + 1;

CREATE TRIGGER sitemap_files_insert AFTER INSERT ON stories WHEN new.status = 'published' BEGIN
    INSERT INTO sitemap_files (n, stories, lastmod) VALUES ((new.id - 1) / 2000 + 1, 1, new.updated_at)
        ON CONFLICT (n) DO UPDATE SET stories = stories + 1, lastmod = max(lastmod, excluded.lastmod);
END;
CREATE TRIGGER sitemap_files_delete AFTER DELETE ON stories WHEN old.status = 'published' BEGIN
    UPDATE sitemap_files SET stories = stories - 1 WHERE n = (old.id - 1) / 2000 + 1;
END;
CREATE TRIGGER sitemap_files_update AFTER UPDATE OF status, slug, updated_at ON stories
WHEN old.status = 'published' OR new.status = 'published' BEGIN
    INSERT INTO sitemap_files (n, stories, lastmod) VALUES ((new.id - 1) / 2000 + 1,
        (new.status = 'published') - (old.status = 'published'), new.updated_at)
        ON CONFLICT (n) DO UPDATE SET stories = stories + excluded.stories, lastmod = max(lastmod, excluded.lastmod);
END;
