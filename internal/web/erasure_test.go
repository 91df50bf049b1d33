package web_test

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"

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
