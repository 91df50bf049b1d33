package store

import (
	"context"
	"fmt"

	"github.com/confide/confide/internal/model"
)

// CommentsByEmail returns every comment written with an address, any
// status, oldest first.
func (s *Store) CommentsByEmail(ctx context.Context, email string) ([]model.Comment, error) {
	rows, err := s.reader(ctx).QueryContext(ctx, commentColumns+` WHERE c.author_email = $1 ORDER BY c.created_at, c.id`, email)
	if err != nil {
		return nil, fmt.Errorf("store: comments by address: %w", err)
	}
	defer rows.Close()
	return scanComments(rows)
}

// SubscriptionsByEmail returns the stories an address follows.
func (s *Store) SubscriptionsByEmail(ctx context.Context, email string) ([]model.PersonalSubscription, error) {
	rows, err := s.reader(ctx).QueryContext(ctx, `SELECT st.slug, sub.confirmed_at IS NOT NULL, sub.created_at
		FROM subscriptions sub JOIN stories st ON st.id = sub.story_id WHERE sub.email = $1 ORDER BY sub.created_at`, email)
	if err != nil {
		return nil, fmt.Errorf("store: subscriptions by address: %w", err)
	}
	defer rows.Close()
	var out []model.PersonalSubscription
	for rows.Next() {
		var p model.PersonalSubscription
		if err := rows.Scan(&p.StorySlug, &p.Confirmed, &p.CreatedAt); err != nil {
			return nil, fmt.Errorf("store: subscriptions by address: %w", err)
		}
		p.CreatedAt = p.CreatedAt.UTC()
		out = append(out, p)
	}
	return out, rows.Err()
}

// MailsTo returns the outbox's mail to an address, oldest first.
func (s *Store) MailsTo(ctx context.Context, email string) ([]model.OutboxMessage, error) {
	rows, err := s.reader(ctx).QueryContext(ctx, outboxColumns+` WHERE to_addr = $1 ORDER BY created_at, id`, email)
	if err != nil {
		return nil, fmt.Errorf("store: mail to an address: %w", err)
	}
	defer rows.Close()
	var out []model.OutboxMessage
	for rows.Next() {
		m, err := scanOutbox(rows)
		if err != nil {
			return nil, fmt.Errorf("store: mail to an address: %w", err)
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// EraseCommenter deletes every comment written with an address (answers
// to them stay, as answers to a removed comment), its subscriptions and
// its confirmation, and returns how many comments went.
func (s *Store) EraseCommenter(ctx context.Context, email string) (int64, error) {
	var n int64
	err := s.write(ctx, func(ctx context.Context, q querier) error {
		if _, err := q.ExecContext(ctx, `UPDATE comments SET parent_id = NULL WHERE parent_id IN
			(SELECT id FROM comments WHERE author_email = $1)`, email); err != nil {
			return err
		}
		res, err := q.ExecContext(ctx, `DELETE FROM comments WHERE author_email = $1`, email)
		if err != nil {
			return err
		}
		n, _ = res.RowsAffected()
		if _, err := q.ExecContext(ctx, `DELETE FROM subscriptions WHERE email = $1`, email); err != nil {
			return err
		}
		_, err = q.ExecContext(ctx, `DELETE FROM confirmed_emails WHERE email = $1`, email)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("store: erase a commenter: %w", err)
	}
	return n, nil
}
