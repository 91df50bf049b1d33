package web

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
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
	"github.com/confide/confide/internal/i18n"
	"github.com/confide/confide/internal/markup"
	"github.com/confide/confide/internal/model"
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

// templateFuncs are the functions templates call, writing in language l.
func templateFuncs(l *i18n.Lang) template.FuncMap {
	return template.FuncMap{
		// t writes message id of the message files with its arguments,
		// name/value pairs: {{t "story.shared_by" "Name" .AuthorName}}.
		// The message is ours (it may hold a link); the values are escaped.
		"t": func(id string, args ...any) template.HTML {
			return template.HTML(l.T(id, args...)) // #nosec G203 -- messages are our own files; every value put in them is escaped by T
		},
		// msg writes a message a service returned (model.Msg).
		"msg": func(m model.Msg) template.HTML {
			return template.HTML(l.T(m.ID, m.Args...)) // #nosec G203 -- messages are our own files; every value put in them is escaped by T
		},
		// jsMessages are the words site.js writes, as JSON for a data
		// attribute (the script has no words of its own but English).
		"jsMessages": func() string { return jsMessages(l) },
		// lang is the page's language tag, for <html lang>.
		"lang": func() string { return l.Tag },
		// riskName names a letter's risk tier: "none", "low", "medium", "high".
		"riskName": func(t int) string { return crisis.Tier(t).String() },
		// riskLabel is the tier's name in the page's language.
		"riskLabel": func(t int) template.HTML {
			return template.HTML(l.T("risk." + crisis.Tier(t).String())) // #nosec G203 -- our own message
		},
		// styleNotes are the safe-messaging notes on a reply or story.
		"styleNotes": crisis.StyleCheck,
		// piiKind and piiReplacement name a redactor finding's kind and
		// what one click makes of it.
		"piiKind":        func(k string) string { return l.Text("pii." + k) },
		"piiReplacement": func(k string) string { return l.Text("pii.replace." + k) },
		// telURI is the first number of a helpline's phone field, for a
		// tel: link ("0800 111 0 111, 116 123" → "08001110111").
		"telURI":   telURI,
		"plain":    markup.Plain,
		"markdown": markup.Markdown,
		"excerpt":  markup.Excerpt,
		"ago":      l.Ago,
		"isodate":  func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
		"date":     l.Date,
		"datetime": l.DateTime,
		"number":   l.Number,
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
		"contact":    func(addr string) template.HTML { return contactWords(l, addr) },
		"waitWords":  func(d time.Duration) string { return waitWords(l, d) },
		"reasonLabel": func(key string) string {
			for _, r := range model.ReportReasons {
				if r == key {
					return l.Text("report.reason." + key)
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
//
// Each language has its own set, its functions writing in it.
func parseTemplates(a *assets) (map[string]map[string]*template.Template, error) {
	all := map[string]map[string]*template.Template{}
	for _, lang := range i18n.Languages {
		set, err := parseTemplateSet(i18n.Get(lang.Tag))
		if err != nil {
			return nil, err
		}
		all[lang.Tag] = set
	}
	return all, nil
}

func parseTemplateSet(l *i18n.Lang) (map[string]*template.Template, error) {
	out := map[string]*template.Template{}
	for _, set := range []struct{ prefix, dir string }{{"", "templates"}, {"admin/", "templates/admin"}} {
		shared := []string{set.dir + "/layout.html"}
		if set.prefix == "" {
			shared = append(shared, "templates/list.html")
		}
		layout, err := template.New("layout.html").Funcs(templateFuncs(l)).ParseFS(templateFiles, shared...)
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
	t, ok := s.template(v.Site, page)
	if !ok {
		return fmt.Errorf("web: no template %q", page)
	}
	return s.execute(w, r, status, page, t, v)
}

// template returns the page's template in the site's language.
func (s *Server) template(site model.Settings, page string) (*template.Template, bool) {
	set, ok := s.tmpl[site.Language]
	if !ok {
		set = s.tmpl[i18n.Default]
	}
	t, ok := set[page]
	return t, ok
}

// lang is the language the site is shown in (an admin's choice), read from
// the settings once for each content version (a settings change is a
// content change): from the chrome of the last page made, or the
// language's own cache. With the database down, the last language known
// still speaks to the visitor on the error page.
func (s *Server) lang(r *http.Request) *i18n.Lang {
	v, err := s.contentState(r.Context())
	c := &s.chromeCache
	c.mu.Lock()
	tag := ""
	switch {
	case err == nil && c.version == v && v != (model.ContentState{}):
		tag = c.site.Language
	case err == nil && s.langAt == v && s.langTag != "":
		tag = s.langTag
	case err != nil && s.langTag != "":
		tag = s.langTag
	case err != nil && c.version != (model.ContentState{}):
		tag = c.site.Language
	}
	c.mu.Unlock()
	if tag != "" || err != nil {
		return i18n.Get(tag)
	}
	site, err := s.svc.SiteSettings(r.Context())
	if err != nil {
		return i18n.Get(i18n.Default)
	}
	c.mu.Lock()
	s.langTag, s.langAt = site.Language, v
	c.mu.Unlock()
	return i18n.Get(site.Language)
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
	pageHeaders(h, p.ctype)
	if status == http.StatusOK {
		h["Etag"] = []string{p.etag}
		if len(h["Cache-Control"]) == 0 {
			h["Cache-Control"] = noCache
		}
		if etagMatches(r.Header.Get("If-None-Match"), p.etag) {
			w.WriteHeader(http.StatusNotModified)
			return
		}
	}
	if acceptsGzip(r) {
		h["Content-Encoding"] = gzipEncoding
		h["Content-Length"] = []string{strconv.Itoa(len(p.gz))}
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

// Values of the headers every page sends, shared by all answers (net/http
// only reads them): assigned, they cost no allocation.
var (
	htmlType     = []string{"text/html; charset=utf-8"}
	varyEncoding = []string{"Accept-Encoding"}
	noCache      = []string{"no-cache"}
	gzipEncoding = []string{"gzip"}
)

// pageHeaders sets a page's type and says that it varies by encoding.
func pageHeaders(h http.Header, ctype string) {
	if ctype == htmlType[0] {
		h["Content-Type"] = htmlType
	} else {
		h["Content-Type"] = []string{ctype}
	}
	if len(h["Vary"]) == 0 {
		h["Vary"] = varyEncoding
	} else {
		h["Vary"] = append(h["Vary"], varyEncoding[0])
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
func contactWords(l *i18n.Lang, addr string) template.HTML {
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
	words := template.HTMLEscapeString(user) + " " + l.Text("contact.at") + " " +
		strings.ReplaceAll(template.HTMLEscapeString(domain), ".", " "+l.Text("contact.dot")+" ")
	return template.HTML(`<span class="contact" data-contact-u="` + template.HTMLEscapeString(reverse(user)) + // #nosec G203 -- every piece of outside text is escaped above
		`" data-contact-d="` + template.HTMLEscapeString(reverse(domain)) + `">` + words + `</span>`)
}

// waitWords says a typical wait the way people say it: "a few hours",
// "about a day", "about 3 days".
func waitWords(l *i18n.Lang, d time.Duration) string {
	switch {
	case d < 3*time.Hour:
		return l.Text("wait.hours")
	case d < 20*time.Hour:
		return l.Text("wait.under_day")
	case d < 36*time.Hour:
		return l.Text("wait.day")
	case d < 14*24*time.Hour:
		return l.Text("wait.days", "Count", int((d+12*time.Hour)/(24*time.Hour)))
	}
	return l.Text("wait.weeks", "Count", int((d+84*time.Hour)/(7*24*time.Hour)))
}

// telURI is the first number of a helpline's phone field, for a tel: link
// ("0800 111 0 111, 116 123" → "08001110111").
func telURI(phone string) string {
	first, _, _ := strings.Cut(strings.SplitN(phone, ";", 2)[0], ",")
	return strings.Map(func(r rune) rune {
		if (r >= '0' && r <= '9') || r == '+' || r == '*' || r == '#' {
			return r
		}
		return -1
	}, first)
}

// jsMessages are the messages site.js shows, by their ids, as JSON.
func jsMessages(l *i18n.Lang) string {
	m := map[string]string{}
	for _, id := range []string{"js.draft_saved", "js.draft_unsaved", "js.select_first", "js.conflict", "crisis.heading",
		"js.crisis_text", "js.crisis_more", "js.call", "crisis.danger_local"} {
		_, key, _ := strings.Cut(id, ".")
		m[key] = l.Text(id)
	}
	m["danger_number"] = l.Text("crisis.danger_number", "Number", "%s")
	b, _ := json.Marshal(m) // #nosec G104 -- a map of strings always marshals
	return string(b)
}
