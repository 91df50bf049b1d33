//go:build !race

// Under the race detector argon2id runs ten times slower and the flood
// outlasts the server's timeouts: the test is for the ordinary build.

package web_test

import (
	"fmt"
	"net/http"
	"net/netip"
	"net/url"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/confide/confide/internal/app/apptest"
	"github.com/confide/confide/internal/database/dbtest"
)

// 200 wrong logins at once, each from its own address (through a trusted
// proxy, so no limit refuses them before the password is hashed), neither
// take the memory that 200 argon2id computations would (19 MiB each) nor
// stop the pages readers are reading.
func TestLoginFloodKeepsMemoryAndPages(t *testing.T) {
	site := apptest.Start(t, dbtest.SQLite(t))
	site.Web.TrustProxies([]netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")})
	story := site.URL + "/stories/" + slugOf(lenaTitle)

	var peak atomic.Uint64
	stop := make(chan struct{})
	var sampler sync.WaitGroup
	sampler.Add(1)
	go func() {
		defer sampler.Done()
		var ms runtime.MemStats
		for {
			select {
			case <-stop:
				return
			case <-time.After(5 * time.Millisecond):
			}
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > peak.Load() {
				peak.Store(ms.HeapInuse)
			}
		}
	}()
	var before runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)

	const logins = 200
	var done atomic.Int64
	var wg sync.WaitGroup
	tr := &http.Transport{MaxConnsPerHost: logins}
	c := &http.Client{Transport: tr, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for i := range logins {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer done.Add(1)
			form := url.Values{"email": {fmt.Sprintf("nobody%d@example.org", i)}, "password": {"a wrong password, long enough"}}
			req, _ := http.NewRequest("POST", site.URL+"/admin/login", strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("X-Forwarded-For", fmt.Sprintf("198.51.%d.%d", i/250, i%250+1))
			resp, err := c.Do(req)
			if err != nil {
				t.Errorf("login %d: %v", i, err)
				return
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusBadRequest {
				t.Errorf("login %d: %d, want 400 (a wrong password)", i, resp.StatusCode)
			}
		}()
	}
	// Pages answer while the logins wait their turn to be hashed.
	pagesWhile := 0
	for range 20 {
		resp, _ := get(t, browserClient(t), story+"?x="+fmt.Sprint(pagesWhile))
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("story page during the flood: %d", resp.StatusCode)
		}
		if done.Load() < logins {
			pagesWhile++
		}
	}
	wg.Wait()
	close(stop)
	sampler.Wait()
	if pagesWhile < 10 {
		t.Errorf("only %d of 20 pages were answered while the logins ran", pagesWhile)
	}
	grew := int64(peak.Load()) - int64(before.HeapInuse)
	t.Logf("heap grew by %d MiB at most", grew>>20)
	if grew > 1<<30 { // unbounded, 200 × 19 MiB: 3.8 GB
		t.Errorf("the heap grew by %d MiB during the flood: the hashes are not bounded", grew>>20)
	}
}
