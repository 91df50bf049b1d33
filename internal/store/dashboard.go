package store

import (
	"context"
	"fmt"

	"github.com/confide/confide/internal/model"
)

// Counts returns the numbers the admin dashboard shows, in one query.
func (s *Store) Counts(ctx context.Context) (model.Counts, error) {
	var c model.Counts
	err := s.reader(ctx).QueryRowContext(ctx, `SELECT
		(SELECT count(*) FROM stories),
		(SELECT count(*) FROM stories WHERE status = 'published'),
		(SELECT count(*) FROM stories WHERE status = 'draft'),
		(SELECT count(*) FROM comments WHERE status = 'approved'),
		(SELECT count(*) FROM comments WHERE status = 'pending'),
		(SELECT count(*) FROM users WHERE disabled_at IS NULL)`).
		Scan(&c.Stories, &c.Published, &c.Drafts, &c.Comments, &c.CommentsPending, &c.Users)
	if err != nil {
		return c, fmt.Errorf("store: counts: %w", err)
	}
	return c, nil
}
