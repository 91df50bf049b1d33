package store

import (
	"context"
	"errors"
	"testing"

	"github.com/confide/confide/internal/database/dbtest"
)

// A query PostgreSQL stops at its statement_timeout counts as past the
// search's deadline, so the reader is asked for a narrower search instead
// of seeing an error page.
func TestStatementTimeoutIsOverBudget(t *testing.T) {
	db := dbtest.Postgres(t)
	ctx := context.Background()
	tx, err := db.Read.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, "SET LOCAL statement_timeout = 20"); err != nil {
		t.Fatal(err)
	}
	_, err = tx.ExecContext(ctx, "SELECT pg_sleep(5)")
	if err == nil {
		t.Fatal("pg_sleep outlived its statement_timeout")
	}
	if errors.Is(err, context.DeadlineExceeded) {
		t.Fatal("the driver already reports a timeout as a deadline: overBudget is not needed")
	}
	if !errors.Is(overBudget(err), context.DeadlineExceeded) {
		t.Fatalf("statement timeout %v is not over budget", err)
	}
	if other := errors.New("x"); overBudget(other) != other {
		t.Fatal("another error was changed")
	}
}
