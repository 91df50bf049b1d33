// Package apptest starts the whole Confide stack for tests: a real database
// (SQLite or PostgreSQL, from dbtest), the store, the services and the web
// server behind a real HTTP listener, filled with the demo content.
package apptest

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/confide/confide/internal/app"
	"github.com/confide/confide/internal/database"
	"github.com/confide/confide/internal/demo"
)

// Now is the fixed clock of test sites, so relative times are predictable.
var Now = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

// Site is a running test site.
type Site struct {
	*app.App
	URL    string
	Server *httptest.Server
	Clock  *Clock
}

// TestSecret is the secret key of test sites; instances of one test share
// it, as instances of one site share their key file.
var TestSecret = []byte("confide-test-secret-key-0123456789abcdef")

// clocks are the test clocks, by database.
var clocks sync.Map

// Clock is a test site's clock: Now until moved.
type Clock struct{ offset atomic.Int64 }

// Now returns the clock's time.
func (c *Clock) Now() time.Time { return Now.Add(time.Duration(c.offset.Load())) }

// Advance moves the clock on by d.
func (c *Clock) Advance(d time.Duration) { c.offset.Add(int64(d)) }

// Start serves a site on db with the demo content loaded. The server stops
// when the test ends.
func Start(t testing.TB, db *database.DB) *Site {
	t.Helper()
	return seeded(t, Instance(t, db))
}

// seeded loads the demo content into site's database, once.
func seeded(t testing.TB, site *Site) *Site {
	t.Helper()
	seed, err := demo.Content(Now)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := site.Service.SeedIfEmpty(context.Background(), seed); err != nil {
		t.Fatal(err)
	}
	return site
}

// Instance serves one more instance on db, as a second `confide serve` on the
// same database would, without loading anything.
func Instance(t testing.TB, db *database.DB) *Site {
	t.Helper()
	return instance(t, db, slog.New(slog.NewTextHandler(io.Discard, nil)))
}

// StartLogged is Start with the site's log written to w, every level, for
// tests of what the logs say (and never say).
func StartLogged(t testing.TB, db *database.DB, w io.Writer) *Site {
	t.Helper()
	return seeded(t, instance(t, db, slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug}))))
}

func instance(t testing.TB, db *database.DB, log *slog.Logger) *Site {
	t.Helper()
	srv := httptest.NewUnstartedServer(nil)
	// Instances on one database share one clock, as servers share the
	// time of day: a form one gave is as old on the other.
	c, _ := clocks.LoadOrStore(db, &Clock{})
	clock := c.(*Clock)
	a, err := app.Build(db, "http://"+srv.Listener.Addr().String(), log, clock.Now, 0)
	if err != nil {
		t.Fatal(err)
	}
	a.Service.SetSecret(TestSecret)
	srv.Config = a.Web.HTTPServer("")
	srv.Start()
	t.Cleanup(srv.Close)
	// Cleanups run last first: this one, before the database closes.
	t.Cleanup(a.Service.StopRelated)
	return &Site{App: a, URL: srv.URL, Server: srv, Clock: clock}
}
