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

func TestPasswordResetByEmail(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *database.DB) {
		site := apptest.Start(t, db)
		addUser(t, site, "rose@example.org", model.RoleAdvisor)
		c := browserClient(t)

		_, known := post(t, c, site.URL+"/admin/password/forgot", url.Values{"email": {"Rose@example.org"}})
		_, unknown := post(t, c, site.URL+"/admin/password/forgot", url.Values{"email": {"nobody@example.org"}})
		flash := regexp.MustCompile(`<p class="flash" role="status">([^<]+)</p>`)
		if a, b := flash.FindStringSubmatch(known), flash.FindStringSubmatch(unknown); a == nil || b == nil || a[1] != b[1] {
			t.Fatalf("known and unknown addresses must get the same answer: %v %v", a, b)
		}
		msgs, _, err := site.Service.OutboxPage(context.Background(), 1)
		if err != nil || len(msgs) != 1 || msgs[0].To != "rose@example.org" {
			t.Fatalf("outbox after two requests: %+v %v", msgs, err)
		}
		link := regexp.MustCompile(`http://\S+/admin/password/reset\?token=[0-9a-f]{64}`).FindString(msgs[0].Text)
		if link == "" {
			t.Fatalf("no link in %q", msgs[0].Text)
		}
		path := link[strings.Index(link, "/admin/"):]

		if resp, body := get(t, c, site.URL+path); resp.StatusCode != 200 || !strings.Contains(body, "rose@example.org") {
			t.Fatalf("reset form: %d", resp.StatusCode)
		}
		token := strings.TrimPrefix(path, "/admin/password/reset?token=")
		if resp, body := post(t, c, site.URL+"/admin/password/reset", url.Values{"token": {token}, "password": {"short"}}); resp.StatusCode != 400 || !strings.Contains(body, "at least 10") {
			t.Fatalf("short new password: %d", resp.StatusCode)
		}
		// The new password logs in, but not past the second factor: a
		// reset link proves the mailbox, not the phone.
		resp, _ := post(t, c, site.URL+"/admin/password/reset", url.Values{"token": {token}, "password": {"a brand new passphrase"}})
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/admin/login/code?next=%2Fadmin%2F" {
			t.Fatalf("reset: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		if resp, _ := get(t, c, site.URL+"/admin/"); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("dashboard after a reset, before the code: %d", resp.StatusCode)
		}
		if resp, _ := post(t, c, site.URL+"/admin/login/code", url.Values{"code": {site.Code(t, "rose@example.org")}}); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("code after a reset: %d", resp.StatusCode)
		}
		// The link works once; the old password is gone; the new one works.
		if resp, _ := get(t, browserClient(t), site.URL+path); resp.StatusCode != http.StatusForbidden {
			t.Errorf("used link: %d", resp.StatusCode)
		}
		if resp, _ := post(t, browserClient(t), site.URL+"/admin/password/reset", url.Values{"token": {token}, "password": {"yet another passphrase"}}); resp.StatusCode != http.StatusForbidden {
			t.Errorf("second use of the link: %d", resp.StatusCode)
		}
		if resp, _ := post(t, browserClient(t), site.URL+"/admin/login", url.Values{"email": {"rose@example.org"}, "password": {testPassword}}); resp.StatusCode == http.StatusSeeOther {
			t.Error("old password still works")
		}
		if resp, _ := post(t, browserClient(t), site.URL+"/admin/login", url.Values{"email": {"rose@example.org"}, "password": {"a brand new passphrase"}}); resp.StatusCode != http.StatusSeeOther {
			t.Errorf("new password: %d", resp.StatusCode)
		}
		if resp, _ := get(t, c, site.URL+"/admin/password/reset?token=0000"); resp.StatusCode != http.StatusForbidden {
			t.Errorf("made-up token: %d", resp.StatusCode)
		}
	})
}
