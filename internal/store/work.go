package store

import (
	"context"
	"fmt"

	"github.com/confide/confide/internal/model"
)

// WorkWaiting counts the work waiting, for metrics: mail by state, comments
// to moderate (kept in counters), open letters (up to maxListed).
func (s *Store) WorkWaiting(ctx context.Context) (model.WorkWaiting, error) {
	w := model.WorkWaiting{Outbox: map[string]int{"pending": 0, "sending": 0, "failed": 0}}
	for status := range w.Outbox {
		var n int
		if err := s.reader(ctx).QueryRowContext(ctx, `SELECT count(*) FROM outbox WHERE status = $1`, status).Scan(&n); err != nil {
			return w, fmt.Errorf("store: outbox count: %w", err)
		}
		w.Outbox[status] = n
	}
	if err := s.reader(ctx).QueryRowContext(ctx, `SELECT COALESCE(sum(n), 0) FROM counters WHERE name = 'comments:pending'`).Scan(&w.CommentsPending); err != nil {
		return w, fmt.Errorf("store: pending comments: %w", err)
	}
	if err := s.reader(ctx).QueryRowContext(ctx, `SELECT count(*) FROM (SELECT 1 FROM letters WHERE `+openLetters+` LIMIT $1) AS q`,
		maxListed).Scan(&w.LettersOpen); err != nil {
		return w, fmt.Errorf("store: open letters: %w", err)
	}
	return w, nil
}
