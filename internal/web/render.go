package web

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/hex"
	"fmt"
	"hash/fnv"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"strconv"
	"strings"
	"sync"
	"time"

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
	Sections       []model.Section
	LatestComments []model.Comment
	Now            time.Time
	Data           any
}

// chrome loads the site-wide parts of a page.
func (s *Server) chrome(ctx context.Context, title string) (*view, error) {
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
	return &view{Site: site, Title: title, CSS: s.assets.cssURL, Sections: secs, LatestComments: latest,
		Now: s.now().UTC()}, nil
}

// sidebarComments is how many comments the Latest Comments sidebar lists.
const sidebarComments = 5

func templateFuncs() template.FuncMap {
	return template.FuncMap{
		"plain":    markup.Plain,
		"markdown": markup.Markdown,
		"excerpt":  markup.Excerpt,
		"ago":      markup.RelativeTime,
		"isodate":  func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
		"date":     func(t time.Time) string { return t.UTC().Format("2 January 2006") },
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

// parseTemplates parses each page template together with the layout, once,
// at start-up: a broken template stops the program before it serves.
func parseTemplates(a *assets) (map[string]*template.Template, error) {
	// Every page is parsed with the layout and the shared blocks of list.html.
	layout, err := template.New("layout.html").Funcs(templateFuncs()).
		ParseFS(templateFiles, "templates/layout.html", "templates/list.html")
	if err != nil {
		return nil, fmt.Errorf("web: parse layout: %w", err)
	}
	names, err := fs.Glob(templateFiles, "templates/*.html")
	if err != nil {
		return nil, err
	}
	out := map[string]*template.Template{}
	for _, name := range names {
		base := path.Base(name)
		if base == "layout.html" || base == "list.html" {
			continue
		}
		t, err := template.Must(layout.Clone()).ParseFS(templateFiles, name)
		if err != nil {
			return nil, fmt.Errorf("web: parse %s: %w", base, err)
		}
		out[strings.TrimSuffix(base, ".html")] = t
	}
	return out, nil
}

var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// render executes a page into a buffer first, so that a template error
// becomes a clean error page and never half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, page string, v *view) error {
	t, ok := s.pages[page]
	if !ok {
		return fmt.Errorf("web: no template %q", page)
	}
	buf := bufPool.Get().(*bytes.Buffer)
	buf.Reset()
	defer bufPool.Put(buf)
	if err := t.ExecuteTemplate(buf, "layout.html", v); err != nil {
		return fmt.Errorf("web: render %s: %w", page, err)
	}
	s.writeBody(w, r, status, "text/html; charset=utf-8", buf.Bytes())
	return nil
}

// writeBody sends a generated response with a validator and compression: a
// weak ETag that answers If-None-Match with 304 (browsers and proxies
// revalidate instead of downloading again) and gzip when the client takes it.
func (s *Server) writeBody(w http.ResponseWriter, r *http.Request, status int, contentType string, body []byte) {
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Add("Vary", "Accept-Encoding")
	if status == http.StatusOK {
		sum := fnv.New128a()
		sum.Write(body)
		etag := `W/"` + hex.EncodeToString(sum.Sum(nil)) + `"`
		h.Set("ETag", etag)
		if h.Get("Cache-Control") == "" {
			h.Set("Cache-Control", "no-cache")
		}
		if etagMatches(r.Header.Get("If-None-Match"), etag) {
			w.WriteHeader(http.StatusNotModified)
			return
		}
	}
	if len(body) > 512 && acceptsGzip(r) {
		zbuf := bufPool.Get().(*bytes.Buffer)
		zbuf.Reset()
		defer bufPool.Put(zbuf)
		zw := gzipPool.Get().(*gzip.Writer)
		zw.Reset(zbuf)
		zw.Write(body)
		zw.Close()
		gzipPool.Put(zw)
		body = zbuf.Bytes()
		h.Set("Content-Encoding", "gzip")
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	w.Write(body)
}

var gzipPool = sync.Pool{New: func() any {
	zw, _ := gzip.NewWriterLevel(nil, gzip.DefaultCompression)
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
