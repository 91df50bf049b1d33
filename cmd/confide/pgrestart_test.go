package main

import (
	"fmt"
	"net"
	"net/http"
	neturl "net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// privateCluster is a PostgreSQL cluster of the test's own, made with
// initdb, so that stopping it disturbs no other test.
type privateCluster struct {
	bin, dir string
	port     int
	asUser   []string // runs a command as the postgres user when the test runs as root
}

func newPrivateCluster(t *testing.T) *privateCluster {
	t.Helper()
	bins, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
	if len(bins) == 0 {
		if os.Getenv("CI") != "" {
			t.Fatal("initdb not found: CI must run the database-restart test")
		}
		t.Skip("initdb not found (Debian's postgresql package has it)")
	}
	c := &privateCluster{bin: filepath.Dir(bins[len(bins)-1])}
	parent, err := os.MkdirTemp("", "confide-pg-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(parent) })
	os.Chmod(parent, 0o755)
	c.dir = filepath.Join(parent, "data")
	if os.Geteuid() == 0 { // PostgreSQL refuses to run as root
		c.asUser = []string{"runuser", "-u", "postgres", "--"}
		if err := os.Mkdir(c.dir, 0o700); err != nil {
			t.Fatal(err)
		}
		if out, err := exec.Command("chown", "postgres:postgres", c.dir, parent).CombinedOutput(); err != nil {
			t.Fatalf("chown: %v %s", err, out)
		}
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	c.port = l.Addr().(*net.TCPAddr).Port
	l.Close()
	c.run(t, "initdb", "-D", c.dir, "-A", "trust", "-U", "postgres", "--no-sync")
	c.start(t)
	t.Cleanup(func() { c.pgctl("stop", "-m", "immediate") })
	return c
}

func (c *privateCluster) command(name string, args ...string) *exec.Cmd {
	argv := append(append([]string(nil), c.asUser...), append([]string{filepath.Join(c.bin, name)}, args...)...)
	return exec.Command(argv[0], argv[1:]...)
}

func (c *privateCluster) run(t *testing.T, name string, args ...string) {
	t.Helper()
	if out, err := c.command(name, args...).CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", name, err, out)
	}
}

func (c *privateCluster) pgctl(args ...string) ([]byte, error) {
	all := append([]string{"-D", c.dir, "-w", "-l", filepath.Join(filepath.Dir(c.dir), "log")}, args...)
	return c.command("pg_ctl", all...).CombinedOutput()
}

func (c *privateCluster) start(t *testing.T) {
	t.Helper()
	if out, err := c.pgctl("-o", fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1 -c fsync=off", c.port, filepath.Dir(c.dir)), "start"); err != nil {
		t.Fatalf("start the cluster: %v\n%s", err, out)
	}
}

func (c *privateCluster) url() string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable&connect_timeout=2", c.port)
}

// PostgreSQL stopped and started again under load: while it is down the
// site answers 503 with Retry-After (never 500), and it serves again by
// itself within seconds of the database's return.
func TestPostgresRestartUnderLoad(t *testing.T) {
	bin := buildBinary(t)
	pg := newPrivateCluster(t)
	a := openForLoad(t, pg.url())
	a.Close()
	keyFile := filepath.Join(t.TempDir(), "key")
	os.WriteFile(keyFile, []byte(strings.Repeat("ab", 32)), 0o600)

	cmd := exec.Command(bin, "serve", "--db", pg.url(), "--addr", "127.0.0.1:0", "--log-level", "error", "--secret-key-file", keyFile)
	out := &syncBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cmd.Process.Kill(); cmd.Wait() }()
	var base string
	for deadline := time.Now().Add(30 * time.Second); base == ""; time.Sleep(20 * time.Millisecond) {
		if i := strings.Index(out.String(), "at http://127.0.0.1:"); i >= 0 {
			rest := out.String()[i+3:]
			base = rest[:strings.Index(rest, "/ ")]
		} else if time.Now().After(deadline) {
			t.Fatalf("the server did not start: %s", out.String())
		}
	}

	type answer struct {
		at     time.Time
		status int
		retry  string
	}
	var mu sync.Mutex
	var answers []answer
	stop := make(chan struct{})
	var wg sync.WaitGroup
	client := &http.Client{Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				case <-time.After(20 * time.Millisecond):
				}
				var resp *http.Response
				var err error
				if w == 0 {
					resp, err = client.PostForm(base+"/share", neturl.Values{"consent": {"private"},
						"body": {fmt.Sprintf("A letter sent while the database restarts, number %d, to see what the writer is told.", i)}})
				} else {
					resp, err = client.Get(fmt.Sprintf("%s/search?q=letter%d", base, i)) // a search always asks the database
				}
				if err != nil {
					t.Errorf("the site itself did not answer: %v", err)
					return
				}
				resp.Body.Close()
				mu.Lock()
				answers = append(answers, answer{time.Now(), resp.StatusCode, resp.Header.Get("Retry-After")})
				mu.Unlock()
			}
		}()
	}
	time.Sleep(500 * time.Millisecond)
	if out, err := pg.pgctl("stop", "-m", "fast"); err != nil {
		t.Fatalf("stop: %v %s", err, out)
	}
	stopped := time.Now()
	time.Sleep(3 * time.Second)
	pg.start(t)
	back := time.Now()
	time.Sleep(6 * time.Second)
	close(stop)
	wg.Wait()

	var during, before, bad int
	recovered := time.Time{}
	for _, a := range answers {
		switch {
		case a.status >= 500 && a.status != http.StatusServiceUnavailable:
			bad++
		case a.status == http.StatusServiceUnavailable && a.retry == "":
			t.Errorf("a 503 without Retry-After at %s", a.at.Sub(stopped))
		}
		// Down for sure: a moment after pg_ctl said it stopped, and well
		// before it said it had started (it may accept a little sooner).
		if a.at.After(stopped.Add(300*time.Millisecond)) && a.at.Before(stopped.Add(2500*time.Millisecond)) {
			during++
			if a.status != http.StatusServiceUnavailable {
				t.Errorf("while the database was down: %d", a.status)
			}
		}
		if a.at.Before(stopped) && a.status < 400 {
			before++
		}
		if a.at.After(back) && a.status < 400 && recovered.IsZero() {
			recovered = a.at
		}
	}
	if bad > 0 {
		t.Errorf("%d answers were 5xx other than 503", bad)
	}
	if before == 0 || during == 0 {
		t.Fatalf("the load did not reach the site: %d answers before the stop, %d while down", before, during)
	}
	if recovered.IsZero() || recovered.Sub(back) > 5*time.Second {
		t.Fatalf("the site did not serve again within 5 s of the database's return (first success %v after)", recovered.Sub(back))
	}
	t.Logf("%d answers; %d while the database was down, all 503 with Retry-After; serving again %v after it came back",
		len(answers), during, recovered.Sub(back).Round(time.Millisecond))
}
