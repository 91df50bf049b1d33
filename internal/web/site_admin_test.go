package web_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/confide/confide/internal/app/apptest"
	"github.com/confide/confide/internal/database"
	"github.com/confide/confide/internal/database/dbtest"
	"github.com/confide/confide/internal/model"
)

func TestSectionsSettingsAndPages(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *database.DB) {
		site := apptest.Start(t, db)
		addUser(t, site, "ada@example.org", model.RoleAdmin)
		c := loginAs(t, site, "ada@example.org")

		// A new section goes last; moved up, readers see it before Work and money.
		resp, body := post(t, c, site.URL+"/admin/sections", url.Values{"name": {""}})
		if resp.StatusCode != 400 || !strings.Contains(body, "A name is required.") {
			t.Fatalf("nameless section: %d", resp.StatusCode)
		}
		if resp, _ := post(t, c, site.URL+"/admin/sections", url.Values{"name": {"Grief and loss"}, "description": {"When someone is gone."}}); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("add section: %d", resp.StatusCode)
		}
		if resp, _ := post(t, c, site.URL+"/admin/sections", url.Values{"name": {"Family"}}); resp.StatusCode != http.StatusConflict {
			t.Errorf("duplicate section address: %d", resp.StatusCode)
		}
		secs, _ := site.Service.Sections(t.Context())
		last := secs[len(secs)-1]
		if last.Slug != "grief-and-loss" {
			t.Fatalf("new section is not last: %+v", last)
		}
		post(t, c, site.URL+"/admin/sections/"+itoa(last.ID)+"/move", url.Values{"delta": {"-1"}})
		_, home := get(t, c, site.URL+"/")
		sidebar := home[strings.Index(home, "<h2>Sections</h2>"):]
		if g, w := strings.Index(sidebar, ">Grief and loss<"), strings.Index(sidebar, ">Work and money<"); g < 0 || w < 0 || g > w {
			t.Errorf("moved section not before Work and money on the home page (%d, %d)", g, w)
		}
		if resp, _ := post(t, c, site.URL+"/admin/sections/"+itoa(last.ID)+"/move", url.Values{"delta": {"5"}}); resp.StatusCode != 400 {
			t.Errorf("move by 5: %d", resp.StatusCode)
		}
		post(t, c, site.URL+"/admin/sections/"+itoa(last.ID), url.Values{"name": {"Grief"}, "description": {"Loss and mourning."}})
		if _, page := get(t, c, site.URL+"/sections/grief-and-loss"); !strings.Contains(page, "<h1>Grief</h1>") || !strings.Contains(page, "Loss and mourning.") {
			t.Error("renamed section not shown under its old address")
		}

		// Settings: checked, then on every public page at once.
		resp, body = post(t, c, site.URL+"/admin/settings", url.Values{"site_name": {"Kind Words"}, "contact_email": {"not an address"}})
		if resp.StatusCode != 400 || !strings.Contains(body, "Enter an e-mail address") || !strings.Contains(body, `value="Kind Words"`) {
			t.Fatalf("bad settings: %d", resp.StatusCode)
		}
		resp, _ = post(t, c, site.URL+"/admin/settings", url.Values{"site_name": {"Kind Words"}, "tagline": {""},
			"mission": {"We listen."}, "advisor_name": {"Rose"}, "contact_email": {"hello@example.org"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("settings: %d", resp.StatusCode)
		}
		_, home = get(t, c, site.URL+"/")
		if !strings.Contains(home, "<title>Kind Words</title>") || !strings.Contains(home, "We listen.") ||
			strings.Contains(home, `class="tagline"`) || !strings.Contains(home, "hello at example dot org") ||
			strings.Contains(home, "hello@example.org") {
			t.Error("new settings not on the home page")
		}

		// Pages: preview saves nothing; save shows at once.
		post(t, c, site.URL+"/admin/pages/about", url.Values{"title": {"Who we are"}, "body": {"We are **two** people."}, "action": {"preview"}})
		if _, about := get(t, c, site.URL+"/about"); strings.Contains(about, "Who we are") {
			t.Error("preview saved the page")
		}
		post(t, c, site.URL+"/admin/pages/about", url.Values{"title": {"Who we are"}, "body": {"We are **two** people."}, "action": {"save"}})
		if _, about := get(t, c, site.URL+"/about"); !strings.Contains(about, "<h1>Who we are</h1>") || !strings.Contains(about, "<strong>two</strong>") {
			t.Error("saved page not on the site")
		}
		if resp, _ := get(t, c, site.URL+"/admin/pages/secret"); resp.StatusCode != 404 {
			t.Errorf("unknown page: %d", resp.StatusCode)
		}
	})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
