package store

import (
	"context"
	"fmt"
	"time"

	"github.com/confide/confide/internal/database"
	"github.com/confide/confide/internal/model"
)

// scrubKey is the setting that says an erasure waits for ScrubErased.
const scrubKey = "scrub_pending"

// EraseMailTo takes an address out of the outbox: mail not yet sent to it
// is dropped, and what was sent keeps no address, subject or text.
func (s *Store) EraseMailTo(ctx context.Context, addr string) error {
	err := s.InTx(ctx, func(ctx context.Context) error {
		q := s.writer(ctx)
		if _, err := q.ExecContext(ctx, `DELETE FROM outbox WHERE to_addr = $1 AND status <> 'sent'`, addr); err != nil {
			return err
		}
		_, err := q.ExecContext(ctx, `UPDATE outbox SET to_addr = 'erased@erased.invalid', to_name = '', subject = '',
			text_body = '', html_body = '', unsubscribe_url = '' WHERE to_addr = $1`, addr)
		return err
	})
	if err != nil {
		return fmt.Errorf("store: erase mail to an address: %w", err)
	}
	return nil
}

// MarkScrub records, in the caller's transaction, that an erasure waits
// for ScrubErased.
func (s *Store) MarkScrub(ctx context.Context) error {
	return s.SetSetting(ctx, scrubKey, "1")
}

// ScrubErased makes erased text leave the database files, when an erasure
// waits: on SQLite the full-text indexes are merged (FTS5 keeps a deleted
// row's words in its older segments until then; secure_delete, set on
// every connection, zeroes freed pages) and the write-ahead log is
// checkpointed and emptied; on PostgreSQL the tables that held the text
// are vacuumed. It reports whether it ran.
func (s *Store) ScrubErased(ctx context.Context) (bool, error) {
	m, err := s.Settings(ctx)
	if err != nil {
		return false, err
	}
	if m[scrubKey] != "1" {
		return false, nil
	}
	// Cleared first: an erasure during the scrub sets it again.
	if _, err := s.db.Write.ExecContext(ctx, `UPDATE settings SET value = '0' WHERE key = $1`, scrubKey); err != nil {
		return false, fmt.Errorf("store: scrub: %w", err)
	}
	qs := []string{`VACUUM letters`, `VACUUM letter_messages`, `VACUUM letter_publications`, `VACUUM letter_drafts`, `VACUUM stories`, `VACUUM outbox`}
	if s.db.Dialect == database.SQLite {
		qs = []string{
			`INSERT INTO letters_fts (letters_fts) VALUES ('optimize')`,
			`INSERT INTO stories_fts (stories_fts) VALUES ('optimize')`,
			`INSERT INTO stories_title_fts (stories_title_fts) VALUES ('optimize')`,
			`PRAGMA wal_checkpoint(TRUNCATE)`,
		}
	}
	for _, q := range qs {
		if _, err := s.db.Write.ExecContext(ctx, q); err != nil {
			return false, fmt.Errorf("store: scrub: %s: %w", q, err)
		}
	}
	return true, nil
}

// ForgetAddresses blanks the address hashes of comments and reports made
// before before (up to batch comments a call) and drops older login
// failures, and returns how many comments it changed. Bans keep their own
// hashes and ranges in the block list.
func (s *Store) ForgetAddresses(ctx context.Context, before time.Time, batch int) (int64, error) {
	var n int64
	err := s.InTx(ctx, func(ctx context.Context) error {
		q := s.writer(ctx)
		res, err := q.ExecContext(ctx, `UPDATE comments SET addr_hash = '' WHERE id IN (SELECT id FROM comments
			WHERE addr_hash <> '' AND created_at < $1 ORDER BY created_at, id LIMIT $2)`, ts(before), batch)
		if err != nil {
			return err
		}
		n, _ = res.RowsAffected()
		if _, err := q.ExecContext(ctx, `UPDATE comment_reports SET addr_hash = '' WHERE addr_hash <> '' AND created_at < $1`, ts(before)); err != nil {
			return err
		}
		_, err = q.ExecContext(ctx, `DELETE FROM login_failures WHERE created_at < $1`, ts(before))
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("store: forget addresses: %w", err)
	}
	return n, nil
}

// OldPrivateLetters returns up to limit letters that may not be published
// and were closed before before: kept no longer than the site says.
func (s *Store) OldPrivateLetters(ctx context.Context, before time.Time, limit int) ([]model.Letter, error) {
	rows, err := s.reader(ctx).QueryContext(ctx, letterColumns+` WHERE l.status = 'closed' AND l.consent = 'private'
		AND l.updated_at < $1 ORDER BY l.updated_at LIMIT $2`, ts(before), limit)
	if err != nil {
		return nil, fmt.Errorf("store: old private letters: %w", err)
	}
	defer rows.Close()
	var out []model.Letter
	for rows.Next() {
		l, err := scanLetter(rows)
		if err != nil {
			return nil, fmt.Errorf("store: old private letters: %w", err)
		}
		out = append(out, l)
	}
	return out, rows.Err()
}
