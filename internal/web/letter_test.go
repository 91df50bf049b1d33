package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/confide/confide/internal/app/apptest"
	"github.com/confide/confide/internal/database"
	"github.com/confide/confide/internal/database/dbtest"
	"github.com/confide/confide/internal/model"
)

const letterText = "My partner and I have not really talked in months. I lie awake and wonder whether it is me. " +
	"I do not know who to ask about this."

func mailsTo(t *testing.T, site *apptest.Site, to string) []model.OutboxMessage {
	t.Helper()
	list, _, err := site.Service.OutboxPage(context.Background(), 1)
	if err != nil {
		t.Fatal(err)
	}
	var out []model.OutboxMessage
	for _, m := range list {
		if m.To == to {
			out = append(out, m)
		}
	}
	return out
}

// The life of a letter: shared privately, read and followed up by its
// writer through the secret link, answered by an advisor, consent changed,
// withdrawn and erased.
func TestLetterLife(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *database.DB) {
		site := apptest.Start(t, db)
		setLayers(t, site, openLayers)
		addUser(t, site, "rose@example.org", model.RoleAdvisor)
		writer := browserClient(t)

		// Mistakes keep the letter.
		resp, body := post(t, writer, site.URL+"/share", url.Values{"body": {letterText}, "email": {"not-an-address"}})
		if resp.StatusCode != 400 || !strings.Contains(body, "I lie awake and wonder") || !strings.Contains(body, `id="letter-consent-error"`) ||
			!strings.Contains(body, `id="letter-email-error"`) {
			t.Fatalf("bad share: %d", resp.StatusCode)
		}
		resp, _ = post(t, writer, site.URL+"/share", url.Values{"title": {"Silence at home"}, "body": {letterText},
			"name": {"Pia"}, "email": {"Pia@Example.org"}, "consent": {"publish"}})
		loc := resp.Header.Get("Location")
		m := regexp.MustCompile(`^/letters/([A-Za-z0-9_-]{22,})\?new=1$`).FindStringSubmatch(loc)
		if resp.StatusCode != http.StatusSeeOther || m == nil {
			t.Fatalf("share: %d %q", resp.StatusCode, loc)
		}
		token := m[1]
		resp, body = get(t, writer, site.URL+loc)
		h := resp.Header
		if resp.StatusCode != 200 || !strings.Contains(body, "Thank you for writing to us") || !strings.Contains(body, "I lie awake") ||
			h.Get("Cache-Control") != "no-store" || h.Get("Referrer-Policy") != "no-referrer" || !strings.Contains(h.Get("X-Robots-Tag"), "noindex") ||
			!strings.Contains(body, `<meta name="robots" content="noindex, nofollow">`) {
			t.Fatalf("thread: %d %v", resp.StatusCode, h)
		}
		// Only a hash of the link's secret is stored.
		var stored int
		db.Read.QueryRow(`SELECT count(*) FROM letters WHERE token_hash = $1 OR link_salt = $1`, token).Scan(&stored)
		if stored != 0 {
			t.Error("the link's secret is in the database")
		}
		// The writer got the link by e-mail, discreetly; staff were told without the letter's words.
		got := mailsTo(t, site, "pia@example.org")
		if len(got) != 1 || !strings.Contains(got[0].Text, "/letters/"+token) || strings.Contains(got[0].Subject, "Silence") {
			t.Fatalf("writer's mail: %+v", got)
		}
		staff := mailsTo(t, site, "rose@example.org")
		if len(staff) != 1 || strings.Contains(staff[0].Text, "lie awake") || strings.Contains(staff[0].Subject, "Silence") {
			t.Fatalf("staff mail: %+v", staff)
		}

		// A follow-up.
		resp, _ = post(t, writer, site.URL+"/letters/"+token, url.Values{"action": {"followup"}, "body": {"It got worse this week."}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("follow-up: %d", resp.StatusCode)
		}
		// The advisor reads the inbox and replies; a note stays internal.
		rose := loginAs(t, site, "rose@example.org")
		_, inbox := get(t, rose, site.URL+"/admin/letters")
		id := regexp.MustCompile(`href="/admin/letters/(\d+)">Silence at home`).FindStringSubmatch(inbox)
		if id == nil {
			t.Fatalf("inbox:\n%s", inbox)
		}
		_, page := get(t, rose, site.URL+"/admin/letters/"+id[1])
		if !strings.Contains(page, "I lie awake") || !strings.Contains(page, "It got worse this week.") || !strings.Contains(page, "pia@example.org") {
			t.Fatal("the letter page does not show the thread")
		}
		post(t, rose, site.URL+"/admin/letters/"+id[1], url.Values{"action": {"note"}, "note": {"Check on her next week."}})
		resp, _ = post(t, rose, site.URL+"/admin/letters/"+id[1], url.Values{"action": {"reply"}, "reply": {"Dear Pia,\n\nIt is **not** you alone."}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("reply: %d", resp.StatusCode)
		}
		_, body = get(t, writer, site.URL+"/letters/"+token)
		if !strings.Contains(body, "<strong>not</strong> you alone") || strings.Contains(body, "Check on her") {
			t.Error("the writer does not see the reply, or sees the note")
		}
		got = mailsTo(t, site, "pia@example.org")
		if len(got) != 2 || !strings.Contains(got[0].Subject+got[1].Subject, "A reply from") || strings.Contains(got[0].Text+got[1].Text, "not** you") {
			t.Errorf("reply mail: %+v", got)
		}
		// Consent changes; then the writer withdraws and everything they wrote is erased.
		post(t, writer, site.URL+"/letters/"+token, url.Values{"action": {"consent"}, "consent": {"private"}})
		var consent string
		db.Read.QueryRow(`SELECT consent FROM letters WHERE id = $1`, id[1]).Scan(&consent)
		if consent != model.ConsentPrivate {
			t.Errorf("consent %q", consent)
		}
		if resp, _ := post(t, writer, site.URL+"/letters/"+token, url.Values{"action": {"withdraw"}}); resp.StatusCode != 400 {
			t.Errorf("withdraw without confirming: %d", resp.StatusCode)
		}
		post(t, writer, site.URL+"/letters/"+token, url.Values{"action": {"withdraw"}, "confirm": {"1"}})
		var title, text, name, email, status string
		db.Read.QueryRow(`SELECT title, body, writer_name, writer_email, status FROM letters WHERE id = $1`, id[1]).Scan(&title, &text, &name, &email, &status)
		var followups int
		db.Read.QueryRow(`SELECT count(*) FROM letter_messages WHERE letter_id = $1 AND kind = 'followup'`, id[1]).Scan(&followups)
		if title+text+name+email != "" || status != model.LetterWithdrawn || followups != 0 {
			t.Errorf("after withdrawal: %q %q %q %q %s, %d follow-ups", title, text, name, email, status, followups)
		}
		if _, body := get(t, writer, site.URL+"/letters/"+token); !strings.Contains(body, "You withdrew this letter") {
			t.Error("the thread does not say it was withdrawn")
		}
	})
}

// Unknown thread links are a plain 404, and an address that guesses many
// is stopped.
func TestLetterLinksCannotBeGuessed(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *database.DB) {
		site := apptest.Start(t, db)
		c := browserClient(t)
		codes := map[int]int{}
		for i := range 25 {
			resp, _ := get(t, c, site.URL+"/letters/guess"+strings.Repeat("x", i))
			codes[resp.StatusCode]++
		}
		if codes[404] != 20 || codes[429] != 5 {
			t.Errorf("answers %v, want 20 not found and then 429", codes)
		}
	})
}

// An admin pauses new letters; /share says so and keeps a letter sent
// anyway; the median reply time shows once enough letters were answered;
// a lost link is sent again, the same answer for known and unknown
// addresses, and at most once a day.
func TestSharePauseMedianAndLostLinks(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *database.DB) {
		site := apptest.Start(t, db)
		setLayers(t, site, openLayers)
		addUser(t, site, "admin@example.org", model.RoleAdmin)
		admin := loginAs(t, site, "admin@example.org")
		ctx := context.Background()

		for i := range 5 {
			resp, _ := post(t, browserClient(t), site.URL+"/share", url.Values{"body": {letterText}, "consent": {"private"},
				"email": {"lost@example.org"}})
			if resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("letter %d: %d", i, resp.StatusCode)
			}
		}
		if d, _ := site.Service.MedianReply(ctx); d != 0 {
			t.Errorf("a median of %v with no replies", d)
		}
		all, _, _ := site.Service.Inbox(ctx, "", 0, 1)
		var list []model.Letter // this test's, not the demo's
		for _, l := range all {
			if l.WriterEmail == "lost@example.org" {
				list = append(list, l)
			}
		}
		for i, l := range list {
			site.Clock.Advance(time.Duration(i+1) * time.Hour)
			if err := site.Service.ReplyToLetter(ctx, 0, l.ID, "Thank you for writing."); err != nil {
				t.Fatal(err)
			}
		}
		if d, err := site.Service.MedianReply(ctx); d != 6*time.Hour { // waits of 1, 3, 6, 10 and 15 hours
			t.Errorf("median %v %v (%d letters)", d, err, len(list))
		}
		if _, page := get(t, browserClient(t), site.URL+"/share"); !strings.Contains(page, "the first reply has come within less than a day") {
			t.Error("no median on /share")
		}

		post(t, admin, site.URL+"/admin/letters/pause", url.Values{"paused": {"on"}, "message": {"Back on Monday, with care."}})
		_, page := get(t, browserClient(t), site.URL+"/share")
		if !strings.Contains(page, "Back on Monday, with care.") || strings.Contains(page, `id="share-form"`) {
			t.Error("/share does not say letters are paused")
		}
		resp, body := post(t, browserClient(t), site.URL+"/share", url.Values{"body": {letterText}, "consent": {"private"}})
		if resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "I lie awake and wonder") {
			t.Errorf("a letter while paused: %d, kept %v", resp.StatusCode, strings.Contains(body, "I lie awake"))
		}
		post(t, admin, site.URL+"/admin/letters/pause", url.Values{"paused": {"off"}})

		before := len(mailsTo(t, site, "lost@example.org"))
		_, known := post(t, browserClient(t), site.URL+"/letters/lost", url.Values{"email": {"lost@example.org"}})
		_, unknown := post(t, browserClient(t), site.URL+"/letters/lost", url.Values{"email": {"nobody@example.org"}})
		if !strings.Contains(known, "we have e-mailed the links") || !strings.Contains(unknown, "we have e-mailed the links") {
			t.Error("the answers differ or say nothing")
		}
		got := mailsTo(t, site, "lost@example.org")
		if len(got) != before+1 || strings.Count(got[0].Text, "/letters/") != 5 || len(mailsTo(t, site, "nobody@example.org")) != 0 {
			t.Fatalf("lost-link mails: %d (was %d)", len(got), before)
		}
		// The links in the mail open the threads.
		link := regexp.MustCompile(`/letters/[A-Za-z0-9_-]+`).FindString(got[0].Text)
		if resp, _ := get(t, browserClient(t), site.URL+link); resp.StatusCode != 200 {
			t.Errorf("a resent link: %d", resp.StatusCode)
		}
		post(t, browserClient(t), site.URL+"/letters/lost", url.Values{"email": {"lost@example.org"}})
		if n := len(mailsTo(t, site, "lost@example.org")); n != before+1 {
			t.Errorf("a second link mail the same day (%d)", n-before)
		}
	})
}

// Two advisors write the reply to one letter: the draft is kept, a preview
// saves nothing, and the second save made from an older draft is refused
// with the other's text shown and its own text kept.
func TestReplyDraftsNeverOverwrite(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *database.DB) {
		site := apptest.Start(t, db)
		setLayers(t, site, openLayers)
		addUser(t, site, "rose@example.org", model.RoleAdvisor)
		addUser(t, site, "sam@example.org", model.RoleAdvisor)
		post(t, browserClient(t), site.URL+"/share", url.Values{"title": {"Drafted"}, "body": {letterText}, "consent": {"private"}})
		list, _, _ := site.Service.Inbox(context.Background(), "", 0, 1)
		page := site.URL + "/admin/letters/" + strconv.FormatInt(list[0].ID, 10)
		rose, sam := loginAs(t, site, "rose@example.org"), loginAs(t, site, "sam@example.org")

		resp, body := post(t, rose, page, url.Values{"action": {"preview"}, "reply": {"Dear writer, **you matter**."}, "version": {"0"}})
		if resp.StatusCode != 200 || !strings.Contains(body, "<strong>you matter</strong>") {
			t.Fatalf("preview: %d", resp.StatusCode)
		}
		if d, _ := site.Service.LetterDraft(context.Background(), list[0].ID); d.Version != 0 {
			t.Error("a preview saved the draft")
		}
		// Both open the letter with no draft; Rose saves first (as the editor's script does).
		req, _ := http.NewRequest("POST", page, strings.NewReader(url.Values{"action": {"draft"}, "reply": {"Rose's words."}, "version": {"0"}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Autosave", "1")
		r, err := rose.Do(req)
		if err != nil || r.StatusCode != http.StatusNoContent || r.Header.Get("X-Draft-Version") != "1" {
			t.Fatalf("autosave: %v %v", r, err)
		}
		r.Body.Close()
		resp, body = post(t, sam, page, url.Values{"action": {"draft"}, "reply": {"Sam's words."}, "version": {"0"}})
		if resp.StatusCode != http.StatusConflict || !strings.Contains(body, "Rose&#39;s words.") || !strings.Contains(body, "Sam&#39;s words.") ||
			!strings.Contains(body, "rose") && !strings.Contains(body, "advisor user") {
			t.Fatalf("second save: %d\n%s", resp.StatusCode, body)
		}
		if d, _ := site.Service.LetterDraft(context.Background(), list[0].ID); d.Body != "Rose's words." {
			t.Errorf("the draft was overwritten: %q", d.Body)
		}
		// The refused page carries the newer version: saving again is a choice.
		if !strings.Contains(body, `name="version" value="1"`) {
			t.Error("the refused page does not build on the newer draft")
		}
		if resp, _ := post(t, sam, page, url.Values{"action": {"draft"}, "reply": {"Sam's words."}, "version": {"1"}}); resp.StatusCode != http.StatusSeeOther {
			t.Errorf("a deliberate save: %d", resp.StatusCode)
		}
		// The draft survives a restart (it is in the database) and goes when the reply is sent.
		_, body = get(t, rose, page)
		if !strings.Contains(body, "Sam&#39;s words.") {
			t.Error("the saved draft is not in the editor")
		}
		post(t, rose, page, url.Values{"action": {"reply"}, "reply": {"Sam's words, sent."}})
		if d, _ := site.Service.LetterDraft(context.Background(), list[0].ID); d.Version != 0 {
			t.Error("the draft stayed after the reply was sent")
		}
	})
}

// The dashboard is the advisor's work list: urgent letters, theirs,
// writers who answered, the oldest wait; moderators see only counts.
func TestDashboardWorkList(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *database.DB) {
		site := apptest.Start(t, db)
		setLayers(t, site, openLayers)
		ctx := context.Background()
		addUser(t, site, "rose@example.org", model.RoleAdvisor)
		addUser(t, site, "mod@example.org", model.RoleModerator)
		rose, _ := site.Service.Users(ctx)
		var roseID int64
		for _, u := range rose {
			if u.Email == "rose@example.org" {
				roseID = u.ID
			}
		}
		titles := []string{"Oldest letter", "Urgent letter", "Rose's letter", "Answered letter"}
		tokens := map[string]string{}
		for _, title := range titles {
			resp, _ := post(t, browserClient(t), site.URL+"/share", url.Values{"title": {title}, "body": {letterText}, "consent": {"private"}})
			tokens[title] = strings.TrimSuffix(strings.TrimPrefix(resp.Header.Get("Location"), "/letters/"), "?new=1")
			site.Clock.Advance(time.Hour)
		}
		list, _, _ := site.Service.Inbox(ctx, "", 0, 1)
		ids := map[string]int64{}
		for _, l := range list {
			ids[l.Title] = l.ID
		}
		site.Service.UpdateLetterCase(ctx, 0, ids["Urgent letter"], model.LetterNew, 3, 0)
		site.Service.UpdateLetterCase(ctx, 0, ids["Rose's letter"], model.LetterNew, 0, roseID)
		site.Service.ReplyToLetter(ctx, roseID, ids["Answered letter"], "A first reply.")
		post(t, browserClient(t), site.URL+"/letters/"+tokens["Answered letter"], url.Values{"action": {"followup"}, "body": {"Thank you, and one more thing."}})

		_, page := get(t, loginAs(t, site, "rose@example.org"), site.URL+"/admin/")
		for _, want := range []string{"Urgent letters (1)", "Urgent letter", "Assigned to you (", "Rose&#39;s letter",
			"Writers who answered (1)", "Answered letter", "The oldest wait: <a href=\"/admin/letters/" + strconv.FormatInt(ids["I feel like a stranger in my own family"], 10)} {
			if !strings.Contains(page, want) {
				t.Errorf("dashboard lacks %q", want)
			}
		}
		// The demo's letter, sent before this test's, is the oldest wait.
		// A reply clears "answered".
		site.Service.ReplyToLetter(ctx, roseID, ids["Answered letter"], "A second reply.")
		if _, page := get(t, loginAs(t, site, "rose@example.org"), site.URL+"/admin/"); strings.Contains(page, "Writers who answered") {
			t.Error("an answered letter stays listed after the reply")
		}
		if _, page := get(t, loginAs(t, site, "mod@example.org"), site.URL+"/admin/"); strings.Contains(page, "What needs you now") {
			t.Error("a moderator sees the letters' work list")
		}
	})
}

// An advisor keeps reply templates of their own and inserts one into a
// reply being written; nobody else sees or uses them.
func TestReplyTemplates(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *database.DB) {
		site := apptest.Start(t, db)
		setLayers(t, site, openLayers)
		addUser(t, site, "rose@example.org", model.RoleAdvisor)
		addUser(t, site, "sam@example.org", model.RoleAdvisor)
		rose, sam := loginAs(t, site, "rose@example.org"), loginAs(t, site, "sam@example.org")
		if resp, body := post(t, rose, site.URL+"/admin/templates", url.Values{"name": {""}, "body": {"x"}}); resp.StatusCode != 400 ||
			!strings.Contains(body, `id="tpl-name-error"`) {
			t.Errorf("a template without a name: %d", resp.StatusCode)
		}
		post(t, rose, site.URL+"/admin/templates", url.Values{"name": {"Closing"}, "body": {"With warmth,\nRose"}})
		_, list := get(t, rose, site.URL+"/admin/templates")
		m := regexp.MustCompile(`/admin/templates/(\d+)/delete`).FindStringSubmatch(list)
		if m == nil || !strings.Contains(list, "With warmth,") {
			t.Fatalf("templates page:\n%s", list)
		}
		if _, other := get(t, sam, site.URL+"/admin/templates"); strings.Contains(other, "With warmth,") {
			t.Error("another advisor sees Rose's template")
		}
		post(t, browserClient(t), site.URL+"/share", url.Values{"title": {"Templated"}, "body": {letterText}, "consent": {"private"}})
		letters, _, _ := site.Service.Inbox(context.Background(), "", 0, 1)
		page := site.URL + "/admin/letters/" + strconv.FormatInt(letters[0].ID, 10)
		resp, body := post(t, rose, page, url.Values{"action": {"template"}, "template": {m[1]}, "reply": {"Dear writer,"}, "version": {"0"}})
		if resp.StatusCode != 200 || !strings.Contains(body, "Dear writer,\n\nWith warmth,\nRose</textarea>") {
			t.Errorf("insert: %d\n%s", resp.StatusCode, body)
		}
		if resp, _ := post(t, sam, page, url.Values{"action": {"template"}, "template": {m[1]}, "reply": {""}}); resp.StatusCode != 400 {
			t.Errorf("inserting another advisor's template: %d", resp.StatusCode)
		}
		if resp, _ := post(t, sam, site.URL+"/admin/templates/"+m[1]+"/delete", url.Values{}); resp.StatusCode != 404 {
			t.Errorf("deleting another advisor's template: %d", resp.StatusCode)
		}
		post(t, rose, site.URL+"/admin/templates/"+m[1]+"/delete", url.Values{})
		if _, list := get(t, rose, site.URL+"/admin/templates"); strings.Contains(list, "With warmth,") {
			t.Error("the template was not deleted")
		}
	})
}
