// Command commenter keeps a steady stream of comments going into a running
// site for the load test, as a busy site's readers and moderators do: it
// posts comments through HTTP at a fixed rate, each from an address of its
// own (X-Forwarded-For: start the site with --trusted-proxies 127.0.0.1),
// and a moderator approves each one a moment later (through the service, on
// the site's database). It first sets the layers for the run: those that
// need a person (CAPTCHA, form age) off, the others on, every comment held.
//
//	go run ./bench/cmd/commenter --url http://127.0.0.1:18090 --db sqlite:bench/out/bench-10000.db \
//	    --stories bench/out/stories.txt --rate 10 --duration 15s
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/confide/confide/internal/app"
	"github.com/confide/confide/internal/database"
	"github.com/confide/confide/internal/service"
)

func main() {
	site := flag.String("url", "http://127.0.0.1:18090", "the running site")
	dbURL := flag.String("db", "", "the site's database (to set the layers and approve)")
	stories := flag.String("stories", "", "file of story paths (/stories/…), one a line")
	rate := flag.Float64("rate", 10, "comments a second")
	duration := flag.Duration("duration", 15*time.Second, "how long to post")
	setup := flag.Bool("setup", false, "only set the layers for the run, and exit (run it before pages are cached: settings change every page)")
	flag.Parse()
	if err := run(*site, *dbURL, *stories, *rate, *duration, *setup); err != nil {
		fmt.Fprintln(os.Stderr, "commenter:", err)
		os.Exit(1)
	}
}

func run(site, dbURL, storiesFile string, rate float64, duration time.Duration, setupOnly bool) error {
	ctx := context.Background()
	db, err := database.Open(ctx, dbURL)
	if err != nil {
		return err
	}
	defer db.Close()
	a, err := app.Build(db, site, slog.New(slog.NewTextHandler(io.Discard, nil)), time.Now, -1)
	if err != nil {
		return err
	}
	defer a.Service.StopRelated()
	if err := a.Service.SetAntiSpam(ctx, 0, service.AntiSpam{Limits: true, Links: true, Rules: true, Score: true,
		MaxLinks: 2, Policy: service.PolicyHoldAll}); err != nil {
		return err
	}
	if setupOnly {
		return nil
	}
	paths, err := lines(storiesFile)
	if err != nil {
		return err
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	var (
		mu       sync.Mutex
		lat      []time.Duration
		posted   int
		approved int
		failed   int
		wg       sync.WaitGroup
	)
	tick := time.NewTicker(time.Duration(float64(time.Second) / rate))
	defer tick.Stop()
	end := time.Now().Add(duration)
	run := time.Now().UnixNano() % 1e6
	for i := 0; time.Now().Before(end); i++ {
		<-tick.C
		wg.Add(1)
		go func() {
			defer wg.Done()
			form := url.Values{"name": {fmt.Sprintf("Reader %d", i)}, "email": {fmt.Sprintf("load-%d-%d@example.org", run, i)},
				"body": {"Thinking of you. It does get easier, one small step at a time."}}
			req, _ := http.NewRequest("POST", site+paths[(i*7919)%len(paths)]+"/comments", strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("X-Forwarded-For", fmt.Sprintf("10.%d.%d.%d", i/65536%256, i/256%256, i%256))
			t0 := time.Now()
			resp, err := client.Do(req)
			d := time.Since(t0)
			if err != nil || resp.StatusCode != http.StatusSeeOther {
				mu.Lock()
				failed++
				mu.Unlock()
				if resp != nil {
					resp.Body.Close() // #nosec G104 -- a benchmark tool: deterministic data, its own files
				}
				return
			}
			resp.Body.Close() // #nosec G104 -- a benchmark tool: deterministic data, its own files
			var id int64
			fmt.Sscanf(resp.Header.Get("Location"), "/comments/%d/", &id) // #nosec G104 -- a benchmark tool: deterministic data, its own files
			n, err := a.Service.Moderate(ctx, 0, service.ActApprove, []int64{id})
			mu.Lock()
			defer mu.Unlock()
			posted++
			lat = append(lat, d)
			if err == nil && n == 1 {
				approved++
			} else {
				failed++
			}
		}()
	}
	wg.Wait()
	slices.Sort(lat)
	p99 := time.Duration(0)
	if len(lat) > 0 {
		p99 = lat[len(lat)*99/100]
	}
	fmt.Printf("RESULT posted=%d approved=%d failed=%d rate=%.1f/s post-p99=%.1fms\n", posted, approved, failed,
		float64(approved)/duration.Seconds(), float64(p99.Microseconds())/1000)
	return nil
}

func lines(path string) ([]string, error) {
	f, err := os.Open(path) // #nosec G304 -- a benchmark tool: deterministic data, its own files
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if l := strings.TrimSpace(sc.Text()); l != "" {
			out = append(out, l)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no story paths", path)
	}
	return out, sc.Err()
}
