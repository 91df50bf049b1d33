// Package bench holds the benchmark corpus, the load script and in-process
// benchmarks of the pages. The Go benchmarks run on a corpus database named
// by CONFIDE_BENCH_DB (fill one with bench/cmd/corpus) and skip without it:
//
//	go run ./bench/cmd/corpus --db sqlite:/tmp/b.db --stories 10000
//	CONFIDE_BENCH_DB=sqlite:/tmp/b.db go test ./bench -run x -bench . -cpuprofile cpu.out
package bench

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"
	"time"

	"github.com/confide/confide/internal/app"
	"github.com/confide/confide/internal/database"
)

func openCorpus(b testing.TB) (*app.App, []string) {
	b.Helper()
	url := os.Getenv("CONFIDE_BENCH_DB")
	if url == "" {
		b.Skip("CONFIDE_BENCH_DB not set: fill a database with bench/cmd/corpus first")
	}
	db, err := database.Open(context.Background(), url)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(context.Background()); err != nil {
		b.Fatal(err)
	}
	a, err := app.Build(db, "http://bench.local", slog.New(slog.NewTextHandler(io.Discard, nil)), time.Now, cacheBytes)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(a.Service.StopRelated) // before the database closes

	chunks, err := a.Service.SitemapChunks(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	var slugs []string
	for _, c := range chunks {
		stamps, err := a.Service.SitemapStories(context.Background(), c.Number)
		if err != nil {
			b.Fatal(err)
		}
		for _, s := range stamps[:min(len(stamps), 5000-len(slugs))] {
			slugs = append(slugs, s.Slug)
		}
		if len(slugs) == 5000 {
			break
		}
	}
	if len(slugs) == 0 {
		b.Fatal("the corpus has no stories")
	}
	return a, slugs
}

// cacheBytes is the page cache of the benchmarks; -1 turns it off to
// measure rendering itself.
var cacheBytes = 0

// benchPages asks a's web handler for paths(i), from two goroutines per
// core, and fails on any answer but 200.
func benchPages(b *testing.B, a *app.App, paths func(i int) string) {
	h := a.Web.Handler()
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			rec := httptest.NewRecorder()
			req := httptest.NewRequest(http.MethodGet, paths(i), nil)
			req.Header.Set("Accept-Encoding", "gzip") // as every browser does
			h.ServeHTTP(rec, req)
			if rec.Code != http.StatusOK {
				b.Errorf("%s: %d", paths(i), rec.Code)
			}
			i++
		}
	})
}

// BenchmarkStoryPageUncached renders every story page afresh: the cost of
// a cache miss.
func BenchmarkStoryPageUncached(b *testing.B) {
	cacheBytes = -1
	defer func() { cacheBytes = 0 }()
	a, slugs := openCorpus(b)
	benchPages(b, a, func(i int) string { return "/stories/" + slugs[i%len(slugs)] })
}

// BenchmarkStoryPage rotates over 5,000 story pages, each asked for once
// before the timer starts: a site's pages in its steady state.
func BenchmarkStoryPage(b *testing.B) {
	a, slugs := openCorpus(b)
	h := a.Web.Handler()
	for _, slug := range slugs {
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/stories/"+slug, nil))
	}
	benchPages(b, a, func(i int) string { return "/stories/" + slugs[i%len(slugs)] })
}

func BenchmarkHomePage(b *testing.B) {
	a, _ := openCorpus(b)
	benchPages(b, a, func(int) string { return "/" })
}

func BenchmarkSectionPage(b *testing.B) {
	a, _ := openCorpus(b)
	benchPages(b, a, func(int) string { return "/sections/" + "family" })
}

// BenchmarkContentVersion is the query every cached page pays.
func BenchmarkContentVersion(b *testing.B) {
	a, _ := openCorpus(b)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := a.Service.ContentState(ctx); err != nil {
				b.Error(err)
			}
		}
	})
}

// BenchmarkStoryPageHot serves a few stories over and over: the cost of a
// cache hit.
func BenchmarkStoryPageHot(b *testing.B) {
	a, slugs := openCorpus(b)
	benchPages(b, a, func(i int) string { return "/stories/" + slugs[i%50] })
}
