package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Sessions keeps admin sessions in the database, so that every instance
// behind a load balancer knows every session. It has the methods of
// github.com/alexedwards/scs/v2's Store (and CtxStore) without importing it.
type Sessions struct {
	st  *Store
	now func() time.Time
}

// Sessions returns the session store.
func (s *Store) Sessions() *Sessions { return &Sessions{st: s, now: time.Now} }

// FindCtx returns a session's data; expired and unknown tokens are not found.
func (ss *Sessions) FindCtx(ctx context.Context, token string) ([]byte, bool, error) {
	var b []byte
	err := ss.st.reader(ctx).QueryRowContext(ctx, `SELECT data FROM sessions WHERE token = $1 AND expiry > $2`,
		token, ts(ss.now())).Scan(&b)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("store: find session: %w", err)
	}
	return b, true, nil
}

// CommitCtx stores a session, replacing its old data and expiry. Expired
// sessions are swept now and then on the way.
func (ss *Sessions) CommitCtx(ctx context.Context, token string, b []byte, expiry time.Time) error {
	w := ss.st.writer(ctx)
	if _, err := w.ExecContext(ctx, `INSERT INTO sessions (token, data, expiry) VALUES ($1, $2, $3)
		ON CONFLICT (token) DO UPDATE SET data = excluded.data, expiry = excluded.expiry`, token, b, ts(expiry)); err != nil {
		return fmt.Errorf("store: commit session: %w", err)
	}
	if expiry.UnixNano()%50 == 0 { // about one commit in fifty
		if _, err := w.ExecContext(ctx, `DELETE FROM sessions WHERE expiry < $1`, ts(ss.now())); err != nil {
			return fmt.Errorf("store: sweep sessions: %w", err)
		}
	}
	return nil
}

// DeleteCtx removes a session; an unknown token is no error.
func (ss *Sessions) DeleteCtx(ctx context.Context, token string) error {
	if _, err := ss.st.writer(ctx).ExecContext(ctx, `DELETE FROM sessions WHERE token = $1`, token); err != nil {
		return fmt.Errorf("store: delete session: %w", err)
	}
	return nil
}

// Find is FindCtx without a context.
func (ss *Sessions) Find(token string) ([]byte, bool, error) {
	return ss.FindCtx(context.Background(), token)
}

// Commit is CommitCtx without a context.
func (ss *Sessions) Commit(token string, b []byte, expiry time.Time) error {
	return ss.CommitCtx(context.Background(), token, b, expiry)
}

// Delete is DeleteCtx without a context.
func (ss *Sessions) Delete(token string) error { return ss.DeleteCtx(context.Background(), token) }
