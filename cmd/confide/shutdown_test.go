package main

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	neturl "net/url"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/confide/confide/internal/app"
	"github.com/confide/confide/internal/service"
)

// The real binary, sent SIGTERM while letters are being shared, stops
// accepting, finishes what it answered, and exits 0: every letter whose
// sending was answered is in the database afterwards.
func TestSigtermKeepsEveryAnsweredWrite(t *testing.T) {
	bin := buildBinary(t)
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "site.db")
	// The site, with the anti-spam layers that need a person turned off.
	a := openForLoad(t, "sqlite:"+dbPath)
	a.Close()

	base, cmd, out := startServe(t, bin, dbPath)

	var mu sync.Mutex
	var answered []string
	stop := make(chan struct{})
	var wg sync.WaitGroup
	client := &http.Client{Timeout: 15 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				title := fmt.Sprintf("Shutdown letter %d-%d", w, i)
				resp, err := client.PostForm(base+"/share", neturl.Values{"title": {title}, "consent": {"private"},
					"body": {"A letter written while the site is being stopped, to see that nothing answered is lost."}})
				if err != nil {
					continue // refused: the server stopped accepting
				}
				resp.Body.Close()
				if resp.StatusCode == http.StatusSeeOther {
					mu.Lock()
					answered = append(answered, title)
					mu.Unlock()
				}
			}
		}()
	}
	time.Sleep(700 * time.Millisecond)
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	select {
	case err := <-exited:
		if err != nil {
			t.Errorf("the server exited with %v: %s", err, out.String())
		}
	case <-time.After(15 * time.Second):
		t.Fatal("the server did not stop within 15 s")
	}
	close(stop)
	wg.Wait()
	if len(answered) < 5 {
		t.Fatalf("only %d letters were answered before the stop", len(answered))
	}
	db, err := sql.Open("sqlite", "file:"+dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT title FROM letters WHERE title LIKE 'Shutdown letter %'`)
	if err != nil {
		t.Fatal(err)
	}
	stored := map[string]bool{}
	for rows.Next() {
		var title string
		rows.Scan(&title)
		stored[title] = true
	}
	rows.Close()
	var lost []string
	for _, title := range answered {
		if !stored[title] {
			lost = append(lost, title)
		}
	}
	if len(lost) > 0 {
		t.Errorf("%d of %d answered letters are not in the database: %s", len(lost), len(answered), strings.Join(lost, ", "))
	}
	t.Logf("%d letters answered before SIGTERM, all stored; %d stored in all", len(answered), len(stored))
}

// openForLoad opens the site at dbURL with the anti-spam layers that need
// a person switched off, so a test's clients can post as fast as they like.
// The caller closes it before starting the real binary on the database.
func openForLoad(t *testing.T, dbURL string) *app.App {
	t.Helper()
	ctx := context.Background()
	a, err := app.Open(ctx, configFor(t, dbURL), slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Service.SetAntiSpam(ctx, 0, service.AntiSpam{Policy: service.PolicyPublish}); err != nil {
		a.Close()
		t.Fatal(err)
	}
	return a
}
