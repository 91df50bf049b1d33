package store_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/confide/confide/internal/database"
	"github.com/confide/confide/internal/database/dbtest"
	"github.com/confide/confide/internal/model"
)

func TestRelatedListsKept(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		s := newSearchSite(t, db)
		st := s.st
		id := func(key string) int64 { return s.byKey[key].ID }
		owner := id("title-trust")

		if _, _, err := st.RelatedList(ctx, owner); !errors.Is(err, model.ErrNotFound) {
			t.Fatalf("no list yet: %v", err)
		}
		save := func(ids []int64, version int64) {
			t.Helper()
			if err := st.InTx(ctx, func(ctx context.Context) error {
				return st.SaveRelatedList(ctx, owner, ids, version, t0)
			}); err != nil {
				t.Fatal(err)
			}
		}
		check := func(want []int64, wantVersion int64) {
			t.Helper()
			got, v, err := st.RelatedList(ctx, owner)
			if err != nil || !slices.Equal(got, want) || v != wantVersion {
				t.Fatalf("kept list %v at %d (%v), want %v at %d", got, v, err, want, wantVersion)
			}
		}
		save([]int64{id("reply-trust"), id("trusting")}, 3)
		check([]int64{id("reply-trust"), id("trusting")}, 3)
		save([]int64{id("phrase")}, 2) // made earlier, saved later: ignored
		check([]int64{id("reply-trust"), id("trusting")}, 3)
		save([]int64{id("phrase")}, 4)
		check([]int64{id("phrase")}, 4)
		save(nil, 5) // no story like it
		check(nil, 5)

		// Published stories, in the order asked, without drafts, withdrawn
		// or unknown ones.
		got, err := st.PublishedStoriesByID(ctx, []int64{id("trusting"), id("draft"), 999999, id("withdrawn"), id("reply-trust")})
		if err != nil || len(got) != 2 || got[0].Slug != "trusting" || got[1].Slug != "reply-trust" {
			t.Fatalf("published stories by id: %v %v", got, err)
		}

		all, err := st.PublishedStoryIDs(ctx)
		if err != nil || len(all) != s.published || !slices.IsSorted(all) || slices.Contains(all, id("draft")) {
			t.Fatalf("published story ids: %v (%v), want %d oldest first", all, err, s.published)
		}

		// Deleting the story deletes its list.
		if err := st.DeleteStory(ctx, owner); err != nil {
			t.Fatal(err)
		}
		if _, _, err := st.RelatedList(ctx, owner); !errors.Is(err, model.ErrNotFound) {
			t.Fatalf("list of a deleted story: %v", err)
		}
	})
}
