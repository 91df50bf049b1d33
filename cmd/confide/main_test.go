package main

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/confide/confide/internal/database/dbtest"
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
	code := run(context.Background(), args, noEnv, &out, &errb)
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
	}, &out, &errb)
	if code != 0 {
		t.Fatalf("migrate on PostgreSQL from CONFIDE_DB: %d %q", code, errb.String())
	}
}

// startDemo runs `confide demo` until the returned stop is called, and gives
// its URL.
func startDemo(t *testing.T, dbURL string) (string, func() int) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var out, errb syncBuffer
	done := make(chan int, 1)
	go func() { done <- run(ctx, []string{"demo", "--addr", "127.0.0.1:0", "--db", dbURL}, noEnv, &out, &errb) }()
	re := regexp.MustCompile(`at (http://127\.0\.0\.1:\d+)/`)
	deadline := time.Now().Add(30 * time.Second)
	for {
		if m := re.FindStringSubmatch(out.String()); m != nil {
			return m[1], func() int { cancel(); return <-done }
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
	for _, table := range []string{"sections", "stories", "comments"} {
		var n int
		if err := db.QueryRow(fmt.Sprintf("SELECT count(*) FROM %s", table)).Scan(&n); err != nil {
			t.Fatal(err)
		}
		counts[table] = n
	}
	if counts["sections"] != 4 || counts["stories"] != 12 || counts["comments"] < 40 {
		t.Fatalf("after two runs: %v", counts)
	}
	var pending int
	db.QueryRow(`SELECT count(*) FROM comments WHERE status = 'pending'`).Scan(&pending)
	if pending != 1 {
		t.Fatalf("%d pending comments, want 1", pending)
	}
}
