package database

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// ErrBackupPostgres says that PostgreSQL is backed up with its own tools.
var ErrBackupPostgres = errors.New("on PostgreSQL, back up with pg_dump")

// Backup writes a consistent copy of a SQLite database to path while the
// site keeps serving (VACUUM INTO reads one snapshot; writers go on), then
// opens the copy and checks its integrity. The file must not exist yet.
// Restoring is pointing --db at the copy.
func (db *DB) Backup(ctx context.Context, path string) error {
	if db.Dialect != SQLite {
		return ErrBackupPostgres
	}
	if strings.TrimSpace(path) == "" {
		return fmt.Errorf("backup: say where to write the copy")
	}
	if _, err := os.Stat(path); err == nil {
		return fmt.Errorf("backup: %s exists already; choose a new name (a backup never overwrites)", path)
	}
	if dir := filepath.Dir(path); dir != "." {
		if _, err := os.Stat(dir); err != nil {
			return fmt.Errorf("backup: folder of %s: %w", path, err)
		}
	}
	// A connection of its own: the read pool is query_only, which refuses
	// VACUUM INTO, and the one writer must stay free for the site. VACUUM
	// INTO reads one snapshot of the source; the site's writes go on.
	src, err := sql.Open("sqlite", "file:"+strings.TrimPrefix(db.URL, "sqlite:")+"?_pragma=busy_timeout(10000)")
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	defer src.Close()
	if _, err := src.ExecContext(ctx, `VACUUM INTO $1`, path); err != nil {
		os.Remove(path) // #nosec G104 -- removing a file left half written; the first error is the one reported
		return fmt.Errorf("backup: write %s: %w", path, err)
	}
	if err := checkCopy(ctx, path); err != nil {
		return fmt.Errorf("backup: the copy %s failed its check (kept for inspection): %w", path, err)
	}
	return nil
}

// checkCopy opens a copy read-only and runs SQLite's integrity check.
func checkCopy(ctx context.Context, path string) error {
	c, err := sql.Open("sqlite", "file:"+path+"?mode=ro&_pragma=query_only(1)")
	if err != nil {
		return err
	}
	defer c.Close()
	var result string
	if err := c.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&result); err != nil {
		return err
	}
	if result != "ok" {
		return fmt.Errorf("integrity check: %s", result)
	}
	var n int
	if err := c.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations`).Scan(&n); err != nil {
		return fmt.Errorf("no migrations table: %w", err)
	}
	return nil
}
