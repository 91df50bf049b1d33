package database_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/confide/confide/internal/database"
)

// SQLite runs with synchronous=NORMAL (in WAL mode a process that dies loses
// nothing committed; a power cut may lose the last moments), and an
// operator may ask for FULL (nothing lost) in the --db URL.
func TestSQLiteDurability(t *testing.T) {
	ctx := context.Background()
	for url, want := range map[string]int{
		"sqlite:" + filepath.Join(t.TempDir(), "normal.db"):                              1,
		"sqlite:" + filepath.Join(t.TempDir(), "full.db") + "?_pragma=synchronous(FULL)": 2,
	} {
		db, err := database.Open(ctx, url)
		if err != nil {
			t.Fatal(err)
		}
		var mode int
		var journal string
		if err := db.Write.QueryRowContext(ctx, "PRAGMA synchronous").Scan(&mode); err != nil {
			t.Fatal(err)
		}
		db.Write.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&journal)
		db.Close()
		if mode != want || journal != "wal" {
			t.Errorf("%s: synchronous %d, journal %s; want %d, wal", url, mode, journal, want)
		}
	}
}
