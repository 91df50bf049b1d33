package bench

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/confide/confide/internal/app"
	"github.com/confide/confide/internal/model"
	"github.com/confide/confide/internal/service"
)

// benchAdmin is the account the admin pages are measured with; the
// benchmark makes it on the corpus when it is missing.
const (
	benchAdmin    = "bench-admin@confide.local"
	benchPassword = "bench-admin password 7f3a"
)

// adminCookie logs benchAdmin in through the login form and returns its
// session cookie.
func adminCookie(b *testing.B, a *app.App, h http.Handler) string {
	b.Helper()
	ctx := context.Background()
	if _, err := a.Service.CreateUser(ctx, 0, service.NewUser{Email: benchAdmin, Name: "Bench admin",
		Role: model.RoleAdmin, Password: benchPassword}); err != nil && model.ErrorCode(err) != model.ECONFLICT {
		b.Fatal(err)
	}
	// A corpus is for measuring, like the demo: its admin logs in with the
	// password alone (a real site's staff need a second factor).
	if err := a.Service.DemoWithoutTwoFactor(ctx); err != nil {
		b.Fatal(err)
	}
	form := url.Values{"email": {benchAdmin}, "password": {benchPassword}}
	req := httptest.NewRequest(http.MethodPost, "/admin/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusSeeOther {
		b.Fatalf("admin login: %d", rec.Code)
	}
	for _, c := range rec.Result().Cookies() {
		if c.Value != "" {
			return c.Name + "=" + c.Value
		}
	}
	b.Fatal("admin login set no cookie")
	return ""
}

// pageKind is one kind of page and the addresses it is measured at: its
// first, a middle and its last page number where it has pages.
type pageKind struct {
	name  string
	paths []string
	admin bool
}

// numbered returns base at page 1, the middle page and the last of pages.
func numbered(base string, pages int) []string {
	sep := "?"
	if strings.Contains(base, "?") {
		sep = "&"
	}
	at := func(n int) string { return fmt.Sprintf("%s%spage=%d", base, sep, n) }
	return []string{base, at(max(1, pages/2)), at(max(1, pages))}
}

func pagesOf(total, size int) int { return max(1, (total+size-1)/size) }

// pageKinds lists every kind of public and admin page with the page numbers
// the site's pagers offer, from the corpus's own counts.
func pageKinds(b *testing.B, a *app.App, slugs []string) []pageKind {
	ctx := context.Background()
	secs, err := a.Service.Sections(ctx)
	if err != nil {
		b.Fatal(err)
	}
	counts, err := a.Service.Dashboard(ctx)
	if err != nil {
		b.Fatal(err)
	}
	_, found, err := a.Service.AdminStories(ctx, "lonely", "", 1)
	if err != nil {
		b.Fatal(err)
	}
	chunks, err := a.Service.SitemapChunks(ctx)
	if err != nil {
		b.Fatal(err)
	}
	var stories []string
	for i := 0; i < 200 && i < len(slugs); i++ {
		stories = append(stories, "/stories/"+slugs[(i*37)%len(slugs)])
	}
	big := secs[0]
	for _, s := range secs {
		if s.StoryCount > big.StoryCount {
			big = s
		}
	}
	first, last := chunks[0].Number, chunks[len(chunks)-1].Number
	return []pageKind{
		{name: "home", paths: numbered("/", min(service.HomePages, pagesOf(counts.Published, service.StoriesPerPage)))},
		{name: "section", paths: numbered("/sections/"+big.Slug, min(service.SectionPages, pagesOf(big.StoryCount, service.StoriesPerPage)))},
		{name: "story", paths: stories},
		{name: "comments", paths: numbered("/comments", service.CommentsPages)},
		{name: "feeds", paths: []string{"/feed.atom", "/sections/" + big.Slug + "/feed.atom", "/comments/feed.atom"}},
		{name: "sitemap-index", paths: []string{"/sitemap.xml"}},
		{name: "sitemap-file", paths: []string{fmt.Sprintf("/sitemaps/stories-%d.xml", first),
			fmt.Sprintf("/sitemaps/stories-%d.xml", (first+last)/2), fmt.Sprintf("/sitemaps/stories-%d.xml", last), "/sitemaps/pages.xml"}},
		{name: "pages", paths: []string{"/about", "/privacy", "/help", "/share"}},
		{name: "admin-dashboard", paths: []string{"/admin/"}, admin: true},
		{name: "admin-stories", paths: numbered("/admin/stories", pagesOf(counts.Stories, service.AdminStoriesPerPage)), admin: true},
		{name: "admin-stories-draft", paths: numbered("/admin/stories?status=draft", pagesOf(counts.Drafts, service.AdminStoriesPerPage)), admin: true},
		{name: "admin-stories-title", paths: append(numbered("/admin/stories?q=lonely", found.Pages()),
			"/admin/stories?q=zzqx"), admin: true},
		{name: "admin-search", paths: []string{"/admin/search?q=wor%2A", "/admin/search?q=lonely", fmt.Sprintf("/admin/search?q=lonely&page=%d", service.MaxSearchResults/service.AdminStoriesPerPage)}, admin: true},
		{name: "admin-lists", paths: []string{"/admin/sections", "/admin/users", "/admin/audit", "/admin/outbox", "/admin/settings"}, admin: true},
		{name: "admin-story-edit", paths: []string{"/admin/stories/1", fmt.Sprintf("/admin/stories/%d", counts.Stories/2)}, admin: true},
	}
}

// BenchmarkPageKinds asks for every kind of public and admin page with the
// page cache off (each answer is rendered from the database), at its
// first, a middle and its last page number, and reports p50/p99 per kind:
//
//	CONFIDE_BENCH_DB=sqlite:/tmp/b100k.db go test ./bench -run x -bench PageKinds -benchtime 1x -v
func BenchmarkPageKinds(b *testing.B) {
	cacheBytes = -1
	defer func() { cacheBytes = 0 }()
	a, slugs := openCorpus(b)
	h := a.Web.Handler()
	cookie := adminCookie(b, a, h)
	kinds := pageKinds(b, a, slugs)
	get := func(k pageKind, path string) time.Duration {
		req := httptest.NewRequest(http.MethodGet, path, nil)
		if k.admin {
			req.Header.Set("Cookie", cookie)
		}
		rec := httptest.NewRecorder()
		start := time.Now()
		h.ServeHTTP(rec, req)
		d := time.Since(start)
		if rec.Code != http.StatusOK {
			b.Fatalf("%s: %d", path, rec.Code)
		}
		return d
	}
	// One pass to read the database into memory, as a site that runs has.
	for _, k := range kinds {
		for _, p := range k.paths {
			get(k, p)
		}
	}
	b.ResetTimer()
	for _, k := range kinds {
		var ds []time.Duration
		rounds := max(1, 60/len(k.paths)) * b.N
		for range rounds {
			for _, p := range k.paths {
				ds = append(ds, get(k, p))
			}
		}
		percentiles(b, k.name+"-", ds)
		b.Logf("%s: %v", k.name, k.paths[:min(3, len(k.paths))])
	}
}
