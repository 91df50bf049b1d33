package database_test

import (
	"context"
	"regexp"
	"testing"

	"github.com/confide/confide/internal/database"
	"github.com/confide/confide/internal/database/dbtest"
)

// Both engines must have the same numbered migrations with the same names,
// or one engine's schema silently falls behind the other's.
func TestMigrationsInStep(t *testing.T) {
	lite, err := database.Migrations(database.SQLite)
	if err != nil {
		t.Fatal(err)
	}
	pg, err := database.Migrations(database.Postgres)
	if err != nil {
		t.Fatal(err)
	}
	if len(lite) == 0 || len(lite) != len(pg) {
		t.Fatalf("sqlite has %d migrations, postgres %d", len(lite), len(pg))
	}
	for i := range lite {
		if lite[i].Name != pg[i].Name {
			t.Errorf("migration %d: sqlite %s, postgres %s", i, lite[i].Name, pg[i].Name)
		}
		// Every table created on one engine is created on the other.
		if a, b := tables(lite[i].SQL), tables(pg[i].SQL); a != b {
			t.Errorf("%s: tables differ: sqlite %s, postgres %s", lite[i].Name, a, b)
		}
	}
}

// engineOnly are tables one engine needs and the other does without: the
// FTS5 indexes are a column (stories.search, letters.search) and an expression index on
// PostgreSQL.
var engineOnly = map[string]bool{"stories_fts": true, "stories_title_fts": true, "letters_fts": true}

func tables(sql string) string {
	re := regexp.MustCompile(`(?i)CREATE (?:VIRTUAL )?TABLE (?:IF NOT EXISTS )?(\w+)`)
	var out string
	for _, m := range re.FindAllStringSubmatch(sql, -1) {
		if !engineOnly[m[1]] {
			out += m[1] + " "
		}
	}
	return out
}

func TestMigrateTwiceIsNoop(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *database.DB) {
		// dbtest already migrated once.
		applied, err := db.Migrate(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if len(applied) != 0 {
			t.Fatalf("second migrate applied %v", applied)
		}
		var n int
		if err := db.Read.QueryRow(`SELECT count(*) FROM schema_migrations`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		want, _ := database.Migrations(db.Dialect)
		if n != len(want) {
			t.Fatalf("schema_migrations has %d rows, want %d", n, len(want))
		}
	})
}

func TestOpenRejectsUnknownURL(t *testing.T) {
	if _, err := database.Open(context.Background(), "mysql://x"); err == nil {
		t.Fatal("want error for mysql URL")
	}
}
