package corpus

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/confide/confide/internal/database"
	"github.com/confide/confide/internal/database/dbtest"
	"github.com/confide/confide/internal/markup"
	"github.com/confide/confide/internal/model"
	"github.com/confide/confide/internal/store"
)

var now = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func TestDeterministic(t *testing.T) {
	a, _, ac := New(7, now).Story(3, 10)
	b, _, bc := New(7, now).Story(3, 10)
	if a.Letter != b.Letter || a.Title != b.Title || len(ac) != len(bc) {
		t.Fatal("same seed gave different stories")
	}
	c, _, _ := New(8, now).Story(3, 10)
	if c.Letter == a.Letter {
		t.Fatal("different seeds gave the same story")
	}
}

func TestShape(t *testing.T) {
	g := New(1, now)
	var letterWords, replyWords, comments int
	freq := map[string]int{}
	const n = 200
	for i := 0; i < n; i++ {
		st, sec, cs := g.Story(i, n)
		if sec == "" || st.PublishedAt.After(now) {
			t.Fatalf("story %d: section %q, published %v", i, sec, st.PublishedAt)
		}
		letterWords += len(strings.Fields(st.Letter))
		replyWords += len(strings.Fields(st.Reply))
		if len(cs) > 40 {
			t.Fatalf("%d comments", len(cs))
		}
		comments += len(cs)
		for _, w := range strings.Fields(st.Letter) {
			freq[strings.ToLower(strings.Trim(w, "."))]++
		}
	}
	if avg := letterWords / n; avg < 550 || avg > 650 {
		t.Errorf("letters average %d words, want ~600", avg)
	}
	if avg := replyWords / n; avg < 750 || avg > 850 {
		t.Errorf("replies average %d words, want ~800", avg)
	}
	if avg := float64(comments) / n; avg < 15 || avg > 25 {
		t.Errorf("%.1f comments per story, want ~20", avg)
	}
	// Zipf: the commonest word is far commoner than a mid-list one.
	if freq["the"] < 20*freq["kitchen"] || freq["kitchen"] == 0 {
		t.Errorf("word frequencies not Zipf-like: the=%d kitchen=%d", freq["the"], freq["kitchen"])
	}
}

func TestLoad(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *database.DB) {
		st := store.New(db)
		ctx := context.Background()
		comments, err := Load(ctx, st, New(1, now), 25, 10, markup.Slugify, nil)
		if err != nil {
			t.Fatal(err)
		}
		list, total, err := st.Stories(ctx, model.StoryFilter{Status: model.StoryPublished, Limit: 1})
		if err != nil || total != 25 || !strings.HasSuffix(list[0].Slug, "-25") {
			t.Fatalf("stories: %d, newest %v, %v", total, list, err)
		}
		_, n, err := st.LatestComments(ctx, 1, 0, 1<<30)
		if err != nil || n != comments || comments == 0 {
			t.Fatalf("comments: %d stored, %d written, %v", n, comments, err)
		}
	})
}
