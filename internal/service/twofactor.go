package service

import (
	"context"
	"crypto/rand"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"github.com/confide/confide/internal/model"
)

// RecoveryCodeCount is how many recovery codes an account gets.
const RecoveryCodeCount = 10

var errBadCode = &model.Error{Code: model.EINVALID, Message: "twofactor.code_not_right_try",
	Fields: map[string]model.Msg{"code": model.M("twofactor.not_valid_code")}}

// NewTOTPKey makes a secret for u's authenticator app. Nothing is stored
// until EnableTwoFactor proves the app has it.
func (s *Service) NewTOTPKey(ctx context.Context, u *model.User) (*otp.Key, error) {
	site, err := s.SiteSettings(ctx)
	if err != nil {
		return nil, err
	}
	return totp.Generate(totp.GenerateOpts{Issuer: site.SiteName, AccountName: u.Email})
}

// step checks code against secret at the service's time, allowing one step
// of clock difference either way, and returns the step it matched.
func (s *Service) step(secret, code string) (int64, bool) {
	code = strings.ReplaceAll(strings.TrimSpace(code), " ", "")
	now := s.Now()
	for _, skew := range []time.Duration{0, -30 * time.Second, 30 * time.Second} {
		at := now.Add(skew)
		ok, err := totp.ValidateCustom(code, secret, at, totp.ValidateOpts{Period: 30, Skew: 0, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
		if err == nil && ok {
			return at.Unix() / 30, true
		}
	}
	return 0, false
}

// EnableTwoFactor turns two-factor login on for user id once code proves
// the authenticator app holds secret. It returns the recovery codes, to be
// shown once.
//
// It needs the account's current password, and it ends the account's other
// sessions (keep is the caller's own token): whoever held one of them did
// not prove the new second factor.
func (s *Service) EnableTwoFactor(ctx context.Context, id int64, current, secret, code, keep string) ([]string, error) {
	u, err := s.User(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := s.checkCurrentPassword(ctx, u, current); err != nil {
		return nil, err
	}
	step, ok := s.step(secret, code)
	if !ok {
		return nil, errBadCode
	}
	codes, hashes, err := recoveryCodes()
	if err != nil {
		return nil, err
	}
	sealed, err := s.sealSecret(secret)
	if err != nil {
		return nil, err
	}
	err = s.store.InTx(ctx, func(ctx context.Context) error {
		if err := s.store.SetTwoFactor(ctx, id, sealed, hashes, s.Now()); err != nil {
			return err
		}
		if _, err := s.store.AcceptTOTPStep(ctx, id, step); err != nil {
			return err
		}
		if _, err := s.store.EndUserSessions(ctx, id, keep); err != nil {
			return err
		}
		return s.audit(ctx, id, "user.2fa_on", "")
	})
	if err != nil {
		return nil, err
	}
	return codes, nil
}

// DisableTwoFactor turns two-factor login off for user id: by its owner
// (actor == id), who gives the current password, or by an admin resetting
// it for someone who lost their phone. Every session of the account ends
// but the owner's own (keep, the caller's token; an admin's reset ends all).
func (s *Service) DisableTwoFactor(ctx context.Context, actor, id int64, current, keep string) error {
	if actor == id {
		u, err := s.User(ctx, id)
		if err != nil {
			return err
		}
		if err := s.checkCurrentPassword(ctx, u, current); err != nil {
			return err
		}
	} else {
		keep = ""
	}
	return s.store.InTx(ctx, func(ctx context.Context) error {
		u, err := s.store.UserByID(ctx, id)
		if err != nil {
			return err
		}
		if err := s.store.SetTwoFactor(ctx, id, "", nil, s.Now()); err != nil {
			return err
		}
		if _, err := s.store.EndUserSessions(ctx, id, keep); err != nil {
			return err
		}
		return s.audit(ctx, actor, "user.2fa_off", u.Email)
	})
}

// VerifySecondFactor checks a code from the authenticator app, or a
// recovery code, for user id. A code works once; failures are limited like
// passwords.
func (s *Service) VerifySecondFactor(ctx context.Context, id int64, code string) error {
	u, err := s.User(ctx, id)
	if err != nil {
		return err
	}
	now := s.Now()
	scope := "2fa:" + u.Email
	if n, err := s.store.LoginFailures(ctx, scope, now.Add(-LoginWindow)); err != nil {
		return err
	} else if n >= MaxFailuresPerIP {
		return errThrottled
	}
	ok := false
	err = s.store.InTx(ctx, func(ctx context.Context) error {
		if strings.Contains(code, "-") { // recovery codes look like abcd-efgh
			used, err := s.store.UseRecoveryCode(ctx, id, hashToken(strings.ToLower(strings.TrimSpace(code))), now)
			if err != nil || !used {
				return err
			}
			ok = true
			return s.audit(ctx, id, "user.recovery_code_used", "")
		}
		secret, err := s.openSecret(u.TOTPSecret)
		if err != nil {
			return err
		}
		step, match := s.step(secret, code)
		if !match {
			return nil
		}
		fresh, err := s.store.AcceptTOTPStep(ctx, id, step)
		ok = fresh
		return err
	})
	if err != nil {
		return err
	}
	if !ok {
		if err := s.store.InTx(ctx, func(ctx context.Context) error { return s.store.RecordLoginFailure(ctx, now, scope) }); err != nil {
			return err
		}
		return errBadCode
	}
	return nil
}

// RecoveryCodesLeft counts the unused recovery codes of user id.
func (s *Service) RecoveryCodesLeft(ctx context.Context, id int64) (int, error) {
	return s.store.RecoveryCodesLeft(ctx, id)
}

// recoveryCodes makes RecoveryCodeCount codes like "k7mq-2xpa" and their
// hashes. They carry 40 random bits each, so a plain SHA-256 suffices.
func recoveryCodes() (codes, hashes []string, err error) {
	const alphabet = "abcdefghijkmnpqrstuvwxyz23456789"
	for i := 0; i < RecoveryCodeCount; i++ {
		b := make([]byte, 8)
		if _, err := rand.Read(b); err != nil {
			return nil, nil, err
		}
		for j := range b {
			b[j] = alphabet[int(b[j])%len(alphabet)]
		}
		code := string(b[:4]) + "-" + string(b[4:])
		codes = append(codes, code)
		hashes = append(hashes, hashToken(code))
	}
	return codes, hashes, nil
}

// MustEnrol reports whether u may use the admin area only once it has set
// up two-factor login: every staff role by default; an admin may spare
// moderators, who read no letter.
func (s *Service) MustEnrol(ctx context.Context, u *model.User) (bool, error) {
	if u.HasTwoFactor() {
		return false, nil
	}
	site, err := s.SiteSettings(ctx)
	if err != nil {
		return false, err
	}
	switch site.TwoFactor {
	case model.TwoFactorOff:
		return false, nil
	case model.TwoFactorNotModerators:
		return u.Role != model.RoleModerator, nil
	}
	return true, nil
}
