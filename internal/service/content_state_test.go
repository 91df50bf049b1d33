package service_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/confide/confide/internal/database/dbtest"
	"github.com/confide/confide/internal/model"
	"github.com/confide/confide/internal/service"
	"github.com/confide/confide/internal/store"
)

// On PostgreSQL a comment's page change can commit after a newer one (its
// transaction took longer): new comments and approvals wait for each other
// on the kept counts, but the edit of a published comment does not. Another
// instance that already read the newer change must still learn of the
// older one, or a stale story page would stay cached.
func TestLateCommittedPageChangeIsLearnt(t *testing.T) {
	db := dbtest.Postgres(t)
	ctx := context.Background()
	writer, sec := newService(t, db)
	var a, b model.Story
	for i, st := range []*model.Story{&a, &b} {
		*st = model.Story{Title: []string{"First story", "Second story"}[i], Letter: "l", SectionID: sec.ID, Status: model.StoryPublished}
		if err := writer.AddStory(ctx, st); err != nil {
			t.Fatal(err)
		}
	}
	// Another instance on the same database.
	other := service.New(store.New(db), service.Options{Now: func() time.Time { return now }})
	before, err := other.ContentState(ctx)
	if err != nil {
		t.Fatal(err)
	}
	st := store.New(db)
	edited := model.Comment{StoryID: a.ID, AuthorName: "Late", Body: "slow", Status: model.CommentApproved, CreatedAt: now}
	if err := st.CreateComment(ctx, &edited); err != nil {
		t.Fatal(err)
	}
	before, err = other.ContentState(ctx)
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(service.VersionMaxAge + 10*time.Millisecond)
	if before, err = other.ContentState(ctx); err != nil {
		t.Fatal(err)
	}
	hold, release := make(chan struct{}), make(chan struct{})
	late := make(chan error, 1)
	go func() { // takes the older seq, commits last
		late <- st.InTx(ctx, func(ctx context.Context) error {
			edited.Body = "slow, edited"
			if err := st.UpdateComment(ctx, &edited); err != nil {
				return err
			}
			close(hold)
			<-release
			return nil
		})
	}()
	<-hold
	if err := st.CreateComment(ctx, &model.Comment{StoryID: b.ID, AuthorName: "Quick", Body: "fast",
		Status: model.CommentApproved, CreatedAt: now}); err != nil {
		t.Fatal(err)
	}
	time.Sleep(service.VersionMaxAge + 10*time.Millisecond) // the other instance's state is due for a read
	mid, err := other.ContentState(ctx)
	if err != nil {
		t.Fatal(err)
	}
	ids, complete := other.StoriesChanged(before.Changes, mid.Changes)
	if !complete || !slices.Equal(ids, []int64{b.ID}) {
		t.Fatalf("after the quick comment: %v %v", ids, complete)
	}
	close(release)
	if err := <-late; err != nil {
		t.Fatal(err)
	}
	time.Sleep(service.VersionMaxAge + 10*time.Millisecond)
	after, err := other.ContentState(ctx)
	if err != nil {
		t.Fatal(err)
	}
	ids, complete = other.StoriesChanged(mid.Changes, after.Changes)
	if !complete || !slices.Equal(ids, []int64{a.ID}) {
		t.Errorf("the late comment's story was not learnt: %v %v (%+v → %+v)", ids, complete, mid, after)
	}
}
