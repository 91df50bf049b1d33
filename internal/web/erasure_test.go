package web_test

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/confide/confide/internal/app/apptest"
	"github.com/confide/confide/internal/database"
	"github.com/confide/confide/internal/database/dbtest"
)

// After a writer withdraws a published letter, their words and address are
// nowhere: not in any table, not in the search indexes, and on SQLite not
// in the bytes of the database file or its write-ahead log.
func TestErasureLeavesNothing(t *testing.T) {
	const marker = "Quillfeather Zanzibarro"
	dbtest.Engines(t, func(t *testing.T, db *database.DB) {
		site := apptest.Start(t, db)
		setLayers(t, site, openLayers)
		addUser(t, site, "rose@example.org", "advisor")
		writer := browserClient(t)
		resp, _ := post(t, writer, site.URL+"/share", url.Values{"title": {"Silence"}, "consent": {"publish"},
			"name": {"Xanthippe Marlowe"}, "email": {"xanthippe.marlowe@example.org"},
			"body": {"Every evening I sit by the window of the " + marker + " house and nobody calls. I feel invisible."}})
		token := strings.TrimSuffix(strings.TrimPrefix(resp.Header.Get("Location"), "/letters/"), "?new=1")
		post(t, writer, site.URL+"/letters/"+token, url.Values{"action": {"followup"}, "body": {"The " + marker + " house is so quiet."}})
		var id string
		db.Read.QueryRow(`SELECT id FROM letters WHERE title = 'Silence'`).Scan(&id)
		rose := loginAs(t, site, "rose@example.org")
		post(t, rose, site.URL+"/admin/letters/"+id, url.Values{"action": {"reply"},
			"reply": {"Dear friend,\n\n> Every evening I sit by the window of the " + marker + " house\n\nYou are not invisible."}})
		post(t, rose, site.URL+"/admin/letters/"+id, url.Values{"action": {"draft"}, "version": {"0"}, "reply": {"More about the " + marker + " house…"}})
		post(t, rose, site.URL+"/admin/letters/"+id+"/publication", copyForm("0", "Silence", "", sectionID(t, db),
			"Every evening I sit by the window of the "+marker+" house and nobody calls.", "Dear friend,\n\nYou are not invisible.", "propose"))
		if resp, _ := post(t, writer, site.URL+"/letters/"+token, url.Values{"action": {"approve"}, "version": {"1"}}); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("approve: %d", resp.StatusCode)
		}
		if _, found := get(t, browserClient(t), site.URL+"/search?q=quillfeather"); !strings.Contains(found, "/stories/silence") {
			t.Fatal("the story is not found before the withdrawal")
		}

		post(t, writer, site.URL+"/letters/"+token, url.Values{"action": {"withdraw"}, "confirm": {"1"}})
		if ran, err := site.Service.ScrubErased(context.Background()); err != nil || !ran {
			t.Fatalf("scrub: %v %v", ran, err)
		}
		if _, found := get(t, browserClient(t), site.URL+"/search?q=quillfeather"); strings.Contains(found, "/stories/silence") {
			t.Error("search still finds the story")
		}
		for _, table := range []string{"letters", "letter_messages", "letter_publications", "letter_drafts", "stories", "outbox", "audit_log"} {
			var rows int
			q := `SELECT count(*) FROM ` + table + ` t WHERE CAST(t.* AS TEXT) LIKE '%Quillfeather%' OR CAST(t.* AS TEXT) LIKE '%xanthippe%' OR CAST(t.* AS TEXT) LIKE '%Xanthippe%'`
			if db.Dialect == database.SQLite {
				continue // checked below, in the file's bytes
			}
			if err := db.Read.QueryRow(q).Scan(&rows); err != nil {
				t.Fatalf("%s: %v", table, err)
			}
			if rows != 0 {
				t.Errorf("%s: %d rows still hold the writer's words or name", table, rows)
			}
		}
		if db.Dialect == database.SQLite {
			path := strings.TrimPrefix(db.URL, "sqlite:")
			var all []byte
			for _, f := range []string{path, path + "-wal"} {
				b, err := os.ReadFile(f)
				if err != nil && !os.IsNotExist(err) {
					t.Fatal(err)
				}
				all = append(all, b...)
			}
			low := bytes.ToLower(all)
			for _, needle := range []string{"quillfeath", "zanzibarro", "xanthipp", "marlowe"} {
				if bytes.Contains(low, []byte(needle)) {
					t.Errorf("the database file still holds %q", needle)
				}
			}
		}
	})
}

// Private letters closed longer than the site's retention are erased;
// address hashes are forgotten after 30 days; a login failure is counted
// by a keyed hash, never by the address itself.
func TestRetention(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *database.DB) {
		site := apptest.Start(t, db)
		setLayers(t, site, openLayers)
		ctx := context.Background()
		addUser(t, site, "rose@example.org", "advisor")
		for _, l := range []struct{ title, consent string }{{"Old private", "private"}, {"Old public", "publish"}, {"Open private", "private"}} {
			post(t, browserClient(t), site.URL+"/share", url.Values{"title": {l.title}, "consent": {l.consent},
				"email": {strings.ReplaceAll(strings.ToLower(l.title), " ", ".") + "@example.org"},
				"body":  {"A letter about a long winter, the kind of winter that makes every morning heavy and grey."}})
		}
		rose := loginAs(t, site, "rose@example.org")
		for _, title := range []string{"Old private", "Old public"} {
			var id string
			db.Read.QueryRow(`SELECT id FROM letters WHERE title = $1`, title).Scan(&id)
			post(t, rose, site.URL+"/admin/letters/"+id, url.Values{"action": {"case"}, "status": {"closed"}, "priority": {"0"}, "assignee": {"0"}})
		}
		mine := postComment(t, site, slugOf(lenaTitle), "Kit", "kit@example.org", "I know this feeling well, thank you.")
		// A failed login.
		post(t, browserClient(t), site.URL+"/admin/login", url.Values{"email": {"rose@example.org"}, "password": {"wrong"}})
		var scope string
		db.Read.QueryRow(`SELECT scope FROM login_failures WHERE scope LIKE 'ip:%'`).Scan(&scope)
		if scope == "" || strings.Contains(scope, "127.0.0.1") || len(scope) < 20 {
			t.Errorf("login failure scope %q", scope)
		}

		site.Clock.Advance(11 * 30 * 24 * time.Hour)
		if n, err := site.Service.EraseOldLetters(ctx, 100); err != nil || n != 0 {
			t.Fatalf("erased %d before the retention ran out: %v", n, err)
		}
		site.Clock.Advance(2 * 30 * 24 * time.Hour)
		if n, err := site.Service.EraseOldLetters(ctx, 100); err != nil || n != 1 {
			t.Fatalf("erased %d: %v", n, err)
		}
		var body, status string
		db.Read.QueryRow(`SELECT body, status FROM letters WHERE writer_email = '' AND status = 'withdrawn'`).Scan(&body, &status)
		var left int
		db.Read.QueryRow(`SELECT count(*) FROM letters WHERE title IN ('Old public', 'Open private') AND body <> ''`).Scan(&left)
		if status != "withdrawn" || body != "" || left != 2 {
			t.Errorf("after retention: %q %q, %d others kept", status, body, left)
		}
		if log, _, _ := site.Service.AuditLog(ctx, 1); len(log) == 0 || log[0].Action != "letter.expired" {
			t.Errorf("audit: %+v", log)
		}
		// 0 keeps letters until their writers withdraw them.
		settings, _ := site.Service.SiteSettings(ctx)
		settings.LetterRetention = "0"
		if err := site.Service.UpdateSettings(ctx, 0, settings); err != nil {
			t.Fatal(err)
		}
		if n, _ := site.Service.EraseOldLetters(ctx, 100); n != 0 {
			t.Error("retention 0 erased letters")
		}
		// Address hashes: forgotten after 30 days.
		if n, err := site.Service.ForgetAddresses(ctx, 1000); err != nil || n < 1 {
			t.Fatalf("forgot %d: %v", n, err)
		}
		var hash string
		db.Read.QueryRow(`SELECT addr_hash FROM comments WHERE id = $1`, commentID(t, mine)).Scan(&hash)
		var failures int
		db.Read.QueryRow(`SELECT count(*) FROM login_failures`).Scan(&failures)
		if hash != "" || failures != 0 {
			t.Errorf("after 30 days: hash %q, %d login failures", hash, failures)
		}
	})
}

// An admin exports everything held about an address as JSON, then erases
// it in one step; both are audited without the address. A commenter
// deletes their own comments through a link sent to their address.
func TestPersonalDataRequests(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *database.DB) {
		site := apptest.Start(t, db)
		setLayers(t, site, openLayers)
		ctx := context.Background()
		slug := slugOf(lenaTitle)
		post(t, browserClient(t), site.URL+"/share", url.Values{"title": {"Mine"}, "consent": {"private"}, "email": {"Ana@Example.org"},
			"body": {"A letter about a long winter, the kind of winter that makes every morning heavy and grey."}})
		postComment(t, site, slug, "Ana", "ana@example.org", "I know this feeling well, thank you.")
		postComment(t, site, slug, "Bo", "bo@example.org", "Sending strength from far away.")
		addUser(t, site, "admin2@example.org", "admin")
		admin := loginAs(t, site, "admin2@example.org")
		resp, body := post(t, admin, site.URL+"/admin/privacy", url.Values{"email": {"ana@example.org"}, "action": {"export"}})
		if resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Content-Disposition"), "attachment") ||
			!strings.Contains(body, "a long winter") || !strings.Contains(body, "I know this feeling well") || strings.Contains(body, "Sending strength") {
			t.Fatalf("export: %d\n%s", resp.StatusCode, body)
		}
		if resp, _ := post(t, admin, site.URL+"/admin/privacy", url.Values{"email": {"ana@example.org"}, "action": {"erase"}}); resp.StatusCode != 400 {
			t.Errorf("erase without confirming: %d", resp.StatusCode)
		}
		post(t, admin, site.URL+"/admin/privacy", url.Values{"email": {"ana@example.org"}, "action": {"erase"}, "confirm": {"1"}})
		var left int
		db.Read.QueryRow(`SELECT (SELECT count(*) FROM comments WHERE author_email = 'ana@example.org') +
			(SELECT count(*) FROM letters WHERE writer_email = 'ana@example.org') +
			(SELECT count(*) FROM outbox WHERE to_addr = 'ana@example.org')`).Scan(&left)
		if left != 0 {
			t.Errorf("%d rows still hold the address", left)
		}
		log, _, _ := site.Service.AuditLog(ctx, 1)
		for _, e := range log[:2] {
			if !strings.HasPrefix(e.Action, "privacy.") || strings.Contains(e.Detail, "ana@") {
				t.Errorf("audit: %+v", e)
			}
		}

		// Bo deletes his own comments: the same answer for any address,
		// and a link only his mailbox gets.
		c := browserClient(t)
		for _, who := range []string{"bo@example.org", "nobody@example.org"} {
			resp, page := post(t, c, site.URL+"/comments/erase", url.Values{"email": {who}})
			if resp.StatusCode != 200 || !strings.Contains(page, "If comments were written with this address") {
				t.Fatalf("request for %s: %d", who, resp.StatusCode)
			}
		}
		if len(mailsTo(t, site, "nobody@example.org")) != 0 {
			t.Error("a stranger's address got mail")
		}
		mails := mailsTo(t, site, "bo@example.org")
		m := regexp.MustCompile(`/comments/erase/confirm\?k=([A-Za-z0-9_-]+)`).FindStringSubmatch(mails[0].Text)
		if m == nil {
			t.Fatalf("no link in %q", mails[0].Text)
		}
		if resp, _ := get(t, c, site.URL+"/comments/erase/confirm?k="+m[1]+"x"); resp.StatusCode != http.StatusForbidden {
			t.Errorf("a forged link: %d", resp.StatusCode)
		}
		if _, page := get(t, c, site.URL+"/comments/erase/confirm?k="+m[1]); !strings.Contains(page, "Delete my comments") {
			t.Fatal("no confirmation page")
		}
		_, page := post(t, c, site.URL+"/comments/erase/confirm", url.Values{"k": {m[1]}})
		var bo int
		db.Read.QueryRow(`SELECT count(*) FROM comments WHERE author_email = 'bo@example.org'`).Scan(&bo)
		if bo != 0 || !strings.Contains(page, "1 comment was deleted") {
			t.Errorf("after the link: %d comments\n%s", bo, page)
		}
		site.Clock.Advance(49 * time.Hour)
		if resp, _ := get(t, c, site.URL+"/comments/erase/confirm?k="+m[1]); resp.StatusCode != http.StatusForbidden {
			t.Errorf("an expired link: %d", resp.StatusCode)
		}
	})
}

// /privacy reports what the site stores from its real settings.
func TestPrivacyPageFollowsTheSettings(t *testing.T) {
	site := apptest.Start(t, dbtest.SQLite(t))
	c := browserClient(t)
	if _, page := get(t, c, site.URL+"/privacy"); !strings.Contains(page, "erased 12 months after") || !strings.Contains(page, "for 30 days") ||
		!strings.Contains(page, `href="/comments/erase"`) {
		t.Errorf("privacy page:\n%s", page)
	}
	settings, _ := site.Service.SiteSettings(context.Background())
	settings.LetterRetention = "0"
	if err := site.Service.UpdateSettings(context.Background(), 0, settings); err != nil {
		t.Fatal(err)
	}
	if _, page := get(t, c, site.URL+"/privacy"); strings.Contains(page, "months after its conversation was closed") {
		t.Error("the page did not follow the new retention")
	}
}
