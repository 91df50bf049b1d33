-- Nothing to do on PostgreSQL: SQLite gains an index of titles and one of
-- unpublished stories for its searches; here title matches come from
-- stories_title_search (0007) and status is tested in the bitmap scans.
SELECT 1;
