package bench

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// letterBody is what the letters benchmark writes: a letter of ordinary
// length (about 600 characters).
const letterBody = "I have been feeling low for months and I do not really know why. Work is fine, " +
	"my friends are kind, but every evening I sit at home and feel that nothing I do matters. I stopped " +
	"going to the choir I loved. My sister says I should see a doctor, and maybe she is right, but I am " +
	"afraid they will think I am making a fuss about nothing. I sleep badly and wake up tired. Some days " +
	"I do not answer the phone at all. I am writing because reading the stories here made me feel less " +
	"strange. Is this something that passes on its own, or should I ask for help? And how do I even start?"

// BenchmarkLetters shares letters through /share from 16 clients at once
// (each post from its own address through a trusted proxy, the layers
// that need a person off) until the database holds at least 10,000, then
// measures the advisors' inbox, a letter's page and searches over letters,
// uncached as admin
// pages are. It reports letters accepted a second and the pages' p50, p95
// and p99.
//
//	CONFIDE_BENCH_DB=sqlite:/tmp/b.db go test ./bench -run x -bench Letters -benchtime 1x
func BenchmarkLetters(b *testing.B) {
	a, _ := openCorpus(b)
	ctx := context.Background()
	srv := postingSite(b, a, "")
	h := a.Web.Handler()
	cookie := adminCookie(b, a, h)

	_, have, err := a.Service.Inbox(ctx, "", 0, 1)
	if err != nil {
		b.Fatal(err)
	}
	const clients = 16
	posts := max(2000, 10000-have.Total)
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: clients},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	var mu sync.Mutex
	accepted, codes := 0, map[int]int{}
	start := time.Now()
	var wg sync.WaitGroup
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := c; i < posts; i += clients {
				form := url.Values{"title": {fmt.Sprintf("Low for months (%d)", i)}, "body": {letterBody},
					"email": {fmt.Sprintf("writer-%d@example.org", i)}, "consent": {[]string{"publish", "private"}[i%2]}}
				req, _ := http.NewRequest("POST", srv.URL+"/share", strings.NewReader(form.Encode()))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				req.Header.Set("X-Forwarded-For", fmt.Sprintf("10.%d.%d.%d", 100+c, (i/256)%256, i%256))
				resp, err := client.Do(req)
				if err != nil {
					b.Error(err)
					return
				}
				resp.Body.Close()
				mu.Lock()
				codes[resp.StatusCode]++
				if resp.StatusCode == http.StatusSeeOther {
					accepted++
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	rate := float64(accepted) / time.Since(start).Seconds()
	b.Logf("%d letters shared: answers %v, %.0f a second", posts, codes, rate)

	list, p, err := a.Service.Inbox(ctx, "", 0, 1)
	if err != nil || len(list) == 0 {
		b.Fatalf("inbox: %v", err)
	}
	b.Logf("%d open letters", p.Total)
	pages := []string{"/admin/letters", fmt.Sprintf("/admin/letters?page=%d", p.Pages()), "/admin/letters?status=new",
		fmt.Sprintf("/admin/letters/%d", list[0].ID), fmt.Sprintf("/admin/letters/%d", list[len(list)-1].ID),
		// Searches: a word in every letter, two words, a beginning, one
		// writer's address.
		"/admin/letters?q=months", "/admin/letters?q=phone+tired", "/admin/letters?q=slee*",
		"/admin/letters?q=writer-5%40example.org"}
	get := func(path string) time.Duration {
		req := httptest.NewRequest(http.MethodGet, path, nil)
		req.Header.Set("Cookie", cookie)
		rec := httptest.NewRecorder()
		t0 := time.Now()
		h.ServeHTTP(rec, req)
		d := time.Since(t0)
		if rec.Code != http.StatusOK {
			b.Fatalf("%s: %d", path, rec.Code)
		}
		return d
	}
	for _, path := range pages {
		get(path)
	}
	b.ResetTimer()
	var inbox, letter, search []time.Duration
	for range 100 * b.N {
		for i, path := range pages {
			switch {
			case i < 3:
				inbox = append(inbox, get(path))
			case i < 5:
				letter = append(letter, get(path))
			default:
				search = append(search, get(path))
			}
		}
	}
	percentiles(b, "inbox-", inbox)
	percentiles(b, "letter-", letter)
	percentiles(b, "search-", search)
	b.ReportMetric(rate, "letters/s")
}
