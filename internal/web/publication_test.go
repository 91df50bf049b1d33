package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/confide/confide/internal/app/apptest"
	"github.com/confide/confide/internal/database"
	"github.com/confide/confide/internal/database/dbtest"
	"github.com/confide/confide/internal/model"
)

const (
	pubLetter = "My name is Pia and I live with Marco in a small flat. We have not really talked in months. " +
		"I lie awake and wonder whether it is me. Write to me at pia@example.org."
	pubCopy  = "I live with my partner in a small flat. We have not really talked in months. I lie awake and wonder whether it is me."
	pubReply = "Dear friend,\n\n> I lie awake and wonder whether it is me.\n\nIt is **not** you alone. Silence grows between two people."
)

// sharedLetter shares a letter that may be published, has rose answer
// it, and returns the writer's client and token, rose's client and the
// letter's id.
func sharedLetter(t *testing.T, site *apptest.Site, db *database.DB) (writer *http.Client, token string, rose *http.Client, id string) {
	t.Helper()
	setLayers(t, site, openLayers)
	addUser(t, site, "rose@example.org", model.RoleAdvisor)
	writer = browserClient(t)
	resp, _ := post(t, writer, site.URL+"/share", url.Values{"title": {"Silence at home"}, "body": {pubLetter},
		"name": {"Pia Lindqvist"}, "email": {"pia@example.org"}, "consent": {"publish"}})
	m := regexp.MustCompile(`^/letters/([A-Za-z0-9_-]{22,})\?new=1$`).FindStringSubmatch(resp.Header.Get("Location"))
	if m == nil {
		t.Fatalf("share: %d", resp.StatusCode)
	}
	token = m[1]
	if err := db.Read.QueryRow(`SELECT id FROM letters ORDER BY id DESC LIMIT 1`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	rose = loginAs(t, site, "rose@example.org")
	if resp, _ := post(t, rose, site.URL+"/admin/letters/"+id, url.Values{"action": {"reply"}, "reply": {pubReply}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("reply: %d", resp.StatusCode)
	}
	return writer, token, rose, id
}

func sectionID(t *testing.T, db *database.DB) string {
	t.Helper()
	var id string
	if err := db.Read.QueryRow(`SELECT id FROM sections ORDER BY position, id LIMIT 1`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

func copyForm(version, title, slug, section, letter, reply, action string) url.Values {
	return url.Values{"version": {version}, "title": {title}, "slug": {slug}, "section": {section}, "author": {""},
		"letter": {letter}, "reply": {reply}, "action": {action}}
}

// Publishing needs the writer's approval of the exact text: the advisor
// prepares an anonymised copy, the writer asks for a change, approves a
// later version, and only that version is published; a new version needs
// approval again, and its new address keeps the old one as a 301.
func TestPublishWithTheWritersSignOff(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *database.DB) {
		site := apptest.Start(t, db)
		writer, token, rose, id := sharedLetter(t, site, db)
		sec := sectionID(t, db)
		pubURL := site.URL + "/admin/letters/" + id + "/publication"

		// The editor starts from the letter and the reply.
		_, page := get(t, rose, pubURL)
		if !strings.Contains(page, "My name is Pia and I live with Marco") || !strings.Contains(page, "Silence grows between two people") {
			t.Fatalf("the copy does not start from the letter and reply:\n%s", page)
		}
		// A copy that still names the writer is not shown to them; nothing is saved.
		resp, page := post(t, rose, pubURL, copyForm("0", "Silence at home", "", sec, pubLetter, pubReply, "propose"))
		if resp.StatusCode != 400 || !strings.Contains(page, `id="pub-letter-error"`) || !strings.Contains(page, "My name is Pia") {
			t.Fatalf("a copy with the writer's name was accepted: %d", resp.StatusCode)
		}
		var copies int
		db.Read.QueryRow(`SELECT count(*) FROM letter_publications`).Scan(&copies)
		if copies != 0 {
			t.Fatal("a refused copy was stored")
		}
		// Saved without showing: the writer does not see it.
		if resp, _ := post(t, rose, pubURL, copyForm("0", "Silence at home", "", sec, pubCopy, pubReply, "save")); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("save: %d", resp.StatusCode)
		}
		if _, body := get(t, writer, site.URL+"/letters/"+token); strings.Contains(body, "as it would be published") {
			t.Fatal("the writer sees a copy the advisor has not shown")
		}
		// A save from an old version is refused, with the newer copy shown.
		resp, page = post(t, rose, pubURL, copyForm("0", "Other title", "", sec, pubCopy, pubReply, "save"))
		if resp.StatusCode != http.StatusConflict || !strings.Contains(page, "The copy as it is now (version 1)") || !strings.Contains(page, "Other title") {
			t.Fatalf("stale save: %d", resp.StatusCode)
		}
		// Shown to the writer, who is told discreetly.
		before := len(mailsTo(t, site, "pia@example.org"))
		if resp, _ := post(t, rose, pubURL, copyForm("1", "Silence at home", "", sec, pubCopy, pubReply, "propose")); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("propose: %d", resp.StatusCode)
		}
		mails := mailsTo(t, site, "pia@example.org")
		if len(mails) != before+1 || !strings.Contains(mails[0].Text, "/letters/"+token) || strings.Contains(mails[0].Subject, "Silence") {
			t.Fatalf("the writer was not told: %+v", mails)
		}
		_, body := get(t, writer, site.URL+"/letters/"+token)
		if !strings.Contains(body, "as it would be published") || !strings.Contains(body, "I live with my partner in a small flat.") ||
			!strings.Contains(body, `name="version" value="2"`) {
			t.Fatalf("the writer does not see the copy:\n%s", body)
		}
		var status string
		db.Read.QueryRow(`SELECT status FROM letters WHERE id = $1`, id).Scan(&status)
		if status != model.LetterWaiting {
			t.Errorf("letter state %q while waiting for the writer", status)
		}
		// The writer asks for a change: a message is needed; the advisor sees it.
		if resp, _ := post(t, writer, site.URL+"/letters/"+token, url.Values{"action": {"change"}, "version": {"2"}}); resp.StatusCode != 400 {
			t.Fatalf("empty change request: %d", resp.StatusCode)
		}
		post(t, writer, site.URL+"/letters/"+token, url.Values{"action": {"change"}, "version": {"2"}, "message": {"Please leave out the flat."}})
		if _, page := get(t, rose, pubURL); !strings.Contains(page, "What the writer asked") || !strings.Contains(page, "Please leave out the flat.") {
			t.Fatal("the advisor does not see the writer's request")
		}
		// Version 3, without the flat. The writer's approval of version 2 no longer counts.
		changed := strings.Replace(pubCopy, " in a small flat", "", 1)
		post(t, rose, pubURL, copyForm("2", "Silence at home", "", sec, changed, pubReply, "propose"))
		resp, _ = post(t, writer, site.URL+"/letters/"+token, url.Values{"action": {"approve"}, "version": {"2"}})
		if resp.StatusCode != http.StatusConflict {
			t.Fatalf("approving an old version: %d", resp.StatusCode)
		}
		var stories int
		db.Read.QueryRow(`SELECT count(*) FROM stories WHERE title = 'Silence at home'`).Scan(&stories)
		if stories != 0 {
			t.Fatal("published without the approval of that exact text")
		}
		resp, _ = post(t, writer, site.URL+"/letters/"+token, url.Values{"action": {"approve"}, "version": {"3"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("approve: %d", resp.StatusCode)
		}
		// Published: exactly the approved text, no name, no address.
		slug := slugOf("Silence at home")
		resp, story := get(t, browserClient(t), site.URL+"/stories/"+slug)
		if resp.StatusCode != 200 || !strings.Contains(story, "I live with my partner. We have not really talked") ||
			strings.Contains(story, "small flat") || strings.Contains(story, "Pia") || strings.Contains(story, "pia@example.org") {
			t.Fatalf("published story: %d\n%s", resp.StatusCode, story)
		}
		mails = mailsTo(t, site, "pia@example.org")
		var storyID string
		db.Read.QueryRow(`SELECT id FROM stories WHERE slug = $1`, slug).Scan(&storyID)
		if last := mails[0]; !strings.Contains(last.Text, "/s/"+storyID) || strings.Contains(last.Subject, "Silence") {
			t.Errorf("the writer was not told with the story's link: %+v", last)
		}
		if _, body := get(t, writer, site.URL+"/letters/"+token); !strings.Contains(body, `href="/stories/`+slug+`"`) {
			t.Error("the thread does not link the published story")
		}
		db.Read.QueryRow(`SELECT status FROM letters WHERE id = $1`, id).Scan(&status)
		if status != model.LetterPublished {
			t.Errorf("letter state %q after approval", status)
		}

		// A later version with a new address: the story keeps the approved
		// text until the writer approves again; then the old address is a 301.
		post(t, rose, pubURL, copyForm("3", "Silence at home, and after", "silence-and-after", sec, changed+" It got better.", pubReply, "propose"))
		if _, story := get(t, browserClient(t), site.URL+"/stories/"+slug); strings.Contains(story, "It got better.") {
			t.Fatal("an unapproved version was published")
		}
		post(t, writer, site.URL+"/letters/"+token, url.Values{"action": {"approve"}, "version": {"4"}})
		resp, _ = get(t, browserClient(t), site.URL+"/stories/"+slug+"?page=1")
		if resp.StatusCode != http.StatusMovedPermanently || resp.Header.Get("Location") != "/stories/silence-and-after?page=1" {
			t.Fatalf("old address: %d %q", resp.StatusCode, resp.Header.Get("Location"))
		}
		if _, story := get(t, browserClient(t), site.URL+"/stories/silence-and-after"); !strings.Contains(story, "It got better.") {
			t.Fatal("the approved new version is not published")
		}
	})
}

// A moderator cannot open the copy of a letter; a private letter cannot be
// published; the writer can decline.
func TestPublicationRefusals(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *database.DB) {
		site := apptest.Start(t, db)
		writer, token, rose, id := sharedLetter(t, site, db)
		sec := sectionID(t, db)
		pubURL := site.URL + "/admin/letters/" + id + "/publication"
		addUser(t, site, "mo@example.org", model.RoleModerator)
		mo := loginAs(t, site, "mo@example.org")
		if resp, _ := get(t, mo, pubURL); resp.StatusCode != http.StatusForbidden {
			t.Errorf("a moderator opened the copy: %d", resp.StatusCode)
		}
		if resp, _ := post(t, mo, pubURL, copyForm("0", "T", "", sec, pubCopy, pubReply, "save")); resp.StatusCode != http.StatusForbidden {
			t.Errorf("a moderator saved a copy: %d", resp.StatusCode)
		}
		post(t, rose, pubURL, copyForm("0", "Silence at home", "", sec, pubCopy, pubReply, "propose"))
		post(t, writer, site.URL+"/letters/"+token, url.Values{"action": {"decline"}, "version": {"1"}})
		var consent, state string
		db.Read.QueryRow(`SELECT l.consent, p.state FROM letters l JOIN letter_publications p ON p.letter_id = l.id WHERE l.id = $1`, id).Scan(&consent, &state)
		if consent != model.ConsentPrivate || state != model.PublicationDeclined {
			t.Fatalf("after declining: consent %q, copy %q", consent, state)
		}
		resp, _ := post(t, rose, pubURL, copyForm("1", "Silence at home", "", sec, pubCopy, pubReply, "propose"))
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("a private letter was proposed again: %d", resp.StatusCode)
		}
		var stories int
		db.Read.QueryRow(`SELECT count(*) FROM stories WHERE title = 'Silence at home'`).Scan(&stories)
		if stories != 0 {
			t.Error("a declined letter was published")
		}
	})
}

func publishShared(t *testing.T, site *apptest.Site, db *database.DB) (writer *http.Client, token, letterID, slug string) {
	t.Helper()
	writer, token, rose, id := sharedLetter(t, site, db)
	post(t, rose, site.URL+"/admin/letters/"+id+"/publication", copyForm("0", "Silence at home", "", sectionID(t, db), pubCopy, pubReply, "propose"))
	if resp, _ := post(t, writer, site.URL+"/letters/"+token, url.Values{"action": {"approve"}, "version": {"1"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("approve: %d", resp.StatusCode)
	}
	return writer, token, id, slugOf("Silence at home")
}

// Withdrawal takes the story down at once (410, out of search) and erases
// the writer's words everywhere; or, at the writer's wish, leaves the
// reply alone, without the letter or its quotes.
func TestWithdrawAPublishedLetter(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *database.DB) {
		site := apptest.Start(t, db)
		writer, token, id, slug := publishShared(t, site, db)
		if _, found := get(t, browserClient(t), site.URL+"/search?q=lie+awake+partner"); !strings.Contains(found, "/stories/"+slug) {
			t.Fatal("the published story is not found by search")
		}
		post(t, writer, site.URL+"/letters/"+token, url.Values{"action": {"withdraw"}, "confirm": {"1"}})
		resp, body := get(t, browserClient(t), site.URL+"/stories/"+slug)
		if resp.StatusCode != http.StatusGone || !strings.Contains(body, "asked us to take it down") || strings.Contains(body, "lie awake") {
			t.Fatalf("withdrawn story: %d", resp.StatusCode)
		}
		if _, found := get(t, browserClient(t), site.URL+"/search?q=lie+awake+partner"); strings.Contains(found, "/stories/"+slug) {
			t.Error("search still finds the withdrawn story")
		}
		var storyLetter, copyText, copyTitle, letterBody string
		db.Read.QueryRow(`SELECT letter FROM stories WHERE slug = $1`, slug).Scan(&storyLetter)
		db.Read.QueryRow(`SELECT letter_text, title FROM letter_publications WHERE letter_id = $1`, id).Scan(&copyText, &copyTitle)
		db.Read.QueryRow(`SELECT body FROM letters WHERE id = $1`, id).Scan(&letterBody)
		var quoted int
		db.Read.QueryRow(`SELECT count(*) FROM letter_messages WHERE letter_id = $1 AND body LIKE '%awake%'`, id).Scan(&quoted)
		if quoted != 0 {
			t.Error("the thread's reply still quotes the letter")
		}
		if storyLetter+copyText+copyTitle+letterBody != "" {
			t.Errorf("the writer's words are still stored: %q %q %q %q", storyLetter, copyText, copyTitle, letterBody)
		}
		var indexed int
		if db.Dialect == database.SQLite {
			db.Read.QueryRow(`SELECT count(*) FROM stories_fts WHERE stories_fts MATCH 'awake' AND rowid = (SELECT id FROM stories WHERE slug = $1)`, slug).Scan(&indexed)
		} else {
			db.Read.QueryRow(`SELECT count(*) FROM stories WHERE search @@ to_tsquery('english', 'awake') AND slug = $1`, slug).Scan(&indexed)
		}
		if indexed != 0 {
			t.Error("the search index still holds the letter's words")
		}
	})
}

// At the writer's wish, withdrawal leaves the reply published alone.
func TestWithdrawKeepingTheReply(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *database.DB) {
		site := apptest.Start(t, db)
		writer, token, _, slug := publishShared(t, site, db)
		post(t, writer, site.URL+"/letters/"+token, url.Values{"action": {"withdraw"}, "confirm": {"1"}, "keep_reply": {"1"}})
		resp, body := get(t, browserClient(t), site.URL+"/stories/"+slug)
		if resp.StatusCode != 200 || !strings.Contains(body, "Silence grows between two people") || strings.Contains(body, "lie awake") ||
			!strings.Contains(body, "The writer withdrew their letter") {
			t.Fatalf("story with the reply kept: %d\n%s", resp.StatusCode, body)
		}
	})
}

// A writer who asks hears of new comments on their story at most once a
// day, in a discreet mail; changing their consent to private takes the
// story down.
func TestWriterHearsOfComments(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *database.DB) {
		site := apptest.Start(t, db)
		writer, token, _, slug := publishShared(t, site, db)
		post(t, writer, site.URL+"/letters/"+token, url.Values{"action": {"notify"}, "notify": {"1"}})
		ctx := context.Background()
		site.Clock.Advance(time.Minute)
		postComment(t, site, slug, "Ines", "ines@example.org", "I know this silence. You are not alone.")
		postComment(t, site, slug, "Tom", "tom@example.org", "Thank you for sharing this.")
		before := len(mailsTo(t, site, "pia@example.org"))
		if n, err := site.Service.TellWritersOfComments(ctx); err != nil || n != 1 {
			t.Fatalf("told %d: %v", n, err)
		}
		mails := mailsTo(t, site, "pia@example.org")
		if len(mails) != before+1 || !strings.Contains(mails[0].Text, "2 comments") || strings.Contains(mails[0].Text, "not alone") ||
			strings.Contains(mails[0].Subject, "Silence") {
			t.Fatalf("comment mail: %+v", mails[0])
		}
		site.Clock.Advance(time.Hour)
		postComment(t, site, slug, "Ana", "ana@example.org", "Sending you strength today.")
		if n, _ := site.Service.TellWritersOfComments(ctx); n != 0 {
			t.Error("told twice in a day")
		}
		site.Clock.Advance(24 * time.Hour)
		if n, _ := site.Service.TellWritersOfComments(ctx); n != 1 {
			t.Error("not told the next day")
		}
		// Consent to a private reply only: the story comes down.
		post(t, writer, site.URL+"/letters/"+token, url.Values{"action": {"consent"}, "consent": {"private"}})
		if resp, _ := get(t, browserClient(t), site.URL+"/stories/"+slug); resp.StatusCode != http.StatusGone {
			t.Errorf("story after consent withdrawn: %d", resp.StatusCode)
		}
	})
}

// The copy editor highlights likely personal data with one-click
// replacements, and a copy with highlights left is shown to the writer
// only once the advisor confirms they checked them.
func TestCopyEditorHighlightsPersonalData(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *database.DB) {
		site := apptest.Start(t, db)
		_, _, rose, id := sharedLetter(t, site, db)
		sec := sectionID(t, db)
		pubURL := site.URL + "/admin/letters/" + id + "/publication"
		text := "We moved to Leeds in March 2023. Call me on 07700 900123 if you like."
		resp, page := post(t, rose, pubURL, copyForm("0", "Silence at home", "", sec, text, pubReply, "propose"))
		if resp.StatusCode != 400 || !strings.Contains(page, `id="pub-checked-error"`) || !strings.Contains(page, "“Leeds” (place)") ||
			!strings.Contains(page, "“07700 900123” (phone number)") {
			t.Fatalf("highlights: %d\n%s", resp.StatusCode, page)
		}
		// One click replaces one finding, in the text as typed.
		f := copyForm("0", "Silence at home", "", sec, text, pubReply, "")
		f.Set("replace", "letter:12:17")
		_, page = post(t, rose, pubURL, f)
		if !strings.Contains(page, "We moved to [a town] in March 2023.") {
			t.Fatalf("one replacement:\n%s", page)
		}
		// Replace them all, or confirm they were checked.
		f = copyForm("0", "Silence at home", "", sec, text, pubReply, "replace-all")
		_, page = post(t, rose, pubURL, f)
		if !strings.Contains(page, "We moved to [a town] in [a date]. Call me on [phone number] if you like.") {
			t.Fatalf("all replaced:\n%s", page)
		}
		f = copyForm("0", "Silence at home", "", sec, "I walked by the sea in Brighton once, as a child. It is the only calm memory I have.", pubReply, "propose")
		if resp, _ := post(t, rose, pubURL, f); resp.StatusCode != 400 {
			t.Fatalf("a highlight left, unconfirmed: %d", resp.StatusCode)
		}
		f.Set("checked", "1")
		if resp, _ := post(t, rose, pubURL, f); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("confirmed: %d", resp.StatusCode)
		}
	})
}
