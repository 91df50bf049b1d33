package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/confide/confide/internal/model"
)

// SaveCaptcha stores a CAPTCHA's answer until it expires.
func (s *Store) SaveCaptcha(ctx context.Context, id, digits string, expires time.Time) error {
	err := s.InTx(ctx, func(ctx context.Context) error {
		_, err := s.writer(ctx).ExecContext(ctx, `INSERT INTO captchas (id, digits, expires_at) VALUES ($1, $2, $3)`,
			id, digits, ts(expires))
		return err
	})
	if err != nil {
		return fmt.Errorf("store: save captcha: %w", err)
	}
	return nil
}

// CaptchaDigits returns the answer of a CAPTCHA that has not expired, to
// draw it or say it; ok is false when there is none.
func (s *Store) CaptchaDigits(ctx context.Context, id string, now time.Time) (digits string, ok bool, err error) {
	err = s.reader(ctx).QueryRowContext(ctx, `SELECT digits FROM captchas WHERE id = $1 AND expires_at > $2`,
		id, ts(now)).Scan(&digits)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("store: captcha: %w", err)
	}
	return digits, true, nil
}

// TakeCaptcha removes a CAPTCHA and returns its answer if it had not
// expired: every answer is checked once, right or wrong, so none can be
// guessed at or replayed.
func (s *Store) TakeCaptcha(ctx context.Context, id string, now time.Time) (digits string, ok bool, err error) {
	var expires time.Time
	err = s.InTx(ctx, func(ctx context.Context) error {
		return s.writer(ctx).QueryRowContext(ctx, `DELETE FROM captchas WHERE id = $1 RETURNING digits, expires_at`, id).
			Scan(&digits, &expires)
	})
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("store: take captcha: %w", err)
	}
	return digits, expires.After(now), nil
}

// Hit adds one to key's count in the window starting at window and
// returns the new count. Every instance counts in the same row.
func (s *Store) Hit(ctx context.Context, key string, window time.Time) (int64, error) {
	var n int64
	err := s.InTx(ctx, func(ctx context.Context) error {
		return s.writer(ctx).QueryRowContext(ctx, `INSERT INTO rate_hits (key, window_start, n) VALUES ($1, $2, 1)
			ON CONFLICT (key, window_start) DO UPDATE SET n = rate_hits.n + 1 RETURNING n`, key, ts(window)).Scan(&n)
	})
	if err != nil {
		return 0, fmt.Errorf("store: rate hit: %w", err)
	}
	return n, nil
}

// PruneSpamState forgets rate windows that ended and CAPTCHAs that expired
// before a time.
func (s *Store) PruneSpamState(ctx context.Context, before time.Time) error {
	err := s.InTx(ctx, func(ctx context.Context) error {
		if _, err := s.writer(ctx).ExecContext(ctx, `DELETE FROM rate_hits WHERE window_start < $1`, ts(before)); err != nil {
			return err
		}
		_, err := s.writer(ctx).ExecContext(ctx, `DELETE FROM captchas WHERE expires_at < $1`, ts(before))
		return err
	})
	if err != nil {
		return fmt.Errorf("store: prune anti-spam state: %w", err)
	}
	return nil
}

// TokenCounts returns the spam filter's counts for tokens (those never seen
// are left out) and how many spam and good comments it learnt from.
func (s *Store) TokenCounts(ctx context.Context, tokens []string) (counts map[string][2]int64, spam, ham int64, err error) {
	counts = map[string][2]int64{}
	if err := s.reader(ctx).QueryRowContext(ctx, `SELECT
		COALESCE((SELECT n FROM counters WHERE name = 'bayes:spam'), 0),
		COALESCE((SELECT n FROM counters WHERE name = 'bayes:ham'), 0)`).Scan(&spam, &ham); err != nil {
		return nil, 0, 0, fmt.Errorf("store: spam filter totals: %w", err)
	}
	if len(tokens) == 0 {
		return counts, spam, ham, nil
	}
	ph := make([]string, len(tokens))
	args := make([]any, len(tokens))
	for i, t := range tokens {
		ph[i] = fmt.Sprintf("$%d", i+1)
		args[i] = t
	}
	rows, err := s.reader(ctx).QueryContext(ctx, `SELECT token, spam, ham FROM spam_tokens WHERE token IN (`+
		strings.Join(ph, ",")+`)`, args...)
	if err != nil {
		return nil, 0, 0, fmt.Errorf("store: spam filter counts: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var t string
		var c [2]int64
		if err := rows.Scan(&t, &c[0], &c[1]); err != nil {
			return nil, 0, 0, fmt.Errorf("store: spam filter counts: %w", err)
		}
		counts[t] = c
	}
	return counts, spam, ham, rows.Err()
}

// Learn adds (or, with d = -1, takes back) one comment's tokens to the spam
// or the good counts.
func (s *Store) Learn(ctx context.Context, tokens []string, isSpam bool, d int64) error {
	col, total := "ham", "bayes:ham"
	if isSpam {
		col, total = "spam", "bayes:spam"
	}
	err := s.InTx(ctx, func(ctx context.Context) error {
		q := s.writer(ctx)
		for _, t := range tokens {
			if _, err := q.ExecContext(ctx, `INSERT INTO spam_tokens (token, `+col+`) VALUES ($1, $2)
				ON CONFLICT (token) DO UPDATE SET `+col+` = CASE WHEN spam_tokens.`+col+` + $2 < 0 THEN 0
				ELSE spam_tokens.`+col+` + $2 END`, t, d); err != nil {
				return err
			}
		}
		_, err := q.ExecContext(ctx, `INSERT INTO counters (name, n) VALUES ($1, $2)
			ON CONFLICT (name) DO UPDATE SET n = counters.n + $2`, total, d)
		return err
	})
	if err != nil {
		return fmt.Errorf("store: teach the spam filter: %w", err)
	}
	return nil
}

// BlockRules returns the admins' block list.
func (s *Store) BlockRules(ctx context.Context) ([]model.BlockRule, error) {
	rows, err := s.reader(ctx).QueryContext(ctx, `SELECT id, kind, value, action, note, created_at FROM blocklist
		ORDER BY kind, value`)
	if err != nil {
		return nil, fmt.Errorf("store: block list: %w", err)
	}
	defer rows.Close()
	var out []model.BlockRule
	for rows.Next() {
		var r model.BlockRule
		if err := rows.Scan(&r.ID, &r.Kind, &r.Value, &r.Action, &r.Note, &r.CreatedAt); err != nil {
			return nil, fmt.Errorf("store: block list: %w", err)
		}
		r.CreatedAt = r.CreatedAt.UTC()
		out = append(out, r)
	}
	return out, rows.Err()
}

// AddBlockRule adds a rule; the same kind and value again updates its
// action and note.
func (s *Store) AddBlockRule(ctx context.Context, r *model.BlockRule) error {
	err := s.InTx(ctx, func(ctx context.Context) error {
		return s.writer(ctx).QueryRowContext(ctx, `INSERT INTO blocklist (kind, value, action, note, created_at)
			VALUES ($1, $2, $3, $4, $5) ON CONFLICT (kind, value) DO UPDATE SET action = excluded.action, note = excluded.note
			RETURNING id`, r.Kind, r.Value, r.Action, r.Note, ts(r.CreatedAt)).Scan(&r.ID)
	})
	if err != nil {
		return fmt.Errorf("store: add block rule: %w", err)
	}
	return nil
}

// DeleteBlockRule removes a rule.
func (s *Store) DeleteBlockRule(ctx context.Context, id int64) error {
	err := s.InTx(ctx, func(ctx context.Context) error {
		return oneRow(s.writer(ctx).ExecContext(ctx, `DELETE FROM blocklist WHERE id = $1`, id))
	})
	if err != nil {
		return fmt.Errorf("store: delete block rule %d: %w", id, err)
	}
	return nil
}

// Hits returns key's count in the window starting at window, without
// adding to it.
func (s *Store) Hits(ctx context.Context, key string, window time.Time) (int64, error) {
	var n int64
	err := s.reader(ctx).QueryRowContext(ctx, `SELECT COALESCE(max(n), 0) FROM rate_hits WHERE key = $1 AND window_start = $2`,
		key, ts(window)).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("store: rate hits: %w", err)
	}
	return n, nil
}
