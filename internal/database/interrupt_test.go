package database_test

import (
	"context"
	"testing"
	"time"

	"github.com/confide/confide/internal/database"
	"github.com/confide/confide/internal/database/dbtest"
)

// A query whose context ends is stopped inside the database (SQLite's
// interrupt, PostgreSQL's cancel request), so a time budget frees its
// connection at once instead of when the query would have finished.
func TestContextStopsAQueryInTheDatabase(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *database.DB) {
		// Minutes of work on either engine, were it left to run.
		slow := `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5000000000) SELECT count(*) FROM n`
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		defer cancel()
		start := time.Now()
		var n int64
		err := db.Read.QueryRowContext(ctx, slow).Scan(&n)
		if err == nil {
			t.Fatal("the query finished")
		}
		if d := time.Since(start); d > 3*time.Second {
			t.Fatalf("the query ran %s past a 100 ms budget", d)
		}
		// The connection is usable again at once.
		if err := db.Read.QueryRowContext(context.Background(), "SELECT 1").Scan(&n); err != nil || n != 1 {
			t.Fatalf("after the interrupt: %v", err)
		}
	})
}
