package store_test

import (
	"context"
	"slices"
	"testing"

	"github.com/confide/confide/internal/database"
	"github.com/confide/confide/internal/database/dbtest"
	"github.com/confide/confide/internal/model"
)

// The admin list's title filter matches beginnings of the title's words,
// drafts included, newest first, counted up to a limit.
func TestAdminStoriesTitleFilter(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		slugs := func(list []model.Story) []string {
			var out []string
			for _, s := range list {
				out = append(out, s.Slug)
			}
			return out
		}
		cases := []struct {
			query, status string
			limit, offset int
			countUpTo     int
			want          []string
			total         int
		}{
			{"fres", "", 10, 0, 100, []string{"fresh-story"}, 1},
			{"TITLE", "", 10, 0, 100, []string{"draft-story", "fresh-story", "old-story"}, 3},
			{"title", "", 1, 1, 100, []string{"fresh-story"}, 3},
			{"title", "draft", 10, 0, 100, []string{"draft-story"}, 1},
			{"title", "", 10, 0, 2, []string{"draft-story", "fresh-story"}, 2},
			{"title -old", "", 10, 0, 100, []string{"draft-story", "fresh-story"}, 2},
			{"nothing here", "", 10, 0, 100, nil, 0},
			{"the", "", 10, 0, 100, nil, 0},
		}
		for _, tc := range cases {
			list, total, err := f.st.AdminStories(ctx, tc.query, tc.status, tc.limit, tc.offset, tc.countUpTo)
			if err != nil {
				t.Fatalf("%q: %v", tc.query, err)
			}
			if got := slugs(list); total != tc.total || len(got) != len(tc.want) || (len(got) > 0 && !slices.Equal(got, tc.want)) {
				t.Errorf("%q %s [%d:%d]: %v (total %d), want %v (total %d)", tc.query, tc.status, tc.offset, tc.limit, got, total, tc.want, tc.total)
			}
		}
		// Very common words alone, which the search index leaves out, are
		// looked for as text in the titles.
		after := model.Story{Slug: "after-the-storm", SectionID: f.family.ID, Title: "After the storm", Letter: "A letter.",
			Status: model.StoryDraft, CreatedAt: t0, UpdatedAt: t0}
		if err := f.st.CreateStory(ctx, &after); err != nil {
			t.Fatal(err)
		}
		for q, want := range map[string]int{"after the": 1, "AFTER THE": 1, "the": 1, "after  the": 0, "%": 0} {
			list, total, err := f.st.AdminStories(ctx, q, "", 10, 0, 100)
			if err != nil || total != want || len(list) != want || (want == 1 && list[0].Slug != "after-the-storm") {
				t.Errorf("%q: %v (total %d, %v), want %d", q, slugs(list), total, err, want)
			}
		}
		if _, total, _ := f.st.AdminStories(ctx, "after the", model.StoryPublished, 10, 0, 100); total != 0 {
			t.Errorf("the status filter is lost with a text search: %d", total)
		}
		if err := f.st.DeleteStory(ctx, after.ID); err != nil {
			t.Fatal(err)
		}

		// Without a query: every story, newest change first, counted by the kept counts.
		list, total, err := f.st.AdminStories(ctx, "", "", 10, 0, 100)
		if err != nil || total != 3 || len(list) != 3 {
			t.Fatalf("all: %v %d %v", slugs(list), total, err)
		}
	})
}
