package apptest

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"
)

// secrets are the second-factor secrets of the accounts tests enrolled,
// by e-mail address (test sites share no accounts, and the addresses are
// the tests' own).
var secrets sync.Map

// Enrol turns two-factor login on for the account of email, as its owner
// does on /admin/account/2fa, and keeps the secret for Code: a staff
// account must have it (the default policy) before it may use the admin
// area.
func (s *Site) Enrol(t testing.TB, email, password string) {
	t.Helper()
	ctx := context.Background()
	users, err := s.Service.Users(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range users {
		if u.Email != email {
			continue
		}
		key, err := s.Service.NewTOTPKey(ctx, &u)
		if err != nil {
			t.Fatal(err)
		}
		code, err := totp.GenerateCode(key.Secret(), s.Clock.Now())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Service.EnableTwoFactor(ctx, u.ID, password, key.Secret(), code, ""); err != nil {
			t.Fatalf("enrol %s: %v", email, err)
		}
		s.Remember(email, key.Secret())
		return
	}
	t.Fatalf("enrol: no account %s", email)
}

// Remember keeps the second-factor secret of an account a test set up
// through the forms, for Code.
func (s *Site) Remember(email, secret string) { secrets.Store(s.URL+" "+email, secret) }

// Code returns a login code for the account of email. The site's clock
// moves to the next 30-second step first: a code works once, and tests log
// in often.
func (s *Site) Code(t testing.TB, email string) string {
	t.Helper()
	secret, ok := secrets.Load(s.URL + " " + email)
	if !ok {
		t.Fatalf("%s was not enrolled (Site.Enrol)", email)
	}
	s.Clock.Advance(30 * time.Second)
	code, err := totp.GenerateCode(secret.(string), s.Clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	return code
}
