package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/confide/confide/internal/database"
	"github.com/confide/confide/internal/model"
)

const (
	outboxFields = `id, to_addr, to_name, subject, text_body, html_body, message_id, status, attempts,
	next_attempt_at, last_error, created_at, sent_at, unsubscribe_url`
	outboxColumns = `SELECT ` + outboxFields + ` FROM outbox`
)

func scanOutbox(row interface{ Scan(...any) error }) (model.OutboxMessage, error) {
	var m model.OutboxMessage
	var sent sql.NullTime
	err := row.Scan(&m.ID, &m.To, &m.ToName, &m.Subject, &m.Text, &m.HTML, &m.MessageID, &m.Status, &m.Attempts,
		&m.NextAttemptAt, &m.LastError, &m.CreatedAt, &sent, &m.Unsubscribe)
	m.NextAttemptAt, m.CreatedAt, m.SentAt = m.NextAttemptAt.UTC(), m.CreatedAt.UTC(), fromNull(sent)
	return m, err
}

// EnqueueMail writes a message to the outbox, to be sent at once. Call it in
// the transaction of the action that causes the message.
func (s *Store) EnqueueMail(ctx context.Context, m *model.OutboxMessage) error {
	err := s.writer(ctx).QueryRowContext(ctx, `INSERT INTO outbox (to_addr, to_name, subject, text_body, html_body,
			message_id, status, attempts, next_attempt_at, created_at, unsubscribe_url)
		VALUES ($1, $2, $3, $4, $5, $6, 'pending', 0, $7, $7, $8) RETURNING id`,
		m.To, m.ToName, m.Subject, m.Text, m.HTML, m.MessageID, ts(m.CreatedAt), m.Unsubscribe).Scan(&m.ID)
	if err != nil {
		return fmt.Errorf("store: enqueue mail: %w", err)
	}
	m.Status, m.NextAttemptAt = model.MailPending, m.CreatedAt
	return nil
}

// ClaimMail takes up to limit messages that are due (or whose sender's lease
// ran out) and leases them to the caller until now+lease, counting the
// attempt. On PostgreSQL, FOR UPDATE SKIP LOCKED lets several instances
// claim at once without ever taking the same row; SQLite's single writer
// serialises claims.
func (s *Store) ClaimMail(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]model.OutboxMessage, error) {
	var out []model.OutboxMessage
	err := s.InTx(ctx, func(ctx context.Context) error {
		q := s.writer(ctx)
		lock := ""
		if s.db.Dialect == database.Postgres {
			lock = " FOR UPDATE SKIP LOCKED"
		}
		ids, err := s.ids(ctx, `SELECT id FROM outbox
			WHERE (status = 'pending' AND next_attempt_at <= $1) OR (status = 'sending' AND claimed_until < $1)
			ORDER BY next_attempt_at, id LIMIT $2`+lock, []any{ts(now), limit})
		if err != nil {
			return err
		}
		for _, id := range ids {
			m, err := scanOutbox(q.QueryRowContext(ctx, `UPDATE outbox SET status = 'sending', claimed_until = $1,
				attempts = attempts + 1 WHERE id = $2 RETURNING `+outboxFields,
				ts(now.Add(lease)), id))
			if err != nil {
				return err
			}
			out = append(out, m)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: claim mail: %w", err)
	}
	return out, nil
}

// MarkMailSent records a delivery.
func (s *Store) MarkMailSent(ctx context.Context, id int64, at time.Time) error {
	// last_error stays: "sent on the third attempt, after …" is worth knowing.
	if _, err := s.writer(ctx).ExecContext(ctx, `UPDATE outbox SET status = 'sent', sent_at = $1, claimed_until = NULL
		WHERE id = $2`, ts(at), id); err != nil {
		return fmt.Errorf("store: mark mail %d sent: %w", id, err)
	}
	return nil
}

// MarkMailFailed records a failed attempt: the message waits until next, or
// is given up for good when final.
func (s *Store) MarkMailFailed(ctx context.Context, id int64, next time.Time, lastErr string, final bool) error {
	status := model.MailPending
	if final {
		status = model.MailFailed
	}
	if _, err := s.writer(ctx).ExecContext(ctx, `UPDATE outbox SET status = $1, next_attempt_at = $2, claimed_until = NULL,
		last_error = $3 WHERE id = $4`, status, ts(next), lastErr, id); err != nil {
		return fmt.Errorf("store: mark mail %d failed: %w", id, err)
	}
	return nil
}

// Outbox lists messages, newest first, and how many there are, counted up to
// maxListed.
func (s *Store) Outbox(ctx context.Context, limit, offset int) ([]model.OutboxMessage, int, error) {
	var total int
	if err := s.reader(ctx).QueryRowContext(ctx, `SELECT count(*) FROM (SELECT 1 FROM outbox LIMIT $1) AS newest`,
		maxListed).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("store: count outbox: %w", err)
	}
	rows, err := s.reader(ctx).QueryContext(ctx, outboxColumns+` ORDER BY created_at DESC, id DESC LIMIT $1 OFFSET $2`, limit, offset)
	if err != nil {
		return nil, 0, fmt.Errorf("store: outbox: %w", err)
	}
	defer rows.Close()
	var out []model.OutboxMessage
	for rows.Next() {
		m, err := scanOutbox(rows)
		if err != nil {
			return nil, 0, fmt.Errorf("store: outbox: %w", err)
		}
		out = append(out, m)
	}
	return out, total, rows.Err()
}

// OutboxMessage returns one message.
func (s *Store) OutboxMessage(ctx context.Context, id int64) (*model.OutboxMessage, error) {
	m, err := scanOutbox(s.reader(ctx).QueryRowContext(ctx, outboxColumns+` WHERE id = $1`, id))
	if err != nil {
		return nil, fmt.Errorf("store: outbox message %d: %w", id, notFound(err, "message"))
	}
	return &m, nil
}
