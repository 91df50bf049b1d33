package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/confide/confide/internal/model"
)

const subscriptionColumns = `SELECT id, story_id, email, token_hash, confirmed_at, last_sent_at, seen_id, created_at FROM subscriptions`

func scanSubscription(row interface{ Scan(...any) error }) (model.Subscription, error) {
	var sub model.Subscription
	var confirmed, sent sql.NullTime
	err := row.Scan(&sub.ID, &sub.StoryID, &sub.Email, &sub.TokenHash, &confirmed, &sent, &sub.SeenID, &sub.CreatedAt)
	sub.ConfirmedAt, sub.LastSentAt, sub.CreatedAt = fromNull(confirmed), fromNull(sent), sub.CreatedAt.UTC()
	return sub, err
}

// Subscribe stores a subscription. An address already subscribed to the
// story keeps its row (and its token); created tells which happened.
func (s *Store) Subscribe(ctx context.Context, sub *model.Subscription) (created bool, err error) {
	err = s.InTx(ctx, func(ctx context.Context) error {
		q := s.writer(ctx)
		err := q.QueryRowContext(ctx, `INSERT INTO subscriptions (story_id, email, token_hash, confirmed_at, seen_id, created_at)
			VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (story_id, email) DO NOTHING RETURNING id`,
			sub.StoryID, sub.Email, sub.TokenHash, nullTime(sub.ConfirmedAt), sub.SeenID, ts(sub.CreatedAt)).Scan(&sub.ID)
		if err == nil {
			created = true
			return nil
		}
		if err != sql.ErrNoRows {
			return err
		}
		old, err := scanSubscription(q.QueryRowContext(ctx, subscriptionColumns+` WHERE story_id = $1 AND email = $2`,
			sub.StoryID, sub.Email))
		*sub = old
		return err
	})
	if err != nil {
		return false, fmt.Errorf("store: subscribe: %w", err)
	}
	return created, nil
}

// EmailConfirmed reports whether an address confirmed a subscription once.
func (s *Store) EmailConfirmed(ctx context.Context, email string) (bool, error) {
	var n int
	err := s.reader(ctx).QueryRowContext(ctx, `SELECT count(*) FROM confirmed_emails WHERE email = $1`, email).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("store: confirmed address: %w", err)
	}
	return n > 0, nil
}

// SubscriptionByToken returns the subscription a link's token hash opens.
func (s *Store) SubscriptionByToken(ctx context.Context, hash string) (*model.Subscription, error) {
	sub, err := scanSubscription(s.reader(ctx).QueryRowContext(ctx, subscriptionColumns+` WHERE token_hash = $1`, hash))
	if err != nil {
		return nil, notFound(err, "subscription")
	}
	return &sub, nil
}

// ConfirmSubscription confirms a subscription and its address.
func (s *Store) ConfirmSubscription(ctx context.Context, id int64, email string, at time.Time) error {
	err := s.InTx(ctx, func(ctx context.Context) error {
		q := s.writer(ctx)
		if _, err := q.ExecContext(ctx, `UPDATE subscriptions SET confirmed_at = $1 WHERE id = $2 AND confirmed_at IS NULL`,
			ts(at), id); err != nil {
			return err
		}
		_, err := q.ExecContext(ctx, `INSERT INTO confirmed_emails (email, confirmed_at) VALUES ($1, $2)
			ON CONFLICT (email) DO NOTHING`, email, ts(at))
		return err
	})
	if err != nil {
		return fmt.Errorf("store: confirm subscription %d: %w", id, err)
	}
	return nil
}

// DeleteSubscription removes a subscription.
func (s *Store) DeleteSubscription(ctx context.Context, id int64) error {
	err := s.InTx(ctx, func(ctx context.Context) error {
		_, err := s.writer(ctx).ExecContext(ctx, `DELETE FROM subscriptions WHERE id = $1`, id)
		return err
	})
	if err != nil {
		return fmt.Errorf("store: unsubscribe %d: %w", id, err)
	}
	return nil
}

// QueueNotify marks a story as having new comments to tell subscribers
// about, from due on; an earlier mark stays.
func (s *Store) QueueNotify(ctx context.Context, storyID int64, due time.Time) error {
	err := s.InTx(ctx, func(ctx context.Context) error {
		_, err := s.writer(ctx).ExecContext(ctx, `INSERT INTO notify_queue (story_id, due_at) VALUES ($1, $2)
			ON CONFLICT (story_id) DO NOTHING`, storyID, ts(due))
		return err
	})
	if err != nil {
		return fmt.Errorf("store: queue notifications of story %d: %w", storyID, err)
	}
	return nil
}

// DueNotifications returns up to limit stories whose subscribers are due an
// e-mail.
func (s *Store) DueNotifications(ctx context.Context, now time.Time, limit int) ([]int64, error) {
	return s.ids(ctx, `SELECT story_id FROM notify_queue WHERE due_at <= $1 ORDER BY due_at LIMIT $2`,
		[]any{ts(now), limit})
}

// SetNotifyDue moves a story's next notification run, or removes it when
// due is zero.
func (s *Store) SetNotifyDue(ctx context.Context, storyID int64, due time.Time) error {
	err := s.InTx(ctx, func(ctx context.Context) error {
		var err error
		if due.IsZero() {
			_, err = s.writer(ctx).ExecContext(ctx, `DELETE FROM notify_queue WHERE story_id = $1`, storyID)
		} else {
			_, err = s.writer(ctx).ExecContext(ctx, `UPDATE notify_queue SET due_at = $1 WHERE story_id = $2`, ts(due), storyID)
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("store: reschedule notifications of story %d: %w", storyID, err)
	}
	return nil
}

// StorySubscriptions returns a story's confirmed subscriptions.
func (s *Store) StorySubscriptions(ctx context.Context, storyID int64) ([]model.Subscription, error) {
	rows, err := s.reader(ctx).QueryContext(ctx, subscriptionColumns+` WHERE story_id = $1 AND confirmed_at IS NOT NULL
		ORDER BY id`, storyID)
	if err != nil {
		return nil, fmt.Errorf("store: subscriptions of story %d: %w", storyID, err)
	}
	defer rows.Close()
	var out []model.Subscription
	for rows.Next() {
		sub, err := scanSubscription(rows)
		if err != nil {
			return nil, fmt.Errorf("store: subscriptions of story %d: %w", storyID, err)
		}
		out = append(out, sub)
	}
	return out, rows.Err()
}

// MarkNotified records that a subscriber was told about comments up to
// seenID.
func (s *Store) MarkNotified(ctx context.Context, id, seenID int64, at time.Time) error {
	err := s.InTx(ctx, func(ctx context.Context) error {
		_, err := s.writer(ctx).ExecContext(ctx, `UPDATE subscriptions SET seen_id = $1, last_sent_at = $2 WHERE id = $3`,
			seenID, ts(at), id)
		return err
	})
	if err != nil {
		return fmt.Errorf("store: mark subscription %d notified: %w", id, err)
	}
	return nil
}

// CommentsAfter lists a story's approved comments with ids above afterID,
// oldest first, at most limit.
func (s *Store) CommentsAfter(ctx context.Context, storyID, afterID int64, limit int) ([]model.Comment, error) {
	rows, err := s.reader(ctx).QueryContext(ctx, commentColumns+` WHERE c.story_id = $1 AND c.status = 'approved'
		AND c.id > $2 ORDER BY c.id LIMIT $3`, storyID, afterID, limit)
	if err != nil {
		return nil, fmt.Errorf("store: new comments of story %d: %w", storyID, err)
	}
	defer rows.Close()
	out, err := scanComments(rows)
	if err != nil {
		return nil, fmt.Errorf("store: new comments of story %d: %w", storyID, err)
	}
	return out, nil
}
