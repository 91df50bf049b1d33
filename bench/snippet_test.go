package bench

import (
	"testing"
	"time"

	"github.com/confide/confide/bench/corpus"
	"github.com/confide/confide/internal/search"
)

// BenchmarkSnippet makes the passages of one page of search results (ten
// letters of the corpus's length) for queries of each kind. A query of many
// everyday words rarely has all of them in one passage, so every letter is
// read to its end: the worst case of a results page.
func BenchmarkSnippet(b *testing.B) {
	g := corpus.New(1, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	var texts []string
	for range 10 {
		texts = append(texts, g.Text(600))
	}
	for _, c := range []struct{ name, q string }{
		{"two-words", "lonely husband"},
		{"long", "worthless evening normal club feeling homework bed answer"},
		{"phrase", `"feel alone"`},
		{"prefix", "trus*"},
	} {
		q := search.Parse(c.q)
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				sn := search.NewSnippeter(q)
				for _, t := range texts {
					sn.Snippet(t, 24)
				}
			}
		})
	}
}
