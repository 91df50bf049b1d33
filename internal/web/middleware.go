package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"runtime/debug"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/confide/confide/internal/model"
)

// maxBodyBytes bounds every request body; the largest form (a letter) fits
// with room to spare.
const maxBodyBytes = 1 << 20

// contentSecurityPolicy allows no inline script and no third party at all:
// a reader's visit is seen by nobody but this site.
const contentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'; object-src 'none'"

// reqInfo is what the outermost middleware learns of a request and the
// log line reports: one value in the context for all of it.
type reqInfo struct {
	id      string
	addr    string // the client's address (see clientaddr.go); never logged
	pattern string // the route that served it, set by handle
}

type reqInfoKey struct{}

func infoOf(ctx context.Context) *reqInfo {
	info, _ := ctx.Value(reqInfoKey{}).(*reqInfo)
	return info
}

// requestID returns the id middleware gave the request, for logs.
func requestID(ctx context.Context) string {
	if info := infoOf(ctx); info != nil {
		return info.id
	}
	return ""
}

// middleware wraps every request, outermost first: the client's address, id
// and log line, recovery from panics, security headers, body limit, time
// budget, cross-origin protection.
func (s *Server) middleware(next http.Handler) http.Handler {
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.renderError(w, r, forbiddenCrossOrigin)
	}))
	h := cop.Handler(next)
	return s.observe(s.recoverPanic(s.securityHeaders(s.plainURL(limitBody(s.requestBudget(h))))))
}

// plainURL refuses, with 400, an address whose path or query holds what no
// link of the site and no person types: bytes that are not UTF-8 and
// control characters (a NUL among them, which PostgreSQL refuses in text
// and which once made /search?section=…%00 a 500 there). Forms are checked
// the same way when they are read (see plainText).
func (s *Server) plainURL(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !plainPath(r.URL.Path) {
			s.renderError(w, r, model.Errorf(model.EINVALID, "error.address_not_text"))
			return
		}
		if r.URL.RawQuery != "" {
			// What cannot be parsed (a bad escape, a semicolon) handlers
			// never see either: r.URL.Query leaves it out the same way.
			q, _ := url.ParseQuery(r.URL.RawQuery)
			for _, vs := range q {
				for _, v := range vs {
					if plainText(v) != nil {
						s.renderError(w, r, model.Errorf(model.EINVALID, "error.address_not_text"))
						return
					}
				}
			}
			// Keys too: a handler may read every one.
			for k := range q {
				if plainText(k) != nil {
					s.renderError(w, r, model.Errorf(model.EINVALID, "error.address_not_text"))
					return
				}
			}
		}
		next.ServeHTTP(w, r)
	})
}

// plainPath is true for a decoded path that is UTF-8 without control
// characters; the common one, all ASCII letters and signs, in one pass.
func plainPath(p string) bool {
	for i := 0; i < len(p); i++ {
		if c := p[i]; c < 0x20 || c == 0x7f {
			return false
		} else if c >= 0x80 {
			return plainText(p) == nil && !strings.ContainsAny(p, "\t\n\r")
		}
	}
	return true
}

// requestBudget bounds the time a reading request may take: when it runs
// out, the context ends and the database stops the request's query (SQLite's
// interrupt, PostgreSQL's cancel), so one pathological page cannot hold a
// connection for long. Forms that write are left alone: a half-done write
// is rolled back, but the visitor would have to type it again.
func (s *Server) requestBudget(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			next.ServeHTTP(w, r)
			return
		}
		ctx := withBudget(r.Context(), s.budget)
		defer ctx.end()
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// requestIDs makes request ids: a random prefix per process, so ids from
// several instances do not collide, and a counter.
var (
	requestIDPrefix = func() string {
		b := make([]byte, 4)
		rand.Read(b)
		return hex.EncodeToString(b) + "-"
	}()
	requestCounter atomic.Uint64
)

// observe gives the request its id (sent as X-Request-Id) and finds its
// client's address, then writes one log line when it is done: method,
// route, path (with secret parts masked), status, bytes, duration and id.
// Never the query string, a header, the client's address or a body.
func (s *Server) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		info := &reqInfo{id: requestIDPrefix + strconv.FormatUint(requestCounter.Add(1), 36), addr: clientAddrOf(r, s.proxies)}
		w.Header()["X-Request-Id"] = []string{info.id}
		r = r.WithContext(context.WithValue(r.Context(), reqInfoKey{}, info))
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		start := time.Now()
		next.ServeHTTP(sw, r)
		s.metrics.observeRequest(info.pattern, sw.status, time.Since(start))
		level := slog.LevelInfo
		if sw.status >= 500 && sw.status != statusClientGone {
			level = slog.LevelError
		}
		if !s.log.Enabled(r.Context(), level) {
			return
		}
		s.log.LogAttrs(r.Context(), level, "request", slog.String("id", info.id), slog.String("method", r.Method),
			slog.String("route", info.pattern), slog.String("path", loggedPath(r.URL.Path, info.pattern)),
			slog.Int("status", sw.status), slog.Int64("bytes", sw.bytes), slog.Duration("duration", time.Since(start)))
	})
}

// secretWildcards are the route wildcards that hold a secret: a path that
// matched one is logged as its pattern ("/letters/{token}").
var secretWildcards = []string{"{token}", "{key}", "{secret}"}

func loggedPath(path, pattern string) string {
	for _, w := range secretWildcards {
		if strings.Contains(pattern, w) {
			if _, p, ok := strings.Cut(pattern, " "); ok {
				return p
			}
			return pattern
		}
	}
	return path
}

// statusWriter remembers the status for the log line.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (w *statusWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	n, err := w.ResponseWriter.Write(b)
	w.bytes += int64(n)
	return n, err
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (s *Server) recoverPanic(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.renderError(w, r, fmt.Errorf("panic: %v\n%s", v, debug.Stack()))
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// securityHeaders are sent with every response. The value slices are shared
// by all responses (net/http only reads them), which saves allocations on
// every request.
var securityHeaders = map[string][]string{
	"Content-Security-Policy": {contentSecurityPolicy},
	"X-Content-Type-Options":  {"nosniff"},
	"X-Frame-Options":         {"DENY"},
	// Outbound links must not tell other sites which story a reader read.
	"Referrer-Policy":            {"same-origin"},
	"Permissions-Policy":         {"camera=(), microphone=(), geolocation=(), interest-cohort=()"},
	"Cross-Origin-Opener-Policy": {"same-origin"},
}

var hstsValue = []string{"max-age=31536000"}

func (s *Server) securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		for k, v := range securityHeaders {
			h[k] = v
		}
		if s.secure || r.TLS != nil {
			h["Strict-Transport-Security"] = hstsValue
		}
		next.ServeHTTP(w, r)
	})
}

func limitBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Body != nil {
			r.Body = http.MaxBytesReader(w, r.Body, maxBodyBytes)
		}
		next.ServeHTTP(w, r)
	})
}
