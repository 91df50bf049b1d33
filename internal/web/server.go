// Package web is Confide's HTTP layer: routes, handlers, templates and static
// files. Handlers parse the request, call the service and render a page; they
// hold no rules and never touch the database directly.
package web

import (
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"time"

	"github.com/alexedwards/scs/v2"

	"github.com/confide/confide/internal/model"
	"github.com/confide/confide/internal/service"
)

// Options configure a Server.
type Options struct {
	Service *service.Service
	Logger  *slog.Logger
	BaseURL string           // absolute, without a trailing slash; used in feeds and the sitemap
	Now     func() time.Time // nil means time.Now
	// CacheBytes bounds the page cache; 0 means DefaultCacheBytes, a
	// negative number turns the cache off.
	CacheBytes int
	// Sessions stores admin sessions; it must be shared by every instance
	// (the database's session table).
	Sessions scs.Store
	// RequestBudget bounds the time a GET or HEAD request may spend; past
	// it, its database work is stopped and the visitor is asked to try
	// again. 0 means DefaultRequestBudget.
	RequestBudget time.Duration
	// Unavailable tells an error meaning the database cannot be reached
	// right now (database.Unavailable): such a request answers 503 with
	// Retry-After, not 500.
	Unavailable func(error) bool
}

// DefaultRequestBudget is far above what any page takes (tens of
// milliseconds): it only stops what has gone wrong.
const DefaultRequestBudget = 3 * time.Second

// DefaultCacheBytes is the page cache's default budget: room for a few
// thousand story pages while the process stays well under 150 MB.
const DefaultCacheBytes = 60 << 20

// Server serves the site. Build it with New and mount Handler.
type Server struct {
	svc     *service.Service
	log     *slog.Logger
	baseURL string
	secure  bool // base URL is https: send HSTS
	now     func() time.Time
	tmpl    map[string]map[string]*template.Template // language → page → template
	assets  *assets

	pages       *pageCache
	chromeCache chromeCache
	// langTag is the site's language as read at content version langAt
	// (see lang; guarded by chromeCache.mu).
	langTag     string
	langAt      model.ContentState
	latest      latestBox
	sm          *scs.SessionManager
	proxies     []netip.Prefix // see clientaddr.go
	budget      time.Duration  // see requestBudget
	metrics     *metrics
	unavailable func(error) bool // see Options.Unavailable
}

// New parses the templates and prepares the static files.
func New(opts Options) (*Server, error) {
	if opts.Service == nil || opts.Sessions == nil {
		return nil, fmt.Errorf("web: a service and a session store are required")
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	u, err := url.Parse(opts.BaseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("web: base URL %q is not an absolute http(s) URL", opts.BaseURL)
	}
	a, err := loadAssets()
	if err != nil {
		return nil, err
	}
	s := &Server{
		metrics:     newMetrics(),
		svc:         opts.Service,
		log:         opts.Logger,
		baseURL:     strings.TrimRight(opts.BaseURL, "/"),
		secure:      u.Scheme == "https",
		now:         opts.Now,
		assets:      a,
		budget:      opts.RequestBudget,
		unavailable: opts.Unavailable,
	}
	if s.unavailable == nil {
		s.unavailable = func(error) bool { return false }
	}
	if s.budget <= 0 {
		s.budget = DefaultRequestBudget
	}
	if opts.CacheBytes == 0 {
		opts.CacheBytes = DefaultCacheBytes
	}
	if opts.CacheBytes > 0 {
		s.pages = newPageCache(opts.CacheBytes)
		s.pages.changed = opts.Service.StoriesChanged
		// A story's related stories are made in the background; when they
		// are, its cached page (rendered without them) goes.
		opts.Service.OnRelatedReady(func(slug string) { s.pages.drop("/stories/" + slug) })
	}
	s.sm = newSessionManager(opts.Sessions, s.secure)
	// A session that cannot be loaded or saved (the database is down) is
	// answered like any other error, with the site's page.
	s.sm.ErrorFunc = s.renderError
	if s.tmpl, err = parseTemplates(a); err != nil {
		return nil, err
	}
	return s, nil
}

// HTTPServer wraps the handler in an http.Server with timeouts that keep slow
// or idle clients from holding connections open for ever.
func (s *Server) HTTPServer(addr string) *http.Server {
	return &http.Server{
		Addr:              addr,
		Handler:           s.Handler(),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       15 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
}
