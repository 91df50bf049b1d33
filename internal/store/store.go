// Package store holds every SQL query of Confide. Queries are written once
// ($1… placeholders, RETURNING, ON CONFLICT) and run on SQLite and PostgreSQL;
// the few real differences are switched on the database's dialect here and
// nowhere else. The store reads and writes; it holds no rules.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/confide/confide/internal/database"
	"github.com/confide/confide/internal/model"
)

// querier is what *sql.DB and *sql.Tx have in common.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Store reads and writes Confide's data. Its methods run on the pools of the
// database, or inside the transaction that InTx put in their context.
type Store struct {
	db *database.DB

	versionOnce sync.Once
	versionStmt *sql.Stmt // prepared once: it runs often
	versionErr  error

	onChange func() // called after a transaction that changed content commits
}

// OnChange registers fn to be called after every committed transaction that
// changed content, so this process's caches can drop what they hold at once
// rather than when they next look at the content version.
func (s *Store) OnChange(fn func()) { s.onChange = fn }

// txState is the transaction InTx puts in a context, and whether it wrote
// content.
type txState struct {
	tx    *sql.Tx
	wrote bool
	stmts map[string]*sql.Stmt // see prepared
}

// New returns a Store on db.
func New(db *database.DB) *Store {
	return &Store{db: db}
}

// txKey marks the transaction InTx puts in a context.
type txKey struct{}

func txOf(ctx context.Context) *txState {
	st, _ := ctx.Value(txKey{}).(*txState)
	return st
}

// reader is where a read runs: the transaction in ctx, or the read pool.
func (s *Store) reader(ctx context.Context) querier {
	if st := txOf(ctx); st != nil {
		return st.tx
	}
	return s.db.Read
}

// writer is where a write runs: the transaction in ctx, or the write pool.
func (s *Store) writer(ctx context.Context) querier {
	if st := txOf(ctx); st != nil {
		return st.tx
	}
	return s.db.Write
}

// prepared runs query's writes on q, prepared once per transaction on
// SQLite: SQLite compiles a statement, with the programs of its triggers,
// each time it runs unprepared, and a comment's insert spent more time
// being compiled than inserting. (pgx keeps prepared statements by itself.)
// Outside a transaction, or on PostgreSQL, it is q itself.
func (s *Store) prepared(ctx context.Context, q querier, query string) rowQuerier {
	st := txOf(ctx)
	if st == nil || s.db.Dialect != database.SQLite {
		return boundQuery{q, query}
	}
	if p, ok := st.stmts[query]; ok {
		return p
	}
	p, err := st.tx.PrepareContext(ctx, query)
	if err != nil {
		return boundQuery{q, query} // the error shows when it runs
	}
	if st.stmts == nil {
		st.stmts = map[string]*sql.Stmt{}
	}
	st.stmts[query] = p
	return p
}

// rowQuerier is a prepared statement, or a query bound to its querier.
type rowQuerier interface {
	QueryRowContext(ctx context.Context, args ...any) *sql.Row
	ExecContext(ctx context.Context, args ...any) (sql.Result, error)
}

type boundQuery struct {
	q     querier
	query string
}

func (b boundQuery) QueryRowContext(ctx context.Context, args ...any) *sql.Row {
	return b.q.QueryRowContext(ctx, b.query, args...)
}

func (b boundQuery) ExecContext(ctx context.Context, args ...any) (sql.Result, error) {
	return b.q.ExecContext(ctx, b.query, args...)
}

// Dialect tells which engine is behind the store.
func (s *Store) Dialect() database.Dialect { return s.db.Dialect }

// InTx runs fn in one transaction: every store call made with the context
// fn receives is part of it. It commits when fn returns nil and rolls back
// otherwise. Nested calls join the outer transaction. Keeping the transaction
// in the context lets services ask for one without importing this package.
func (s *Store) InTx(ctx context.Context, fn func(ctx context.Context) error) error {
	if txOf(ctx) != nil {
		return fn(ctx)
	}
	tx, err := s.db.Write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: begin: %w", err)
	}
	defer tx.Rollback()
	st := &txState{tx: tx}
	if err := fn(context.WithValue(ctx, txKey{}, st)); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: commit: %w", err)
	}
	if st.wrote && s.onChange != nil {
		s.onChange()
	}
	return nil
}

// ContentState tells what changed: Version goes up whenever published
// content (a story, section, setting or page) changes; MaxSeq is the newest
// page change (see PageChanges) and Recent counts the page changes after
// since, so that one committed late, behind a newer one, is noticed too.
func (s *Store) ContentState(ctx context.Context, since int64) (model.ContentMark, error) {
	const q = `SELECT version, (SELECT COALESCE(max(seq), 0) FROM page_changes),
		(SELECT count(*) FROM page_changes WHERE seq > $1) FROM site_state WHERE id = 1`
	var v model.ContentMark
	var row *sql.Row
	if st := txOf(ctx); st != nil {
		row = st.tx.QueryRowContext(ctx, q, since)
	} else {
		s.versionOnce.Do(func() {
			pool := s.db.Quick
			if pool == nil {
				pool = s.db.Read
			}
			s.versionStmt, s.versionErr = pool.PrepareContext(context.Background(), q)
		})
		if s.versionErr != nil {
			return v, fmt.Errorf("store: prepare content version: %w", s.versionErr)
		}
		row = s.versionStmt.QueryRowContext(ctx, since)
	}
	if err := row.Scan(&v.Version, &v.MaxSeq, &v.Recent); err != nil {
		return v, fmt.Errorf("store: content version: %w", err)
	}
	return v, nil
}

// write runs fn and bumps the content version in one transaction (joining the
// caller's transaction when there is one). Every write of content goes
// through it, so no cache can miss a change.
func (s *Store) write(ctx context.Context, fn func(ctx context.Context, q querier) error) error {
	return s.InTx(ctx, func(ctx context.Context) error {
		q := s.writer(ctx)
		if err := fn(ctx, q); err != nil {
			return err
		}
		if _, err := s.prepared(ctx, q, `UPDATE site_state SET version = version + 1 WHERE id = 1`).ExecContext(ctx); err != nil {
			return fmt.Errorf("store: bump content version: %w", err)
		}
		txOf(ctx).wrote = true
		return nil
	})
}

// oneRow turns a change that touched no row into a not-found error.
func oneRow(res sql.Result, err error) error {
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return model.ErrNotFound
	}
	return nil
}

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error { return s.db.Ping(ctx) }

// PendingMigrations returns the migrations the database still lacks.
func (s *Store) PendingMigrations(ctx context.Context) ([]string, error) { return s.db.Pending(ctx) }

// maxListed bounds the count of an admin log (audit entries, outgoing mail):
// those grow for years, and the pager goes this far back rather than
// counting every row on each view.
const maxListed = 10000

// ts is how every time goes into the database: UTC, to the microsecond
// (PostgreSQL's precision), so a value reads back equal on both engines.
func ts(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

// nullTime stores the zero time as NULL.
func nullTime(t time.Time) sql.NullTime {
	if t.IsZero() {
		return sql.NullTime{}
	}
	return sql.NullTime{Time: ts(t), Valid: true}
}

func fromNull(t sql.NullTime) time.Time {
	if !t.Valid {
		return time.Time{}
	}
	return t.Time.UTC()
}

// isUniqueViolation reports whether err is a unique-constraint failure on
// either engine.
func isUniqueViolation(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code == "23505"
	}
	return err != nil && strings.Contains(err.Error(), "UNIQUE constraint failed")
}

// notFound turns sql.ErrNoRows into the model's not-found error, saying
// what was not found (message error.not_found.WHAT).
func notFound(err error, what string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return &model.Error{Code: model.ENOTFOUND, Message: "error.not_found." + strings.ReplaceAll(what, " ", "_"), Err: err}
	}
	return err
}

// ids runs a query of one id column, in the transaction in ctx if there is
// one.
func (s *Store) ids(ctx context.Context, query string, args []any) ([]int64, error) {
	rows, err := s.reader(ctx).QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// sqliteTimeFormats are the forms a time takes in SQLite when its column
// type is lost (an aggregate of a TIMESTAMP column comes back as text).
var sqliteTimeFormats = []string{
	"2006-01-02 15:04:05.999999999-07:00",
	"2006-01-02 15:04:05.999999999",
	time.RFC3339Nano,
}

// timeValue reads a time scanned into an any: a time.Time on PostgreSQL,
// text on SQLite.
func timeValue(v any) (time.Time, error) {
	switch t := v.(type) {
	case time.Time:
		return t.UTC(), nil
	case nil:
		return time.Time{}, nil
	case []byte:
		return timeValue(string(t))
	case string:
		for _, f := range sqliteTimeFormats {
			if p, err := time.Parse(f, t); err == nil {
				return p.UTC(), nil
			}
		}
		return time.Time{}, fmt.Errorf("unreadable time %q", t)
	}
	return time.Time{}, fmt.Errorf("unreadable time of type %T", v)
}
