package store

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/confide/confide/internal/database"
	"github.com/confide/confide/internal/model"
	"github.com/confide/confide/internal/search"
)

func TestTmpSteps(t *testing.T) {
	url := os.Getenv("CONFIDE_BENCH_DB")
	if url == "" {
		t.Skip()
	}
	ctx := context.Background()
	db, err := database.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	s := New(db)
	for _, qs := range []string{"secret might start talk anything exhausted nothing silence", `"distance feel"`, "teenage -year", "cared -still"} {
		q := search.Parse(qs)
		f := model.SearchFilter{Status: model.StoryPublished, Limit: 10, MaxTotal: 1001}
		for round := 0; round < 3; round++ {
			sq := newSQLiteSearch(storiesSearch, q, f)
			tm := map[string]time.Duration{}
			st := time.Now()
			newest, _ := s.ids(ctx, fmt.Sprintf("SELECT f.rowid%s ORDER BY f.rowid DESC LIMIT %d", sq.body(), 1001), sq.args)
			tm["count1001"] = time.Since(st)
			st = time.Now()
			s.ids(ctx, fmt.Sprintf("SELECT f.rowid%s ORDER BY f.rowid DESC LIMIT %d", sq.body(), 301), sq.args)
			tm["count301"] = time.Since(st)
			for _, w := range []int{1000, 300} {
				window := newest[:min(w, len(newest))]
				st = time.Now()
				rare, _ := s.rareTerms(ctx, storiesSearch, q, window)
				tm[fmt.Sprint("rare", w)] = time.Since(st)
				st = time.Now()
				s.rankByRare(ctx, storiesSearch, rare, window[len(window)-1], window, 10)
				tm[fmt.Sprint("rank", w)] = time.Since(st)
			}
			st = time.Now()
			s.ids(ctx, fmt.Sprintf("SELECT rowid FROM %s WHERE %s MATCH $1 ORDER BY rowid DESC LIMIT %d",
				"stories_title_fts", "stories_title_fts", 1200), []any{fts5Query(search.Query{Terms: q.Include()})})
			tm["titles"] = time.Since(st)
			st = time.Now()
			s.storiesByID(ctx, newest[:10], true)
			tm["stories"] = time.Since(st)
			st = time.Now()
			stories, _ := s.storiesByID(ctx, newest[:10], true)
			for _, x := range stories {
				snippet(q, x.Letter, x.Reply)
			}
			tm["stories+snippets"] = time.Since(st)
			st = time.Now()
			s.SearchStories(ctx, q, f)
			tm["whole"] = time.Since(st)
			if round == 2 {
				t.Logf("%q: %v", qs, tm)
			}
		}
	}
}
