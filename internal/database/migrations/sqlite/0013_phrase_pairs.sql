-- PostgreSQL only (an index of neighbouring words for phrase search): FTS5
-- keeps every word's positions in its index already. Kept here so that both
-- engines have the same migrations.
SELECT 1;
