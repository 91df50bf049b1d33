package service

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"strings"
	"time"

	"github.com/confide/confide/internal/i18n"
	"github.com/confide/confide/internal/model"
	"github.com/confide/confide/internal/password"
)

// Token lifetimes: a reset link works for an hour, an invitation for three
// days (people do not read mail at once).
const (
	ResetTokenTTL  = time.Hour
	InviteTokenTTL = 72 * time.Hour
	maxResetsPerIP = 5
)

var errBadToken = model.Errorf(model.EFORBIDDEN,
	"password_reset.link_not_valid_any")

// newPasswordToken makes a token for u, stores its hash and returns the
// link that carries it.
func (s *Service) newPasswordToken(ctx context.Context, u *model.User, purpose string, ttl time.Duration) (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	token := hex.EncodeToString(b)
	now := s.Now()
	if err := s.store.CreatePasswordToken(ctx, &model.PasswordToken{Hash: hashToken(token), UserID: u.ID, Purpose: purpose,
		ExpiresAt: now.Add(ttl), CreatedAt: now}); err != nil {
		return "", err
	}
	return strings.TrimRight(s.opts.BaseURL, "/") + "/admin/password/reset?token=" + token, nil
}

// RequestPasswordReset e-mails a reset link to the account with that
// address, if there is one. It answers the same either way, so the form
// does not reveal who has an account, and it limits requests per address.
func (s *Service) RequestPasswordReset(ctx context.Context, email, ip string) error {
	email = strings.ToLower(strings.TrimSpace(email))
	now := s.Now()
	scope := "reset-ip:" + ip
	if n, err := s.store.LoginFailures(ctx, scope, now.Add(-LoginWindow)); err != nil {
		return err
	} else if n >= maxResetsPerIP {
		return errThrottled
	}
	site, err := s.SiteSettings(ctx)
	if err != nil {
		return err
	}
	return s.store.InTx(ctx, func(ctx context.Context) error {
		// Every request counts towards the limit, found or not.
		if err := s.store.RecordLoginFailure(ctx, now, scope); err != nil {
			return err
		}
		u, err := s.store.UserByEmail(ctx, email)
		if model.ErrorCode(err) == model.ENOTFOUND {
			return nil
		}
		if err != nil {
			return err
		}
		if u.Disabled() {
			return nil
		}
		link, err := s.newPasswordToken(ctx, u, model.TokenReset, ResetTokenTTL)
		if err != nil {
			return err
		}
		l := i18n.Get(site.Language)
		text := l.Text("mail.reset", "Name", u.Name, "Site", site.SiteName, "Link", link)
		_, err = s.QueueMail(ctx, u.Email, u.Name, l.Text("mail.reset_subject", "Site", site.SiteName), text, "")
		if err != nil {
			return err
		}
		return s.audit(ctx, u.ID, "user.reset_requested", ip)
	})
}

// CheckPasswordToken returns the account a valid, unused token is for.
func (s *Service) CheckPasswordToken(ctx context.Context, token string) (*model.User, *model.PasswordToken, error) {
	if token == "" {
		return nil, nil, errBadToken
	}
	t, err := s.store.PasswordToken(ctx, hashToken(token))
	if model.ErrorCode(err) == model.ENOTFOUND {
		return nil, nil, errBadToken
	}
	if err != nil {
		return nil, nil, err
	}
	if !t.UsedAt.IsZero() || !s.Now().Before(t.ExpiresAt) {
		return nil, nil, errBadToken
	}
	u, err := s.store.UserByID(ctx, t.UserID)
	if err != nil {
		return nil, nil, err
	}
	if u.Disabled() {
		return nil, nil, errBadToken
	}
	return u, t, nil
}

// SetPasswordWithToken sets a new password with a reset or invitation
// token, which can then not be used again.
func (s *Service) SetPasswordWithToken(ctx context.Context, token, newPassword string) (*model.User, error) {
	if msg := password.Check(newPassword); msg != "" {
		return nil, &model.Error{Code: model.EINVALID, Message: "password_reset.choose_another_password",
			Fields: map[string]model.Msg{"password": passwordMsg(msg)}}
	}
	hash, err := password.Hash(newPassword)
	if err != nil {
		return nil, err
	}
	var u *model.User
	err = s.store.InTx(ctx, func(ctx context.Context) error {
		var t *model.PasswordToken
		var err error
		if u, t, err = s.CheckPasswordToken(ctx, token); err != nil {
			return err
		}
		if err := s.store.UsePasswordToken(ctx, t.Hash, s.Now()); err != nil {
			return errBadToken
		}
		if err := s.store.SetPassword(ctx, u.ID, hash, s.Now()); err != nil {
			return err
		}
		// Whoever knew the old password is logged out everywhere.
		if _, err := s.store.EndUserSessions(ctx, u.ID, ""); err != nil {
			return err
		}
		return s.audit(ctx, u.ID, "user.password_set", t.Purpose)
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}
