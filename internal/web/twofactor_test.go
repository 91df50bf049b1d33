package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/pquerna/otp/totp"

	"github.com/confide/confide/internal/app/apptest"
	"github.com/confide/confide/internal/database"
	"github.com/confide/confide/internal/database/dbtest"
	"github.com/confide/confide/internal/model"
	"github.com/confide/confide/internal/service"
)

func TestTwoFactorLogin(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *database.DB) {
		site := apptest.Start(t, db)
		addUser(t, site, "ada@example.org", model.RoleAdmin)
		addUser(t, site, "rose@example.org", model.RoleAdvisor)
		c := loginAs(t, site, "rose@example.org")

		_, page := get(t, c, site.URL+"/admin/account/2fa")
		m := regexp.MustCompile(`typing the key <code>([A-Z2-7]+)</code>`).FindStringSubmatch(page)
		if m == nil || !strings.Contains(page, `src="data:image/png;base64,`) {
			t.Fatal("setup page lacks the key or the QR code")
		}
		secret := m[1]
		if resp, _ := post(t, c, site.URL+"/admin/account/2fa", url.Values{"code": {"000000"}, "current": {testPassword}}); resp.StatusCode != 400 {
			t.Fatalf("wrong setup code: %d", resp.StatusCode)
		}
		code, _ := totp.GenerateCode(secret, apptest.Now)
		// Setting it up needs the password as well as the code.
		if resp, page := post(t, c, site.URL+"/admin/account/2fa", url.Values{"code": {code}, "current": {"not my password"}}); resp.StatusCode != 400 ||
			!strings.Contains(page, "not your current password") {
			t.Fatalf("setup without the password: %d", resp.StatusCode)
		}
		resp, page := post(t, c, site.URL+"/admin/account/2fa", url.Values{"code": {code}, "current": {testPassword}})
		codes := regexp.MustCompile(`<code>([a-z2-9]{4}-[a-z2-9]{4})</code>`).FindAllStringSubmatch(page, -1)
		if resp.StatusCode != 200 || len(codes) != 10 {
			t.Fatalf("setup: %d, %d recovery codes", resp.StatusCode, len(codes))
		}
		// The database keeps the secret sealed with the site's key.
		var stored string
		if err := db.Read.QueryRow(`SELECT totp_secret FROM users WHERE email = 'rose@example.org'`).Scan(&stored); err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(stored, "v1:") || strings.Contains(stored, secret) {
			t.Errorf("the second-factor secret is kept as %q", stored)
		}
		post(t, c, site.URL+"/admin/logout", nil)

		// The password alone is no longer enough.
		c = browserClient(t)
		resp, _ = post(t, c, site.URL+"/admin/login", url.Values{"email": {"rose@example.org"}, "password": {testPassword}})
		if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/admin/login/code") {
			t.Fatalf("password step: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		if resp, _ := get(t, c, site.URL+"/admin/"); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("dashboard before the code: %d", resp.StatusCode)
		}
		// The code used at set-up cannot be used again.
		if resp, _ := post(t, c, site.URL+"/admin/login/code", url.Values{"code": {code}}); resp.StatusCode != 400 {
			t.Fatalf("replayed code: %d", resp.StatusCode)
		}
		// A recovery code works, once.
		resp, _ = post(t, c, site.URL+"/admin/login/code", url.Values{"code": {codes[0][1]}})
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/admin/" {
			t.Fatalf("recovery code: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		if resp, _ := get(t, c, site.URL+"/admin/"); resp.StatusCode != 200 {
			t.Fatalf("dashboard after the code: %d", resp.StatusCode)
		}
		c2 := browserClient(t)
		post(t, c2, site.URL+"/admin/login", url.Values{"email": {"rose@example.org"}, "password": {testPassword}})
		if resp, _ := post(t, c2, site.URL+"/admin/login/code", url.Values{"code": {codes[0][1]}}); resp.StatusCode != 400 {
			t.Fatalf("recovery code used twice: %d", resp.StatusCode)
		}
		if _, acct := get(t, c, site.URL+"/admin/account"); !strings.Contains(acct, "9 recovery codes left") {
			t.Error("account page does not count the recovery codes")
		}

		// An admin resets it for someone who lost their phone.
		users, _ := site.Service.Users(context.Background())
		var roseID int64
		for _, u := range users {
			if u.Email == "rose@example.org" {
				roseID = u.ID
			}
		}
		admin := loginAs(t, site, "ada@example.org")
		if resp, _ := post(t, admin, site.URL+"/admin/users/"+itoa(roseID)+"/reset-2fa", nil); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("reset: %d", resp.StatusCode)
		}
		// The password alone logs in again, and the account must set up a
		// second factor before anything else.
		c = browserClient(t)
		if resp, _ := post(t, c, site.URL+"/admin/login", url.Values{"email": {"rose@example.org"}, "password": {testPassword}}); resp.Header.Get("Location") != "/admin/" {
			t.Fatalf("login after the reset: %s", resp.Header.Get("Location"))
		}
		if resp, _ := get(t, c, site.URL+"/admin/letters"); resp.Header.Get("Location") != "/admin/account/2fa" {
			t.Fatalf("letters before setting up again: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
	})
}

// Every staff account must set up two-factor login before it may do
// anything else; an admin may spare moderators, never advisors or admins,
// and no admin page turns it off.
func TestTwoFactorPolicy(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *database.DB) {
		site := apptest.Start(t, db)
		ctx := context.Background()
		addUser(t, site, "ada@example.org", model.RoleAdmin)
		admin := loginAs(t, site, "ada@example.org")
		for _, role := range []model.Role{model.RoleAdvisor, model.RoleModerator} {
			email := "new-" + string(role) + "@example.org"
			if _, err := site.Service.CreateUser(ctx, 0, service.NewUser{Email: email, Name: "New", Role: role, Password: testPassword}); err != nil {
				t.Fatal(err)
			}
		}
		passwordOnly := func(email string) *http.Client {
			c := browserClient(t)
			if resp, _ := post(t, c, site.URL+"/admin/login", url.Values{"email": {email}, "password": {testPassword}}); resp.Header.Get("Location") != "/admin/" {
				t.Fatalf("login of %s without a second factor: %s", email, resp.Header.Get("Location"))
			}
			return c
		}
		mustEnrol := func(c *http.Client, who string, want bool) {
			t.Helper()
			for _, path := range []string{"/admin/", "/admin/comments", "/admin/account"} {
				resp, _ := get(t, c, site.URL+path)
				if got := resp.Header.Get("Location") == "/admin/account/2fa"; got != want {
					t.Errorf("%s on %s: %d %q (sent to set up two-factor login: %v, want %v)", who, path, resp.StatusCode, resp.Header.Get("Location"), got, want)
				}
			}
			// Setting it up and logging out stay open.
			if resp, _ := get(t, c, site.URL+"/admin/account/2fa"); resp.StatusCode != http.StatusOK {
				t.Errorf("%s: the set-up page: %d", who, resp.StatusCode)
			}
		}
		adv, mod := passwordOnly("new-advisor@example.org"), passwordOnly("new-moderator@example.org")
		mustEnrol(adv, "advisor", true)
		mustEnrol(mod, "moderator", true)

		settings := func(policy string) (*http.Response, string) {
			f := url.Values{"site_name": {"Confide"}, "two_factor": {policy}}
			return post(t, admin, site.URL+"/admin/settings", f)
		}
		if resp, _ := settings("not_moderators"); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("sparing moderators: %d", resp.StatusCode)
		}
		mustEnrol(mod, "moderator (spared)", false)
		mustEnrol(adv, "advisor (moderators spared)", true)
		if resp, _ := settings("off"); resp.StatusCode != http.StatusBadRequest {
			t.Errorf("turning it off through the settings: %d", resp.StatusCode)
		}
		if resp, _ := settings("nobody"); resp.StatusCode != http.StatusBadRequest {
			t.Errorf("an unknown policy: %d", resp.StatusCode)
		}
		if site, _ := site.Service.SiteSettings(ctx); site.TwoFactor != model.TwoFactorNotModerators {
			t.Errorf("policy now %q", site.TwoFactor)
		}
	})
}
