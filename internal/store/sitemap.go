package store

import (
	"context"
	"fmt"

	"github.com/confide/confide/internal/model"
)

// SitemapChunks lists the sitemap's story files that hold a published story,
// with the last change of one of them: file n lists the stories whose ids
// run from (n-1)·2000+1 to n·2000 (service.SitemapChunkSize). Triggers keep
// the list (migration 0012), so no story is read.
func (s *Store) SitemapChunks(ctx context.Context) ([]model.SitemapChunk, error) {
	rows, err := s.reader(ctx).QueryContext(ctx, `SELECT n, lastmod FROM sitemap_files WHERE stories > 0 ORDER BY n`)
	if err != nil {
		return nil, fmt.Errorf("store: sitemap chunks: %w", err)
	}
	defer rows.Close()
	var out []model.SitemapChunk
	for rows.Next() {
		var c model.SitemapChunk
		var last any
		if err := rows.Scan(&c.Number, &last); err != nil {
			return nil, fmt.Errorf("store: sitemap chunks: %w", err)
		}
		// SQLite's max() in the triggers keeps the time as text.
		if c.LastMod, err = timeValue(last); err != nil {
			return nil, fmt.Errorf("store: sitemap chunks: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// SitemapStories lists the published stories whose id is in [from, to], in
// id order.
func (s *Store) SitemapStories(ctx context.Context, from, to int64) ([]model.StoryStamp, error) {
	rows, err := s.reader(ctx).QueryContext(ctx, `SELECT slug, updated_at FROM stories
		WHERE status = 'published' AND id BETWEEN $1 AND $2 ORDER BY id`, from, to)
	if err != nil {
		return nil, fmt.Errorf("store: sitemap stories: %w", err)
	}
	defer rows.Close()
	var out []model.StoryStamp
	for rows.Next() {
		var st model.StoryStamp
		if err := rows.Scan(&st.Slug, &st.UpdatedAt); err != nil {
			return nil, fmt.Errorf("store: sitemap stories: %w", err)
		}
		st.UpdatedAt = st.UpdatedAt.UTC()
		out = append(out, st)
	}
	return out, rows.Err()
}
