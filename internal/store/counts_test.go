package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/confide/confide/internal/database"
	"github.com/confide/confide/internal/database/dbtest"
	"github.com/confide/confide/internal/model"
	"github.com/confide/confide/internal/service"
)

// The kept counts (migration 0010) follow every change to stories and
// comments, whichever way it is made, and read like counting would.
func TestKeptCounts(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		check := func(when string, stories, published, drafts, approved, pending, family, work, oldComments int) {
			t.Helper()
			c, err := f.st.Counts(ctx)
			if err != nil {
				t.Fatal(err)
			}
			want := model.Counts{Stories: stories, Published: published, Drafts: drafts, Comments: approved,
				CommentsPending: pending, Users: c.Users}
			if c != want {
				t.Errorf("%s: dashboard %+v, want %+v", when, c, want)
			}
			secs, err := f.st.Sections(ctx)
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]int{}
			for _, s := range secs {
				got[s.Slug] = s.StoryCount
			}
			if got["family"] != family || got["work-and-money"] != work {
				t.Errorf("%s: section counts %v, want family %d, work %d", when, got, family, work)
			}
			_, total, err := f.st.Stories(ctx, model.StoryFilter{Status: model.StoryPublished, SectionID: f.family.ID, Limit: 1})
			if err != nil || total != family {
				t.Errorf("%s: family's published stories %d, want %d (%v)", when, total, family, err)
			}
			if _, total, _ := f.st.Stories(ctx, model.StoryFilter{Limit: 1}); total != stories {
				t.Errorf("%s: every story %d, want %d", when, total, stories)
			}
			if st, err := f.st.StoryByID(ctx, f.old.ID); err != nil || st.CommentCount != oldComments {
				t.Errorf("%s: old story's comments %v, want %d (%v)", when, st, oldComments, err)
			}
		}
		check("fixture", 3, 2, 1, 4, 1, 2, 0, 2)

		// Moderation (not yet a store method) approves the pending comment
		// and marks one as spam.
		exec := func(q string, args ...any) {
			t.Helper()
			if _, err := db.Write.ExecContext(ctx, q, args...); err != nil {
				t.Fatal(err)
			}
		}
		exec(`UPDATE comments SET status = 'approved' WHERE body = 'pending'`)
		check("approved", 3, 2, 1, 5, 0, 2, 0, 3)
		exec(`UPDATE comments SET status = 'spam' WHERE body = 'first'`)
		check("spam", 3, 2, 1, 4, 0, 2, 0, 2)
		exec(`UPDATE comments SET story_id = $1 WHERE body = 'newest'`, f.old.ID)
		check("moved comment", 3, 2, 1, 4, 0, 2, 0, 3)

		// Publishing, moving and deleting stories.
		draft := f.draft
		draft.Status, draft.PublishedAt, draft.UpdatedAt = model.StoryPublished, t0, t0.Add(time.Hour)
		if err := f.st.UpdateStory(ctx, &draft); err != nil {
			t.Fatal(err)
		}
		check("published the draft", 3, 3, 0, 4, 0, 2, 1, 3)
		old := f.old
		old.SectionID = f.work.ID
		if err := f.st.UpdateStory(ctx, &old); err != nil {
			t.Fatal(err)
		}
		check("moved a story", 3, 3, 0, 4, 0, 1, 2, 3)
		if err := f.st.DeleteStory(ctx, f.fresh.ID); err != nil {
			t.Fatal(err)
		}
		check("deleted a story", 2, 2, 0, 4, 0, 0, 2, 3)
		if err := f.st.DeleteStory(ctx, f.old.ID); err != nil {
			t.Fatal(err)
		}
		var left int
		if err := db.Read.QueryRowContext(ctx, `SELECT count(*) FROM story_counts WHERE story_id = $1`, f.old.ID).Scan(&left); err != nil || left != 0 {
			t.Errorf("a deleted story's count stays behind: %d %v", left, err)
		}
		// What is kept equals what counting finds.
		var counted, kept int
		db.Read.QueryRowContext(ctx, `SELECT count(*) FROM comments WHERE status = 'approved'`).Scan(&counted)
		db.Read.QueryRowContext(ctx, `SELECT n FROM counters WHERE name = 'comments:approved'`).Scan(&kept)
		if counted != kept {
			t.Errorf("approved comments: kept %d, counted %d", kept, counted)
		}
	})
}

// Sitemap files are runs of service.SitemapChunkSize ids; only runs with a
// published story are listed, with the last change of one of them.
func TestSitemapChunks(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		chunks, err := f.st.SitemapChunks(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(chunks) != 1 || chunks[0].Number != 1 || !chunks[0].LastMod.Equal(t0) {
			t.Fatalf("chunks: %+v", chunks)
		}
		if got, _ := f.st.SitemapStories(ctx, f.draft.ID, f.draft.ID); len(got) != 0 {
			t.Errorf("a draft in the sitemap: %+v", got)
		}

		// A story far on, in the third file; then a change to it.
		id := int64(2*service.SitemapChunkSize + 1)
		later := t0.Add(72 * time.Hour)
		if _, err := db.Write.ExecContext(ctx, `INSERT INTO stories (id, slug, section_id, title, letter, status, published_at, created_at, updated_at)
			VALUES ($1, 'far-on', $2, 'Far on', 'A letter.', 'published', $3, $3, $3)`, id, f.family.ID, later); err != nil {
			t.Fatal(err)
		}
		chunks, _ = f.st.SitemapChunks(ctx)
		if len(chunks) != 2 || chunks[1].Number != 3 || !chunks[1].LastMod.Equal(later) {
			t.Fatalf("after a story in file 3: %+v", chunks)
		}
		st, err := f.st.StoryByID(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		st.Status, st.UpdatedAt = model.StoryDraft, later.Add(time.Hour)
		if err := f.st.UpdateStory(ctx, st); err != nil {
			t.Fatal(err)
		}
		if chunks, _ = f.st.SitemapChunks(ctx); len(chunks) != 1 {
			t.Fatalf("file 3 has no published story left but is listed: %+v", chunks)
		}
		st.Status, st.UpdatedAt = model.StoryPublished, later.Add(2*time.Hour)
		if err := f.st.UpdateStory(ctx, st); err != nil {
			t.Fatal(err)
		}
		if chunks, _ = f.st.SitemapChunks(ctx); len(chunks) != 2 || !chunks[1].LastMod.Equal(later.Add(2*time.Hour)) {
			t.Fatalf("republished: %+v", chunks)
		}
		// The old stories' file loses one to a deletion and keeps listing the other.
		if err := f.st.DeleteStory(ctx, f.old.ID); err != nil {
			t.Fatal(err)
		}
		if chunks, _ = f.st.SitemapChunks(ctx); len(chunks) != 2 {
			t.Fatalf("after a deletion: %+v", chunks)
		}
		if err := f.st.DeleteStory(ctx, f.fresh.ID); err != nil {
			t.Fatal(err)
		}
		if chunks, _ = f.st.SitemapChunks(ctx); len(chunks) != 1 || chunks[0].Number != 3 {
			t.Fatalf("file 1 emptied: %+v", chunks)
		}
	})
}
