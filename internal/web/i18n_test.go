package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/confide/confide/internal/app/apptest"
	"github.com/confide/confide/internal/database"
	"github.com/confide/confide/internal/database/dbtest"
	"github.com/confide/confide/internal/i18n"
	"github.com/confide/confide/internal/model"
)

// TestMain fails the run when any page, form or mail of the tests asked for
// a message that no file holds (it would show its id to a visitor).
func TestMain(m *testing.M) {
	code := m.Run()
	if missing := i18n.Missing(); len(missing) > 0 {
		fmt.Fprintf(os.Stderr, "messages asked for that no file holds: %s\n", strings.Join(missing, ", "))
		code = 1
	}
	os.Exit(code)
}

var germanDate = regexp.MustCompile(`\d{1,2}\. (Januar|Februar|März|April|Mai|Juni|Juli|August|September|Oktober|November|Dezember) \d{4}`)

// An admin switches the site to German: every page, message, date and
// mail is then German, the texts still as the defaults wrote them become
// the German defaults, and switching back brings English back.
func TestGermanSite(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *database.DB) {
		site := apptest.Start(t, db)
		addUser(t, site, "admin@example.org", model.RoleAdmin)
		c := loginAs(t, site, "admin@example.org")
		en := i18n.Get("en")
		settings := func(lang string) url.Values {
			return url.Values{"site_name": {"Confide demo"}, "language": {lang},
				"tagline": {en.Text("settings.default.tagline")}, "mission": {en.Text("settings.default.mission")},
				"advisor_name": {"Rose"}, "footer": {en.Text("settings.default.footer")}}
		}
		if resp, body := post(t, c, site.URL+"/admin/settings", settings("xx")); resp.StatusCode != 400 ||
			!strings.Contains(body, "Choose one of the languages offered.") {
			t.Fatalf("unknown language: %d", resp.StatusCode)
		}
		if _, home := get(t, c, site.URL+"/"); !strings.Contains(home, `<html lang="en">`) {
			t.Fatal("a refused language changed the site")
		}
		resp, _ := post(t, c, site.URL+"/admin/settings", settings("de"))
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("settings: %d", resp.StatusCode)
		}
		_, page := get(t, c, site.URL+"/admin/settings")
		for _, want := range []string{`<html lang="de">`, "Die Einstellungen wurden gespeichert.", "Übersicht", "Briefe",
			`<option value="de" lang="de" selected>Deutsch</option>`, "Sprache der Website", `value="Du bist nicht allein"`} {
			if !strings.Contains(page, want) {
				t.Errorf("settings page lacks %q", want)
			}
		}
		lena := "/stories/" + slugOf(lenaTitle)
		for _, sc := range []scenario{
			{name: "home", url: "/", wantStatus: 200, wantBody: []string{`<html lang="de">`, "Neueste Geschichten", "Erzähl deine Geschichte",
				"Du bist nicht allein", "Seite schnell verlassen", "Neueste Kommentare", "3 Kommentare", "Seite 1 von 2", "Rubriken",
				`data-msg="{`, "Du musst nicht auf uns warten"},
				notBody: []string{"Latest stories", "Share your story", "You are not alone"}},
			{name: "story", url: lena, wantStatus: 200, wantBody: []string{"Die Antwort von Rose", "Erzählt von Lena",
				"Diese Geschichte per E-Mail weitergeben", "Dein Kommentar", "Kommentar senden", "Zeig uns, dass du ein Mensch bist", "Startseite"},
				notBody: []string{"Post comment", "’s reply"}},
			{name: "help", url: "/help", wantStatus: 200, wantBody: []string{"Sofort Hilfe finden", "Krisentelefone nach Land", "kein Krisendienst"}},
			{name: "share", url: "/share", wantStatus: 200, wantBody: []string{"Meinen Brief senden", "Dürfen wir ihn veröffentlichen?",
				"Bitte antwortet mir nur privat."}},
			{name: "search", url: "/search?q=-work", wantStatus: 200, wantBody: []string{"Ein Minuszeichen schließt Wörter nur aus."}},
			{name: "search found", url: "/search?q=divorce", wantStatus: 200, wantBody: []string{"gefunden für „divorce“"}},
			{name: "about", url: "/about", wantStatus: 200, wantBody: []string{"Über diese Website"}},
			{name: "not found", url: "/no/such/page", wantStatus: 404, wantBody: []string{"Diese Seite konnten wir nicht finden", "Zur Startseite"}},
			{name: "no such page number", url: "/?page=9", wantStatus: 404, wantBody: []string{"Eine Seite 9 gibt es hier nicht."}},
			{name: "feed", url: "/feed.atom", wantStatus: 200, wantBody: []string{"Confide demo: neueste Geschichten"}},
		} {
			t.Run(sc.name, func(t *testing.T) { sc.run(t, site.URL) })
		}
		_, story := get(t, c, site.URL+lena)
		if !germanDate.MatchString(story) || strings.Contains(story, " ago<") {
			t.Error("the story's dates are not German")
		}
		// A form's mistakes come back in German.
		_, body := post(t, c, site.URL+"/admin/sections", url.Values{"name": {""}})
		if !strings.Contains(body, "Bitte korrigiere die Rubrik.") || !strings.Contains(body, "Ein Name ist nötig.") {
			t.Error("a section without a name is not answered in German")
		}
		// Mail is written in German.
		if resp, _ := post(t, browserClient(t), site.URL+"/admin/password/forgot", url.Values{"email": {"admin@example.org"}}); resp.StatusCode != 200 {
			t.Fatalf("forgot: %d", resp.StatusCode)
		}
		msgs, _, err := site.Service.OutboxPage(context.Background(), 1)
		if err != nil || len(msgs) == 0 {
			t.Fatalf("outbox: %v", err)
		}
		if m := msgs[0]; m.Subject != "Passwort für Confide demo zurücksetzen" || !strings.HasPrefix(m.Text, "Hallo admin user,") {
			t.Errorf("the reset mail is not German: %q\n%s", m.Subject, m.Text)
		}
		// Back to English: the defaults follow.
		if resp, _ := post(t, c, site.URL+"/admin/settings", url.Values{"site_name": {"Confide demo"}, "language": {"en"},
			"tagline": {"Du bist nicht allein"}, "advisor_name": {"Rose"}}); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("settings: %d", resp.StatusCode)
		}
		if _, home := get(t, c, site.URL+"/"); !strings.Contains(home, `<html lang="en">`) || !strings.Contains(home, "Latest stories") ||
			!strings.Contains(home, "You are not alone") {
			t.Error("the site is not English again")
		}
	})
}
