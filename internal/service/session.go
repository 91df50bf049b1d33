package service

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"time"

	"github.com/confide/confide/internal/model"
	"github.com/confide/confide/internal/password"
)

// SessionStore is what the staff's sessions and credentials need.
type SessionStore interface {
	UserSessions(ctx context.Context, userID int64, token string) ([]model.Session, error)
	EndUserSessions(ctx context.Context, userID int64, keep string) (int64, error)
	SetUserEmail(ctx context.Context, id int64, email string, at time.Time) error
	TOTPSecrets(ctx context.Context) (map[int64]string, error)
	SetTOTPSecret(ctx context.Context, id int64, secret string) error
}

// Sessions lists user's sessions; token is the caller's own, marked Current.
func (s *Service) Sessions(ctx context.Context, user int64, token string) ([]model.Session, error) {
	return s.store.UserSessions(ctx, user, token)
}

// EndOtherSessions ends every session of user but the caller's (token),
// and returns how many it ended.
func (s *Service) EndOtherSessions(ctx context.Context, user int64, token string) (int64, error) {
	var n int64
	err := s.store.InTx(ctx, func(ctx context.Context) error {
		var err error
		if n, err = s.store.EndUserSessions(ctx, user, token); err != nil {
			return err
		}
		return s.audit(ctx, user, "user.sessions_ended", fmt.Sprint(n))
	})
	return n, err
}

var errWrongPassword = &model.Error{Code: model.EINVALID, Message: "session.current_password_not_right",
	Fields: map[string]model.Msg{"current": model.M("session.not_current_password")}}

// checkCurrentPassword asks for the password again before a change of
// what opens the account (its password, address or second factor), so a
// session left open on a shared computer cannot take the account over.
// Failures count with the account's failed logins.
func (s *Service) checkCurrentPassword(ctx context.Context, u *model.User, pw string) error {
	now := s.Now()
	scope := "account:" + u.Email
	if n, err := s.store.LoginFailures(ctx, scope, now.Add(-LoginWindow)); err != nil {
		return err
	} else if n >= MaxFailuresAccount {
		return errThrottled
	}
	if len(pw) <= maxPasswordBytes {
		if ok, err := password.Verify(u.PasswordHash, pw); err == nil && ok {
			return nil
		}
	}
	if err := s.store.InTx(ctx, func(ctx context.Context) error { return s.store.RecordLoginFailure(ctx, now, scope) }); err != nil {
		return err
	}
	return errWrongPassword
}

// ChangePassword sets a new password for one's own account after the
// current one, and ends one's other sessions (keep is the caller's token).
func (s *Service) ChangePassword(ctx context.Context, id int64, current, next, keep string) error {
	u, err := s.User(ctx, id)
	if err != nil {
		return err
	}
	if err := s.checkCurrentPassword(ctx, u, current); err != nil {
		return err
	}
	if msg := password.Check(next); msg != "" {
		return &model.Error{Code: model.EINVALID, Message: "password_reset.choose_another_password", Fields: map[string]model.Msg{"password": passwordMsg(msg)}}
	}
	hash, err := password.Hash(next)
	if err != nil {
		return err
	}
	return s.store.InTx(ctx, func(ctx context.Context) error {
		if err := s.store.SetPassword(ctx, id, hash, s.Now()); err != nil {
			return err
		}
		if _, err := s.store.EndUserSessions(ctx, id, keep); err != nil {
			return err
		}
		return s.audit(ctx, id, "user.password_changed", "")
	})
}

// ChangeEmail gives one's own account another address after the current
// password, and ends one's other sessions.
func (s *Service) ChangeEmail(ctx context.Context, id int64, current, email, keep string) error {
	u, err := s.User(ctx, id)
	if err != nil {
		return err
	}
	if err := s.checkCurrentPassword(ctx, u, current); err != nil {
		return err
	}
	email = strings.ToLower(strings.TrimSpace(email))
	if a, err := mail.ParseAddress(email); err != nil || a.Address != email || len(email) > 254 || !strings.Contains(email, ".") {
		return &model.Error{Code: model.EINVALID, Message: "letter_share.check_address",
			Fields: map[string]model.Msg{"email": model.M("account.enter_e_mail_address")}}
	}
	return s.store.InTx(ctx, func(ctx context.Context) error {
		if err := s.store.SetUserEmail(ctx, id, email, s.Now()); err != nil {
			return err
		}
		if _, err := s.store.EndUserSessions(ctx, id, keep); err != nil {
			return err
		}
		return s.audit(ctx, id, "user.email_changed", "")
	})
}

// Second-factor secrets are kept sealed with a key made from the site's
// secret key (which never enters the database), so a copy of the database
// cannot make login codes: AES-256-GCM, written "v1:" + base64(nonce,
// sealed). Without a site key they stay as they are (and SealSecrets says
// so at start).
const sealedPrefix = "v1:"

func (s *Service) totpKey() []byte {
	if len(s.opts.Secret) == 0 {
		return nil
	}
	m := hmac.New(sha256.New, s.opts.Secret)
	m.Write([]byte("confide second-factor secrets"))
	return m.Sum(nil)
}

// sealSecret seals a second-factor secret for the database.
func (s *Service) sealSecret(secret string) (string, error) {
	key := s.totpKey()
	if key == nil || secret == "" {
		return secret, nil
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return "", err
	}
	gcm, err := cipher.NewGCM(block)
	if err != nil {
		return "", err
	}
	nonce := make([]byte, gcm.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", err
	}
	return sealedPrefix + base64.RawStdEncoding.EncodeToString(gcm.Seal(nonce, nonce, []byte(secret), nil)), nil
}

var errSealed = errors.New("service: a second-factor secret is sealed with another key (is --secret-key-file the same on every instance?)")

// openSecret reads a stored second-factor secret, sealed or (from before
// secrets were sealed, or without a key) plain.
func (s *Service) openSecret(stored string) (string, error) {
	if !strings.HasPrefix(stored, sealedPrefix) {
		return stored, nil
	}
	key := s.totpKey()
	raw, err := base64.RawStdEncoding.DecodeString(strings.TrimPrefix(stored, sealedPrefix))
	if key == nil || err != nil {
		return "", errSealed
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return "", err
	}
	gcm, err := cipher.NewGCM(block)
	if err != nil || len(raw) < gcm.NonceSize() {
		return "", errSealed
	}
	plain, err := gcm.Open(nil, raw[:gcm.NonceSize()], raw[gcm.NonceSize():], nil)
	if err != nil {
		return "", errSealed
	}
	return string(plain), nil
}

// SealSecrets seals the second-factor secrets still kept plain (from before
// they were sealed) and returns how many. serve runs it at start, once the
// site's key is known.
func (s *Service) SealSecrets(ctx context.Context) (int, error) {
	if s.totpKey() == nil {
		return 0, nil
	}
	all, err := s.store.TOTPSecrets(ctx)
	if err != nil {
		return 0, err
	}
	n := 0
	err = s.store.InTx(ctx, func(ctx context.Context) error {
		for id, stored := range all {
			if strings.HasPrefix(stored, sealedPrefix) {
				continue
			}
			sealed, err := s.sealSecret(stored)
			if err != nil {
				return err
			}
			if err := s.store.SetTOTPSecret(ctx, id, sealed); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}
