package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/confide/confide/internal/database"
	"github.com/confide/confide/internal/database/dbtest"
	"github.com/confide/confide/internal/model"
	"github.com/confide/confide/internal/store"
)

var t0 = time.Date(2024, 5, 1, 10, 0, 0, 123456000, time.UTC)

// fixture is a small site: two sections, three stories (one draft), comments
// in several states.
type fixture struct {
	st                *store.Store
	family, work      model.Section
	old, fresh, draft model.Story
}

func newFixture(t *testing.T, db *database.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	f := &fixture{st: store.New(db)}
	f.family = model.Section{Slug: "family", Name: "Family", Position: 2, CreatedAt: t0}
	f.work = model.Section{Slug: "work-and-money", Name: "Work and money", Position: 1, CreatedAt: t0}
	for _, sec := range []*model.Section{&f.family, &f.work} {
		if err := f.st.CreateSection(ctx, sec); err != nil {
			t.Fatal(err)
		}
	}
	mk := func(slug string, sec model.Section, status string, pub time.Time) model.Story {
		s := model.Story{Slug: slug, SectionID: sec.ID, Title: "Title " + slug, AuthorName: "Ann",
			Letter: "Letter of " + slug, Reply: "Reply **to** " + slug, AdvisorName: "Rose", Signature: "Warmly, Rose",
			Status: status, PublishedAt: pub, CreatedAt: t0, UpdatedAt: t0}
		if err := f.st.CreateStory(ctx, &s); err != nil {
			t.Fatal(err)
		}
		return s
	}
	f.old = mk("old-story", f.family, model.StoryPublished, t0)
	f.fresh = mk("fresh-story", f.family, model.StoryPublished, t0.Add(48*time.Hour))
	f.draft = mk("draft-story", f.work, model.StoryDraft, time.Time{})
	for i, c := range []model.Comment{
		{StoryID: f.old.ID, AuthorName: "B", Body: "second", Status: model.CommentApproved, CreatedAt: t0.Add(2 * time.Hour)},
		{StoryID: f.old.ID, AuthorName: "A", Body: "first", Status: model.CommentApproved, CreatedAt: t0.Add(time.Hour)},
		{StoryID: f.old.ID, AuthorName: "P", Body: "pending", Status: model.CommentPending, CreatedAt: t0.Add(3 * time.Hour)},
		{StoryID: f.fresh.ID, AuthorName: "C", Body: "newest", Status: model.CommentApproved, CreatedAt: t0.Add(72 * time.Hour)},
		{StoryID: f.draft.ID, AuthorName: "D", Body: "on a draft", Status: model.CommentApproved, CreatedAt: t0.Add(96 * time.Hour)},
	} {
		if err := f.st.CreateComment(ctx, &c); err != nil {
			t.Fatalf("comment %d: %v", i, err)
		}
	}
	return f
}

func TestStoryReadWrite(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		f := newFixture(t, db)

		got, err := f.st.StoryBySlug(ctx, "old-story")
		if err != nil {
			t.Fatal(err)
		}
		if got.Title != "Title old-story" || got.Reply != "Reply **to** old-story" || got.SectionSlug != "family" ||
			got.SectionName != "Family" || got.Signature != "Warmly, Rose" || got.AuthorName != "Ann" {
			t.Errorf("story read back wrong: %+v", got)
		}
		if !got.PublishedAt.Equal(t0) || got.PublishedAt.Location() != time.UTC {
			t.Errorf("published_at = %v, want %v in UTC", got.PublishedAt, t0)
		}
		if got.CommentCount != 2 {
			t.Errorf("comment count = %d, want 2 approved", got.CommentCount)
		}
		draft, err := f.st.StoryBySlug(ctx, "draft-story")
		if err != nil {
			t.Fatal(err)
		}
		if !draft.PublishedAt.IsZero() {
			t.Errorf("draft published_at = %v, want zero", draft.PublishedAt)
		}

		_, err = f.st.StoryBySlug(ctx, "nope")
		if model.ErrorCode(err) != model.ENOTFOUND {
			t.Errorf("missing story: code %q, err %v", model.ErrorCode(err), err)
		}

		dup := f.old
		dup.ID = 0
		if err := f.st.CreateStory(ctx, &dup); model.ErrorCode(err) != model.ECONFLICT {
			t.Errorf("duplicate slug: code %q, err %v", model.ErrorCode(err), err)
		}
		taken, err := f.st.StorySlugTaken(ctx, "old-story")
		if err != nil || !taken {
			t.Errorf("StorySlugTaken(old-story) = %v, %v", taken, err)
		}
	})
}

func TestStoriesListing(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		f := newFixture(t, db)

		list, total, err := f.st.Stories(ctx, model.StoryFilter{Status: model.StoryPublished, Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		if total != 2 || len(list) != 2 || list[0].Slug != "fresh-story" || list[1].Slug != "old-story" {
			t.Fatalf("published listing: total %d, %v", total, slugs(list))
		}
		if list[0].Reply != "" {
			t.Errorf("listing should leave the reply out")
		}
		if list[1].CommentCount != 2 || list[0].CommentCount != 1 {
			t.Errorf("comment counts %d, %d", list[1].CommentCount, list[0].CommentCount)
		}

		page2, total, err := f.st.Stories(ctx, model.StoryFilter{Status: model.StoryPublished, Limit: 1, Offset: 1})
		if err != nil || total != 2 || len(page2) != 1 || page2[0].Slug != "old-story" {
			t.Fatalf("page 2: %v total %d err %v", slugs(page2), total, err)
		}

		work, total, err := f.st.Stories(ctx, model.StoryFilter{Status: model.StoryPublished, SectionID: f.work.ID})
		if err != nil || total != 0 || len(work) != 0 {
			t.Fatalf("work section should have no published story: %v %d %v", slugs(work), total, err)
		}

		secs, err := f.st.Sections(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(secs) != 2 || secs[0].Slug != "work-and-money" || secs[0].StoryCount != 0 || secs[1].StoryCount != 2 {
			t.Fatalf("sections: %+v", secs)
		}
		sec, err := f.st.SectionBySlug(ctx, "family")
		if err != nil || sec.ID != f.family.ID {
			t.Fatalf("section by slug: %+v %v", sec, err)
		}
		if _, err := f.st.SectionBySlug(ctx, "x"); model.ErrorCode(err) != model.ENOTFOUND {
			t.Fatalf("missing section: %v", err)
		}

		chunks, err := f.st.SitemapChunks(ctx)
		if err != nil || len(chunks) != 1 || chunks[0].Number != 1 || chunks[0].LastMod.IsZero() {
			t.Fatalf("sitemap chunks: %+v %v", chunks, err)
		}
		stamps, err := f.st.SitemapStories(ctx, 1, 10)
		if err != nil || len(stamps) != 2 || stamps[1].Slug != "fresh-story" {
			t.Fatalf("stamps: %+v %v", stamps, err)
		}
	})
}

func TestComments(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		f := newFixture(t, db)

		cs, err := f.st.StoryComments(ctx, f.old.ID, model.CommentApproved, 100, 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(cs) != 2 || cs[0].Body != "first" || cs[1].Body != "second" || cs[0].StorySlug != "old-story" {
			t.Fatalf("approved comments oldest first: %+v", cs)
		}
		latest, total, err := f.st.LatestComments(ctx, 2, 0, 100)
		if err != nil {
			t.Fatal(err)
		}
		// The draft's comment and the pending one are never listed.
		if total != 3 || len(latest) != 2 || latest[0].Body != "newest" || latest[1].Body != "second" {
			t.Fatalf("latest: total %d, %+v", total, latest)
		}
		latest, total, err = f.st.LatestComments(ctx, 5, 2, 0)
		if err != nil || total != -1 || len(latest) != 1 || latest[0].Body != "first" {
			t.Fatalf("latest page 2: total %d, %+v, %v", total, latest, err)
		}
	})
}

func TestSettingsAndPages(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		st := store.New(db)
		for _, v := range []string{"First", "Second"} {
			if err := st.SetSetting(ctx, model.SettingSiteName, v); err != nil {
				t.Fatal(err)
			}
		}
		m, err := st.Settings(ctx)
		if err != nil || m[model.SettingSiteName] != "Second" || len(m) != 1 {
			t.Fatalf("settings: %v %v", m, err)
		}
		p := model.Page{Slug: "about", Title: "About", Body: "v1", UpdatedAt: t0}
		if err := st.SavePage(ctx, &p); err != nil {
			t.Fatal(err)
		}
		p.Body = "v2"
		if err := st.SavePage(ctx, &p); err != nil {
			t.Fatal(err)
		}
		got, err := st.PageBySlug(ctx, "about")
		if err != nil || got.Body != "v2" || !got.UpdatedAt.Equal(t0) {
			t.Fatalf("page: %+v %v", got, err)
		}
		if _, err := st.PageBySlug(ctx, "privacy"); model.ErrorCode(err) != model.ENOTFOUND {
			t.Fatalf("missing page: %v", err)
		}
	})
}

func TestInTxRollsBack(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		st := store.New(db)
		boom := errors.New("boom")
		err := st.InTx(ctx, func(ctx context.Context) error {
			if err := st.CreateSection(ctx, &model.Section{Slug: "a", Name: "A", CreatedAt: t0}); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("InTx returned %v", err)
		}
		secs, err := st.Sections(ctx)
		if err != nil || len(secs) != 0 {
			t.Fatalf("rolled-back section is visible: %+v %v", secs, err)
		}
	})
}

func slugs(list []model.Story) []string {
	var out []string
	for _, s := range list {
		out = append(out, s.Slug)
	}
	return out
}

func TestContentStateMovesWithEveryWrite(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		st := store.New(db)
		last, err := st.ContentState(ctx, 0)
		if err != nil {
			t.Fatal(err)
		}
		sec := model.Section{Slug: "s", Name: "S", CreatedAt: t0}
		story := model.Story{Slug: "x", Title: "X", Letter: "l", Status: model.StoryPublished, CreatedAt: t0, UpdatedAt: t0}
		held := model.Comment{AuthorName: "h", Body: "held", Status: model.CommentPending, CreatedAt: t0}
		// version: the write must bump the version (every page may change);
		// changes: it must leave the version and add a page change (only its
		// story's pages change); none: no page changes at all.
		for _, w := range []struct {
			name, want string
			write      func() error
		}{
			{"section", "version", func() error { return st.CreateSection(ctx, &sec) }},
			{"story", "version", func() error { story.SectionID = sec.ID; return st.CreateStory(ctx, &story) }},
			{"approved comment", "changes", func() error {
				return st.CreateComment(ctx, &model.Comment{StoryID: story.ID, AuthorName: "a", Body: "b", Status: model.CommentApproved, CreatedAt: t0})
			}},
			{"held comment", "none", func() error { held.StoryID = story.ID; return st.CreateComment(ctx, &held) }},
			{"spam verdict", "none", func() error { held.Status = model.CommentSpam; return st.UpdateComment(ctx, &held) }},
			{"approval", "changes", func() error { held.Status = model.CommentApproved; return st.UpdateComment(ctx, &held) }},
			{"deletion", "changes", func() error { return st.DeleteComment(ctx, held.ID) }},
			{"setting", "version", func() error { return st.SetSetting(ctx, "k", "v") }},
			{"page", "version", func() error {
				return st.SavePage(ctx, &model.Page{Slug: "about", Title: "t", Body: "b", UpdatedAt: t0})
			}},
		} {
			if err := w.write(); err != nil {
				t.Fatalf("%s: %v", w.name, err)
			}
			v, err := st.ContentState(ctx, 0)
			if err != nil {
				t.Fatal(err)
			}
			got := "none"
			switch {
			case v.Version > last.Version:
				got = "version"
			case v.MaxSeq > last.MaxSeq:
				got = "changes"
			}
			if got != w.want || v.Version < last.Version || v.MaxSeq < last.MaxSeq || v.Recent-last.Recent != v.MaxSeq-last.MaxSeq {
				t.Errorf("%s moved the state %+v → %+v (%s), want %s", w.name, last, v, got, w.want)
			}
			if w.want == "changes" {
				ch, err := st.PageChanges(ctx, last.MaxSeq, 10)
				if err != nil || len(ch) == 0 || ch[0].StoryID != story.ID {
					t.Errorf("%s: page changes %+v, %v; want story %d", w.name, ch, err, story.ID)
				}
			}
			last = v
		}
		// A failed write (taken slug) leaves the version alone.
		dup := story
		if err := st.CreateStory(ctx, &dup); model.ErrorCode(err) != model.ECONFLICT {
			t.Fatalf("duplicate: %v", err)
		}
		if v, _ := st.ContentState(ctx, 0); v != last {
			t.Errorf("failed write changed the state %+v → %+v", last, v)
		}
	})
}
