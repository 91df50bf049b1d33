package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/confide/confide/internal/model"
)

// Sessions keeps admin sessions in the database, so that every instance
// behind a load balancer knows every session. It has the methods of
// github.com/alexedwards/scs/v2's Store (and CtxStore) without importing it.
// A session is kept under a hash of its token, never the token: a copy of
// the database opens no session.
type Sessions struct {
	st  *Store
	now func() time.Time
	// UserOf reads the account a session's data belongs to (0: none yet);
	// the web layer, which knows the data's encoding, sets it.
	UserOf func(data []byte) int64
}

// Sessions returns the session store.
func (s *Store) Sessions() *Sessions { return &Sessions{st: s, now: time.Now} }

// TokenHash is how a session token is kept: SHA-256, in hex. A token has
// 256 random bits, so no salt or slow hash is needed to make it unguessable.
func TokenHash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// FindCtx returns a session's data; expired and unknown tokens are not found.
func (ss *Sessions) FindCtx(ctx context.Context, token string) ([]byte, bool, error) {
	var b []byte
	err := ss.st.reader(ctx).QueryRowContext(ctx, `SELECT data FROM sessions WHERE token = $1 AND expiry > $2`,
		TokenHash(token), ts(ss.now())).Scan(&b)
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
	var user any
	if ss.UserOf != nil {
		if id := ss.UserOf(b); id != 0 {
			user = id
		}
	}
	now := ts(ss.now())
	if _, err := w.ExecContext(ctx, `INSERT INTO sessions (token, data, expiry, user_id, created_at, seen_at) VALUES ($1, $2, $3, $4, $5, $5)
		ON CONFLICT (token) DO UPDATE SET data = excluded.data, expiry = excluded.expiry, user_id = excluded.user_id, seen_at = excluded.seen_at`,
		TokenHash(token), b, ts(expiry), user, now); err != nil {
		return fmt.Errorf("store: commit session: %w", err)
	}
	if expiry.UnixNano()%50 == 0 { // about one commit in fifty
		if _, err := w.ExecContext(ctx, `DELETE FROM sessions WHERE expiry < $1`, now); err != nil {
			return fmt.Errorf("store: sweep sessions: %w", err)
		}
	}
	return nil
}

// DeleteCtx removes a session; an unknown token is no error.
func (ss *Sessions) DeleteCtx(ctx context.Context, token string) error {
	if _, err := ss.st.writer(ctx).ExecContext(ctx, `DELETE FROM sessions WHERE token = $1`, TokenHash(token)); err != nil {
		return fmt.Errorf("store: delete session: %w", err)
	}
	return nil
}

// UserSessions lists an account's sessions that have not expired, newest
// first. Current tells the one of token (the caller's own).
func (s *Store) UserSessions(ctx context.Context, userID int64, token string) ([]model.Session, error) {
	rows, err := s.reader(ctx).QueryContext(ctx, `SELECT token, created_at, seen_at, expiry FROM sessions
		WHERE user_id = $1 AND expiry > $2 ORDER BY seen_at DESC`, userID, ts(time.Now()))
	if err != nil {
		return nil, fmt.Errorf("store: sessions of user %d: %w", userID, err)
	}
	defer rows.Close()
	own := TokenHash(token)
	var out []model.Session
	for rows.Next() {
		var hash string
		var created, seen sql.NullTime
		var se model.Session
		if err := rows.Scan(&hash, &created, &seen, &se.Expires); err != nil {
			return nil, fmt.Errorf("store: sessions of user %d: %w", userID, err)
		}
		se.Created, se.Seen, se.Expires, se.Current = fromNull(created), fromNull(seen), se.Expires.UTC(), hash == own
		out = append(out, se)
	}
	return out, rows.Err()
}

// EndUserSessions ends every session of an account but the one of keep
// (a token; "" ends them all) and returns how many it ended.
func (s *Store) EndUserSessions(ctx context.Context, userID int64, keep string) (int64, error) {
	res, err := s.writer(ctx).ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1 AND token <> $2`, userID, TokenHash(keep))
	if err != nil {
		return 0, fmt.Errorf("store: end sessions of user %d: %w", userID, err)
	}
	n, _ := res.RowsAffected()
	return n, nil
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
