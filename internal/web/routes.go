package web

import "net/http"

// Handler returns the whole site: every route, wrapped in the middleware.
// This list is the index of the site's features.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()

	// Reading
	mux.Handle("GET /{$}", s.handle(s.cached(s.home)))
	mux.Handle("GET /sections/{slug}", s.handle(s.cached(s.section)))
	mux.Handle("GET /stories/{slug}", s.handle(s.cached(s.story)))
	mux.Handle("GET /comments", s.handle(s.cached(s.comments)))
	mux.Handle("GET /search", s.handle(s.search))

	// Pages
	mux.Handle("GET /about", s.handle(s.cached(s.editablePage("about"))))
	mux.Handle("GET /privacy", s.handle(s.cached(s.editablePage("privacy"))))
	mux.Handle("GET /help", s.handle(s.cached(s.help)))
	mux.Handle("GET /share", s.handle(s.cached(s.share)))

	// Feeds and search engines
	mux.Handle("GET /feed.atom", s.handle(s.cached(s.storiesFeed)))
	mux.Handle("GET /sections/{slug}/feed.atom", s.handle(s.cached(s.sectionFeed)))
	mux.Handle("GET /comments/feed.atom", s.handle(s.cached(s.commentsFeed)))
	mux.Handle("GET /sitemap.xml", s.handle(s.cached(s.sitemap)))
	mux.Handle("GET /robots.txt", s.handle(s.robots))

	// Operations and files
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.HandleFunc("GET /static/{name}", s.static)
	mux.HandleFunc("GET /favicon.ico", s.favicon)

	// Everything else is a real 404 page.
	mux.Handle("GET /", s.handle(s.notFound))

	return s.middleware(mux)
}
