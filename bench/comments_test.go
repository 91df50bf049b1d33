package bench

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/confide/confide/internal/app"
	"github.com/confide/confide/internal/model"
	"github.com/confide/confide/internal/service"
)

// commentTexts are what the posting benchmark writes: ordinary supportive
// comments of a few sentences.
var commentTexts = []string{
	"I went through something very similar last year. It does get easier, one small step at a time.",
	"Thank you for writing this. You are not alone, and it took courage to put it into words.",
	"Sending you strength tonight. Please keep talking to the people who listen to you.",
	"What the advisor wrote about boundaries is true. It took me years to learn it, be patient with yourself.",
}

// BenchmarkPostComments posts comments through HTTP from 32 clients at
// once, as a busy site's readers do: every request comes through a trusted
// proxy (X-Forwarded-For) from an address of its own, the layers that need
// a person (CAPTCHA, form age) are off and the others on (limits, links,
// block list, learnt score), and the policy publishes, so each comment also
// moves its story's count, the page changes and the notification queue.
// It reports accepted comments per second and the p99 of a post, and
// checks that the database holds exactly the comments answered 303.
//
//	CONFIDE_BENCH_DB=sqlite:/tmp/b.db go test ./bench -run x -bench PostComments -benchtime 10000x
func BenchmarkPostComments(b *testing.B) {
	a, slugs := openCorpus(b)
	srv := postingSite(b, a, service.PolicyPublish)

	run := make([]byte, 4)
	rand.Read(run)
	marker := "bench-" + hex.EncodeToString(run) // in every e-mail of this run
	const clients = 32
	tr := &http.Transport{MaxIdleConnsPerHost: clients}
	client := &http.Client{Transport: tr, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	var (
		mu       sync.Mutex
		accepted int
		codes    = map[int]int{}
		lat      []time.Duration
	)
	b.ResetTimer()
	start := time.Now()
	var wg sync.WaitGroup
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine []time.Duration
			for i := c; i < b.N; i += clients {
				form := url.Values{"name": {fmt.Sprintf("Reader %d", i)},
					"email": {fmt.Sprintf("%s-%d@example.org", marker, i)},
					"body":  {commentTexts[i%len(commentTexts)]}}
				req, _ := http.NewRequest("POST", srv.URL+"/stories/"+slugs[(i*7919)%len(slugs)]+"/comments",
					strings.NewReader(form.Encode()))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				// Its own address: 10.c.x.y for the c-th client's i-th post.
				req.Header.Set("X-Forwarded-For", fmt.Sprintf("10.%d.%d.%d", c, (i/256)%256, i%256))
				t0 := time.Now()
				resp, err := client.Do(req)
				if err != nil {
					b.Error(err)
					return
				}
				resp.Body.Close()
				mine = append(mine, time.Since(t0))
				mu.Lock()
				codes[resp.StatusCode]++
				if resp.StatusCode == http.StatusSeeOther {
					accepted++
				}
				mu.Unlock()
			}
			mu.Lock()
			lat = append(lat, mine...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	slices.Sort(lat)
	p := func(q float64) float64 { return float64(lat[int(q*float64(len(lat)-1))].Microseconds()) / 1000 }
	b.ReportMetric(float64(accepted)/elapsed.Seconds(), "accepted/s")
	b.ReportMetric(p(0.5), "p50-ms")
	b.ReportMetric(p(0.99), "p99-ms")
	var stored int
	if err := a.DB.Read.QueryRow(`SELECT count(*) FROM comments WHERE author_email >= $1 AND author_email < $2`,
		marker+"-", marker+".").Scan(&stored); err != nil {
		b.Fatal(err)
	}
	b.Logf("%d posts: answers %v; %d comments stored", b.N, codes, stored)
	if stored != accepted {
		b.Errorf("%d comments stored, %d answered 303: lost or doubled", stored, accepted)
	}
}

// postingSite readies a for posts from many clients and serves it over
// HTTP until the benchmark ends: a secret key, loopback as the trusted
// proxy (each post names its own address in X-Forwarded-For), and the
// anti-spam layers that need no person on (the CAPTCHA and the form's age
// off) with policy, or the site's own when empty. The layers are put back
// afterwards.
func postingSite(b *testing.B, a *app.App, policy string) *httptest.Server {
	b.Helper()
	ctx := context.Background()
	key := make([]byte, 32)
	rand.Read(key)
	a.Service.SetSecret(key)
	a.Web.TrustProxies([]netip.Prefix{netip.MustParsePrefix("127.0.0.1/32"), netip.MustParsePrefix("::1/128")})
	before, err := a.Service.AntiSpamSettings(ctx)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { a.Service.SetAntiSpam(ctx, 0, before) })
	if policy == "" {
		policy = before.Policy
	}
	if err := a.Service.SetAntiSpam(ctx, 0, service.AntiSpam{Limits: true, Links: true, Rules: true, Score: true,
		MaxLinks: 2, Policy: policy}); err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(nil)
	srv.Config = a.Web.HTTPServer("")
	srv.Start()
	b.Cleanup(srv.Close)
	return srv
}

// BenchmarkStoryWithManyComments renders, uncached, the first and the last
// page of a story with 1,000 comments (100 a page).
func BenchmarkStoryWithManyComments(b *testing.B) {
	cacheBytes = -1
	defer func() { cacheBytes = 0 }()
	a, slugs := openCorpus(b)
	ctx := context.Background()
	st, err := a.Service.PublishedStory(ctx, slugs[0])
	if err != nil {
		b.Fatal(err)
	}
	for n := st.CommentCount; n < 1000; n++ {
		c := model.Comment{StoryID: st.ID, AuthorName: "Reader", Body: commentTexts[n%len(commentTexts)],
			Status: model.CommentApproved, CreatedAt: st.PublishedAt.Add(time.Duration(n) * time.Minute)}
		if err := a.Service.AddComment(ctx, &c); err != nil {
			b.Fatal(err)
		}
	}
	for _, page := range []string{"", "?page=10"} {
		b.Run("page"+strings.TrimPrefix(page, "?page="), func(b *testing.B) {
			benchPages(b, a, func(int) string { return "/stories/" + st.Slug + page })
		})
	}
}

// BenchmarkStoryPageUnderComments rotates over 5,000 cached story pages
// while comments are posted and approved at 10 a second, in process (the
// load test's comment run, with a profile to read: -cpuprofile).
func BenchmarkStoryPageUnderComments(b *testing.B) {
	a, slugs := openCorpus(b)
	ctx := context.Background()
	h := a.Web.Handler()
	for _, slug := range slugs {
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/stories/"+slug, nil))
	}
	stories := make([]*model.Story, 0, 200)
	for _, slug := range slugs[:200] {
		st, err := a.Service.PublishedStory(ctx, slug)
		if err != nil {
			b.Fatal(err)
		}
		stories = append(stories, st)
	}
	stop := make(chan struct{})
	done := make(chan int)
	go func() {
		n := 0
		tick := time.NewTicker(100 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				done <- n
				return
			case <-tick.C:
			}
			st := stories[n%len(stories)]
			c := model.Comment{StoryID: st.ID, AuthorName: "Reader", Body: commentTexts[n%len(commentTexts)],
				Status: model.CommentPending, CreatedAt: time.Now()}
			if err := a.Service.AddComment(ctx, &c); err != nil {
				b.Error(err)
			}
			if _, err := a.Service.Moderate(ctx, 0, service.ActApprove, []int64{c.ID}); err != nil {
				b.Error(err)
			}
			n++
		}
	}()
	benchPages(b, a, func(i int) string { return "/stories/" + slugs[(i*7919)%len(slugs)] })
	close(stop)
	b.ReportMetric(float64(<-done)/b.Elapsed().Seconds(), "comments/s")
}
