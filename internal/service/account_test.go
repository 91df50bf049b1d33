package service_test

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"github.com/confide/confide/internal/database"
	"github.com/confide/confide/internal/database/dbtest"
	"github.com/confide/confide/internal/model"
	"github.com/confide/confide/internal/service"
	"github.com/confide/confide/internal/store"
)

const goodPassword = "a quiet walk by the river"

func TestCreateUserAndAuthenticate(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		svc, _ := newService(t, db)

		_, err := svc.CreateUser(ctx, 0, service.NewUser{Email: "not-an-address", Name: "", Role: "boss", Password: "short"})
		e, ok := err.(*model.Error)
		if !ok || e.Code != model.EINVALID || e.Fields["email"].ID == "" || e.Fields["name"].ID == "" || e.Fields["role"].ID == "" || e.Fields["password"].ID == "" {
			t.Fatalf("invalid user: %v", err)
		}
		u, err := svc.CreateUser(ctx, 0, service.NewUser{Email: " Rose@Example.ORG ", Name: "Rose", Role: model.RoleAdvisor, Password: goodPassword})
		if err != nil || u.Email != "rose@example.org" || u.PasswordHash == goodPassword {
			t.Fatalf("create: %+v %v", u, err)
		}
		if _, err := svc.CreateUser(ctx, 0, service.NewUser{Email: "rose@example.org", Name: "R", Role: model.RoleAdmin, Password: goodPassword}); model.ErrorCode(err) != model.ECONFLICT {
			t.Fatalf("duplicate address: %v", err)
		}

		got, err := svc.Authenticate(ctx, "ROSE@example.org", goodPassword, "10.0.0.1")
		if err != nil || got.ID != u.ID {
			t.Fatalf("login: %+v %v", got, err)
		}
		_, wrongPw := svc.Authenticate(ctx, "rose@example.org", "wrong password!", "10.0.0.1")
		_, noUser := svc.Authenticate(ctx, "nobody@example.org", goodPassword, "10.0.0.1")
		if wrongPw == nil || noUser == nil || wrongPw.Error() != noUser.Error() {
			t.Fatalf("wrong password %v and unknown address %v must answer alike", wrongPw, noUser)
		}
		log, _, err := svc.AuditLog(ctx, 1)
		if err != nil || len(log) < 2 || log[0].Action != "user.login" || log[0].UserName != "Rose" {
			t.Fatalf("audit log: %+v %v", log, err)
		}
	})
}

func TestLoginThrottling(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		svc, _ := newService(t, db)
		if _, err := svc.CreateUser(ctx, 0, service.NewUser{Email: "a@example.org", Name: "A", Role: model.RoleAdmin, Password: goodPassword}); err != nil {
			t.Fatal(err)
		}
		for i := 0; i < service.MaxFailuresPerIP; i++ {
			if _, err := svc.Authenticate(ctx, "a@example.org", "guess number "+string(rune('a'+i)), "203.0.113.9"); model.ErrorCode(err) != model.EINVALID {
				t.Fatalf("attempt %d: %v", i+1, err)
			}
		}
		// The attacker's address is paused, even with the right password…
		if _, err := svc.Authenticate(ctx, "a@example.org", goodPassword, "203.0.113.9"); model.ErrorCode(err) != model.ELIMIT {
			t.Fatalf("11th attempt from the same address: %v", err)
		}
		// …but the real user, elsewhere, is not locked out.
		if _, err := svc.Authenticate(ctx, "a@example.org", goodPassword, "198.51.100.7"); err != nil {
			t.Fatalf("real user from another address: %v", err)
		}
	})
}

func TestSetup(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		svc, _ := newService(t, db)
		token, err := svc.StartSetup(ctx)
		if err != nil || len(token) < 32 {
			t.Fatalf("start setup: %q %v", token, err)
		}
		if err := svc.CheckSetupToken(ctx, "wrong"); model.ErrorCode(err) != model.EFORBIDDEN {
			t.Fatalf("wrong token: %v", err)
		}
		if err := svc.CheckSetupToken(ctx, ""); model.ErrorCode(err) != model.EFORBIDDEN {
			t.Fatalf("empty token: %v", err)
		}
		// A bad form keeps the token usable.
		if _, err := svc.CompleteSetup(ctx, token, service.NewUser{Email: "x", Name: "Ada", Password: goodPassword}); model.ErrorCode(err) != model.EINVALID {
			t.Fatalf("bad form: %v", err)
		}
		u, err := svc.CompleteSetup(ctx, token, service.NewUser{Email: "ada@example.org", Name: "Ada", Password: goodPassword})
		if err != nil || u.Role != model.RoleAdmin {
			t.Fatalf("complete setup: %+v %v", u, err)
		}
		if _, err := svc.CompleteSetup(ctx, token, service.NewUser{Email: "eve@example.org", Name: "Eve", Password: goodPassword}); model.ErrorCode(err) != model.EFORBIDDEN {
			t.Fatalf("second setup with the same token: %v", err)
		}
		if again, err := svc.StartSetup(ctx); err != nil || again != "" {
			t.Fatalf("setup after an account exists: %q %v", again, err)
		}
	})
}

// A reset link stops working after an hour.
func TestResetLinkExpires(t *testing.T) {
	db := dbtest.SQLite(t)
	ctx := context.Background()
	svc, _ := newService(t, db)
	if _, err := svc.CreateUser(ctx, 0, service.NewUser{Email: "a@example.org", Name: "A", Role: model.RoleAdmin, Password: goodPassword}); err != nil {
		t.Fatal(err)
	}
	if err := svc.RequestPasswordReset(ctx, "a@example.org", "10.0.0.1"); err != nil {
		t.Fatal(err)
	}
	msgs, _, _ := svc.OutboxPage(ctx, 1)
	token := regexp.MustCompile(`token=([0-9a-f]{64})`).FindStringSubmatch(msgs[0].Text)[1]
	if _, _, err := svc.CheckPasswordToken(ctx, token); err != nil {
		t.Fatalf("fresh token: %v", err)
	}
	later := service.New(store.New(db), service.Options{Now: func() time.Time { return now.Add(service.ResetTokenTTL + time.Second) }})
	if _, err := later.SetPasswordWithToken(ctx, token, "another long passphrase"); model.ErrorCode(err) != model.EFORBIDDEN {
		t.Fatalf("expired token: %v", err)
	}
	for i := 0; i < 10; i++ {
		svc.RequestPasswordReset(ctx, "x@example.org", "10.9.9.9")
	}
	if err := svc.RequestPasswordReset(ctx, "a@example.org", "10.9.9.9"); model.ErrorCode(err) != model.ELIMIT {
		t.Fatalf("many requests from one address: %v", err)
	}
}

func TestTOTPCodesWorkOncePerStep(t *testing.T) {
	db := dbtest.SQLite(t)
	ctx := context.Background()
	svc, _ := newService(t, db)
	u, err := svc.CreateUser(ctx, 0, service.NewUser{Email: "a@example.org", Name: "A", Role: model.RoleAdmin, Password: goodPassword})
	if err != nil {
		t.Fatal(err)
	}
	key, err := svc.NewTOTPKey(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	code, _ := totp.GenerateCode(key.Secret(), now)
	if _, err := svc.EnableTwoFactor(ctx, u.ID, goodPassword, key.Secret(), code, ""); err != nil {
		t.Fatal(err)
	}
	if err := svc.VerifySecondFactor(ctx, u.ID, code); model.ErrorCode(err) != model.EINVALID {
		t.Fatalf("same code again: %v", err)
	}
	// A minute later the app shows a new code, which works once.
	later := service.New(store.New(db), service.Options{Now: func() time.Time { return now.Add(time.Minute) }})
	next, _ := totp.GenerateCode(key.Secret(), now.Add(time.Minute))
	if err := later.VerifySecondFactor(ctx, u.ID, next); err != nil {
		t.Fatalf("fresh code: %v", err)
	}
	if err := later.VerifySecondFactor(ctx, u.ID, next); model.ErrorCode(err) != model.EINVALID {
		t.Fatalf("fresh code twice: %v", err)
	}
	// Wrong codes are limited like passwords.
	for i := 0; i < service.MaxFailuresPerIP; i++ {
		later.VerifySecondFactor(ctx, u.ID, "123456")
	}
	if err := later.VerifySecondFactor(ctx, u.ID, "123456"); model.ErrorCode(err) != model.ELIMIT {
		t.Fatalf("after many wrong codes: %v", err)
	}
}

// A second-factor secret kept plain (from before secrets were sealed) is
// sealed at start and still opens: codes made from it work.
func TestSecondFactorSecretsAreSealed(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		st := store.New(db)
		svc := service.New(st, service.Options{Now: func() time.Time { return now }})
		u, err := svc.CreateUser(ctx, 0, service.NewUser{Email: "a@example.org", Name: "A", Role: model.RoleAdmin, Password: goodPassword})
		if err != nil {
			t.Fatal(err)
		}
		key, _ := svc.NewTOTPKey(ctx, u)
		if err := st.SetTwoFactor(ctx, u.ID, key.Secret(), nil, now); err != nil { // as an older version kept it
			t.Fatal(err)
		}
		svc.SetSecret([]byte("a site key of thirty-two bytes or more"))
		if n, err := svc.SealSecrets(ctx); err != nil || n != 1 {
			t.Fatalf("sealed %d, %v", n, err)
		}
		if n, _ := svc.SealSecrets(ctx); n != 0 {
			t.Fatalf("sealed again: %d", n)
		}
		var stored string
		db.Read.QueryRow(`SELECT totp_secret FROM users WHERE id = $1`, u.ID).Scan(&stored)
		if !strings.HasPrefix(stored, "v1:") || strings.Contains(stored, key.Secret()) {
			t.Fatalf("stored as %q", stored)
		}
		code, _ := totp.GenerateCode(key.Secret(), now)
		if err := svc.VerifySecondFactor(ctx, u.ID, code); err != nil {
			t.Fatalf("a code from the sealed secret: %v", err)
		}
		// With another key, the secret does not open (and says why).
		other := service.New(st, service.Options{Now: func() time.Time { return now.Add(time.Minute) }, Secret: []byte("another key of thirty-two bytes or more")})
		later, _ := totp.GenerateCode(key.Secret(), now.Add(time.Minute))
		if err := other.VerifySecondFactor(ctx, u.ID, later); err == nil || !strings.Contains(err.Error(), "another key") {
			t.Fatalf("another key: %v", err)
		}
	})
}
