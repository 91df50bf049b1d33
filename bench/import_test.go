package bench

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/confide/confide/internal/app"
	"github.com/confide/confide/internal/database"
	"github.com/confide/confide/internal/database/dbtest"
	"github.com/confide/confide/internal/service"
	"github.com/confide/confide/internal/wxr"
	"github.com/confide/confide/internal/wxr/wxrtest"
)

// BenchmarkImportWordPress imports a generated WordPress export of 5,000
// posts and about 100,000 comments (every kind an export holds) into an
// empty database, as `confide import wordpress` does, and reports the
// seconds it took and posts and comments a second. Target: under 60 s on
// SQLite. PostgreSQL runs when CONFIDE_TEST_POSTGRES is set.
//
//	go test ./bench -run x -bench ImportWordPress -benchtime 1x
func BenchmarkImportWordPress(b *testing.B) {
	path := filepath.Join(b.TempDir(), "export.xml")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	posts := 5000
	if n, err := strconv.Atoi(os.Getenv("CONFIDE_BENCH_IMPORT_POSTS")); err == nil && n > 0 {
		posts = n // a smaller run, for a profile
	}
	if err := wxrtest.Write(f, wxrtest.Options{Posts: posts, Comments: 20, Seed: 1}); err != nil {
		b.Fatal(err)
	}
	f.Close()
	st, _ := os.Stat(path)
	b.Logf("export: %d MB", st.Size()>>20)
	engines := map[string]func(b *testing.B) string{
		"sqlite":   func(b *testing.B) string { return "sqlite:" + filepath.Join(b.TempDir(), "import.db") },
		"postgres": func(b *testing.B) string { return dbtest.PostgresURL(b) },
	}
	for _, name := range []string{"sqlite", "postgres"} {
		b.Run(name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				db, err := database.Open(context.Background(), engines[name](b))
				if err != nil {
					b.Fatal(err)
				}
				if _, err := db.Migrate(context.Background()); err != nil {
					b.Fatal(err)
				}
				a, err := app.Build(db, "http://bench.local", slog.New(slog.NewTextHandler(io.Discard, nil)), time.Now, cacheBytes)
				if err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				start := time.Now()
				rep, err := a.Service.ImportWordPress(context.Background(), service.ImportSource{Name: path,
					Open: func() (io.ReadCloser, error) { return wxr.Open(path, 1<<30) }}, nil)
				took := time.Since(start)
				b.StopTimer()
				if err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(took.Seconds(), "s/import")
				b.ReportMetric(float64(rep.Stories)/took.Seconds(), "posts/s")
				b.ReportMetric(float64(rep.Comments)/took.Seconds(), "comments/s")
				b.Logf("%s: %d stories, %d comments, %d sections in %s (skipped %v)", name, rep.Stories, rep.Comments, rep.Sections,
					took.Round(time.Millisecond), rep.Skipped)
				a.Service.StopRelated()
				db.Close()
			}
		})
	}
}
