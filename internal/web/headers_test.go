package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/confide/confide/internal/app/apptest"
	"github.com/confide/confide/internal/database/dbtest"
	"github.com/confide/confide/internal/model"
	"github.com/confide/confide/internal/web"
)

// checkHeaders fails unless resp carries the headers every answer must:
// a strict policy, no sniffing, no framing, a referrer policy at least as
// strict as strict-origin-when-cross-origin, permissions and the opener
// policy.
func checkHeaders(t *testing.T, what string, resp *http.Response) {
	t.Helper()
	h := resp.Header
	csp := h.Get("Content-Security-Policy")
	for _, want := range []string{"default-src 'none'", "frame-ancestors 'none'", "object-src 'none'", "base-uri 'none'", "form-action 'self'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("%s (%d): CSP %q lacks %s", what, resp.StatusCode, csp, want)
		}
	}
	if strings.Contains(csp, "unsafe-") {
		t.Errorf("%s: CSP %q allows unsafe code", what, csp)
	}
	switch rp := h.Get("Referrer-Policy"); rp {
	case "no-referrer", "same-origin", "strict-origin", "strict-origin-when-cross-origin":
	default:
		t.Errorf("%s (%d): Referrer-Policy %q", what, resp.StatusCode, rp)
	}
	if h.Get("X-Content-Type-Options") != "nosniff" || h.Get("X-Frame-Options") != "DENY" ||
		h.Get("Cross-Origin-Opener-Policy") != "same-origin" || !strings.Contains(h.Get("Permissions-Policy"), "camera=()") {
		t.Errorf("%s (%d): headers %v", what, resp.StatusCode, h)
	}
}

// privateAnswer fails unless resp is kept by no browser or proxy and tells
// no other site where the reader came from.
func privateAnswer(t *testing.T, what string, resp *http.Response) {
	t.Helper()
	if cc := resp.Header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("%s (%d): Cache-Control %q, want no-store", what, resp.StatusCode, cc)
	}
	if rp := resp.Header.Get("Referrer-Policy"); rp != "no-referrer" {
		t.Errorf("%s (%d): Referrer-Policy %q, want no-referrer", what, resp.StatusCode, rp)
	}
}

// Every route answers with the security headers, error pages and files
// included; the admin area and every page reached by a secret link (or
// holding one) is never stored and sends no referrer; logging out clears
// what the browser holds of the site.
func TestHeadersOnEveryRoute(t *testing.T) {
	db := dbtest.SQLite(t)
	site := apptest.Start(t, db)
	ctx := context.Background()
	addUser(t, site, "admin@example.org", model.RoleAdmin)
	admin := loginAs(t, site, "admin@example.org")
	anon := browserClient(t)

	_, home := get(t, anon, site.URL+"/")
	css := regexp.MustCompile(`/static/style\.[0-9a-f]+\.css`).FindString(home)
	js := regexp.MustCompile(`/static/site\.[0-9a-f]+\.js`).FindString(home)
	story := "/stories/" + slugOf(lenaTitle)
	stories, _, _ := site.Service.LatestStories(ctx, 1)
	storyID := strconv.FormatInt(stories[0].ID, 10)
	comments, _ := site.Service.LatestComments(ctx, 1)
	commentID := strconv.FormatInt(comments[0].ID, 10)

	public := []string{"/", "/sections/relationships", story, story + "?page=1", "/comments", "/comments/" + commentID, "/s/" + storyID,
		"/search?q=lonely", "/search.atom?q=lonely", "/about", "/privacy", "/help", "/share", "/feed.atom",
		"/sections/relationships/feed.atom", "/comments/feed.atom", "/sitemap.xml", "/sitemaps/pages.xml", "/sitemaps/stories-0.xml",
		"/robots.txt", "/healthz", "/readyz", css, js, "/favicon.ico", "/static/nothing.css", "/no-such-page", "/sections/none",
		"/check/new.png", "/check/audio.wav", "/safety/phrases.json", "/safety/lines", "/letters/lost", "/comments/erase",
		story + "/comments/new", "/comments/" + commentID + "/report", "/admin/login", "/admin/password/forgot", "/admin"}
	for _, path := range public {
		resp, _ := get(t, anon, site.URL+path)
		checkHeaders(t, "GET "+path, resp)
	}
	// Posts, refused ones included.
	for _, path := range []string{"/share", story + "/comments", "/admin/login", "/letters/lost", "/comments/erase"} {
		resp, _ := post(t, anon, site.URL+path, url.Values{"x": {"1"}})
		checkHeaders(t, "POST "+path, resp)
	}

	// Pages of a secret link, or that hold one, found or not.
	writer, token, _, _ := sharedLetter(t, site, db)
	for _, path := range []string{"/letters/" + token, "/letters/" + strings.Repeat("a", 43), "/comments/" + commentID + "/mine?k=guess",
		"/admin/password/reset?token=guess", "/setup?token=guess", "/subscriptions/confirm?t=guess", "/subscriptions/unsubscribe?t=guess",
		"/comments/erase/confirm?t=guess"} {
		resp, _ := get(t, anon, site.URL+path)
		checkHeaders(t, "GET "+path, resp)
		privateAnswer(t, "GET "+path, resp)
	}
	resp, _ := post(t, writer, site.URL+"/letters/"+token, url.Values{"action": {"reply"}, "body": {"x"}})
	privateAnswer(t, "POST /letters/{token}", resp)

	// The admin area, every page of it.
	for _, rt := range web.AdminRoutes() {
		if rt.Method != "GET" {
			continue
		}
		path := strings.NewReplacer("{$}", "", "{id}", "1", "{slug}", "about").Replace(rt.Pattern)
		resp, _ := get(t, admin, site.URL+path)
		checkHeaders(t, "GET "+path, resp)
		if cc := resp.Header.Get("Cache-Control"); cc != "no-store" {
			t.Errorf("GET %s (%d): Cache-Control %q", path, resp.StatusCode, cc)
		}
	}
	for _, path := range []string{"/admin/login", "/admin/login/code", "/admin/password/forgot"} {
		resp, _ := get(t, anon, site.URL+path)
		if cc := resp.Header.Get("Cache-Control"); cc != "no-store" {
			t.Errorf("GET %s (%d): Cache-Control %q", path, resp.StatusCode, cc)
		}
	}
	resp, _ = post(t, admin, site.URL+"/admin/logout", nil)
	checkHeaders(t, "POST /admin/logout", resp)
	if csd := resp.Header.Get("Clear-Site-Data"); !strings.Contains(csd, `"cookies"`) || !strings.Contains(csd, `"storage"`) || !strings.Contains(csd, `"cache"`) {
		t.Errorf("logout: Clear-Site-Data %q", csd)
	}
}
