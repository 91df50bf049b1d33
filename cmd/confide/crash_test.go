package main

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	neturl "net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"github.com/confide/confide/internal/model"
	"github.com/confide/confide/internal/service"
)

// buildBinary builds confide for tests that run the real program.
func buildBinary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := filepath.Join(t.TempDir(), "confide")
	// The toolchain running the test builds the binary (the go on PATH may
	// be an older one that would fetch another).
	//lint:ignore SA1019 the root of the toolchain running this test is what is wanted
	build := exec.Command(filepath.Join(runtime.GOROOT(), "bin", "go"), "build", "-o", bin, ".")
	build.Env = append(os.Environ(), "GOTOOLCHAIN=local")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	return bin
}

// startServe starts `confide serve` on a SQLite file and returns its
// address and the running command.
func startServe(t *testing.T, bin, dbPath string) (string, *exec.Cmd, *syncBuffer) {
	t.Helper()
	cmd := exec.Command(bin, "serve", "--db", "sqlite:"+dbPath, "--addr", "127.0.0.1:0", "--log-level", "warn")
	out := &syncBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	re := regexp.MustCompile(`at (http://127\.0\.0\.1:\d+)/`)
	for deadline := time.Now().Add(30 * time.Second); ; {
		if m := re.FindStringSubmatch(out.String()); m != nil {
			return m[1], cmd, out
		}
		if time.Now().After(deadline) {
			t.Fatalf("the server did not start: %s", out.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// kill -9 during a stream of comments, letters and admin writes, then a
// restart: every write that was answered is in the database once, and the
// database is whole. (SQLite in WAL mode with synchronous=NORMAL: a process
// that dies loses nothing it committed; see docs/operating.md on power cuts.)
func TestKillNineLosesNoAnsweredWrite(t *testing.T) {
	bin := buildBinary(t)
	dbPath := filepath.Join(t.TempDir(), "site.db")
	ctx := context.Background()
	a := openForLoad(t, "sqlite:"+dbPath)
	sec := model.Section{Name: "Family"}
	if err := a.Service.AddSection(ctx, &sec); err != nil {
		t.Fatal(err)
	}
	st := model.Story{Title: "A story to comment on", Letter: "A letter.", Reply: "A reply.", SectionID: sec.ID, Status: model.StoryPublished}
	if err := a.Service.AddStory(ctx, &st); err != nil {
		t.Fatal(err)
	}
	const pw = "a crash test password"
	u, err := a.Service.CreateUser(ctx, 0, service.NewUser{Email: "admin@example.org", Name: "Admin", Role: model.RoleAdmin, Password: pw})
	if err != nil {
		t.Fatal(err)
	}
	key, _ := a.Service.NewTOTPKey(ctx, u)
	code, _ := totp.GenerateCode(key.Secret(), time.Now())
	if _, err := a.Service.EnableTwoFactor(ctx, u.ID, pw, key.Secret(), code, ""); err != nil {
		t.Fatal(err)
	}
	a.Close()

	base, cmd, out := startServe(t, bin, dbPath)
	nofollow := func(c *http.Client) *http.Client {
		c.Timeout = 10 * time.Second
		c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
		return c
	}
	jar, _ := cookiejar.New(nil)
	admin := nofollow(&http.Client{Jar: jar})
	if resp, err := admin.PostForm(base+"/admin/login", neturl.Values{"email": {"admin@example.org"}, "password": {pw}}); err != nil {
		t.Fatal(err)
	} else {
		resp.Body.Close()
	}
	// The next step's code: the one used to enrol may not be used again.
	next, _ := totp.GenerateCode(key.Secret(), time.Now().Add(30*time.Second))
	if resp, err := admin.PostForm(base+"/admin/login/code", neturl.Values{"code": {next}}); err != nil || resp.Header.Get("Location") != "/admin/" {
		t.Fatalf("admin login: %v %v", err, resp)
	} else {
		resp.Body.Close()
	}

	var mu sync.Mutex
	answered := map[string][]string{}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	writer := func(kind string, c *http.Client, send func(c *http.Client, name string) (*http.Response, error)) {
		defer wg.Done()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			name := fmt.Sprintf("Crash %s %d", kind, i)
			resp, err := send(c, name)
			if err != nil {
				continue // the server is gone
			}
			resp.Body.Close()
			if resp.StatusCode == http.StatusSeeOther {
				mu.Lock()
				answered[kind] = append(answered[kind], name)
				mu.Unlock()
			}
		}
	}
	wg.Add(4)
	for w := 0; w < 2; w++ {
		go writer(fmt.Sprintf("letter%d", w), nofollow(&http.Client{}), func(c *http.Client, name string) (*http.Response, error) {
			return c.PostForm(base+"/share", neturl.Values{"title": {name}, "consent": {"private"},
				"body": {"A letter written while the process is about to be killed, to see that nothing answered is lost."}})
		})
	}
	go writer("comment", nofollow(&http.Client{}), func(c *http.Client, name string) (*http.Response, error) {
		return c.PostForm(base+"/stories/"+st.Slug+"/comments", neturl.Values{"name": {"Reader"}, "email": {"reader@example.org"}, "body": {name}})
	})
	go writer("section", admin, func(c *http.Client, name string) (*http.Response, error) {
		return c.PostForm(base+"/admin/sections", neturl.Values{"name": {name}})
	})
	time.Sleep(1500 * time.Millisecond)
	if err := cmd.Process.Kill(); err != nil { // SIGKILL: no shutdown at all
		t.Fatal(err)
	}
	cmd.Wait()
	close(stop)
	wg.Wait()

	// The site starts again on the same file.
	_, again, _ := startServe(t, bin, dbPath)
	again.Process.Kill()
	again.Wait()

	db, err := sql.Open("sqlite", "file:"+dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var check string
	if err := db.QueryRow(`PRAGMA integrity_check`).Scan(&check); err != nil || check != "ok" {
		t.Fatalf("integrity check: %q %v", check, err)
	}
	queries := map[string]string{"letter0": `SELECT count(*) FROM letters WHERE title = ?`, "letter1": `SELECT count(*) FROM letters WHERE title = ?`,
		"comment": `SELECT count(*) FROM comments WHERE body = ?`, "section": `SELECT count(*) FROM sections WHERE name = ?`}
	total := 0
	for kind, names := range answered {
		for _, name := range names {
			var n int
			if err := db.QueryRow(queries[kind], name).Scan(&n); err != nil {
				t.Fatal(err)
			}
			if n != 1 {
				t.Errorf("%s %q: %d rows, want 1 (answered before the kill)", kind, name, n)
			}
		}
		total += len(names)
		t.Logf("%s: %d answered before kill -9, each stored once", kind, len(names))
	}
	if len(answered["comment"]) < 3 || len(answered["section"]) < 3 || len(answered["letter0"]) < 3 {
		t.Fatalf("too few writes were answered to show anything: %v\n%s", answered, out.String())
	}
	// Nothing stored twice, answered or not.
	for table, col := range map[string]string{"letters": "title", "comments": "body", "sections": "name"} {
		var dup int
		db.QueryRow(fmt.Sprintf(`SELECT count(*) FROM (SELECT %s FROM %s WHERE %s LIKE 'Crash %%' GROUP BY %s HAVING count(*) > 1) d`, col, table, col, col)).Scan(&dup)
		if dup != 0 {
			t.Errorf("%s: %d written twice", table, dup)
		}
	}
	t.Logf("%d writes answered in all, integrity ok", total)
}
