package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/confide/confide/internal/app/apptest"
	"github.com/confide/confide/internal/database"
	"github.com/confide/confide/internal/database/dbtest"
	"github.com/confide/confide/internal/model"
	"github.com/confide/confide/internal/store"
)

// loggedIn reports whether c's session still opens the admin area.
func loggedIn(t *testing.T, site *apptest.Site, c *http.Client) bool {
	t.Helper()
	resp, _ := get(t, c, site.URL+"/admin/")
	return resp.StatusCode == http.StatusOK
}

// Sessions are kept under a hash of their token and with their account:
// each user sees theirs and ends the others; a password change, an e-mail
// change (both needing the current password), a reset by e-mail, a role
// change and disabling the account end the account's other sessions.
func TestSessionsEndWhenCredentialsChange(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *database.DB) {
		site := apptest.Start(t, db)
		ctx := context.Background()
		addUser(t, site, "ada@example.org", model.RoleAdmin)
		addUser(t, site, "rose@example.org", model.RoleAdvisor)
		admin := loginAs(t, site, "ada@example.org")
		c1, c2 := loginAs(t, site, "rose@example.org"), loginAs(t, site, "rose@example.org")

		// No session is kept under its token.
		token := sessionCookie(t, c1, site.URL)
		var n int
		db.Read.QueryRow(`SELECT count(*) FROM sessions WHERE token = $1`, token).Scan(&n)
		var hashed int
		db.Read.QueryRow(`SELECT count(*) FROM sessions WHERE token = $1 AND user_id IS NOT NULL`, store.TokenHash(token)).Scan(&hashed)
		if n != 0 || hashed != 1 {
			t.Fatalf("sessions under the plain token: %d, under its hash with the account: %d", n, hashed)
		}

		_, page := get(t, c1, site.URL+"/admin/account")
		if got := strings.Count(page, "<tr><td>"); got != 2 || strings.Count(page, "(this one)") != 1 {
			t.Fatalf("account page lists %d sessions", got)
		}
		// Ending the others leaves this one.
		if resp, _ := post(t, c1, site.URL+"/admin/account/sessions/end", nil); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("end others: %d", resp.StatusCode)
		}
		if !loggedIn(t, site, c1) || loggedIn(t, site, c2) {
			t.Fatal("ending the other sessions: wrong sessions ended")
		}

		// A password change needs the current password.
		c2 = loginAs(t, site, "rose@example.org")
		resp, page := post(t, c1, site.URL+"/admin/account/password", url.Values{"current": {"not it at all"}, "password": {"a new long passphrase"}})
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(page, "not your current password") || !loggedIn(t, site, c2) {
			t.Fatalf("password change with a wrong password: %d", resp.StatusCode)
		}
		resp, _ = post(t, c1, site.URL+"/admin/account/password", url.Values{"current": {testPassword}, "password": {"a new long passphrase"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("password change: %d", resp.StatusCode)
		}
		if !loggedIn(t, site, c1) || loggedIn(t, site, c2) {
			t.Fatal("after a password change the other session must end, this one go on")
		}
		if resp, _ := post(t, browserClient(t), site.URL+"/admin/login", url.Values{"email": {"rose@example.org"}, "password": {testPassword}}); resp.StatusCode == http.StatusSeeOther {
			t.Fatal("the old password still works")
		}

		// An e-mail change too.
		login := func(email, pw string) *http.Client {
			c := browserClient(t)
			if resp, _ := post(t, c, site.URL+"/admin/login", url.Values{"email": {email}, "password": {pw}}); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("login as %s: %d", email, resp.StatusCode)
			}
			return c
		}
		c2 = login("rose@example.org", "a new long passphrase")
		if resp, _ := post(t, c1, site.URL+"/admin/account/email", url.Values{"current": {"wrong"}, "email": {"rose@new.example.org"}}); resp.StatusCode != http.StatusBadRequest {
			t.Fatalf("e-mail change with a wrong password: %d", resp.StatusCode)
		}
		if resp, _ := post(t, c1, site.URL+"/admin/account/email", url.Values{"current": {"a new long passphrase"}, "email": {"ada@example.org"}}); resp.StatusCode != http.StatusConflict {
			t.Fatalf("e-mail change to another account's address: %d", resp.StatusCode)
		}
		if resp, _ := post(t, c1, site.URL+"/admin/account/email", url.Values{"current": {"a new long passphrase"}, "email": {"rose@new.example.org"}}); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("e-mail change: %d", resp.StatusCode)
		}
		if !loggedIn(t, site, c1) || loggedIn(t, site, c2) {
			t.Fatal("after an e-mail change the other session must end")
		}
		c2 = login("rose@new.example.org", "a new long passphrase")

		// A reset by e-mail ends every session.
		post(t, browserClient(t), site.URL+"/admin/password/forgot", url.Values{"email": {"rose@new.example.org"}})
		msgs, _, _ := site.Service.OutboxPage(ctx, 1)
		m := regexp.MustCompile(`token=([0-9a-f]{64})`).FindStringSubmatch(msgs[0].Text)
		if m == nil {
			t.Fatal("no reset link")
		}
		if resp, _ := post(t, browserClient(t), site.URL+"/admin/password/reset", url.Values{"token": {m[1]}, "password": {"reset to this one"}}); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("reset: %d", resp.StatusCode)
		}
		if loggedIn(t, site, c1) || loggedIn(t, site, c2) {
			t.Fatal("sessions opened before a reset still work")
		}

		// A role change and disabling end them too.
		var roseID string
		db.Read.QueryRow(`SELECT id FROM users WHERE email = 'rose@new.example.org'`).Scan(&roseID)
		c1 = login("rose@new.example.org", "reset to this one")
		post(t, admin, site.URL+"/admin/users/"+roseID+"/role", url.Values{"role": {"moderator"}})
		if loggedIn(t, site, c1) {
			t.Fatal("a role change left the session")
		}
		c1 = login("rose@new.example.org", "reset to this one")
		post(t, admin, site.URL+"/admin/users/"+roseID+"/disable", nil)
		var left int
		db.Read.QueryRow(`SELECT count(*) FROM sessions WHERE user_id = $1`, roseID).Scan(&left)
		if loggedIn(t, site, c1) || left != 0 {
			t.Fatalf("disabling left %d sessions", left)
		}
		if !loggedIn(t, site, admin) {
			t.Fatal("the admin's own session ended")
		}
	})
}
