package service

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"net/mail"
	"net/netip"
	"strings"
	"time"

	"github.com/confide/confide/internal/model"
	"github.com/confide/confide/internal/password"
	"github.com/confide/confide/internal/spam"
)

// Login throttling. One address may fail ten times in fifteen minutes, so a
// single attacker is stopped quickly and can never lock a real user out: the
// account itself is locked only by failures from many addresses at once.
const (
	LoginWindow        = 15 * time.Minute
	MaxFailuresPerIP   = 10
	MaxFailuresAccount = 100
)

// settingSetupToken holds the hash of the one-time setup token.
const settingSetupToken = "setup_token_hash"

// NewUser is what it takes to create an account.
type NewUser struct {
	Email    string
	Name     string
	Role     model.Role
	Password string
}

func (s *Service) checkNewUser(nu *NewUser) error {
	fields := map[string]model.Msg{}
	nu.Email = strings.ToLower(strings.TrimSpace(nu.Email))
	nu.Name = strings.TrimSpace(nu.Name)
	if addr, err := mail.ParseAddress(nu.Email); err != nil || addr.Address != nu.Email || !strings.Contains(nu.Email, ".") {
		fields["email"] = model.M("account.enter_e_mail_address")
	}
	if nu.Name == "" {
		fields["name"] = model.M("account.name_required")
	} else if len(nu.Name) > 100 {
		fields["name"] = model.M("account.keep_name_under_100")
	} else if badNameChars(nu.Name) {
		fields["name"] = model.M("account.write_name_one_line")
	}
	if !nu.Role.Valid() {
		fields["role"] = model.M("account.choose_admin_advisor_moderator")
	}
	if msg := password.Check(nu.Password); msg != "" {
		fields["password"] = passwordMsg(msg)
	}
	if len(fields) > 0 {
		return &model.Error{Code: model.EINVALID, Message: "account.correct_account_details", Fields: fields}
	}
	return nil
}

// CreateUser checks and creates an account; actor (0 for the command line
// or the setup page) is recorded in the audit log.
func (s *Service) CreateUser(ctx context.Context, actor int64, nu NewUser) (*model.User, error) {
	if err := s.checkNewUser(&nu); err != nil {
		return nil, err
	}
	hash, err := password.Hash(nu.Password)
	if err != nil {
		return nil, err
	}
	now := s.Now()
	u := &model.User{Email: nu.Email, Name: nu.Name, Role: nu.Role, PasswordHash: hash, CreatedAt: now, UpdatedAt: now}
	err = s.store.InTx(ctx, func(ctx context.Context) error {
		if err := s.store.CreateUser(ctx, u); err != nil {
			return err
		}
		return s.audit(ctx, actor, "user.create", u.Email+" as "+string(u.Role))
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}

// maxPasswordBytes bounds a password: a pass phrase of a hundred words
// fits, a megabyte sent to make the server hash it does not.
const maxPasswordBytes = 1024

// errBadLogin is the one answer to a wrong address and a wrong password, so
// the login form does not tell which accounts exist.
var errBadLogin = &model.Error{Code: model.EINVALID, Message: "account.e_mail_address_password"}

var errThrottled = model.Errorf(model.ELIMIT,
	"account.too_many_failed_attempts")

// Authenticate checks an e-mail address and password coming from ip. It
// answers the same for an unknown address and a wrong password, and refuses
// with ELIMIT after too many failures.
func (s *Service) Authenticate(ctx context.Context, email, pw, ip string) (*model.User, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	if len(email) > 254 || len(pw) > maxPasswordBytes {
		return nil, errBadLogin // no account has such an address or password
	}
	now := s.Now()
	since := now.Add(-LoginWindow)
	// The address is kept only as a keyed hash (see package spam).
	addrHash := ""
	if a, err := netip.ParseAddr(ip); err == nil {
		addrHash = spam.HashAddr(s.opts.Secret, a)
	}
	ipScope, acctScope := "ip:"+addrHash, "account:"+email
	if n, err := s.store.LoginFailures(ctx, ipScope, since); err != nil {
		return nil, err
	} else if n >= MaxFailuresPerIP {
		return nil, errThrottled
	}
	if n, err := s.store.LoginFailures(ctx, acctScope, since); err != nil {
		return nil, err
	} else if n >= MaxFailuresAccount {
		return nil, errThrottled
	}
	u, err := s.store.UserByEmail(ctx, email)
	if err != nil && model.ErrorCode(err) != model.ENOTFOUND {
		return nil, err
	}
	hash := dummyHash
	if u != nil {
		hash = u.PasswordHash
	}
	// Verify even for unknown addresses, so both take the same time.
	ok, verr := password.Verify(hash, pw)
	if u == nil || !ok || verr != nil || u.Disabled() {
		if err := s.store.InTx(ctx, func(ctx context.Context) error {
			return s.store.RecordLoginFailure(ctx, now, ipScope, acctScope)
		}); err != nil {
			return nil, err
		}
		return nil, errBadLogin
	}
	err = s.store.InTx(ctx, func(ctx context.Context) error {
		if err := s.store.ClearLoginFailures(ctx, acctScope, now.Add(-24*time.Hour)); err != nil {
			return err
		}
		return s.audit(ctx, u.ID, "user.login", "")
	})
	return u, err
}

var dummyHash = func() string {
	h, err := password.Hash("not a real password, only for timing")
	if err != nil {
		panic(err)
	}
	return h
}()

// User returns an account that may use the admin site: disabled and deleted
// accounts are not found.
func (s *Service) User(ctx context.Context, id int64) (*model.User, error) {
	u, err := s.store.UserByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if u.Disabled() {
		return nil, model.ErrNotFound
	}
	return u, nil
}

// NeedsSetup reports whether the site has no account yet.
func (s *Service) NeedsSetup(ctx context.Context) (bool, error) {
	n, err := s.store.CountUsers(ctx)
	return n == 0, err
}

// StartSetup makes a new one-time setup token while the site has no
// account, keeping only its hash. It returns "" when accounts exist.
func (s *Service) StartSetup(ctx context.Context) (string, error) {
	need, err := s.NeedsSetup(ctx)
	if err != nil || !need {
		return "", err
	}
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	token := hex.EncodeToString(b)
	err = s.store.InTx(ctx, func(ctx context.Context) error {
		return s.store.SetSetting(ctx, settingSetupToken, hashToken(token))
	})
	return token, err
}

// CheckSetupToken answers EFORBIDDEN unless setup is open and token is the
// current setup token.
func (s *Service) CheckSetupToken(ctx context.Context, token string) error {
	need, err := s.NeedsSetup(ctx)
	if err != nil {
		return err
	}
	if !need {
		return model.Errorf(model.EFORBIDDEN, "account.site_already_set_up")
	}
	m, err := s.store.Settings(ctx)
	if err != nil {
		return err
	}
	want := m[settingSetupToken]
	if want == "" || token == "" || subtle.ConstantTimeCompare([]byte(hashToken(token)), []byte(want)) != 1 {
		return model.Errorf(model.EFORBIDDEN, "account.setup_link_not_valid")
	}
	return nil
}

// CompleteSetup creates the first admin with the setup token. It fails once
// any account exists, even with the right token.
func (s *Service) CompleteSetup(ctx context.Context, token string, nu NewUser) (*model.User, error) {
	nu.Role = model.RoleAdmin
	if err := s.checkNewUser(&nu); err != nil {
		return nil, err
	}
	var u *model.User
	err := s.store.InTx(ctx, func(ctx context.Context) error {
		// Checked inside the transaction: two people racing get one admin.
		if err := s.CheckSetupToken(ctx, token); err != nil {
			return err
		}
		var err error
		if u, err = s.CreateUser(ctx, 0, nu); err != nil {
			return err
		}
		return s.store.SetSetting(ctx, settingSetupToken, "")
	})
	return u, err
}

func hashToken(t string) string {
	sum := sha256.Sum256([]byte(t))
	return hex.EncodeToString(sum[:])
}

// audit records an admin action in the log, in the caller's transaction.
func (s *Service) audit(ctx context.Context, actor int64, action, detail string) error {
	return s.store.Audit(ctx, &model.AuditEntry{UserID: actor, Action: action, Detail: detail, CreatedAt: s.Now()})
}

// Audit records an action taken by actor (used by handlers for actions that
// have no service call of their own, such as logging out).
func (s *Service) Audit(ctx context.Context, actor int64, action, detail string) error {
	return s.store.InTx(ctx, func(ctx context.Context) error { return s.audit(ctx, actor, action, detail) })
}

// AuditLog returns one page of the audit log.
func (s *Service) AuditLog(ctx context.Context, page int) ([]model.AuditEntry, model.Pagination, error) {
	const size = 50
	if page < 1 {
		return nil, model.Pagination{}, model.ErrNotFound
	}
	list, total, err := s.store.AuditLog(ctx, size, (page-1)*size)
	if err != nil {
		return nil, model.Pagination{}, err
	}
	p, err := paginate(page, size, total)
	return list, p, err
}

// Dashboard returns the admin dashboard's counts.
func (s *Service) Dashboard(ctx context.Context) (model.Counts, error) {
	return s.store.Counts(ctx)
}

// DemoWithoutTwoFactor lets a new demo site's visitors into the admin area
// with the printed password alone (a real site requires a second factor
// of every staff account, and no admin page turns that off).
func (s *Service) DemoWithoutTwoFactor(ctx context.Context) error {
	return s.store.InTx(ctx, func(ctx context.Context) error {
		return s.store.SetSetting(ctx, model.SettingTwoFactor, model.TwoFactorOff)
	})
}

// DemoAdvisor makes sure the demo site has an advisor account with that
// address and gives it a fresh random password, which it returns: the demo
// prints it at every start, and no fixed password is ever built in.
func (s *Service) DemoAdvisor(ctx context.Context, email, name string) (string, error) {
	pw, err := password.Generate()
	if err != nil {
		return "", err
	}
	hash, err := password.Hash(pw)
	if err != nil {
		return "", err
	}
	err = s.store.InTx(ctx, func(ctx context.Context) error {
		u, err := s.store.UserByEmail(ctx, email)
		switch {
		case model.ErrorCode(err) == model.ENOTFOUND:
			_, err = s.CreateUser(ctx, 0, NewUser{Email: email, Name: name, Role: model.RoleAdvisor, Password: pw})
			return err
		case err != nil:
			return err
		}
		return s.store.SetPassword(ctx, u.ID, hash, s.Now())
	})
	return pw, err
}

// passwordMsg is password.Check's message with its arguments.
func passwordMsg(id string) model.Msg {
	return model.M(id, "Min", password.MinLength, "Max", password.MaxLength)
}
