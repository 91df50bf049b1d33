// Package app wires Confide together: it opens the database, migrates it,
// builds the store, the services and the web server, runs them and shuts
// them down. It holds no logic of its own.
package app

import (
	"context"
	"crypto/tls"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"time"

	"github.com/confide/confide/internal/config"
	"github.com/confide/confide/internal/database"
	"github.com/confide/confide/internal/mail"
	"github.com/confide/confide/internal/service"
	"github.com/confide/confide/internal/store"
	"github.com/confide/confide/internal/web"
	"github.com/confide/confide/internal/worker"
)

// App is a wired Confide instance.
type App struct {
	DB      *database.DB
	Service *service.Service
	Web     *web.Server
	Log     *slog.Logger
}

// DatabaseError marks a failure to reach or migrate the database, which the
// command reports with exit status 2.
type DatabaseError struct{ Err error }

func (e *DatabaseError) Error() string { return e.Err.Error() }
func (e *DatabaseError) Unwrap() error { return e.Err }

// Open connects to the database, applies pending migrations and builds the
// layers on top.
func Open(ctx context.Context, cfg config.Config, log *slog.Logger) (*App, error) {
	octx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	db, err := database.Open(octx, cfg.DB)
	if err != nil {
		return nil, &DatabaseError{Err: err}
	}
	// Migrations get no deadline: on a big site one may rebuild an index
	// for minutes (each says so in its comment), and cutting it short
	// would only roll it back to start again.
	applied, err := db.Migrate(ctx)
	if err != nil {
		db.Close() // #nosec G104 -- closing on the way out: nothing is left to do with an error
		return nil, &DatabaseError{Err: err}
	}
	for _, m := range applied {
		log.Info("migration applied", "name", m)
	}
	a, err := Build(db, cfg.BaseURL, log, time.Now, 0)
	if err != nil {
		db.Close() // #nosec G104 -- closing on the way out: nothing is left to do with an error
		return nil, err
	}
	a.Web.TrustProxies(cfg.TrustedProxies)
	return a, nil
}

// UseSecret gives the services the site's secret key (see SecretKey);
// without one, visitors cannot post.
func (a *App) UseSecret(ctx context.Context, key []byte) error {
	if key == nil {
		a.Log.Warn("no --secret-key-file: visitors cannot post comments, and second-factor secrets stay unsealed, until one is set (the same file on every instance)")
	}
	a.Service.SetSecret(key)
	n, err := a.Service.SealSecrets(ctx)
	if err != nil {
		return fmt.Errorf("seal second-factor secrets: %w", err)
	}
	if n > 0 {
		a.Log.Info("second-factor secrets sealed with the site's key", "accounts", n)
	}
	return nil
}

// Build puts the layers together on an open, migrated database. now is the
// clock every layer shares; cacheBytes bounds the page cache (0: the
// default, -1: no page cache).
func Build(db *database.DB, baseURL string, log *slog.Logger, now func() time.Time, cacheBytes int) (*App, error) {
	st := store.New(db)
	svc := service.New(st, service.Options{Now: now, BaseURL: baseURL})
	st.OnChange(svc.ContentChanged)
	sessions := st.Sessions()
	sessions.UserOf = web.SessionUser // each session is kept with its account, to be listed and ended
	w, err := web.New(web.Options{Service: svc, Logger: log, BaseURL: baseURL, Now: now, CacheBytes: cacheBytes,
		Sessions: sessions, Unavailable: database.Unavailable})
	if err != nil {
		return nil, err
	}
	return &App{DB: db, Service: svc, Web: w, Log: log}, nil
}

// StartWorkers starts the background jobs: the comments' jobs, the mailbox
// worker when --imap names the letters' mailbox, and the outbox worker when
// an SMTP server is configured (without one, mail waits in the outbox,
// readable in the admin area). The returned function waits for them after ctx ends.
func (a *App) StartWorkers(ctx context.Context, cfg config.Config) (wait func(), err error) {
	var running []chan struct{}
	start := func(run func(context.Context)) {
		done := make(chan struct{})
		running = append(running, done)
		go func() { run(ctx); close(done) }()
	}
	waitAll := func() {
		for _, done := range running {
			<-done
		}
	}
	start((&worker.Comments{Service: a.Service, Log: a.Log}).Run)
	if cfg.IMAP != "" {
		box, err := mail.ParseIMAPURL(cfg.IMAP)
		if err != nil {
			return nil, err
		}
		host, _ := os.Hostname()
		holder := fmt.Sprintf("%s:%d:%d", host, os.Getpid(), time.Now().UnixNano())
		start((&worker.Mailbox{Box: box, Service: a.Service, Holder: holder, MaxSize: service.MaxMailSize, Log: a.Log}).Run)
		a.Log.Info("mailbox worker started")
	}
	a.Service.SetMailOut(cfg.SMTP != "")
	if cfg.SMTP == "" {
		a.Log.Warn("no --smtp: mail (advisors' alerts, replies, writers' links) waits in the outbox")
		return waitAll, nil
	}
	site, err := a.Service.SiteSettings(ctx)
	if err != nil {
		return nil, err
	}
	from := site.ContactEmail
	if from == "" {
		host := "localhost"
		if u, err := url.Parse(cfg.BaseURL); err == nil && u.Hostname() != "" {
			host = u.Hostname()
		}
		from = "noreply@" + host
	}
	m, err := mail.ParseURL(cfg.SMTP, from, site.SiteName)
	if err != nil {
		return nil, err
	}
	start((&worker.Outbox{Service: a.Service, Mailer: m, Log: a.Log}).Run)
	a.Log.Info("outbox worker started", "from", from)
	return waitAll, nil
}

// ServeRedirect answers plain HTTP on addr with a permanent redirect to the
// same path over HTTPS (the one-server case, beside ServeTLS).
func (a *App) ServeRedirect(ctx context.Context, addr string, ready func(net.Addr)) (stop func(), err error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("redirect: listen on %s: %w", addr, err)
	}
	srv := &http.Server{ReadHeaderTimeout: 5 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host := r.Host
		if h, _, err := net.SplitHostPort(host); err == nil {
			host = h // the HTTPS port is the default one, 443
		}
		if host == "" {
			http.Error(w, "HTTPS only", http.StatusBadRequest)
			return
		}
		http.Redirect(w, r, "https://"+host+r.URL.RequestURI(), http.StatusPermanentRedirect) // #nosec G710 -- the visitor's own host, over HTTPS: what every HTTP-to-HTTPS redirect does
	})}
	if ready != nil {
		ready(ln.Addr())
	}
	go srv.Serve(ln)
	go func() { <-ctx.Done(); srv.Close() }() // #nosec G104 -- closing on the way out: nothing is left to do with an error
	return func() { srv.Close() }, nil        // #nosec G104 -- closing on the way out: nothing is left to do with an error
}

// ServeMetrics serves /metrics on addr (apart from the site) until ctx is
// done or stop is called; ready hears the address listened on.
func (a *App) ServeMetrics(ctx context.Context, addr string, ready func(net.Addr)) (stop func(), err error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("metrics: listen on %s: %w", addr, err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", a.Web.MetricsHandler(map[string]*sql.DB{"read": a.DB.Read, "write": a.DB.Write, "quick": a.DB.Quick}))
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	if ready != nil {
		ready(ln.Addr())
	}
	go srv.Serve(ln)
	go func() { <-ctx.Done(); srv.Close() }() // #nosec G104 -- closing on the way out: nothing is left to do with an error
	return func() { srv.Close() }, nil        // #nosec G104 -- closing on the way out: nothing is left to do with an error
}

// Close releases the database.
func (a *App) Close() error { return a.DB.Close() }

// Serve listens on addr and serves the site until ctx is done, then lets
// requests in flight finish (up to 10 seconds). ready, when not nil, gets the
// address actually listened on.
func (a *App) Serve(ctx context.Context, addr string, ready func(net.Addr)) error {
	return a.ServeTLS(ctx, addr, "", "", ready)
}

// ServeTLS is Serve over HTTPS when certFile and keyFile are set (read at
// start: a bad file stops the start).
func (a *App) ServeTLS(ctx context.Context, addr, certFile, keyFile string, ready func(net.Addr)) error {
	srv := a.Web.HTTPServer(addr)
	if certFile != "" {
		cert, err := tls.LoadX509KeyPair(certFile, keyFile)
		if err != nil {
			return fmt.Errorf("TLS certificate: %w", err)
		}
		srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", addr, err)
	}
	if srv.TLSConfig != nil {
		ln = tls.NewListener(ln, srv.TLSConfig)
	}
	if ready != nil {
		ready(ln.Addr())
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	a.Log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err = srv.Shutdown(sctx)
	a.Service.StopRelated()
	if err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
