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

// ApprovedCommentsAfter reads the comments with ids above after, limit of
// them in id order, and returns the approved ones on published stories and
// the last id it read (0 when there were none left): an export reads them
// all a batch at a time. The batch is taken by primary key, so each costs
// the same however far the export has gone.
func (s *Store) ApprovedCommentsAfter(ctx context.Context, after int64, limit int) ([]model.Comment, int64, error) {
	var last int64
	if err := s.reader(ctx).QueryRowContext(ctx, `SELECT COALESCE(max(id), 0) FROM (SELECT id FROM comments WHERE id > $1
		ORDER BY id LIMIT $2) AS b`, after, limit).Scan(&last); err != nil {
		return nil, 0, fmt.Errorf("store: comments for export: %w", err)
	}
	if last == 0 {
		return nil, 0, nil
	}
	// Unary + keeps SQLite off the index of statuses, and CROSS JOIN keeps
	// the comments as the outer loop: the id range is the way in.
	status := `c.status`
	if s.db.Dialect == database.SQLite {
		status = `+c.status`
	}
	rows, err := s.reader(ctx).QueryContext(ctx, commentSelect+` FROM comments c CROSS JOIN stories s
		LEFT JOIN comments p ON p.id = c.parent_id
		WHERE s.id = c.story_id AND c.id > $1 AND c.id <= $2 AND `+status+` = 'approved' AND s.status = 'published'
		ORDER BY c.id`, after, last)
	if err != nil {
		return nil, 0, fmt.Errorf("store: comments for export: %w", err)
	}
	defer rows.Close()
	list, err := scanComments(rows)
	return list, last, err
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
