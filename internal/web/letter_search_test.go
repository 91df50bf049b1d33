package web_test

import (
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

// Advisors search every letter by its words (stems and beginnings) or by
// the writer's address; moderators cannot; an erased letter is not found.
func TestSearchLetters(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *database.DB) {
		site := apptest.Start(t, db)
		setLayers(t, site, openLayers)
		addUser(t, site, "rose@example.org", model.RoleAdvisor)
		addUser(t, site, "mo@example.org", model.RoleModerator)
		tokens := map[string]string{}
		for _, l := range []struct{ title, body, email string }{
			{"Closing the bakery", "After twenty years we are closing the bakery my father started, and I feel I have failed him and everyone.", "baker@example.org"},
			{"Exams", "My exams start next week and I cannot sleep. Everyone expects me to do well and I am so tired of it all.", "student@example.org"},
			{"Again", "It is me again. The shop is empty now and I still go there every morning out of habit, as if it were open.", "baker@example.org"},
		} {
			resp, _ := post(t, browserClient(t), site.URL+"/share", url.Values{"title": {l.title}, "body": {l.body},
				"email": {l.email}, "consent": {"private"}})
			m := regexp.MustCompile(`^/letters/([A-Za-z0-9_-]+)\?new=1$`).FindStringSubmatch(resp.Header.Get("Location"))
			if m == nil {
				t.Fatalf("share %q: %d", l.title, resp.StatusCode)
			}
			tokens[l.title] = m[1]
		}
		rose := loginAs(t, site, "rose@example.org")
		search := func(q string) string {
			t.Helper()
			resp, body := get(t, rose, site.URL+"/admin/letters?q="+url.QueryEscape(q))
			if resp.StatusCode != 200 {
				t.Fatalf("search %q: %d", q, resp.StatusCode)
			}
			return body
		}
		for q, want := range map[string][]string{
			"bakery":            {"Closing the bakery"},
			"bak*":              {"Closing the bakery"},
			"failing father":    {"Closing the bakery"}, // stems: failed, father
			"tired -bakery":     {"Exams"},
			"baker@example.org": {"Closing the bakery", "Again"},
			"BAKER@Example.org": {"Closing the bakery", "Again"},
		} {
			body := search(q)
			for _, title := range []string{"Closing the bakery", "Exams", "Again"} {
				found := strings.Contains(body, ">"+title+"</a>")
				wanted := false
				for _, w := range want {
					wanted = wanted || w == title
				}
				if found != wanted {
					t.Errorf("search %q: %q found %v", q, title, found)
				}
			}
		}
		if body := search(`"` + strings.Repeat("(", 50) + `" OR NEAR`); !strings.Contains(body, "No letter matches") {
			t.Error("a query of syntax is not answered plainly")
		}
		mo := loginAs(t, site, "mo@example.org")
		if resp, _ := get(t, mo, site.URL+"/admin/letters?q=bakery"); resp.StatusCode != http.StatusForbidden {
			t.Errorf("a moderator searched letters: %d", resp.StatusCode)
		}
		post(t, browserClient(t), site.URL+"/letters/"+tokens["Closing the bakery"], url.Values{"action": {"withdraw"}, "confirm": {"1"}})
		if body := search("bakery"); strings.Contains(body, "twenty years") || strings.Contains(body, "Closing the bakery") {
			t.Error("a withdrawn letter is still found")
		}
	})
}
