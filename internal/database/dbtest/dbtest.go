// Package dbtest gives tests a fresh, migrated database on every engine that
// is available: SQLite always, PostgreSQL when CONFIDE_TEST_POSTGRES holds a
// URL. Each PostgreSQL database is a schema of its own, dropped at the end, so
// tests never see each other's data.
package dbtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/confide/confide/internal/database"
)

// PostgresEnv names the variable that holds the test PostgreSQL URL.
const PostgresEnv = "CONFIDE_TEST_POSTGRES"

// Engines runs fn once per available engine, each as a subtest named after it
// and each with its own empty, migrated database.
func Engines(t *testing.T, fn func(t *testing.T, db *database.DB)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, SQLite(t)) })
	t.Run("postgres", func(t *testing.T) { fn(t, Postgres(t)) })
}

// SQLite returns a migrated SQLite database in a temporary file.
func SQLite(t testing.TB) *database.DB {
	t.Helper()
	return open(t, "sqlite:"+filepath.Join(t.TempDir(), "test.db"))
}

// Postgres returns a migrated PostgreSQL database in a fresh schema, or skips
// the test when CONFIDE_TEST_POSTGRES is not set. In CI it is always set, so
// these tests always run there.
func Postgres(t testing.TB) *database.DB {
	t.Helper()
	return open(t, PostgresURL(t))
}

// PostgresURL creates a fresh schema and returns a URL whose search_path
// points at it; the schema is dropped when the test ends.
func PostgresURL(t testing.TB) string {
	t.Helper()
	base := os.Getenv(PostgresEnv)
	if base == "" {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s is not set in CI: PostgreSQL tests must run there", PostgresEnv)
		}
		t.Skipf("%s not set: skipping PostgreSQL", PostgresEnv)
	}
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("dbtest: open %s: %v", PostgresEnv, err)
	}
	defer admin.Close()
	schema := "t_" + randomHex(8)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := admin.ExecContext(ctx, `CREATE SCHEMA `+schema); err != nil {
		t.Fatalf("dbtest: create schema: %v", err)
	}
	t.Cleanup(func() {
		admin, err := sql.Open("pgx", base)
		if err != nil {
			return
		}
		defer admin.Close()
		admin.Exec(`DROP SCHEMA ` + schema + ` CASCADE`) // #nosec G104 -- a test helper: its own temporary files and programs
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("dbtest: parse %s: %v", PostgresEnv, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

func open(t testing.TB, rawURL string) *database.DB {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	db, err := database.Open(ctx, rawURL)
	if err != nil {
		t.Fatalf("dbtest: %v", err)
	}
	t.Cleanup(func() { db.Close() }) // #nosec G104 -- a test helper: its own temporary files and programs
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatalf("dbtest: migrate: %v", err)
	}
	return db
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}
