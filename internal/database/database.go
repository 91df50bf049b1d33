// Package database opens Confide's database on either engine (embedded SQLite
// or PostgreSQL) and applies the embedded migrations. The store package holds
// all queries; this package only knows how to connect and what differs.
package database

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	_ "modernc.org/sqlite"             // registers the "sqlite" driver
)

// Dialect names the engine behind a DB; the store uses it for the few queries
// that differ (full-text search).
type Dialect string

// The two engines.
const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// DB is an open database. On SQLite, writes go through a single connection
// (SQLite allows one writer at a time; queueing them in Go avoids busy errors)
// while reads use a pool. On PostgreSQL both are the same pool.
type DB struct {
	Dialect Dialect
	Read    *sql.DB
	Write   *sql.DB
	// Quick is a connection of its own for the one-row reads that every
	// cached page needs (the content version), so that they never queue
	// behind slow reads holding the Read pool.
	Quick *sql.DB
	URL   string // as given, for messages; may hold a password: do not log
}

// Open connects to the database named by rawURL ("sqlite:PATH" or
// "postgres://…") and checks that it answers within the context's deadline.
func Open(ctx context.Context, rawURL string) (*DB, error) {
	switch {
	case strings.HasPrefix(rawURL, "sqlite:"):
		return openSQLite(ctx, strings.TrimPrefix(rawURL, "sqlite:"))
	case strings.HasPrefix(rawURL, "postgres://"), strings.HasPrefix(rawURL, "postgresql://"):
		return openPostgres(ctx, rawURL)
	default:
		return nil, fmt.Errorf("database: unsupported URL %q: want sqlite:PATH or postgres://…", redact(rawURL))
	}
}

func openSQLite(ctx context.Context, path string) (*DB, error) {
	if path == "" {
		return nil, fmt.Errorf("database: sqlite: empty path")
	}
	// A path ending in a query keeps the caller's options; we add ours.
	file, query, _ := strings.Cut(path, "?")
	if file != ":memory:" {
		if dir := filepath.Dir(file); dir != "." {
			if _, err := os.Stat(dir); err != nil {
				return nil, fmt.Errorf("database: sqlite: folder of %s: %w", file, err)
			}
		}
	}
	// secure_delete: freed pages are zeroed, so erased text does not linger
	// in the file (see the store's ScrubErased).
	//
	// synchronous=NORMAL: in WAL mode a process that dies (kill -9, a
	// crash) loses nothing it committed; a power cut may lose the last
	// moments. An operator who wants FULL (nothing lost, slower commits)
	// writes ?_pragma=synchronous(FULL) after the path, which replaces it.
	sync := "&_pragma=synchronous(NORMAL)"
	if strings.Contains(strings.ToLower(query), "synchronous") {
		sync = ""
	}
	base := "file:" + file + "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)" + sync + "&_pragma=secure_delete(1)&_time_format=sqlite"
	if query != "" {
		base += "&" + query
	}
	write, err := sql.Open("sqlite", base+"&_txlock=immediate")
	if err != nil {
		return nil, fmt.Errorf("database: open sqlite %s: %w", file, err)
	}
	write.SetMaxOpenConns(1)
	write.SetConnMaxLifetime(0)
	read, err := sql.Open("sqlite", base+"&_pragma=query_only(1)")
	if err != nil {
		write.Close() // #nosec G104 -- closing on the way out: nothing is left to do with an error
		return nil, fmt.Errorf("database: open sqlite %s: %w", file, err)
	}
	// Reads in WAL mode run in parallel; more connections than a few times
	// the cores only add memory (each has its own page cache).
	readers := max(4, 2*runtime.NumCPU())
	read.SetMaxOpenConns(readers)
	read.SetMaxIdleConns(readers)
	read.SetConnMaxLifetime(0)
	quick, err := sql.Open("sqlite", base+"&_pragma=query_only(1)")
	if err != nil {
		write.Close() // #nosec G104 -- closing on the way out: nothing is left to do with an error
		read.Close()  // #nosec G104 -- closing on the way out: nothing is left to do with an error
		return nil, fmt.Errorf("database: open sqlite %s: %w", file, err)
	}
	quick.SetMaxOpenConns(1)
	quick.SetConnMaxLifetime(0)
	db := &DB{Dialect: SQLite, Read: read, Write: write, Quick: quick, URL: "sqlite:" + path}
	// The writer connects first so that WAL mode is set before readers open.
	if err := db.Ping(ctx); err != nil {
		db.Close() // #nosec G104 -- closing on the way out: nothing is left to do with an error
		return nil, fmt.Errorf("database: sqlite %s: %w", file, err)
	}
	return db, nil
}

func openPostgres(ctx context.Context, rawURL string) (*DB, error) {
	pool, err := sql.Open("pgx", rawURL)
	if err != nil {
		return nil, fmt.Errorf("database: open %s: %w", redact(rawURL), err)
	}
	pool.SetMaxOpenConns(20)
	pool.SetMaxIdleConns(20)
	pool.SetConnMaxIdleTime(5 * time.Minute)
	quick, err := sql.Open("pgx", rawURL)
	if err != nil {
		pool.Close() // #nosec G104 -- closing on the way out: nothing is left to do with an error
		return nil, fmt.Errorf("database: open %s: %w", redact(rawURL), err)
	}
	quick.SetMaxOpenConns(1)
	quick.SetMaxIdleConns(1)
	db := &DB{Dialect: Postgres, Read: pool, Write: pool, Quick: quick, URL: rawURL}
	if err := db.Ping(ctx); err != nil {
		db.Close() // #nosec G104 -- closing on the way out: nothing is left to do with an error
		return nil, fmt.Errorf("database: connect to %s: %w", redact(rawURL), err)
	}
	return db, nil
}

// Ping checks that the database answers.
func (db *DB) Ping(ctx context.Context) error {
	if err := db.Write.PingContext(ctx); err != nil {
		return err
	}
	if db.Read != db.Write {
		return db.Read.PingContext(ctx)
	}
	return nil
}

// Close closes every connection.
func (db *DB) Close() error {
	err := db.Write.Close()
	if db.Read != db.Write {
		if rerr := db.Read.Close(); err == nil {
			err = rerr
		}
	}
	if db.Quick != nil {
		if qerr := db.Quick.Close(); err == nil {
			err = qerr
		}
	}
	return err
}

// Redacted is the URL without its password, for messages and logs.
func (db *DB) Redacted() string { return redact(db.URL) }

func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		return raw
	}
	if _, has := u.User.Password(); has {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}
