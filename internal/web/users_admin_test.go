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
)

func TestInviteRoleAndDisable(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *database.DB) {
		site := apptest.Start(t, db)
		addUser(t, site, "ada@example.org", model.RoleAdmin)
		admin := loginAs(t, site, "ada@example.org")
		ctx := context.Background()

		resp, body := post(t, admin, site.URL+"/admin/users", url.Values{"name": {"Sam"}, "email": {"not-an-address"}, "role": {"moderator"}})
		if resp.StatusCode != 400 || !strings.Contains(body, `value="Sam"`) {
			t.Fatalf("bad invitation: %d", resp.StatusCode)
		}
		resp, _ = post(t, admin, site.URL+"/admin/users", url.Values{"name": {"Sam"}, "email": {"sam@example.org"}, "role": {"moderator"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("invite: %d", resp.StatusCode)
		}
		msgs, _, _ := site.Service.OutboxPage(ctx, 1)
		if len(msgs) != 1 || msgs[0].To != "sam@example.org" {
			t.Fatalf("invitation mail: %+v", msgs)
		}
		token := regexp.MustCompile(`token=([0-9a-f]{64})`).FindStringSubmatch(msgs[0].Text)
		if token == nil {
			t.Fatalf("no link in the invitation: %q", msgs[0].Text)
		}
		sam := browserClient(t)
		resp, _ = post(t, sam, site.URL+"/admin/password/reset", url.Values{"token": {token[1]}, "password": {"sam chooses this one"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("accepting the invitation: %d", resp.StatusCode)
		}
		// A new account sets up two-factor login first.
		if resp, _ := get(t, sam, site.URL+"/admin/"); resp.Header.Get("Location") != "/admin/account/2fa" {
			t.Fatalf("invited moderator's dashboard before two-factor login: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		enrolThroughForm(t, site, sam, "sam@example.org", "sam chooses this one")
		if resp, _ := get(t, sam, site.URL+"/admin/"); resp.StatusCode != 200 {
			t.Fatalf("invited moderator's dashboard: %d", resp.StatusCode)
		}
		if resp, _ := get(t, sam, site.URL+"/admin/stories"); resp.StatusCode != http.StatusForbidden {
			t.Fatalf("moderator on stories: %d", resp.StatusCode)
		}

		users, _ := site.Service.Users(ctx)
		var samID, adaID int64
		for _, u := range users {
			switch u.Email {
			case "sam@example.org":
				samID = u.ID
			case "ada@example.org":
				adaID = u.ID
			}
		}
		// A new role ends the account's sessions (opened under the old
		// one); it applies from the next login.
		post(t, admin, site.URL+"/admin/users/"+itoa(samID)+"/role", url.Values{"role": {"advisor"}})
		if resp, _ := get(t, sam, site.URL+"/admin/stories"); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("promoted to advisor, the old session: %d", resp.StatusCode)
		}
		sam = loginWith(t, site, "sam@example.org", "sam chooses this one")
		if resp, _ := get(t, sam, site.URL+"/admin/stories"); resp.StatusCode != 200 {
			t.Fatalf("promoted to advisor, stories: %d", resp.StatusCode)
		}
		// Disabling ends the session at once and stops logins.
		post(t, admin, site.URL+"/admin/users/"+itoa(samID)+"/disable", nil)
		if resp, _ := get(t, sam, site.URL+"/admin/"); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("disabled account still in: %d", resp.StatusCode)
		}
		if resp, _ := post(t, browserClient(t), site.URL+"/admin/login", url.Values{"email": {"sam@example.org"}, "password": {"sam chooses this one"}}); resp.StatusCode == http.StatusSeeOther {
			t.Fatal("disabled account can log in")
		}
		post(t, admin, site.URL+"/admin/users/"+itoa(samID)+"/enable", nil)
		loginSam := browserClient(t)
		if resp, _ := post(t, loginSam, site.URL+"/admin/login", url.Values{"email": {"sam@example.org"}, "password": {"sam chooses this one"}}); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("re-enabled account: %d", resp.StatusCode)
		}
		// No one locks the site out of its admin area.
		if resp, _ := post(t, admin, site.URL+"/admin/users/"+itoa(adaID)+"/disable", nil); resp.StatusCode != http.StatusForbidden {
			t.Errorf("disabling oneself: %d", resp.StatusCode)
		}
		if resp, _ := post(t, admin, site.URL+"/admin/users/"+itoa(adaID)+"/role", url.Values{"role": {"moderator"}}); resp.StatusCode != http.StatusForbidden {
			t.Errorf("changing one's own role: %d", resp.StatusCode)
		}
		if err := site.Service.ChangeRole(ctx, samID, adaID, model.RoleModerator); model.ErrorCode(err) != model.ECONFLICT {
			t.Errorf("demoting the last admin: %v", err)
		}
		_, page := get(t, admin, site.URL+"/admin/users")
		if !strings.Contains(page, "sam@example.org") || !strings.Contains(page, "admin (you)") {
			t.Error("users page lacks the accounts")
		}
	})
}
