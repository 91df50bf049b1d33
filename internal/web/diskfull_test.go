package web_test

import (
	"context"
	"net/http"
	"net/url"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/confide/confide/internal/app/apptest"
	"github.com/confide/confide/internal/database"
)

// A full disk under SQLite (a small tmpfs): the write that does not fit is
// answered 503 with a page that says so, nothing answered before is lost,
// pages are still read, and the database is whole.
func TestFullDiskOnSQLite(t *testing.T) {
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=6m", "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a small tmpfs here (needs root): %v %s", err, out)
	}
	t.Cleanup(func() { exec.Command("umount", dir).Run() }) // runs last
	ctx := context.Background()
	db, err := database.Open(ctx, "sqlite:"+filepath.Join(dir, "site.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	site := apptest.Start(t, db)
	setLayers(t, site, openLayers)
	c := browserClient(t)
	body := strings.Repeat("The winter was long and I did not know whom to tell. ", 300)
	var answered []string
	var full *http.Response
	var page string
	for i := 0; i < 2000; i++ {
		title := "Disk letter " + itoa(int64(i))
		resp, p := post(t, c, site.URL+"/share", url.Values{"title": {title}, "body": {body}, "consent": {"private"}})
		if resp.StatusCode == http.StatusSeeOther {
			answered = append(answered, title)
			continue
		}
		full, page = resp, p
		break
	}
	if full == nil {
		t.Fatal("the disk never filled")
	}
	if full.StatusCode != http.StatusServiceUnavailable || full.Header.Get("Retry-After") == "" || !strings.Contains(page, "cannot store") {
		t.Fatalf("the write that did not fit: %d %q", full.StatusCode, full.Header.Get("Retry-After"))
	}
	if len(answered) < 5 {
		t.Fatalf("only %d letters fitted: the test shows nothing", len(answered))
	}
	// Reading goes on.
	if resp, _ := get(t, c, site.URL+"/stories/"+slugOf(lenaTitle)); resp.StatusCode != http.StatusOK {
		t.Errorf("a story page on a full disk: %d", resp.StatusCode)
	}
	var check string
	if err := db.Read.QueryRowContext(ctx, "PRAGMA integrity_check").Scan(&check); err != nil || check != "ok" {
		t.Fatalf("integrity check: %q %v", check, err)
	}
	for _, title := range answered {
		var n int
		db.Read.QueryRowContext(ctx, `SELECT count(*) FROM letters WHERE title = $1`, title).Scan(&n)
		if n != 1 {
			t.Errorf("%s: %d rows", title, n)
		}
	}
	t.Logf("%d letters stored before the disk filled; the next answered %d", len(answered), full.StatusCode)
}
