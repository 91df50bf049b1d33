package main

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"database/sql"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"net"
	"net/http"
	neturl "net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/confide/confide/internal/app"
	"github.com/confide/confide/internal/config"
	"github.com/confide/confide/internal/database/dbtest"
	"github.com/confide/confide/internal/wxr/wxrtest"
	_ "modernc.org/sqlite"
)

// syncBuffer is a bytes.Buffer safe to read while the command writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func noEnv(string) string { return "" }

func runCmd(args ...string) (int, string, string) {
	var out, errb syncBuffer
	code := run(context.Background(), args, noEnv, nil, &out, &errb)
	return code, out.String(), errb.String()
}

func TestBadInputExits2WithOneLine(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"serve", "--addr", "nonsense"}, `--addr "nonsense": want host:port`},
		{[]string{"serve", "--db", "mysql://x"}, "want sqlite:PATH or postgres://"},
		{[]string{"serve", "--bogus"}, "flag provided but not defined"},
		{[]string{"migrate", "extra"}, `unexpected argument "extra"`},
		{[]string{"serve", "--db", "postgres://postgres@127.0.0.1:1/none?connect_timeout=2"}, "connect"},
		{[]string{"migrate", "--db", "sqlite:/no/such/folder/x.db"}, "no such file or directory"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			code, _, stderr := runCmd(tc.args...)
			if code != 2 {
				t.Errorf("exit %d, want 2 (stderr %q)", code, stderr)
			}
			if !strings.HasPrefix(stderr, "confide ") || !strings.Contains(stderr, tc.want) {
				t.Errorf("stderr %q, want it to mention %q", stderr, tc.want)
			}
			if strings.Count(stderr, "\n") != 1 {
				t.Errorf("want exactly one line on stderr, got %q", stderr)
			}
		})
	}
	if code, _, stderr := runCmd("frobnicate"); code != 2 || !strings.Contains(stderr, `unknown command "frobnicate"`) {
		t.Errorf("unknown command: %d %q", code, stderr)
	}
	if code, _, _ := runCmd(); code != 2 {
		t.Errorf("no command: exit %d", code)
	}
}

func TestHelpPrintsFlags(t *testing.T) {
	code, _, stderr := runCmd("serve", "-h")
	if code != 0 || !strings.Contains(stderr, "-addr") || !strings.Contains(stderr, "CONFIDE_DB") {
		t.Fatalf("serve -h: %d %q", code, stderr)
	}
}

func TestVersion(t *testing.T) {
	code, out, _ := runCmd("version")
	if code != 0 || !strings.HasPrefix(out, "confide dev (go") {
		t.Fatalf("version: %d %q", code, out)
	}
}

func TestMigrate(t *testing.T) {
	dbURL := "sqlite:" + filepath.Join(t.TempDir(), "m.db")
	for i := 0; i < 2; i++ {
		code, out, stderr := runCmd("migrate", "--db", dbURL)
		if code != 0 || !strings.Contains(out, "up to date") {
			t.Fatalf("migrate #%d: %d %q %q", i+1, code, out, stderr)
		}
	}
	// The environment twin is read when the flag is absent.
	var out, errb syncBuffer
	pgURL := dbtest.PostgresURL(t)
	code := run(context.Background(), []string{"migrate"}, func(k string) string {
		if k == "CONFIDE_DB" {
			return pgURL
		}
		return ""
	}, nil, &out, &errb)
	if code != 0 {
		t.Fatalf("migrate on PostgreSQL from CONFIDE_DB: %d %q", code, errb.String())
	}
}

// startDemo runs `confide demo` until the returned stop is called, and gives
// its URL.
func startDemo(t *testing.T, dbURL string) (string, func() int) {
	url, _, stop := startDemoOut(t, dbURL)
	return url, stop
}

// startDemoOut is startDemo that also gives the command's output so far.
func startDemoOut(t *testing.T, dbURL string) (string, *syncBuffer, func() int) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var out, errb syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"demo", "--addr", "127.0.0.1:0", "--db", dbURL}, noEnv, nil, &out, &errb)
	}()
	re := regexp.MustCompile(`at (http://127\.0\.0\.1:\d+)/`)
	deadline := time.Now().Add(30 * time.Second)
	for {
		if m := re.FindStringSubmatch(out.String()); m != nil {
			return m[1], &out, func() int { cancel(); return <-done }
		}
		select {
		case code := <-done:
			t.Fatalf("demo exited with %d: %s", code, errb.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("demo did not start: %q %q", out.String(), errb.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestDemoTwiceDoesNotDuplicate(t *testing.T) {
	path := filepath.Join(t.TempDir(), "demo.db")
	for i := 0; i < 2; i++ {
		url, stop := startDemo(t, "sqlite:"+path)
		resp, err := http.Get(url + "/")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("run %d: home page status %d", i+1, resp.StatusCode)
		}
		if code := stop(); code != 0 {
			t.Fatalf("run %d: demo exited %d", i+1, code)
		}
	}
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	counts := map[string]int{}
	for _, table := range []string{"sections", "stories", "comments", "related_stories"} {
		var n int
		if err := db.QueryRow(fmt.Sprintf("SELECT count(*) FROM %s", table)).Scan(&n); err != nil {
			t.Fatal(err)
		}
		counts[table] = n
	}
	// Related stories are made with the demo content, for every story.
	if counts["sections"] != 4 || counts["stories"] != 12 || counts["comments"] < 40 || counts["related_stories"] != 12 {
		t.Fatalf("after two runs: %v", counts)
	}
	var pending int
	db.QueryRow(`SELECT count(*) FROM comments WHERE status = 'pending'`).Scan(&pending)
	if pending != 1 {
		t.Fatalf("%d pending comments, want 1", pending)
	}
}

func runWithStdin(stdin string, args ...string) (int, string, string) {
	var out, errb syncBuffer
	code := run(context.Background(), args, noEnv, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

func TestUserAdd(t *testing.T) {
	db := "sqlite:" + filepath.Join(t.TempDir(), "u.db")
	code, out, stderr := runWithStdin("a walk in the autumn rain\n", "user", "add", "--db", db, "--email", "Rose@Example.org", "--name", "Rose", "--role", "advisor")
	if code != 0 || !strings.Contains(out, "Created Rose (rose@example.org) as advisor") || strings.Contains(out, "Password") {
		t.Fatalf("user add with a piped password: %d %q %q", code, out, stderr)
	}
	code, out, _ = runWithStdin("", "user", "add", "--db", db, "--email", "sam@example.org", "--name", "Sam", "--role", "moderator")
	m := regexp.MustCompile(`Password \(shown only now\): (\S{20})`).FindStringSubmatch(out)
	if code != 0 || m == nil {
		t.Fatalf("user add with a generated password: %d %q", code, out)
	}
	for _, tc := range []struct {
		stdin string
		args  []string
		code  int
		want  string
	}{
		{"", []string{"--email", "x@example.org", "--name", "X"}, 2, "--role is required"},
		{"", []string{"--email", "x@example.org", "--name", "X", "--role", "boss"}, 2, "--role: Choose admin, advisor or moderator."},
		{"short\n", []string{"--email", "x@example.org", "--name", "X", "--role", "admin"}, 2, "--password: Use at least 10 characters."},
		{"", []string{"--email", "rose@example.org", "--name", "R", "--role", "admin"}, 2, "--email: This address already has an account."},
	} {
		code, _, stderr := runWithStdin(tc.stdin, append([]string{"user", "add", "--db", db}, tc.args...)...)
		if code != tc.code || !strings.Contains(stderr, tc.want) || strings.Count(stderr, "\n") != 1 {
			t.Errorf("user add %v: exit %d (want %d), stderr %q (want %q)", tc.args, code, tc.code, stderr, tc.want)
		}
	}
}

// serve on an empty database prints a setup link that works once; demo
// prints an advisor login that works.
func TestServePrintsSetupLinkAndDemoPrintsLogin(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	var out, errb syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--db", "sqlite:" + filepath.Join(dir, "s.db")}, noEnv, nil, &out, &errb)
	}()
	var link string
	for deadline := time.Now().Add(20 * time.Second); link == "" && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		link = regexp.MustCompile(`http://127\.0\.0\.1:\d+/setup\?token=[0-9a-f]{48}`).FindString(out.String())
	}
	if link == "" {
		t.Fatalf("no setup link printed: %q %q", out.String(), errb.String())
	}
	resp, err := http.Get(link)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("setup link: %v %v", resp, err)
	}
	resp.Body.Close()
	cancel()
	if code := <-done; code != 0 {
		t.Fatalf("serve exited %d: %s", code, errb.String())
	}

	demoURL, demoOut, stop := startDemoOut(t, "sqlite:"+filepath.Join(dir, "d.db"))
	defer stop()
	m := regexp.MustCompile(`demo@confide\.local with password (\S+)`).FindStringSubmatch(demoOut.String())
	if m == nil || strings.Contains(demoOut.String(), "/setup?token=") {
		t.Fatalf("demo output: %q", demoOut.String())
	}
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err = noRedirect.PostForm(demoURL+"/admin/login", neturl.Values{"email": {"demo@confide.local"}, "password": {m[1]}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/admin/" {
		t.Fatalf("demo advisor login: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
}

// A secret key file that is missing or too short stops serve with one line
// and status 2; on SQLite without one, a key is made beside the database,
// readable by its owner only.
func TestSecretKeyFile(t *testing.T) {
	dir := t.TempDir()
	short := filepath.Join(dir, "short.key")
	os.WriteFile(short, []byte("tooshort\n"), 0o600)
	db := "sqlite:" + filepath.Join(dir, "k.db")
	for file, want := range map[string]string{filepath.Join(dir, "none.key"): "no such file", short: "at least 32"} {
		code, _, stderr := runCmd("serve", "--db", db, "--addr", "127.0.0.1:0", "--secret-key-file", file)
		if code != 2 || !strings.Contains(stderr, want) || strings.Count(stderr, "\n") != 1 {
			t.Errorf("--secret-key-file %s: exit %d, %q", file, code, stderr)
		}
	}
	key, err := app.SecretKey("", db)
	if err != nil || len(key) < 32 {
		t.Fatalf("made key: %q %v", key, err)
	}
	fi, err := os.Stat(filepath.Join(dir, "k.db.key"))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v %v", fi, err)
	}
	again, _ := app.SecretKey("", db)
	if string(again) != string(key) {
		t.Error("the key changed between starts")
	}
	if k, err := app.SecretKey("", "postgres://x@127.0.0.1/db"); k != nil || err != nil {
		t.Errorf("PostgreSQL without a file: %q %v", k, err)
	}
}

func TestSafetyCheck(t *testing.T) {
	var stdout, stderr bytes.Buffer
	in := strings.NewReader("I took all my pills an hour ago\n\nThis exam is killing me\nI feel like a burden to everyone\n")
	if code := run(context.Background(), []string{"safety", "check"}, noEnv, in, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	out := stdout.String()
	for _, want := range []string{"high    I took all my pills an hour ago", "“took all my pills” (high)", "none    This exam is killing me",
		"low     I feel like a burden to everyone"} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in:\n%s", want, out)
		}
	}
	// An operator's own lists.
	dir := t.TempDir()
	lists := filepath.Join(dir, "mine.txt")
	texts := filepath.Join(dir, "texts.txt")
	os.WriteFile(lists, []byte("[class x]\nfoo\n[medium]\nfeeling grim\n"), 0o644)
	os.WriteFile(texts, []byte("I am feeling grim today\n"), 0o644)
	stdout.Reset()
	if code := run(context.Background(), []string{"safety", "check", "--lists", lists, texts}, noEnv, nil, &stdout, &stderr); code != 0 ||
		!strings.Contains(stdout.String(), "medium  I am feeling grim today") {
		t.Errorf("own lists: %d %q %q", code, stdout.String(), stderr.String())
	}
	// Mistakes: a clear message, exit 2.
	for _, args := range [][]string{{"safety"}, {"safety", "check", filepath.Join(dir, "missing.txt")}, {"safety", "check", "--lists", texts}} {
		stderr.Reset()
		if code := run(context.Background(), args, noEnv, strings.NewReader(""), &stdout, &stderr); code != 2 || stderr.Len() == 0 {
			t.Errorf("%v: exit %d, %q", args, code, stderr.String())
		}
	}
}

// confide backup copies a SQLite database while the site writes to it,
// checks the copy, and the documented restore (starting on the copy)
// brings every story and comment back. PostgreSQL gets the pg_dump
// command instead, and mistakes exit 2.
func TestBackupAndRestore(t *testing.T) {
	dir := t.TempDir()
	dbURL := "sqlite:" + filepath.Join(dir, "site.db")
	ctx := context.Background()
	var stdout, stderr bytes.Buffer
	if code := run(ctx, []string{"migrate", "--db", dbURL}, noEnv, nil, &stdout, &stderr); code != 0 {
		t.Fatalf("migrate: %s", stderr.String())
	}
	db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "site.db")+"?_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`INSERT INTO sections (slug, name, position, created_at) VALUES ('family', 'Family', 1, '2026-01-01 00:00:00')`); err != nil {
		t.Fatal(err)
	}
	insert := func(i int) error {
		_, err := db.Exec(`INSERT INTO stories (slug, section_id, title, letter, reply, status, published_at, created_at, updated_at)
			VALUES ($1, 1, $2, 'A letter.', 'A reply.', 'published', '2026-01-01 00:00:00', '2026-01-01 00:00:00', '2026-01-01 00:00:00')`,
			fmt.Sprintf("story-%d", i), fmt.Sprintf("Story %d", i))
		return err
	}
	for i := 0; i < 200; i++ {
		if err := insert(i); err != nil {
			t.Fatal(err)
		}
	}
	// Writes go on while the copy is made.
	stop := make(chan struct{})
	done := make(chan int)
	go func() {
		n := 0
		for i := 200; ; i++ {
			select {
			case <-stop:
				done <- n
				return
			default:
			}
			if insert(i) == nil {
				n++
			}
		}
	}()
	file := filepath.Join(dir, "backup.db")
	code := run(ctx, []string{"backup", "--db", dbURL, file}, noEnv, nil, &stdout, &stderr)
	close(stop)
	written := <-done
	if code != 0 || !strings.Contains(stdout.String(), "Backed up to") || !strings.Contains(stdout.String(), "To restore") {
		t.Fatalf("backup: %d %q %q", code, stdout.String(), stderr.String())
	}
	if written == 0 {
		t.Log("no write landed during the copy")
	}
	// The restore: start on the copy.
	a, err := app.Open(ctx, configFor(t, "sqlite:"+file), slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	st, err := a.Service.PublishedStory(ctx, "story-199")
	if err != nil || st.Title != "Story 199" {
		t.Fatalf("restored story: %+v %v", st, err)
	}
	// Never over an existing file; a clear message.
	stderr.Reset()
	if code := run(ctx, []string{"backup", "--db", dbURL, file}, noEnv, nil, &stdout, &stderr); code == 0 || !strings.Contains(stderr.String(), "exists already") {
		t.Errorf("over an existing file: %d %q", code, stderr.String())
	}
	stderr.Reset()
	if code := run(ctx, []string{"backup", "--db", dbURL}, noEnv, nil, &stdout, &stderr); code != 2 {
		t.Errorf("without a file: %d %q", code, stderr.String())
	}
	if pg := os.Getenv("CONFIDE_TEST_POSTGRES"); pg != "" {
		stderr.Reset()
		if code := run(ctx, []string{"backup", "--db", pg, filepath.Join(dir, "pg.dump")}, noEnv, nil, &stdout, &stderr); code != 2 ||
			!strings.Contains(stderr.String(), "pg_dump --format=custom") {
			t.Errorf("PostgreSQL: %d %q", code, stderr.String())
		}
	}
}

func configFor(t *testing.T, db string) config.Config {
	t.Helper()
	return config.Config{DB: db, BaseURL: "http://localhost"}
}

// confide export writes the public content as JSON, nothing private in
// it; confide search rebuild makes the indexes and related lists again.
func TestExportAndSearchRebuild(t *testing.T) {
	path := filepath.Join(t.TempDir(), "demo.db")
	url, stop := startDemo(t, "sqlite:"+path)
	resp, err := http.Get(url + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if code := stop(); code != 0 {
		t.Fatalf("demo exited %d", code)
	}
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	// A held comment and a private letter, which an export must leave out.
	if _, err := db.Exec(`INSERT INTO comments (story_id, author_name, author_email, body, status, created_at)
		SELECT id, 'Held', 'held@example.org', 'A held comment body.', 'pending', '2026-01-01 00:00:00' FROM stories LIMIT 1`); err != nil {
		t.Fatal(err)
	}
	var published, approved int
	db.QueryRow(`SELECT count(*) FROM stories WHERE status = 'published'`).Scan(&published)
	db.QueryRow(`SELECT count(*) FROM comments c JOIN stories s ON s.id = c.story_id WHERE c.status = 'approved' AND s.status = 'published'`).Scan(&approved)

	out := filepath.Join(t.TempDir(), "export.json")
	var stdout, stderr bytes.Buffer
	ctx := context.Background()
	if code := run(ctx, []string{"export", "--db", "sqlite:" + path, out}, noEnv, nil, &stdout, &stderr); code != 0 {
		t.Fatalf("export: %d %s", code, stderr.String())
	}
	raw, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Format   string
		Sections []map[string]any
		Stories  []struct{ Slug, Title, Letter string }
		Comments []struct{ Story, Body string }
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	if doc.Format != "confide-export-1" || len(doc.Sections) != 4 || len(doc.Stories) != published || len(doc.Comments) != approved || approved == 0 {
		t.Fatalf("export: %s, %d sections, %d/%d stories, %d/%d comments", doc.Format, len(doc.Sections), len(doc.Stories), published, len(doc.Comments), approved)
	}
	for _, secret := range []string{"@example.org", "A held comment body", "addr_hash", "token"} {
		if bytes.Contains(raw, []byte(secret)) {
			t.Errorf("the export holds %q", secret)
		}
	}
	if code := run(ctx, []string{"export", "--db", "sqlite:" + path, out}, noEnv, nil, &stdout, &stderr); code == 0 {
		t.Error("an export overwrote a file")
	}
	// Rebuild: the indexes answer, and every story has its related list.
	db.Exec(`DELETE FROM related_stories`)
	stdout.Reset()
	if code := run(ctx, []string{"search", "rebuild", "--db", "sqlite:" + path}, noEnv, nil, &stdout, &stderr); code != 0 ||
		!strings.Contains(stdout.String(), "rebuilt") {
		t.Fatalf("rebuild: %d %q %q", code, stdout.String(), stderr.String())
	}
	var related, found int
	db.QueryRow(`SELECT count(*) FROM related_stories`).Scan(&related)
	db.QueryRow(`SELECT count(*) FROM stories_fts WHERE stories_fts MATCH 'lonely'`).Scan(&found)
	if related != published || found == 0 {
		t.Errorf("after the rebuild: %d related lists for %d stories, %d matches", related, published, found)
	}
	if code := run(ctx, []string{"search"}, noEnv, nil, &stdout, &stderr); code != 2 {
		t.Errorf("'confide search' alone: %d", code)
	}
}

// /metrics answers on --metrics-addr only, with requests by route and
// status, the page cache, the database pools, the work waiting and the
// build; the public address has no /metrics.
func TestMetricsOnTheirOwnAddress(t *testing.T) {
	path := filepath.Join(t.TempDir(), "m.db")
	ctx, cancel := context.WithCancel(context.Background())
	var out, errb syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"demo", "--addr", "127.0.0.1:0", "--metrics-addr", "127.0.0.1:0", "--db", "sqlite:" + path}, noEnv, nil, &out, &errb)
	}()
	defer func() { cancel(); <-done }()
	site := regexp.MustCompile(`is serving .* at (http://127\.0\.0\.1:\d+)/`)
	metrics := regexp.MustCompile(`Metrics at (http://127\.0\.0\.1:\d+/metrics)`)
	var base, murl string
	for deadline := time.Now().Add(30 * time.Second); base == "" || murl == ""; {
		if m := site.FindStringSubmatch(out.String()); m != nil {
			base = m[1]
		}
		if m := metrics.FindStringSubmatch(out.String()); m != nil {
			murl = m[1]
		}
		if time.Now().After(deadline) {
			t.Fatalf("did not start: %q %q", out.String(), errb.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	// Several asks of one page, apart (the demo's background jobs change
	// the content as it starts): some are served from the cache.
	for i := 0; i < 6; i++ {
		resp, err := http.Get(base + "/stories/he-reads-my-messages-and-says-it-is-because-he-loves-me")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		time.Sleep(150 * time.Millisecond)
	}
	if resp, err := http.Get(base + "/metrics"); err != nil || resp.StatusCode != 404 {
		t.Errorf("/metrics on the public address: %v %v", resp, err)
	}
	resp, err := http.Get(murl)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{
		`confide_http_requests_total{route="GET /stories/{slug}",status="200"} 6`,
		`confide_http_request_duration_seconds_bucket{route="GET /stories/{slug}"`,
		"confide_page_cache_hits_total", "confide_page_cache_misses_total", "confide_page_cache_bytes",
		`confide_db_connections_in_use{pool="read"}`, `confide_outbox_messages{status="pending"}`, "confide_comments_pending",
		"confide_letters_open 1", `confide_build_info{goversion="go`, "go_goroutines",
	} {
		if !strings.Contains(string(body), want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	// At least one was served from the cache.
	if m := regexp.MustCompile(`confide_page_cache_hits_total (\d+)`).FindStringSubmatch(string(body)); m == nil || m[1] == "0" {
		t.Errorf("no cache hit counted: %v", m)
	}
	var stderr bytes.Buffer
	if code := run(context.Background(), []string{"serve", "--addr", "127.0.0.1:8123", "--metrics-addr", "127.0.0.1:8123"}, noEnv, nil, &stderr, &stderr); code != 2 {
		t.Errorf("metrics on the site's address: %d %s", code, stderr.String())
	}
}

// testCert writes a self-signed certificate for 127.0.0.1 and returns its
// files and a pool that trusts it.
func testCert(t *testing.T) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(7), Subject: pkix.Name{CommonName: "127.0.0.1"},
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kder, _ := x509.MarshalECPrivateKey(key)
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644)
	os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}), 0o600)
	cert, _ := x509.ParseCertificate(der)
	pool = x509.NewCertPool()
	pool.AddCert(cert)
	return certFile, keyFile, pool
}

// With --tls-cert and --tls-key the site serves HTTPS with HSTS, and
// --http-redirect-addr answers plain HTTP with a redirect to HTTPS only.
func TestServesHTTPS(t *testing.T) {
	certFile, keyFile, pool := testCert(t)
	ctx, cancel := context.WithCancel(context.Background())
	var out, errb syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"demo", "--addr", "127.0.0.1:0", "--db", "sqlite:" + filepath.Join(t.TempDir(), "tls.db"),
			"--tls-cert", certFile, "--tls-key", keyFile, "--http-redirect-addr", "127.0.0.1:0"}, noEnv, nil, &out, &errb)
	}()
	defer func() { cancel(); <-done }()
	siteRe := regexp.MustCompile(`is serving .* at (https://127\.0\.0\.1:\d+)/`)
	redirRe := regexp.MustCompile(`Redirecting (http://127\.0\.0\.1:\d+) to HTTPS`)
	var base, plain string
	for deadline := time.Now().Add(30 * time.Second); base == "" || plain == ""; {
		if m := siteRe.FindStringSubmatch(out.String()); m != nil {
			base = m[1]
		}
		if m := redirRe.FindStringSubmatch(out.String()); m != nil {
			plain = m[1]
		}
		if time.Now().After(deadline) {
			t.Fatalf("did not start: %q %q", out.String(), errb.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Get(base + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Strict-Transport-Security"), "max-age=") {
		t.Errorf("HTTPS: %d, HSTS %q", resp.StatusCode, resp.Header.Get("Strict-Transport-Security"))
	}
	resp, err = client.Get(plain + "/stories/x?page=2")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusPermanentRedirect || resp.Header.Get("Location") != "https://127.0.0.1/stories/x?page=2" {
		t.Errorf("plain HTTP: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	var stderr bytes.Buffer
	if code := run(context.Background(), []string{"serve", "--tls-cert", certFile}, noEnv, nil, &stderr, &stderr); code != 2 ||
		!strings.Contains(stderr.String(), "go together") {
		t.Errorf("a certificate without its key: %d %q", code, stderr.String())
	}
}

// The import round trip through the command: a WordPress export imported,
// run again (nothing changes), broken and oversized files refused with one
// line, then the site serves the stories, comments and old addresses.
func TestImportWordPress(t *testing.T) {
	dir := t.TempDir()
	db := "sqlite:" + filepath.Join(dir, "site.db")
	const export = "../../internal/wxr/testdata/site.xml"
	code, out, errs := runCmd("import", "wordpress", "--db", db, "--log-level", "warn", export)
	if code != 0 || !strings.Contains(out, "3 new sections, 5 stories, 5 comments") || !strings.Contains(out, "1 spam comment") {
		t.Fatalf("import: %d %q %q", code, out, errs)
	}
	code, out, _ = runCmd("import", "wordpress", "--db", db, "--log-level", "warn", export)
	if code != 0 || !strings.Contains(out, "0 stories, 0 comments") || !strings.Contains(out, "5 posts had been imported before") {
		t.Fatalf("second import: %d %q", code, out)
	}

	big := filepath.Join(dir, "big.xml")
	f, err := os.Create(big)
	if err != nil {
		t.Fatal(err)
	}
	if err := wxrtest.Write(f, wxrtest.Options{Posts: 400, Comments: 5, Seed: 2}); err != nil {
		t.Fatal(err)
	}
	f.Close()
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"../../internal/wxr/testdata/bomb.xml"}, 1, "declares XML entities"},
		{[]string{"--max-size", "1", big}, 1, "bigger than the size limit"},
		{[]string{filepath.Join(dir, "none.xml")}, 2, "no such file"},
		{[]string{dir}, 2, "is a folder"},
		{[]string{"--max-size", "0", export}, 2, "--max-size 0"},
		{nil, 2, "say which export"},
	} {
		args := append([]string{"import", "wordpress", "--db", db, "--log-level", "warn"}, tc.args...)
		code, _, stderr := runCmd(args...)
		if code != tc.code || !strings.Contains(stderr, tc.want) || strings.Count(stderr, "\n") != 1 {
			t.Errorf("%v: exit %d, stderr %q; want %d and %q on one line", tc.args, code, stderr, tc.code, tc.want)
		}
	}
	if code, _, stderr := runCmd("import", "joomla", "x.xml"); code != 2 || !strings.Contains(stderr, "wordpress") {
		t.Errorf("import joomla: %d %q", code, stderr)
	}

	url, stop := startDemo(t, db) // the database has sections: no demo content is added
	defer stop()
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noFollow.Get(url + "/?p=101")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMovedPermanently || resp.Header.Get("Location") != "/stories/the-evenings-are-the-hardest" {
		t.Fatalf("/?p=101: %s %q", resp.Status, resp.Header.Get("Location"))
	}
	resp, err = http.Get(url + "/2019/11/04/the-evenings-are-the-hardest/")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{"Since I moved to the city", "Margit’s reply", "Tonight I will sit down.", "in reply to"} {
		if resp.StatusCode != 200 || !strings.Contains(string(body), want) {
			t.Errorf("story page after the redirect: %s, lacks %q", resp.Status, want)
		}
	}
	if strings.Contains(string(body), "Demo") && strings.Contains(string(body), "He reads my messages") {
		t.Error("demo content was added to an imported site")
	}
}
