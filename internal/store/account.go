package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/confide/confide/internal/model"
)

const userColumns = `SELECT id, email, name, role, password_hash, totp_secret, totp_last_step, disabled_at, created_at, updated_at FROM users`

func scanUser(row interface{ Scan(...any) error }) (*model.User, error) {
	var u model.User
	var disabled sql.NullTime
	var role string
	if err := row.Scan(&u.ID, &u.Email, &u.Name, &role, &u.PasswordHash, &u.TOTPSecret, &u.TOTPLastStep, &disabled,
		&u.CreatedAt, &u.UpdatedAt); err != nil {
		return nil, err
	}
	u.Role = model.Role(role)
	u.DisabledAt = fromNull(disabled)
	u.CreatedAt, u.UpdatedAt = u.CreatedAt.UTC(), u.UpdatedAt.UTC()
	return &u, nil
}

// CreateUser inserts an account and sets its ID. A taken e-mail address is a
// conflict.
func (s *Store) CreateUser(ctx context.Context, u *model.User) error {
	err := s.writer(ctx).QueryRowContext(ctx, `INSERT INTO users (email, name, role, password_hash, disabled_at, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
		u.Email, u.Name, string(u.Role), u.PasswordHash, nullTime(u.DisabledAt), ts(u.CreatedAt), ts(u.UpdatedAt)).Scan(&u.ID)
	if isUniqueViolation(err) {
		return &model.Error{Code: model.ECONFLICT, Message: "account.account_with_e_mail",
			Fields: map[string]model.Msg{"email": model.M("account.address_already_has_account")}, Err: err}
	}
	if err != nil {
		return fmt.Errorf("store: create user: %w", err)
	}
	return nil
}

// UserByEmail returns the account with that (lower-case) address.
func (s *Store) UserByEmail(ctx context.Context, email string) (*model.User, error) {
	u, err := scanUser(s.reader(ctx).QueryRowContext(ctx, userColumns+` WHERE email = $1`, email))
	if err != nil {
		return nil, fmt.Errorf("store: user by email: %w", notFound(err, "account"))
	}
	return u, nil
}

// UserByID returns one account.
func (s *Store) UserByID(ctx context.Context, id int64) (*model.User, error) {
	u, err := scanUser(s.reader(ctx).QueryRowContext(ctx, userColumns+` WHERE id = $1`, id))
	if err != nil {
		return nil, fmt.Errorf("store: user %d: %w", id, notFound(err, "account"))
	}
	return u, nil
}

// CountUsers counts every account, disabled ones included.
func (s *Store) CountUsers(ctx context.Context) (int, error) {
	var n int
	if err := s.reader(ctx).QueryRowContext(ctx, `SELECT count(*) FROM users`).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: count users: %w", err)
	}
	return n, nil
}

// RecordLoginFailure notes a failed login for each scope ("ip:…",
// "account:…").
func (s *Store) RecordLoginFailure(ctx context.Context, at time.Time, scopes ...string) error {
	for _, scope := range scopes {
		if _, err := s.writer(ctx).ExecContext(ctx, `INSERT INTO login_failures (scope, created_at) VALUES ($1, $2)`,
			scope, ts(at)); err != nil {
			return fmt.Errorf("store: record login failure: %w", err)
		}
	}
	return nil
}

// LoginFailures counts a scope's failed logins since a time.
func (s *Store) LoginFailures(ctx context.Context, scope string, since time.Time) (int, error) {
	var n int
	if err := s.reader(ctx).QueryRowContext(ctx, `SELECT count(*) FROM login_failures WHERE scope = $1 AND created_at > $2`,
		scope, ts(since)).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: count login failures: %w", err)
	}
	return n, nil
}

// ClearLoginFailures forgets a scope's failures (after a successful login)
// and everything older than before.
func (s *Store) ClearLoginFailures(ctx context.Context, scope string, before time.Time) error {
	if _, err := s.writer(ctx).ExecContext(ctx, `DELETE FROM login_failures WHERE scope = $1 OR created_at < $2`,
		scope, ts(before)); err != nil {
		return fmt.Errorf("store: clear login failures: %w", err)
	}
	return nil
}

// Audit appends one line to the audit log.
func (s *Store) Audit(ctx context.Context, e *model.AuditEntry) error {
	var uid sql.NullInt64
	if e.UserID != 0 {
		uid = sql.NullInt64{Int64: e.UserID, Valid: true}
	}
	err := s.writer(ctx).QueryRowContext(ctx, `INSERT INTO audit_log (user_id, action, detail, created_at)
		VALUES ($1, $2, $3, $4) RETURNING id`, uid, e.Action, e.Detail, ts(e.CreatedAt)).Scan(&e.ID)
	if err != nil {
		return fmt.Errorf("store: audit %s: %w", e.Action, err)
	}
	return nil
}

// AuditLog lists the latest audit entries, newest first, and how many there
// are, counted up to maxListed (the admin pager goes that far back).
func (s *Store) AuditLog(ctx context.Context, limit, offset int) ([]model.AuditEntry, int, error) {
	var total int
	if err := s.reader(ctx).QueryRowContext(ctx, `SELECT count(*) FROM (SELECT 1 FROM audit_log LIMIT $1) AS newest`,
		maxListed).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("store: count audit log: %w", err)
	}
	rows, err := s.reader(ctx).QueryContext(ctx, `SELECT a.id, COALESCE(a.user_id, 0), COALESCE(u.name, ''), a.action, a.detail, a.created_at
		FROM audit_log a LEFT JOIN users u ON u.id = a.user_id ORDER BY a.created_at DESC, a.id DESC LIMIT $1 OFFSET $2`, limit, offset)
	if err != nil {
		return nil, 0, fmt.Errorf("store: audit log: %w", err)
	}
	defer rows.Close()
	var out []model.AuditEntry
	for rows.Next() {
		var e model.AuditEntry
		if err := rows.Scan(&e.ID, &e.UserID, &e.UserName, &e.Action, &e.Detail, &e.CreatedAt); err != nil {
			return nil, 0, fmt.Errorf("store: audit log: %w", err)
		}
		e.CreatedAt = e.CreatedAt.UTC()
		out = append(out, e)
	}
	return out, total, rows.Err()
}

// SetPassword replaces an account's password hash.
func (s *Store) SetPassword(ctx context.Context, id int64, hash string, at time.Time) error {
	res, err := s.writer(ctx).ExecContext(ctx, `UPDATE users SET password_hash = $1, updated_at = $2 WHERE id = $3`, hash, ts(at), id)
	if err != nil {
		return fmt.Errorf("store: set password of user %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: set password of user %d: %w", id, model.ErrNotFound)
	}
	return nil
}

// CreatePasswordToken stores a token's hash.
func (s *Store) CreatePasswordToken(ctx context.Context, t *model.PasswordToken) error {
	if _, err := s.writer(ctx).ExecContext(ctx, `INSERT INTO password_tokens (token_hash, user_id, purpose, expires_at, created_at)
		VALUES ($1, $2, $3, $4, $5)`, t.Hash, t.UserID, t.Purpose, ts(t.ExpiresAt), ts(t.CreatedAt)); err != nil {
		return fmt.Errorf("store: create password token: %w", err)
	}
	return nil
}

// PasswordToken returns a token by its hash.
func (s *Store) PasswordToken(ctx context.Context, hash string) (*model.PasswordToken, error) {
	var t model.PasswordToken
	var used sql.NullTime
	err := s.reader(ctx).QueryRowContext(ctx, `SELECT token_hash, user_id, purpose, expires_at, used_at, created_at
		FROM password_tokens WHERE token_hash = $1`, hash).Scan(&t.Hash, &t.UserID, &t.Purpose, &t.ExpiresAt, &used, &t.CreatedAt)
	if err != nil {
		return nil, fmt.Errorf("store: password token: %w", notFound(err, "link"))
	}
	t.ExpiresAt, t.CreatedAt, t.UsedAt = t.ExpiresAt.UTC(), t.CreatedAt.UTC(), fromNull(used)
	return &t, nil
}

// UsePasswordToken marks a token used; it fails with a conflict when it was
// used already, so two tabs cannot both use one link.
func (s *Store) UsePasswordToken(ctx context.Context, hash string, at time.Time) error {
	res, err := s.writer(ctx).ExecContext(ctx, `UPDATE password_tokens SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL`,
		ts(at), hash)
	if err != nil {
		return fmt.Errorf("store: use password token: %w", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return model.Errorf(model.ECONFLICT, "account.link_was_used_already")
	}
	return nil
}

// Users lists every account, admins first, then by name.
func (s *Store) Users(ctx context.Context) ([]model.User, error) {
	rows, err := s.reader(ctx).QueryContext(ctx, userColumns+` ORDER BY CASE role WHEN 'admin' THEN 0 WHEN 'advisor' THEN 1 ELSE 2 END, name, id`)
	if err != nil {
		return nil, fmt.Errorf("store: users: %w", err)
	}
	defer rows.Close()
	var out []model.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, fmt.Errorf("store: users: %w", err)
		}
		out = append(out, *u)
	}
	return out, rows.Err()
}

// UpdateUser writes an account's role and disabled time.
func (s *Store) UpdateUser(ctx context.Context, u *model.User) error {
	res, err := s.writer(ctx).ExecContext(ctx, `UPDATE users SET role = $1, disabled_at = $2, updated_at = $3 WHERE id = $4`,
		string(u.Role), nullTime(u.DisabledAt), ts(u.UpdatedAt), u.ID)
	if err != nil {
		return fmt.Errorf("store: update user %d: %w", u.ID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: update user %d: %w", u.ID, model.ErrNotFound)
	}
	return nil
}

// SetTwoFactor stores an account's TOTP secret (empty turns two-factor login
// off) and replaces its recovery codes with the given hashes.
func (s *Store) SetTwoFactor(ctx context.Context, id int64, secret string, codeHashes []string, at time.Time) error {
	w := s.writer(ctx)
	if _, err := w.ExecContext(ctx, `UPDATE users SET totp_secret = $1, totp_last_step = 0, updated_at = $2 WHERE id = $3`,
		secret, ts(at), id); err != nil {
		return fmt.Errorf("store: set two-factor of user %d: %w", id, err)
	}
	if _, err := w.ExecContext(ctx, `DELETE FROM recovery_codes WHERE user_id = $1`, id); err != nil {
		return fmt.Errorf("store: clear recovery codes of user %d: %w", id, err)
	}
	for _, h := range codeHashes {
		if _, err := w.ExecContext(ctx, `INSERT INTO recovery_codes (user_id, code_hash) VALUES ($1, $2)`, id, h); err != nil {
			return fmt.Errorf("store: add recovery code: %w", err)
		}
	}
	return nil
}

// AcceptTOTPStep records that a code for step was used, and reports false
// when that step (or a later one) was used already: a code works once.
func (s *Store) AcceptTOTPStep(ctx context.Context, id, step int64) (bool, error) {
	res, err := s.writer(ctx).ExecContext(ctx, `UPDATE users SET totp_last_step = $1 WHERE id = $2 AND totp_last_step < $1`, step, id)
	if err != nil {
		return false, fmt.Errorf("store: accept code step: %w", err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// UseRecoveryCode spends one unused recovery code, reporting whether there
// was one with that hash.
func (s *Store) UseRecoveryCode(ctx context.Context, id int64, hash string, at time.Time) (bool, error) {
	res, err := s.writer(ctx).ExecContext(ctx, `UPDATE recovery_codes SET used_at = $1
		WHERE id = (SELECT id FROM recovery_codes WHERE user_id = $2 AND code_hash = $3 AND used_at IS NULL LIMIT 1)`,
		ts(at), id, hash)
	if err != nil {
		return false, fmt.Errorf("store: use recovery code: %w", err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// RecoveryCodesLeft counts an account's unused recovery codes.
func (s *Store) RecoveryCodesLeft(ctx context.Context, id int64) (int, error) {
	var n int
	if err := s.reader(ctx).QueryRowContext(ctx, `SELECT count(*) FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL`, id).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: count recovery codes: %w", err)
	}
	return n, nil
}

// SetUserEmail gives an account another address; one another account has
// is a conflict.
func (s *Store) SetUserEmail(ctx context.Context, id int64, email string, at time.Time) error {
	_, err := s.writer(ctx).ExecContext(ctx, `UPDATE users SET email = $1, updated_at = $2 WHERE id = $3`, email, ts(at), id)
	if isUniqueViolation(err) {
		return &model.Error{Code: model.ECONFLICT, Message: "account.another_account_has_address",
			Fields: map[string]model.Msg{"email": model.M("account.another_account_has_address_2")}, Err: err}
	}
	if err != nil {
		return fmt.Errorf("store: set e-mail of user %d: %w", id, err)
	}
	return nil
}

// TOTPSecrets returns every account's stored second-factor secret.
func (s *Store) TOTPSecrets(ctx context.Context) (map[int64]string, error) {
	rows, err := s.reader(ctx).QueryContext(ctx, `SELECT id, totp_secret FROM users WHERE totp_secret <> ''`)
	if err != nil {
		return nil, fmt.Errorf("store: second-factor secrets: %w", err)
	}
	defer rows.Close()
	out := map[int64]string{}
	for rows.Next() {
		var id int64
		var secret string
		if err := rows.Scan(&id, &secret); err != nil {
			return nil, err
		}
		out[id] = secret
	}
	return out, rows.Err()
}

// SetTOTPSecret replaces the stored form of an account's secret (sealed
// anew), leaving its recovery codes and last step as they are.
func (s *Store) SetTOTPSecret(ctx context.Context, id int64, secret string) error {
	if _, err := s.writer(ctx).ExecContext(ctx, `UPDATE users SET totp_secret = $1 WHERE id = $2`, secret, id); err != nil {
		return fmt.Errorf("store: seal second-factor secret of user %d: %w", id, err)
	}
	return nil
}
