package web_test

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/confide/confide/internal/app/apptest"
	"github.com/confide/confide/internal/database"
	"github.com/confide/confide/internal/database/dbtest"
	"github.com/confide/confide/internal/model"
)

// rowCounts counts what a form may store.
func rowCounts(t *testing.T, db *database.DB) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, table := range []string{"stories", "comments", "letters", "sections", "users", "outbox", "blocklist", "reply_templates",
		"helplines", "comment_reports", "settings"} {
		var n int
		if err := db.Read.QueryRow("SELECT count(*) FROM " + table).Scan(&n); err != nil {
			t.Fatalf("%s: %v", table, err)
		}
		out[table] = n
	}
	return out
}

// hostileForm is a form of the site with values it accepts, the field to
// spoil, and a name field when it has one.
type hostileForm struct {
	path  string
	admin bool
	good  url.Values
	field string
	name  string
}

// Every form answers hostile input with a clear 4xx and stores nothing:
// bytes that are not UTF-8, NUL and other control characters, a field sent
// twice, characters that turn a name around, over-long fields, and bodies of
// 10 MB, sent whole or chunked.
func TestHostileInputIsRefused(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *database.DB) {
		site := apptest.Start(t, db)
		setLayers(t, site, openLayers)
		addUser(t, site, "admin@example.org", model.RoleAdmin)
		admin := loginAs(t, site, "admin@example.org")
		story := "/stories/" + slugOf(lenaTitle)
		var commentID int64
		if err := db.Read.QueryRow(`SELECT id FROM comments WHERE status = 'approved' ORDER BY id LIMIT 1`).Scan(&commentID); err != nil {
			t.Fatal(err)
		}
		var sectionID int64
		if err := db.Read.QueryRow(`SELECT id FROM sections ORDER BY id LIMIT 1`).Scan(&sectionID); err != nil {
			t.Fatal(err)
		}
		letter := strings.Repeat("Since the winter I have felt far away from everyone I know. ", 2)
		forms := []hostileForm{
			{path: "/share", good: url.Values{"title": {"Far away"}, "body": {letter}, "name": {"Ines"}, "consent": {"private"}}, field: "body", name: "name"},
			{path: story + "/comments", good: url.Values{"name": {"Ines"}, "email": {"ines@example.org"}, "body": {"Thank you for writing this."}}, field: "body", name: "name"},
			{path: "/letters/lost", good: url.Values{"email": {"ines@example.org"}}, field: "email"},
			{path: "/comments/erase", good: url.Values{"email": {"ines@example.org"}}, field: "email"},
			{path: fmt.Sprintf("/comments/%d/report", commentID), good: url.Values{"reason": {"unkind"}, "note": {"Rude."}}, field: "note"},
			{path: "/admin/login", good: url.Values{"email": {"nobody@example.org"}, "password": {"wrong password here"}}, field: "email"},
			{path: "/admin/stories", admin: true, good: url.Values{"title": {"A new story"}, "section": {fmt.Sprint(sectionID)}, "letter": {letter},
				"reply": {"A reply."}, "action": {"draft"}}, field: "letter", name: "author_name"},
			{path: "/admin/sections", admin: true, good: url.Values{"name": {"Grief"}}, field: "name"},
			{path: "/admin/users", admin: true, good: url.Values{"email": {"new@example.org"}, "name": {"New Advisor"}, "role": {"advisor"}}, field: "email", name: "name"},
			{path: "/admin/templates", admin: true, good: url.Values{"name": {"Thanks"}, "body": {"Thank you for writing."}}, field: "body"},
			{path: "/admin/antispam/rules", admin: true, good: url.Values{"kind": {"word"}, "value": {"casino"}, "action": {"hold"}}, field: "value"},
		}
		before := rowCounts(t, db)
		anon := browserClient(t)
		for _, f := range forms {
			c := anon
			if f.admin {
				c = admin
			}
			with := func(field, value string) url.Values {
				v := url.Values{}
				for k, vs := range f.good {
					v[k] = append([]string(nil), vs...)
				}
				v.Set(field, value)
				return v
			}
			cases := map[string]url.Values{
				"not UTF-8":        with(f.field, "caf\xe9 \xff\xfe"),
				"NUL":              with(f.field, "before\x00after"),
				"escape character": with(f.field, "red \x1b[31m text"),
				"C1 control":       with(f.field, "text \u0085 more"),
				"over-long":        with(f.field, strings.Repeat("long ", 50000)),
				"field sent twice": func() url.Values { v := with(f.field, f.good.Get(f.field)); v.Add(f.field, "second"); return v }(),
			}
			if f.name != "" {
				cases["name turned around"] = with(f.name, "Ines\u202egpj.exe")
				cases["name with an isolate"] = with(f.name, "Ines\u2067admin\u2069")
			}
			for what, form := range cases {
				resp, body := post(t, c, site.URL+f.path, form)
				if resp.StatusCode < 400 || resp.StatusCode >= 500 {
					t.Errorf("%s with %s: %d, want a 4xx", f.path, what, resp.StatusCode)
				} else if !strings.Contains(body, "<main") {
					t.Errorf("%s with %s: %d without a page that says why", f.path, what, resp.StatusCode)
				}
			}
			// 10 MB, whole and chunked.
			big := "x=" + strings.Repeat("a", 10<<20)
			for _, chunked := range []bool{false, true} {
				var body io.Reader = strings.NewReader(big)
				if chunked {
					body = io.MultiReader(strings.NewReader(big)) // no length: sent chunked
				}
				req, _ := http.NewRequest("POST", site.URL+f.path, body)
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				if !chunked {
					req.ContentLength = int64(len(big))
				}
				resp, err := c.Do(req)
				if err != nil {
					t.Fatalf("%s, 10 MB (chunked %v): %v", f.path, chunked, err)
				}
				resp.Body.Close()
				if resp.StatusCode != http.StatusRequestEntityTooLarge {
					t.Errorf("%s, 10 MB (chunked %v): %d, want 413", f.path, chunked, resp.StatusCode)
				}
			}
		}
		sameCounts(t, before, rowCounts(t, db))

		// A name that only needs joiners (a family emoji, Persian) is fine.
		resp, _ := post(t, anon, site.URL+story+"/comments", url.Values{"name": {"مریم\u200c 👨\u200d👩\u200d👧"}, "email": {"m@example.org"},
			"body": {"Thinking of you."}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Errorf("a name with joiners: %d", resp.StatusCode)
		}
		// A line break pasted from a word processor (a vertical tab) is a
		// line break.
		resp, _ = post(t, anon, site.URL+story+"/comments", url.Values{"name": {"Ines"}, "email": {"i2@example.org"},
			"body": {"First line\vsecond line."}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Errorf("a pasted vertical tab: %d", resp.StatusCode)
		}
	})
}

func sameCounts(t *testing.T, before, after map[string]int) {
	t.Helper()
	for k, v := range before {
		if after[k] != v {
			t.Errorf("%s: %d rows before, %d after: hostile input was stored", k, v, after[k])
		}
	}
}

// Text that looks encoded is stored as typed and shown as typed, never
// decoded into markup.
func TestDoubleEncodedTextStaysText(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *database.DB) {
		site := apptest.Start(t, db)
		setLayers(t, site, openLayers)
		story := "/stories/" + slugOf(lenaTitle)
		const typed = `%3Cscript%3Ealert(1)%3C/script%3E &lt;b&gt;bold&lt;/b&gt; &amp;lt;i&amp;gt; \u003cimg src=x\u003e`
		c := browserClient(t)
		resp, _ := post(t, c, site.URL+story+"/comments", url.Values{"name": {"Encoded &amp; Co"}, "email": {"enc@example.org"}, "body": {typed}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("post: %d", resp.StatusCode)
		}
		var stored, name string
		if err := db.Read.QueryRow(`SELECT body, author_name FROM comments WHERE author_email = 'enc@example.org'`).Scan(&stored, &name); err != nil {
			t.Fatal(err)
		}
		if stored != typed || name != "Encoded &amp; Co" {
			t.Errorf("stored %q / %q, want it as typed", stored, name)
		}
		for _, path := range []string{story, "/comments", "/comments/feed.atom"} {
			_, page := get(t, c, site.URL+path)
			if !strings.Contains(page, "&amp;lt;b&amp;gt;bold&amp;lt;/b&amp;gt;") && !strings.Contains(page, "&amp;amp;lt;b&amp;amp;gt;bold") {
				t.Errorf("%s does not show the text as typed", path)
			}
			for _, bad := range []string{"<script>alert", "<b>bold", "<img src=x", "<i>"} {
				if strings.Contains(page, bad) {
					t.Errorf("%s decoded the text into %q", path, bad)
				}
			}
		}
	})
}

// A redirect after login or an admin action stays on the site, whatever
// next= says; TRACE, hidden files, the database and folder listings are
// not served.
func TestNoOpenRedirectsNorHiddenFiles(t *testing.T) {
	site := apptest.Start(t, dbtest.SQLite(t))
	addUser(t, site, "admin@example.org", model.RoleAdmin)
	for _, next := range []string{"https://evil.example/", "//evil.example/admin/", "/\\evil.example", "/admin/\\..\\evil", "javascript:alert(1)",
		"/admin@evil.example", "https:/evil.example", "/admin/\r\nSet-Cookie: x=1"} {
		c := browserClient(t)
		resp, _ := post(t, c, site.URL+"/admin/login", url.Values{"email": {"admin@example.org"}, "password": {testPassword}, "next": {next}})
		loc := resp.Header.Get("Location")
		u, err := url.Parse(loc)
		if resp.StatusCode == http.StatusSeeOther && (err != nil || u.Host != "" || !strings.HasPrefix(loc, "/admin/") || strings.HasPrefix(loc, "//")) {
			t.Errorf("next=%q sent the browser to %q", next, loc)
		}
	}
	for _, path := range []string{"/.git/config", "/.git/HEAD", "/.env", "/confide.db", "/test.db", "/static/", "/static/../go.mod",
		"/static/%2e%2e/go.mod", "/internal/web/routes.go", "/.well-known/../.env", "/wp-admin/", "/server-status"} {
		resp, _ := do(t, "GET", site.URL+path, nil)
		switch resp.StatusCode {
		case http.StatusNotFound:
		case http.StatusMovedPermanently, http.StatusTemporaryRedirect, http.StatusPermanentRedirect:
			// The router cleans "/static/../x" into "/x", which is then
			// a 404 of its own.
			if loc := resp.Header.Get("Location"); strings.Contains(loc, "..") || strings.Contains(loc, "%2e") {
				t.Errorf("GET %s: redirected to %s", path, loc)
			} else if r2, _ := do(t, "GET", site.URL+loc, nil); r2.StatusCode != http.StatusNotFound {
				t.Errorf("GET %s, then %s: %d, want 404", path, loc, r2.StatusCode)
			}
		default:
			t.Errorf("GET %s: %d, want 404", path, resp.StatusCode)
		}
	}
	for _, method := range []string{"TRACE", "TRACK", "CONNECT"} {
		resp, body := do(t, method, site.URL+"/", map[string]string{"X-Secret": "echo me"})
		if resp.StatusCode != http.StatusMethodNotAllowed && resp.StatusCode != http.StatusNotFound && resp.StatusCode != http.StatusBadRequest {
			t.Errorf("%s /: %d", method, resp.StatusCode)
		}
		if strings.Contains(body, "echo me") {
			t.Errorf("%s echoed the request", method)
		}
	}
	// A raw request with a header that never ends is cut off rather than
	// held open: the server's header budget (ReadHeaderTimeout) applies
	// to the test server too.
	conn, err := net.Dial("tcp", strings.TrimPrefix(site.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ")
	conn.SetReadDeadline(time.Now().Add(15 * time.Second))
	buf := make([]byte, 512)
	n, err := conn.Read(buf)
	if ne, ok := err.(net.Error); ok && ne.Timeout() {
		t.Error("a request whose headers never end held its connection for 15 s")
	}
	if n > 0 && !bytes.Contains(buf[:n], []byte("408")) && !bytes.Contains(buf[:n], []byte("400")) {
		t.Errorf("a request whose headers never end was answered: %q", buf[:n])
	}
}

// An address whose path or query holds a NUL, another control character or
// bytes that are not UTF-8 is a 400 with a message, on every page: wapiti
// found /search?section=…%00 a 500 on PostgreSQL, which refuses a NUL in
// text. Ordinary non-ASCII addresses still work.
func TestHostileAddressesAreRefused(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *database.DB) {
		site := apptest.Start(t, db)
		addUser(t, site, "admin@example.org", model.RoleAdmin)
		admin := loginAs(t, site, "admin@example.org")
		story := "/stories/" + slugOf(lenaTitle)
		for _, u := range []string{
			"/search?q=lonely&section=%27+and+1%3D1%00",
			"/search.atom?q=default&section=x%00",
			"/search?q=lonely&section=%ff%fe",
			"/search?q=a%00b",
			"/search?q=lonely&sec%00tion=x",
			"/sections/x%00y",
			"/stories/abc%00def",
			story + "?page=1%00",
			story + "?parent=%01",
			"/comments?page=%1b2",
			"/help?country=%00",
			"/stories/%ff",
		} {
			for who, c := range map[string]*http.Client{"anonymous": browserClient(t), "admin": admin} {
				resp, body := get(t, c, site.URL+u)
				if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "characters that are not text") {
					t.Errorf("%s GET %s: %d, want 400 with the message", who, u, resp.StatusCode)
				}
			}
		}
		for _, u := range []string{"/admin/letters?q=%00", "/admin/search?q=x&section=%00", "/admin/stories?q=%07", "/admin/comments?status=%00"} {
			if resp, _ := get(t, admin, site.URL+u); resp.StatusCode != http.StatusBadRequest {
				t.Errorf("admin GET %s: %d, want 400", u, resp.StatusCode)
			}
		}
		for _, u := range []string{"/search?q=%C3%9Cbel+caf%C3%A9", "/search?q=lonely&section=", story, "/search?q=a;b"} {
			if resp, _ := get(t, browserClient(t), site.URL+u); resp.StatusCode != http.StatusOK {
				t.Errorf("GET %s: %d, want 200", u, resp.StatusCode)
			}
		}
	})
}
