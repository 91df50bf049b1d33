package web_test

import (
	"compress/gzip"
	"context"
	"encoding/xml"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	xhtml "golang.org/x/net/html"

	"github.com/confide/confide/internal/app/apptest"
	"github.com/confide/confide/internal/database"
	"github.com/confide/confide/internal/database/dbtest"
	"github.com/confide/confide/internal/demo"
	"github.com/confide/confide/internal/markup"
	"github.com/confide/confide/internal/model"
)

// client neither follows redirects nor decompresses, so tests see exactly
// what the server sent.
var client = &http.Client{
	Transport: &http.Transport{DisableCompression: true},
	CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	},
}

func do(t *testing.T, method, url string, header map[string]string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var r io.Reader = resp.Body
	if resp.Header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(resp.Body)
		if err != nil {
			t.Fatalf("%s: bad gzip: %v", url, err)
		}
		r = zr
	}
	body, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(body)
}

// scenario is one request and what must (and must not) come back.
type scenario struct {
	name       string
	method     string
	url        string
	header     map[string]string
	wantStatus int
	wantType   string
	wantBody   []string
	notBody    []string
}

func (sc scenario) run(t *testing.T, base string) {
	t.Helper()
	method := sc.method
	if method == "" {
		method = http.MethodGet
	}
	resp, body := do(t, method, base+sc.url, sc.header)
	if resp.StatusCode != sc.wantStatus {
		t.Errorf("%s %s: status %d, want %d", method, sc.url, resp.StatusCode, sc.wantStatus)
	}
	if sc.wantType != "" && !strings.HasPrefix(resp.Header.Get("Content-Type"), sc.wantType) {
		t.Errorf("%s: Content-Type %q, want %q", sc.url, resp.Header.Get("Content-Type"), sc.wantType)
	}
	for _, w := range sc.wantBody {
		if !strings.Contains(body, w) {
			t.Errorf("%s: body lacks %q", sc.url, w)
		}
	}
	for _, n := range sc.notBody {
		if strings.Contains(body, n) {
			t.Errorf("%s: body must not contain %q", sc.url, n)
		}
	}
}

func slugOf(title string) string { return markup.Slugify(title) }

const (
	lenaTitle  = "He reads my messages and says it is because he loves me"
	nadiaTitle = "My husband and I only talk about the children and the bills"
	ayoTitle   = "I moved to a new city for a fresh start and I have no friends"
)

func TestReadingPages(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *database.DB) {
		site := apptest.Start(t, db)
		lena := "/stories/" + slugOf(lenaTitle)
		for _, sc := range []scenario{
			{name: "home", url: "/", wantStatus: 200, wantType: "text/html",
				wantBody: []string{`<html lang="en">`, "Latest stories", lenaTitle, `href="/sections/relationships"`,
					"Latest comments", `action="/search"`, "Share your story", "an advisor answers with care",
					"Depression and loneliness", "3 comments", "Page 1 of 2"},
				notBody: []string{nadiaTitle}},
			{name: "home page 2", url: "/?page=2", wantStatus: 200, wantBody: []string{nadiaTitle, ayoTitle, "Page 2 of 2", `rel="prev"`},
				notBody: []string{`<h3><a href="` + lena + `">`}},
			{name: "home page past the end", url: "/?page=3", wantStatus: 404},
			{name: "home page not a number", url: "/?page=abc", wantStatus: 404},
			{name: "section", url: "/sections/relationships", wantStatus: 200,
				wantBody: []string{"<h1>Relationships</h1>", "Partners, trust", lenaTitle, nadiaTitle, "3 stories",
					`aria-label="Breadcrumb"`, `/sections/relationships/feed.atom`},
				notBody: []string{ayoTitle}},
			{name: "unknown section", url: "/sections/nope", wantStatus: 404, wantBody: []string{"We could not find"}},
			{name: "story", url: lena, wantStatus: 200,
				wantBody: []string{"<h1>" + lenaTitle + "</h1>", `<a href="/">Home</a>`, `<a href="/sections/relationships">Relationships</a>`,
					"Shared by Lena", "sulks for the whole evening", "Rose’s reply", "<strong>no, you are not overreacting.</strong>",
					"With warmth, Rose", "3 comments", "I could have written this ten years ago", `id="comment-`,
					"More stories in Relationships", "mailto:?", "E-mail this story", `href="/share"`},
				notBody: []string{"cheap watches"}},
			{name: "unknown story", url: "/stories/nope", wantStatus: 404},
			{name: "comments", url: "/comments", wantStatus: 200, wantBody: []string{"<h1>Latest comments</h1>", "Sending you strength", "Page 1 of 3"},
				notBody: []string{"cheap watches"}},
			{name: "comments page 3", url: "/comments?page=3", wantStatus: 200, wantBody: []string{"Page 3 of 3"}},
			{name: "about", url: "/about", wantStatus: 200, wantBody: []string{"About this site"}},
			{name: "privacy", url: "/privacy", wantStatus: 200, wantBody: []string{"<h1>Privacy</h1>"}},
			{name: "help", url: "/help", wantStatus: 200, wantBody: []string{"Samaritans", "988", "emergency number"}},
			{name: "share", url: "/share", wantStatus: 200, wantBody: []string{"letters at confide dot local", `data-contact-u="srettel"`},
				notBody: []string{"letters@confide.local"}},
			{name: "search", url: "/search?q=Divorce+evenings", wantStatus: 200,
				wantBody: []string{"stories found", "After the divorce the evenings are the worst", "<mark>"}},
			{name: "search in section", url: "/search?q=divorce&section=family", wantStatus: 200, wantBody: []string{"0 stories found", "share your story"}},
			{name: "search script", url: "/search?q=%3Cscript%3Ealert(1)%3C/script%3E", wantStatus: 200,
				wantBody: []string{"&lt;script&gt;alert(1)&lt;/script&gt;"}, notBody: []string{"<script>alert(1)"}},
			{name: "robots", url: "/robots.txt", wantStatus: 200, wantType: "text/plain", wantBody: []string{"Disallow: /admin/", "Sitemap: " + site.URL + "/sitemap.xml"}},
			{name: "healthz", url: "/healthz", wantStatus: 200, wantBody: []string{"ok"}},
			{name: "favicon", url: "/favicon.ico", wantStatus: 200, wantType: "image/x-icon"},
			{name: "not found page", url: "/no/such/page", wantStatus: 404, wantType: "text/html",
				wantBody: []string{"We could not find that page", "Confide demo", `name="q"`, "Latest comments"}},
			{name: "wrong method", method: "DELETE", url: "/", wantStatus: 405},
			{name: "cross-origin post refused", method: "POST", url: "/", header: map[string]string{"Sec-Fetch-Site": "cross-site"},
				wantStatus: 403, wantBody: []string{"sent from another site"}},
		} {
			t.Run(sc.name, func(t *testing.T) { sc.run(t, site.URL) })
		}
	})
}

func TestCommentsOnStoryAreOldestFirstAndApprovedOnly(t *testing.T) {
	db := dbtest.SQLite(t)
	site := apptest.Start(t, db)
	_, body := do(t, "GET", site.URL+"/stories/"+slugOf(lenaTitle), nil)
	first := strings.Index(body, "I could have written this")
	second := strings.Index(body, "Thank you Rose for explaining")
	third := strings.Index(body, "Sending you strength")
	if first < 0 || !(first < second && second < third) {
		t.Fatalf("comments not oldest first: %d %d %d", first, second, third)
	}
	if got := strings.Count(body, `class="comment"`); got != 3 {
		t.Fatalf("%d comments shown, want the 3 approved", got)
	}
}

func TestLatestCommentsSidebar(t *testing.T) {
	db := dbtest.SQLite(t)
	site := apptest.Start(t, db)
	_, body := do(t, "GET", site.URL+"/", nil)
	side := body[strings.Index(body, "Latest comments"):]
	side = side[:strings.Index(side, "</section>")]
	items := regexp.MustCompile(`(?s)<li><a href="(/comments/\d+)"><span class="who">([^<]+)</span>: “([^”]*)”</a>\s*<span class="when"><time datetime="([0-9TZ:-]+)" title="[^"]+">([^<]+)</time>`).
		FindAllStringSubmatch(side, -1)
	if len(items) != 5 {
		t.Fatalf("sidebar has %d well-formed items, want 5:\n%s", len(items), side)
	}
	// The newest approved comment leads; the pending one never shows.
	if items[0][2] != "Anna K." || items[0][5] != "yesterday" || !strings.HasPrefix(items[0][1], "/comments/") {
		t.Errorf("first item %q", items[0][1:])
	}
	if strings.Contains(side, "cheap watches") {
		t.Error("pending comment shown in the sidebar")
	}
	// Long comments are cut at a word, near 60 characters.
	var cut bool
	for _, it := range items {
		text := html.UnescapeString(it[3])
		if n := len([]rune(text)); n > 61 {
			t.Errorf("excerpt %q is %d characters", text, n)
		}
		if strings.HasSuffix(text, "…") {
			cut = true
			if text != "Thank you Rose for explaining the difference between secrets…" && !strings.HasSuffix(text, " …") {
				// any cut must end on a whole word
				words := strings.Fields(strings.TrimSuffix(text, "…"))
				if len(words) == 0 {
					t.Errorf("empty excerpt")
				}
			}
		}
	}
	if !cut {
		t.Error("no long comment was cut in the sidebar")
	}
	if !strings.Contains(side, "Thank you Rose for explaining the difference between secrets…") {
		t.Errorf("Jonas's comment not cut at a word: %s", side)
	}
	// The permalink leads to the comment on its story page.
	resp, _ := do(t, "GET", site.URL+items[0][1], nil)
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusFound || !strings.HasPrefix(loc, "/stories/"+slugOf(lenaTitle)+"#comment-") {
		t.Fatalf("permalink %s: %d to %q", items[0][1], resp.StatusCode, loc)
	}
	_, story := do(t, "GET", site.URL+strings.Split(loc, "#")[0], nil)
	if !strings.Contains(story, `id="`+strings.Split(loc, "#")[1]+`"`) {
		t.Errorf("anchor %s not found on the story page", loc)
	}
}

// A story whose every visitor field carries a script, and a reply with a
// javascript: link, must render inert everywhere it appears.
func TestPlantedScriptsRenderInert(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *database.DB) {
		site := apptest.Start(t, db)
		ctx := context.Background()
		secs, err := site.Service.Sections(ctx)
		if err != nil {
			t.Fatal(err)
		}
		evil := `<script>alert("x")</script>`
		st := model.Story{SectionID: secs[0].ID, Title: "Title " + evil, AuthorName: "Name " + evil,
			Letter: "Letter " + evil + "\n\n<img src=x onerror=alert(1)>",
			Reply:  "Reply " + evil + "\n\n[click me](javascript:alert(1)) <a href=\"javascript:alert(2)\">raw</a> <iframe src=//evil></iframe>",
			Status: model.StoryPublished, AdvisorName: "Rose " + evil, Signature: "Sig " + evil, PublishedAt: apptest.Now}
		if err := site.Service.AddStory(ctx, &st); err != nil {
			t.Fatal(err)
		}
		c := model.Comment{StoryID: st.ID, AuthorName: "C " + evil, Body: "Body " + evil + ` <a href="javascript:alert(3)">x</a>`,
			Status: model.CommentApproved, CreatedAt: apptest.Now}
		if err := site.Service.AddComment(ctx, &c); err != nil {
			t.Fatal(err)
		}
		for _, url := range []string{"/stories/" + st.Slug, "/", "/comments", "/sections/" + secs[0].Slug, "/feed.atom", "/comments/feed.atom"} {
			_, body := do(t, "GET", site.URL+url, nil)
			if strings.HasSuffix(url, ".atom") {
				if err := xml.Unmarshal([]byte(body), new(struct{})); err != nil {
					t.Errorf("%s is not well-formed XML: %v", url, err)
				}
				// A feed's HTML content is escaped once for XML; what a
				// feed reader renders is the unescaped text.
				var f struct {
					Entries []struct {
						Content string `xml:"content"`
					} `xml:"entry"`
				}
				xml.Unmarshal([]byte(body), &f)
				for _, e := range f.Entries {
					assertInert(t, url+" content", e.Content)
				}
				continue
			}
			assertInert(t, url, body)
		}
		_, body := do(t, "GET", site.URL+"/stories/"+st.Slug, nil)
		if !strings.Contains(body, "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;") {
			t.Error("the letter's script should show as text")
		}
		if !strings.Contains(body, "click me") {
			t.Error("the link text should remain")
		}
	})
}

// assertInert parses a page as a browser would and fails on anything that
// could run: script elements, frames, event-handler attributes, javascript:
// or data: URLs.
func assertInert(t *testing.T, where, page string) {
	t.Helper()
	z := xhtml.NewTokenizer(strings.NewReader(page))
	for {
		tt := z.Next()
		if tt == xhtml.ErrorToken {
			return
		}
		if tt != xhtml.StartTagToken && tt != xhtml.SelfClosingTagToken {
			continue
		}
		tok := z.Token()
		switch tok.Data {
		case "script":
			// Only the site's own file, in the head.
			if len(tok.Attr) == 0 || tok.Attr[0].Key != "src" || !strings.HasPrefix(tok.Attr[0].Val, "/static/site.") {
				t.Errorf("%s: live <script> element", where)
			}
		case "iframe", "object", "embed":
			t.Errorf("%s: live <%s> element", where, tok.Data)
		}
		for _, a := range tok.Attr {
			v := strings.ToLower(strings.TrimSpace(a.Val))
			if strings.HasPrefix(a.Key, "on") {
				t.Errorf("%s: <%s> has event handler %s=%q", where, tok.Data, a.Key, a.Val)
			}
			if (a.Key == "href" || a.Key == "src" || a.Key == "action") &&
				(strings.HasPrefix(v, "javascript:") || strings.HasPrefix(v, "data:")) {
				t.Errorf("%s: <%s %s=%q>", where, tok.Data, a.Key, a.Val)
			}
		}
	}
}

func TestDraftsAreNotFoundAndWithdrawnAreGone(t *testing.T) {
	db := dbtest.SQLite(t)
	site := apptest.Start(t, db)
	ctx := context.Background()
	secs, _ := site.Service.Sections(ctx)
	// A draft was never public: 404. A withdrawn story was: 410, with a kind
	// note and nothing of the story.
	for status, code := range map[string]int{model.StoryDraft: 404, model.StoryWithdrawn: 410} {
		st := model.Story{SectionID: secs[0].ID, Title: "Hidden " + status, Letter: "secret letter", Status: status}
		if err := site.Service.AddStory(ctx, &st); err != nil {
			t.Fatal(err)
		}
		scenario{url: "/stories/" + st.Slug, wantStatus: code, notBody: []string{"Hidden " + status, "secret letter"}}.run(t, site.URL)
		for _, url := range []string{"/", "/sections/" + secs[0].Slug, "/feed.atom", "/sitemap.xml", "/search?q=secret"} {
			scenario{url: url, wantStatus: 200, notBody: []string{"Hidden " + status}}.run(t, site.URL)
		}
	}
}

func TestSecurityHeadersOnEveryResponse(t *testing.T) {
	site := apptest.Start(t, dbtest.SQLite(t))
	_, home := do(t, "GET", site.URL+"/", nil)
	css := regexp.MustCompile(`/static/style\.[0-9a-f]+\.css`).FindString(home)
	for _, url := range []string{"/", "/stories/" + slugOf(lenaTitle), "/nope", "/feed.atom", "/healthz", css, "/favicon.ico", "/robots.txt"} {
		resp, _ := do(t, "GET", site.URL+url, nil)
		h := resp.Header
		csp := h.Get("Content-Security-Policy")
		if !strings.Contains(csp, "frame-ancestors 'none'") || !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") {
			t.Errorf("%s: CSP %q", url, csp)
		}
		if h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Referrer-Policy") == "" || h.Get("X-Frame-Options") != "DENY" {
			t.Errorf("%s: headers %v", url, h)
		}
	}
	// No page carries an inline script or an inline event handler.
	for _, url := range []string{"/", "/stories/" + slugOf(lenaTitle), "/help"} {
		_, body := do(t, "GET", site.URL+url, nil)
		if regexp.MustCompile(`\son[a-z]+=`).MatchString(body) {
			t.Errorf("%s has an inline event handler", url)
		}
		// The one script is the site's own file, for progressive
		// enhancement.
		for _, tag := range regexp.MustCompile(`<script[^>]*>`).FindAllString(body, -1) {
			if !regexp.MustCompile(`^<script src="/static/site\.[0-9a-f]{12}\.js" defer>$`).MatchString(tag) {
				t.Errorf("%s has a script other than the site's file: %s", url, tag)
			}
		}
	}
}

func TestCachingAndCompression(t *testing.T) {
	site := apptest.Start(t, dbtest.SQLite(t))
	url := site.URL + "/stories/" + slugOf(lenaTitle)
	warmStory(t, site, slugOf(lenaTitle))

	resp, plain := do(t, "GET", url, nil)
	etag := resp.Header.Get("ETag")
	if etag == "" || resp.Header.Get("Content-Encoding") != "" {
		t.Fatalf("plain response: ETag %q, encoding %q", etag, resp.Header.Get("Content-Encoding"))
	}
	resp, body := do(t, "GET", url, map[string]string{"If-None-Match": etag})
	if resp.StatusCode != 304 || body != "" {
		t.Fatalf("If-None-Match: status %d, %d bytes", resp.StatusCode, len(body))
	}
	resp, _ = do(t, "GET", url, map[string]string{"If-None-Match": `W/"other"`})
	if resp.StatusCode != 200 {
		t.Fatalf("stale ETag: status %d", resp.StatusCode)
	}
	resp, unzipped := do(t, "GET", url, map[string]string{"Accept-Encoding": "br, gzip;q=0.8"})
	if resp.Header.Get("Content-Encoding") != "gzip" || unzipped != plain {
		t.Fatalf("gzip: encoding %q, same body %v", resp.Header.Get("Content-Encoding"), unzipped == plain)
	}
	if resp.ContentLength >= int64(len(plain)) {
		t.Errorf("gzip did not shrink the page: %d >= %d", resp.ContentLength, len(plain))
	}
	resp, _ = do(t, "GET", url, map[string]string{"Accept-Encoding": "gzip;q=0"})
	if resp.Header.Get("Content-Encoding") != "" {
		t.Errorf("gzip;q=0 must not be compressed")
	}

	css := regexp.MustCompile(`/static/style\.[0-9a-f]{12}\.css`).FindString(plain)
	if css == "" {
		t.Fatal("no hashed stylesheet link")
	}
	resp, cssBody := do(t, "GET", site.URL+css, nil)
	if resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Cache-Control"), "immutable") || !strings.Contains(cssBody, ":root") {
		t.Fatalf("css: %d %q", resp.StatusCode, resp.Header.Get("Cache-Control"))
	}
	resp, _ = do(t, "GET", site.URL+"/static/style.000000000000.css", nil)
	if resp.StatusCode != 404 {
		t.Errorf("old stylesheet hash: status %d, want 404", resp.StatusCode)
	}
}

func TestFeedsAndSitemap(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *database.DB) {
		site := apptest.Start(t, db)
		type feed struct {
			Title   string `xml:"title"`
			Entries []struct {
				Title   string `xml:"title"`
				ID      string `xml:"id"`
				Content string `xml:"content"`
			} `xml:"entry"`
		}
		for _, tc := range []struct {
			url, title, first string
			entries           int
		}{
			{"/feed.atom", "Confide demo: latest stories", lenaTitle, 12},
			{"/sections/relationships/feed.atom", "Confide demo: Relationships", lenaTitle, 3},
			{"/comments/feed.atom", "Confide demo: latest comments", "Anna K. on “" + lenaTitle + "”", 20},
		} {
			resp, body := do(t, "GET", site.URL+tc.url, nil)
			if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/atom+xml") {
				t.Fatalf("%s: %d %s", tc.url, resp.StatusCode, resp.Header.Get("Content-Type"))
			}
			var f feed
			if err := xml.Unmarshal([]byte(body), &f); err != nil {
				t.Fatalf("%s: %v", tc.url, err)
			}
			if f.Title != tc.title || len(f.Entries) != tc.entries || f.Entries[0].Title != tc.first ||
				!strings.HasPrefix(f.Entries[0].ID, site.URL+"/") {
				t.Errorf("%s: title %q, %d entries, first %q", tc.url, f.Title, len(f.Entries), f.Entries[0].Title)
			}
		}
		scenario{url: "/sections/nope/feed.atom", wantStatus: 404}.run(t, site.URL)

		_, body := do(t, "GET", site.URL+"/sitemap.xml", nil)
		var idx struct {
			Sitemaps []struct {
				Loc     string `xml:"loc"`
				LastMod string `xml:"lastmod"`
			} `xml:"sitemap"`
		}
		if err := xml.Unmarshal([]byte(body), &idx); err != nil {
			t.Fatal(err)
		}
		if len(idx.Sitemaps) != 2 || idx.Sitemaps[0].Loc != site.URL+"/sitemaps/pages.xml" ||
			idx.Sitemaps[1].Loc != site.URL+"/sitemaps/stories-1.xml" || idx.Sitemaps[1].LastMod == "" {
			t.Fatalf("sitemap index: %+v", idx.Sitemaps)
		}
		seed, _ := demo.Content(apptest.Now)
		urls := 0
		for _, sm := range idx.Sitemaps {
			_, body := do(t, "GET", sm.Loc, nil)
			var set struct {
				URLs []struct {
					Loc string `xml:"loc"`
				} `xml:"url"`
			}
			if err := xml.Unmarshal([]byte(body), &set); err != nil {
				t.Fatalf("%s: %v", sm.Loc, err)
			}
			urls += len(set.URLs)
		}
		if want := 1 + len(seed.Sections) + len(seed.Stories) + 5; urls != want {
			t.Errorf("sitemap has %d URLs, want %d", urls, want)
		}
		_, body = do(t, "GET", site.URL+"/sitemaps/stories-1.xml", nil)
		if !strings.Contains(body, "<loc>"+site.URL+"/stories/"+slugOf(lenaTitle)+"</loc>") {
			t.Error("sitemap lacks a story")
		}
		for _, u := range []string{"/sitemaps/stories-2.xml", "/sitemaps/stories-0.xml", "/sitemaps/stories-01.xml", "/sitemaps/x.xml", "/sitemaps/stories-99999999999999999999.xml"} {
			scenario{url: u, wantStatus: 404}.run(t, site.URL)
		}
	})
}

// When the database fails, visitors get a generic 500 page in the layout,
// never the error's text; /readyz says 503 (the process, /healthz, is fine).
func TestInternalErrorsAreHidden(t *testing.T) {
	site := apptest.Start(t, dbtest.SQLite(t))
	site.DB.Close()
	for _, url := range []string{"/", "/stories/" + slugOf(lenaTitle), "/comments"} {
		scenario{url: url, wantStatus: 500, wantType: "text/html",
			wantBody: []string{"Something went wrong", "<html", "Get help now"},
			notBody:  []string{"sql", "database is closed", "store:", "goroutine"}}.run(t, site.URL)
	}
	scenario{url: "/healthz", wantStatus: 200}.run(t, site.URL)
	scenario{url: "/readyz", wantStatus: 503, wantBody: []string{"not ready"}, notBody: []string{"database is closed", "sql"}}.run(t, site.URL)
}

// /readyz is 200 only when every migration this binary knows is applied.
func TestReadyNeedsEveryMigration(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *database.DB) {
		site := apptest.Start(t, db)
		scenario{url: "/readyz", wantStatus: 200, wantBody: []string{"ok"}}.run(t, site.URL)
		var v int
		var name string
		db.Read.QueryRow(`SELECT version, name FROM schema_migrations ORDER BY version DESC LIMIT 1`).Scan(&v, &name)
		if _, err := db.Write.Exec(`DELETE FROM schema_migrations WHERE version = $1`, v); err != nil {
			t.Fatal(err)
		}
		scenario{url: "/readyz", wantStatus: 503}.run(t, site.URL)
		if _, err := db.Write.Exec(`INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, 'now')`, v, name); err != nil {
			t.Fatal(err)
		}
		scenario{url: "/readyz", wantStatus: 200}.run(t, site.URL)
	})
}

// A visitor who leaves before the page is ready is no internal error: the
// request is logged as 499, like nginx does, and nothing is rendered.
func TestVisitorGoneIsNotAnError(t *testing.T) {
	site := apptest.Start(t, dbtest.SQLite(t))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	rec := httptest.NewRecorder()
	site.Web.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/stories/"+slugOf(lenaTitle), nil).WithContext(ctx))
	if rec.Code != 499 || strings.Contains(rec.Body.String(), "Something went wrong") {
		t.Fatalf("status %d, body %q", rec.Code, rec.Body.String())
	}
	// A page that fails while its visitor is still there is an error.
	rec = httptest.NewRecorder()
	site.DB.Close()
	site.Web.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/stories/"+slugOf(lenaTitle), nil))
	if rec.Code != http.StatusInternalServerError {
		t.Fatalf("status %d after the database closed", rec.Code)
	}
}
