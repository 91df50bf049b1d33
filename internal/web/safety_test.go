package web_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/confide/confide/internal/app/apptest"
	"github.com/confide/confide/internal/database"
	"github.com/confide/confide/internal/database/dbtest"
	"github.com/confide/confide/internal/i18n"
	"github.com/confide/confide/internal/model"
	"github.com/confide/confide/internal/service"
)

// /help shows the reader's country's lines first: from the browser's
// languages, or as chosen (and then remembered).
func TestHelpForTheReadersCountry(t *testing.T) {
	site := apptest.Start(t, dbtest.SQLite(t))
	help := func(c *http.Client, query, lang string) string {
		t.Helper()
		req, _ := http.NewRequest("GET", site.URL+"/help"+query, nil)
		if lang != "" {
			req.Header.Set("Accept-Language", lang)
		}
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var b strings.Builder
		buf := make([]byte, 32<<10)
		for {
			n, err := resp.Body.Read(buf)
			b.Write(buf[:n])
			if err != nil {
				break
			}
		}
		if resp.StatusCode != 200 || resp.Header.Get("Cache-Control") != "private, no-cache" {
			t.Fatalf("/help: %d %q", resp.StatusCode, resp.Header.Get("Cache-Control"))
		}
		body := b.String()
		top, _, _ := strings.Cut(body, `id="helplines-list"`)
		return top
	}
	c := browserClient(t)
	if top := help(c, "", "en-GB,en;q=0.9"); !strings.Contains(top, "Samaritans") || !strings.Contains(top, `href="tel:116123"`) ||
		!strings.Contains(top, "call 999, the emergency number in United Kingdom") || !strings.Contains(top, "not a crisis service") {
		t.Errorf("en-GB:\n%s", top)
	}
	if top := help(c, "", "de"); !strings.Contains(top, "TelefonSeelsorge") || !strings.Contains(top, "call 112") {
		t.Errorf("de:\n%s", top)
	}
	if top := help(c, "", "en"); !strings.Contains(top, "your local emergency number") || strings.Contains(top, "Samaritans") {
		t.Errorf("en (no country):\n%s", top)
	}
	// A choice is remembered over the browser's languages.
	if top := help(c, "?country=AU", "en-GB"); !strings.Contains(top, "Lifeline") || !strings.Contains(top, "call 000") {
		t.Errorf("chosen AU:\n%s", top)
	}
	if top := help(c, "", "en-GB"); !strings.Contains(top, "Lifeline") || strings.Contains(top, "Samaritans") {
		t.Errorf("remembered AU:\n%s", top)
	}
	if top := help(c, "?country=ZZ", "en-GB"); !strings.Contains(top, "Lifeline") {
		t.Error("an unknown country replaced the choice")
	}
}

// A letter with risk language: its writer is shown helplines at once, it
// leads every advisor's inbox marked with its tier and why, advisors are
// alerted discreetly, and an advisor's change of tier is audited. A
// follow-up can raise a letter's tier.
func TestRiskyLettersLeadTheInbox(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *database.DB) {
		site := apptest.Start(t, db)
		setLayers(t, site, openLayers)
		addUser(t, site, "rose@example.org", model.RoleAdvisor)
		addUser(t, site, "sam@example.org", model.RoleAdvisor)
		share := func(title, body string) (string, string) {
			t.Helper()
			c := browserClient(t)
			resp, _ := post(t, c, site.URL+"/share", url.Values{"title": {title}, "body": {body}, "consent": {"private"}})
			m := regexp.MustCompile(`^/letters/([A-Za-z0-9_-]+)\?new=1$`).FindStringSubmatch(resp.Header.Get("Location"))
			if m == nil {
				t.Fatalf("share %q: %d", title, resp.StatusCode)
			}
			req, _ := http.NewRequest("GET", site.URL+resp.Header.Get("Location"), nil)
			req.Header.Set("Accept-Language", "en-GB")
			r2, err := c.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer r2.Body.Close()
			b, _ := io.ReadAll(r2.Body)
			return m[1], string(b)
		}
		_, calm := share("Quiet evenings", "Since the children moved out the evenings are very quiet and I do not know what to do with myself.")
		if strings.Contains(calm, "crisis-note") {
			t.Error("a calm letter got the crisis note")
		}
		_, risky := share("Tonight", "I have saved up my sleeping pills and I am going to take them all tonight. I just wanted someone to know.")
		if !strings.Contains(risky, `class="crisis-note"`) || !strings.Contains(risky, "Samaritans") || !strings.Contains(risky, "call 999") {
			t.Fatalf("the risky letter's writer was not signposted:\n%s", risky)
		}
		var tier, priority int
		db.Read.QueryRow(`SELECT risk_tier, priority FROM letters WHERE title = 'Tonight'`).Scan(&tier, &priority)
		if tier != 3 || priority != 3 {
			t.Errorf("tier %d priority %d", tier, priority)
		}
		for _, who := range []string{"rose@example.org", "sam@example.org"} {
			var alert *model.OutboxMessage
			for _, m := range mailsTo(t, site, who) {
				if strings.Contains(m.Subject, "An urgent letter") {
					alert = &m
				}
			}
			if alert == nil || strings.Contains(alert.Text, "sleeping pills") || strings.Contains(alert.Subject, "Tonight") {
				t.Errorf("%s: alert %+v", who, alert)
			}
		}
		rose := loginAs(t, site, "rose@example.org")
		_, inbox := get(t, rose, site.URL+"/admin/letters")
		high := strings.Index(inbox, ">Tonight</a>")
		quiet := strings.Index(inbox, ">Quiet evenings</a>")
		if high < 0 || quiet < 0 || high > quiet || !strings.Contains(inbox, "high risk") || !strings.Contains(inbox, "take them all tonight") {
			t.Fatalf("inbox order or marks (%d, %d):\n%s", high, quiet, inbox)
		}
		// The advisor judges it lower: saved and audited.
		var id string
		db.Read.QueryRow(`SELECT id FROM letters WHERE title = 'Tonight'`).Scan(&id)
		post(t, rose, site.URL+"/admin/letters/"+id, url.Values{"action": {"case"}, "status": {"assigned"}, "priority": {"3"},
			"assignee": {"0"}, "risk": {"medium"}})
		db.Read.QueryRow(`SELECT risk_tier FROM letters WHERE id = $1`, id).Scan(&tier)
		if tier != 2 {
			t.Errorf("tier after the advisor's change: %d", tier)
		}
		log, _, _ := site.Service.AuditLog(context.Background(), 1)
		if len(log) == 0 || log[0].Action != "letter.risk" || !strings.Contains(log[0].Detail, "high → medium") {
			t.Errorf("audit: %+v", log)
		}
		// A follow-up with risk language raises a calm letter and alerts.
		calmToken, _ := share("Work", "My manager criticises everything I do in front of the whole team and I dread Mondays.")
		before := len(mailsTo(t, site, "sam@example.org"))
		post(t, browserClient(t), site.URL+"/letters/"+calmToken, url.Values{"action": {"followup"}, "body": {"It is worse now. I want to kill myself."}})
		db.Read.QueryRow(`SELECT risk_tier FROM letters WHERE title = 'Work'`).Scan(&tier)
		after := mailsTo(t, site, "sam@example.org")
		if tier != 2 || len(after) < before+1 || !strings.Contains(after[0].Subject+after[1].Subject, "An urgent letter") {
			t.Errorf("follow-up: tier %d, mails %d → %d", tier, before, len(after))
		}
	})
}

// A comment with risk language is held for a moderator, whatever the
// policy, and its writer sees helplines on their private page.
func TestRiskyCommentsAreHeld(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *database.DB) {
		site := apptest.Start(t, db)
		setLayers(t, site, openLayers) // publish unless a layer objects
		slug := slugOf(lenaTitle)
		mine := postComment(t, site, slug, "Kit", "kit@example.org", "This is me too. I want to die most days.")
		var status, reason string
		db.Read.QueryRow(`SELECT status, held_reason FROM comments WHERE id = $1`, commentID(t, mine)).Scan(&status, &reason)
		if status != model.CommentPending || !strings.Contains(reason, "may be at risk") {
			t.Fatalf("risky comment: %s %q", status, reason)
		}
		_, page := get(t, browserClient(t), site.URL+mine)
		if !strings.Contains(page, `class="crisis-note"`) || !strings.Contains(page, "waiting for moderation") {
			t.Errorf("the writer's page:\n%s", page)
		}
		calm := postComment(t, site, slug, "Lu", "lu@example.org", "Thank you for sharing this, it helped me.")
		db.Read.QueryRow(`SELECT status FROM comments WHERE id = $1`, commentID(t, calm)).Scan(&status)
		if status != model.CommentApproved {
			t.Errorf("a calm comment was held: %s", status)
		}
	})
}

// A search for crisis words shows helplines above the results, which still
// follow; an everyday search does not.
func TestCrisisSearchShowsHelp(t *testing.T) {
	site := apptest.Start(t, dbtest.SQLite(t))
	c := browserClient(t)
	for q, want := range map[string]bool{"suicide": true, "want to die": true, "self-harm": true, "overdose": true,
		"lonely after divorce": false, "husband": false} {
		_, body := get(t, c, site.URL+"/search?q="+url.QueryEscape(q))
		if got := strings.Contains(body, `class="crisis-note"`); got != want {
			t.Errorf("%q: help box %v", q, got)
		}
		if want && !strings.Contains(body, `<p class="count">`) {
			t.Errorf("%q: results no longer follow", q)
		}
	}
}

// The reply editor flags wording that safe-messaging guidance advises
// against, and every advisor has the built-in crisis reply template.
func TestReplyEditorSafetyAids(t *testing.T) {
	site := apptest.Start(t, dbtest.SQLite(t))
	setLayers(t, site, openLayers)
	addUser(t, site, "rose@example.org", model.RoleAdvisor)
	resp, _ := post(t, browserClient(t), site.URL+"/share", url.Values{"title": {"Brother"}, "consent": {"private"},
		"body": {"My brother died last year and I keep thinking it was my fault that I did not see it coming."}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatal(resp.StatusCode)
	}
	var id string
	site.App.DB.Read.QueryRow(`SELECT id FROM letters WHERE title = 'Brother'`).Scan(&id)
	rose := loginAs(t, site, "rose@example.org")
	_, page := post(t, rose, site.URL+"/admin/letters/"+id, url.Values{"action": {"preview"}, "reply": {"When someone commits suicide, those left behind ask why."}})
	if !strings.Contains(page, "Wording to reconsider") || !strings.Contains(page, "“commits suicide”: write “died by suicide") {
		t.Errorf("no style note:\n%s", page)
	}
	_, page = get(t, rose, site.URL+"/admin/letters/"+id)
	if strings.Contains(page, "Wording to reconsider") {
		t.Error("a note without such wording")
	}
	_, page = post(t, rose, site.URL+"/admin/letters/"+id, url.Values{"action": {"template"}, "template": {"-1"}, "reply": {""}})
	if !strings.Contains(page, "Please contact a crisis line now") || !strings.Contains(page, site.URL+"/help") {
		t.Errorf("the crisis template was not inserted:\n%s", page)
	}
}

// Without an SMTP server the dashboard says plainly that alerts and
// replies are not delivered.
func TestDashboardSaysWhenNoMailGoesOut(t *testing.T) {
	site := apptest.Start(t, dbtest.SQLite(t))
	addUser(t, site, "rose@example.org", model.RoleAdvisor)
	rose := loginAs(t, site, "rose@example.org")
	if _, page := get(t, rose, site.URL+"/admin/"); !strings.Contains(page, "No mail is being delivered") {
		t.Error("no warning without SMTP")
	}
	site.Service.SetMailOut(true)
	if _, page := get(t, rose, site.URL+"/admin/"); strings.Contains(page, "No mail is being delivered") {
		t.Error("a warning with SMTP set")
	}
}

// A story that touches suicide or self-harm opens with a content note;
// lists, search results and feeds show its title alone; advisors can turn
// the note off; stories written before notes existed are checked by the
// background job.
func TestContentNotes(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *database.DB) {
		site := apptest.Start(t, db)
		ctx := context.Background()
		secs, _ := site.Service.Sections(ctx)
		letter := "Last spring my brother took his own life. I keep replaying our last phone call and the pills he had."
		st, err := site.Service.CreateStory(ctx, 0, service.StoryInput{Title: "After my brother died", SectionID: secs[0].ID,
			Letter: letter, Reply: "Dear friend,\n\nGrief after a suicide is its own kind of grief."}, true)
		if err != nil {
			t.Fatal(err)
		}
		c := browserClient(t)
		_, page := get(t, c, site.URL+"/stories/"+st.Slug)
		if !strings.Contains(page, `class="content-note"`) || !strings.Contains(page, `href="/help"`) {
			t.Error("no content note on the story")
		}
		for _, u := range []string{"/", "/sections/" + secs[0].Slug, "/search?q=brother+phone+call", "/feed.atom", "/search.atom?q=brother+phone+call"} {
			_, body := get(t, c, site.URL+u)
			if !strings.Contains(body, "After my brother died") {
				t.Errorf("%s does not list the story", u)
			}
			if strings.Contains(body, "replaying our last phone call") || strings.Contains(body, "pills he had") {
				t.Errorf("%s shows the text of a story with a content note", u)
			}
		}
		// The advisors' choice wins.
		addUser(t, site, "rose@example.org", model.RoleAdvisor)
		rose := loginAs(t, site, "rose@example.org")
		form := url.Values{"title": {st.Title}, "section": {strconv.FormatInt(secs[0].ID, 10)}, "letter": {letter},
			"reply": {st.Reply}, "content_note": {"off"}, "action": {"save"}}
		if resp, _ := post(t, rose, site.URL+"/admin/stories/"+strconv.FormatInt(st.ID, 10), form); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("save: %d", resp.StatusCode)
		}
		if _, page := get(t, c, site.URL+"/stories/"+st.Slug); strings.Contains(page, `class="content-note"`) {
			t.Error("the note stayed after the advisor turned it off")
		}
		// An older story, never checked: the job gives it its note.
		if _, err := db.Write.Exec(`UPDATE stories SET content_note = FALSE, content_note_mode = 'auto', content_checked = FALSE WHERE id = $1`, st.ID); err != nil {
			t.Fatal(err)
		}
		if n, err := site.Service.CheckContentNotes(ctx, 500); err != nil || n != 1 {
			t.Fatalf("checked %d: %v", n, err)
		}
		if _, page := get(t, c, site.URL+"/stories/"+st.Slug); !strings.Contains(page, `class="content-note"`) {
			t.Error("the job did not give the older story its note")
		}
	})
}

// An admin's line for a country replaces its built-in ones everywhere the
// site shows lines; a line needs its source; removing it brings the
// built-in ones back.
func TestAdminHelplines(t *testing.T) {
	site := apptest.Start(t, dbtest.SQLite(t))
	addUser(t, site, "admin2@example.org", model.RoleAdmin)
	admin := loginAs(t, site, "admin2@example.org")
	line := url.Values{"country": {"gb"}, "country_name": {"United Kingdom"}, "service": {"Local Night Line"}, "phone": {"0800 000 0000"}}
	if resp, page := post(t, admin, site.URL+"/admin/helplines", line); resp.StatusCode != 400 || !strings.Contains(page, "Required.") {
		t.Fatalf("a line without its source: %d", resp.StatusCode)
	}
	line.Set("source", "the service's own site, checked by phone")
	if resp, _ := post(t, admin, site.URL+"/admin/helplines", line); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("add: %d", resp.StatusCode)
	}
	c := browserClient(t)
	req, _ := http.NewRequest("GET", site.URL+"/help?country=GB", nil)
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	top, _, _ := strings.Cut(string(b), `id="helplines-list"`)
	if !strings.Contains(top, "Local Night Line") || strings.Contains(top, "Samaritans") {
		t.Errorf("GB after the override:\n%s", top)
	}
	var id string
	site.App.DB.Read.QueryRow(`SELECT id FROM helplines`).Scan(&id)
	post(t, admin, site.URL+"/admin/helplines/"+id+"/delete", nil)
	if _, page := get(t, c, site.URL+"/help?country=GB"); !strings.Contains(page, "Samaritans") {
		t.Error("the built-in line did not come back")
	}
}

// On a German site /help names the countries in German, in German order,
// and a browser that names no country gets Germany's lines first.
func TestHelpOnAGermanSite(t *testing.T) {
	site := apptest.Start(t, dbtest.SQLite(t))
	addUser(t, site, "admin@example.org", model.RoleAdmin)
	admin := loginAs(t, site, "admin@example.org")
	en := i18n.Get("en")
	if resp, _ := post(t, admin, site.URL+"/admin/settings", url.Values{"site_name": {"Confide demo"}, "language": {"de"},
		"tagline": {en.Text("settings.default.tagline")}, "mission": {en.Text("settings.default.mission")},
		"advisor_name": {"Rose"}, "footer": {en.Text("settings.default.footer")}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("settings: %d", resp.StatusCode)
	}
	_, body := get(t, browserClient(t), site.URL+"/help")
	top, list, _ := strings.Cut(body, `id="helplines-list"`)
	if !strings.Contains(top, "TelefonSeelsorge") || !strings.Contains(top, "Deutschland") {
		t.Errorf("no country named: Germany's lines should come first on a German site:\n%s", top)
	}
	// The chooser and the full list: German names, "Österreich" under O.
	for _, part := range []string{top, list} {
		n, o, p := strings.Index(part, "Norwegen"), strings.Index(part, "Österreich"), strings.Index(part, "Philippinen")
		if n < 0 || o < n || p < o {
			t.Errorf("German names out of order (Norwegen %d, Österreich %d, Philippinen %d)", n, o, p)
		}
		if !strings.Contains(part, "Vereinigte Staaten") || strings.Contains(part, "United States") {
			t.Error("a country named in English on a German site")
		}
	}
	// A browser's own country still comes first.
	req, _ := http.NewRequest("GET", site.URL+"/help", nil)
	req.Header.Set("Accept-Language", "en-GB")
	resp, err := browserClient(t).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if top, _, _ := strings.Cut(string(b), `id="helplines-list"`); !strings.Contains(top, "Samaritans") || !strings.Contains(top, "Vereinigtes Königreich") {
		t.Errorf("en-GB on a German site:\n%s", top)
	}
}
