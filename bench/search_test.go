package bench

import (
	"context"
	"math/rand"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/confide/confide/bench/corpus"
	"github.com/confide/confide/internal/model"
	"github.com/confide/confide/internal/search"
	"github.com/confide/confide/internal/service"
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

// percentiles reports p50, p95, p99 and the maximum of ds in milliseconds.
func percentiles(b *testing.B, prefix string, ds []time.Duration) {
	slices.Sort(ds)
	at := func(p float64) float64 {
		return float64(ds[min(len(ds)-1, int(p*float64(len(ds))))]) / float64(time.Millisecond)
	}
	b.ReportMetric(at(0.50), prefix+"p50-ms")
	b.ReportMetric(at(0.95), prefix+"p95-ms")
	b.ReportMetric(at(0.99), prefix+"p99-ms")
	b.ReportMetric(float64(ds[len(ds)-1])/float64(time.Millisecond), prefix+"max-ms")
	b.Logf("%s p50 %.2f ms, p95 %.2f ms, p99 %.2f ms, max %.2f ms over %d", prefix, at(0.5), at(0.95), at(0.99),
		float64(ds[len(ds)-1])/float64(time.Millisecond), len(ds))
}

// searchClass is one kind of query readers type, with 200+ examples.
type searchClass struct {
	name    string
	queries []string
}

// everyday returns a common word of the corpus (ranks 20–600: the words
// people use in letters, not function words) fit to search for.
func everyday(r *rand.Rand, vocab []string, minLen int) string {
	for {
		w := vocab[20+r.Intn(580)]
		if !search.IsStopword(w) && !strings.Contains(w, "'") && len([]rune(w)) >= minLen {
			return w
		}
	}
}

// searchClasses returns the query classes of BenchmarkSearch, each of n
// queries, fixed by seed. Words come from the corpus's everyday vocabulary
// (as readers type "lonely", "husband", "trust"), and the tail class mixes in
// rare words as before. The examples people gave in the scale issue come
// first in their class.
func searchClasses(n int) []searchClass {
	vocab := corpus.Vocabulary()
	r := rand.New(rand.NewSource(7))
	words := func(k int) string {
		var ws []string
		for len(ws) < k {
			ws = append(ws, everyday(r, vocab, 3))
		}
		return strings.Join(ws, " ")
	}
	fill := func(first []string, make func() string) []string {
		out := append([]string(nil), first...)
		for len(out) < n {
			out = append(out, make())
		}
		return out
	}
	return []searchClass{
		{"everyday-2", fill([]string{"lonely after", "lost job", "husband cheating"}, func() string { return words(2) })},
		{"everyday-3", fill([]string{"lonely after divorce", "lost my job"}, func() string { return words(3) })},
		{"long", fill(nil, func() string { return words(5 + r.Intn(4)) })},
		{"phrase", fill([]string{`"feel alone"`, `"my husband"`}, func() string { return `"` + words(2) + `"` })},
		{"prefix", fill([]string{"hus*", "wor*", "feel*", "tru*", "trus*", "trust*", "fami*", "lonel*"}, func() string {
			w := everyday(r, vocab, 4)
			k := 3 + r.Intn(4) // 3–6 letters
			p := string([]rune(w)[:min(k, len([]rune(w)))]) + "*"
			if r.Intn(3) == 0 {
				return everyday(r, vocab, 3) + " " + p
			}
			return p
		})},
		{"exclusion", fill([]string{"lonely -work", "husband -divorce"}, func() string {
			return words(1+r.Intn(2)) + " -" + everyday(r, vocab, 3)
		})},
		{"tail", searchQueries(n)},
	}
}

// BenchmarkSearch runs every class of searchClasses through the search
// service (ranking, count, the page of stories and their snippets), once
// (reported as "first-…": uncached) and then again, and reports latency
// percentiles per class, and how many answers were "too broad" (stopped by
// the budget):
//
//	CONFIDE_BENCH_DB=sqlite:/tmp/b100k.db go test ./bench -run x -bench Search -benchtime 1x -v
func BenchmarkSearch(b *testing.B) {
	a, _ := openCorpus(b)
	// Each query's own time: a search slot rests after a search as long as
	// it took (so a crowd of searches leaves half the processors to the
	// pages, which bench/load.sh MIXED measures), and queries sent back to
	// back here would each wait out the last one's rest.
	a.Service.SetSearchLimits(service.SearchLimits{Rest: -1})
	ctx := context.Background()
	classes := searchClasses(200)
	if only := os.Getenv("CONFIDE_BENCH_SEARCH_CLASS"); only != "" { // one class, for a profile
		classes = slices.DeleteFunc(classes, func(c searchClass) bool { return c.name != only })
	}
	run := func(c searchClass) (ds []time.Duration, empty, broad int, slowest string) {
		var worst time.Duration
		for _, q := range c.queries {
			start := time.Now()
			res, err := a.Service.SearchStories(ctx, q, "", 1)
			d := time.Since(start)
			ds = append(ds, d)
			if err != nil {
				b.Fatalf("%q: %v", q, err)
			}
			if d > worst {
				worst, slowest = d, q
			}
			if res.TooBroad {
				broad++
			} else if len(res.Hits) == 0 {
				empty++
			}
		}
		return ds, empty, broad, slowest
	}
	// The first pass is each query's first run: with the operating
	// system's file cache dropped before (echo 3 >
	// /proc/sys/vm/drop_caches), what a site just started answers.
	for _, c := range classes {
		ds, _, _, _ := run(c)
		percentiles(b, "first-"+c.name+"-", ds)
	}
	b.ResetTimer()
	for _, c := range classes {
		var all []time.Duration
		empty, broad := 0, 0
		slowest := ""
		for i := 0; i < b.N; i++ {
			ds, e, br, sl := run(c)
			all, empty, broad, slowest = append(all, ds...), empty+e, broad+br, sl
		}
		percentiles(b, c.name+"-", all)
		b.Logf("%s: %d queries, %d found nothing, %d too broad, slowest %q", c.name, len(c.queries), empty/b.N, broad/b.N, slowest)
	}
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
			st, err := a.Service.PublishedStory(ctx, slug)
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
