// Command corpus fills a database with the deterministic benchmark corpus:
//
//	go run ./bench/cmd/corpus --db sqlite:/tmp/bench.db --stories 10000
//
// It refuses a database that already has stories, so a run is never mixed.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/confide/confide/bench/corpus"
	"github.com/confide/confide/internal/database"
	"github.com/confide/confide/internal/markup"
	"github.com/confide/confide/internal/model"
	"github.com/confide/confide/internal/service"
	"github.com/confide/confide/internal/store"
)

func main() {
	dbURL := flag.String("db", "", "database to fill: sqlite:PATH or postgres://…")
	n := flag.Int("stories", 10000, "number of stories (about 20 comments each)")
	seed := flag.Int64("seed", 1, "random seed; the same seed gives the same corpus")
	batch := flag.Int("batch", 500, "stories per transaction")
	related := flag.Bool("related", false, "make every story's related stories, as a site that has run a while has them")
	flag.Parse()
	if *dbURL == "" || *n < 1 || *batch < 1 {
		fmt.Fprintln(os.Stderr, "corpus: --db is required; --stories and --batch must be positive")
		os.Exit(2)
	}
	if err := run(*dbURL, *n, *seed, *batch, *related); err != nil {
		fmt.Fprintln(os.Stderr, "corpus:", err)
		os.Exit(1)
	}
}

func run(dbURL string, n int, seed int64, batch int, related bool) error {
	ctx := context.Background()
	db, err := database.Open(ctx, dbURL)
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		return err
	}
	st := store.New(db)
	if _, total, err := st.Stories(ctx, model.StoryFilter{Limit: 1}); err != nil {
		return err
	} else if total > 0 {
		return fmt.Errorf("%s already has %d stories", db.Redacted(), total)
	}
	start := time.Now()
	// A fixed "now" keeps the corpus identical from run to run.
	g := corpus.New(seed, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	comments, err := corpus.Load(ctx, st, g, n, batch, markup.Slugify, func(done int) {
		fmt.Fprintf(os.Stderr, "\rcorpus: %d/%d stories (%s)", done, n, time.Since(start).Round(time.Second))
	})
	fmt.Fprintln(os.Stderr)
	if err != nil {
		return err
	}
	if err := st.OptimizeSearch(ctx); err != nil {
		return err
	}
	fmt.Printf("corpus: %d stories and %d comments in %s\n", n, comments, time.Since(start).Round(time.Millisecond))
	if related {
		return makeRelated(ctx, st)
	}
	return nil
}

// makeRelated makes the related stories of every published story.
func makeRelated(ctx context.Context, st *store.Store) error {
	start := time.Now()
	err := service.New(st, service.Options{}).MakeAllRelated(ctx, func(done, total int) {
		if done%500 == 0 || done == total {
			fmt.Fprintf(os.Stderr, "\rcorpus: related stories of %d/%d (%s)", done, total, time.Since(start).Round(time.Second))
		}
	})
	fmt.Fprintln(os.Stderr)
	return err
}
