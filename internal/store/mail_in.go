package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/confide/confide/internal/model"
)

const mailInColumns = `SELECT id, mailbox_key, message_id, outcome, COALESCE(letter_id, 0), detail, size, received_at FROM mail_in`

func scanMailIn(row interface{ Scan(...any) error }) (*model.MailIn, error) {
	var m model.MailIn
	err := row.Scan(&m.ID, &m.MailboxKey, &m.MessageID, &m.Outcome, &m.LetterID, &m.Detail, &m.Size, &m.ReceivedAt)
	m.ReceivedAt = m.ReceivedAt.UTC()
	return &m, err
}

// MailInByKey returns the record of a mailbox message, or nil when it was
// never handled.
func (s *Store) MailInByKey(ctx context.Context, key string) (*model.MailIn, error) {
	m, err := scanMailIn(s.reader(ctx).QueryRowContext(ctx, mailInColumns+` WHERE mailbox_key = $1`, key))
	if err == sql.ErrNoRows {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("store: mail %s: %w", key, err)
	}
	return m, nil
}

// MailInByMessageID returns a handled message (not a failed one) with
// this Message-ID, or nil.
func (s *Store) MailInByMessageID(ctx context.Context, id string) (*model.MailIn, error) {
	if id == "" {
		return nil, nil
	}
	m, err := scanMailIn(s.reader(ctx).QueryRowContext(ctx, mailInColumns+
		` WHERE message_id = $1 AND outcome <> 'failed' ORDER BY id LIMIT 1`, id))
	if err == sql.ErrNoRows {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("store: mail by id: %w", err)
	}
	return m, nil
}

// RecordMailIn stores what became of a message, or updates the record of
// one that failed before (it may be read after a fix).
func (s *Store) RecordMailIn(ctx context.Context, m *model.MailIn) error {
	err := s.InTx(ctx, func(ctx context.Context) error {
		return s.writer(ctx).QueryRowContext(ctx, `INSERT INTO mail_in (mailbox_key, message_id, outcome, letter_id, detail, size, received_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7)
			ON CONFLICT (mailbox_key) DO UPDATE SET message_id = excluded.message_id, outcome = excluded.outcome,
				letter_id = excluded.letter_id, detail = excluded.detail, size = excluded.size, received_at = excluded.received_at
				WHERE mail_in.outcome = 'failed'
			RETURNING id`,
			m.MailboxKey, m.MessageID, m.Outcome, nullID(m.LetterID), m.Detail, m.Size, ts(m.ReceivedAt)).Scan(&m.ID)
	})
	if err == sql.ErrNoRows {
		return model.Errorf(model.ECONFLICT, "mail_in.message_was_handled_already")
	}
	if err != nil {
		return fmt.Errorf("store: record mail %s: %w", m.MailboxKey, err)
	}
	return nil
}

// FailedMail lists the messages that could not be read, newest first.
func (s *Store) FailedMail(ctx context.Context, limit int) ([]model.MailIn, error) {
	rows, err := s.reader(ctx).QueryContext(ctx, mailInColumns+` WHERE outcome = 'failed' ORDER BY received_at DESC, id DESC LIMIT $1`, limit)
	if err != nil {
		return nil, fmt.Errorf("store: failed mail: %w", err)
	}
	defer rows.Close()
	var out []model.MailIn
	for rows.Next() {
		m, err := scanMailIn(rows)
		if err != nil {
			return nil, fmt.Errorf("store: failed mail: %w", err)
		}
		out = append(out, *m)
	}
	return out, rows.Err()
}

// AddLetterMailID remembers the Message-ID of a mail sent to a writer
// about their letter.
func (s *Store) AddLetterMailID(ctx context.Context, messageID string, letterID int64, at time.Time) error {
	err := s.InTx(ctx, func(ctx context.Context) error {
		_, err := s.writer(ctx).ExecContext(ctx, `INSERT INTO letter_mail_ids (message_id, letter_id, created_at) VALUES ($1, $2, $3)
			ON CONFLICT (message_id) DO NOTHING`, messageID, letterID, ts(at))
		return err
	})
	if err != nil {
		return fmt.Errorf("store: remember mail id of letter %d: %w", letterID, err)
	}
	return nil
}

// LetterByMailID returns the id of the letter a mail we sent was about,
// or 0.
func (s *Store) LetterByMailID(ctx context.Context, messageID string) (int64, error) {
	var id int64
	err := s.reader(ctx).QueryRowContext(ctx, `SELECT letter_id FROM letter_mail_ids WHERE message_id = $1`, messageID).Scan(&id)
	if err == sql.ErrNoRows {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("store: letter by mail id: %w", err)
	}
	return id, nil
}

// TakeLease gives holder the lease called name until until, when nobody
// else holds it unexpired at now (holder may renew its own), and reports
// whether holder has it.
func (s *Store) TakeLease(ctx context.Context, name, holder string, now, until time.Time) (bool, error) {
	var got bool
	err := s.InTx(ctx, func(ctx context.Context) error {
		res, err := s.writer(ctx).ExecContext(ctx, `INSERT INTO leases (name, holder, expires_at) VALUES ($1, $2, $3)
			ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
			WHERE leases.holder = excluded.holder OR leases.expires_at < $4`, name, holder, ts(until), ts(now))
		if err != nil {
			return err
		}
		n, _ := res.RowsAffected()
		got = n == 1
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("store: lease %s: %w", name, err)
	}
	return got, nil
}

// DropLease gives up holder's lease, so another instance may take it at once.
func (s *Store) DropLease(ctx context.Context, name, holder string) error {
	err := s.InTx(ctx, func(ctx context.Context) error {
		_, err := s.writer(ctx).ExecContext(ctx, `DELETE FROM leases WHERE name = $1 AND holder = $2`, name, holder)
		return err
	})
	if err != nil {
		return fmt.Errorf("store: drop lease %s: %w", name, err)
	}
	return nil
}
