package bench

import (
	"context"

	"math/rand"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/confide/confide/bench/corpus"
	"github.com/confide/confide/internal/model"
	"github.com/confide/confide/internal/search"
)

// searchQueries returns n fixed two- and three-word queries drawn from the
// corpus vocabulary: each word is common (ranks 100–600, the everyday words
// of letters) or rare (the long tail) with equal chance, so the list mixes
// queries that match most stories, some, and none.
func searchQueries(n int) []string {
	vocab := corpus.Vocabulary()
	r := rand.New(rand.NewSource(42))
	var out []string
	for len(out) < n {
		k := 2 + r.Intn(2)
		var words []string
		for len(words) < k {
			var w string
			if r.Intn(2) == 0 {
				w = vocab[100+r.Intn(500)]
			} else {
				w = vocab[600+r.Intn(len(vocab)-600)]
			}
			if !search.IsStopword(w) && !strings.Contains(w, "'") {
				words = append(words, w)
			}
		}
		out = append(out, strings.Join(words, " "))
	}
	return out
}

// percentiles reports p50, p95 and p99 of ds in milliseconds.
func percentiles(b *testing.B, prefix string, ds []time.Duration) {
	slices.Sort(ds)
	at := func(p float64) float64 {
		return float64(ds[min(len(ds)-1, int(p*float64(len(ds))))]) / float64(time.Millisecond)
	}
	b.ReportMetric(at(0.50), prefix+"p50-ms")
	b.ReportMetric(at(0.95), prefix+"p95-ms")
	b.ReportMetric(at(0.99), prefix+"p99-ms")
	b.Logf("%s p50 %.2f ms, p95 %.2f ms, p99 %.2f ms, max %.2f ms over %d", prefix, at(0.5), at(0.95), at(0.99),
		float64(ds[len(ds)-1])/float64(time.Millisecond), len(ds))
}

// BenchmarkSearch runs 1,000 realistic queries through the search service
// (ranking, count, the page of stories and their snippets), once to warm the
// caches and then measured, and reports latency percentiles:
//
//	CONFIDE_BENCH_DB=sqlite:/tmp/b100k.db go test ./bench -run x -bench Search -benchtime 1x
func BenchmarkSearch(b *testing.B) {
	a, _ := openCorpus(b)
	ctx := context.Background()
	queries := searchQueries(1000)
	run := func() ([]time.Duration, int) {
		ds := make([]time.Duration, 0, len(queries))
		empty := 0
		for _, q := range queries {
			start := time.Now()
			res, err := a.Service.SearchStories(ctx, q, "", 1)
			ds = append(ds, time.Since(start))
			if err != nil {
				b.Fatalf("%q: %v", q, err)
			}
			if len(res.Hits) == 0 {
				empty++
			}
		}
		return ds, empty
	}
	run()
	b.ResetTimer()
	var all []time.Duration
	empty := 0
	for i := 0; i < b.N; i++ {
		ds, e := run()
		all, empty = append(all, ds...), empty+e
	}
	b.StopTimer()
	percentiles(b, "search-", all)
	b.Logf("%d of %d queries found nothing", empty/b.N, len(queries))
}

// BenchmarkRelated makes the related stories of 1,000 stories (cold: the
// search behind a list, as the background maker runs it, with no list kept),
// reads them as a reader's page does (cached in memory), and reads them as a
// restarted or second instance does (kept in the database, memory empty).
func BenchmarkRelated(b *testing.B) {
	a, slugs := openCorpus(b)
	ctx := context.Background()
	if len(slugs) > 1000 {
		slugs = slugs[:1000]
	}
	var cold, warm, kept []time.Duration
	for i := 0; i < b.N; i++ {
		if _, err := a.DB.Write.ExecContext(ctx, "DELETE FROM related_stories"); err != nil {
			b.Fatal(err)
		}
		a.Service.ForgetRelated()
		var stories []*model.Story
		for _, slug := range slugs {
			st, _, err := a.Service.PublishedStory(ctx, slug)
			if err != nil {
				b.Fatal(err)
			}
			stories = append(stories, st)
			start := time.Now()
			if err := a.Service.MakeRelated(ctx, st.ID); err != nil {
				b.Fatal(err)
			}
			cold = append(cold, time.Since(start))
			start = time.Now()
			list, err := a.Service.RelatedStories(ctx, st)
			warm = append(warm, time.Since(start))
			if err != nil || len(list) == 0 {
				b.Fatalf("%s: %d related, %v", slug, len(list), err)
			}
		}
		a.Service.ForgetRelated()
		for _, st := range stories {
			start := time.Now()
			list, err := a.Service.RelatedStories(ctx, st)
			kept = append(kept, time.Since(start))
			if err != nil || len(list) == 0 {
				b.Fatalf("%s: %d related kept, %v", st.Slug, len(list), err)
			}
		}
	}
	percentiles(b, "cold-", cold)
	percentiles(b, "cached-", warm)
	percentiles(b, "kept-", kept)
}
