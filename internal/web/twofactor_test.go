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
		loginAs(t, site, "rose@example.org") // password alone again
	})
}
