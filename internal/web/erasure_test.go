package web_test

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"os"
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
