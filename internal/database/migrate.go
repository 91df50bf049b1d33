package database

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"
)

//go:embed migrations
var migrationFiles embed.FS

// Migration is one numbered schema change.
type Migration struct {
	Version int
	Name    string
	SQL     string
}

// Migrations returns the embedded migrations for a dialect, in order.
func Migrations(d Dialect) ([]Migration, error) {
	dir := path.Join("migrations", string(d))
	entries, err := fs.ReadDir(migrationFiles, dir)
	if err != nil {
		return nil, fmt.Errorf("database: read migrations: %w", err)
	}
	var out []Migration
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".sql") {
			continue
		}
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil {
			return nil, fmt.Errorf("database: migration %s: name must start with a number and '_'", e.Name())
		}
		body, err := fs.ReadFile(migrationFiles, path.Join(dir, e.Name()))
		if err != nil {
			return nil, fmt.Errorf("database: read migration %s: %w", e.Name(), err)
		}
		out = append(out, Migration{Version: v, Name: e.Name(), SQL: string(body)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	return out, nil
}

// Migrate applies every pending migration, each in its own transaction. It
// is safe to run from several processes at once: on PostgreSQL an advisory
// lock serialises them, on SQLite the immediate transaction does.
func (db *DB) Migrate(ctx context.Context) (applied []string, err error) {
	migs, err := Migrations(db.Dialect)
	if err != nil {
		return nil, err
	}
	for _, m := range migs {
		done, err := db.applyOne(ctx, m)
		if err != nil {
			return applied, err
		}
		if done {
			applied = append(applied, m.Name)
		}
	}
	return applied, nil
}

func (db *DB) applyOne(ctx context.Context, m Migration) (bool, error) {
	tx, err := db.Write.BeginTx(ctx, nil)
	if err != nil {
		return false, fmt.Errorf("database: migration %s: begin: %w", m.Name, err)
	}
	defer tx.Rollback()
	if db.Dialect == Postgres {
		// 0x636f6e66 spells "conf": one lock for every Confide process.
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(1668247142)`); err != nil {
			return false, fmt.Errorf("database: migration lock: %w", err)
		}
	}
	// Created under the lock so that two processes starting together do not race.
	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY,
		name TEXT NOT NULL,
		applied_at TEXT NOT NULL)`); err != nil {
		return false, fmt.Errorf("database: create schema_migrations: %w", err)
	}
	var one int
	err = tx.QueryRowContext(ctx, `SELECT 1 FROM schema_migrations WHERE version = $1`, m.Version).Scan(&one)
	if err == nil {
		return false, nil // already applied
	}
	if err != sql.ErrNoRows {
		return false, fmt.Errorf("database: migration %s: check: %w", m.Name, err)
	}
	if _, err := tx.ExecContext(ctx, m.SQL); err != nil {
		return false, fmt.Errorf("database: migration %s: %w", m.Name, err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)`,
		m.Version, m.Name, time.Now().UTC().Format(time.RFC3339)); err != nil {
		return false, fmt.Errorf("database: migration %s: record: %w", m.Name, err)
	}
	if err := tx.Commit(); err != nil {
		return false, fmt.Errorf("database: migration %s: commit: %w", m.Name, err)
	}
	return true, nil
}

// Pending returns the names of the embedded migrations the database has
// not applied yet: a database another version of Confide migrated, or one
// still being migrated, is not ready for this binary.
func (db *DB) Pending(ctx context.Context) ([]string, error) {
	migs, err := Migrations(db.Dialect)
	if err != nil {
		return nil, err
	}
	rows, err := db.Quick.QueryContext(ctx, `SELECT version FROM schema_migrations`)
	if err != nil {
		return nil, fmt.Errorf("database: applied migrations: %w", err)
	}
	defer rows.Close()
	applied := map[int]bool{}
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			return nil, fmt.Errorf("database: applied migrations: %w", err)
		}
		applied[v] = true
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var out []string
	for _, m := range migs {
		if !applied[m.Version] {
			out = append(out, m.Name)
		}
	}
	return out, nil
}
