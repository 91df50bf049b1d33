package store

import (
	"context"
	"fmt"

	"github.com/confide/confide/internal/model"
)

// Counts returns the numbers the admin dashboard shows, in one query.
// Users are few and counted; every other figure is kept as the site changes.
func (s *Store) Counts(ctx context.Context) (model.Counts, error) {
	var c model.Counts
	// Kept numbers (counters, see migration 0010), never counted here.
	kept := func(name string) string {
		return `(SELECT COALESCE(MAX(n), 0) FROM counters WHERE name = '` + name + `')`
	}
	err := s.reader(ctx).QueryRowContext(ctx, `SELECT
		(SELECT COALESCE(SUM(n), 0) FROM counters WHERE name IN ('stories:draft', 'stories:published', 'stories:withdrawn')), `+
		kept("stories:published")+`, `+kept("stories:draft")+`, `+kept("comments:approved")+`, `+kept("comments:pending")+`,
		(SELECT count(*) FROM users WHERE disabled_at IS NULL),
		(SELECT count(*) FROM (SELECT 1 FROM letters WHERE status IN ('new', 'assigned', 'drafting') LIMIT 10000) AS w)`).
		Scan(&c.Stories, &c.Published, &c.Drafts, &c.Comments, &c.CommentsPending, &c.Users, &c.LettersWaiting)
	if err != nil {
		return c, fmt.Errorf("store: counts: %w", err)
	}
	return c, nil
}
