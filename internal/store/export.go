package store

import (
	"context"
	"fmt"

	"github.com/confide/confide/internal/database"
	"github.com/confide/confide/internal/model"
)

// PublishedStoriesAfter returns up to limit published stories with ids
// above after, by id, with their replies: an export reads them all a
// batch at a time.
func (s *Store) PublishedStoriesAfter(ctx context.Context, after int64, limit int) ([]model.Story, error) {
	return s.storyList(ctx, storyColumns+storyFrom+` WHERE s.status = 'published' AND s.id > $1 ORDER BY s.id LIMIT $2`,
		[]any{after, limit})
}

// ApprovedCommentsAfter returns up to limit approved comments on published
// stories with ids above after, by id.
func (s *Store) ApprovedCommentsAfter(ctx context.Context, after int64, limit int) ([]model.Comment, error) {
	rows, err := s.reader(ctx).QueryContext(ctx, commentColumns+` WHERE c.status = 'approved' AND s.status = 'published'
		AND c.id > $1 ORDER BY c.id LIMIT $2`, after, limit)
	if err != nil {
		return nil, fmt.Errorf("store: comments for export: %w", err)
	}
	defer rows.Close()
	return scanComments(rows)
}

// RebuildSearch rebuilds the full-text indexes from the stored text and
// marks every related-stories list stale (they are made again by the
// caller, or as readers ask for them).
func (s *Store) RebuildSearch(ctx context.Context) error {
	qs := []string{`REINDEX TABLE stories`, `REINDEX TABLE letters`, `ANALYZE stories`, `ANALYZE letters`}
	if s.db.Dialect == database.SQLite {
		qs = []string{
			`INSERT INTO stories_fts (stories_fts) VALUES ('rebuild')`,
			`INSERT INTO stories_title_fts (stories_title_fts) VALUES ('rebuild')`,
			`INSERT INTO letters_fts (letters_fts) VALUES ('rebuild')`,
			`INSERT INTO stories_fts (stories_fts) VALUES ('optimize')`,
			`ANALYZE`,
		}
	}
	for _, q := range qs {
		if _, err := s.db.Write.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("store: rebuild search: %s: %w", q, err)
		}
	}
	if _, err := s.db.Write.ExecContext(ctx, `UPDATE search_state SET version = version + 1 WHERE id = 1`); err != nil {
		return fmt.Errorf("store: rebuild search: %w", err)
	}
	return nil
}
