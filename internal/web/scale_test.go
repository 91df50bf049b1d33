package web_test

import (
	"context"
	"database/sql"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/confide/confide/internal/app/apptest"
	"github.com/confide/confide/internal/database"
	"github.com/confide/confide/internal/database/dbtest"
	"github.com/confide/confide/internal/demo"
	"github.com/confide/confide/internal/model"
	"github.com/confide/confide/internal/service"
)

// holdSlots makes every search hold its slot and a read connection of the
// database (as a slow search does) until release is called; it returns once
// n searches are held.
func holdSlots(t *testing.T, site *apptest.Site, db *database.DB, slots int) (release func()) {
	t.Helper()
	held := make(chan struct{}, slots)
	done := make(chan struct{})
	site.Service.SetSearchLimits(service.SearchLimits{Slots: slots, Wait: 200 * time.Millisecond, Budget: time.Minute, Rest: -1,
		Hook: func(ctx context.Context) {
			conn, err := db.Read.Conn(context.Background())
			if err != nil {
				t.Error(err)
				return
			}
			defer conn.Close()
			var one int
			if err := conn.QueryRowContext(ctx, "SELECT 1").Scan(&one); err != nil {
				t.Error(err)
			}
			held <- struct{}{}
			<-done
		}})
	var wg sync.WaitGroup
	for i := 0; i < slots; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, err := client.Get(site.URL + searchURL("lonely"))
			if err == nil {
				resp.Body.Close()
			}
		}()
	}
	for i := 0; i < slots; i++ {
		select {
		case <-held:
		case <-time.After(10 * time.Second):
			t.Fatal("the searches never took their slots")
		}
	}
	var once sync.Once
	release = func() { once.Do(func() { close(done); wg.Wait() }) }
	t.Cleanup(release)
	return release
}

// Searches that hold every search slot (and a database connection each)
// neither stop pages nor let more searches in: pages are answered at once,
// one more search is told to come back with 503 and Retry-After.
func TestSearchesCannotStarvePages(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *database.DB) {
		site := apptest.Start(t, db)
		seed, _ := demo.Content(apptest.Now)
		release := holdSlots(t, site, db, 2)

		// Pages never seen before: none is in the cache.
		pages := []string{"/", "/?page=1", "/sections/" + seed.Sections[0].Slug, "/stories/" + slugOf(lenaTitle),
			"/comments", "/sitemap.xml", "/feed.atom"}
		for _, p := range pages {
			start := time.Now()
			resp, _ := do(t, "GET", site.URL+p, nil)
			if resp.StatusCode != 200 {
				t.Fatalf("%s while searches hold every slot: %d", p, resp.StatusCode)
			}
			if d := time.Since(start); d > 5*time.Second {
				t.Fatalf("%s took %s while searches hold every slot", p, d)
			}
		}
		resp, body := do(t, "GET", site.URL+searchURL("husband"), nil)
		if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" ||
			!strings.Contains(body, "Many people are searching right now") {
			t.Fatalf("a search with every slot taken: %d, Retry-After %q", resp.StatusCode, resp.Header.Get("Retry-After"))
		}

		release()
		if resp, body := do(t, "GET", site.URL+searchURL("husband"), nil); resp.StatusCode != 200 || !strings.Contains(body, "found for") {
			t.Fatalf("a search once the slots are free: %d", resp.StatusCode)
		}
	})
}

// After a search its slot rests as long as the search took, so that many
// searches in a row leave the processors to the pages for half the time.
func TestSearchSlotRests(t *testing.T) {
	site := apptest.Start(t, dbtest.SQLite(t))
	site.Service.SetSearchLimits(service.SearchLimits{Slots: 1, Wait: 20 * time.Millisecond, Rest: 1,
		Hook: func(ctx context.Context) { time.Sleep(300 * time.Millisecond) }})
	if resp, _ := do(t, "GET", site.URL+searchURL("lonely"), nil); resp.StatusCode != 200 {
		t.Fatalf("first search: %d", resp.StatusCode)
	}
	if resp, _ := do(t, "GET", site.URL+searchURL("husband"), nil); resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("a search while the only slot rests: %d", resp.StatusCode)
	}
	site.Service.SetSearchLimits(service.SearchLimits{Slots: 1, Wait: 20 * time.Millisecond, Rest: -1,
		Hook: func(ctx context.Context) { time.Sleep(300 * time.Millisecond) }})
	do(t, "GET", site.URL+searchURL("lonely"), nil)
	if resp, _ := do(t, "GET", site.URL+searchURL("husband"), nil); resp.StatusCode != 200 {
		t.Fatalf("without rest the slot is free at once: %d", resp.StatusCode)
	}
}

// A search past its time budget is stopped and answered with a kind
// message, not an error page.
func TestSearchPastItsBudgetIsTooBroad(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *database.DB) {
		site := apptest.Start(t, db)
		site.Service.SetSearchLimits(service.SearchLimits{Budget: 50 * time.Millisecond,
			Hook: func(ctx context.Context) { <-ctx.Done() }}) // as a search that runs past its budget
		for _, u := range []string{searchURL("husband"), "/search.atom?q=husband"} {
			resp, body := do(t, "GET", site.URL+u, nil)
			if resp.StatusCode != 200 {
				t.Fatalf("%s: %d", u, resp.StatusCode)
			}
			if strings.HasPrefix(u, "/search?") && (!strings.Contains(body, "matches too much to answer quickly") || strings.Contains(body, "Nothing found")) {
				t.Fatalf("%s: no too-broad message", u)
			}
		}
		if _, body := do(t, "GET", site.URL+searchURL(`"feel alone"`), nil); !strings.Contains(body, "without quotes") {
			t.Error("a phrase past its budget is not told to drop the quotes")
		}
		if resp, body := do(t, "GET", site.URL+"/admin/search?q=husband", nil); resp.StatusCode >= 500 {
			t.Fatalf("admin search: %d %s", resp.StatusCode, body)
		}
	})
}

// A cached page never waits for the database: with every read connection
// taken, a page in the cache is still served (the content version has a
// connection of its own).
func TestCachedPageWithEveryReadConnectionTaken(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *database.DB) {
		site := apptest.Start(t, db)
		slug := slugOf(lenaTitle)
		warmStory(t, site, slug)
		do(t, "GET", site.URL+"/stories/"+slug, nil)

		db.Read.SetMaxOpenConns(3)
		var conns []*sql.Conn
		for range 3 {
			c, err := db.Read.Conn(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			conns = append(conns, c)
		}
		defer func() {
			for _, c := range conns {
				c.Close()
			}
		}()
		time.Sleep(service.VersionMaxAge) // the version must be read again
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		req, _ := http.NewRequestWithContext(ctx, "GET", site.URL+"/stories/"+slug, nil)
		resp, err := client.Do(req)
		if err != nil {
			t.Fatalf("a cached page waited for a read connection: %v", err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("cached page: %d", resp.StatusCode)
		}
	})
}

// Only the parameters a page reads are part of its cache key: stray ones
// share the cached page (and the handler never sees them), used ones do not.
func TestCacheKeyIsTheParametersAPageReads(t *testing.T) {
	site := apptest.Start(t, dbtest.SQLite(t))
	slug := slugOf(lenaTitle)
	warmStory(t, site, slug)
	first, page := do(t, "GET", site.URL+"/stories/"+slug, nil)
	for _, q := range []string{"?utm_source=newsletter", "?x=1", "?x=1&utm_campaign=a%22b"} {
		resp, body := do(t, "GET", site.URL+"/stories/"+slug+q, nil)
		if resp.StatusCode != 200 || resp.Header.Get("ETag") != first.Header.Get("ETag") || body != page {
			t.Errorf("/stories/%s%s is not the cached page (%d)", slug, q, resp.StatusCode)
		}
		if strings.Contains(body, "newsletter") || strings.Contains(body, "utm_") {
			t.Errorf("%s: a stray parameter reached the page", q)
		}
	}
	// ?page= is read by story pages (their comments): a page past the end
	// is not found.
	if resp, _ := do(t, "GET", site.URL+"/stories/"+slug+"?page=2", nil); resp.StatusCode != 404 {
		t.Errorf("comments page 2 of a story with 3 comments: %d, want 404", resp.StatusCode)
	}
	addStories(t, site, 12) // two pages of stories on the home page
	home1, _ := do(t, "GET", site.URL+"/", nil)
	homeStray, _ := do(t, "GET", site.URL+"/?fbclid=abc", nil)
	home2, body2 := do(t, "GET", site.URL+"/?page=2", nil)
	home2b, _ := do(t, "GET", site.URL+"/?fbclid=abc&page=2", nil)
	if home1.Header.Get("ETag") != homeStray.Header.Get("ETag") {
		t.Error("a stray parameter made another home page")
	}
	if home2.StatusCode != 200 || home2.Header.Get("ETag") == home1.Header.Get("ETag") || !strings.Contains(body2, "Newer") {
		t.Errorf("?page=2 served page 1 (%d)", home2.StatusCode)
	}
	if home2b.Header.Get("ETag") != home2.Header.Get("ETag") {
		t.Error("page 2 with a stray parameter is not page 2")
	}
}

func addStories(t *testing.T, site *apptest.Site, n int) {
	t.Helper()
	secs, err := site.Service.Sections(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for i := range n {
		st := model.Story{Title: "Extra story " + string(rune('a'+i)), SectionID: secs[0].ID, Letter: "A letter.",
			Reply: "A reply.", Status: model.StoryPublished}
		if err := site.Service.AddStory(context.Background(), &st); err != nil {
			t.Fatal(err)
		}
	}
}

// Behind a trusted proxy, limits key on the address X-Forwarded-For gives;
// from anyone else the header is ignored, so nobody can dodge a limit by
// writing it, nor lock out others through a proxy.
func TestTrustedProxies(t *testing.T) {
	fail := func(t *testing.T, site *apptest.Site, xff string) int {
		t.Helper()
		req, _ := http.NewRequest("POST", site.URL+"/admin/login",
			strings.NewReader(url.Values{"email": {"rose@example.org"}, "password": {"not the password"}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if xff != "" {
			req.Header.Set("X-Forwarded-For", xff)
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	t.Run("trusted", func(t *testing.T) {
		site := apptest.Start(t, dbtest.SQLite(t))
		addUser(t, site, "rose@example.org", model.RoleAdvisor)
		site.Web.TrustProxies([]netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")})
		for i := 0; i < service.MaxFailuresPerIP; i++ {
			fail(t, site, "198.51.100.7, 127.0.0.1")
		}
		if got := fail(t, site, "198.51.100.7"); got != http.StatusTooManyRequests {
			t.Fatalf("the visitor behind the proxy is not limited: %d", got)
		}
		// Another visitor through the same proxy is not locked out, even
		// one who claims to be the first as the leftmost hop.
		if got := fail(t, site, "198.51.100.7, 203.0.113.9"); got == http.StatusTooManyRequests {
			t.Fatal("another visitor through the proxy was locked out")
		}
	})
	t.Run("untrusted", func(t *testing.T) {
		site := apptest.Start(t, dbtest.SQLite(t))
		addUser(t, site, "rose@example.org", model.RoleAdvisor)
		for i := 0; i < service.MaxFailuresPerIP; i++ {
			fail(t, site, "203.0.113."+string(rune('1'+i%9))) // a new "address" each time
		}
		if got := fail(t, site, "203.0.113.99"); got != http.StatusTooManyRequests {
			t.Fatalf("a forged X-Forwarded-For dodged the limit: %d", got)
		}
	})
}

// /comments goes back service.CommentsPages pages; older comments are read
// on their story.
func TestCommentsPagerStopsAtItsCap(t *testing.T) {
	site := apptest.Start(t, dbtest.SQLite(t))
	st, err := site.Service.PublishedStory(context.Background(), slugOf(lenaTitle))
	if err != nil {
		t.Fatal(err)
	}
	n := service.CommentsPages*service.CommentsPerPage + 5
	for i := range n {
		c := model.Comment{StoryID: st.ID, AuthorName: "Reader", Body: "Comment number " + strconv.Itoa(i), Status: model.CommentApproved,
			CreatedAt: apptest.Now.Add(time.Duration(i) * time.Second)}
		if err := site.Service.AddComment(context.Background(), &c); err != nil {
			t.Fatal(err)
		}
	}
	last := strconv.Itoa(service.CommentsPages)
	resp, body := do(t, "GET", site.URL+"/comments?page="+last, nil)
	if resp.StatusCode != 200 || strings.Contains(body, `rel="next"`) || strings.Contains(body, "?page="+strconv.Itoa(service.CommentsPages+1)) {
		t.Fatalf("the last page of /comments: %d, or it offers a page after it", resp.StatusCode)
	}
	if resp, _ := do(t, "GET", site.URL+"/comments?page="+strconv.Itoa(service.CommentsPages+1), nil); resp.StatusCode != 404 {
		t.Fatalf("/comments past its cap: %d", resp.StatusCode)
	}
	if _, body := do(t, "GET", site.URL+"/comments", nil); !strings.Contains(body, "Comment number "+strconv.Itoa(n-1)) {
		t.Fatal("the newest comment is not on the first page")
	}
}
