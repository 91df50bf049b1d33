package store

import (
	"context"
	"fmt"

	"github.com/confide/confide/internal/model"
)

// SitemapChunks lists the runs of size story ids (ids 1…size are chunk 1,
// size+1…2·size chunk 2, …) that hold a published story, with the last change
// of a published story in each. It reads the narrow index stories_sitemap,
// never a story's row.
func (s *Store) SitemapChunks(ctx context.Context, size int) ([]model.SitemapChunk, error) {
	rows, err := s.reader(ctx).QueryContext(ctx, `SELECT (id - 1) / $1 + 1 AS chunk, max(updated_at) FROM stories
		WHERE status = 'published' GROUP BY (id - 1) / $1 + 1 ORDER BY chunk`, size)
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
		// SQLite's max() loses the column's type: the time comes back as text.
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
