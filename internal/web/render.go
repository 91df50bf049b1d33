package web

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"hash/crc32"
	"html/template"
	"io"
	"io/fs"
	"net/http"
	"path"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/confide/confide/internal/crisis"
	"github.com/confide/confide/internal/markup"
	"github.com/confide/confide/internal/model"
	"github.com/confide/confide/internal/redact"
)

// view is what every page template gets: the site-wide parts (settings,
// sections, latest comments for the sidebar) and the page's own Data.
type view struct {
	Site           model.Settings
	Title          string // the page's title, before the site name
	Description    string
	Canonical      string // absolute URL of this page, when it has one
	Feed           string // the page's Atom feed, when it has one
	Query          string // the search box's text
	CSS            string // URL of the hashed stylesheet
	JS             string // URL of the hashed script (progressive enhancement)
	Sections       []model.Section
	LatestComments []model.Comment
	SpliceLatest   bool // leave the Latest Comments box to be filled as the page is sent
	NoIndex        bool // a private page: search engines keep out
	Now            time.Time
	Data           any
}

// chrome loads the site-wide parts of a page, from the chrome cache when the
// content has not changed since they were loaded.
func (s *Server) chrome(ctx context.Context, title string) (*view, error) {
	v, err := s.contentState(ctx)
	if err != nil {
		return nil, err
	}
	c := &s.chromeCache
	c.mu.Lock()
	if c.version != v {
		c.mu.Unlock()
		site, err := s.svc.SiteSettings(ctx)
		if err != nil {
			return nil, err
		}
		secs, err := s.svc.Sections(ctx)
		if err != nil {
			return nil, err
		}
		latest, err := s.svc.LatestComments(ctx, sidebarComments)
		if err != nil {
			return nil, err
		}
		c.mu.Lock()
		if v.Version > c.version.Version || (v.Version == c.version.Version && v.Changes >= c.version.Changes) {
			c.version, c.site, c.secs, c.latest = v, site, secs, latest
		}
	}
	// The slices are shared between requests; templates only read them.
	out := &view{Site: c.site, Title: title, CSS: s.assets.cssURL, JS: s.assets.jsURL, Sections: c.secs, LatestComments: c.latest,
		Now: s.now().UTC()}
	// A cached page leaves a slot for the Latest Comments box, filled as it
	// is sent: comments come and go far more often than pages change.
	_, out.SpliceLatest = ctx.Value(cacheSlotKey{}).(*cacheSlot)
	c.mu.Unlock()
	return out, nil
}

// sidebarComments is how many comments the Latest Comments sidebar lists.
const sidebarComments = 5

func templateFuncs() template.FuncMap {
	return template.FuncMap{
		// riskName names a letter's risk tier: "none", "low", "medium", "high".
		"riskName": func(t int) string { return crisis.Tier(t).String() },
		// styleNotes are the safe-messaging notes on a reply or story.
		"styleNotes": crisis.StyleCheck,
		// piiKind and piiReplacement name a redactor finding's kind and
		// what one click makes of it.
		"piiKind":        func(k string) string { return redact.KindNames[k] },
		"piiReplacement": func(k string) string { return redact.Replacements[k] },
		// telURI is the first number of a helpline's phone field, for a
		// tel: link ("0800 111 0 111, 116 123" → "08001110111").
		"telURI": func(phone string) string {
			first, _, _ := strings.Cut(strings.SplitN(phone, ";", 2)[0], ",")
			return strings.Map(func(r rune) rune {
				if (r >= '0' && r <= '9') || r == '+' || r == '*' || r == '#' {
					return r
				}
				return -1
			}, first)
		},
		"plain":    markup.Plain,
		"markdown": markup.Markdown,
		"excerpt":  markup.Excerpt,
		"ago":      markup.RelativeTime,
		"isodate":  func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
		"date":     func(t time.Time) string { return t.UTC().Format("2 January 2006") },
		"datetime": func(t time.Time) string { return t.UTC().Format("2 January 2006, 15:04 UTC") },
		"plural": func(n int, one, many string) string {
			if n == 1 {
				return "1 " + one
			}
			return strconv.Itoa(n) + " " + many
		},
		// dict builds a map for passing several values to a shared block.
		"dict": func(kv ...any) (map[string]any, error) {
			if len(kv)%2 != 0 {
				return nil, fmt.Errorf("dict: odd number of arguments")
			}
			m := make(map[string]any, len(kv)/2)
			for i := 0; i < len(kv); i += 2 {
				k, ok := kv[i].(string)
				if !ok {
					return nil, fmt.Errorf("dict: key %v is not a string", kv[i])
				}
				m[k] = kv[i+1]
			}
			return m, nil
		},
		"add": func(a, b int) int { return a + b },
		// latestSlot marks where a cached page's Latest Comments box goes
		// (html/template drops comments written in a template).
		"latestSlot": func() template.HTML { return template.HTML(latestMarker) },
		"comment":    markup.Comment,
		"contact":    contactWords,
		"waitWords":  waitWords,
		"reasonLabel": func(key string) string {
			for _, r := range model.ReportReasons {
				if r.Key == key {
					return r.Label
				}
			}
			return key
		},
		"list": func(items ...string) []string { return items },
		"pageURL": func(base string, n int) string {
			if n <= 1 {
				return base
			}
			sep := "?"
			if strings.Contains(base, "?") {
				sep = "&"
			}
			return base + sep + "page=" + strconv.Itoa(n)
		},
	}
}

// parseTemplates parses each page template together with its layout, once,
// at start-up: a broken template stops the program before it serves. Public
// pages ("story") use templates/layout.html and the shared blocks of
// list.html; admin pages ("admin/stories") use templates/admin/layout.html.
func parseTemplates(a *assets) (map[string]*template.Template, error) {
	out := map[string]*template.Template{}
	for _, set := range []struct{ prefix, dir string }{{"", "templates"}, {"admin/", "templates/admin"}} {
		shared := []string{set.dir + "/layout.html"}
		if set.prefix == "" {
			shared = append(shared, "templates/list.html")
		}
		layout, err := template.New("layout.html").Funcs(templateFuncs()).ParseFS(templateFiles, shared...)
		if err != nil {
			return nil, fmt.Errorf("web: parse %s layout: %w", set.dir, err)
		}
		names, err := fs.Glob(templateFiles, set.dir+"/*.html")
		if err != nil {
			return nil, err
		}
		for _, name := range names {
			base := path.Base(name)
			if base == "layout.html" || (set.prefix == "" && base == "list.html") {
				continue
			}
			t, err := template.Must(layout.Clone()).ParseFS(templateFiles, name)
			if err != nil {
				return nil, fmt.Errorf("web: parse %s: %w", name, err)
			}
			out[set.prefix+strings.TrimSuffix(base, ".html")] = t
		}
	}
	return out, nil
}

var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// render executes a page into a buffer first, so that a template error
// becomes a clean error page and never half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, page string, v *view) error {
	t, ok := s.tmpl[page]
	if !ok {
		return fmt.Errorf("web: no template %q", page)
	}
	return s.execute(w, r, status, page, t, v)
}

// execute renders t's layout with data into a buffer and sends it.
func (s *Server) execute(w http.ResponseWriter, r *http.Request, status int, page string, t *template.Template, data any) error {
	buf := bufPool.Get().(*bytes.Buffer)
	buf.Reset()
	defer bufPool.Put(buf)
	if err := t.ExecuteTemplate(buf, "layout.html", data); err != nil {
		return fmt.Errorf("web: render %s: %w", page, err)
	}
	s.writeBody(w, r, status, "text/html; charset=utf-8", buf.Bytes())
	return nil
}

// payload is a generated response, kept gzip-compressed: every browser
// takes gzip, and compressed pages let the page cache hold four times as
// many. The rare client without gzip gets the body decompressed on the fly.
type payload struct {
	key   string // cache key, when cached
	story int64  // the story whose comments it shows (see pageShows)
	lists bool   // it counts or lists comments of many stories
	// spliced, when set, holds the page in two parts around the Latest
	// Comments box (see splice.go); gz, size and etag are then filled for
	// one version of the box at a time.
	spliced *splicedBody
	made    time.Time // when it was rendered
	ctype   string
	gz      []byte
	size    int // uncompressed length
	etag    string
}

var crcTable = crc32.MakeTable(crc32.Castagnoli)

func newPayload(ctype string, body []byte) *payload {
	var zbuf bytes.Buffer
	zbuf.Grow(len(body)/3 + 64)
	pool := &gzipPool
	if len(body) > fastGzipAbove {
		pool = &gzipFastPool
	}
	zw := pool.Get().(*gzip.Writer)
	zw.Reset(&zbuf)
	zw.Write(body) // #nosec G104 -- writing the answer: a visitor who left is no error to handle
	zw.Close()     // #nosec G104 -- writing the answer: a visitor who left is no error to handle
	pool.Put(zw)
	// CRC-32C runs in hardware; with the length it tells two versions of
	// one URL apart, which is all an ETag has to do.
	etag := fmt.Sprintf(`W/"%08x%x"`, crc32.Checksum(body, crcTable), len(body))
	// The copy holds exactly the compressed bytes: the buffer grew past
	// them, and thousands of cached pages would carry the slack.
	return &payload{ctype: ctype, gz: bytes.Clone(zbuf.Bytes()), size: len(body), made: time.Now(), etag: etag}
}

// cost is the memory the payload holds, for the cache's budget.
func (p *payload) cost() int {
	if p.spliced != nil {
		return p.spliced.cost() + len(p.key)
	}
	return cap(p.gz) + len(p.key) + 200
}

// writeBody sends a generated response (see send). A 200 response of a
// cacheable request is also left in the request's cache slot.
func (s *Server) writeBody(w http.ResponseWriter, r *http.Request, status int, contentType string, body []byte) {
	slot, cacheable := r.Context().Value(cacheSlotKey{}).(*cacheSlot)
	if cacheable && bytes.Contains(body, []byte(latestMarker)) {
		p := &payload{ctype: contentType, spliced: newSpliced(contentType, body), made: time.Now()}
		if status == http.StatusOK {
			slot.p = p
		}
		if err := s.sendCached(w, r, status, p); err != nil {
			s.renderError(w, r, err)
		}
		return
	}
	p := newPayload(contentType, body)
	if cacheable && status == http.StatusOK {
		slot.p = p
	}
	s.send(w, r, status, p)
}

// send writes a payload with a validator and compression: a weak ETag that
// answers If-None-Match with 304 (browsers and proxies revalidate instead of
// downloading again) and gzip when the client takes it.
func (s *Server) send(w http.ResponseWriter, r *http.Request, status int, p *payload) {
	h := w.Header()
	h.Set("Content-Type", p.ctype)
	h.Add("Vary", "Accept-Encoding")
	if status == http.StatusOK {
		h.Set("ETag", p.etag)
		if h.Get("Cache-Control") == "" {
			h.Set("Cache-Control", "no-cache")
		}
		if etagMatches(r.Header.Get("If-None-Match"), p.etag) {
			w.WriteHeader(http.StatusNotModified)
			return
		}
	}
	if acceptsGzip(r) {
		h.Set("Content-Encoding", "gzip")
		h.Set("Content-Length", strconv.Itoa(len(p.gz)))
		w.WriteHeader(status)
		w.Write(p.gz) // #nosec G104 G705 -- the gzip bytes of a page rendered by html/template; a client gone is no error to handle
		return
	}
	h.Set("Content-Length", strconv.Itoa(p.size))
	w.WriteHeader(status)
	if r.Method == http.MethodHead {
		return
	}
	zr := gunzipPool.Get().(*gzip.Reader)
	defer gunzipPool.Put(zr)
	buf := copyBufPool.Get().(*[]byte)
	defer copyBufPool.Put(buf)
	if err := zr.Reset(bytes.NewReader(p.gz)); err == nil {
		io.CopyBuffer(w, zr, *buf) // #nosec G104 -- writing the answer: a visitor who left is no error to handle
	}
}

var (
	gunzipPool  = sync.Pool{New: func() any { return new(gzip.Reader) }}
	copyBufPool = sync.Pool{New: func() any { b := make([]byte, 32<<10); return &b }}
)

var gzipPool = sync.Pool{New: func() any {
	zw, _ := gzip.NewWriterLevel(nil, gzip.DefaultCompression)
	return zw
}}

// fastGzipAbove: bigger bodies (feeds, sitemap files of thousands of URLs)
// are compressed at gzip's fastest level, several times quicker than the
// default for a few percent more bytes, so that making one stays within a
// page's time budget.
const fastGzipAbove = 64 << 10

var gzipFastPool = sync.Pool{New: func() any {
	zw, _ := gzip.NewWriterLevel(nil, gzip.BestSpeed)
	return zw
}}

func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if !strings.EqualFold(strings.TrimSpace(name), "gzip") {
			continue
		}
		params = strings.ReplaceAll(params, " ", "")
		if q, ok := strings.CutPrefix(params, "q="); ok {
			v, err := strconv.ParseFloat(q, 64)
			return err == nil && v > 0
		}
		return true
	}
	return false
}

// etagMatches implements the weak comparison of If-None-Match.
func etagMatches(header, etag string) bool {
	if header == "" {
		return false
	}
	want := strings.TrimPrefix(etag, "W/")
	for _, candidate := range strings.Split(header, ",") {
		c := strings.TrimSpace(candidate)
		if c == "*" || strings.TrimPrefix(c, "W/") == want {
			return true
		}
	}
	return false
}

// contactWords writes an e-mail address the way no harvester reads it: in
// words ("name at example dot org"), with its two halves reversed in data
// attributes, from which site.js makes a mailto: link for people.
func contactWords(addr string) template.HTML {
	user, domain, ok := strings.Cut(addr, "@")
	if !ok {
		return template.HTML(template.HTMLEscapeString(addr)) // #nosec G203 -- every piece of outside text is escaped above
	}
	reverse := func(s string) string {
		r := []rune(s)
		for i, j := 0, len(r)-1; i < j; i, j = i+1, j-1 {
			r[i], r[j] = r[j], r[i]
		}
		return string(r)
	}
	words := template.HTMLEscapeString(user) + " at " + strings.ReplaceAll(template.HTMLEscapeString(domain), ".", " dot ")
	return template.HTML(`<span class="contact" data-contact-u="` + template.HTMLEscapeString(reverse(user)) + // #nosec G203 -- every piece of outside text is escaped above
		`" data-contact-d="` + template.HTMLEscapeString(reverse(domain)) + `">` + words + `</span>`)
}

// waitWords says a typical wait the way people say it: "a few hours",
// "about a day", "about 3 days".
func waitWords(d time.Duration) string {
	switch {
	case d < 3*time.Hour:
		return "a few hours"
	case d < 20*time.Hour:
		return "less than a day"
	case d < 36*time.Hour:
		return "about a day"
	case d < 14*24*time.Hour:
		return "about " + strconv.Itoa(int((d+12*time.Hour)/(24*time.Hour))) + " days"
	}
	return "about " + strconv.Itoa(int((d+84*time.Hour)/(7*24*time.Hour))) + " weeks"
}
